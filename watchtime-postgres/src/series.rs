//! A game's or streamer's days, read from the one-day level of the block summaries: a primary
//! key lookup per day for its sums, and an index range count for who is above it that day.

use sqlx::{AssertSqlSafe, Row};
use watchtime_core::series::{EntityDay, settle_rank};
use watchtime_core::totals::Totals;
use watchtime_core::{Day, DayRange, EntityId};

use crate::codec::{day_col, day_from, unsigned};
use crate::error::Result;
use crate::store::PostgresStore;
use crate::totals::totals_of;

/// The entity's row per closed day of the range, with how many of its kind are above it and
/// level with it that day. `{table}` and `{key}` are the per-kind summary table and its id
/// column; binds: $1 first day, $2 last day, $3 the id.
const SERIES: &str = "SELECT t.block, t.viewer_minutes, t.airtime_minutes, t.peak_viewers,
        (SELECT COUNT(*) FROM {table} o
            WHERE o.level = 0 AND o.block = t.block AND o.viewer_minutes > t.viewer_minutes) AS above,
        (SELECT COUNT(*) FROM {table} o
            WHERE o.level = 0 AND o.block = t.block AND o.viewer_minutes = t.viewer_minutes) - 1 AS tied
    FROM generate_series($1::INTEGER, $2::INTEGER) AS days(d)
    JOIN {table} t ON t.level = 0 AND t.block = days.d AND t.{key} = $3
    ORDER BY t.block";

impl PostgresStore {
    pub(crate) async fn series(
        &self,
        id: &EntityId,
        range: DayRange,
    ) -> watchtime_core::Result<Vec<EntityDay>> {
        let rows = self.series_rows(id, range).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (day, totals, above, tied) in rows {
            let rank = settle_rank(self, id, day, above, tied).await?;
            out.push(EntityDay { day, totals, rank });
        }
        Ok(out)
    }

    async fn series_rows(
        &self,
        id: &EntityId,
        range: DayRange,
    ) -> Result<Vec<(Day, Totals, u32, usize)>> {
        let (table, key) = match id {
            EntityId::Game(_) => ("game_totals", "game_id"),
            EntityId::Streamer(_) => ("streamer_totals", "user_id"),
        };
        let sql = SERIES.replace("{table}", table).replace("{key}", key);
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(day_col(range.from))
            .bind(day_col(range.to))
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    day_from(row.try_get("block")?),
                    totals_of(row)?,
                    unsigned(row.try_get("above")?, "a count")?,
                    unsigned(row.try_get("tied")?, "a count")?,
                ))
            })
            .collect()
    }
}
