//! When the bot acts: a snapshot at every slot start, each day closed at its end plus a grace
//! period, its posts at the post hour of the next local day. All in the calendar's zone, DST
//! included; the daemon asks this and sleeps until the answer.

use chrono::{DateTime, Utc};

use crate::settings::Settings;
use crate::time::{Day, Slot};

/// A scheduled action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    /// Take the snapshot of a slot (at its start).
    Collect(Slot),
    /// Roll a finished day up.
    Close(Day),
    /// Publish a day's posts.
    Post(Day),
}

/// The timetable of the bot, derived from [`Settings`].
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    settings: Settings,
}

impl Schedule {
    /// The schedule for `settings`.
    pub fn new(settings: Settings) -> Self {
        Schedule { settings }
    }

    /// The slot whose snapshot is due at or after `t`: the slot starting at `t` if `t` is a
    /// boundary, else the next one.
    pub fn next_collect(&self, t: DateTime<Utc>) -> Slot {
        self.settings.slot_length.first_slot_from(t)
    }

    /// When `day` is closed.
    pub fn close_at(&self, day: Day) -> DateTime<Utc> {
        self.settings.close_time(day)
    }

    /// When the posts of `day` go out.
    pub fn post_at(&self, day: Day) -> DateTime<Utc> {
        self.settings.post_time(day)
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

    /// Every event in `[from, to)`, in time order (ties: collect, close, post).
    pub fn events(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, Event)> {
        let mut out = Vec::new();
        let mut slot = self.next_collect(from);
        while slot.start() < to {
            out.push((slot.start(), Event::Collect(slot)));
            slot = self.settings.slot_length.next(slot);
        }
        let calendar = self.settings.calendar;
        let mut day = calendar.day_of(from).minus_days(2);
        while self.close_at(day) < to || self.post_at(day) < to {
            for (at, event) in [
                (self.close_at(day), Event::Close(day)),
                (self.post_at(day), Event::Post(day)),
            ] {
                if from <= at && at < to {
                    out.push((at, event));
                }
            }
            day = day.next();
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
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

    /// Every event of a month in local time: collects at :00 and :30, closes at 08:05, posts at
    /// 14:00, whatever the offset; slots per day 46 across spring-forward, 50 across fall-back.
    fn check_month(from: &str, to: &str) -> Vec<(String, usize)> {
        let settings = Settings::default();
        let s = Schedule::new(settings);
        let tz = settings.calendar.zone();
        let events = s.events(at(from), at(to));
        let mut per_day: std::collections::BTreeMap<String, usize> = Default::default();
        for (t, e) in &events {
            let local = t.with_timezone(&tz).format("%H:%M").to_string();
            match e {
                Event::Collect(slot) => {
                    assert!(local.ends_with(":00") || local.ends_with(":30"), "{t}");
                    *per_day
                        .entry(settings.calendar.day_of_slot(*slot).to_string())
                        .or_default() += 1;
                }
                Event::Close(d) => {
                    assert_eq!(local, "08:05", "close of {d}");
                    assert_eq!(settings.calendar.day_of(*t), d.next());
                }
                Event::Post(d) => {
                    assert_eq!(local, "14:00", "posts of {d}");
                    assert_eq!(settings.calendar.day_of(*t), d.next());
                }
            }
        }
        // Every day of the month is closed once and posted once, in that order.
        let closes: Vec<_> = events
            .iter()
            .filter_map(|(_, e)| {
                if let Event::Close(d) = e {
                    Some(*d)
                } else {
                    None
                }
            })
            .collect();
        let posts: Vec<_> = events
            .iter()
            .filter_map(|(_, e)| {
                if let Event::Post(d) = e {
                    Some(*d)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(closes, posts);
        assert!(closes.windows(2).all(|w| w[1] == w[0].next()));
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

    /// The closes and posts of `[from, to)`, exactly.
    fn closes_and_posts(from: &str, to: &str) -> Vec<String> {
        Schedule::new(Settings::default())
            .events(at(from), at(to))
            .into_iter()
            .filter(|(_, e)| !matches!(e, Event::Collect(_)))
            .map(|(t, e)| format!("{t:?} {e:?}"))
            .collect()
    }

    #[test]
    fn a_month_across_spring_forward() {
        let days = check_month("2026-02-20T16:00:00Z", "2026-03-20T15:00:00Z");
        check_slots(days, 28, "2026-03-07", 46);
        assert_eq!(
            closes_and_posts("2026-03-07T16:00:00Z", "2026-03-09T22:00:00Z"),
            [
                "2026-03-07T16:05:00Z Close(Day(2026-03-06))",
                "2026-03-07T22:00:00Z Post(Day(2026-03-06))",
                "2026-03-08T15:05:00Z Close(Day(2026-03-07))",
                "2026-03-08T21:00:00Z Post(Day(2026-03-07))",
                "2026-03-09T15:05:00Z Close(Day(2026-03-08))",
                "2026-03-09T21:00:00Z Post(Day(2026-03-08))",
            ]
        );
    }

    #[test]
    fn a_month_across_fall_back() {
        let days = check_month("2026-10-15T15:00:00Z", "2026-11-14T16:00:00Z");
        check_slots(days, 30, "2026-10-31", 50);
        assert_eq!(
            closes_and_posts("2026-10-31T15:00:00Z", "2026-11-02T23:00:00Z"),
            [
                "2026-10-31T15:05:00Z Close(Day(2026-10-30))",
                "2026-10-31T21:00:00Z Post(Day(2026-10-30))",
                "2026-11-01T16:05:00Z Close(Day(2026-10-31))",
                "2026-11-01T22:00:00Z Post(Day(2026-10-31))",
                "2026-11-02T16:05:00Z Close(Day(2026-11-01))",
                "2026-11-02T22:00:00Z Post(Day(2026-11-01))",
            ]
        );
    }
}
