//! Block summaries: kept up to date when a day closes, and read by rankings.
//!
//! See `watchtime_core::summary` for the scheme; the tables are in the initial migration.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Postgres, Row, Transaction};
use watchtime_core::Day;
use watchtime_core::EntityId;
use watchtime_core::ranking::{RankingEntry, RankingQuery, Subject};
use watchtime_core::summary::{Block, BlockHead, SummaryReader, top_k};

use crate::codec::{signed, unsigned};
use crate::error::{PostgresError, Result};
use crate::store::PostgresStore;
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
    format!("{table}_before")
}

fn level_block(b: Block) -> (i16, i32) {
    (i16::from(b.level()), b.index())
}

/// The level-0 block of `day`.
pub(crate) fn day_block(day: Day) -> Result<Block> {
    Block::containing(day, 0).ok_or_else(|| PostgresError::Corrupt("no day level".to_owned()))
}

/// Fills the per-streamer and per-game sums of `block` from its `totals` rows.
async fn derive(tx: &mut Transaction<'_, Postgres>, block: Block) -> Result<()> {
    let (level, index) = level_block(block);
    for (table, id, filter) in DERIVED {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {table} (level, block, {id}, viewer_minutes, airtime_minutes, peak_viewers)
             SELECT level, block, {id}, SUM(viewer_minutes)::BIGINT, SUM(airtime_minutes)::BIGINT,
                    MAX(peak_viewers)
             FROM totals WHERE level = $1 AND block = $2 AND {filter} GROUP BY level, block, {id}"
        )))
        .bind(level)
        .bind(index)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Deletes every summary row of `block`.
pub(crate) async fn clear(tx: &mut Transaction<'_, Postgres>, block: Block) -> Result<()> {
    let (level, index) = level_block(block);
    for (table, _) in TABLES {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE level = $1 AND block = $2"
        )))
        .bind(level)
        .bind(index)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Before a day closed earlier is rolled up again: copies its rows of every summary table into
/// temporary tables (dropped at commit), so that [`after_day_written`] can apply the change to
/// the blocks above it instead of rebuilding them.
pub(crate) async fn keep_before(tx: &mut Transaction<'_, Postgres>, day: Block) -> Result<()> {
    let (_, index) = level_block(day);
    for (table, _) in TABLES {
        let kept = before(table);
        sqlx::query(AssertSqlSafe(format!(
            "CREATE TEMPORARY TABLE {kept} (LIKE {table}) ON COMMIT DROP"
        )))
        .execute(&mut **tx)
        .await?;
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {kept} SELECT * FROM {table} WHERE level = 0 AND block = $1"
        )))
        .bind(index)
        .execute(&mut **tx)
        .await?;
        // Temporary tables get no statistics of their own; without them the joins below are
        // planned for a handful of rows.
        sqlx::query(AssertSqlSafe(format!("ANALYZE {kept}")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds `rows` (a `SELECT` list and what follows it: key, viewer minutes, airtime, peak, with
/// `$3` the day's index) into `block` of `table`: sums add up, the peak is the larger one.
async fn add_into(
    tx: &mut Transaction<'_, Postgres>,
    (table, key): (&str, &str),
    block: Block,
    day: Block,
    rows: &str,
) -> Result<()> {
    let (level, index) = level_block(block);
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} AS t (level, block, {key}, viewer_minutes, airtime_minutes, peak_viewers)
         SELECT $1, $2, {rows}
         ON CONFLICT (level, block, {key}) DO UPDATE SET
             viewer_minutes = t.viewer_minutes + excluded.viewer_minutes,
             airtime_minutes = t.airtime_minutes + excluded.airtime_minutes,
             peak_viewers = GREATEST(t.peak_viewers, excluded.peak_viewers)"
    )))
    .bind(level)
    .bind(index)
    .bind(day.index())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds the day's rows of `table` (first close) into `block`.
