//! Recording a snapshot: every table's rows travel as one array per column and go in with one
//! statement (`UNNEST`), whatever the snapshot's size.

use std::collections::HashMap;

use sqlx::{Postgres, Transaction};
use watchtime_core::snapshot::SlotSnapshot;
use watchtime_core::text::{key_len, name_key};
use watchtime_core::{Slot, SlotLength, Span};

use crate::codec::{game_col, signed, unsigned};
use crate::error::{PostgresError, Result};

/// The advisory lock class of an hour's recordings (the second key is the hour).
const HOUR_LOCK: i32 = 0x5754_0001;

/// Locks the hour that holds `span` for this transaction, then reads the stored snapshots that
/// may overlap it, for the core's mixed-length rule ([`Span::check_against`]). Recordings in one
/// hour take turns, so two overlapping spans of different lengths cannot both pass the check.
pub(crate) async fn stored_spans(
    tx: &mut Transaction<'_, Postgres>,
    span: Span,
) -> Result<Vec<Span>> {
    let hour = i32::try_from(span.hour())
        .map_err(|_| PostgresError::Corrupt(format!("slot {} out of range", span.slot)))?;
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(HOUR_LOCK)
        .bind(hour)
        .execute(&mut **tx)
        .await?;
    let (from, to) = span.neighbour_starts();
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT slot, slot_minutes FROM snapshots WHERE slot >= $1 AND slot < $2")
            .bind(from)
            .bind(to)
            .fetch_all(&mut **tx)
            .await?;
    rows.into_iter()
        .map(|(slot, minutes)| {
            Ok(Span {
                slot: Slot::from_unix(slot),
                length: SlotLength::from_minutes(unsigned(minutes, "slot length")?)
                    .map_err(|e| PostgresError::Corrupt(e.to_string()))?,
            })
        })
        .collect()
}

/// The slot's record. It goes first: its row lock makes two recordings of one slot take turns,
/// so the second one's DELETE sees (and removes) the first one's samples.
const UPSERT_SNAPSHOT: &str = "INSERT INTO snapshots
        (slot, slot_minutes, taken_at, stream_count, complete, incomplete_reason)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (slot) DO UPDATE SET slot_minutes = excluded.slot_minutes,
        taken_at = excluded.taken_at, stream_count = excluded.stream_count,
        complete = excluded.complete, incomplete_reason = excluded.incomplete_reason";

/// Recording a slot again replaces its samples.
const DELETE_SAMPLES: &str = "DELETE FROM samples WHERE slot = $1";

const INSERT_SAMPLES: &str = "INSERT INTO samples (slot, user_id, game_id, viewers)
    SELECT $1, u.user_id, u.game_id, u.viewers
    FROM UNNEST($2::text[], $3::text[], $4::bigint[]) AS u (user_id, game_id, viewers)";

/// Names are the latest seen: a row is written for a new streamer, or when the names differ and
/// the slot is not older than the streamer's last sighting. Unchanged streamers (nearly all of a
/// snapshot) are left out by a read-only join before the insert, so their rows are neither
/// rewritten nor locked; their `last_seen` moves in `streamer_seen`.
const UPSERT_STREAMERS: &str = "INSERT INTO streamers AS s
        (user_id, login, display_name, shown_name, login_key, name_key, login_key_len,
         name_key_len, last_seen)
    SELECT u.user_id, u.login, u.display_name, u.shown_name, u.login_key, u.name_key,
           u.login_key_len, u.name_key_len, $1
    FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::bigint[], $9::bigint[])
         AS u (user_id, login, display_name, shown_name, login_key, name_key, login_key_len,
               name_key_len)
    LEFT JOIN streamers c ON c.user_id = u.user_id
    WHERE c.user_id IS NULL OR (u.login, u.display_name) IS DISTINCT FROM (c.login, c.display_name)
    ON CONFLICT (user_id) DO UPDATE SET login = excluded.login,
        display_name = excluded.display_name, shown_name = excluded.shown_name,
        login_key = excluded.login_key, name_key = excluded.name_key,
        login_key_len = excluded.login_key_len, name_key_len = excluded.name_key_len,
        last_seen = excluded.last_seen
    WHERE (excluded.login, excluded.display_name) IS DISTINCT FROM (s.login, s.display_name)
      AND excluded.last_seen >= GREATEST(s.last_seen,
          (SELECT z.last_seen FROM streamer_seen z WHERE z.user_id = s.user_id))";

