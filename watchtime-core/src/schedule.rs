//! When the bot acts: a snapshot at every slot start, each day closed at its end plus a grace
//! period, its posts at the post hour of the next local day. All in the calendar's zone, DST
//! included; the daemon asks this and sleeps until the answer.

use chrono::{DateTime, Utc};

use crate::recap::RecapKind;
use crate::settings::Settings;
use crate::time::{Day, DayRange, Slot};

/// The timetable of the bot, derived from [`Settings`]: the one place that says when each
/// snapshot, close and post is due. The daemon plans every step through it.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    settings: Settings,
}

impl Schedule {
    /// The schedule for `settings`.
    pub fn new(settings: Settings) -> Self {
        Schedule { settings }
    }

    /// The slot in progress at `now`. At start-up its snapshot is taken at once if it has none:
    /// a snapshot taken late in its slot still counts for it.
    pub fn current_slot(&self, now: DateTime<Utc>) -> Slot {
        self.settings.slot_length.slot_of(now)
    }

    /// The slot whose snapshot is due at or after `t`: the slot starting at `t` if `t` is a
    /// boundary, else the next one.
    pub fn next_collect(&self, t: DateTime<Utc>) -> Slot {
        self.settings.slot_length.first_slot_from(t)
    }

    /// The slot to collect after the sweep of `slot` ended at `finished`: the next slot, or, when
    /// the sweep outlasted it, the first slot that starts after it ended (snapshots never
    /// overlap, so the slots in between are skipped).
    pub fn collect_after(&self, slot: Slot, finished: DateTime<Utc>) -> Slot {
        self.next_collect(finished)
            .max(self.settings.slot_length.next(slot))
    }

    /// When `day` is closed.
    pub fn close_at(&self, day: Day) -> DateTime<Utc> {
        self.settings.close_time(day)
    }

    /// When the posts of `day` go out.
    pub fn post_at(&self, day: Day) -> DateTime<Utc> {
        self.settings.post_time(day)
    }

    /// When the recap of `period` goes out: at the post hour after its last day, with that
    /// day's posts (Mondays for a week, the 1st for a month).
    pub fn recap_at(&self, period: DayRange) -> DateTime<Utc> {
        self.post_at(period.to)
    }

    /// The period of `kind` whose recap window holds `now`: its recap time has come and the
    /// next period's has not. A recap missed while the bot was down is still posted inside it.
    pub fn recap_to_post(&self, kind: RecapKind, now: DateTime<Utc>) -> DayRange {
        kind.last_ended_by(self.day_to_post(now))
    }

