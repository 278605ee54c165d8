//! Mentions by streaming, end to end through the built executable: a Mastodon fake for REST and
//! a hand-written streaming host the instance names, which the test drives byte by byte.
//!
//! Faults: a duplicate of a mention already polled, a payload that is not JSON, a drop in the
//! middle of an event, a connection gone silent, a refused reconnect. Whatever the stream loses,
//! the backfill after each reconnect catches; whatever it repeats, the outbox skips: every
//! mention gets exactly one reply, and the process never panics. Then a kill -9 while a
//! streamed mention's reply is in flight, and a restart: still one reply.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use support::{PATIENCE, Running, Site, stop, until};
use watchtime_mastodon::fake::{self as mastodon, Fault, MastodonFake, StreamFake};
use watchtime_twitch::fake::HelixFake;

/// The replies the fake received, counted by the status they answer.
fn replies_by_status(fake: &MastodonFake) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for reply in fake.replies() {
        *by.entry(reply.in_reply_to().unwrap().to_owned())
            .or_default() += 1;
    }
    by
}

fn replied(fake: &MastodonFake, status: &str) -> bool {
    replies_by_status(fake).contains_key(status)
}

fn assert_clean_log(log: &str) {
    assert!(
        !log.contains(mastodon::TOKEN),
        "the token in the log:\n{log}"
    );
    assert!(!log.contains("panicked"), "a panic:\n{log}");
}

