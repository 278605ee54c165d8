//! The API's own answers (besides `rankings`, which is the core's report).

use serde::Serialize;
use utoipa::ToSchema;
use watchtime_core::lookup::NameRecord;
use watchtime_core::report::hours_rounded;
use watchtime_core::series::EntityDay;
use watchtime_core::{DayRange, EntityId, Kind};

/// A game or streamer: its id and latest name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Named {
    /// The Twitch id.
    pub id: String,
    /// The latest name seen.
    pub name: String,
}

/// One closed day of a game or streamer.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Day {
    /// The day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub day: String,
    /// Watch time, exact.
    pub viewer_minutes: u64,
    /// Watch time in hours, two decimals.
    pub hours: f64,
    /// Minutes on air.
    pub airtime_minutes: u64,
    /// Largest viewer count seen.
    pub peak_viewers: u32,
    /// Position among all games (or streamers) that day; 1 is the most watched.
    #[schema(minimum = 1)]
    pub rank: u32,
}

/// A game's or streamer's days: `{"game": {...}, ...}` or `{"streamer": {...}, ...}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityDays {
    /// The game, for a game's days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub game: Option<Named>,
    /// The streamer, for a streamer's days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streamer: Option<Named>,
    /// First day of the range.
    pub from: String,
    /// Last day of the range.
    pub to: String,
    /// One entry per closed day with watch time, by day.
    pub days: Vec<Day>,
}

impl EntityDays {
    /// The answer for `record` over `range`.
    pub fn new(record: &NameRecord, range: DayRange, days: &[EntityDay]) -> EntityDays {
        let named = Named {
            id: record.id.to_string(),
            name: record.name.clone(),
        };
        let (game, streamer) = match record.id.kind() {
            Kind::Game => (Some(named), None),
            Kind::Streamer => (None, Some(named)),
        };
        EntityDays {
            game,
            streamer,
            from: range.from.to_string(),
            to: range.to.to_string(),
            days: days
                .iter()
                .map(|d| Day {
                    day: d.day.to_string(),
                    viewer_minutes: d.totals.viewer_minutes,
                    hours: hours_rounded(d.totals.viewer_minutes),
                    airtime_minutes: d.totals.airtime_minutes,
                    peak_viewers: d.totals.peak_viewers,
                    rank: d.rank,
                })
                .collect(),
        }
    }

    /// Who these days are of.
    pub fn named(&self) -> Option<&Named> {
        self.game.as_ref().or(self.streamer.as_ref())
    }
}

/// A day's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayStatusDoc {
    /// The day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub day: String,
    /// Whether it is rolled up (its totals are final unless closed again).
    pub closed: bool,
    /// Snapshots stored.
    pub slots_observed: u32,
    /// Snapshots the day should have (46, 48 or 50 at 30 minutes in Los Angeles).
    pub slots_expected: u32,
    /// Of the stored snapshots, those that lost pages.
    pub slots_incomplete: u32,
}

/// A name found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct NameMatch {
    /// `game` or `streamer`.
    #[schema(pattern = "^(game|streamer)$")]
    pub kind: String,
    /// The Twitch id.
    pub id: String,
    /// The latest name.
    pub name: String,
}

impl From<&NameRecord> for NameMatch {
    fn from(r: &NameRecord) -> Self {
        NameMatch {
            kind: r.id.kind().to_string(),
            id: r.id.to_string(),
            name: r.name.clone(),
        }
    }
}

impl NameMatch {
    /// The page of this game or streamer.
    pub fn path(&self) -> String {
        let id = EntityId::new(
            if self.kind == "game" {
                Kind::Game
            } else {
                Kind::Streamer
            },
            self.id.as_str(),
        );
        crate::pages::entity_path(&id)
    }
}

/// What a search finds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SearchResult {
    /// The text searched for, as given.
    pub query: String,
    /// The game or streamer it names exactly, or null.
    #[serde(rename = "match")]
    #[schema(nullable)]
    pub found: Option<NameMatch>,
    /// Without an exact match, the names that start with the query, then the most similar
    /// ones.
    pub did_you_mean: Vec<NameMatch>,
    /// How many of `did_you_mean` start with the query (the search page opens a lone one).
    #[serde(skip)]
    pub completions: usize,
}
