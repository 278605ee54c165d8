//! Recaps and rank changes on a store: what they read (range rankings, the previous period's,
//! closed days, a game's or streamer's days) gives the same recap on every store.

use super::{close, day};
use crate::Error;
use crate::ids::EntityId;
use crate::movement::{Movement, previous_ranks};
use crate::outbox::{Claim, OutboxItem, OutboxKey, Payload, Purpose};
use crate::ports::Store;
use crate::ranking::Subject;
use crate::recap::{RecapKind, build_recap};
use crate::settings::Settings;
use crate::snapshot::StreamSample;
use crate::testkit::fixtures::{at, slotted, stream};
use crate::time::{Day, DayRange};

const CHESS: Option<(&str, &str)> = Some(("743", "Chess"));
const GO: Option<(&str, &str)> = Some(("1001", "Go"));

/// Twelve streamers, S01 (id 101) the most watched, down to S12 (id 112); S01 plays Go, the
/// rest Chess.
fn ladder(top_of_s12: Option<u32>) -> Vec<StreamSample> {
    (1..=12u32)
        .map(|i| {
            let (id, name) = (format!("{}", 100 + i), format!("S{i:02}"));
            let viewers = match (i, top_of_s12) {
                (12, Some(v)) => v,
                _ => 1_300 - 100 * i,
            };
            stream(&id, &name, if i == 1 { GO } else { CHESS }, viewers)
        })
        .collect()
}

/// One snapshot at noon Los Angeles on each day of `week`, closed.
async fn fill<S: Store + ?Sized>(store: &S, week: DayRange, streams: &[StreamSample]) {
    for d in week.days() {
        store
            .record_snapshot(&slotted(&format!("{d}T20:00:00Z"), streams.to_vec()))
            .await
            .expect("record");
        close(store, d).await;
    }
}

/// A weekly recap: its ranking sums the week, its markers compare with the week before, the
/// biggest climb into the top 10 and the record are found; it waits for an unclosed last day
/// and counts the days before tracking began as missing.
pub async fn recaps_follow_the_core_rules<S: Store + ?Sized>(store: &S) {
    let settings = Settings::default();
    let week = |d| RecapKind::Week.period_of(day(d));
    let (first, second) = (week("2026-11-18"), week("2026-11-25"));
    // Tracking begins on a Wednesday: the first week misses two days.
    let begun = DayRange {
        from: day("2026-11-18"),
        to: first.to,
    };
    fill(store, begun, &ladder(None)).await;
    let early = build_recap(store, &settings, RecapKind::Week, first)
        .await
        .expect("first recap")
        .expect("data");
    assert_eq!(early.coverage.days_not_closed, 2, "{:?}", early.coverage);
    assert!(!early.previous_streamers.is_tracked());
    assert_eq!(early.record, None, "nothing earlier to beat");
    // The second week is not closed yet: the recap waits.
    assert!(matches!(
        build_recap(store, &settings, RecapKind::Week, second).await,
        Err(Error::NotReady { .. })
    ));
    // In the second week S12 (12th) draws a crowd.
    fill(store, second, &ladder(Some(5_000))).await;
    let recap = build_recap(store, &settings, RecapKind::Week, second)
        .await
        .expect("second recap")
        .expect("data");
    assert_eq!(recap.range, second);
    assert_eq!(recap.coverage.days_not_closed, 0);
    let shown: Vec<(String, u64, Option<Movement>)> = recap
        .streamers
        .iter()
        .map(|e| {
            let m = recap.previous_streamers.movement(e);
            (e.id.to_string(), e.totals.viewer_minutes, m)
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("112".into(), 5_000 * 30 * 7, Some(Movement::Up(11))),
            ("101".into(), 1_200 * 30 * 7, Some(Movement::Down(1))),
            ("102".into(), 1_100 * 30 * 7, Some(Movement::Down(1))),
            ("103".into(), 1_000 * 30 * 7, Some(Movement::Down(1))),
            ("104".into(), 900 * 30 * 7, Some(Movement::Down(1))),
        ]
    );
    let mover = recap.mover.as_ref().expect("a climb into the top 10");
    assert_eq!(
        (mover.entry.id.clone(), mover.from, mover.entry.rank),
        (EntityId::Streamer("112".into()), 12, 1)
    );
    // Chess gained S12's crowd: its best week, against 5 days of the first.
    let record = recap.record.as_ref().expect("a record");
    assert_eq!(record.entry.id, EntityId::Game("743".into()));
    let chess_day: u64 = (2..=11u64).map(|i| (1_300 - 100 * i) * 30).sum();
    assert_eq!(record.previous_best, (chess_day + 100 * 30) * 5);
    assert_eq!(
        record.entry.totals.viewer_minutes,
        (chess_day + 5_000 * 30) * 7
    );
    // The month so far is not over: its recap waits.
    assert!(matches!(
        build_recap(
            store,
            &settings,
            RecapKind::Month,
            RecapKind::Month.period_of(day("2026-11-25"))
        )
        .await,
        Err(Error::NotReady { .. })
    ));
    // The previous ranks are those of the week before, by id.
    let games = previous_ranks(store, &Subject::TopGames, second)
        .await
        .expect("previous");
    assert_eq!(games.rank_of(&EntityId::Game("743".into())), Some(1));
    assert_eq!(games.rank_of(&EntityId::Game("1001".into())), Some(2));
}

/// A recap is its own outbox item, beside the daily posts of the day it starts on.
pub async fn recaps_are_their_own_outbox_items<S: Store + ?Sized>(store: &S) {
    let now = at("2026-12-07T22:00:00Z");
    let d: Day = day("2026-11-30");
    let keys = [
        OutboxKey::post("x", d, crate::message::PostKind::TopGames),
        OutboxKey::recap("x", RecapKind::Week, RecapKind::Week.period_of(d)),
        OutboxKey::recap("x", RecapKind::Month, RecapKind::Month.period_of(d)),
    ];
    for key in &keys {
        let item = OutboxItem {
            key: key.clone(),
            purpose: Purpose::Post,
            author: None,
            payload: Payload::text(format!("text of {key:?}"), now),
        };
        let claim = store.claim(&item, now).await.expect("claim");
        assert!(matches!(claim, Claim::Fresh { .. }), "{key:?}: {claim:?}");
    }
    for key in &keys {
        let entry = store.outbox_entry(key).await.expect("entry").expect("kept");
        let text = entry.payload.map(|p| p.text).unwrap_or_default();
        assert_eq!(text, format!("text of {key:?}"));
    }
    assert_eq!(keys[1].item, "post/2026-11-30/week");
    assert_eq!(keys[2].item, "post/2026-11-01/month");
}
