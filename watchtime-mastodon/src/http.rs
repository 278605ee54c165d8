//! One API call with bounded retries, and an honest account of whether a failed call may have
//! reached the instance.
//!
//! Every call here may be repeated: reads are safe, and status posts carry an `Idempotency-Key`
//! that makes the instance answer a repeat with the first status. So 5xx answers, timeouts and
//! refused connections are retried with backoff, and 429 answers after the instance's reset time.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::{debug, trace};
use watchtime_core::retry::RetryPolicy;

use crate::config::MastodonConfig;
use crate::error::MastodonError;

/// The reason text kept from an error body.
const MAX_REASON_CHARS: usize = 200;

/// The HTTP side of the client: where, with which token, and how to retry.
pub(crate) struct Http {
    client: reqwest::Client,
    /// The instance root without a trailing slash.
    base: String,
    /// The instance's host, for messages.
    pub(crate) host: String,
    token: SecretString,
    retry: RetryPolicy,
}

/// A 2xx answer. `body` is `None` when it could not be read to the end: the request was
/// processed, but what it returned is lost.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The 2xx status (Mastodon answers 202 for an upload still processing, 206 for a poll of
    /// one).
    pub(crate) status: u16,
    pub(crate) body: Option<Vec<u8>>,
}

/// A call that failed for good.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The last attempt's error.
    pub(crate) error: MastodonError,
    /// Whether any attempt may have been processed (a timeout or a 5xx after sending).
    pub(crate) maybe_sent: bool,
}

/// What one failed attempt allows.
#[derive(Debug)]
struct Fault {
    error: MastodonError,
    maybe_sent: bool,
    retry: Retry,
}

#[derive(Debug)]
enum Retry {
    No,
    Backoff,
    After(Duration),
}

impl Http {
    pub(crate) fn new(config: &MastodonConfig) -> Result<Self, MastodonError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        let url = url::Url::parse(&base)
            .map_err(|e| MastodonError::Config(format!("MASTODON_BASE_URL is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(MastodonError::Config(
                "MASTODON_BASE_URL must start with https://".into(),
            ));
        }
        // Errors name the instance, so the URL must hold nothing secret; the token travels in
        // the Authorization header only.
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
            return Err(MastodonError::Config(
                "MASTODON_BASE_URL must not carry a user name, password or query; \
                 put the access token in MASTODON_ACCESS_TOKEN"
                    .into(),
            ));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => {
                return Err(MastodonError::Config(
                    "MASTODON_BASE_URL has no host".into(),
                ));
            }
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirected POST turns into a GET; an instance that redirects is misconfigured
            // here, and the caller is told so rather than silently posting nothing.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MastodonError::Config(format!("HTTP client: {e}")))?;
        Ok(Http {
            client,
            base,
            host,
            token: config.access_token.clone(),
            retry: config.retry,
        })
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The full URL of an API path (`/api/v1/...`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends the request `make` builds, with the bearer token, until it succeeds, fails for good
    /// or runs out of attempts. `what` names the call in logs.
    pub(crate) async fn send(
        &self,
        what: &'static str,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Answer, Failure> {
        let mut maybe_sent = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            trace!(host = %self.host, what, attempt, "mastodon request");
            let request = make().bearer_auth(self.token.expose_secret());
            let fault = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    let status = response.status().as_u16();
                    let body = match response.bytes().await {
                        Ok(bytes) => Some(bytes.to_vec()),
                        Err(e) => {
                            debug!(host = %self.host, what, error = %e.without_url(), "answer body lost");
                            None
                        }
                    };
                    debug!(host = %self.host, what, status, attempt, "mastodon answered");
                    return Ok(Answer { status, body });
                }
                Ok(response) => self.fault_from_status(response).await,
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

    async fn fault_from_status(&self, response: Response) -> Fault {
        let status = response.status();
        let host = self.host.clone();
        let code = status.as_u16();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = rate_limit_wait(response.headers(), Utc::now());
            return Fault {
                error: MastodonError::RateLimited {
                    host,
                    retry_after: wait,
                },
                maybe_sent: false,
                retry: wait.map_or(Retry::Backoff, Retry::After),
            };
        }
        if status.is_server_error() {
            return Fault {
                error: MastodonError::Server { host, status: code },
                maybe_sent: true,
                retry: Retry::Backoff,
            };
        }
        if matches!(code, 401 | 403) {
            return Fault {
                error: MastodonError::Unauthorized { host, status: code },
                maybe_sent: false,
                retry: Retry::No,
            };
        }
        let reason = if status.is_redirection() {
            "redirected elsewhere; set MASTODON_BASE_URL to the instance's final https address"
                .to_owned()
        } else {
            error_reason(&response.bytes().await.unwrap_or_default())
        };
        Fault {
            error: MastodonError::Rejected {
                host,
                status: code,
                reason,
            },
            maybe_sent: false,
            retry: Retry::No,
        }
    }

