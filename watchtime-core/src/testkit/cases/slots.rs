//! Slot lengths other than the default: credit at 15 and 60 minutes, and the rule for mixed
//! lengths ([`crate::time::Span`]): overlapping spans of another length are refused, spans side
//! by side each count at their own length.

use chrono::Duration;

use super::{CHESS, GO, day};
use crate::error::Error;
use crate::ids::GameId;
use crate::ports::Store;
use crate::settings::Settings;
use crate::snapshot::SlotSnapshot;
use crate::testkit::fixtures::{at, snapshot, stream};
use crate::time::{Day, SlotLength};
use crate::totals::{DayStatus, rollup};

/// A complete snapshot taken at `taken_at`, bound to its slot at `minutes`.
fn at_length(
    minutes: u32,
    taken_at: &str,
    streams: Vec<crate::snapshot::StreamSample>,
) -> SlotSnapshot {
    let length = match SlotLength::from_minutes(minutes) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    snapshot(taken_at, streams).into_slot(length, Settings::default().min_viewers)
}

/// Closes `d` with the expected count the close job would give it.
async fn close_by_rule<S: Store + ?Sized>(store: &S, d: Day) -> DayStatus {
    let window = Settings::default().calendar.window(d);
    let spans = store
        .snapshots(window.start, window.end)
        .await
        .expect("snapshots");
    let expected = window.slots_expected_by(
        spans.iter().map(crate::snapshot::SnapshotInfo::span),
        SlotLength::THIRTY_MINUTES,
    );
    store
        .close_day(&window, expected, window.end + Duration::minutes(5))
        .await
        .expect("close_day")
}

/// `(streamer, game, viewer minutes, airtime minutes, peak)`.
type Row = (String, Option<String>, u64, u64, u32);

fn row(streamer: &str, game: &str, viewer_minutes: u64, airtime: u64, peak: u32) -> Row {
    (
        streamer.to_owned(),
        Some(game.to_owned()),
        viewer_minutes,
        airtime,
        peak,
    )
}

/// The day's stored totals as rows.
async fn totals_of<S: Store + ?Sized>(store: &S, d: Day) -> Vec<Row> {
    store
        .day_totals(d)
        .await
        .expect("totals")
        .into_iter()
        .map(|t| {
            (
                t.streamer.as_str().to_owned(),
                t.game.as_ref().map(|g| GameId::as_str(g).to_owned()),
                t.totals.viewer_minutes,
                t.totals.airtime_minutes,
                t.totals.peak_viewers,
            )
        })
        .collect()
}

/// At `minutes` per slot, every sample earns `viewers × minutes` and `minutes` of airtime, and
/// the snapshot keeps its length: a store that multiplied by a fixed 30 fails here.
async fn credits_at<S: Store + ?Sized>(store: &S, minutes: u32) {
    let d = day("2026-11-26");
    let length = u64::from(minutes);
    let step = i64::from(minutes);
    let snaps: Vec<SlotSnapshot> = (0..3)
        .map(|i| {
            let t = (at("2026-11-26T18:00:07Z") + Duration::minutes(step * i)).to_rfc3339();
            let mut streams = vec![stream("1", "Alpha", CHESS, 100 + 100 * i as u32)];
            if i == 1 {
                streams.push(stream("2", "Beta", GO, 70));
            }
            at_length(minutes, &t, streams)
        })
        .collect();
    for s in &snaps {
        store.record_snapshot(s).await.expect("record");
    }
    let infos = store
        .snapshots(at("2026-11-26T16:00:00Z"), at("2026-11-27T16:00:00Z"))
        .await
        .expect("snapshots");
    assert_eq!(
        infos.iter().map(|i| i.length.minutes()).collect::<Vec<_>>(),
        [minutes; 3],
        "each snapshot keeps its length"
    );
    let status = close_by_rule(store, d).await;
    assert_eq!(
        (status.slots_observed, status.slots_expected),
        (3, 24 * 60 / minutes)
    );
    assert_eq!(
        totals_of(store, d).await,
        [
            row("1", "743", 600 * length, 3 * length, 300),
            row("2", "1001", 70 * length, length, 70),
        ]
    );
    assert_eq!(
        store.day_totals(d).await.expect("totals"),
        rollup(d, &snaps)
    );
    let preview = store
        .preview_day(&Settings::default().calendar.window(d))
        .await
        .expect("preview");
    let mut credit: Vec<u64> = preview.iter().map(|p| p.totals.viewer_minutes).collect();
    credit.sort_unstable();
    assert_eq!(credit, [70 * length, 600 * length]);
}

