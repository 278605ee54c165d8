//! The one error type every port returns.
//!
//! Adapters keep their own detailed errors and convert them into [`Error`], choosing the variant
//! by what the caller should do next: retry soon, wait for a rate limit, fix credentials, or give
//! up on this input. The scheduler and the jobs decide on that alone.

use std::time::Duration;

/// A boxed error from a backend (database driver, HTTP client, parser).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error of every `watchtime` port and job.
///
/// Messages never contain secrets: adapters build them from status codes, hosts and reasons,
/// never from URLs with credentials, tokens or request bodies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A transient failure (timeout, connection reset, 5xx, database restarting). Retrying the
    /// same operation later is expected to succeed.
    #[error("{service} is temporarily unavailable: {message}")]
    Unavailable {
        /// Which service failed, e.g. "twitch", "postgres".
        service: &'static str,
        /// What happened, for the log.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// The service refused because a rate limit is exhausted. Retry after `retry_after` if known.
    #[error("{service} rate limit reached{}", retry_after.map(|d| format!(", retry in {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// Which service limited us.
        service: &'static str,
        /// How long to wait before the next attempt, when the service said.
        retry_after: Option<Duration>,
    },

    /// Credentials are missing, wrong, expired or lack the access this call needs. Retrying will
    /// not help until an operator acts; the message says what to do.
    #[error("{service} refused our credentials: {message}")]
    Unauthorized {
        /// Which service refused.
        service: &'static str,
        /// What access is missing and how to get it. Never contains the secret.
        message: String,
    },

    /// A named thing does not exist (a day with no data, an unknown id).
    #[error("not found: {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },

    /// The input is malformed or breaks a rule (a bad snapshot, a bad setting, a bad page from an
    /// API). Retrying the same input gives the same error.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and where.
        message: String,
    },

    /// Any other backend failure that is not expected to go away by retrying.
    #[error("{service} failed: {message}")]
    Backend {
        /// Which service failed.
        service: &'static str,
        /// What happened.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
    },
}

impl Error {
    /// A transient failure of `service`.
    pub fn unavailable(service: &'static str, message: impl Into<String>) -> Self {
        Error::Unavailable {
            service,
            message: message.into(),
            source: None,
        }
    }

    /// Bad input, with a message saying what and where.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// A permanent backend failure of `service` caused by `source`.
    pub fn backend(service: &'static str, source: impl Into<BoxError>) -> Self {
        let source = source.into();
        Error::Backend {
            service,
            message: source.to_string(),
            source: Some(source),
        }
    }

    /// Whether the same operation may succeed if tried again later without any change.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Unavailable { .. } | Error::RateLimited { .. })
    }

    /// How long the service asked us to wait, for rate limits that said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// `Result` with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_kinds() {
        assert!(Error::unavailable("twitch", "timeout").is_retryable());
        let limited = Error::RateLimited {
            service: "x",
            retry_after: Some(Duration::from_secs(7)),
        };
        assert!(limited.is_retryable());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(limited.to_string(), "x rate limit reached, retry in 7s");
        assert!(!Error::invalid("bad").is_retryable());
        let auth = Error::Unauthorized {
            service: "twitch",
            message: "check TWITCH_CLIENT_ID".into(),
        };
        assert!(!auth.is_retryable());
    }
}
