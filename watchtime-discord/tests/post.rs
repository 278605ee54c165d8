//! Executing the webhook: what is sent, and what each failure means for delivery.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::post;
use watchtime_core::Error;
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, Mention, PublishError, Publisher, Redelivery};
use watchtime_core::retry::RetryPolicy;
use watchtime_discord::fake::{DiscordFake, Fault, WEBHOOK_ID, WEBHOOK_TOKEN};
use watchtime_discord::{DiscordClient, DiscordConfig};

fn message_id(fake: &DiscordFake, i: usize) -> String {
    fake.messages()[i]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_post_goes_out_once_waiting_for_the_message_and_pinging_nobody() {
    let fake = DiscordFake::start().await;
    let client = fake.client();
    assert_eq!(client.platform(), "discord");
    assert_eq!(client.text_limit(), TextLimit::DISCORD);
    assert_eq!(client.redelivery(), Redelivery::Duplicates);
    assert!(!client.takes_replies());

    let delivery = client
        .post(&post("@everyone Top games", "k"))
        .await
        .unwrap();

    assert_eq!(delivery, Delivery::Posted(message_id(&fake, 0)));
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(
        r.url.path(),
        format!("/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    );
    assert_eq!(r.url.query(), Some("wait=true"));
    assert_eq!(
        r.body_json::<serde_json::Value>().unwrap(),
        json!({"content": "@everyone Top games", "allowed_mentions": {"parse": []}})
    );
}

#[tokio::test]
async fn the_webhook_query_is_kept() {
    let fake = DiscordFake::start().await;
    let config = DiscordConfig::new(format!("{}?thread_id=77", fake.webhook_url()).into());
    DiscordClient::new(config)
        .unwrap()
        .post(&post("x", "k"))
        .await
        .unwrap();
    let requests = fake.requests().await;
    assert_eq!(requests[0].url.query(), Some("thread_id=77&wait=true"));
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_then_posted_once() {
    let fake = DiscordFake::start().await.faults([Fault::RateLimited {
        retry_after: 0.5,
        global: false,
    }]);
    let client = fake.client();

    let started = Instant::now();
    let delivery = client.post(&post("x", "k")).await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_millis(950),
        "waited for the rounded Retry-After header instead of retry_after"
    );
    assert_eq!(delivery, Delivery::Posted(message_id(&fake, 0)));
    assert_eq!(fake.messages().len(), 1);
    assert_eq!(fake.requests().await.len(), 2);
}

#[tokio::test]
async fn a_rate_limit_beyond_the_cap_is_not_sent() {
    let fake = DiscordFake::start().await.faults([Fault::RateLimited {
        retry_after: 600.0,
        global: true,
    }]);

    let err = fake.client().post(&post("x", "k")).await.unwrap_err();

    let PublishError::NotSent(Error::RateLimited { retry_after, .. }) = err else {
        panic!("{err:?}");
    };
    assert_eq!(retry_after, Some(Duration::from_secs(600)));
    assert_eq!(fake.requests().await.len(), 1);
    assert!(fake.messages().is_empty());
}

#[tokio::test]
async fn a_5xx_is_unknown_after_exactly_one_request() {
    // The message went out and the answer was lost: a retry would post it twice.
    let fake = DiscordFake::start()
        .await
        .faults([Fault::ServerErrorAfterPost(502)]);

    let err = fake.client().post(&post("x", "k")).await.unwrap_err();

    assert!(
        matches!(&err, PublishError::Unknown(e @ Error::Unavailable { .. }) if watchtime_core::ErrorChain(e).to_string() == "discord is temporarily unavailable: discord webhook answered 502"),
        "{err:?}"
    );
    assert_eq!(fake.requests().await.len(), 1);
    assert_eq!(fake.messages().len(), 1);
}

#[tokio::test]
async fn a_5xx_that_posted_nothing_is_still_unknown() {
    let fake = DiscordFake::start().await.faults([Fault::ServerError(500)]);

    let err = fake.client().post(&post("x", "k")).await.unwrap_err();

    assert!(matches!(&err, PublishError::Unknown(_)), "{err:?}");
    assert_eq!(fake.requests().await.len(), 1);
    assert!(fake.messages().is_empty());
}

#[tokio::test]
async fn a_timeout_is_unknown_and_not_retried() {
    let fake = DiscordFake::start()
        .await
        .faults([Fault::SlowAfterPost(Duration::from_secs(3))]);
    let client =
        DiscordClient::new(fake.config().with_timeout(Duration::from_millis(300))).unwrap();

    let err = client.post(&post("x", "k")).await.unwrap_err();

    assert!(
        matches!(&err, PublishError::Unknown(Error::Unavailable { .. })),
        "{err:?}"
    );
    assert_eq!(fake.requests().await.len(), 1);
    assert_eq!(fake.messages().len(), 1);
}

#[tokio::test]
async fn a_crash_between_send_and_record_would_post_twice() {
    // The process posted, then died before the outbox recorded it. Discord has no idempotency
    // key, so sending the same item again posts a second message. This is why the client says
    // Redelivery::Duplicates and the core holds unfinished Discord posts instead of resending.
    let fake = DiscordFake::start().await;
    let item = post(
        "Top games, May 1",
        "watchtime:discord:post/2026-05-01/top-games",
    );

    let first = fake.client().post(&item).await.unwrap();
    let second = fake.client().post(&item).await.unwrap();

    assert_eq!(fake.messages().len(), 2);
    assert_ne!(first, second);
    assert_eq!(fake.client().redelivery(), Redelivery::Duplicates);
}

#[tokio::test]
async fn an_invalid_webhook_says_what_to_check_and_never_the_url() {
    let fake = DiscordFake::start().await;
    let uri = fake.webhook_url();
    let cases = [
        (uri.replace(WEBHOOK_TOKEN, "tok-SECRET-wrong"), 401),
        (uri.replace("/123/", "/999/"), 404),
    ];
    for (url, status) in cases {
        let config = DiscordConfig::new(url.clone().into()).with_retry(RetryPolicy::immediate(3));
        let err = DiscordClient::new(config)
            .unwrap()
            .post(&post("x", "k"))
            .await
            .unwrap_err();
        let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
            panic!("{err:?}");
        };
        assert!(message.contains("DISCORD_WEBHOOK_URL"), "{message}");
        assert!(message.contains(&status.to_string()), "{message}");
        let everything = format!("{err} {err:?}");
        assert!(!everything.contains("SECRET"), "{everything}");
        assert!(!everything.contains("/api/webhooks"), "{everything}");
    }
    assert_eq!(fake.requests().await.len(), 2, "refusals are not retried");
    assert!(fake.messages().is_empty());
}

#[tokio::test]
async fn a_refused_message_is_not_sent() {
    let fake = DiscordFake::start().await;

    let err = fake.client().post(&post("", "k")).await.unwrap_err();

    let PublishError::NotSent(Error::InvalidInput { message }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("empty message (50006)"), "{message}");
    assert_eq!(fake.requests().await.len(), 1);
}

#[tokio::test]
async fn the_limit_is_2000_characters_checked_before_sending() {
    let fake = DiscordFake::start().await;
    let client = fake.client();

    let err = client
        .post(&post(&"原".repeat(2001), "k"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PublishError::NotSent(Error::InvalidInput { message }) if message.contains("2001")),
        "{err:?}"
    );
    assert!(fake.requests().await.is_empty());

    client.post(&post(&"原".repeat(2000), "k")).await.unwrap();
    assert_eq!(fake.messages().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let config =
        DiscordConfig::new(format!("http://127.0.0.1:{port}/api/webhooks/1/tok-SECRET-x").into())
            .with_retry(RetryPolicy::immediate(3));

    let err = DiscordClient::new(config)
        .unwrap()
        .post(&post("x", "k"))
        .await
        .unwrap_err();

    assert!(
        matches!(&err, PublishError::NotSent(Error::Unavailable { .. })),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("SECRET"), "{err:?}");
}

#[tokio::test]
async fn replies_are_refused_without_a_request() {
    let fake = DiscordFake::start().await;
    let mention = Mention {
        id: "1".into(),
        author_id: "2".into(),
        author_handle: "a".into(),
        text: "top games".into(),
        created_at: chrono_now(),
        reply_prefix: String::new(),
    };

    let err = fake
        .client()
        .reply(&mention, &post("x", "k"))
        .await
        .unwrap_err();

    assert!(
        matches!(&err, PublishError::NotSent(Error::InvalidInput { .. })),
        "{err:?}"
    );
    assert!(fake.requests().await.is_empty());
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_777_636_800, 0).unwrap()
}

#[tokio::test]
async fn a_garbled_success_is_posted_without_an_id() {
    let fake = DiscordFake::start().await.faults([Fault::Garbled]);

    let delivery = fake.client().post(&post("x", "k")).await.unwrap();

    assert_eq!(delivery, Delivery::AlreadyPosted(None));
    assert_eq!(fake.messages().len(), 1);
    assert_eq!(fake.requests().await.len(), 1);
}

#[test]
fn a_bad_webhook_url_is_refused_without_echoing_it() {
    for url in [
        "not a url tok-SECRET",
        "ftp://discord.com/api/webhooks/1/tok-SECRET",
    ] {
        let err = DiscordClient::new(DiscordConfig::new(url.into())).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(text.contains("DISCORD_WEBHOOK_URL"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}
