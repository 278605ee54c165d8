//! Reading mentions ([`MentionSource`]) from `app.bsky.notification.listNotifications`.
//!
//! The AppView lists notifications newest first, and its cursor pages towards older ones. So
//! one read walks pages from the newest until it meets a notification older than the stored
//! cursor (or [`MAX_PAGES`] pages), and hands the new mentions over oldest first, with the
//! newest notification's `indexedAt` as the cursor to store. Notifications at exactly the
//! stored time are read again; the outbox answers each mention once whatever is read twice.
//!
//! The AppView dates and sorts a notification by the earlier of its post's `createdAt` and the
//! time it indexed it, and `createdAt` comes from the author's device. A post from a device
//! whose clock runs slow is listed below mentions that arrived before it, under a cursor already
//! stored. So every read also goes [`LOOKBACK_MINUTES`] below the cursor. Mentions of a page
//! whose cursor the caller then passed back (it stores the cursor only once it handled the
//! page) are not handed over again by this client; after a restart they are, once, and the
//! outbox skips them.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use tracing::{debug, warn};
use watchtime_core::ports::{Mention, MentionPage, MentionSource};
use watchtime_core::{Error, Result};

use crate::client::{BlueskyClient, PLATFORM};
use crate::session::Session;

/// Notifications asked for per page: the most the AppView serves.
pub const PAGE_LIMIT: usize = 100;

/// Pages read at most per call (1000 notifications). Older mentions than those are past the
/// bot's answering age anyway on any account that gets this many.
pub const MAX_PAGES: usize = 10;

/// How far below the stored cursor every read goes, for posts from devices whose clocks run
/// slow.
pub const LOOKBACK_MINUTES: i64 = 15;

/// Mentions handed over, by URI, with their times.
type Dated = Vec<(String, DateTime<Utc>)>;

/// What this client handed over, so a mention read again in the lookback is not handed over
/// twice.
#[derive(Debug, Default)]
pub(crate) struct Handed {
    /// The cursor the caller passes next if it handled the last page in full, and the page's
    /// mentions.
    pending: Option<(Option<String>, Dated)>,
    /// Mentions of pages the caller handled, by URI, with their times.
    handled: HashMap<String, DateTime<Utc>>,
}

impl Handed {
    /// Takes the last page as handled if the caller passes the cursor it ended with, forgets
    /// what lies below `floor`, and answers the URIs not to hand over again.
    fn confirm(&mut self, cursor: Option<&str>, floor: Option<DateTime<Utc>>) -> HashSet<String> {
        if let Some((expected, mentions)) = self.pending.take()
            && expected.as_deref() == cursor
        {
            self.handled.extend(mentions);
        }
        match floor {
            Some(floor) => self.handled.retain(|_, at| *at >= floor),
            None => self.handled.clear(),
        }
        self.handled.keys().cloned().collect()
    }
}

/// `listNotifications` output.
#[derive(Debug, Deserialize)]
struct NotificationList {
    notifications: Vec<serde_json::Value>,
    #[serde(default)]
    cursor: Option<String>,
}

/// One notification, as far as mentions need it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    uri: String,
    author: Author,
    reason: String,
    #[serde(default)]
    record: serde_json::Value,
    indexed_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct Author {
    did: String,
    handle: String,
}

