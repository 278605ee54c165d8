#![doc = include_str!("../README.md")]
//!
//! Where to look:
//! - [`time`]: slots, days (with DST) and the clock;
//! - [`snapshot`], [`totals`], [`ranking`], [`draw`]: the counting rules;
//! - [`summary`]: block summaries and the exact top-k search that SQL stores rank with;
//! - [`query`], [`lookup`], [`text`]: reading questions and finding names;
//! - [`message`]: post and reply text, fitted to each platform's limit;
//! - [`ports`]: the traits to implement; [`MemoryStore`]: the reference store;
//! - [`bot`]: the jobs (collect, close, post, ask, answer) written against the ports;
//! - `testkit` (feature `testkit`): the conformance suite every store must pass.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod bot;
pub mod draw;
mod error;
pub mod ids;
pub mod jsonl;
pub mod lookup;
mod memory;
pub mod message;
pub mod movement;
pub mod outbox;
pub mod ports;
pub mod query;
pub mod ranking;
pub mod recap;
pub mod report;
pub mod retry;
pub mod schedule;
pub mod series;
mod settings;
pub mod snapshot;
pub mod summary;
pub mod text;
pub mod time;
pub mod totals;

#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

/// The traits, for `use watchtime_core::prelude::*;` where their methods are called on
/// concrete types.
pub mod prelude {
    pub use crate::ports::{
        MentionSource, NameStore, OutboxStore, Publisher, SnapshotStore, Store, TotalsStore,
        TwitchSource,
    };
    pub use crate::time::Clock;
}

/// The date and time crate every job signature speaks (`DateTime<Utc>` for "now"), re-exported
/// so a user's version always matches the core's.
pub use chrono;
/// The time zone database behind [`DayCalendar`], re-exported for the same reason as [`chrono`].
pub use chrono_tz;
/// The zone type a [`DayCalendar`] is built from (`chrono_tz::Tz`).
pub use chrono_tz::Tz;
pub use error::{BoxError, Error, ErrorChain, Result};
pub use ids::{EntityId, Game, GameId, Kind, Streamer, StreamerId};
pub use memory::MemoryStore;
pub use ports::{
    DynMentionSource, DynPostImages, DynPublisher, DynStore, DynTwitchSource, MentionSource,
    PostImages, Publisher, Store, TwitchSource,
};
/// The secret string type of [`ports::OutboxStore::platform_secret`], re-exported so a store's
/// and an adapter's versions always match.
pub use secrecy;
pub use settings::Settings;
pub use snapshot::{Completeness, SlotSnapshot, Snapshot, StreamSample};
pub use time::{Clock, Day, DayCalendar, DayRange, Slot, SlotLength, Span};
