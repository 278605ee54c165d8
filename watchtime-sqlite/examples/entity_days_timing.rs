//! Times one streamer's days over a year against a filled store file (issue 12): the store's
//! `entity_days` next to the same statement with the old plain `JOIN`, in the same process, so
//! the two figures are comparable.
//!
//! `cargo run --release -p watchtime-sqlite --example entity_days_timing -- FILE.db ID [ROUNDS]`
//! (range 2024-12-31..=2025-12-31, as the web bench's "API streamer days" route).

use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use watchtime_core::ports::TotalsStore;
use watchtime_core::{Day, DayRange, EntityId, StreamerId};
use watchtime_sqlite::SqliteStore;

/// The statement `entity_days` ran before the fix (a plain `JOIN`), without the tie counts.
const OLD_SERIES: &str = "WITH RECURSIVE days(d) AS (SELECT ?1 UNION ALL SELECT d + 1 FROM days WHERE d < ?2)
    SELECT t.block, t.viewer_minutes, t.airtime_minutes, t.peak_viewers,
        (SELECT COUNT(*) FROM streamer_totals o
            WHERE o.level = 0 AND o.block = t.block AND o.viewer_minutes > t.viewer_minutes) AS above,
        (SELECT COUNT(*) FROM streamer_totals o
            WHERE o.level = 0 AND o.block = t.block AND o.viewer_minutes = t.viewer_minutes) - 1 AS tied
    FROM days JOIN streamer_totals t ON t.level = 0 AND t.block = days.d AND t.user_id = ?3
    ORDER BY t.block";

fn median_ms(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .ok_or("usage: entity_days_timing FILE.db ID [ROUNDS]")?;
    let user = args.next().ok_or("missing the streamer id")?;
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    if rounds == 0 {
        return Err("ROUNDS must be at least 1".into());
    }
    let url = format!("sqlite://{file}");
    let store = SqliteStore::connect(&url).await?;
    let old = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let from = Day::from_ymd(2024, 12, 31).ok_or("bad day")?;
    let to = Day::from_ymd(2025, 12, 31).ok_or("bad day")?;
    let range = DayRange::new(from, to)?;
    let id = EntityId::Streamer(StreamerId::new(user.clone()));
    let (mut new_times, mut old_times) = (Vec::new(), Vec::new());
    let (mut new_days, mut old_days) = (0, 0);
    for _ in 0..rounds {
        let t = Instant::now();
        new_days = store.entity_days(&id, range).await?.len();
        new_times.push(t.elapsed());
        let t = Instant::now();
        old_days = sqlx::query(AssertSqlSafe(OLD_SERIES))
            .bind(i64::from(from.days_since_epoch()))
            .bind(i64::from(to.days_since_epoch()))
            .bind(&user)
            .fetch_all(&old)
            .await?
            .len();
        old_times.push(t.elapsed());
    }
    let (new_ms, old_ms) = (median_ms(&mut new_times), median_ms(&mut old_times));
    println!(
        "streamer {user}, {rounds} rounds, median: entity_days {new_ms:.2} ms ({new_days} days); \
         old plain-JOIN statement {old_ms:.2} ms ({old_days} days); {:.0}x",
        old_ms / new_ms
    );
    old.close().await;
    store.close().await;
    Ok(())
}