#[async_trait]
impl MentionSource for BlueskyClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// The account's DID.
    async fn own_account_id(&self) -> Result<String> {
        Ok(self.did().await?)
    }

    /// Every mention and reply addressed to the bot since `cursor` (an RFC 3339 time this
    /// method handed out; all reachable ones when `None`), oldest first, in one page.
    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage> {
        let session = self.session().await?;
        let since = cursor.and_then(|c| match DateTime::parse_from_rfc3339(c) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                warn!(
                    cursor = c,
                    "the stored Bluesky cursor is not a time; reading from the newest"
                );
                None
            }
        });
        let floor = since.map(|since| since - chrono::Duration::minutes(LOOKBACK_MINUTES));
        let handled = self
            .handed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .confirm(cursor, floor);
        let mut mentions = Vec::new();
        let mut uris = HashSet::new();
        let mut newest: Option<DateTime<Utc>> = None;
        let mut page_cursor: Option<String> = None;
        for page in 1..=MAX_PAGES {
            let body = self
                .call("listNotifications", |_| {
                    let mut query = vec![
                        ("limit", PAGE_LIMIT.to_string()),
                        ("reasons", "mention".to_owned()),
                        ("reasons", "reply".to_owned()),
                    ];
                    if let Some(c) = &page_cursor {
                        query.push(("cursor", c.clone()));
                    }
                    self.xrpc
                        .get("app.bsky.notification.listNotifications")
                        .query(&query)
                })
                .await
                .map_err(|f| Error::from(f.error))?;
            let list: NotificationList = self.xrpc.read("notification list", &body)?;
            let mut reached_old = list.notifications.is_empty();
            for entry in list.notifications {
                let notification = match serde_json::from_value::<Notification>(entry) {
                    Ok(n) => n,
                    Err(e) => {
                        warn!(host = %self.xrpc.host, error = %e, "skipped an unreadable notification");
                        continue;
                    }
                };
                let at = notification.indexed_at;
                newest = newest.max(Some(at));
                if floor.is_some_and(|floor| at < floor) {
                    reached_old = true;
                    continue;
                }
                if handled.contains(&notification.uri) {
                    continue;
                }
                if uris.insert(notification.uri.clone())
                    && let Some(mention) = mention_of(notification, &session)
                {
                    mentions.push(mention);
                }
            }
            match list.cursor {
                Some(next) if !reached_old => page_cursor = Some(next),
                _ => break,
            }
            if page == MAX_PAGES {
                warn!(
                    host = %self.xrpc.host,
                    "more than {} notifications since the cursor; older ones are not read",
                    PAGE_LIMIT * MAX_PAGES
                );
            }
        }
        mentions.sort_by(|a: &Mention, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        let next = newest
            .filter(|n| since.is_none_or(|since| *n >= since))
            .map(|n| n.to_rfc3339_opts(SecondsFormat::Micros, true));
        self.handed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pending = Some((
            next.clone().or_else(|| cursor.map(str::to_owned)),
            mentions
                .iter()
                .map(|m| (m.id.clone(), m.created_at))
                .collect(),
        ));
        debug!(host = %self.xrpc.host, mentions = mentions.len(), "read mentions");
        Ok(MentionPage {
            mentions,
            cursor: next,
            more: false,
        })
    }
}

/// The mention in a notification, if it is a post addressed to the bot: a mention of it, or a
/// reply to one of its posts.
fn mention_of(n: Notification, session: &Session) -> Option<Mention> {
    let text = n.record.get("text")?.as_str()?;
    let own_prefix = format!("at://{}/", session.did);
    let addressed = match n.reason.as_str() {
        "mention" => true,
        "reply" => {
            let parent = n
                .record
                .pointer("/reply/parent/uri")
                .and_then(|u| u.as_str());
            parent.is_some_and(|p| p.starts_with(&own_prefix))
                || !mention_ranges(&n.record, &session.did, text).is_empty()
        }
        _ => false,
    };
    if !addressed {
        debug!(uri = %n.uri, reason = %n.reason, "a notification not addressed to the bot");
        return None;
    }
    Some(Mention {
        id: n.uri,
        author_id: n.author.did,
        author_handle: n.author.handle,
        text: query_text(text, &n.record, &session.did, &session.handle),
        created_at: n.indexed_at,
        reply_prefix: String::new(),
    })
}

