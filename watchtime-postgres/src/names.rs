//! Name lookup by key.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Row};
use watchtime_core::lookup::{NameLookup, NameRecord, streamer_keys_of};
use watchtime_core::ports::NameStore;
use watchtime_core::{EntityId, GameId, Slot, StreamerId};

use crate::codec::signed;
use crate::error::Result;
use crate::store::PostgresStore;

const GAME_COLUMNS: &str = "SELECT game_id, name, name_key, last_seen FROM games";
const STREAMER_COLUMNS: &str = "SELECT st.user_id, st.shown_name, st.login_key, st.name_key,
            GREATEST(seen.last_seen, st.last_seen) AS last_seen
     FROM streamers st LEFT JOIN streamer_seen seen ON seen.user_id = st.user_id";

// A streamer answers to its non-empty keys only (`streamer_keys`); a game to its one key, even
// an empty one, as in the reference store.
const EXACT_GAMES: &str = "WHERE name_key = $1";
const EXACT_STREAMERS: &str = "WHERE (login_key = $1 AND login_key <> '')
    OR (name_key = $1 AND name_key <> '')";
const LENGTH_GAMES: &str = "WHERE name_key_len BETWEEN $1 AND $2";
const LENGTH_STREAMERS: &str = "WHERE (login_key_len BETWEEN $1 AND $2 AND login_key <> '')
    OR (name_key_len BETWEEN $1 AND $2 AND name_key <> '')";
const PREFIX_GAMES: &str = "WHERE name_key >= $1 AND name_key < $2";
const PREFIX_STREAMERS: &str = "WHERE (login_key >= $1 AND login_key < $2)
    OR (name_key >= $1 AND name_key < $2)";
const ID_GAME: &str = "WHERE game_id = $1";
const ID_STREAMER: &str = "WHERE st.user_id = $1";

impl PostgresStore {
    async fn names(&self, lookup: &NameLookup) -> Result<Vec<NameRecord>> {
        let (game_filter, streamer_filter) = match lookup {
            NameLookup::Exact(_) => (Some(EXACT_GAMES), Some(EXACT_STREAMERS)),
            NameLookup::KeyLength { .. } => (Some(LENGTH_GAMES), Some(LENGTH_STREAMERS)),
            NameLookup::Prefix(p) if p.is_empty() => (None, None),
            NameLookup::Prefix(_) => (Some(PREFIX_GAMES), Some(PREFIX_STREAMERS)),
            NameLookup::Id(EntityId::Game(_)) => (Some(ID_GAME), None),
            NameLookup::Id(EntityId::Streamer(_)) => (None, Some(ID_STREAMER)),
        };
        let mut games = Vec::new();
        if let Some(filter) = game_filter {
            games = self
                .fetch_names(format!("{GAME_COLUMNS} {filter}"), lookup)
                .await?;
        }
        let mut streamers = Vec::new();
        if let Some(filter) = streamer_filter {
            streamers = self
                .fetch_names(format!("{STREAMER_COLUMNS} {filter}"), lookup)
                .await?;
        }
        let mut out = Vec::with_capacity(games.len() + streamers.len());
        for row in &games {
            out.push(game_record(row)?);
        }
        for row in &streamers {
            out.push(streamer_record(row)?);
        }
        Ok(out)
    }

    /// Runs one of the lookup queries above with the lookup's binds.
    async fn fetch_names(&self, sql: String, lookup: &NameLookup) -> Result<Vec<PgRow>> {
        let query = sqlx::query(AssertSqlSafe(sql));
        let query = match lookup {
            NameLookup::Exact(key) => query.bind(key.as_str()),
            NameLookup::KeyLength { min, max } => {
                query.bind(signed(*min as u64)).bind(signed(*max as u64))
            }
            NameLookup::Id(id) => query.bind(id.as_str()),
            NameLookup::Prefix(p) => query.bind(p.as_str()).bind(NameLookup::prefix_bound(p)),
        };
        Ok(query.fetch_all(&self.pool).await?)
    }
}

fn game_record(row: &PgRow) -> Result<NameRecord> {
    Ok(NameRecord {
        id: EntityId::Game(GameId::new(row.try_get::<String, _>("game_id")?)),
        name: row.try_get("name")?,
        keys: vec![row.try_get("name_key")?],
        last_seen: Slot::from_unix(row.try_get("last_seen")?),
    })
}

fn streamer_record(row: &PgRow) -> Result<NameRecord> {
    // The stored keys are `name_key` of the login and display name, written with them.
    Ok(NameRecord {
        keys: streamer_keys_of(row.try_get("login_key")?, row.try_get("name_key")?),
        id: EntityId::Streamer(StreamerId::new(row.try_get::<String, _>("user_id")?)),
        name: row.try_get("shown_name")?,
        last_seen: Slot::from_unix(row.try_get("last_seen")?),
    })
}

#[async_trait]
impl NameStore for PostgresStore {
    async fn find_names(&self, lookup: &NameLookup) -> watchtime_core::Result<Vec<NameRecord>> {
        Ok(self.names(lookup).await?)
    }
}
