//! The daemon in-process on a virtual clock: days of schedule, kills at random instants and
//! restarts, with a simulated Twitch and recording publishers.

#![allow(clippy::unwrap_used)]

mod chaos;

use std::collections::BTreeSet;
use std::sync::Arc;

use chaos::{Chaos, ChaosPublisher, ChaosSource, ChaosTimer, RecordingPublisher, TimedMentions};
use chrono::{DateTime, Duration, Utc};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::watch;
use watchtime_bin::daemon::{Daemon, Metrics, StreamSettings, Timer, VirtualTimer};
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_bin::wiring::Platform;
use watchtime_core::ports::Redelivery;
use watchtime_core::prelude::*;
use watchtime_core::time::ManualClock;
use watchtime_core::{Day, DayRange, MemoryStore, Settings, bot};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The deduplicating platform remembers keys for a month, longer than any trial: with it every
/// post and reply must arrive exactly once. (A platform that forgets sooner, like Mastodon after
/// an hour, turns a retry after a long outage into a hold; the core's unit tests cover that.)
const DEDUPE_WINDOW: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Runs daemons over `[start, end)` of virtual time, killing each at the instants `chaos`
/// picks and restarting it after a pause, until the end is reached.
struct Trial {
    clock: Arc<ManualClock>,
    store: Arc<MemoryStore>,
    twitch: Arc<SimulatedTwitch>,
    dedup: Arc<RecordingPublisher>,
    dup: Arc<RecordingPublisher>,
    mentions: Arc<TimedMentions>,
    settings: Settings,
}

impl Trial {
    fn new(start: DateTime<Utc>, mention_count: u32, seed: u64) -> Self {
        let clock = Arc::new(ManualClock::new(start));
        Trial {
            twitch: Arc::new(SimulatedTwitch::new(11, 600, clock.clone())),
            store: Arc::new(MemoryStore::new()),
            dedup: Arc::new(RecordingPublisher::new(
                "dedup",
                Redelivery::Deduplicated {
                    within: DEDUPE_WINDOW,
                },
                clock.clone(),
            )),
            dup: Arc::new(RecordingPublisher::new(
                "dup",
                Redelivery::Duplicates,
                clock.clone(),
            )),
            mentions: Arc::new(TimedMentions::spread(
                "dedup",
                start,
                Duration::days(3),
                mention_count,
                seed,
                clock.clone(),
            )),
            settings: Settings::default(),
            clock,
        }
    }

    /// One daemon life: runs until `end` or until `chaos` kills it. Returns true if killed.
    async fn life(&self, chaos: &Arc<Chaos>, end: DateTime<Utc>) -> bool {
        let (stop, stopped) = watch::channel(false);
        let timer = Arc::new(ChaosTimer::new(
            VirtualTimer::new(self.clock.clone()),
            chaos.clone(),
            end,
            stop,
        ));
        let daemon = Daemon {
            store: self.store.clone(),
            source: Arc::new(ChaosSource::new(self.twitch.clone(), chaos.clone())),
            platforms: vec![
                Platform {
                    publisher: Arc::new(ChaosPublisher::new(self.dedup.clone(), chaos.clone())),
                    mentions: Some(self.mentions.clone()),
                    push: None,
                    poll_interval: None,
                },
                Platform {
                    publisher: Arc::new(ChaosPublisher::new(self.dup.clone(), chaos.clone())),
                    mentions: None,
                    push: None,
                    poll_interval: None,
                },
            ],
            images: None,
            settings: self.settings,
            timer: timer as Arc<dyn Timer>,
            metrics: Arc::new(Metrics::default()),
            mention_interval: Duration::minutes(10),
            stream: StreamSettings::default(),
        };
        tokio::select! {
            _ = daemon.run(stopped) => false,
            _ = chaos.killed() => true,
        }
    }
}

