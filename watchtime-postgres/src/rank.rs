//! Rankings over a range of closed days: one `GROUP BY` over the daily totals, joined to the
//! current names.
//!
//! Self-contained on purpose: a faster plan for long ranges (precomputed sums per block of
//! days) can replace this module without touching the rest of the store.

use sqlx::{AssertSqlSafe, Row};
use watchtime_core::ranking::{RankingEntry, RankingQuery, Subject};

use crate::codec::{day_col, signed};
use crate::error::Result;
use crate::store::PostgresStore;
use crate::totals::totals_of;

/// How one subject is ranked: what is grouped, which name it shows, and which rows count.
struct Plan<'a> {
    /// The grouped column (the ranked id).
    group: &'static str,
    /// The shown name.
    name: &'static str,
    /// The join that brings the name in.
    join: &'static str,
    /// Rows that count, beyond the day range. May use `$4`.
    filter: &'static str,
    /// The value of `$4`, if the filter uses it.
    bound: Option<&'a str>,
}

fn plan(subject: &Subject) -> Plan<'_> {
    const GAMES: &str = "JOIN games g ON g.game_id = t.game_id";
    const STREAMERS: &str = "JOIN streamers st ON st.user_id = t.user_id";
    match subject {
        Subject::TopGames => Plan {
            group: "t.game_id",
            name: "g.name",
            join: GAMES,
            filter: "t.game_id <> ''",
            bound: None,
        },
        Subject::GamesOf(streamer) => Plan {
            group: "t.game_id",
            name: "g.name",
            join: GAMES,
            filter: "t.game_id <> '' AND t.user_id = $4",
            bound: Some(streamer.as_str()),
        },
        Subject::TopStreamers => Plan {
            group: "t.user_id",
            name: "st.shown_name",
            join: STREAMERS,
            filter: "TRUE",
            bound: None,
        },
        Subject::StreamersOf(game) => Plan {
            group: "t.user_id",
            name: "st.shown_name",
            join: STREAMERS,
            filter: "t.game_id = $4",
            bound: Some(game.as_str()),
        },
    }
}

/// The ranking statement of a plan. Binds: $1 first day, $2 last day, $3 limit, $4 the
/// plan's bound. Ties break by name then id by code point (`COLLATE "C"`), like
/// [`watchtime_core::ranking::ranking_order`], whatever the server's locale.
fn statement(plan: &Plan<'_>) -> String {
    let Plan {
        group,
        name,
        join,
        filter,
        ..
    } = plan;
    format!(
        "SELECT {group} AS id, {name} AS name,
                SUM(t.viewer_minutes)::BIGINT AS viewer_minutes,
                SUM(t.airtime_minutes)::BIGINT AS airtime_minutes,
                MAX(t.peak_viewers) AS peak_viewers
         FROM daily_totals t {join}
         WHERE t.day >= $1 AND t.day <= $2 AND {filter}
         GROUP BY {group}, {name}
         ORDER BY viewer_minutes DESC, {name} COLLATE \"C\", {group} COLLATE \"C\"
         LIMIT $3"
    )
}

impl PostgresStore {
    pub(crate) async fn ranking(&self, query: &RankingQuery) -> Result<Vec<RankingEntry>> {
        let plan = plan(&query.subject);
        let mut q = sqlx::query(AssertSqlSafe(statement(&plan)))
            .bind(day_col(query.range.from))
            .bind(day_col(query.range.to))
            .bind(signed(query.top as u64));
        if let Some(bound) = plan.bound {
            q = q.bind(bound);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let kind = query.subject.ranks();
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                Ok(RankingEntry {
                    rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    kind,
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    totals: totals_of(row)?,
                })
            })
            .collect()
    }
}
