//! Posting statuses: what is sent, and what each failure means for delivery.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::time::{Duration, Instant};

use support::post;
use watchtime_core::Error;
use watchtime_core::message::{CountRule, TextLimit};
use watchtime_core::ports::{Delivery, Mention, PublishError, Publisher, Redelivery};
use watchtime_core::retry::RetryPolicy;
use watchtime_mastodon::fake::{Fault, MastodonFake, TOKEN};
use watchtime_mastodon::{MastodonClient, MastodonConfig, MastodonError, Visibility};

const STATUSES: &str = "/api/v1/statuses";

#[tokio::test]
async fn a_post_goes_out_once_with_token_key_and_visibility() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;
    assert_eq!(client.platform(), "mastodon");
    assert_eq!(
        client.redelivery(),
        Redelivery::Deduplicated {
            within: watchtime_mastodon::IDEMPOTENCY_WINDOW
        }
    );
    assert!(client.takes_replies());

    let delivery = client.post(&post("Top games", "key-1")).await.unwrap();

    let created = fake.created();
    assert_eq!(created.len(), 1);
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    assert_eq!(
        created[0].body,
        serde_json::json!({"status": "Top games", "visibility": "public"})
    );
    let posts = fake.requests_to("POST", STATUSES).await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].headers["idempotency-key"], "key-1");
    assert_eq!(
        posts[0].headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    // Connecting read the instance once; nothing else was asked.
    assert_eq!(fake.requests().await.len(), 2);
}

fn mention(id: &str, acct: &str) -> Mention {
    Mention {
        id: id.into(),
        author_id: "42".into(),
        author_handle: acct.into(),
        text: "top games".into(),
        created_at: chrono::Utc::now(),
        reply_prefix: format!("@{acct} "),
    }
}

#[tokio::test]
async fn a_reply_names_the_status_it_answers_and_is_unlisted() {
    let fake = MastodonFake::start().await.mention(
        "500",
        "9500",
        "alice@other.example",
        "<p>@watchtime top games</p>",
    );
    let client = fake.client().await;

    let delivery = client
        .reply(
            &mention("9500", "alice@other.example"),
            &post("@alice@other.example 1. Just Chatting", "reply-9500"),
        )
        .await
        .unwrap();

    let created = fake.created();
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    assert_eq!(
        created[0].body,
        serde_json::json!({
            "status": "@alice@other.example 1. Just Chatting",
            "visibility": "unlisted",
            "in_reply_to_id": "9500",
        })
    );
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 1);
}

#[tokio::test]
async fn a_reply_to_a_direct_mention_stays_direct() {
    use watchtime_core::MentionSource;
    let fake = MastodonFake::start()
        .await
        .mention_with_visibility("1", "9001", "bob", "<p>@watchtime hi</p>", "direct")
        .mention_with_visibility("2", "9002", "carol", "<p>@watchtime hi</p>", "private");
    let client = fake.client().await;
    let page = client.mentions_since(None).await.unwrap();
    for m in &page.mentions {
        let text = format!("{}answer", m.reply_prefix);
        client
            .reply(m, &post(&text, &format!("reply-{}", m.id)))
            .await
            .unwrap();
    }
    let visibilities: Vec<_> = fake
        .created()
        .iter()
        .map(|c| {
            (
                c.body["in_reply_to_id"].clone(),
                c.body["visibility"].clone(),
            )
        })
        .collect();
    assert_eq!(
        visibilities,
        [
            ("9001".into(), "direct".into()),
            ("9002".into(), "private".into())
        ]
    );
}

#[tokio::test]
async fn configured_visibilities_are_sent() {
    let fake = MastodonFake::start().await;
    let config = fake
        .config()
        .with_visibility(Visibility::Unlisted, Visibility::Private);
    let client = MastodonClient::connect(config).await.unwrap();
    client.post(&post("a", "k-a")).await.unwrap();
    client
        .reply(&mention("9", "dan"), &post("@dan b", "k-b"))
        .await
        .unwrap_err(); // status 9 is unknown to the instance: 404
    let created = fake.created();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].body["visibility"], "unlisted");
    let reply = &fake.requests_to("POST", STATUSES).await[1];
    let body: serde_json::Value = reply.body_json().unwrap();
    assert_eq!(body["visibility"], "private");
}

#[tokio::test]
async fn rate_limit_waits_until_the_iso_reset_then_posts() {
    let fake = MastodonFake::start()
        .await
        .post_faults([Fault::RateLimited(Duration::from_secs(1))]);
    let client = fake.client().await;

    let started = Instant::now();
    let delivery = client.post(&post("x", "k")).await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(delivery, Delivery::Posted(fake.created()[0].id.clone()));
    assert_eq!(fake.created().len(), 1);
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 2);
}

