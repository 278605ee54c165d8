//! Settings of the X client.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use watchtime_core::retry::RetryPolicy;

/// The X API root used unless overridden (`WATCHTIME_TWITTER_API_URL` in the binary).
pub const DEFAULT_API_URL: &str = "https://api.x.com";

/// How to reach X as the bot account.
///
/// The four credentials are OAuth 1.0a user-context credentials: the app's consumer key and
/// secret, and the bot account's access token and secret. The app needs "Read and write"
/// permissions, and the access token must be (re)generated after setting them; reading mentions
/// also needs paid API access. `Debug` shows none of them.
#[derive(Clone)]
pub struct TwitterConfig {
    /// The API root, `https://api.x.com` in production; a fake server's address in tests.
    pub api_url: Url,
    /// The app's consumer key (API key).
    pub consumer_key: SecretString,
    /// The app's consumer secret (API key secret).
    pub consumer_secret: SecretString,
    /// The bot account's access token.
    pub access_token: SecretString,
    /// The bot account's access token secret.
    pub access_token_secret: SecretString,
    /// The limit on one HTTP request, connection to last byte.
    pub timeout: Duration,
    /// Attempts and backoff for transient failures, and the longest rate-limit wait honoured.
    pub retry: RetryPolicy,
    /// Mentions asked for per page (`max_results`); X accepts 5 to 100, values outside are
    /// clamped. Fewer pages means fewer requests, so the default is 100.
    pub mentions_page_size: u32,
}

impl TwitterConfig {
    /// A configuration for the production API with default timeout, retries and page size.
    pub fn new(
        consumer_key: SecretString,
        consumer_secret: SecretString,
        access_token: SecretString,
        access_token_secret: SecretString,
    ) -> Self {
        TwitterConfig {
            api_url: default_api_url(),
            consumer_key,
            consumer_secret,
            access_token,
            access_token_secret,
            timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            mentions_page_size: 100,
        }
    }

    /// The same configuration against another API root (a proxy, a fake server).
    pub fn with_api_url(mut self, api_url: Url) -> Self {
        self.api_url = api_url;
        self
    }
}

fn default_api_url() -> Url {
    Url::parse(DEFAULT_API_URL).expect("the default API URL is a valid constant")
}

impl fmt::Debug for TwitterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwitterConfig")
            .field("api_url", &self.api_url.as_str())
            .field("consumer_key", &"[redacted]")
            .field("consumer_secret", &"[redacted]")
            .field("access_token", &"[redacted]")
            .field("access_token_secret", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("mentions_page_size", &self.mentions_page_size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_credential() {
        let s = |v: &str| SecretString::from(v.to_owned());
        let config = TwitterConfig::new(s("ck-123"), s("cs-456"), s("at-789"), s("ats-000"));
        let shown = format!("{config:?}");
        for secret in ["ck-123", "cs-456", "at-789", "ats-000"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("https://api.x.com/"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}
