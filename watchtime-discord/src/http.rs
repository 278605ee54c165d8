//! Executing the webhook: one POST, repeated only when it provably did not go out.
//!
//! Discord webhooks take no idempotency key, so a resend after a timeout or a 5xx could post the
//! message twice. Only a 429 (refused before anything happened) and a connection that was never
//! made are retried; everything else is reported, with whether the message may be out.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::multipart::{Form, Part};
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tracing::{debug, trace};
use watchtime_core::retry::RetryPolicy;

use crate::config::DiscordConfig;
use crate::error::DiscordError;

/// The reason text kept from an error body.
const MAX_REASON_CHARS: usize = 200;

/// The webhook endpoint and how to call it.
pub(crate) struct Webhook {
    client: reqwest::Client,
    /// The webhook URL with `wait=true`: a secret.
    url: SecretString,
    retry: RetryPolicy,
}

/// A 2xx answer; `body` is `None` when there was none (204) or it was lost.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) body: Option<Vec<u8>>,
}

/// A send that failed for good.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: DiscordError,
    /// Whether the message may have been posted (a timeout or 5xx after sending).
    pub(crate) maybe_sent: bool,
}

/// What one failed attempt allows.
struct Fault {
    error: DiscordError,
    maybe_sent: bool,
    /// How long to wait before a retry; `None` for no retry. Only faults that sent nothing
    /// carry one.
    retry_in: Option<Duration>,
}

impl Webhook {
    pub(crate) fn new(config: &DiscordConfig) -> Result<Self, DiscordError> {
        // Parse errors never echo the input: it holds the token.
        let mut url = url::Url::parse(config.webhook_url.expose_secret().trim())
            .map_err(|_| DiscordError::Config("DISCORD_WEBHOOK_URL is not a URL".into()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(DiscordError::Config(
                "DISCORD_WEBHOOK_URL must be an https:// webhook address".into(),
            ));
        }
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "wait")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("wait", "true");
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirect would carry the message elsewhere as a GET; refuse it.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DiscordError::Config(format!("HTTP client: {}", e.without_url())))?;
        Ok(Webhook {
            client,
            url: url.as_str().into(),
            retry: config.retry,
        })
    }

    /// Posts `body`, with `png` as its first file when given, retrying only what provably did
    /// not go out.
    ///
    /// With a file the request is `multipart/form-data`: the message as `payload_json` and the
    /// image as `files[0]`, which the message's `attachments` entry with `id` 0 describes.
    pub(crate) async fn execute(
        &self,
        body: &impl Serialize,
        png: Option<&[u8]>,
    ) -> Result<Answer, Failure> {
        let payload = serde_json::to_string(body).map_err(|e| Failure {
            error: DiscordError::Config(format!("message body: {e}")),
            maybe_sent: false,
        })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            trace!(attempt, "discord webhook request");
            let request = self.client.post(self.url.expose_secret());
            let request = match png {
                None => request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(payload.clone()),
                Some(png) => request.multipart(form(&payload, png)),
            };
            let sent = request.send().await;
            let fault = match sent {
                Ok(response) if response.status().is_success() => {
                    let status = response.status().as_u16();
                    let body = match response.bytes().await {
                        Ok(bytes) if !bytes.is_empty() => Some(bytes.to_vec()),
                        Ok(_) => None,
                        Err(e) => {
                            debug!(error = %e.without_url(), "discord webhook answer lost");
                            None
                        }
                    };
                    debug!(status, attempt, "discord webhook answered");
                    return Ok(Answer { body });
                }
                Ok(response) => self.fault_from_status(response, attempt).await,
                Err(e) => self.fault_from_error(e, attempt),
            };
            match fault.retry_in {
                Some(wait) if self.retry.may_retry(attempt) => {
                    debug!(attempt, error = %fault.error, ?wait, "retrying discord webhook");
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    debug!(attempt, error = %fault.error, maybe_sent = fault.maybe_sent, "giving up on discord webhook");
                    return Err(Failure {
                        error: fault.error,
                        maybe_sent: fault.maybe_sent,
                    });
                }
            }
        }
    }

    async fn fault_from_status(&self, response: Response, attempt: u32) -> Fault {
        let status = response.status();
        let code = status.as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let (wait, global) = rate_limit(&headers, &body);
            let retry_in = match wait {
                Some(wait) => self.retry.rate_limit_wait(wait),
                None => Some(self.retry.backoff(attempt, rand::random())),
            };
            return Fault {
                error: DiscordError::RateLimited {
                    retry_after: wait,
                    global,
                },
                maybe_sent: false,
                retry_in,
            };
        }
        let (error, maybe_sent) = if status.is_server_error() {
            (DiscordError::Server { status: code }, true)
        } else if matches!(code, 401 | 403 | 404) {
            (DiscordError::InvalidWebhook { status: code }, false)
        } else if status.is_redirection() {
            let reason = "redirected elsewhere; use the webhook URL Discord shows".to_owned();
            (
                DiscordError::Rejected {
                    status: code,
                    reason,
                },
                false,
            )
        } else {
            let reason = error_reason(&body);
            (
                DiscordError::Rejected {
                    status: code,
                    reason,
                },
                false,
            )
        };
        Fault {
            error,
            maybe_sent,
            retry_in: None,
        }
    }

    fn fault_from_error(&self, e: reqwest::Error, attempt: u32) -> Fault {
        // Only a connection that was never made provably carried nothing.
        let never_sent = e.is_connect();
        Fault {
            error: DiscordError::Network {
                source: e.without_url(),
            },
            maybe_sent: !never_sent,
            retry_in: never_sent.then(|| self.retry.backoff(attempt, rand::random())),
        }
    }
}

