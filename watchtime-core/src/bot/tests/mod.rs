//! The jobs against the reference store and mocked publishers and mention sources.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mockall::mock;

use super::*;
use crate::error::Error;
use crate::memory::MemoryStore;
use crate::message::{PostKind, TextLimit};
use crate::outbox::{OutboxKey, OutboxState};
use crate::ports::{
    Delivery, Mention, MentionPage, MentionSource, Post, PublishError, Publisher, Redelivery,
};
use crate::prelude::*;
use crate::settings::Settings;
use crate::testkit::fixtures::{at, slotted, stream};
use crate::time::Day;

mod outcomes;
mod recaps;
mod resend;

mock! {
    #[derive(Debug)]
    pub Pub {}
    #[async_trait]
    impl Publisher for Pub {
        fn platform(&self) -> &str;
        fn text_limit(&self) -> TextLimit;
        fn redelivery(&self) -> Redelivery;
        fn takes_replies(&self) -> bool;
        fn takes_images(&self) -> bool;
        async fn post(&self, post: &Post) -> Result<Delivery, PublishError>;
        async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError>;
    }
}

/// Mentions numbered from 1; the cursor is the last id handed out.
#[derive(Debug)]
struct FakeMentions(Vec<Mention>);

#[async_trait]
impl MentionSource for FakeMentions {
    fn platform(&self) -> &str {
        "mock"
    }

    async fn own_account_id(&self) -> crate::Result<String> {
        Ok("bot".into())
    }

    async fn mentions_since(&self, cursor: Option<&str>) -> crate::Result<MentionPage> {
        let after: u32 = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
        let page: Vec<Mention> = self
            .0
            .iter()
            .filter(|m| m.id.parse::<u32>().unwrap() > after)
            .cloned()
            .collect();
        Ok(MentionPage {
            cursor: page.last().map(|m| m.id.clone()),
            mentions: page,
            more: false,
        })
    }
}

fn publisher(redelivery: Redelivery) -> MockPub {
    let mut p = MockPub::new();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(redelivery);
    p.expect_takes_replies().return_const(true);
    p
}

fn day() -> Day {
    "2026-11-26".parse().unwrap()
}

/// A store holding one closed day with two games and three streamers.
async fn closed_day() -> MemoryStore {
    let store = MemoryStore::new();
    let snaps = [
        slotted(
            "2026-11-26T20:00:00Z",
            vec![
                stream("1", "Alpha", Some(("743", "Chess")), 900),
                stream("2", "Beta", Some(("1001", "Go")), 300),
                stream("3", "Gamma", None, 200),
            ],
        ),
        slotted(
            "2026-11-26T20:30:00Z",
            vec![stream("1", "Alpha", Some(("743", "Chess")), 1000)],
        ),
    ];
    for s in &snaps {
        store.record_snapshot(s).await.unwrap();
    }
    close_day(
        &store,
        &Settings::default(),
        day(),
        at("2026-11-27T16:05:00Z"),
    )
    .await
    .unwrap();
    store
}

fn now() -> DateTime<Utc> {
    at("2026-11-27T22:00:00Z")
}

#[tokio::test]
async fn three_posts_once_then_nothing() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    let mut n = 0;
    p.expect_post().times(3).returning(move |post| {
        n += 1;
        assert!(TextLimit::X.fits(&post.text));
        Ok(Delivery::Posted(format!("id{n}")))
    });
    let settings = Settings::default();
    let first = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert_eq!(
        first,
        vec![
            (PostKind::TopGames, PostOutcome::Sent(Some("id1".into()))),
            (
                PostKind::TopStreamers,
                PostOutcome::Sent(Some("id2".into()))
            ),
            (PostKind::Spotlight, PostOutcome::Sent(Some("id3".into()))),
        ]
    );
    // Run again: the outbox says all three went out; the mock would fail on a fourth call.
    let again = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert!(
        again.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{again:?}"
    );
    let key = OutboxKey::post("mock", day(), PostKind::TopGames);
    let entry = store.outbox_entry(&key).await.unwrap().unwrap();
    assert_eq!(
        (entry.state, entry.remote_id.as_deref()),
        (OutboxState::Sent, Some("id1"))
    );
}

