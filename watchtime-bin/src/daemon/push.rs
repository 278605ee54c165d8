//! Platforms that push their mentions as they happen (Mastodon's notification stream), seen by
//! the daemon through two small traits so it names no adapter: `wiring.rs` implements them.
//!
//! A push is never the record of what was mentioned: it may drop or repeat anything, and says
//! nothing of what happened while it was down. The [`Lane`](super::Lane) that reads it also
//! reads the platform's [`MentionSource`](watchtime_core::MentionSource) from the stored cursor
//! after every connect and on the mention interval.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use watchtime_core::Result;
use watchtime_core::ports::Mention;

/// A platform that can push mentions.
#[async_trait]
pub trait MentionPush: Send + Sync + Debug {
    /// Subscribes; returns once the platform has accepted the subscription. `idle_timeout` is
    /// the longest silence (heartbeats included) after which the subscription counts as dead.
    async fn subscribe(&self, idle_timeout: Duration) -> Result<Box<dyn MentionFeed + '_>>;
}

/// One open subscription.
#[async_trait]
pub trait MentionFeed: Send + Debug {
    /// The next mention pushed. `Ok(None)` when the platform ended the subscription; an error
    /// when it broke or went silent. Either way the feed is finished.
    async fn next(&mut self) -> Result<Option<Mention>>;
}

/// A shared, type-erased push.
pub type DynMentionPush = Arc<dyn MentionPush>;
