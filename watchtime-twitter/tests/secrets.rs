//! No credential reaches a log line, even at trace level, or an error or `Debug` output.

#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is a failure with its reason.

use secrecy::SecretString;
use watchtime_core::ports::{MentionSource, Post, Publisher};
use watchtime_core::testkit::logs::LogCapture;
use watchtime_twitter::TwitterClient;
use watchtime_twitter::fake::{BOT_HANDLE, FakeMention, Route, SECRETS, XFake};

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} contains {secret}:\n{text}");
    }
}

/// Every crate's events at trace level (ours, reqwest's, hyper's); the fake's own are left out.
#[tokio::test]
async fn trace_logs_of_a_post_and_a_mentions_read_hold_no_secret() {
    let capture = LogCapture::install("trace,wiremock=off");

    let x = XFake::start()
        .await
        .with_mentions(vec![FakeMention::new(
            1_861_000_000_000_000_001,
            "42",
            "alice",
            &format!("@{BOT_HANDLE} minecraft"),
        )])
        .failing_once(Route::Mentions, 503);
    let client = x.client();
    let post = Post {
        text: "Most watched games".into(),
        created_at: "2026-11-27T22:00:00Z".parse().expect("a time"),
        idempotency_key: "k".into(),
        image: None,
    };
    client.post(&post).await.unwrap();
    let page = client.mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 1);
    // A failure path too: a wrong secret gets a 401 with its message logged and returned.
    let mut config = x.config();
    config.access_token_secret = SecretString::from("wrong".to_owned());
    let err = TwitterClient::new(config.clone())
        .unwrap()
        .post(&post)
        .await
        .unwrap_err();
    tracing::error!(%err, ?config, "reported");

    let logs = capture.text();
    // The capture saw the traffic, so an absence of secrets means something.
    assert!(logs.contains("x request"), "{logs}");
    assert!(
        logs.contains("/2/tweets") && logs.contains("/mentions"),
        "{logs}"
    );
    assert!(logs.contains("status=503"), "{logs}");
    capture.assert_free_of(&SECRETS);
    assert_no_secret("error", &format!("{err} {err:?}"));
    assert_no_secret("config Debug", &format!("{config:?}"));
    assert_no_secret("client Debug", &format!("{client:?}"));
    assert_eq!(x.total_requests().await, 5);
}
