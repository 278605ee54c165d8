//! A mention lane: all the mention work of one platform, in one task, one thing at a time.
//!
//! With a [`MentionPush`](super::MentionPush) (and streaming on), the lane subscribes; each
//! mention pushed is answered at once through the core's [`bot::answer_mention`], the same path
//! a polled mention takes. After every connect, and on the mention interval while connected, it
//! backfills by REST from the stored cursor ([`bot::answer_round`]), which catches whatever the
//! stream lost while it was down or dropped. A stream that breaks is reconnected with backoff and
//! full jitter (the core's [`RetryPolicy`]); while it is down the lane polls on the interval, as
//! a platform without push always does. Only one answer or round runs at a time per platform,
//! and the outbox makes a mention seen both ways one reply.
//!
//! A platform that pushes nothing but may be read often (Bluesky) has a lane too, which only
//! polls, on the platform's own short interval ([`Platform::poll_interval`]). A failed round
//! is tried again after a growing wait, and never before the reset a rate limit named.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use watchtime_core::bot::{self, AnswerRound};
use watchtime_core::ports::Mention;
use watchtime_core::retry::RetryPolicy;
use watchtime_core::{DynMentionSource, DynStore, Error, ErrorChain, Settings};

use super::metrics::{MentionMode, Metrics, Platform as PlatformLabel};
use super::push::MentionPush;
use super::timer::Timer;
use super::{SHUTDOWN_GRACE, stopped};
use crate::wiring::Platform;

/// How mention streams are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamSettings {
    /// Whether platforms that push mentions are subscribed to (otherwise they are polled).
    pub enabled: bool,
    /// The longest silence, heartbeats included, before a stream counts as dead.
    pub idle_timeout: Duration,
}

