//! The publisher: daily posts as messages through a channel webhook.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tracing::{debug, warn};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, Post, PublishError, Publisher, Redelivery};

use crate::config::DiscordConfig;
use crate::error::DiscordError;
use crate::http::{Failure, Webhook};

/// The platform name, which keys the outbox.
pub const PLATFORM: &str = "discord";

/// Posts the daily rankings to a Discord channel through its webhook.
///
/// A webhook can only post: [`Publisher::takes_replies`] is false, and there are no mentions to
/// read. Names in posts never ping anyone (`allowed_mentions: {"parse": []}`).
///
/// Delivery: webhooks take no idempotency key, so a message sent twice is posted twice.
/// [`Publisher::redelivery`] is therefore [`Redelivery::Duplicates`], and a send is retried here
/// only when it provably did not go out (a 429, a refused connection). A 5xx or a timeout is
/// [`PublishError::Unknown`] after one attempt: the message may be in the channel, and the
/// core's outbox holds it rather than risk a duplicate.
pub struct DiscordClient {
    webhook: Webhook,
}

/// The longest attachment description (alt text) Discord takes, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;

/// The body of an execute-webhook call.
#[derive(Debug, Serialize)]
struct Message<'a> {
    content: &'a str,
    allowed_mentions: AllowedMentions,
    /// The files sent with the message, by their part index (`files[0]` has `id` 0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment>,
}

/// A file of the message and its alt text.
#[derive(Debug, Serialize)]
struct Attachment {
    id: u32,
    filename: &'static str,
    description: String,
}

/// Which mentions in the content may notify: none.
#[derive(Debug, Serialize)]
struct AllowedMentions {
    parse: [&'static str; 0],
}

/// The posted message, as far as we need it.
#[derive(Debug, Deserialize)]
struct Posted {
    id: String,
}

impl DiscordClient {
    /// A publisher for the webhook in `config`. Makes no request; a wrong webhook shows on the
    /// first post as [`DiscordError::InvalidWebhook`].
    pub fn new(config: DiscordConfig) -> Result<Self, DiscordError> {
        Ok(DiscordClient {
            webhook: Webhook::new(&config)?,
        })
    }
}

impl fmt::Debug for DiscordClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscordClient")
            .field("webhook", &"[redacted]")
            .finish()
    }
}

#[async_trait]
impl Publisher for DiscordClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    fn text_limit(&self) -> TextLimit {
        TextLimit::DISCORD
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Duplicates
    }

    fn takes_replies(&self) -> bool {
        false
    }

    fn takes_images(&self) -> bool {
        true
    }

    fn alt_text_limit(&self) -> usize {
        MAX_DESCRIPTION_CHARS
    }

    /// Posts `post.text`, with its image as an attachment described by its alt text. The
    /// idempotency key is not sent: webhooks have none.
    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        let limit = TextLimit::DISCORD;
        let length = limit.count(&post.text);
        if length > limit.max {
            return Err(PublishError::NotSent(
                DiscordError::TooLong {
                    length,
                    max: limit.max,
                }
                .into(),
            ));
        }
        let attachments = post
            .image
            .iter()
            .map(|image| Attachment {
                id: 0,
                filename: "chart.png",
                description: image.alt.chars().take(MAX_DESCRIPTION_CHARS).collect(),
            })
            .collect();
        let message = Message {
            content: &post.text,
            allowed_mentions: AllowedMentions { parse: [] },
            attachments,
        };
        let png = post.image.as_ref().map(|image| image.png.as_slice());
        match self.webhook.execute(&message, png).await {
            Ok(answer) => {
                let posted = answer
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<Posted>(b).ok());
                match posted {
                    Some(posted) => {
                        debug!(id = %posted.id, "discord message posted");
                        Ok(Delivery::Posted(posted.id))
                    }
                    None => {
                        // It went out; only its id is missing.
                        warn!("discord message posted, but its id could not be read");
                        Ok(Delivery::AlreadyPosted(None))
                    }
                }
            }
            Err(Failure {
                error,
                maybe_sent: true,
            }) => Err(PublishError::Unknown(error.into())),
            // Text and image travel together: a message refused as a whole (too large, a bad
            // file) posted nothing, and may go again without its image.
            Err(Failure {
                error: error @ DiscordError::Rejected { .. },
                ..
            }) if png.is_some() => {
                warn!(error = %error, "discord refused the message with its image; nothing posted");
                Err(PublishError::ImageRejected(error.into()))
            }
            Err(Failure { error, .. }) => Err(PublishError::NotSent(error.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_never_pings() {
        let body = serde_json::to_value(Message {
            content: "@everyone hi",
            allowed_mentions: AllowedMentions { parse: [] },
            attachments: vec![],
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"content": "@everyone hi", "allowed_mentions": {"parse": []}})
        );
    }
}