#[tokio::test]
async fn an_unknown_outcome_is_resent_only_where_the_platform_dedupes() {
    let hour = std::time::Duration::from_secs(3600);
    for (redelivery, resent) in [
        (Redelivery::Deduplicated { within: hour }, true),
        (Redelivery::Duplicates, false),
    ] {
        let store = closed_day().await;
        let mut p = publisher(redelivery);
        p.expect_post().times(3).returning(|_| {
            Err(PublishError::Unknown(Error::unavailable(
                "mock",
                "timed out after sending",
            )))
        });
        let settings = Settings::default();
        let first = publish_day(&store, &p, &settings, day(), now())
            .await
            .unwrap();
        assert!(
            first
                .iter()
                .all(|(_, o)| matches!(o, PostOutcome::Uncertain(_))),
            "{first:?}"
        );
        p.checkpoint();
        p.expect_platform().return_const("mock".to_owned());
        p.expect_text_limit().return_const(TextLimit::X);
        p.expect_redelivery().return_const(redelivery);
        // Same idempotency key on the retry.
        p.expect_post()
            .times(if resent { 3 } else { 0 })
            .withf(|post| {
                post.idempotency_key
                    .starts_with("watchtime:mock:post/2026-11-26/")
            })
            .returning(|_| Ok(Delivery::AlreadyPosted(Some("first".into()))));
        let second = publish_day(&store, &p, &settings, day(), now())
            .await
            .unwrap();
        for (_, outcome) in &second {
            if resent {
                assert_eq!(*outcome, PostOutcome::AlreadySent);
            } else {
                assert_eq!(*outcome, PostOutcome::Held { sends: 1 });
            }
        }
    }
}

#[tokio::test]
async fn an_operator_releases_a_held_post() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "timed out",
        )))
    });
    let settings = Settings::default();
    publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    let held = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert!(
        held.iter()
            .all(|(_, o)| matches!(o, PostOutcome::Held { .. }))
    );
    // Checked the platform: nothing there. Release, and the next run sends.
    assert_eq!(
        release_held(&store, "mock", day(), now()).await.unwrap(),
        PostKind::ALL.to_vec()
    );
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Duplicates);
    p.expect_post()
        .times(3)
        .returning(|_| Ok(Delivery::Posted("p".into())));
    let sent = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert!(sent.iter().all(|(_, o)| matches!(o, PostOutcome::Sent(_))));
    assert!(
        release_held(&store, "mock", day(), now())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_post_is_retried_later() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::NotSent(Error::RateLimited {
            service: "mock",
            retry_after: None,
        }))
    });
    let settings = Settings::default();
    let first = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert!(
        first
            .iter()
            .all(|(_, o)| matches!(o, PostOutcome::Failed(_)))
    );
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Duplicates);
    p.expect_post()
        .times(3)
        .returning(|_| Ok(Delivery::Posted("ok".into())));
    let second = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert!(
        second
            .iter()
            .all(|(_, o)| matches!(o, PostOutcome::Sent(_)))
    );
}

