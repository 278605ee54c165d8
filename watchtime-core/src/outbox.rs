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
use crate::recap::RecapKind;
use crate::time::{Day, DayRange};

/// Identifies one thing to send on one platform.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OutboxKey {
    /// The publisher's platform name (`twitter`, `mastodon`, `discord`, `console`, …).
    pub platform: String,
    /// What is sent: `post/<day>/<kind>` (a recap's kind is `week` or `month`, its day the
    /// period's first) or `reply/<mention id>`.
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

    /// The key of a recap: `post/<first day>/week` or `post/<first day>/month`, the outbox
    /// kinds beside the daily posts'.
    pub fn recap(platform: &str, kind: RecapKind, period: DayRange) -> Self {
        OutboxKey {
            platform: platform.to_owned(),
            item: format!("post/{}/{kind}", period.from),
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

/// The exact content of a post or reply, fixed by its first claim and sent by every attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The text, already fitted to the publisher's limit.
    pub text: String,
    /// When the item was first claimed: the post's own time on platforms that carry one
    /// (Bluesky's `createdAt`), the same for every attempt.
    pub created_at: DateTime<Utc>,
    /// The lowercase hex SHA-256 of the PNG attached, when there is one, so a retry can tell
    /// whether the image it would attach is the one the first attempt sent.
    pub image_sha256: Option<String>,
}

impl Payload {
    /// A payload of `text` first claimed at `created_at`, with no image.
    pub fn text(text: impl Into<String>, created_at: DateTime<Utc>) -> Self {
        Payload {
            text: text.into(),
            created_at,
            image_sha256: None,
        }
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
    /// What this attempt would send. Stored by the first claim; a later claim of the same item
    /// gets the stored payload back and sends that instead (see [`Claim`]).
    pub payload: Payload,
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
    /// Refused by the platform for good (the text, the post replied to, the account's standing):
    /// not sent again, so a refusal is not repeated on every run.
    Rejected,
}

impl OutboxState {
    /// The stable name stores keep.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Failed => "failed",
            OutboxState::Sent => "sent",
            OutboxState::Skipped => "skipped",
            OutboxState::Rejected => "rejected",
        }
    }

    /// The inverse of [`OutboxState::as_str`].
    pub fn parse(s: &str) -> Option<OutboxState> {
        [
            OutboxState::Pending,
            OutboxState::Failed,
            OutboxState::Sent,
            OutboxState::Skipped,
            OutboxState::Rejected,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }

    /// Sent, skipped or rejected: nothing more will be done.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            OutboxState::Sent | OutboxState::Skipped | OutboxState::Rejected
        )
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
    /// How many times it was claimed. Every claim is followed by one send (or by settling the
    /// entry as skipped), so for an unfinished entry this is how many sends reached, or may have
    /// reached, the publisher; a run that holds an unfinished entry does not claim it.
    pub attempts: u32,
    /// The platform's id of the post, once sent (when the platform said).
    pub remote_id: Option<String>,
    /// Why it failed or was skipped.
    pub detail: Option<String>,
    /// What is sent, as stored by the first claim; `None` only for entries written before
    /// payloads were kept (the next claim stores its own).
    pub payload: Option<Payload>,
    /// When it was first claimed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The answer to a claim.
///
/// `Fresh` and `Unfinished` carry the payload to send: the one stored by the item's first claim,
/// whatever the later claim offered. Only a first claim (or the first claim of an entry written
/// before payloads were kept) stores the offered payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// Never sent, or the last attempt provably failed: send `payload`.
    Fresh {
        /// What to send.
        payload: Payload,
    },
    /// An earlier claim was never settled: it may have gone out. Resending is safe only as
    /// exactly `payload`, and only where the platform deduplicates.
    Unfinished {
        /// Attempts so far, this claim included.
        attempts: u32,
        /// When the unsettled attempt was claimed.
        since: DateTime<Utc>,
        /// What the earlier attempt sent, and what to send again.
        payload: Payload,
    },
    /// Already sent, skipped or rejected: do nothing.
    Settled(OutboxEntry),
}

impl Claim {
    /// The payload to send, unless the entry is settled.
    pub fn payload(&self) -> Option<&Payload> {
        match self {
            Claim::Fresh { payload } | Claim::Unfinished { payload, .. } => Some(payload),
            Claim::Settled(_) => None,
        }
    }
}

impl OutboxEntry {
    /// The answer to a new claim of this entry, as it stood before the claim: the one re-claim
    /// rule every store follows.
    ///
    /// Settled stays settled; a proven failure may be sent again (fresh); a pending entry is
    /// unfinished. Either way the payload is the stored one, or `offered` for an entry written
    /// before payloads were kept. Unless settled, the store then marks the entry pending, counts
    /// one more attempt, sets `updated_at` and stores the payload if it had none.
    pub fn reclaim(self, offered: &Payload) -> Claim {
        if self.state.is_settled() {
            return Claim::Settled(self);
        }
        let payload = self.payload.unwrap_or_else(|| offered.clone());
        match self.state {
            OutboxState::Failed => Claim::Fresh { payload },
            _ => Claim::Unfinished {
                attempts: self.attempts + 1,
                since: self.updated_at,
                payload,
            },
        }
    }
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
    /// The platform refused it for good: it did not go out and is not tried again.
    Rejected {
        /// The platform's refusal.
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
            Settlement::Rejected { .. } => OutboxState::Rejected,
        }
    }

    /// The remote id, for sent entries.
    pub fn remote_id(&self) -> Option<&str> {
        match self {
            Settlement::Sent { remote_id } => remote_id.as_deref(),
            _ => None,
        }
    }

    /// The reason, for entries that were not sent.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Settlement::Sent { .. } => None,
            Settlement::Skipped { reason }
            | Settlement::Failed { reason }
            | Settlement::Rejected { reason } => Some(reason),
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
