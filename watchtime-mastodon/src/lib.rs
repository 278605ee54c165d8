//! # watchtime-mastodon
//!
//! Posts `watchtime`'s daily rankings to a Mastodon account and answers the mentions it gets:
//! a [`Publisher`](watchtime_core::Publisher) and a
//! [`MentionSource`](watchtime_core::MentionSource) over the Mastodon REST API.
//!
//! ```no_run
//! use watchtime_mastodon::{MastodonClient, MastodonConfig};
//! # async fn demo() -> Result<(), watchtime_mastodon::MastodonError> {
//! let config = MastodonConfig::new("https://mastodon.social", "token".into());
//! let client = MastodonClient::connect(config).await?;
//! # Ok(()) }
//! ```
//!
//! What users should know:
//! - The access token needs the scopes `read:notifications read:accounts write:statuses
//!   write:media` ([`REQUIRED_SCOPES`]); a token for posting only needs `write:statuses`
//!   (and `write:media` for the chart images; without it the posts go out without them).
//! - A post's image is uploaded first (`POST /api/v2/media` with its alt text as
//!   `description`), waited for while the instance processes it, then named in the status's
//!   `media_ids`. A failed upload sends nothing ([`PublishError::ImageRejected`]).
//! - The status limit is the instance's own (`/api/v2/instance`), 500 where it does not say,
//!   counted in graphemes with each URL as 23.
//! - Daily posts are public and replies unlisted by default ([`MastodonConfig`]); a reply is
//!   never more public than the mention it answers.
//! - Statuses carry an `Idempotency-Key`, so retries never post twice within the hour the
//!   instance remembers the key.
//! - Mastodon 4.3+ may filter mentions from some accounts (the account's notification policy);
//!   filtered mentions are not read. Mention texts are HTML, turned into plain text by
//!   [`html_to_text`].
//! - Rate limits (300 requests per 5 minutes by default) are honoured from
//!   `X-RateLimit-Reset`, which Mastodon sends as an ISO 8601 time.
//!
//! - Mentions can also arrive as they happen: [`MastodonClient::mention_stream`] subscribes to
//!   the account's notification stream (server-sent events on the instance's streaming host).
//!   A stream promises nothing across a reconnect, so it only speeds answers up: keep reading
//!   the REST notifications from the stored cursor after each connect and on an interval.
//!
//! [`PublishError::ImageRejected`]: watchtime_core::ports::PublishError::ImageRejected
//!
//! With the `fake` feature, [`fake::MastodonFake`] models an instance on a local wiremock
//! server, for tests of anything that posts to Mastodon or answers its mentions.

#![deny(missing_docs)]

mod api;
mod client;
mod config;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod html;
mod http;
mod media;
mod mentions;
mod sse;
mod stream;

pub use client::{IDEMPOTENCY_WINDOW, MastodonClient, PLATFORM};
pub use config::{MastodonConfig, Visibility};
pub use error::{MastodonError, REQUIRED_SCOPES};
pub use html::html_to_text;
pub use media::{MAX_DESCRIPTION_CHARS, MediaWait};
pub use mentions::PAGE_LIMIT;
pub use stream::{DEFAULT_STREAM_IDLE_TIMEOUT, MentionStream, NOTIFICATION_STREAM_PATH};
