//! Settings of the Bluesky client.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use watchtime_core::retry::RetryPolicy;

/// The PDS that most accounts live on, and the default of `BLUESKY_SERVICE_URL`.
pub const DEFAULT_SERVICE_URL: &str = "https://bsky.social";

/// How to reach one Bluesky account.
///
/// The service URL and the identifier are public; the app password is not, and `Debug` prints
/// it as `[redacted]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct BlueskyConfig {
    /// The account's PDS (`BLUESKY_SERVICE_URL`), e.g. `https://bsky.social`; a trailing slash
    /// is allowed. Accounts on their own PDS give its address.
    pub service_url: String,
    /// The account's handle (`watchtime.bsky.social`) or DID (`did:plc:…`),
    /// `BLUESKY_IDENTIFIER`.
    pub identifier: String,
    /// An app password of the account (`BLUESKY_APP_PASSWORD`), made under Settings → Privacy
    /// and security → App passwords. The account's own password works too, but an app password
    /// can be revoked alone.
    pub app_password: SecretString,
    /// The `langs` of every post (BCP 47 tags). Default: `["en"]`, the language of the bot's
    /// messages.
    pub langs: Vec<String>,
    /// The time limit of one HTTP request, connection included.
    pub timeout: Duration,
    /// Retries of transient failures and the longest rate-limit wait honoured.
    pub retry: RetryPolicy,
}

impl BlueskyConfig {
    /// Settings with the defaults: English posts, 30 s timeout, the default retry policy.
    pub fn new(
        service_url: impl Into<String>,
        identifier: impl Into<String>,
        app_password: SecretString,
    ) -> Self {
        BlueskyConfig {
            service_url: service_url.into(),
            identifier: identifier.into(),
            app_password,
            langs: vec!["en".to_owned()],
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }

    /// The same settings with another retry policy (tests use [`RetryPolicy::immediate`]).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same settings with another request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same settings with other post languages.
    pub fn with_langs(mut self, langs: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.langs = langs.into_iter().map(Into::into).collect();
        self
    }
}

impl fmt::Debug for BlueskyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlueskyConfig")
            .field("service_url", &self.service_url)
            .field("identifier", &self.identifier)
            .field("app_password", &"[redacted]")
            .field("langs", &self.langs)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_app_password() {
        let config = BlueskyConfig::new(
            DEFAULT_SERVICE_URL,
            "bot.bsky.social",
            "abcd-efgh-ijkl-mnop".into(),
        );
        let debug = format!("{config:?}");
        assert!(!debug.contains("abcd-efgh"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert!(debug.contains("bot.bsky.social"), "{debug}");
        assert_eq!(config.langs, ["en"]);
    }
}
