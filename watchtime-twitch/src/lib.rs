//! # watchtime-twitch
//!
//! The [`TwitchSource`](watchtime_core::TwitchSource) of `watchtime` over the Twitch Helix API:
//! one sweep of `GET /helix/streams` (100 a page, following the cursor, sorted by viewers) down
//! to the viewer threshold, with an app access token from the client-credentials flow.
//!
//! What it handles so the caller need not:
//! - **Token.** Fetched on first use, kept until Helix answers 401, then replaced once and the
//!   request retried. Refused credentials are [`TwitchError::TokenRefused`], which says which
//!   environment variables to fix.
//! - **Helix's pagination faults.** Streams repeated across pages count once (first sighting); a
//!   cursor that loops back, an empty page or a missing cursor ends the sweep; a page cap bounds it.
//! - **Rate limits.** `Ratelimit-Remaining` / `Ratelimit-Reset` pace the requests; a 429 waits for
//!   the reset (up to [`RetryPolicy::max_rate_limit_wait`](watchtime_core::retry::RetryPolicy)).
//! - **Faults.** Timeouts, connection errors and 5xx are retried with backoff and jitter. A page
//!   lost mid-sweep gives a snapshot marked
//!   [`Completeness::Incomplete`](watchtime_core::Completeness), never a silently partial one.
//!
//! Secrets (the client secret, the token) are [`secrecy::SecretString`]s and never reach a log
//! line, an error message or `Debug` output.
//!
//! ```no_run
//! use watchtime_twitch::{HelixConfig, HelixSource};
//! # async fn run() -> Result<(), watchtime_twitch::TwitchError> {
//! let config = HelixConfig::new("my-client-id", std::env::var("TWITCH_CLIENT_SECRET").unwrap_or_default());
//! let source = HelixSource::new(config)?;
//! let sweep = source.sweep(50).await?;
//! println!("{} streams, {} pages", sweep.snapshot.streams.len(), sweep.pages);
//! # Ok(()) }
//! ```
//!
//! With the `fake` feature, [`fake::HelixFake`] models Helix and its token endpoint on a local
//! wiremock server, for tests of anything that sweeps Twitch.

#![deny(missing_docs)]

mod client;
mod config;
mod error;
mod exchange;
mod helix;
mod pager;
mod ratelimit;
mod sweep;
mod token;

#[cfg(feature = "fake")]
pub mod fake;

pub use client::HelixSource;
pub use config::{
    DEFAULT_API_URL, DEFAULT_AUTH_URL, DEFAULT_PAGE_CAP, DEFAULT_TIMEOUT, HelixConfig,
};
pub use error::TwitchError;
pub use sweep::Sweep;
