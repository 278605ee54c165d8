//! Block summaries: kept up to date when a day closes, and read by rankings.
//!
//! See `watchtime_core::summary` for the scheme; the tables are in `0002_block_summaries.sql`.

use async_trait::async_trait;
use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, Sqlite, Transaction};
use watchtime_core::EntityId;
use watchtime_core::ranking::{RankingEntry, RankingQuery, Subject};
use watchtime_core::summary::{Block, BlockHead, SummaryReader, top_k};

use crate::codec::{signed, unsigned};
use crate::error::{Result, SqliteError};
use crate::store::SqliteStore;
use crate::totals::totals_of;

/// The per-streamer and per-game tables: (table, id column, which `totals` rows they sum).
const DERIVED: [(&str, &str, &str); 2] = [
    ("streamer_totals", "user_id", "true"),
    ("game_totals", "game_id", "game_id <> ''"),
];

/// Every summary table, with the columns that key its rows within a block.
const TABLES: [(&str, &str); 3] = [
    ("totals", "user_id, game_id"),
    ("streamer_totals", "user_id"),
    ("game_totals", "game_id"),
];

/// The temporary table that holds a day's rows of `table` as they were before a second close.
fn before(table: &str) -> String {
    format!("temp.{table}_before")
}

fn level_block(b: Block) -> (i64, i64) {
    (i64::from(b.level()), i64::from(b.index()))
}

/// Fills the per-streamer and per-game sums of `block` from its `totals` rows.
async fn derive(tx: &mut Transaction<'_, Sqlite>, block: Block) -> Result<()> {
    let (level, index) = level_block(block);
    for (table, id, filter) in DERIVED {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {table} (level, block, {id}, viewer_minutes, airtime_minutes, peak_viewers)
             SELECT level, block, {id}, SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
             FROM totals WHERE level = ?1 AND block = ?2 AND {filter} GROUP BY {id}"
        )))
        .bind(level)
        .bind(index)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Deletes every summary row of `block`.
pub(crate) async fn clear(tx: &mut Transaction<'_, Sqlite>, block: Block) -> Result<()> {
    let (level, index) = level_block(block);
    for (table, _) in TABLES {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE level = ?1 AND block = ?2"
        )))
        .bind(level)
        .bind(index)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Before a day closed earlier is rolled up again: copies its rows of every summary table into
