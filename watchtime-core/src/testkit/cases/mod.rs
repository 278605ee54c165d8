//! The conformance cases: plain async functions, each taking a fresh store.
//!
//! Each case states one part of the [`Store`] contract with exact expected values. They panic on
//! failure, like assertions in a test.

use chrono::Duration;

use super::fixtures::{at, slotted, stream};
use crate::ids::{EntityId, GameId, Kind, StreamerId};
use crate::lookup::NameLookup;
use crate::ports::Store;
use crate::ranking::{RankingQuery, Subject, rank};
use crate::settings::Settings;
use crate::snapshot::{Completeness, Snapshot};
use crate::text::name_key;
use crate::time::{Day, DayRange, Slot};
use crate::totals::{NamedTotal, rollup};

mod outbox;
mod recaps;
mod slots;

pub use outbox::*;
pub use recaps::*;
pub use slots::*;

fn day(s: &str) -> Day {
    match s.parse() {
        Ok(d) => d,
        Err(e) => panic!("bad day {s:?}: {e}"),
    }
}

const CHESS: Option<(&str, &str)> = Some(("743", "Chess"));
const GO: Option<(&str, &str)> = Some(("1001", "Go"));

/// Closes `d` under the default settings, as the close job would.
async fn close<S: Store + ?Sized>(store: &S, d: Day) -> crate::totals::DayStatus {
    let settings = Settings::default();
    let window = settings.calendar.window(d);
    let expected = window.slots_expected(settings.slot_length);
    store
        .close_day(&window, expected, window.end + Duration::minutes(5))
        .await
        .expect("close_day")
}

/// Recording a slot twice replaces it: samples, names and the snapshot record.
pub async fn records_and_replaces_a_slot<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    store
        .record_snapshot(&slotted(
            "2026-11-26T16:00:10Z",
            vec![
                stream("1", "Alpha", CHESS, 100),
                stream("2", "Beta", GO, 70),
            ],
        ))
        .await
        .expect("record");
    // The same slot again, later in it: it replaces the first, so Beta is gone.
    store
        .record_snapshot(&slotted(
            "2026-11-26T16:20:00Z",
            vec![stream("1", "Alpha", CHESS, 300)],
        ))
        .await
        .expect("record again");
    let infos = store
        .snapshots(at("2026-11-26T16:00:00Z"), at("2026-11-26T17:00:00Z"))
        .await
        .expect("snapshots");
    assert_eq!(infos.len(), 1, "one snapshot per slot: {infos:?}");
    assert_eq!(infos[0].streams, 1);
    assert_eq!(infos[0].taken_at, at("2026-11-26T16:20:00Z"));
    close(store, d).await;
    let totals = store.day_totals(d).await.expect("totals");
    assert_eq!(totals.len(), 1, "{totals:?}");
    assert_eq!(totals[0].totals.viewer_minutes, 9_000);
    assert_eq!(totals[0].totals.airtime_minutes, 30);
    assert_eq!(totals[0].totals.peak_viewers, 300);
}

