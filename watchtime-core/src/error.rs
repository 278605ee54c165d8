//! The one error type every port returns.
//!
//! Adapters keep their own detailed errors and convert them into [`Error`], choosing the variant
//! by what the caller should do next: retry soon, wait for a rate limit, fix credentials, or give
//! up on this input. The scheduler and the jobs decide on that alone.
//!
//! Every error of the workspace says its own part once: a layer that keeps its cause as
//! [`std::error::Error::source`] does not repeat the cause's text in its message. Print an error
//! with [`ErrorChain`] to show the whole story on one line.

use std::fmt;
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
    #[error("{service} is temporarily unavailable{}", detail(message))]
    Unavailable {
        /// Which service failed, e.g. "twitch", "postgres".
        service: &'static str,
        /// What happened, in this layer's words; empty when `source` says it all.
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
    /// API, a snapshot overlapping one of another slot length). Retrying the same input gives
    /// the same error, now and later. A request that is right but comes too early or too late is
    /// [`Error::NotReady`] instead.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and where.
        message: String,
    },

    /// The request is right but the data is not in the state it needs: too early (a day that is
    /// not over, a day not closed yet) or too late (a day whose raw samples were pruned, so it
    /// can no longer be closed again).
    ///
    /// Not [`Error::is_retryable`]: retrying soon changes nothing. What changes it is time or
    /// another step (the day ends, the close step runs), so a scheduler waits for that step
    /// rather than backing off, and a user is told what to do first.
    #[error("{message}")]
    NotReady {
        /// What the data lacks and, where there is one, what to do first.
        message: String,
    },

    /// Any other backend failure that is not expected to go away by retrying.
    #[error("{service} failed{}", detail(message))]
    Backend {
        /// Which service failed.
        service: &'static str,
        /// What happened, in this layer's words; empty when `source` says it all.
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

    /// A request that comes too early or too late for the data, with a message saying what it
    /// waits for or why it can no longer be done.
    pub fn not_ready(message: impl Into<String>) -> Self {
        Error::NotReady {
            message: message.into(),
        }
    }

    /// Closing `day` again is refused: its raw samples were pruned, and a rollup of what is left
    /// would replace its totals with less. The one message every store gives.
    pub fn pruned(day: crate::time::Day) -> Self {
        Error::not_ready(format!(
            "the raw samples of day {day} were pruned; its stored totals are kept as they are"
        ))
    }

    /// A transient failure of `service` caused by `source`, which tells what happened.
    pub fn unavailable_from(service: &'static str, source: impl Into<BoxError>) -> Self {
        Error::Unavailable {
            service,
            message: String::new(),
            source: Some(source.into()),
        }
    }

    /// A permanent backend failure of `service` caused by `source`, which tells what happened.
    pub fn backend(service: &'static str, source: impl Into<BoxError>) -> Self {
        Error::Backend {
            service,
            message: String::new(),
            source: Some(source.into()),
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

/// `": message"`, or nothing for an empty message.
fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// An error and its causes on one line, outermost first: `"sqlite failed: SQLite query failed:
/// disk I/O error"`.
///
/// Each cause is printed once. A cause whose text the line already ends with is left out: some
/// libraries (sqlx among them) both quote their cause in their message and return it as the
/// source. It is `Send`, so it can be logged inside async code.
#[derive(Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + Send + Sync + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = self.0.to_string();
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !text.is_empty() && !line.ends_with(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            next = cause.source();
        }
        f.write_str(&line)
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

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
        assert!(!Error::not_ready("day 2026-11-26 is not over").is_retryable());
        let auth = Error::Unauthorized {
            service: "twitch",
            message: "check TWITCH_CLIENT_ID".into(),
        };
        assert!(!auth.is_retryable());
    }

    /// A cause kept as the source, as the adapters keep theirs.
    #[derive(Debug, thiserror::Error)]
    #[error("SQLite query failed")]
    struct Query(#[source] std::io::Error);

    /// A library error that quotes its cause and returns it as the source too (as sqlx does).
    #[derive(Debug, thiserror::Error)]
    #[error("error returned from database: {0}")]
    struct Quoting(#[source] std::io::Error);

    #[test]
    fn each_layer_says_its_part_once() {
        let disk = || std::io::Error::other("disk I/O error");
        let cases: [(Error, &str); 6] = [
            (
                Error::backend("sqlite", Query(disk())),
                "sqlite failed: SQLite query failed: disk I/O error",
            ),
            (
                Error::unavailable_from("sqlite", Query(disk())),
                "sqlite is temporarily unavailable: SQLite query failed: disk I/O error",
            ),
            (
                Error::backend("sqlite", Quoting(disk())),
                "sqlite failed: error returned from database: disk I/O error",
            ),
            (
                Error::unavailable("twitch", "timed out"),
                "twitch is temporarily unavailable: timed out",
            ),
            (
                Error::invalid("line 3: not JSON"),
                "invalid input: line 3: not JSON",
            ),
            (
                Error::pruned("2026-10-01".parse().expect("a day")),
                "the raw samples of day 2026-10-01 were pruned; its stored totals are kept as they are",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(ErrorChain(&error).to_string(), want, "{error:?}");
        }
        assert_eq!(
            Error::backend("sqlite", Query(disk())).to_string(),
            "sqlite failed",
            "the cause is the source, not part of the message"
        );
    }
}
