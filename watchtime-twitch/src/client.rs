//! [`HelixSource`]: the [`TwitchSource`] over the real Helix API.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use async_trait::async_trait;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use watchtime_core::retry::RetryPolicy;
use watchtime_core::{Snapshot, TwitchSource};

use crate::config::HelixConfig;
use crate::error::TwitchError;
use crate::ratelimit::Bucket;
use crate::token::TokenCache;

/// Reads live streams from Twitch Helix with an app access token.
///
/// One value serves a whole process: it keeps the app token and the last rate-limit reading
/// between sweeps. Sweeps are sequential requests (Helix pages hang on a cursor), so a sweep of
/// 50 pages makes about 51 requests, far under the 800-a-minute bucket.
pub struct HelixSource {
    pub(crate) http: reqwest::Client,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) streams_url: Url,
    pub(crate) token_url: Url,
    pub(crate) api_host: String,
    pub(crate) auth_host: String,
    pub(crate) page_cap: u32,
    pub(crate) retry: RetryPolicy,
    pub(crate) token: TokenCache,
    bucket: Mutex<Option<Bucket>>,
}

impl HelixSource {
    /// Checks the settings and builds the HTTP client. Makes no request: the token is fetched by
    /// the first sweep.
    ///
    /// Fails with [`TwitchError::MissingCredentials`] when the client id or secret is blank, and
    /// with [`TwitchError::Config`] for an unusable URL or a page cap of zero.
    pub fn new(config: HelixConfig) -> Result<Self, TwitchError> {
        if config.client_id.trim().is_empty()
            || config.client_secret.expose_secret().trim().is_empty()
        {
            return Err(TwitchError::MissingCredentials);
        }
        if config.page_cap == 0 {
            return Err(TwitchError::Config(
                "the page cap must be at least 1".into(),
            ));
        }
        let streams_url = endpoint(&config.api_url, "streams", "API")?;
        let token_url = endpoint(&config.auth_url, "token", "auth")?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(TwitchError::Client)?;
        Ok(HelixSource {
            http,
            api_host: host_of(&streams_url),
            auth_host: host_of(&token_url),
            client_id: config.client_id,
            client_secret: config.client_secret,
            streams_url,
            token_url,
            page_cap: config.page_cap,
            retry: config.retry,
            token: TokenCache::default(),
            bucket: Mutex::new(None),
        })
    }

    /// Remembers the bucket an answer described.
    pub(crate) fn note_bucket(&self, bucket: Option<Bucket>) {
        if let Some(b) = bucket {
            *self.bucket.lock().unwrap_or_else(PoisonError::into_inner) = Some(b);
        }
    }

    /// Waits for the rate-limit reset if the last answer left the bucket at its reserve.
    pub(crate) async fn pace(&self) {
        let pause = {
            let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
            let pause = bucket.and_then(|b| b.pause(SystemTime::now()));
            if pause.is_some() {
                // After the wait the reading is stale; the next answer brings a fresh one.
                *bucket = None;
            }
            pause
        };
        if let Some(wait) = pause {
            let wait = wait.min(self.retry.max_rate_limit_wait);
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate limit nearly spent, pausing until it resets"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// `root` + `/` + `leaf`, keeping any path the root has (`https://proxy/twitch/helix`).
fn endpoint(root: &str, leaf: &str, what: &str) -> Result<Url, TwitchError> {
    let joined = format!("{}/{leaf}", root.trim_end_matches('/'));
    let url = Url::parse(&joined)
        .map_err(|e| TwitchError::Config(format!("the Twitch {what} URL is not a URL: {e}")))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        _ => Err(TwitchError::Config(format!(
            "the Twitch {what} URL must be http(s)://host/…"
        ))),
    }
}

/// The host (and port, if any) for error messages.
fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

impl fmt::Debug for HelixSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HelixSource")
            .field("api_host", &self.api_host)
            .field("auth_host", &self.auth_host)
            .field("client_secret", &"[redacted]")
            .field("token", &self.token)
            .field("page_cap", &self.page_cap)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TwitchSource for HelixSource {
    async fn snapshot(&self, min_viewers: u32) -> watchtime_core::Result<Snapshot> {
        Ok(self.sweep(min_viewers).await?.snapshot)
    }
}
