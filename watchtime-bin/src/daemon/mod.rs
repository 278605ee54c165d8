//! `watchtime run`: the daemon.
//!
//! One loop, one step at a time: it asks the core [`Schedule`] when the next snapshot, close,
//! post, recap and mention round are due, sleeps until the earliest, runs it, and plans again. Steps
//! never overlap (a sweep that outlasts its slot makes the next slot be skipped, with a warning),
//! a failing step is retried with backoff while the others carry on, and everything the daemon
//! must not do twice is guarded by the store (one snapshot per slot, the outbox), so a kill at
//! any instant followed by a restart repeats nothing.
//!
//! Mentions of a platform that pushes them (Mastodon's stream) are the exception: they are
//! answered as they arrive by that platform's [`Lane`], a task beside the loop, so an answer
//! never waits for a sweep. The lane also backfills from the stored cursor after every connect
//! and on the mention interval, and polls while its stream is down. A platform that pushes
//! nothing but is polled on a short interval of its own (Bluesky, every 15 s) has a lane too,
//! which only polls; the loop polls the others.

mod health;
mod lane;
mod metrics;
mod push;
mod recaps;
mod steps;
mod timer;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration};
use tokio::sync::watch;
use watchtime_core::recap::RecapKind;
use watchtime_core::schedule::Schedule;
use watchtime_core::{Day, DayRange, DynPostImages, DynStore, DynTwitchSource, Settings, Slot};

use crate::wiring::Platform;
pub use health::{Health, router, serve};
pub use lane::{Lane, StreamSettings};
pub use metrics::{MentionMode, Metrics};
pub use push::{DynMentionPush, MentionFeed, MentionPush};
pub use timer::{Timer, VirtualTimer, WallTimer};

/// How long a step may run on after SIGTERM before it is abandoned (the store and the outbox
/// keep an abandoned step consistent).
pub const SHUTDOWN_GRACE: StdDuration = StdDuration::from_secs(8);

/// Everything the daemon works with.
#[derive(Debug, Clone)]
pub struct Daemon {
    /// The store.
    pub store: DynStore,
    /// Where snapshots come from.
    pub source: DynTwitchSource,
    /// Where posts go and mentions come from.
    pub platforms: Vec<Platform>,
    /// The charts the daily posts carry; `None` posts text only (`WATCHTIME_IMAGES=false`).
    pub images: Option<DynPostImages>,
    /// The rules and hours.
    pub settings: Settings,
    /// The clock.
    pub timer: Arc<dyn Timer>,
    /// What it has done, for `/metrics` and `/healthz`.
    pub metrics: Arc<Metrics>,
    /// How often mentions are read (platforms without mentions are never asked); while a
    /// platform's mention stream is connected, how often it is backfilled.
    pub mention_interval: Duration,
    /// Whether platforms that push mentions are subscribed to. Each such platform gets a
    /// [`Lane`] beside the loop, which answers its mentions as they arrive and backfills them;
    /// so does each platform with a [`Platform::poll_interval`], which its lane polls on; the
    /// loop polls the others.
    pub stream: StreamSettings,
}

/// A step that is due, with its retry count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Due<T> {
    pub(crate) at: DateTime<chrono::Utc>,
    pub(crate) what: T,
    pub(crate) attempt: u32,
}

impl<T> Due<T> {
    fn new(at: DateTime<chrono::Utc>, what: T) -> Self {
        Due {
            at,
            what,
            attempt: 0,
        }
    }
}

/// The daemon's plan: when each kind of step is next due. Rebuilt from the store at start, so
/// losing it (a kill) loses nothing.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) collect: Due<Slot>,
    pub(crate) close: Due<()>,
    pub(crate) post: Due<Day>,
    /// Platforms whose posts for `post.what` are settled.
    pub(crate) posted: Vec<String>,
    /// The next recap of each kind turned on.
    pub(crate) recaps: Vec<RecapDue>,
    pub(crate) mentions: Option<Due<()>>,
}

/// The next recap of one kind: its period, and the platforms that have settled it.
#[derive(Debug)]
pub(crate) struct RecapDue {
    pub(crate) kind: RecapKind,
    pub(crate) due: Due<DayRange>,
    pub(crate) posted: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Collect,
    Close,
    Post,
    /// The recap at this index of [`Plan::recaps`].
    Recap(usize),
    Mentions,
}

impl Plan {
    /// The earliest due step; ties go to collect, close, post, recaps, mentions in that order.
    fn next(&self) -> (DateTime<chrono::Utc>, Step) {
        let mut best = (self.collect.at, Step::Collect);
        let recaps = self
            .recaps
            .iter()
            .enumerate()
            .map(|(i, r)| (r.due.at, Step::Recap(i)));
        for (at, step) in [(self.close.at, Step::Close), (self.post.at, Step::Post)]
            .into_iter()
            .chain(recaps)
        {
            if at < best.0 {
                best = (at, step);
            }
        }
        if let Some(m) = &self.mentions
            && m.at < best.0
        {
            best = (m.at, Step::Mentions);
        }
        best
    }
}