/// Closing sums `viewers × slot minutes`, airtime and peaks per (streamer, game), and records
/// coverage, incomplete snapshots included.
pub async fn close_day_sums_credit_and_coverage<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    let snaps = [
        slotted(
            "2026-11-26T16:00:00Z",
            vec![
                stream("1", "Alpha", CHESS, 100),
                stream("2", "Beta", None, 60),
            ],
        ),
        slotted(
            "2026-11-26T16:30:00Z",
            vec![
                stream("1", "Alpha", CHESS, 250),
                stream("2", "Beta", None, 61),
            ],
        ),
        {
            let mut s = Snapshot {
                taken_at: at("2026-11-27T15:45:00Z"),
                completeness: Completeness::Incomplete {
                    reason: "page 3: invalid cursor".into(),
                },
                streams: vec![stream("1", "Alpha", GO, 80)],
            };
            s.streams.push(stream("3", "Gamma", GO, 40)); // under the threshold
            let settings = Settings::default();
            s.into_slot(settings.slot_length, settings.min_viewers)
        },
    ];
    for s in &snaps {
        store.record_snapshot(s).await.expect("record");
    }
    let status = close(store, d).await;
    assert_eq!(
        (
            status.day,
            status.slots_expected,
            status.slots_observed,
            status.slots_incomplete
        ),
        (d, 48, 3, 1)
    );
    let totals = store.day_totals(d).await.expect("totals");
    assert_eq!(
        totals,
        rollup(d, &snaps),
        "totals must equal the core rollup"
    );
    let got: Vec<_> = totals
        .iter()
        .map(|t| {
            (
                t.streamer.as_str(),
                t.game.as_ref().map(GameId::as_str),
                t.totals.viewer_minutes,
                t.totals.airtime_minutes,
                t.totals.peak_viewers,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1", Some("1001"), 2_400, 30, 80),
            ("1", Some("743"), 10_500, 60, 250),
            ("2", None, 3_630, 60, 61),
        ]
    );
    let statuses = store
        .day_statuses(DayRange::single(d))
        .await
        .expect("statuses");
    assert_eq!(statuses, vec![status]);
    assert_eq!(store.last_closed_day().await.expect("last"), Some(d));
}

/// Slots belong to the day containing their start: 08:00 Los Angeles is the cut, DST included.
pub async fn days_split_at_8am_los_angeles<S: Store + ?Sized>(store: &S) {
    // 16:00Z is 08:00 PST. The slot starting 15:30Z is the previous day's last.
    for t in [
        "2026-11-26T15:59:59Z",
        "2026-11-26T16:00:00Z",
        "2026-11-27T15:59:59Z",
    ] {
        store
            .record_snapshot(&slotted(t, vec![stream("1", "Alpha", CHESS, 100)]))
            .await
            .expect("record");
    }
    let before = close(store, day("2026-11-25")).await;
    let on = close(store, day("2026-11-26")).await;
    assert_eq!((before.slots_observed, on.slots_observed), (1, 2));
    // The spring-forward and fall-back days have 46 and 50 slots.
    assert_eq!(close(store, day("2026-03-07")).await.slots_expected, 46);
    assert_eq!(close(store, day("2026-10-31")).await.slots_expected, 50);
    let t = store.day_totals(day("2026-11-26")).await.expect("totals");
    assert_eq!(t[0].totals.viewer_minutes, 6_000);
}

/// Closing a day again replaces its totals (and picks up snapshots recorded since).
pub async fn closing_again_replaces_totals<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    store
        .record_snapshot(&slotted(
            "2026-11-26T18:00:00Z",
            vec![stream("1", "Alpha", CHESS, 100)],
        ))
        .await
        .expect("record");
    close(store, d).await;
    let first = store.day_totals(d).await.expect("totals");
    close(store, d).await;
    assert_eq!(
        store.day_totals(d).await.expect("totals"),
        first,
        "re-closing is idempotent"
    );
    store
        .record_snapshot(&slotted(
            "2026-11-26T18:30:00Z",
            vec![stream("2", "Beta", GO, 500)],
        ))
        .await
        .expect("record");
    let status = close(store, d).await;
    assert_eq!(status.slots_observed, 2);
    let totals = store.day_totals(d).await.expect("totals");
    assert_eq!(totals.len(), 2);
    assert_eq!(
        store
            .day_statuses(DayRange::single(d))
            .await
            .expect("statuses")
            .len(),
        1
    );
}