/// Credit and airtime at 15-minute slots.
pub async fn credits_at_15_minute_slots<S: Store + ?Sized>(store: &S) {
    credits_at(store, 15).await;
}

/// Credit and airtime at 60-minute slots.
pub async fn credits_at_60_minute_slots<S: Store + ?Sized>(store: &S) {
    credits_at(store, 60).await;
}

/// A snapshot whose span overlaps a stored one of another length is refused, naming both
/// lengths, and changes nothing; the same length in the same slot still replaces.
pub async fn overlapping_lengths_are_refused<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    let alpha = |viewers| vec![stream("1", "Alpha", CHESS, viewers)];
    store
        .record_snapshot(&at_length(30, "2026-11-26T16:00:05Z", alpha(1000)))
        .await
        .expect("record");
    for (minutes, taken_at) in [
        (15, "2026-11-26T16:15:05Z"),
        (15, "2026-11-26T16:00:05Z"),
        (60, "2026-11-26T16:40:00Z"),
        (5, "2026-11-26T16:25:00Z"),
    ] {
        let refused = store
            .record_snapshot(&at_length(minutes, taken_at, alpha(5000)))
            .await;
        match refused {
            Err(Error::InvalidInput { message }) => {
                assert!(
                    message.contains(&format!("{minutes}-minute")) && message.contains("30-minute"),
                    "{message}"
                );
            }
            other => panic!("{minutes} minutes at {taken_at}: {other:?}"),
        }
    }
    // Beside it, other lengths are fine; in its own slot at its own length, it is replaced.
    for (minutes, taken_at) in [
        (15, "2026-11-26T16:30:05Z"),
        (5, "2026-11-26T15:55:00Z"),
        (30, "2026-11-26T16:20:00Z"),
    ] {
        store
            .record_snapshot(&at_length(minutes, taken_at, alpha(2000)))
            .await
            .unwrap_or_else(|e| panic!("{minutes} minutes at {taken_at}: {e}"));
    }
    let infos = store
        .snapshots(at("2026-11-26T15:00:00Z"), at("2026-11-26T18:00:00Z"))
        .await
        .expect("snapshots");
    let got: Vec<_> = infos
        .iter()
        .map(|i| (i.slot.start(), i.length.minutes(), i.taken_at))
        .collect();
    assert_eq!(
        got,
        [
            (at("2026-11-26T15:55:00Z"), 5, at("2026-11-26T15:55:00Z")),
            (at("2026-11-26T16:00:00Z"), 30, at("2026-11-26T16:20:00Z")),
            (at("2026-11-26T16:30:00Z"), 15, at("2026-11-26T16:30:05Z")),
        ]
    );
    close_by_rule(store, d).await;
    // The 16:00 span counts once, at 30 minutes, with the replacing snapshot's viewers.
    assert_eq!(
        totals_of(store, d).await,
        [row("1", "743", 2000 * 30 + 2000 * 15, 45, 2000)]
    );
}

/// Thirty minutes until noon, five after: each sample earns its own snapshot's length, and the
/// day expects the slots of both lengths.
pub async fn mixed_lengths_side_by_side<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    // Noon in Los Angeles is 20:00Z in November.
    let mut snaps = Vec::new();
    for i in 0..8 {
        let t = (at("2026-11-26T16:00:10Z") + Duration::minutes(30 * i)).to_rfc3339();
        snaps.push(at_length(
            30,
            &t,
            vec![
                stream("1", "Alpha", CHESS, 100),
                stream("2", "Beta", GO, 60 + i as u32),
            ],
        ));
    }
    for i in 0..12 {
        let t = (at("2026-11-26T20:00:10Z") + Duration::minutes(5 * i)).to_rfc3339();
        snaps.push(at_length(5, &t, vec![stream("1", "Alpha", CHESS, 1000)]));
    }
    for s in &snaps {
        store.record_snapshot(s).await.expect("record");
    }
    let status = close_by_rule(store, d).await;
    assert_eq!(
        (
            status.slots_observed,
            status.slots_expected,
            status.slots_incomplete
        ),
        (20, 8 + 240, 0)
    );
    assert_eq!(
        totals_of(store, d).await,
        [
            row(
                "1",
                "743",
                8 * 30 * 100 + 12 * 5 * 1000,
                8 * 30 + 12 * 5,
                1000
            ),
            row("2", "1001", 30 * (60..68).sum::<u64>(), 8 * 30, 67),
        ]
    );
    assert_eq!(
        store.day_totals(d).await.expect("totals"),
        rollup(d, &snaps)
    );
}

