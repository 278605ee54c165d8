//! The storage port: snapshots in, daily totals, rankings and names out, plus the outbox and
//! mention cursors that make posting exactly-once.
//!
//! Split into four traits by concern; [`Store`] is all four, and is what the jobs take.
//! [`crate::MemoryStore`] is the reference implementation; every store must pass the conformance
//! suite in `watchtime_core::testkit` (feature `testkit`), which holds it to the memory store's
//! behaviour.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::lookup::{NameLookup, NameRecord};
use crate::outbox::{AuthorActivity, Claim, OutboxEntry, OutboxItem, OutboxKey, Settlement};
use crate::ranking::{RankingEntry, RankingQuery};
use crate::snapshot::{SlotSnapshot, SnapshotInfo};
use crate::time::{Day, DayRange, DayWindow, Slot};
use crate::totals::{DailyTotal, DayStatus, NamedTotal};

/// Raw snapshots: one per slot.
#[async_trait]
pub trait SnapshotStore: Send + Sync + Debug {
    /// Records a snapshot and its samples, and updates the names of its streamers and games.
    ///
    /// Contract:
    /// - Atomic: afterwards either all of the snapshot is stored or none of it.
    /// - Recording a slot that already has a snapshot **replaces** it (samples included), so a
    ///   retried or repeated collection never counts twice.
    /// - Names are the latest seen: a name is updated only from a snapshot at least as recent as
    ///   the one it was last seen in (importing old files does not regress names).
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> Result<()>;

    /// The snapshots whose slot starts in `[from, to)`, by slot.
    async fn snapshots(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<SnapshotInfo>>;

    /// Deletes the raw samples of slots before `before`, returning how many were deleted.
    /// Snapshot records, names and daily totals are kept.
    async fn prune_samples(&self, before: Slot) -> Result<u64>;
}

/// Daily totals and rankings.
#[async_trait]
pub trait TotalsStore: Send + Sync + Debug {
    /// Rolls the samples of `window` up into the day's totals, replacing any earlier totals of
    /// that day in one transaction (closing a day again is safe), and records its status.
    ///
    /// The totals must equal [`crate::totals::rollup`] of the day's snapshots.
    async fn close_day(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> Result<DayStatus>;

    /// The totals the day in `window` would get if closed now, with current names, computed from
    /// raw samples without storing anything: for "today so far".
    async fn preview_day(&self, window: &DayWindow) -> Result<Vec<NamedTotal>>;

    /// The stored totals of a closed day, sorted by (streamer, game). Empty for a day that is not
    /// closed.
    async fn day_totals(&self, day: Day) -> Result<Vec<DailyTotal>>;

    /// The status of every closed day in `range`, by day.
    async fn day_statuses(&self, range: DayRange) -> Result<Vec<DayStatus>>;

    /// The latest closed day, if any.
    async fn last_closed_day(&self) -> Result<Option<Day>>;

    /// A ranking over the closed days of `query.range`, exactly as [`crate::ranking::rank`] would
    /// compute it from their totals with the current names.
    async fn rank(&self, query: &RankingQuery) -> Result<Vec<RankingEntry>>;
}

/// Names of streamers and games, for lookup.
#[async_trait]
pub trait NameStore: Send + Sync + Debug {
    /// The names matching `lookup`, in any order: for [`NameLookup::Exact`] those with a key
    /// equal to it; for [`NameLookup::KeyLength`] those with a key of a length in range.
    async fn find_names(&self, lookup: &NameLookup) -> Result<Vec<NameRecord>>;
}

/// The outbox: intents and results of every post and reply, and the mention cursors.
#[async_trait]
pub trait OutboxStore: Send + Sync + Debug {
    /// Records the intent to send `item`, before sending it.
    ///
    /// Returns [`Claim::Fresh`] the first time (the entry is now pending), [`Claim::Settled`] if
    /// the item was already sent or skipped (do nothing), or [`Claim::Unfinished`] if an earlier
    /// attempt was claimed but never settled (it may or may not have gone out). Claiming an
    /// unfinished or failed entry counts one more attempt; the answer follows
    /// [`OutboxEntry::reclaim`].
    ///
    /// The first claim stores `item.payload` exactly (text, time and image hash, any Unicode);
    /// every later claim answers that stored payload and never replaces it, whatever it offers.
    /// Only an entry stored without a payload (written before payloads were kept) takes the one
    /// offered.
    async fn claim(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Claim>;

    /// Records the result of an attempt. Settling a settled entry changes nothing.
    async fn settle(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The entry for `key`, if it was ever claimed.
    async fn outbox_entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>>;

    /// How many replies, and how many "how to ask" replies, went (or are going) to `author` on
    /// `platform` since `since`.
    async fn author_activity(
        &self,
        platform: &str,
        author: &str,
        since: DateTime<Utc>,
    ) -> Result<AuthorActivity>;

    /// The stored mention cursor of `platform`.
    async fn mention_cursor(&self, platform: &str) -> Result<Option<String>>;

    /// Stores the mention cursor of `platform`.
    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> Result<()>;
}

/// Everything the bot stores. Implemented for every type that implements the four parts.
pub trait Store: SnapshotStore + TotalsStore + NameStore + OutboxStore {}

impl<T: SnapshotStore + TotalsStore + NameStore + OutboxStore + ?Sized> Store for T {}

/// A shared, type-erased store, as the binary wires it.
pub type DynStore = Arc<dyn Store>;
