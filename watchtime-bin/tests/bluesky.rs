//! `watchtime post` and `watchtime answer` with `WATCHTIME_PUBLISHER=bluesky`: against the fake
//! PDS (a dry run counts graphemes and logs in nowhere, posts go out once, a kill between the
//! write and the record is sent again and still posts once, a mention is answered once), and
//! against the real local PDS and AppView of `.ci/atproto/` (kills at random instants, then one
//! record per kind; a mention answered once in its thread). `run` and `answer --follow` read
//! Bluesky's mentions on its own short interval, waiting out a 429.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use support::{DAY, KINDS, PATIENCE, Running, Site, now_plus, stop, until};
use watchtime_bluesky::fake::{APP_PASSWORD, BlueskyFake, Fault, HANDLE, LocalStack};
use watchtime_core::outbox::OutboxState;

const PUT: &str = "com.atproto.repo.putRecord";
const NOTIFICATIONS: &str = "app.bsky.notification.listNotifications";
const LOGIN: &str = "com.atproto.server.createSession";

fn bluesky(site: &mut Site, service: &str, identifier: &str, password: &str) {
    site.set("WATCHTIME_PUBLISHER", "bluesky");
    site.set("BLUESKY_SERVICE_URL", service);
    site.set("BLUESKY_IDENTIFIER", identifier);
    site.set("BLUESKY_APP_PASSWORD", password);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_go_out_once_and_a_dry_run_counts_graphemes() {
    let mut site = Site::new();
    let fake = BlueskyFake::start().await;
    bluesky(&mut site, &fake.url(), HANDLE, APP_PASSWORD);

    let dry = site.run(&[], &["post", DAY, "--dry-run"]).await.ok();
    for kind in KINDS {
        let header = format!("── bluesky · {kind} · dry run (");
        let line = dry
            .stdout
            .lines()
            .find(|l| l.starts_with(&header))
            .unwrap_or_else(|| panic!("{dry:#?}"));
        assert!(line.ends_with("/300 graphemes) ──"), "{line}");
    }
    assert_eq!(fake.calls(LOGIN), 0, "a dry run logs in nowhere");

    let run = site.run(&[], &["post", DAY]).await.ok();
    for kind in KINDS {
        let outcome = run.outcome("bluesky", kind);
        assert!(outcome.starts_with("sent (id at://did:plc:"), "{outcome}");
    }
    assert_eq!(fake.bot_posts().len(), 3);

    let again = site.run(&[], &["post", DAY]).await.ok();
    for kind in KINDS {
        assert_eq!(
            again.outcome("bluesky", kind),
            "already sent earlier; nothing sent"
        );
    }
    assert_eq!(fake.calls(PUT), 3);
    assert_eq!(
        fake.calls(LOGIN),
        1,
        "the second run refreshed the session kept in the store"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_between_the_write_and_the_record_is_sent_again_and_posts_once() {
    let mut site = Site::new();
    let fake = BlueskyFake::start().await;
    bluesky(&mut site, &fake.url(), HANDLE, APP_PASSWORD);
    fake.fail_next(PUT, Fault::SlowAfterWork(Duration::from_secs(60)));
    let killed = site
        .run_killed_after(&[], &["post", DAY], || fake.bot_posts().len() == 1)
        .await;
    assert_eq!(killed.code, None, "killed by a signal: {killed:#?}");
    let entry = site.post_entry("bluesky", "top-games").await.unwrap();
    assert_eq!((entry.state, entry.attempts), (OutboxState::Pending, 1));

    // A day later, long past any window a dedupe would keep: sent again, never held; the
    // outbox kept its text and time, so the PDS finds the identical record and writes nothing.
    let later = now_plus(24 * 60);
    let run = site
        .run(&[("WATCHTIME_NOW", &later)], &["post", DAY])
        .await
        .ok();
    assert_eq!(
        run.outcome("bluesky", "top-games"),
        "already sent earlier; nothing sent"
    );
    for kind in &KINDS[1..] {
        let outcome = run.outcome("bluesky", kind);
        assert!(outcome.starts_with("sent (id at://"), "{kind}: {outcome}");
    }
    assert_eq!(fake.bot_posts().len(), 3, "one record per kind");
    let entry = site.post_entry("bluesky", "top-games").await.unwrap();
    assert_eq!((entry.state, entry.attempts), (OutboxState::Sent, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_replies_to_a_mention_once_in_its_thread() {
    let mut site = Site::new();
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    bluesky(&mut site, &fake.url(), HANDLE, APP_PASSWORD);
    let asked = fake.post_as("alice.test", &format!("@{HANDLE} top games"), None);
    let run = site.run(&[], &["answer"]).await.ok();
    assert!(
        run.stdout.contains("bluesky: 1 mentions read, 1 answered"),
        "{run:#?}"
    );
    let again = site.run(&[], &["answer"]).await.ok();
    assert!(again.stdout.contains(", 0 answered"), "{again:#?}");
    let replies: Vec<_> = fake
        .bot_posts()
        .into_iter()
        .filter_map(|(_, r)| r.get("reply").cloned())
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["parent"]["uri"], asked);
    assert_eq!(replies[0]["root"]["uri"], asked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_app_password_is_an_error_naming_it() {
    let mut site = Site::new();
    let fake = BlueskyFake::start().await;
    bluesky(&mut site, &fake.url(), HANDLE, "not-the-password");
    let run = site.run(&[], &["post", DAY]).await;
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("BLUESKY_APP_PASSWORD"), "{run:#?}");
    assert!(!run.stderr.contains("not-the-password"), "{run:#?}");
    site.unset("BLUESKY_APP_PASSWORD");
    let run = site.run(&[], &["post", DAY]).await;
    assert!(run.stderr.contains("BLUESKY_APP_PASSWORD_FILE"), "{run:#?}");
}

/// Against the real PDS: `post` killed at random instants (before, during and after its writes),
/// then run to the end, leaves exactly one record per kind, and a last run sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_local_pds_kills_at_any_instant_leave_one_record_per_kind() {
    let Some(stack) = LocalStack::find("on_the_local_pds_kills_at_any_instant", false).await else {
        return;
    };
    let bot = stack.account("bot").await;
    let mut site = Site::new();
    bluesky(&mut site, &stack.pds, &bot.handle, &bot.app_password);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
    for _ in 0..8 {
        let delay = Duration::from_millis(rng.random_range(0..1500));
        let mut child = site
            .command(&[], &["post", DAY])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(delay).await;
        let _ = child.kill();
        child.wait().unwrap();
        assert!(stack.records(&bot.did).await.len() <= 3);
    }
    let run = site.run(&[], &["post", DAY]).await.ok();
    for kind in KINDS {
        let outcome = run.outcome("bluesky", kind);
        assert!(
            outcome.starts_with("sent (id at://")
                || outcome == "already sent earlier; nothing sent",
            "{kind}: {outcome}"
        );
    }
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 3, "one record per kind: {records:#?}");
    let last = site.run(&[], &["post", DAY]).await.ok();
    for kind in KINDS {
        assert_eq!(
            last.outcome("bluesky", kind),
            "already sent earlier; nothing sent"
        );
    }
    assert_eq!(stack.records(&bot.did).await, records);
}

/// Against the real PDS and AppView: `watchtime answer` replies to a second account's mention
/// once, with the mention as root and parent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_local_appview_a_mention_is_answered_once() {
    let Some(stack) =
        LocalStack::find("on_the_local_appview_a_mention_is_answered_once", true).await
    else {
        return;
    };
    let bot = stack.account("bot").await;
    let alice = stack.account("alice").await;
    let mut site = Site::new();
    bluesky(&mut site, &stack.pds, &bot.handle, &bot.app_password);
    let asked = stack
        .post_as(&alice, &format!("@{} top games", bot.handle), &[&bot], None)
        .await;
    stack.wait_for_notifications(&bot, 1).await;
    let run = site.run(&[], &["answer"]).await.ok();
    assert!(
        run.stdout.contains("bluesky: 1 mentions read, 1 answered"),
        "{run:#?}"
    );
    let again = site.run(&[], &["answer"]).await.ok();
    assert!(again.stdout.contains(", 0 answered"), "{again:#?}");
    let records = stack.records(&bot.did).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["value"]["reply"]["parent"], asked);
    assert_eq!(records[0]["value"]["reply"]["root"], asked);
}

/// The replies the bot wrote, by the post each answers.
fn replies_to(fake: &BlueskyFake, uri: &str) -> usize {
    fake.bot_posts()
        .iter()
        .filter(|(_, r)| r["reply"]["parent"]["uri"] == uri)
        .count()
}

/// `site` answering Bluesky mentions on `fake`, dated by the wall clock like the fake's posts.
fn live_site(fake: &BlueskyFake) -> Site {
    let mut site = Site::new();
    bluesky(&mut site, &fake.url(), HANDLE, APP_PASSWORD);
    site.unset("WATCHTIME_NOW");
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_follow_reads_bluesky_on_its_own_interval_and_answers_once() {
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    let site = live_site(&fake);
    // The first read is refused for a second; the client waits out the reset.
    fake.fail_next(NOTIFICATIONS, Fault::RateLimited { reset_in: 1 });
    // The common interval (ten minutes) never comes: only Bluesky's own one reads.
    let child = site
        .command(
            &[],
            &[
                "answer",
                "--follow",
                "--mention-interval",
                "600",
                "--bluesky-mention-interval",
                "1",
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running(Some(child));
    until(running.child(), "reads after the refused one", || {
        fake.calls(NOTIFICATIONS) >= 3
    })
    .await;
    let asked = fake.post_as("alice.test", &format!("@{HANDLE} top games"), None);
    until(running.child(), "the reply", || {
        replies_to(&fake, &asked) == 1
    })
    .await;
    // More reads come, and none answers again.
    let reads = fake.calls(NOTIFICATIONS);
    until(running.child(), "two more reads", || {
        fake.calls(NOTIFICATIONS) >= reads + 2
    })
    .await;
    stop(running.take());
    assert_eq!(replies_to(&fake, &asked), 1);
    assert_eq!(fake.bot_posts().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_polls_bluesky_in_a_lane_and_says_so() {
    let fake = BlueskyFake::start().await;
    fake.account("alice.test");
    let twitch = watchtime_twitch::fake::HelixFake::start()
        .await
        .with_streams(300, 100);
    let mut site = live_site(&fake);
    site.set(
        "TWITCH_CLIENT_ID",
        watchtime_twitch::fake::HelixFake::CLIENT_ID,
    );
    site.set(
        "TWITCH_CLIENT_SECRET",
        watchtime_twitch::fake::HelixFake::CLIENT_SECRET,
    );
    site.set("WATCHTIME_TWITCH_API_URL", &twitch.api_url());
    site.set("WATCHTIME_TWITCH_AUTH_URL", &twitch.auth_url());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = site
        .command(
            &[("WATCHTIME_BLUESKY_MENTION_INTERVAL", "2")],
            &["run", "--listen", &listen, "--mention-interval", "600"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(Some(child));
    let healthz = || async {
        let r = reqwest::get(format!("http://{listen}/healthz"))
            .await
            .ok()?;
        r.json::<serde_json::Value>().await.ok()
    };
    let started = Instant::now();
    let health = loop {
        assert!(running.child().try_wait().unwrap().is_none());
        if let Some(h) = healthz().await
            && h["mentions"]["bluesky"].is_string()
        {
            break h;
        }
        assert!(started.elapsed() < PATIENCE, "no /healthz");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health["mentions"]["bluesky"], "polling", "{health}");
    assert_eq!(health["mention_interval_seconds"]["bluesky"], 2, "{health}");

    let asked = fake.post_as("alice.test", &format!("@{HANDLE} top games"), None);
    until(running.child(), "the reply", || {
        replies_to(&fake, &asked) == 1
    })
    .await;
    let metrics = reqwest::get(format!("http://{listen}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "watchtime_mention_interval_seconds{platform=\"bluesky\"} 2\n",
        "watchtime_mention_stream_connected{platform=\"bluesky\"} 0\n",
    ] {
        assert!(metrics.contains(want), "{want:?} missing from:\n{metrics}");
    }
    stop(running.take());
    assert_eq!(replies_to(&fake, &asked), 1);
}
