//! The simulated Twitch that the `watchtime demo` and `watchtime-bench` share.
//!
//! [`World`] is a pure function of a seed: a population of channels and games with Twitch's
//! shape (a heavy-tailed audience, a steep head of categories, regions with their own prime
//! time), and for every minute who is live, in which game, with how many viewers. Because the
//! count of every minute is known, so is the exact watch time of every (day, streamer, game):
//! [`World::truth`], the yardstick the accuracy benchmark holds the bot's sampling against.
//! [`SimulatedTwitch`] serves the world as a [`watchtime_core::ports::TwitchSource`].
//!
//! The crate depends only on `watchtime-core` and pure-Rust helpers (no runtime), so the demo,
//! the bench and tests can all use it.

#![deny(missing_docs)]

mod names;
mod population;
mod twitch;
mod world;

pub use population::{Channel, GAME_COUNT, Population};
pub use twitch::SimulatedTwitch;
pub use world::{Session, Truth, World};

#[cfg(test)]
mod tests;
