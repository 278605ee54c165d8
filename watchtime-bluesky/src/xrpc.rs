//! One XRPC call with bounded retries, and an honest account of whether a failed call may have
//! reached the server.
//!
//! Every call the client makes may be repeated: reads are safe, records are written with
//! `putRecord` under a key of their own (a repeat writes the same record again), and blobs are
//! content-addressed. So 5xx answers, timeouts and dropped connections are retried with
//! backoff, and 429 answers after the server's `ratelimit-reset`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tracing::{debug, trace};
use watchtime_core::retry::RetryPolicy;

use crate::config::BlueskyConfig;
use crate::error::BlueskyError;

/// The reason text kept from an error body.
const MAX_REASON_CHARS: usize = 200;

/// The XRPC errors that mean "this session's token is no good": refresh, or log in again.
const SESSION_ERRORS: [&str; 2] = ["ExpiredToken", "InvalidToken"];

/// The HTTP side of the client: where, and how to retry.
pub(crate) struct Xrpc {
    client: reqwest::Client,
    /// The service root without a trailing slash.
    base: String,
    /// The service's host, for messages.
    pub(crate) host: String,
    retry: RetryPolicy,
}

/// A call that failed for good.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The last attempt's error.
    pub(crate) error: BlueskyError,
    /// Whether any attempt may have been processed (a timeout or a 5xx after sending).
    pub(crate) maybe_sent: bool,
}

impl Failure {
    /// A failure that happened before anything was sent.
    pub(crate) fn unsent(error: BlueskyError) -> Self {
        Failure {
            error,
            maybe_sent: false,
        }
    }
}

/// What one failed attempt allows.
#[derive(Debug)]
struct Fault {
    error: BlueskyError,
    maybe_sent: bool,
    retry: Retry,
}

#[derive(Debug)]
enum Retry {
    No,
    Backoff,
    After(Duration),
}

impl Xrpc {
    pub(crate) fn new(config: &BlueskyConfig) -> Result<Self, BlueskyError> {
        let base = config.service_url.trim().trim_end_matches('/').to_owned();
        let url = url::Url::parse(&base)
            .map_err(|e| BlueskyError::Config(format!("BLUESKY_SERVICE_URL is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BlueskyError::Config(
                "BLUESKY_SERVICE_URL must start with https://".into(),
            ));
        }
        // Errors name the service, so its URL must hold nothing secret.
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
            return Err(BlueskyError::Config(
                "BLUESKY_SERVICE_URL must not carry a user name, password or query; \
                 put the app password in BLUESKY_APP_PASSWORD"
                    .into(),
            ));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => {
                return Err(BlueskyError::Config(
                    "BLUESKY_SERVICE_URL has no host".into(),
                ));
            }
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirected POST turns into a GET: refuse rather than silently post nothing.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BlueskyError::Config(format!("HTTP client: {e}")))?;
        Ok(Xrpc {
            client,
            base,
            host,
            retry: config.retry,
        })
    }

    /// A GET of the XRPC query `nsid`.
    pub(crate) fn get(&self, nsid: &str) -> RequestBuilder {
        self.client.get(format!("{}/xrpc/{nsid}", self.base))
    }

    /// A POST of the XRPC procedure `nsid`.
    pub(crate) fn post(&self, nsid: &str) -> RequestBuilder {
        self.client.post(format!("{}/xrpc/{nsid}", self.base))
    }

    /// Sends the request `make` builds, with `token` as the bearer when given, until it
    /// succeeds, fails for good or runs out of attempts; answers the body. `what` names the
    /// call in logs and errors.
    pub(crate) async fn send(
        &self,
        what: &'static str,
        token: Option<&SecretString>,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Vec<u8>, Failure> {
        let mut maybe_sent = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            trace!(host = %self.host, what, attempt, "bluesky request");
            let mut request = make();
            if let Some(token) = token {
                request = request.bearer_auth(token.expose_secret());
            }
            let fault = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    let status = response.status().as_u16();
                    match response.bytes().await {
                        Ok(body) => {
                            debug!(host = %self.host, what, status, attempt, "bluesky answered");
                            return Ok(body.to_vec());
                        }
                        // Processed, but the answer is lost: the same as a timeout.
                        Err(e) => Fault {
                            error: BlueskyError::Network {
                                host: self.host.clone(),
                                source: e.without_url(),
                            },
                            maybe_sent: true,
                            retry: Retry::Backoff,
                        },
                    }
                }
                Ok(response) => {
                    self.fault_from_status(what, token.is_some(), response)
                        .await
                }
                Err(e) => self.fault_from_error(e),
            };
            maybe_sent |= fault.maybe_sent;
            let wait = match fault.retry {
                Retry::No => None,
                Retry::Backoff => Some(self.retry.backoff(attempt, rand::random())),
                Retry::After(wait) => self.retry.rate_limit_wait(wait),
            };
            match wait {
                Some(wait) if self.retry.may_retry(attempt) => {
                    debug!(host = %self.host, what, attempt, error = %fault.error, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    debug!(host = %self.host, what, attempt, error = %fault.error, maybe_sent, "giving up");
                    return Err(Failure {
                        error: fault.error,
                        maybe_sent,
                    });
                }
            }
        }
    }

    /// Reads a 2xx body as the lexicon's output `T`.
    pub(crate) fn read<T: DeserializeOwned>(
        &self,
        what: &'static str,
        body: &[u8],
    ) -> Result<T, BlueskyError> {
        serde_json::from_slice(body).map_err(|e| BlueskyError::Malformed {
            host: self.host.clone(),
            what,
            reason: e.to_string(),
        })
    }

    async fn fault_from_status(
        &self,
        what: &'static str,
        authenticated: bool,
        response: Response,
    ) -> Fault {
        let status = response.status();
        let host = self.host.clone();
        let code = status.as_u16();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = rate_limit_wait(response.headers(), Utc::now());
            return Fault {
                error: BlueskyError::RateLimited {
                    host,
                    retry_after: wait,
                },
                maybe_sent: false,
                retry: wait.map_or(Retry::Backoff, Retry::After),
            };
        }
        if status.is_server_error() {
            return Fault {
                error: BlueskyError::Server { host, status: code },
                maybe_sent: true,
                retry: Retry::Backoff,
            };
        }
        let (error, message) = if status.is_redirection() {
            (
                "Redirected".to_owned(),
                "set BLUESKY_SERVICE_URL to the PDS's final https address".to_owned(),
            )
        } else {
            error_body(&response.bytes().await.unwrap_or_default())
        };
        let session = SESSION_ERRORS.contains(&error.as_str()) || (authenticated && code == 401);
        let error = if session {
            BlueskyError::SessionExpired {
                host,
                reason: error,
            }
        } else {
            BlueskyError::Rejected {
                host,
                what,
                status: code,
                error,
                message,
            }
        };
        Fault {
            error,
            maybe_sent: false,
            retry: Retry::No,
        }
    }

    fn fault_from_error(&self, e: reqwest::Error) -> Fault {
        // A connection that was never made carried nothing; a timeout or a reset may have come
        // after the server read the request.
        let maybe_sent = !e.is_connect() && !e.is_builder();
        let retry = if e.is_builder() {
            Retry::No
        } else {
            Retry::Backoff
        };
        Fault {
            error: BlueskyError::Network {
                host: self.host.clone(),
                source: e.without_url(),
            },
            maybe_sent,
            retry,
        }
    }
}

