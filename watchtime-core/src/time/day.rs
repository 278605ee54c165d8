//! The Twitch day: `[D 08:00, D+1 08:00)` in America/Los_Angeles by default, DST included.
//!
//! Viewership bottoms out in the Los Angeles morning, so a day cut there splits the fewest
//! streams. The zone and hour are settings; everything that asks "which day is this instant in"
//! or "when does day D start" goes through [`DayCalendar`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::slot::{Slot, SlotLength};

/// A day label: the local date on which the day starts.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(NaiveDate);

impl Day {
    /// The day labelled `date`.
    pub fn new(date: NaiveDate) -> Self {
        Day(date)
    }

    /// The day labelled by `year-month-day`, if that date exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day)
    }

    /// The label as a date.
    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day(self.0.succ_opt().unwrap_or(self.0))
    }

    /// The day before.
    pub fn previous(self) -> Day {
        Day(self.0.pred_opt().unwrap_or(self.0))
    }

    /// The day `n` days later.
    pub fn plus_days(self, n: u32) -> Day {
        Day(self.0 + Duration::days(i64::from(n)))
    }

    /// The day `n` days earlier.
    pub fn minus_days(self, n: u32) -> Day {
        Day(self.0 - Duration::days(i64::from(n)))
    }

    /// Days since 1970-01-01, the form the SQL stores keep.
    pub fn days_since_epoch(self) -> i32 {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        i32::try_from((self.0 - epoch).num_days()).unwrap_or(i32::MAX)
    }

    /// The inverse of [`Day::days_since_epoch`].
    pub fn from_days_since_epoch(days: i32) -> Day {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        Day(epoch + Duration::days(i64::from(days)))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Debug for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Day({self})")
    }
}

impl FromStr for Day {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| Error::invalid(format!("{s:?} is not a day; write YYYY-MM-DD")))
    }
}

/// An inclusive range of days, `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayRange {
    /// The first day.
    pub from: Day,
    /// The last day, included.
    pub to: Day,
}

impl DayRange {
    /// `from..=to`; fails if `to` is before `from`.
    pub fn new(from: Day, to: Day) -> Result<Self> {
        if to < from {
            return Err(Error::invalid(format!(
                "range ends ({to}) before it starts ({from})"
            )));
        }
        Ok(DayRange { from, to })
    }

    /// The range holding only `day`.
    pub fn single(day: Day) -> Self {
        DayRange { from: day, to: day }
    }

    /// The `n` days that end with `last` (n ≥ 1).
    pub fn ending(last: Day, n: u32) -> Self {
        DayRange {
            from: last.minus_days(n.max(1) - 1),
            to: last,
        }
    }

    /// Whether `day` is in the range.
    pub fn contains(&self, day: Day) -> bool {
        self.from <= day && day <= self.to
    }

    /// How many days the range holds.
    pub fn len(&self) -> u32 {
        u32::try_from((self.to.0 - self.from.0).num_days() + 1).unwrap_or(0)
    }

    /// Always false: a range holds at least one day. Present for symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The days in order.
    pub fn days(&self) -> impl Iterator<Item = Day> + '_ {
        self.from
            .0
            .iter_days()
            .take_while(move |d| *d <= self.to.0)
            .map(Day)
    }
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{} to {}", self.from, self.to)
        }
    }
}

/// The instants a day covers: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayWindow {
    /// The day.
    pub day: Day,
    /// Its first instant.
    pub start: DateTime<Utc>,
    /// The first instant of the next day.
    pub end: DateTime<Utc>,
}

impl DayWindow {
    /// Whether the slot belongs to this day (a slot belongs to the day containing its start).
    pub fn contains_slot(&self, slot: Slot) -> bool {
        self.start <= slot.start() && slot.start() < self.end
    }

    /// How many slots of `len` the day should have: 48 on most days at 30 minutes, 46 and 50
    /// across the DST changes in zones that have them.
    pub fn slots_expected(&self, len: SlotLength) -> u32 {
        len.slots_between(self.start, self.end)
    }

    /// The length of the day, 23 to 25 hours where DST applies.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }
}

/// Where days start: a time zone and a local hour.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayCalendar {
    tz: Tz,
    start_hour: u32,
}

impl DayCalendar {
    /// The default calendar: days start at 08:00 America/Los_Angeles.
    pub const LOS_ANGELES_8AM: DayCalendar = DayCalendar {
        tz: chrono_tz::America::Los_Angeles,
        start_hour: 8,
    };

