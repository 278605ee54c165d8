//! Closing days and reading daily totals, computed in SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Postgres, Row, Transaction};
use watchtime_core::ports::TotalsStore;
use watchtime_core::ranking::{RankingEntry, RankingQuery};
use watchtime_core::series::EntityDay;
use watchtime_core::time::DayWindow;
use watchtime_core::totals::{DailyTotal, DayStatus, NamedTotal, Totals};
use watchtime_core::{Day, DayRange, EntityId, Game, Streamer, StreamerId};

use crate::codec::{day_col, day_from, first_slot_at_or_after, game_from, unsigned};
use crate::error::{PostgresError, Result};
use crate::store::PostgresStore;
use crate::summary;

/// The day's rollup: `viewers × slot minutes` summed per (streamer, game). Binds: $1 window
/// start slot, $2 window end slot. (`SUM` of `BIGINT` is `NUMERIC` in PostgreSQL: cast back.)
const ROLLUP: &str = "SELECT s.user_id, s.game_id,
        SUM(s.viewers * n.slot_minutes)::BIGINT AS viewer_minutes,
        SUM(n.slot_minutes)::BIGINT AS airtime_minutes,
        MAX(s.viewers) AS peak_viewers
    FROM samples s JOIN snapshots n ON n.slot = s.slot
    WHERE s.slot >= $1 AND s.slot < $2
    GROUP BY s.user_id, s.game_id";

/// Totals from a row with `viewer_minutes`, `airtime_minutes` and `peak_viewers`.
pub(crate) fn totals_of(row: &PgRow) -> Result<Totals> {
    Ok(Totals {
        viewer_minutes: unsigned(row.try_get("viewer_minutes")?, "viewer minutes")?,
        airtime_minutes: unsigned(row.try_get("airtime_minutes")?, "airtime")?,
        peak_viewers: unsigned(row.try_get("peak_viewers")?, "peak viewers")?,
    })
}

/// The slots of a day: `[start, end)`.
fn window_slots(window: &DayWindow) -> (i64, i64) {
    (
        first_slot_at_or_after(window.start),
        first_slot_at_or_after(window.end),
    )
}

/// Rolls the slots in `[start, end)` up into the totals of `day`, replacing any stored ones, and
/// records the day's coverage; returns (slots observed, slots incomplete). The day's
/// `day_status` row must be locked by the caller. The block summaries above the day are brought
/// up to date in the same transaction.
async fn roll_up_day(
    tx: &mut Transaction<'_, Postgres>,
    day: Day,
    start: i64,
    end: i64,
    closed_before: bool,
) -> Result<(i64, i64)> {
    let day_block = summary::day_block(day)?;
    if closed_before {
        summary::keep_before(tx, day_block).await?;
    }
    // Its own statements: one statement cannot delete a key and insert it again.
    summary::clear(tx, day_block).await?;
    // Totals and coverage in one statement, so both come from the same snapshots even while a
    // slot of the day is being recorded.
    let coverage = sqlx::query_as(AssertSqlSafe(format!(
        "WITH totals AS (
             INSERT INTO totals
                 (level, block, user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers)
             SELECT 0, $3, user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers
             FROM ({ROLLUP}) r
         )
         UPDATE day_status SET slots_observed = c.observed, slots_incomplete = c.incomplete
         FROM (SELECT COUNT(*) AS observed, COUNT(*) FILTER (WHERE NOT complete) AS incomplete
               FROM snapshots WHERE slot >= $1 AND slot < $2) c
         WHERE day = $3
         RETURNING slots_observed, slots_incomplete"
    )))
    .bind(start)
    .bind(end)
    .bind(day_col(day))
    .fetch_one(&mut **tx)
    .await?;
    summary::after_day_written(tx, day_block, closed_before).await?;
    Ok(coverage)
}

impl PostgresStore {
    async fn close_window(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> Result<DayStatus> {
        let (start, end) = window_slots(window);
        let day = day_col(window.day);
        let mut tx = self.pool.begin().await?;
        // FOR SHARE waits for a prune in progress, and keeps one from starting until we commit.
        let pruned_before: Option<i64> = sqlx::query_scalar(
            "SELECT value FROM store_meta WHERE key = 'pruned_before' FOR SHARE",
        )
        .fetch_optional(&mut *tx)
        .await?;
        if pruned_before.is_some_and(|p| start < p) {
            return Err(PostgresError::Pruned(window.day));
        }
        // Lock the day's status row first (coverage is filled in by the rollup): a second close
        // of the day waits here, so its DELETE then sees this close's totals instead of both
        // inserting the same keys.
        // `xmax = 0` on the returned row: it was inserted, so the day was never closed before.
        let first_close: bool = sqlx::query_scalar(
            "INSERT INTO day_status (day, slots_expected, slots_observed, slots_incomplete, closed_at)
             VALUES ($1, $2, 0, 0, $3)
             ON CONFLICT (day) DO UPDATE SET slots_expected = excluded.slots_expected,
                 closed_at = excluded.closed_at
             RETURNING (xmax = 0)",
        )
        .bind(day)
        .bind(i64::from(slots_expected))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let (observed, incomplete) =
            roll_up_day(&mut tx, window.day, start, end, !first_close).await?;
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
            "SELECT r.*, COALESCE(st.login, '') AS login,
                    COALESCE(st.display_name, '') AS display_name, g.name AS game_name
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
                let game_name: Option<String> = row.try_get("game_name")?;
                Ok(NamedTotal {
                    streamer: Streamer {
                        id: StreamerId::new(row.try_get::<String, _>("user_id")?),
                        login: row.try_get("login")?,
                        display_name: row.try_get("display_name")?,
                    },
                    game: game_from(row.try_get("game_id")?).map(|id| Game {
                        id,
                        name: game_name.unwrap_or_default(),
                    }),
                    totals: totals_of(row)?,
                })
            })
            .collect()
    }

    async fn totals(&self, day: Day) -> Result<Vec<DailyTotal>> {
        // Ids are COLLATE "C": this is the core's (streamer, game) order, no category first.
        let rows = sqlx::query(
            "SELECT user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers
             FROM totals WHERE level = 0 AND block = $1 ORDER BY user_id, game_id",
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
            "SELECT day, slots_expected, slots_observed, slots_incomplete, closed_at
             FROM day_status WHERE day >= $1 AND day <= $2 ORDER BY day",
        )
        .bind(day_col(range.from))
        .bind(day_col(range.to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DayStatus {
                    day: day_from(row.try_get("day")?),
                    slots_expected: unsigned(row.try_get("slots_expected")?, "slot count")?,
                    slots_observed: unsigned(row.try_get("slots_observed")?, "slot count")?,
                    slots_incomplete: unsigned(row.try_get("slots_incomplete")?, "slot count")?,
                    closed_at: row.try_get("closed_at")?,
                })
            })
            .collect()
    }

    async fn last_closed(&self) -> Result<Option<Day>> {
        let day: Option<i32> = sqlx::query_scalar("SELECT MAX(day) FROM day_status")
            .fetch_one(&self.pool)
            .await?;
        Ok(day.map(day_from))
    }
}

#[async_trait]
impl TotalsStore for PostgresStore {
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
        Ok(self.last_closed().await?)
    }

    async fn rank(&self, query: &RankingQuery) -> watchtime_core::Result<Vec<RankingEntry>> {
        self.ranking(query).await
    }

    async fn entity_days(
        &self,
        id: &EntityId,
        range: DayRange,
    ) -> watchtime_core::Result<Vec<EntityDay>> {
        self.series(id, range).await
    }
}
