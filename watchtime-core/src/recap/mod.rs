//! Recaps: the weekly and monthly posts, from the totals the stores keep.
//!
//! A recap shows the period's top games and top streamers with their change in rank against
//! the period before ([`crate::movement`]), the biggest climb into the top 10, and a record
//! where a shown entry's total beats every earlier period of its own since tracking began.

mod build;
mod period;
#[cfg(test)]
mod tests;

pub use build::{Mover, Recap, RecordEntry, build_recap};
pub use period::{RecapKind, Recaps};
