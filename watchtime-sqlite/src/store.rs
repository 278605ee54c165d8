//! The store itself: connecting, migrating, and recording snapshots.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use watchtime_core::ports::SnapshotStore;
use watchtime_core::snapshot::{Completeness, SlotSnapshot, SnapshotInfo};
use watchtime_core::text::{key_len, name_key};
use watchtime_core::{Slot, Span};

use crate::codec::{from_ns, slot_length, to_ns, unsigned};
use crate::error::{Result, SqliteError};

/// The migrations embedded in the binary, applied by [`SqliteStore::connect`].
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another connection's write (another process, or the daemon
/// while a command runs) before giving up with "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How many rows a connection's worker thread may read ahead of the task taking them (sqlx's
/// default is 50). Every time that buffer fills, the worker sleeps until the task drains it and
/// both sides pay a wake-up: with 4096 a ranking's rows cross in one go, and the 30-day top-100
/// report costs about a quarter less CPU (see BENCHMARKS.md).
pub const ROW_BUFFER: usize = 4096;

/// A [`watchtime_core::Store`] on SQLite.
///
/// Clones share one connection pool. Every method is one transaction.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and applies pending migrations.
    ///
    /// `url` is `sqlite://path/to/file.db`, `sqlite:file.db`, or `sqlite::memory:` for a private
    /// in-memory database that lives as long as the store.
    pub async fn connect(url: &str) -> Result<Self> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url).map_err(|e| SqliteError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        // No file is SQLite's private temporary database, one per connection: the pool's other
        // connections would find none of the tables the first one migrated.
        if !in_memory && options.get_filename().as_os_str().is_empty() {
            return Err(SqliteError::InvalidUrl {
                url: url.to_owned(),
                reason: "it names no file; use sqlite://FILE (e.g. sqlite://watchtime.db), or \
                         sqlite::memory: for a database that is gone when the process ends"
                    .to_owned(),
            });
        }
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .row_buffer_size(ROW_BUFFER);
        let options = if in_memory {
            options
        } else {
            options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        };
        // An in-memory database exists per connection: keep exactly one, forever.
        let pool_options = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(4)
        };
        let pool =
            pool_options
                .connect_with(options)
                .await
                .map_err(|source| SqliteError::Open {
                    path: url
                        .trim_start_matches("sqlite:")
                        .trim_start_matches("//")
                        .to_owned(),
                    source,
                })?;
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// A fresh private in-memory database, for tests and the demo.
    pub async fn in_memory() -> Result<Self> {
        Self::connect("sqlite::memory:").await
    }

    /// Applies pending migrations (also done by [`SqliteStore::connect`]).
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish (flushes the WAL on files).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a transaction that will write. `BEGIN IMMEDIATE` takes the write lock up front,
    /// waiting up to [`BUSY_TIMEOUT`] for another writer: a transaction begun as a reader that
    /// writes later is refused at once (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT when another
    /// connection committed in between), without waiting, when another connection writes.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// One JSON array per sample, `[id, game id, viewers, login, display name]`, read back by
/// `json_each`: by the samples INSERT, the names check and the `streamer_seen` upsert.
fn samples_json(snapshot: &SlotSnapshot) -> String {
    let rows: Vec<(&str, &str, u32, &str, &str)> = snapshot
        .streams()
        .iter()
        .map(|s| {
            (
                s.streamer.id.as_str(),
                s.game.as_ref().map(|g| g.id.as_str()).unwrap_or(""),
                s.viewers,
                s.streamer.login.as_str(),
                s.streamer.display_name.as_str(),
            )
        })
        .collect();
    // Strings and integers always serialize.
    serde_json::to_string(&rows).unwrap_or_default()
}

