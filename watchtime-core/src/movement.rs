//! Rank change: where an entry stood in the period before.
//!
//! The period before a day is the day before; before a week (7 days), the 7 days before; before
//! a whole calendar month, the calendar month before; before any other range, the range of the
//! same length that ends the day before it. An entry's previous rank is its rank in the top
//! [`PREVIOUS_TOP`] of the same ranking over that period, found by its id (a game renamed
//! between the periods keeps its id, and so its change). An entry not among them is
//! [`Movement::New`]. When the period before has no closed day at all there is nothing to
//! compare with, and no movement is shown.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, Months};

use crate::error::Result;
use crate::ids::EntityId;
use crate::ports::Store;
use crate::ranking::{RankingEntry, RankingQuery, Subject};
use crate::time::{Day, DayRange};

/// How deep the previous period's ranking is read: an entry below it counts as new.
pub const PREVIOUS_TOP: usize = 100;

/// An entry's change in rank against the period before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Movement {
    /// Climbed this many places.
    Up(u32),
    /// Fell this many places.
    Down(u32),
    /// Kept its place.
    Same,
    /// Not in the previous period's top [`PREVIOUS_TOP`].
    New,
}

impl Movement {
    /// The change from `previous` (`None`: not ranked before) to `rank`.
    pub fn between(rank: u32, previous: Option<u32>) -> Movement {
        match previous {
            None => Movement::New,
            Some(p) if p > rank => Movement::Up(p - rank),
            Some(p) if p < rank => Movement::Down(rank - p),
            Some(_) => Movement::Same,
        }
    }

    /// How many places it climbed (0 unless [`Movement::Up`]).
    pub fn climb(self) -> u32 {
        match self {
            Movement::Up(n) => n,
            _ => 0,
        }
    }
}

/// `↑3`, `↓1`, `=` or `new`: the marker posts and tables show.
impl fmt::Display for Movement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Movement::Up(n) => write!(f, "↑{n}"),
            Movement::Down(n) => write!(f, "↓{n}"),
            Movement::Same => f.write_str("="),
            Movement::New => f.write_str("new"),
        }
    }
}

/// The period before `range` (see the module docs).
pub fn previous_range(range: DayRange) -> DayRange {
    let (from, to) = (range.from.date(), range.to.date());
    let whole_month = from.day() == 1
        && to.year() == from.year()
        && to.month() == from.month()
        && to.succ_opt().is_some_and(|next| next.day() == 1);
    if whole_month && let Some(start) = from.checked_sub_months(Months::new(1)) {
        return DayRange {
            from: Day::new(start),
            to: range.from.previous(),
        };
    }
    DayRange::ending(range.from.previous(), range.len())
}

/// The ranks of one ranking over the period before: what each entry's movement is read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviousRanks {
    /// `None` when the period before has no closed day: there is nothing to compare with.
    ranks: Option<HashMap<EntityId, u32>>,
}

impl PreviousRanks {
    /// Nothing to compare with: no entry shows a movement.
    pub fn untracked() -> Self {
        PreviousRanks { ranks: None }
    }

    /// The ranks of `entries`, a ranking of the period before (only the top [`PREVIOUS_TOP`]
    /// count).
    pub fn from_ranking(entries: &[RankingEntry]) -> Self {
        PreviousRanks {
            ranks: Some(
                entries
                    .iter()
                    .filter(|e| e.rank as usize <= PREVIOUS_TOP)
                    .map(|e| (e.id.clone(), e.rank))
                    .collect(),
            ),
        }
    }

    /// Whether there was a period before to compare with.
    pub fn is_tracked(&self) -> bool {
        self.ranks.is_some()
    }

    /// `id`'s rank in the period before, if it was in its top [`PREVIOUS_TOP`].
    pub fn rank_of(&self, id: &EntityId) -> Option<u32> {
        self.ranks.as_ref()?.get(id).copied()
    }

    /// `entry`'s movement, or `None` when there is nothing to compare with.
    pub fn movement(&self, entry: &RankingEntry) -> Option<Movement> {
        self.is_tracked()
            .then(|| Movement::between(entry.rank, self.rank_of(&entry.id)))
    }
}

