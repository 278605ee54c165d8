//! Scripted mentions for the demo: a `MentionSource` that hands out a fixed list once.

use async_trait::async_trait;
use watchtime_core::ports::{Mention, MentionPage, MentionSource};

/// Mentions given up front, numbered from 1; the cursor is the last id handed out.
#[derive(Debug)]
pub struct ScriptedMentions {
    platform: String,
    own_id: String,
    mentions: Vec<Mention>,
}

impl ScriptedMentions {
    /// Mentions on `platform` for a bot whose account id is `own_id`.
    pub fn new(platform: &str, own_id: &str, mentions: Vec<Mention>) -> Self {
        ScriptedMentions {
            platform: platform.to_owned(),
            own_id: own_id.to_owned(),
            mentions,
        }
    }
}

#[async_trait]
impl MentionSource for ScriptedMentions {
    fn platform(&self) -> &str {
        &self.platform
    }

    async fn own_account_id(&self) -> watchtime_core::Result<String> {
        Ok(self.own_id.clone())
    }

    async fn mentions_since(&self, cursor: Option<&str>) -> watchtime_core::Result<MentionPage> {
        let after: u64 = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
        let mentions: Vec<Mention> = self
            .mentions
            .iter()
            .filter(|m| m.id.parse::<u64>().is_ok_and(|id| id > after))
            .cloned()
            .collect();
        Ok(MentionPage {
            cursor: mentions.last().map(|m| m.id.clone()),
            mentions,
            more: false,
        })
    }
}
