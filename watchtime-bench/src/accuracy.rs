//! `watchtime-bench accuracy`: how far the bot's sampled hours are from the truth.
//!
//! The simulated world knows every stream's viewers for every minute, hence the exact
//! viewer-minutes of every (day, streamer, game). The same days are collected at slot lengths of
//! 60, 30, 15, 10 and 5 minutes through the real jobs (`bot::collect`, `bot::close_day`) into
//! one reference store per length, and the store's totals are compared with the truth for the
//! top 50 games and top 100 streamers (by true watch time) of every day, 7-day and 30-day window.

mod stats;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, Result};
use async_trait::async_trait;
use chrono::Duration;
use watchtime_core::prelude::*;
use watchtime_core::{Day, GameId, MemoryStore, Settings, SlotLength, Snapshot, StreamerId, bot};

use watchtime_sim::Truth;

use crate::generate::World;
use stats::{Errors, Window};

pub use stats::render;

/// The slot lengths compared, longest first.
pub const LENGTHS: [u32; 5] = [60, 30, 15, 10, 5];
/// Games and streamers compared per window: the true top of each.
const TOP_GAMES: usize = 50;
const TOP_STREAMERS: usize = 100;
/// Seconds into a slot at which the daemon sweeps.
const SWEEP_DELAY_SECONDS: i64 = 7;

/// What one run measured: per slot length, the errors of each window kind.
#[derive(Debug)]
pub struct Accuracy {
    /// Days simulated.
    pub days: u32,
    /// First day.
    pub first: Day,
    /// Per length (as [`LENGTHS`]), its errors.
    pub lanes: Vec<(u32, Errors)>,
}

/// A source that hands out one sweep already taken, so every length sees the same sweep at the
/// same instant.
#[derive(Debug)]
struct Replay(Arc<Snapshot>);

#[async_trait]
impl TwitchSource for Replay {
    async fn snapshot(&self, _min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        Ok(Snapshot::clone(&self.0))
    }
}

/// Watch time per streamer and per game (no-category streams count for their streamer only).
#[derive(Debug, Default, Clone)]
struct Day2 {
    streamers: HashMap<StreamerId, u64>,
    games: HashMap<GameId, u64>,
}

impl Day2 {
    fn add(&mut self, streamer: &StreamerId, game: Option<&GameId>, viewer_minutes: u64) {
        *self.streamers.entry(streamer.clone()).or_default() += viewer_minutes;
        if let Some(g) = game {
            *self.games.entry(g.clone()).or_default() += viewer_minutes;
        }
    }

    fn merge(&mut self, other: &Day2) {
        for (k, v) in &other.streamers {
            *self.streamers.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.games {
            *self.games.entry(k.clone()).or_default() += v;
        }
    }
}

fn of_truth(truth: &Truth) -> Day2 {
    let mut out = Day2::default();
    for ((streamer, game), vm) in truth {
        out.add(streamer, game.as_ref(), *vm);
    }
    out
}

/// Runs `days` days from `first` through every slot length.
pub async fn run(world: &World, first: Day, days: u32) -> Result<Accuracy> {
    let base = Settings::default();
    let lanes: Vec<(Settings, MemoryStore)> = LENGTHS
        .iter()
        .map(|m| {
            let slot_length = SlotLength::from_minutes(*m)?;
            Ok((
                Settings {
                    slot_length,
                    ..base
                },
                MemoryStore::new(),
            ))
        })
        .collect::<watchtime_core::Result<_>>()?;
    let step = SlotLength::from_minutes(LENGTHS.iter().copied().min().unwrap_or(5))?;
    let mut truths: Vec<Day2> = Vec::new();
    let mut estimates: Vec<Vec<Day2>> = vec![Vec::new(); LENGTHS.len()];
    for n in 0..days {
        let day = first.plus_days(n);
        let window = base.calendar.window(day);
        let mut t = window.start;
        while t < window.end {
            let at = t + Duration::seconds(SWEEP_DELAY_SECONDS);
            let sweep = Arc::new(world.sim().snapshot_at(at, base.min_viewers));
            for (settings, store) in &lanes {
                if settings.slot_length.slot_of(t).start() == t {
                    bot::collect(&Replay(sweep.clone()), store, settings, at)
                        .await
                        .with_context(|| format!("collecting {at}"))?;
                }
            }
            t += Duration::seconds(step.seconds());
        }
        for (lane, (settings, store)) in lanes.iter().enumerate() {
            bot::close_day(store, settings, day, settings.close_time(day))
                .await
                .with_context(|| format!("closing {day}"))?;
            let mut est = Day2::default();
            for t in store.day_totals(day).await? {
                est.add(&t.streamer, t.game.as_ref(), t.totals.viewer_minutes);
            }
            estimates[lane].push(est);
            store
                .prune_samples(settings.slot_length.slot_of(window.end))
                .await?;
        }
        truths.push(of_truth(&world.sim().truth(&window, base.min_viewers)));
        eprintln!("  accuracy: {}/{days} days through {day}", n + 1);
    }

    let mut out = Vec::new();
    for (lane, minutes) in LENGTHS.iter().enumerate() {
        let mut errors = Errors::default();
        for (kind, span) in [(Window::Day, 1), (Window::Week, 7), (Window::Month, 30)] {
            for end in (span - 1)..truths.len() {
                let range = (end + 1 - span)..=end;
                let truth = sum(&truths[range.clone()]);
                let est = sum(&estimates[lane][range]);
                errors.compare(kind, &truth.games, &est.games, TOP_GAMES);
                errors.compare(kind, &truth.streamers, &est.streamers, TOP_STREAMERS);
            }
        }
        out.push((*minutes, errors));
    }
    Ok(Accuracy {
        days,
        first,
        lanes: out,
    })
}

fn sum(days: &[Day2]) -> Day2 {
    let mut out = Day2::default();
    for d in days {
        out.merge(d);
    }
    out
}
