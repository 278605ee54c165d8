//! Against the real reference PDS and AppView (`.ci/atproto/`): the daily posts land once,
//! posting again adds nothing, a kill between the write and the outbox record leaves one record
//! per kind, an image post has its blob and alt text, the session is resumed from the store,
//! and a mention from a second account is answered once in its thread.
//!
//! Skipped with a loud message when `WATCHTIME_TEST_PDS_URL` is unset, unless
//! `WATCHTIME_REQUIRE_ATPROTO=1` (as `.ci/run` sets), which makes a missing stack a failure.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use async_trait::async_trait;
use chrono::Utc;
use serde_json::{Value, json};
use support::{closed_yesterday, post, post_with_image};
use watchtime_bluesky::BlueskyClient;
use watchtime_bluesky::fake::LocalStack;
use watchtime_core::bot::{PostOutcome, answer_round, publish_day};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, Post, PublishError, Publisher, Redelivery};
use watchtime_core::{Error, MentionSource, Settings};

/// A 3×2 RGBA PNG.
const PNG_3X2: [u8; 74] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00, 0x9d, 0x74, 0x66,
    0x1a, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x70, 0x38, 0xf0,
    0x1f, 0x86, 0x19, 0x90, 0x39, 0x00, 0xbc, 0xd5, 0x0e, 0xfb, 0x27, 0x94, 0x13, 0x11, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The texts of a repository's posts, newest first.
fn texts(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["value"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_daily_posts_land_once_and_posting_again_adds_nothing() {
    let Some(stack) = LocalStack::find("the_daily_posts_land_once", false).await else {
        return;
    };
    let bot = stack.account("bot").await;
    let now = Utc::now();
    let (store, day) = closed_yesterday(now).await;
    let client = stack.client(&bot, store.clone());
    let settings = Settings::default();

    let first = publish_day(store.as_ref(), &client, &settings, day, now)
        .await
        .unwrap();
    assert!(
        first
            .iter()
            .all(|(_, o)| matches!(o, PostOutcome::Sent(Some(_)))),
        "{first:?}"
    );
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 3, "{records:?}");
    for record in &records {
        let value = &record["value"];
        assert_eq!(value["langs"], json!(["en"]));
        assert!(TextLimit::BLUESKY.fits(value["text"].as_str().unwrap()));
    }
    assert!(
        texts(&records).iter().any(|t| t.contains("Alpha")),
        "{records:?}"
    );

    let again = publish_day(store.as_ref(), &client, &settings, day, now)
        .await
        .unwrap();
    assert!(
        again.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{again:?}"
    );
    assert_eq!(
        stack.records(&bot.did).await,
        records,
        "nothing written the second time"
    );
}

/// A publisher that writes for real and then "dies" before the outbox hears of it: the
/// outbox entry stays pending exactly as after a kill between the write and the record.
#[derive(Debug)]
struct DiesAfterWriting(BlueskyClient);

#[async_trait]
impl Publisher for DiesAfterWriting {
    fn platform(&self) -> &str {
        Publisher::platform(&self.0)
    }
    fn text_limit(&self) -> TextLimit {
        self.0.text_limit()
    }
    fn redelivery(&self) -> Redelivery {
        self.0.redelivery()
    }
    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        self.0.post(post).await?;
        Err(PublishError::Unknown(Error::unavailable(
            "bluesky",
            "killed before recording",
        )))
    }
}

#[tokio::test]
async fn a_kill_between_the_write_and_the_record_leaves_one_record_per_kind() {
    let Some(stack) = LocalStack::find("a_kill_between_the_write_and_the_record", false).await
    else {
        return;
    };
    let bot = stack.account("bot").await;
    let now = Utc::now();
    let (store, day) = closed_yesterday(now).await;
    let settings = Settings::default();
    let dying = DiesAfterWriting(stack.client(&bot, store.clone()));
    let first = publish_day(store.as_ref(), &dying, &settings, day, now)
        .await
        .unwrap();
    assert!(
        first
            .iter()
            .all(|(_, o)| matches!(o, PostOutcome::Uncertain(_))),
        "{first:?}"
    );
    assert_eq!(stack.records(&bot.did).await.len(), 3);

    // The next run, a day later, far past any dedupe window: sent again, written once.
    let client = stack.client(&bot, store.clone());
    let later = now + chrono::Duration::days(1);
    let rerun = publish_day(store.as_ref(), &client, &settings, day, later)
        .await
        .unwrap();
    // The outbox kept each post's text and time, so the same record is written again: the PDS
    // answers without a commit.
    assert!(
        rerun.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{rerun:?}"
    );
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 3, "one record per kind: {records:?}");
    let third = publish_day(store.as_ref(), &client, &settings, day, later)
        .await
        .unwrap();
    assert!(
        third.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{third:?}"
    );
}

#[tokio::test]
async fn an_image_post_has_its_blob_and_alt_text() {
    let Some(stack) = LocalStack::find("an_image_post_has_its_blob_and_alt_text", false).await
    else {
        return;
    };
    let bot = stack.account("bot").await;
    let client = stack.client(&bot, support::store());
    let delivery = client
        .post(&post_with_image(
            "Top games",
            "k-image",
            PNG_3X2.to_vec(),
            "Top games: Chess 1.2K h",
        ))
        .await
        .unwrap();
    let Delivery::Posted(uri) = delivery else {
        panic!("{delivery:?}")
    };
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["uri"], uri.as_str());
    let image = &records[0]["value"]["embed"]["images"][0];
    assert_eq!(
        records[0]["value"]["embed"]["$type"],
        "app.bsky.embed.images"
    );
    assert_eq!(image["alt"], "Top games: Chess 1.2K h");
    assert_eq!(image["aspectRatio"], json!({"width": 3, "height": 2}));
    let cid = image["image"]["ref"]["$link"].as_str().unwrap();
    assert_eq!(stack.blob(&bot.did, cid).await, PNG_3X2.to_vec());

    // The same item again: the blob is uploaded again, the identical record is not rewritten.
    let again = client
        .post(&post_with_image(
            "Top games",
            "k-image",
            PNG_3X2.to_vec(),
            "Top games: Chess 1.2K h",
        ))
        .await
        .unwrap();
    assert_eq!(again, Delivery::AlreadyPosted(Some(uri)));
    assert_eq!(stack.records(&bot.did).await.len(), 1);
}

