//! Posting against the fake PDS: one record per item under its derived key, retried safely.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::time::Duration;

use support::{png, post, post_with_image, store};
use watchtime_bluesky::fake::{BlueskyFake, DID, Fault};
use watchtime_bluesky::{BlueskyError, record_key};
use watchtime_core::Error;
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, PublishError, Publisher, Redelivery};

const PUT: &str = "com.atproto.repo.putRecord";

#[tokio::test]
async fn a_post_is_one_record_under_its_derived_key() {
    let fake = BlueskyFake::start().await;
    let client = fake.client(store());
    assert_eq!(client.redelivery(), Redelivery::Idempotent);
    assert_eq!(client.text_limit(), TextLimit::BLUESKY);
    assert!(client.takes_images());

    let key = "watchtime:bluesky:post/2026-11-26/top_games";
    let delivery = client.post(&post("Top games ✨", key)).await.unwrap();
    let rkey = record_key(key, support::CREATED_AT.parse().unwrap());
    let uri = format!("at://{DID}/app.bsky.feed.post/{rkey}");
    assert_eq!(delivery, Delivery::Posted(uri.clone()));
    let posts = fake.bot_posts();
    assert_eq!(posts.len(), 1);
    let (stored_key, record) = &posts[0];
    assert_eq!(stored_key, &rkey);
    assert_eq!(record["text"], "Top games ✨");
    assert_eq!(record["langs"], serde_json::json!(["en"]));
    assert_eq!(record["$type"], "app.bsky.feed.post");
    assert_eq!(
        record["createdAt"], "2026-11-27T22:00:00.250Z",
        "the outbox's time"
    );
    assert!(record.get("reply").is_none() && record.get("embed").is_none());
}

#[tokio::test]
async fn a_lost_answer_is_retried_and_leaves_one_record() {
    let fake = BlueskyFake::start().await;
    fake.fail_next(PUT, Fault::ServerErrorAfterWork(502));
    let client = fake.client(store());
    let delivery = client.post(&post("daily", "k-daily")).await.unwrap();
    // The retry wrote the identical record again: the PDS made no commit.
    assert!(
        matches!(delivery, Delivery::AlreadyPosted(Some(_))),
        "{delivery:?}"
    );
    assert_eq!(fake.calls(PUT), 2);
    assert_eq!(fake.bot_posts().len(), 1);
}

#[tokio::test]
async fn persistent_5xx_is_unknown_and_a_later_send_still_makes_one_record() {
    let fake = BlueskyFake::start().await;
    for _ in 0..3 {
        fake.fail_next(PUT, Fault::ServerErrorAfterWork(503));
    }
    let client = fake.client(store());
    let err = client.post(&post("daily", "k-daily")).await.unwrap_err();
    assert!(
        matches!(err, PublishError::Unknown(Error::Unavailable { .. })),
        "{err:?}"
    );
    assert_eq!(fake.calls(PUT), 3);
    // However late, the same item lands on the same key.
    client.post(&post("daily", "k-daily")).await.unwrap();
    assert_eq!(fake.bot_posts().len(), 1);
}

#[tokio::test]
async fn a_5xx_before_the_work_is_retried() {
    let fake = BlueskyFake::start().await;
    fake.fail_next(PUT, Fault::ServerError(500));
    let client = fake.client(store());
    let delivery = client.post(&post("daily", "k")).await.unwrap();
    assert!(matches!(delivery, Delivery::Posted(_)), "{delivery:?}");
    assert_eq!(fake.calls(PUT), 2);
}

#[tokio::test]
async fn a_rate_limit_waits_for_its_reset_then_posts() {
    let fake = BlueskyFake::start().await;
    fake.fail_next(PUT, Fault::RateLimited { reset_in: 1 });
    let client = fake.client(store());
    let delivery = client.post(&post("daily", "k")).await.unwrap();
    assert!(matches!(delivery, Delivery::Posted(_)), "{delivery:?}");
    assert_eq!(fake.calls(PUT), 2);
}

