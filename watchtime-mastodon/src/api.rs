//! The parts of Mastodon's JSON the client reads and writes.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/statuses` body.
#[derive(Debug, Serialize)]
pub(crate) struct NewStatus<'a> {
    pub(crate) status: &'a str,
    pub(crate) visibility: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) in_reply_to_id: Option<&'a str>,
    /// The attachments uploaded for it (`media_ids[]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) media_ids: Vec<String>,
}

/// A status, as far as the client needs it.
#[derive(Debug, Deserialize)]
pub(crate) struct Status {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) content: String,
    pub(crate) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(crate) visibility: Option<String>,
}

/// An account, as far as the client needs it.
#[derive(Debug, Deserialize)]
pub(crate) struct Account {
    pub(crate) id: String,
    /// `alice` for a local account, `alice@other.social` for a remote one.
    #[serde(default)]
    pub(crate) acct: String,
}

/// A notification of any type.
#[derive(Debug, Deserialize)]
pub(crate) struct Notification {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) account: Account,
    /// Absent when the status was deleted.
    #[serde(default)]
    pub(crate) status: Option<Status>,
}

/// Orders Mastodon ids, which are decimal strings too long for `u64` on some forks: a shorter id
/// is smaller, equal lengths compare as text. Fixed-length flake ids (Pleroma) order as text.
pub(crate) fn id_order(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_numerically() {
        let mut ids = vec!["110", "9", "109999999999999999", "11", "100"];
        ids.sort_by(|a, b| id_order(a, b));
        assert_eq!(ids, ["9", "11", "100", "110", "109999999999999999"]);
    }

    #[test]
    fn new_status_omits_missing_reply() {
        let body = serde_json::to_value(NewStatus {
            status: "hi",
            visibility: "public",
            in_reply_to_id: None,
            media_ids: vec![],
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "hi", "visibility": "public"})
        );
    }
}
