//! Publishers the binary provides itself.

mod console;

pub use console::ConsolePublisher;
