//! The examples' flows, run as tests so they cannot silently rot.

#![allow(clippy::unwrap_used)]

#[path = "../custom_publisher.rs"]
mod custom_publisher;
#[path = "../custom_query.rs"]
mod custom_query;

use watchtime_core::bot::PostOutcome;
use watchtime_core::message::PostKind;

#[tokio::test]
async fn the_custom_publisher_writes_each_post_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posts.md");
    let [first, again] = custom_publisher::run(&path).await.unwrap();
    let kinds: Vec<PostKind> = first.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, PostKind::ALL);
    let offsets: Vec<&PostOutcome> = first.iter().map(|(_, o)| o).collect();
    assert!(
        offsets
            .iter()
            .all(|o| matches!(o, PostOutcome::Sent(Some(id)) if id.starts_with("byte "))),
        "{first:?}"
    );
    assert_eq!(first[0].1, PostOutcome::Sent(Some("byte 0".into())));
    assert!(
        again.iter().all(|(_, o)| *o == PostOutcome::AlreadySent),
        "{again:?}"
    );
    let file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(file.matches("\n## ").count() + 1, 3, "{file}");
    insta::assert_snapshot!(file, @"
    ## watchtime:markdown:post/2026-11-25/top-games

    Most watched games on Twitch, Wed 25 Nov
    1. Just Chatting: 173K h
    2. League of Legends: 154K h
    3. Minecraft: 149K h

    ## watchtime:markdown:post/2026-11-25/top-streamers

    Most watched streamers on Twitch, Wed 25 Nov
    1. Ada: 133K h
    2. Dorian: 124K h
    3. Brook: 83.4K h
    4. Cyd: 66.0K h
    5. Fumiko: 39.6K h

    ## watchtime:markdown:post/2026-11-25/spotlight

    Game of the day (drawn by watch time): Minecraft, 149K h
    Top streamers, Wed 25 Nov
    1. Brook: 83.4K h
    2. Cyd: 66.0K h
    ");
}

#[tokio::test]
async fn the_custom_query_ranks_a_game_with_shares() {
    let (shares, reply) = custom_query::run().await.unwrap();
    let total: f64 = shares.iter().map(|s| s.percent).sum();
    assert!((total - 100.0).abs() < 1e-9, "{shares:?}");
    insta::assert_snapshot!(format!("{}\n\n{reply}", custom_query::table(&shares)), @"
    1. Brook     48300.0 h  47.6 %
    2. Cyd       30800.0 h  30.3 %
    3. Wren      22400.0 h  22.1 %

    @you Minecraft: top streamers, last 7 days (19–25 Nov)
    Peak 3,900 viewers on one channel
    1. Brook: 48.3K h
    2. Cyd: 30.8K h
    3. Wren: 22.4K h
    Partial data: 28 of 336 snapshots
    ");
}
