//! Recap periods: calendar weeks (Monday to Sunday, by day label) and calendar months.
//!
//! A recap is posted at the post hour of the day after its period's last day, like that day's
//! own posts: on Mondays for the week before, on the 1st for the month before. Days are day
//! labels ([`crate::time::DayCalendar`]), so every DST rule of the days holds for the periods.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::time::{Day, DayRange};

/// Which recap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecapKind {
    /// The calendar week, Monday to Sunday.
    Week,
    /// The calendar month.
    Month,
}

impl RecapKind {
    /// Both, in the order they are posted when due together.
    pub const ALL: [RecapKind; 2] = [RecapKind::Week, RecapKind::Month];

    /// The stable name of the outbox kind and of `WATCHTIME_RECAPS`: `week`, `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecapKind::Week => "week",
            RecapKind::Month => "month",
        }
    }

    /// The period of this kind that holds `day`.
    pub fn period_of(self, day: Day) -> DayRange {
        let date = day.date();
        match self {
            RecapKind::Week => {
                let from = day.minus_days(date.weekday().num_days_from_monday());
                DayRange {
                    from,
                    to: from.plus_days(6),
                }
            }
            RecapKind::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let next = first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(NaiveDate::MAX);
                DayRange {
                    from: Day::new(first),
                    to: Day::new(next).previous(),
                }
            }
        }
    }

    /// The period after `period`.
    pub fn next(self, period: DayRange) -> DayRange {
        self.period_of(period.to.next())
    }

    /// The period before `period`.
    pub fn before(self, period: DayRange) -> DayRange {
        self.period_of(period.from.previous())
    }

    /// The latest period of this kind whose last day is `day` or earlier: the one whose recap
    /// is posted with (or before) the daily posts of `day`.
    pub fn last_ended_by(self, day: Day) -> DayRange {
        let holding = self.period_of(day);
        if holding.to == day {
            holding
        } else {
            self.before(holding)
        }
    }

    /// "week" / "month" in "best week since tracking began".
    pub fn noun(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for RecapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecapKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        RecapKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| Error::invalid(format!("unknown recap {s:?}; use week or month")))
    }
}

/// Which recaps are posted: `WATCHTIME_RECAPS`, a comma-separated subset of `week,month`, or
/// `none`. Default both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recaps {
    /// Weekly recaps on.
    pub week: bool,
    /// Monthly recaps on.
    pub month: bool,
}

impl Default for Recaps {
    fn default() -> Self {
        Recaps {
            week: true,
            month: true,
        }
    }
}

impl Recaps {
    /// No recaps.
    pub const NONE: Recaps = Recaps {
        week: false,
        month: false,
    };

    /// The kinds turned on, in [`RecapKind::ALL`] order.
    pub fn kinds(self) -> impl Iterator<Item = RecapKind> {
        RecapKind::ALL.into_iter().filter(move |k| match k {
            RecapKind::Week => self.week,
            RecapKind::Month => self.month,
        })
    }
}