    /// Days starting at `start_hour` (0–23) local time in `tz`.
    pub fn new(tz: Tz, start_hour: u32) -> Result<Self> {
        if start_hour > 23 {
            return Err(Error::invalid(format!(
                "day start hour must be 0 to 23, got {start_hour}"
            )));
        }
        Ok(DayCalendar { tz, start_hour })
    }

    /// Parses an IANA zone name such as `America/Los_Angeles`.
    pub fn parse_zone(name: &str) -> Result<Tz> {
        name.trim().parse::<Tz>().map_err(|_| {
            Error::invalid(format!(
                "{name:?} is not an IANA time zone, e.g. America/Los_Angeles"
            ))
        })
    }

    /// The zone.
    pub fn zone(&self) -> Tz {
        self.tz
    }

    /// The local hour days start at.
    pub fn start_hour(&self) -> u32 {
        self.start_hour
    }

    /// The first instant of `day`. A start hour that falls in a DST gap moves to the first
    /// instant after the gap; one that occurs twice takes the earlier.
    pub fn start_of(&self, day: Day) -> DateTime<Utc> {
        self.at_local_hour(day.date(), self.start_hour)
    }

    /// `hour`:00 local time on `date` in this calendar's zone, with the same DST handling as
    /// [`DayCalendar::start_of`]: a time in a gap moves past it, a repeated time takes the earlier.
    pub fn at_local_hour(&self, date: NaiveDate, hour: u32) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
        let mut local = date.and_time(time);
        // A gap is at most a few hours; walk forward a minute at a time to its end.
        for _ in 0..=24 * 60 {
            match self.tz.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(earlier, _) => return earlier.with_timezone(&Utc),
                LocalResult::None => local += Duration::minutes(1),
            }
        }
        Utc.from_utc_datetime(&date.and_time(time))
    }

    /// The instants of `day`.
    pub fn window(&self, day: Day) -> DayWindow {
        DayWindow {
            day,
            start: self.start_of(day),
            end: self.start_of(day.next()),
        }
    }

    /// The day that contains `t`.
    pub fn day_of(&self, t: DateTime<Utc>) -> Day {
        let local_date = Day(t.with_timezone(&self.tz).date_naive());
        if t < self.start_of(local_date) {
            local_date.previous()
        } else if t >= self.start_of(local_date.next()) {
            local_date.next()
        } else {
            local_date
        }
    }

    /// The day a slot belongs to: the one containing its start.
    pub fn day_of_slot(&self, slot: Slot) -> Day {
        self.day_of(slot.start())
    }

    /// The last day that has fully ended at `now`: "yesterday" for a post made at 14:00.
    pub fn last_finished_day(&self, now: DateTime<Utc>) -> Day {
        self.day_of(now).previous()
    }
}

impl Default for DayCalendar {
    fn default() -> Self {
        DayCalendar::LOS_ANGELES_8AM
    }
}

