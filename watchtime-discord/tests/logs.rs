//! Nothing secret reaches the logs: a trace-level capture (the publisher's own events and the
//! HTTP stack's, through the `log` bridge) of posting, a rate limit, a 5xx and a refused
//! webhook holds neither the webhook URL nor its token.
//!
//! Its own test binary, because it installs the global subscriber.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use watchtime_core::testkit::logs::LogCapture;

use support::post;
use watchtime_core::Publisher;
use watchtime_discord::fake::{DiscordFake, Fault, WEBHOOK_TOKEN};
use watchtime_discord::{DiscordClient, DiscordConfig};

#[tokio::test]
async fn logs_hold_no_webhook() {
    let capture = LogCapture::install("trace");

    let fake = DiscordFake::start().await.faults([Fault::RateLimited {
        retry_after: 0.05,
        global: false,
    }]);
    let client = fake.client();
    tracing::debug!(config = ?fake.config(), ?client, "publisher");
    client.post(&post("daily", "k1")).await.unwrap();
    fake.queue_faults([Fault::ServerErrorAfterPost(502)]);
    let err = client.post(&post("daily", "k2")).await.unwrap_err();
    tracing::error!(%err, ?err, "post failed");

    let wrong = fake
        .webhook_url()
        .replace(WEBHOOK_TOKEN, "tok-SECRET-wrong");
    let refused = DiscordClient::new(DiscordConfig::new(wrong.into())).unwrap();
    let err = refused.post(&post("x", "k3")).await.unwrap_err();
    tracing::error!(%err, ?err, "post failed");

    let logs = capture.text();
    assert!(
        logs.contains("discord webhook request"),
        "nothing captured:\n{logs}"
    );
    assert!(
        logs.contains("hyper_util"),
        "the HTTP stack's logs are not captured"
    );
    assert!(logs.contains("retrying discord webhook"), "{logs}");
    assert!(logs.contains("discord webhook answered 502"), "{logs}");
    assert!(logs.contains("check DISCORD_WEBHOOK_URL"), "{logs}");
    capture.assert_free_of(&["SECRET", "/api/webhooks", WEBHOOK_TOKEN]);
}
