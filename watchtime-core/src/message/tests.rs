//! The text of every post and reply, as inline snapshots, and the guarantee that every built
//! message fits its limit whatever the names.

use insta::assert_snapshot;

use super::*;
use crate::ids::{EntityId, Kind};
use crate::query::Window;
use crate::ranking::RankingEntry;
use crate::time::{Day, DayRange};
use crate::totals::{Coverage, Totals};

fn day() -> Day {
    "2026-11-26".parse().unwrap()
}

fn entry(rank: u32, kind: Kind, name: &str, hours: u64) -> RankingEntry {
    RankingEntry {
        rank,
        id: EntityId::new(kind, format!("{rank}")),
        name: name.into(),
        totals: Totals {
            viewer_minutes: hours * 60,
            airtime_minutes: 600,
            peak_viewers: 1000,
        },
    }
}

fn full() -> Coverage {
    Coverage {
        slots_observed: 48,
        slots_expected: 48,
        slots_incomplete: 0,
        days_not_closed: 0,
    }
}

fn rankings(game_names: &[&str], streamer_names: &[&str], coverage: Coverage) -> DayRankings {
    let games: Vec<_> = game_names
        .iter()
        .enumerate()
        .map(|(i, n)| entry(i as u32 + 1, Kind::Game, n, 1_230_000 / (i as u64 + 1)))
        .collect();
    let streamers: Vec<_> = streamer_names
        .iter()
        .enumerate()
        .map(|(i, n)| entry(i as u32 + 1, Kind::Streamer, n, 45_600 / (i as u64 + 1)))
        .collect();
    DayRankings {
        previous: Default::default(),
        day: day(),
        coverage,
        spotlight: Some(Spotlight {
            game: games[1].clone(),
            streamers: streamers.clone(),
        }),
        games,
        streamers,
    }
}

fn typical() -> DayRankings {
    rankings(
        &[
            "Just Chatting",
            "Grand Theft Auto V",
            "League of Legends",
            "Pokémon Scarlet and Violet",
            "Agar.io",
        ],
        &["Kai Cenat", "xQc", "加藤純一", "Zoë", "shroud"],
        full(),
    )
}