/// A site answering Mastodon mentions against `fake`, whose streaming host is `stream`.
fn site(fake: &MastodonFake) -> Site {
    let mut site = Site::new();
    site.mastodon(fake);
    site.set("WATCHTIME_PUBLISHER", "mastodon");
    site.set("RUST_LOG", "info,sqlx=warn");
    // Answers are dated by the wall clock, like the mentions the fake serves.
    site.unset("WATCHTIME_NOW");
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_stream_never_costs_a_reply_or_doubles_one() {
    let stream = StreamFake::start().await;
    let fake = MastodonFake::start()
        .await
        .streaming_url(&stream.address())
        .mentions_dated(Utc::now());
    let polled = fake.add_mention(
        Utc::now(),
        ("1", "9001"),
        "alice@example.social",
        "<p>@watchtime Minecraft</p>",
    );
    let site = site(&fake);
    // Rounds only when a stream (re)connects: an interval of ten minutes never comes.
    let child = site
        .command(
            &[],
            &[
                "answer",
                "--follow",
                "--mention-interval",
                "600",
                "--mention-stream-idle",
                "2",
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Running(Some(child));

    // Connected, then the backfill answers the mention that came before.
    let first = stream.connection().await;
    until(child.child(), "the backlog's reply", || {
        replied(&fake, "9001")
    })
    .await;

    // A duplicate of the mention already polled, then a new one: the new one is answered (so
    // the duplicate, pushed before it, was handled) and the old one not again.
    first.send(&StreamFake::notification(&polled));
    let b = fake.add_mention(
        Utc::now(),
        ("2", "9002"),
        "bob",
        "<p>@watchtime Fortnite</p>",
    );
    first.send(&StreamFake::notification(&b));
    until(child.child(), "the streamed mention's reply", || {
        replied(&fake, "9002")
    })
    .await;

    // A payload that is not JSON is passed over; the stream goes on.
    first.send("event: notification\ndata: {\"id\": \"3\", \"type\": \"mention\", \"acc\n\n");
    let c = fake.add_mention(
        Utc::now(),
        ("4", "9004"),
        "carol",
        "<p>@watchtime chess</p>",
    );
    first.send(&StreamFake::notification_as_string(&c));
    until(child.child(), "the reply after a garbled event", || {
        replied(&fake, "9004")
    })
    .await;

    // Dropped in the middle of an event: that mention is lost to the stream, and the backfill
    // after the reconnect answers it.
    let d = fake.add_mention(Utc::now(), ("5", "9005"), "dave", "<p>@watchtime go</p>");
    let event = StreamFake::notification(&d);
    first.send(&event[..event.len() / 2]);
    first.close();
    let second = stream.connection().await;
    until(child.child(), "the reply to the mention cut off", || {
        replied(&fake, "9005")
    })
    .await;

    // Silent: a mention arrives at the instance but never on the stream; after two seconds
    // without a heartbeat the stream is dropped, the next connection is refused, the one after
    // is accepted, and its backfill answers the mention.
    stream.refuse_next([503]);
    let e = fake.add_mention(
        Utc::now(),
        ("6", "9006"),
        "erin",
        "<p>@watchtime tetris</p>",
    );
    assert!(!replied(&fake, "9006"));
    let third = stream.connection().await;
    until(
        child.child(),
        "the reply to the mention the silent stream missed",
        || replied(&fake, "9006"),
    )
    .await;
    // And a stream replaying everything after a reconnect changes nothing.
    for n in [&polled, &b, &c, &d, &e] {
        third.send(&StreamFake::notification(n));
    }
    let f = fake.add_mention(
        Utc::now(),
        ("7", "9007"),
        "frank",
        "<p>@watchtime Valorant</p>",
    );
    third.send(&StreamFake::notification(&f));
    until(child.child(), "the last reply", || replied(&fake, "9007")).await;

    let log = stop(child.take());
    assert_clean_log(&log);
    let want: BTreeMap<String, usize> = ["9001", "9002", "9004", "9005", "9006", "9007"]
        .into_iter()
        .map(|s| (s.to_owned(), 1))
        .collect();
    assert_eq!(replies_by_status(&fake), want, "log:\n{log}");
    // Four connections were asked for (one refused); the token never travelled in a URL.
    let requests = stream.requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert!(requests.iter().all(|r| !r.target.contains('?')));
    for needle in [
        "mention stream connected",
        "mention stream lost",
        "silent",
        "cannot open the mention stream",
        "streamed mention handled",
    ] {
        assert!(
            log.contains(needle),
            "{needle:?} missing from the log:\n{log}"
        );
    }
    drop((second, third));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_streamed_reply_is_in_flight_leaves_one_reply() {
    let stream = StreamFake::start().await;
    let fake = MastodonFake::start()
        .await
        .streaming_url(&stream.address())
        .mentions_dated(Utc::now());
    let twitch = HelixFake::start().await.with_streams(300, 100);
    let dir = tempfile::tempdir().unwrap();
    let daemon = || {
        let mut command = support::command(dir.path());
        command
            .args(["run", "--mention-interval", "600"])
            .env("WATCHTIME_PUBLISHER", "mastodon")
            .env("MASTODON_BASE_URL", fake.uri())
            .env("MASTODON_ACCESS_TOKEN", mastodon::TOKEN)
            .env("TWITCH_CLIENT_ID", HelixFake::CLIENT_ID)
            .env("TWITCH_CLIENT_SECRET", HelixFake::CLIENT_SECRET)
            .env("WATCHTIME_TWITCH_API_URL", twitch.api_url())
            .env("WATCHTIME_TWITCH_AUTH_URL", twitch.auth_url())
            .env("RUST_LOG", "info,sqlx=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command.spawn().unwrap()
    };

    // The reply is created, but its answer is held: the process dies between send and record.
    fake.queue_post_faults([Fault::SlowAfterCreate(Duration::from_secs(60))]);
    let mut child = Running(Some(daemon()));
    let first = stream.connection().await;
    let m = fake.add_mention(
        Utc::now(),
        ("1", "9001"),
        "alice",
        "<p>@watchtime Minecraft</p>",
    );
    first.send(&StreamFake::notification(&m));
    until(child.child(), "the reply to reach the instance", || {
        fake.created().len() == 1
    })
    .await;
    let mut killed = child.take();
    killed.kill().unwrap();
    let killed = killed.wait_with_output().unwrap();
    assert_eq!(killed.status.code(), None, "killed by a signal");
    drop(first);

    // Restarted: the backfill meets the mention with its claim pending and resends with the
    // same idempotency key, which the instance answers with the first status; the stream
    // pushing it again changes nothing.
    let mut child = Running(Some(daemon()));
    let second = stream.connection().await;
    second.send(&StreamFake::notification(&m));
    let started = Instant::now();
    while fake.status_requests().await < 2 {
        assert!(
            child.child().try_wait().unwrap().is_none(),
            "the restarted daemon ended"
        );
        assert!(started.elapsed() < PATIENCE, "the reply was never resent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = stop(child.take());
    assert_clean_log(&log);
    assert_eq!(fake.created().len(), 1, "one reply; log:\n{log}");
    assert_eq!(replies_by_status(&fake)["9001"], 1);
    let keys: Vec<String> = fake
        .requests_to("POST", "/api/v1/statuses")
        .await
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(
        keys[0], keys[1],
        "the resend carries the first attempt's key"
    );
}