/// The days of the trials: three, with 50-slot and ordinary days (the fall-back night).
fn trial_days() -> Vec<Day> {
    ["2026-10-30", "2026-10-31", "2026-11-01"]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn fifty_seeded_kill_and_restart_trials() {
    let days = trial_days();
    let settings = Settings::default();
    let start = settings.calendar.window(days[0]).start;
    // Run until the last day's posts are out and the mentions of the period are answered.
    let end = settings.post_time(days[2]) + Duration::hours(1);
    let mut kills_total = 0;
    let mut held_total = 0;
    for seed in 0..50u64 {
        let trial = Trial::new(start, 30, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut lives = 0;
        loop {
            // Kill after a random number of chaos points: at a sleep, before or after a send,
            // before or after a sweep. Sometimes let a life run long.
            let chaos = Arc::new(Chaos::new(rng.random_range(1..400)));
            lives += 1;
            let killed = trial.life(&chaos, end).await;
            if !killed || lives > 40 {
                break;
            }
            kills_total += 1;
            // Down for a while, as a crashed process would be before its supervisor restarts it.
            trial
                .clock
                .advance(Duration::minutes(rng.random_range(0..45)));
        }
        assert!(
            trial.clock.now() >= end,
            "seed {seed}: never reached the end after {lives} lives"
        );
        held_total += check_trial(&trial, &days, seed).await;
    }
    println!(
        "50 trials, {kills_total} kills, {held_total} posts held on the non-deduplicating platform"
    );
    assert!(
        kills_total >= 100,
        "the trials must kill often: {kills_total}"
    );
}

/// Checks one trial's invariants; returns how many posts the non-deduplicating platform held.
async fn check_trial(trial: &Trial, days: &[Day], seed: u64) -> usize {
    let store = &trial.store;
    let statuses = store
        .day_statuses(DayRange::new(days[0], days[2]).unwrap())
        .await
        .unwrap();
    assert_eq!(
        statuses.iter().map(|s| s.day).collect::<Vec<_>>(),
        days,
        "seed {seed}: every day closed"
    );

    // Exactly three posts per day on the deduplicating platform; never twice on the other.
    let dedup = trial.dedup.unique_posts();
    for day in days {
        let n = dedup
            .keys()
            .filter(|k| k.contains(&format!("post/{day}/")))
            .count();
        assert_eq!(n, 3, "seed {seed}: {day} on dedup: {dedup:?}");
    }
    assert_eq!(
        trial.dedup.duplicate_posts(),
        0,
        "seed {seed}: a duplicate reached the dedup platform"
    );
    assert_eq!(
        trial.dup.duplicate_posts(),
        0,
        "seed {seed}: the duplicating platform posted twice"
    );
    let dup = trial.dup.unique_posts();
    let daily = dup.keys().filter(|k| !is_recap(k)).count();
    let held = days.len() * 3 - daily;

    // Every mention not by the bot is answered exactly once.
    let replies = trial.dedup.unique_replies();
    let expected: BTreeSet<String> = trial.mentions.answerable_ids(trial.clock.now());
    let got: BTreeSet<String> = replies.keys().cloned().collect();
    for missing in expected.difference(&got) {
        let entry = store
            .outbox_entry(&watchtime_core::outbox::OutboxKey::reply("dedup", missing))
            .await
            .unwrap();
        println!("seed {seed}: no reply to {missing}: {entry:?}");
    }
    assert_eq!(got, expected, "seed {seed}: replies");
    assert_eq!(trial.dedup.duplicate_replies(), 0, "seed {seed}");

    // The totals equal an uninterrupted run over the same snapshots.
    let reference = MemoryStore::new();
    let settings = trial.settings;
    let first = settings.calendar.window(days[0]).start;
    let last = settings.calendar.window(days[2]).end;
    let infos = store.snapshots(first, last).await.unwrap();
    assert!(
        infos.len() > 100,
        "seed {seed}: only {} snapshots",
        infos.len()
    );
    for info in &infos {
        let snap = trial
            .twitch
            .snapshot_at(info.taken_at, settings.min_viewers);
        bot::record(&reference, snap, &settings, last)
            .await
            .unwrap();
    }
    for day in days {
        bot::close_day(&reference, &settings, *day, last + Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            store.day_totals(*day).await.unwrap(),
            reference.day_totals(*day).await.unwrap(),
            "seed {seed}: totals of {day}"
        );
    }
    held
}

#[tokio::test]
async fn an_uninterrupted_run_does_everything_once() {
    let days = trial_days();
    let settings = Settings::default();
    let trial = Trial::new(settings.calendar.window(days[0]).start, 12, 99);
    let end = settings.post_time(days[2]) + Duration::hours(1);
    let never = Arc::new(Chaos::new(u64::MAX));
    assert!(!trial.life(&never, end).await);
    let infos = trial
        .store
        .snapshots(
            settings.calendar.window(days[0]).start,
            settings.calendar.window(days[2]).end,
        )
        .await
        .unwrap();
    // 48 + 50 (fall-back day) + 48 slots, every one collected.
    assert_eq!(infos.len(), 146);
    // Nine daily posts, October's recap on 1 November and the recap of the week of 26 October
    // (three days of it tracked) on Monday 2 November.
    let want = ["post/2026-10-01/month", "post/2026-10-26/week"];
    for platform in [&trial.dup, &trial.dedup] {
        let posts = platform.unique_posts();
        let recaps: Vec<&str> = posts
            .keys()
            .filter(|k| is_recap(k))
            .map(String::as_str)
            .collect();
        assert_eq!(recaps, want);
        assert_eq!(posts.len(), 11);
        let week = &posts["post/2026-10-26/week"];
        assert!(week.contains("Data for 3 of 7 days"), "{week}");
    }
    assert_eq!(check_trial(&trial, &days, 99).await, 0);
    // Posts went out at 14:00 local the next day.
    let times = trial.dup.post_times();
    let tz = settings.calendar.zone();
    assert!(
        times
            .iter()
            .all(|t| t.with_timezone(&tz).format("%H:%M").to_string() == "14:00"),
        "{times:?}"
    );
}

/// Whether an outbox item is a recap rather than a daily post.
fn is_recap(item: &str) -> bool {
    item.ends_with("/week") || item.ends_with("/month")
}

/// Five weeks across the end of November, killed and restarted at random instants: on each
/// platform exactly one weekly recap per week, at 14:00 local on its Monday or later (after a
/// kill), and one monthly recap, never twice.
#[tokio::test]
async fn five_weeks_of_recaps_across_a_month_end_with_kills() {
    let settings = Settings::default();
    let first: Day = "2026-11-23".parse().unwrap();
    let start = settings.calendar.window(first).start;
    let last_sunday: Day = "2026-12-27".parse().unwrap();
    let end = settings.post_time(last_sunday) + Duration::hours(1);
    let mondays = [
        "2026-11-23",
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
    ];
    let mut kills_total = 0;
    for seed in 0..3u64 {
        let trial = Trial::new(start, 0, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut lives = 0;
        loop {
            let chaos = Arc::new(Chaos::new(rng.random_range(100..1_500)));
            lives += 1;
            if !trial.life(&chaos, end).await || lives > 80 {
                break;
            }
            kills_total += 1;
            trial
                .clock
                .advance(Duration::minutes(rng.random_range(0..45)));
        }
        assert!(trial.clock.now() >= end, "seed {seed}: ended early");
        let tz = settings.calendar.zone();
        for platform in [&trial.dedup, &trial.dup] {
            assert_eq!(platform.duplicate_posts(), 0, "seed {seed}");
        }
        let posts = trial.dedup.unique_posts();
        let recaps: Vec<&str> = posts
            .keys()
            .filter(|k| is_recap(k))
            .map(String::as_str)
            .collect();
        let mut want: Vec<String> = mondays.iter().map(|m| format!("post/{m}/week")).collect();
        want.insert(0, "post/2026-11-01/month".into());
        assert_eq!(recaps, want, "seed {seed}");
        // November was tracked from the 23rd: the monthly recap says so.
        let november = &posts["post/2026-11-01/month"];
        assert!(
            november.starts_with("Month on Twitch, November 2026\nTop games\n1. "),
            "{november}"
        );
        assert!(november.contains("Data for 8 of 30 days"), "{november}");
        // Later weeks compare with the week before.
        let week = &posts["post/2026-12-14/week"];
        assert!(week.starts_with("Week on Twitch, 14–20 Dec\n"), "{week}");
        assert!(
            ["↑", "↓", "=", "new"].iter().any(|m| week.contains(m)),
            "{week}"
        );
        // Each recap went out at or after 14:00 local of its Monday (or the 1st).
        for (key, at) in trial.dedup.post_keys_and_times() {
            if !is_recap(&key) {
                continue;
            }
            let local = at.with_timezone(&tz);
            let period = key.trim_start_matches("post/");
            let due_day = if key.ends_with("/week") {
                period
                    .trim_end_matches("/week")
                    .parse::<Day>()
                    .unwrap()
                    .plus_days(7)
            } else {
                "2026-12-01".parse().unwrap()
            };
            assert!(local.date_naive() >= due_day.date(), "{key} at {local}");
            assert!(
                local.date_naive() > due_day.date() || chrono::Timelike::hour(&local) >= 14,
                "{key} at {local}"
            );
        }
        // The platform that would post a duplicate holds an unfinished recap rather than risk
        // it; whatever it did post went out once.
        let dup = trial.dup.unique_posts();
        assert!(dup.keys().filter(|k| is_recap(k)).count() <= want.len());
    }
    println!("3 five-week trials, {kills_total} kills");
    assert!(kills_total >= 10, "the trials must kill: {kills_total}");
}

#[tokio::test]
async fn a_sweep_that_outlasts_its_slot_skips_the_next() {
    let settings = Settings::default();
    let start = at("2026-11-26T20:00:00Z");
    let clock = Arc::new(ManualClock::new(start));
    let twitch = Arc::new(SimulatedTwitch::new(3, 300, clock.clone()));
    let slow = Arc::new(chaos::SlowSource::new(
        twitch,
        clock.clone(),
        Duration::minutes(40),
        1,
    ));
    let store = Arc::new(MemoryStore::new());
    let (stop, stopped) = watch::channel(false);
    let never = Arc::new(Chaos::new(u64::MAX));
    let end = start + Duration::hours(2);
    let timer = Arc::new(ChaosTimer::new(
        VirtualTimer::new(clock.clone()),
        never,
        end,
        stop,
    ));
    let metrics = Arc::new(Metrics::default());
    let daemon = Daemon {
        store: store.clone(),
        source: slow,
        platforms: vec![],
        images: None,
        settings,
        timer,
        metrics: metrics.clone(),
        mention_interval: Duration::minutes(1),
        stream: StreamSettings::default(),
    };
    daemon.run(stopped).await;
    let slots: Vec<String> = store
        .snapshots(start, end)
        .await
        .unwrap()
        .iter()
        .map(|s| s.slot.start().format("%H:%M").to_string())
        .collect();
    // The first sweep ran 20:00 to 20:40, so the 20:30 slot was skipped.
    assert_eq!(slots, ["20:00", "21:00", "21:30"]);
    assert!(
        metrics
            .render()
            .contains("watchtime_slots_skipped_total 1\n"),
        "{}",
        metrics.render()
    );
}

#[tokio::test]
async fn a_restart_collects_the_current_slot_and_posts_a_missed_day() {
    let settings = Settings::default();
    let days = trial_days();
    // Day 1 ran normally until 10:00 on day 2, then the bot was down until 17:00 on day 3.
    let trial = Trial::new(settings.calendar.window(days[0]).start, 0, 1);
    let never = Arc::new(Chaos::new(u64::MAX));
    let down_at = settings.calendar.window(days[1]).start + Duration::hours(2);
    trial.life(&never, down_at).await;
    assert_eq!(
        trial.dedup.unique_posts().len(),
        0,
        "nothing is due before 14:00 on day 2"
    );
    let up_at = settings.post_time(days[1]) + Duration::hours(3);
    trial.clock.set(up_at + Duration::minutes(7));
    trial.life(&never, up_at + Duration::minutes(8)).await;
    // Day 1's window (14:00 day 2 to 14:00 day 3) passed while down: its posts are skipped;
    // day 2 was closed at start-up and posted at once, inside its window. October's recap, due
    // at 14:00 on 1 November while the bot was down, is caught up too.
    let (recaps, posts): (Vec<String>, Vec<String>) = trial
        .dedup
        .unique_posts()
        .keys()
        .cloned()
        .partition(|k| is_recap(k));
    assert_eq!(recaps, ["post/2026-10-01/month"]);
    assert_eq!(posts.len(), 3, "{posts:?}");
    assert!(
        posts
            .iter()
            .all(|k| k.contains(&format!("post/{}/", days[1]))),
        "{posts:?}"
    );
    // The current slot was collected at once, 7 minutes into it.
    let current = settings.slot_length.slot_of(up_at + Duration::minutes(7));
    let infos = trial
        .store
        .snapshots(current.start(), current.start() + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(infos.len(), 1);
}
