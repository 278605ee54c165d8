//! A daily post built by the core to fit X's limit goes out exactly as built.

#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is a failure with its reason.

use watchtime_core::message::{DayRankings, PostKind, TextLimit, daily_post};
use watchtime_core::ports::{Delivery, Post, Publisher};
use watchtime_core::ranking::RankingEntry;
use watchtime_core::totals::{Coverage, Totals};
use watchtime_core::{EntityId, Kind};
use watchtime_twitter::fake::{Route, XFake};

fn entry(rank: u32, kind: Kind, name: &str, viewer_minutes: u64) -> RankingEntry {
    RankingEntry {
        rank,
        id: EntityId::new(kind, format!("{}", 1000 + rank)),
        name: name.to_owned(),
        totals: Totals {
            viewer_minutes,
            airtime_minutes: 1440,
            peak_viewers: 90_000,
        },
    }
}

/// Five games whose names are 60 characters or CJK: far too long for 280 untouched.
fn rankings() -> DayRankings {
    let long = |c: char| c.to_string().repeat(60);
    let games = vec![
        entry(
            1,
            Kind::Game,
            &format!("The Elder Scrolls {}", long('V')),
            74_100_000,
        ),
        entry(
            2,
            Kind::Game,
            "原神 Genshin Impact スペシャル 原神 Genshin Impact スペシャル 原神 Genshin",
            52_200_000,
        ),
        entry(
            3,
            Kind::Game,
            "리그 오브 레전드 리그 오브 레전드 리그 오브 레전드 리그 오브 레전드 리그 오브 레전드",
            31_000_000,
        ),
        entry(4, Kind::Game, &long('W'), 2_730_000),
        entry(
            5,
            Kind::Game,
            "Agar.io @everyone 👨‍👩‍👧‍👦 Party Edition Deluxe Ultimate Remastered 2026",
            47_340,
        ),
    ];
    DayRankings {
        previous: Default::default(),
        day: "2026-11-26".parse().unwrap(),
        coverage: Coverage {
            slots_observed: 47,
            slots_expected: 48,
            slots_incomplete: 1,
            days_not_closed: 0,
        },
        games,
        streamers: vec![],
        spotlight: None,
    }
}

#[tokio::test]
async fn fitted_post_at_the_limit_is_sent_as_built() {
    let text = daily_post(PostKind::TopGames, &rankings(), &TextLimit::X).unwrap();
    let core_length = TextLimit::X.count(&text);
    let reference = twitter_text::parse_with_parser_backend(
        &text,
        twitter_text_config::config_v3(),
        true,
        twitter_text::ParserBackend::External,
    );
    assert!(core_length <= 280, "{core_length}: {text}");
    assert_eq!(
        i64::from(reference.weighted_length),
        core_length as i64,
        "{text}"
    );
    assert!(reference.is_valid, "{reference:?}");
    // Built to the limit: names were shortened until it fits, not far below.
    assert!(core_length > 250, "{core_length}: {text}");

    let x = XFake::start().await;
    let post = Post {
        text: text.clone(),
        created_at: "2026-11-27T22:00:00Z".parse().expect("a time"),
        idempotency_key: "watchtime:twitter:post/2026-11-26/top-games".into(),
        image: None,
    };
    let delivery = x.client().post(&post).await;
    let delivery = delivery.unwrap_or_else(|e| panic!("{e:?} {:?}", x.refusals()));
    assert!(matches!(delivery, Delivery::Posted(_)), "{delivery:?}");
    assert_eq!(x.count(Route::Tweets).await, 1);
    let bodies = x.tweet_bodies();
    assert_eq!(bodies[0]["text"].as_str(), Some(text.as_str()));
    insta::assert_json_snapshot!(bodies[0], @r#"
    {
      "text": "Most watched games on Twitch, Thu 26 Nov\n1. The Elder Scrolls VV…: 1.24M h\n2. 原神 Genshin Impact スペ…: 870K h\n3. 리그 오브 레전드 리그 오브 레전드…: 517K h\n4. WWWWWWWWWWWWWWWWWWWW…: 45.5K h\n5. Agar․io ＠everyone 👨‍👩‍👧‍👦…: 789 h\nPartial data: 47 of 48 snapshots, 1 incomplete"
    }
    "#);
}
