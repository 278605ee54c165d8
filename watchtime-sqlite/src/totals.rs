//! Closing days, previews and rankings, computed in SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, Sqlite, Transaction};
use watchtime_core::ports::TotalsStore;
use watchtime_core::ranking::{RankingEntry, RankingQuery};
use watchtime_core::series::EntityDay;
use watchtime_core::summary::Block;
use watchtime_core::time::DayWindow;
use watchtime_core::totals::{DailyTotal, DayStatus, NamedTotal, Totals};
use watchtime_core::{Day, DayRange, EntityId, Game, Streamer, StreamerId};

use crate::codec::{day_col, day_from, from_ns, game_from, to_ns, unsigned};
use crate::error::{Result, SqliteError};
use crate::store::SqliteStore;
use crate::summary;

/// The day's rollup: `viewers × slot minutes` summed per (streamer, game). Binds: ?1 window
/// start slot, ?2 window end slot.
const ROLLUP: &str = "SELECT s.user_id, s.game_id,
        SUM(s.viewers * n.slot_minutes) AS viewer_minutes,
        SUM(n.slot_minutes) AS airtime_minutes,
        MAX(s.viewers) AS peak_viewers
    FROM samples s JOIN snapshots n ON n.slot = s.slot
    WHERE s.slot >= ?1 AND s.slot < ?2
    GROUP BY s.user_id, s.game_id";

pub(crate) fn totals_of(row: &SqliteRow) -> Result<Totals> {
    Ok(Totals {
        viewer_minutes: unsigned(row.try_get("viewer_minutes")?, "viewer minutes")?,
        airtime_minutes: unsigned(row.try_get("airtime_minutes")?, "airtime")?,
        peak_viewers: unsigned(row.try_get("peak_viewers")?, "peak viewers")?,
    })
}

fn window_slots(window: &DayWindow) -> (i64, i64) {
    // Slots start on whole seconds; a window bound inside a second rounds up.
    let up = |t: DateTime<Utc>| t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0);
    (up(window.start), up(window.end))
}

async fn pruned_before(tx: &mut Transaction<'_, Sqlite>) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM store_meta WHERE key = 'pruned_before'")
            .fetch_optional(&mut **tx)
            .await?,
    )
}

