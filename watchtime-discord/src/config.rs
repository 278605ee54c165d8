//! Settings of the Discord webhook publisher.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use watchtime_core::retry::RetryPolicy;

/// Where the daily posts go: one channel webhook.
///
/// The webhook URL embeds its token (`https://discord.com/api/webhooks/<id>/<token>`): anyone
/// holding it can post to the channel, so it is a secret, and `Debug` hides it whole.
#[derive(Clone)]
#[non_exhaustive]
pub struct DiscordConfig {
    /// The webhook URL (`DISCORD_WEBHOOK_URL`). Query parameters such as `thread_id` are kept;
    /// `wait=true` is added.
    pub webhook_url: SecretString,
    /// The time limit of one HTTP request, connection included.
    pub timeout: Duration,
    /// Retries of sends that provably did not go out (rate limits, refused connections), and
    /// the longest rate-limit wait honoured.
    pub retry: RetryPolicy,
}

impl DiscordConfig {
    /// Settings with a 30 s timeout and the default retry policy.
    pub fn new(webhook_url: SecretString) -> Self {
        DiscordConfig {
            webhook_url,
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
}

impl fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscordConfig")
            .field("webhook_url", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_webhook() {
        let config =
            DiscordConfig::new("https://discord.com/api/webhooks/123456/tok-secret-abc".into());
        let debug = format!("{config:?}");
        assert!(!debug.contains("tok-secret-abc"), "{debug}");
        assert!(!debug.contains("123456"), "{debug}");
        assert!(!debug.contains("discord.com"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
    }
}
