//! One HTTP exchange, classified by what to do next, and the shared retry decision.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;

use crate::client::HelixSource;
use crate::error::TwitchError;
use crate::helix::error_message;
use crate::ratelimit::Bucket;

/// Requests made during one sweep, retries and token requests included.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    pub(crate) requests: u32,
}

/// Why an exchange did not give a usable body.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Timeout, connection error, 5xx, 408: the same request may work soon.
    Transient(String),
    /// 429; the wait is until the bucket's reset, when the answer said.
    RateLimited { wait: Option<Duration> },
    /// 401 or 403: the credentials or the token were refused.
    Unauthorized { status: u16, message: String },
    /// Another 4xx: retrying the same request will not help.
    Rejected { status: u16, message: String },
}

/// Whether an answer's rate-limit headers describe the Helix bucket (the OAuth server's do not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bucketed {
    Helix,
    Auth,
}

impl HelixSource {
    /// Sends `request` once and reads the whole body. Never logs headers or bodies: both can
    /// hold credentials.
    pub(crate) async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        bucketed: Bucketed,
        tally: &mut Tally,
    ) -> Result<Vec<u8>, Failure> {
        tally.requests += 1;
        let response = request
            .send()
            .await
            .map_err(|e| Failure::Transient(describe(&e)))?;
        let status = response.status();
        let bucket = Bucket::from_headers(response.headers());
        if bucketed == Bucketed::Helix {
            self.note_bucket(bucket);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::Transient(describe(&e)))?
            .to_vec();
        tracing::trace!(
            status = status.as_u16(),
            bytes = body.len(),
            "answer received"
        );
        if status.is_success() {
            return Ok(body);
        }
        let message = || error_message(&String::from_utf8_lossy(&body));
        Err(match status {
            StatusCode::TOO_MANY_REQUESTS => Failure::RateLimited {
                wait: bucket.map(|b| b.until_reset(SystemTime::now())),
            },
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Failure::Unauthorized {
                status: status.as_u16(),
                message: message(),
            },
            StatusCode::REQUEST_TIMEOUT => Failure::Transient(format!("HTTP {}", status.as_u16())),
            s if s.is_server_error() => Failure::Transient(format!("HTTP {}", s.as_u16())),
            s => Failure::Rejected {
                status: s.as_u16(),
                message: message(),
            },
        })
    }

    /// Decides what follows failed attempt `attempt`: waits and returns `Ok` when the request
    /// should be sent again, or returns the error that ends it.
    pub(crate) async fn after_failure(
        &self,
        failure: Failure,
        attempt: u32,
        host: &str,
        page: Option<u32>,
    ) -> Result<(), TwitchError> {
        let policy = &self.retry;
        match failure {
            Failure::Transient(reason) => {
                if !policy.may_retry(attempt) {
                    return Err(TwitchError::Unavailable {
                        host: host.to_owned(),
                        page,
                        reason: format!("{reason} (attempt {attempt} of {})", policy.max_attempts),
                    });
                }
                let wait = policy.backoff(attempt, rand::random());
                tracing::debug!(host, page, attempt, reason = %reason, wait_ms = millis(wait), "transient failure, retrying");
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Failure::RateLimited { wait } => {
                let wait = wait
                    .filter(|w| !w.is_zero())
                    .unwrap_or_else(|| policy.backoff(attempt, rand::random()));
                let limited = || TwitchError::RateLimited {
                    host: host.to_owned(),
                    retry_after: Some(wait),
                };
                if !policy.may_retry(attempt) {
                    return Err(limited());
                }
                let Some(wait) = policy.rate_limit_wait(wait) else {
                    tracing::warn!(
                        host,
                        page,
                        wait_ms = millis(wait),
                        "rate limit reset too far away to wait for"
                    );
                    return Err(limited());
                };
                tracing::debug!(
                    host,
                    page,
                    attempt,
                    wait_ms = millis(wait),
                    "rate limited, waiting for the reset"
                );
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Failure::Unauthorized { status, message } => Err(TwitchError::Unauthorized {
                host: host.to_owned(),
                status,
                message,
            }),
            Failure::Rejected { status, message } => Err(TwitchError::Rejected {
                host: host.to_owned(),
                page,
                status,
                message,
            }),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What went wrong with a request, from reqwest's classification and the innermost cause (what
/// the socket or TLS layer saw). reqwest's own message is not used: it quotes the URL.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "reading the answer failed"
    } else {
        "request failed"
    };
    let mut cause: Option<&dyn std::error::Error> = None;
    let mut next = std::error::Error::source(e);
    while let Some(source) = next {
        cause = Some(source);
        next = source.source();
    }
    match cause {
        Some(cause) => format!("{kind} ({cause})"),
        None => kind.to_owned(),
    }
}
