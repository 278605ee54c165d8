//! Property tests: a store fed random snapshots behaves exactly like the reference.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use crate::ids::{Game, GameId, Streamer, StreamerId};
use crate::lookup::{NameLookup, NameRecord};
use crate::memory::MemoryStore;
use crate::ports::{NameStore, SnapshotStore, Store, TotalsStore};
use crate::ranking::{RankingEntry, RankingQuery, Subject, ranking_order};
use crate::settings::Settings;
use crate::snapshot::{Completeness, SlotSnapshot, Snapshot, StreamSample};
use crate::text::name_key;
use crate::time::{Day, DayRange, Slot};
use crate::totals::{DailyTotal, NamedTotal};

/// Random days of snapshots, recorded in a random order, some slots more than once.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The first day covered.
    pub first_day: Day,
    /// How many days (1 or 2).
    pub days: u32,
    /// The snapshots, in recording order.
    pub recordings: Vec<Snapshot>,
}

impl Scenario {
    /// The days covered.
    pub fn range(&self) -> DayRange {
        let mut to = self.first_day;
        for _ in 1..self.days {
            to = to.next();
        }
        DayRange {
            from: self.first_day,
            to,
        }
    }
}

const STREAMERS: usize = 12;
const GAMES: [(&str, &str); 7] = [
    ("743", "Chess"),
    ("1001", "Go"),
    ("9", "Pokémon"),
    ("513181", "原神"),
    ("509658", "Just Chatting"),
    ("1002", "Go"), // a second game with the same name
    ("77", "Ωmega"),
];

fn streamer(i: usize, variant: usize) -> Streamer {
    let display = match (i, variant % 3) {
        (0 | 1, _) => "Twin".to_owned(), // two streamers with one display name: ties by id
        (_, 0) => format!("Streamer{i}"),
        (_, 1) => format!("ストリーマー{i}"),
        _ => format!("streamer_{i}"),
    };
    Streamer {
        id: StreamerId::new(format!("{}", 1000 + i)),
        login: format!("login{i}"),
        display_name: display,
    }
}

fn sample(s: usize, variant: usize, game: usize, viewers: u32) -> StreamSample {
    StreamSample {
        streamer: streamer(s, variant),
        game: GAMES.get(game).map(|(id, name)| Game {
            id: GameId::new(*id),
            name: (*name).to_owned(),
        }),
        viewers,
    }
}

/// The strategy behind the property tests: one or two days around a DST change or an ordinary
/// day, up to 40 recordings, viewer counts drawn from a small set so ties are common.
pub fn scenario() -> impl Strategy<Value = Scenario> {
    let days = prop_oneof![
        Just("2026-03-07"),
        Just("2026-10-31"),
        Just("2026-10-30"),
        Just("2026-06-15")
    ];
    let viewers = prop_oneof![
        Just(40u32),
        Just(51u32),
        Just(100u32),
        Just(1_000u32),
        51u32..250_000
    ];
    let stream = (0..STREAMERS, 0usize..3, 0..GAMES.len() + 1, viewers);
    let recording = (
        0u32..104,
        0i64..1800,
        prop::collection::vec(stream, 0..10),
        any::<bool>(),
    );
    (days, 1u32..=2, prop::collection::vec(recording, 1..40)).prop_map(|(first, days, recs)| {
        let settings = Settings::default();
        let first_day: Day = first
            .parse()
            .unwrap_or_else(|_| Day::from_days_since_epoch(20_000));
        // Start one slot before the first day so its boundary is exercised.
        let origin = settings.calendar.start_of(first_day) - Duration::minutes(30);
        let recordings = recs
            .into_iter()
            .map(|(slot, offset, streams, incomplete)| Snapshot {
                taken_at: origin
                    + Duration::minutes(30 * i64::from(slot))
                    + Duration::seconds(offset),
                completeness: if incomplete {
                    Completeness::Incomplete {
                        reason: "lost page 2".into(),
                    }
                } else {
                    Completeness::Complete
                },
                streams: streams
                    .into_iter()
                    .map(|(s, variant, game, viewers)| sample(s, variant, game, viewers))
                    .collect(),
            })
            .collect();
        Scenario {
            first_day,
            days,
            recordings,
        }
    })
}

