//! Per-item outcomes: a refused post or reply is its own outcome and the others go on; a store
//! failure stops a round; a held post counts sends, not runs; a publisher that takes no replies
//! is left alone.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use super::*;
use crate::lookup::{NameLookup, NameRecord};
use crate::outbox::{AuthorActivity, Claim, OutboxEntry, OutboxItem, Settlement};
use crate::ports::{NameStore, OutboxStore, SnapshotStore, TotalsStore};
use crate::ranking::{RankingEntry, RankingQuery};
use crate::snapshot::{SlotSnapshot, SnapshotInfo};
use crate::time::{DayRange, DayWindow, Slot};
use crate::totals::{DailyTotal, DayStatus, NamedTotal};

#[tokio::test]
async fn a_refused_post_does_not_stop_the_others_and_is_not_retried() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    let mut n = 0;
    p.expect_post().times(3).returning(move |_| {
        n += 1;
        if n == 1 {
            Err(PublishError::NotSent(Error::invalid(
                "HTTP 422: text refused",
            )))
        } else {
            Ok(Delivery::Posted(format!("id{n}")))
        }
    });
    let settings = Settings::default();
    let first = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert_eq!(
        first,
        [
            (
                PostKind::TopGames,
                PostOutcome::Rejected(
                    "mock refused the top-games post of 2026-11-26: invalid input: HTTP 422: text refused"
                        .into()
                )
            ),
            (
                PostKind::TopStreamers,
                PostOutcome::Sent(Some("id2".into()))
            ),
            (PostKind::Spotlight, PostOutcome::Sent(Some("id3".into()))),
        ]
    );
    let key = OutboxKey::post("mock", day(), PostKind::TopGames);
    assert_eq!(
        store.outbox_entry(&key).await.unwrap().unwrap().state,
        OutboxState::Rejected
    );
    // The next run sends nothing (the mock allows no fourth call) and says why.
    let again = publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    assert_eq!(
        again[0],
        (
            PostKind::TopGames,
            PostOutcome::Rejected(
                "mock refused the top-games post of 2026-11-26: invalid input: HTTP 422: text \
                 refused (on an earlier run; not sent again)"
                    .into()
            )
        )
    );
    assert_eq!(again[1].1, PostOutcome::AlreadySent);
}

#[tokio::test]
async fn a_held_post_counts_sends_not_runs() {
    let store = closed_day().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "connection reset after sending",
        )))
    });
    let settings = Settings::default();
    publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    // One send, then three runs that find it held: each says one send, and none claims.
    for minutes in [1, 2, 3] {
        let held = publish_day(
            &store,
            &p,
            &settings,
            day(),
            now() + Duration::minutes(minutes),
        )
        .await
        .unwrap();
        assert!(
            held.iter()
                .all(|(_, o)| *o == PostOutcome::Held { sends: 1 }),
            "{held:?}"
        );
    }
    let entry = store
        .outbox_entry(&OutboxKey::post("mock", day(), PostKind::TopGames))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((entry.attempts, entry.updated_at), (1, now()));
}

#[tokio::test]
async fn a_post_held_past_the_dedupe_window_stays_held() {
    // A held run must not restart the window: if it did, the run after it would resend.
    let store = closed_day().await;
    let hour = std::time::Duration::from_secs(3600);
    let mut p = publisher(Redelivery::Deduplicated { within: hour });
    p.expect_post().times(3).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "timed out",
        )))
    });
    let settings = Settings::default();
    publish_day(&store, &p, &settings, day(), now())
        .await
        .unwrap();
    for minutes in [61, 62] {
        let later = publish_day(
            &store,
            &p,
            &settings,
            day(),
            now() + Duration::minutes(minutes),
        )
        .await
        .unwrap();
        assert!(
            later
                .iter()
                .all(|(_, o)| *o == PostOutcome::Held { sends: 1 }),
            "{minutes} minutes: {later:?}"
        );
    }
}

/// The memory store, with `settle` failing while `failing` is set: a disk error after a reply
/// went out.
#[derive(Debug, Default)]
struct SettleFails {
    inner: MemoryStore,
    failing: AtomicBool,
}

