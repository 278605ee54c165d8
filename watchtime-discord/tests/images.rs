//! Images on webhook messages: one multipart request (`payload_json`, `files[0]`, described by
//! `attachments`); a message refused with its image posted nothing.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::time::Duration;

use support::post;
use watchtime_core::ErrorChain;
use watchtime_core::ports::{Delivery, Image, Post, PublishError, Publisher};
use watchtime_discord::fake::{DiscordFake, Fault};

/// A PNG as far as Discord checks (the signature), with a body of `n` bytes.
fn png(n: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..n).map(|i| (i % 251) as u8));
    bytes
}

fn with_image(text: &str, alt: &str) -> Post {
    Post {
        image: Some(Image {
            png: png(4000),
            alt: alt.into(),
        }),
        ..post(text, "k")
    }
}

#[tokio::test]
async fn the_image_goes_with_the_message_as_its_described_attachment() {
    let fake = DiscordFake::start().await;
    let client = fake.client();
    assert!(client.takes_images());
    assert_eq!(client.alt_text_limit(), 1024);
    let sent = with_image("Top games", "Bar chart: 1. Minecraft: 4.71M h");

    let delivery = client.post(&sent).await.unwrap();

    let messages = fake.messages();
    assert_eq!(messages.len(), 1);
    let id = messages[0]["id"].as_str().unwrap();
    assert_eq!(delivery, Delivery::Posted(id.to_owned()));
    assert_eq!(messages[0]["content"], "Top games");
    assert_eq!(messages[0]["attachments"][0]["filename"], "chart.png");
    let files = fake.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].message_id, id);
    assert_eq!(files[0].bytes, sent.image.as_ref().unwrap().png);
    assert_eq!(files[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(files[0].description, "Bar chart: 1. Minecraft: 4.71M h");
    // One request, multipart, with the message as payload_json.
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 1);
    let content_type = requests[0].headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(body.contains("name=\"payload_json\""), "{body}");
    assert!(
        body.contains("name=\"files[0]\"; filename=\"chart.png\""),
        "{body}"
    );
    let payload = r#"{"content":"Top games","allowed_mentions":{"parse":[]},"attachments":[{"id":0,"filename":"chart.png","description":"Bar chart: 1. Minecraft: 4.71M h"}]}"#;
    assert!(body.contains(payload), "{body}");
}

#[tokio::test]
async fn alt_text_is_cut_to_discords_limit() {
    let fake = DiscordFake::start().await;
    let long = "ß".repeat(1500);

    fake.client()
        .post(&with_image("Top games", &long))
        .await
        .unwrap();

    assert_eq!(fake.files()[0].description.chars().count(), 1024);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_as_an_image_failure_and_nothing_is_posted() {
    let fake = DiscordFake::start().await.max_file_bytes(1000);

    let result = fake.client().post(&with_image("Top games", "alt")).await;

    let Err(PublishError::ImageRejected(e)) = &result else {
        panic!("{result:?}");
    };
    let chain = ErrorChain(e).to_string();
    assert!(chain.contains("413") && chain.contains("40005"), "{chain}");
    assert!(fake.messages().is_empty());
    assert_eq!(fake.executions().await, 1, "a refusal is not repeated");
    // Without the image, the same text goes out.
    let delivery = fake.client().post(&post("Top games", "k")).await.unwrap();
    assert!(matches!(delivery, Delivery::Posted(_)));
    assert_eq!(fake.texts(), ["Top games"]);
}

#[tokio::test]
async fn a_server_error_with_an_image_may_have_posted_and_says_so() {
    // The image travels with the text, so a 5xx leaves both unknown: never resent blindly.
    let fake = DiscordFake::start()
        .await
        .faults([Fault::ServerErrorAfterPost(502)]);

    let result = fake.client().post(&with_image("Top games", "alt")).await;

    assert!(
        matches!(result, Err(PublishError::Unknown(_))),
        "{result:?}"
    );
    assert_eq!(fake.executions().await, 1);
    assert_eq!(fake.files().len(), 1);
}

#[tokio::test]
async fn a_timeout_with_an_image_is_unknown_not_an_image_failure() {
    let fake = DiscordFake::start()
        .await
        .faults([Fault::SlowAfterPost(Duration::from_secs(3))]);

    let result = fake.client().post(&with_image("Top games", "alt")).await;

    assert!(
        matches!(result, Err(PublishError::Unknown(_))),
        "{result:?}"
    );
    assert_eq!(fake.executions().await, 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_and_the_image_sent_once() {
    let fake = DiscordFake::start().await.faults([Fault::RateLimited {
        retry_after: 0.05,
        global: false,
    }]);

    fake.client()
        .post(&with_image("Top games", "alt"))
        .await
        .unwrap();

    assert_eq!(fake.executions().await, 2);
    assert_eq!(fake.files().len(), 1);
}
