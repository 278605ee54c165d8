//! The daily posts with their charts: made before the claim, fitted to the platform's alt-text
//! limit, and never blocking a post, which still goes out once.

#![allow(clippy::unwrap_used)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use watchtime_core::bot::{self, PostOutcome};
use watchtime_core::message::{DayRankings, PostKind, TextLimit};
use watchtime_core::outbox::{OutboxKey, OutboxState};
use watchtime_core::ports::{
    Delivery, Image, Post, PostImages, PublishError, Publisher, Redelivery,
};
use watchtime_core::prelude::*;
use watchtime_core::testkit::fixtures::{at, slotted, stream};
use watchtime_core::{Day, Error, MemoryStore, Settings};

fn day() -> Day {
    "2026-11-26".parse().unwrap()
}

async fn closed_day() -> MemoryStore {
    let store = MemoryStore::new();
    let snap = slotted(
        "2026-11-26T20:00:00Z",
        vec![
            stream("1", "Alpha", Some(("743", "Chess")), 900),
            stream("2", "Beta", Some(("1001", "Go")), 300),
        ],
    );
    store.record_snapshot(&snap).await.unwrap();
    bot::close_day(
        &store,
        &Settings::default(),
        day(),
        at("2026-11-27T16:05:00Z"),
    )
    .await
    .unwrap();
    store
}

/// Images named after their post, alt text as long as the limit allows; or failing.
#[derive(Debug, Default)]
struct Charts {
    fail: bool,
    /// Added to every PNG: a different value draws different bytes (a day closed again).
    version: Mutex<u32>,
    drawn: AtomicUsize,
    alt_limits: Mutex<Vec<usize>>,
}

#[async_trait]
impl PostImages for Charts {
    async fn daily_image(
        &self,
        kind: PostKind,
        rankings: &DayRankings,
        alt_max_chars: usize,
    ) -> watchtime_core::Result<Option<Image>> {
        self.drawn.fetch_add(1, Ordering::SeqCst);
        self.alt_limits.lock().unwrap().push(alt_max_chars);
        if self.fail {
            return Err(Error::invalid("no fonts"));
        }
        Ok(Some(Image {
            png: format!(
                "png {kind} {} v{}",
                rankings.day,
                self.version.lock().unwrap()
            )
            .into_bytes(),
            alt: format!("alt of {kind}"),
        }))
    }
}

/// Records each post; refuses the image of the posts listed in `refuse_image`.
#[derive(Debug, Default)]
struct Recording {
    images: bool,
    refuse_image: Vec<&'static str>,
    /// Posts whose next send times out after reaching the platform (nothing recorded here).
    unknown_once: Mutex<Vec<&'static str>>,
    sent: Mutex<Vec<Post>>,
}

