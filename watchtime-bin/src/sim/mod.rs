//! `SimulatedTwitch`: a seeded stand-in for the Helix API, driven by a clock.
//!
//! Every snapshot is a pure function of (seed, instant): channels go live on their own
//! schedules, audiences follow the hour of their region with a little noise, and now and then a
//! stream shows up twice, as on real Helix pages.

mod mentions;
mod names;
mod population;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Timelike, Utc};
use watchtime_core::ports::TwitchSource;
use watchtime_core::{Clock, Completeness, Snapshot, StreamSample};

pub use mentions::ScriptedMentions;
pub use population::{Channel, Population};

/// A simulated Twitch.
#[derive(Debug)]
pub struct SimulatedTwitch {
    seed: u64,
    population: Population,
    clock: Arc<dyn Clock>,
}

impl SimulatedTwitch {
    /// A Twitch of `channels` channels generated from `seed`, reading time from `clock`.
    pub fn new(seed: u64, channels: u32, clock: Arc<dyn Clock>) -> Self {
        SimulatedTwitch {
            seed,
            population: Population::generate(seed, channels),
            clock,
        }
    }

    /// The channels and games.
    pub fn population(&self) -> &Population {
        &self.population
    }

    /// What Helix would list at `t`: streams over `min_viewers`, viewers descending.
    pub fn snapshot_at(&self, t: DateTime<Utc>, min_viewers: u32) -> Snapshot {
        let minute = t.timestamp().div_euclid(60);
        let mut streams: Vec<StreamSample> = self
            .population
            .channels
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.viewers(i as u64, c, t, minute).map(|v| (c, v)))
            .filter(|(_, v)| *v > min_viewers)
            .map(|(c, viewers)| StreamSample {
                streamer: c.streamer.clone(),
                game: self
                    .game_today(c, t)
                    .map(|g| self.population.games[g].clone()),
                viewers,
            })
            .collect();
        streams.sort_by(|a, b| {
            b.viewers
                .cmp(&a.viewers)
                .then_with(|| a.streamer.id.cmp(&b.streamer.id))
        });
        // Helix pages shift while they are read: sometimes a stream appears twice.
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

    /// The viewers of channel `i` at `t`, if it is live.
    fn viewers(&self, i: u64, c: &Channel, t: DateTime<Utc>, minute: i64) -> Option<u32> {
        let local = t + Duration::hours(c.utc_offset_hours);
        let local_hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
        let day = local.timestamp().div_euclid(86_400);
        // A stream may have started yesterday and run past midnight.
        let live = [(day, local_hour), (day - 1, local_hour + 24.0)]
            .into_iter()
            .any(|(d, h)| {
                let r = mix(self.seed, i, d as u64);
                let active = unit(r) < c.active;
                let start = c.start_hour + (unit(mix(r, 1, 0)) - 0.5) * 3.0;
                let length = c.hours * (0.6 + 0.8 * unit(mix(r, 2, 0)));
                active && h >= start && h < start + length
            });
        if !live {
            return None;
        }
        // Prime time peaks around 21:00 local; mornings are thin.
        let diurnal = 0.55 + 0.45 * (((local_hour - 21.0) / 24.0) * std::f64::consts::TAU).cos();
        let noise = 0.85 + 0.3 * unit(mix(self.seed, i, minute as u64 / 30));
        Some((c.popularity * diurnal * noise) as u32)
    }

    fn game_today(&self, c: &Channel, t: DateTime<Utc>) -> Option<usize> {
        let day = (t + Duration::hours(c.utc_offset_hours))
            .timestamp()
            .div_euclid(86_400);
        let main = c.main_game?;
        let r = mix(self.seed, c.popularity.to_bits(), day as u64 ^ 0xA17);
        Some(match c.alt_game {
            Some(alt) if r.is_multiple_of(4) => alt,
            _ => main,
        })
    }
}

#[async_trait]
impl TwitchSource for SimulatedTwitch {
    async fn snapshot(&self, min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        Ok(self.snapshot_at(self.clock.now(), min_viewers))
    }
}

/// A fast, well-mixed hash of three numbers (SplitMix64 finalizer), so every (seed, channel,
/// time) gets its own independent random value without a generator per call.
fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(c.wrapping_mul(0x94D0_49BB_1331_11EB));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash as a number in `[0, 1)`.
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchtime_core::time::ManualClock;

    #[test]
    fn realistic_and_deterministic() {
        let clock = Arc::new(ManualClock::new("2026-11-26T04:00:00Z".parse().unwrap()));
        let sim = SimulatedTwitch::new(42, 40_000, clock);
        let hourly: Vec<Snapshot> = (0..24)
            .map(|h| sim.snapshot_at(format!("2026-11-26T{h:02}:00:00Z").parse().unwrap(), 50))
            .collect();
        let counts: Vec<usize> = hourly.iter().map(|s| s.streams.len()).collect();
        let (min, max) = (*counts.iter().min().unwrap(), *counts.iter().max().unwrap());
        // About 5,000 streams over 50 viewers at the peak, a deep trough, as on Twitch.
        assert!((4_500..7_500).contains(&max), "{counts:?}");
        assert!(min < max / 3, "{counts:?}");
        let peak = &hourly[counts.iter().position(|c| *c == max).unwrap()];
        assert!(peak.streams.iter().all(|s| s.viewers > 50));
        let games: std::collections::HashSet<_> = peak
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
        assert!(
            peak.streams[0].viewers > 100 * median,
            "{} vs {median}",
            peak.streams[0].viewers
        );
        let t = peak.taken_at;
        assert_eq!(sim.snapshot_at(t, 50), *peak);
    }
}
