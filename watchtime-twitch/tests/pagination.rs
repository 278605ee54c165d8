//! Sweeps over well-behaved and misbehaving pagination: threshold, duplicates, loops, empty
//! pages, the page cap, names and categories.

mod support;

use support::{expected, ids, p, source, stream, t};
use watchtime_core::{Completeness, TwitchSource};
use watchtime_twitch::HelixSource;
use watchtime_twitch::fake::{FakeStream, HelixFake};

#[tokio::test]
async fn multi_page_sweep_stops_at_the_page_that_reaches_the_threshold() {
    let pages = vec![
        vec![stream("1", 9_000), stream("2", 4_000), stream("3", 700)],
        vec![stream("4", 300), stream("5", 120), stream("6", 80)],
        vec![
            stream("7", 60),
            stream("8", 51),
            stream("9", 50),
            stream("10", 50),
        ],
        vec![stream("11", 40), stream("12", 12)],
    ];
    let fake = HelixFake::start().await.pages(pages.clone());
    let sweep = source(&fake).sweep(50).await.unwrap();

    let mut want = expected(&pages[0]);
    want.extend(expected(&pages[1]));
    want.extend(expected(&pages[2][..2]));
    assert_eq!(
        sweep.snapshot.streams, want,
        "streams at exactly 50 are not over 50"
    );
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 4));
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(2, 200), p(3, 200)]);
}

#[tokio::test]
async fn a_streamer_on_two_pages_counts_once_with_first_seen_values() {
    let moved = FakeStream::new(
        "2",
        "bob",
        "Bob (renamed)",
        ("21779", "League of Legends"),
        480,
    );
    let pages = vec![
        vec![stream("1", 900), stream("2", 500)],
        vec![moved, stream("3", 300)],
        vec![stream("4", 200), stream("1", 150)],
    ];
    let fake = HelixFake::start().await.pages(pages.clone());
    let sweep = source(&fake).sweep(50).await.unwrap();

    let want = expected(&[
        pages[0][0].clone(),
        pages[0][1].clone(),
        pages[1][1].clone(),
        pages[2][0].clone(),
    ]);
    assert_eq!(sweep.snapshot.streams, want);
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 4));
    assert_eq!(fake.requests().total(), 4);
}

#[tokio::test]
async fn a_cursor_that_loops_back_to_page_one_ends_the_sweep() {
    let fake = HelixFake::start()
        .await
        .with_streams(250, 100)
        .loop_cursor_to_first();
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(250)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    // Page 1 read again through the looping cursor, recognised by its repeated cursor.
    assert_eq!((sweep.pages, sweep.requests), (4, 5));
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200), p(2, 200), p(3, 200), p(1, 200)]
    );
}

#[tokio::test]
async fn an_empty_last_page_with_a_cursor_ends_the_sweep() {
    let fake = HelixFake::start()
        .await
        .with_streams(200, 100)
        .empty_last_page();
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(200)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 4));
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(2, 200), p(3, 200)]);
}

#[tokio::test]
async fn the_page_cap_stops_the_sweep_and_marks_it_incomplete() {
    let fake = HelixFake::start().await.with_streams(500, 100);
    let source = HelixSource::new(fake.config().page_cap(3)).unwrap();
    let sweep = source.sweep(50).await.unwrap();

    assert_eq!(
        sweep.snapshot.streams,
        expected(&FakeStream::generate(500)[..300])
    );
    assert_eq!(
        sweep.snapshot.completeness,
        Completeness::Incomplete {
            reason: "stopped at the page cap (3 pages) with streams still over 50 viewers".into()
        }
    );
    assert_eq!((sweep.pages, sweep.requests), (3, 4));
    assert_eq!(fake.requests().streams, 3);
}

#[tokio::test]
async fn a_stream_with_an_empty_game_id_has_no_category() {
    let pages = vec![vec![
        stream("1", 700),
        FakeStream::new("2", "nocat", "NoCat", ("", ""), 300),
        stream("3", 10),
    ]];
    let fake = HelixFake::start().await.pages(pages.clone());
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&pages[0][..2]));
    assert_eq!(sweep.snapshot.streams[1].game, None);
    assert!(sweep.snapshot.streams[0].game.is_some());
    assert_eq!((sweep.pages, sweep.requests), (1, 2));
    assert_eq!(fake.requests().total(), 2);
}

#[tokio::test]
async fn names_with_emoji_and_cjk_round_trip() {
    let pages = vec![vec![
        FakeStream::new(
            "71",
            "shirokuma",
            "しろくま🐻‍❄️",
            ("1469308723", "ソフトウェア開発"),
            5_000,
        ),
        FakeStream::new(
            "72",
            "pikachu_kr",
            "피카츄⚡",
            ("32399", "카운터 스트라이크"),
            900,
        ),
        FakeStream::new("73", "hanzi", "小狐狸🦊", ("515025", "原神"), 400),
        FakeStream::new(
            "74",
            "flags",
            "🇧🇷 Brasil 👨‍👩‍👧‍👦",
            ("509658", "Just Chatting 💬"),
            90,
        ),
    ]];
    let fake = HelixFake::start().await.pages(pages.clone());
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&pages[0]));
    assert_eq!(
        sweep.snapshot.streams[0].streamer.display_name,
        "しろくま🐻‍❄️"
    );
    assert_eq!(
        sweep.snapshot.streams[2].game.as_ref().unwrap().name,
        "原神"
    );
    assert_eq!((sweep.pages, sweep.requests), (1, 2));
}

#[tokio::test]
async fn the_token_is_reused_by_the_next_sweep_and_the_port_gives_the_snapshot() {
    let fake = HelixFake::start().await.with_streams(150, 100);
    let source = source(&fake);
    let first = source.sweep(50).await.unwrap();
    let second = source.snapshot(50).await.unwrap();

    assert_eq!(first.requests, 3);
    assert_eq!(ids(&second), ids(&first.snapshot));
    assert_eq!(second.streams, expected(&FakeStream::generate(150)));
    assert!(second.taken_at >= first.snapshot.taken_at);
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200), p(2, 200), p(1, 200), p(2, 200)]
    );
}

#[tokio::test]
async fn taken_at_is_when_the_sweep_started() {
    let fake = HelixFake::start().await.with_streams(10, 100);
    let before = chrono::Utc::now();
    let sweep = source(&fake).sweep(50).await.unwrap();
    let after = chrono::Utc::now();
    assert!(before <= sweep.snapshot.taken_at && sweep.snapshot.taken_at <= after);
    assert!(sweep.duration <= (after - before).to_std().unwrap());
    assert_eq!(sweep.snapshot.streams.len(), 10);
    assert_eq!(sweep.requests, 2);
}