/// temporary tables, so that [`after_day_written`] can apply the change to the blocks above it
/// instead of rebuilding them. [`after_day_written`] drops them; a rollback undoes both.
pub(crate) async fn keep_before(tx: &mut Transaction<'_, Sqlite>, day: Block) -> Result<()> {
    let (_, index) = level_block(day);
    for (table, key) in TABLES {
        let kept = before(table);
        sqlx::query(AssertSqlSafe(format!("DROP TABLE IF EXISTS {kept}")))
            .execute(&mut **tx)
            .await?;
        sqlx::query(AssertSqlSafe(format!(
            "CREATE TABLE {kept} AS
             SELECT {key}, viewer_minutes, airtime_minutes, peak_viewers
             FROM {table} WHERE level = 0 AND block = ?1"
        )))
        .bind(index)
        .execute(&mut **tx)
        .await?;
        // Keyed like the table it copies: the joins below look rows up by key.
        sqlx::query(AssertSqlSafe(format!(
            "CREATE UNIQUE INDEX {kept}_key ON {table}_before ({key})"
        )))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds `rows` (a `SELECT` list and what follows it: key, viewer minutes, airtime, peak, with
/// `?3` the day's index) into `block` of `table`: sums add up, the peak is the larger one.
async fn add_into(
    tx: &mut Transaction<'_, Sqlite>,
    (table, key): (&str, &str),
    block: Block,
    day: Block,
    rows: &str,
) -> Result<()> {
    let (level, index) = level_block(block);
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (level, block, {key}, viewer_minutes, airtime_minutes, peak_viewers)
         SELECT ?1, ?2, {rows}
         ON CONFLICT DO UPDATE SET
             viewer_minutes = viewer_minutes + excluded.viewer_minutes,
             airtime_minutes = airtime_minutes + excluded.airtime_minutes,
             peak_viewers = max(peak_viewers, excluded.peak_viewers)"
    )))
    .bind(level)
    .bind(index)
    .bind(i64::from(day.index()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds the day's rows of `table` (first close) into `block`.
async fn add_day(
    tx: &mut Transaction<'_, Sqlite>,
    (table, key): (&str, &str),
    block: Block,
    day: Block,
) -> Result<()> {
    let rows = format!(
        "{key}, viewer_minutes, airtime_minutes, peak_viewers
         FROM {table} WHERE level = 0 AND block = ?3"
    );
    add_into(tx, (table, key), block, day, &rows).await
}

/// Applies the change of the day's rows of `table` (a second close, the old rows kept by
/// [`keep_before`]) to `block`, whose children are already up to date.
///
/// Sums take the difference. A maximum cannot be subtracted: where the day's peak did not go
/// down it is raised in place, and only the keys whose peak went down or that left the day are
/// summed again from the block's children.
async fn apply_change(
    tx: &mut Transaction<'_, Sqlite>,
    (table, key): (&str, &str),
    block: Block,
    day: Block,
) -> Result<()> {
    let (level, index) = level_block(block);
    let Some((first, last)) = block.children() else {
        return Ok(());
    };
    let kept = before(table);
    let now = format!(
        "(SELECT {key}, viewer_minutes, airtime_minutes, peak_viewers FROM {table}
          WHERE level = 0 AND block = ?3)"
    );
    // Keys whose block maximum may have come from the day's old rows.
    let lowered = format!(
        "SELECT {key} FROM {kept} o LEFT JOIN {now} n USING ({key})
         WHERE n.peak_viewers IS NULL OR n.peak_viewers < o.peak_viewers"
    );
    // Keys whose peak did not go down (or that are new): add the difference.
    let delta = format!(
        "{key}, n.viewer_minutes - coalesce(o.viewer_minutes, 0),
                n.airtime_minutes - coalesce(o.airtime_minutes, 0), n.peak_viewers
         FROM {now} n LEFT JOIN {kept} o USING ({key})
         WHERE n.peak_viewers >= coalesce(o.peak_viewers, 0)
           AND (n.viewer_minutes, n.airtime_minutes, n.peak_viewers)
               IS NOT (o.viewer_minutes, o.airtime_minutes, o.peak_viewers)"
    );
    add_into(tx, (table, key), block, day, &delta).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE level = ?1 AND block = ?2 AND ({key}) IN ({lowered})"
    )))
    .bind(level)
    .bind(index)
    .bind(i64::from(day.index()))
    .execute(&mut **tx)
    .await?;
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (level, block, {key}, viewer_minutes, airtime_minutes, peak_viewers)
         SELECT ?1, ?2, {key}, SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
         FROM {table}
         WHERE level = ?4 AND block BETWEEN ?5 AND ?6 AND ({key}) IN ({lowered})
         GROUP BY {key}"
    )))
    .bind(level)
    .bind(index)
    .bind(i64::from(day.index()))
    .bind(i64::from(first.level()))
    .bind(i64::from(first.index()))
    .bind(i64::from(last.index()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// After a day's `totals` rows (level 0) were written: derive its per-streamer and per-game
/// rows, then bring the blocks above it up to date, from the lowest level up. A day closed for
/// the first time is added to them; a day closed again (`closed_before`, its old rows kept by
/// [`keep_before`]) has its change applied, and the kept rows are dropped.
pub(crate) async fn after_day_written(
    tx: &mut Transaction<'_, Sqlite>,
    day: Block,
    closed_before: bool,
) -> Result<()> {
    derive(tx, day).await?;
    for block in Block::above(day.days().from) {
        for table in TABLES {
            if closed_before {
                apply_change(tx, table, block, day).await?;
            } else {
                add_day(tx, table, block, day).await?;
            }
        }
    }
    if closed_before {
        for (table, _) in TABLES {
            sqlx::query(AssertSqlSafe(format!("DROP TABLE {}", before(table))))
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Where a subject's sums live: (table, ranked id column, name expression, name join, filter
/// on the bound id, if any).
struct Source {
    table: &'static str,
    id: &'static str,
    name: &'static str,
    join: &'static str,
    filter: Option<(&'static str, String)>,
    /// Extra condition on `t`: anything about games leaves out time with no category.
    categorized: &'static str,
}

/// Rows of `totals` that have a category (the per-streamer sums cover all time, on purpose).
const CATEGORIZED: &str = " AND t.game_id <> ''";

fn source(subject: &Subject) -> Source {
    const GAME_NAME: (&str, &str) = ("g.name", "JOIN games g ON g.game_id = t.game_id");
    const STREAMER_NAME: (&str, &str) = (
        "st.shown_name",
        "JOIN streamers st ON st.user_id = t.user_id",
    );
    let (table, id, (name, join), filter) = match subject {
        Subject::TopGames => ("game_totals", "game_id", GAME_NAME, None),
        Subject::TopStreamers => ("streamer_totals", "user_id", STREAMER_NAME, None),
        Subject::StreamersOf(g) => (
            "totals",
            "user_id",
            STREAMER_NAME,
            Some(("t.game_id", g.to_string())),
        ),
        Subject::GamesOf(s) => (
            "totals",
            "game_id",
            GAME_NAME,
            Some(("t.user_id", s.to_string())),
        ),
    };
    let categorized = match subject {
        Subject::TopStreamers => "",
        _ => CATEGORIZED,
    };
    Source {
        table,
        id,
        name,
        join,
        filter,
        categorized,
    }
}

impl SqliteStore {
    async fn heads(&self, blocks: &[Block], subject: &Subject, n: usize) -> Result<Vec<BlockHead>> {
        let src = source(subject);
        let filter = src
            .filter
            .as_ref()
            .map(|(col, _)| format!(" AND {col} = ?"))
            .unwrap_or_default();
        let arms: Vec<String> = (0..blocks.len())
            .map(|i| {
                format!(
                    "SELECT * FROM (SELECT {i} AS k, t.{id} AS id, t.viewer_minutes AS vm FROM {table} t
                     WHERE t.level = ? AND t.block = ?{filter}{categorized}
                     ORDER BY t.viewer_minutes DESC LIMIT ?)",
                    id = src.id,
                    table = src.table,
                    categorized = src.categorized,
                )
            })
            .collect();
        let mut heads = vec![BlockHead::default(); blocks.len()];
        if arms.is_empty() {
            return Ok(heads);
        }
        let sql = arms.join(" UNION ALL ");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for block in blocks {
            let (level, index) = level_block(*block);
            query = query.bind(level).bind(index);
            if let Some((_, value)) = &src.filter {
                query = query.bind(value.clone());
            }
            query = query.bind(signed((n as u64).saturating_add(1)));
        }
        for row in query.fetch_all(&self.pool).await? {
            let k: i64 = row.try_get("k")?;
            let head = usize::try_from(k)
                .ok()
                .and_then(|k| heads.get_mut(k))
                .ok_or_else(|| SqliteError::Corrupt(format!("block arm {k}")))?;
            head.rows.push((
                row.try_get("id")?,
                unsigned(row.try_get("vm")?, "viewer minutes")?,
            ));
        }
        Ok(heads)
    }

    async fn block_sums(
        &self,
        blocks: &[Block],
        subject: &Subject,
        ids: &[String],
    ) -> Result<Vec<RankingEntry>> {
        let src = source(subject);
        let filter = if src.filter.is_some() {
            format!(
                " AND {} = ?3",
                src.filter.as_ref().map_or("", |(col, _)| col)
            )
        } else {
            String::new()
        };
        let sql = format!(
            "WITH ids(id) AS (SELECT value FROM json_each(?1)),
                  blocks(level, block) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?2))
             SELECT t.{id} AS id, {name} AS name, SUM(t.viewer_minutes) AS viewer_minutes,
                    SUM(t.airtime_minutes) AS airtime_minutes, MAX(t.peak_viewers) AS peak_viewers
             FROM ids CROSS JOIN blocks
             JOIN {table} t ON t.level = blocks.level AND t.block = blocks.block AND t.{id} = ids.id{filter}{categorized}
             {join}
             GROUP BY t.{id}",
            id = src.id,
            name = src.name,
            table = src.table,
            join = src.join,
            categorized = src.categorized,
        );
        let blocks_json: Vec<_> = blocks
            .iter()
            .map(|b| json!([b.level(), b.index()]))
            .collect();
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(serde_json::Value::from(ids.to_vec()).to_string())
            .bind(serde_json::Value::Array(blocks_json).to_string());
        if let Some((_, value)) = &src.filter {
            query = query.bind(value.clone());
        }
        let kind = subject.ranks();
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row: &SqliteRow| {
                Ok(RankingEntry {
                    rank: 0,
                    id: EntityId::new(kind, row.try_get::<String, _>("id")?),
                    name: row.try_get("name")?,
                    totals: totals_of(row)?,
                })
            })
            .collect()
    }

    /// A ranking read from the block summaries.
    pub(crate) async fn ranking(
        &self,
        query: &RankingQuery,
    ) -> watchtime_core::Result<Vec<RankingEntry>> {
        top_k(&Summaries(self), query).await
    }
}

/// The store seen as the core's [`SummaryReader`].
struct Summaries<'a>(&'a SqliteStore);

#[async_trait]
impl SummaryReader for Summaries<'_> {
    async fn block_heads(
        &self,
        blocks: &[Block],
        subject: &Subject,
        n: usize,
    ) -> watchtime_core::Result<Vec<BlockHead>> {
        Ok(self.0.heads(blocks, subject, n).await?)
    }

    async fn sums(
        &self,
        blocks: &[Block],
        subject: &Subject,
        ids: &[String],
    ) -> watchtime_core::Result<Vec<RankingEntry>> {
        Ok(self.0.block_sums(blocks, subject, ids).await?)
    }
}