/// Names are the latest seen by slot: an older snapshot recorded later does not regress them.
pub async fn names_are_the_latest_seen<S: Store + ?Sized>(store: &S) {
    store
        .record_snapshot(&slotted(
            "2026-11-26T18:00:00Z",
            vec![stream("1", "NewName", Some(("743", "Chess 2")), 100)],
        ))
        .await
        .expect("record");
    store
        .record_snapshot(&slotted(
            "2026-11-26T17:00:00Z",
            vec![stream("1", "OldName", Some(("743", "Chess")), 100)],
        ))
        .await
        .expect("record");
    close(store, day("2026-11-26")).await;
    let streamers = store
        .rank(&RankingQuery {
            subject: Subject::TopStreamers,
            range: DayRange::single(day("2026-11-26")),
            top: 5,
        })
        .await
        .expect("rank");
    assert_eq!(streamers[0].name, "NewName");
    let games = store
        .rank(&RankingQuery {
            subject: Subject::TopGames,
            range: DayRange::single(day("2026-11-26")),
            top: 5,
        })
        .await
        .expect("rank");
    assert_eq!(games[0].name, "Chess 2");
    let old = store
        .find_names(&NameLookup::Exact(name_key("OldName")))
        .await
        .expect("find");
    assert!(old.is_empty(), "old names are not kept as keys: {old:?}");
    let new = store
        .find_names(&NameLookup::Exact(name_key("newname")))
        .await
        .expect("find");
    assert_eq!(new.len(), 1);
}

fn entry_names(entries: &[crate::ranking::RankingEntry]) -> Vec<(String, u64)> {
    entries
        .iter()
        .map(|e| (e.name.clone(), e.totals.viewer_minutes))
        .collect()
}

