//! # watchtime-bluesky
//!
//! Posts `watchtime`'s daily rankings to a Bluesky account and answers the mentions it gets: a
//! [`Publisher`](watchtime_core::Publisher) and a
//! [`MentionSource`](watchtime_core::MentionSource) over the AT Protocol's XRPC, with
//! `reqwest` and `serde` (a handful of calls; no generated lexicon crate).
//!
//! ```no_run
//! use std::sync::Arc;
//! use watchtime_bluesky::{BlueskyClient, BlueskyConfig, DEFAULT_SERVICE_URL};
//! use watchtime_core::MemoryStore;
//! # fn demo() -> Result<(), watchtime_bluesky::BlueskyError> {
//! let config = BlueskyConfig::new(DEFAULT_SERVICE_URL, "watchtime.bsky.social", "app-password".into());
//! let client = BlueskyClient::new(config, Arc::new(MemoryStore::new()))?;
//! # Ok(()) }
//! ```
//!
//! What users should know:
//! - Log in with the handle (or DID) and an **app password**. The session is refreshed with
//!   `refreshSession` on every run; its refresh token is kept in the store (a platform secret),
//!   since `createSession` is limited to a few dozen logins an hour. An expired or revoked
//!   session logs in again once.
//! - Posts are `app.bsky.feed.post` records of at most 300 graphemes and 3000 bytes, with
//!   `langs` (English by default).
//! - **Exactly once, without held posts**: each post and reply is written with `putRecord`
//!   under a record key derived from its outbox key ([`record_key`]). A retry, however late,
//!   writes the same record under the same key: the reference PDS answers an identical record
//!   without a new commit, so nothing is ever posted twice and nothing has to be held.
//! - Mentions come from the AppView's `listNotifications` (reasons `mention` and `reply`),
//!   proxied by the PDS. The query is the post's text without the bot's own mention (its facet,
//!   cut by byte range, or the `@handle`). Replies carry `root` and `parent` references.
//! - Images: `uploadBlob`, then an `app.bsky.embed.images` embed with the alt text and the
//!   PNG's width and height as `aspectRatio`; at most 2,000,000 bytes.
//! - Faults: 429 waits for `ratelimit-reset`; 5xx, timeouts and resets are retried with
//!   backoff (every call is safe to repeat); `ExpiredToken` / `InvalidToken` (a 400) renew the
//!   session; a deleted mention is refused alone.
//!
//! With the `fake` feature, [`fake::BlueskyFake`] models a PDS with its AppView on a local
//! wiremock server, for tests of anything that posts to Bluesky.

#![deny(missing_docs)]

mod client;
mod config;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod mentions;
mod post;
mod record;
mod session;
mod tid;
mod xrpc;

pub use client::{BlueskyClient, PLATFORM};
pub use config::{BlueskyConfig, DEFAULT_SERVICE_URL};
pub use error::BlueskyError;
pub use mentions::{LOOKBACK_MINUTES, MAX_PAGES, PAGE_LIMIT};
pub use post::MAX_IMAGE_BYTES;
pub use tid::record_key;
