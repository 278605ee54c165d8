//! Filling a store day by day as the bot would: a snapshot per slot, close the day, prune the
//! samples older than the days kept (by default only the day just closed is kept).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use watchtime_core::{Day, Settings, Store};

use crate::generate::{Shape, World};
use crate::measure::{Timings, timed};

/// What filling took.
#[derive(Debug, Default)]
pub struct Filled {
    /// Days written.
    pub days: u32,
    /// Wall time of the whole fill, generation included.
    pub elapsed: Duration,
    /// Time spent generating data (not in the store).
    pub generating: Duration,
    /// Every `record_snapshot`.
    pub ingest: Timings,
    /// Every `close_day`.
    pub close: Timings,
    /// Every `prune_samples`.
    pub prune: Timings,
    /// The shape of the data written.
    pub shape: Shape,
}

/// Writes the days `from..=to`, keeping the raw samples of `keep_days` days before each day
/// closed, printing progress to stderr every 10 days.
pub async fn fill(
    store: &dyn Store,
    world: &World,
    settings: &Settings,
    from: Day,
    to: Day,
    keep_days: u32,
) -> Result<Filled> {
    let total = from
        .date()
        .signed_duration_since(to.date())
        .num_days()
        .unsigned_abs()
        + 1;
    let started = Instant::now();
    let mut out = Filled::default();
    let mut day = from;
    while day <= to {
        let (data, took) = timed(async { world.day(day, settings) }).await;
        out.generating += took;
        out.shape.add(&data.shape);
        for snapshot in &data.snapshots {
            let (r, d) = timed(store.record_snapshot(snapshot)).await;
            r.with_context(|| format!("recording slot {} of {day}", snapshot.slot().start()))?;
            out.ingest.push(d);
        }
        let now = settings.close_time(day);
        let (r, d) = timed(store.close_day(&data.window, data.slots_expected, now)).await;
        r.with_context(|| format!("closing {day}"))?;
        out.close.push(d);
        let keep_from = settings.calendar.window(day.minus_days(keep_days)).start;
        let (r, d) = timed(store.prune_samples(settings.slot_length.slot_of(keep_from))).await;
        r.with_context(|| format!("pruning before {day}"))?;
        out.prune.push(d);

        out.days += 1;
        let done = u64::from(out.days);
        if done % 10 == 0 || done == total {
            let elapsed = started.elapsed();
            let eta = elapsed.mul_f64((total - done) as f64 / done as f64);
            eprintln!(
                "  {done}/{total} days through {day}, {:.0} s elapsed, ETA {:.0} s",
                elapsed.as_secs_f64(),
                eta.as_secs_f64()
            );
        }
        day = day.next();
    }
    out.elapsed = started.elapsed();
    Ok(out)
}

/// Closes `day` again `times` times (its samples must still be stored): the cost of a late
/// snapshot or a repair.
pub async fn reclose(
    store: &dyn Store,
    settings: &Settings,
    day: Day,
    times: usize,
) -> Result<Timings> {
    let window = settings.calendar.window(day);
    let expected = window.slots_expected(settings.slot_length);
    let mut out = Timings::default();
    for _ in 0..times {
        let (r, d) = timed(store.close_day(&window, expected, settings.close_time(day))).await;
        r.with_context(|| format!("closing {day} again"))?;
        out.push(d);
    }
    Ok(out)
}