/// Runs `check` on `cases` scenarios from a fixed seed (the same scenarios on every run).
pub fn run_property(cases: u32, check: impl Fn(Scenario) -> Result<(), TestCaseError>) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    if let Err(e) = runner.run(&scenario(), check) {
        panic!("store property failed: {e}");
    }
}

type Key = (String, String);
type Sums = (u64, u64, u32);

/// Sums the final snapshot of every slot of `day` by hand: the naive recount.
fn naive_recount(
    latest: &BTreeMap<Slot, SlotSnapshot>,
    settings: &Settings,
    day: Day,
) -> BTreeMap<Key, Sums> {
    let window = settings.calendar.window(day);
    let mut sums: HashMap<Key, Sums> = HashMap::new();
    for snap in latest.values() {
        if snap.slot().start() < window.start || snap.slot().start() >= window.end {
            continue;
        }
        let minutes = u64::from(snap.length().minutes());
        for s in snap.streams() {
            let key = (
                s.streamer.id.to_string(),
                s.game
                    .as_ref()
                    .map(|g| g.id.to_string())
                    .unwrap_or_default(),
            );
            let e = sums.entry(key).or_insert((0, 0, 0));
            e.0 += u64::from(s.viewers) * minutes;
            e.1 += minutes;
            e.2 = e.2.max(s.viewers);
        }
    }
    sums.into_iter().collect()
}

fn as_sums(totals: &[DailyTotal]) -> BTreeMap<Key, Sums> {
    totals
        .iter()
        .map(|t| {
            (
                (
                    t.streamer.to_string(),
                    t.game.as_ref().map(|g| g.to_string()).unwrap_or_default(),
                ),
                (
                    t.totals.viewer_minutes,
                    t.totals.airtime_minutes,
                    t.totals.peak_viewers,
                ),
            )
        })
        .collect()
}

fn sorted_names(mut names: Vec<NameRecord>) -> Vec<NameRecord> {
    for n in &mut names {
        n.keys.sort();
    }
    names.sort_by(|a, b| a.id.cmp(&b.id));
    names
}

fn sorted_preview(mut rows: Vec<NamedTotal>) -> Vec<NamedTotal> {
    rows.sort_by(|a, b| {
        (&a.streamer.id, a.game.as_ref().map(|g| &g.id))
            .cmp(&(&b.streamer.id, b.game.as_ref().map(|g| &g.id)))
    });
    rows
}

fn check_sorted(entries: &[RankingEntry]) -> Result<(), TestCaseError> {
    for pair in entries.windows(2) {
        prop_assert!(
            ranking_order(&pair[0], &pair[1]) == std::cmp::Ordering::Less,
            "ranking out of order: {:?}",
            pair
        );
    }
    for (i, e) in entries.iter().enumerate() {
        prop_assert_eq!(e.rank as usize, i + 1);
    }
    Ok(())
}

