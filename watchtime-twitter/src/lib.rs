//! # watchtime-twitter
//!
//! The X (Twitter) API v2 behind `watchtime`'s [`Publisher`](watchtime_core::Publisher) and
//! [`MentionSource`](watchtime_core::MentionSource): daily posts and replies with
//! `POST /2/tweets`, questions from `GET /2/users/:id/mentions`, every request signed with
//! OAuth 1.0a (HMAC-SHA1) as the bot account.
//!
//! ```no_run
//! use secrecy::SecretString;
//! use watchtime_twitter::{TwitterClient, TwitterConfig};
//! # fn demo() -> Result<(), watchtime_twitter::TwitterError> {
//! let secret = |name: &str| SecretString::from(std::env::var(name).unwrap_or_default());
//! let config = TwitterConfig::new(
//!     secret("TWITTER_CONSUMER_KEY"),
//!     secret("TWITTER_CONSUMER_SECRET"),
//!     secret("TWITTER_ACCESS_TOKEN"),
//!     secret("TWITTER_ACCESS_TOKEN_SECRET"),
//! );
//! let x = TwitterClient::new(config)?;
//! # let _ = x; Ok(()) }
//! ```
//!
//! What the account needs: an app with "Read and write" permissions, access tokens generated
//! after setting them, and, to answer mentions, paid API access (the free tier can only post).
//!
//! Delivery is honest: a post that X provably did not take is
//! [`PublishError::NotSent`](watchtime_core::ports::PublishError::NotSent); one that may exist
//! (a timeout or a 5xx after sending) is
//! [`PublishError::Unknown`](watchtime_core::ports::PublishError::Unknown) and is never resent
//! automatically. X's duplicate-content refusal is reported as
//! [`Delivery::AlreadyPosted`](watchtime_core::ports::Delivery::AlreadyPosted), which makes a
//! later retry of an unknown attempt safe.
//!
//! With the `fake` feature, [`fake::XFake`] models the X API v2 on a local wiremock server,
//! for tests of anything that posts to X or answers its mentions.

#![deny(missing_docs)]

mod client;
mod config;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod mentions;
mod oauth;
mod transport;
mod wire;

pub use client::{DUPLICATE_WINDOW, MAX_ALT_TEXT_CHARS, PLATFORM, TwitterClient};
pub use config::{DEFAULT_API_URL, TwitterConfig};
pub use error::TwitterError;
