//! The simulated Twitch as a pure function of (seed, minute): who is live, in which game, with
//! how many viewers, for every minute; and the truth it implies for any window.
//!
//! A channel streams at most one session per local day. A session has an exact start and end
//! minute, may switch game once, opens with an audience that builds over its first half hour,
//! and follows its region's hour (prime time around 21:00 local) with slow drift and a little
//! minute-to-minute jitter. The viewer count is constant within a minute, so summing the counts
//! of every minute gives the exact viewer-minutes: the truth a sampler is measured against.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use watchtime_core::time::DayWindow;
use watchtime_core::{Completeness, GameId, Snapshot, StreamSample, StreamerId};

use crate::population::{Channel, Population};

/// Minutes over which a new stream's audience builds to its full size.
const RAMP_MINUTES: i64 = 25;
/// Minutes between the knots of the slow audience drift.
const DRIFT_KNOT_MINUTES: i64 = 20;

/// One live session of a channel: `[start, end)` in Unix minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// First live minute (Unix minutes).
    pub start: i64,
    /// First minute no longer live.
    pub end: i64,
    /// The game at the start, an index into [`Population::games`].
    pub game: Option<usize>,
    /// The minute the channel changes game, and the game after it.
    pub switch: Option<(i64, Option<usize>)>,
}

impl Session {
    /// The game played at `minute`.
    pub fn game_at(&self, minute: i64) -> Option<usize> {
        match self.switch {
            Some((at, game)) if minute >= at => game,
            _ => self.game,
        }
    }

    fn contains(&self, minute: i64) -> bool {
        (self.start..self.end).contains(&minute)
    }
}

/// Exact viewer-minutes per (streamer, game) over a window, counting only the minutes a stream
/// was over the threshold (the streams the bot keeps).
pub type Truth = BTreeMap<(StreamerId, Option<GameId>), u64>;

/// The simulated Twitch: a population and the seed of its schedules and audiences.
#[derive(Debug)]
pub struct World {
    seed: u64,
    population: Population,
}

impl World {
    /// A Twitch of `channels` channels and `games` categories from `seed`.
    pub fn new(seed: u64, channels: u32, games: usize) -> Self {
        World {
            seed,
            population: Population::generate(seed, channels, games),
        }
    }

    /// The channels and games.
    pub fn population(&self) -> &Population {
        &self.population
    }

    /// The session channel `i` starts on its local day `day` (days since the epoch in the
    /// channel's zone), if it streams that day.
    pub fn session(&self, i: usize, day: i64) -> Option<Session> {
        let c = &self.population.channels[i];
        let r = mix(self.seed, i as u64, day as u64);
        if unit(r) >= c.active {
            return None;
        }
        let start_hour = c.start_hour + (unit(mix(r, 1, 0)) - 0.5) * 3.0;
        let hours = c.hours * (0.6 + 0.8 * unit(mix(r, 2, 0)));
        let local_start = day * 1_440 + (start_hour * 60.0).round() as i64;
        let start = local_start - c.utc_offset_hours * 60;
        let end = start + (hours * 60.0).round().max(1.0) as i64;
        let game = match c.alt_game {
            Some(alt) if r.is_multiple_of(4) => Some(alt),
            _ => c.main_game,
        };
        // One session in five changes game somewhere in its middle.
        let switch = (c.main_game.is_some() && unit(mix(r, 3, 0)) < 0.2)
            .then(|| {
                let at = start + ((end - start) as f64 * (0.3 + 0.4 * unit(mix(r, 4, 0)))) as i64;
                let other = c.alt_game.filter(|a| Some(*a) != game).or(c.main_game);
                (at, other)
            })
            .filter(|(_, other)| *other != game);
        Some(Session {
            start,
            end,
            game,
            switch,
        })
    }

    /// The channel's local day of `minute`.
    fn local_day(c: &Channel, minute: i64) -> i64 {
        (minute + c.utc_offset_hours * 60).div_euclid(1_440)
    }

    /// The session of channel `i` live at `minute`. Today's session wins over yesterday's when
    /// they overlap (the channel restarted); sessions never reach two days on.
    pub fn live_session(&self, i: usize, minute: i64) -> Option<Session> {
        let day = Self::local_day(&self.population.channels[i], minute);
        [day, day - 1]
            .into_iter()
            .filter_map(|d| self.session(i, d))
            .find(|s| s.contains(minute))
    }

    /// Channel `i` at `minute`: its game and viewers, if it is live.
    pub fn viewers_at(&self, i: usize, minute: i64) -> Option<(Option<usize>, u32)> {
        let s = self.live_session(i, minute)?;
        Some((s.game_at(minute), self.viewers_in(i, &s, minute)))
    }

