//! Names beyond the conformance suite: every field of a hostile name round-trips, and renames
//! follow the reference store, sighting by sighting.

use watchtime_core::lookup::{NameLookup, NameRecord};
use watchtime_core::ports::{NameStore, SnapshotStore, TotalsStore};
use watchtime_core::testkit::fixtures::{slotted, stream};
use watchtime_core::text::name_key;
use watchtime_core::{MemoryStore, Settings, SlotSnapshot, Store};
use watchtime_postgres::testkit::fresh_store;

const HOSTILE: [&str; 8] = [
    "Robert'); DROP TABLE streamers;--",
    "$1 $2 ::text[] {\"a\",\"b\"} NULL",
    "\"quoted\" and 'single' \\ backslash",
    "🎮🔥 emoji 👨‍👩‍👧",
    "مرحبا بالعالم",
    "עברית\u{200F}",
    "zero\u{200B}width and\u{00A0}nbsp",
    "tab\tnew\nline\u{7}bell", // control characters are removed at ingest
];

fn sorted(mut names: Vec<NameRecord>) -> Vec<NameRecord> {
    for n in &mut names {
        n.keys.sort();
    }
    names.sort_by(|a, b| a.id.cmp(&b.id));
    names
}

async fn record_both(stores: (&dyn Store, &MemoryStore), snapshot: &SlotSnapshot) {
    stores.0.record_snapshot(snapshot).await.expect("record");
    stores.1.record_snapshot(snapshot).await.expect("record");
}

#[tokio::test]
async fn hostile_logins_display_names_and_games_round_trip() {
    let store = fresh_store().await;
    let streams: Vec<_> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut s = stream(
                &format!("{}", i + 1),
                name,
                Some((&*format!("{}", 9000 + i), *name)),
                100,
            );
            s.streamer.login = format!("{name} login");
            s
        })
        .collect();
    let snapshot = slotted("2026-11-26T18:00:00Z", streams);
    store.record_snapshot(&snapshot).await.expect("record");

    let window = Settings::default()
        .calendar
        .window("2026-11-26".parse().expect("day"));
    let mut preview = store.preview_day(&window).await.expect("preview");
    preview.sort_by(|a, b| a.streamer.id.cmp(&b.streamer.id));
    let want: Vec<_> = snapshot.streams().iter().collect();
    assert_eq!(preview.len(), want.len());
    for (got, want) in preview.iter().zip(&want) {
        assert_eq!(got.streamer, want.streamer);
        assert_eq!(got.game, want.game);
    }
    assert!(
        preview
            .iter()
            .any(|p| p.streamer.display_name == "tabnewlinebell"),
        "control characters are gone"
    );

    for s in snapshot.streams() {
        for name in [&s.streamer.login, &s.streamer.display_name] {
            let found = store
                .find_names(&NameLookup::Exact(name_key(name)))
                .await
                .expect("find");
            assert!(
                found
                    .iter()
                    .any(|r| r.id.streamer() == Some(&s.streamer.id)),
                "{name:?}: {found:?}"
            );
        }
    }
}

#[tokio::test]
async fn renames_follow_the_reference_store() {
    let store = fresh_store().await;
    let reference = MemoryStore::new();
    let both = (&store as &dyn Store, &reference);
    let game = |name: &'static str| Some(("743", name));
    // In time order, then an older snapshot recorded late, then a slot recorded again.
    record_both(
        both,
        &slotted(
            "2026-11-26T18:00:00Z",
            vec![stream("1", "First", game("Chess"), 100)],
        ),
    )
    .await;
    record_both(
        both,
        &slotted(
            "2026-11-26T19:00:00Z",
            // One game under two names within a snapshot: the last sighting wins.
            vec![
                stream("1", "First", game("Chess II"), 100),
                stream("2", "Other", game("Chess III"), 100),
            ],
        ),
    )
    .await;
    record_both(
        both,
        &slotted(
            "2026-11-26T17:00:00Z",
            vec![stream("1", "Ancient", game("Old Chess"), 100)],
        ),
    )
    .await;
    record_both(
        both,
        &slotted(
            "2026-11-26T19:10:00Z",
            vec![stream("2", "Renamed", game("Chess IV"), 100)],
        ),
    )
    .await;
    for lookup in [
        NameLookup::KeyLength { min: 0, max: 40 },
        NameLookup::Exact(name_key("first")),
        NameLookup::Exact(name_key("ancient")),
        NameLookup::Exact(name_key("Chess IV")),
        NameLookup::Exact(String::new()),
    ] {
        assert_eq!(
            sorted(store.find_names(&lookup).await.expect("find")),
            sorted(reference.find_names(&lookup).await.expect("find")),
            "{lookup:?}"
        );
    }
    let found = store
        .find_names(&NameLookup::Exact(name_key("First")))
        .await
        .expect("find");
    assert_eq!(
        found[0].last_seen,
        slotted("2026-11-26T19:00:00Z", vec![]).slot(),
        "seeing an unchanged name moves last_seen"
    );
}

#[tokio::test]
async fn empty_names_match_like_the_reference() {
    let store = fresh_store().await;
    let reference = MemoryStore::new();
    let mut nameless = stream("9", "", Some(("5", "")), 100);
    nameless.streamer.login = String::new();
    let snapshot = slotted("2026-11-26T18:00:00Z", vec![nameless]);
    record_both((&store, &reference), &snapshot).await;
    for lookup in [
        NameLookup::Exact(String::new()),
        NameLookup::KeyLength { min: 0, max: 0 },
    ] {
        assert_eq!(
            sorted(store.find_names(&lookup).await.expect("find")),
            sorted(reference.find_names(&lookup).await.expect("find")),
            "{lookup:?}"
        );
    }
}
