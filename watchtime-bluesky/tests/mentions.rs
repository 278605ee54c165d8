//! Mentions against the fake: each one answered once, in its thread, never the bot's own; the
//! cursor walks pages; a deleted mention or a malformed page fails alone.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use chrono::Utc;
use serde_json::Value;
use support::closed_yesterday;
use watchtime_bluesky::fake::{BlueskyFake, DID, Fault, HANDLE};
use watchtime_core::bot::answer_round;
use watchtime_core::prelude::*;
use watchtime_core::{Error, Settings};

const LIST: &str = "app.bsky.notification.listNotifications";

/// The bot's replies: (text, reply refs).
fn replies(fake: &BlueskyFake) -> Vec<(String, Value)> {
    fake.bot_posts()
        .into_iter()
        .filter(|(_, r)| r.get("reply").is_some())
        .map(|(_, r)| (r["text"].as_str().unwrap().to_owned(), r["reply"].clone()))
        .collect()
}

#[tokio::test]
async fn a_mention_is_answered_once_in_its_thread() {
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    fake.account("bob.test");
    let client = fake.client(store.clone());
    let settings = Settings::default();

    let asked = fake.post_as("alice.test", &format!("@{HANDLE} game Chess"), None);
    let round = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered), (1, 1), "{round:?}");
    let all = replies(&fake);
    assert_eq!(all.len(), 1);
    let (text, refs) = &all[0];
    assert!(text.contains("Alpha"), "the top streamer of Chess: {text}");
    assert!(!text.contains('@'), "{text}");
    assert_eq!(refs["parent"]["uri"], asked);
    assert_eq!(refs["root"]["uri"], asked);
    assert_eq!(refs["root"]["cid"], refs["parent"]["cid"]);
    assert!(
        refs["parent"]["cid"]
            .as_str()
            .unwrap()
            .starts_with("bafyrei")
    );

    // Read again: nothing new, nothing answered twice.
    let again = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!(again.answered, 0, "{again:?}");
    assert_eq!(replies(&fake).len(), 1);

    // Bob answers the bot's reply: a reply to the bot, whose root is Alice's post.
    let bots_reply = format!(
        "at://{DID}/app.bsky.feed.post/{}",
        fake.bot_posts()
            .iter()
            .find(|(_, r)| r.get("reply").is_some())
            .unwrap()
            .0
    );
    let follow_up = fake.post_as("bob.test", "game Go", Some(&bots_reply));
    let round = answer_round(&client, &client, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!(round.answered, 1, "{round:?}");
    let all = replies(&fake);
    let (text, refs) = all
        .iter()
        .find(|(_, r)| r["parent"]["uri"] == follow_up)
        .unwrap();
    assert!(text.contains("Beta"), "the top streamer of Go: {text}");
    assert_eq!(
        refs["root"]["uri"], asked,
        "the thread's root, not the parent"
    );
}

#[tokio::test]
async fn the_bots_own_posts_and_others_threads_are_not_answered() {
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    fake.account("bob.test");
    let client = fake.client(store.clone());
    fake.post_as(HANDLE, &format!("@{HANDLE} game Chess"), None);
    // Bob answers Alice's post, in a thread the bot is not part of: no notification at all.
    let alices = fake.post_as("alice.test", "hello", None);
    fake.post_as("bob.test", "game Chess", Some(&alices));
    let round = answer_round(&client, &client, store.as_ref(), &Settings::default(), now)
        .await
        .unwrap();
    assert_eq!(
        (round.seen, round.answered, round.skipped),
        (1, 0, 1),
        "{round:?}"
    );
    assert!(replies(&fake).is_empty());
}

#[tokio::test]
async fn a_deleted_mention_is_refused_alone() {
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let fake = BlueskyFake::start().await;
    fake.account("carol.test");
    fake.account("dave.test");
    let client = fake.client(store.clone());
    let gone = fake.post_as("carol.test", &format!("@{HANDLE} Chess"), None);
    let kept = fake.post_as("dave.test", &format!("@{HANDLE} Go"), None);
    fake.delete(&gone);
    let round = answer_round(&client, &client, store.as_ref(), &Settings::default(), now)
        .await
        .unwrap();
    // The deleted mention is a refusal of that mention alone (not left unfinished).
    assert_eq!(
        (round.seen, round.answered, round.rejected, round.unfinished),
        (2, 1, 1, 0),
        "{round:?}"
    );
    let all = replies(&fake);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1["parent"]["uri"], kept);
}

