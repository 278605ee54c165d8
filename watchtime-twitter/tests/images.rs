//! Images on posts: uploaded (signed like the post), given alt text, then named in the post's
//! `media.media_ids`; every failure before the post leaves nothing posted.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::time::Duration;

use serde_json::json;
use watchtime_core::ErrorChain;
use watchtime_core::ports::{Delivery, Image, Post, PublishError, Publisher};
use watchtime_twitter::fake::{Fault, Route, XFake};

/// A PNG as far as X checks (the signature), with a body of `n` bytes.
fn png(n: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..n).map(|i| (i % 251) as u8));
    bytes
}

fn post_with(alt: &str) -> Post {
    Post {
        text: "Most watched games".into(),
        created_at: "2026-11-27T22:00:00Z".parse().unwrap(),
        idempotency_key: "watchtime:twitter:post/2026-11-26/top-games".into(),
        image: Some(Image {
            png: png(3000),
            alt: alt.into(),
        }),
    }
}

fn assert_rejected(result: Result<Delivery, PublishError>, says: &str) {
    let Err(PublishError::ImageRejected(e)) = &result else {
        panic!("{result:?}");
    };
    let chain = ErrorChain(e).to_string();
    assert!(chain.contains(says), "{chain}");
}

#[tokio::test]
async fn the_image_is_uploaded_described_then_attached_once() {
    let x = XFake::start().await;
    let sent = post_with("Bar chart: 1. Minecraft: 4.71M h");

    let delivery = x.client().post(&sent).await.unwrap();

    let media = x.media();
    assert_eq!(media.len(), 1);
    let m = &media[0];
    assert_eq!(m.bytes, sent.image.as_ref().unwrap().png);
    assert_eq!(m.content_type.as_deref(), Some("image/png"));
    assert_eq!(m.file_name.as_deref(), Some("chart.png"));
    assert_eq!(m.category.as_deref(), Some("tweet_image"));
    assert_eq!(
        m.alt_text.as_deref(),
        Some("Bar chart: 1. Minecraft: 4.71M h")
    );
    let tweets = x.posts();
    assert_eq!(tweets.len(), 1);
    assert_eq!(tweets[0].media_ids, std::slice::from_ref(&m.id));
    assert_eq!(delivery, Delivery::Posted(tweets[0].id.clone()));
    assert_eq!(
        x.tweet_bodies(),
        [json!({"text": "Most watched games", "media": {"media_ids": [m.id]}})]
    );
    // Each call once, every one signed (the fake refuses a bad signature with 401).
    assert_eq!(x.count(Route::Upload).await, 1);
    assert_eq!(x.count(Route::AltText).await, 1);
    assert_eq!(x.count(Route::Tweets).await, 1);
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());
}

#[tokio::test]
async fn alt_text_is_cut_to_xs_limit_on_a_character_boundary() {
    let x = XFake::start().await;
    let long = "é".repeat(1200);

    x.client().post(&post_with(&long)).await.unwrap();

    let alt = x.media()[0].alt_text.clone().unwrap();
    assert_eq!(alt.chars().count(), 1000);
    assert!(alt.chars().all(|c| c == 'é'));
}

#[tokio::test]
async fn an_image_over_5_mb_is_refused_and_nothing_is_posted() {
    let x = XFake::start().await.max_image_bytes(2000);

    let result = x.client().post(&post_with("alt")).await;

    assert_rejected(result, "400");
    assert_eq!(x.count(Route::Upload).await, 1, "a refusal is not retried");
    assert_eq!(x.count(Route::Tweets).await, 0);
    assert!(x.posts().is_empty());
}

#[tokio::test]
async fn a_413_is_refused_and_nothing_is_posted() {
    let body = json!({"title": "Payload Too Large", "detail": "Request Entity Too Large", "type": "about:blank", "status": 413});
    let x = XFake::start().await.refusing_once(Route::Upload, 413, body);

    let result = x.client().post(&post_with("alt")).await;

    assert_rejected(result, "413");
    assert_eq!(x.count(Route::Tweets).await, 0);
}

#[tokio::test]
async fn upload_server_errors_are_retried_then_nothing_is_posted() {
    let x = XFake::start()
        .await
        .failing_once(Route::Upload, 503)
        .failing_once(Route::Upload, 503)
        .failing_once(Route::Upload, 500);

    let result = x.client().post(&post_with("alt")).await;

    assert_rejected(result, "answered 500"); // the last attempt's answer
    assert_eq!(x.count(Route::Upload).await, 3);
    assert_eq!(x.count(Route::Tweets).await, 0);
}

#[tokio::test]
async fn one_server_error_on_upload_is_retried_and_the_post_has_its_image() {
    let x = XFake::start().await.failing_once(Route::Upload, 503);

    x.client().post(&post_with("alt")).await.unwrap();

    assert_eq!(x.count(Route::Upload).await, 2);
    assert_eq!(x.posts()[0].media_ids.len(), 1);
}

#[tokio::test]
async fn upload_timeouts_leave_nothing_posted() {
    let slow = Duration::from_secs(3); // the fake's client gives up after 2 s
    let x = XFake::start()
        .await
        .slow_once(Route::Upload, slow)
        .slow_once(Route::Upload, slow)
        .slow_once(Route::Upload, slow);

    let result = x.client().post(&post_with("alt")).await;

    assert_rejected(result, "timed out");
    assert_eq!(x.count(Route::Tweets).await, 0);
}

#[tokio::test]
async fn a_failed_alt_text_call_leaves_nothing_posted() {
    let x = XFake::start()
        .await
        .fault(Route::AltText, Fault::Status(403, json!({"title": "Forbidden", "detail": "Forbidden", "type": "about:blank", "status": 403})));

    let result = x.client().post(&post_with("alt")).await;

    assert_rejected(result, "alt text");
    assert_eq!(x.count(Route::Tweets).await, 0);
}
