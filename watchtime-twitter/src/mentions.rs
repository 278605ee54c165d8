//! Turning pages of X mentions into the core's oldest-first batch.
//!
//! X answers `since_id` queries newest first, page by page. Handing the core the newest page with
//! its cursor would skip the older pages (the next `since_id` would be past them), so one call
//! walks every page of the query and returns the whole backlog oldest first, with the newest id
//! as the cursor. X keeps only the 800 most recent mentions reachable, which bounds the walk.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use watchtime_core::ports::Mention;

use crate::wire::{MentionsPage, Tweet};

/// Mentions X keeps reachable through this endpoint.
pub(crate) const REACHABLE_MENTIONS: u32 = 800;

/// Twitter's snowflake epoch (2010-11-04T01:42:54.657Z), in Unix milliseconds.
const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The mentions of every page, deduplicated and ordered oldest first.
#[derive(Debug, Default)]
pub(crate) struct Backlog {
    /// Keyed by (id length, id): numeric order for decimal ids without parsing them.
    by_id: BTreeMap<(usize, String), Mention>,
}

impl Backlog {
    /// Adds one page.
    pub(crate) fn add(&mut self, page: MentionsPage) {
        let handles: HashMap<&str, &str> = page
            .includes
            .users
            .iter()
            .filter_map(|u| Some((u.id.as_str(), u.username.as_deref()?)))
            .collect();
        for tweet in &page.data {
            let mention = to_mention(tweet, &handles);
            self.by_id
                .insert((mention.id.len(), mention.id.clone()), mention);
        }
    }

    /// How many distinct mentions were read.
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The mentions oldest first, and the newest id (the next `since_id`).
    pub(crate) fn into_oldest_first(self) -> (Vec<Mention>, Option<String>) {
        let mentions: Vec<Mention> = self.by_id.into_values().collect();
        let newest = mentions.last().map(|m| m.id.clone());
        (mentions, newest)
    }
}

fn to_mention(tweet: &Tweet, handles: &HashMap<&str, &str>) -> Mention {
    let author_id = tweet.author_id.clone().unwrap_or_default();
    let author_handle = handles
        .get(author_id.as_str())
        .map_or_else(|| author_id.clone(), |h| (*h).to_owned());
    let created_at = tweet
        .created_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| snowflake_time(&tweet.id))
        .unwrap_or_default();
    Mention {
        id: tweet.id.clone(),
        author_id,
        author_handle: author_handle.clone(),
        text: unescape(&tweet.text),
        created_at,
        // The handle makes each reply's text unique to its asker, so X's duplicate-content rule
        // never swallows the answer to a second person asking the same question.
        reply_prefix: format!("@{author_handle} "),
    }
}

/// When a post was made, read from its id (ids are time-ordered snowflakes), for the rare post
/// without `created_at`.
fn snowflake_time(id: &str) -> Option<DateTime<Utc>> {
    let id: u64 = id.parse().ok()?;
    let ms = i64::try_from(id >> 22).ok()? + SNOWFLAKE_EPOCH_MS;
    Utc.timestamp_millis_opt(ms).single()
}

/// X sends post text with `&`, `<` and `>` escaped as `&amp;`, `&lt;` and `&gt;`; this gives back
/// what the author typed. Single pass, so `&amp;lt;` becomes `&lt;`, not `<`. Nothing else is
/// touched: the text is the author's, hostile or not, and the core's parser decides.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (decoded, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(decoded);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Includes, Meta, User};

    fn tweet(id: &str, author: &str, text: &str) -> Tweet {
        Tweet {
            id: id.into(),
            text: text.into(),
            author_id: Some(author.into()),
            created_at: Some("2026-11-27T10:00:00.000Z".into()),
        }
    }

    #[test]
    fn unescapes_only_what_x_escapes() {
        assert_eq!(unescape("a &amp; b &lt;c&gt;"), "a & b <c>");
        assert_eq!(unescape("&amp;lt; &quot; & &"), "&lt; &quot; & &");
        assert_eq!(unescape("原神 &"), "原神 &");
    }

    #[test]
    fn pages_merge_oldest_first_with_numeric_order() {
        let mut b = Backlog::default();
        b.add(MentionsPage {
            data: vec![tweet("1000", "7", "newest"), tweet("999", "8", "older")],
            includes: Includes {
                users: vec![User {
                    id: "7".into(),
                    username: Some("alice".into()),
                }],
            },
            meta: Meta::default(),
        });
        b.add(MentionsPage {
            data: vec![tweet("999", "8", "older"), tweet("98", "8", "oldest")],
            ..MentionsPage::default()
        });
        assert_eq!(b.len(), 3);
        let (mentions, cursor) = b.into_oldest_first();
        let ids: Vec<&str> = mentions.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["98", "999", "1000"]);
        assert_eq!(cursor.as_deref(), Some("1000"));
        assert_eq!(mentions[2].author_handle, "alice");
        // Without an expanded user, the id stands in for the handle.
        assert_eq!(mentions[0].author_handle, "8");
        assert_eq!(
            mentions[0].reply_prefix,
            format!("@{} ", mentions[0].author_handle)
        );
    }

    #[test]
    fn created_at_falls_back_to_the_snowflake() {
        // The top 42 bits count milliseconds since the snowflake epoch.
        let t = snowflake_time("1460323737035677698").unwrap();
        assert_eq!(t.to_rfc3339(), "2021-11-15T19:08:05.069+00:00");
        let mut no_time = tweet("1460323737035677698", "1", "x");
        no_time.created_at = None;
        assert_eq!(to_mention(&no_time, &HashMap::new()).created_at, t);
        assert_eq!(snowflake_time("abc"), None);
    }
}
