//! The daily posts as Discord receives them, built by the core at Discord's 2000-character
//! limit, with long Latin (60 characters) and CJK names.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use serde_json::Value;
use support::post;
use watchtime_core::Publisher;
use watchtime_core::message::{DayRankings, PostKind, daily_post};
use watchtime_core::testkit::fixtures::long_name_rankings;
use watchtime_core::totals::Coverage;
use watchtime_discord::fake::DiscordFake;

fn rankings() -> DayRankings {
    long_name_rankings(Coverage {
        slots_observed: 47,
        slots_expected: 48,
        slots_incomplete: 1,
        days_not_closed: 0,
    })
}

#[tokio::test]
async fn daily_posts_at_discords_limit() {
    let fake = DiscordFake::start().await;
    let client = fake.client();
    let limit = client.text_limit();
    let r = rankings();
    for kind in PostKind::ALL {
        let text = daily_post(kind, &r, &limit).unwrap();
        assert!(text.chars().count() <= 2000, "{kind}");
        client
            .post(&post(
                &text,
                &format!("watchtime:discord:post/2026-05-01/{kind}"),
            ))
            .await
            .unwrap();
    }
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 3);
    let bodies: Vec<Value> = requests.iter().map(|r| r.body_json().unwrap()).collect();
    insta::assert_json_snapshot!(bodies, @r#"
    [
      {
        "allowed_mentions": {
          "parse": []
        },
        "content": "Most watched games on Twitch, Fri 1 May\n1. Alpha: The Extraordinarily Long Subtitle of an Endless Saga: 1.50M h\n2. Bravo: The Extraordinarily Long Subtitle of an Endless Saga: 750K h\n3. Charlie: The Extraordinarily Long Subtitle of an Endless Sag: 500K h\n4. Delta: The Extraordinarily Long Subtitle of an Endless Saga: 375K h\n5. Echo: The Extraordinarily Long Subtitle of an Endless Saga I: 300K h\nPartial data: 47 of 48 snapshots, 1 incomplete"
      },
      {
        "allowed_mentions": {
          "parse": []
        },
        "content": "Most watched streamers on Twitch, Fri 1 May\n1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 23.3K h\nPartial data: 47 of 48 snapshots, 1 incomplete"
      },
      {
        "allowed_mentions": {
          "parse": []
        },
        "content": "Game of the day (drawn by watch time): Charlie: The Extraordinarily Long Subtitle of an Endless Sag, 500K h\nTop streamers, Fri 1 May\n1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 23.3K h\nPartial data: 47 of 48 snapshots, 1 incomplete"
      }
    ]
    "#);
}
