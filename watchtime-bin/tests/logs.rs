//! No secret reaches standard output or standard error, even with `RUST_LOG=trace`, when
//! `watchtime post` and `watchtime answer` talk to X, Mastodon and Discord (successes, retries
//! and refusals alike), with secrets given directly and through `_FILE` variables.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::DateTime;
use support::{DAY, NOW, Run, Site};
use watchtime_discord::fake::{self as discord, DiscordFake, Fault as DiscordFault};
use watchtime_mastodon::fake::{self as mastodon, Fault as MastodonFault, MastodonFake};
use watchtime_twitter::fake::{self as x, FakeMention, Route, XFake};

fn assert_no_secret(run: &Run, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
            "{secret:?} leaked:\n{run:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_of_post_and_answer_hold_no_secret() {
    let mut site = Site::new();
    let at = DateTime::parse_from_rfc3339(NOW).unwrap().to_utc() - chrono::Duration::hours(1);
    let x = XFake::start()
        .await
        .with_mentions(vec![
            FakeMention::new(
                1_862_000_000_000_000_010,
                "4242",
                "alice",
                "@watchtime_bot Fortnite",
            )
            .at(at),
        ])
        .failing_once(Route::Mentions, 503)
        .rate_limited_once(Route::Tweets, 1);
    let m = MastodonFake::start()
        .await
        .mentions_dated(at)
        .mention(
            "70",
            "113000000000000070",
            "bob@other.example",
            "<p>@watchtime Fortnite</p>",
        )
        .post_faults([MastodonFault::ServerErrorAfterCreate(502)]);
    let d = DiscordFake::start()
        .await
        .faults([DiscordFault::RateLimited {
            retry_after: 0.2,
            global: false,
        }]);
    site.x(&x);
    site.mastodon(&m);
    site.discord(&d);
    site.set("RUST_LOG", "trace");
    // Half of the secrets through files, as Docker and systemd hand them over.
    for (var, value) in [
        ("TWITTER_CONSUMER_SECRET", x::CONSUMER_SECRET.to_owned()),
        ("MASTODON_ACCESS_TOKEN", mastodon::TOKEN.to_owned()),
        ("DISCORD_WEBHOOK_URL", d.webhook_url()),
    ] {
        let path = site.dir.path().join(var.to_lowercase());
        std::fs::write(&path, format!("{value}\n")).unwrap();
        site.unset(var);
        site.set(&format!("{var}_FILE"), path.to_str().unwrap());
    }
    let mut secrets: Vec<String> = x::SECRETS.iter().map(|s| s.to_string()).collect();
    secrets.extend([
        mastodon::TOKEN.to_owned(),
        d.webhook_url(),
        discord::WEBHOOK_TOKEN.to_owned(),
    ]);

    // A webhook whose token was reset: the refusal names the webhook, not its URL.
    let bad = format!(
        "{}/api/webhooks/{}/reset-SECRET-token",
        m.uri(),
        discord::WEBHOOK_ID
    );
    let refused = site
        .run(
            &[
                ("WATCHTIME_PUBLISHER", "discord"),
                ("DISCORD_WEBHOOK_URL_FILE", ""),
                ("DISCORD_WEBHOOK_URL", &bad),
            ],
            &["post", DAY],
        )
        .await;
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    assert_no_secret(&refused, &[bad.clone(), "reset-SECRET-token".into()]);

    let all = [("WATCHTIME_PUBLISHER", "twitter,mastodon,discord")];
    let post = site.run(&all, &["post", DAY]).await.ok();
    let answer = site
        .run(&[("WATCHTIME_PUBLISHER", "twitter,mastodon")], &["answer"])
        .await
        .ok();
    assert_eq!(x.posts().len(), 4, "three posts and one reply");
    assert_eq!(m.created().len(), 4);
    assert_eq!(d.texts().len(), 3);

    // The capture holds the traffic at trace level, so the absence of secrets means something.
    for run in [&post, &answer] {
        assert!(run.stderr.contains("TRACE"), "{run:#?}");
    }
    for needle in [
        "x request",
        "mastodon request",
        "retrying discord webhook",
        "hyper",
    ] {
        assert!(
            post.stderr.contains(needle) || answer.stderr.contains(needle),
            "{needle:?} not logged:\n{post:#?}\n{answer:#?}"
        );
    }
    for run in [&refused, &post, &answer] {
        assert_no_secret(run, &secrets);
    }
}
