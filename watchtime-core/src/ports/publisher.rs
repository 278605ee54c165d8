//! The publishing port: where posts and replies go.

use std::fmt::{self, Debug};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use async_trait::async_trait;

use crate::error::Error;
use crate::message::TextLimit;
use crate::outbox::{OutboxKey, Payload};
use crate::ports::mentions::Mention;

/// The alt-text limit of a publisher that does not declare its own: X's and Bluesky's, the
/// smallest of the platforms.
pub const DEFAULT_ALT_TEXT_LIMIT: usize = 1000;

/// An image attached to a post.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Alternative text for screen readers.
    pub alt: String,
}

impl Image {
    /// The lowercase hex SHA-256 of the PNG, which the outbox keeps with a post's first claim
    /// ([`crate::outbox::Payload::image_sha256`]) so a retry attaches only the same image.
    pub fn sha256(&self) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(&self.png)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Image({} bytes, alt {:?})", self.png.len(), self.alt)
    }
}

/// A post or reply to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// The text, already fitted to the publisher's [`Publisher::text_limit`]. A retry carries
    /// exactly the text of the first attempt (the outbox keeps it).
    pub text: String,
    /// When the post was first attempted: the same for every attempt of the same item, for
    /// platforms whose record carries its own time (Bluesky's `createdAt`).
    pub created_at: DateTime<Utc>,
    /// The same for every attempt of the same item; platforms that support idempotency keys
    /// receive it so a retry cannot post twice.
    pub idempotency_key: String,
    /// An optional image, sent only by publishers that take images.
    pub image: Option<Image>,
}

impl Post {
    /// The post an outbox item sends: its stored payload, under the item's idempotency key, with
    /// no image.
    pub fn of(payload: Payload, key: &OutboxKey) -> Self {
        Post {
            text: payload.text,
            created_at: payload.created_at,
            idempotency_key: key.idempotency_key(),
            image: None,
        }
    }
}

/// What the platform did with a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Posted now, with the platform's id.
    Posted(String),
    /// The platform recognised a repeat of an earlier attempt and posted nothing new (an
    /// idempotency key replay, or a duplicate-content refusal); the earlier id when known.
    AlreadyPosted(Option<String>),
}

/// A failed send, saying whether anything may have gone out.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Provably nothing was posted (the request was refused, rate limited, or never sent): a
    /// later attempt is safe.
    #[error("not posted")]
    NotSent(#[source] Error),
    /// The request may have been posted (a timeout or a dropped connection after sending, a
    /// 5xx from a proxy): the attempt stays unfinished.
    #[error("may have been posted")]
    Unknown(#[source] Error),
    /// The post's image could not be uploaded, and so provably nothing was posted: the
    /// platform was refused or failed the upload, which comes before the post (or the whole
    /// message, where image and text travel in one request, was refused for its size). Sending
    /// the same post again without its image is safe; the core does that and says so.
    #[error("image not uploaded; nothing posted")]
    ImageRejected(#[source] Error),
}

impl PublishError {
    /// The underlying error.
    pub fn error(&self) -> &Error {
        match self {
            PublishError::NotSent(e)
            | PublishError::Unknown(e)
            | PublishError::ImageRejected(e) => e,
        }
    }

    /// The underlying error, owned.
    pub fn into_error(self) -> Error {
        match self {
            PublishError::NotSent(e)
            | PublishError::Unknown(e)
            | PublishError::ImageRejected(e) => e,
        }
    }
}

/// How a platform treats a second send of the same item (same idempotency key and text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redelivery {
    /// A repeat within `within` of the first attempt posts nothing new (Mastodon keeps
    /// `Idempotency-Key`s about an hour; X refuses recent duplicate text): an unfinished attempt
    /// younger than that may be retried, an older one is held.
    Deduplicated {
        /// How long the platform remembers an attempt.
        within: Duration,
    },
    /// A repeat posts again: an unfinished attempt must not be retried blindly.
    Duplicates,
    /// A repeat is always safe, however late: the platform writes each item under a key of its
    /// own and a second write of the same item replaces it with itself (Bluesky records written
    /// with `putRecord` under a record key derived from [`Post::idempotency_key`]). An
    /// unfinished attempt is resent at any age, so nothing is ever held.
    Idempotent,
}

impl Redelivery {
    /// Whether an attempt left unfinished at `since` may be sent again at `now`.
    pub fn may_resend(self, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match self {
            Redelivery::Deduplicated { within } => {
                (now - since).to_std().map_or(true, |age| age < within)
            }
            Redelivery::Duplicates => false,
            Redelivery::Idempotent => true,
        }
    }
}

/// Where posts and replies go: X, Mastodon, Discord, the console…
#[async_trait]
pub trait Publisher: Send + Sync + Debug {
    /// The platform's name, which keys the outbox: one set of daily posts per platform.
    fn platform(&self) -> &str;

    /// How long a message may be and how it is counted.
    fn text_limit(&self) -> TextLimit;

    /// What a repeat of an unfinished attempt does on this platform.
    fn redelivery(&self) -> Redelivery;

    /// Whether [`Publisher::reply`] is supported (a Discord webhook cannot reply).
    fn takes_replies(&self) -> bool {
        true
    }

    /// Whether images are attached (others ignore [`Post::image`]).
    fn takes_images(&self) -> bool {
        false
    }

    /// The longest alt text an image may carry here, in characters (Unicode scalar values):
    /// X and Bluesky take 1000, Mastodon 1500, Discord 1024. The core fits [`Image::alt`] to it.
    fn alt_text_limit(&self) -> usize {
        DEFAULT_ALT_TEXT_LIMIT
    }

    /// Publishes a post, with its image when it has one and [`Publisher::takes_images`].
    ///
    /// Errors must be honest about delivery: [`PublishError::NotSent`] only when the post
    /// provably did not go out, [`PublishError::Unknown`] when it may have, and
    /// [`PublishError::ImageRejected`] when the image failed and nothing was posted (the core
    /// then sends the post once more, without the image; an image is uploaded before the post
    /// that shows it, so a failed upload never leaves a post behind). The error inside
    /// says what happens next (the table on [`crate::bot::PostOutcome`]):
    ///
    /// - `NotSent` with a retryable error ([`Error::Unavailable`], [`Error::RateLimited`]): the
    ///   next run sends the post again;
    /// - `NotSent` with [`Error::Unauthorized`]: the job stops for this platform (every post
    ///   would be refused the same way) and the next run tries again;
    /// - `NotSent` with any other error (a text the platform will not take, a deleted post to
    ///   reply to): the post is recorded as refused and never sent again, and the other posts
    ///   go on;
    /// - `Unknown`: the post stays unfinished; it is resent, as the same payload, only where
    ///   [`Publisher::redelivery`] says a repeat is absorbed.
    async fn post(&self, post: &Post) -> Result<Delivery, PublishError>;

    /// Publishes `post` as a reply to `mention`. The text already starts with any handle the
    /// platform needs ([`Mention::reply_prefix`]).
    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        let _ = (mention, post);
        Err(PublishError::NotSent(Error::invalid(format!(
            "{} does not take replies",
            self.platform()
        ))))
    }
}

/// A shared, type-erased publisher.
pub type DynPublisher = Arc<dyn Publisher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_images_hash_is_its_pngs_sha256_in_hex() {
        let image = Image {
            png: b"abc".to_vec(),
            alt: "x".into(),
        };
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            image.sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
