//! The daily posts as the instance receives them, built by the core at Mastodon's default limit,
//! with names that force shortening (60 Latin characters, long CJK).

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use serde_json::Value;
use support::post;
use unicode_segmentation::UnicodeSegmentation;
use watchtime_core::Publisher;
use watchtime_core::message::{DayRankings, PostKind, daily_post};
use watchtime_core::testkit::fixtures::long_name_rankings;
use watchtime_core::totals::Coverage;
use watchtime_mastodon::fake::MastodonFake;

fn rankings() -> DayRankings {
    long_name_rankings(Coverage {
        slots_observed: 48,
        slots_expected: 48,
        slots_incomplete: 0,
        days_not_closed: 0,
    })
}

/// Posts the three daily posts through a client of an instance with `max` characters and
/// returns the bodies the instance received.
async fn sent_bodies(max: u64) -> Vec<Value> {
    let fake = MastodonFake::start().await.max_characters(max);
    let client = fake.client().await;
    let limit = client.text_limit();
    assert_eq!(limit.max as u64, max);
    let r = rankings();
    for kind in PostKind::ALL {
        let text = daily_post(kind, &r, &limit).unwrap();
        let graphemes = text.graphemes(true).count();
        assert!(graphemes as u64 <= max, "{kind}: {graphemes}");
        client
            .post(&post(
                &text,
                &format!("watchtime:mastodon:post/2026-05-01/{kind}"),
            ))
            .await
            .unwrap();
    }
    assert_eq!(fake.requests_to("POST", "/api/v1/statuses").await.len(), 3);
    fake.created().into_iter().map(|c| c.body).collect()
}

#[tokio::test]
async fn daily_posts_at_the_default_limit() {
    let bodies = sent_bodies(500).await;
    insta::assert_json_snapshot!(bodies, @r#"
    [
      {
        "status": "Most watched games on Twitch, Fri 1 May\n1. Alpha: The Extraordinarily Long Subtitle of an Endless Saga: 1.50M h\n2. Bravo: The Extraordinarily Long Subtitle of an Endless Saga: 750K h\n3. Charlie: The Extraordinarily Long Subtitle of an Endless Sag: 500K h\n4. Delta: The Extraordinarily Long Subtitle of an Endless Saga: 375K h\n5. Echo: The Extraordinarily Long Subtitle of an Endless Saga I: 300K h",
        "visibility": "public"
      },
      {
        "status": "Most watched streamers on Twitch, Fri 1 May\n1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 23.3K h",
        "visibility": "public"
      },
      {
        "status": "Game of the day (drawn by watch time): Charlie: The Extraordinarily Long Subtitle of an Endless Sag, 500K h\nTop streamers, Fri 1 May\n1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머스트리머: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイル実況: 23.3K h",
        "visibility": "public"
      }
    ]
    "#);
}

/// A small instance limit shortens names before dropping lines.
#[tokio::test]
async fn daily_posts_at_a_small_instance_limit() {
    let bodies = sent_bodies(200).await;
    insta::assert_json_snapshot!(bodies, @r#"
    [
      {
        "status": "Most watched games on Twitch, Fri 1 May\n1. Alpha: The Extraord…: 1.50M h\n2. Bravo: The Extraord…: 750K h\n3. Charlie: The Extrao…: 500K h\n4. Delta: The Extraord…: 375K h\n5. Echo: The Extraordi…: 300K h",
        "visibility": "public"
      },
      {
        "status": "Most watched streamers on Twitch, Fri 1 May\n1. 加藤純一加藤純一加藤純一加藤純一加藤純一加藤純一加藤純…: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스트리머스트리머스트리머스트리…: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊スターレイル実況崩壊スターレイ…: 23.3K h",
        "visibility": "public"
      },
      {
        "status": "Game of the day (drawn by watch time): Charlie: The…, 500K h\nTop streamers, Fri 1 May\n1. 加藤純一加藤純一加藤純一加…: 117K h\n2. 釈迦: 58.3K h\n3. 스트리머스트리머스트리머스…: 38.9K h\n4. 原神配信者: 29.2K h\n5. 崩壊スターレイル実況崩壊ス…: 23.3K h",
        "visibility": "public"
      }
    ]
    "#);
}
