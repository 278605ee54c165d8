//! The daily posts fitted to Bluesky's 300 graphemes and 3000 bytes: CJK, emoji ZWJ sequences
//! and 60-character names, as inline snapshots.

#![allow(clippy::unwrap_used)] // tests may unwrap

use insta::assert_snapshot;
use watchtime_core::Kind;
use watchtime_core::message::{DayRankings, PostKind, Spotlight, TextLimit, daily_post};
use watchtime_core::testkit::fixtures::{long_name_rankings, ranking_entry};
use watchtime_core::totals::Coverage;

fn full() -> Coverage {
    Coverage {
        slots_observed: 48,
        slots_expected: 48,
        slots_incomplete: 0,
        days_not_closed: 0,
    }
}

fn post(rankings: &DayRankings, kind: PostKind) -> String {
    let text = daily_post(kind, rankings, &TextLimit::BLUESKY).unwrap();
    assert!(TextLimit::BLUESKY.fits(&text), "{text}");
    assert!(text.len() <= 3000 && watchtime_core::message::grapheme_length(&text) <= 300);
    text
}

#[test]
fn sixty_character_names_and_cjk_fit() {
    let rankings = long_name_rankings(full());
    assert_snapshot!(post(&rankings, PostKind::TopGames), @r#"
        Most watched games on Twitch, Fri 1 May
        1. Alpha: The Extraordinarily Long Subtitl…: 1.50M h
        2. Bravo: The Extraordinarily Long Subtitl…: 750K h
        3. Charlie: The Extraordinarily Long Subti…: 500K h
        4. Delta: The Extraordinarily Long Subtitl…: 375K h
        5. Echo: The Extraordinarily Long Subtitle…: 300K h
    "#);
    assert_snapshot!(post(&rankings, PostKind::TopStreamers), @r#"
        Most watched streamers on Twitch, Fri 1 May
        1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 117K h
        2. 釈迦: 58.3K h
        3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 38.9K h
        4. 原神配信者: 29.2K h
        5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 23.3K h
    "#);
}

/// Names of family emoji are 25 bytes a grapheme: the byte limit binds before the graphemes.
#[test]
fn zwj_emoji_names_are_cut_by_bytes() {
    let family = "👨‍👩‍👧‍👦";
    let names: Vec<String> = (0..5)
        .map(|i| format!("{}{i}", family.repeat(40)))
        .collect();
    let games: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ranking_entry(i as u32 + 1, Kind::Game, n, 9_000_000 / (i as u64 + 1)))
        .collect();
    let streamers: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ranking_entry(i as u32 + 1, Kind::Streamer, n, 700_000 / (i as u64 + 1)))
        .collect();
    let rankings = DayRankings {
        previous: Default::default(),
        day: watchtime_core::Day::from_ymd(2026, 5, 1).unwrap(),
        coverage: full(),
        spotlight: Some(Spotlight {
            game: games[0].clone(),
            streamers: streamers.clone(),
        }),
        games,
        streamers,
    };
    let text = post(&rankings, PostKind::Spotlight);
    assert!(
        text.len() > 2000,
        "the names use the room there is: {} bytes",
        text.len()
    );
    assert_snapshot!(text, @r#"
        Game of the day (drawn by watch time): 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…0, 150K h
        Top streamers, Fri 1 May
        1. 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…0: 11.7K h
        2. 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…1: 5.83K h
        3. 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…2: 3.89K h
        4. 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…3: 2.92K h
        5. 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…4: 2.33K h
    "#);
}
