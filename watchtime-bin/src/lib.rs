//! The `watchtime` binary as a library, so its commands can be tested in-process.
//!
//! `main.rs` only calls [`main`]; each command lives in `commands/`, the simulator behind
//! `demo` in `sim/`, adapter choice in `wiring.rs`, and the chart images in `charts.rs`. Output goes through [`output`], so a
//! closed pipe ends the process quietly.

#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
pub mod output;

pub mod charts;
pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod logging;
pub mod publish;
pub mod secrets;
pub mod sim;
pub mod wiring;

use std::process::ExitCode;

use clap::Parser;
use watchtime_core::ErrorChain;

/// Parses the command line, runs the command, and turns errors into a message and exit code 1.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::resolve(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {}", ErrorChain(e.as_ref()));
            return ExitCode::from(2);
        }
    };
    logging::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            errln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Each layer says its own part once; see watchtime_core::ErrorChain.
            errln!("error: {}", ErrorChain(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}
