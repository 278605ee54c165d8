//! A year of Twitch at peak scale, generated deterministically.
//!
//! 50,000 channels with heavy-tailed audiences (channel `i` has `60 + 150,000 / (i+1)^0.85`
//! viewers at prime time, so every stream clears the 50-viewer threshold), 1,500 games with Zipf
//! popularity, each channel with a main game. Each day each channel goes live with probability
//! 0.4 for one session of 6–18 slots starting at a random slot; a session that starts late runs
//! on into the next day, so every slot of a day sees about the same number of streams. One
//! session in five switches game halfway.
//!
//! Any day can be generated alone: its sessions come from an RNG seeded from (seed, day), and the
//! sessions of the day before (which may run into it) are re-planned from theirs.

mod names;

use std::collections::HashSet;
use std::f64::consts::TAU;

use chrono::{Duration, Timelike};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use watchtime_core::time::DayWindow;
use watchtime_core::{
    Completeness, Day, Game, Settings, SlotSnapshot, Snapshot, StreamSample, Streamer,
};

use names::{game, streamer};

/// How many channels may go live.
pub const CHANNELS: usize = 50_000;
/// How many games (categories) there are.
pub const GAMES: usize = 1_500;
/// The chance a channel streams on a given day.
const LIVE_CHANCE: f64 = 0.4;
/// The chance a session switches game halfway.
const SWITCH_CHANCE: f64 = 0.2;
/// Session length in slots, inclusive.
const SESSION_SLOTS: (u32, u32) = (6, 18);
/// Seconds after the slot start at which a sweep is taken.
const SWEEP_DELAY_SECONDS: i64 = 7;

/// Every channel and game, fixed for a seed.
#[derive(Debug)]
pub struct World {
    seed: u64,
    channels: Vec<Channel>,
    games: Vec<Game>,
    /// Cumulative Zipf weights of `games`, for drawing a game.
    game_cdf: Vec<f64>,
}

#[derive(Debug)]
struct Channel {
    streamer: Streamer,
    /// Viewers above the floor of 60 at prime time.
    audience: f64,
    /// Index into [`World::games`]; `None` streams with no category.
    main_game: Option<usize>,
}

/// One live session: a channel, a span of slots counted from the start of its day, and its games.
#[derive(Clone, Copy, Debug)]
struct Session {
    channel: usize,
    start: u32,
    len: u32,
    first_game: Option<usize>,
    /// Slot offset within the session and the game played from there on.
    switch: Option<(u32, Option<usize>)>,
}

