//! `watchtime collect` against a fake Helix: the exact streams, stored and saved.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use watchtime_core::jsonl;
use watchtime_twitch::fake::{FakeStream, HelixFake};

async fn collect(dir: &Path, fake: &HelixFake, args: &[&str], credentials: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchtime"));
    cmd.arg("collect")
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("TWITCH_CLIENT_ID_FILE")
        .env_remove("TWITCH_CLIENT_SECRET_FILE")
        .env("WATCHTIME_TWITCH_API_URL", fake.api_url())
        .env("WATCHTIME_TWITCH_AUTH_URL", fake.auth_url())
        .env("RUST_LOG", "warn");
    if credentials {
        cmd.env("TWITCH_CLIENT_ID", HelixFake::CLIENT_ID)
            .env("TWITCH_CLIENT_SECRET", HelixFake::CLIENT_SECRET);
    } else {
        cmd.env_remove("TWITCH_CLIENT_ID")
            .env_remove("TWITCH_CLIENT_SECRET");
    }
    // The fake serves from this runtime while the process runs.
    tokio::task::spawn_blocking(move || cmd.output().expect("watchtime runs"))
        .await
        .unwrap()
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

    // And the store holds them: the report of the current day ranks the top one.
    let store = dir.path().join("watchtime.db");
    assert!(store.exists());
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
}