/// Moves the last-seen slot of every streamer in the snapshot (never backwards).
const UPSERT_SEEN: &str = "INSERT INTO streamer_seen AS z (user_id, last_seen)
    SELECT u.user_id, $1 FROM UNNEST($2::text[]) AS u (user_id)
    ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen
    WHERE excluded.last_seen > z.last_seen";

/// The same rule for games.
const UPSERT_GAMES: &str =
    "INSERT INTO games AS g (game_id, name, name_key, name_key_len, last_seen)
    SELECT u.game_id, u.name, u.name_key, u.name_key_len, $1
    FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bigint[])
         AS u (game_id, name, name_key, name_key_len)
    ON CONFLICT (game_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
        name_key_len = excluded.name_key_len, last_seen = excluded.last_seen
    WHERE excluded.last_seen > g.last_seen
       OR (excluded.last_seen = g.last_seen AND excluded.name IS DISTINCT FROM g.name)";

/// Every statement a recording runs, in order: one per table (two for samples, which are
/// replaced). The count does not depend on the snapshot.
pub(crate) const STATEMENTS: [&str; 6] = [
    UPSERT_SNAPSHOT,
    DELETE_SAMPLES,
    INSERT_SAMPLES,
    UPSERT_STREAMERS,
    UPSERT_SEEN,
    UPSERT_GAMES,
];

/// The samples as columns.
#[derive(Debug, Default)]
struct Samples<'a> {
    user_ids: Vec<&'a str>,
    game_ids: Vec<&'a str>,
    viewers: Vec<i64>,
}

/// The streamers as columns, sorted by id: concurrent recordings then lock rows in one order
/// and cannot deadlock.
#[derive(Debug, Default)]
struct Streamers<'a> {
    ids: Vec<&'a str>,
    logins: Vec<&'a str>,
    display_names: Vec<&'a str>,
    shown_names: Vec<&'a str>,
    login_keys: Vec<String>,
    name_keys: Vec<String>,
    login_key_lens: Vec<i64>,
    name_key_lens: Vec<i64>,
}

/// The games as columns, one row per game (`ON CONFLICT` cannot touch a row twice in one
/// statement), sorted by id.
#[derive(Debug, Default)]
struct Games<'a> {
    ids: Vec<&'a str>,
    names: Vec<&'a str>,
    keys: Vec<String>,
    key_lens: Vec<i64>,
}

fn len_col(key: &str) -> i64 {
    signed(key_len(key) as u64)
}

fn samples(snapshot: &SlotSnapshot) -> Samples<'_> {
    let mut out = Samples::default();
    for s in snapshot.streams() {
        out.user_ids.push(s.streamer.id.as_str());
        out.game_ids.push(game_col(s.game.as_ref().map(|g| &g.id)));
        out.viewers.push(i64::from(s.viewers));
    }
    out
}

fn streamers(snapshot: &SlotSnapshot) -> Streamers<'_> {
    // A slot snapshot holds one sample per streamer, so ids are unique.
    let mut sorted: Vec<_> = snapshot.streams().iter().map(|s| &s.streamer).collect();
    sorted.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    let mut out = Streamers::default();
    for s in sorted {
        let (login_key, name_key) = (name_key(&s.login), name_key(&s.display_name));
        out.ids.push(s.id.as_str());
        out.logins.push(&s.login);
        out.display_names.push(&s.display_name);
        out.shown_names.push(s.shown_name());
        out.login_key_lens.push(len_col(&login_key));
        out.name_key_lens.push(len_col(&name_key));
        out.login_keys.push(login_key);
        out.name_keys.push(name_key);
    }
    out
}

