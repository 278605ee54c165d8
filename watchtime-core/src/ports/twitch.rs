//! The live-stream source port.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::snapshot::Snapshot;

/// Where snapshots of live streams come from: the Helix API, a simulator, a recorded file.
#[async_trait]
pub trait TwitchSource: Send + Sync + Debug {
    /// Sweeps the live streams with more than `min_viewers` viewers, once.
    ///
    /// Contract:
    /// - `taken_at` is when the sweep started (it decides the slot).
    /// - A sweep that lost pages returns what it read, marked
    ///   [`crate::snapshot::Completeness::Incomplete`] with the reason, rather than an error or a
    ///   silently partial snapshot. An error means nothing usable was read.
    /// - Streams may repeat or fall below the threshold; the core deduplicates and filters.
    async fn snapshot(&self, min_viewers: u32) -> Result<Snapshot>;
}

/// A shared, type-erased source.
pub type DynTwitchSource = Arc<dyn TwitchSource>;