    /// `request` (built on another client) with the bearer token: the notification stream,
    /// whose client has no overall time limit.
    pub(crate) fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(self.token.expose_secret())
    }

    /// The error a non-2xx answer means, as [`Http::send`] would report it.
    pub(crate) async fn error_from_status(&self, response: Response) -> MastodonError {
        self.fault_from_status(response).await.error
    }

    fn fault_from_error(&self, e: reqwest::Error) -> Fault {
        // A connection that was never made carried nothing; a timeout or a reset may have come
        // after the instance read the request.
        let maybe_sent = !e.is_connect() && !e.is_builder();
        let retry = if e.is_builder() {
            Retry::No
        } else {
            Retry::Backoff
        };
        Fault {
            error: MastodonError::Network {
                host: self.host.clone(),
                source: e.without_url(),
            },
            maybe_sent,
            retry,
        }
    }
}

/// How long a 429 asks us to wait. Mastodon sends `X-RateLimit-Reset` as an ISO 8601 time; a
/// number is read as Unix seconds (when it looks like one) or as seconds to wait, and
/// `Retry-After` seconds are the fallback. A reset in the past means "now".
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let until = |reset: DateTime<Utc>| (reset - now).to_std().unwrap_or(Duration::ZERO);
    if let Some(reset) = header("x-ratelimit-reset") {
        if let Ok(time) = DateTime::parse_from_rfc3339(reset) {
            return Some(until(time.with_timezone(&Utc)));
        }
        if let Ok(seconds) = reset.parse::<f64>()
            && seconds.is_finite()
            && seconds >= 0.0
        {
            // Anything past 2001-09-09 is a timestamp, not a delay.
            if seconds >= 1e9 {
                #[allow(clippy::cast_possible_truncation)]
                let at = DateTime::from_timestamp(seconds as i64, 0);
                return at.map(until);
            }
            return Some(Duration::from_secs_f64(seconds));
        }
    }
    header(RETRY_AFTER.as_str())
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The instance's `{"error": "..."}` text, shortened, or a fallback.
fn error_reason(body: &[u8]) -> String {
    let parsed = serde_json::from_slice::<serde_json::Value>(body).ok();
    let text = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(|e| e.as_str())
        .unwrap_or("no reason given");
    let mut reason: String = text.chars().take(MAX_REASON_CHARS).collect();
    if text.chars().count() > MAX_REASON_CHARS {
        reason.push('…');
    }
    reason
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
        let cases: [Case<'_>; 8] = [
            (
                &[("x-ratelimit-reset", "2026-05-01T12:00:30.500000Z")],
                Some(Duration::from_millis(30_500)),
            ),
            (
                &[("x-ratelimit-reset", "2026-05-01T14:00:05+02:00")],
                Some(Duration::from_secs(5)),
            ),
            (
                &[("x-ratelimit-reset", "2026-05-01T11:59:00Z")],
                Some(Duration::ZERO),
            ),
            (
                &[("x-ratelimit-reset", "1777636812")],
                Some(Duration::from_secs(12)),
            ),
            (&[("x-ratelimit-reset", "7")], Some(Duration::from_secs(7))),
            (
                &[("x-ratelimit-reset", "soon"), ("retry-after", "3")],
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
    fn error_reasons_are_short() {
        assert_eq!(
            error_reason(br#"{"error":"Validation failed: Text character limit of 500 exceeded"}"#),
            "Validation failed: Text character limit of 500 exceeded"
        );
        assert_eq!(error_reason(b"<html>oops</html>"), "no reason given");
        let long = format!(r#"{{"error":"{}"}}"#, "x".repeat(500));
        assert_eq!(error_reason(long.as_bytes()).chars().count(), 201);
    }

    #[test]
    fn base_urls() {
        let config = |url: &str| MastodonConfig::new(url, "t".into());
        let http = Http::new(&config("https://example.social/")).unwrap();
        assert_eq!(
            http.url("/api/v1/statuses"),
            "https://example.social/api/v1/statuses"
        );
        assert_eq!(http.host, "example.social");
        let http = Http::new(&config(" http://127.0.0.1:8080/proxy ")).unwrap();
        assert_eq!(http.url("/api"), "http://127.0.0.1:8080/proxy/api");
        assert_eq!(http.host, "127.0.0.1:8080");
        assert!(Http::new(&config("example.social")).is_err());
        assert!(Http::new(&config("ftp://example.social")).is_err());
    }
}
