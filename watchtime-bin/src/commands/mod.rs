//! One module per command; [`run`] dispatches.

mod answer;
mod ask;
mod close_day;
mod collect;
mod demo;
mod import;
mod migrate;
mod post;
mod report;
mod run;

use anyhow::{Context, Result};
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
        Command::Run(args) => run::run(&config, &args).await,
        Command::Collect(args) => collect::run(&config, &args).await,
        Command::Answer(args) => answer::run(&config, &args).await,
        Command::Migrate => migrate::run(&config).await,
    }
}

/// Parses a `YYYY-MM-DD` argument.
fn parse_day(text: &str) -> Result<Day> {
    text.parse::<Day>()
        .with_context(|| format!("bad day {text:?}"))
}
