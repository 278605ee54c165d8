//! [`TwitterClient`]: the X API v2 behind the core's `Publisher` and `MentionSource`.

use std::fmt;

use async_trait::async_trait;
use tokio::sync::OnceCell;
use tracing::{debug, info, warn};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{
    Delivery, Image, Mention, MentionPage, MentionSource, Post, PublishError, Publisher, Redelivery,
};

use crate::config::TwitterConfig;
use crate::error::TwitterError;
use crate::mentions::{Backlog, REACHABLE_MENTIONS};
use crate::oauth::Credentials;
use crate::transport::{Body, Endpoint, PostFailure, Transport};
use crate::wire::{
    AltText, AltTextBody, CreateTweet, CreatedTweet, Me, Media, MentionsPage, Metadata, ReplyTo,
    Single, Uploaded,
};

/// The platform name, which keys the outbox and mention cursor.
pub const PLATFORM: &str = "twitter";

/// The longest alt text X takes on an image, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 1000;

/// How long we rely on X refusing a repeated text. X does not document the window of its
/// duplicate-content rule; it holds for recent posts, so an attempt older than an hour is held
/// rather than risk a second post.
pub const DUPLICATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// Posts, replies and reads mentions as the bot account, over the X API v2 with OAuth 1.0a.
///
/// Posts carry no links of ours (X charges far more for a post with a URL). A post's image is
/// uploaded first (`POST /2/media/upload`, signed like the post), given its alt text
/// (`POST /2/media/metadata`), then named in the post's `media.media_ids`; if either call fails
/// nothing is posted ([`PublishError::ImageRejected`]). A text longer than X's weighted limit is
/// refused before sending.
///
/// Redelivery: X refuses a text that duplicates a recent post of the same account (403,
/// "duplicate content"); this client reports that refusal as [`Delivery::AlreadyPosted`], so a
/// retry of an attempt whose outcome was unknown cannot post twice
/// ([`Redelivery::Deduplicated`]).
pub struct TwitterClient {
    transport: Transport,
    page_size: u32,
    own_id: OnceCell<String>,
}

impl TwitterClient {
    /// A client for `config`. Fails only on a configuration that cannot work (an API URL that is
    /// not http(s) or that carries credentials).
    pub fn new(config: TwitterConfig) -> Result<Self, TwitterError> {
        let creds = Credentials {
            consumer_key: config.consumer_key,
            consumer_secret: config.consumer_secret,
            token: config.access_token,
            token_secret: config.access_token_secret,
        };
        let transport = Transport::new(config.api_url, creds, config.timeout, config.retry)?;
        Ok(TwitterClient {
            transport,
            page_size: config.mentions_page_size.clamp(5, 100),
            own_id: OnceCell::new(),
        })
    }

    /// Uploads `image` and sets its alt text; returns the media id for the post.
    async fn upload(&self, image: &Image) -> Result<String, TwitterError> {
        let url = self.transport.url(&["2", "media", "upload"], &[]);
        let answer = self
            .transport
            .post_repeatable(Endpoint::Upload, &url, Body::Png(&image.png))
            .await?;
        let uploaded: Single<Uploaded> =
            serde_json::from_str(&answer).map_err(|e| TwitterError::Malformed {
                host: self.transport.host().to_owned(),
                reason: format!("media upload answer: {e}"),
            })?;
        let Uploaded {
            id,
            processing_info,
        } = uploaded.data;
        if let Some(p) = processing_info.filter(|p| p.state != "succeeded") {
            return Err(TwitterError::Malformed {
                host: self.transport.host().to_owned(),
                reason: format!("the image is {} rather than ready", p.state),
            });
        }
        let alt: String = image.alt.chars().take(MAX_ALT_TEXT_CHARS).collect();
        let body = AltTextBody {
            id: &id,
            metadata: Metadata {
                alt_text: AltText { text: &alt },
            },
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| TwitterError::Config(format!("alt text body: {e}")))?;
        let url = self.transport.url(&["2", "media", "metadata"], &[]);
        self.transport
            .post_repeatable(Endpoint::AltText, &url, Body::Json(&body))
            .await?;
        debug!(%id, "image uploaded to X with its alt text");
        Ok(id)
    }

