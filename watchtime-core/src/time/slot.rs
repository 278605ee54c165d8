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

/// The span of time one snapshot counts for: `[slot start, slot start + length)`.
///
/// **The rule for mixed lengths.** Every store records snapshots by this rule, so a span of time
/// is never credited twice: a snapshot whose span overlaps a stored snapshot of *another* length
/// is refused ([`Span::check_against`]); one of the *same* length in the same slot replaces the
/// stored one. Spans of different lengths that do not overlap may sit side by side in one day
/// (30 minutes until noon, 5 minutes after), each sample credited with its own snapshot's length.
///
/// A span never crosses a whole hour of the epoch (its length divides 60 and its slot is aligned
/// to it), so spans that overlap lie in the same hour: a store looks, and locks, only there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The slot, named by its start.
    pub slot: Slot,
    /// Its length.
    pub length: SlotLength,
}

impl Span {
    /// The end of the span (exclusive).
    pub fn end(self) -> DateTime<Utc> {
        self.length.end_of(self.slot)
    }

    /// Whether the two spans share any instant.
    pub fn overlaps(self, other: Span) -> bool {
        self.slot.0 < other.slot.0 + other.length.seconds()
            && other.slot.0 < self.slot.0 + self.length.seconds()
    }

    /// The hour of the epoch (Unix seconds / 3600) that holds the span, and every span that
    /// overlaps it.
    pub fn hour(self) -> i64 {
        self.slot.0.div_euclid(3600)
    }

    /// The starts (Unix seconds, `[from, to)`) a stored span that overlaps this one may have:
    /// what a store reads before [`Span::check_against`].
    pub fn neighbour_starts(self) -> (i64, i64) {
        (self.hour() * 3600, self.slot.0 + self.length.seconds())
    }

    /// Refuses this span if it overlaps one of `stored` of another length, naming both lengths.
    pub fn check_against(self, stored: impl IntoIterator<Item = Span>) -> Result<()> {
        match stored
            .into_iter()
            .find(|s| s.length != self.length && s.overlaps(self))
        {
            None => Ok(()),
            Some(s) => Err(Error::invalid(format!(
                "a {}-minute snapshot of {} overlaps the stored {}-minute snapshot of {}: a span of \
                 time counts at one slot length, so take it at {} minutes (WATCHTIME_SLOT_MINUTES) \
                 or in a slot the stored one does not cover",
                self.length.minutes(),
                self.slot,
                s.length.minutes(),
                s.slot,
                s.length.minutes(),
            ))),
        }
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
    fn spans_of_other_lengths_must_not_overlap() {
        let span = |t: &str, minutes| {
            let length = SlotLength::from_minutes(minutes).unwrap();
            Span {
                slot: length.slot_of(at(t)),
                length,
            }
        };
        let stored = [
            span("2026-11-26T16:00:00Z", 30),
            span("2026-11-26T17:00:00Z", 60),
        ];
        for (t, minutes, ok) in [
            ("2026-11-26T16:15:05Z", 15, false), // inside the 30-minute span
            ("2026-11-26T16:00:00Z", 15, false), // same start, other length
            ("2026-11-26T16:00:00Z", 60, false), // covers it
            ("2026-11-26T16:29:00Z", 1, false),  // its last minute
            ("2026-11-26T16:20:00Z", 30, true),  // the same slot at its own length: replaces
            ("2026-11-26T16:30:00Z", 15, true),  // right after it
            ("2026-11-26T16:45:00Z", 15, true),  // right before the hour
            ("2026-11-26T17:55:00Z", 5, false),  // the hour's last five minutes
            ("2026-11-26T18:00:00Z", 5, true),
            ("2026-11-26T15:59:00Z", 1, true),
        ] {
            let new = span(t, minutes);
            assert_eq!(new.check_against(stored).is_ok(), ok, "{t} at {minutes}");
            let (from, to) = new.neighbour_starts();
            for s in stored {
                if s.overlaps(new) {
                    assert!((from..to).contains(&s.slot.unix()), "{t}: {s:?}");
                    assert_eq!(s.hour(), new.hour());
                }
            }
        }
        let err = span("2026-11-26T16:15:05Z", 15)
            .check_against(stored)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: a 15-minute snapshot of 2026-11-26 16:15 UTC overlaps the stored \
             30-minute snapshot of 2026-11-26 16:00 UTC: a span of time counts at one slot length, \
             so take it at 30 minutes (WATCHTIME_SLOT_MINUTES) or in a slot the stored one does \
             not cover"
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
