//! The rule settings every job reads.

use chrono::{DateTime, Duration, Utc};

use crate::ranking::DEFAULT_TOP;
use crate::recap::Recaps;
use crate::snapshot::DEFAULT_MIN_VIEWERS;
use crate::time::{Day, DayCalendar, SlotLength};

/// How the bot counts, when it acts, and how much it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The collection interval.
    pub slot_length: SlotLength,
    /// Where days start.
    pub calendar: DayCalendar,
    /// Streams need more viewers than this to count.
    pub min_viewers: u32,
    /// Entries per ranking in posts and replies.
    pub top: usize,
    /// Raw samples are kept this many days after their day; totals are kept forever.
    pub retention_days: u32,
    /// The local hour (in the calendar's zone) of the daily posts.
    pub post_hour: u32,
    /// Minutes after the day's end before it is closed, so the last slot's snapshot lands.
    pub close_grace_minutes: u32,
    /// Answers one author may get per hour.
    pub replies_per_author_per_hour: u32,
    /// Mentions older than this many hours are not answered (a first run on an old account, or a
    /// long outage, must not flood people with stale replies).
    pub max_mention_age_hours: u32,
    /// Which recaps are posted (`WATCHTIME_RECAPS`).
    pub recaps: Recaps,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            slot_length: SlotLength::THIRTY_MINUTES,
            calendar: DayCalendar::LOS_ANGELES_8AM,
            min_viewers: DEFAULT_MIN_VIEWERS,
            top: DEFAULT_TOP,
            retention_days: 35,
            post_hour: 14,
            close_grace_minutes: 5,
            replies_per_author_per_hour: 3,
            max_mention_age_hours: 24,
            recaps: Recaps::default(),
        }
    }
}

impl Settings {
    /// When the posts of `day` are due: the post hour, local time, on the day after (`day` is
    /// "yesterday" then).
    pub fn post_time(&self, day: Day) -> DateTime<Utc> {
        self.calendar
            .at_local_hour(day.next().date(), self.post_hour)
    }

    /// When `day` may be closed: its end plus the grace period for the last snapshot.
    pub fn close_time(&self, day: Day) -> DateTime<Utc> {
        self.calendar.window(day).end + Duration::minutes(i64::from(self.close_grace_minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_and_close_times() {
        let s = Settings::default();
        let day: Day = "2026-03-07".parse().unwrap();
        // Posts of day 03-07 go out at 14:00 PDT on 03-08 (after the spring-forward night).
        assert_eq!(
            s.post_time(day),
            "2026-03-08T21:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            s.close_time(day),
            "2026-03-08T15:05:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let fall: Day = "2026-10-31".parse().unwrap();
        assert_eq!(
            s.post_time(fall),
            "2026-11-01T22:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
