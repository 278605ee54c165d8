//! Conversions between domain values and the column types SQLite keeps.

use chrono::{DateTime, TimeZone, Utc};
use watchtime_core::{Day, GameId, SlotLength};

use crate::error::{Result, SqliteError};

/// Instants are stored as Unix nanoseconds (exact round trip for 1677–2262).
pub(crate) fn to_ns(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// The inverse of [`to_ns`].
pub(crate) fn from_ns(ns: i64) -> DateTime<Utc> {
    Utc.timestamp_nanos(ns)
}

/// Days are stored as days since 1970-01-01.
pub(crate) fn day_col(day: Day) -> i64 {
    i64::from(day.days_since_epoch())
}

/// The inverse of [`day_col`].
pub(crate) fn day_from(col: i64) -> Result<Day> {
    i32::try_from(col)
        .map(Day::from_days_since_epoch)
        .map_err(|_| SqliteError::Corrupt(format!("day {col} out of range")))
}

/// A game column back to a game: `''` stands for "no category".
pub(crate) fn game_from(col: String) -> Option<GameId> {
    (!col.is_empty()).then(|| GameId::new(col))
}

/// An unsigned count read from an INTEGER column.
pub(crate) fn unsigned<T: TryFrom<i64>>(col: i64, what: &str) -> Result<T> {
    T::try_from(col).map_err(|_| SqliteError::Corrupt(format!("{what} {col} out of range")))
}

/// An unsigned sum for an INTEGER column (SQLite integers are signed 64-bit).
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A slot length read from a `slot_minutes` column.
pub(crate) fn slot_length(minutes: i64) -> Result<SlotLength> {
    SlotLength::from_minutes(unsigned(minutes, "slot length")?)
        .map_err(|e| SqliteError::Corrupt(e.to_string()))
}