impl Daemon {
    /// Runs until `shutdown` turns true. Returns only then: step failures are logged, counted
    /// and retried, never returned.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let lanes: Vec<_> = self
            .platforms
            .iter()
            .filter(|p| self.laned(p))
            .map(|platform| {
                let lane = Lane {
                    platform: platform.clone(),
                    store: self.store.clone(),
                    settings: self.settings,
                    timer: self.timer.clone(),
                    metrics: self.metrics.clone(),
                    interval: Lane::interval_of(platform, self.common_interval()),
                    stream: self.stream,
                };
                tokio::spawn(lane.run(shutdown.clone()))
            })
            .collect();
        let mut plan = self.catch_up().await;
        tracing::info!(
            collect = %plan.collect.what,
            post_day = %plan.post.what,
            platforms = self.platforms.len(),
            "watchtime is running"
        );
        loop {
            let (at, step) = plan.next();
            tokio::select! {
                _ = self.timer.sleep_until(at) => {}
                _ = stopped(&mut shutdown) => break,
            }
            let work = async {
                match step {
                    Step::Collect => self.collect(&mut plan).await,
                    Step::Close => self.close(&mut plan).await,
                    Step::Post => self.post(&mut plan).await,
                    Step::Recap(i) => self.recap(&mut plan, i).await,
                    Step::Mentions => self.mentions(&mut plan).await,
                }
            };
            tokio::pin!(work);
            let interrupted = tokio::select! {
                _ = &mut work => false,
                _ = stopped(&mut shutdown) => true,
            };
            if interrupted {
                if tokio::time::timeout(SHUTDOWN_GRACE, &mut work)
                    .await
                    .is_err()
                {
                    tracing::warn!(?step, "abandoned the step in progress to shut down");
                }
                break;
            }
        }
        for lane in lanes {
            // Each lane finishes or abandons its answer within the grace itself.
            let _ = tokio::time::timeout(SHUTDOWN_GRACE * 2, lane).await;
        }
        tracing::info!("watchtime stopped");
    }

    /// Whether `platform`'s mentions are a [`Lane`]'s (it pushes them and streaming is on, or
    /// it is polled on an interval of its own) rather than the loop's polling step's.
    fn laned(&self, platform: &Platform) -> bool {
        platform.mentions.is_some()
            && ((self.stream.enabled && platform.push.is_some())
                || platform.poll_interval.is_some())
    }

    /// The mention interval of the platforms without one of their own.
    fn common_interval(&self) -> StdDuration {
        self.mention_interval
            .to_std()
            .unwrap_or(StdDuration::from_secs(60))
    }

    /// The plan at start-up: take the current slot's snapshot if it has none, close what is
    /// finished, post the day whose posting window is open, read mentions from the stored cursor.
    async fn catch_up(&self) -> Plan {
        let now = self.timer.now();
        for platform in &self.platforms {
            if platform.mentions.is_some() && !self.laned(platform) {
                self.metrics.set_mention_mode(
                    platform.publisher.platform(),
                    MentionMode::Polling,
                    self.common_interval(),
                );
            }
        }
        let schedule = Schedule::new(self.settings);
        let length = self.settings.slot_length;
        let current = schedule.current_slot(now);
        let collect = match self
            .store
            .snapshots(current.start(), length.end_of(current))
            .await
        {
            Ok(s) if !s.is_empty() => {
                self.metrics.snapshot_taken(s[s.len() - 1].taken_at);
                let next = schedule.collect_after(current, now);
                Due::new(next.start(), next)
            }
            _ => Due::new(now, current),
        };
        if let Ok(recent) = self.store.snapshots(now - Duration::days(1), now).await
            && let Some(last) = recent.last()
        {
            self.metrics.snapshot_taken(last.taken_at);
        }
        Plan {
            collect,
            close: Due::new(now, ()),
            post: Due::new(now, schedule.day_to_post(now)),
            posted: Vec::new(),
            recaps: self
                .settings
                .recaps
                .kinds()
                .map(|kind| RecapDue {
                    kind,
                    due: Due::new(now, schedule.recap_to_post(kind, now)),
                    posted: Vec::new(),
                })
                .collect(),
            mentions: self
                .platforms
                .iter()
                .any(|p| p.mentions.is_some() && !self.laned(p))
                .then(|| Due::new(now, ())),
        }
    }
}

/// Resolves once `shutdown` is true (at once if it already is).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    while !*shutdown.borrow_and_update() {
        if shutdown.changed().await.is_err() {
            // The sender is gone: nobody can ask us to stop, so never resolve.
            std::future::pending::<()>().await;
        }
    }
}

/// Exponential backoff from `base`, doubling per attempt, capped at `cap`.
pub(crate) fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let factor = 1i32 << attempt.saturating_sub(1).min(16);
    (base * factor).min(cap)
}
