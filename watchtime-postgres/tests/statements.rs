//! What reaches the server, read from sqlx's statement log: ingest is one statement per table
//! whatever the snapshot's size, and no statement or log line holds the password.
//!
//! One test, because the log capture is process-wide.

use watchtime_core::ports::{NameStore, SnapshotStore, TotalsStore};
use watchtime_core::testkit::fixtures::{slotted, stream};
use watchtime_core::testkit::logs::LogCapture;
use watchtime_core::{Day, Settings};
use watchtime_postgres::PostgresStore;
use watchtime_postgres::testkit::{TestDatabase, admin_url};

const PASSWORD: &str = "Pw-in-no-log-91c2";

/// How many logged statements contain `needle`. Each event starts with its level and target.
fn statements_with(logs: &str, needle: &str) -> usize {
    logs.split("sqlx::query:")
        .skip(1)
        .filter(|event| event.contains(needle))
        .count()
}

#[tokio::test]
async fn ingest_batches_and_logs_hold_no_password() {
    let logs = LogCapture::install("trace");
    let database = TestDatabase::create().await;
    let mut url = url::Url::parse(&admin_url()).expect("admin URL");
    url.set_password(Some(PASSWORD)).expect("password");
    url.set_path(database.name());
    let store = PostgresStore::connect(url.as_str()).await.expect("connect");

    let before = logs.text().len();
    let snapshot = slotted(
        "2026-11-26T18:00:00Z",
        (0..2_000)
            .map(|i| {
                stream(
                    &format!("{i}"),
                    &format!("streamer{i}"),
                    Some((&*format!("{}", i % 40), "Game")),
                    51 + i,
                )
            })
            .collect(),
    );
    store.record_snapshot(&snapshot).await.expect("record");
    let ingest = logs.text()[before..].to_owned();
    for table in ["snapshots", "samples", "streamers", "games"] {
        assert_eq!(
            statements_with(&ingest, &format!("INSERT INTO {table} ")),
            1,
            "one INSERT into {table} for 2,000 streams"
        );
    }
    assert_eq!(statements_with(&ingest, "DELETE FROM samples"), 1);

    let day: Day = "2026-11-26".parse().expect("day");
    store
        .close_day(
            &Settings::default().calendar.window(day),
            48,
            snapshot.taken_at(),
        )
        .await
        .expect("close");
    store
        .find_names(&watchtime_core::lookup::NameLookup::Exact(
            "streamer7".into(),
        ))
        .await
        .expect("find");
    let _ = PostgresStore::connect(&format!("postgres://bot:{PASSWORD}@127.0.0.1:5999/x")).await;
    logs.assert_free_of(&[PASSWORD]);
    store.close().await;
}