#[tokio::test]
async fn a_reset_beyond_the_cap_fails_at_once_as_not_sent() {
    let fake = MastodonFake::start()
        .await
        .post_faults([Fault::RateLimited(Duration::from_secs(600))]);
    let client = fake.client().await;

    let err = client.post(&post("x", "k")).await.unwrap_err();

    let PublishError::NotSent(Error::RateLimited { retry_after, .. }) = err else {
        panic!("{err:?}");
    };
    let wait = retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(590) && wait <= Duration::from_secs(600),
        "{wait:?}"
    );
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 1);
    assert!(fake.created().is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_key_and_posts_once() {
    let fake = MastodonFake::start()
        .await
        .post_faults([Fault::ServerErrorAfterCreate(502)]);
    let client = fake.client().await;

    let delivery = client.post(&post("x", "key-502")).await.unwrap();

    let created = fake.created();
    assert_eq!(
        created.len(),
        1,
        "the retry must not create a second status"
    );
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    let posts = fake.requests_to("POST", STATUSES).await;
    assert_eq!(posts.len(), 2);
    assert!(
        posts
            .iter()
            .all(|p| p.headers["idempotency-key"] == "key-502")
    );
}

#[tokio::test]
async fn a_timeout_after_the_instance_posted_is_retried_and_posts_once() {
    let fake = MastodonFake::start()
        .await
        .post_faults([Fault::SlowAfterCreate(Duration::from_secs(3))]);
    let config = fake.config().with_timeout(Duration::from_millis(500));
    let client = MastodonClient::connect(config).await.unwrap();

    let delivery = client.post(&post("x", "key-slow")).await.unwrap();

    let created = fake.created();
    assert_eq!(created.len(), 1);
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 2);
}

#[tokio::test]
async fn persistent_5xx_is_unknown_after_bounded_retries() {
    let fake = MastodonFake::start().await.post_faults([
        Fault::ServerError(503),
        Fault::ServerError(503),
        Fault::ServerError(503),
        Fault::ServerError(503),
    ]);
    let client = fake.client().await; // three attempts

    let err = client.post(&post("x", "k")).await.unwrap_err();

    assert!(
        matches!(&err, PublishError::Unknown(Error::Unavailable { .. })),
        "{err:?}"
    );
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 3);
    assert!(fake.created().is_empty());
}

#[tokio::test]
async fn a_maybe_sent_attempt_keeps_the_outcome_unknown_even_if_a_later_one_is_refused() {
    let fake = MastodonFake::start().await.post_faults([
        Fault::ServerError(502),
        Fault::RateLimited(Duration::from_secs(600)),
    ]);
    let client = fake.client().await;

    let err = client.post(&post("x", "k")).await.unwrap_err();

    assert!(
        matches!(&err, PublishError::Unknown(Error::RateLimited { .. })),
        "{err:?}"
    );
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 2);
}

#[tokio::test]
async fn a_refused_status_is_not_sent_and_not_retried() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;

    let err = client.post(&post("   ", "k")).await.unwrap_err();

    let PublishError::NotSent(Error::InvalidInput { message }) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.contains("422") && message.contains("can't be blank"),
        "{message}"
    );
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 1);
}

#[tokio::test]
async fn a_status_over_the_limit_is_refused_before_sending() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;

    let err = client.post(&post(&"é".repeat(501), "k")).await.unwrap_err();

    assert!(
        matches!(&err, PublishError::NotSent(Error::InvalidInput { message }) if message.contains("501")),
        "{err:?}"
    );
    assert!(fake.requests_to("POST", STATUSES).await.is_empty());
    // Exactly at the limit is fine; graphemes, not bytes or code points, are counted.
    let at_limit = "e\u{301}".repeat(500);
    client.post(&post(&at_limit, "k2")).await.unwrap();
    assert_eq!(fake.created().len(), 1);
}

#[tokio::test]
async fn a_refused_token_says_which_scopes_it_needs_and_is_not_retried() {
    let fake = MastodonFake::start().await;
    let mut config = fake.config();
    config.access_token = "wrong-token".into();
    let client = MastodonClient::connect(config).await.unwrap(); // the instance page is public

    let err = client.post(&post("x", "k")).await.unwrap_err();

    let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.contains("read:notifications read:accounts write:statuses write:media"),
        "{message}"
    );
    assert!(!message.contains("wrong-token"), "{message}");
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 1);
}

