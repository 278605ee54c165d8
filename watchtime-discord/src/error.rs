//! What can go wrong posting to a Discord webhook, and what the caller should do about it.

use std::time::Duration;

use watchtime_core::Error;

/// The service name in core errors.
pub(crate) const SERVICE: &str = "discord";

/// A failure of the Discord webhook publisher.
///
/// Messages say "discord webhook" and the HTTP status, never the webhook URL: it holds the
/// token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscordError {
    /// The webhook does not exist or its token is wrong (401, 403, 404): deleted, regenerated,
    /// or mistyped.
    #[error(
        "discord webhook refused ({status}): check DISCORD_WEBHOOK_URL; the webhook may have been deleted or its token reset"
    )]
    InvalidWebhook {
        /// 401, 403 or 404.
        status: u16,
    },

    /// Too many messages (429).
    #[error("discord webhook rate limit reached{}", if *global { " (global)" } else { "" })]
    RateLimited {
        /// How long Discord asked us to wait, when it said.
        retry_after: Option<Duration>,
        /// Whether the limit is Discord's global one rather than this webhook's.
        global: bool,
    },

    /// Discord or a proxy in front of it failed (5xx). The message may have been posted.
    #[error("discord webhook answered {status}")]
    Server {
        /// The HTTP status.
        status: u16,
    },

    /// Discord refused the message itself (another 4xx): empty, malformed. Sending it again
    /// gives the same answer.
    #[error("discord webhook refused the message ({status}): {reason}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// Discord's `message` (and `code`), shortened.
        reason: String,
    },

    /// The request failed on the way: connection refused, timeout, reset.
    #[error("discord webhook request failed")]
    Network {
        /// The client's error, with the URL stripped.
        #[source]
        source: reqwest::Error,
    },

    /// The message is longer than Discord accepts; the caller should have fitted it.
    #[error("the message is {length} characters long, over Discord's limit of {max}")]
    TooLong {
        /// Its length in characters.
        length: usize,
        /// Discord's limit.
        max: usize,
    },

    /// The settings cannot work (a webhook URL that is not one).
    #[error("invalid Discord settings: {0}")]
    Config(String),
}

impl From<DiscordError> for Error {
    fn from(e: DiscordError) -> Self {
        match e {
            DiscordError::InvalidWebhook { .. } => Error::Unauthorized {
                service: SERVICE,
                message: e.to_string(),
            },
            DiscordError::RateLimited { retry_after, .. } => Error::RateLimited {
                service: SERVICE,
                retry_after,
            },
            DiscordError::Server { .. } | DiscordError::Network { .. } => {
                Error::unavailable_from(SERVICE, e)
            }
            DiscordError::Rejected { .. }
            | DiscordError::TooLong { .. }
            | DiscordError::Config(_) => Error::invalid(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_variants_follow_what_the_caller_should_do() {
        let invalid: Error = DiscordError::InvalidWebhook { status: 404 }.into();
        match &invalid {
            Error::Unauthorized { service, message } => {
                assert_eq!(*service, "discord");
                assert!(message.contains("DISCORD_WEBHOOK_URL"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let limited: Error = DiscordError::RateLimited {
            retry_after: Some(Duration::from_millis(1500)),
            global: true,
        }
        .into();
        assert_eq!(limited.retry_after(), Some(Duration::from_millis(1500)));
        let server: Error = DiscordError::Server { status: 503 }.into();
        assert!(server.is_retryable());
        assert_eq!(
            watchtime_core::ErrorChain(&server).to_string(),
            "discord is temporarily unavailable: discord webhook answered 503"
        );
        let rejected: Error = DiscordError::Rejected {
            status: 400,
            reason: "Cannot send an empty message (50006)".into(),
        }
        .into();
        assert!(matches!(rejected, Error::InvalidInput { .. }));
        assert!(
            DiscordError::RateLimited {
                retry_after: None,
                global: true
            }
            .to_string()
            .ends_with("(global)")
        );
    }
}
