//! The client: connecting to an instance, and posting statuses ([`Publisher`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use async_trait::async_trait;
use reqwest::header::HeaderValue;
use tokio::sync::OnceCell;
use tracing::{debug, warn};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::{Delivery, Mention, Post, PublishError, Publisher, Redelivery};

use crate::api::{NewStatus, Status};
use crate::config::{MastodonConfig, Visibility};
use crate::error::MastodonError;
use crate::http::{Failure, Http};
use crate::media::{self, MAX_DESCRIPTION_CHARS, MediaWait};

/// The platform name, which keys the outbox.
pub const PLATFORM: &str = "mastodon";

/// How many mention visibilities are remembered for replies; past it the memory starts over.
const MAX_REMEMBERED: usize = 4096;

/// How long an unfinished post may be retried with its idempotency key. Mastodon keeps keys for
/// about an hour; the margin covers clock skew and a slow first attempt.
pub const IDEMPOTENCY_WINDOW: std::time::Duration = std::time::Duration::from_secs(50 * 60);

/// A Mastodon account that posts the daily rankings and answers mentions.
///
/// Build it with [`MastodonClient::connect`], which reads the instance's status length limit
/// once. It implements [`Publisher`] and [`watchtime_core::MentionSource`].
///
/// Delivery: every status carries the post's idempotency key as `Idempotency-Key`, which the
/// instance remembers for about an hour and answers a repeat with the first status. So failed
/// sends (5xx, timeouts) are retried here, [`Publisher::redelivery`] is
/// [`Redelivery::Deduplicated`], and a replayed send returns [`Delivery::Posted`] with the
/// **first** status's id (the API answers a replay exactly like the original). A resend more
/// than an hour after the first attempt may post twice: the instance has forgotten the key.
pub struct MastodonClient {
    pub(crate) http: Http,
    limit: TextLimit,
    visibility: Visibility,
    reply_visibility: Visibility,
    media_wait: MediaWait,
    pub(crate) own_id: OnceCell<String>,
    /// Visibility of the mentions read, by status id, so replies are never more public.
    pub(crate) seen: Mutex<HashMap<String, Visibility>>,
}

impl MastodonClient {
    /// Connects to the instance in `config` and reads its status length limit
    /// (`GET /api/v2/instance`, `configuration.statuses.max_characters`). An instance without
    /// that endpoint (404) or that field gets Mastodon's default of 500.
    ///
    /// Errors: a bad base URL ([`MastodonError::Config`]), an unreachable instance, a refused
    /// token, or an answer that is not an instance's.
    pub async fn connect(config: MastodonConfig) -> Result<Self, MastodonError> {
        let http = Http::new(&config)?;
        let max = instance_limit(&http).await?;
        debug!(host = %http.host, max, "connected to mastodon");
        Ok(Self::build(http, &config, max))
    }

    /// A client that takes the status limit as given instead of asking the instance, for an
    /// instance whose description is unreachable or wrong (some forks report a limit they do
    /// not enforce). Makes no request.
    pub fn with_max_characters(
        config: MastodonConfig,
        max_characters: usize,
    ) -> Result<Self, MastodonError> {
        let http = Http::new(&config)?;
        Ok(Self::build(http, &config, max_characters))
    }

