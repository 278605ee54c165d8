//! The ingest baseline: what `record_snapshot` would cost written the obvious way, one statement
//! per row in one transaction, against the store's own schema and database.
//!
//! The baseline's connection also answers the report's questions about the database (rows, size)
//! and removes what the comparison wrote.

pub mod sqlite;

#[cfg(feature = "postgres")]
pub mod postgres;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use watchtime_core::{Settings, SlotSnapshot, Snapshot, Store};

use crate::measure::{Timings, timed};

/// Snapshots compared per run.
pub const SNAPSHOTS: usize = 20;
/// Untimed writes per side before timing, so neither pays for cold caches.
const WARM_UP: usize = 2;

/// A direct SQL connection to a store's database.
#[derive(Debug)]
pub enum Baseline {
    /// SQLite, on the store's file.
    Sqlite(sqlite::Writer),
    /// PostgreSQL, on the store's database.
    #[cfg(feature = "postgres")]
    Postgres(postgres::Writer),
}

impl Baseline {
    /// Writes `snapshot` row at a time, replacing its slot, in one transaction.
    pub async fn write(&mut self, snapshot: &SlotSnapshot) -> Result<()> {
        match self {
            Baseline::Sqlite(w) => w.write(snapshot).await,
            #[cfg(feature = "postgres")]
            Baseline::Postgres(w) => w.write(snapshot).await,
        }
    }

    /// Deletes the snapshots and samples of slots from `from_slot` on, and sets names last seen
    /// there back to the latest slot before it, undoing the comparison's writes.
    pub async fn remove_from(&mut self, from_slot: i64) -> Result<()> {
        match self {
            Baseline::Sqlite(w) => w.remove_from(from_slot).await,
            #[cfg(feature = "postgres")]
            Baseline::Postgres(w) => w.remove_from(from_slot).await,
        }
    }

    /// Row counts of the store's data tables.
    pub async fn row_counts(&mut self) -> Result<Vec<(&'static str, i64)>> {
        match self {
            Baseline::Sqlite(w) => w.row_counts().await,
            #[cfg(feature = "postgres")]
            Baseline::Postgres(w) => w.row_counts().await,
        }
    }

    /// Closes the connection, so the store's last close can checkpoint SQLite's WAL.
    pub async fn close(self) -> Result<()> {
        match self {
            Baseline::Sqlite(w) => w.close().await,
            #[cfg(feature = "postgres")]
            Baseline::Postgres(w) => w.close().await,
        }
    }

    /// The database's size on disk, in bytes.
    pub async fn size_bytes(&mut self) -> Result<i64> {
        match self {
            Baseline::Sqlite(w) => w.size_bytes().await,
            #[cfg(feature = "postgres")]
            Baseline::Postgres(w) => w.size_bytes().await,
        }
    }
}

/// The tables whose rows the report counts.
pub const TABLES: [&str; 8] = [
    "snapshots",
    "samples",
    "streamers",
    "games",
    "totals",
    "streamer_totals",
    "game_totals",
    "day_status",
];

/// Store and baseline timings over the same snapshots.
#[derive(Debug)]
pub struct Comparison {
    /// `record_snapshot`.
    pub store: Timings,
    /// Row-at-a-time writes.
    pub baseline: Timings,
    /// Average samples per compared snapshot.
    pub streams_avg: f64,
}

/// Times `record_snapshot` against the baseline on the largest [`SNAPSHOTS`] of `day`, moved to
/// slots from `bench_start` on (outside the filled range), and removes them afterwards.
///
/// Store and baseline write the same snapshot to neighbouring slots, alternating who goes first,
/// and every write is to a newer slot than all before it, so both update every streamer's name
/// row as live ingest does.
pub async fn compare(
    store: &dyn Store,
    baseline: &mut Baseline,
    day: &[SlotSnapshot],
    bench_start: DateTime<Utc>,
    settings: &Settings,
) -> Result<Comparison> {
    let length = settings.slot_length;
    let first_slot = length.slot_of(bench_start).unix();
    // Leftovers of an interrupted run.
    baseline.remove_from(first_slot).await?;
    let mut chosen: Vec<&SlotSnapshot> = day.iter().collect();
    chosen.sort_by_key(|s| std::cmp::Reverse(s.streams().len()));
    chosen.truncate(SNAPSHOTS);
    let slot_time = |k: usize| bench_start + Duration::seconds(length.seconds() * k as i64);

    let mut result = Comparison {
        store: Timings::default(),
        baseline: Timings::default(),
        streams_avg: chosen.iter().map(|s| s.streams().len()).sum::<usize>() as f64
            / chosen.len().max(1) as f64,
    };
    for (i, snapshot) in chosen.iter().cycle().take(WARM_UP).enumerate() {
        store
            .record_snapshot(&moved(snapshot, slot_time(2 * i), settings))
            .await
            .context("warm-up: record_snapshot")?;
        baseline
            .write(&moved(snapshot, slot_time(2 * i + 1), settings))
            .await
            .context("warm-up: baseline")?;
    }
    for (i, snapshot) in chosen.iter().enumerate() {
        let k = 2 * (WARM_UP + i);
        let (store_slot, baseline_slot) = if i % 2 == 0 { (k, k + 1) } else { (k + 1, k) };
        let for_store = moved(snapshot, slot_time(store_slot), settings);
        let for_baseline = moved(snapshot, slot_time(baseline_slot), settings);
        if i % 2 == 0 {
            result.store.push(time_store(store, &for_store).await?);
            result
                .baseline
                .push(time_baseline(baseline, &for_baseline).await?);
        } else {
            result
                .baseline
                .push(time_baseline(baseline, &for_baseline).await?);
            result.store.push(time_store(store, &for_store).await?);
        }
    }
    baseline.remove_from(first_slot).await?;
    Ok(result)
}

async fn time_store(store: &dyn Store, s: &SlotSnapshot) -> Result<std::time::Duration> {
    let (r, d) = timed(store.record_snapshot(s)).await;
    r.context("record_snapshot")?;
    Ok(d)
}

async fn time_baseline(baseline: &mut Baseline, s: &SlotSnapshot) -> Result<std::time::Duration> {
    let (r, d) = timed(baseline.write(s)).await;
    r.context("baseline write")?;
    Ok(d)
}

/// The same sweep taken at `at` (a slot start), bound as the core binds it.
fn moved(s: &SlotSnapshot, at: DateTime<Utc>, settings: &Settings) -> SlotSnapshot {
    let delay = s.taken_at() - s.slot().start();
    Snapshot {
        taken_at: at + delay,
        completeness: s.completeness().clone(),
        streams: s.streams().to_vec(),
    }
    .into_slot(settings.slot_length, settings.min_viewers)
}