#[tokio::test]
async fn the_session_is_resumed_from_the_store_and_a_wrong_password_is_named() {
    let Some(stack) = LocalStack::find("the_session_is_resumed_from_the_store", false).await else {
        return;
    };
    let bot = stack.account("bot").await;
    let store = support::store();
    stack
        .client(&bot, store.clone())
        .post(&post("one", "k1"))
        .await
        .unwrap();
    // A second run on the same store refreshes the kept session (the PDS rotates the token).
    let second = stack.client(&bot, store.clone());
    assert_eq!(second.own_account_id().await.unwrap(), bot.did);
    second.post(&post("two", "k2")).await.unwrap();
    assert_eq!(stack.records(&bot.did).await.len(), 2);

    let mut wrong = bot.clone();
    wrong.app_password = "aaaa-bbbb-cccc-dddd".into();
    let err = stack
        .client(&wrong, support::store())
        .post(&post("x", "k3"))
        .await
        .unwrap_err();
    let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("BLUESKY_APP_PASSWORD"), "{message}");
}

#[tokio::test]
async fn a_mention_from_another_account_is_answered_once_in_its_thread() {
    let Some(stack) =
        LocalStack::find("a_mention_from_another_account_is_answered_once", true).await
    else {
        return;
    };
    let bot = stack.account("bot").await;
    let alice = stack.account("alice").await;
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let client = stack.client(&bot, store.clone());
    let settings = Settings::default();

    let asked = stack
        .post_as(
            &alice,
            &format!("@{} game Chess", bot.handle),
            &[&bot],
            None,
        )
        .await;
    stack.wait_for_notifications(&bot, 1).await;
    let page = client.mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 1, "{page:?}");
    assert_eq!(
        page.mentions[0].text, "game Chess",
        "the bot's own mention is cut"
    );
    assert_eq!(page.mentions[0].author_id, alice.did);

    let round = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered), (1, 1), "{round:?}");
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 1);
    let reply = &records[0]["value"];
    assert!(
        reply["text"].as_str().unwrap().contains("Alpha"),
        "the top entry: {reply}"
    );
    assert_eq!(reply["reply"]["parent"], asked);
    assert_eq!(reply["reply"]["root"], asked);

    // Nothing is answered twice, however often the round runs.
    let again = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!(again.answered, 0, "{again:?}");
    assert_eq!(stack.records(&bot.did).await.len(), 1);

    // Alice answers the bot's reply: the next reply's root is her first post.
    let bots_reply = json!({"uri": records[0]["uri"], "cid": records[0]["cid"]});
    let follow_up = stack
        .post_as(
            &alice,
            "game Go",
            &[],
            Some(json!({"root": asked, "parent": bots_reply})),
        )
        .await;
    stack.wait_for_notifications(&bot, 2).await;
    let round = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!(round.answered, 1, "{round:?}");
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 2);
    let newest = records
        .iter()
        .find(|r| r["value"]["reply"]["parent"] == follow_up)
        .unwrap_or_else(|| panic!("no reply to the follow-up: {records:?}"));
    assert_eq!(newest["value"]["reply"]["root"], asked);
    assert!(
        newest["value"]["text"].as_str().unwrap().contains("Beta"),
        "{newest}"
    );
}

/// A mention from a device whose clock runs slow: the AppView dates and lists its notification
/// by that earlier `createdAt`, below the cursor the last round stored. It is still answered.
#[tokio::test]
async fn a_mention_from_a_slow_clock_is_answered() {
    let Some(stack) = LocalStack::find("a_mention_from_a_slow_clock_is_answered", true).await
    else {
        return;
    };
    let bot = stack.account("bot").await;
    let alice = stack.account("alice").await;
    let (store, _) = closed_yesterday(Utc::now()).await;
    let client = stack.client(&bot, store.clone());
    let settings = Settings::default();
    stack
        .post_as(
            &alice,
            &format!("@{} game Chess", bot.handle),
            &[&bot],
            None,
        )
        .await;
    stack.wait_for_notifications(&bot, 1).await;
    let first = answer_round(&client, &client, store.as_ref(), &settings, Utc::now())
        .await
        .unwrap();
    assert_eq!(first.answered, 1, "{first:?}");

    let written = stack
        .post_from_a_slow_clock(
            &alice,
            &format!("@{} game Go", bot.handle),
            &[&bot],
            std::time::Duration::from_secs(120),
        )
        .await;
    stack.wait_for_notifications(&bot, 2).await;
    let listed = stack
        .get(
            "app.bsky.notification.listNotifications",
            Some(&bot.access),
            &[],
        )
        .await;
    assert_eq!(
        listed["notifications"][1]["uri"], written["uri"],
        "the AppView lists it below the first mention: {listed}"
    );
    let second = answer_round(&client, &client, store.as_ref(), &settings, Utc::now())
        .await
        .unwrap();
    assert_eq!((second.seen, second.answered), (1, 1), "{second:?}");
    let records = stack.records(&bot.did).await;
    assert!(
        records
            .iter()
            .any(|r| r["value"]["reply"]["parent"]["uri"] == written["uri"]),
        "{records:#?}"
    );
}