/// A post's text without the bot's own mention: the byte ranges of its mention facets that
/// name `did`, or, when it has none (a client that sends no facets), each `@handle`.
pub(crate) fn query_text(
    text: &str,
    record: &serde_json::Value,
    did: &str,
    handle: &str,
) -> String {
    let mut ranges = mention_ranges(record, did, text);
    if ranges.is_empty() {
        ranges = handle_ranges(text, handle);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    out.trim().to_owned()
}

/// The byte ranges of the mention facets naming `did`, sorted, valid for `text` (on character
/// boundaries, in bounds) and not overlapping.
fn mention_ranges(record: &serde_json::Value, did: &str, text: &str) -> Vec<(usize, usize)> {
    let facets = record.get("facets").and_then(|f| f.as_array());
    let mut ranges: Vec<(usize, usize)> = facets
        .into_iter()
        .flatten()
        .filter(|facet| {
            facet
                .get("features")
                .and_then(|f| f.as_array())
                .into_iter()
                .flatten()
                .any(|feature| {
                    feature.get("$type").and_then(|t| t.as_str())
                        == Some("app.bsky.richtext.facet#mention")
                        && feature.get("did").and_then(|d| d.as_str()) == Some(did)
                })
        })
        .filter_map(|facet| {
            let index = facet.get("index")?;
            let start = usize::try_from(index.get("byteStart")?.as_u64()?).ok()?;
            let end = usize::try_from(index.get("byteEnd")?.as_u64()?).ok()?;
            (start < end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end))
            .then_some((start, end))
        })
        .collect();
    ranges.sort_unstable();
    let mut last_end = 0;
    ranges.retain(|&(start, end)| {
        let keep = start >= last_end;
        if keep {
            last_end = end;
        }
        keep
    });
    ranges
}

/// The byte ranges of `@handle` in `text`, ASCII case-insensitively, where the handle ends at
/// a character that cannot continue it.
fn handle_ranges(text: &str, handle: &str) -> Vec<(usize, usize)> {
    if handle.is_empty() {
        return Vec::new();
    }
    // ASCII lowercasing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let needle = format!("@{}", handle.to_ascii_lowercase());
    let bytes = lower.as_bytes();
    let continues = |at: usize| {
        let alnum = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric());
        alnum(at) || bytes.get(at) == Some(&b'-') || (bytes.get(at) == Some(&b'.') && alnum(at + 1))
    };
    lower
        .match_indices(&needle)
        .map(|(start, m)| (start, start + m.len()))
        .filter(|&(_, end)| !continues(end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BOT: &str = "did:plc:bot";

    fn facet(start: usize, end: usize, did: &str) -> serde_json::Value {
        json!({
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        })
    }

    #[test]
    fn the_bots_facet_is_cut_by_bytes() {
        // "龍 " is 4 bytes, so "@bot.test" spans bytes 4..13 though it starts at character 2.
        let text = "龍 @bot.test game 原神 week";
        let record = json!({"text": text, "facets": [facet(4, 13, BOT)]});
        assert_eq!(
            query_text(text, &record, BOT, "bot.test"),
            "龍  game 原神 week"
        );
        // Someone else's mention stays; only the bot's goes.
        let text = "@alice.test @bot.test 👨‍👩‍👧 Minecraft";
        let record = json!({"facets": [facet(0, 11, "did:plc:alice"), facet(12, 21, BOT)]});
        assert_eq!(
            query_text(text, &record, BOT, "bot.test"),
            "@alice.test  👨‍👩‍👧 Minecraft"
        );
    }

    #[test]
    fn bad_facets_fall_back_to_the_handle() {
        let text = "é @Bot.Test Chess";
        for facets in [
            json!([facet(1, 12, BOT)]), // inside "é"
            json!([facet(3, 99, BOT)]), // past the end
            json!([facet(9, 3, BOT)]),  // backwards
            json!([facet(3, 12, "did:plc:other")]),
        ] {
            let record = json!({ "facets": facets });
            assert_eq!(
                query_text(text, &record, BOT, "bot.test"),
                "é  Chess",
                "{facets}"
            );
        }
    }

    #[test]
    fn handles_end_where_a_handle_cannot_go_on() {
        let none = json!({});
        let cases = [
            ("@bot.test top games", "top games"),
            ("hey @BOT.TEST.", "hey ."),
            ("@bot.test.example Chess", "@bot.test.example Chess"),
            ("@bot.tester Chess", "@bot.tester Chess"),
            ("@bot.test @bot.test twice", "twice"),
            ("no mention at all", "no mention at all"),
        ];
        for (text, want) in cases {
            assert_eq!(query_text(text, &none, BOT, "bot.test"), want, "{text}");
        }
    }
}
