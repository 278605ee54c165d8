//! `watchtime close-day [DAY]`: roll a day up into its totals.

use anyhow::Result;
use watchtime_core::bot;

use super::parse_day;
use crate::cli::CloseDayArgs;
use crate::config::Config;
use crate::wiring::open_store;

pub async fn run(config: &Config, args: &CloseDayArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let now = config.now();
    let day = match &args.day {
        Some(d) => parse_day(d)?,
        None => bot::last_closable_day(&config.settings, now),
    };
    let status = bot::close_day(store.as_ref(), &config.settings, day, now).await?;
    let totals = store.day_totals(day).await?.len();
    outln!(
        "closed {day}: {} of {} snapshots ({} incomplete), {totals} streamer-game totals",
        status.slots_observed,
        status.slots_expected,
        status.slots_incomplete
    );
    Ok(())
}
