//! Name lookup by key.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use watchtime_core::lookup::{NameLookup, NameRecord, streamer_keys_of};
use watchtime_core::ports::NameStore;
use watchtime_core::{EntityId, GameId, Slot, StreamerId};

use crate::codec::signed;
use crate::error::Result;
use crate::store::SqliteStore;

const GAME_COLUMNS: &str = "SELECT game_id, name, name_key, last_seen FROM games";
const STREAMER_COLUMNS: &str = "SELECT st.user_id, st.shown_name, st.login_key, st.name_key,
        COALESCE(seen.last_seen, st.last_seen) AS last_seen
    FROM streamers st LEFT JOIN streamer_seen seen ON seen.user_id = st.user_id";

impl SqliteStore {
    async fn names(&self, lookup: &NameLookup) -> Result<Vec<NameRecord>> {
        let (games, streamers) = match lookup {
            NameLookup::Exact(key) => {
                let games =
                    sqlx::query(AssertSqlSafe(format!("{GAME_COLUMNS} WHERE name_key = ?1")))
                        .bind(key)
                        .fetch_all(&self.pool)
                        .await?;
                let streamers = sqlx::query(AssertSqlSafe(format!(
                    "{STREAMER_COLUMNS} WHERE login_key = ?1 UNION {STREAMER_COLUMNS} WHERE name_key = ?1"
                )))
                .bind(key)
                .fetch_all(&self.pool)
                .await?;
                (games, streamers)
            }
            NameLookup::KeyLength { min, max } => {
                let (min, max) = (signed(*min as u64), signed(*max as u64));
                let games = sqlx::query(AssertSqlSafe(format!(
                    "{GAME_COLUMNS} WHERE name_key_len BETWEEN ?1 AND ?2"
                )))
                .bind(min)
                .bind(max)
                .fetch_all(&self.pool)
                .await?;
                // One pass (a multi-index OR) rather than a UNION: a UNION sorts tens of
                // thousands of whole rows to drop the streamers both keys matched.
                let streamers = sqlx::query(AssertSqlSafe(format!(
                    "{STREAMER_COLUMNS}
                     WHERE login_key_len BETWEEN ?1 AND ?2 OR name_key_len BETWEEN ?1 AND ?2"
                )))
                .bind(min)
                .bind(max)
                .fetch_all(&self.pool)
                .await?;
                (games, streamers)
            }
            NameLookup::Prefix(p) if p.is_empty() => (Vec::new(), Vec::new()),
            NameLookup::Prefix(p) => {
                let bound = NameLookup::prefix_bound(p);
                let games = sqlx::query(AssertSqlSafe(format!(
                    "{GAME_COLUMNS} WHERE name_key >= ?1 AND name_key < ?2"
                )))
                .bind(p.as_str())
                .bind(bound.as_str())
                .fetch_all(&self.pool)
                .await?;
                let streamers = sqlx::query(AssertSqlSafe(format!(
                    "{STREAMER_COLUMNS} WHERE login_key >= ?1 AND login_key < ?2
                     UNION {STREAMER_COLUMNS} WHERE name_key >= ?1 AND name_key < ?2"
                )))
                .bind(p.as_str())
                .bind(bound.as_str())
                .fetch_all(&self.pool)
                .await?;
                (games, streamers)
            }
            NameLookup::Id(EntityId::Game(id)) => {
                let games =
                    sqlx::query(AssertSqlSafe(format!("{GAME_COLUMNS} WHERE game_id = ?1")))
                        .bind(id.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                (games, Vec::new())
            }
            NameLookup::Id(EntityId::Streamer(id)) => {
                let streamers = sqlx::query(AssertSqlSafe(format!(
                    "{STREAMER_COLUMNS} WHERE st.user_id = ?1"
                )))
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                (Vec::new(), streamers)
            }
        };
        let mut out = Vec::with_capacity(games.len() + streamers.len());
        for row in &games {
            out.push(game_record(row)?);
        }
        for row in &streamers {
            out.push(streamer_record(row)?);
        }
        Ok(out)
    }
}

fn game_record(row: &SqliteRow) -> Result<NameRecord> {
    Ok(NameRecord {
        id: EntityId::Game(GameId::new(row.try_get::<String, _>("game_id")?)),
        name: row.try_get("name")?,
        keys: vec![row.try_get("name_key")?],
        last_seen: Slot::from_unix(row.try_get("last_seen")?),
    })
}

fn streamer_record(row: &SqliteRow) -> Result<NameRecord> {
    // The stored keys are `name_key` of the login and display name, written with them.
    Ok(NameRecord {
        keys: streamer_keys_of(row.try_get("login_key")?, row.try_get("name_key")?),
        id: EntityId::Streamer(StreamerId::new(row.try_get::<String, _>("user_id")?)),
        name: row.try_get("shown_name")?,
        last_seen: Slot::from_unix(row.try_get("last_seen")?),
    })
}

#[async_trait]
impl NameStore for SqliteStore {
    async fn find_names(&self, lookup: &NameLookup) -> watchtime_core::Result<Vec<NameRecord>> {
        Ok(self.names(lookup).await?)
    }
}
