//! Operating the daemon: /healthz and /metrics over real HTTP, and a clean stop on SIGTERM.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use watchtime_bin::daemon::{Daemon, Health, Metrics, StreamSettings, Timer, VirtualTimer, serve};
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_core::time::ManualClock;
use watchtime_core::{MemoryStore, Settings};
use watchtime_twitch::fake::HelixFake;

/// A virtual timer whose alarms never ring: the daemon does what is due now, then waits.
#[derive(Debug)]
struct Frozen(VirtualTimer);

#[async_trait::async_trait]
impl Timer for Frozen {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
    async fn sleep_until(&self, t: DateTime<Utc>) {
        if t > self.0.now() {
            std::future::pending::<()>().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_metrics_over_http() {
    let start: DateTime<Utc> = "2026-11-26T20:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let timer: Arc<dyn Timer> = Arc::new(VirtualTimer::new(clock.clone()));
    let metrics = Arc::new(Metrics::default());
    let settings = Settings::default();
    let (stop, stopped) = watch::channel(false);
    let health = Health {
        metrics: metrics.clone(),
        timer: timer.clone(),
        slot_length: settings.slot_length,
    };
    let addr = serve(
        "127.0.0.1:0".parse().unwrap(),
        health,
        None,
        stopped.clone(),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let get = |path: &str| {
        let http = http.clone();
        let url = format!("http://{addr}{path}");
        async move { http.get(url).send().await.unwrap() }
    };

    // Before any snapshot: unhealthy, and the body says why.
    let r = get("/healthz").await;
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "stale");
    assert_eq!(body["reason"], "no snapshot has been taken yet");

    // The daemon takes the current slot's snapshot at once, then waits for the next slot
    // (forever: this timer never reaches it).
    let store = Arc::new(MemoryStore::new());
    let daemon = Daemon {
        store,
        source: Arc::new(SimulatedTwitch::new(5, 300, clock.clone())),
        platforms: vec![],
        images: None,
        settings,
        timer: Arc::new(Frozen(VirtualTimer::new(clock.clone()))),
        metrics: metrics.clone(),
        mention_interval: Duration::minutes(1),
        stream: StreamSettings::default(),
    };
    let (daemon_stop, daemon_stopped) = watch::channel(false);
    let run = tokio::spawn(async move { daemon.run(daemon_stopped).await });
    while metrics.last_snapshot().is_none() {
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    daemon_stop.send(true).unwrap();
    run.await.unwrap();

    let r = get("/healthz").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let r = get("/metrics").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().await.unwrap();
    for needle in [
        "# TYPE watchtime_snapshots_total counter",
        "watchtime_snapshots_total{complete=\"true\"} 1",
        "watchtime_streams_last_snapshot ",
        "watchtime_sweep_seconds_last ",
        "watchtime_last_success_timestamp_seconds{step=\"collect\"} ",
        "watchtime_sweep_seconds_count 1\n",
        "# TYPE watchtime_sweep_seconds histogram",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }

    // Two slots without a snapshot: stale again.
    clock.advance(Duration::minutes(61));
    let r = get("/healthz").await;
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("older than two slots"),
        "{body}"
    );
    stop.send(true).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_daemon_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let fake = HelixFake::start().await.with_streams(300, 100);
    let mut child = support::command(dir.path())
        .args(["run", "--listen", "127.0.0.1:0"])
        .env("WATCHTIME_PUBLISHER", "console")
        .env("TWITCH_CLIENT_ID", HelixFake::CLIENT_ID)
        .env("TWITCH_CLIENT_SECRET", HelixFake::CLIENT_SECRET)
        .env("WATCHTIME_TWITCH_API_URL", fake.api_url())
        .env("WATCHTIME_TWITCH_AUTH_URL", fake.auth_url())
        .env("WATCHTIME_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Wait (in a blocking thread, while the fake serves here) for the first snapshot's log line.
    let lines = tokio::task::spawn_blocking(move || {
        let seen = support::stderr_until(&mut child, "snapshot stored");
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        let exit = child.wait().unwrap();
        (seen, exit, started.elapsed())
    })
    .await
    .unwrap();
    let (log, exit, took) = lines;
    assert!(exit.success(), "exit {exit:?} after SIGTERM; log: {log:#?}");
    assert!(took < StdDuration::from_secs(10), "took {took:?} to stop");
    // Structured logs: one JSON object per line, the step's outcome and duration included.
    let stored: serde_json::Value = serde_json::from_str(log.last().unwrap()).unwrap();
    assert_eq!(stored["step"], "collect");
    assert_eq!(stored["streams"], 300);
    assert!(stored["seconds"].as_f64().is_some());
    for line in &log {
        assert!(
            !line.contains(HelixFake::CLIENT_SECRET),
            "a secret in the log: {line}"
        );
    }
}
