//! `watchtime post` end to end against fakes of X, Mastodon and Discord: three posts per
//! platform, each once, within the platform's limit, through rate limits, server errors and a
//! crash between send and record.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;
use std::time::Duration;

use support::{DAY, KINDS, Site, now_plus};
use watchtime_core::message::TextLimit;
use watchtime_core::outbox::OutboxState;
use watchtime_discord::fake::{DiscordFake, Fault as DiscordFault};
use watchtime_mastodon::fake::{Fault as MastodonFault, MastodonFake};
use watchtime_twitter::fake::{Fault as XFault, Route, XFake};

const ALL: &[(&str, &str)] = &[("WATCHTIME_PUBLISHER", "twitter,mastodon,discord")];

async fn fakes() -> (XFake, MastodonFake, DiscordFake) {
    (
        XFake::start().await,
        MastodonFake::start().await,
        DiscordFake::start().await,
    )
}

fn configure(site: &mut Site, x: &XFake, m: &MastodonFake, d: &DiscordFake) {
    site.x(x);
    site.mastodon(m);
    site.discord(d);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_posts_on_each_platform_once_within_its_limit() {
    let mut site = Site::new();
    // Top 20: more than X's 280 weighted characters hold, so each platform gets its own fit.
    site.set("WATCHTIME_TOP", "20");
    let (x, m, d) = fakes().await;
    configure(&mut site, &x, &m, &d);

    let first = site.run(ALL, &["post", DAY]).await.ok();
    for platform in ["twitter", "mastodon", "discord"] {
        for kind in KINDS {
            let outcome = first.outcome(platform, kind);
            assert!(
                outcome.starts_with("sent (id "),
                "{platform} {kind}: {outcome}"
            );
        }
    }

    // X: three signed posts, each within 280 weighted characters, none a reply.
    let tweets = x.posts();
    assert_eq!(tweets.len(), 3);
    assert!(tweets.iter().all(|t| t.reply_to.is_none()));
    for t in &tweets {
        let n = TextLimit::X.count(&t.text);
        assert!(n <= 280, "{n}: {}", t.text);
    }
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());
    assert_eq!(x.count(Route::Tweets).await, 3);
    // Each post after its chart's upload and alt text, and nothing else.
    assert_eq!(x.count(Route::Upload).await, 3);
    assert_eq!(x.count(Route::AltText).await, 3);
    assert_eq!(x.total_requests().await, 9);

    // Mastodon: three statuses within the instance's 500 graphemes, each with its own key.
    let statuses = m.created();
    assert_eq!(statuses.len(), 3);
    for s in &statuses {
        let n = TextLimit::MASTODON_DEFAULT.count(s.text());
        assert!(n <= 500, "{n}: {}", s.text());
        assert_eq!(s.visibility(), "public");
    }
    let keys: Vec<&str> = statuses.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        KINDS
            .iter()
            .map(|k| format!("watchtime:mastodon:post/{DAY}/{k}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(m.status_requests().await, 3);

    // Discord: three messages within 2000 characters.
    let messages = d.texts();
    assert_eq!(messages.len(), 3);
    for text in &messages {
        assert!(TextLimit::DISCORD.count(text) <= 2000, "{text}");
    }
    assert_eq!(d.executions().await, 3);

    // Each platform has its own outbox rows, holding the platform's own ids.
    let ids = [
        (
            "twitter",
            tweets.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        ),
        ("mastodon", statuses.iter().map(|s| s.id.clone()).collect()),
        (
            "discord",
            d.messages()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_owned())
                .collect(),
        ),
    ];
    for (platform, ids) in &ids {
        for (kind, id) in KINDS.iter().zip(ids) {
            let entry = site.post_entry(platform, kind).await.unwrap();
            assert_eq!(entry.state, OutboxState::Sent, "{entry:?}");
            assert_eq!(entry.remote_id.as_deref(), Some(id.as_str()), "{entry:?}");
            assert_eq!(entry.attempts, 1, "{entry:?}");
        }
    }

    // Running it again sends nothing on any platform.
    let second = site.run(ALL, &["post", DAY]).await.ok();
    let outcomes = second.outcomes();
    assert_eq!(outcomes.len(), 9, "{second:#?}");
    assert!(
        outcomes
            .values()
            .all(|o| o == "already sent earlier; nothing sent"),
        "{outcomes:#?}"
    );
    assert_eq!(x.total_requests().await, 9, "no upload either");
    assert_eq!(m.status_requests().await, 3);
    assert_eq!(m.uploads().len(), 3);
    assert_eq!(d.executions().await, 3);

    // The texts each platform received: the same day, fitted to each limit.
    let x_texts: Vec<String> = tweets.iter().map(|t| t.text.clone()).collect();
    insta::assert_snapshot!(x_texts.join("\n----\n"), @"
    Most watched games on Twitch, Wed 25 Nov
    1. Just Chatt…: 405K h
    2. League of…: 151K h
    3. Grand Thef…: 120K h
    4. Fortnite: 116K h
    5. Teamfight…: 109K h
    6. Counter-St…: 58.7K h
    7. Minecraft: 54.5K h
    8. Harbor Las…: 46.1K h
    9. Dead by Da…: 44.1K h
    10. Valorant: 38.8K h
    ----
    Most watched streamers on Twitch, Wed 25 Nov
    1. lil_ninja: 157K h
    2. raven_cat: 105K h
    3. Misterclut…: 60.8K h
    4. Sir_Viper: 53.4K h
    5. Emberlive2…: 53.0K h
    6. Notdragon4…: 45.8K h
    7. sol_aim: 32.4K h
    8. Lilsensei2…: 23.8K h
    9. Captainvip…: 20.1K h
    10. Shadowmoon…: 19.0K h
    ----
    Game of the day (drawn by watch time): Minecraft, 54.5K h
    Top streamers, Wed 25 Nov
    1. Shadowmoon586: 19.0K h
    2. dr_live: 6.93K h
    3. novatv: 4.69K h
    4. Zoë: 2.27K h
    5. the_clutch1473: 1.97K h
    6. Captain_Fox: 1.83K h
    7. ryustorm156: 1.51K h
    8. Emberfox2159: 1.31K h
    ");
    let m_texts: Vec<String> = statuses.iter().map(|s| s.text().to_owned()).collect();
    insta::assert_snapshot!(m_texts.join("\n----\n"), @"
    Most watched games on Twitch, Wed 25 Nov
    1. Just Chat…: 405K h
    2. League of…: 151K h
    3. Grand The…: 120K h
    4. Fortnite: 116K h
    5. Teamfight…: 109K h
    6. Counter-S…: 58.7K h
    7. Minecraft: 54.5K h
    8. Harbor La…: 46.1K h
    9. Dead by D…: 44.1K h
    10. Valorant: 38.8K h
    11. Dota 2: 30.3K h
    12. Call of D…: 29.0K h
    13. Rust: 24.2K h
    14. Pokémon S…: 20.2K h
    15. The Last…: 17.9K h
    16. Rocket Le…: 16.8K h
    17. World of…: 16.0K h
    18. Monster H…: 15.9K h
    19. Last Holl…: 15.8K h
    20. Path of E…: 15.5K h
    ----
    Most watched streamers on Twitch, Wed 25 Nov
    1. lil_ninja: 157K h
    2. raven_cat: 105K h
    3. Misterclu…: 60.8K h
    4. Sir_Viper: 53.4K h
    5. Emberlive…: 53.0K h
    6. Notdragon…: 45.8K h
    7. sol_aim: 32.4K h
    8. Lilsensei…: 23.8K h
    9. Captainvi…: 20.1K h
    10. Shadowmoo…: 19.0K h
    11. big_viper: 18.3K h
    12. sol_drago…: 18.2K h
    13. pixelfox: 15.8K h
    14. Captainst…: 14.8K h
    15. Queenpand…: 14.7K h
    16. Lunabot906: 13.9K h
    17. Mistermoo…: 13.6K h
    18. Justgamer: 13.0K h
    19. The_Tv2229: 12.8K h
    20. Novasun: 12.4K h
    ----
    Game of the day (drawn by watch time): Minecraft, 54.5K h
    Top streamers, Wed 25 Nov
    1. Shadowmoo…: 19.0K h
    2. dr_live: 6.93K h
    3. novatv: 4.69K h
    4. Zoë: 2.27K h
    5. the_clutc…: 1.97K h
    6. Captain_F…: 1.83K h
    7. ryustorm1…: 1.51K h
    8. Emberfox2…: 1.31K h
    9. Lilblade2…: 1.27K h
    10. lunadrago…: 1.05K h
    11. zen_ghost: 937 h
    12. Queen_Live: 934 h
    13. Queen_Liv…: 790 h
    14. Drblade: 754 h
    15. just_fox_…: 742 h
    16. Luna_Drag…: 711 h
    17. Kai_Sensei: 678 h
    18. Bigwolf442: 673 h
    19. Tiny_Bot: 578 h
    ");
    insta::assert_snapshot!(messages.join("\n----\n"), @"
    Most watched games on Twitch, Wed 25 Nov
    1. Just Chatting: 405K h
    2. League of Legends: 151K h
    3. Grand Theft Auto V: 120K h
    4. Fortnite: 116K h
    5. Teamfight Tactics: 109K h
    6. Counter-Strike: 58.7K h
    7. Minecraft: 54.5K h
    8. Harbor Last 3: 46.1K h
    9. Dead by Daylight: 44.1K h
    10. Valorant: 38.8K h
    11. Dota 2: 30.3K h
    12. Call of Duty: Warzone: 29.0K h
    13. Rust: 24.2K h
    14. Pokémon Scarlet and Violet: 20.2K h
    15. The Last Shadow: 17.9K h
    16. Rocket League: 16.8K h
    17. World of Warcraft: 16.0K h
    18. Monster Hunter Wilds: 15.9K h
    19. Last Hollow: 15.8K h
    20. Path of Exile 2: 15.5K h
    ----
    Most watched streamers on Twitch, Wed 25 Nov
    1. lil_ninja: 157K h
    2. raven_cat: 105K h
    3. Misterclutch791: 60.8K h
    4. Sir_Viper: 53.4K h
    5. Emberlive2956: 53.0K h
    6. Notdragon401: 45.8K h
    7. sol_aim: 32.4K h
    8. Lilsensei2565: 23.8K h
    9. Captainviper687: 20.1K h
    10. Shadowmoon586: 19.0K h
    11. big_viper: 18.3K h
    12. sol_dragon2665: 18.2K h
    13. pixelfox: 15.8K h
    14. Captainstorm: 14.8K h
    15. Queenpanda2923: 14.7K h
    16. Lunabot906: 13.9K h
    17. Mistermoon78: 13.6K h
    18. Justgamer: 13.0K h
    19. The_Tv2229: 12.8K h
    20. Novasun: 12.4K h
    ----
    Game of the day (drawn by watch time): Minecraft, 54.5K h
    Top streamers, Wed 25 Nov
    1. Shadowmoon586: 19.0K h
    2. dr_live: 6.93K h
    3. novatv: 4.69K h
    4. Zoë: 2.27K h
    5. the_clutch1473: 1.97K h
    6. Captain_Fox: 1.83K h
    7. ryustorm156: 1.51K h
    8. Emberfox2159: 1.31K h
    9. Lilblade2228: 1.27K h
    10. lunadragon2423: 1.05K h
    11. zen_ghost: 937 h
    12. Queen_Live: 934 h
    13. Queen_Live1755: 790 h
    14. Drblade: 754 h
    15. just_fox_just_fox: 742 h
    16. Luna_Dragon: 711 h
    17. Kai_Sensei: 678 h
    18. Bigwolf442: 673 h
    19. Tiny_Bot: 578 h
    20. Misterbot585: 546 h
    ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_is_waited_out_and_posts_once() {
    let mut site = Site::new();
    let x = XFake::start().await.rate_limited_once(Route::Tweets, 1);
    let m = MastodonFake::start()
        .await
        .post_faults([MastodonFault::RateLimited(Duration::from_secs(1))]);
    let d = DiscordFake::start()
        .await
        .faults([DiscordFault::RateLimited {
            retry_after: 0.5,
            global: false,
        }]);
    configure(&mut site, &x, &m, &d);

    let run = site.run(ALL, &["post", DAY]).await.ok();
    let outcomes = run.outcomes();
    assert_eq!(outcomes.len(), 9, "{run:#?}");
    assert!(
        outcomes.values().all(|o| o.starts_with("sent (id ")),
        "{outcomes:#?}"
    );
    // One 429 each, then every post exactly once.
    assert_eq!(x.resets_sent().len(), 1);
    assert_eq!((x.count(Route::Tweets).await, x.posts().len()), (4, 3));
    assert_eq!((m.status_requests().await, m.created().len()), (4, 3));
    assert_eq!((d.executions().await, d.texts().len()), (4, 3));
    let tweets = x.posts();
    let distinct: HashSet<&str> = tweets.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(distinct.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_never_doubles_a_post() {
    let mut site = Site::new();
    // X stores the first post, then a proxy answers 503: the outcome is unknown.
    let x = XFake::start()
        .await
        .fault(Route::Tweets, XFault::StatusAfterCreate(503));
    // Mastodon creates the first status, then answers 502: the client retries with the same
    // Idempotency-Key and gets the first status back.
    let m = MastodonFake::start()
        .await
        .post_faults([MastodonFault::ServerErrorAfterCreate(502)]);
    // Discord fails the first message with a 500 (nothing posted, but the client cannot know).
    let d = DiscordFake::start()
        .await
        .faults([DiscordFault::ServerError(500)]);
    configure(&mut site, &x, &m, &d);

    let first = site.run(ALL, &["post", DAY]).await;
    assert_eq!(first.code, Some(1), "{first:#?}");
    assert!(
        first
            .stderr
            .contains("2 post(s) did not go out; run the command again to retry them"),
        "{first:#?}"
    );
    let x_first = first.outcome("twitter", "top-games");
    assert!(
        x_first.starts_with("may have been sent: ") && x_first.contains("503"),
        "{x_first}"
    );
    assert!(
        first
            .outcome("mastodon", "top-games")
            .starts_with("sent (id ")
    );
    let d_first = first.outcome("discord", "top-games");
    assert!(d_first.starts_with("may have been sent: "), "{d_first}");
    for platform in ["twitter", "mastodon", "discord"] {
        for kind in &KINDS[1..] {
            assert!(first.outcome(platform, kind).starts_with("sent (id "));
        }
    }
    assert_eq!((x.count(Route::Tweets).await, x.posts().len()), (3, 3));
    assert_eq!((m.status_requests().await, m.created().len()), (4, 3));
    let replayed = m.requests_to("POST", "/api/v1/statuses").await;
    let key = |i: usize| replayed[i].headers.get("idempotency-key").unwrap().clone();
    assert_eq!(key(0), key(1), "the retry carries the same Idempotency-Key");
    assert_eq!((d.executions().await, d.texts().len()), (3, 2));

    // Ten minutes later, within X's duplicate window: X refuses the repeated text, so the
    // post is recorded as sent without a second copy. Discord's is held for an operator.
    let later = now_plus(10);
    let second = site
        .run(&[ALL[0], ("WATCHTIME_NOW", &later)], &["post", DAY])
        .await
        .ok();
    assert_eq!(
        second.outcome("twitter", "top-games"),
        "already sent earlier; nothing sent"
    );
    assert_eq!(
        second.outcome("discord", "top-games"),
        "held: 1 earlier send(s) may have gone out and discord would post a duplicate; check the account, and if the post is missing run `watchtime post 2026-11-25 --release-held`"
    );
    assert_eq!(
        second.outcome("mastodon", "top-games"),
        "already sent earlier; nothing sent"
    );
    assert_eq!((x.count(Route::Tweets).await, x.posts().len()), (4, 3));
    assert_eq!(m.status_requests().await, 4);
    assert_eq!((d.executions().await, d.texts().len()), (3, 2));
    let held = site.post_entry("discord", "top-games").await.unwrap();
    assert_eq!(
        (held.state, held.attempts),
        (OutboxState::Pending, 1),
        "a run that holds a post does not count as a send"
    );

    // The operator checks the channel, sees the post missing, and releases it.
    let released = site
        .run(
            &[ALL[0], ("WATCHTIME_NOW", &later)],
            &["post", DAY, "--release-held"],
        )
        .await
        .ok();
    assert_eq!(
        released.outcome("discord", "top-games").split(' ').next(),
        Some("sent")
    );
    assert_eq!((d.executions().await, d.texts().len()), (4, 3));
    assert_eq!(
        (x.count(Route::Tweets).await, m.status_requests().await),
        (4, 4),
        "nothing else is sent"
    );
    let x_entry = site.post_entry("twitter", "top-games").await.unwrap();
    assert_eq!(
        (x_entry.state, x_entry.remote_id),
        (OutboxState::Sent, None),
        "X's duplicate refusal does not say which post it duplicates"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_send_and_record_never_doubles_a_post() {
    let mut site = Site::new();
    let hold = Duration::from_secs(60);
    let x = XFake::start().await.slow_once(Route::Tweets, hold);
    let m = MastodonFake::start()
        .await
        .post_faults([MastodonFault::SlowAfterCreate(hold)]);
    let d = DiscordFake::start()
        .await
        .faults([DiscordFault::SlowAfterPost(hold)]);
    configure(&mut site, &x, &m, &d);

    // Each platform in turn: the first post reaches it, then the process is killed before it
    // can record the answer. The outbox holds a pending claim, as after a real crash.
    let only = |p: &'static str| [("WATCHTIME_PUBLISHER", p)];
    let killed = site
        .run_killed_after(&only("twitter"), &["post", DAY], || x.posts().len() == 1)
        .await;
    assert_eq!(killed.code, None, "killed by a signal: {killed:#?}");
    site.run_killed_after(&only("mastodon"), &["post", DAY], || m.created().len() == 1)
        .await;
    site.run_killed_after(&only("discord"), &["post", DAY], || d.texts().len() == 1)
        .await;
    for platform in ["twitter", "mastodon", "discord"] {
        let entry = site.post_entry(platform, "top-games").await.unwrap();
        assert_eq!((entry.state, entry.attempts), (OutboxState::Pending, 1));
        assert!(site.post_entry(platform, "top-streamers").await.is_none());
    }

    // Restarted within the hour: X refuses the duplicate, Mastodon replays the key, Discord
    // holds; the other two posts go out.
    let run = site.run(ALL, &["post", DAY]).await.ok();
    assert_eq!(
        run.outcome("twitter", "top-games"),
        "already sent earlier; nothing sent"
    );
    let first_status = &m.created()[0].id;
    assert_eq!(
        run.outcome("mastodon", "top-games"),
        format!("sent (id {first_status})"),
        "the replayed key answers the first status"
    );
    assert_eq!(
        run.outcome("discord", "top-games"),
        "held: 1 earlier send(s) may have gone out and discord would post a duplicate; check the account, and if the post is missing run `watchtime post 2026-11-25 --release-held`"
    );
    for platform in ["twitter", "mastodon", "discord"] {
        for kind in &KINDS[1..] {
            assert!(run.outcome(platform, kind).starts_with("sent (id "));
        }
    }
    assert_eq!((x.count(Route::Tweets).await, x.posts().len()), (4, 3));
    assert_eq!((m.status_requests().await, m.created().len()), (4, 3));
    let keys: HashSet<String> = m.created().iter().map(|c| c.key.clone()).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!((d.executions().await, d.texts().len()), (3, 3));

    // Two hours later X's duplicate rule can no longer be relied on: an unfinished X post would
    // be held, not resent. Nothing is unfinished on X now, so nothing is sent anywhere.
    let later = now_plus(120);
    let again = site
        .run(&[ALL[0], ("WATCHTIME_NOW", &later)], &["post", DAY])
        .await
        .ok();
    assert_eq!(
        again.outcome("discord", "top-games"),
        "held: 1 earlier send(s) may have gone out and discord would post a duplicate; check the account, and if the post is missing run `watchtime post 2026-11-25 --release-held`"
    );
    assert_eq!(x.count(Route::Tweets).await, 4);
    assert_eq!(m.status_requests().await, 4);
    assert_eq!(d.executions().await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_x_post_is_held_after_the_duplicate_window() {
    let mut site = Site::new();
    let x = XFake::start()
        .await
        .fault(Route::Tweets, XFault::StatusAfterCreate(503));
    site.x(&x);
    let only_x = ("WATCHTIME_PUBLISHER", "twitter");
    let first = site.run(&[only_x], &["post", DAY]).await;
    assert_eq!(first.code, Some(1), "{first:#?}");
    // Two hours later X may have forgotten the text: resending could post it twice.
    let later = now_plus(120);
    let second = site
        .run(&[only_x, ("WATCHTIME_NOW", &later)], &["post", DAY])
        .await
        .ok();
    assert_eq!(
        second.outcome("twitter", "top-games"),
        "held: 1 earlier send(s) may have gone out and twitter would post a duplicate; check the account, and if the post is missing run `watchtime post 2026-11-25 --release-held`"
    );
    assert_eq!((x.count(Route::Tweets).await, x.posts().len()), (3, 3));
}

/// Two `post` runs at once on one SQLite file (a cron job beside the daemon, or twice by hand):
/// both end well, each post goes out once, and every line says what happened. The loser of a
/// race waits for the winner's write instead of failing with "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_at_once_send_each_post_once() {
    const TRIALS: usize = 8;
    let both = &[("WATCHTIME_PUBLISHER", "mastodon,discord")];
    for trial in 0..TRIALS {
        let mut site = Site::new();
        let m = MastodonFake::start().await;
        let d = DiscordFake::start().await;
        site.mastodon(&m);
        site.discord(&d);
        let mut first = site.command(both, &["post", DAY]);
        let mut second = site.command(both, &["post", DAY]);
        let (a, b) = tokio::task::spawn_blocking(move || {
            let a = first
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let b = second
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (
                support::Run::from(a.wait_with_output().unwrap()),
                support::Run::from(b.wait_with_output().unwrap()),
            )
        })
        .await
        .unwrap();
        for run in [&a, &b] {
            assert_eq!(run.code, Some(0), "trial {trial}: {run:#?}");
            assert!(!run.stderr.contains("locked"), "trial {trial}: {run:#?}");
            for platform in ["mastodon", "discord"] {
                for kind in KINDS {
                    let outcome = run.outcome(platform, kind);
                    assert!(
                        outcome.starts_with("sent (id ")
                            || outcome == "already sent earlier; nothing sent"
                            || outcome.starts_with("held: 1 earlier send(s) may have gone out"),
                        "trial {trial}: {platform} {kind}: {outcome}"
                    );
                }
            }
        }
        assert_eq!(m.created().len(), 3, "trial {trial}: {a:#?}\n{b:#?}");
        assert_eq!(d.messages().len(), 3, "trial {trial}: {a:#?}\n{b:#?}");
        for kind in KINDS {
            let entry = site.post_entry("discord", kind).await.unwrap();
            assert_eq!(entry.state, OutboxState::Sent, "trial {trial}: {kind}");
        }
    }
}
