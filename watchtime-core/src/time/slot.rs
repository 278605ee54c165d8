//! Slots: the collection interval, aligned to the Unix epoch.
//!
//! One snapshot counts per slot. Because the length divides an hour, every whole hour of every
//! zone with whole-hour offsets (Los Angeles included) is a slot boundary, so a day never starts
//! mid-slot there.

use std::fmt;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The collection interval `I`: a whole number of minutes that divides 60.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SlotLength(u32);

impl SlotLength {
    /// The default interval: 30 minutes.
    pub const THIRTY_MINUTES: SlotLength = SlotLength(30);

    /// A slot length of `minutes`, which must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60).
    pub fn from_minutes(minutes: u32) -> Result<Self> {
        if minutes == 0 || 60 % minutes != 0 {
            return Err(Error::invalid(format!(
                "slot length must divide 60 minutes (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60), got {minutes}"
            )));
        }
        Ok(SlotLength(minutes))
    }

    /// The length in minutes; also the airtime and the viewer multiplier one sample earns.
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// The length in seconds.
    pub fn seconds(self) -> i64 {
        i64::from(self.0) * 60
    }

    /// The slot that contains `t` (a slot is `[start, start + length)`).
    pub fn slot_of(self, t: DateTime<Utc>) -> Slot {
        let secs = t.timestamp();
        Slot(secs - secs.rem_euclid(self.seconds()))
    }

    /// The first slot that starts at or after `t`.
    pub fn first_slot_from(self, t: DateTime<Utc>) -> Slot {
        let slot = self.slot_of(t);
        if slot.start() == t {
            slot
        } else {
            self.next(slot)
        }
    }

    /// The slot after `slot`.
    pub fn next(self, slot: Slot) -> Slot {
        Slot(slot.0 + self.seconds())
    }

    /// The end (exclusive) of `slot`.
    pub fn end_of(self, slot: Slot) -> DateTime<Utc> {
        unix(slot.0 + self.seconds())
    }

    /// How many slots start in `[from, to)`.
    pub fn slots_between(self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        if to <= from {
            return 0;
        }
        let first = self.first_slot_from(from).0;
        let end = to.timestamp();
        if first >= end {
            return 0;
        }
        let count = (end - first + self.seconds() - 1) / self.seconds();
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}

impl Default for SlotLength {
    fn default() -> Self {
        SlotLength::THIRTY_MINUTES
    }
}

impl TryFrom<u32> for SlotLength {
    type Error = Error;
    fn try_from(minutes: u32) -> Result<Self> {
        SlotLength::from_minutes(minutes)
    }
}

impl From<SlotLength> for u32 {
    fn from(len: SlotLength) -> u32 {
        len.0
    }
}

/// A slot, named by its start: Unix seconds, a multiple of the slot length.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slot(i64);

impl Slot {
    /// The slot starting at `unix_seconds`. Stores use this to read slots back; the value is
    /// trusted to be aligned because only [`SlotLength::slot_of`] makes new ones.
    pub fn from_unix(unix_seconds: i64) -> Self {
        Slot(unix_seconds)
    }

    /// The start as Unix seconds, the form stores keep.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// The start instant.
    pub fn start(self) -> DateTime<Utc> {
        unix(self.0)
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slot({})", self.start().format("%Y-%m-%dT%H:%MZ"))
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start().format("%Y-%m-%d %H:%M UTC"))
    }
}

fn unix(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn lengths_must_divide_an_hour() {
        for ok in [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] {
            assert_eq!(SlotLength::from_minutes(ok).unwrap().minutes(), ok);
        }
        for bad in [0, 7, 25, 45, 90, 120] {
            assert!(SlotLength::from_minutes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slots_align_to_the_epoch() {
        let len = SlotLength::THIRTY_MINUTES;
        let cases = [
            ("2026-11-27T16:00:00Z", "2026-11-27T16:00:00Z"),
            ("2026-11-27T16:29:59Z", "2026-11-27T16:00:00Z"),
            ("2026-11-27T16:30:00Z", "2026-11-27T16:30:00Z"),
            ("1969-12-31T23:59:59Z", "1969-12-31T23:30:00Z"),
        ];
        for (t, start) in cases {
            assert_eq!(len.slot_of(at(t)).start(), at(start), "{t}");
        }
        assert_eq!(
            len.first_slot_from(at("2026-11-27T16:00:01Z")).start(),
            at("2026-11-27T16:30:00Z")
        );
    }

    #[test]
    fn counting_slots() {
        let len = SlotLength::THIRTY_MINUTES;
        let from = at("2026-11-27T16:00:00Z");
        assert_eq!(len.slots_between(from, at("2026-11-28T16:00:00Z")), 48);
        assert_eq!(len.slots_between(from, at("2026-11-27T16:00:01Z")), 1);
        assert_eq!(len.slots_between(from, from), 0);
        assert_eq!(
            len.slots_between(at("2026-11-27T16:10:00Z"), at("2026-11-27T17:00:00Z")),
            1
        );
    }
}