/// Feeds `scenario` to `store` and to a [`MemoryStore`], then checks that every read agrees with
/// the reference, that daily totals equal a naive recount, that rankings are sorted, and that
/// recording a slot again changes nothing.
pub async fn check_against_reference<S: Store + ?Sized>(
    store: &S,
    scenario: &Scenario,
) -> Result<(), TestCaseError> {
    let settings = Settings::default();
    let reference = MemoryStore::new();
    let mut latest: BTreeMap<Slot, SlotSnapshot> = BTreeMap::new();
    let err = |e: crate::Error| TestCaseError::fail(e.to_string());
    for snap in &scenario.recordings {
        let slotted = snap
            .clone()
            .into_slot(settings.slot_length, settings.min_viewers);
        store.record_snapshot(&slotted).await.map_err(err)?;
        reference.record_snapshot(&slotted).await.map_err(err)?;
        latest.insert(slotted.slot(), slotted);
    }
    let range = scenario.range();
    let closed_at = settings.calendar.window(range.to).end + Duration::minutes(5);
    for day in range.days() {
        let window = settings.calendar.window(day);
        let expected = window.slots_expected(settings.slot_length);
        let got = store
            .close_day(&window, expected, closed_at)
            .await
            .map_err(err)?;
        let want = reference
            .close_day(&window, expected, closed_at)
            .await
            .map_err(err)?;
        prop_assert_eq!(got, want);

        let totals = store.day_totals(day).await.map_err(err)?;
        prop_assert_eq!(&totals, &reference.day_totals(day).await.map_err(err)?);
        prop_assert_eq!(
            as_sums(&totals),
            naive_recount(&latest, &settings, day),
            "day {} against a naive recount",
            day
        );

        let preview = sorted_preview(store.preview_day(&window).await.map_err(err)?);
        prop_assert_eq!(
            preview,
            sorted_preview(reference.preview_day(&window).await.map_err(err)?)
        );

        let snaps = store
            .snapshots(window.start, window.end)
            .await
            .map_err(err)?;
        prop_assert_eq!(
            snaps,
            reference
                .snapshots(window.start, window.end)
                .await
                .map_err(err)?
        );
    }
    prop_assert_eq!(
        store.day_statuses(range).await.map_err(err)?,
        reference.day_statuses(range).await.map_err(err)?
    );
    prop_assert_eq!(
        store.last_closed_day().await.map_err(err)?,
        reference.last_closed_day().await.map_err(err)?
    );

    let mut subjects = vec![Subject::TopGames, Subject::TopStreamers];
    subjects.extend(
        GAMES
            .iter()
            .map(|(id, _)| Subject::StreamersOf(GameId::new(*id))),
    );
    subjects.extend((0..STREAMERS).map(|i| Subject::GamesOf(streamer(i, 0).id)));
    let mut ranges = vec![range];
    ranges.extend(range.days().map(DayRange::single));
    for subject in &subjects {
        for r in &ranges {
            for top in [3, usize::MAX] {
                let q = RankingQuery {
                    subject: subject.clone(),
                    range: *r,
                    top,
                };
                let got = store.rank(&q).await.map_err(err)?;
                check_sorted(&got)?;
                prop_assert_eq!(&got, &reference.rank(&q).await.map_err(err)?, "{:?}", q);
                prop_assert_eq!(
                    &got,
                    &store.rank(&q).await.map_err(err)?,
                    "rankings are deterministic"
                );
            }
        }
    }

    let mut lookups: Vec<NameLookup> = GAMES
        .iter()
        .map(|(_, n)| NameLookup::Exact(name_key(n)))
        .collect();
    for i in 0..STREAMERS {
        for v in 0..3 {
            lookups.push(NameLookup::Exact(name_key(&streamer(i, v).display_name)));
        }
        lookups.push(NameLookup::Exact(name_key(&streamer(i, 0).login)));
    }
    lookups.extend([
        NameLookup::KeyLength { min: 1, max: 4 },
        NameLookup::KeyLength { min: 5, max: 12 },
    ]);
    for l in &lookups {
        let got = sorted_names(store.find_names(l).await.map_err(err)?);
        prop_assert_eq!(
            got,
            sorted_names(reference.find_names(l).await.map_err(err)?),
            "{:?}",
            l
        );
    }

    // Collecting the same slot again changes nothing.
    if let Some(last) = scenario.recordings.last() {
        let slotted = last
            .clone()
            .into_slot(settings.slot_length, settings.min_viewers);
        let day = settings.calendar.day_of_slot(slotted.slot());
        if range.contains(day) {
            let before = store.day_totals(day).await.map_err(err)?;
            store.record_snapshot(&slotted).await.map_err(err)?;
            let window = settings.calendar.window(day);
            store
                .close_day(
                    &window,
                    window.slots_expected(settings.slot_length),
                    closed_at,
                )
                .await
                .map_err(err)?;
            prop_assert_eq!(
                before,
                store.day_totals(day).await.map_err(err)?,
                "recording a slot twice counted twice"
            );
        }
    }
    Ok(())
}
