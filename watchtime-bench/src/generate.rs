//! A year of Twitch at peak scale, from the simulator the demo uses (`watchtime-sim`).
//!
//! 40,000 channels with heavy-tailed audiences and regional prime times (about 5,000 streams over
//! 50 viewers at the daily peak, a trough a third of that), 1,500 games with a steep head; each
//! channel streams most days, one session with exact start and end minutes, one session in five
//! switching game. A day's snapshots are the world read a few seconds into each slot, as the
//! daemon sweeps; any day can be generated alone.

use std::collections::HashSet;

use chrono::Duration;
use watchtime_core::time::DayWindow;
use watchtime_core::{Day, Settings, SlotSnapshot};

/// How many channels may go live.
pub const CHANNELS: usize = 40_000;
/// How many games (categories) there are.
pub const GAMES: usize = 1_500;
/// Seconds after the slot start at which a sweep is taken.
const SWEEP_DELAY_SECONDS: i64 = 7;

/// Every channel and game, fixed for a seed.
#[derive(Debug)]
pub struct World {
    sim: watchtime_sim::World,
}

/// One generated day: its window and its snapshots, bound to their slots.
#[derive(Debug)]
pub struct DayData {
    /// The day's window (08:00 to 08:00 Los Angeles time by default).
    pub window: DayWindow,
    /// How many slots the day has (46, 48 or 50).
    pub slots_expected: u32,
    /// One snapshot per slot, in slot order.
    pub snapshots: Vec<SlotSnapshot>,
    /// The shape of the day.
    pub shape: DayShape,
}

/// Counts of one generated day, for the report.
#[derive(Clone, Copy, Debug, Default)]
pub struct DayShape {
    /// Sessions started that day.
    pub sessions: usize,
    /// Of those, sessions that switched game.
    pub switched: usize,
    /// Samples kept by [`Snapshot::into_slot`] over all snapshots (rows written to `samples`).
    pub samples: usize,
    /// The largest snapshot.
    pub max_streams: usize,
    /// The smallest snapshot.
    pub min_streams: usize,
    /// Distinct (streamer, game) pairs: the day's `daily_totals` rows.
    pub pairs: usize,
    /// Snapshots in the day.
    pub snapshots: usize,
}

/// [`DayShape`]s summed over the days generated.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape {
    /// Days added.
    pub days: usize,
    /// Snapshots over all days.
    pub snapshots: usize,
    /// Samples over all days.
    pub samples: usize,
    /// Distinct (streamer, game) pairs, summed over days.
    pub pairs: usize,
    /// Sessions over all days.
    pub sessions: usize,
    /// Sessions that switched game.
    pub switched: usize,
    /// The smallest snapshot.
    pub min_streams: usize,
    /// The largest snapshot.
    pub max_streams: usize,
}

impl Shape {
    /// Adds one day.
    pub fn add(&mut self, d: &DayShape) {
        self.min_streams = if self.days == 0 {
            d.min_streams
        } else {
            self.min_streams.min(d.min_streams)
        };
        self.max_streams = self.max_streams.max(d.max_streams);
        self.days += 1;
        self.snapshots += d.snapshots;
        self.samples += d.samples;
        self.pairs += d.pairs;
        self.sessions += d.sessions;
        self.switched += d.switched;
    }

    /// Average samples per snapshot.
    pub fn streams_per_snapshot(&self) -> f64 {
        self.samples as f64 / self.snapshots.max(1) as f64
    }

    /// Average pairs (daily total rows) per day.
    pub fn pairs_per_day(&self) -> f64 {
        self.pairs as f64 / self.days.max(1) as f64
    }

    /// Average sessions per day.
    pub fn sessions_per_day(&self) -> f64 {
        self.sessions as f64 / self.days.max(1) as f64
    }
}

impl World {
    /// The channels and games of `seed`.
    pub fn new(seed: u64) -> Self {
        World {
            sim: watchtime_sim::World::new(seed, CHANNELS as u32, GAMES),
        }
    }

    /// The simulated world itself, for measurements that need its truth.
    pub fn sim(&self) -> &watchtime_sim::World {
        &self.sim
    }

    /// Generates `day`: one snapshot per slot of `settings.slot_length`, taken a few seconds
    /// into the slot.
    pub fn day(&self, day: Day, settings: &Settings) -> DayData {
        let length = settings.slot_length;
        let window = settings.calendar.window(day);
        let slots = window.slots_expected(length);
        let (sessions, switched) = self.sim.sessions_starting(&window);
        let mut pairs = HashSet::new();
        let mut shape = DayShape {
            sessions,
            switched,
            min_streams: usize::MAX,
            snapshots: slots as usize,
            ..DayShape::default()
        };
        let mut snapshots = Vec::with_capacity(slots as usize);
        for k in 0..slots {
            let start = window.start + Duration::seconds(length.seconds() * i64::from(k));
            let snapshot = self
                .sim
                .snapshot_at(
                    start + Duration::seconds(SWEEP_DELAY_SECONDS),
                    settings.min_viewers,
                )
                .into_slot(length, settings.min_viewers);
            for s in snapshot.streams() {
                pairs.insert((s.streamer.id.clone(), s.game.as_ref().map(|g| g.id.clone())));
            }
            let kept = snapshot.streams().len();
            shape.samples += kept;
            shape.max_streams = shape.max_streams.max(kept);
            shape.min_streams = shape.min_streams.min(kept);
            snapshots.push(snapshot);
        }
        shape.pairs = pairs.len();
        DayData {
            window,
            slots_expected: slots,
            snapshots,
            shape,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the report's data shape relies on: every generated stream is over the threshold
    /// with a valid id, every snapshot falls in its day, and a day is the same whether generated
    /// alone or again.
    #[test]
    fn days_are_reproducible_and_lose_nothing_to_the_ingest_rules() {
        let world = World::new(7);
        let settings = Settings::default();
        // A DST day (50 slots) and the day after it, which inherits its late sessions.
        for day in ["2025-11-01", "2025-11-02"] {
            let day: Day = day.parse().unwrap();
            let data = world.day(day, &settings);
            assert_eq!(data.snapshots.len(), data.slots_expected as usize);
            for s in &data.snapshots {
                let r = s.report();
                assert_eq!(
                    (r.below_threshold, r.without_id, r.malformed_ids),
                    (0, 0, 0)
                );
                assert!(data.window.contains_slot(s.slot()));
            }
            let again = world.day(day, &settings);
            assert_eq!(data.snapshots, again.snapshots);
        }
    }
}
