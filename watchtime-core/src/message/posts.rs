//! The three daily posts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::message::fit::{Draft, Part};
use crate::message::hours::format_hours;
use crate::message::labels::range_label;
use crate::message::limit::TextLimit;
use crate::movement::PreviousRanks;
use crate::ranking::RankingEntry;
use crate::time::{Day, DayRange};
use crate::totals::Coverage;

/// Which of the daily posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostKind {
    /// Yesterday's top games.
    TopGames,
    /// Yesterday's top streamers.
    TopStreamers,
    /// The top streamers of a game drawn at random, weighted by watch time.
    Spotlight,
}

impl PostKind {
    /// The three posts in the order they are published.
    pub const ALL: [PostKind; 3] = [
        PostKind::TopGames,
        PostKind::TopStreamers,
        PostKind::Spotlight,
    ];

    /// The stable name used in outbox keys.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::TopGames => "top-games",
            PostKind::TopStreamers => "top-streamers",
            PostKind::Spotlight => "spotlight",
        }
    }
}

impl fmt::Display for PostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PostKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        PostKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown post kind {s:?}")))
    }
}

/// The game drawn for the spotlight and its top streamers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spotlight {
    /// The game, with its totals for the day.
    pub game: RankingEntry,
    /// Its top streamers that day.
    pub streamers: Vec<RankingEntry>,
}

/// Everything the daily posts say about one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRankings {
    /// The day.
    pub day: Day,
    /// How much of the day was observed.
    pub coverage: Coverage,
    /// Top games.
    pub games: Vec<RankingEntry>,
    /// Top streamers.
    pub streamers: Vec<RankingEntry>,
    /// The drawn game, if the day has any game time.
    pub spotlight: Option<Spotlight>,
    /// Where the entries stood the day before, for the rank-change markers.
    #[serde(skip)]
    pub previous: DayMovements,
}

/// The previous day's ranks behind each daily post's markers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayMovements {
    /// Top games the day before.
    pub games: PreviousRanks,
    /// Top streamers the day before.
    pub streamers: PreviousRanks,
    /// The drawn game's streamers the day before.
    pub spotlight: PreviousRanks,
}

/// The text of one daily post, fitted to `limit`; `None` when there is nothing to say (no data,
/// or no game to draw).
pub fn daily_post(kind: PostKind, r: &DayRankings, limit: &TextLimit) -> Option<String> {
    let label = range_label(&DayRange::single(r.day));
    let draft = match kind {
        PostKind::TopGames => {
            if r.games.is_empty() {
                return None;
            }
            Draft {
                head: vec![Part::text(format!("Most watched games on Twitch, {label}"))],
                lines: ranking_lines(&r.games, &r.previous.games),
                tail: coverage_note(&r.coverage, 1),
            }
        }
        PostKind::TopStreamers => {
            if r.streamers.is_empty() {
                return None;
            }
            Draft {
                head: vec![Part::text(format!(
                    "Most watched streamers on Twitch, {label}"
                ))],
                lines: ranking_lines(&r.streamers, &r.previous.streamers),
                tail: coverage_note(&r.coverage, 1),
            }
        }
        PostKind::Spotlight => {
            let s = r.spotlight.as_ref().filter(|s| !s.streamers.is_empty())?;
            Draft {
                head: vec![
                    Part::text("Game of the day (drawn by watch time): "),
                    Part::name(&s.game.name),
                    Part::text(format!(
                        ", {}\nTop streamers, {label}",
                        format_hours(s.game.totals.viewer_minutes)
                    )),
                ],
                lines: ranking_lines(&s.streamers, &r.previous.spotlight),
                tail: coverage_note(&r.coverage, 1),
            }
        }
    };
    Some(draft.fit(limit))
}

/// `1. Name: 1.23M h ↑3`, one per entry; the marker when there is a period before.
pub(crate) fn ranking_lines(entries: &[RankingEntry], previous: &PreviousRanks) -> Vec<Vec<Part>> {
    entries
        .iter()
        .map(|e| {
            let mut line = vec![
                Part::text(format!("{}. ", e.rank)),
                Part::name(&e.name),
                Part::text(format!(": {}", format_hours(e.totals.viewer_minutes))),
            ];
            line.extend(previous.movement(e).map(Part::marker));
            line
        })
        .collect()
}

/// A line saying the data is partial, or nothing when coverage is full. `days` is the length of
/// the range the coverage sums: over a range with days not closed yet, the line says how many
/// days have data ("Data for 2 of 7 days"), so a full count of their snapshots does not read as
/// a contradiction.
pub(crate) fn coverage_note(c: &Coverage, days: u32) -> Vec<Part> {
    if c.is_full() || c.slots_expected == 0 {
        return vec![];
    }
    let mut snapshots = None;
    if c.slots_observed < c.slots_expected || c.slots_incomplete > 0 {
        let mut text = format!("{} of {} snapshots", c.slots_observed, c.slots_expected);
        if c.slots_incomplete > 0 {
            text.push_str(&format!(", {} incomplete", c.slots_incomplete));
        }
        snapshots = Some(text);
    }
    let note = match (c.days_not_closed, snapshots) {
        (0, Some(snapshots)) => format!("Partial data: {snapshots}"),
        (0, None) => return vec![],
        (_, snapshots) => {
            let head = format!("Data for {} of {days} days", c.days_closed(days));
            match snapshots {
                Some(snapshots) => format!("{head}: {snapshots}"),
                None => head,
            }
        }
    };
    vec![Part::text(note)]
}
