//! `watchtime report`: rankings of a day or range, as a table or as JSON (a stable contract).

use anyhow::{Result, bail};
use serde::Serialize;
use watchtime_core::lookup::{NameLookup, NameRecord, Resolution, lookups_for, resolve};
use watchtime_core::message::{format_hours, shorten};
use watchtime_core::ranking::{RankingEntry, RankingQuery, Subject};
use watchtime_core::totals::Coverage;
use watchtime_core::{DayRange, Kind, Store};

use super::parse_day;
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::wiring::open_store;

/// The `report --json` document.
#[derive(Debug, Serialize)]
struct Report {
    from: String,
    to: String,
    slots_observed: u32,
    slots_expected: u32,
    slots_incomplete: u32,
    days_not_closed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    game: Option<Whose>,
    #[serde(skip_serializing_if = "Option::is_none")]
    streamer: Option<Whose>,
    #[serde(skip_serializing_if = "Option::is_none")]
    games: Option<Vec<Entry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    streamers: Option<Vec<Entry>>,
}

/// Whose streamers or games a report ranks.
#[derive(Debug, Serialize)]
struct Whose {
    id: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct Entry {
    rank: u32,
    id: String,
    name: String,
    viewer_minutes: u64,
    hours: f64,
    airtime_minutes: u64,
    peak_viewers: u32,
}

impl From<&RankingEntry> for Entry {
    fn from(e: &RankingEntry) -> Self {
        Entry {
            rank: e.rank,
            id: e.id.to_string(),
            name: e.name.clone(),
            viewer_minutes: e.totals.viewer_minutes,
            hours: (e.totals.viewer_minutes as f64 / 60.0 * 100.0).round() / 100.0,
            airtime_minutes: e.totals.airtime_minutes,
            peak_viewers: e.totals.peak_viewers,
        }
    }
}

pub async fn run(config: &Config, args: &ReportArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let range = match (&args.day, &args.from, &args.to) {
        (_, Some(from), Some(to)) => DayRange::new(parse_day(from)?, parse_day(to)?)?,
        (Some(day), _, _) => DayRange::single(parse_day(day)?),
        _ => DayRange::single(config.settings.calendar.last_finished_day(config.now())),
    };
    if range.len() > 3_660 {
        bail!(
            "a report covers at most ten years; {range} is {} days",
            range.len()
        );
    }
    let top = args.top.unwrap_or(config.settings.top);
    let rank = |subject| {
        let store = store.clone();
        async move {
            store
                .rank(&RankingQuery {
                    subject,
                    range,
                    top,
                })
                .await
        }
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
    let entries = |list: Vec<RankingEntry>| Some(list.iter().map(Entry::from).collect());
    if let Some(name) = &args.game {
        let game = find(store.as_ref(), Kind::Game, name).await?;
        report.streamers = entries(rank(Subject::of(&game.id)).await?);
        report.game = Some(Whose {
            id: game.id.to_string(),
            name: game.name,
        });
    } else if let Some(name) = &args.streamer {
        let streamer = find(store.as_ref(), Kind::Streamer, name).await?;
        report.games = entries(rank(Subject::of(&streamer.id)).await?);
        report.streamer = Some(Whose {
            id: streamer.id.to_string(),
            name: streamer.name,
        });
    } else {
        report.games = entries(rank(Subject::TopGames).await?);
        report.streamers = entries(rank(Subject::TopStreamers).await?);
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_tables(&report, &range);
    }
    Ok(())
}

/// Finds a game or streamer by name; a near miss is an error that names the suggestion.
async fn find(store: &dyn Store, kind: Kind, name: &str) -> Result<NameRecord> {
    let (key, fuzzy) = lookups_for(name);
    let exact = store.find_names(&NameLookup::Exact(key.clone())).await?;
    let candidates = match (&fuzzy, resolve(&key, Some(kind), &exact, &[])) {
        (_, Resolution::Found(r)) => return Ok(r),
        (Some(f), _) => store.find_names(f).await?,
        (None, _) => Vec::new(),
    };
    match resolve(&key, Some(kind), &exact, &candidates) {
        Resolution::Found(r) => Ok(r),
        Resolution::DidYouMean(r, _) => {
            bail!("no {kind} named {name:?}; did you mean {:?}?", r.name)
        }
        Resolution::NotFound => bail!("no {kind} named {name:?}"),
    }
}

fn print_tables(report: &Report, range: &DayRange) {
    let mut coverage = format!(
        "{} of {} snapshots",
        report.slots_observed, report.slots_expected
    );
    if report.slots_incomplete > 0 {
        coverage.push_str(&format!(", {} incomplete", report.slots_incomplete));
    }
    // Over days not closed, the count covers only the closed ones: say how many those are.
    let days = range.len();
    match (report.days_not_closed, days) {
        (0, _) => {}
        (_, 1) => coverage = "not closed yet".to_owned(),
        (open, _) => {
            coverage = format!(
                "data for {} of {days} days: {coverage}",
                days - open.min(days)
            )
        }
    }
    let sections = [
        (
            report.games.as_ref(),
            "Games",
            report.streamer.as_ref().map(|s| s.name.as_str()),
        ),
        (
            report.streamers.as_ref(),
            "Streamers",
            report.game.as_ref().map(|g| g.name.as_str()),
        ),
    ];
    for (list, title, of) in sections {
        let Some(list) = list else { continue };
        match of {
            Some(name) => outln!("{title} of {name}, {range} ({coverage})"),
            None => outln!("Top {}, {range} ({coverage})", title.to_lowercase()),
        }
        outln!(
            "{:>3}  {:<32}  {:>9}  {:>10}  {:>9}",
            "#",
            "Name",
            "Watched",
            "Airtime h",
            "Peak"
        );
        for e in list {
            outln!(
                "{:>3}  {:<32}  {:>9}  {:>10.1}  {:>9}",
                e.rank,
                shorten(&e.name, 32),
                format_hours(e.viewer_minutes),
                e.airtime_minutes as f64 / 60.0,
                e.peak_viewers
            );
        }
        if list.is_empty() {
            outln!("     (no data)");
        }
        outln!();
    }
}

#[cfg(test)]
mod tests {
    use watchtime_core::EntityId;
    use watchtime_core::totals::Totals;

    use super::*;

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
        let json = serde_json::to_string(&(Entry::from(&entry), whose)).unwrap_or_default();
        insta::assert_snapshot!(json, @r#"[{"rank":1,"id":"27471","name":"Minecraft","viewer_minutes":123456,"hours":2057.6,"airtime_minutes":90,"peak_viewers":2000},{"id":"27471","name":"Minecraft"}]"#);
    }
}
