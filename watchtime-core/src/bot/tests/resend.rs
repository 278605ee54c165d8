//! A retry after a crash sends exactly what the first attempt sent, even when the data changed
//! in between: X refuses only identical text, so a rebuilt text would post twice.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use super::*;

/// A publisher that behaves like X: a text it already holds is refused as a duplicate (answered
/// as already posted), anything else is posted. While `dying`, it records the send and then never
/// answers, so the test can drop the job there, as when the process is killed between the send
/// and the record.
#[derive(Debug, Default)]
struct LikeX {
    /// Every call that reached the platform, duplicates included: (reply-to mention, post).
    calls: Mutex<Vec<(Option<String>, Post)>>,
    /// What the platform holds.
    held: Mutex<Vec<String>>,
    dying: AtomicBool,
    sent: Notify,
}

impl LikeX {
    fn dying(self) -> Self {
        self.dying.store(true, Ordering::SeqCst);
        self
    }

    fn revive(&self) {
        self.dying.store(false, Ordering::SeqCst);
    }

    fn calls(&self) -> Vec<(Option<String>, Post)> {
        self.calls.lock().unwrap().clone()
    }

    fn held(&self) -> Vec<String> {
        self.held.lock().unwrap().clone()
    }

    async fn deliver(&self, to: Option<&Mention>, post: &Post) -> Result<Delivery, PublishError> {
        self.calls
            .lock()
            .unwrap()
            .push((to.map(|m| m.id.clone()), post.clone()));
        let delivery = {
            let mut held = self.held.lock().unwrap();
            if held.contains(&post.text) {
                Delivery::AlreadyPosted(None)
            } else {
                held.push(post.text.clone());
                Delivery::Posted(format!("x{}", held.len()))
            }
        };
        if self.dying.load(Ordering::SeqCst) {
            self.sent.notify_one();
            std::future::pending::<()>().await;
        }
        Ok(delivery)
    }
}

#[async_trait]
impl Publisher for LikeX {
    fn platform(&self) -> &str {
        "mock"
    }

    fn text_limit(&self) -> TextLimit {
        TextLimit::X
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Deduplicated {
            within: std::time::Duration::from_secs(3600),
        }
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        self.deliver(None, post).await
    }

    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        self.deliver(Some(mention), post).await
    }
}

/// Runs `job` until its first send reached `x`, then drops it: the process "dies" there.
async fn killed_after_first_send<F: Future>(x: &LikeX, job: F) {
    tokio::select! {
        _ = job => panic!("the job finished; it was to be killed mid-send"),
        () = x.sent.notified() => {}
    }
}

#[tokio::test]
async fn a_daily_post_retried_after_a_reclose_sends_the_first_text() {
    let store = closed_day().await;
    let settings = Settings::default();
    let x = LikeX::default().dying();
    killed_after_first_send(&x, publish_day(&store, &x, &settings, day(), now())).await;
    let first = x.calls()[0].1.clone();
    let key = OutboxKey::post("mock", day(), PostKind::TopGames);
    assert_eq!(
        store.outbox_entry(&key).await.unwrap().unwrap().state,
        OutboxState::Pending,
        "the kill left the claim unsettled"
    );

    // A late snapshot arrives and the day is closed again: the top games change.
    store
        .record_snapshot(&slotted(
            "2026-11-26T21:00:00Z",
            vec![stream("4", "Delta", Some(("1001", "Go")), 90_000)],
        ))
        .await
        .unwrap();
    close_day(&store, &settings, day(), now()).await.unwrap();
    let rankings = day_rankings(&store, &settings, day()).await.unwrap();
    let rebuilt = post_texts(&rankings, &x)[0].1.clone().unwrap();
    assert_ne!(rebuilt, first.text, "the data really changed");

    x.revive();
    let later = now() + Duration::minutes(10);
    let outcomes = publish_day(&store, &x, &settings, day(), later)
        .await
        .unwrap();
    assert_eq!(outcomes[0], (PostKind::TopGames, PostOutcome::AlreadySent));
    let calls = x.calls();
    let retry = &calls[1].1;
    assert_eq!(
        (&retry.text, retry.created_at, &retry.idempotency_key),
        (&first.text, first.created_at, &first.idempotency_key),
        "the retry is the first attempt, word for word and with its time"
    );
    assert_eq!(first.created_at, now());
    let held = x.held();
    assert_eq!(held.len(), 3, "one post of each kind: {held:#?}");
    assert_eq!(held[0], first.text);
    assert!(!held.contains(&rebuilt));
}

#[tokio::test]
async fn a_reply_retried_after_new_data_sends_the_first_text() {
    let store = closed_day().await;
    let settings = Settings::default();
    let src = source(vec![mention(1, "amy", "@bot Chess today")]);
    let x = LikeX::default().dying();
    killed_after_first_send(&x, answer_round(&src, &x, &store, &settings, now())).await;
    let (to, first) = x.calls()[0].clone();
    assert_eq!(to.as_deref(), Some("1"));

    // A snapshot of the current slot is imported: "today so far" now has an answer.
    store
        .record_snapshot(&slotted(
            "2026-11-27T21:30:00Z",
            vec![stream("2", "Beta", Some(("743", "Chess")), 5000)],
        ))
        .await
        .unwrap();
    let later = now() + Duration::minutes(5);
    let rebuilt = plan_reply(&store, &settings, &src.0[0], &x, later)
        .await
        .unwrap()
        .text;
    assert_ne!(rebuilt, first.text, "the data really changed");

    x.revive();
    let round = answer_round(&src, &x, &store, &settings, later)
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered), (1, 1));
    let calls = x.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        (&calls[1].1.text, calls[1].1.created_at),
        (&first.text, first.created_at)
    );
    assert_eq!(
        x.held(),
        std::slice::from_ref(&first.text),
        "one reply to the mention"
    );
}
