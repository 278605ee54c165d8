//! The recaps as every platform gets them, as inline snapshots; each fits its limit, with
//! ordinary names and with 60-character and CJK ones.

use insta::assert_snapshot;

use super::*;
use crate::ids::{EntityId, Kind};
use crate::movement::PreviousRanks;
use crate::ranking::RankingEntry;
use crate::recap::{Mover, Recap, RecapKind, RecordEntry};
use crate::testkit::fixtures::sixty_character_name;
use crate::time::Day;
use crate::totals::{Coverage, Totals};

fn entry(rank: u32, kind: Kind, id: &str, name: &str, hours: u64) -> RankingEntry {
    RankingEntry {
        rank,
        id: EntityId::new(kind, id),
        name: name.into(),
        totals: Totals {
            viewer_minutes: hours * 60,
            airtime_minutes: 600,
            peak_viewers: 1000,
        },
    }
}

/// A recap of `kind` holding `day`, the names given, with every kind of movement.
fn recap(kind: RecapKind, games: &[&str], streamers: &[&str], coverage: Coverage) -> Recap {
    let range = kind.period_of(
        "2026-11-26"
            .parse::<Day>()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let list = |kind: Kind, names: &[&str], top: u64| -> Vec<RankingEntry> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| entry(i as u32 + 1, kind, &format!("{i}"), n, top / (i as u64 + 1)))
            .collect()
    };
    let games = list(Kind::Game, games, 8_610_000);
    let streamers = list(Kind::Streamer, streamers, 319_200);
    // Before: the second was first, the first second, the third third, the fourth 23rd; the
    // fifth is new.
    let before = |list: &[RankingEntry]| {
        let mut old: Vec<RankingEntry> = list.to_vec();
        for (e, rank) in old.iter_mut().zip([2, 1, 3, 23, 150]) {
            e.rank = rank;
        }
        PreviousRanks::from_ranking(&old)
    };
    Recap {
        kind,
        range,
        coverage,
        previous_games: before(&games),
        previous_streamers: before(&streamers),
        mover: Some(Mover {
            entry: streamers[3].clone(),
            from: 23,
        }),
        record: Some(RecordEntry {
            entry: games[0].clone(),
            previous_best: 1,
        }),
        games,
        streamers,
    }
}

fn full(days: u32) -> Coverage {
    Coverage {
        slots_observed: 48 * days,
        slots_expected: 48 * days,
        slots_incomplete: 0,
        days_not_closed: 0,
    }
}

