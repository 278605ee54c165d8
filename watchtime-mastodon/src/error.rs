//! What can go wrong talking to a Mastodon instance, and what the caller should do about it.

use std::time::Duration;

use watchtime_core::Error;

/// The scopes the access token needs, named in every credential error.
pub const REQUIRED_SCOPES: &str = "read:notifications read:accounts write:statuses write:media";

/// The service name in core errors.
pub(crate) const SERVICE: &str = "mastodon";

/// A failure of the Mastodon client.
///
/// Messages name the instance host and the HTTP status, never the token (the instance URL is
/// public, so naming its host is fine).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MastodonError {
    /// The instance refused the access token (401) or its scopes (403).
    #[error(
        "{host} refused the access token ({status}): check MASTODON_ACCESS_TOKEN; the token needs the scopes {REQUIRED_SCOPES}"
    )]
    Unauthorized {
        /// The instance.
        host: String,
        /// 401 or 403.
        status: u16,
    },

    /// Too many requests (429); the instance said when to come back, or not.
    #[error("{host} rate limit reached")]
    RateLimited {
        /// The instance.
        host: String,
        /// How long until the limit resets, when the instance said.
        retry_after: Option<Duration>,
    },

    /// The instance or a proxy in front of it failed (5xx).
    #[error("{host} answered {status}")]
    Server {
        /// The instance.
        host: String,
        /// The HTTP status.
        status: u16,
    },

    /// The instance refused the request itself (4xx other than 401, 403, 429): a status too
    /// long, a reply to a deleted post, a bad parameter. Sending it again gives the same answer.
    #[error("{host} refused the request ({status}): {reason}")]
    Rejected {
        /// The instance.
        host: String,
        /// The HTTP status.
        status: u16,
        /// The instance's `error` text, shortened.
        reason: String,
    },

    /// The request failed on the way: connection refused, timeout, reset.
    #[error("request to {host} failed")]
    Network {
        /// The instance.
        host: String,
        /// The client's error, with the URL stripped.
        #[source]
        source: reqwest::Error,
    },

    /// A 2xx answer whose body is not what the API documents (often a proxy's or a maintenance
    /// page).
    #[error("{host} sent an unreadable {what}: {reason}")]
    Malformed {
        /// The instance.
        host: String,
        /// Which answer.
        what: &'static str,
        /// Why it could not be read.
        reason: String,
    },

    /// The status is longer than the instance accepts; the caller should have fitted it.
    #[error("the status is {length} characters long, over the instance's limit of {max}")]
    TooLong {
        /// Its length in graphemes (URLs as 23).
        length: usize,
        /// The instance's limit.
        max: usize,
    },

    /// The instance took an image but had not processed it after the client's whole wait.
    #[error("{host} had not processed the image after {}s", waited.as_secs())]
    MediaNotReady {
        /// The instance.
        host: String,
        /// How long the client waited.
        waited: Duration,
    },

    /// The settings cannot work (a base URL that is not one, an idempotency key that cannot be
    /// a header).
    #[error("invalid Mastodon settings: {0}")]
    Config(String),

    /// The notification stream sent nothing, not even a heartbeat, for this long: the
    /// connection is dead even if it looks open.
    #[error("the notification stream of {host} was silent for {after:?}")]
    Silent {
        /// The streaming host.
        host: String,
        /// The silence tolerated.
        after: Duration,
    },
}

impl From<MastodonError> for Error {
    fn from(e: MastodonError) -> Self {
        match e {
            MastodonError::Unauthorized { .. } => Error::Unauthorized {
                service: SERVICE,
                message: e.to_string(),
            },
            MastodonError::RateLimited { retry_after, .. } => Error::RateLimited {
                service: SERVICE,
                retry_after,
            },
            // A garbled 2xx is usually a proxy or maintenance page: it goes away by itself.
            MastodonError::Server { .. }
            | MastodonError::Network { .. }
            | MastodonError::Malformed { .. }
            | MastodonError::MediaNotReady { .. }
            | MastodonError::Silent { .. } => Error::unavailable_from(SERVICE, e),
            MastodonError::Rejected { .. }
            | MastodonError::TooLong { .. }
            | MastodonError::Config(_) => Error::invalid(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> String {
        "example.social".to_owned()
    }

    #[test]
    fn core_variants_follow_what_the_caller_should_do() {
        let auth: Error = MastodonError::Unauthorized {
            host: host(),
            status: 403,
        }
        .into();
        match &auth {
            Error::Unauthorized { service, message } => {
                assert_eq!(*service, "mastodon");
                assert!(message.contains("write:statuses"), "{message}");
                assert!(message.contains("MASTODON_ACCESS_TOKEN"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let limited: Error = MastodonError::RateLimited {
            host: host(),
            retry_after: Some(Duration::from_secs(9)),
        }
        .into();
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(9)));
        let server: Error = MastodonError::Server {
            host: host(),
            status: 502,
        }
        .into();
        assert!(server.is_retryable());
        assert_eq!(
            watchtime_core::ErrorChain(&server).to_string(),
            "mastodon is temporarily unavailable: example.social answered 502"
        );
        let rejected: Error = MastodonError::Rejected {
            host: host(),
            status: 422,
            reason: "Validation failed".into(),
        }
        .into();
        assert!(matches!(rejected, Error::InvalidInput { .. }));
        assert!(!rejected.is_retryable());
        let long: Error = MastodonError::TooLong {
            length: 501,
            max: 500,
        }
        .into();
        assert!(matches!(long, Error::InvalidInput { .. }));
    }
}
