//! `watchtime chart [DAY] [--subject games|streamers|spotlight] -o FILE.png|FILE.svg`: the image
//! of one daily post, drawn from the store as the post would carry it.

use anyhow::{Context, Result, bail};
use watchtime_chart::Options;
use watchtime_core::bot;
use watchtime_core::message::PostKind;
use watchtime_core::ports::DEFAULT_ALT_TEXT_LIMIT;

use super::{ensure_closed, parse_day};
use crate::charts::ChartImages;
use crate::cli::{ChartArgs, Subject};
use crate::config::Config;
use crate::wiring::open_store;

pub async fn run(config: &Config, args: &ChartArgs) -> Result<()> {
    let format = match args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Format::Png,
        Some("svg") => Format::Svg,
        _ => bail!(
            "-o {}: name a .png or .svg file; the extension chooses the format",
            args.output.display()
        ),
    };
    let store = open_store(&config.database_url).await?;
    let day = match &args.day {
        Some(d) => parse_day(d)?,
        None => config.settings.calendar.last_finished_day(config.now()),
    };
    ensure_closed(store.as_ref(), day).await?;
    let rankings = bot::day_rankings(store.as_ref(), &config.settings, day).await?;
    let kind = match args.subject {
        Subject::Games => PostKind::TopGames,
        Subject::Streamers => PostKind::TopStreamers,
        Subject::Spotlight => PostKind::Spotlight,
    };
    let images = ChartImages::new(&config.brand);
    let Some(chart) = images.chart(kind, &rankings) else {
        bail!("day {day} has nothing to chart for {kind}: no data was ranked that day");
    };
    let bytes = match format {
        Format::Png => images
            .png(&chart)
            .with_context(|| format!("cannot draw the {kind} chart of {day}"))?,
        Format::Svg => chart.to_svg(&Options::post()).into_bytes(),
    };
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    outln!("{}", args.output.display());
    outln!("alt text: {}", chart.alt_text(DEFAULT_ALT_TEXT_LIMIT));
    Ok(())
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Png,
    Svg,
}
