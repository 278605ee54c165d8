//! Reading mentions ([`MentionSource`]) from the notifications API.
//!
//! `GET /api/v1/notifications?types[]=mention&min_id=<cursor>` answers the page of notifications
//! **immediately after** the cursor (newest first within the page), so stepping `min_id` to the
//! newest id of each page walks a backlog forward without gaps. (`since_id` would answer the
//! newest page and skip everything between.) The cursor is the notification id; the mention id
//! is the status id, which replies answer.

use async_trait::async_trait;
use tracing::{debug, warn};
use watchtime_core::ports::{Mention, MentionPage, MentionSource};
use watchtime_core::{Error, Result};

use crate::api::{Account, Notification, id_order};
use crate::client::{MastodonClient, PLATFORM};
use crate::config::Visibility;
use crate::error::MastodonError;
use crate::html::html_to_text;

/// Notifications asked for per page: Mastodon's default page; it serves up to 80, older
/// versions and forks fewer. A shorter page than this is taken as the last one.
pub const PAGE_LIMIT: usize = 40;

#[async_trait]
impl MentionSource for MastodonClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// `GET /api/v1/accounts/verify_credentials`, once; needs `read:accounts`.
    async fn own_account_id(&self) -> Result<String> {
        let id = self
            .own_id
            .get_or_try_init(|| async {
                let url = self.http.url("/api/v1/accounts/verify_credentials");
                let answer = self
                    .http
                    .send("account", || self.http.client().get(&url))
                    .await
                    .map_err(|f| f.error)?;
                let account = answer
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<Account>(b).ok())
                    .ok_or_else(|| self.malformed("account"))?;
                Ok::<_, MastodonError>(account.id)
            })
            .await?;
        Ok(id.clone())
    }

    /// One page of mentions after `cursor` (from the oldest reachable when `None`), oldest
    /// first. The page's cursor is its newest notification id, including notifications that
    /// carry no usable mention (a deleted status, an unreadable entry), so they are passed
    /// over rather than read again forever.
    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage> {
        let url = self.http.url("/api/v1/notifications");
        let min_id = cursor.unwrap_or("0");
        let limit = PAGE_LIMIT.to_string();
        let answer = self
            .http
            .send("notifications", || {
                self.http.client().get(&url).query(&[
                    ("types[]", "mention"),
                    ("min_id", min_id),
                    ("limit", &limit),
                ])
            })
            .await
            .map_err(|f| Error::from(f.error))?;
        let entries: Vec<serde_json::Value> = answer
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .ok_or_else(|| self.malformed("notification list"))?;
        let more = entries.len() >= PAGE_LIMIT;
        let mut read: Vec<(String, Option<Mention>)> = entries
            .into_iter()
            .filter_map(|entry| self.read_entry(entry))
            .collect();
        read.sort_by(|(a, _), (b, _)| id_order(a, b));
        let cursor = read.last().map(|(id, _)| id.clone());
        let mentions: Vec<Mention> = read.into_iter().filter_map(|(_, m)| m).collect();
        debug!(host = %self.http.host, mentions = mentions.len(), more, "read mentions");
        Ok(MentionPage {
            mentions,
            cursor,
            more,
        })
    }
}

impl MastodonClient {
    /// A notification's id and, when it is a readable mention, the mention.
    pub(crate) fn read_entry(&self, entry: serde_json::Value) -> Option<(String, Option<Mention>)> {
        let Some(id) = entry
            .get("id")
            .and_then(|id| id.as_str())
            .map(str::to_owned)
        else {
            warn!(host = %self.http.host, "skipped a notification without an id");
            return None;
        };
        let notification = match serde_json::from_value::<Notification>(entry) {
            Ok(n) => n,
            Err(e) => {
                warn!(host = %self.http.host, notification = %id, error = %e, "skipped an unreadable notification");
                return Some((id, None));
            }
        };
        // Old servers ignore `types[]`.
        if notification.kind != "mention" {
            return Some((id, None));
        }
        let Some(status) = notification.status else {
            debug!(host = %self.http.host, notification = %id, "mention of a deleted status");
            return Some((id, None));
        };
        let visibility = status
            .visibility
            .as_deref()
            .and_then(|v| v.parse::<Visibility>().ok())
            .unwrap_or(Visibility::Public);
        self.remember_visibility(&status.id, visibility);
        let acct = notification.account.acct;
        let mention = Mention {
            id: status.id,
            author_id: notification.account.id,
            author_handle: acct.clone(),
            text: html_to_text(&status.content),
            created_at: status.created_at,
            reply_prefix: format!("@{acct} "),
        };
        Some((id, Some(mention)))
    }

    fn malformed(&self, what: &'static str) -> MastodonError {
        MastodonError::Malformed {
            host: self.http.host.clone(),
            what,
            reason: "not the JSON the API documents".into(),
        }
    }
}
