//! Posting and replying against `XFake`: what is sent, and how every answer maps to a delivery.

#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is a failure with its reason.

use std::time::{Duration, Instant, UNIX_EPOCH};

use secrecy::SecretString;
use serde_json::json;
use watchtime_core::Error;
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, Mention, Post, PublishError, Publisher, Redelivery};
use watchtime_core::retry::RetryPolicy;
use watchtime_twitter::TwitterClient;
use watchtime_twitter::fake::{FakeMention, Route, StoredTweet, XFake, oauth1_permissions_body};

fn post(text: &str) -> Post {
    Post {
        text: text.into(),
        created_at: "2026-11-27T22:00:00Z".parse().expect("a time"),
        idempotency_key: "watchtime:twitter:post/2026-11-26/top-games".into(),
        image: None,
    }
}

fn mention(id: u64) -> Mention {
    Mention {
        id: id.to_string(),
        author_id: "42".into(),
        author_handle: "alice".into(),
        text: "@watchtime_bot minecraft".into(),
        created_at: "2026-11-27T10:00:00Z".parse().unwrap(),
        reply_prefix: String::new(),
    }
}

#[tokio::test]
async fn declares_x_rules() {
    let x = XFake::start().await;
    let client = x.client();
    assert_eq!(Publisher::platform(&client), "twitter");
    assert_eq!(client.text_limit(), TextLimit::X);
    assert_eq!(
        client.redelivery(),
        Redelivery::Deduplicated {
            within: watchtime_twitter::DUPLICATE_WINDOW
        }
    );
    assert!(client.takes_replies());
    assert!(client.takes_images());
    assert_eq!(client.alt_text_limit(), 1000);
    assert_eq!(x.total_requests().await, 0);
}

#[tokio::test]
async fn post_is_created_with_text_only() {
    let x = XFake::start().await;
    let delivery = x.client().post(&post("Most watched games")).await.unwrap();
    let tweets = x.tweets();
    assert_eq!(tweets.len(), 1);
    assert_eq!(delivery, Delivery::Posted(tweets[0].id.clone()));
    assert_eq!(tweets[0].text, "Most watched games");
    assert_eq!(x.tweet_bodies(), [json!({"text": "Most watched games"})]);
    assert_eq!(x.count(Route::Tweets).await, 1);
    assert_eq!(x.total_requests().await, 1);
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());
}

#[tokio::test]
async fn reply_names_the_mention() {
    let x = XFake::start().await.with_mentions(vec![FakeMention::new(
        1_861_000_000_000_000_100,
        "42",
        "alice",
        "@watchtime_bot minecraft",
    )]);
    let delivery = x
        .client()
        .reply(
            &mention(1_861_000_000_000_000_100),
            &post("Top streamers of Minecraft"),
        )
        .await
        .unwrap();
    let tweets = x.tweets();
    assert_eq!(delivery, Delivery::Posted(tweets[0].id.clone()));
    assert_eq!(
        tweets,
        [StoredTweet {
            id: tweets[0].id.clone(),
            text: "Top streamers of Minecraft".into(),
            reply_to: Some("1861000000000000100".into()),
            media_ids: vec![],
        }]
    );
    assert_eq!(
        x.tweet_bodies(),
        [
            json!({"text": "Top streamers of Minecraft", "reply": {"in_reply_to_tweet_id": "1861000000000000100"}})
        ]
    );
    assert_eq!(x.count(Route::Tweets).await, 1);
}

#[tokio::test]
async fn rate_limit_waits_for_the_reset_then_posts() {
    let x = XFake::start().await.rate_limited_once(Route::Tweets, 1);
    let started = Instant::now();
    let delivery = x.client().post(&post("after the limit")).await.unwrap();
    assert!(matches!(delivery, Delivery::Posted(_)), "{delivery:?}");
    // The second attempt came no earlier than the reset second the 429 announced (the policy's
    // own backoff is zero, so only the header can have made it wait).
    let [reset] = x.resets_sent()[..] else {
        panic!()
    };
    let arrivals = x.arrivals(Route::Tweets);
    assert!(
        arrivals[1] >= UNIX_EPOCH + Duration::from_secs(reset),
        "{arrivals:?} {reset}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(x.count(Route::Tweets).await, 2);
    assert_eq!(x.tweets().len(), 1);
}

#[tokio::test]
async fn rate_limit_beyond_the_longest_wait_is_not_sent() {
    let x = XFake::start().await.rate_limited_once(Route::Tweets, 900);
    let err = x.client().post(&post("later")).await.unwrap_err();
    let PublishError::NotSent(Error::RateLimited { retry_after, .. }) = &err else {
        panic!("{err:?}");
    };
    let wait = retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(890) && wait <= Duration::from_secs(900),
        "{wait:?}"
    );
    assert_eq!(x.count(Route::Tweets).await, 1);
    assert!(x.tweets().is_empty());
}

