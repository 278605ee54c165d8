//! The simulator's shape and its truth: the truth is the sum of the per-minute counts, and a
//! store sampling every minute through the real collect and close path lands on it exactly.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use watchtime_core::prelude::*;
use watchtime_core::time::ManualClock;
use watchtime_core::{Day, MemoryStore, Settings, SlotLength, bot};

use crate::{SimulatedTwitch, Truth, World};

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test time")
}

#[test]
fn realistic_and_deterministic() {
    let world = World::new(42, 40_000, crate::GAME_COUNT);
    let hourly: Vec<_> = (0..24)
        .map(|h| world.snapshot_at(utc(&format!("2026-11-26T{h:02}:00:00Z")), 50))
        .collect();
    let counts: Vec<usize> = hourly.iter().map(|s| s.streams.len()).collect();
    let (min, max) = (*counts.iter().min().unwrap(), *counts.iter().max().unwrap());
    // About 5,000 streams over 50 viewers at the peak, a deep trough, as on Twitch.
    assert!((4_000..7_500).contains(&max), "{counts:?}");
    assert!(min < max / 3, "{counts:?}");
    let peak = &hourly[counts.iter().position(|c| *c == max).unwrap()];
    assert!(peak.streams.iter().all(|s| s.viewers > 50));
    let games: HashSet<_> = peak
        .streams
        .iter()
        .filter_map(|s| s.game.as_ref().map(|g| &g.id))
        .collect();
    assert!(games.len() > 200, "{} games live", games.len());
    assert!(
        peak.streams
            .iter()
            .any(|s| !s.streamer.display_name.is_ascii())
    );
    assert!(
        peak.streams.iter().any(|s| s.game.is_none()),
        "a stream with no category"
    );
    // Heavy tail: the top stream dwarfs the median.
    let median = peak.streams[peak.streams.len() / 2].viewers;
    assert!(peak.streams[0].viewers > 100 * median);
    assert_eq!(world.snapshot_at(peak.taken_at, 50), *peak);
}

#[test]
fn sessions_start_and_end_on_exact_minutes_and_some_switch_game() {
    let world = World::new(3, 2_000, crate::GAME_COUNT);
    let window = Settings::default()
        .calendar
        .window(Day::from_ymd(2026, 11, 26).unwrap());
    let (sessions, switched) = world.sessions_starting(&window);
    assert!(sessions > 1_000, "{sessions}");
    assert!(
        switched * 10 > sessions && switched * 4 < sessions,
        "{switched} of {sessions}"
    );
    // A session is live from its start minute to the minute before its end, not outside.
    let i = (0..2_000)
        .find(|i| world.session(*i, 20_418).is_some())
        .unwrap();
    let s = world.session(i, 20_418).unwrap();
    assert!(world.viewers_at(i, s.start).is_some());
    assert!(world.viewers_at(i, s.end - 1).is_some());
    assert!(world.viewers_at(i, s.start - 1).is_none() || world.session(i, 20_417).is_some());
}

/// The truth by brute force: every channel at every minute of the window.
fn truth_minute_by_minute(world: &World, day: Day, min_viewers: u32) -> Truth {
    let window = Settings::default().calendar.window(day);
    let mut out = Truth::new();
    let mut t = window.start;
    while t < window.end {
        for s in world
            .snapshot_at(t, min_viewers)
            .into_slot(SlotLength::from_minutes(1).unwrap(), min_viewers)
            .streams()
        {
            *out.entry((s.streamer.id.clone(), s.game.as_ref().map(|g| g.id.clone())))
                .or_default() += u64::from(s.viewers);
        }
        t += Duration::minutes(1);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// The truth the accuracy bench uses, built session by session, equals the sum of what
    /// every minute lists, on ordinary days and the DST days alike.
    #[test]
    fn truth_is_the_sum_of_the_minutes(
        seed in any::<u64>(),
        day in prop::sample::select(vec!["2026-03-07", "2026-06-15", "2026-10-31", "2026-11-26"]),
    ) {
        let world = World::new(seed, 300, 80);
        let day: Day = day.parse().unwrap();
        let window = Settings::default().calendar.window(day);
        let truth = world.truth(&window, 50);
        prop_assert!(!truth.is_empty());
        prop_assert_eq!(truth, truth_minute_by_minute(&world, day, 50));
    }
}

/// Collecting every minute through the real jobs into the reference store gives the truth
/// exactly: sampling error is the only thing a longer slot adds.
#[test]
fn a_one_minute_slot_is_exact() {
    let settings = Settings {
        slot_length: SlotLength::from_minutes(1).unwrap(),
        ..Settings::default()
    };
    let world = Arc::new(World::new(11, 600, 80));
    let day = Day::from_ymd(2026, 11, 26).unwrap();
    let window = settings.calendar.window(day);
    let clock = Arc::new(ManualClock::new(window.start));
    let twitch = SimulatedTwitch::of(world.clone(), clock.clone());
    let store = MemoryStore::new();
    futures::executor::block_on(async {
        let mut t = window.start;
        while t < window.end {
            clock.set(t + Duration::seconds(7));
            bot::collect(&twitch, &store, &settings, clock.now())
                .await
                .unwrap();
            t += Duration::minutes(1);
        }
        let status = bot::close_day(&store, &settings, day, settings.close_time(day))
            .await
            .unwrap();
        assert_eq!(
            (status.slots_observed, status.slots_expected),
            (1_440, 1_440)
        );
        let stored: Truth = store
            .day_totals(day)
            .await
            .unwrap()
            .into_iter()
            .map(|t| ((t.streamer, t.game), t.totals.viewer_minutes))
            .collect();
        let truth = world.truth(&window, settings.min_viewers);
        assert!(truth.len() > 100, "{}", truth.len());
        assert_eq!(stored, truth);
    });
}
