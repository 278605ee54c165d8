//! A post or reply killed between send and record, then the data changes, then a retry: the
//! retry sends the exact text of the first attempt, so X (which refuses only identical text)
//! holds one copy, never a second one built from the new data.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use support::{DAY, NOW, Site, now_plus};
use watchtime_core::outbox::OutboxState;
use watchtime_twitter::fake::{self as x, FakeMention, Route, XFake};

const ONLY_X: (&str, &str) = ("WATCHTIME_PUBLISHER", "twitter");

/// Writes one snapshot line taken at `taken_at` holding one stream, and imports it.
async fn import_one(site: &Site, taken_at: &str, stream: Value) -> String {
    let line = serde_json::json!({"taken_at": taken_at, "complete": true, "streams": [stream]});
    let path = site.dir.path().join("late.jsonl");
    std::fs::write(&path, format!("{line}\n")).unwrap();
    site.run(&[], &["import", path.to_str().unwrap()])
        .await
        .ok()
        .stdout
}

fn text_of(body: &Value) -> String {
    body["text"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_retried_after_a_reclose_is_the_first_text() {
    let mut site = Site::new();
    let x = XFake::start()
        .await
        .slow_once(Route::Tweets, Duration::from_secs(60));
    site.x(&x);
    site.run_killed_after(&[ONLY_X], &["post", DAY], || x.posts().len() == 1)
        .await;
    let first = x.posts()[0].text.clone();
    let entry = site.post_entry("twitter", "top-games").await.unwrap();
    assert_eq!(entry.state, OutboxState::Pending);
    assert_eq!(entry.payload.map(|p| p.text), Some(first.clone()));

    // A late snapshot of the day arrives; the import closes the day again with a new leader.
    let stdout = import_one(
        &site,
        "2026-11-25T20:00:05Z",
        serde_json::json!({"user_id": "990001", "user_login": "latecomer",
            "user_name": "Latecomer", "game_id": "770001", "game_name": "Brand New Game",
            "viewer_count": 9_000_000}),
    )
    .await;
    assert!(stdout.contains(&format!("closed {DAY}")), "{stdout}");
    let dry = site
        .run(&[ONLY_X], &["post", DAY, "--dry-run"])
        .await
        .ok()
        .stdout;
    assert!(
        dry.contains("Brand New Game"),
        "the rebuilt post differs: {dry}"
    );
    assert!(!first.contains("Brand New Game"));

    // Ten minutes later, within X's duplicate window: the first text goes again and X refuses
    // it as a duplicate, so the account holds one top-games post, the first one.
    let run = site
        .run(&[ONLY_X, ("WATCHTIME_NOW", &now_plus(10))], &["post", DAY])
        .await
        .ok();
    assert_eq!(
        run.outcome("twitter", "top-games"),
        "already sent earlier; nothing sent"
    );
    let bodies = x.tweet_bodies();
    assert_eq!(bodies.len(), 4, "{bodies:#?}");
    assert_eq!(text_of(&bodies[1]), first, "the retry is word for word");
    let posts = x.posts();
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert_eq!(posts[0].text, first);
    assert!(
        !posts[1..]
            .iter()
            .any(|p| p.text == text_of(&bodies[1]) && p.reply_to.is_none()),
        "no second copy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_retried_after_new_data_is_the_first_text() {
    let mut site = Site::new();
    // A streamer of the imported day, asked about today, before any snapshot of today.
    let report = site.run(&[], &["report", DAY, "--json"]).await.ok().stdout;
    let report: Value = serde_json::from_str(&report).unwrap();
    let streamer = &report["streamers"][0];
    let (id, name) = (
        streamer["id"].as_str().unwrap().to_owned(),
        streamer["name"].as_str().unwrap().to_owned(),
    );
    let asked: DateTime<Utc> = NOW.parse::<DateTime<Utc>>().unwrap() - chrono::Duration::minutes(3);
    let mention = FakeMention::new(
        1_862_000_000_000_000_010,
        "4242",
        "kai",
        &format!("@{} {name} today", x::BOT_HANDLE),
    )
    .at(asked);
    let x = XFake::start()
        .await
        .with_mentions(vec![mention])
        .slow_once(Route::Tweets, Duration::from_secs(60));
    site.x(&x);
    site.run_killed_after(&[ONLY_X], &["answer"], || x.replies().len() == 1)
        .await;
    let first = x.replies()[0].text.clone();

    // A snapshot of the current slot is imported: "today so far" has data now.
    import_one(
        &site,
        "2026-11-26T22:00:05Z",
        serde_json::json!({"user_id": id, "user_login": name.to_lowercase(),
            "user_name": name, "game_id": "509658", "game_name": "Just Chatting",
            "viewer_count": 12_345}),
    )
    .await;
    let asked_now = site
        .run(
            &[("WATCHTIME_NOW", &now_plus(5))],
            &["ask", &format!("{name} today")],
        )
        .await
        .ok()
        .stdout;
    assert!(
        asked_now.contains("Just Chatting"),
        "the rebuilt reply differs: {asked_now}"
    );

    let run = site
        .run(&[ONLY_X, ("WATCHTIME_NOW", &now_plus(5))], &["answer"])
        .await
        .ok();
    let bodies = x.tweet_bodies();
    assert_eq!(bodies.len(), 2, "{run:#?}");
    assert_eq!(text_of(&bodies[1]), first, "the retry is word for word");
    let replies = x.replies();
    assert_eq!(replies.len(), 1, "one reply to the mention: {replies:#?}");
    assert!(!first.contains("Just Chatting"), "{first}");
}
