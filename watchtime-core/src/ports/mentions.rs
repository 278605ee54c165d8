//! The mention port: questions people ask the bot.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// One mention of the bot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The platform's id of the mentioning post.
    pub id: String,
    /// The author's account id.
    pub author_id: String,
    /// The author's handle, for logs.
    pub author_handle: String,
    /// The text as plain text (HTML already stripped where the platform sends HTML).
    pub text: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// What a reply must start with for the author to see it (`@alice@example.social ` on
    /// Mastodon; empty on X, where the reply link suffices).
    pub reply_prefix: String,
}

/// One batch of mentions, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionPage {
    /// The mentions, oldest first.
    pub mentions: Vec<Mention>,
    /// The cursor to store once these mentions are handled; `None` to keep the current one.
    pub cursor: Option<String>,
    /// Whether more mentions wait after this page.
    pub more: bool,
}

/// Where mentions come from.
#[async_trait]
pub trait MentionSource: Send + Sync + Debug {
    /// The platform's name; must equal the replying publisher's.
    fn platform(&self) -> &str;

    /// The bot's own account id, so it never answers itself.
    async fn own_account_id(&self) -> Result<String>;

    /// Mentions after `cursor` (all reachable ones when `None`), oldest first.
    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage>;
}

/// A shared, type-erased mention source.
pub type DynMentionSource = Arc<dyn MentionSource>;
