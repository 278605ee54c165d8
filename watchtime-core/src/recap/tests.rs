//! Property: a recap's totals are the sums of its days' totals, entry by entry.

use proptest::prelude::*;

use super::*;
use crate::memory::MemoryStore;
use crate::ports::{SnapshotStore, TotalsStore};
use crate::ranking::{RankingEntry, RankingQuery, Subject};
use crate::settings::Settings;
use crate::testkit::fixtures::{slotted, stream};
use crate::time::{Day, DayRange};
use crate::totals::Totals;

const GAMES: [(&str, &str); 3] = [("1", "Chess"), ("2", "Go"), ("3", "Poker")];

/// Per day, per slot of the afternoon, per streamer: viewers (0: offline) and game.
fn days() -> impl Strategy<Value = Vec<Vec<Vec<(u32, usize)>>>> {
    let stream = (prop_oneof![Just(0u32), 51u32..5_000], 0usize..3);
    let slot = proptest::collection::vec(stream, 6);
    let day = proptest::collection::vec(slot, 1..3);
    proptest::collection::vec(day, 14)
}

async fn recap_sums(days: Vec<Vec<Vec<(u32, usize)>>>) -> Result<(), TestCaseError> {
    let store = MemoryStore::new();
    let settings = Settings {
        top: 100,
        ..Settings::default()
    };
    let first: Day = "2026-11-23".parse().unwrap_or_else(|e| panic!("{e}"));
    for (i, slots) in days.iter().enumerate() {
        let d = first.plus_days(i as u32);
        for (s, streams) in slots.iter().enumerate() {
            let streams = streams
                .iter()
                .enumerate()
                .filter(|(_, (v, _))| *v > 0)
                .map(|(n, (v, g))| stream(&format!("{n}"), &format!("S{n}"), Some(GAMES[*g]), *v))
                .collect();
            let taken = format!("{d}T{:02}:00:00Z", 18 + s);
            store.record_snapshot(&slotted(&taken, streams)).await?;
        }
        crate::bot::close_day(&store, &settings, d, settings.close_time(d)).await?;
    }
    let period = RecapKind::Week.period_of(first.plus_days(7));
    let recap = build_recap(&store, &settings, RecapKind::Week, period)
        .await?
        .ok_or_else(|| TestCaseError::reject("no data"))?;
    for (subject, shown) in [
        (Subject::TopGames, &recap.games),
        (Subject::TopStreamers, &recap.streamers),
    ] {
        let mut sums: Vec<(String, Totals)> = Vec::new();
        for d in period.days() {
            let query = RankingQuery {
                subject: subject.clone(),
                range: DayRange::single(d),
                top: usize::MAX,
            };
            for e in store.rank(&query).await? {
                match sums.iter_mut().find(|(id, _)| *id == e.id.to_string()) {
                    Some((_, t)) => *t += e.totals,
                    None => sums.push((e.id.to_string(), e.totals)),
                }
            }
        }
        prop_assert_eq!(shown.len(), sums.len());
        for RankingEntry { id, totals, .. } in shown.iter() {
            let want = sums
                .iter()
                .find(|(i, _)| *i == id.to_string())
                .map(|(_, t)| *t);
            prop_assert_eq!(Some(*totals), want, "{}", id);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn a_recap_sums_its_days(days in days()) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        runtime.block_on(recap_sums(days))?;
    }
}
