//! Conformance over months: rankings across many closed days, block boundaries and re-closed
//! days must equal the core ranking of the same totals.

use chrono::Duration;

use super::fixtures::{slotted, stream};
use crate::ids::{GameId, StreamerId};
use crate::ports::Store;
use crate::ranking::{RankingQuery, Subject, rank};
use crate::settings::Settings;
use crate::snapshot::StreamSample;
use crate::time::{Day, DayRange};
use crate::totals::NamedTotal;

const GAMES: [(&str, &str); 5] = [
    ("509658", "Just Chatting"),
    ("21779", "League of Legends"),
    ("743", "Chess"),
    ("32982", "Grand Theft Auto V"),
    ("1001", "Go"),
];

/// Deterministic noise in `0..m`.
fn noise(a: u64, b: u64, m: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (x ^ (x >> 32)) % m
}

/// The streams of slot `slot` of day number `d`: a heavy-tailed head that churns, a flat tail of
/// exact ties (so the search must read deep), and some time with no category. `bump` changes
/// every count, for re-closing a day with new data.
fn streams(d: u64, slot: u64, bump: u32) -> Vec<StreamSample> {
    let mut out = Vec::new();
    for i in 0..36u64 {
        if noise(d, i, 4) == 0 {
            continue; // off today
        }
        let name = format!("Streamer{:02}", (i * 7) % 36);
        let viewers = if i < 24 {
            60 + (200_000 / (i + 1)) as u32 / (1 + noise(d * 48 + slot, i, 3) as u32)
        } else {
            700 // the flat tail: identical totals, ordered by name then id
        } + bump;
        let game = match noise(d / 5, i, 7) {
            6 => None,
            g => GAMES.get(((g + i) % 5) as usize).copied(),
        };
        out.push(stream(&format!("{}", 1000 + i), &name, game, viewers));
    }
    out
}

async fn record_day<S: Store + ?Sized>(store: &S, day: Day, n: u64, bump: u32) {
    let settings = Settings::default();
    let start = settings.calendar.start_of(day);
    for slot in 0..2u64 {
        let t = start + Duration::hours(10) + Duration::minutes(30 * slot as i64);
        store
            .record_snapshot(&slotted(&t.to_rfc3339(), streams(n, slot, bump)))
            .await
            .expect("record");
    }
}

async fn close<S: Store + ?Sized>(store: &S, day: Day) {
    let settings = Settings::default();
    let window = settings.calendar.window(day);
    store
        .close_day(&window, 48, window.end + Duration::minutes(5))
        .await
        .expect("close_day");
}

/// The core ranking of the range, from the days' previews (raw samples, current names).
async fn reference<S: Store + ?Sized>(
    store: &S,
    range: DayRange,
    subject: &Subject,
    top: usize,
) -> Vec<crate::ranking::RankingEntry> {
    let calendar = Settings::default().calendar;
    let mut rows: Vec<NamedTotal> = Vec::new();
    for d in range.days() {
        rows.extend(
            store
                .preview_day(&calendar.window(d))
                .await
                .expect("preview"),
        );
    }
    rank(&rows, subject, top)
}

async fn check_ranges<S: Store + ?Sized>(store: &S, first: Day, ranges: &[(u32, u32)], what: &str) {
    let subjects = [
        Subject::TopStreamers,
        Subject::TopGames,
        Subject::StreamersOf(GameId::new("509658")),
        Subject::StreamersOf(GameId::new("1001")),
        Subject::GamesOf(StreamerId::new("1000")),
        Subject::GamesOf(StreamerId::new("1030")),
    ];
    for &(offset, len) in ranges {
        let range = DayRange::ending(first.plus_days(offset + len - 1), len);
        for subject in &subjects {
            for top in [1, 5, 12] {
                let want = reference(store, range, subject, top).await;
                let got = store
                    .rank(&RankingQuery {
                        subject: subject.clone(),
                        range,
                        top,
                    })
                    .await
                    .expect("rank");
                assert_eq!(got, want, "{what}: {subject:?} top {top} over {range}");
            }
        }
    }
}

/// 140 closed days; rankings over 1 to 140 days at offsets that straddle 8- and 64-day blocks
/// equal the core ranking, also after a day in the middle is re-recorded and closed again, with
/// higher counts and then with lower ones.
pub async fn long_range_rankings_are_exact<S: Store + ?Sized>(store: &S) {
    // 2026-01-05 is day 20458 since 1970 (20458 = 64 × 319 + 42).
    let first = Day::from_ymd(2026, 1, 5).expect("a date");
    let days = 140u32;
    for n in 0..days {
        let day = first.plus_days(n);
        record_day(store, day, u64::from(n), 0).await;
        close(store, day).await;
    }
    let ranges = [
        (0, 1),
        (3, 7),
        (20, 30),
        (22, 64),
        (5, 100),
        (0, 140),
        (139, 1),
    ];
    check_ranges(store, first, &ranges, "first close").await;

    // A day inside a 64-day block, re-collected with other counts and closed again.
    let middle = first.plus_days(70);
    record_day(store, middle, 9_999, 5_000).await;
    close(store, middle).await;
    check_ranges(
        store,
        first,
        &[(70, 1), (66, 8), (30, 64), (0, 140)],
        "after re-closing a day",
    )
    .await;

    // The same day back to its first counts: peaks go down, so blocks whose maximum came from
    // this day must find it again among the other days.
    record_day(store, middle, 70, 0).await;
    close(store, middle).await;
    check_ranges(
        store,
        first,
        &[(70, 1), (66, 8), (0, 140)],
        "after re-closing a day with lower counts",
    )
    .await;
}
