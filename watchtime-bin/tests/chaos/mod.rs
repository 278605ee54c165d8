//! Test doubles for the daemon: a kill switch at chosen instants, wrappers that die mid-step,
//! publishers that record what they receive, and mentions that arrive over time.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::{Notify, watch};
use watchtime_bin::daemon::{Timer, VirtualTimer};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{
    Delivery, Mention, MentionPage, MentionSource, Post, PublishError, Publisher, Redelivery,
    TwitchSource,
};
use watchtime_core::time::{Clock, ManualClock};
use watchtime_core::{Result, Snapshot};

/// A kill switch: the `n`-th crash point passed never returns, and [`Chaos::killed`] resolves,
/// so the test drops the daemon exactly there, as if the process died.
#[derive(Debug)]
pub struct Chaos {
    remaining: AtomicU64,
    dead: AtomicBool,
    notify: Notify,
}

impl Chaos {
    /// Dies at the `points`-th crash point (`u64::MAX`: never).
    pub fn new(points: u64) -> Self {
        Chaos {
            remaining: AtomicU64::new(points),
            dead: AtomicBool::new(false),
            notify: Notify::new(),
        }
    }

    /// A crash point.
    pub async fn point(&self) {
        if !self.dead.load(Ordering::SeqCst) && self.remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.dead.store(true, Ordering::SeqCst);
            self.notify.notify_one();
        }
        if self.dead.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    }

    /// Resolves when a crash point has been reached.
    pub async fn killed(&self) {
        while !self.dead.load(Ordering::SeqCst) {
            self.notify.notified().await;
        }
    }
}

/// A virtual timer that is a crash point at every sleep and stops the daemon at `end`.
#[derive(Debug)]
pub struct ChaosTimer {
    inner: VirtualTimer,
    chaos: Arc<Chaos>,
    end: DateTime<Utc>,
    stop: watch::Sender<bool>,
}

impl ChaosTimer {
    pub fn new(
        inner: VirtualTimer,
        chaos: Arc<Chaos>,
        end: DateTime<Utc>,
        stop: watch::Sender<bool>,
    ) -> Self {
        ChaosTimer {
            inner,
            chaos,
            end,
            stop,
        }
    }
}

#[async_trait]
impl Timer for ChaosTimer {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    async fn sleep_until(&self, t: DateTime<Utc>) {
        self.chaos.point().await;
        if t >= self.end {
            self.inner.sleep_until(self.end).await;
            let _ = self.stop.send(true);
            std::future::pending::<()>().await;
        }
        self.inner.sleep_until(t).await;
    }
}

/// A source that can die before or after a sweep.
#[derive(Debug)]
pub struct ChaosSource {
    inner: Arc<dyn TwitchSource>,
    chaos: Arc<Chaos>,
}

impl ChaosSource {
    pub fn new(inner: Arc<dyn TwitchSource>, chaos: Arc<Chaos>) -> Self {
        ChaosSource { inner, chaos }
    }
}

#[async_trait]
impl TwitchSource for ChaosSource {
    async fn snapshot(&self, min_viewers: u32) -> Result<Snapshot> {
        self.chaos.point().await;
        let snapshot = self.inner.snapshot(min_viewers).await;
        self.chaos.point().await;
        snapshot
    }
}

/// A source whose first `n` sweeps take `delay` of virtual time.
#[derive(Debug)]
pub struct SlowSource {
    inner: Arc<dyn TwitchSource>,
    clock: Arc<ManualClock>,
    delay: Duration,
    slow: AtomicU64,
}

impl SlowSource {
    pub fn new(
        inner: Arc<dyn TwitchSource>,
        clock: Arc<ManualClock>,
        delay: Duration,
        n: u64,
    ) -> Self {
        SlowSource {
            inner,
            clock,
            delay,
            slow: AtomicU64::new(n),
        }
    }
}

