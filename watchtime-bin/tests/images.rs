//! The chart images end to end: `watchtime post` attaches each post's chart once, with alt
//! text, on X, Mastodon and Discord; a failed upload sends the post without it; a kill between
//! upload and post repeats nothing; `post --dry-run` and `watchtime chart` write the images.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use support::{DAY, KINDS, Site};
use watchtime_core::outbox::OutboxState;
use watchtime_core::{Settings, bot};
use watchtime_discord::fake::DiscordFake;
use watchtime_mastodon::fake::{Fault as MastodonFault, MastodonFake};
use watchtime_twitter::fake::{Route, XFake};

const ALL: &[(&str, &str)] = &[("WATCHTIME_PUBLISHER", "twitter,mastodon,discord")];

/// The width and height of a PNG, from its header; panics if `bytes` is not a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn assert_chart(bytes: &[u8]) {
    assert_eq!(png_size(bytes), (1200, 675));
    assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());
}

fn assert_alt(alt: &str, limit: usize) {
    assert!(alt.starts_with("Bar chart: "), "{alt}");
    assert!(alt.contains("1. "), "the ranking in words: {alt}");
    assert!(
        alt.chars().count() <= limit,
        "{} > {limit}",
        alt.chars().count()
    );
}

async fn site_with_fakes() -> (Site, XFake, MastodonFake, DiscordFake) {
    let mut site = Site::new();
    let (x, m, d) = (
        XFake::start().await,
        MastodonFake::start().await,
        DiscordFake::start().await,
    );
    site.x(&x);
    site.mastodon(&m);
    site.discord(&d);
    (site, x, m, d)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_post_carries_its_chart_once_with_alt_text_on_every_platform() {
    let (site, x, m, d) = site_with_fakes().await;

    let run = site.run(ALL, &["post", DAY]).await.ok();
    for platform in ["twitter", "mastodon", "discord"] {
        for kind in KINDS {
            assert!(
                run.outcome(platform, kind).starts_with("sent (id "),
                "{platform} {kind}: {run:#?}"
            );
        }
    }

    // X: three images, each described, each named by exactly one post.
    let media = x.media();
    let tweets = x.posts();
    assert_eq!((media.len(), tweets.len()), (3, 3));
    for (tweet, image) in tweets.iter().zip(&media) {
        assert_eq!(tweet.media_ids, std::slice::from_ref(&image.id));
        assert_chart(&image.bytes);
        assert_alt(image.alt_text.as_deref().unwrap(), 1000);
    }
    assert_eq!(x.count(Route::Upload).await, 3);
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());

    // Mastodon: three uploads with descriptions, each attached to its own status.
    let uploads = m.uploads();
    let statuses = m.created();
    assert_eq!((uploads.len(), statuses.len()), (3, 3));
    for (status, upload) in statuses.iter().zip(&uploads) {
        assert_eq!(status.media_ids(), [upload.id.as_str()]);
        assert_eq!(upload.status.as_deref(), Some(status.id.as_str()));
        assert_chart(&upload.bytes);
        assert_alt(&upload.description, 1500);
    }

    // Discord: one file per message, described.
    let files = d.files();
    let messages = d.messages();
    assert_eq!((files.len(), messages.len()), (3, 3));
    for (file, message) in files.iter().zip(&messages) {
        assert_eq!(file.message_id, message["id"].as_str().unwrap());
        assert_chart(&file.bytes);
        assert_alt(&file.description, 1024);
    }

    // The same day draws the same charts everywhere; the spotlight's names its game.
    assert_eq!(media[2].bytes, uploads[2].bytes);
    assert_eq!(uploads[2].bytes, files[2].bytes);
    let store = site.store().await;
    let rankings = bot::day_rankings(&store, &Settings::default(), DAY.parse().unwrap())
        .await
        .unwrap();
    let game = rankings.spotlight.unwrap().game.name;
    assert!(
        uploads[2]
            .description
            .starts_with(&format!("Bar chart: Game of the day: {game}")),
        "{}",
        uploads[2].description
    );

    // Run again: nothing is uploaded or posted twice.
    site.run(ALL, &["post", DAY]).await.ok();
    assert_eq!(
        (x.media().len(), m.uploads().len(), d.files().len()),
        (3, 3, 3)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upload_sends_the_post_without_its_image_and_says_so() {
    let mut site = Site::new();
    let m = MastodonFake::start()
        .await
        .upload_faults([MastodonFault::PayloadTooLarge]);
    let d = DiscordFake::start().await.max_file_bytes(1000);
    site.mastodon(&m);
    site.discord(&d);

    let run = site
        .run(
            &[("WATCHTIME_PUBLISHER", "mastodon,discord")],
            &["post", DAY],
        )
        .await
        .ok();

    let first = run.outcome("mastodon", "top-games");
    assert!(
        first.starts_with("sent without its image (id ") && first.contains("413"),
        "{first}"
    );
    for kind in &KINDS[1..] {
        assert!(run.outcome("mastodon", kind).starts_with("sent (id "));
    }
    let statuses = m.created();
    assert_eq!(statuses.len(), 3, "every post went out, once");
    assert!(statuses[0].media_ids().is_empty());
    assert_eq!(statuses[1].media_ids().len(), 1);
    // Discord refuses every file over its (here tiny) limit: three posts, all without.
    for kind in KINDS {
        let outcome = run.outcome("discord", kind);
        assert!(
            outcome.contains("without its image") && outcome.contains("40005"),
            "{outcome}"
        );
    }
    assert_eq!(d.texts().len(), 3);
    assert!(d.files().is_empty());
    assert!(
        run.stderr.contains("posted without its image"),
        "{}",
        run.stderr
    );
    let entry = site.post_entry("mastodon", "top-games").await.unwrap();
    assert_eq!(entry.state, OutboxState::Sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_off_posts_text_only() {
    let (site, x, m, d) = site_with_fakes().await;

    site.run(&[ALL[0], ("WATCHTIME_IMAGES", "false")], &["post", DAY])
        .await
        .ok();

    assert_eq!(x.posts().len(), 3);
    assert_eq!(x.count(Route::Upload).await, 0);
    assert_eq!((m.created().len(), m.uploads().len()), (3, 0));
    assert_eq!((d.texts().len(), d.files().len()), (3, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_between_upload_and_post_still_posts_each_once() {
    let mut site = Site::new();
    let hold = Duration::from_secs(60);
    let x = XFake::start().await.slow_once(Route::Upload, hold);
    let m = MastodonFake::start()
        .await
        .upload_faults([MastodonFault::SlowAfterCreate(hold)]);
    site.x(&x);
    site.mastodon(&m);

    // The platform has the first image; the process dies before it posts.
    site.run_killed_after(
        &[("WATCHTIME_PUBLISHER", "twitter")],
        &["post", DAY],
        || x.media().len() == 1,
    )
    .await;
    site.run_killed_after(
        &[("WATCHTIME_PUBLISHER", "mastodon")],
        &["post", DAY],
        || m.uploads().len() == 1,
    )
    .await;
    assert!(x.posts().is_empty() && m.created().is_empty());
    for platform in ["twitter", "mastodon"] {
        let entry = site.post_entry(platform, "top-games").await.unwrap();
        assert_eq!((entry.state, entry.attempts), (OutboxState::Pending, 1));
    }

    // Restarted within the platforms' windows: each post goes out once, with a fresh upload.
    let run = site
        .run(
            &[("WATCHTIME_PUBLISHER", "twitter,mastodon")],
            &["post", DAY],
        )
        .await
        .ok();
    for platform in ["twitter", "mastodon"] {
        for kind in KINDS {
            assert!(
                run.outcome(platform, kind).starts_with("sent (id "),
                "{run:#?}"
            );
        }
    }
    let tweets = x.posts();
    assert_eq!(tweets.len(), 3);
    assert!(tweets.iter().all(|t| t.media_ids.len() == 1));
    assert_eq!(
        x.media().len(),
        4,
        "the orphan of the killed run, then three"
    );
    let statuses = m.created();
    assert_eq!(statuses.len(), 3);
    assert!(statuses.iter().all(|s| s.media_ids().len() == 1));
    // The orphaned upload is never attached.
    assert!(m.uploads()[0].status.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_writes_the_images_it_would_attach() {
    let (site, x, m, d) = site_with_fakes().await;

    let run = site
        .run(ALL, &["post", DAY, "--dry-run", "--image-dir", "shots"])
        .await
        .ok();

    let dir = site.dir.path().join("shots");
    for platform in ["twitter", "mastodon", "discord"] {
        for kind in KINDS {
            let name = format!("{DAY}-{platform}-{kind}.png");
            assert!(
                run.stdout.contains(&format!("image: shots/{name} (")),
                "{}",
                run.stdout
            );
            let path = dir.join(name);
            assert_chart(&std::fs::read(&path).unwrap());
        }
    }
    assert_eq!(run.stdout.matches("alt text (").count(), 9);
    // Nothing was sent or recorded.
    assert_eq!(x.total_requests().await, 0);
    assert!(m.uploads().is_empty() && m.created().is_empty());
    assert_eq!(d.executions().await, 0);
    assert!(site.post_entry("mastodon", "top-games").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_writes_png_and_svg_and_names_the_spotlight_game() {
    let site = Site::new();

    let png = site.run(&[], &["chart", DAY, "-o", "games.png"]).await.ok();
    assert!(
        png.stdout
            .starts_with("games.png\nalt text: Bar chart: Most watched games on Twitch"),
        "{png:#?}"
    );
    assert_chart(&std::fs::read(site.dir.path().join("games.png")).unwrap());

    // The spotlight is the core's draw for the day, named in the title.
    let store = site.store().await;
    let rankings = bot::day_rankings(&store, &Settings::default(), DAY.parse().unwrap())
        .await
        .unwrap();
    let game = rankings.spotlight.unwrap().game.name;
    let spot = site
        .run(
            &[],
            &["chart", DAY, "--subject", "spotlight", "-o", "spot.svg"],
        )
        .await
        .ok();
    assert!(
        spot.stdout
            .contains(&format!("alt text: Bar chart: Game of the day: {game}, ")),
        "{spot:#?}"
    );
    let svg = std::fs::read_to_string(site.dir.path().join("spot.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("Game of the day: "),
        "{svg}"
    );

    let streamers = site
        .run(
            &[],
            &["chart", DAY, "--subject", "streamers", "-o", "s.PNG"],
        )
        .await
        .ok();
    assert!(
        streamers.stdout.contains("Most watched streamers"),
        "{streamers:#?}"
    );

    let bad = site.run(&[], &["chart", DAY, "-o", "chart.gif"]).await;
    assert_eq!(bad.code, Some(1));
    assert!(bad.stderr.contains("name a .png or .svg file"), "{bad:#?}");
    let open = site.run(&[], &["chart", "2026-11-20", "-o", "x.png"]).await;
    assert!(open.stderr.contains("is not closed"), "{open:#?}");
}
