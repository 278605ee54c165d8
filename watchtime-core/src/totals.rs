//! Credit and daily totals: how samples become watch time.
//!
//! A stream seen in a slot of `I` minutes with `v` viewers earns `v × I` viewer-minutes and `I`
//! minutes of airtime. Everything is an integer, so every store sums to exactly the same value;
//! hours exist only on display.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{Game, GameId, Streamer, StreamerId};
use crate::snapshot::SlotSnapshot;
use crate::time::{Day, DayRange};

/// Watch time, airtime and peak of one streamer in one game over some period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Totals {
    /// Viewer-minutes: the sum of `viewers × slot minutes`.
    pub viewer_minutes: u64,
    /// Minutes on air: the sum of slot minutes.
    pub airtime_minutes: u64,
    /// The largest viewer count seen.
    pub peak_viewers: u32,
}

impl Totals {
    /// The credit of one sample: `viewers` watching for a slot of `slot_minutes`.
    pub fn credit(viewers: u32, slot_minutes: u32) -> Self {
        Totals {
            viewer_minutes: u64::from(viewers) * u64::from(slot_minutes),
            airtime_minutes: u64::from(slot_minutes),
            peak_viewers: viewers,
        }
    }

    /// Watch time in hours, for display only.
    pub fn hours(&self) -> f64 {
        self.viewer_minutes as f64 / 60.0
    }
}

impl AddAssign for Totals {
    fn add_assign(&mut self, rhs: Totals) {
        self.viewer_minutes += rhs.viewer_minutes;
        self.airtime_minutes += rhs.airtime_minutes;
        self.peak_viewers = self.peak_viewers.max(rhs.peak_viewers);
    }
}

/// The permanent total of one (day, streamer, game).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DailyTotal {
    /// The day.
    pub day: Day,
    /// The streamer.
    pub streamer: StreamerId,
    /// The game; `None` for time spent with no category.
    pub game: Option<GameId>,
    /// The sums.
    pub totals: Totals,
}

/// A total with the latest names of its streamer and game, as rankings need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedTotal {
    /// The streamer, with its latest names.
    pub streamer: Streamer,
    /// The game, with its latest name; `None` for no category.
    pub game: Option<Game>,
    /// The sums.
    pub totals: Totals,
}

/// Rolls snapshots up into one day's totals, sorted by (streamer, game).
///
/// This is the reference computation: stores may do it in SQL, and the conformance suite holds
/// them to this result. The caller passes only the day's snapshots (those whose slot starts in
/// the day's window).
pub fn rollup<'a>(
    day: Day,
    snapshots: impl IntoIterator<Item = &'a SlotSnapshot>,
) -> Vec<DailyTotal> {
    let mut sums: BTreeMap<(StreamerId, Option<GameId>), Totals> = BTreeMap::new();
    for snapshot in snapshots {
        let minutes = snapshot.length().minutes();
        for s in snapshot.streams() {
            let key = (s.streamer.id.clone(), s.game.as_ref().map(|g| g.id.clone()));
            *sums.entry(key).or_default() += Totals::credit(s.viewers, minutes);
        }
    }
    sums.into_iter()
        .map(|((streamer, game), totals)| DailyTotal {
            day,
            streamer,
            game,
            totals,
        })
        .collect()
}

/// What is known about one day's data: how much of it was observed, and whether it is closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStatus {
    /// The day.
    pub day: Day,
    /// Slots the day should have at the configured length (46, 48 or 50 at 30 minutes in LA).
    pub slots_expected: u32,
    /// Slots with a stored snapshot.
    pub slots_observed: u32,
    /// Of those, snapshots that lost pages.
    pub slots_incomplete: u32,
    /// When the day was rolled up.
    pub closed_at: DateTime<Utc>,
}

/// Coverage of a range of days: observed against expected slots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Slots with a snapshot.
    pub slots_observed: u32,
    /// Slots there should have been.
    pub slots_expected: u32,
    /// Slots whose snapshot lost pages.
    pub slots_incomplete: u32,
    /// Days in the range that are not closed yet (their data is not in the totals).
    pub days_not_closed: u32,
}