#[async_trait]
impl TwitchSource for SlowSource {
    async fn snapshot(&self, min_viewers: u32) -> Result<Snapshot> {
        let snapshot = self.inner.snapshot(min_viewers).await;
        if self.slow.load(Ordering::SeqCst) > 0 {
            self.slow.fetch_sub(1, Ordering::SeqCst);
            self.clock.advance(self.delay);
        }
        snapshot
    }
}

/// A publisher that can die before or after the platform receives a post.
#[derive(Debug)]
pub struct ChaosPublisher {
    inner: Arc<RecordingPublisher>,
    chaos: Arc<Chaos>,
}

impl ChaosPublisher {
    pub fn new(inner: Arc<RecordingPublisher>, chaos: Arc<Chaos>) -> Self {
        ChaosPublisher { inner, chaos }
    }
}

#[async_trait]
impl Publisher for ChaosPublisher {
    fn platform(&self) -> &str {
        self.inner.platform()
    }
    fn text_limit(&self) -> TextLimit {
        self.inner.text_limit()
    }
    fn redelivery(&self) -> Redelivery {
        self.inner.redelivery()
    }
    async fn post(&self, post: &Post) -> std::result::Result<Delivery, PublishError> {
        self.chaos.point().await;
        let delivery = self.inner.post(post).await;
        self.chaos.point().await;
        delivery
    }
    async fn reply(
        &self,
        mention: &Mention,
        post: &Post,
    ) -> std::result::Result<Delivery, PublishError> {
        self.chaos.point().await;
        let delivery = self.inner.reply(mention, post).await;
        self.chaos.point().await;
        delivery
    }
}

#[derive(Clone, Debug)]
struct Received {
    key: String,
    text: String,
    at: DateTime<Utc>,
}

/// A platform that records every post. With [`Redelivery::Deduplicated`] it behaves like
/// Mastodon's idempotency keys: a repeated key posts nothing and answers with the first id.
#[derive(Debug)]
pub struct RecordingPublisher {
    name: String,
    redelivery: Redelivery,
    clock: Arc<ManualClock>,
    received: Mutex<Vec<Received>>,
}

impl RecordingPublisher {
    pub fn new(name: &str, redelivery: Redelivery, clock: Arc<ManualClock>) -> Self {
        RecordingPublisher {
            name: name.into(),
            redelivery,
            clock,
            received: Mutex::new(Vec::new()),
        }
    }

    fn receive(&self, post: &Post) -> Delivery {
        let mut received = self.received.lock().unwrap();
        if matches!(self.redelivery, Redelivery::Deduplicated { .. })
            && let Some(i) = received.iter().position(|r| r.key == post.idempotency_key)
        {
            return Delivery::AlreadyPosted(Some(format!("{}-{i}", self.name)));
        }
        received.push(Received {
            key: post.idempotency_key.clone(),
            text: post.text.clone(),
            at: self.clock.now(),
        });
        Delivery::Posted(format!("{}-{}", self.name, received.len() - 1))
    }

    fn items(&self, prefix: &str) -> Vec<(String, String)> {
        let head = format!("watchtime:{}:{prefix}", self.name);
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|r| {
                r.key
                    .strip_prefix(&head)
                    .map(|k| (k.to_owned(), r.text.clone()))
            })
            .collect()
    }

    /// Daily posts by outbox item (`post/<day>/<kind>`), each once.
    pub fn unique_posts(&self) -> BTreeMap<String, String> {
        self.items("post/")
            .into_iter()
            .map(|(k, t)| (format!("post/{k}"), t))
            .collect()
    }

    /// Replies by mention id.
    pub fn unique_replies(&self) -> BTreeMap<String, String> {
        self.items("reply/").into_iter().collect()
    }

    /// Posts received more than once.
    pub fn duplicate_posts(&self) -> usize {
        let all = self.items("post/");
        all.len() - all.iter().map(|(k, _)| k).collect::<BTreeSet<_>>().len()
    }

    /// Replies received more than once.
    pub fn duplicate_replies(&self) -> usize {
        let all = self.items("reply/");
        all.len() - all.iter().map(|(k, _)| k).collect::<BTreeSet<_>>().len()
    }

    /// Each post's outbox item (`post/<day>/<kind>`) and when it arrived, duplicates included.
    pub fn post_keys_and_times(&self) -> Vec<(String, DateTime<Utc>)> {
        let head = format!("watchtime:{}:", self.name);
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|r| Some((r.key.strip_prefix(&head)?.to_owned(), r.at)))
            .filter(|(k, _)| k.starts_with("post/"))
            .collect()
    }

    /// When each daily post arrived.
    pub fn post_times(&self) -> Vec<DateTime<Utc>> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.key.contains(":post/"))
            .map(|r| r.at)
            .collect()
    }
}

