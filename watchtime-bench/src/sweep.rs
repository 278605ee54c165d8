//! `watchtime-bench sweep`: how long a Helix sweep takes against the slot, and the rate-limit
//! points it spends, on the fake Helix with a fixed latency per request.
//!
//! Helix serves 100 streams a page and one request costs one point of an 800-point bucket a
//! minute. A sweep reads its pages one after another (each needs the cursor of the one before),
//! so its duration is the page count times the round trip.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use watchtime_core::ports::TwitchSource;
use watchtime_twitch::HelixSource;
use watchtime_twitch::fake::HelixFake;

/// Slot lengths compared, minutes.
const SLOTS: [u32; 4] = [5, 10, 15, 30];
/// Helix's bucket: points per minute per app token.
const POINTS_PER_MINUTE: u32 = 800;

/// One sweep measured.
#[derive(Debug)]
pub struct Sweep {
    streams: usize,
    min_viewers: u32,
    kept: usize,
    requests: u32,
    took: Duration,
}

/// Sweeps 5,000 streams (50 pages, threshold 50) and 30,000 (300 pages, threshold 5) with
/// `latency` added to every page.
pub async fn run(latency: Duration) -> Result<Vec<Sweep>> {
    let mut out = Vec::new();
    for (streams, min_viewers) in [(5_000_usize, 50), (30_000, 5)] {
        let pages = streams.div_ceil(100);
        let mut fake = HelixFake::start().await.with_streams(streams, 100);
        for k in 1..=u32::try_from(pages)? {
            fake = fake.delay_page(k, latency);
        }
        let source = HelixSource::new(fake.config()).context("a Helix client for the fake")?;
        let started = Instant::now();
        let snapshot = source
            .snapshot(min_viewers)
            .await
            .context("sweeping the fake Helix")?;
        let took = started.elapsed();
        out.push(Sweep {
            streams,
            min_viewers,
            kept: snapshot.streams.len(),
            requests: fake.requests().total(),
            took,
        });
        eprintln!("  sweep of {streams} streams: {:.1} s", took.as_secs_f64());
    }
    Ok(out)
}

/// The Markdown table.
pub fn render(sweeps: &[Sweep], latency: Duration) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Helix sweeps on the fake Helix with {} ms added to every page request, pages read in \
         turn. Share of slot = sweep time / slot length; points per hour = requests per sweep × \
         sweeps per hour, against Helix's {} points a minute ({} an hour).\n",
        latency.as_millis(),
        POINTS_PER_MINUTE,
        POINTS_PER_MINUTE * 60
    );
    let mut head = "| streams (threshold) | requests | sweep |".to_owned();
    let mut rule = "|---|---:|---:|".to_owned();
    for m in SLOTS {
        let _ = write!(head, " {m}-min slot: share / points per hour |");
        rule.push_str("---:|");
    }
    let _ = writeln!(o, "{head}\n{rule}");
    for s in sweeps {
        let mut row = format!(
            "| {} (> {}, {} kept) | {} | {:.1} s |",
            s.streams,
            s.min_viewers,
            s.kept,
            s.requests,
            s.took.as_secs_f64()
        );
        for m in SLOTS {
            let share = 100.0 * s.took.as_secs_f64() / f64::from(m * 60);
            let points = s.requests * (60 / m);
            let _ = write!(
                row,
                " {share:.0} % / {points} ({:.1} % of the bucket) |",
                100.0 * f64::from(points) / f64::from(POINTS_PER_MINUTE * 60)
            );
        }
        let _ = writeln!(o, "{row}");
    }
    o
}