impl fmt::Debug for DayCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DayCalendar({:02}:00 {})",
            self.start_hour,
            self.tz.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    const LA: DayCalendar = DayCalendar::LOS_ANGELES_8AM;
    const HALF_HOUR: SlotLength = SlotLength::THIRTY_MINUTES;

    #[test]
    fn day_windows_and_slot_counts() {
        // (day, start UTC, end UTC, hours, 30-minute slots)
        let cases = [
            (
                "2026-01-15",
                "2026-01-15T16:00:00Z",
                "2026-01-16T16:00:00Z",
                24,
                48,
            ),
            (
                "2026-07-04",
                "2026-07-04T15:00:00Z",
                "2026-07-05T15:00:00Z",
                24,
                48,
            ),
            // The night of 2026-03-08 springs forward: day 2026-03-07 is 23 hours.
            (
                "2026-03-07",
                "2026-03-07T16:00:00Z",
                "2026-03-08T15:00:00Z",
                23,
                46,
            ),
            (
                "2026-03-08",
                "2026-03-08T15:00:00Z",
                "2026-03-09T15:00:00Z",
                24,
                48,
            ),
            // The night of 2026-11-01 falls back: day 2026-10-31 is 25 hours.
            (
                "2026-10-31",
                "2026-10-31T15:00:00Z",
                "2026-11-01T16:00:00Z",
                25,
                50,
            ),
            (
                "2026-11-01",
                "2026-11-01T16:00:00Z",
                "2026-11-02T16:00:00Z",
                24,
                48,
            ),
            (
                "2026-12-31",
                "2026-12-31T16:00:00Z",
                "2027-01-01T16:00:00Z",
                24,
                48,
            ),
        ];
        for (d, start, end, hours, slots) in cases {
            let w = LA.window(day(d));
            assert_eq!((w.start, w.end), (at(start), at(end)), "{d}");
            assert_eq!(w.duration(), Duration::hours(hours), "{d}");
            assert_eq!(w.slots_expected(HALF_HOUR), slots, "{d}");
        }
    }

    #[test]
    fn instants_either_side_of_8am() {
        // (instant UTC, its day) with 08:00 LA at 16:00Z in winter and 15:00Z in summer.
        let cases = [
            ("2026-01-15T15:59:59Z", "2026-01-14"),
            ("2026-01-15T16:00:00Z", "2026-01-15"),
            ("2026-01-15T16:00:01Z", "2026-01-15"),
            ("2026-07-04T14:59:59Z", "2026-07-03"),
            ("2026-07-04T15:00:00Z", "2026-07-04"),
            ("2026-07-04T15:00:01Z", "2026-07-04"),
            // Around the spring-forward morning and the fall-back morning.
            ("2026-03-08T14:59:59Z", "2026-03-07"),
            ("2026-03-08T15:00:00Z", "2026-03-08"),
            ("2026-11-01T15:59:59Z", "2026-10-31"),
            ("2026-11-01T16:00:00Z", "2026-11-01"),
            // Local midnight to 08:00 still belongs to the previous day.
            ("2026-01-15T09:00:00Z", "2026-01-14"),
        ];
        for (t, d) in cases {
            assert_eq!(LA.day_of(at(t)), day(d), "{t}");
        }
    }

    #[test]
    fn every_slot_of_a_dst_day_maps_back_to_it() {
        for d in ["2026-03-07", "2026-10-31", "2026-06-01"] {
            let w = LA.window(day(d));
            let mut slot = HALF_HOUR.slot_of(w.start);
            let mut n = 0;
            while slot.start() < w.end {
                assert_eq!(LA.day_of_slot(slot), day(d));
                assert!(w.contains_slot(slot));
                slot = HALF_HOUR.next(slot);
                n += 1;
            }
            assert_eq!(n, w.slots_expected(HALF_HOUR));
            assert_eq!(LA.day_of_slot(slot), day(d).next());
        }
    }

    #[test]
    fn other_zones_and_hours() {
        let berlin =
            DayCalendar::new(DayCalendar::parse_zone("Europe/Berlin").unwrap(), 6).unwrap();
        // Europe springs forward on 2026-03-29: the day starting 03-28 06:00 is 23 hours.
        let w = berlin.window(day("2026-03-28"));
        assert_eq!(w.start, at("2026-03-28T05:00:00Z"));
        assert_eq!(w.end, at("2026-03-29T04:00:00Z"));
        assert_eq!(w.slots_expected(HALF_HOUR), 46);
        assert_eq!(berlin.day_of(at("2026-03-29T03:59:59Z")), day("2026-03-28"));

        // A start hour inside the gap (02:00 on the spring-forward night) moves to 03:00.
        let la_2am = DayCalendar::new(chrono_tz::America::Los_Angeles, 2).unwrap();
        assert_eq!(
            la_2am.start_of(day("2026-03-08")),
            at("2026-03-08T10:00:00Z")
        );
        // A start hour that happens twice (01:00 on the fall-back night) takes the first.
        let la_1am = DayCalendar::new(chrono_tz::America::Los_Angeles, 1).unwrap();
        assert_eq!(
            la_1am.start_of(day("2026-11-01")),
            at("2026-11-01T08:00:00Z")
        );

        // A half-hour zone: 60-minute slots no longer align with the day start.
        let kolkata = DayCalendar::new(chrono_tz::Asia::Kolkata, 8).unwrap();
        let w = kolkata.window(day("2026-05-01"));
        assert_eq!(w.start, at("2026-05-01T02:30:00Z"));
        assert_eq!(w.slots_expected(SlotLength::from_minutes(60).unwrap()), 24);

        assert!(DayCalendar::new(chrono_tz::UTC, 24).is_err());
        assert!(DayCalendar::parse_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn ranges() {
        let r = DayRange::ending(day("2026-03-01"), 7);
        assert_eq!(r.from, day("2026-02-23"));
        assert_eq!(r.len(), 7);
        assert_eq!(r.days().count(), 7);
        assert!(DayRange::new(day("2026-03-02"), day("2026-03-01")).is_err());
        assert_eq!(
            Day::from_days_since_epoch(day("2026-03-01").days_since_epoch()),
            day("2026-03-01")
        );
        assert!("2026-02-30".parse::<Day>().is_err());
    }
}
