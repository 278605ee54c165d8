//! `watchtime collect` against a fake Helix: the exact streams, stored and saved.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::Instant;

use chrono::{Duration, Utc};
use watchtime_core::jsonl;
use watchtime_core::prelude::*;
use watchtime_core::snapshot::SnapshotInfo;
use watchtime_sqlite::SqliteStore;
use watchtime_twitch::fake::{FakeStream, HelixFake};

async fn collect(dir: &Path, fake: &HelixFake, args: &[&str], credentials: bool) -> Output {
    let mut cmd = support::command(dir);
    cmd.arg("collect")
        .args(args)
        .env("WATCHTIME_TWITCH_API_URL", fake.api_url())
        .env("WATCHTIME_TWITCH_AUTH_URL", fake.auth_url());
    if credentials {
        cmd.env("TWITCH_CLIENT_ID", HelixFake::CLIENT_ID)
            .env("TWITCH_CLIENT_SECRET", HelixFake::CLIENT_SECRET);
    }
    // The fake serves from this runtime while the process runs.
    tokio::task::spawn_blocking(move || cmd.output().expect("watchtime runs"))
        .await
        .unwrap()
}

/// The snapshots stored in `dir/watchtime.db` (the default store), with their samples' ids.
async fn stored(dir: &Path) -> (Vec<SnapshotInfo>, BTreeSet<String>) {
    let url = format!("sqlite://{}", dir.join("watchtime.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    let now = Utc::now();
    let infos = store
        .snapshots(now - Duration::hours(2), now + Duration::hours(1))
        .await
        .unwrap();
    let mut ids = BTreeSet::new();
    for info in &infos {
        let day = watchtime_core::DayCalendar::LOS_ANGELES_8AM.day_of(info.taken_at);
        let window = watchtime_core::DayCalendar::LOS_ANGELES_8AM.window(day);
        for row in store.preview_day(&window).await.unwrap() {
            ids.insert(row.streamer.id.to_string());
        }
    }
    store.close().await;
    (infos, ids)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_streams_over_fifty_pages() {
    let dir = tempfile::tempdir().unwrap();
    let fake = HelixFake::start().await.with_streams(5_000, 100);
    let started = Instant::now();
    let out = collect(dir.path(), &fake, &["--save", "sweep.jsonl"], true).await;
    let elapsed = started.elapsed();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", text(&out.stderr));
    assert!(
        stdout.starts_with("5000 streams, 50 pages, complete"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5000 kept, 0 duplicates dropped"),
        "{stdout}"
    );
    let requests = fake.requests();
    assert_eq!((requests.token, requests.streams), (1, 50));
    println!(
        "collect of 5,000 streams over 50 pages: {:.2} s wall, process included",
        elapsed.as_secs_f64()
    );

    // The saved line holds exactly the fake's 5,000 streams.
    let saved = std::fs::read_to_string(dir.path().join("sweep.jsonl")).unwrap();
    assert_eq!(saved.lines().count(), 1);
    let snapshot = jsonl::parse_line(saved.lines().next().unwrap()).unwrap();
    let got: BTreeSet<String> = snapshot
        .streams
        .iter()
        .map(|s| s.streamer.id.to_string())
        .collect();
    let want: BTreeSet<String> = (0..5_000).map(FakeStream::user_id_of).collect();
    assert_eq!(got, want);
    assert!(snapshot.completeness.is_complete());

    // And the store holds them: one complete snapshot of the current slot, the same streams.
    let (infos, ids) = stored(dir.path()).await;
    assert_eq!(infos.len(), 1, "{infos:?}");
    assert_eq!(infos[0].streams, 5_000);
    assert!(infos[0].completeness.is_complete());
    assert_eq!(ids, want);
    let again = collect(dir.path(), &fake, &["--dry-run"], true).await;
    assert!(
        text(&again.stdout).contains("dry run: nothing stored"),
        "{}",
        text(&again.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_name_the_variables() {
    let dir = tempfile::tempdir().unwrap();
    let fake = HelixFake::start().await.with_streams(10, 100);
    let out = collect(dir.path(), &fake, &[], false).await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    for needle in [
        "TWITCH_CLIENT_ID",
        "TWITCH_CLIENT_SECRET",
        "TWITCH_CLIENT_ID_FILE",
        "TWITCH_CLIENT_SECRET_FILE",
    ] {
        assert!(stderr.contains(needle), "{needle} missing from: {stderr}");
    }
    assert_eq!(fake.requests().total(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_sweep_is_stored_as_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let fake = HelixFake::start()
        .await
        .with_streams(500, 100)
        .invalid_cursor_on_page(3);
    let out = collect(dir.path(), &fake, &["--save", "s.jsonl"], true).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("incomplete"), "{stdout}");
    let saved = std::fs::read_to_string(dir.path().join("s.jsonl")).unwrap();
    let snapshot = jsonl::parse_line(saved.trim()).unwrap();
    assert_eq!(snapshot.streams.len(), 200);
    assert!(
        snapshot.completeness.reason().unwrap().contains("page 3"),
        "{:?}",
        snapshot.completeness
    );
    // Stored as incomplete too, with the reason and the 200 streams read.
    let (infos, ids) = stored(dir.path()).await;
    assert_eq!(infos.len(), 1, "{infos:?}");
    assert_eq!(infos[0].streams, 200);
    assert!(
        infos[0]
            .completeness
            .reason()
            .is_some_and(|r| r.contains("page 3")),
        "{:?}",
        infos[0].completeness
    );
    assert_eq!(ids.len(), 200);
}

/// A stream whose id Twitch would never send (a bidirectional override, NUL, letters) is dropped
/// on the Helix path too, and said so; the rest of the sweep is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_with_malformed_ids_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let good = |n: usize| FakeStream::numbered(n, 1_000 - n as u32);
    let bad = |user_id: &str, game_id: &str| {
        FakeStream::new(user_id, "mallory", "Mallory", (game_id, "Chess"), 900)
    };
    let fake = HelixFake::start().await.pages(vec![vec![
        good(0),
        bad("41\u{202E}", "743"),
        bad("42\u{0}", "743"),
        bad("mallory", "743"),
        bad("43", "7\u{2066}43"),
        good(1),
    ]]);
    let out = collect(dir.path(), &fake, &[], true).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("(2 kept, 0 duplicates dropped, 4 with a malformed id dropped)"),
        "{stdout}"
    );
    let (infos, ids) = stored(dir.path()).await;
    assert_eq!(infos[0].streams, 2);
    let want: BTreeSet<String> = [0, 1].into_iter().map(FakeStream::user_id_of).collect();
    assert_eq!(ids, want);
}
