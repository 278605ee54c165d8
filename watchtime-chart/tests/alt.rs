//! Alt text: the ranking in words, within every platform's limit, never empty.
#![allow(clippy::unwrap_used)]

mod fixtures;

use watchtime_chart::{RankingChart, SeriesChart, limits};
use watchtime_core::message::PostKind;

#[test]
fn games_in_words() {
    let chart =
        RankingChart::daily(PostKind::TopGames, &fixtures::rankings(), fixtures::BRAND).unwrap();
    insta::assert_snapshot!(chart.alt_text(limits::X), @r#"
Bar chart: Most watched games on Twitch, Thu 26 Nov · hours watched, by @watchtime_bot.
1. Just Chatting: 4.71M h
2. Grand Theft Auto V: 2.13M h
3. League of Legends: 1.56M h
4. 原神: 987K h
5. Counter-Strike: 912K h
6. Warhammer 40,000: Space Marine II – Ultramarines Edition: 456K h
7. 崩壊：スターレイル: 345K h
8. EA Sports FC™ 25: 123K h
9. Minecraft: 98.7K h
10. Dota 2: 45.6K h
"#);
}

#[test]
fn right_to_left_names_are_isolated() {
    let chart = RankingChart::daily(
        PostKind::TopStreamers,
        &fixtures::rankings(),
        fixtures::BRAND,
    )
    .unwrap();
    let alt = chart.alt_text(limits::MASTODON);
    assert!(alt.contains("3. \u{2068}أبو_فلة\u{2069}: 287K h"), "{alt}");
    assert!(alt.contains("2. ibai: 401K h"), "{alt}");
}

#[test]
fn every_limit_is_kept_and_nothing_is_ever_empty() {
    let day = fixtures::rankings();
    let (range, days) = fixtures::month();
    let series = SeriesChart::new("Just Chatting", range, fixtures::BRAND, days);
    let mut texts: Vec<Box<dyn Fn(usize) -> String>> = PostKind::ALL
        .into_iter()
        .map(|kind| {
            let chart = RankingChart::daily(kind, &day, fixtures::BRAND).unwrap();
            Box::new(move |n| chart.alt_text(n)) as Box<dyn Fn(usize) -> String>
        })
        .collect();
    texts.push(Box::new(move |n| series.alt_text(n)));
    let mut sizes: Vec<usize> = (2..=400).collect();
    sizes.extend([limits::X, limits::BLUESKY, limits::MASTODON]);
    for text in &texts {
        for max in &sizes {
            let alt = text(*max);
            assert!(!alt.is_empty(), "empty at {max}");
            assert!(
                alt.chars().count() <= *max,
                "{} > {max}: {alt}",
                alt.chars().count()
            );
        }
    }
}

#[test]
fn long_lists_shorten_names_then_drop_from_the_bottom() {
    let entries: Vec<_> = (1..=100)
        .map(|i| fixtures::entry(i, "game", &format!("Game number {i}"), f64::from(1000 - i)))
        .collect();
    let chart = RankingChart::new(
        "Top",
        watchtime_core::DayRange::single(fixtures::day()),
        "@b",
        &entries,
    );
    let alt = chart.alt_text(limits::X);
    // The posts' rule: names down to MIN_NAME_GRAPHEMES first (kept distinguishable, so the
    // differing end stays), then lines from the bottom.
    assert!(alt.contains("\n1. Game nu…1: 999 h\n"), "{alt}");
    assert!(!alt.contains("100. Game number 100"), "{alt}");
    assert!(alt.chars().count() <= limits::X);
}

#[test]
fn a_series_says_total_peak_and_gaps() {
    let (range, days) = fixtures::month();
    let series = SeriesChart::new("Just Chatting", range, fixtures::BRAND, days);
    let alt = series.alt_text(limits::X);
    insta::assert_snapshot!(alt.lines().next().unwrap(), @r#"
Bar chart: Just Chatting, 28 Oct – 26 Nov · hours watched per day, by @watchtime_bot. Total 29.4M h over 28 days; highest 1.52M h on Mon 23 Nov. No data for 2 days.
"#);
}