#[async_trait]
impl Publisher for RecordingPublisher {
    fn platform(&self) -> &str {
        &self.name
    }
    fn text_limit(&self) -> TextLimit {
        TextLimit::X
    }
    fn redelivery(&self) -> Redelivery {
        self.redelivery
    }
    async fn post(&self, post: &Post) -> std::result::Result<Delivery, PublishError> {
        assert!(
            TextLimit::X.fits(&post.text),
            "over the limit: {}",
            post.text
        );
        Ok(self.receive(post))
    }
    async fn reply(
        &self,
        _mention: &Mention,
        post: &Post,
    ) -> std::result::Result<Delivery, PublishError> {
        assert!(
            TextLimit::X.fits(&post.text),
            "over the limit: {}",
            post.text
        );
        Ok(self.receive(post))
    }
}

/// Mentions arriving over time: each becomes visible once the clock passes its `created_at`.
#[derive(Debug)]
pub struct TimedMentions {
    platform: String,
    clock: Arc<ManualClock>,
    mentions: Vec<Mention>,
}

const QUESTIONS: &[&str] = &[
    "@bot Just Chatting",
    "@bot @friend streamer nobody week",
    "@bot",
    "@bot '); DROP TABLE outbox;--",
    "@bot Grand Theft Auto V today",
    "@bot minecarft",
];

impl TimedMentions {
    /// `count` mentions spread over `[start, start + span)`, every seventh by the bot itself.
    pub fn spread(
        platform: &str,
        start: DateTime<Utc>,
        span: Duration,
        count: u32,
        seed: u64,
        clock: Arc<ManualClock>,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut times: Vec<DateTime<Utc>> = (0..count)
            .map(|_| start + Duration::seconds(rng.random_range(0..span.num_seconds())))
            .collect();
        times.sort();
        let mentions = times
            .into_iter()
            .enumerate()
            .map(|(i, created_at)| Mention {
                id: format!("{}", 1000 + i),
                author_id: if i % 7 == 6 {
                    "bot".into()
                } else {
                    format!("user{i}")
                },
                author_handle: format!("user{i}"),
                text: QUESTIONS[i % QUESTIONS.len()].into(),
                created_at,
                reply_prefix: String::new(),
            })
            .collect();
        TimedMentions {
            platform: platform.into(),
            clock,
            mentions,
        }
    }

    /// The ids that deserve a reply by `now`: visible, and not by the bot.
    pub fn answerable_ids(&self, now: DateTime<Utc>) -> BTreeSet<String> {
        self.mentions
            .iter()
            .filter(|m| m.created_at <= now && m.author_id != "bot")
            .map(|m| m.id.clone())
            .collect()
    }
}

#[async_trait]
impl MentionSource for TimedMentions {
    fn platform(&self) -> &str {
        &self.platform
    }
    async fn own_account_id(&self) -> Result<String> {
        Ok("bot".into())
    }
    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage> {
        let after: u64 = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
        let now = self.clock.now();
        let page: Vec<Mention> = self
            .mentions
            .iter()
            .filter(|m| m.created_at <= now && m.id.parse::<u64>().unwrap() > after)
            .cloned()
            .collect();
        Ok(MentionPage {
            cursor: page.last().map(|m| m.id.clone()),
            mentions: page,
            more: false,
        })
    }
}