impl Default for StreamSettings {
    /// On, with a minute of silence tolerated (Mastodon sends a heartbeat every 15 s).
    fn default() -> Self {
        StreamSettings {
            enabled: true,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Reconnecting: full jitter from 1 s, doubling to 5 minutes, for as long as it takes.
const RECONNECT: RetryPolicy = RetryPolicy {
    max_attempts: u32::MAX,
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(300),
    max_rate_limit_wait: Duration::from_secs(300),
};

/// A connection that stayed up this long was healthy: the next loss starts the backoff over.
const STABLE: Duration = Duration::from_secs(30);

/// The longest wait between rounds after failed ones.
const MAX_ROUND_BACKOFF: Duration = Duration::from_secs(15 * 60);

/// One platform's mentions, answered by push where it has one and by polling otherwise.
#[derive(Debug, Clone)]
pub struct Lane {
    /// The platform: its publisher, its mention source, its push.
    pub platform: Platform,
    /// The store.
    pub store: DynStore,
    /// The rules.
    pub settings: Settings,
    /// The clock the answers are dated by (the lane itself waits in real time).
    pub timer: std::sync::Arc<dyn Timer>,
    /// Where the lane reports its mode, answers and reconnects.
    pub metrics: std::sync::Arc<Metrics>,
    /// Time between backfill rounds (and polling rounds).
    pub interval: Duration,
    /// Whether and how to use the platform's push.
    pub stream: StreamSettings,
}

/// How one subscription ended.
enum Session {
    /// Shutdown was asked for.
    Stopped,
    /// The stream could not be opened, broke, went silent or was closed, after this long.
    Ended { lived: Duration },
}

/// When the next round is due, and how many in a row failed.
struct Rounds {
    next: Instant,
    failures: u32,
}

impl Lane {
    /// Runs until `shutdown` turns true. A platform without mentions returns at once.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let Some(source) = self.platform.mentions.clone() else {
            return;
        };
        self.set_mode(MentionMode::Polling);
        let mut rounds = Rounds {
            next: Instant::now(),
            failures: 0,
        };
        let push = self.platform.push.clone().filter(|_| self.stream.enabled);
        let Some(push) = push else {
            self.poll_until(None, &source, &mut rounds, &mut shutdown)
                .await;
            return;
        };
        let mut attempt = 0;
        loop {
            match self
                .stream_once(push.as_ref(), &source, &mut rounds, &mut shutdown)
                .await
            {
                Session::Stopped => return,
                Session::Ended { lived } if lived >= STABLE => attempt = 1,
                Session::Ended { .. } => attempt += 1,
            }
            let wait = RECONNECT.backoff(attempt, rand::random());
            tracing::info!(platform = %self.name(), attempt, wait_seconds = wait.as_secs_f64(), "polling mentions until the stream reconnects");
            let reconnect_at = Instant::now() + wait;
            if !self
                .poll_until(Some(reconnect_at), &source, &mut rounds, &mut shutdown)
                .await
            {
                return;
            }
            self.metrics
                .mention_stream_reconnects
                .get_or_create(&self.label())
                .inc();
        }
    }

    /// The time between rounds of `platform`'s lane: its own polling interval if it has one,
    /// otherwise `mention_interval`.
    pub fn interval_of(platform: &Platform, mention_interval: Duration) -> Duration {
        platform.poll_interval.unwrap_or(mention_interval)
    }

    fn name(&self) -> &str {
        self.platform.publisher.platform()
    }

    fn set_mode(&self, mode: MentionMode) {
        self.metrics
            .set_mention_mode(self.name(), mode, self.interval);
    }

    fn label(&self) -> PlatformLabel {
        PlatformLabel {
            platform: self.name().to_owned(),
        }
    }

    /// Rounds on the interval until `until` (forever when `None`). False when stopped.
    async fn poll_until(
        &self,
        until: Option<Instant>,
        source: &DynMentionSource,
        rounds: &mut Rounds,
        shutdown: &mut watch::Receiver<bool>,
    ) -> bool {
        loop {
            let end = async {
                match until {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep_until(rounds.next) => {
                    if !guarded(self.round(source, rounds), shutdown).await {
                        return false;
                    }
                }
                _ = end => return true,
                _ = stopped(shutdown) => return false,
            }
        }
    }

    /// Subscribes, backfills, then answers what is pushed (and backfills on the interval)
    /// until the stream ends.
    async fn stream_once(
        &self,
        push: &dyn MentionPush,
        source: &DynMentionSource,
        rounds: &mut Rounds,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Session {
        let opened = Instant::now();
        let subscribed = tokio::select! {
            s = push.subscribe(self.stream.idle_timeout) => s,
            _ = stopped(shutdown) => return Session::Stopped,
        };
        let mut feed = match subscribed {
            Ok(feed) => feed,
            Err(e) => {
                tracing::warn!(platform = %self.name(), error = %ErrorChain(&e), "cannot open the mention stream");
                return Session::Ended {
                    lived: opened.elapsed(),
                };
            }
        };
        self.set_mode(MentionMode::Streaming);
        tracing::info!(platform = %self.name(), "mention stream connected; reading what it may have missed");
        // Mentions pushed during this round wait in the connection and are read after it.
        rounds.next = Instant::now();
        let ended = loop {
            tokio::select! {
                next = feed.next() => match next {
                    Ok(Some(mention)) => {
                        if !guarded(self.answer_pushed(source, &mention), shutdown).await {
                            break None;
                        }
                    }
                    Ok(None) => break Some("the platform closed the mention stream".to_owned()),
                    Err(e) => break Some(format!("the mention stream failed: {}", ErrorChain(&e))),
                },
                _ = tokio::time::sleep_until(rounds.next) => {
                    if !guarded(self.round(source, rounds), shutdown).await {
                        break None;
                    }
                }
                _ = stopped(shutdown) => break None,
            }
        };
        self.set_mode(MentionMode::Polling);
        match ended {
            None => Session::Stopped,
            Some(why) => {
                tracing::warn!(platform = %self.name(), reason = %why, "mention stream lost");
                Session::Ended {
                    lived: opened.elapsed(),
                }
            }
        }
    }

    /// A REST round from the stored cursor, then plans the next one: after the interval, or
    /// after a failure a doubling wait, or the rate limit's reset when the platform named one.
    async fn round(&self, source: &DynMentionSource, rounds: &mut Rounds) {
        let now = self.timer.now();
        let context = (&self.store, &self.settings, self.metrics.as_ref());
        match backfill(&self.platform, source, context, now).await {
            Ok(_) => {
                self.metrics.success("answer", now);
                rounds.failures = 0;
                rounds.next = Instant::now() + self.interval;
            }
            Err(e) => {
                self.metrics.failure("answer");
                rounds.failures += 1;
                let wait = retry_wait(&e, self.interval, rounds.failures);
                tracing::info!(platform = %self.name(), failures = rounds.failures, wait_seconds = wait.as_secs_f64(), "reading mentions again after a wait");
                rounds.next = Instant::now() + wait;
            }
        }
    }

    /// Answers one pushed mention through the core's answering path.
    async fn answer_pushed(&self, source: &DynMentionSource, mention: &Mention) {
        let started = std::time::Instant::now();
        let label = self.label();
        self.metrics.mentions_streamed.get_or_create(&label).inc();
        match bot::answer_mention(
            source.as_ref(),
            self.platform.publisher.as_ref(),
            self.store.as_ref(),
            &self.settings,
            mention,
            self.timer.now(),
        )
        .await
        {
            Ok(round) => {
                self.metrics
                    .replies
                    .get_or_create(&label)
                    .inc_by(u64::from(round.answered + round.how_tos));
                tracing::info!(
                    step = "answer", via = "stream", platform = %self.name(), mention = %mention.id,
                    answered = round.answered, how_tos = round.how_tos, skipped = round.skipped,
                    unfinished = round.unfinished, rejected = round.rejected, seconds = started.elapsed().as_secs_f64(),
                    "streamed mention handled"
                );
            }
            Err(e) => {
                self.metrics.failure("answer");
                tracing::warn!(step = "answer", via = "stream", platform = %self.name(), mention = %mention.id, error = %ErrorChain(&e), "answering a streamed mention failed; the next backfill takes it up");
            }
        }
    }
}

/// The wait before the round after `failures` failed ones in a row, the last with `error`:
/// the interval doubled per failure (up to [`MAX_ROUND_BACKOFF`]), or, when a rate limit named
/// its reset, until then (never less than the interval).
fn retry_wait(error: &Error, interval: Duration, failures: u32) -> Duration {
    if let Some(reset) = error.retry_after() {
        return reset.max(interval);
    }
    let factor = 1u32 << failures.min(6);
    interval
        .saturating_mul(factor)
        .min(MAX_ROUND_BACKOFF)
        .max(interval)
}

/// One round of mentions on `platform` from the stored cursor, logged and counted; the error
/// when it failed (logged). The daemon's polling step and the lanes share it; each counts its
/// own successes and failures.
pub(crate) async fn backfill(
    platform: &Platform,
    source: &DynMentionSource,
    (store, settings, metrics): (&DynStore, &Settings, &Metrics),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<AnswerRound, Error> {
    let name = platform.publisher.platform();
    let started = std::time::Instant::now();
    match bot::answer_round(
        source.as_ref(),
        platform.publisher.as_ref(),
        store.as_ref(),
        settings,
        now,
    )
    .await
    {
        Ok(round) => {
            if round.seen > 0 {
                tracing::info!(
                    step = "answer", platform = %name, seen = round.seen, answered = round.answered,
                    how_tos = round.how_tos, skipped = round.skipped, unfinished = round.unfinished, rejected = round.rejected,
                    seconds = started.elapsed().as_secs_f64(), "mentions handled"
                );
            }
            let label = PlatformLabel {
                platform: name.to_owned(),
            };
            metrics
                .mentions_seen
                .get_or_create(&label)
                .inc_by(u64::from(round.seen));
            metrics
                .replies
                .get_or_create(&label)
                .inc_by(u64::from(round.answered + round.how_tos));
            Ok(round)
        }
        Err(e) => {
            tracing::warn!(step = "answer", platform = %name, error = %ErrorChain(&e), "reading or answering mentions failed");
            Err(e)
        }
    }
}

/// Runs `work` to its end; once `shutdown` turns true, for at most [`SHUTDOWN_GRACE`] more (the
/// outbox keeps an abandoned reply consistent). False when shutdown was asked for.
async fn guarded(work: impl Future<Output = ()>, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::pin!(work);
    tokio::select! {
        _ = &mut work => true,
        _ = stopped(shutdown) => {
            if tokio::time::timeout(SHUTDOWN_GRACE, work).await.is_err() {
                tracing::warn!("abandoned an answer in progress to shut down");
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_reset_outweighs_the_backoff() {
        let interval = Duration::from_secs(15);
        let limited = |secs: Option<u64>| Error::RateLimited {
            service: "bluesky",
            retry_after: secs.map(Duration::from_secs),
        };
        assert_eq!(
            retry_wait(&limited(Some(300)), interval, 1),
            Duration::from_secs(300)
        );
        // A reset sooner than the interval does not make the lane read sooner.
        assert_eq!(retry_wait(&limited(Some(2)), interval, 1), interval);
        // Without a reset: doubling per failure, capped.
        assert_eq!(
            retry_wait(&limited(None), interval, 1),
            Duration::from_secs(30)
        );
        let down = Error::unavailable("bluesky", "502");
        assert_eq!(retry_wait(&down, interval, 3), Duration::from_secs(120));
        assert_eq!(retry_wait(&down, interval, 40), MAX_ROUND_BACKOFF);
    }
}