#[async_trait]
impl Publisher for Recording {
    fn platform(&self) -> &str {
        "rec"
    }
    fn text_limit(&self) -> TextLimit {
        TextLimit::X
    }
    fn redelivery(&self) -> Redelivery {
        Redelivery::Deduplicated {
            within: std::time::Duration::from_secs(3600),
        }
    }
    fn takes_images(&self) -> bool {
        self.images
    }
    fn alt_text_limit(&self) -> usize {
        1234
    }
    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        if post.image.is_some()
            && self
                .refuse_image
                .iter()
                .any(|k| post.idempotency_key.ends_with(k))
        {
            return Err(PublishError::ImageRejected(Error::invalid("413 too large")));
        }
        let mut unknown = self.unknown_once.lock().unwrap();
        if let Some(i) = unknown
            .iter()
            .position(|k| post.idempotency_key.ends_with(k))
        {
            unknown.remove(i);
            return Err(PublishError::Unknown(Error::unavailable(
                "rec",
                "timed out",
            )));
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push(post.clone());
        Ok(Delivery::Posted(format!("id{}", sent.len())))
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    at("2026-11-27T22:00:00Z")
}

async fn publish(
    store: &MemoryStore,
    publisher: &Recording,
    charts: &Charts,
) -> Vec<(PostKind, PostOutcome)> {
    bot::publish_day_with_images(
        store,
        publisher,
        Some(charts),
        &Settings::default(),
        day(),
        now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn each_post_carries_its_chart_with_alt_text_for_the_platform() {
    let store = closed_day().await;
    let publisher = Recording {
        images: true,
        ..Recording::default()
    };
    let charts = Charts::default();

    let outcomes = publish(&store, &publisher, &charts).await;

    assert!(
        outcomes
            .iter()
            .all(|(_, o)| matches!(o, PostOutcome::Sent(Some(_)))),
        "{outcomes:?}"
    );
    let sent = publisher.sent.lock().unwrap();
    let images: Vec<(String, String)> = sent
        .iter()
        .map(|p| {
            let image = p.image.as_ref().unwrap();
            (
                String::from_utf8(image.png.clone()).unwrap(),
                image.alt.clone(),
            )
        })
        .collect();
    assert_eq!(
        images,
        [
            (
                "png top-games 2026-11-26 v0".into(),
                "alt of top-games".into()
            ),
            (
                "png top-streamers 2026-11-26 v0".into(),
                "alt of top-streamers".into()
            ),
            (
                "png spotlight 2026-11-26 v0".into(),
                "alt of spotlight".into()
            ),
        ]
    );
    assert_eq!(*charts.alt_limits.lock().unwrap(), [1234, 1234, 1234]);
}

#[tokio::test]
async fn a_platform_without_images_gets_text_and_nothing_is_drawn() {
    let store = closed_day().await;
    let publisher = Recording::default();
    let charts = Charts::default();

    publish(&store, &publisher, &charts).await;

    assert_eq!(charts.drawn.load(Ordering::SeqCst), 0);
    assert!(
        publisher
            .sent
            .lock()
            .unwrap()
            .iter()
            .all(|p| p.image.is_none())
    );
}

#[tokio::test]
async fn a_chart_that_cannot_be_drawn_leaves_the_post_to_go_without_it() {
    let store = closed_day().await;
    let publisher = Recording {
        images: true,
        ..Recording::default()
    };
    let charts = Charts {
        fail: true,
        ..Charts::default()
    };

    let outcomes = publish(&store, &publisher, &charts).await;

    for (_, outcome) in &outcomes {
        let PostOutcome::SentWithoutImage { id, reason } = outcome else {
            panic!("{outcomes:?}");
        };
        assert!(id.is_some());
        assert_eq!(
            reason,
            "the chart could not be drawn: invalid input: no fonts"
        );
    }
    assert_eq!(publisher.sent.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_refused_image_sends_the_post_once_without_it() {
    let store = closed_day().await;
    let publisher = Recording {
        images: true,
        refuse_image: vec!["top-streamers"],
        ..Recording::default()
    };
    let charts = Charts::default();

    let outcomes = publish(&store, &publisher, &charts).await;

    assert!(
        matches!(outcomes[0].1, PostOutcome::Sent(_)),
        "{outcomes:?}"
    );
    let PostOutcome::SentWithoutImage { id, reason } = &outcomes[1].1 else {
        panic!("{outcomes:?}");
    };
    assert_eq!(id.as_deref(), Some("id2"));
    assert!(reason.contains("413 too large"), "{reason}");
    assert!(
        matches!(outcomes[2].1, PostOutcome::Sent(_)),
        "{outcomes:?}"
    );
    {
        let sent = publisher.sent.lock().unwrap();
        assert_eq!(sent.len(), 3, "one post per kind");
        assert!(sent[1].image.is_none());
    }
    // The outbox holds one entry, sent, after two claims (the refused one and the resend).
    let key = OutboxKey::post("rec", day(), PostKind::TopStreamers);
    let entry = store.outbox_entry(&key).await.unwrap().unwrap();
    assert_eq!(entry.state, OutboxState::Sent);
    assert_eq!(entry.attempts, 2);
    // Nothing is sent again.
    let again = publish(&store, &publisher, &charts).await;
    assert!(again.iter().all(|(_, o)| *o == PostOutcome::AlreadySent));
    assert_eq!(publisher.sent.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn publish_day_alone_sends_text_only() {
    let store = closed_day().await;
    let publisher = Recording {
        images: true,
        ..Recording::default()
    };
    bot::publish_day(&store, &publisher, &Settings::default(), day(), now())
        .await
        .unwrap();
    assert!(
        publisher
            .sent
            .lock()
            .unwrap()
            .iter()
            .all(|p| p.image.is_none())
    );
}

#[tokio::test]
async fn a_retry_attaches_only_the_image_the_first_attempt_claimed() {
    for (changed, attached) in [(false, true), (true, false)] {
        let store = closed_day().await;
        let publisher = Recording {
            images: true,
            unknown_once: Mutex::new(vec!["top-games"]),
            ..Recording::default()
        };
        let charts = Charts::default();
        let first = publish(&store, &publisher, &charts).await;
        assert!(matches!(first[0].1, PostOutcome::Uncertain(_)), "{first:?}");
        let key = OutboxKey::post("rec", day(), PostKind::TopGames);
        let stored = store
            .outbox_entry(&key)
            .await
            .unwrap()
            .unwrap()
            .payload
            .unwrap();
        let first_png = Image {
            png: b"png top-games 2026-11-26 v0".to_vec(),
            alt: String::new(),
        };
        assert_eq!(stored.image_sha256, Some(first_png.sha256()));
        if changed {
            *charts.version.lock().unwrap() = 1;
        }

        let retry = publish(&store, &publisher, &charts).await;

        let sent = publisher.sent.lock().unwrap();
        let games: Vec<&Post> = sent
            .iter()
            .filter(|p| p.idempotency_key.ends_with("top-games"))
            .collect();
        assert_eq!(games.len(), 1);
        assert_eq!(games[0].text, stored.text, "the first attempt's text");
        assert_eq!(games[0].image.is_some(), attached, "changed: {changed}");
        if changed {
            let PostOutcome::SentWithoutImage { reason, .. } = &retry[0].1 else {
                panic!("{retry:?}");
            };
            assert!(reason.contains("chart changed"), "{reason}");
        } else {
            assert!(matches!(retry[0].1, PostOutcome::Sent(_)), "{retry:?}");
        }
    }
}
