//! What the tests share besides the fake (which is `fake`, behind the crate's `fake` feature).

use watchtime_core::ports::Post;

/// A post with `text` and idempotency key `key`.
pub fn post(text: &str, key: &str) -> Post {
    Post {
        text: text.to_owned(),
        idempotency_key: key.to_owned(),
        image: None,
    }
}
