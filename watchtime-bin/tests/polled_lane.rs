//! Bluesky's mention lane on tokio's paused clock: no push, a read every 15 s (the wiring's
//! default), so a mention is answered within one interval of appearing, and once; a 429 that
//! names its reset keeps the lane from reading again before it.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;
use tokio::time::Instant;
use watchtime_bin::daemon::{Lane, MentionMode, Metrics, StreamSettings, VirtualTimer};
use watchtime_bin::wiring::{BLUESKY_POLL_SECONDS, Platform};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{
    Delivery, Mention, MentionPage, MentionSource, Post, PublishError, Publisher, Redelivery,
};
use watchtime_core::time::ManualClock;
use watchtime_core::{Error, MemoryStore, Result, Settings};

const PLATFORM: &str = "bluesky";

/// Seconds since the test began, on tokio's (paused) clock.
fn since(start: Instant) -> Duration {
    Instant::now() - start
}

/// Notifications that become visible at set offsets from the start, read like Bluesky's: from
/// a cursor, newest first on the platform, handed over oldest first. One read at or after a set
/// offset answers 429 with a reset instead.
#[derive(Debug)]
struct Notifications {
    start: Instant,
    dated: chrono::DateTime<chrono::Utc>,
    /// (visible from, id, author, text); ids grow with the offset.
    posts: Vec<(Duration, u32, &'static str, &'static str)>,
    /// (the first read at or after this offset is refused, with this reset).
    limit: Mutex<Option<(Duration, Duration)>>,
    /// When each read came, and whether it was refused.
    reads: Mutex<Vec<(Duration, bool)>>,
}

#[async_trait]
impl MentionSource for Notifications {
    fn platform(&self) -> &str {
        PLATFORM
    }

    async fn own_account_id(&self) -> Result<String> {
        Ok("did:plc:bot".into())
    }

    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage> {
        let now = since(self.start);
        let mut limit = self.limit.lock().unwrap();
        if let Some((from, reset)) = *limit
            && now >= from
        {
            *limit = None;
            self.reads.lock().unwrap().push((now, true));
            return Err(Error::RateLimited {
                service: PLATFORM,
                retry_after: Some(reset),
            });
        }
        self.reads.lock().unwrap().push((now, false));
        let after: u32 = cursor.map_or(0, |c| c.parse().unwrap());
        let mentions: Vec<Mention> = self
            .posts
            .iter()
            .filter(|(from, id, ..)| *from <= now && *id > after)
            .map(|&(_, id, author, text)| Mention {
                id: id.to_string(),
                author_id: format!("did:plc:{author}"),
                author_handle: format!("{author}.test"),
                text: text.into(),
                created_at: self.dated,
                reply_prefix: String::new(),
            })
            .collect();
        Ok(MentionPage {
            cursor: mentions.last().map(|m| m.id.clone()),
            mentions,
            more: false,
        })
    }
}

/// Every reply, with the mention it answers and when it was sent.
#[derive(Debug)]
struct Replies {
    start: Instant,
    sent: Mutex<Vec<(String, Duration)>>,
}

#[async_trait]
impl Publisher for Replies {
    fn platform(&self) -> &str {
        PLATFORM
    }

    fn text_limit(&self) -> TextLimit {
        TextLimit::BLUESKY
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Idempotent
    }

    async fn post(&self, _post: &Post) -> std::result::Result<Delivery, PublishError> {
        panic!("the lane only replies");
    }

    async fn reply(
        &self,
        mention: &Mention,
        post: &Post,
    ) -> std::result::Result<Delivery, PublishError> {
        self.sent
            .lock()
            .unwrap()
            .push((mention.id.clone(), since(self.start)));
        Ok(Delivery::Posted(post.idempotency_key.clone()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_polled_mention_is_answered_within_one_interval_once_and_a_rate_limit_is_waited_out() {
    let start = Instant::now();
    let dated = "2026-11-27T20:00:00Z".parse().unwrap();
    let secs = Duration::from_secs;
    let notifications = Arc::new(Notifications {
        start,
        dated,
        posts: vec![
            (secs(20), 1, "alice", "Minecraft"),
            (secs(50), 2, "bob", "game Chess"),
            (secs(400), 3, "carol", "streamer shroud"),
        ],
        // The read at 45 s is refused until 345 s; the client already waited what it may.
        limit: Mutex::new(Some((secs(40), secs(300)))),
        reads: Mutex::new(Vec::new()),
    });
    let replies = Arc::new(Replies {
        start,
        sent: Mutex::new(Vec::new()),
    });
    let platform = Platform {
        publisher: replies.clone(),
        mentions: Some(notifications.clone()),
        push: None,
        poll_interval: Some(secs(u64::from(BLUESKY_POLL_SECONDS))),
    };
    let metrics = Arc::new(Metrics::default());
    let lane = Lane {
        interval: Lane::interval_of(&platform, secs(60)),
        platform,
        store: Arc::new(MemoryStore::new()),
        settings: Settings::default(),
        timer: Arc::new(VirtualTimer::new(Arc::new(ManualClock::new(dated)))),
        metrics: metrics.clone(),
        stream: StreamSettings::default(),
    };
    assert_eq!(
        lane.interval,
        secs(15),
        "Bluesky's own interval, not the common one"
    );
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(lane.run(stopped));
    tokio::time::sleep(secs(590)).await;
    stop.send(true).unwrap();
    running.await.unwrap();

    let reads = notifications.reads.lock().unwrap().clone();
    let at: Vec<u64> = reads.iter().map(|(t, _)| t.as_secs()).collect();
    // Every 15 s; the refused read at 45 s, then nothing until its reset, then every 15 s.
    let mut want: Vec<u64> = vec![0, 15, 30, 45];
    want.extend((345..590).step_by(15));
    assert_eq!(at, want);
    assert_eq!(
        reads.iter().filter(|(_, refused)| *refused).count(),
        1,
        "{reads:?}"
    );
    assert!(reads[3].1, "the read at 45 s was the refused one");

    let sent = replies.sent.lock().unwrap().clone();
    let by_mention: Vec<(&str, u64)> = sent
        .iter()
        .map(|(m, t)| (m.as_str(), t.as_secs()))
        .collect();
    // Alice's, visible at 20 s, at the 30 s read; Bob's, visible at 50 s, at the first read
    // after the reset; Carol's, visible at 400 s, at 405 s. Each once.
    assert_eq!(by_mention, [("1", 30), ("2", 345), ("3", 405)]);
    for ((from, ..), (_, answered)) in notifications.posts.iter().zip(&sent) {
        if from.as_secs() != 50 {
            assert!(*answered - *from <= secs(15), "{from:?} → {answered:?}");
        }
    }

    // The lane said how it reads: polling, every 15 s.
    assert_eq!(
        metrics.mention_readings().get(PLATFORM),
        Some(&(MentionMode::Polling, secs(15)))
    );
    let text = metrics.render();
    assert!(
        text.contains("watchtime_mention_interval_seconds{platform=\"bluesky\"} 15\n"),
        "{text}"
    );
    assert!(
        text.contains("watchtime_mention_stream_connected{platform=\"bluesky\"} 0\n"),
        "{text}"
    );
}
