//! A shared, boxed or borrowed port is a port: code generic over `S: Store` (or a publisher,
//! source or clock) takes an `Arc<dyn …>` as the binary wires it, a `Box`, or a reference, and a
//! wrapper holding a `DynStore` compiles. This file is what a library user writes; it does not
//! compile without the forwarding impls, and it fails if a forwarded default method falls back to
//! the trait's default instead of the inner implementation's.

use std::sync::Arc;

use async_trait::async_trait;
use watchtime_core::chrono::{DateTime, Duration, Utc};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{
    Delivery, Mention, MentionPage, MentionSource, Post, PublishError, Publisher, Redelivery,
};
use watchtime_core::testkit::fixtures::{at, snapshot, stream};
use watchtime_core::time::{Clock, ManualClock};
use watchtime_core::{
    DynMentionSource, DynPublisher, DynStore, DynTwitchSource, MemoryStore, Settings, Snapshot,
    Store, TwitchSource, bot,
};

/// A user's generic job: record a slot, close its day, and name the top streamer.
async fn top_streamer<S: Store>(store: S) -> String {
    let settings = Settings::default();
    let taken = snapshot(
        "2026-11-25T17:00:05Z",
        vec![
            stream("1", "Alpha", Some(("27471", "Minecraft")), 900),
            stream("2", "Beta", None, 1_200),
        ],
    );
    bot::record(&store, taken, &settings, at("2026-11-25T17:00:05Z"))
        .await
        .expect("recorded");
    let day = "2026-11-25".parse().expect("a day");
    bot::close_day(&store, &settings, day, at("2026-11-27T00:00:00Z"))
        .await
        .expect("closed");
    let answer = bot::answer_text(&store, &settings, "alpha", at("2026-11-26T20:00:00Z"))
        .await
        .expect("answered");
    assert!(format!("{answer:?}").contains("Minecraft"), "{answer:?}");
    let ranking = store
        .rank(&watchtime_core::ranking::RankingQuery {
            subject: watchtime_core::ranking::Subject::TopStreamers,
            range: watchtime_core::DayRange::single(day),
            top: 1,
        })
        .await
        .expect("ranked");
    ranking[0].name.clone()
}

/// A user's application state, generic over its store, as a web handler would hold it.
#[derive(Debug)]
struct App<S: Store> {
    store: S,
}

impl<S: Store> App<S> {
    async fn closed_days(&self) -> usize {
        let range = watchtime_core::DayRange::new(
            "2026-11-01".parse().expect("a day"),
            "2026-11-30".parse().expect("a day"),
        )
        .expect("a range");
        self.store.day_statuses(range).await.expect("read").len()
    }
}

#[tokio::test]
async fn every_kind_of_store_handle_is_a_store() {
    let shared: DynStore = Arc::new(MemoryStore::new());
    assert_eq!(top_streamer(shared.clone()).await, "Beta");
    assert_eq!(top_streamer(&MemoryStore::new()).await, "Beta");
    assert_eq!(top_streamer(Box::new(MemoryStore::new())).await, "Beta");
    let boxed_dyn: Box<dyn Store> = Box::new(MemoryStore::new());
    assert_eq!(top_streamer(&boxed_dyn).await, "Beta");

    // The wrapper sees what was written through another handle of the same store.
    let app: App<DynStore> = App { store: shared };
    assert_eq!(app.closed_days().await, 1);
    assert_eq!(top_streamer(&app.store).await, "Beta");
}

/// A publisher that overrides every default: no replies but an answer to `reply` all the same
/// (so a forwarded call is told apart from the trait's default), and images.
#[derive(Debug)]
struct Overriding;

#[async_trait]
impl Publisher for Overriding {
    fn platform(&self) -> &str {
        "overriding"
    }

    fn text_limit(&self) -> TextLimit {
        TextLimit::DISCORD
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Duplicates
    }

    fn takes_replies(&self) -> bool {
        false
    }

    fn takes_images(&self) -> bool {
        true
    }

    fn alt_text_limit(&self) -> usize {
        1024
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        Ok(Delivery::Posted(format!("post:{}", post.idempotency_key)))
    }

    async fn reply(&self, mention: &Mention, _: &Post) -> Result<Delivery, PublishError> {
        Ok(Delivery::Posted(format!("reply:{}", mention.id)))
    }
}

