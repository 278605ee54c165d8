//! What the tests share besides the fake (which is `fake`, behind the crate's `fake` feature).

#![allow(dead_code)] // each test binary uses its part

use std::sync::Arc;

use watchtime_core::MemoryStore;
use watchtime_core::ports::{Image, Post};

/// When every test post was first made, as the outbox would keep it.
pub const CREATED_AT: &str = "2026-11-27T22:00:00.250Z";

/// A post with `text` and idempotency key `key`, made at [`CREATED_AT`].
pub fn post(text: &str, key: &str) -> Post {
    Post {
        text: text.to_owned(),
        created_at: CREATED_AT.parse().expect("an RFC 3339 time"),
        idempotency_key: key.to_owned(),
        image: None,
    }
}

/// The same with an image.
pub fn post_with_image(text: &str, key: &str, png: Vec<u8>, alt: &str) -> Post {
    Post {
        image: Some(Image {
            png,
            alt: alt.to_owned(),
        }),
        ..post(text, key)
    }
}

/// A PNG header of `width` × `height` (enough for `aspectRatio`; the fake does not decode).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// A fresh reference store.
pub fn store() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

/// A store holding yesterday (the last finished day at `now`), closed: Chess streamed by
/// Alpha (900 then 1000 viewers), Go by Beta (300). Returns the store and the day.
pub async fn closed_yesterday(
    now: chrono::DateTime<chrono::Utc>,
) -> (Arc<MemoryStore>, watchtime_core::Day) {
    use watchtime_core::prelude::*;
    use watchtime_core::testkit::fixtures::{slotted, stream};
    let settings = watchtime_core::Settings::default();
    let day = settings.calendar.last_finished_day(now);
    let start = settings.calendar.start_of(day);
    let store = store();
    for (i, viewers) in [(0, 900), (1, 1000)] {
        let t = start + chrono::Duration::hours(4) + chrono::Duration::minutes(30 * i);
        let snapshot = slotted(
            &t.to_rfc3339(),
            vec![
                stream("1", "Alpha", Some(("743", "Chess")), viewers),
                stream("2", "Beta", Some(("1001", "Go")), 300),
            ],
        );
        store.record_snapshot(&snapshot).await.expect("record");
    }
    watchtime_core::bot::close_day(store.as_ref(), &settings, day, now)
        .await
        .expect("close yesterday");
    (store, day)
}