/// The streamers in `changed`, with their name keys, for the names upsert.
fn streamers_json(snapshot: &SlotSnapshot, changed: &HashSet<String>) -> String {
    let rows: Vec<_> = snapshot
        .streams()
        .iter()
        .filter(|s| changed.contains(s.streamer.id.as_str()))
        .map(|s| {
            let login_key = name_key(&s.streamer.login);
            let display_key = name_key(&s.streamer.display_name);
            json!([
                s.streamer.id.as_str(),
                s.streamer.login,
                s.streamer.display_name,
                s.streamer.shown_name(),
                key_len(&login_key),
                key_len(&display_key),
                login_key,
                display_key,
            ])
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

/// The streamers of the snapshot whose stored names must be written: new ones, and renamed ones
/// unless the stored names come from a later snapshot. Usually a handful, so only their ids
/// come back. `samples` is [`samples_json`].
async fn changed_streamers(
    tx: &mut Transaction<'_, Sqlite>,
    slot: i64,
    samples: &str,
) -> Result<HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT j.value ->> 0
         FROM json_each(?2) j
         LEFT JOIN streamers st ON st.user_id = j.value ->> 0
         LEFT JOIN streamer_seen seen ON seen.user_id = j.value ->> 0
         WHERE st.user_id IS NULL
            OR (?1 >= COALESCE(seen.last_seen, st.last_seen)
                AND (st.login IS NOT j.value ->> 3 OR st.display_name IS NOT j.value ->> 4))",
    )
    .bind(slot)
    .bind(samples)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().collect())
}

