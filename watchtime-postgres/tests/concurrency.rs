//! Several processes (here: tasks on one pool) may share the store: claims, closes and
//! recordings of the same item, day or slot take turns instead of failing or double counting.

use std::sync::Arc;

use chrono::Duration;
use watchtime_core::outbox::{Claim, OutboxItem, OutboxKey, Payload, Purpose};
use watchtime_core::ports::{OutboxStore, SnapshotStore, TotalsStore};
use watchtime_core::testkit::fixtures::{at, slotted, stream};
use watchtime_core::{Day, Settings};
use watchtime_postgres::testkit::fresh_store;

const TASKS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_concurrent_claim_is_fresh() {
    let store = Arc::new(fresh_store().await);
    let now = at("2026-11-27T22:00:00Z");
    // Each task offers its own text; every claim answers the one text stored first.
    let item = |task: usize| OutboxItem {
        key: OutboxKey::reply("mastodon", "109"),
        purpose: Purpose::Answer,
        author: Some("alice".into()),
        payload: Payload::text(format!("@alice reply built by task {task}"), now),
    };
    let claims: Vec<_> = (0..TASKS)
        .map(|task| {
            let (store, item) = (store.clone(), item(task));
            tokio::spawn(async move { store.claim(&item, now).await })
        })
        .collect();
    let mut fresh = 0;
    let mut payloads = Vec::new();
    for claim in claims {
        let claim = claim.await.expect("task").expect("claim");
        match &claim {
            Claim::Fresh { .. } => fresh += 1,
            Claim::Unfinished { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
        payloads.extend(claim.payload().cloned());
    }
    assert_eq!(fresh, 1);
    let entry = store
        .outbox_entry(&item(0).key)
        .await
        .expect("entry")
        .expect("exists");
    let stored = entry.payload.clone().expect("a payload");
    assert!(
        payloads.iter().all(|p| *p == stored),
        "{stored:?} vs {payloads:#?}"
    );
    assert_eq!(entry.attempts, TASKS as u32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_recordings_and_closes_of_one_day_agree() {
    let store = Arc::new(fresh_store().await);
    let day: Day = "2026-11-26".parse().expect("day");
    let snapshot = slotted(
        "2026-11-26T18:00:00Z",
        (0..500)
            .map(|i| {
                stream(
                    &format!("{i}"),
                    &format!("s{i}"),
                    Some(("743", "Chess")),
                    60 + i,
                )
            })
            .collect(),
    );
    let recordings: Vec<_> = (0..TASKS)
        .map(|_| {
            let (store, snapshot) = (store.clone(), snapshot.clone());
            tokio::spawn(async move { store.record_snapshot(&snapshot).await })
        })
        .collect();
    for r in recordings {
        r.await.expect("task").expect("record");
    }
    let settings = Settings::default();
    let window = settings.calendar.window(day);
    let closes: Vec<_> = (0..TASKS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .close_day(&window, 48, window.end + Duration::minutes(5))
                    .await
            })
        })
        .collect();
    for c in closes {
        assert_eq!(c.await.expect("task").expect("close").slots_observed, 1);
    }
    let totals = store.day_totals(day).await.expect("totals");
    assert_eq!(
        totals,
        watchtime_core::totals::rollup(day, [&snapshot]),
        "counted once"
    );
}