#[tokio::test]
async fn a_permanent_refusal_is_an_error() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(1).returning(|_| {
        Err(PublishError::NotSent(Error::Unauthorized {
            service: "mock",
            message: "token revoked".into(),
        }))
    });
    let err = publish_day(&store, &p, &Settings::default(), day(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
}

#[tokio::test]
async fn an_unclosed_day_is_not_posted() {
    let store = MemoryStore::new();
    let p = publisher(Redelivery::Duplicates);
    let err = publish_day(&store, &p, &Settings::default(), day(), now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not closed"), "{err}");
}

#[tokio::test]
async fn a_day_without_games_posts_what_it_has() {
    let store = MemoryStore::new();
    store
        .record_snapshot(&slotted(
            "2026-11-26T20:00:00Z",
            vec![stream("3", "Gamma", None, 200)],
        ))
        .await
        .unwrap();
    close_day(&store, &Settings::default(), day(), now())
        .await
        .unwrap();
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post()
        .times(1)
        .returning(|_| Ok(Delivery::Posted("s".into())));
    let outcomes = publish_day(&store, &p, &Settings::default(), day(), now())
        .await
        .unwrap();
    let kinds: Vec<_> = outcomes.iter().map(|(k, o)| (*k, o.clone())).collect();
    assert_eq!(
        kinds,
        [
            (PostKind::TopGames, PostOutcome::NothingToSay),
            (PostKind::TopStreamers, PostOutcome::Sent(Some("s".into()))),
            (PostKind::Spotlight, PostOutcome::NothingToSay),
        ]
    );
}

fn mention(id: u32, author: &str, text: &str) -> Mention {
    Mention {
        id: format!("{id}"),
        author_id: author.into(),
        author_handle: format!("{author}_handle"),
        text: text.into(),
        created_at: now(),
        reply_prefix: String::new(),
    }
}

fn source(mentions: Vec<Mention>) -> FakeMentions {
    FakeMentions(mentions)
}

#[tokio::test]
async fn answers_each_mention_at_most_once() {
    let store = closed_day().await;
    let mentions = vec![
        mention(1, "alice", "@bot Chess"),
        mention(2, "bot", "@bot Chess"),        // the bot itself
        mention(3, "bob", "@bot"),              // how-to
        mention(4, "bob", "@bot   "),           // second how-to within the hour: skipped
        mention(5, "carol", "@bot Alpha week"), // streamer, window
        mention(6, "dave", "@bot '); DROP TABLE outbox;--"), // not found
    ];
    let src = source(mentions.clone());
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply().times(4).returning(|m, post| {
        assert!(TextLimit::X.fits(&post.text));
        assert_eq!(
            post.idempotency_key,
            format!("watchtime:mock:reply/{}", m.id)
        );
        Ok(Delivery::Posted(format!("r{}", m.id)))
    });
    let settings = Settings::default();
    let round = answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    assert_eq!(
        round,
        AnswerRound {
            seen: 6,
            answered: 3,
            how_tos: 1,
            skipped: 2,
            unfinished: 0,
            rejected: 0,
        }
    );
    assert_eq!(
        store.mention_cursor("mock").await.unwrap().as_deref(),
        Some("6")
    );
    // A second round sees nothing new; even re-reading the same mentions replies to none.
    let round = answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    assert_eq!(round.seen, 0);
    store.set_mention_cursor("mock", "0").await.unwrap();
    let round = answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    assert_eq!((round.seen, round.skipped, round.answered), (6, 6, 0));
}

#[tokio::test]
async fn stale_mentions_are_not_answered() {
    let store = closed_day().await;
    let mut old = mention(1, "zed", "@bot Chess");
    old.created_at = now() - Duration::hours(25);
    let src = source(vec![old, mention(2, "zed", "@bot Go")]);
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply()
        .times(1)
        .withf(|m, _| m.id == "2")
        .returning(|_, _| Ok(Delivery::Posted("r".into())));
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!((round.answered, round.skipped), (1, 1));
    let entry = store
        .outbox_entry(&OutboxKey::reply("mock", "1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.state, entry.detail.as_deref()),
        (OutboxState::Skipped, Some("older than 24 hours"))
    );
}

#[tokio::test]
async fn an_unfinished_attempt_is_held_once_the_dedupe_window_has_passed() {
    let store = closed_day().await;
    let hour = std::time::Duration::from_secs(3600);
    let mut p = publisher(Redelivery::Deduplicated { within: hour });
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "connection reset",
        )))
    });
    let settings = Settings::default();
    publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery()
        .return_const(Redelivery::Deduplicated { within: hour });
    p.expect_post().times(0);
    let later = publish_day(&store, &p, &settings, day(), now() + Duration::minutes(61))
        .await
        .unwrap();
    assert!(
        later
            .iter()
            .all(|(_, o)| *o == PostOutcome::Held { sends: 1 }),
        "{later:?}"
    );
}

#[tokio::test]
async fn an_idempotent_platform_gets_an_unfinished_attempt_again_at_any_age() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Idempotent);
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "connection reset after sending",
        )))
    });
    let settings = Settings::default();
    publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Idempotent);
    p.expect_post()
        .times(3)
        .returning(|_| Ok(Delivery::AlreadyPosted(Some("at://bot/post/1".into()))));
    // A month later, far past any dedupe window: the same write is still safe.
    let later = publish_day(&store, &p, &settings, day(), now() + Duration::days(30))
        .await
        .unwrap();
    assert!(
        later.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{later:?}"
    );

    // A reply whose attempt died mid-send is sent again when its mention is read again.
    let src = source(vec![mention(1, "alice", "@bot Chess")]);
    let mut p = publisher(Redelivery::Idempotent);
    p.expect_reply().times(1).returning(|_, _| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "timed out",
        )))
    });
    answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    store.set_mention_cursor("mock", "0").await.unwrap();
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Idempotent);
    p.expect_takes_replies().return_const(true);
    p.expect_reply()
        .times(1)
        .returning(|_, _| Ok(Delivery::AlreadyPosted(None)));
    let round = answer_round(&src, &p, &store, &settings, now() + Duration::hours(3))
        .await
        .unwrap();
    assert_eq!((round.answered, round.skipped), (1, 0), "{round:?}");
}