fn games_json(snapshot: &SlotSnapshot) -> String {
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<_> = snapshot
        .streams()
        .iter()
        .filter_map(|s| s.game.as_ref())
        .filter(|g| seen.insert(g.id.clone()))
        .map(|g| {
            let key = name_key(&g.name);
            json!([g.id.as_str(), g.name, key_len(&key), key])
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

/// The stored snapshots whose spans may overlap `span`, for the core's mixed-length rule.
async fn stored_spans(tx: &mut Transaction<'_, Sqlite>, span: Span) -> Result<Vec<Span>> {
    let (from, to) = span.neighbour_starts();
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT slot, slot_minutes FROM snapshots WHERE slot >= ?1 AND slot < ?2")
            .bind(from)
            .bind(to)
            .fetch_all(&mut **tx)
            .await?;
    rows.into_iter()
        .map(|(slot, minutes)| {
            Ok(Span {
                slot: Slot::from_unix(slot),
                length: slot_length(minutes)?,
            })
        })
        .collect()
}

async fn write_snapshot(tx: &mut Transaction<'_, Sqlite>, snapshot: &SlotSnapshot) -> Result<()> {
    let slot = snapshot.slot().unix();
    let samples = samples_json(snapshot);
    let games = games_json(snapshot);
    sqlx::query("DELETE FROM samples WHERE slot = ?1")
        .bind(slot)
        .execute(&mut **tx)
        .await?;
    let completeness = snapshot.completeness();
    sqlx::query(
        "INSERT INTO snapshots (slot, slot_minutes, taken_at_ns, stream_count, complete, incomplete_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (slot) DO UPDATE SET slot_minutes = excluded.slot_minutes,
             taken_at_ns = excluded.taken_at_ns, stream_count = excluded.stream_count,
             complete = excluded.complete, incomplete_reason = excluded.incomplete_reason",
    )
    .bind(slot)
    .bind(i64::from(snapshot.length().minutes()))
    .bind(to_ns(snapshot.taken_at()))
    .bind(snapshot.streams().len() as i64)
    .bind(completeness.is_complete())
    .bind(completeness.reason())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO samples (slot, user_id, game_id, viewers)
         SELECT ?1, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2)",
    )
    .bind(slot)
    .bind(samples.as_str())
    .execute(&mut **tx)
    .await?;
    // Names: only from a snapshot at least as recent as the one they were last seen in. Only
    // new or renamed streamers get their wide row (and its four key indexes) written; everyone
    // else just has the narrow `streamer_seen` row moved.
    let changed = changed_streamers(tx, slot, &samples).await?;
    sqlx::query(
        "INSERT INTO streamers (user_id, login, display_name, shown_name, login_key_len, name_key_len,
                                login_key, name_key, last_seen)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                value ->> 6, value ->> 7, ?1
         FROM json_each(?2) WHERE true
         ON CONFLICT (user_id) DO UPDATE SET login = excluded.login, display_name = excluded.display_name,
             shown_name = excluded.shown_name, login_key = excluded.login_key, name_key = excluded.name_key,
             login_key_len = excluded.login_key_len, name_key_len = excluded.name_key_len,
             last_seen = excluded.last_seen",
    )
    .bind(slot)
    .bind(streamers_json(snapshot, &changed))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO streamer_seen (user_id, last_seen)
         SELECT value ->> 0, ?1 FROM json_each(?2) WHERE true
         ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen
         WHERE excluded.last_seen > streamer_seen.last_seen",
    )
    .bind(slot)
    .bind(samples.as_str())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO games (game_id, name, name_key_len, name_key, last_seen)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?1 FROM json_each(?2) WHERE true
         ON CONFLICT (game_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
             name_key_len = excluded.name_key_len, last_seen = excluded.last_seen
         WHERE excluded.last_seen >= games.last_seen AND excluded.name IS NOT games.name",
    )
    .bind(slot)
    .bind(games.as_str())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE games SET last_seen = ?1
         WHERE game_id IN (SELECT value ->> 0 FROM json_each(?2)) AND last_seen < ?1",
    )
    .bind(slot)
    .bind(games.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl SnapshotStore for SqliteStore {
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> watchtime_core::Result<()> {
        let mut tx = self.begin_write().await?;
        let span = snapshot.span();
        span.check_against(stored_spans(&mut tx, span).await?)?;
        write_snapshot(&mut tx, snapshot).await?;
        tx.commit().await.map_err(SqliteError::from)?;
        Ok(())
    }

    async fn snapshots(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> watchtime_core::Result<Vec<SnapshotInfo>> {
        let rows = sqlx::query(
            "SELECT slot, slot_minutes, taken_at_ns, stream_count, complete, incomplete_reason
             FROM snapshots WHERE slot >= ?1 AND slot < ?2 ORDER BY slot",
        )
        .bind(first_slot_at_or_after(from))
        .bind(first_slot_at_or_after(to))
        .fetch_all(&self.pool)
        .await
        .map_err(SqliteError::from)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let minutes: i64 = row.try_get("slot_minutes").map_err(SqliteError::from)?;
            let length = slot_length(minutes)?;
            let complete: bool = row.try_get("complete").map_err(SqliteError::from)?;
            let reason: Option<String> = row
                .try_get("incomplete_reason")
                .map_err(SqliteError::from)?;
            out.push(SnapshotInfo {
                slot: Slot::from_unix(row.try_get("slot").map_err(SqliteError::from)?),
                length,
                taken_at: from_ns(row.try_get("taken_at_ns").map_err(SqliteError::from)?),
                streams: unsigned(
                    row.try_get("stream_count").map_err(SqliteError::from)?,
                    "stream count",
                )?,
                completeness: if complete {
                    Completeness::Complete
                } else {
                    Completeness::Incomplete {
                        reason: reason.unwrap_or_default(),
                    }
                },
            });
        }
        Ok(out)
    }

    async fn prune_samples(&self, before: Slot) -> watchtime_core::Result<u64> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("DELETE FROM samples WHERE slot < ?1")
            .bind(before.unix())
            .execute(&mut *tx)
            .await
            .map_err(SqliteError::from)?
            .rows_affected();
        sqlx::query(
            "INSERT INTO store_meta (key, value) VALUES ('pruned_before', ?1)
             ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
        )
        .bind(before.unix())
        .execute(&mut *tx)
        .await
        .map_err(SqliteError::from)?;
        tx.commit().await.map_err(SqliteError::from)?;
        Ok(deleted)
    }
}

/// Slots are keyed by start; an instant range `[from, to)` holds the slots starting in it.
fn first_slot_at_or_after(t: DateTime<Utc>) -> i64 {
    let secs = t.timestamp();
    if t.timestamp_subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}