/// Credit and airtime at 5-minute slots.
pub async fn credits_at_5_minute_slots<S: Store + ?Sized>(store: &S) {
    credits_at(store, 5).await;
}

/// Credit and airtime at 10-minute slots.
pub async fn credits_at_10_minute_slots<S: Store + ?Sized>(store: &S) {
    credits_at(store, 10).await;
}

/// Viewers of streamer `s` at Unix minute `m` of a day collected every 30 minutes until `noon`
/// and every 5 minutes after: constant within each slot of the length in force, so sampling is
/// exact and the store must land on the minute-by-minute truth. `None` is offline (or under the
/// threshold); streamer 1 switches from Chess to Go at 15:00 local.
fn switched_day_viewers(
    s: u32,
    m: i64,
    noon: i64,
) -> Option<(u32, Option<(&'static str, &'static str)>)> {
    let block = if m < noon {
        m.div_euclid(30)
    } else {
        1_000_000 + m.div_euclid(5)
    };
    let mix = (i64::from(s) * 37 + block * 11).rem_euclid(500);
    if s == 2 && mix % 7 == 3 {
        return None;
    }
    let game = match (s, m >= noon + 180) {
        (1, true) | (2, _) => GO,
        _ => CHESS,
    };
    Some((60 + mix as u32, game))
}

/// A store switched from 30-minute to 5-minute slots at noon: sweeps of the new length that
/// overlap the last 30-minute slot, and a late sweep of the old length after the switch, are
/// refused; a repeated 5-minute sweep replaces. The day closes to the truth summed minute by
/// minute, with 8 + 240 slots expected and observed: nothing counted twice, nothing lost.
pub async fn switched_day_closes_to_the_truth<S: Store + ?Sized>(store: &S) {
    let d = day("2026-11-26");
    let window = Settings::default().calendar.window(d);
    let (start, end) = (window.start.timestamp() / 60, window.end.timestamp() / 60);
    // Noon in Los Angeles is 20:00Z in November.
    let noon = at("2026-11-26T20:00:00Z").timestamp() / 60;
    let sweep = |minutes: u32, m: i64| {
        let streams = (1..=2)
            .filter_map(|s| {
                let (v, game) = switched_day_viewers(s, m, noon)?;
                Some(stream(&s.to_string(), &format!("S{s}"), game, v))
            })
            .collect();
        let taken_at =
            (chrono::DateTime::from_timestamp(m * 60, 10).expect("a test time")).to_rfc3339();
        at_length(minutes, &taken_at, streams)
    };
    let mut m = start;
    while m < end {
        let minutes = if m < noon { 30 } else { 5 };
        store
            .record_snapshot(&sweep(minutes, m))
            .await
            .expect("record");
        m += i64::from(minutes);
    }
    // The new process started early, the old one ran late: both refused, nothing changes.
    for (minutes, m) in [(5, noon - 15), (5, noon - 5), (30, noon + 5), (30, noon)] {
        assert!(
            matches!(
                store.record_snapshot(&sweep(minutes, m)).await,
                Err(Error::InvalidInput { .. })
            ),
            "{minutes} minutes at minute {}",
            m - noon
        );
    }
    // A sweep repeated in its own 5-minute slot replaces the first.
    store
        .record_snapshot(&sweep(5, noon + 60))
        .await
        .expect("record again");

    let status = close_by_rule(store, d).await;
    assert_eq!(
        (status.slots_observed, status.slots_expected),
        (8 + 240, 8 + 240)
    );
    let mut truth: std::collections::BTreeMap<(String, Option<String>), (u64, u64, u32)> =
        std::collections::BTreeMap::new();
    for m in start..end {
        for s in 1..=2 {
            if let Some((v, game)) = switched_day_viewers(s, m, noon) {
                let e = truth
                    .entry((s.to_string(), game.map(|g| g.0.to_owned())))
                    .or_default();
                e.0 += u64::from(v);
                e.1 += 1;
                e.2 = e.2.max(v);
            }
        }
    }
    let truth: Vec<Row> = truth
        .into_iter()
        .map(|((s, g), (vm, air, peak))| (s, g, vm, air, peak))
        .collect();
    assert_eq!(truth.len(), 3, "{truth:?}");
    let mut stored = totals_of(store, d).await;
    stored.sort();
    assert_eq!(stored, truth);
}
