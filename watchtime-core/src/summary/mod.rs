//! Rankings over long ranges, fast and exact, from pre-summed blocks of days.
//!
//! A year holds millions of (day, streamer, game) totals; summing them all for every "top
//! streamers this year" would take seconds. SQL stores therefore keep, beside each day's totals,
//! the same totals summed over aligned [`Block`]s of 8 and 64 days. Any range is covered by a few
//! dozen blocks ([`cover`]), and [`top_k`] finds the exact best entries of the range by reading
//! only the head of each block (a threshold search), then summing just the candidates.
//!
//! The answer is exactly [`crate::ranking::rank`]'s; the conformance suite checks it.

mod blocks;
mod search;

pub use blocks::{Block, LEVELS, cover};
pub use search::{BlockHead, SummaryReader, top_k};
