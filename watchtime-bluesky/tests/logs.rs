//! Nothing secret reaches the logs: a trace-level capture (the client's own events and the HTTP
//! stack's, through the `log` bridge) of logging in, refreshing, posting with an image,
//! retrying, reading mentions, replying and failing holds neither the app password nor any
//! access or refresh token.
//!
//! Its own test binary, because it installs the global subscriber.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use support::{png, post, post_with_image, store};
use watchtime_bluesky::BlueskyClient;
use watchtime_bluesky::fake::{APP_PASSWORD, BlueskyFake, Fault, HANDLE, TOKEN_PREFIX};
use watchtime_core::testkit::logs::LogCapture;
use watchtime_core::{MentionSource, Publisher};

#[tokio::test]
async fn logs_hold_no_password_and_no_token() {
    let capture = LogCapture::install("trace");

    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    fake.post_as("alice.test", &format!("@{HANDLE} Chess"), None);
    fake.fail_next(
        "com.atproto.repo.putRecord",
        Fault::ServerErrorAfterWork(502),
    );
    let store = store();
    let client = fake.client(store.clone());
    tracing::debug!(?client, config = ?fake.config(), "client");
    client
        .post(&post_with_image("daily", "k-daily", png(4, 3), "alt"))
        .await
        .unwrap();
    let page = client.mentions_since(None).await.unwrap();
    fake.expire_access_tokens();
    client
        .reply(&page.mentions[0], &post("answer", "k-reply"))
        .await
        .unwrap();
    // A new run refreshes the stored session; then a refused login.
    fake.client(store.clone())
        .post(&post("two", "k2"))
        .await
        .unwrap();
    let mut config = fake.config();
    config.app_password = "refused-SECRET-password".into();
    let refused = BlueskyClient::new(config, support::store()).unwrap();
    let err = refused.post(&post("x", "k-x")).await.unwrap_err();
    tracing::error!(%err, ?err, "post failed");

    let logs = capture.text();
    assert!(
        logs.contains("bluesky request"),
        "nothing captured:\n{logs}"
    );
    assert!(
        logs.contains("hyper_util"),
        "the HTTP stack's logs are not captured"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("renewing"), "{logs}");
    assert!(logs.contains("BLUESKY_APP_PASSWORD"), "{logs}");
    capture.assert_free_of(&[
        APP_PASSWORD,
        TOKEN_PREFIX,
        "refused-SECRET-password",
        "SECRET",
    ]);
}
