//! The report of a day or range: top games and top streamers (or one game's streamers, or one
//! streamer's games) with the range's coverage.
//!
//! Its JSON is a contract, kept stable for users' scripts: `watchtime report --json` prints it
//! and the web API's `rankings` answers it, both from [`report`], so the two cannot differ.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::EntityId;
use crate::lookup::NameRecord;
use crate::movement::previous_ranks;
use crate::ports::Store;
use crate::ranking::{RankingEntry, RankingQuery, Subject};
use crate::time::DayRange;
use crate::totals::Coverage;

/// The report document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// Snapshots stored over the closed days of the range.
    pub slots_observed: u32,
    /// Snapshots the closed days of the range should have.
    pub slots_expected: u32,
    /// Of the observed snapshots, those that lost pages.
    pub slots_incomplete: u32,
    /// Days of the range that are not closed (their data is not in the rankings).
    pub days_not_closed: u32,
    /// The game whose streamers are ranked, when the report is about one game.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game: Option<Whose>,
    /// The streamer whose games are ranked, when the report is about one streamer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streamer: Option<Whose>,
    /// Games ranked (top games, or one streamer's games).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub games: Option<Vec<ReportEntry>>,
    /// Streamers ranked (top streamers, or one game's streamers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streamers: Option<Vec<ReportEntry>>,
}

/// Whose streamers or games a report ranks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whose {
    /// The Twitch id.
    pub id: String,
    /// The latest name.
    pub name: String,
}

/// One line of a report's ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportEntry {
    /// 1-based position.
    pub rank: u32,
    /// The Twitch id.
    pub id: String,
    /// The latest name.
    pub name: String,
    /// Watch time, exact.
    pub viewer_minutes: u64,
    /// Watch time in hours, rounded to two decimals, for reading.
    pub hours: f64,
    /// Minutes on air.
    pub airtime_minutes: u64,
    /// Largest viewer count seen.
    pub peak_viewers: u32,
    /// The rank in the same ranking over the period before
    /// ([`crate::movement::previous_range`]), or `null` when it was not in that period's top
    /// [`crate::movement::PREVIOUS_TOP`] (or that period has no data).
    #[serde(default)]
    pub previous_rank: Option<u32>,
}

/// Hours of `viewer_minutes`, rounded to two decimals: how every JSON document shows hours.
pub fn hours_rounded(viewer_minutes: u64) -> f64 {
    (viewer_minutes as f64 / 60.0 * 100.0).round() / 100.0
}

impl From<&RankingEntry> for ReportEntry {
    fn from(e: &RankingEntry) -> Self {
        ReportEntry {
            rank: e.rank,
            id: e.id.to_string(),
            name: e.name.clone(),
            viewer_minutes: e.totals.viewer_minutes,
            hours: hours_rounded(e.totals.viewer_minutes),
            airtime_minutes: e.totals.airtime_minutes,
            peak_viewers: e.totals.peak_viewers,
            previous_rank: None,
        }
    }
}

/// The report of `range`, `top` entries per ranking: of `of`'s other side (a game's streamers,
/// a streamer's games) when given, else top games and top streamers. Every entry carries its
/// rank in the same ranking over the period before.
pub async fn report<S: Store + ?Sized>(
    store: &S,
    range: DayRange,
    top: usize,
    of: Option<&NameRecord>,
) -> Result<Report> {
    let rank = |subject: Subject| async move {
        let ranked = store
            .rank(&RankingQuery {
                subject: subject.clone(),
                range,
                top,
            })
            .await?;
        let previous = previous_ranks(store, &subject, range).await?;
        Ok::<_, crate::Error>(
            ranked
                .iter()
                .map(|e| ReportEntry {
                    previous_rank: previous.rank_of(&e.id),
                    ..ReportEntry::from(e)
                })
                .collect::<Vec<_>>(),
        )
    };
    let coverage = Coverage::of(range, &store.day_statuses(range).await?);
    let mut report = Report {
        from: range.from.to_string(),
        to: range.to.to_string(),
        slots_observed: coverage.slots_observed,
        slots_expected: coverage.slots_expected,
        slots_incomplete: coverage.slots_incomplete,
        days_not_closed: coverage.days_not_closed,
        game: None,
        streamer: None,
        games: None,
        streamers: None,
    };
    match of {
        Some(record) => {
            let ranked = Some(rank(Subject::of(&record.id)).await?);
            let whose = Some(Whose {
                id: record.id.to_string(),
                name: record.name.clone(),
            });
            match record.id {
                EntityId::Game(_) => {
                    report.streamers = ranked;
                    report.game = whose;
                }
                EntityId::Streamer(_) => {
                    report.games = ranked;
                    report.streamer = whose;
                }
            }
        }
        None => {
            report.games = Some(rank(Subject::TopGames).await?);
            report.streamers = Some(rank(Subject::TopStreamers).await?);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::totals::Totals;

    /// The `id` of a ranking line and of the ranked-for game is a JSON string, byte for byte as
    /// scripts read it, whatever type the core uses for ids.
    #[test]
    fn ranking_lines_keep_their_json_shape() {
        let entry = RankingEntry {
            rank: 1,
            id: EntityId::Game("27471".into()),
            name: "Minecraft".into(),
            totals: Totals {
                viewer_minutes: 123_456,
                airtime_minutes: 90,
                peak_viewers: 2_000,
            },
        };
        let whose = Whose {
            id: "27471".into(),
            name: "Minecraft".into(),
        };
        let json = serde_json::to_string(&(ReportEntry::from(&entry), whose)).unwrap_or_default();
        insta::assert_snapshot!(json, @r#"[{"rank":1,"id":"27471","name":"Minecraft","viewer_minutes":123456,"hours":2057.6,"airtime_minutes":90,"peak_viewers":2000,"previous_rank":null},{"id":"27471","name":"Minecraft"}]"#);
    }
}