/// How long a 429 asks us to wait. The PDS sends `ratelimit-reset` as Unix seconds (the end of
/// the window); `retry-after` seconds are the fallback. A reset in the past means "now".
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(reset) = header("ratelimit-reset").and_then(|s| s.parse::<i64>().ok()) {
        let at = DateTime::from_timestamp(reset, 0)?;
        return Some((at - now).to_std().unwrap_or(Duration::ZERO));
    }
    header(RETRY_AFTER.as_str())
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The XRPC error body `{"error": "Name", "message": "..."}`, the message shortened.
fn error_body(body: &[u8]) -> (String, String) {
    let parsed = serde_json::from_slice::<serde_json::Value>(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(|e| e.as_str())
            .map(str::to_owned)
    };
    let error = field("error").unwrap_or_else(|| "UnknownError".to_owned());
    let text = field("message").unwrap_or_else(|| "no reason given".to_owned());
    let mut message: String = text.chars().take(MAX_REASON_CHARS).collect();
    if text.chars().count() > MAX_REASON_CHARS {
        message.push('…');
    }
    (error, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn reset_times() {
        let now = DateTime::parse_from_rfc3339("2026-05-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<Duration>);
        let cases: [Case<'_>; 5] = [
            (
                &[("ratelimit-reset", "1777636812")],
                Some(Duration::from_secs(12)),
            ),
            (&[("ratelimit-reset", "1777636700")], Some(Duration::ZERO)),
            (
                &[("ratelimit-reset", "soon"), ("retry-after", "3")],
                Some(Duration::from_secs(3)),
            ),
            (&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], None),
            (&[], None),
        ];
        for (pairs, want) in cases {
            assert_eq!(rate_limit_wait(&headers(pairs), now), want, "{pairs:?}");
        }
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            error_body(br#"{"error":"ExpiredToken","message":"Token has expired"}"#),
            ("ExpiredToken".into(), "Token has expired".into())
        );
        assert_eq!(
            error_body(b"<html>bad gateway</html>"),
            ("UnknownError".into(), "no reason given".into())
        );
        let long = format!(r#"{{"error":"X","message":"{}"}}"#, "x".repeat(500));
        assert_eq!(error_body(long.as_bytes()).1.chars().count(), 201);
    }

    #[test]
    fn service_urls() {
        let config = |url: &str| BlueskyConfig::new(url, "bot.test", "p".into());
        let xrpc = Xrpc::new(&config("https://bsky.social/")).unwrap();
        assert_eq!(xrpc.host, "bsky.social");
        assert_eq!(xrpc.base, "https://bsky.social");
        let xrpc = Xrpc::new(&config(" http://localhost:2583 ")).unwrap();
        assert_eq!(xrpc.host, "localhost:2583");
        assert!(Xrpc::new(&config("bsky.social")).is_err());
        assert!(Xrpc::new(&config("https://user:pw@bsky.social")).is_err());
    }
}