#[tokio::test]
async fn a_malformed_page_fails_the_round_and_the_next_one_reads_it() {
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    let client = fake.client(store.clone());
    fake.post_as("alice.test", &format!("@{HANDLE} Chess"), None);
    fake.fail_next(LIST, Fault::Malformed);
    let err = answer_round(&client, &client, store.as_ref(), &Settings::default(), now)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(store.mention_cursor("bluesky").await.unwrap(), None);
    let round = answer_round(&client, &client, store.as_ref(), &Settings::default(), now)
        .await
        .unwrap();
    assert_eq!(round.answered, 1, "{round:?}");
}

#[tokio::test]
async fn the_cursor_walks_every_page_and_then_only_new_mentions_are_read() {
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    let client = fake.client(support::store());
    let uris: Vec<String> = (0..250)
        .map(|i| fake.post_as("alice.test", &format!("@{HANDLE} question {i}"), None))
        .collect();
    let page = client.mentions_since(None).await.unwrap();
    assert_eq!(fake.calls(LIST), 3, "100 + 100 + 50");
    assert!(!page.more);
    let read: Vec<&str> = page.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        read,
        uris.iter().map(String::as_str).collect::<Vec<_>>(),
        "oldest first"
    );
    assert_eq!(page.mentions[0].text, "question 0");
    assert_eq!(page.mentions[0].author_handle, "alice.test");
    assert!(page.mentions[0].reply_prefix.is_empty());
    let cursor = page.cursor.unwrap();

    let newer = fake.post_as("alice.test", &format!("@{HANDLE} one more"), None);
    let page = client.mentions_since(Some(&cursor)).await.unwrap();
    // The read goes 15 minutes below the cursor (the 250, a second apart, are all within it)
    // and hands over only the new one: the others came with the cursor now passed back.
    assert_eq!(fake.calls(LIST), 6);
    let ids: Vec<&str> = page.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [newer.as_str()]);
    let next = page.cursor.unwrap();
    assert!(next > cursor);

    // Passing an older cursor (the last page was not handled) hands the page over again.
    let again = client.mentions_since(Some(&cursor)).await.unwrap();
    let ids: Vec<&str> = again.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [newer.as_str()]);
}

#[tokio::test]
async fn a_mention_from_a_slow_clock_below_the_cursor_is_answered_once() {
    let now = Utc::now();
    let (store, _) = closed_yesterday(now).await;
    let fake = BlueskyFake::start().await;
    for who in ["alice.test", "bob.test", "carol.test", "dave.test"] {
        fake.account(who);
    }
    let client = fake.client(store.clone());
    let settings = Settings::default();
    let round = || answer_round(&client, &client, store.as_ref(), &settings, now);

    fake.post_as("alice.test", &format!("@{HANDLE} game Chess"), None);
    assert_eq!(round().await.unwrap().answered, 1);
    // The stored cursor's own notification is read again, but not handed over again.
    fake.post_as("bob.test", &format!("@{HANDLE} game Go"), None);
    let second = round().await.unwrap();
    assert_eq!((second.seen, second.answered), (1, 1), "{second:?}");

    // Carol's phone runs five minutes slow: the AppView lists her mention below Bob's, under
    // the stored cursor. The read below the cursor answers it, and nothing else again.
    let slow = fake.post_from_a_slow_clock(
        "carol.test",
        &format!("@{HANDLE} game Chess"),
        std::time::Duration::from_secs(5 * 60),
    );
    let third = round().await.unwrap();
    assert_eq!((third.seen, third.answered), (1, 1), "{third:?}");
    assert!(
        replies(&fake)
            .iter()
            .any(|(_, refs)| refs["parent"]["uri"] == slow.as_str())
    );
    let fourth = round().await.unwrap();
    assert_eq!((fourth.seen, fourth.answered), (0, 0), "{fourth:?}");

    // A clock slower than the lookback is beyond it: that mention is not read.
    fake.post_from_a_slow_clock(
        "dave.test",
        &format!("@{HANDLE} game Go"),
        std::time::Duration::from_secs(60 * 60),
    );
    assert_eq!(round().await.unwrap().seen, 0);
    assert_eq!(replies(&fake).len(), 3);

    // A new client (a restart) hands the lookback over once more; the outbox answers none.
    let restarted = fake.client(store.clone());
    let again = answer_round(&restarted, &restarted, store.as_ref(), &settings, now)
        .await
        .unwrap();
    assert_eq!(again.answered, 0, "{again:?}");
    assert_eq!(replies(&fake).len(), 3);
}
