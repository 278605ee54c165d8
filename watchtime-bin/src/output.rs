//! Writing to standard output and standard error as Unix tools do: when the reader of a pipe
//! goes away (`watchtime report | head -1`), the process ends there, quietly, with exit status
//! 0, instead of panicking with "failed printing to stdout: Broken pipe".
//!
//! Every line the binary prints goes through [`outln!`](crate::outln) or
//! [`errln!`](crate::errln); `outln!` and `errln!` are refused by clippy in this crate.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{self, Write};

/// Writes one line to standard output, or ends the process (see [`ended`]).
pub fn out(args: fmt::Arguments<'_>) {
    write_line(io::stdout().lock(), args);
}

/// Writes one line to standard error, or ends the process (see [`ended`]).
pub fn err(args: fmt::Arguments<'_>) {
    write_line(io::stderr().lock(), args);
}

fn write_line(mut to: impl Write, args: fmt::Arguments<'_>) {
    let written = to
        .write_fmt(args)
        .and_then(|()| to.write_all(b"\n"))
        .and_then(|()| to.flush());
    if let Err(e) = written {
        ended(&e);
    }
}

/// Ends the process after a failed write. A closed pipe is the reader saying it has seen
/// enough: exit 0 at once and say nothing, as a C tool killed by SIGPIPE says nothing (the
/// status is 0 rather than 141 so that `set -o pipefail` scripts running `watchtime report |
/// head` do not fail; ripgrep does the same). Work in flight stops as at a kill, which the
/// store and the outbox are built to survive. Any other failure (a full disk behind a
/// redirect) is an error, said on standard error if it still works.
pub fn ended(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
    std::process::exit(1);
}

/// `outln!` that ends the process quietly on a closed pipe (see [`crate::output`]).
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::out(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::out(format_args!($($arg)*))
    };
}

/// `errln!` that ends the process quietly on a closed pipe (see [`crate::output`]).
#[macro_export]
macro_rules! errln {
    () => {
        $crate::output::err(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::err(format_args!($($arg)*))
    };
}
