//! The outbox cases: claims, settlements, stored payloads, author activity and mention cursors.

use chrono::Duration;

use super::day;
use crate::outbox::{Claim, OutboxItem, OutboxKey, OutboxState, Payload, Purpose, Settlement};
use crate::ports::Store;
use crate::testkit::fixtures::at;

/// The outbox: claim, settle, retry after a proven failure, unfinished after a crash.
pub async fn outbox_claims_and_settles<S: Store + ?Sized>(store: &S) {
    let t0 = at("2026-11-27T22:00:00Z");
    let key = OutboxKey::post(
        "mastodon",
        day("2026-11-26"),
        crate::message::PostKind::TopGames,
    );
    let payload = Payload::text("Most watched games", t0);
    let item = OutboxItem {
        key: key.clone(),
        purpose: Purpose::Post,
        author: None,
        payload: payload.clone(),
    };
    assert_eq!(store.outbox_entry(&key).await.expect("entry"), None);
    assert_eq!(
        store.claim(&item, t0).await.expect("claim"),
        Claim::Fresh {
            payload: payload.clone()
        }
    );
    // Claimed but never settled (the process died): the next claim says so.
    let t1 = t0 + Duration::minutes(3);
    assert_eq!(
        store.claim(&item, t1).await.expect("claim"),
        Claim::Unfinished {
            attempts: 2,
            since: t0,
            payload: payload.clone(),
        }
    );
    // A proven failure makes the next claim fresh again.
    store
        .settle(
            &key,
            &Settlement::Failed {
                reason: "HTTP 429".into(),
            },
            t1,
        )
        .await
        .expect("settle");
    let failed = store
        .outbox_entry(&key)
        .await
        .expect("entry")
        .expect("exists");
    assert_eq!(
        (failed.state, failed.detail.as_deref()),
        (OutboxState::Failed, Some("HTTP 429"))
    );
    assert_eq!(
        store.claim(&item, t1).await.expect("claim"),
        Claim::Fresh {
            payload: payload.clone()
        }
    );
    store
        .settle(
            &key,
            &Settlement::Sent {
                remote_id: Some("1099".into()),
            },
            t1,
        )
        .await
        .expect("settle");
    match store.claim(&item, t1).await.expect("claim") {
        Claim::Settled(e) => {
            assert_eq!(
                (e.state, e.remote_id.as_deref(), e.attempts),
                (OutboxState::Sent, Some("1099"), 3)
            );
            assert_eq!((e.created_at, e.updated_at), (t0, t1));
            assert_eq!(e.payload, Some(payload.clone()));
        }
        other => panic!("expected settled, got {other:?}"),
    }
    // Settling a settled entry changes nothing.
    store
        .settle(
            &key,
            &Settlement::Failed {
                reason: "late".into(),
            },
            t1,
        )
        .await
        .expect("settle");
    assert_eq!(
        store
            .outbox_entry(&key)
            .await
            .expect("entry")
            .expect("exists")
            .state,
        OutboxState::Sent
    );
    // Other platforms and items are separate.
    let other = OutboxItem {
        key: OutboxKey::post(
            "twitter",
            day("2026-11-26"),
            crate::message::PostKind::TopGames,
        ),
        ..item.clone()
    };
    assert!(matches!(
        store.claim(&other, t1).await.expect("claim"),
        Claim::Fresh { .. }
    ));
    let missing = store
        .settle(
            &OutboxKey::reply("x", "nope"),
            &Settlement::Sent { remote_id: None },
            t1,
        )
        .await;
    assert!(
        matches!(missing, Err(crate::Error::NotFound { .. })),
        "{missing:?}"
    );
}

/// Per-author activity counts pending and sent replies since a time, per platform.
pub async fn author_activity_counts_recent_replies<S: Store + ?Sized>(store: &S) {
    let t0 = at("2026-11-27T22:00:00Z");
    let reply = |id: &str, purpose, author: &str| OutboxItem {
        key: OutboxKey::reply("mastodon", id),
        purpose,
        author: Some(author.into()),
        payload: Payload::text(format!("@{author} reply {id}"), t0),
    };
    let items = [
        (
            reply("1", Purpose::Answer, "alice"),
            0,
            Some(Settlement::Sent {
                remote_id: Some("r1".into()),
            }),
        ),
        (reply("2", Purpose::Answer, "alice"), 30, None),
        (
            reply("3", Purpose::HowTo, "alice"),
            40,
            Some(Settlement::Sent { remote_id: None }),
        ),
        (
            reply("4", Purpose::Answer, "alice"),
            50,
            Some(Settlement::Skipped {
                reason: "limit".into(),
            }),
        ),
        (
            reply("5", Purpose::Answer, "alice"),
            55,
            Some(Settlement::Failed {
                reason: "500".into(),
            }),
        ),
        (
            reply("6", Purpose::Answer, "bob"),
            55,
            Some(Settlement::Sent { remote_id: None }),
        ),
    ];
    for (item, minutes, settlement) in &items {
        let t = t0 + Duration::minutes(*minutes);
        assert_eq!(
            store.claim(item, t).await.expect("claim"),
            Claim::Fresh {
                payload: item.payload.clone()
            }
        );
        if let Some(s) = settlement {
            store.settle(&item.key, s, t).await.expect("settle");
        }
    }
    let activity = store
        .author_activity("mastodon", "alice", t0)
        .await
        .expect("activity");
    assert_eq!((activity.answers, activity.how_tos), (2, 1));
    let later = store
        .author_activity("mastodon", "alice", t0 + Duration::minutes(35))
        .await
        .expect("activity");
    assert_eq!((later.answers, later.how_tos), (0, 1));
    let elsewhere = store
        .author_activity("twitter", "alice", t0)
        .await
        .expect("activity");
    assert_eq!((elsewhere.answers, elsewhere.how_tos), (0, 0));
}