/// Rankings: the four subjects, ranges over several days, ties by name then id, no category
/// excluded from games, days not closed excluded.
pub async fn rankings_follow_the_core_rule<S: Store + ?Sized>(store: &S) {
    let (d1, d2, d3) = (day("2026-11-24"), day("2026-11-25"), day("2026-11-26"));
    let data = [
        (
            "2026-11-24T20:00:00Z",
            vec![
                stream("1", "Zed", CHESS, 100),
                stream("2", "Amy", CHESS, 100),
                stream("3", "Émile", GO, 100),
            ],
        ),
        (
            "2026-11-25T20:00:00Z",
            vec![
                stream("4", "Amy", GO, 100),
                stream("5", "NoCat", None, 9_000),
            ],
        ),
        ("2026-11-26T20:00:00Z", vec![stream("1", "Zed", GO, 1_000)]),
    ];
    for (t, streams) in data {
        store
            .record_snapshot(&slotted(t, streams))
            .await
            .expect("record");
    }
    close(store, d1).await;
    close(store, d2).await;
    // d3 is not closed: its snapshot must not count.
    let range = DayRange::new(d1, d3).expect("range");
    let q = |subject, top| RankingQuery {
        subject,
        range,
        top,
    };

    let streamers = store
        .rank(&q(Subject::TopStreamers, 10))
        .await
        .expect("rank");
    let ids: Vec<&str> = streamers.iter().map(|e| e.id.as_str()).collect();
    // NoCat leads; then the 3,000-minute tie: Amy(2), Amy(4), Zed(1), Émile(3) by name, then id.
    assert_eq!(ids, ["5", "2", "4", "1", "3"]);
    assert_eq!(
        streamers.iter().map(|e| e.rank).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(
        store
            .rank(&q(Subject::TopStreamers, 2))
            .await
            .expect("rank")
            .len(),
        2
    );

    let games = store.rank(&q(Subject::TopGames, 10)).await.expect("rank");
    assert_eq!(
        entry_names(&games),
        [("Chess".into(), 6_000), ("Go".into(), 6_000)]
    );
    assert!(games.iter().all(|g| g.id.kind() == Kind::Game));

    let of_go = store
        .rank(&q(Subject::StreamersOf(GameId::new("1001")), 10))
        .await
        .expect("rank");
    assert_eq!(
        entry_names(&of_go),
        [("Amy".into(), 3_000), ("Émile".into(), 3_000)]
    );
    let of_zed = store
        .rank(&q(Subject::GamesOf(StreamerId::new("1")), 10))
        .await
        .expect("rank");
    assert_eq!(entry_names(&of_zed), [("Chess".into(), 3_000)]);
    let of_nocat = store
        .rank(&q(Subject::GamesOf(StreamerId::new("5")), 10))
        .await
        .expect("rank");
    assert!(of_nocat.is_empty());

    // Exactly the core ranking of the stored totals.
    let mut rows: Vec<NamedTotal> = Vec::new();
    for d in [d1, d2] {
        let names = store
            .preview_day(&Settings::default().calendar.window(d))
            .await
            .expect("preview");
        rows.extend(names);
    }
    for subject in [
        Subject::TopStreamers,
        Subject::TopGames,
        Subject::StreamersOf(GameId::new("743")),
    ] {
        let want = rank(&rows, &subject, 3);
        assert_eq!(
            store.rank(&q(subject.clone(), 3)).await.expect("rank"),
            want,
            "{subject:?}"
        );
    }
    let top = store
        .rank(&q(Subject::TopStreamers, 0))
        .await
        .expect("rank");
    assert!(top.is_empty());
    let _ = d3;
}

/// Names are found by key: a game's name, a streamer's login or display name, any script.
pub async fn names_are_found_by_key<S: Store + ?Sized>(store: &S) {
    let mut kato = stream("8", "加藤純一", Some(("9", "Pokémon Scarlet")), 900);
    kato.streamer.login = "kato_junichi0817".into();
    store
        .record_snapshot(&slotted(
            "2026-11-26T18:00:00Z",
            vec![
                stream("1", "xQc", Some(("509658", "Just Chatting")), 1000),
                kato,
                stream("5", "Minecraft", None, 70),
            ],
        ))
        .await
        .expect("record");
    let find = |q: &str| {
        let key = name_key(q);
        async move {
            let mut r = store
                .find_names(&NameLookup::Exact(key))
                .await
                .expect("find");
            r.sort_by(|a, b| a.id.cmp(&b.id));
            r.into_iter()
                .map(|r| (r.id.kind(), r.id.to_string(), r.name))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        find("XQC").await,
        [(Kind::Streamer, "1".into(), "xQc".into())]
    );
    assert_eq!(
        find("just chatting").await,
        [(Kind::Game, "509658".into(), "Just Chatting".into())]
    );
    assert_eq!(
        find("pokemon scarlet").await,
        [(Kind::Game, "9".into(), "Pokémon Scarlet".into())]
    );
    assert_eq!(
        find("加藤純一").await,
        [(Kind::Streamer, "8".into(), "加藤純一".into())]
    );
    assert_eq!(
        find("Kato_Junichi0817").await,
        [(Kind::Streamer, "8".into(), "加藤純一".into())]
    );
    assert!(find("nobody").await.is_empty());

    let found = store
        .find_names(&NameLookup::Exact(name_key("加藤純一")))
        .await
        .expect("find");
    let mut keys = found[0].keys.clone();
    keys.sort();
    assert_eq!(
        keys,
        ["kato_junichi0817".replace('_', ""), "加藤純一".to_string()]
    );
    assert_eq!(
        found[0].last_seen,
        Slot::from_unix(at("2026-11-26T18:00:00Z").timestamp())
    );

    // Key lengths: "xqc" (3), "minecraft" (9), "justchatting" (12), "pokemonscarlet" (14).
    let by_len = |min, max| async move {
        let mut ids: Vec<String> = store
            .find_names(&NameLookup::KeyLength { min, max })
            .await
            .expect("find")
            .into_iter()
            .map(|r| r.id.to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(by_len(9, 12).await, ["5", "509658"]);
    assert_eq!(by_len(3, 3).await, ["1"]);
    assert_eq!(by_len(4, 4).await, ["8"]); // 加藤純一 is four characters
    assert!(by_len(20, 30).await.is_empty());
}

/// A preview computes a day's totals with current names and stores nothing.
pub async fn preview_does_not_store<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    let snaps = [
        slotted(
            "2026-11-26T18:00:00Z",
            vec![stream("1", "Alpha", CHESS, 100)],
        ),
        slotted(
            "2026-11-26T18:30:00Z",
            vec![
                stream("1", "Alpha", CHESS, 200),
                stream("2", "Beta", None, 90),
            ],
        ),
    ];
    for s in &snaps {
        store.record_snapshot(s).await.expect("record");
    }
    let mut preview = store
        .preview_day(&Settings::default().calendar.window(d))
        .await
        .expect("preview");
    preview.sort_by(|a, b| {
        (&a.streamer.id, a.game.as_ref().map(|g| &g.id))
            .cmp(&(&b.streamer.id, b.game.as_ref().map(|g| &g.id)))
    });
    let want = rollup(d, &snaps);
    assert_eq!(preview.len(), want.len());
    for (p, w) in preview.iter().zip(&want) {
        assert_eq!(
            (&p.streamer.id, p.game.as_ref().map(|g| &g.id), p.totals),
            (&w.streamer, w.game.as_ref(), w.totals)
        );
    }
    assert_eq!(preview[0].streamer.display_name, "Alpha");
    assert_eq!(
        preview[0].game.as_ref().map(|g| g.name.as_str()),
        Some("Chess")
    );
    assert!(store.day_totals(d).await.expect("totals").is_empty());
    assert_eq!(store.last_closed_day().await.expect("last"), None);
}

/// Pruning drops raw samples only; totals stay, and a pruned day refuses to be re-closed.
pub async fn pruning_keeps_totals<S: Store + ?Sized>(store: &S) {
    let (old, new) = (day("2026-10-01"), day("2026-11-26"));
    store
        .record_snapshot(&slotted(
            "2026-10-01T18:00:00Z",
            vec![
                stream("1", "Alpha", CHESS, 100),
                stream("2", "Beta", GO, 100),
            ],
        ))
        .await
        .expect("record");
    store
        .record_snapshot(&slotted(
            "2026-11-26T18:00:00Z",
            vec![stream("1", "Alpha", CHESS, 100)],
        ))
        .await
        .expect("record");
    close(store, old).await;
    let kept = store.day_totals(old).await.expect("totals");
    let cut = Slot::from_unix(at("2026-11-01T00:00:00Z").timestamp());
    assert_eq!(store.prune_samples(cut).await.expect("prune"), 2);
    assert_eq!(store.prune_samples(cut).await.expect("prune"), 0);
    assert_eq!(store.day_totals(old).await.expect("totals"), kept);
    let infos = store
        .snapshots(at("2026-10-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))
        .await
        .expect("snapshots");
    assert_eq!(
        infos.iter().map(|i| i.streams).collect::<Vec<_>>(),
        [2, 1],
        "snapshot records stay"
    );
    let settings = Settings::default();
    let window = settings.calendar.window(old);
    let again = store
        .close_day(&window, 48, at("2026-11-27T00:00:00Z"))
        .await;
    match again {
        Err(crate::Error::NotReady { message }) => assert_eq!(
            message,
            "the raw samples of day 2026-10-01 were pruned; its stored totals are kept as they are"
        ),
        other => panic!("re-closing a pruned day must not wipe its totals: {other:?}"),
    }
    assert_eq!(store.day_totals(old).await.expect("totals"), kept);
    close(store, new).await;
    assert_eq!(store.day_totals(new).await.expect("totals").len(), 1);
}

/// Hostile and unusual names round-trip exactly (control characters are removed at ingest).
pub async fn hostile_names_round_trip<S: Store + ?Sized>(store: &S) {
    let names = [
        "Robert'); DROP TABLE samples;--",
        "\"quoted\" and 'single' \\ backslash",
        "🎮🔥 emoji 👨‍👩‍👧",
        "مرحبا بالعالم",
        "עברית\u{200F}",
        "%_ like wildcards _%",
        &"長".repeat(300),
    ];
    let streams: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            stream(
                &format!("{}", i + 1),
                n,
                Some((&*format!("{}", 9000 + i), *n)),
                100 + i as u32,
            )
        })
        .collect();
    let mut with_nul = stream("99", "nul\u{0}byte", Some(("9099", "tab\tgame")), 60);
    with_nul.streamer.login = "nul\u{0}login".into();
    let mut all = streams;
    all.push(with_nul);
    store
        .record_snapshot(&slotted("2026-11-26T18:00:00Z", all))
        .await
        .expect("record");
    close(store, day("2026-11-26")).await;
    let range = DayRange::single(day("2026-11-26"));
    let streamers = store
        .rank(&RankingQuery {
            subject: Subject::TopStreamers,
            range,
            top: 100,
        })
        .await
        .expect("rank");
    let mut got: Vec<String> = streamers.iter().map(|e| e.name.clone()).collect();
    got.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.push("nulbyte".into());
    want.sort();
    assert_eq!(got, want);
    let games = store
        .rank(&RankingQuery {
            subject: Subject::TopGames,
            range,
            top: 100,
        })
        .await
        .expect("rank");
    assert!(games.iter().any(|g| g.name == "tabgame"));
    for n in names {
        let found = store
            .find_names(&NameLookup::Exact(name_key(n)))
            .await
            .expect("find");
        assert!(
            found
                .iter()
                .any(|r| r.name == n && r.id.kind() == Kind::Streamer),
            "{n}: {found:?}"
        );
    }
}

/// A peak-sized snapshot (6,000 streams) is recorded whole and closes to 6,000 totals.
pub async fn large_snapshot_in_one_go<S: Store + ?Sized>(store: &S) {
    let streams: Vec<_> = (0..6_000u32)
        .map(|i| {
            stream(
                &format!("{}", 100_000 + i),
                &format!("streamer{i}"),
                Some((&*format!("{}", i % 300), "Game")),
                51 + i,
            )
        })
        .collect();
    let snap = slotted("2026-11-26T18:00:00Z", streams);
    store.record_snapshot(&snap).await.expect("record");
    store.record_snapshot(&snap).await.expect("record again");
    close(store, day("2026-11-26")).await;
    let totals = store.day_totals(day("2026-11-26")).await.expect("totals");
    assert_eq!(totals.len(), 6_000);
    assert_eq!(totals, rollup(day("2026-11-26"), [&snap]));
}

/// A game's or streamer's days: one entry per closed day it has time on, with its sums and its
/// rank among its kind that day (ties by name, then id, as in rankings); open days never count.
pub async fn entity_days_rank_each_day<S: Store + ?Sized>(store: &S) {
    let (d1, d2, d3) = (day("2026-11-24"), day("2026-11-25"), day("2026-11-26"));
    let data = [
        (
            "2026-11-24T20:00:00Z",
            vec![
                stream("1", "Zed", CHESS, 100),
                stream("2", "Amy", GO, 100),
                stream("3", "Bo", GO, 60),
            ],
        ),
        ("2026-11-24T20:30:00Z", vec![stream("1", "Zed", None, 500)]),
        (
            "2026-11-25T20:00:00Z",
            vec![stream("2", "Amy", CHESS, 300), stream("1", "Zed", GO, 200)],
        ),
        (
            "2026-11-26T20:00:00Z",
            vec![stream("1", "Zed", CHESS, 9_000)],
        ),
    ];
    for (t, streams) in data {
        store
            .record_snapshot(&slotted(t, streams))
            .await
            .expect("record");
    }
    close(store, d1).await;
    close(store, d2).await;
    let range = DayRange::new(d1, d3).expect("range");
    let days = |id: EntityId| async move {
        store
            .entity_days(&id, range)
            .await
            .expect("entity_days")
            .into_iter()
            .map(|d| {
                (
                    d.day.to_string(),
                    d.totals.viewer_minutes,
                    d.totals.airtime_minutes,
                    d.totals.peak_viewers,
                    d.rank,
                )
            })
            .collect::<Vec<_>>()
    };
    // Day 1: Go 4,800 beats Chess 3,000; day 2: Chess 9,000 beats Go 6,000.
    assert_eq!(
        days(EntityId::Game(GameId::new("743"))).await,
        [
            ("2026-11-24".to_owned(), 3_000, 30, 100, 2),
            ("2026-11-25".to_owned(), 9_000, 30, 300, 1)
        ]
    );
    // Zed: 3,000 in Chess plus 15,000 uncategorised on day 1 (first); second on day 2.
    assert_eq!(
        days(EntityId::Streamer(StreamerId::new("1"))).await,
        [
            ("2026-11-24".to_owned(), 18_000, 60, 500, 1),
            ("2026-11-25".to_owned(), 6_000, 30, 200, 2)
        ]
    );
    // Bo, 1,800 on day 1, comes after Zed and Amy.
    assert_eq!(
        days(EntityId::Streamer(StreamerId::new("3"))).await,
        [("2026-11-24".to_owned(), 1_800, 30, 60, 3)]
    );
    assert!(days(EntityId::Game(GameId::new("404"))).await.is_empty());

    // Day 3's slot again (it replaces Zed's stream): Zoe and Abe tie at 3,000, so the name
    // decides.
    store
        .record_snapshot(&slotted(
            "2026-11-26T20:00:00Z",
            vec![stream("7", "Zoe", CHESS, 100), stream("8", "Abe", GO, 100)],
        ))
        .await
        .expect("record");
    close(store, d3).await;
    assert_eq!(
        days(EntityId::Streamer(StreamerId::new("7"))).await,
        [("2026-11-26".to_owned(), 3_000, 30, 100, 2)]
    );
    assert_eq!(
        days(EntityId::Streamer(StreamerId::new("8"))).await,
        [("2026-11-26".to_owned(), 3_000, 30, 100, 1)]
    );
}

/// Names are found by id (whatever their keys) and by the start of a key, as pages and the
/// search box find them.
pub async fn names_are_found_by_id_and_prefix<S: Store + ?Sized>(store: &S) {
    store
        .record_snapshot(&slotted(
            "2026-11-26T20:00:00Z",
            vec![
                stream("8", "Abe", GO, 100),
                stream("9", "Pokéfan", None, 100),
                stream(
                    "10",
                    "Zed",
                    Some(("2001", "Pokémon Scarlet and Violet")),
                    100,
                ),
                stream("11", "Ned", Some(("2002", "Pokémon Legends: Z-A")), 100),
            ],
        ))
        .await
        .expect("record");
    let by_id = |id: EntityId| async move {
        store
            .find_names(&NameLookup::Id(id))
            .await
            .expect("find by id")
            .into_iter()
            .map(|r| (r.id.to_string(), r.name))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_id(EntityId::Game(GameId::new("2001"))).await,
        [("2001".to_owned(), "Pokémon Scarlet and Violet".to_owned())]
    );
    assert_eq!(
        by_id(EntityId::Streamer(StreamerId::new("8"))).await,
        [("8".to_owned(), "Abe".to_owned())]
    );
    // A streamer's id is not a game's.
    assert!(by_id(EntityId::Game(GameId::new("8"))).await.is_empty());
    let prefixed = |p: &str| {
        let lookup = NameLookup::Prefix(name_key(p));
        async move {
            let mut found: Vec<String> = store
                .find_names(&lookup)
                .await
                .expect("find by prefix")
                .into_iter()
                .map(|r| r.id.to_string())
                .collect();
            found.sort();
            found
        }
    };
    assert_eq!(prefixed("pokemon scarlet").await, ["2001"]);
    assert_eq!(prefixed("POKÉ").await, ["2001", "2002", "9"]);
    assert_eq!(prefixed("pokemon scarlet and violet").await, ["2001"]);
    assert!(prefixed("pokemon scarlet and violet 2").await.is_empty());
    assert!(prefixed("").await.is_empty());
}
