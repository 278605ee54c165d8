//! Settings of the Mastodon client.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use watchtime_core::retry::RetryPolicy;

use crate::media::MediaWait;

/// Who may see a status, from the most to the least public (the order is "more private is
/// greater", which [`MastodonConfig::reply_visibility`] relies on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Visibility {
    /// On the profile and in the public timelines.
    #[default]
    Public,
    /// On the profile but kept out of the public timelines ("quiet public").
    Unlisted,
    /// Followers and mentioned accounts only.
    Private,
    /// Mentioned accounts only.
    Direct,
}

impl Visibility {
    /// The name the API takes and returns.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Visibility {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Visibility::Public,
            Visibility::Unlisted,
            Visibility::Private,
            Visibility::Direct,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| {
            format!("unknown visibility {s:?}: expected public, unlisted, private or direct")
        })
    }
}

/// How to reach one Mastodon account.
///
/// The base URL is not secret (it is the instance's public address); the access token is, and
/// `Debug` prints it as `[redacted]`. The token needs the scopes `read:notifications`,
/// `read:accounts`, `write:statuses` and, for images, `write:media` (or the broader `read` and
/// `write`).
#[derive(Clone)]
#[non_exhaustive]
pub struct MastodonConfig {
    /// The instance root, e.g. `https://mastodon.social` (`MASTODON_BASE_URL`); a trailing slash
    /// or a path prefix (for proxies) is allowed.
    pub base_url: String,
    /// The account's access token (`MASTODON_ACCESS_TOKEN`).
    pub access_token: SecretString,
    /// The visibility of the daily posts. Default: public, so they reach people who do not
    /// follow the bot yet.
    pub visibility: Visibility,
    /// The visibility of replies to mentions. Default: unlisted, so answers reach the asker
    /// (who is mentioned) without flooding the public timelines. A reply is never more public
    /// than the mention it answers, when the client has seen that mention: a question asked in
    /// a direct message is answered directly.
    pub reply_visibility: Visibility,
    /// The time limit of one HTTP request, connection included.
    pub timeout: Duration,
    /// Retries of transient failures and the longest rate-limit wait honoured.
    pub retry: RetryPolicy,
    /// How long an uploaded image may take the instance to process before the post goes out
    /// without it.
    pub media_wait: MediaWait,
}

impl MastodonConfig {
    /// Settings with the defaults: public posts, unlisted replies, 30 s timeout, the default
    /// retry policy.
    pub fn new(base_url: impl Into<String>, access_token: SecretString) -> Self {
        MastodonConfig {
            base_url: base_url.into(),
            access_token,
            visibility: Visibility::Public,
            reply_visibility: Visibility::Unlisted,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            media_wait: MediaWait::default(),
        }
    }

    /// The same settings with another wait for image processing.
    pub fn with_media_wait(mut self, wait: MediaWait) -> Self {
        self.media_wait = wait;
        self
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

    /// The same settings with other visibilities for posts and replies.
    pub fn with_visibility(mut self, posts: Visibility, replies: Visibility) -> Self {
        self.visibility = posts;
        self.reply_visibility = replies;
        self
    }
}

impl fmt::Debug for MastodonConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MastodonConfig")
            .field("base_url", &self.base_url)
            .field("access_token", &"[redacted]")
            .field("visibility", &self.visibility)
            .field("reply_visibility", &self.reply_visibility)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("media_wait", &self.media_wait)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let config = MastodonConfig::new("https://example.social", "tok-123-secret".into());
        let debug = format!("{config:?}");
        assert!(!debug.contains("tok-123-secret"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert!(debug.contains("https://example.social"), "{debug}");
    }

    #[test]
    fn visibility_names_round_trip_and_order_by_privacy() {
        for v in [
            Visibility::Public,
            Visibility::Unlisted,
            Visibility::Private,
            Visibility::Direct,
        ] {
            assert_eq!(v.as_str().parse::<Visibility>(), Ok(v));
        }
        assert_eq!(" Unlisted ".parse::<Visibility>(), Ok(Visibility::Unlisted));
        assert!("secret".parse::<Visibility>().is_err());
        assert!(Visibility::Public < Visibility::Unlisted);
        assert!(Visibility::Private < Visibility::Direct);
    }
}
