//! The daemon against a real PostgreSQL whose database goes away under it: connections are
//! refused and every session is terminated (as a restart or failover does), then it comes back.
//! The daemon keeps running, retries, and catches up without being restarted.

#![allow(clippy::unwrap_used)]

mod chaos;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use async_trait::async_trait;
use chaos::{Chaos, ChaosTimer, RecordingPublisher};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use tokio::sync::watch;
use watchtime_bin::daemon::{Daemon, Metrics, StreamSettings, Timer, VirtualTimer};
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_bin::wiring::{Platform, open_store};
use watchtime_core::ports::Redelivery;
use watchtime_core::prelude::*;
use watchtime_core::time::ManualClock;
use watchtime_core::{Day, DayRange, Settings};
use watchtime_postgres::testkit::{TestDatabase, admin_url};

/// The chaos tests' timer (virtual time, stopping the daemon at its end; never killing it), with a
/// database outage over `[down_at, up_at)` of virtual time.
#[derive(Debug)]
struct OutageTimer {
    inner: ChaosTimer,
    admin: PgPool,
    database: String,
    down_at: DateTime<Utc>,
    up_at: DateTime<Utc>,
    /// 0 before the outage, 1 during, 2 after.
    phase: AtomicU8,
}

impl OutageTimer {
    async fn take_down(&self) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false",
            self.database
        )))
        .execute(&self.admin)
        .await
        .unwrap();
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.database)
        .execute(&self.admin)
        .await
        .unwrap();
    }

    async fn bring_up(&self) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true",
            self.database
        )))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

#[async_trait]
impl Timer for OutageTimer {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    async fn sleep_until(&self, t: DateTime<Utc>) {
        self.inner.sleep_until(t).await;
        let now = self.now();
        if now >= self.down_at && self.phase.load(Ordering::SeqCst) == 0 {
            self.phase.store(1, Ordering::SeqCst);
            self.take_down().await;
        }
        if now >= self.up_at && self.phase.load(Ordering::SeqCst) == 1 {
            self.phase.store(2, Ordering::SeqCst);
            self.bring_up().await;
        }
    }
}

#[tokio::test]
async fn the_daemon_rides_out_a_database_restart() {
    let database = TestDatabase::create().await;
    let settings = Settings::default();
    let day: Day = "2026-11-24".parse().unwrap();
    let window = settings.calendar.window(day);
    let start = window.start;
    // Down for 2 hours in the afternoon of the day; run until the day's posts are out.
    let down_at = start + Duration::hours(6) + Duration::minutes(10);
    let up_at = down_at + Duration::hours(2);
    let end = settings.post_time(day) + Duration::hours(1);

    let clock = Arc::new(ManualClock::new(start));
    let store = open_store(&database.url().into()).await.unwrap();
    let publisher = Arc::new(RecordingPublisher::new(
        "dedup",
        Redelivery::Deduplicated {
            within: std::time::Duration::from_secs(86_400),
        },
        clock.clone(),
    ));
    let metrics = Arc::new(Metrics::default());
    let (stop, stopped) = watch::channel(false);
    let timer = Arc::new(OutageTimer {
        inner: ChaosTimer::new(
            VirtualTimer::new(clock.clone()),
            Arc::new(Chaos::new(u64::MAX)),
            end,
            stop,
        ),
        admin: PgPool::connect(&admin_url()).await.unwrap(),
        database: database.name().to_owned(),
        down_at,
        up_at,
        phase: AtomicU8::new(0),
    });
    let daemon = Daemon {
        store: store.clone(),
        source: Arc::new(SimulatedTwitch::new(5, 300, clock.clone())),
        platforms: vec![Platform {
            publisher: publisher.clone(),
            mentions: None,
            push: None,
            poll_interval: None,
        }],
        images: None,
        settings,
        timer: timer.clone() as Arc<dyn Timer>,
        metrics: metrics.clone(),
        mention_interval: Duration::minutes(10),
        stream: StreamSettings::default(),
    };
    // The daemon returns only when the timer stops it at `end`: no failure ends it.
    daemon.run(stopped).await;
    assert_eq!(timer.phase.load(Ordering::SeqCst), 2, "the outage happened");
    assert!(clock.now() >= end);

    // Steps failed during the outage...
    let rendered = metrics.render();
    assert!(
        rendered
            .lines()
            .any(|l| l.starts_with("watchtime_step_failures_total") && !l.ends_with(" 0")),
        "{rendered}"
    );
    // ...and every slot outside it was collected, by the same daemon, on the same pool.
    let infos = store.snapshots(window.start, window.end).await.unwrap();
    let slots: Vec<_> = infos.iter().map(|i| i.slot.start()).collect();
    let mut t = window.start;
    while t < window.end {
        let outage = t + Duration::seconds(settings.slot_length.seconds()) > down_at && t < up_at;
        if !outage {
            assert!(slots.contains(&t), "slot {t} missing: {slots:?}");
        }
        t += Duration::seconds(settings.slot_length.seconds());
    }
    assert!(slots.len() >= 40, "{} slots", slots.len());
    // The day closed once, after the database came back, and its posts went out once.
    let statuses = store.day_statuses(DayRange::single(day)).await.unwrap();
    assert_eq!(statuses.len(), 1);
    assert_eq!(publisher.unique_posts().len(), 3);
}
