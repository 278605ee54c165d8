//! Message text: the daily posts and the replies, each built to fit its publisher's limit.

mod fit;
mod hours;
mod labels;
mod limit;
mod posts;
mod recap;
#[cfg(test)]
mod recap_tests;
mod replies;
mod shorten;
#[cfg(test)]
mod tests;

pub use fit::{Draft, MIN_NAME_GRAPHEMES, Part, display_name};
pub use hours::{format_count, format_hours};
pub use labels::range_label;
pub use limit::{
    BYTES_PER_GRAPHEME, CountRule, TextLimit, URL_LENGTH, grapheme_length, mastodon_length,
    x_weighted_length,
};
pub use posts::{DayMovements, DayRankings, PostKind, Spotlight, daily_post};
pub use recap::recap_post;
pub use replies::{Answer, reply_text};
pub use shorten::shorten;