#[tokio::test]
async fn a_reset_beyond_the_cap_fails_at_once_as_not_sent() {
    let fake = BlueskyFake::start().await;
    fake.fail_next(PUT, Fault::RateLimited { reset_in: 3600 });
    let client = fake.client(store());
    let err = client.post(&post("daily", "k")).await.unwrap_err();
    let PublishError::NotSent(Error::RateLimited { retry_after, .. }) = err else {
        panic!("{err:?}");
    };
    let wait = retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
    assert_eq!(fake.calls(PUT), 1);
    assert!(fake.bot_posts().is_empty());
}

#[tokio::test]
async fn a_text_over_the_limit_is_refused_before_sending() {
    let fake = BlueskyFake::start().await;
    let client = fake.client(store());
    // 167 family emoji: 167 graphemes but 3006 bytes.
    let text = "👨‍👩‍👧".repeat(167);
    let err = client.post(&post(&text, "k")).await.unwrap_err();
    let PublishError::NotSent(Error::InvalidInput { message }) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.contains("167 graphemes and 3006 bytes"),
        "{message}"
    );
    assert_eq!(fake.calls(PUT), 0);
    client.post(&post(&"👨‍👩‍👧".repeat(166), "k")).await.unwrap();
}

#[tokio::test]
async fn an_image_is_uploaded_with_alt_and_aspect_ratio_on_every_attempt() {
    let fake = BlueskyFake::start().await;
    fake.fail_next(PUT, Fault::ServerError(502));
    let client = fake.client(store());
    let image = png(1200, 675);
    let delivery = client
        .post(&post_with_image(
            "chart",
            "k-img",
            image.clone(),
            "Top games: A 10 h",
        ))
        .await
        .unwrap();
    assert!(matches!(delivery, Delivery::Posted(_)), "{delivery:?}");
    // putRecord was retried by the client; the blob was uploaded once for that one write.
    assert_eq!(fake.calls("com.atproto.repo.uploadBlob"), 1);
    let (_, record) = &fake.bot_posts()[0];
    let embed = &record["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.images");
    let first = &embed["images"][0];
    assert_eq!(first["alt"], "Top games: A 10 h");
    assert_eq!(
        first["aspectRatio"],
        serde_json::json!({"width": 1200, "height": 675})
    );
    let cid = first["image"]["ref"]["$link"].as_str().unwrap();
    assert_eq!(fake.blob(cid).unwrap(), image);
    assert_eq!(first["image"]["mimeType"], "image/png");

    // A second send of the same item uploads again (the PDS may have dropped the blob).
    client
        .post(&post_with_image(
            "chart",
            "k-img",
            image,
            "Top games: A 10 h",
        ))
        .await
        .unwrap();
    assert_eq!(fake.calls("com.atproto.repo.uploadBlob"), 2);
    assert_eq!(fake.bot_posts().len(), 1);
}

#[tokio::test]
async fn an_image_that_fails_to_upload_does_not_block_the_post() {
    let fake = BlueskyFake::start().await;
    fake.fail_next("com.atproto.repo.uploadBlob", Fault::Malformed);
    let client = fake.client(store());
    client
        .post(&post_with_image("chart", "k", png(2, 1), "alt"))
        .await
        .unwrap();
    let (_, record) = &fake.bot_posts()[0];
    assert_eq!(record["text"], "chart");
    assert!(record.get("embed").is_none(), "{record}");
}

#[tokio::test]
async fn a_refused_record_is_not_sent_and_not_retried() {
    let fake = BlueskyFake::start().await;
    let client = fake.client(store());
    fake.fail_next(PUT, Fault::ServerError(400));
    let err = client.post(&post("x", "k")).await.unwrap_err();
    assert!(
        matches!(err, PublishError::NotSent(Error::InvalidInput { .. })),
        "{err:?}"
    );
    assert_eq!(fake.calls(PUT), 1);
}

#[test]
fn a_service_url_with_credentials_is_refused_without_echoing_them() {
    for url in [
        "https://bot:pw-SECRET@bsky.social",
        "https://bsky.social/?password=SECRET",
    ] {
        let config = watchtime_bluesky::BlueskyConfig::new(url, "bot.test", "p".into());
        let err = watchtime_bluesky::BlueskyClient::new(config, store()).unwrap_err();
        assert!(matches!(err, BlueskyError::Config(_)), "{url}: {err:?}");
        let text = format!("{err} {err:?}");
        assert!(text.contains("BLUESKY_SERVICE_URL"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}