#[tokio::test]
async fn authors_get_three_answers_an_hour() {
    let store = closed_day().await;
    let mentions: Vec<Mention> = (1..=5).map(|i| mention(i, "eve", "@bot Go")).collect();
    let src = source(mentions);
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply()
        .times(3)
        .returning(|m, _| Ok(Delivery::Posted(m.id.clone())));
    let settings = Settings::default();
    let round = answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    assert_eq!((round.answered, round.skipped), (3, 2));
    // An hour later the allowance is back, but the skipped mentions stay skipped.
    let later = source((6..=7).map(|i| mention(i, "eve", "@bot Go")).collect());
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Duplicates);
    p.expect_takes_replies().return_const(true);
    p.expect_reply()
        .times(2)
        .returning(|m, _| Ok(Delivery::Posted(m.id.clone())));
    let round = answer_round(&later, &p, &store, &settings, now() + Duration::minutes(61))
        .await
        .unwrap();
    assert_eq!(round.answered, 2);
}

#[tokio::test]
async fn a_refused_reply_does_not_stop_the_round() {
    let store = closed_day().await;
    let src = source(vec![
        mention(1, "a", "@bot Chess"),
        mention(2, "b", "@bot Go"),
    ]);
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply().times(2).returning(|m, _| {
        if m.id == "1" {
            Err(PublishError::NotSent(Error::invalid(
                "the post to reply to was deleted",
            )))
        } else {
            Ok(Delivery::Posted("r2".into()))
        }
    });
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!(
        (round.answered, round.rejected, round.unfinished),
        (1, 1, 0)
    );
    let refused = store
        .outbox_entry(&OutboxKey::reply("mock", "1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (refused.state, refused.detail.as_deref()),
        (
            OutboxState::Rejected,
            Some("invalid input: the post to reply to was deleted")
        ),
        "recorded, so the next round does not send it again"
    );
}

#[tokio::test]
async fn a_crash_between_send_and_record_never_doubles_a_reply() {
    let store = closed_day().await;
    // The previous process claimed mention 1 and died before recording the result.
    let key = OutboxKey::reply("mock", "1");
    let item = crate::outbox::OutboxItem {
        key: key.clone(),
        purpose: crate::outbox::Purpose::Answer,
        author: Some("a".into()),
        payload: crate::outbox::Payload::text("@a Chess: top streamers", now()),
    };
    store.claim(&item, now()).await.unwrap();
    let src = source(vec![mention(1, "a", "@bot Chess")]);
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply().times(0);
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!(round.skipped, 1);
    assert_eq!(
        store.outbox_entry(&key).await.unwrap().unwrap().state,
        OutboxState::Skipped
    );
}

#[tokio::test]
async fn a_retried_how_to_is_not_counted_against_its_own_author() {
    // The first attempt claimed a how-to reply and died before sending; the retry must send it,
    // not treat its own pending claim as the author's how-to of the hour.
    let store = closed_day().await;
    let item = crate::outbox::OutboxItem {
        key: OutboxKey::reply("mock", "1"),
        purpose: crate::outbox::Purpose::HowTo,
        author: Some("amy".into()),
        payload: crate::outbox::Payload::text("@amy how to ask", now() - Duration::minutes(5)),
    };
    store
        .claim(&item, now() - Duration::minutes(5))
        .await
        .unwrap();
    let src = source(vec![mention(1, "amy", "@bot")]);
    let mut p = publisher(Redelivery::Deduplicated {
        within: std::time::Duration::from_secs(3600),
    });
    p.expect_reply()
        .times(1)
        .returning(|_, _| Ok(Delivery::Posted("r1".into())));
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!((round.how_tos, round.skipped), (1, 0));
}

#[tokio::test]
async fn closing_catches_up_and_prunes() {
    let store = MemoryStore::new();
    let settings = Settings {
        retention_days: 2,
        ..Settings::default()
    };
    for d in ["2026-11-20", "2026-11-22", "2026-11-25"] {
        store
            .record_snapshot(&slotted(
                &format!("{d}T20:00:00Z"),
                vec![stream("1", "Alpha", None, 100)],
            ))
            .await
            .unwrap();
    }
    // 08:04 on the 27th: day 26 is over but inside its grace period, so it waits.
    let closed = close_finished_days(&store, &settings, at("2026-11-27T16:04:00Z"))
        .await
        .unwrap();
    let days: Vec<String> = closed.iter().map(|s| s.day.to_string()).collect();
    assert_eq!(
        days,
        [
            "2026-11-20",
            "2026-11-21",
            "2026-11-22",
            "2026-11-23",
            "2026-11-24",
            "2026-11-25"
        ]
    );
    assert_eq!(
        closed[1].slots_observed, 0,
        "a day with no data is closed with zero coverage"
    );
    let later = close_finished_days(&store, &settings, at("2026-11-27T16:06:00Z"))
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert!(
        close_finished_days(&store, &settings, at("2026-11-27T16:07:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // Samples older than two days before the last closed day are gone; totals are not.
    let old = settings.calendar.window("2026-11-20".parse().unwrap());
    assert!(store.preview_day(&old).await.unwrap().is_empty());
    assert_eq!(
        store
            .day_totals("2026-11-20".parse().unwrap())
            .await
            .unwrap()
            .len(),
        1
    );
    let recent = settings.calendar.window("2026-11-25".parse().unwrap());
    assert_eq!(store.preview_day(&recent).await.unwrap().len(), 1);
}

#[tokio::test]
async fn asking_about_today_uses_the_samples_so_far() {
    let store = closed_day().await;
    store
        .record_snapshot(&slotted(
            "2026-11-27T20:00:00Z",
            vec![stream("2", "Beta", Some(("743", "Chess")), 5000)],
        ))
        .await
        .unwrap();
    let settings = Settings::default();
    let answer = answer_text(
        &store,
        &settings,
        "@bot Chess today",
        at("2026-11-27T20:10:00Z"),
    )
    .await
    .unwrap();
    match answer {
        crate::message::Answer::Ranking {
            entries, coverage, ..
        } => {
            assert_eq!(entries.len(), 1);
            assert_eq!(entries[0].name, "Beta");
            assert_eq!((coverage.slots_observed, coverage.slots_expected), (1, 9));
        }
        other => panic!("{other:?}"),
    }
    let yesterday = answer_text(&store, &settings, "Chess", at("2026-11-27T20:10:00Z"))
        .await
        .unwrap();
    assert!(
        matches!(yesterday, crate::message::Answer::Ranking { ref entries, .. } if entries[0].name == "Alpha")
    );
    let none = answer_text(&store, &settings, "Go 30d", at("2026-11-27T20:10:00Z"))
        .await
        .unwrap();
    assert!(matches!(none, crate::message::Answer::Ranking { .. }));
    let unknown = answer_text(&store, &settings, "streamer Go", at("2026-11-27T20:10:00Z"))
        .await
        .unwrap();
    assert_eq!(unknown, crate::message::Answer::NotFound);
}

#[tokio::test]
async fn a_pushed_mention_is_answered_once_and_the_round_after_skips_it() {
    let store = closed_day().await;
    let pushed = mention(2, "alice", "@bot Chess");
    let src = source(vec![mention(1, "bob", "@bot Go"), pushed.clone()]);
    let mut p = publisher(Redelivery::Deduplicated {
        within: std::time::Duration::from_secs(3000),
    });
    p.expect_reply()
        .times(2)
        .returning(|m, _| Ok(Delivery::Posted(format!("r{}", m.id))));
    let settings = Settings::default();
    let one = answer_mention(&src, &p, &store, &settings, &pushed, now())
        .await
        .unwrap();
    assert_eq!(
        one,
        AnswerRound {
            seen: 1,
            answered: 1,
            ..AnswerRound::default()
        }
    );
    // The cursor stays where it was: mention 1, older, is still to be read.
    assert_eq!(store.mention_cursor("mock").await.unwrap(), None);
    let round = answer_round(&src, &p, &store, &settings, now())
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered, round.skipped), (2, 1, 1));
    // Pushed again (a stream replaying after a reconnect): nothing sent.
    let again = answer_mention(&src, &p, &store, &settings, &pushed, now())
        .await
        .unwrap();
    assert_eq!((again.answered, again.skipped), (0, 1));
}

#[tokio::test]
async fn pushed_mentions_follow_the_rules_of_a_round() {
    let store = closed_day().await;
    let src = source(vec![]);
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_reply()
        .times(3)
        .returning(|m, _| Ok(Delivery::Posted(m.id.clone())));
    let settings = Settings::default();
    let mut total = AnswerRound::default();
    let mut stale = mention(9, "zed", "@bot Chess");
    stale.created_at = now() - Duration::hours(25);
    let pushed = (1..=4)
        .map(|i| mention(i, "eve", "@bot Go"))
        .chain([mention(5, "bot", "@bot Go"), stale]);
    for m in pushed {
        let one = answer_mention(&src, &p, &store, &settings, &m, now())
            .await
            .unwrap();
        total.answered += one.answered;
        total.skipped += one.skipped;
    }
    // Three answers an hour for eve; the bot's own post and the stale mention are skipped.
    assert_eq!((total.answered, total.skipped), (3, 3));
    // Replies go only to the platform the mentions came from.
    let mut other = MockPub::new();
    other.expect_platform().return_const("elsewhere".to_owned());
    other.expect_takes_replies().return_const(true);
    let err = answer_mention(
        &src,
        &other,
        &store,
        &settings,
        &mention(7, "a", "x"),
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}