#[tokio::test]
async fn server_error_on_post_is_unknown_and_not_repeated() {
    let x = XFake::start().await.failing_once(Route::Tweets, 503);
    let err = x.client().post(&post("maybe")).await.unwrap_err();
    let PublishError::Unknown(core) = &err else {
        panic!("{err:?}");
    };
    assert!(core.is_retryable(), "{core:?}");
    let chain = watchtime_core::ErrorChain(core).to_string();
    assert!(chain.contains("answered 503"), "{chain}");
    // One request: a 5xx after sending is never retried automatically.
    assert_eq!(x.count(Route::Tweets).await, 1);
}

#[tokio::test]
async fn timeout_is_unknown_and_a_later_retry_is_deduplicated() {
    // X stores the post but answers after the client gave up.
    let x = XFake::start()
        .await
        .slow_once(Route::Tweets, Duration::from_secs(5));
    let client = x.client();
    let err = client.post(&post("slow day")).await.unwrap_err();
    let PublishError::Unknown(core) = &err else {
        panic!("{err:?}");
    };
    let chain = watchtime_core::ErrorChain(core).to_string();
    assert!(chain.contains("timed out"), "{chain}");
    assert_eq!(x.count(Route::Tweets).await, 1, "no automatic resend");
    assert_eq!(x.tweets().len(), 1, "the fake did store it");
    // The core retries an unfinished attempt on a Deduplicated platform: X refuses the
    // duplicate, and the client reports it as already posted.
    let again = client.post(&post("slow day")).await.unwrap();
    assert_eq!(again, Delivery::AlreadyPosted(None));
    assert_eq!(x.count(Route::Tweets).await, 2);
    assert_eq!(x.tweets().len(), 1, "still one post");
}

#[tokio::test]
async fn duplicate_content_is_already_posted() {
    let x = XFake::start()
        .await
        .with_tweet("Most watched games on Twitch, Thu 26 Nov");
    let delivery = x
        .client()
        .post(&post("Most watched games on Twitch, Thu 26 Nov"))
        .await
        .unwrap();
    assert_eq!(delivery, Delivery::AlreadyPosted(None));
    assert_eq!(x.count(Route::Tweets).await, 1);
    assert_eq!(x.tweets().len(), 1);
}

#[tokio::test]
async fn wrong_secret_is_unauthorized_with_what_to_check() {
    let x = XFake::start().await;
    let mut config = x.config();
    config.consumer_secret = SecretString::from("not-the-secret".to_owned());
    let err = TwitterClient::new(config)
        .unwrap()
        .post(&post("hello"))
        .await
        .unwrap_err();
    let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("(401)"), "{message}");
    assert!(message.contains("TWITTER_CONSUMER_SECRET"), "{message}");
    assert!(message.contains("user-context"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");
    assert_eq!(x.count(Route::Tweets).await, 1, "401 is not retried");
    assert!(
        x.refusals()[0].starts_with("signature mismatch"),
        "{:?}",
        x.refusals()
    );
    assert!(x.tweets().is_empty());
}

#[tokio::test]
async fn read_only_app_is_told_to_enable_write() {
    let x = XFake::start()
        .await
        .refusing_once(Route::Tweets, 403, oauth1_permissions_body());
    let err = x.client().post(&post("hello")).await.unwrap_err();
    let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("Read and write"), "{message}");
    assert!(message.contains("regenerate the access token"), "{message}");
    assert_eq!(x.count(Route::Tweets).await, 1);
}

#[tokio::test]
async fn refused_reply_is_invalid_input_not_an_auth_problem() {
    let x = XFake::start().await.refusing_once(
        Route::Tweets,
        403,
        json!({
            "detail": "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.",
            "type": "about:blank", "title": "Forbidden", "status": 403
        }),
    );
    let err = x
        .client()
        .reply(&mention(1_861_000_000_000_000_100), &post("answer"))
        .await
        .unwrap_err();
    let PublishError::NotSent(Error::InvalidInput { message }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("not allowed"), "{message}");
    assert_eq!(x.count(Route::Tweets).await, 1);
}

#[tokio::test]
async fn too_long_text_is_refused_before_sending() {
    let x = XFake::start().await;
    let err = x.client().post(&post(&"原".repeat(141))).await.unwrap_err();
    let PublishError::NotSent(Error::InvalidInput { message }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        message,
        "text of weighted length 282 exceeds X's limit of 280"
    );
    assert_eq!(x.total_requests().await, 0);
}

#[tokio::test]
async fn connection_refused_is_not_sent_after_retries() {
    // A port nobody listens on: the connection never opens, so nothing can have been posted.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let x = XFake::start().await;
    let mut config = x
        .config()
        .with_api_url(format!("http://{addr}").parse().unwrap());
    config.retry = RetryPolicy::immediate(2);
    let err = TwitterClient::new(config)
        .unwrap()
        .post(&post("hello"))
        .await
        .unwrap_err();
    let PublishError::NotSent(core) = &err else {
        panic!("{err:?}");
    };
    assert!(core.is_retryable(), "{core:?}");
    let chain = watchtime_core::ErrorChain(core).to_string();
    assert!(chain.contains("could not connect"), "{chain}");
    assert_eq!(x.total_requests().await, 0);
}