impl SqliteStore {
    async fn close_window(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> Result<DayStatus> {
        let (start, end) = window_slots(window);
        let day = day_col(window.day);
        let mut tx = self.begin_write().await?;
        if pruned_before(&mut tx).await?.is_some_and(|p| start < p) {
            return Err(SqliteError::Pruned(window.day));
        }
        let closed_before: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM day_status WHERE day = ?1)")
                .bind(day)
                .fetch_one(&mut *tx)
                .await?;
        let day_block = Block::containing(window.day, 0)
            .ok_or_else(|| SqliteError::Corrupt("no day level".to_owned()))?;
        if closed_before {
            summary::keep_before(&mut tx, day_block).await?;
        }
        summary::clear(&mut tx, day_block).await?;
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO totals (level, block, user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers)
             SELECT 0, ?3, user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers FROM ({ROLLUP})"
        )))
        .bind(start)
        .bind(end)
        .bind(day)
        .execute(&mut *tx)
        .await?;
        summary::after_day_written(&mut tx, day_block, closed_before).await?;
        let (observed, incomplete): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(NOT complete), 0) FROM snapshots WHERE slot >= ?1 AND slot < ?2",
        )
        .bind(start)
        .bind(end)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO day_status (day, slots_expected, slots_observed, slots_incomplete, closed_at_ns)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day) DO UPDATE SET slots_expected = excluded.slots_expected,
                 slots_observed = excluded.slots_observed, slots_incomplete = excluded.slots_incomplete,
                 closed_at_ns = excluded.closed_at_ns",
        )
        .bind(day)
        .bind(i64::from(slots_expected))
        .bind(observed)
        .bind(incomplete)
        .bind(to_ns(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(DayStatus {
            day: window.day,
            slots_expected,
            slots_observed: unsigned(observed, "slot count")?,
            slots_incomplete: unsigned(incomplete, "slot count")?,
            closed_at: now,
        })
    }

    async fn preview(&self, window: &DayWindow) -> Result<Vec<NamedTotal>> {
        let (start, end) = window_slots(window);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT r.*, COALESCE(st.login, '') AS login, COALESCE(st.display_name, '') AS display_name,
                    g.name AS game_name
             FROM ({ROLLUP}) r
             LEFT JOIN streamers st ON st.user_id = r.user_id
             LEFT JOIN games g ON g.game_id = r.game_id"
        )))
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let game_id: String = row.try_get("game_id")?;
                let game_name: Option<String> = row.try_get("game_name")?;
                Ok(NamedTotal {
                    streamer: Streamer {
                        id: StreamerId::new(row.try_get::<String, _>("user_id")?),
                        login: row.try_get("login")?,
                        display_name: row.try_get("display_name")?,
                    },
                    game: game_from(game_id).map(|id| Game {
                        id,
                        name: game_name.unwrap_or_default(),
                    }),
                    totals: totals_of(row)?,
                })
            })
            .collect()
    }

    async fn totals(&self, day: Day) -> Result<Vec<DailyTotal>> {
        let rows = sqlx::query(
            "SELECT user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers
             FROM totals WHERE level = 0 AND block = ?1 ORDER BY user_id, game_id",
        )
        .bind(day_col(day))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DailyTotal {
                    day,
                    streamer: StreamerId::new(row.try_get::<String, _>("user_id")?),
                    game: game_from(row.try_get("game_id")?),
                    totals: totals_of(row)?,
                })
            })
            .collect()
    }

    async fn statuses(&self, range: DayRange) -> Result<Vec<DayStatus>> {
        let rows = sqlx::query(
            "SELECT day, slots_expected, slots_observed, slots_incomplete, closed_at_ns
             FROM day_status WHERE day >= ?1 AND day <= ?2 ORDER BY day",
        )
        .bind(day_col(range.from))
        .bind(day_col(range.to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DayStatus {
                    day: day_from(row.try_get("day")?)?,
                    slots_expected: unsigned(row.try_get("slots_expected")?, "slot count")?,
                    slots_observed: unsigned(row.try_get("slots_observed")?, "slot count")?,
                    slots_incomplete: unsigned(row.try_get("slots_incomplete")?, "slot count")?,
                    closed_at: from_ns(row.try_get("closed_at_ns")?),
                })
            })
            .collect()
    }
}

#[async_trait]
impl TotalsStore for SqliteStore {
    async fn close_day(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> watchtime_core::Result<DayStatus> {
        Ok(self.close_window(window, slots_expected, now).await?)
    }

    async fn preview_day(&self, window: &DayWindow) -> watchtime_core::Result<Vec<NamedTotal>> {
        Ok(self.preview(window).await?)
    }

    async fn day_totals(&self, day: Day) -> watchtime_core::Result<Vec<DailyTotal>> {
        Ok(self.totals(day).await?)
    }

    async fn day_statuses(&self, range: DayRange) -> watchtime_core::Result<Vec<DayStatus>> {
        Ok(self.statuses(range).await?)
    }

    async fn last_closed_day(&self) -> watchtime_core::Result<Option<Day>> {
        let day: Option<i64> = sqlx::query_scalar("SELECT MAX(day) FROM day_status")
            .fetch_one(&self.pool)
            .await
            .map_err(SqliteError::from)?;
        Ok(day.map(day_from).transpose()?)
    }

    async fn rank(&self, query: &RankingQuery) -> watchtime_core::Result<Vec<RankingEntry>> {
        Ok(self.ranking(query).await?)
    }

    async fn entity_days(
        &self,
        id: &EntityId,
        range: DayRange,
    ) -> watchtime_core::Result<Vec<EntityDay>> {
        self.series(id, range).await
    }
}
