//! What can go wrong talking to a PDS, and what the caller should do about it.

use std::time::Duration;

use watchtime_core::Error;

/// The service name in core errors.
pub(crate) const SERVICE: &str = "bluesky";

/// A failure of the Bluesky client.
///
/// Messages name the PDS host, the HTTP status and the XRPC error name, never a password or a
/// token (the service URL is public).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlueskyError {
    /// `createSession` refused the identifier or the app password.
    #[error(
        "{host} refused the login of {identifier:?} ({reason}): check BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD \
         (an app password from Settings → Privacy and security → App passwords)"
    )]
    LoginRefused {
        /// The PDS.
        host: String,
        /// The handle or DID that was refused.
        identifier: String,
        /// The server's XRPC error name.
        reason: String,
    },

    /// The session's token is expired, revoked or unknown to the server (`ExpiredToken`,
    /// `InvalidToken`; a 400 on the reference PDS). The client refreshes the session, or logs
    /// in again, and repeats the call once.
    #[error("{host} no longer accepts the session ({reason})")]
    SessionExpired {
        /// The PDS.
        host: String,
        /// The server's XRPC error name.
        reason: String,
    },

    /// Too many requests (429); the server said when its window resets, or not.
    #[error("{host} rate limit reached")]
    RateLimited {
        /// The PDS.
        host: String,
        /// How long until the limit resets, when the server said.
        retry_after: Option<Duration>,
    },

    /// The PDS, its AppView or a proxy in front failed (5xx).
    #[error("{host} answered {status}")]
    Server {
        /// The PDS.
        host: String,
        /// The HTTP status.
        status: u16,
    },

    /// The server refused the request itself (another 4xx): an invalid record, an unknown
    /// account, a method the server does not serve. Sending it again gives the same answer.
    #[error("{host} refused {what} ({status} {error}): {message}")]
    Rejected {
        /// The PDS.
        host: String,
        /// Which call.
        what: &'static str,
        /// The HTTP status.
        status: u16,
        /// The XRPC error name (`InvalidRequest`, `RecordNotFound`, …).
        error: String,
        /// The server's message, shortened.
        message: String,
    },

    /// The post a reply would answer is gone (deleted, or its author's account is).
    #[error("the post {uri} is gone; it cannot be answered")]
    Gone {
        /// Its AT URI.
        uri: String,
    },

    /// The request failed on the way: connection refused, timeout, reset.
    #[error("request to {host} failed")]
    Network {
        /// The PDS.
        host: String,
        /// The client's error, with the URL stripped.
        #[source]
        source: reqwest::Error,
    },

    /// A 2xx answer whose body is not what the lexicon describes (often a proxy's page).
    #[error("{host} sent an unreadable {what}: {reason}")]
    Malformed {
        /// The PDS.
        host: String,
        /// Which answer.
        what: &'static str,
        /// Why it could not be read.
        reason: String,
    },

    /// The text is over Bluesky's limit; the caller should have fitted it.
    #[error(
        "the post is {graphemes} graphemes and {bytes} bytes long, over Bluesky's 300 graphemes or 3000 bytes"
    )]
    TooLong {
        /// Its length in graphemes.
        graphemes: usize,
        /// Its length in UTF-8 bytes.
        bytes: usize,
    },

    /// The store failed to read or keep the session's refresh token.
    #[error("cannot keep the Bluesky session in the store")]
    Store(#[source] Error),

    /// The settings cannot work (a service URL that is not one).
    #[error("invalid Bluesky settings: {0}")]
    Config(String),
}

impl From<BlueskyError> for Error {
    fn from(e: BlueskyError) -> Self {
        match e {
            BlueskyError::LoginRefused { .. } | BlueskyError::SessionExpired { .. } => {
                Error::Unauthorized {
                    service: SERVICE,
                    message: e.to_string(),
                }
            }
            BlueskyError::RateLimited { retry_after, .. } => Error::RateLimited {
                service: SERVICE,
                retry_after,
            },
            // A garbled 2xx is usually a proxy or maintenance page: it goes away by itself.
            BlueskyError::Server { .. }
            | BlueskyError::Network { .. }
            | BlueskyError::Malformed { .. } => Error::unavailable_from(SERVICE, e),
            BlueskyError::Store(inner) => inner,
            BlueskyError::Rejected { .. }
            | BlueskyError::Gone { .. }
            | BlueskyError::TooLong { .. }
            | BlueskyError::Config(_) => Error::invalid(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> String {
        "bsky.social".to_owned()
    }

    #[test]
    fn core_variants_follow_what_the_caller_should_do() {
        let login: Error = BlueskyError::LoginRefused {
            host: host(),
            identifier: "bot.bsky.social".into(),
            reason: "AuthenticationRequired".into(),
        }
        .into();
        match &login {
            Error::Unauthorized { service, message } => {
                assert_eq!(*service, "bluesky");
                assert!(message.contains("BLUESKY_APP_PASSWORD"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let limited: Error = BlueskyError::RateLimited {
            host: host(),
            retry_after: Some(Duration::from_secs(9)),
        }
        .into();
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(9)));
        let server: Error = BlueskyError::Server {
            host: host(),
            status: 502,
        }
        .into();
        assert!(server.is_retryable());
        assert_eq!(
            watchtime_core::ErrorChain(&server).to_string(),
            "bluesky is temporarily unavailable: bsky.social answered 502"
        );
        let gone: Error = BlueskyError::Gone {
            uri: "at://did:plc:x/app.bsky.feed.post/3k".into(),
        }
        .into();
        assert!(matches!(gone, Error::InvalidInput { .. }));
        assert!(!gone.is_retryable());
        let store: Error = BlueskyError::Store(Error::unavailable("sqlite", "locked")).into();
        assert!(store.is_retryable());
    }
}