#[async_trait]
impl SnapshotStore for SettleFails {
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> crate::Result<()> {
        self.inner.record_snapshot(snapshot).await
    }
    async fn snapshots(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> crate::Result<Vec<SnapshotInfo>> {
        self.inner.snapshots(from, to).await
    }
    async fn prune_samples(&self, before: Slot) -> crate::Result<u64> {
        self.inner.prune_samples(before).await
    }
}

#[async_trait]
impl TotalsStore for SettleFails {
    async fn close_day(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> crate::Result<DayStatus> {
        self.inner.close_day(window, slots_expected, now).await
    }
    async fn preview_day(&self, window: &DayWindow) -> crate::Result<Vec<NamedTotal>> {
        self.inner.preview_day(window).await
    }
    async fn day_totals(&self, day: Day) -> crate::Result<Vec<DailyTotal>> {
        self.inner.day_totals(day).await
    }
    async fn day_statuses(&self, range: DayRange) -> crate::Result<Vec<DayStatus>> {
        self.inner.day_statuses(range).await
    }
    async fn last_closed_day(&self) -> crate::Result<Option<Day>> {
        self.inner.last_closed_day().await
    }
    async fn rank(&self, query: &RankingQuery) -> crate::Result<Vec<RankingEntry>> {
        self.inner.rank(query).await
    }
}

#[async_trait]
impl NameStore for SettleFails {
    async fn find_names(&self, lookup: &NameLookup) -> crate::Result<Vec<NameRecord>> {
        self.inner.find_names(lookup).await
    }
}

#[async_trait]
impl OutboxStore for SettleFails {
    async fn claim(&self, item: &OutboxItem, now: DateTime<Utc>) -> crate::Result<Claim> {
        self.inner.claim(item, now).await
    }
    async fn settle(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(Error::backend(
                "store",
                std::io::Error::other("disk I/O error"),
            ));
        }
        self.inner.settle(key, settlement, now).await
    }
    async fn outbox_entry(&self, key: &OutboxKey) -> crate::Result<Option<OutboxEntry>> {
        self.inner.outbox_entry(key).await
    }
    async fn author_activity(
        &self,
        platform: &str,
        author: &str,
        since: DateTime<Utc>,
    ) -> crate::Result<AuthorActivity> {
        self.inner.author_activity(platform, author, since).await
    }
    async fn mention_cursor(&self, platform: &str) -> crate::Result<Option<String>> {
        self.inner.mention_cursor(platform).await
    }
    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> crate::Result<()> {
        self.inner.set_mention_cursor(platform, cursor).await
    }
    async fn platform_secret(
        &self,
        platform: &str,
        name: &str,
    ) -> crate::Result<Option<secrecy::SecretString>> {
        self.inner.platform_secret(platform, name).await
    }
    async fn set_platform_secret(
        &self,
        platform: &str,
        name: &str,
        value: &secrecy::SecretString,
    ) -> crate::Result<()> {
        self.inner.set_platform_secret(platform, name, value).await
    }
}

#[tokio::test]
async fn a_store_failure_after_a_sent_reply_stops_the_round() {
    let store = SettleFails {
        inner: closed_day().await,
        failing: AtomicBool::new(true),
    };
    let src = source(vec![
        mention(1, "a", "@bot Chess"),
        mention(2, "b", "@bot Go"),
    ]);
    let mut p = publisher(Redelivery::Duplicates);
    // The first reply goes out; its result cannot be recorded; the second is never sent.
    p.expect_reply()
        .times(1)
        .returning(|_, _| Ok(Delivery::Posted("r1".into())));
    let err = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Backend { .. }), "{err:?}");
    assert_eq!(
        store.mention_cursor("mock").await.unwrap(),
        None,
        "the page is read again next round"
    );
    // The disk recovers: the next round skips the unrecorded reply (it may have gone out on a
    // platform that would duplicate it) and answers the second mention.
    store.failing.store(false, Ordering::SeqCst);
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Duplicates);
    p.expect_takes_replies().return_const(true);
    p.expect_reply()
        .times(1)
        .withf(|m, _| m.id == "2")
        .returning(|_, _| Ok(Delivery::Posted("r2".into())));
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!((round.answered, round.skipped), (1, 1));
}

/// A mention source that counts how often it is asked.
#[derive(Debug)]
struct Counted {
    inner: FakeMentions,
    calls: AtomicU32,
    cursors: Mutex<Vec<Option<String>>>,
}

#[async_trait]
impl MentionSource for Counted {
    fn platform(&self) -> &str {
        self.inner.platform()
    }

    async fn own_account_id(&self) -> crate::Result<String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.own_account_id().await
    }

    async fn mentions_since(&self, cursor: Option<&str>) -> crate::Result<MentionPage> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.cursors.lock().unwrap().push(cursor.map(str::to_owned));
        self.inner.mentions_since(cursor).await
    }
}

#[tokio::test]
async fn a_publisher_that_takes_no_replies_leaves_its_mentions_for_later() {
    let store = closed_day().await;
    let src = Counted {
        inner: source(vec![mention(1, "a", "@bot Chess")]),
        calls: AtomicU32::new(0),
        cursors: Mutex::new(Vec::new()),
    };
    let mut p = MockPub::new();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_takes_replies().return_const(false);
    p.expect_reply().times(0);
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!(round, AnswerRound::default());
    assert_eq!(src.calls.load(Ordering::SeqCst), 0, "nothing read");
    assert_eq!(store.mention_cursor("mock").await.unwrap(), None);
    assert_eq!(
        store
            .outbox_entry(&OutboxKey::reply("mock", "1"))
            .await
            .unwrap(),
        None,
        "nothing claimed"
    );
    // Replies allowed again: the mention is still there to answer.
    p.checkpoint();
    p.expect_platform().return_const("mock".to_owned());
    p.expect_text_limit().return_const(TextLimit::X);
    p.expect_redelivery().return_const(Redelivery::Duplicates);
    p.expect_takes_replies().return_const(true);
    p.expect_reply()
        .times(1)
        .returning(|_, _| Ok(Delivery::Posted("r1".into())));
    let round = answer_round(&src, &p, &store, &Settings::default(), now())
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered), (1, 1));
    assert_eq!(src.cursors.lock().unwrap().as_slice(), [None]);
}