/// The previous ranks of `subject`'s ranking over `range`: its top [`PREVIOUS_TOP`] over
/// [`previous_range`], or untracked when that period has no closed day.
pub async fn previous_ranks<S: Store + ?Sized>(
    store: &S,
    subject: &Subject,
    range: DayRange,
) -> Result<PreviousRanks> {
    let before = previous_range(range);
    if store.day_statuses(before).await?.is_empty() {
        return Ok(PreviousRanks::untracked());
    }
    let ranking = store
        .rank(&RankingQuery {
            subject: subject.clone(),
            range: before,
            top: PREVIOUS_TOP,
        })
        .await?;
    Ok(PreviousRanks::from_ranking(&ranking))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::rank;
    use crate::totals::{NamedTotal, Totals};
    use crate::{Game, Streamer};

    fn day(s: &str) -> Day {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn range(a: &str, b: &str) -> DayRange {
        DayRange::new(day(a), day(b)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn movement_from_ranks() {
        let cases = [
            (1, Some(4), Movement::Up(3), "↑3"),
            (5, Some(4), Movement::Down(1), "↓1"),
            (2, Some(2), Movement::Same, "="),
            (3, None, Movement::New, "new"),
            (1, Some(100), Movement::Up(99), "↑99"),
            (100, Some(1), Movement::Down(99), "↓99"),
        ];
        for (rank, previous, want, marker) in cases {
            let got = Movement::between(rank, previous);
            assert_eq!(got, want, "{rank} from {previous:?}");
            assert_eq!(got.to_string(), marker);
        }
    }

    #[test]
    fn the_period_before() {
        let cases = [
            // A day: the day before, across month and year ends and the leap day.
            (("2026-11-26", "2026-11-26"), ("2026-11-25", "2026-11-25")),
            (("2027-01-01", "2027-01-01"), ("2026-12-31", "2026-12-31")),
            (("2028-03-01", "2028-03-01"), ("2028-02-29", "2028-02-29")),
            // A week: the 7 days before, whatever months they span.
            (("2026-11-30", "2026-12-06"), ("2026-11-23", "2026-11-29")),
            (("2028-03-06", "2028-03-12"), ("2028-02-28", "2028-03-05")),
            // A whole month: the calendar month before, whatever its length.
            (("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
            (("2028-03-01", "2028-03-31"), ("2028-02-01", "2028-02-29")),
            (("2026-12-01", "2026-12-31"), ("2026-11-01", "2026-11-30")),
            (("2027-01-01", "2027-01-31"), ("2026-12-01", "2026-12-31")),
            (("2026-02-01", "2026-02-28"), ("2026-01-01", "2026-01-31")),
            // Any other range: the same length, ending the day before.
            (("2026-03-01", "2026-03-30"), ("2026-01-30", "2026-02-28")),
            (("2026-11-10", "2026-11-12"), ("2026-11-07", "2026-11-09")),
        ];
        for ((a, b), (c, d)) in cases {
            assert_eq!(previous_range(range(a, b)), range(c, d), "{a}..{b}");
        }
    }

    fn row(id: &str, name: &str, vm: u64) -> NamedTotal {
        NamedTotal {
            streamer: Streamer {
                id: format!("s{id}").as_str().into(),
                login: format!("s{id}"),
                display_name: format!("S{id}"),
            },
            game: Some(Game {
                id: id.into(),
                name: name.into(),
            }),
            totals: Totals {
                viewer_minutes: vm,
                airtime_minutes: 30,
                peak_viewers: 1,
            },
        }
    }

    /// Each case: the games of the period before and of this one, as (id, name, watch time);
    /// the movements of this one's ranking, best first.
    #[test]
    fn movements_of_rankings() {
        type Rows<'a> = &'a [(&'a str, &'a str, u64)];
        type Case<'a> = (&'a str, Rows<'a>, Rows<'a>, &'a [(&'a str, &'a str)]);
        let cases: [Case<'_>; 5] = [
            (
                "climbs and falls",
                &[("1", "A", 300), ("2", "B", 200), ("3", "C", 100)],
                &[("3", "C", 900), ("1", "A", 500), ("2", "B", 400)],
                &[("C", "↑2"), ("A", "↓1"), ("B", "↓1")],
            ),
            (
                "an entry entering is new; one leaving is not shown",
                &[("1", "A", 300), ("2", "B", 200)],
                &[("1", "A", 300), ("4", "D", 250)],
                &[("A", "="), ("D", "new")],
            ),
            (
                "ties are broken by name, before and after",
                &[("1", "B", 100), ("2", "A", 100)],
                &[("1", "B", 100), ("2", "A", 100), ("3", "C", 100)],
                &[("A", "="), ("B", "="), ("C", "new")],
            ),
            (
                "a tie broken the other way moves both",
                &[("1", "B", 200), ("2", "A", 100)],
                &[("1", "B", 100), ("2", "A", 100)],
                &[("A", "↑1"), ("B", "↓1")],
            ),
            (
                "a renamed game keeps its id and so its change",
                &[("1", "Old name", 100), ("2", "Other", 200)],
                &[("1", "New name", 300), ("2", "Other", 200)],
                &[("New name", "↑1"), ("Other", "↓1")],
            ),
        ];
        for (what, before, now, want) in cases {
            let rows = |list: Rows<'_>| -> Vec<NamedTotal> {
                list.iter().map(|(id, n, vm)| row(id, n, *vm)).collect()
            };
            let previous =
                PreviousRanks::from_ranking(&rank(&rows(before), &Subject::TopGames, 100));
            let got: Vec<(String, String)> = rank(&rows(now), &Subject::TopGames, 100)
                .iter()
                .map(|e| {
                    let m = previous.movement(e).map(|m| m.to_string());
                    (e.name.clone(), m.unwrap_or_default())
                })
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(n, m)| (n.to_string(), m.to_string()))
                .collect();
            assert_eq!(got, want, "{what}");
        }
    }

    #[test]
    fn below_the_top_hundred_is_new_and_untracked_shows_nothing() {
        let rows: Vec<NamedTotal> = (0..120u64)
            .map(|i| row(&i.to_string(), &format!("G{i:03}"), 1_000 - i))
            .collect();
        let previous = PreviousRanks::from_ranking(&rank(&rows, &Subject::TopGames, 120));
        let entry = |id: &str, rank: u32| RankingEntry {
            rank,
            id: EntityId::Game(id.into()),
            name: String::new(),
            totals: Totals::default(),
        };
        assert_eq!(previous.rank_of(&EntityId::Game("99".into())), Some(100));
        assert_eq!(previous.rank_of(&EntityId::Game("100".into())), None);
        assert_eq!(previous.movement(&entry("100", 1)), Some(Movement::New));
        assert_eq!(previous.movement(&entry("99", 1)), Some(Movement::Up(99)));
        assert_eq!(PreviousRanks::untracked().movement(&entry("99", 1)), None);
    }
}
