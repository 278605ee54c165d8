//! `watchtime report`: rankings of a day or range, as a table or as JSON (a stable contract).

use anyhow::{Result, bail};
use watchtime_core::bot::find_name;
use watchtime_core::lookup::{NameRecord, Resolution};
use watchtime_core::message::{format_hours, shorten};
use watchtime_core::movement::Movement;
use watchtime_core::report::{Report, report};
use watchtime_core::{DayRange, Kind, Store};

use super::parse_day;
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::wiring::open_store;

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
    let of = match (&args.game, &args.streamer) {
        (Some(name), _) => Some(find(store.as_ref(), Kind::Game, name).await?),
        (None, Some(name)) => Some(find(store.as_ref(), Kind::Streamer, name).await?),
        (None, None) => None,
    };
    let report = report(store.as_ref(), range, top, of.as_ref()).await?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_tables(&report, &range);
    }
    Ok(())
}

/// Finds a game or streamer by name; a near miss is an error that names the suggestion.
async fn find(store: &dyn Store, kind: Kind, name: &str) -> Result<NameRecord> {
    match find_name(store, name, Some(kind)).await? {
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
            "{:>3}  {:<32}  {:>9}  {:>10}  {:>9}  {:>6}",
            "#",
            "Name",
            "Watched",
            "Airtime h",
            "Peak",
            "Change"
        );
        // With no entry ranked in the period before, there was nothing to compare with.
        let compared = list.iter().any(|e| e.previous_rank.is_some());
        for e in list {
            let change = match compared {
                true => Movement::between(e.rank, e.previous_rank).to_string(),
                false => "-".to_owned(),
            };
            outln!(
                "{:>3}  {:<32}  {:>9}  {:>10.1}  {:>9}  {:>6}",
                e.rank,
                shorten(&e.name, 32),
                format_hours(e.viewer_minutes),
                e.airtime_minutes as f64 / 60.0,
                e.peak_viewers,
                change
            );
        }
        if list.is_empty() {
            outln!("     (no data)");
        }
        outln!();
    }
}
