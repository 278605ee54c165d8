//! One module per command; [`run`] dispatches.

mod answer;
mod ask;
mod chart;
mod close_day;
mod collect;
mod demo;
mod import;
mod migrate;
mod post;
mod report;
mod run;
mod serve;

use anyhow::{Context, Result, bail};
use watchtime_core::Day;

use crate::cli::Command;
use crate::config::Config;

/// Runs `command` with the resolved configuration.
pub async fn run(command: Command, config: Config) -> Result<()> {
    match command {
        Command::Demo(args) => demo::run(&config, &args).await,
        Command::Import(args) => import::run(&config, &args).await,
        Command::CloseDay(args) => close_day::run(&config, &args).await,
        Command::Post(args) => post::run(&config, &args).await,
        Command::Ask(args) => ask::run(&config, &args).await,
        Command::Report(args) => report::run(&config, &args).await,
        Command::Chart(args) => chart::run(&config, &args).await,
        Command::Run(args) => run::run(&config, &args).await,
        Command::Collect(args) => collect::run(&config, &args).await,
        Command::Answer(args) => answer::run(&config, &args).await,
        Command::Serve(args) => serve::run(&config, &args).await,
        Command::Migrate => migrate::run(&config).await,
    }
}

/// Parses a `YYYY-MM-DD` argument.
fn parse_day(text: &str) -> Result<Day> {
    text.parse::<Day>()
        .with_context(|| format!("bad day {text:?}"))
}

/// Posts and charts need a closed day: say how to close it rather than show an empty ranking.
async fn ensure_closed(store: &dyn watchtime_core::Store, day: Day) -> Result<()> {
    let statuses = store
        .day_statuses(watchtime_core::DayRange::single(day))
        .await?;
    if statuses.is_empty() {
        bail!(
            "day {day} is not closed; run `watchtime close-day {day}` first (the daemon does it at 08:05)"
        );
    }
    Ok(())
}