    fn viewers_in(&self, i: usize, s: &Session, minute: i64) -> u32 {
        let c = &self.population.channels[i];
        let local = (minute + c.utc_offset_hours * 60).rem_euclid(1_440);
        let hour = local as f64 / 60.0;
        // Prime time peaks around 21:00 local; mornings are thin.
        let diurnal = 0.55 + 0.45 * (((hour - 21.0) / 24.0) * std::f64::consts::TAU).cos();
        let ramp = (0.35 + 0.65 * (minute - s.start) as f64 / RAMP_MINUTES as f64).min(1.0);
        // Slow drift between knots every 20 minutes, and a little jitter each minute.
        let knot = minute.div_euclid(DRIFT_KNOT_MINUTES);
        let along = minute.rem_euclid(DRIFT_KNOT_MINUTES) as f64 / DRIFT_KNOT_MINUTES as f64;
        let drift_at = |k: i64| 0.85 + 0.3 * unit(mix(self.seed, i as u64, k as u64 ^ 0xD81F7));
        let drift = drift_at(knot) * (1.0 - along) + drift_at(knot + 1) * along;
        let jitter = 0.97 + 0.06 * unit(mix(self.seed ^ 0x7177E4, i as u64, minute as u64));
        (c.popularity * diurnal * ramp * drift * jitter) as u32
    }

    /// What Helix would list at `t`: streams over `min_viewers`, viewers descending. Now and then
    /// a stream shows up twice with slightly fewer viewers, as on real Helix pages; the first
    /// sighting, which the ingest rules keep, is the true one.
    pub fn snapshot_at(&self, t: DateTime<Utc>, min_viewers: u32) -> Snapshot {
        let minute = t.timestamp().div_euclid(60);
        let channels = &self.population.channels;
        let mut streams: Vec<StreamSample> = (0..channels.len())
            .filter_map(|i| {
                let (game, viewers) = self.viewers_at(i, minute)?;
                (viewers > min_viewers).then(|| StreamSample {
                    streamer: channels[i].streamer.clone(),
                    game: game.map(|g| self.population.games[g].clone()),
                    viewers,
                })
            })
            .collect();
        streams.sort_by(|a, b| {
            b.viewers
                .cmp(&a.viewers)
                .then_with(|| a.streamer.id.cmp(&b.streamer.id))
        });
        let r = mix(self.seed, minute as u64, 0xD0B1E);
        if r % 100 < 30 && streams.len() > 10 {
            let i = (r >> 8) as usize % streams.len();
            let mut again = streams[i].clone();
            again.viewers = again.viewers.saturating_sub(3).max(min_viewers + 1);
            streams.push(again);
        }
        Snapshot {
            taken_at: t,
            completeness: Completeness::Complete,
            streams,
        }
    }

    /// The sessions of every channel that overlap `[from, to)` (Unix minutes), clipped to
    /// their live minutes: `(channel, first minute, end minute)`.
    fn spans(&self, from: i64, to: i64) -> Vec<(usize, i64, i64)> {
        let mut out = Vec::new();
        for (i, c) in self.population.channels.iter().enumerate() {
            let first = Self::local_day(c, from) - 1;
            let last = Self::local_day(c, to - 1);
            let mut lo = i64::MAX;
            let mut hi = i64::MIN;
            for d in first..=last {
                if let Some(s) = self.session(i, d)
                    && s.end > from
                    && s.start < to
                {
                    lo = lo.min(s.start.max(from));
                    hi = hi.max(s.end.min(to));
                }
            }
            if lo < hi {
                out.push((i, lo, hi));
            }
        }
        out
    }

    /// The exact viewer-minutes of every (streamer, game) in `window`, from every minute's
    /// count, counting a minute only when the stream was over `min_viewers`.
    pub fn truth(&self, window: &DayWindow, min_viewers: u32) -> Truth {
        let from = window.start.timestamp().div_euclid(60);
        let to = window.end.timestamp().div_euclid(60);
        let mut out = Truth::new();
        for (i, lo, hi) in self.spans(from, to) {
            let streamer = &self.population.channels[i].streamer.id;
            for minute in lo..hi {
                if let Some((game, viewers)) = self.viewers_at(i, minute)
                    && viewers > min_viewers
                {
                    let game = game.map(|g| self.population.games[g].id.clone());
                    *out.entry((streamer.clone(), game)).or_default() += u64::from(viewers);
                }
            }
        }
        out
    }

    /// How many sessions start in `window`, and how many of those change game.
    pub fn sessions_starting(&self, window: &DayWindow) -> (usize, usize) {
        let from = window.start.timestamp().div_euclid(60);
        let to = window.end.timestamp().div_euclid(60);
        let mut count = (0, 0);
        for (i, c) in self.population.channels.iter().enumerate() {
            for d in Self::local_day(c, from)..=Self::local_day(c, to - 1) {
                if let Some(s) = self.session(i, d)
                    && (from..to).contains(&s.start)
                {
                    count.0 += 1;
                    count.1 += usize::from(s.switch.is_some());
                }
            }
        }
        count
    }
}

/// A fast, well-mixed hash of three numbers (SplitMix64 finalizer), so every (seed, channel,
/// time) gets its own independent random value without a generator per call.
pub(crate) fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(c.wrapping_mul(0x94D0_49BB_1331_11EB));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash as a number in `[0, 1)`.
pub(crate) fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}