async fn add_day(
    tx: &mut Transaction<'_, Postgres>,
    (table, key): (&str, &str),
    block: Block,
    day: Block,
) -> Result<()> {
    let rows = format!(
        "{key}, viewer_minutes, airtime_minutes, peak_viewers
         FROM {table} WHERE level = 0 AND block = $3"
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
    tx: &mut Transaction<'_, Postgres>,
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
          WHERE level = 0 AND block = $3)"
    );
    // Keys whose block maximum may have come from the day's old rows.
    let lowered = format!(
        "SELECT {key} FROM {kept} o LEFT JOIN {now} n USING ({key})
         WHERE n.peak_viewers IS NULL OR n.peak_viewers < o.peak_viewers"
    );
    // Keys whose peak did not go down (or that are new): add the difference.
    let delta = format!(
        "{key}, n.viewer_minutes - COALESCE(o.viewer_minutes, 0),
                n.airtime_minutes - COALESCE(o.airtime_minutes, 0), n.peak_viewers
         FROM {now} n LEFT JOIN {kept} o USING ({key})
         WHERE n.peak_viewers >= COALESCE(o.peak_viewers, 0)
           AND (n.viewer_minutes, n.airtime_minutes, n.peak_viewers)
               IS DISTINCT FROM (o.viewer_minutes, o.airtime_minutes, o.peak_viewers)"
    );
    add_into(tx, (table, key), block, day, &delta).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE level = $1 AND block = $2 AND ({key}) IN ({lowered})"
    )))
    .bind(level)
    .bind(index)
    .bind(day.index())
    .execute(&mut **tx)
    .await?;
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (level, block, {key}, viewer_minutes, airtime_minutes, peak_viewers)
         SELECT $1, $2, {key}, SUM(viewer_minutes)::BIGINT, SUM(airtime_minutes)::BIGINT,
                MAX(peak_viewers)
         FROM {table}
         WHERE level = $4 AND block BETWEEN $5 AND $6 AND ({key}) IN ({lowered})
         GROUP BY {key}"
    )))
    .bind(level)
    .bind(index)
    .bind(day.index())
    .bind(i16::from(first.level()))
    .bind(first.index())
    .bind(last.index())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// After a day's `totals` rows (level 0) were written: derive its per-streamer and per-game
/// rows, then bring the blocks above it up to date, from the lowest level up. A day closed for
/// the first time is added to them; a day closed again (`closed_before`, its old rows kept by
/// [`keep_before`]) has its change applied.
pub(crate) async fn after_day_written(
    tx: &mut Transaction<'_, Postgres>,
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
    Ok(())
}

