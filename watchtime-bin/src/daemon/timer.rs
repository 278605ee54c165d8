//! Time for the daemon: the wall clock in production, a virtual clock in tests, so days of
//! schedule run in milliseconds and every step happens at an exact instant.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use watchtime_core::time::{Clock, ManualClock};

/// The daemon's clock and alarm.
#[async_trait]
pub trait Timer: Send + Sync + Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Returns at `t` (at once if `t` has passed).
    async fn sleep_until(&self, t: DateTime<Utc>);
}

/// The wall clock, sleeping on tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct WallTimer;

#[async_trait]
impl Timer for WallTimer {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep_until(&self, t: DateTime<Utc>) {
        // Sleep in bounded pieces so a wall-clock step (NTP, suspend) is noticed within a minute.
        loop {
            let left = t - Utc::now();
            let Ok(left) = left.to_std() else { return };
            if left.is_zero() {
                return;
            }
            tokio::time::sleep(left.min(std::time::Duration::from_secs(60))).await;
        }
    }
}

/// A virtual clock: sleeping moves it forward at once.
#[derive(Debug, Clone)]
pub struct VirtualTimer {
    clock: Arc<ManualClock>,
}

impl VirtualTimer {
    /// A timer reading and moving `clock`.
    pub fn new(clock: Arc<ManualClock>) -> Self {
        VirtualTimer { clock }
    }
}

#[async_trait]
impl Timer for VirtualTimer {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn sleep_until(&self, t: DateTime<Utc>) {
        if t > self.clock.now() {
            self.clock.set(t);
        }
        // Let other tasks (a health server, a test's kill switch) see the new time.
        tokio::task::yield_now().await;
    }
}