#[tokio::test]
async fn a_crash_between_send_and_record_does_not_post_twice() {
    // The process sent the status, then died before the outbox recorded it. On restart the core
    // sees an unfinished attempt and, because redelivery is Deduplicated, sends again with the
    // same key: the instance answers with the first status.
    let fake = MastodonFake::start().await;
    let client = fake.client().await;
    let item = post(
        "Top games, May 1",
        "watchtime:mastodon:post/2026-05-01/top-games",
    );

    let first = client.post(&item).await.unwrap();
    let restarted = fake.client().await;
    let second = restarted.post(&item).await.unwrap();

    assert_eq!(fake.created().len(), 1);
    assert_eq!(first, second);
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 2);
}

#[tokio::test]
async fn a_garbled_success_is_posted_without_an_id() {
    let fake = MastodonFake::start().await.post_faults([Fault::Garbled]);
    let client = fake.client().await;

    let delivery = client.post(&post("x", "k")).await.unwrap();

    assert_eq!(delivery, Delivery::AlreadyPosted(None));
    assert_eq!(fake.created().len(), 1);
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_after_bounded_retries() {
    let client =
        MastodonClient::with_max_characters(MastodonFake::unreachable_config(), 500).unwrap();

    let err = client.post(&post("x", "k")).await.unwrap_err();

    let PublishError::NotSent(inner @ Error::Unavailable { .. }) = &err else {
        panic!("{err:?}");
    };
    let chain = watchtime_core::ErrorChain(inner).to_string();
    assert!(
        chain.starts_with("mastodon is temporarily unavailable: request to 127.0.0.1:"),
        "{chain}"
    );
    assert_eq!(chain.matches("127.0.0.1").count(), 1, "said once: {chain}");
}

#[tokio::test]
async fn the_text_limit_comes_from_the_instance() {
    let fake = MastodonFake::start().await.max_characters(1000);
    let client = fake.client().await;
    assert_eq!(
        client.text_limit(),
        TextLimit {
            max: 1000,
            rule: CountRule::MastodonGraphemes
        }
    );
    assert_eq!(fake.requests_to("GET", "/api/v2/instance").await.len(), 1);

    for fake in [
        MastodonFake::start().await.instance_without_limit(),
        MastodonFake::start().await.instance_missing(),
    ] {
        let client = fake.client().await;
        assert_eq!(client.text_limit(), TextLimit::MASTODON_DEFAULT);
        assert_eq!(fake.requests().await.len(), 1);
    }
}

#[tokio::test]
async fn connecting_fails_on_auth_network_and_garbage() {
    let fake = MastodonFake::start().await.instance_requires_auth();
    let mut config = fake.config();
    config.access_token = "wrong".into();
    let err = MastodonClient::connect(config).await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    assert!(MastodonClient::connect(fake.config()).await.is_ok());

    let fake = MastodonFake::start().await.get_faults([
        Fault::ServerError(500),
        Fault::ServerError(500),
        Fault::ServerError(500),
    ]);
    let err = MastodonClient::connect(fake.config()).await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(fake.requests().await.len(), 3);

    let err = MastodonClient::connect(MastodonFake::unreachable_config())
        .await
        .unwrap_err();
    assert!(matches!(err, MastodonError::Network { .. }), "{err:?}");

    let err = MastodonClient::connect(MastodonConfig::new("not a url", "t".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, MastodonError::Config(_)), "{err:?}");
}

/// Credentials belong in MASTODON_ACCESS_TOKEN: a base URL carrying any is refused before a
/// request is made, and the refusal does not repeat them.
#[test]
fn a_base_url_with_credentials_is_refused_without_echoing_them() {
    for url in [
        "https://bot:pw-SECRET@example.social",
        "https://bot-SECRET@example.social",
        "https://example.social/?access_token=SECRET",
    ] {
        let config = MastodonConfig::new(url, "t".into());
        let err = MastodonClient::with_max_characters(config, 500).unwrap_err();
        assert!(matches!(err, MastodonError::Config(_)), "{url}: {err:?}");
        let text = format!("{err} {err:?}");
        assert!(text.contains("MASTODON_BASE_URL"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}

#[tokio::test]
async fn an_instance_page_that_is_not_json_is_an_error() {
    let server = wiremock::MockServer::builder().start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("<html>blog</html>"))
        .mount(&server)
        .await;
    let config =
        MastodonConfig::new(server.uri(), "t".into()).with_retry(RetryPolicy::immediate(1));
    let err = MastodonClient::connect(config).await.unwrap_err();
    assert!(matches!(err, MastodonError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("MASTODON_BASE_URL"), "{err}");
}