/// The multipart body of a message with one image.
fn form(payload: &str, png: &[u8]) -> Form {
    let json = Part::text(payload.to_owned());
    let json = json
        .mime_str("application/json")
        .unwrap_or_else(|_| Part::text(payload.to_owned()));
    let file = Part::bytes(png.to_vec()).file_name("chart.png");
    let file = file
        .mime_str("image/png")
        .unwrap_or_else(|_| Part::bytes(png.to_vec()).file_name("chart.png"));
    Form::new()
        .part("payload_json", json)
        .part("files[0]", file)
}

/// The wait a 429 asks for, and whether the limit is global: the body's `retry_after` (seconds,
/// fractional), else `X-RateLimit-Reset-After`, else `Retry-After` (Cloudflare's answers have
/// only the header).
pub(crate) fn rate_limit(headers: &HeaderMap, body: &[u8]) -> (Option<Duration>, bool) {
    let json = serde_json::from_slice::<serde_json::Value>(body).ok();
    let global = json
        .as_ref()
        .and_then(|j| j.get("global"))
        .and_then(serde_json::Value::as_bool)
        .or_else(|| {
            headers
                .get("x-ratelimit-global")
                .map(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
        })
        .unwrap_or(false);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
    };
    let seconds = json
        .as_ref()
        .and_then(|j| j.get("retry_after"))
        .and_then(serde_json::Value::as_f64)
        .or_else(|| header("x-ratelimit-reset-after"))
        .or_else(|| header(RETRY_AFTER.as_str()));
    let wait = seconds
        .filter(|s| s.is_finite() && *s >= 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok());
    (wait, global)
}

/// Discord's `{"message": ..., "code": ...}`, shortened, or a fallback.
fn error_reason(body: &[u8]) -> String {
    let json = serde_json::from_slice::<serde_json::Value>(body).ok();
    let message = json
        .as_ref()
        .and_then(|j| j.get("message"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("no reason given");
    let mut reason: String = message.chars().take(MAX_REASON_CHARS).collect();
    if message.chars().count() > MAX_REASON_CHARS {
        reason.push('…');
    }
    if let Some(code) = json
        .as_ref()
        .and_then(|j| j.get("code"))
        .and_then(serde_json::Value::as_u64)
    {
        reason.push_str(&format!(" ({code})"));
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
    fn rate_limit_waits() {
        /// Headers, body, the wait and whether it is global.
        type Case<'a> = (
            &'a [(&'static str, &'a str)],
            &'a str,
            Option<Duration>,
            bool,
        );
        let cases: [Case<'_>; 6] = [
            (
                &[("retry-after", "1")],
                r#"{"message": "You are being rate limited.", "retry_after": 0.5, "global": false}"#,
                Some(Duration::from_millis(500)),
                false,
            ),
            (
                &[],
                r#"{"retry_after": 64.57, "global": true}"#,
                Some(Duration::from_secs_f64(64.57)),
                true,
            ),
            (
                &[("x-ratelimit-reset-after", "2.25"), ("retry-after", "3")],
                "",
                Some(Duration::from_millis(2250)),
                false,
            ),
            (
                &[("retry-after", "3"), ("x-ratelimit-global", "true")],
                "<html>cloudflare</html>",
                Some(Duration::from_secs(3)),
                true,
            ),
            (&[], r#"{"retry_after": -1}"#, None, false),
            (&[], "", None, false),
        ];
        for (pairs, body, wait, global) in cases {
            assert_eq!(
                rate_limit(&headers(pairs), body.as_bytes()),
                (wait, global),
                "{body}"
            );
        }
    }

    #[test]
    fn reasons_name_discord_codes() {
        assert_eq!(
            error_reason(br#"{"message": "Cannot send an empty message", "code": 50006}"#),
            "Cannot send an empty message (50006)"
        );
        assert_eq!(error_reason(b""), "no reason given");
    }

    #[test]
    fn the_url_gets_wait_and_keeps_its_parameters() {
        let webhook = |url: &str| Webhook::new(&DiscordConfig::new(url.into()));
        let w = webhook("https://discord.com/api/webhooks/1/t").unwrap();
        assert_eq!(
            w.url.expose_secret(),
            "https://discord.com/api/webhooks/1/t?wait=true"
        );
        let w = webhook(" https://discord.com/api/webhooks/1/t?thread_id=9&wait=false ").unwrap();
        assert_eq!(
            w.url.expose_secret(),
            "https://discord.com/api/webhooks/1/t?thread_id=9&wait=true"
        );
        for bad in [
            "discord.com/api/webhooks/1/secret-t",
            "ftp://x/secret-t",
            "",
        ] {
            let err = webhook(bad).err().unwrap();
            assert!(!err.to_string().contains("secret-t"), "{err}");
        }
    }
}
