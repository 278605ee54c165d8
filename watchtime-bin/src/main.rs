//! `watchtime`: see `watchtime --help` and README.md.

fn main() -> std::process::ExitCode {
    watchtime_bin::main()
}
