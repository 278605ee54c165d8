//! Recap latency: the monthly recap with its rank changes, end to end before sending (range
//! rankings, the month before's top 100, the biggest climb, the record search over the year,
//! the text fitted to X), against the daily posts' rankings of the same store in the same run.

use std::fmt::{self, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use watchtime_core::bot::day_rankings;
use watchtime_core::message::{TextLimit, recap_post};
use watchtime_core::recap::{RecapKind, build_recap};
use watchtime_core::{Day, DayRange, Settings, Store};

use crate::measure::{Timings, timed};

/// Untimed runs per case.
const WARM_UP: usize = 3;

/// The target for a monthly recap, p99, end to end before sending.
const TARGET_MS: f64 = 50.0;

/// The measured cases of one store.
#[derive(Debug)]
pub struct Measured {
    /// The month recapped.
    pub month: DayRange,
    /// Label and timings, the baseline first.
    pub cases: Vec<(String, Timings)>,
    /// Whether the monthly recap had rank changes to show (a month before with data).
    pub compared: bool,
}

/// Times the daily posts' rankings of `last` (the baseline), then the weekly and monthly
/// recaps that end on or before it, `iterations` times each after a warm-up.
pub async fn run(
    store: &dyn Store,
    settings: &Settings,
    last: Day,
    iterations: usize,
    budget: Duration,
) -> Result<Measured> {
    let month = RecapKind::Month.last_ended_by(last);
    let week = RecapKind::Week.last_ended_by(last);
    let mut cases = Vec::new();
    let mut compared = false;
    let labels = [
        format!("daily posts' rankings of {last} (baseline)"),
        format!("weekly recap of {week}"),
        format!("monthly recap of {month}"),
    ];
    for (i, label) in labels.into_iter().enumerate() {
        let mut timings = Timings::default();
        let started = Instant::now();
        for n in 0..WARM_UP + iterations {
            if n >= WARM_UP + 10 && started.elapsed() > budget {
                break;
            }
            let (result, took) = timed(async {
                match i {
                    0 => day_rankings(store, settings, last)
                        .await
                        .map(|r| usize::from(!r.games.is_empty())),
                    _ => {
                        let (kind, period) = match i {
                            1 => (RecapKind::Week, week),
                            _ => (RecapKind::Month, month),
                        };
                        let recap = build_recap(store, settings, kind, period).await?;
                        Ok(recap
                            .map(|r| {
                                let text = recap_post(&r, &TextLimit::X).unwrap_or_default();
                                usize::from(r.previous_games.is_tracked()) + text.len()
                            })
                            .unwrap_or(0))
                    }
                }
            })
            .await;
            let result = result.with_context(|| format!("timing the {label}"))?;
            if i == 2 && result > 1 {
                compared = true;
            }
            if n >= WARM_UP {
                timings.push(took);
            }
        }
        eprintln!(
            "  {label}: median {:.2} ms, p99 {:.2} ms",
            timings.median_ms().unwrap_or(f64::NAN),
            timings.p99_ms().unwrap_or(f64::NAN)
        );
        cases.push((label, timings));
    }
    Ok(Measured {
        month,
        cases,
        compared,
    })
}

/// The section of the report.
pub fn render(o: &mut String, m: &Measured) -> fmt::Result {
    writeln!(
        o,
        "#### Recaps, end to end before sending (target: monthly p99 under {TARGET_MS} ms)\n"
    )?;
    writeln!(
        o,
        "Built from the store and fitted to X's limit, as the daemon does before it claims the \
         post. The baseline is the daily posts' rankings (with their rank changes) of the last day."
    )?;
    if !m.compared {
        writeln!(
            o,
            "\nThe month before {} has no data here, so the monthly recap had no rank changes to \
             compare: fill more days for the full cost.",
            m.month
        )?;
    }
    writeln!(o, "\n| | n | median | p99 | p99 vs baseline |")?;
    writeln!(o, "|---|---|---|---|---|")?;
    let base = m.cases.first().and_then(|(_, t)| t.p99_ms());
    for (label, t) in &m.cases {
        let (median, p99) = (t.median_ms(), t.p99_ms());
        let ratio = match (p99, base) {
            (Some(p), Some(b)) if b > 0.0 => format!("{:.1}×", p / b),
            _ => "–".into(),
        };
        writeln!(
            o,
            "| {label} | {} | {} | {} | {ratio} |",
            t.len(),
            median.map_or("–".into(), |v| format!("{v:.2} ms")),
            p99.map_or("–".into(), |v| format!("{v:.2} ms")),
        )?;
    }
    writeln!(o)
}
