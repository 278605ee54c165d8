//! The rule settings every job reads.

use crate::ranking::DEFAULT_TOP;
use crate::snapshot::DEFAULT_MIN_VIEWERS;
use crate::time::{DayCalendar, SlotLength};

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
        }
    }
}
