//! Closing days: rolling finished days into permanent totals, and pruning old samples.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::ports::Store;
use crate::settings::Settings;
use crate::snapshot::SnapshotInfo;
use crate::time::Day;
use crate::totals::DayStatus;

/// Closes `day`, replacing its totals. The day must have ended at `now`.
///
/// Its expected slot count comes from the lengths its own snapshots used
/// ([`crate::time::DayWindow::slots_expected_by`]), so a day collected at 30 minutes expects
/// 48 even when the setting is 1 minute by the time it is closed.
pub async fn close_day<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    day: Day,
    now: DateTime<Utc>,
) -> Result<DayStatus> {
    let window = settings.calendar.window(day);
    if window.end > now {
        return Err(Error::not_ready(format!(
            "day {day} is not over until {} UTC; close it after that",
            window.end.format("%Y-%m-%d %H:%M")
        )));
    }
    // Coverage counts the slots at the lengths the day was collected at, not today's setting.
    let spans = store.snapshots(window.start, window.end).await?;
    let expected =
        window.slots_expected_by(spans.iter().map(SnapshotInfo::span), settings.slot_length);
    store.close_day(&window, expected, now).await
}

/// The last day that may be closed at `now`: finished, and past the grace period that lets its
/// last snapshot land.
pub fn last_closable_day(settings: &Settings, now: DateTime<Utc>) -> Day {
    let grace = Duration::minutes(i64::from(settings.close_grace_minutes));
    settings.calendar.last_finished_day(now - grace)
}

/// Closes every finished day not closed yet, oldest first, then prunes samples past retention.
///
/// Starts after the last closed day or, in a store with no closed day, at the day of its first
/// snapshot. Returns the statuses of the days closed now. Days before the last closed one are
/// taken as closed: `import` closes the finished days it loads, so pruning never drops the
/// samples of a day that has no totals.
pub async fn close_finished_days<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Vec<DayStatus>> {
    let last = last_closable_day(settings, now);
    let first = match store.last_closed_day().await? {
        Some(closed) => closed.next(),
        None => {
            match store
                .snapshots(DateTime::<Utc>::MIN_UTC, now)
                .await?
                .first()
            {
                Some(first) => settings.calendar.day_of_slot(first.slot),
                None => return Ok(Vec::new()),
            }
        }
    };
    let mut closed = Vec::new();
    let mut day = first;
    while day <= last {
        closed.push(close_day(store, settings, day, now).await?);
        day = day.next();
    }
    prune(store, settings, last).await?;
    Ok(closed)
}

/// Deletes raw samples of days more than `retention_days` before `last_closed`.
async fn prune<S: Store + ?Sized>(store: &S, settings: &Settings, last_closed: Day) -> Result<u64> {
    let keep_from = last_closed.minus_days(settings.retention_days);
    let before = settings
        .slot_length
        .slot_of(settings.calendar.start_of(keep_from));
    store.prune_samples(before).await
}
