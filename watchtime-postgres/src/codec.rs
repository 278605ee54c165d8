//! Conversions between domain values and the column types the schema uses.

use chrono::{DateTime, Utc};
use watchtime_core::{Day, GameId};

use crate::error::{PostgresError, Result};

/// Days are stored as days since 1970-01-01 (`INTEGER`).
pub(crate) fn day_col(day: Day) -> i32 {
    day.days_since_epoch()
}

/// The inverse of [`day_col`].
pub(crate) fn day_from(col: i32) -> Day {
    Day::from_days_since_epoch(col)
}

/// A game column back to a game: `''` stands for "no category".
pub(crate) fn game_from(col: String) -> Option<GameId> {
    (!col.is_empty()).then(|| GameId::new(col))
}

/// The game column of an optional game.
pub(crate) fn game_col(game: Option<&GameId>) -> &str {
    game.map_or("", GameId::as_str)
}

/// An unsigned count read from a `BIGINT` column.
pub(crate) fn unsigned<T: TryFrom<i64>>(col: i64, what: &str) -> Result<T> {
    T::try_from(col).map_err(|_| PostgresError::Corrupt(format!("{what} {col} out of range")))
}

/// An unsigned count for a `BIGINT` column (saturating; no count the bot keeps comes near).
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A slot bound for an instant: slots start on whole seconds, so an instant inside a second
/// rounds up to the next slot start at or after it.
pub(crate) fn first_slot_at_or_after(t: DateTime<Utc>) -> i64 {
    t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_bounds_round_up_inside_a_second() {
        let t: DateTime<Utc> = "2026-11-26T16:00:00Z".parse().expect("instant");
        assert_eq!(first_slot_at_or_after(t), t.timestamp());
        let later = t + chrono::Duration::nanoseconds(1);
        assert_eq!(first_slot_at_or_after(later), t.timestamp() + 1);
    }

    #[test]
    fn no_category_is_the_empty_game() {
        assert_eq!(game_from(String::new()), None);
        let g = GameId::new("743");
        assert_eq!(game_from(game_col(Some(&g)).to_owned()), Some(g));
        assert_eq!(game_col(None), "");
    }
}
