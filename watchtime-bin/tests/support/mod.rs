//! Shared by the tests that run the built `watchtime`: [`exe`] is the one way to start it (an
//! empty environment plus what the test sets), [`site`] a day of data and the platform fakes for
//! publishing scenarios.

#![allow(dead_code, unused_imports)] // test scaffolding: each test binary uses a part

pub mod browser;
pub mod exe;
pub mod running;
pub mod site;

pub use exe::{Run, command, simulated_day, stderr_until, text, watchtime};
pub use running::{PATIENCE, Running, stop, until};
pub use site::*;