    /// The day whose posting window holds `now`: its post time has come and the next day's has
    /// not. Posting it late (after a restart) is still right inside this window; after it, the
    /// next day's posts take over.
    pub fn day_to_post(&self, now: DateTime<Utc>) -> Day {
        let mut day = self.settings.calendar.day_of(now).previous();
        while self.post_at(day) > now {
            day = day.previous();
        }
        while self.post_at(day.next()) <= now {
            day = day.next();
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_recap_to_post() {
        let s = Schedule::new(Settings::default());
        let week = |t| s.recap_to_post(RecapKind::Week, at(t)).to_string();
        let month = |t| s.recap_to_post(RecapKind::Month, at(t)).to_string();
        // Monday 7 Dec 2026, 14:00 PST = 22:00Z: the week of 30 Nov is due.
        assert_eq!(week("2026-12-07T21:59:59Z"), "2026-11-23 to 2026-11-29");
        assert_eq!(week("2026-12-07T22:00:00Z"), "2026-11-30 to 2026-12-06");
        // Late (the bot was down): still that week, until next Monday's recap is due.
        assert_eq!(week("2026-12-14T21:59:59Z"), "2026-11-30 to 2026-12-06");
        assert_eq!(week("2026-12-14T22:00:00Z"), "2026-12-07 to 2026-12-13");
        assert_eq!(month("2026-12-01T21:59:59Z"), "2026-10-01 to 2026-10-31");
        assert_eq!(month("2026-12-01T22:00:00Z"), "2026-11-01 to 2026-11-30");
        assert_eq!(month("2026-12-31T23:00:00Z"), "2026-11-01 to 2026-11-30");
    }

    #[test]
    fn the_day_to_post() {
        let s = Schedule::new(Settings::default());
        // 14:00 PST on 27 Nov is 22:00Z: before it, day 25's window is still open.
        assert_eq!(
            s.day_to_post(at("2026-11-27T21:59:59Z")).to_string(),
            "2026-11-25"
        );
        assert_eq!(
            s.day_to_post(at("2026-11-27T22:00:00Z")).to_string(),
            "2026-11-26"
        );
        assert_eq!(
            s.day_to_post(at("2026-11-28T03:00:00Z")).to_string(),
            "2026-11-26"
        );
    }

    /// A month as the daemon walks it: collects slot after slot (each at its start, at :00 and
    /// :30 local, whatever the offset), and each day closed at 08:05 and posted at 14:00 of the
    /// next local day. Returns the slots collected per day.
    fn check_month(from: &str, to: &str) -> Vec<(String, usize)> {
        let settings = Settings::default();
        let s = Schedule::new(settings);
        let tz = settings.calendar.zone();
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
        let (from, to) = (at(from), at(to));
        let mut per_day: std::collections::BTreeMap<String, usize> = Default::default();
        let mut slot = s.next_collect(from);
        while slot.start() < to {
            let t = slot.start();
            assert!(
                local(t).ends_with(":00") || local(t).ends_with(":30"),
                "{t}"
            );
            *per_day
                .entry(settings.calendar.day_of_slot(slot).to_string())
                .or_default() += 1;
            // A sweep that takes a minute leaves the next slot due.
            slot = s.collect_after(slot, t + chrono::Duration::minutes(1));
        }
        let mut day = settings.calendar.day_of(from);
        while s.close_at(day) < to {
            assert_eq!(local(s.close_at(day)), "08:05", "close of {day}");
            assert_eq!(settings.calendar.day_of(s.close_at(day)), day.next());
            assert_eq!(local(s.post_at(day)), "14:00", "posts of {day}");
            assert_eq!(settings.calendar.day_of(s.post_at(day)), day.next());
            assert!(s.close_at(day) < s.post_at(day));
            day = day.next();
        }
        per_day.into_iter().collect()
    }

    /// Slots per day of the month: 48, except `dst_day` with `dst_slots`.
    fn check_slots(days: Vec<(String, usize)>, count: usize, dst_day: &str, dst_slots: usize) {
        assert_eq!(days.len(), count);
        for (day, slots) in days {
            let want = if day == dst_day { dst_slots } else { 48 };
            assert_eq!(slots, want, "{day}");
        }
    }

    /// The closes and posts of the days starting at `first`, as instants.
    fn closes_and_posts(first: &str, days: usize) -> Vec<String> {
        let s = Schedule::new(Settings::default());
        let mut day: Day = first.parse().unwrap();
        let mut out = Vec::new();
        for _ in 0..days {
            out.push(format!("{:?} close {day}", s.close_at(day)));
            out.push(format!("{:?} post {day}", s.post_at(day)));
            day = day.next();
        }
        out
    }

    #[test]
    fn a_sweep_that_outlasts_its_slot_skips_to_the_next_start() {
        let s = Schedule::new(Settings::default());
        let slot = s.current_slot(at("2026-11-26T20:10:00Z"));
        assert_eq!(slot.start(), at("2026-11-26T20:00:00Z"));
        let next = |minutes| {
            s.collect_after(
                slot,
                at("2026-11-26T20:00:00Z") + chrono::Duration::minutes(minutes),
            )
            .start()
        };
        assert_eq!(next(3), at("2026-11-26T20:30:00Z"));
        assert_eq!(next(30), at("2026-11-26T20:30:00Z"));
        assert_eq!(next(31), at("2026-11-26T21:00:00Z"));
        assert_eq!(next(90), at("2026-11-26T21:30:00Z"));
        assert_eq!(next(95), at("2026-11-26T22:00:00Z"));
    }

    #[test]
    fn a_month_across_spring_forward() {
        let days = check_month("2026-02-20T16:00:00Z", "2026-03-20T15:00:00Z");
        check_slots(days, 28, "2026-03-07", 46);
        assert_eq!(
            closes_and_posts("2026-03-06", 3),
            [
                "2026-03-07T16:05:00Z close 2026-03-06",
                "2026-03-07T22:00:00Z post 2026-03-06",
                "2026-03-08T15:05:00Z close 2026-03-07",
                "2026-03-08T21:00:00Z post 2026-03-07",
                "2026-03-09T15:05:00Z close 2026-03-08",
                "2026-03-09T21:00:00Z post 2026-03-08",
            ]
        );
    }

    #[test]
    fn a_month_across_fall_back() {
        let days = check_month("2026-10-15T15:00:00Z", "2026-11-14T16:00:00Z");
        check_slots(days, 30, "2026-10-31", 50);
        assert_eq!(
            closes_and_posts("2026-10-30", 3),
            [
                "2026-10-31T15:05:00Z close 2026-10-30",
                "2026-10-31T21:00:00Z post 2026-10-30",
                "2026-11-01T16:05:00Z close 2026-10-31",
                "2026-11-01T22:00:00Z post 2026-10-31",
                "2026-11-02T16:05:00Z close 2026-11-01",
                "2026-11-02T22:00:00Z post 2026-11-01",
            ]
        );
    }
}
