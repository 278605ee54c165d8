//! Nothing secret reaches the logs: a trace-level capture (the client's own events and the HTTP
//! stack's, through the `log` bridge) of connecting, posting, retrying, reading mentions,
//! replying and failing holds neither the access token nor a refused one.
//!
//! Its own test binary, because it installs the global subscriber.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use watchtime_core::testkit::logs::LogCapture;

use support::post;
use watchtime_core::{MentionSource, Publisher};
use watchtime_mastodon::MastodonClient;
use watchtime_mastodon::fake::{Fault, MastodonFake, TOKEN};

#[tokio::test]
async fn logs_hold_no_token() {
    let capture = LogCapture::install("trace");

    let fake = MastodonFake::start()
        .await
        .mention("1", "9001", "alice", "<p>@watchtime top games</p>")
        .post_faults([Fault::ServerErrorAfterCreate(502)]);
    let client = fake.client().await;
    client.post(&post("daily", "k-daily")).await.unwrap();
    let page = client.mentions_since(None).await.unwrap();
    client.own_account_id().await.unwrap();
    client
        .reply(&page.mentions[0], &post("@alice answer", "k-reply"))
        .await
        .unwrap();

    let mut config = fake.config();
    config.access_token = "refused-SECRET-token".into();
    tracing::debug!(?config, "config");
    let refused = MastodonClient::connect(config).await.unwrap();
    tracing::debug!(?refused, "client");
    let err = refused.post(&post("x", "k-x")).await.unwrap_err();
    tracing::error!(%err, ?err, "post failed");

    let logs = capture.text();
    assert!(
        logs.contains("mastodon request"),
        "nothing captured:\n{logs}"
    );
    assert!(
        logs.contains("hyper_util"),
        "the HTTP stack's logs are not captured"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("refused the access token"), "{logs}");
    capture.assert_free_of(&[TOKEN, "refused-SECRET-token", "SECRET"]);
}
