//! How many snapshots a closed day should have had, from the slot lengths it was collected at.

use crate::time::day::DayWindow;
use crate::time::slot::{SlotLength, Span};

impl DayWindow {
    /// How many slots the day should have, by the lengths its own snapshots used: the `slots
    /// expected` of its coverage. The close job computes it from the day's snapshots and every
    /// store records it as given, so it is the same for all of them.
    ///
    /// The rule: at each instant of the day one length is *in force*: the length of the latest
    /// snapshot that starts at or before it, or, before the day's first snapshot, that
    /// snapshot's length. For each stretch of the day with one length in force, the expected
    /// count is how many slots of that length start in it; the day's count is their sum. So:
    ///
    /// - a day collected at one length throughout expects [`DayWindow::slots_expected`] of
    ///   that length (48 at 30 minutes, 46 and 50 across DST changes), whatever the length
    ///   setting is when it is closed;
    /// - 30 minutes until noon and 5 minutes after expects 8 + 240 = 248 (on a 24-hour day
    ///   starting at 08:00), and a missing snapshot counts at the length in force where it is
    ///   missing;
    /// - a day with no snapshot at all expects slots of `fallback`, the current setting.
    ///
    /// `spans` may come in any order; spans outside the day are ignored.
    pub fn slots_expected_by(
        &self,
        spans: impl IntoIterator<Item = Span>,
        fallback: SlotLength,
    ) -> u32 {
        let mut spans: Vec<Span> = spans
            .into_iter()
            .filter(|s| self.contains_slot(s.slot))
            .collect();
        spans.sort_by_key(|s| s.slot);
        let Some(first) = spans.first() else {
            return self.slots_expected(fallback);
        };
        let (mut from, mut length, mut total) = (self.start, first.length, 0u32);
        for span in &spans {
            if span.length != length {
                let to = span.slot.start();
                total = total.saturating_add(length.slots_between(from, to));
                (from, length) = (to, span.length);
            }
        }
        total.saturating_add(length.slots_between(from, self.end))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;
    use crate::time::DayCalendar;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn len(minutes: u32) -> SlotLength {
        SlotLength::from_minutes(minutes).unwrap()
    }

    /// Snapshots every `minutes` from `from` (inclusive) to `to` (exclusive).
    fn every(minutes: u32, from: &str, to: &str) -> Vec<Span> {
        let length = len(minutes);
        let mut out = Vec::new();
        let mut slot = length.slot_of(at(from));
        while slot.start() < at(to) {
            out.push(Span { slot, length });
            slot = length.next(slot);
        }
        out
    }

    #[test]
    fn expected_slots_come_from_the_lengths_used() {
        let w = DayCalendar::LOS_ANGELES_8AM.window("2026-11-26".parse().unwrap());
        let (start, noon, end) = (
            "2026-11-26T16:00:00Z",
            "2026-11-26T20:00:00Z",
            "2026-11-27T16:00:00Z",
        );
        let one_minute = len(1);
        let cases: Vec<(&str, Vec<Span>, u32)> = vec![
            ("nothing collected: today's setting", vec![], 1440),
            ("30 minutes all day", every(30, start, end), 48),
            (
                "two snapshots at 30, closed under a 1-minute setting",
                every(30, "2026-11-26T20:00:00Z", "2026-11-26T21:00:00Z"),
                48,
            ),
            (
                "30 until noon, 5 after",
                [every(30, start, noon), every(5, noon, end)].concat(),
                8 + 240,
            ),
            (
                "30 until noon, 5 after, most snapshots missing",
                vec![every(30, start, noon)[3], every(5, noon, end)[0]],
                8 + 240,
            ),
            (
                "an hour at 5 minutes between two stretches at 30",
                [
                    every(30, start, "2026-11-26T18:00:00Z"),
                    every(5, "2026-11-26T18:00:00Z", "2026-11-26T19:00:00Z"),
                    every(30, "2026-11-26T19:00:00Z", end),
                ]
                .concat(),
                4 + 12 + 42,
            ),
            ("15 minutes all day", every(15, start, end), 96),
            ("60 minutes all day", every(60, start, end), 24),
            (
                "snapshots of other days are ignored",
                [
                    every(60, "2026-11-25T16:00:00Z", start),
                    every(30, start, end),
                ]
                .concat(),
                48,
            ),
        ];
        for (what, mut spans, want) in cases {
            assert_eq!(
                w.slots_expected_by(spans.clone(), one_minute),
                want,
                "{what}"
            );
            spans.reverse();
            assert_eq!(
                w.slots_expected_by(spans, one_minute),
                want,
                "{what}, any order"
            );
        }
        // Every span at one length gives exactly the one-length count, DST days included.
        for (d, slots) in [("2026-03-07", 46), ("2026-10-31", 50)] {
            let w = DayCalendar::LOS_ANGELES_8AM.window(d.parse().unwrap());
            let spans = vec![Span {
                slot: len(30).slot_of(w.start + Duration::hours(3)),
                length: len(30),
            }];
            assert_eq!(w.slots_expected_by(spans, one_minute), slots, "{d}");
        }
    }
}