#[test]
fn daily_posts() {
    let r = typical();
    assert_snapshot!(daily_post(PostKind::TopGames, &r, &TextLimit::X).unwrap(), @r"
    Most watched games on Twitch, Thu 26 Nov
    1. Just Chatting: 1.23M h
    2. Grand Theft Auto V: 615K h
    3. League of Legends: 410K h
    4. Pokémon Scarlet and Violet: 308K h
    5. Agar․io: 246K h
    ");
    assert_snapshot!(daily_post(PostKind::TopStreamers, &r, &TextLimit::X).unwrap(), @r"
    Most watched streamers on Twitch, Thu 26 Nov
    1. Kai Cenat: 45.6K h
    2. xQc: 22.8K h
    3. 加藤純一: 15.2K h
    4. Zoë: 11.4K h
    5. shroud: 9.12K h
    ");
    assert_snapshot!(daily_post(PostKind::Spotlight, &r, &TextLimit::X).unwrap(), @r"
    Game of the day (drawn by watch time): Grand Theft Auto V, 615K h
    Top streamers, Thu 26 Nov
    1. Kai Cenat: 45.6K h
    2. xQc: 22.8K h
    3. 加藤純一: 15.2K h
    4. Zoë: 11.4K h
    5. shroud: 9.12K h
    ");
}

#[test]
fn partial_days_say_so() {
    let coverage = Coverage {
        slots_observed: 40,
        slots_expected: 48,
        slots_incomplete: 2,
        days_not_closed: 0,
    };
    let r = rankings(&["Chess", "Go"], &["Alpha", "Beta"], coverage);
    assert_snapshot!(daily_post(PostKind::TopGames, &r, &TextLimit::X).unwrap(), @r"
    Most watched games on Twitch, Thu 26 Nov
    1. Chess: 1.23M h
    2. Go: 615K h
    Partial data: 40 of 48 snapshots, 2 incomplete
    ");
}

/// A range reply over days that are not all closed says how many days have data, instead of a
/// full snapshot count that reads as a contradiction.
#[test]
fn a_range_with_days_not_closed_says_how_many_have_data() {
    let with = |coverage: Coverage| {
        let mut answer = ranking_answer(Kind::Game, "Minecraft", false, Window::LastDays(7));
        if let Answer::Ranking { coverage: c, .. } = &mut answer {
            *c = coverage;
        }
        reply_text(&answer, "", &TextLimit::X)
    };
    let two_full_days = Coverage {
        slots_observed: 96,
        slots_expected: 96,
        slots_incomplete: 0,
        days_not_closed: 5,
    };
    assert_snapshot!(with(two_full_days), @r"
    Minecraft: top streamers, last 7 days (20–26 Nov)
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    Data for 2 of 7 days
    ");
    let two_partial_days = Coverage {
        slots_observed: 90,
        slots_expected: 96,
        slots_incomplete: 1,
        days_not_closed: 5,
    };
    assert_snapshot!(with(two_partial_days), @r"
    Minecraft: top streamers, last 7 days (20–26 Nov)
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    Data for 2 of 7 days: 90 of 96 snapshots, 1 incomplete
    ");
    let every_day_closed = Coverage {
        slots_observed: 330,
        slots_expected: 336,
        slots_incomplete: 0,
        days_not_closed: 0,
    };
    assert_snapshot!(with(every_day_closed), @r"
    Minecraft: top streamers, last 7 days (20–26 Nov)
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    Partial data: 330 of 336 snapshots
    ");
}

#[test]
fn nothing_to_post() {
    let mut r = typical();
    r.games.clear();
    r.spotlight = None;
    assert_eq!(daily_post(PostKind::TopGames, &r, &TextLimit::X), None);
    assert_eq!(daily_post(PostKind::Spotlight, &r, &TextLimit::X), None);
    assert!(daily_post(PostKind::TopStreamers, &r, &TextLimit::X).is_some());
}

fn ranking_answer(kind: Kind, name: &str, suggested: bool, window: Window) -> Answer {
    let today: Day = "2026-11-27".parse().unwrap();
    let entries_kind = if kind == Kind::Game {
        Kind::Streamer
    } else {
        Kind::Game
    };
    Answer::Ranking {
        kind,
        name: name.into(),
        suggested,
        window,
        range: window.range(today),
        entries: vec![
            entry(1, entries_kind, "Kai Cenat", 45_600),
            entry(2, entries_kind, "xQc", 12_300),
            entry(3, entries_kind, "加藤純一", 789),
        ],
        coverage: full(),
        totals: None,
    }
}

#[test]
fn replies() {
    let x = TextLimit::X;
    assert_snapshot!(reply_text(&ranking_answer(Kind::Game, "Minecraft", false, Window::Yesterday), "", &x), @r"
    Minecraft: top streamers, Thu 26 Nov
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    ");
    assert_snapshot!(reply_text(&ranking_answer(Kind::Streamer, "xQc", false, Window::LastDays(7)), "", &x), @r"
    xQc: top games, last 7 days (20–26 Nov)
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    ");
    assert_snapshot!(reply_text(&ranking_answer(Kind::Game, "Minecraft", true, Window::Today), "@alice@example.social ", &TextLimit::MASTODON_DEFAULT), @r"
    @alice@example.social Did you mean Minecraft? Top streamers, today so far (Fri 27 Nov)
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    ");
    let no_data = Answer::NoData {
        kind: Kind::Game,
        name: "Pong".into(),
        suggested: false,
        window: Window::Yesterday,
        range: DayRange::single(day()),
    };
    assert_snapshot!(reply_text(&no_data, "", &x), @"No watch time recorded for Pong, Thu 26 Nov.");
    assert_snapshot!(reply_text(&Answer::NotFound, "", &x), @"I know no game or streamer by that name. Try the name as Twitch shows it, e.g. “Minecraft” or “streamer shroud week”.");
    assert_snapshot!(reply_text(&Answer::HowTo, "", &x), @"Ask me about a game or a streamer, e.g. “Minecraft”, “game Elden Ring week” or “streamer shroud 30d”. I reply with the top 5 of yesterday, or of today, week, month or Nd if you add it.");
}

/// Names at their longest: 60 Latin characters, 40 CJK characters, emoji sequences.
fn extreme_names() -> Vec<Vec<String>> {
    vec![
        (0..5).map(|i| format!("{i}{}", "W".repeat(59))).collect(),
        (0..5).map(|i| format!("{i}{}", "龍".repeat(39))).collect(),
        (0..5).map(|i| format!("{i}{}", "👨‍👩‍👧".repeat(20))).collect(),
        (0..5)
            .map(|i| format!("{i} Pokémon {}", "ü".repeat(50)))
            .collect(),
    ]
}

#[test]
fn every_message_fits_every_limit() {
    let limits = [
        TextLimit::X,
        TextLimit::MASTODON_DEFAULT,
        TextLimit::BLUESKY,
        TextLimit::DISCORD,
        TextLimit::mastodon(140),
        TextLimit::graphemes(120),
        TextLimit {
            max: 120,
            rule: CountRule::XWeighted,
        },
    ];
    for names in extreme_names() {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let r = rankings(&refs, &refs, full());
        for limit in &limits {
            for kind in PostKind::ALL {
                let text = daily_post(kind, &r, limit).unwrap();
                assert!(
                    limit.fits(&text),
                    "{kind:?} over {limit:?}: {} in\n{text}",
                    limit.count(&text)
                );
                assert!(
                    text.lines().count() >= 2,
                    "at least one ranking line survives:\n{text}"
                );
            }
            for kind in [Kind::Game, Kind::Streamer] {
                for window in [Window::Yesterday, Window::Today, Window::LastDays(30)] {
                    let mut answer = ranking_answer(kind, &names[0], true, window);
                    if let Answer::Ranking { entries, .. } = &mut answer {
                        for (e, n) in entries.iter_mut().zip(&names) {
                            e.name = n.clone();
                        }
                    }
                    let text = reply_text(
                        &answer,
                        "@someone_with_a_long_handle@mastodon.example.org ",
                        limit,
                    );
                    assert!(
                        limit.fits(&text),
                        "reply over {limit:?}: {}\n{text}",
                        limit.count(&text)
                    );
                }
            }
        }
    }
}

#[test]
fn long_names_are_shortened_not_cut() {
    let names: Vec<String> = (0..5).map(|i| format!("{i}{}", "龍".repeat(39))).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let text = daily_post(
        PostKind::TopGames,
        &rankings(&refs, &refs, full()),
        &TextLimit::X,
    )
    .unwrap();
    assert_snapshot!(text, @"
    Most watched games on Twitch, Thu 26 Nov
    1. 0龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍…: 1.23M h
    2. 1龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍…: 615K h
    3. 2龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍…: 410K h
    4. 3龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍…: 308K h
    5. 4龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍龍…: 246K h
    ");
    assert!(TextLimit::X.fits(&text));
}

/// Ten titles that share their first 38 graphemes: shortened alike, they would all read
/// "The Extremely Long Saga…", so each keeps the part that tells it apart.
#[test]
fn shortened_names_stay_distinguishable() {
    let names: Vec<String> = (1..=10)
        .map(|i| format!("The Extremely Long Saga of Everything, Volume {i}"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let r = rankings(&refs, &["Kai Cenat"], full());
    assert_snapshot!(daily_post(PostKind::TopGames, &r, &TextLimit::X).unwrap(), @r"
    Most watched games on Twitch, Thu 26 Nov
    1. The Extr…1: 1.23M h
    2. The Extr…2: 615K h
    3. The Extr…3: 410K h
    4. The Extr…4: 308K h
    5. The Extr…5: 246K h
    6. The Extr…6: 205K h
    7. The Extr…7: 176K h
    8. The Extr…8: 154K h
    9. The Extr…9: 137K h
    10. The Ext…10: 123K h
    ");

    let r = rankings(
        &[
            "Call of Duty: Modern Warfare II",
            "Call of Duty: Modern Warfare III",
            "Call of Duty: Black Ops 6",
            "Call of Duty: Black Ops Cold War",
            "Call of Duty: Warzone",
        ],
        &["Kai Cenat"],
        full(),
    );
    assert_snapshot!(daily_post(PostKind::TopGames, &r, &TextLimit::graphemes(150)).unwrap(), @r"
    Most watched games on Twitch, Thu 26 Nov
    1. Call o…II: 1.23M h
    2. Call o…III: 615K h
    3. Call of…6: 410K h
    4. Call o…War: 308K h
    5. Ca…Warzone: 246K h
    ");
}

/// The names of a fitted ranking post, in order: `N. name: hours` lines after the head.
fn ranked_names(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let (_, rest) = line.split_once(". ")?;
            let (name, _) = rest.rsplit_once(": ")?;
            Some(name.to_owned())
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::with_cases(256)
    })]

    /// Long names sharing a long prefix (and maybe a suffix): every fitted post fits, and names
    /// that differ are shown differently.
    #[test]
    fn fitted_names_fit_and_stay_distinct(
        prefix in "[A-Za-z0-9 :é龍…]{8,40}|(👨‍👩‍👧|e\u{301}|ab){4,20}",
        middles in proptest::collection::vec("[a-z0-9 龍…]{0,12}|(🇯🇵|e\u{301}|x){1,6}", 2..10),
        suffix in "|[A-Za-z ]{1,20}",
        limit in proptest::sample::select(vec![
            TextLimit::X,
            TextLimit::BLUESKY,
            TextLimit::graphemes(120),
            TextLimit::mastodon(200),
            TextLimit::chars(160),
        ]),
    ) {
        let names: Vec<String> = middles.iter().map(|m| format!("{prefix}{m}{suffix}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let text = daily_post(PostKind::TopGames, &rankings(&refs, &["Kai Cenat"], full()), &limit)
            .unwrap_or_default();
        proptest::prop_assert!(limit.fits(&text), "{} over {limit:?}:\n{text}", limit.count(&text));
        let shown = ranked_names(&text);
        proptest::prop_assert!(!shown.is_empty(), "no line kept:\n{text}");
        for i in 0..shown.len() {
            for j in i + 1..shown.len() {
                if display_name(&names[i]) != display_name(&names[j]) {
                    proptest::prop_assert_ne!(&shown[i], &shown[j], "{:?} and {:?} in\n{}", names[i], names[j], text);
                }
            }
        }
    }
}

#[test]
fn replies_show_the_subjects_own_figures_where_they_fit() {
    let with = |kind, window, totals| match ranking_answer(kind, "xQc", false, window) {
        Answer::Ranking {
            kind,
            name,
            suggested,
            window,
            range,
            entries,
            coverage,
            ..
        } => Answer::Ranking {
            kind,
            name,
            suggested,
            window,
            range,
            entries,
            coverage,
            totals: Some(totals),
        },
        other => other,
    };
    // 2,130 minutes on air (35.5 h) averaging 12,345 viewers.
    let streamer = with(
        Kind::Streamer,
        Window::LastWeek,
        Totals {
            viewer_minutes: 12_345 * 2_130,
            airtime_minutes: 2_130,
            peak_viewers: 80_000,
        },
    );
    assert_snapshot!(reply_text(&streamer, "", &TextLimit::X), @r#"
    xQc: top games, last week (16–22 Nov)
    Avg 12,345 viewers, 35.5 h streamed
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    "#);
    let game = with(
        Kind::Game,
        Window::LastMonth,
        Totals {
            viewer_minutes: 9_000_000,
            airtime_minutes: 90_000,
            peak_viewers: 123_456,
        },
    );
    assert_snapshot!(reply_text(&game, "", &TextLimit::X), @r#"
    xQc: top streamers, last month (October 2026)
    Peak 123,456 viewers on one channel
    1. Kai Cenat: 45.6K h
    2. xQc: 12.3K h
    3. 加藤純一: 789 h
    "#);
    // Where the figures do not fit, they go before any ranking line does.
    let full_text = reply_text(&streamer, "", &TextLimit::X);
    let tight = TextLimit::chars(full_text.chars().count() - 1);
    let text = reply_text(&streamer, "", &tight);
    assert!(!text.contains("Avg"), "{text}");
    assert_eq!(
        text.lines().count(),
        full_text.lines().count() - 1,
        "{text}"
    );
}

/// `typical()` with the day before's ranks: games 2, 1, 3, 40, none; streamers all the same.
fn with_changes() -> DayRankings {
    let mut r = typical();
    let earlier = |list: &[RankingEntry], ranks: &[u32]| {
        let old: Vec<RankingEntry> = list
            .iter()
            .zip(ranks)
            .map(|(e, &rank)| RankingEntry { rank, ..e.clone() })
            .collect();
        crate::movement::PreviousRanks::from_ranking(&old)
    };
    r.previous.games = earlier(&r.games, &[2, 1, 3, 40]);
    r.previous.streamers = earlier(&r.streamers, &[1, 2, 3, 4, 5]);
    r
}

#[test]
fn daily_posts_show_rank_changes_where_they_fit() {
    let r = with_changes();
    assert_snapshot!(daily_post(PostKind::TopGames, &r, &TextLimit::X).unwrap_or_default(), @r#"
    Most watched games on Twitch, Thu 26 Nov
    1. Just Chatting: 1.23M h ↑1
    2. Grand Theft Auto V: 615K h ↓1
    3. League of Legends: 410K h =
    4. Pokémon Scarlet and Violet: 308K h ↑36
    5. Agar․io: 246K h new
    "#);
    assert_snapshot!(daily_post(PostKind::TopStreamers, &r, &TextLimit::BLUESKY).unwrap_or_default(), @r#"
    Most watched streamers on Twitch, Thu 26 Nov
    1. Kai Cenat: 45.6K h =
    2. xQc: 22.8K h =
    3. 加藤純一: 15.2K h =
    4. Zoë: 11.4K h =
    5. shroud: 9.12K h =
    "#);
    // With nothing to compare the spotlight with (no day before), it shows no markers at all.
    let spotlight = daily_post(PostKind::Spotlight, &r, &TextLimit::X).unwrap_or_default();
    assert!(
        !spotlight.contains("new") && !spotlight.contains('='),
        "{spotlight}"
    );
}
