//! The daily prune keeps the tables their size without relying on the server's autovacuum
//! (which this test server, like some production ones, has turned off).

use chrono::Duration;
use watchtime_core::ports::{SnapshotStore, TotalsStore};
use watchtime_core::testkit::fixtures::{slotted, stream};
use watchtime_core::{Day, Settings};
use watchtime_postgres::testkit::fresh_store;

/// How many times each table was vacuumed by hand (not by autovacuum).
async fn vacuums(store: &watchtime_postgres::PostgresStore) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT relname::TEXT, vacuum_count FROM pg_stat_user_tables
         WHERE relname IN ('samples', 'streamer_seen', 'totals', 'streamer_totals', 'game_totals')
         ORDER BY relname",
    )
    .fetch_all(store.pool())
    .await
    .expect("vacuum counts")
}

#[tokio::test]
async fn pruning_vacuums_what_the_day_left_behind() {
    let store = fresh_store().await;
    let settings = Settings::default();
    let day = Day::from_ymd(2026, 11, 26).expect("a date");
    let window = settings.calendar.window(day);
    for slot in 0..4 {
        let at = window.start + Duration::minutes(30 * slot);
        store
            .record_snapshot(&slotted(
                &at.to_rfc3339(),
                vec![stream(
                    "1",
                    "Alpha",
                    Some(("743", "Chess")),
                    100 + slot as u32,
                )],
            ))
            .await
            .expect("record");
    }
    store
        .close_day(&window, 48, window.end)
        .await
        .expect("close");
    let before = vacuums(&store).await;
    assert!(before.iter().all(|(_, n)| *n == 0), "{before:?}");

    let pruned = store
        .prune_samples(settings.slot_length.slot_of(window.end))
        .await
        .expect("prune");
    assert_eq!(pruned, 4);
    let after = vacuums(&store).await;
    assert_eq!(after.len(), 5, "{after:?}");
    assert!(after.iter().all(|(_, n)| *n == 1), "{after:?}");
}
