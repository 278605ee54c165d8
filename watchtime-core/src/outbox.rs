//! The outbox: what makes every post and reply go out at most once, even across crashes.
//!
//! Before sending, a job *claims* the item (the intent is stored); after, it *settles* it with
//! the platform's id, or with a failure that proves nothing went out. A claim left unsettled
//! (the process died mid-send) is found by the next claim as [`Claim::Unfinished`], and the job
//! decides by the publisher: resend where the platform deduplicates, hold otherwise.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::message::PostKind;
use crate::time::Day;

/// Identifies one thing to send on one platform.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutboxKey {
    /// The publisher's platform name (`twitter`, `mastodon`, `discord`, `console`, …).
    pub platform: String,
    /// What is sent: `post/<day>/<kind>` or `reply/<mention id>`.
    pub item: String,
}

impl OutboxKey {
    /// The key of a daily post.
    pub fn post(platform: &str, day: Day, kind: PostKind) -> Self {
        OutboxKey {
            platform: platform.to_owned(),
            item: format!("post/{day}/{kind}"),
        }
    }

    /// The key of the reply to a mention.
    pub fn reply(platform: &str, mention_id: &str) -> Self {
        OutboxKey {
            platform: platform.to_owned(),
            item: format!("reply/{mention_id}"),
        }
    }

    /// A stable idempotency key for platforms that accept one: the same key for every attempt of
    /// the same item, different for every item.
    pub fn idempotency_key(&self) -> String {
        format!("watchtime:{}:{}", self.platform, self.item)
    }
}

impl fmt::Debug for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.item)
    }
}

impl fmt::Display for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.item, self.platform)
    }
}

/// Why something is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A daily post.
    Post,
    /// A reply answering a mention.
    Answer,
    /// A "how to ask" reply.
    HowTo,
}

impl Purpose {
    /// The stable name stores keep.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Post => "post",
            Purpose::Answer => "answer",
            Purpose::HowTo => "howto",
        }
    }

    /// The inverse of [`Purpose::as_str`].
    pub fn parse(s: &str) -> Option<Purpose> {
        [Purpose::Post, Purpose::Answer, Purpose::HowTo]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// An item about to be claimed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Which item on which platform.
    pub key: OutboxKey,
    /// Why it is sent.
    pub purpose: Purpose,
    /// The author of the mention replied to (for per-author limits); `None` for posts.
    pub author: Option<String>,
}

/// Where an outbox entry stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Claimed; the send may be under way, or the process died during it.
    Pending,
    /// The last attempt provably sent nothing; another attempt is safe.
    Failed,
    /// Sent.
    Sent,
    /// Deliberately not sent (the bot's own mention, a rate-limited author, …).
    Skipped,
}

impl OutboxState {
    /// The stable name stores keep.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Failed => "failed",
            OutboxState::Sent => "sent",
            OutboxState::Skipped => "skipped",
        }
    }

    /// The inverse of [`OutboxState::as_str`].
    pub fn parse(s: &str) -> Option<OutboxState> {
        [
            OutboxState::Pending,
            OutboxState::Failed,
            OutboxState::Sent,
            OutboxState::Skipped,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }

    /// Sent or skipped: nothing more will be done.
    pub fn is_settled(self) -> bool {
        matches!(self, OutboxState::Sent | OutboxState::Skipped)
    }
}

/// A stored outbox entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Which item.
    pub key: OutboxKey,
    /// Why it is sent.
    pub purpose: Purpose,
    /// The mention's author, for replies.
    pub author: Option<String>,
    /// Where it stands.
    pub state: OutboxState,
    /// How many times it was claimed.
    pub attempts: u32,
    /// The platform's id of the post, once sent (when the platform said).
    pub remote_id: Option<String>,
    /// Why it failed or was skipped.
    pub detail: Option<String>,
    /// When it was first claimed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The answer to a claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// Never sent, or the last attempt provably failed: send it.
    Fresh,
    /// An earlier claim was never settled: it may have gone out.
    Unfinished {
        /// Attempts so far, this claim included.
        attempts: u32,
        /// When the unsettled attempt was claimed.
        since: DateTime<Utc>,
    },
    /// Already sent or skipped: do nothing.
    Settled(OutboxEntry),
}

/// The result of an attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Settlement {
    /// It went out; the platform's id when known.
    Sent {
        /// The platform's id.
        remote_id: Option<String>,
    },
    /// It is not to be sent, ever.
    Skipped {
        /// Why.
        reason: String,
    },
    /// It provably did not go out; a later attempt may.
    Failed {
        /// Why.
        reason: String,
    },
}

impl Settlement {
    /// The state an entry takes.
    pub fn state(&self) -> OutboxState {
        match self {
            Settlement::Sent { .. } => OutboxState::Sent,
            Settlement::Skipped { .. } => OutboxState::Skipped,
            Settlement::Failed { .. } => OutboxState::Failed,
        }
    }

    /// The remote id, for sent entries.
    pub fn remote_id(&self) -> Option<&str> {
        match self {
            Settlement::Sent { remote_id } => remote_id.as_deref(),
            _ => None,
        }
    }

    /// The reason, for skipped and failed entries.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Settlement::Sent { .. } => None,
            Settlement::Skipped { reason } | Settlement::Failed { reason } => Some(reason),
        }
    }
}

/// Replies recently sent to one author.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorActivity {
    /// Answers (pending or sent).
    pub answers: u32,
    /// "How to ask" replies (pending or sent).
    pub how_tos: u32,
}
