//! Time and peak memory to draw the three post images of a day (games, streamers, spotlight),
//! against drawing their SVG strings alone, measured in the same run.
//!
//! `cargo bench -p watchtime-chart --features png --bench render`
//!
//! Targets (issue 13): under 300 ms and under 60 MB for the three PNGs together.

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::hint::black_box;
use std::time::{Duration, Instant};

use watchtime_chart::{Fonts, Options, RankingChart};
use watchtime_core::message::PostKind;

const ROUNDS: usize = 15;

/// The process's peak resident set (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let rss_start = peak_rss_mb();
    let day = fixtures::rankings();
    let charts: Vec<RankingChart> = PostKind::ALL
        .into_iter()
        .filter_map(|kind| RankingChart::daily(kind, &day, fixtures::BRAND))
        .collect();
    let opts = Options::post();

    let started = Instant::now();
    let fonts = Fonts::with_system();
    let font_load = started.elapsed();
    let rss_fonts = peak_rss_mb();

    let svg: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for chart in &charts {
                black_box(chart.to_svg(&opts));
            }
            t.elapsed()
        })
        .collect();
    let mut bytes = 0;
    let png: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            bytes = 0;
            for chart in &charts {
                bytes += black_box(chart.to_png(&opts, &fonts).expect("a PNG")).len();
            }
            t.elapsed()
        })
        .collect();
    let rss_end = peak_rss_mb();
    let (svg, png) = (median(svg), median(png));

    println!("three post images of a day, median of {ROUNDS} rounds, 1200×675");
    println!("system fonts loaded: {:?}", fonts.loaded_files());
    println!("| what | time | ratio to SVG |");
    println!("| --- | --- | --- |");
    println!("| 3 SVG strings (baseline) | {:.2} ms | 1 |", ms(svg));
    println!(
        "| 3 PNGs ({} KB together) | {:.1} ms | {:.0}× |",
        bytes / 1024,
        ms(png),
        ms(png) / ms(svg)
    );
    println!(
        "| loading the fonts (once per process) | {:.1} ms | |",
        ms(font_load)
    );
    println!(
        "peak RSS: {rss_start:.1} MB at start, {rss_fonts:.1} MB with fonts, {rss_end:.1} MB after \
         the PNGs (+{:.1} MB for fonts and drawing)",
        rss_end - rss_start
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
