//! Ranking latency: every subject over 1, 7, 30 and 365 days, as posts and replies ask.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use watchtime_core::ranking::{DEFAULT_TOP, RankingEntry, RankingQuery, Subject};
use watchtime_core::{Day, DayRange, Store};

use crate::measure::{Timings, timed};

/// Range lengths measured, in days.
pub const RANGES: [u32; 4] = [1, 7, 30, 365];
/// Untimed queries per case.
const WARM_UP: usize = 5;
/// The end day moves back over this many days across iterations.
const END_DAYS: u32 = 10;

/// The ids the subjects are about, picked from the data.
#[derive(Debug)]
pub struct Picks {
    /// The most watched game over the filled days.
    pub top_game: RankingEntry,
    /// The game in the middle of the games ranking.
    pub mid_game: RankingEntry,
    /// The most watched streamer.
    pub top_streamer: RankingEntry,
}

/// One subject over one range length.
#[derive(Debug)]
pub struct Case {
    /// The subject, as the report names it.
    pub subject: String,
    /// One duration per timed query.
    pub timings: Timings,
    /// Entries the last query returned.
    pub entries: usize,
    /// Whether the time budget cut the case short.
    pub cut_short: bool,
}

/// Picks the top game, a mid-ranked game and the top streamer over `filled`.
pub async fn pick(store: &dyn Store, filled: DayRange) -> Result<Picks> {
    let query = |subject, top| RankingQuery {
        subject,
        range: filled,
        top,
    };
    let games = store
        .rank(&query(Subject::TopGames, 100_000))
        .await
        .context("ranking every game")?;
    let streamers = store
        .rank(&query(Subject::TopStreamers, 1))
        .await
        .context("ranking the top streamer")?;
    let (Some(top_game), Some(mid_game), Some(top_streamer)) = (
        games.first().cloned(),
        games.get(games.len() / 2).cloned(),
        streamers.into_iter().next(),
    ) else {
        anyhow::bail!("no rankings over {filled}: is the store empty?");
    };
    Ok(Picks {
        top_game,
        mid_game,
        top_streamer,
    })
}

/// Times each subject × range: `WARM_UP` untimed queries, then `iterations` timed ones, the
/// range ending on `last` and up to 9 days before it in turn (never before `first`). A case
/// stops early once it has run for `budget` and has at least 10 timings.
pub async fn run(
    store: &dyn Store,
    picks: &Picks,
    first: Day,
    last: Day,
    iterations: usize,
    budget: Duration,
) -> Result<Vec<Case>> {
    let filled = u32::try_from(last.date().signed_duration_since(first.date()).num_days() + 1)
        .unwrap_or(1)
        .max(1);
    let end_days = END_DAYS.min(filled);
    let subjects = [
        ("TopGames".to_owned(), Subject::TopGames),
        ("TopStreamers".to_owned(), Subject::TopStreamers),
        (
            format!("StreamersOf(top game: {})", picks.top_game.name),
            Subject::of(&picks.top_game.id),
        ),
        (
            format!("StreamersOf(mid game: {})", picks.mid_game.name),
            Subject::of(&picks.mid_game.id),
        ),
        (
            format!("GamesOf(top streamer: {})", picks.top_streamer.name),
            Subject::of(&picks.top_streamer.id),
        ),
    ];
    let mut cases = Vec::new();
    for (label, subject) in subjects {
        for days in RANGES {
            let query = |i: usize| RankingQuery {
                subject: subject.clone(),
                range: DayRange::ending(last.minus_days(i as u32 % end_days), days),
                top: DEFAULT_TOP,
            };
            for i in 0..WARM_UP {
                store.rank(&query(i)).await.context("warm-up ranking")?;
            }
            let started = Instant::now();
            let mut case = Case {
                subject: label.clone(),
                timings: Timings::default(),
                entries: 0,
                cut_short: false,
            };
            for i in 0..iterations {
                if i >= 10 && started.elapsed() > budget {
                    case.cut_short = true;
                    break;
                }
                let (r, d) = timed(store.rank(&query(i))).await;
                case.entries = r
                    .with_context(|| format!("ranking {label} over {days} days"))?
                    .len();
                case.timings.push(d);
            }
            eprintln!(
                "  {label}, {days} d: median {:.2} ms",
                case.timings.median_ms().unwrap_or(f64::NAN)
            );
            cases.push(case);
        }
    }
    Ok(cases)
}