impl Session {
    fn game_at(&self, offset: u32) -> Option<usize> {
        match self.switch {
            Some((at, game)) if offset >= at => game,
            _ => self.first_game,
        }
    }
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
        let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, 0x5EED, 0));
        let games: Vec<Game> = (0..GAMES).map(|i| game(i, &mut rng)).collect();
        let mut game_cdf = Vec::with_capacity(GAMES);
        let mut sum = 0.0;
        for rank in 0..GAMES {
            sum += 1.0 / (rank as f64 + 1.0);
            game_cdf.push(sum);
        }
        let mut world = World {
            seed,
            channels: Vec::with_capacity(CHANNELS),
            games,
            game_cdf,
        };
        for i in 0..CHANNELS {
            let main_game = world.draw_game(&mut rng);
            world.channels.push(Channel {
                streamer: streamer(i, &mut rng),
                audience: 150_000.0 / (i as f64 + 1.0).powf(0.85),
                // A few channels stream with no category, as on Twitch.
                main_game: (i % 997 != 500).then_some(main_game),
            });
        }
        world
    }

    /// A game index drawn with Zipf weights (game 0 heaviest).
    fn draw_game(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.game_cdf.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * total;
        self.game_cdf.partition_point(|c| *c <= x).min(GAMES - 1)
    }

    /// The sessions that start on `day`, which has `slots` slots.
    fn sessions(&self, day: Day, slots: u32) -> Vec<Session> {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed, day_key(day), 1));
        let mut out = Vec::with_capacity(CHANNELS * 6 / 10);
        for (i, c) in self.channels.iter().enumerate() {
            if rng.random::<f64>() >= LIVE_CHANCE {
                continue;
            }
            let len = rng.random_range(SESSION_SLOTS.0..=SESSION_SLOTS.1);
            let start = rng.random_range(0..slots);
            let switch = (rng.random::<f64>() < SWITCH_CHANCE).then(|| {
                let other = self.draw_game(&mut rng);
                let other = match c.main_game {
                    Some(main) if main == other => (other + 1) % GAMES,
                    _ => other,
                };
                (len / 2, Some(other))
            });
            out.push(Session {
                channel: i,
                start,
                len,
                first_game: c.main_game,
                switch,
            });
        }
        out
    }

    /// Generates `day`: its own sessions, plus those of the day before that run into it.
    pub fn day(&self, day: Day, settings: &Settings) -> DayData {
        let calendar = settings.calendar;
        let length = settings.slot_length;
        let window = calendar.window(day);
        let slots = window.slots_expected(length);
        let prev_slots = calendar.window(day.previous()).slots_expected(length);
        let own = self.sessions(day, slots);
        let carried = self.sessions(day.previous(), prev_slots);

        // The (channel, game) pairs live in each slot of the day.
        let mut per_slot: Vec<Vec<(usize, Option<usize>)>> =
            vec![Vec::with_capacity(CHANNELS / 8); slots as usize];
        // A channel still live from yesterday starts today's session when that one ends: one
        // stream per channel at a time.
        let mut busy_until = vec![0_i64; CHANNELS];
        let mut place = |s: &Session, first: i64| {
            for offset in 0..s.len {
                let k = first + i64::from(offset);
                if k >= busy_until[s.channel] && (0..i64::from(slots)).contains(&k) {
                    per_slot[k as usize].push((s.channel, s.game_at(offset)));
                }
            }
            busy_until[s.channel] = busy_until[s.channel].max(first + i64::from(s.len));
        };
        for s in &carried {
            place(s, i64::from(s.start) - i64::from(prev_slots));
        }
        for s in &own {
            place(s, i64::from(s.start));
        }

        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed, day_key(day), 2));
        let mut pairs: HashSet<(usize, Option<usize>)> = HashSet::with_capacity(CHANNELS);
        let mut shape = DayShape {
            sessions: own.len(),
            switched: own.iter().filter(|s| s.switch.is_some()).count(),
            min_streams: usize::MAX,
            snapshots: slots as usize,
            ..DayShape::default()
        };
        let mut snapshots = Vec::with_capacity(slots as usize);
        for (k, live) in per_slot.into_iter().enumerate() {
            let start = window.start + Duration::seconds(length.seconds() * k as i64);
            let local = start.with_timezone(&calendar.zone());
            let hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
            let curve = time_of_day(hour);
            let mut streams: Vec<StreamSample> = live
                .into_iter()
                .map(|(i, game)| {
                    pairs.insert((i, game));
                    let c = &self.channels[i];
                    let noise = rng.random_range(0.85..1.15);
                    StreamSample {
                        streamer: c.streamer.clone(),
                        game: game.map(|g| self.games[g].clone()),
                        viewers: (60.0 + c.audience * curve * noise) as u32,
                    }
                })
                .collect();
            // Helix lists streams by viewers, descending.
            streams.sort_by_key(|s| std::cmp::Reverse(s.viewers));
            let snapshot = Snapshot {
                taken_at: start + Duration::seconds(SWEEP_DELAY_SECONDS),
                completeness: Completeness::Complete,
                streams,
            }
            .into_slot(length, settings.min_viewers);
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

/// Audience by local hour in Los Angeles: peak at 13:00 (European evening, American afternoon),
/// a fifth of it at 01:00.
fn time_of_day(hour: f64) -> f64 {
    0.6 + 0.4 * ((hour - 13.0) / 24.0 * TAU).cos()
}

fn day_key(day: Day) -> u64 {
    u64::from(day.days_since_epoch().unsigned_abs())
}

/// SplitMix64 of three numbers: independent seeds for (seed, day, purpose).
fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(c.wrapping_mul(0x94D0_49BB_1331_11EB));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the report's data shape relies on: every generated stream is recorded (over the
    /// threshold, one per channel per slot), and a day is the same whether generated alone or
    /// again.
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
                assert_eq!((r.duplicates, r.below_threshold, r.without_id), (0, 0, 0));
                assert!(data.window.contains_slot(s.slot()));
            }
            let again = world.day(day, &settings);
            assert_eq!(data.snapshots, again.snapshots);
        }
    }
}