fn typical(kind: RecapKind) -> Recap {
    recap(
        kind,
        &[
            "Just Chatting",
            "Grand Theft Auto V",
            "League of Legends",
            "Counter-Strike",
            "Valorant",
        ],
        &["KaiCenat", "ibai", "xQc", "Caedrel", "zackrawrr"],
        full(
            kind.period_of(
                "2026-11-26"
                    .parse::<Day>()
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .len(),
        ),
    )
}

/// 60-character game names, long CJK and Hangul streamer names, a day missing.
fn long_names(kind: RecapKind) -> Recap {
    let games: Vec<String> = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
        .iter()
        .map(|lead| sixty_character_name(lead))
        .collect();
    let streamers = [
        "加藤純一".repeat(15),
        "釈迦".into(),
        "스트리머".repeat(15),
        "原神配信者".into(),
        "崩壊スターレイル実況".repeat(6),
    ];
    let days = kind
        .period_of(
            "2026-11-26"
                .parse::<Day>()
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .len();
    let games: Vec<&str> = games.iter().map(String::as_str).collect();
    let streamers: Vec<&str> = streamers.iter().map(String::as_str).collect();
    recap(
        kind,
        &games,
        &streamers,
        Coverage {
            slots_observed: 48 * (days - 1) - 3,
            slots_expected: 48 * (days - 1),
            slots_incomplete: 2,
            days_not_closed: 1,
        },
    )
}

const LIMITS: [(&str, TextLimit); 4] = [
    ("x", TextLimit::X),
    ("mastodon", TextLimit::MASTODON_DEFAULT),
    ("discord", TextLimit::DISCORD),
    ("bluesky", TextLimit::BLUESKY),
];

fn text(r: &Recap, limit: &TextLimit) -> String {
    let text = recap_post(r, limit).unwrap_or_default();
    assert!(
        limit.fits(&text),
        "{} of {}:\n{text}",
        limit.count(&text),
        limit.max
    );
    text
}

#[test]
fn every_recap_fits_every_limit() {
    for kind in RecapKind::ALL {
        for r in [typical(kind), long_names(kind)] {
            for (_, limit) in LIMITS {
                let t = text(&r, &limit);
                assert!(t.contains("Top games"), "{t}");
            }
        }
    }
}

#[test]
fn a_recap_without_entries_says_nothing() {
    let mut r = typical(RecapKind::Week);
    r.games.clear();
    r.streamers.clear();
    assert_eq!(recap_post(&r, &TextLimit::DISCORD), None);
}

#[test]
fn weekly_on_x() {
    assert_snapshot!(text(&typical(RecapKind::Week), &TextLimit::X), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best week since tracking began (8.61M h)
    "#);
}

#[test]
fn weekly_on_mastodon() {
    assert_snapshot!(text(&typical(RecapKind::Week), &TextLimit::MASTODON_DEFAULT), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    3. League of Legends: 2.87M h =
    4. Counter-Strike: 2.15M h ↑19
    5. Valorant: 1.72M h new
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    4. Caedrel: 79.8K h ↑19
    5. zackrawrr: 63.8K h new
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best week since tracking began (8.61M h)
    "#);
}

#[test]
fn weekly_on_discord() {
    assert_snapshot!(text(&typical(RecapKind::Week), &TextLimit::DISCORD), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    3. League of Legends: 2.87M h =
    4. Counter-Strike: 2.15M h ↑19
    5. Valorant: 1.72M h new
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    4. Caedrel: 79.8K h ↑19
    5. zackrawrr: 63.8K h new
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best week since tracking began (8.61M h)
    "#);
}

#[test]
fn weekly_on_bluesky() {
    assert_snapshot!(text(&typical(RecapKind::Week), &TextLimit::BLUESKY), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    3. League of Legends: 2.87M h =
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best week since tracking began (8.61M h)
    "#);
}

#[test]
fn monthly_on_x() {
    assert_snapshot!(text(&typical(RecapKind::Month), &TextLimit::X), @r#"
    Month on Twitch, November 2026
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best month since tracking began (8.61M h)
    "#);
}

#[test]
fn monthly_on_mastodon() {
    assert_snapshot!(text(&typical(RecapKind::Month), &TextLimit::MASTODON_DEFAULT), @r#"
    Month on Twitch, November 2026
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    3. League of Legends: 2.87M h =
    4. Counter-Strike: 2.15M h ↑19
    5. Valorant: 1.72M h new
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    4. Caedrel: 79.8K h ↑19
    5. zackrawrr: 63.8K h new
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best month since tracking began (8.61M h)
    "#);
}

#[test]
fn monthly_on_discord() {
    assert_snapshot!(text(&typical(RecapKind::Month), &TextLimit::DISCORD), @r#"
    Month on Twitch, November 2026
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft Auto V: 4.30M h ↓1
    3. League of Legends: 2.87M h =
    4. Counter-Strike: 2.15M h ↑19
    5. Valorant: 1.72M h new
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    4. Caedrel: 79.8K h ↑19
    5. zackrawrr: 63.8K h new
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best month since tracking began (8.61M h)
    "#);
}

#[test]
fn monthly_on_bluesky() {
    assert_snapshot!(text(&typical(RecapKind::Month), &TextLimit::BLUESKY), @r#"
    Month on Twitch, November 2026
    Top games
    1. Just Chatting: 8.61M h ↑1
    2. Grand Theft A…: 4.30M h ↓1
    3. League of Leg…: 2.87M h =
    Top streamers
    1. KaiCenat: 319K h ↑1
    2. ibai: 160K h ↓1
    3. xQc: 106K h =
    Biggest climb: Caedrel, #23 → #4
    Record: Just Chatting, best month since tracking began (8.61M h)
    "#);
}

#[test]
fn weekly_long_names_on_x() {
    assert_snapshot!(text(&long_names(RecapKind::Week), &TextLimit::X), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Alpha: The…: 8.61M h ↑1
    Top streamers
    1. 加藤純一加藤純一加藤純…: 319K h ↑1
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The…, best week since tracking began (8.61M h)
    Data for 6 of 7 days: 285 of 288 snapshots, 2 incomplete
    "#);
}

#[test]
fn weekly_long_names_on_mastodon() {
    assert_snapshot!(text(&long_names(RecapKind::Week), &TextLimit::MASTODON_DEFAULT), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Alpha: The Extr…: 8.61M h ↑1
    2. Bravo: The Extr…: 4.30M h ↓1
    3. Charlie: The Ex…: 2.87M h =
    4. Delta: The Extr…: 2.15M h ↑19
    5. Echo: The Extra…: 1.72M h new
    Top streamers
    1. 加藤純一加藤純一加藤純一加藤純…: 319K h ↑1
    2. 釈迦: 160K h ↓1
    3. 스트리머스트리머스트리머스트리…: 106K h =
    4. 原神配信者: 79.8K h ↑19
    5. 崩壊スターレイル実況崩壊スター…: 63.8K h new
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The Extr…, best week since tracking began (8.61M h)
    Data for 6 of 7 days: 285 of 288 snapshots, 2 incomplete
    "#);
}

#[test]
fn weekly_long_names_on_discord() {
    assert_snapshot!(text(&long_names(RecapKind::Week), &TextLimit::DISCORD), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Alpha: The Extraordinarily Long Subtitle of an Endless Saga: 8.61M h ↑1
    2. Bravo: The Extraordinarily Long Subtitle of an Endless Saga: 4.30M h ↓1
    3. Charlie: The Extraordinarily Long Subtitle of an Endless Sag: 2.87M h =
    4. Delta: The Extraordinarily Long Subtitle of an Endless Saga: 2.15M h ↑19
    5. Echo: The Extraordinarily Long Subtitle of an Endless Saga I: 1.72M h new
    Top streamers
    1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 319K h ↑1
    2. 釈迦: 160K h ↓1
    3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 106K h =
    4. 原神配信者: 79.8K h ↑19
    5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 63.8K h new
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The Extraordinarily Long Subtitle of an Endless Saga, best week since tracking began (8.61M h)
    Data for 6 of 7 days: 285 of 288 snapshots, 2 incomplete
    "#);
}

#[test]
fn weekly_long_names_on_bluesky() {
    assert_snapshot!(text(&long_names(RecapKind::Week), &TextLimit::BLUESKY), @r#"
    Week on Twitch, 23–29 Nov
    Top games
    1. Alpha: The…: 8.61M h ↑1
    2. Bravo: The…: 4.30M h ↓1
    Top streamers
    1. 加藤純一加藤純一加藤純…: 319K h ↑1
    2. 釈迦: 160K h ↓1
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The…, best week since tracking began (8.61M h)
    Data for 6 of 7 days: 285 of 288 snapshots, 2 incomplete
    "#);
}

#[test]
fn monthly_long_names_on_x() {
    assert_snapshot!(text(&long_names(RecapKind::Month), &TextLimit::X), @r#"
    Month on Twitch, November 2026
    Top games
    1. Alpha: Th…: 8.61M h ↑1
    Top streamers
    1. 加藤純一加藤純一加…: 319K h ↑1
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: Th…, best month since tracking began (8.61M h)
    Data for 29 of 30 days: 1389 of 1392 snapshots, 2 incomplete
    "#);
}

#[test]
fn monthly_long_names_on_mastodon() {
    assert_snapshot!(text(&long_names(RecapKind::Month), &TextLimit::MASTODON_DEFAULT), @r#"
    Month on Twitch, November 2026
    Top games
    1. Alpha: The Ext…: 8.61M h ↑1
    2. Bravo: The Ext…: 4.30M h ↓1
    3. Charlie: The E…: 2.87M h =
    4. Delta: The Ext…: 2.15M h ↑19
    5. Echo: The Extr…: 1.72M h new
    Top streamers
    1. 加藤純一加藤純一加藤純一加藤…: 319K h ↑1
    2. 釈迦: 160K h ↓1
    3. 스트리머스트리머스트리머스트…: 106K h =
    4. 原神配信者: 79.8K h ↑19
    5. 崩壊スターレイル実況崩壊スタ…: 63.8K h new
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The Ext…, best month since tracking began (8.61M h)
    Data for 29 of 30 days: 1389 of 1392 snapshots, 2 incomplete
    "#);
}

#[test]
fn monthly_long_names_on_discord() {
    assert_snapshot!(text(&long_names(RecapKind::Month), &TextLimit::DISCORD), @r#"
    Month on Twitch, November 2026
    Top games
    1. Alpha: The Extraordinarily Long Subtitle of an Endless Saga: 8.61M h ↑1
    2. Bravo: The Extraordinarily Long Subtitle of an Endless Saga: 4.30M h ↓1
    3. Charlie: The Extraordinarily Long Subtitle of an Endless Sag: 2.87M h =
    4. Delta: The Extraordinarily Long Subtitle of an Endless Saga: 2.15M h ↑19
    5. Echo: The Extraordinarily Long Subtitle of an Endless Saga I: 1.72M h new
    Top streamers
    1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 319K h ↑1
    2. 釈迦: 160K h ↓1
    3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 106K h =
    4. 原神配信者: 79.8K h ↑19
    5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 63.8K h new
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The Extraordinarily Long Subtitle of an Endless Saga, best month since tracking began (8.61M h)
    Data for 29 of 30 days: 1389 of 1392 snapshots, 2 incomplete
    "#);
}

#[test]
fn monthly_long_names_on_bluesky() {
    assert_snapshot!(text(&long_names(RecapKind::Month), &TextLimit::BLUESKY), @r#"
    Month on Twitch, November 2026
    Top games
    1. Alpha: The Extraordina…: 8.61M h ↑1
    Top streamers
    1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤…: 319K h ↑1
    Biggest climb: 原神配信者, #23 → #4
    Record: Alpha: The Extraordina…, best month since tracking began (8.61M h)
    Data for 29 of 30 days: 1389 of 1392 snapshots, 2 incomplete
    "#);
}
