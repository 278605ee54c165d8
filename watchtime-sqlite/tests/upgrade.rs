//! A database written before block summaries existed is upgraded in place: its closed days keep
//! their totals and rank exactly as before.

use sqlx::sqlite::SqlitePoolOptions;
use watchtime_core::prelude::*;
use watchtime_core::ranking::{RankingQuery, Subject};
use watchtime_core::{Day, DayRange};
use watchtime_sqlite::{MIGRATOR, SqliteStore};

fn day(n: i32) -> Day {
    Day::from_days_since_epoch(n)
}

#[tokio::test]
async fn daily_totals_move_into_block_summaries() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    {
        let pool = SqlitePoolOptions::new()
            .connect(&format!("{url}?mode=rwc"))
            .await
            .expect("open");
        MIGRATOR.run_to(1, &pool).await.expect("the first schema");
        // Days 20480..20490 straddle an 8-day and a 64-day boundary (20480 = 64 × 320).
        for (d, user, game, vm) in [
            (20_478, "1", "743", 900),
            (20_479, "1", "743", 100),
            (20_480, "2", "743", 600),
            (20_480, "1", "", 5_000),
            (20_489, "2", "1001", 700),
        ] {
            sqlx::query("INSERT INTO daily_totals VALUES (?1, ?2, ?3, ?4, 30, ?4 / 30)")
                .bind(d)
                .bind(user)
                .bind(game)
                .bind(vm)
                .execute(&pool)
                .await
                .expect("insert");
        }
        for (id, name) in [("1", "amy"), ("2", "zed")] {
            sqlx::query("INSERT INTO streamers VALUES (?1, ?2, ?2, ?2, ?2, ?2, 3, 3, 0)")
                .bind(id)
                .bind(name)
                .execute(&pool)
                .await
                .expect("insert");
        }
        for (id, name) in [("743", "Chess"), ("1001", "Go")] {
            sqlx::query("INSERT INTO games VALUES (?1, ?2, ?2, 5, 0)")
                .bind(id)
                .bind(name)
                .execute(&pool)
                .await
                .expect("insert");
        }
        pool.close().await;
    }

    let store = SqliteStore::connect(&url)
        .await
        .expect("upgrade on connect");
    let totals = store.day_totals(day(20_480)).await.expect("totals");
    assert_eq!(totals.len(), 2);
    let range = DayRange::new(day(20_470), day(20_495)).expect("a range");
    let rank = |subject| RankingQuery {
        subject,
        range,
        top: 5,
    };
    let streamers: Vec<_> = store
        .rank(&rank(Subject::TopStreamers))
        .await
        .expect("rank")
        .into_iter()
        .map(|e| (e.name, e.totals.viewer_minutes))
        .collect();
    assert_eq!(
        streamers,
        [("amy".to_owned(), 6_000), ("zed".to_owned(), 1_300)]
    );
    let games: Vec<_> = store
        .rank(&rank(Subject::TopGames))
        .await
        .expect("rank")
        .into_iter()
        .map(|e| (e.name, e.totals.viewer_minutes))
        .collect();
    assert_eq!(games, [("Chess".to_owned(), 1_600), ("Go".to_owned(), 700)]);
}

/// An outbox entry left pending before payloads were kept takes the payload of its next claim,
/// and keeps it from then on.
#[tokio::test]
async fn a_pending_entry_from_before_payloads_takes_the_next_one() {
    use watchtime_core::outbox::{Claim, OutboxItem, OutboxKey, Payload, Purpose};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let t0 = watchtime_core::testkit::fixtures::at("2026-11-27T22:00:00Z");
    {
        let pool = SqlitePoolOptions::new()
            .connect(&format!("{url}?mode=rwc"))
            .await
            .expect("open");
        MIGRATOR
            .run_to(2, &pool)
            .await
            .expect("the schema before payloads");
        sqlx::query(
            "INSERT INTO outbox (platform, item, purpose, author, state, attempts, created_at_ns, updated_at_ns)
             VALUES ('mastodon', 'post/2026-11-26/top-games', 'post', NULL, 'pending', 1, ?1, ?1)",
        )
        .bind(t0.timestamp_nanos_opt().expect("in range"))
        .execute(&pool)
        .await
        .expect("insert");
        pool.close().await;
    }
    let store = SqliteStore::connect(&url)
        .await
        .expect("upgrade on connect");
    let key = OutboxKey {
        platform: "mastodon".into(),
        item: "post/2026-11-26/top-games".into(),
    };
    let old = store
        .outbox_entry(&key)
        .await
        .expect("entry")
        .expect("kept");
    assert_eq!((old.payload, old.attempts), (None, 1));
    let t1 = t0 + watchtime_core::chrono::Duration::minutes(5);
    let offered = Payload::text("Most watched games", t1);
    let item = |payload: Payload| OutboxItem {
        key: key.clone(),
        purpose: Purpose::Post,
        author: None,
        payload,
    };
    assert_eq!(
        store
            .claim(&item(offered.clone()), t1)
            .await
            .expect("claim"),
        Claim::Unfinished {
            attempts: 2,
            since: t0,
            payload: offered.clone(),
        }
    );
    let later = Payload::text("Most watched games, rebuilt", t1);
    let again = store.claim(&item(later), t1).await.expect("claim");
    assert_eq!(again.payload(), Some(&offered), "stored from then on");
}
