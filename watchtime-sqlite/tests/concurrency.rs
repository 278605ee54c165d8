//! Several processes on one SQLite file: writers wait for each other instead of failing with
//! "database is locked".

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use watchtime_core::testkit::fixtures::{slotted, stream};
use watchtime_core::{Day, DayCalendar, Settings, bot};
use watchtime_sqlite::SqliteStore;

/// Two stores on one file stand for two processes: each has its own connection pool.
async fn two_processes(dir: &tempfile::TempDir) -> (Arc<SqliteStore>, Arc<SqliteStore>) {
    let url = format!("sqlite://{}", dir.path().join("shared.db").display());
    let first = SqliteStore::connect(&url).await.expect("open");
    let second = SqliteStore::connect(&url).await.expect("open again");
    (Arc::new(first), Arc::new(second))
}

/// A transaction that reads before it writes (closing a day does) used to start as a reader;
/// when another connection committed in between, SQLite refused the upgrade at once with
/// SQLITE_BUSY_SNAPSHOT (517), which no busy timeout waits out.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_one_file_wait_for_each_other() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (a, b) = two_processes(&dir).await;
    let settings = Settings::default();
    let day: Day = "2026-11-25".parse().expect("a day");
    let start = DayCalendar::LOS_ANGELES_8AM.start_of(day);
    let now: DateTime<Utc> = start + Duration::days(2);
    let mut tasks = Vec::new();
    for i in 0..48i64 {
        let (a, b) = (a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let at = (start + Duration::minutes(30 * i) + Duration::seconds(5)).to_rfc3339();
            let snapshot = slotted(&at, vec![stream("1", "Alpha", None, 100 + i as u32)]);
            let writer = if i % 2 == 0 { &a } else { &b };
            watchtime_core::prelude::SnapshotStore::record_snapshot(writer.as_ref(), &snapshot)
                .await
                .map_err(|e| format!("recording slot {i}: {}", watchtime_core::ErrorChain(&e)))?;
            let closer = if i % 2 == 0 { &b } else { &a };
            bot::close_day(closer.as_ref(), &settings, day, now)
                .await
                .map_err(|e| format!("closing after slot {i}: {}", watchtime_core::ErrorChain(&e)))
        }));
    }
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.expect("the task ran") {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let status = bot::close_day(a.as_ref(), &settings, day, now)
        .await
        .expect("close");
    assert_eq!(status.slots_observed, 48);
}
