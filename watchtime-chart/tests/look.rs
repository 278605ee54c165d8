//! Writes the charts of a realistic day to the target directory, to look at.
#![cfg(feature = "png")]
#![allow(clippy::unwrap_used)]

mod fixtures;

use watchtime_chart::{Fonts, Options, RankingChart, Scheme, SeriesChart};
use watchtime_core::message::PostKind;

#[test]
fn writes_example_images() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts");
    std::fs::create_dir_all(&dir).unwrap();
    let fonts = Fonts::with_system();
    let day = fixtures::rankings();
    for kind in PostKind::ALL {
        let chart = RankingChart::daily(kind, &day, fixtures::BRAND).unwrap();
        let png = chart.to_png(&Options::post(), &fonts).unwrap();
        std::fs::write(dir.join(format!("{kind}.png")), png).unwrap();
        let dark = Options {
            scheme: Scheme::Dark,
            ..Options::post()
        };
        let png = chart.to_png(&dark, &fonts).unwrap();
        std::fs::write(dir.join(format!("{kind}-dark.png")), png).unwrap();
        std::fs::write(
            dir.join(format!("{kind}.svg")),
            chart.to_svg(&Options::web()),
        )
        .unwrap();
    }
    let (range, days) = fixtures::month();
    let series = SeriesChart::new("Just Chatting", range, fixtures::BRAND, days);
    std::fs::write(
        dir.join("series-30.png"),
        series.to_png(&Options::post(), &fonts).unwrap(),
    )
    .unwrap();
    for days in [7u32, 366] {
        let range = watchtime_core::DayRange::ending(fixtures::day(), days);
        let values: Vec<_> = range
            .days()
            .enumerate()
            .map(|(i, d)| (d, 40_000_000 + (i as u64 * 7919 % 600) * 50_000))
            .collect();
        let chart = SeriesChart::new("Grand Theft Auto V", range, fixtures::BRAND, values);
        std::fs::write(
            dir.join(format!("series-{days}.png")),
            chart.to_png(&Options::post(), &fonts).unwrap(),
        )
        .unwrap();
    }
    println!("{}", dir.display());
}
