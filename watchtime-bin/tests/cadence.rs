//! Finer cadence end to end: the daemon on a virtual clock at 5-, 10- and 15-minute slots
//! across both DST nights collects every slot at its start, closes each day with its real slot
//! count (276 / 288 / 300 at 5 minutes), posts once a day at 14:00, says "partial data" against
//! that count when sweeps fail, and its health check allows two slots of the length in force.

#![allow(clippy::unwrap_used)]

mod chaos;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chaos::{Chaos, ChaosTimer, RecordingPublisher};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use watchtime_bin::daemon::{Daemon, Health, Metrics, StreamSettings, Timer, VirtualTimer, serve};
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_bin::wiring::Platform;
use watchtime_core::ports::Redelivery;
use watchtime_core::prelude::*;
use watchtime_core::recap::Recaps;
use watchtime_core::time::ManualClock;
use watchtime_core::{Day, MemoryStore, Settings, SlotLength, Snapshot};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A source that fails every sweep in `[from, to)` of its clock, as Twitch down for an hour.
#[derive(Debug)]
struct Outage {
    inner: SimulatedTwitch,
    clock: Arc<ManualClock>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

#[async_trait]
impl TwitchSource for Outage {
    async fn snapshot(&self, min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        let now = self.clock.now();
        if (self.from..self.to).contains(&now) {
            return Err(watchtime_core::Error::invalid(
                "Twitch is down in this test",
            ));
        }
        self.inner.snapshot(min_viewers).await
    }
}

/// What one run of the daemon over three days left behind.
struct Run {
    settings: Settings,
    store: Arc<MemoryStore>,
    posts: Arc<RecordingPublisher>,
}

/// Runs the daemon at `minutes` per slot from the start of `first` until an hour after the
/// third day's posts, with Twitch down during `outage`.
async fn run(minutes: u32, first: Day, outage: (DateTime<Utc>, DateTime<Utc>)) -> Run {
    let settings = Settings {
        slot_length: SlotLength::from_minutes(minutes).unwrap(),
        // Only the daily posts: their count and time are what the cadence changes.
        recaps: Recaps::NONE,
        ..Settings::default()
    };
    let start = settings.calendar.window(first).start;
    let end = settings.post_time(first.plus_days(2)) + Duration::hours(1);
    let clock = Arc::new(ManualClock::new(start));
    let store = Arc::new(MemoryStore::new());
    let posts = Arc::new(RecordingPublisher::new(
        "dup",
        Redelivery::Duplicates,
        clock.clone(),
    ));
    let (stop, stopped) = watch::channel(false);
    let timer = Arc::new(ChaosTimer::new(
        VirtualTimer::new(clock.clone()),
        Arc::new(Chaos::new(u64::MAX)),
        end,
        stop,
    ));
    let daemon = Daemon {
        store: store.clone(),
        source: Arc::new(Outage {
            inner: SimulatedTwitch::new(3, 300, clock.clone()),
            clock: clock.clone(),
            from: outage.0,
            to: outage.1,
        }),
        platforms: vec![Platform {
            publisher: Arc::new(chaos::ChaosPublisher::new(
                posts.clone(),
                Arc::new(Chaos::new(u64::MAX)),
            )),
            mentions: None,
            push: None,
            poll_interval: None,
        }],
        images: None,
        settings,
        timer,
        metrics: Arc::new(Metrics::default()),
        mention_interval: Duration::hours(1),
        stream: StreamSettings::default(),
    };
    daemon.run(stopped).await;
    Run {
        settings,
        store,
        posts,
    }
}

/// Checks a run over `first` and the two days after: every sweep a few seconds into a slot of
/// the length, one per slot; per day the slots collected and closed; one post set per day at
/// 14:00 local. Returns the slots collected per day.
async fn check(r: &Run, first: Day) -> BTreeMap<Day, u32> {
    let cal = r.settings.calendar;
    let len = r.settings.slot_length;
    let infos = r
        .store
        .snapshots(cal.window(first).start, cal.window(first.plus_days(2)).end)
        .await
        .unwrap();
    let mut per_day = BTreeMap::new();
    for w in infos.windows(2) {
        assert!(w[0].slot < w[1].slot, "one snapshot per slot");
    }
    for i in &infos {
        assert_eq!(i.length, len);
        assert_eq!(i.slot.start().timestamp() % len.seconds(), 0);
        let late = i.taken_at - i.slot.start();
        assert!(late < Duration::minutes(1), "swept {late} into its slot");
        *per_day.entry(cal.day_of_slot(i.slot)).or_insert(0) += 1;
    }
    for (day, observed) in &per_day {
        let status = r
            .store
            .day_statuses(watchtime_core::DayRange::single(*day))
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(status.slots_observed, *observed, "{day}");
        assert_eq!(
            status.slots_expected,
            cal.window(*day).slots_expected(len),
            "{day}"
        );
    }
    let tz = cal.zone();
    let times = r.posts.post_times();
    assert_eq!(times.len(), 9, "{times:?}");
    assert!(
        times
            .iter()
            .all(|t| t.with_timezone(&tz).format("%H:%M").to_string() == "14:00"),
        "{times:?}"
    );
    per_day
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

const NO_OUTAGE: (&str, &str) = ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z");

#[tokio::test]
async fn five_minute_slots_across_both_dst_nights() {
    for (first, counts) in [
        ("2026-03-06", [288, 276, 288]),
        ("2026-10-30", [288, 300, 288]),
    ] {
        let first = day(first);
        let r = run(5, first, (at(NO_OUTAGE.0), at(NO_OUTAGE.1))).await;
        let per_day = check(&r, first).await;
        assert_eq!(per_day.values().copied().collect::<Vec<_>>(), counts);
        // The collect times of the spring-forward night: 01:55 is followed by 03:00 local.
        if first == day("2026-03-06") {
            let tz = r.settings.calendar.zone();
            let infos = r
                .store
                .snapshots(at("2026-03-08T09:50:00Z"), at("2026-03-08T10:10:00Z"))
                .await
                .unwrap();
            let local: Vec<String> = infos
                .iter()
                .map(|i| {
                    i.slot
                        .start()
                        .with_timezone(&tz)
                        .format("%H:%M")
                        .to_string()
                })
                .collect();
            assert_eq!(local, ["01:50", "01:55", "03:00", "03:05"]);
        }
        // Full coverage: no post says its data is partial.
        assert!(
            r.posts
                .unique_posts()
                .values()
                .all(|t| !t.contains("Partial")),
            "{:?}",
            r.posts.unique_posts()
        );
    }
}

#[tokio::test]
async fn ten_and_fifteen_minute_slots_across_fall_back() {
    for (minutes, counts) in [(10, [144, 150, 144]), (15, [96, 100, 96])] {
        let first = day("2026-10-30");
        let r = run(minutes, first, (at(NO_OUTAGE.0), at(NO_OUTAGE.1))).await;
        let per_day = check(&r, first).await;
        assert_eq!(
            per_day.values().copied().collect::<Vec<_>>(),
            counts,
            "{minutes} minutes"
        );
    }
}

#[tokio::test]
async fn an_outage_at_five_minutes_is_partial_data_of_the_real_count() {
    let first = day("2026-11-24");
    // Twitch down 20:00-21:00Z on the second day: 12 five-minute slots lost.
    let r = run(
        5,
        first,
        (at("2026-11-25T20:00:00Z"), at("2026-11-25T21:00:00Z")),
    )
    .await;
    let per_day = check(&r, first).await;
    assert_eq!(
        per_day.values().copied().collect::<Vec<_>>(),
        [288, 276, 288]
    );
    let posts = r.posts.unique_posts();
    let partial: Vec<&String> = posts.values().filter(|t| t.contains("Partial")).collect();
    assert_eq!(partial.len(), 3, "{posts:?}");
    assert!(
        partial
            .iter()
            .all(|t| t.contains("Partial data: 276 of 288 snapshots")),
        "{partial:?}"
    );
}

#[tokio::test]
async fn health_allows_two_slots_of_the_length_in_force() {
    for minutes in [5, 10, 15] {
        let start = at("2026-11-26T20:00:00Z");
        let clock = Arc::new(ManualClock::new(start));
        let timer: Arc<dyn Timer> = Arc::new(VirtualTimer::new(clock.clone()));
        let metrics = Arc::new(Metrics::default());
        metrics.snapshot_taken(start);
        let (_stop, stopped) = watch::channel(false);
        let health = Health {
            metrics: metrics.clone(),
            timer,
            slot_length: SlotLength::from_minutes(minutes).unwrap(),
        };
        let addr = serve("127.0.0.1:0".parse().unwrap(), health, None, stopped)
            .await
            .unwrap();
        let get = || async {
            let r = reqwest::get(format!("http://{addr}/healthz"))
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap();
            (status, body)
        };
        clock.set(start + Duration::minutes(2 * i64::from(minutes)) - Duration::seconds(1));
        assert_eq!(get().await.0, 200, "{minutes} minutes");
        clock.set(start + Duration::minutes(2 * i64::from(minutes)));
        let (status, body) = get().await;
        assert_eq!(status, 503, "{minutes} minutes");
        assert_eq!(
            body["reason"],
            format!(
                "the last snapshot is older than two slots ({} minutes)",
                2 * minutes
            )
        );
    }
}
