//! Images on statuses: uploaded with alt text before the status, waited for while processed,
//! named in `media_ids`; every upload failure leaves nothing posted.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::time::Duration;

use support::post;
use watchtime_core::ErrorChain;
use watchtime_core::ports::{Delivery, Image, Post, PublishError, Publisher};
use watchtime_mastodon::fake::{Fault, MastodonFake};

const MEDIA: &str = "/api/v2/media";
const STATUSES: &str = "/api/v1/statuses";

/// A PNG as far as the instance checks (the signature), with a body of `n` bytes.
fn png(n: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..n).map(|i| (i % 251) as u8));
    bytes
}

fn with_image(text: &str, key: &str, alt: &str) -> Post {
    Post {
        image: Some(Image {
            png: png(2000),
            alt: alt.to_owned(),
        }),
        ..post(text, key)
    }
}

/// The upload failed, nothing was posted, and the error says why in the instance's words.
fn assert_rejected(result: Result<Delivery, PublishError>, says: &str) {
    let Err(PublishError::ImageRejected(e)) = &result else {
        panic!("{result:?}");
    };
    let chain = ErrorChain(e).to_string();
    assert!(chain.contains(says), "{chain}");
}

#[tokio::test]
async fn the_image_is_uploaded_with_its_alt_text_then_named_by_the_status() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;
    assert!(client.takes_images());
    assert_eq!(client.alt_text_limit(), 1500);

    let sent = with_image("Top games", "key-1", "Bar chart: 1. Minecraft: 4.71M h");
    let delivery = client.post(&sent).await.unwrap();

    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    let upload = &uploads[0];
    assert_eq!(upload.bytes, sent.image.as_ref().unwrap().png);
    assert_eq!(upload.content_type.as_deref(), Some("image/png"));
    assert_eq!(upload.file_name.as_deref(), Some("chart.png"));
    assert_eq!(upload.description, "Bar chart: 1. Minecraft: 4.71M h");
    let created = fake.created();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].media_ids(), [upload.id.as_str()]);
    assert_eq!(upload.status.as_deref(), Some(created[0].id.as_str()));
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    // The upload carried the token like every call, and came first.
    let paths: Vec<String> = fake
        .requests()
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "GET /api/v2/instance",
            "POST /api/v2/media",
            "POST /api/v1/statuses"
        ]
    );
}

#[tokio::test]
async fn a_post_without_an_image_uploads_nothing() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;
    client.post(&post("Top games", "key-1")).await.unwrap();
    assert!(fake.uploads().is_empty());
    assert_eq!(fake.created()[0].body.get("media_ids"), None);
}

#[tokio::test]
async fn an_image_still_processing_is_waited_for() {
    let fake = MastodonFake::start()
        .await
        .upload_faults([Fault::Processing(3)]);
    let client = fake.client().await;

    client
        .post(&with_image("Top games", "key-1", "alt"))
        .await
        .unwrap();

    let upload = &fake.uploads()[0];
    let polls = fake
        .requests_to("GET", &format!("/api/v1/media/{}", upload.id))
        .await;
    // Three 206 answers, then the 200 that let the status go out with it.
    assert_eq!(polls.len(), 4);
    assert_eq!(fake.created()[0].media_ids(), [upload.id.as_str()]);
}

#[tokio::test]
async fn an_image_not_processed_in_time_sends_nothing() {
    // The fake's client polls five times; the instance needs more.
    let fake = MastodonFake::start()
        .await
        .upload_faults([Fault::Processing(50)]);
    let client = fake.client().await;

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "had not processed the image");
    assert!(fake.created().is_empty());
    assert_eq!(fake.status_requests().await, 0);
}

#[tokio::test]
async fn a_413_from_the_proxy_is_not_retried_and_sends_nothing() {
    let fake = MastodonFake::start()
        .await
        .upload_faults([Fault::PayloadTooLarge]);
    let client = fake.client().await;

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "refused the request (413)");
    assert_eq!(fake.requests_to("POST", MEDIA).await.len(), 1);
    assert_eq!(fake.status_requests().await, 0);
}

#[tokio::test]
async fn an_image_over_the_instance_limit_is_refused() {
    let fake = MastodonFake::start().await.max_image_bytes(1000);
    let client = fake.client().await;

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "File file size must be less than 1000 bytes");
    assert!(fake.uploads().is_empty());
    assert_eq!(fake.status_requests().await, 0);
}

#[tokio::test]
async fn server_errors_on_upload_are_retried_then_send_nothing() {
    let fake = MastodonFake::start().await.upload_faults([
        Fault::ServerError(503),
        Fault::ServerError(502),
        Fault::ServerError(503),
    ]);
    let client = fake.client().await;

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "answered 503");
    assert_eq!(fake.requests_to("POST", MEDIA).await.len(), 3);
    assert_eq!(fake.status_requests().await, 0);
}

#[tokio::test]
async fn a_server_error_once_is_retried_and_the_post_carries_the_image() {
    let fake = MastodonFake::start()
        .await
        .upload_faults([Fault::ServerError(502)]);
    let client = fake.client().await;

    client
        .post(&with_image("Top games", "key-1", "alt"))
        .await
        .unwrap();

    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.created()[0].media_ids().len(), 1);
}

#[tokio::test]
async fn upload_timeouts_send_nothing() {
    // The fake's client waits 2 s; every attempt's answer takes longer.
    let slow = Fault::SlowAfterCreate(Duration::from_secs(3));
    let fake = MastodonFake::start()
        .await
        .upload_faults([slow.clone(), slow.clone(), slow]);
    let client = fake.client().await;

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "request to");
    assert_eq!(fake.status_requests().await, 0);
    // Unattached uploads are all that is left; the instance removes them.
    assert!(fake.uploads().iter().all(|u| u.status.is_none()));
}

#[tokio::test]
async fn a_retried_post_with_its_key_makes_one_status_with_one_image() {
    // The status is created but its answer is lost; the client's retry repeats the status alone
    // (same key, same attachment) and gets the first status back.
    let fake = MastodonFake::start()
        .await
        .post_faults([Fault::ServerErrorAfterCreate(502)]);
    let client = fake.client().await;
    let sent = with_image("Top games", "key-1", "alt");

    let delivery = client.post(&sent).await.unwrap();

    let created = fake.created();
    assert_eq!(created.len(), 1);
    assert_eq!(delivery, Delivery::Posted(created[0].id.clone()));
    assert_eq!(created[0].media_ids().len(), 1);
    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.status_requests().await, 2);
}

#[tokio::test]
async fn a_refused_token_scope_on_upload_sends_nothing_and_names_write_media() {
    let fake = MastodonFake::start().await;
    let mut config = fake.config();
    config.access_token = "wrong".into();
    let client = watchtime_mastodon::MastodonClient::with_max_characters(config, 500).unwrap();

    let result = client.post(&with_image("Top games", "key-1", "alt")).await;

    assert_rejected(result, "write:media");
    assert_eq!(fake.requests_to("POST", STATUSES).await.len(), 0);
}
