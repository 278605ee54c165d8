//! What can go wrong talking to X, and what the caller should do about it.

use std::time::Duration;

use watchtime_core::Error;

/// The name this crate gives X in core errors.
pub(crate) const SERVICE: &str = "x";

/// A failure of the X adapter. Messages name the host and status, never a secret: the URLs this
/// crate calls carry none (credentials travel in the `Authorization` header only).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TwitterError {
    /// X refused the credentials or the access they grant (401, 402, 403). The message says what
    /// the operator must change.
    #[error("X refused the request ({status}): {message}")]
    Unauthorized {
        /// The HTTP status.
        status: u16,
        /// What access is missing and how to get it.
        message: String,
    },

    /// X's rate limit is exhausted and its reset is further away than we wait.
    #[error("X rate limit reached{}", retry_after.map(|d| format!(", resets in {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// Time until the window resets, from `x-rate-limit-reset`, when X sent it.
        retry_after: Option<Duration>,
    },

    /// X answered 5xx: a transient failure on its side.
    #[error("{host} answered {status}: {detail}")]
    ServerError {
        /// The API host.
        host: String,
        /// The HTTP status.
        status: u16,
        /// X's explanation, shortened.
        detail: String,
    },

    /// X rejected this request as malformed or not allowed (a 4xx other than auth and rate
    /// limits, e.g. a reply X does not allow). Sending it again gives the same answer.
    #[error("{host} rejected the request ({status}): {detail}")]
    Rejected {
        /// The API host.
        host: String,
        /// The HTTP status.
        status: u16,
        /// X's explanation, shortened.
        detail: String,
    },

    /// The request timed out or the connection failed.
    #[error("could not reach {host}: {reason}")]
    Network {
        /// The API host.
        host: String,
        /// What failed (timeout, connection refused, reset…).
        reason: String,
        /// The HTTP client's error, with its URL removed.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// X answered 2xx with a body this crate cannot read.
    #[error("unexpected answer from {host}: {reason}")]
    Malformed {
        /// The API host.
        host: String,
        /// What was wrong with the body.
        reason: String,
    },

    /// The text does not fit X's limit, so it was not sent (X would refuse it, and charge).
    #[error("text of weighted length {length} exceeds X's limit of {max}")]
    TooLong {
        /// The text's weighted length.
        length: usize,
        /// X's limit.
        max: usize,
    },

    /// The configuration cannot work (a bad API URL, an HTTP client that cannot be built).
    #[error("invalid X configuration: {0}")]
    Config(String),
}

impl From<TwitterError> for Error {
    fn from(e: TwitterError) -> Self {
        match e {
            TwitterError::Unauthorized { .. } => Error::Unauthorized {
                service: SERVICE,
                message: e.to_string(),
            },
            TwitterError::RateLimited { retry_after } => Error::RateLimited {
                service: SERVICE,
                retry_after,
            },
            TwitterError::ServerError { .. } | TwitterError::Network { .. } => {
                Error::unavailable_from(SERVICE, e)
            }
            TwitterError::Rejected { .. } | TwitterError::TooLong { .. } => {
                Error::invalid(e.to_string())
            }
            TwitterError::Malformed { .. } | TwitterError::Config(_) => Error::backend(SERVICE, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_maps_to_what_the_caller_should_do() {
        let host = || "api.x.com".to_owned();
        let core: Error = TwitterError::RateLimited {
            retry_after: Some(Duration::from_secs(30)),
        }
        .into();
        assert_eq!(core.retry_after(), Some(Duration::from_secs(30)));
        let core: Error = TwitterError::ServerError {
            host: host(),
            status: 503,
            detail: "Service Unavailable".into(),
        }
        .into();
        assert!(core.is_retryable());
        assert_eq!(
            watchtime_core::ErrorChain(&core).to_string(),
            "x is temporarily unavailable: api.x.com answered 503: Service Unavailable"
        );
        let core: Error = TwitterError::Unauthorized {
            status: 401,
            message: "check the tokens".into(),
        }
        .into();
        assert!(matches!(core, Error::Unauthorized { .. }), "{core:?}");
        assert!(!core.is_retryable());
        let core: Error = TwitterError::Rejected {
            host: host(),
            status: 400,
            detail: "bad".into(),
        }
        .into();
        assert!(matches!(core, Error::InvalidInput { .. }), "{core:?}");
        let core: Error = TwitterError::Malformed {
            host: host(),
            reason: "no id".into(),
        }
        .into();
        assert!(matches!(core, Error::Backend { .. }), "{core:?}");
    }
}