impl FromStr for Recaps {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        if s.trim().eq_ignore_ascii_case("none") {
            return Ok(Recaps::NONE);
        }
        let mut on = Recaps::NONE;
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            match part.trim().to_ascii_lowercase().parse::<RecapKind>() {
                Ok(RecapKind::Week) => on.week = true,
                Ok(RecapKind::Month) => on.month = true,
                Err(_) => {
                    return Err(Error::invalid(format!(
                        "WATCHTIME_RECAPS: unknown recap {:?}; use week, month, both as \"week,month\", or none",
                        part.trim()
                    )));
                }
            }
        }
        if on == Recaps::NONE {
            return Err(Error::invalid(
                "WATCHTIME_RECAPS is empty; use week, month, week,month or none",
            ));
        }
        Ok(on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Schedule;
    use crate::settings::Settings;

    fn day(s: &str) -> Day {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn period(kind: RecapKind, d: &str) -> String {
        kind.period_of(day(d)).to_string()
    }

    #[test]
    fn periods_across_month_ends_and_the_leap_day() {
        use RecapKind::{Month, Week};
        let cases = [
            (Week, "2026-12-07", "2026-12-07 to 2026-12-13"),
            (Week, "2026-12-06", "2026-11-30 to 2026-12-06"),
            (Week, "2026-12-31", "2026-12-28 to 2027-01-03"),
            (Week, "2028-02-29", "2028-02-28 to 2028-03-05"),
            (Month, "2028-02-14", "2028-02-01 to 2028-02-29"),
            (Month, "2026-02-28", "2026-02-01 to 2026-02-28"),
            (Month, "2026-12-31", "2026-12-01 to 2026-12-31"),
            (Month, "2026-11-01", "2026-11-01 to 2026-11-30"),
        ];
        for (kind, d, want) in cases {
            assert_eq!(period(kind, d), want, "{kind} of {d}");
        }
        assert_eq!(
            Month.next(Month.period_of(day("2028-01-31"))).to_string(),
            "2028-02-01 to 2028-02-29"
        );
        assert_eq!(
            Week.before(Week.period_of(day("2027-01-01"))).to_string(),
            "2026-12-21 to 2026-12-27"
        );
        // Mondays' posts recap the week that ended the day before; the 1st's, the month.
        assert_eq!(
            Week.last_ended_by(day("2026-12-06")).to_string(),
            "2026-11-30 to 2026-12-06"
        );
        assert_eq!(
            Week.last_ended_by(day("2026-12-05")).to_string(),
            "2026-11-23 to 2026-11-29"
        );
        assert_eq!(
            Month.last_ended_by(day("2028-02-29")).to_string(),
            "2028-02-01 to 2028-02-29"
        );
        assert_eq!(
            Month.last_ended_by(day("2028-02-28")).to_string(),
            "2028-01-01 to 2028-01-31"
        );
    }

    /// Recaps go out at 14:00 local on Mondays and on the 1st, whatever the offset: the weeks
    /// holding spring-forward and fall-back, and the month ends around them.
    #[test]
    fn recap_times_in_both_dst_weeks() {
        let s = Schedule::new(Settings::default());
        let cases = [
            // Spring forward on Sunday 8 March 2026: the week holds the 46-slot day 7 March.
            (RecapKind::Week, "2026-03-05", "2026-03-09T21:00:00Z"),
            (RecapKind::Week, "2026-02-25", "2026-03-02T22:00:00Z"),
            // Fall back on Sunday 1 November 2026: the week holds the 50-slot day 31 October.
            (RecapKind::Week, "2026-10-31", "2026-11-02T22:00:00Z"),
            (RecapKind::Week, "2026-10-24", "2026-10-26T21:00:00Z"),
            (RecapKind::Month, "2026-10-31", "2026-11-01T22:00:00Z"),
            (RecapKind::Month, "2026-03-07", "2026-04-01T21:00:00Z"),
            (RecapKind::Month, "2028-02-29", "2028-03-01T22:00:00Z"),
        ];
        for (kind, d, want) in cases {
            let p = kind.period_of(day(d));
            assert_eq!(
                s.recap_at(p).to_rfc3339(),
                want.replace('Z', "+00:00"),
                "{kind} of {d}"
            );
        }
        // A week's seven day labels hold 7 × 48 slots, less two or plus two in the DST weeks.
        let settings = Settings::default();
        let slots = |d: &str| -> u32 {
            RecapKind::Week
                .period_of(day(d))
                .days()
                .map(|d| {
                    settings
                        .calendar
                        .window(d)
                        .slots_expected(settings.slot_length)
                })
                .sum()
        };
        assert_eq!(slots("2026-03-05"), 7 * 48 - 2);
        assert_eq!(slots("2026-10-28"), 7 * 48 + 2);
        assert_eq!(slots("2026-12-01"), 7 * 48);
    }

    #[test]
    fn recaps_setting() {
        let parse = |s: &str| s.parse::<Recaps>().map(|r| r.kinds().collect::<Vec<_>>());
        assert_eq!(parse("week,month").ok(), Some(RecapKind::ALL.to_vec()));
        assert_eq!(parse(" month ").ok(), Some(vec![RecapKind::Month]));
        assert_eq!(parse("Week").ok(), Some(vec![RecapKind::Week]));
        assert_eq!(parse("none").ok(), Some(vec![]));
        assert!(parse("weekly").is_err());
        assert!(parse("").is_err());
        assert_eq!(Recaps::default().kinds().count(), 2);
    }
}
