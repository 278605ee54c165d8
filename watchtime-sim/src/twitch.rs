//! [`SimulatedTwitch`]: the simulated world as a [`TwitchSource`], read at the time of a clock.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use watchtime_core::ports::TwitchSource;
use watchtime_core::{Clock, Snapshot};

use crate::population::GAME_COUNT;
use crate::world::World;

/// A seeded stand-in for the Helix API: every sweep lists what [`World::snapshot_at`] lists at
/// the clock's time.
#[derive(Debug)]
pub struct SimulatedTwitch {
    world: Arc<World>,
    clock: Arc<dyn Clock>,
}

impl SimulatedTwitch {
    /// A Twitch of `channels` channels and the demo's [`GAME_COUNT`] games from `seed`, swept
    /// at `clock`'s time.
    pub fn new(seed: u64, channels: u32, clock: Arc<dyn Clock>) -> Self {
        Self::of(Arc::new(World::new(seed, channels, GAME_COUNT)), clock)
    }

    /// Sweeps of `world`, taken at `clock`'s time.
    pub fn of(world: Arc<World>, clock: Arc<dyn Clock>) -> Self {
        SimulatedTwitch { world, clock }
    }

    /// What a sweep at `t` lists: [`World::snapshot_at`].
    pub fn snapshot_at(&self, t: DateTime<Utc>, min_viewers: u32) -> Snapshot {
        self.world.snapshot_at(t, min_viewers)
    }

    /// The world swept.
    pub fn world(&self) -> &World {
        &self.world
    }
}

#[async_trait]
impl TwitchSource for SimulatedTwitch {
    async fn snapshot(&self, min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        Ok(self.world.snapshot_at(self.clock.now(), min_viewers))
    }
}
