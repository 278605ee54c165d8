//! What can go wrong talking to Twitch, and what the caller should do about it.

use std::time::Duration;

use watchtime_core::Error as CoreError;

/// The service name in core errors.
pub(crate) const SERVICE: &str = "twitch";

/// Where the operator puts the credentials, named in every credential error.
const CREDENTIALS_HINT: &str = "set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET \
     (or TWITCH_CLIENT_ID_FILE and TWITCH_CLIENT_SECRET_FILE) to the credentials of an \
     application registered at https://dev.twitch.tv/console";

/// A failure of the Helix source.
///
/// Messages name hosts, statuses and page numbers, never a token, the client secret or a
/// request body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TwitchError {
    /// No client id or no client secret was configured.
    #[error("no Twitch client credentials: {CREDENTIALS_HINT}")]
    MissingCredentials,

    /// The OAuth server refused the client credentials (400, 401 or 403 on the token request).
    #[error("{host} refused the client credentials (HTTP {status}): {CREDENTIALS_HINT}")]
    TokenRefused {
        /// The OAuth host.
        host: String,
        /// The HTTP status it answered.
        status: u16,
    },

    /// Helix refused a token that the OAuth server had just issued.
    #[error("{host} refused a fresh app token (HTTP {status}: {message}): {CREDENTIALS_HINT}")]
    Unauthorized {
        /// The Helix host.
        host: String,
        /// The HTTP status it answered.
        status: u16,
        /// Helix's own explanation.
        message: String,
    },

    /// Timeouts, connection errors or 5xx outlasted the retry policy.
    #[error("{host} unavailable{}: {reason}", page_suffix(*page))]
    Unavailable {
        /// The host that failed.
        host: String,
        /// The Helix page being read, if it was a page.
        page: Option<u32>,
        /// The last failure.
        reason: String,
    },

    /// The rate limit asked for a wait longer than the retry policy honours.
    #[error("{host} rate limit reached{}", retry_after.map(|d| format!(", resets in {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The host that limited us.
        host: String,
        /// How long until the bucket refills, when the server said.
        retry_after: Option<Duration>,
    },

    /// The server rejected the request for a reason retrying cannot fix (a 4xx other than 401
    /// and 429), e.g. Helix's intermittent 400 "invalid cursor".
    #[error("{host} rejected the request{} (HTTP {status}: {message})", page_suffix(*page))]
    Rejected {
        /// The host that rejected the request.
        host: String,
        /// The Helix page being read, if it was a page.
        page: Option<u32>,
        /// The HTTP status.
        status: u16,
        /// The server's explanation, shortened.
        message: String,
    },

    /// A response was not the JSON Twitch documents (bad syntax, a missing required field).
    #[error("malformed answer from {host}{}: {detail}", page_suffix(*page))]
    Malformed {
        /// The host that answered.
        host: String,
        /// The Helix page being read, if it was a page.
        page: Option<u32>,
        /// What was wrong, from the JSON parser.
        detail: String,
    },

    /// The settings cannot work (an unparsable URL, a page cap of zero).
    #[error("invalid Twitch settings: {0}")]
    Config(String),

    /// The HTTP client could not be built (TLS back end missing).
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
}

fn page_suffix(page: Option<u32>) -> String {
    page.map(|p| format!(" on page {p}")).unwrap_or_default()
}

impl From<TwitchError> for CoreError {
    fn from(e: TwitchError) -> Self {
        let message = e.to_string();
        match e {
            TwitchError::MissingCredentials
            | TwitchError::TokenRefused { .. }
            | TwitchError::Unauthorized { .. } => CoreError::Unauthorized {
                service: SERVICE,
                message,
            },
            TwitchError::Unavailable { .. } => CoreError::unavailable(SERVICE, message),
            TwitchError::RateLimited { retry_after, .. } => CoreError::RateLimited {
                service: SERVICE,
                retry_after,
            },
            TwitchError::Malformed { .. } => CoreError::invalid(message),
            TwitchError::Config(_) => CoreError::invalid(message),
            TwitchError::Rejected { .. } => CoreError::Backend {
                service: SERVICE,
                message,
                source: None,
            },
            TwitchError::Client(source) => CoreError::Backend {
                service: SERVICE,
                message,
                source: Some(Box::new(source)),
            },
        }
    }
}