/// Where a subject's sums live.
struct Source {
    /// The summary table.
    table: &'static str,
    /// The ranked id column.
    id: &'static str,
    /// The shown name, and the join that brings it in (on the summed row `s` and its `s.id`).
    name: &'static str,
    join: &'static str,
    /// A column that must equal the subject's bound id, with that id.
    filter: Option<(&'static str, String)>,
    /// Extra condition on `t`: anything about games leaves out time with no category.
    categorized: &'static str,
}

/// Rows of `totals` that have a category (the per-streamer sums cover all time, on purpose).
const CATEGORIZED: &str = " AND t.game_id <> ''";

fn source(subject: &Subject) -> Source {
    const GAME_NAME: (&str, &str) = ("g.name", "JOIN games g ON g.game_id = s.id");
    const STREAMER_NAME: (&str, &str) = ("st.shown_name", "JOIN streamers st ON st.user_id = s.id");
    let (table, id, (name, join), filter) = match subject {
        Subject::TopGames => ("game_totals", "game_id", GAME_NAME, None),
        Subject::TopStreamers => ("streamer_totals", "user_id", STREAMER_NAME, None),
        Subject::StreamersOf(g) => (
            "totals",
            "user_id",
            STREAMER_NAME,
            Some(("game_id", g.to_string())),
        ),
        Subject::GamesOf(s) => (
            "totals",
            "game_id",
            GAME_NAME,
            Some(("user_id", s.to_string())),
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

/// The blocks as two parallel arrays, for `UNNEST`.
fn block_arrays(blocks: &[Block]) -> (Vec<i16>, Vec<i32>) {
    blocks.iter().map(|b| level_block(*b)).unzip()
}

impl PostgresStore {
    /// The heads of all blocks in one statement: a `LATERAL` index scan per block.
    async fn heads(&self, blocks: &[Block], subject: &Subject, n: usize) -> Result<Vec<BlockHead>> {
        let src = source(subject);
        let filter = src
            .filter
            .as_ref()
            .map(|(col, _)| format!(" AND t.{col} = $4"))
            .unwrap_or_default();
        let sql = format!(
            "SELECT b.k, h.id, h.vm
             FROM UNNEST($1::SMALLINT[], $2::INTEGER[]) WITH ORDINALITY AS b(level, block, k)
             CROSS JOIN LATERAL (
                 SELECT t.{id} AS id, t.viewer_minutes AS vm FROM {table} t
                 WHERE t.level = b.level AND t.block = b.block{filter}{categorized}
                 ORDER BY t.viewer_minutes DESC LIMIT $3
             ) h",
            id = src.id,
            table = src.table,
            categorized = src.categorized,
        );
        let (levels, indexes) = block_arrays(blocks);
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(levels)
            .bind(indexes)
            .bind(signed((n as u64).saturating_add(1)));
        if let Some((_, value)) = &src.filter {
            query = query.bind(value.clone());
        }
        let mut heads = vec![BlockHead::default(); blocks.len()];
        for row in query.fetch_all(&self.pool).await? {
            let k: i64 = row.try_get("k")?;
            let head = usize::try_from(k - 1)
                .ok()
                .and_then(|k| heads.get_mut(k))
                .ok_or_else(|| PostgresError::Corrupt(format!("block ordinal {k}")))?;
            head.rows.push((
                row.try_get("id")?,
                unsigned(row.try_get("vm")?, "viewer minutes")?,
            ));
        }
        Ok(heads)
    }

    /// The exact sums of `ids` over `blocks`, with current names.
    async fn block_sums(
        &self,
        blocks: &[Block],
        subject: &Subject,
        ids: &[String],
    ) -> Result<Vec<RankingEntry>> {
        let src = source(subject);
        // One primary-key probe per (id, block). The newest blocks never have statistics yet,
        // so the planner rates every index alike; it must not get a choice:
        // - `LIMIT 1` (a key matches one row at most) keeps the LATERAL subquery from being
        //   pulled up into a join, which became a scan of the whole block for every id;
        // - `game_id || ''` cannot use an index, so in `totals` only the primary key's
        //   (level, block, user_id) prefix serves the probe, never `totals_by_game`, whose
        //   (level, block, game_id) prefix holds thousands of rows for a big game.
        // Names are joined after summing.
        let col = |c: &str| match (src.table, c) {
            ("totals", "game_id") => "(t.game_id || '')".to_owned(),
            _ => format!("t.{c}"),
        };
        let filter = src
            .filter
            .as_ref()
            .map(|(c, _)| format!(" AND {} = $4", col(c)))
            .unwrap_or_default();
        let id_col = col(src.id);
        let sql = format!(
            "SELECT s.id, {name} AS name, s.viewer_minutes, s.airtime_minutes, s.peak_viewers
             FROM (
                 SELECT i.id, SUM(t.viewer_minutes)::BIGINT AS viewer_minutes,
                        SUM(t.airtime_minutes)::BIGINT AS airtime_minutes,
                        MAX(t.peak_viewers) AS peak_viewers
                 FROM UNNEST($3::TEXT[]) AS i(id)
                 CROSS JOIN UNNEST($1::SMALLINT[], $2::INTEGER[]) AS b(level, block)
                 CROSS JOIN LATERAL (
                     SELECT t.viewer_minutes, t.airtime_minutes, t.peak_viewers FROM {table} t
                     WHERE t.level = b.level AND t.block = b.block AND {id_col} = i.id{filter}{categorized}
                     LIMIT 1
                 ) t
                 GROUP BY i.id
             ) s
             {join}",
            name = src.name,
            table = src.table,
            join = src.join,
            categorized = src.categorized,
        );
        let (levels, indexes) = block_arrays(blocks);
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(levels)
            .bind(indexes)
            .bind(ids);
        if let Some((_, value)) = &src.filter {
            query = query.bind(value.clone());
        }
        let kind = subject.ranks();
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row: &PgRow| {
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
struct Summaries<'a>(&'a PostgresStore);

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
