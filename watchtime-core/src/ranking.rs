//! Rankings: one rule for top games, top streamers, the streamers of a game and the games of a
//! streamer.
//!
//! Order: summed viewer-minutes, descending; ties by shown name, then id, both ascending by
//! Unicode code point (what SQL calls a binary or `"C"` collation), so every store agrees.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ids::{EntityId, GameId, Kind, StreamerId};
use crate::time::DayRange;
use crate::totals::{NamedTotal, Totals};

/// The default length of a ranking.
pub const DEFAULT_TOP: usize = 5;

/// What is ranked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subject {
    /// Games by watch time (time with no category excluded).
    TopGames,
    /// Streamers by watch time, across all their games.
    TopStreamers,
    /// The streamers of one game.
    StreamersOf(GameId),
    /// The games of one streamer (time with no category excluded).
    GamesOf(StreamerId),
}

impl Subject {
    /// What a question about `id` ranks: a game's streamers, or a streamer's games.
    pub fn of(id: &EntityId) -> Self {
        match id {
            EntityId::Game(game) => Subject::StreamersOf(game.clone()),
            EntityId::Streamer(streamer) => Subject::GamesOf(streamer.clone()),
        }
    }

    /// Whether the ranked entries are games or streamers.
    pub fn ranks(&self) -> Kind {
        match self {
            Subject::TopGames | Subject::GamesOf(_) => Kind::Game,
            Subject::TopStreamers | Subject::StreamersOf(_) => Kind::Streamer,
        }
    }
}

/// A ranking over a range of closed days.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RankingQuery {
    /// What to rank.
    pub subject: Subject,
    /// Which days to sum.
    pub range: DayRange,
    /// How many entries at most.
    pub top: usize,
}

/// One line of a ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingEntry {
    /// 1-based position; ties are broken, so positions are unique.
    pub rank: u32,
    /// The game or streamer ranked; in JSON its `"kind"` and `"id"` fields.
    #[serde(flatten)]
    pub id: EntityId,
    /// The latest name (a streamer's display name).
    pub name: String,
    /// Sums over the range.
    pub totals: Totals,
}

/// The ranking order: viewer-minutes descending, then name, then id.
pub fn ranking_order(a: &RankingEntry, b: &RankingEntry) -> Ordering {
    b.totals
        .viewer_minutes
        .cmp(&a.totals.viewer_minutes)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.id.cmp(&b.id))
}

/// Ranks `rows` (totals of the days in range, with names) for `subject`, keeping `top`.
///
/// This is the reference ranking every store must reproduce.
pub fn rank<'a>(
    rows: impl IntoIterator<Item = &'a NamedTotal>,
    subject: &Subject,
    top: usize,
) -> Vec<RankingEntry> {
    let kind = subject.ranks();
    let mut sums: HashMap<&str, RankingEntry> = HashMap::new();
    for row in rows {
        let (id, name) = match subject {
            Subject::TopGames => match &row.game {
                Some(g) => (g.id.as_str(), g.name.as_str()),
                None => continue,
            },
            Subject::GamesOf(streamer) => match &row.game {
                Some(g) if row.streamer.id == *streamer => (g.id.as_str(), g.name.as_str()),
                _ => continue,
            },
            Subject::TopStreamers => (row.streamer.id.as_str(), row.streamer.shown_name()),
            Subject::StreamersOf(game) => match &row.game {
                Some(g) if g.id == *game => (row.streamer.id.as_str(), row.streamer.shown_name()),
                _ => continue,
            },
        };
        sums.entry(id)
            .or_insert_with(|| RankingEntry {
                rank: 0,
                id: EntityId::new(kind, id),
                name: name.to_owned(),
                totals: Totals::default(),
            })
            .totals += row.totals;
    }
    let mut entries: Vec<RankingEntry> = sums.into_values().collect();
    entries.sort_by(ranking_order);
    entries.truncate(top);
    for (i, e) in entries.iter_mut().enumerate() {
        e.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Game, Streamer};

    fn row(streamer: &str, name: &str, game: Option<(&str, &str)>, vm: u64) -> NamedTotal {
        NamedTotal {
            streamer: Streamer {
                id: streamer.into(),
                login: name.to_lowercase(),
                display_name: name.into(),
            },
            game: game.map(|(id, name)| Game {
                id: id.into(),
                name: name.into(),
            }),
            totals: Totals {
                viewer_minutes: vm,
                airtime_minutes: 30,
                peak_viewers: (vm / 30) as u32,
            },
        }
    }

    fn names(entries: &[RankingEntry]) -> Vec<(&str, u64)> {
        entries
            .iter()
            .map(|e| (e.name.as_str(), e.totals.viewer_minutes))
            .collect()
    }

    #[test]
    fn one_rule_four_rankings() {
        let rows = [
            row("1", "Alpha", Some(("g1", "Chess")), 900),
            row("1", "Alpha", Some(("g2", "Go")), 600),
            row("2", "Beta", Some(("g1", "Chess")), 1200),
            row("3", "Gamma", None, 5000),
            row("4", "Delta", Some(("g2", "Go")), 300),
        ];
        assert_eq!(
            names(&rank(&rows, &Subject::TopGames, 5)),
            [("Chess", 2100), ("Go", 900)]
        );
        assert_eq!(
            names(&rank(&rows, &Subject::TopStreamers, 3)),
            [("Gamma", 5000), ("Alpha", 1500), ("Beta", 1200)]
        );
        assert_eq!(
            names(&rank(&rows, &Subject::StreamersOf("g2".into()), 5)),
            [("Alpha", 600), ("Delta", 300)]
        );
        assert_eq!(
            names(&rank(&rows, &Subject::GamesOf("1".into()), 5)),
            [("Chess", 900), ("Go", 600)]
        );
        assert!(rank(&rows, &Subject::GamesOf("3".into()), 5).is_empty());
        let ranks: Vec<u32> = rank(&rows, &Subject::TopStreamers, 5)
            .iter()
            .map(|e| e.rank)
            .collect();
        assert_eq!(ranks, [1, 2, 3, 4]);
    }

    #[test]
    fn ties_break_by_name_then_id() {
        let rows = [
            row("9", "Zed", None, 100),
            row("8", "Amy", None, 100),
            row("7", "Amy", None, 100),
            row("6", "Émile", None, 100),
        ];
        let got: Vec<_> = rank(&rows, &Subject::TopStreamers, 5)
            .into_iter()
            .map(|e| (e.name, e.id.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("Amy".into(), "7".into()),
                ("Amy".into(), "8".into()),
                ("Zed".into(), "9".into()),
                ("Émile".into(), "6".into())
            ]
        );
    }

    #[test]
    fn a_ranking_line_in_json_keeps_its_kind_and_id_fields() {
        let entry = rank(
            &[row("1", "Alpha", Some(("27471", "Minecraft")), 900)],
            &Subject::TopGames,
            5,
        )
        .remove(0);
        assert_eq!(entry.id, EntityId::Game("27471".into()));
        let json = serde_json::to_string(&entry).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"rank":1,"kind":"game","id":"27471","name":"Minecraft","totals":{"viewer_minutes":900,"airtime_minutes":30,"peak_viewers":30}}"#
        );
        let back: RankingEntry = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, entry);
    }

    #[test]
    fn a_question_about_a_name_ranks_the_other_side() {
        assert_eq!(
            Subject::of(&EntityId::Game("27471".into())),
            Subject::StreamersOf("27471".into())
        );
        assert_eq!(
            Subject::of(&EntityId::Streamer("12".into())),
            Subject::GamesOf("12".into())
        );
    }
}