    /// Sends `text` with `image`, as a reply to `reply_to` when given.
    async fn create(
        &self,
        text: &str,
        image: Option<&Image>,
        reply_to: Option<&str>,
    ) -> Result<Delivery, PublishError> {
        let limit = TextLimit::X;
        let length = limit.count(text);
        if length > limit.max {
            return Err(PublishError::NotSent(
                TwitterError::TooLong {
                    length,
                    max: limit.max,
                }
                .into(),
            ));
        }
        let endpoint = if reply_to.is_some() {
            Endpoint::Reply
        } else {
            Endpoint::Post
        };
        // The image first: a failed upload leaves nothing posted.
        let media = match image {
            None => None,
            Some(image) => match self.upload(image).await {
                Ok(id) => Some(Media {
                    media_ids: vec![id],
                }),
                Err(e) => {
                    warn!(error = %e, "image upload to X failed; nothing posted");
                    return Err(PublishError::ImageRejected(e.into()));
                }
            },
        };
        let body = CreateTweet {
            text,
            reply: reply_to.map(|id| ReplyTo {
                in_reply_to_tweet_id: id,
            }),
            media,
        };
        let body = serde_json::to_vec(&body).map_err(|e| {
            PublishError::NotSent(watchtime_core::Error::invalid(format!("post body: {e}")))
        })?;
        let url = self.transport.url(&["2", "tweets"], &[]);
        match self.transport.post_json(endpoint, &url, body).await {
            Ok(answer) => match serde_json::from_str::<Single<CreatedTweet>>(&answer) {
                Ok(created) => {
                    info!(id = %created.data.id, reply_to, "posted to X");
                    Ok(Delivery::Posted(created.data.id))
                }
                // X said 2xx, so the post exists, but without its id we cannot say which.
                Err(e) => Err(PublishError::Unknown(
                    TwitterError::Malformed {
                        host: self.transport.host().to_owned(),
                        reason: format!("post answer without an id: {e}"),
                    }
                    .into(),
                )),
            },
            Err(PostFailure::Duplicate) => {
                info!(
                    reply_to,
                    "X refused the text as a duplicate of a recent post"
                );
                Ok(Delivery::AlreadyPosted(None))
            }
            Err(PostFailure::NotSent(e)) => Err(PublishError::NotSent(e.into())),
            Err(PostFailure::Unknown(e)) => {
                warn!(error = %e, "an X post may or may not have gone out");
                Err(PublishError::Unknown(e.into()))
            }
        }
    }

    async fn fetch_own_id(&self) -> Result<String, TwitterError> {
        let url = self.transport.url(&["2", "users", "me"], &[]);
        let body = self.transport.get(Endpoint::Me, &url).await?;
        let me: Single<Me> = serde_json::from_str(&body).map_err(|e| TwitterError::Malformed {
            host: self.transport.host().to_owned(),
            reason: format!("users/me: {e}"),
        })?;
        debug!(id = %me.data.id, "the bot's X account");
        Ok(me.data.id)
    }

    async fn own_id(&self) -> Result<&str, TwitterError> {
        self.own_id
            .get_or_try_init(|| self.fetch_own_id())
            .await
            .map(String::as_str)
    }

    /// Every page of mentions after `cursor`, newest page first as X sends them.
    async fn read_backlog(&self, cursor: Option<&str>) -> Result<Backlog, TwitterError> {
        let own_id = self.own_id().await?;
        let max_pages = REACHABLE_MENTIONS.div_ceil(self.page_size) + 1;
        let mut backlog = Backlog::default();
        let mut token: Option<String> = None;
        for _ in 0..max_pages {
            let mut query = vec![
                ("max_results", self.page_size.to_string()),
                ("tweet.fields", "author_id,created_at".to_owned()),
                ("expansions", "author_id".to_owned()),
                ("user.fields", "username".to_owned()),
            ];
            if let Some(since) = cursor {
                query.push(("since_id", since.to_owned()));
            }
            if let Some(t) = &token {
                query.push(("pagination_token", t.clone()));
            }
            let url = self
                .transport
                .url(&["2", "users", own_id, "mentions"], &query);
            let body = self.transport.get(Endpoint::Mentions, &url).await?;
            let page: MentionsPage =
                serde_json::from_str(&body).map_err(|e| TwitterError::Malformed {
                    host: self.transport.host().to_owned(),
                    reason: format!("mentions page: {e}"),
                })?;
            token = page.meta.next_token.clone().filter(|t| !t.is_empty());
            backlog.add(page);
            if token.is_none() {
                return Ok(backlog);
            }
        }
        warn!(
            read = backlog.len(),
            "X still offered mention pages past its documented 800; older ones are left unread"
        );
        Ok(backlog)
    }
}

impl fmt::Debug for TwitterClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwitterClient")
            .field("host", &self.transport.host())
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Publisher for TwitterClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    fn text_limit(&self) -> TextLimit {
        TextLimit::X
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Deduplicated {
            within: DUPLICATE_WINDOW,
        }
    }

    fn takes_images(&self) -> bool {
        true
    }

    fn alt_text_limit(&self) -> usize {
        MAX_ALT_TEXT_CHARS
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        self.create(&post.text, post.image.as_ref(), None).await
    }

    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        self.create(&post.text, post.image.as_ref(), Some(&mention.id))
            .await
    }
}

#[async_trait]
impl MentionSource for TwitterClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    async fn own_account_id(&self) -> watchtime_core::Result<String> {
        Ok(self.own_id().await?.to_owned())
    }

    /// The whole backlog after `cursor` in one batch, oldest first; `cursor` is the newest id
    /// read, so storing it after handling the batch never skips a mention.
    async fn mentions_since(&self, cursor: Option<&str>) -> watchtime_core::Result<MentionPage> {
        let backlog = self.read_backlog(cursor).await?;
        let (mentions, newest) = backlog.into_oldest_first();
        debug!(count = mentions.len(), "read X mentions");
        Ok(MentionPage {
            mentions,
            cursor: newest,
            more: false,
        })
    }
}