impl Coverage {
    /// Sums the statuses of the closed days in `range`; days without a status count as not
    /// closed.
    pub fn of(range: DayRange, statuses: &[DayStatus]) -> Self {
        let mut c = Coverage::default();
        for day in range.days() {
            match statuses.iter().find(|s| s.day == day) {
                Some(s) => {
                    c.slots_observed += s.slots_observed;
                    c.slots_expected += s.slots_expected;
                    c.slots_incomplete += s.slots_incomplete;
                }
                None => c.days_not_closed += 1,
            }
        }
        c
    }

    /// How many of the `days` of the range this coverage sums are closed (their data is in the
    /// totals).
    pub fn days_closed(&self, days: u32) -> u32 {
        days.saturating_sub(self.days_not_closed)
    }

    /// Whether every expected slot was observed, complete, on closed days.
    pub fn is_full(&self) -> bool {
        self.days_not_closed == 0
            && self.slots_incomplete == 0
            && self.slots_observed >= self.slots_expected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Game;
    use crate::snapshot::{Completeness, Snapshot, StreamSample};
    use crate::time::SlotLength;

    fn sample(id: &str, game: Option<&str>, viewers: u32) -> StreamSample {
        StreamSample {
            streamer: Streamer {
                id: id.into(),
                login: id.into(),
                display_name: id.into(),
            },
            game: game.map(|g| Game {
                id: g.into(),
                name: g.into(),
            }),
            viewers,
        }
    }

    #[test]
    fn credit_is_viewers_times_slot_minutes() {
        let t = Totals::credit(1234, 30);
        assert_eq!(
            (t.viewer_minutes, t.airtime_minutes, t.peak_viewers),
            (37_020, 30, 1234)
        );
        assert_eq!(Totals::credit(60, 1).hours(), 1.0);
    }

    #[test]
    fn rollup_sums_per_streamer_and_game() {
        let day: Day = "2026-11-27".parse().unwrap();
        let snap = |t: &str, streams| {
            Snapshot {
                taken_at: t.parse().unwrap(),
                completeness: Completeness::Complete,
                streams,
            }
            .into_slot(SlotLength::THIRTY_MINUTES, 50)
        };
        let snaps = [
            snap(
                "2026-11-27T16:00:00Z",
                vec![sample("1", Some("91"), 100), sample("2", None, 60)],
            ),
            snap(
                "2026-11-27T16:30:00Z",
                vec![sample("1", Some("91"), 300), sample("2", None, 70)],
            ),
            snap("2026-11-27T17:00:00Z", vec![sample("1", Some("92"), 200)]),
        ];
        let totals = rollup(day, &snaps);
        let got: Vec<_> = totals
            .iter()
            .map(|t| {
                (
                    t.streamer.as_str(),
                    t.game.as_ref().map(|g| g.as_str()),
                    t.totals.viewer_minutes,
                    t.totals.airtime_minutes,
                    t.totals.peak_viewers,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("1", Some("91"), 12_000, 60, 300),
                ("1", Some("92"), 6_000, 30, 200),
                ("2", None, 3_900, 60, 70),
            ]
        );
    }

    #[test]
    fn coverage_counts_unclosed_days() {
        let d1: Day = "2026-11-26".parse().unwrap();
        let status = DayStatus {
            day: d1,
            slots_expected: 48,
            slots_observed: 47,
            slots_incomplete: 1,
            closed_at: "2026-11-27T16:05:00Z".parse().unwrap(),
        };
        let c = Coverage::of(DayRange::new(d1, d1.next()).unwrap(), &[status]);
        assert_eq!(
            (
                c.slots_observed,
                c.slots_expected,
                c.slots_incomplete,
                c.days_not_closed
            ),
            (47, 48, 1, 1)
        );
        assert!(!c.is_full());
    }
}
