//! The row-at-a-time baseline on the PostgreSQL store's schema
//! (`watchtime-postgres/migrations`).

use std::collections::HashSet;

use anyhow::{Context, Result};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use watchtime_core::SlotSnapshot;
use watchtime_core::text::{key_len, name_key};

/// A connection of its own to the store's database.
#[derive(Debug)]
pub struct Writer {
    conn: PgConnection,
}

impl Writer {
    /// Connects to the database at `url` (already migrated by the store).
    pub async fn connect(url: &str) -> Result<Self> {
        let conn = PgConnection::connect(url)
            .await
            .context("baseline connection to PostgreSQL")?;
        Ok(Writer { conn })
    }

    /// One transaction: DELETE the slot's samples, then one INSERT per sample, one upsert per
    /// streamer, one upsert per game, and the snapshot row, with the store's conflict rules.
    pub async fn write(&mut self, s: &SlotSnapshot) -> Result<()> {
        let slot = s.slot().unix();
        let mut tx = self.conn.begin().await?;
        sqlx::query("DELETE FROM samples WHERE slot = $1")
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        for st in s.streams() {
            sqlx::query(
                "INSERT INTO samples (slot, user_id, game_id, viewers) VALUES ($1, $2, $3, $4)",
            )
            .bind(slot)
            .bind(st.streamer.id.as_str())
            .bind(st.game.as_ref().map_or("", |g| g.id.as_str()))
            .bind(i64::from(st.viewers))
            .execute(&mut *tx)
            .await?;
        }
        for st in s.streams() {
            let login_key = name_key(&st.streamer.login);
            let display_key = name_key(&st.streamer.display_name);
            sqlx::query(
                "INSERT INTO streamers AS t (user_id, login, display_name, shown_name, login_key_len,
                                             name_key_len, login_key, name_key, last_seen)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (user_id) DO UPDATE SET login = excluded.login,
                     display_name = excluded.display_name, shown_name = excluded.shown_name,
                     login_key = excluded.login_key, name_key = excluded.name_key,
                     login_key_len = excluded.login_key_len, name_key_len = excluded.name_key_len,
                     last_seen = excluded.last_seen
                 WHERE excluded.last_seen > t.last_seen
                    OR (excluded.last_seen = t.last_seen
                        AND (excluded.login IS DISTINCT FROM t.login
                             OR excluded.display_name IS DISTINCT FROM t.display_name))",
            )
            .bind(st.streamer.id.as_str())
            .bind(&st.streamer.login)
            .bind(&st.streamer.display_name)
            .bind(st.streamer.shown_name())
            .bind(key_len(&login_key) as i64)
            .bind(key_len(&display_key) as i64)
            .bind(&login_key)
            .bind(&display_key)
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        }
        let mut seen = HashSet::new();
        for g in s.streams().iter().filter_map(|st| st.game.as_ref()) {
            if !seen.insert(&g.id) {
                continue;
            }
            let key = name_key(&g.name);
            sqlx::query(
                "INSERT INTO games AS t (game_id, name, name_key_len, name_key, last_seen)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (game_id) DO UPDATE SET name = excluded.name,
                     name_key = excluded.name_key, name_key_len = excluded.name_key_len,
                     last_seen = excluded.last_seen
                 WHERE excluded.last_seen > t.last_seen
                    OR (excluded.last_seen = t.last_seen AND excluded.name IS DISTINCT FROM t.name)",
            )
            .bind(g.id.as_str())
            .bind(&g.name)
            .bind(key_len(&key) as i64)
            .bind(&key)
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        }
        let completeness = s.completeness();
        sqlx::query(
            "INSERT INTO snapshots (slot, slot_minutes, taken_at, stream_count, complete,
                                    incomplete_reason)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (slot) DO UPDATE SET slot_minutes = excluded.slot_minutes,
                 taken_at = excluded.taken_at, stream_count = excluded.stream_count,
                 complete = excluded.complete, incomplete_reason = excluded.incomplete_reason",
        )
        .bind(slot)
        .bind(i64::from(s.length().minutes()))
        .bind(s.taken_at())
        .bind(s.streams().len() as i64)
        .bind(completeness.is_complete())
        .bind(completeness.reason())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Undoes the comparison's writes from `from_slot` on (see [`super::Baseline::remove_from`]).
    pub async fn remove_from(&mut self, from_slot: i64) -> Result<()> {
        let mut tx = self.conn.begin().await?;
        sqlx::query("DELETE FROM samples WHERE slot >= $1")
            .bind(from_slot)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM snapshots WHERE slot >= $1")
            .bind(from_slot)
            .execute(&mut *tx)
            .await?;
        // The store moves `last_seen` in `streamer_seen`; the baseline in `streamers`.
        for table in ["streamers", "streamer_seen", "games"] {
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} SET last_seen = (SELECT COALESCE(MAX(slot), 0) FROM snapshots)
                 WHERE last_seen >= $1"
            )))
            .bind(from_slot)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit()
            .await
            .context("removing the comparison's rows")?;
        Ok(())
    }

    /// Closes the connection cleanly.
    pub async fn close(self) -> Result<()> {
        self.conn
            .close()
            .await
            .context("closing the baseline connection")
    }

    /// Row counts of [`super::TABLES`].
    pub async fn row_counts(&mut self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::new();
        for table in super::TABLES {
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut self.conn)
                .await
                .with_context(|| format!("counting {table}"))?;
            out.push((table, n));
        }
        Ok(out)
    }

    /// The database's size on disk (tables, indexes, TOAST), in bytes.
    pub async fn size_bytes(&mut self) -> Result<i64> {
        sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut self.conn)
            .await
            .context("reading the database size")
    }
}