/// Mention cursors are stored per platform and overwritten.
pub async fn mention_cursors_per_platform<S: Store + ?Sized>(store: &S) {
    assert_eq!(store.mention_cursor("twitter").await.expect("cursor"), None);
    store
        .set_mention_cursor("twitter", "100")
        .await
        .expect("set");
    store
        .set_mention_cursor("mastodon", "abc")
        .await
        .expect("set");
    store
        .set_mention_cursor("twitter", "200")
        .await
        .expect("set");
    assert_eq!(
        store
            .mention_cursor("twitter")
            .await
            .expect("cursor")
            .as_deref(),
        Some("200")
    );
    assert_eq!(
        store
            .mention_cursor("mastodon")
            .await
            .expect("cursor")
            .as_deref(),
        Some("abc")
    );
}

/// The first claim stores the exact payload; a claim after a crash, after a proven failure, or
/// after the data changed gets that payload back, never the one it offers.
pub async fn outbox_keeps_the_first_payload<S: Store + ?Sized>(store: &S) {
    let t0 = at("2026-11-27T22:00:00Z");
    let key = OutboxKey::reply("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k");
    let first = Payload {
        text: "@amy Chess: top streamers, yesterday\n1. Alpha 15 h".into(),
        created_at: t0,
        image_sha256: Some(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        ),
    };
    let item = |payload: Payload| OutboxItem {
        key: key.clone(),
        purpose: Purpose::Answer,
        author: Some("did:plc:amy".into()),
        payload,
    };
    assert_eq!(
        store.claim(&item(first.clone()), t0).await.expect("claim"),
        Claim::Fresh {
            payload: first.clone()
        }
    );
    // The process "crashed" after sending; meanwhile the data changed, so a rebuilt reply
    // differs. The re-claim answers the stored payload: its text, its time and its image.
    let t1 = t0 + Duration::minutes(7);
    let rebuilt = Payload {
        text: "@amy Chess: top streamers, today so far\n1. Beta 2 h".into(),
        created_at: t1,
        image_sha256: None,
    };
    assert_eq!(
        store
            .claim(&item(rebuilt.clone()), t1)
            .await
            .expect("claim"),
        Claim::Unfinished {
            attempts: 2,
            since: t0,
            payload: first.clone(),
        }
    );
    // A proven failure does not prove the first attempt failed: the payload stays.
    store
        .settle(
            &key,
            &Settlement::Failed {
                reason: "HTTP 429".into(),
            },
            t1,
        )
        .await
        .expect("settle");
    let t2 = t1 + Duration::minutes(1);
    assert_eq!(
        store
            .claim(&item(rebuilt.clone()), t2)
            .await
            .expect("claim"),
        Claim::Fresh {
            payload: first.clone()
        }
    );
    let entry = store
        .outbox_entry(&key)
        .await
        .expect("entry")
        .expect("exists");
    assert_eq!(
        (entry.payload, entry.attempts, entry.created_at),
        (Some(first.clone()), 3, t0)
    );
    // Text that is not plain ASCII, and no image, round-trip too.
    let other = OutboxKey::reply("bluesky", "2");
    let exotic = Payload::text("@加藤 🎮 \"quoted\" 'single' \\ \u{200F}end", t2);
    let claimed = store
        .claim(
            &OutboxItem {
                key: other.clone(),
                payload: exotic.clone(),
                ..item(first.clone())
            },
            t2,
        )
        .await
        .expect("claim");
    assert_eq!(claimed.payload(), Some(&exotic));
    assert_eq!(
        store
            .outbox_entry(&other)
            .await
            .expect("entry")
            .expect("exists")
            .payload,
        Some(exotic)
    );
}
