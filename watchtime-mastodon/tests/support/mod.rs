//! What the tests share besides the fake (which is `fake`, behind the crate's `fake` feature).

use watchtime_core::ports::Post;

/// A post with `text` and idempotency key `key`.
pub fn post(text: &str, key: &str) -> Post {
    Post {
        text: text.to_owned(),
        created_at: "2026-11-27T22:00:00Z".parse().expect("a time"),
        idempotency_key: key.to_owned(),
        image: None,
    }
}
