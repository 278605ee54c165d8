//! Collecting: one sweep into one slot.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::ports::{Store, TwitchSource};
use crate::settings::Settings;
use crate::snapshot::{IngestReport, Snapshot, SnapshotInfo};

/// What one collection stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collected {
    /// The stored snapshot's record.
    pub info: SnapshotInfo,
    /// What the threshold and dedupe rules dropped.
    pub report: IngestReport,
}

/// Takes one snapshot from `source` and records it in its slot (replacing any earlier one).
/// `now` is the caller's clock: a sweep dated before 2011 or more than a day after it is refused
/// (see [`Snapshot::check_taken_at`]).
pub async fn collect<T, S>(
    source: &T,
    store: &S,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Collected>
where
    T: TwitchSource + ?Sized,
    S: Store + ?Sized,
{
    let snapshot = source.snapshot(settings.min_viewers).await?;
    record(store, snapshot, settings, now).await
}

/// Records a snapshot obtained elsewhere (an import, a test), under the same rules: its
/// `taken_at` must be plausible at `now` ([`Snapshot::check_taken_at`]), and streams whose ids
/// are not Helix ids are dropped and counted ([`Snapshot::into_slot`]).
pub async fn record<S: Store + ?Sized>(
    store: &S,
    snapshot: Snapshot,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Collected> {
    snapshot.check_taken_at(now)?;
    let slotted = snapshot.into_slot(settings.slot_length, settings.min_viewers);
    store.record_snapshot(&slotted).await?;
    Ok(Collected {
        info: SnapshotInfo::of(&slotted),
        report: slotted.report(),
    })
}
