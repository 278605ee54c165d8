//! # watchtime-discord
//!
//! Posts `watchtime`'s daily rankings to a Discord channel through a webhook: a
//! [`Publisher`](watchtime_core::Publisher) that needs no bot account.
//!
//! ```no_run
//! use watchtime_discord::{DiscordClient, DiscordConfig};
//! # fn demo() -> Result<(), watchtime_discord::DiscordError> {
//! let url = std::env::var("DISCORD_WEBHOOK_URL").unwrap_or_default();
//! let client = DiscordClient::new(DiscordConfig::new(url.into()))?;
//! # Ok(()) }
//! ```
//!
//! What users should know:
//! - The webhook URL is the credential: keep it secret. Errors and logs say "discord webhook"
//!   and the status, never the URL. A deleted webhook or reset token shows as
//!   [`DiscordError::InvalidWebhook`] (an `Unauthorized` core error).
//! - Messages may be 2000 characters; names in them never ping anyone.
//! - A webhook cannot reply, so mentions are not answered on Discord.
//! - A post's image travels in the same request as its text (`multipart/form-data`: the message
//!   as `payload_json`, the PNG as `files[0]`, described by `attachments[0].description`, the
//!   alt text, at most 1024 characters). A message refused with its image posted nothing
//!   ([`PublishError::ImageRejected`](watchtime_core::ports::PublishError::ImageRejected)), so
//!   the core sends it again without.
//! - Discord has no idempotency key for webhooks. A send that may have gone out (a timeout, a
//!   5xx) is not repeated; the core's outbox holds it for an operator instead of risking a
//!   double post. Rate limits (`retry_after`) are waited out and retried.
//!
//! With the `fake` feature, [`fake::DiscordFake`] models a channel webhook on a local wiremock
//! server, for tests of anything that posts to Discord.

#![deny(missing_docs)]

mod client;
mod config;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod http;

pub use client::{DiscordClient, MAX_DESCRIPTION_CHARS, PLATFORM};
pub use config::DiscordConfig;
pub use error::DiscordError;
