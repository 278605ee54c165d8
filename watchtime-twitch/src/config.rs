//! Settings of the Helix source: credentials, API roots, limits and retry timing.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use watchtime_core::retry::RetryPolicy;

/// Helix, where streams are read.
pub const DEFAULT_API_URL: &str = "https://api.twitch.tv/helix";
/// Twitch's OAuth server, where app tokens are issued.
pub const DEFAULT_AUTH_URL: &str = "https://id.twitch.tv/oauth2";
/// At 100 streams a page, 300 pages is 30,000 streams: ten times a peak sweep over 50 viewers,
/// yet it still stops a looping cursor well before the rate limit (800 requests a minute).
pub const DEFAULT_PAGE_CAP: u32 = 300;
/// Long enough for a slow Helix page, short enough that a stuck connection is retried.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How [`crate::HelixSource`] reaches Twitch.
///
/// The client secret is a [`SecretString`] and `Debug` prints it as `[redacted]`. The client id
/// is not a credential on its own (it travels in every request header), but the deployment keeps
/// it with the secrets, so `Debug` shows only its first four characters: enough to tell two apps
/// apart.
#[derive(Clone)]
#[non_exhaustive]
pub struct HelixConfig {
    /// The application's client id (`TWITCH_CLIENT_ID`).
    pub client_id: String,
    /// The application's client secret (`TWITCH_CLIENT_SECRET`).
    pub client_secret: SecretString,
    /// The Helix root, without a trailing `/streams`; overridable for tests and proxies.
    pub api_url: String,
    /// The OAuth root, without a trailing `/token`; overridable for tests and proxies.
    pub auth_url: String,
    /// The most pages one sweep reads; reaching it marks the snapshot incomplete.
    pub page_cap: u32,
    /// The limit on one HTTP request, connection and body included.
    pub timeout: Duration,
    /// Attempts and backoff for timeouts, connection errors, 5xx and 429.
    pub retry: RetryPolicy,
}

impl HelixConfig {
    /// Settings for the real Twitch with these credentials and the defaults above.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        HelixConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            api_url: DEFAULT_API_URL.to_owned(),
            auth_url: DEFAULT_AUTH_URL.to_owned(),
            page_cap: DEFAULT_PAGE_CAP,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Points the source at another Helix root (a proxy, a fake).
    #[must_use]
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
        self
    }

    /// Points the source at another OAuth root (a proxy, a fake).
    #[must_use]
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = url.into();
        self
    }

    /// Sets the most pages a sweep may read (at least 1).
    #[must_use]
    pub fn page_cap(mut self, pages: u32) -> Self {
        self.page_cap = pages;
        self
    }

    /// Sets the limit on one HTTP request.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry timing; tests use [`RetryPolicy::immediate`].
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

impl fmt::Debug for HelixConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HelixConfig")
            .field("client_id", &IdPrefix(&self.client_id))
            .field("client_secret", &"[redacted]")
            .field("api_url", &self.api_url)
            .field("auth_url", &self.auth_url)
            .field("page_cap", &self.page_cap)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// Shows the start of an id and hides the rest.
struct IdPrefix<'a>(&'a str);

impl fmt::Debug for IdPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.0.chars().take(4).collect();
        if shown.len() == self.0.len() {
            write!(f, "{shown:?}")
        } else {
            write!(f, "\"{shown}…\"")
        }
    }
}