    fn build(http: Http, config: &MastodonConfig, max: usize) -> Self {
        MastodonClient {
            http,
            limit: TextLimit::mastodon(max),
            visibility: config.visibility,
            reply_visibility: config.reply_visibility,
            media_wait: config.media_wait,
            own_id: OnceCell::new(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The instance's host, as it appears in logs and errors.
    pub fn host(&self) -> &str {
        &self.http.host
    }

    /// Remembers how visible a mention is, for the reply.
    pub(crate) fn remember_visibility(&self, status_id: &str, visibility: Visibility) {
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= MAX_REMEMBERED {
                seen.clear();
            }
            seen.insert(status_id.to_owned(), visibility);
        }
    }

    /// The visibility of a reply to `mention`: the configured one, or the mention's own when
    /// that is more private.
    fn reply_visibility_for(&self, mention: &Mention) -> Visibility {
        let mention_visibility = self
            .seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(&mention.id).copied())
            .unwrap_or(Visibility::Public);
        self.reply_visibility.max(mention_visibility)
    }

    async fn publish(
        &self,
        post: &Post,
        in_reply_to_id: Option<&str>,
        visibility: Visibility,
    ) -> Result<Delivery, PublishError> {
        let length = self.limit.count(&post.text);
        if length > self.limit.max {
            return Err(PublishError::NotSent(
                MastodonError::TooLong {
                    length,
                    max: self.limit.max,
                }
                .into(),
            ));
        }
        let key = HeaderValue::from_str(&post.idempotency_key).map_err(|_| {
            PublishError::NotSent(
                MastodonError::Config("the idempotency key is not a valid header value".into())
                    .into(),
            )
        })?;
        // The image first: a failed upload leaves nothing posted.
        let mut media_ids = Vec::new();
        if let Some(image) = &post.image {
            match media::upload(&self.http, image, self.media_wait).await {
                Ok(id) => media_ids.push(id),
                Err(e) => {
                    warn!(host = %self.http.host, error = %e, "image upload failed; nothing posted");
                    return Err(PublishError::ImageRejected(e.into()));
                }
            }
        }
        let body = NewStatus {
            status: &post.text,
            visibility: visibility.as_str(),
            in_reply_to_id,
            media_ids,
        };
        let url = self.http.url("/api/v1/statuses");
        let client = self.http.client();
        let sent = self
            .http
            .send("status", || {
                client
                    .post(&url)
                    .header("Idempotency-Key", key.clone())
                    .json(&body)
            })
            .await;
        match sent {
            Ok(answer) => {
                let status = answer
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<Status>(b).ok());
                match status {
                    Some(status) => {
                        debug!(host = %self.http.host, id = %status.id, "status posted");
                        Ok(Delivery::Posted(status.id))
                    }
                    None => {
                        // It went out; only its id is lost. Resending would be deduplicated
                        // anyway, but there is nothing to gain.
                        warn!(host = %self.http.host, "status posted, but its id could not be read");
                        Ok(Delivery::AlreadyPosted(None))
                    }
                }
            }
            Err(Failure {
                error,
                maybe_sent: true,
            }) => Err(PublishError::Unknown(error.into())),
            Err(Failure { error, .. }) => Err(PublishError::NotSent(error.into())),
        }
    }
}

impl fmt::Debug for MastodonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MastodonClient")
            .field("host", &self.http.host)
            .field("limit", &self.limit)
            .field("visibility", &self.visibility)
            .field("reply_visibility", &self.reply_visibility)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Publisher for MastodonClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    fn text_limit(&self) -> TextLimit {
        self.limit
    }

    fn redelivery(&self) -> Redelivery {
        Redelivery::Deduplicated {
            within: IDEMPOTENCY_WINDOW,
        }
    }

    fn takes_images(&self) -> bool {
        true
    }

    fn alt_text_limit(&self) -> usize {
        MAX_DESCRIPTION_CHARS
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        self.publish(post, None, self.visibility).await
    }

    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        let visibility = self.reply_visibility_for(mention);
        self.publish(post, Some(&mention.id), visibility).await
    }
}

/// The instance's status length limit, or 500 where it does not say.
async fn instance_limit(http: &Http) -> Result<usize, MastodonError> {
    let url = http.url("/api/v2/instance");
    let answer = match http.send("instance", || http.client().get(&url)).await {
        Ok(answer) => answer,
        Err(Failure {
            error: MastodonError::Rejected { status: 404, .. },
            ..
        }) => {
            debug!(host = %http.host, "no /api/v2/instance; assuming 500 characters");
            return Ok(TextLimit::MASTODON_DEFAULT.max);
        }
        Err(failure) => return Err(failure.error),
    };
    let malformed = |reason: String| MastodonError::Malformed {
        host: http.host.clone(),
        what: "instance description",
        reason,
    };
    let body = answer
        .body
        .ok_or_else(|| malformed("the answer was cut off".into()))?;
    let instance: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        malformed(format!(
            "not JSON ({e}); is MASTODON_BASE_URL a Mastodon instance?"
        ))
    })?;
    let max = instance
        .pointer("/configuration/statuses/max_characters")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0);
    Ok(max.unwrap_or(TextLimit::MASTODON_DEFAULT.max))
}