fn games(snapshot: &SlotSnapshot) -> Games<'_> {
    // The last sighting of a game wins, as in the reference store (which applies sightings in
    // order, each replacing the one before).
    let mut latest: HashMap<&str, &str> = HashMap::new();
    for g in snapshot.streams().iter().filter_map(|s| s.game.as_ref()) {
        latest.insert(g.id.as_str(), &g.name);
    }
    let mut sorted: Vec<(&str, &str)> = latest.into_iter().collect();
    sorted.sort_unstable();
    let mut out = Games::default();
    for (id, name) in sorted {
        let key = name_key(name);
        out.ids.push(id);
        out.names.push(name);
        out.key_lens.push(len_col(&key));
        out.keys.push(key);
    }
    out
}

/// Writes `snapshot` inside `tx`: the five [`STATEMENTS`], nothing else.
pub(crate) async fn write_snapshot(
    tx: &mut Transaction<'_, Postgres>,
    snapshot: &SlotSnapshot,
) -> Result<()> {
    let slot = snapshot.slot().unix();
    let [
        upsert_snapshot,
        delete_samples,
        insert_samples,
        upsert_streamers,
        upsert_seen,
        upsert_games,
    ] = STATEMENTS;
    let completeness = snapshot.completeness();
    sqlx::query(upsert_snapshot)
        .bind(slot)
        .bind(i64::from(snapshot.length().minutes()))
        .bind(snapshot.taken_at())
        .bind(signed(snapshot.streams().len() as u64))
        .bind(completeness.is_complete())
        .bind(completeness.reason())
        .execute(&mut **tx)
        .await?;
    sqlx::query(delete_samples)
        .bind(slot)
        .execute(&mut **tx)
        .await?;
    let s = samples(snapshot);
    sqlx::query(insert_samples)
        .bind(slot)
        .bind(&s.user_ids)
        .bind(&s.game_ids)
        .bind(&s.viewers)
        .execute(&mut **tx)
        .await?;
    let st = streamers(snapshot);
    sqlx::query(upsert_streamers)
        .bind(slot)
        .bind(&st.ids)
        .bind(&st.logins)
        .bind(&st.display_names)
        .bind(&st.shown_names)
        .bind(&st.login_keys)
        .bind(&st.name_keys)
        .bind(&st.login_key_lens)
        .bind(&st.name_key_lens)
        .execute(&mut **tx)
        .await?;
    sqlx::query(upsert_seen)
        .bind(slot)
        .bind(&st.ids)
        .execute(&mut **tx)
        .await?;
    let g = games(snapshot);
    sqlx::query(upsert_games)
        .bind(slot)
        .bind(&g.ids)
        .bind(&g.names)
        .bind(&g.keys)
        .bind(&g.key_lens)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchtime_core::testkit::fixtures::{slotted, stream};

    #[test]
    fn one_statement_per_table() {
        let flat: Vec<String> = STATEMENTS
            .iter()
            .map(|sql| sql.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for table in ["snapshots", "samples", "streamers", "games"] {
            let inserts = flat
                .iter()
                .filter(|sql| sql.starts_with(&format!("INSERT INTO {table} ")))
                .count();
            assert_eq!(inserts, 1, "{table}");
        }
        assert_eq!(flat[1], "DELETE FROM samples WHERE slot = $1");
        for batched in &flat[2..] {
            assert!(batched.contains("FROM UNNEST("), "{batched}");
        }
    }

    #[test]
    fn columns_hold_one_row_per_streamer_and_per_game() {
        let snap = slotted(
            "2026-11-26T18:00:00Z",
            vec![
                stream("2", "Beta", Some(("743", "Chess")), 100),
                stream("1", "Alpha", Some(("743", "Chess (renamed)")), 90),
                stream("3", "Gamma", None, 80),
            ],
        );
        let s = samples(&snap);
        assert_eq!(s.user_ids, ["2", "1", "3"]);
        assert_eq!(s.game_ids, ["743", "743", ""]);
        assert_eq!(s.viewers, [100, 90, 80]);
        let st = streamers(&snap);
        assert_eq!(st.ids, ["1", "2", "3"], "sorted by id");
        assert_eq!(st.login_keys[0], "alpha");
        assert_eq!(st.login_key_lens[0], 5);
        let g = games(&snap);
        assert_eq!(g.ids, ["743"]);
        assert_eq!(g.names, ["Chess (renamed)"], "the last sighting wins");
    }
}