/// What a publisher says about itself and answers, through whatever handle.
async fn describe<P: Publisher>(publisher: P) -> (String, bool, bool, Delivery, Delivery) {
    let post = Post {
        text: "hello".into(),
        created_at: watchtime_core::testkit::fixtures::at("2026-11-27T22:00:00Z"),
        idempotency_key: "k1".into(),
        image: None,
    };
    let mention = Mention {
        id: "m1".into(),
        author_id: "a".into(),
        author_handle: "alice".into(),
        text: "minecraft".into(),
        created_at: at("2026-11-26T20:00:00Z"),
        reply_prefix: String::new(),
    };
    assert_eq!(publisher.text_limit(), TextLimit::DISCORD);
    assert_eq!(publisher.redelivery(), Redelivery::Duplicates);
    assert_eq!(publisher.alt_text_limit(), 1024);
    (
        publisher.platform().to_owned(),
        publisher.takes_replies(),
        publisher.takes_images(),
        publisher.post(&post).await.expect("posted"),
        publisher.reply(&mention, &post).await.expect("replied"),
    )
}

#[tokio::test]
async fn a_publisher_behind_a_pointer_keeps_its_overridden_defaults() {
    let expected = (
        "overriding".to_owned(),
        false,
        true,
        Delivery::Posted("post:k1".into()),
        Delivery::Posted("reply:m1".into()),
    );
    let shared: DynPublisher = Arc::new(Overriding);
    assert_eq!(describe(shared).await, expected);
    assert_eq!(describe(Arc::new(Overriding)).await, expected);
    assert_eq!(describe(Box::new(Overriding)).await, expected);
    assert_eq!(describe(&Overriding).await, expected);
}

/// A source and a mention source in one, to go through every handle.
#[derive(Debug)]
struct Fixed;

#[async_trait]
impl TwitchSource for Fixed {
    async fn snapshot(&self, min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        Ok(snapshot(
            "2026-11-25T17:00:05Z",
            vec![stream("1", "Alpha", None, min_viewers + 1)],
        ))
    }
}

#[async_trait]
impl MentionSource for Fixed {
    fn platform(&self) -> &str {
        "fixed"
    }

    async fn own_account_id(&self) -> watchtime_core::Result<String> {
        Ok("bot".into())
    }

    async fn mentions_since(&self, cursor: Option<&str>) -> watchtime_core::Result<MentionPage> {
        Ok(MentionPage {
            mentions: Vec::new(),
            cursor: cursor.map(|c| format!("{c}+1")),
            more: false,
        })
    }
}

async fn sweep<T: TwitchSource>(source: T) -> usize {
    source.snapshot(50).await.expect("a sweep").streams.len()
}

async fn poll<M: MentionSource>(source: M) -> (String, String, Option<String>) {
    (
        source.platform().to_owned(),
        source.own_account_id().await.expect("an id"),
        source
            .mentions_since(Some("7"))
            .await
            .expect("a page")
            .cursor,
    )
}

#[tokio::test]
async fn sources_behind_pointers_are_sources() {
    let twitch: DynTwitchSource = Arc::new(Fixed);
    assert_eq!(sweep(twitch).await, 1);
    assert_eq!(sweep(Box::new(Fixed)).await, 1);
    assert_eq!(sweep(&Fixed).await, 1);

    let expected = ("fixed".to_owned(), "bot".to_owned(), Some("7+1".to_owned()));
    let mentions: DynMentionSource = Arc::new(Fixed);
    assert_eq!(poll(mentions).await, expected);
    assert_eq!(poll(Box::new(Fixed)).await, expected);
    assert_eq!(poll(&Fixed).await, expected);
}

fn read<C: Clock>(clock: C) -> DateTime<Utc> {
    clock.now()
}

#[test]
fn a_shared_clock_is_a_clock() {
    let clock = Arc::new(ManualClock::new(at("2026-11-26T20:00:00Z")));
    clock.advance(Duration::minutes(30));
    assert_eq!(read(clock.clone()), at("2026-11-26T20:30:00Z"));
    assert_eq!(read(&*clock), at("2026-11-26T20:30:00Z"));
    let dyn_clock: Box<dyn Clock> = Box::new(ManualClock::new(at("2026-11-26T20:00:00Z")));
    assert_eq!(read(dyn_clock), at("2026-11-26T20:00:00Z"));
}
