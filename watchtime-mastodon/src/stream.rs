//! Mentions as they happen: the account's notification stream.
//!
//! The stream is Mastodon's server-sent-events endpoint `/api/v1/streaming/user/notification`
//! on the streaming host, which the instance names in `/api/v2/instance`
//! (`configuration.urls.streaming`, a `wss://` address that may differ from the REST host; the
//! same host and path serve SSE over `https://`). SSE rather than the WebSocket endpoint because
//! it carries the token in the `Authorization` header on every server, needs no WebSocket
//! client, and heartbeats (`:thump` comments, every 15 s on Mastodon) make a silent connection
//! detectable.
//!
//! A stream promises nothing across a reconnect and may drop events: it is a shortcut to
//! answering fast, never the record. The caller keeps reading the REST notifications from the
//! stored cursor (after every connect and on its usual interval), and the outbox makes a mention
//! seen both ways one reply.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use tracing::{debug, warn};
use watchtime_core::ports::Mention;

use crate::client::MastodonClient;
use crate::error::MastodonError;
use crate::http::Failure;
use crate::sse::{self, Parser};

/// The path of the notification stream on the streaming host.
pub const NOTIFICATION_STREAM_PATH: &str = "/api/v1/streaming/user/notification";

/// A silence this long means the connection is dead: Mastodon sends a heartbeat every 15 s.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl MastodonClient {
    /// Opens the notification stream and returns once the streaming server has accepted it.
    ///
    /// Asks the instance where it streams (`/api/v2/instance`, on every call, so a moved
    /// streaming host is followed on the next reconnect), then subscribes with the access token
    /// in the `Authorization` header. `idle_timeout` bounds the connection and every later
    /// silence ([`MentionStream::next_mention`]).
    ///
    /// Errors: the instance or the streaming host unreachable, the token refused
    /// ([`MastodonError::Unauthorized`]), streaming switched off (a 404,
    /// [`MastodonError::Rejected`]), or an answer that is not an event stream
    /// ([`MastodonError::Malformed`]).
    pub async fn mention_stream(
        &self,
        idle_timeout: Duration,
    ) -> Result<MentionStream<'_>, MastodonError> {
        let base = self.streaming_base().await?;
        let host = host_of(&base).unwrap_or_else(|| self.http.host.clone());
        let client = reqwest::Client::builder()
            // No overall time limit: the answer is endless. Silence is watched per read.
            .connect_timeout(idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MastodonError::Config(format!("HTTP client: {e}")))?;
        let url = format!("{base}{NOTIFICATION_STREAM_PATH}");
        let request = self
            .http
            .authorize(client.get(&url))
            .header(ACCEPT, "text/event-stream");
        let response = tokio::time::timeout(idle_timeout, request.send())
            .await
            .map_err(|_| MastodonError::Silent {
                host: host.clone(),
                after: idle_timeout,
            })?
            .map_err(|e| MastodonError::Network {
                host: host.clone(),
                source: e.without_url(),
            })?;
        if !response.status().is_success() {
            return Err(self.http.error_from_status(response).await);
        }
        let event_stream = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/event-stream"));
        if !event_stream {
            return Err(MastodonError::Malformed {
                host,
                what: "notification stream",
                reason: "the answer is not an event stream (text/event-stream)".into(),
            });
        }
        debug!(host = %host, "notification stream open");
        Ok(MentionStream {
            client: self,
            host,
            response,
            parser: Parser::default(),
            pending: Vec::new(),
            idle_timeout,
        })
    }

    /// The streaming server's root (`http(s)://host[:port]`), from the instance's description;
    /// the REST root where the instance does not name one.
    async fn streaming_base(&self) -> Result<String, MastodonError> {
        let url = self.http.url("/api/v2/instance");
        let answer = match self
            .http
            .send("instance", || self.http.client().get(&url))
            .await
        {
            Ok(answer) => answer,
            Err(Failure {
                error: MastodonError::Rejected { status: 404, .. },
                ..
            }) => return Ok(self.http.url("")),
            Err(failure) => return Err(failure.error),
        };
        let named = answer
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| {
                v.pointer("/configuration/urls/streaming")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            });
        Ok(match named.as_deref().and_then(sse_root) {
            Some(root) => root,
            None => {
                if let Some(named) = &named {
                    warn!(host = %self.http.host, streaming = %named, "the instance names a streaming address that cannot be used; streaming from the instance itself");
                }
                self.http.url("")
            }
        })
    }
}

/// The SSE root of a streaming address: `wss://h` → `https://h`, `ws://h` → `http://h`; an
/// `http(s)` address as it is. `None` for anything else, or an address carrying a user name,
/// password or query (it would end up in logs).
fn sse_root(address: &str) -> Option<String> {
    let mut url = url::Url::parse(address.trim()).ok()?;
    let scheme = match url.scheme() {
        "wss" | "https" => "https",
        "ws" | "http" => "http",
        _ => return None,
    };
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return None;
    }
    url.set_scheme(scheme).ok()?;
    url.set_fragment(None);
    Some(url.as_str().trim_end_matches('/').to_owned())
}

/// `host[:port]` of a root URL, for messages.
fn host_of(root: &str) -> Option<String> {
    let url = url::Url::parse(root).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// An open notification stream, yielding the mentions it carries.
///
/// Other notifications (follows, favourites) and other events are passed over; a notification
/// that cannot be read is logged and skipped (the REST backfill reads it again from the
/// instance). Dropping it closes the connection.
pub struct MentionStream<'a> {
    client: &'a MastodonClient,
    host: String,
    response: reqwest::Response,
    parser: Parser,
    /// Events read and not yet looked at, oldest first.
    pending: Vec<sse::Event>,
    idle_timeout: Duration,
}

impl std::fmt::Debug for MentionStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MentionStream")
            .field("host", &self.host)
            .field("idle_timeout", &self.idle_timeout)
            .finish_non_exhaustive()
    }
}

impl MentionStream<'_> {
    /// The streaming host, for logs.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Waits for the next mention. `Ok(None)` when the server ended the stream (an event it
    /// was in the middle of is dropped, never half-read).
    ///
    /// Errors: nothing at all (not even a heartbeat) for the idle timeout
    /// ([`MastodonError::Silent`]), the connection broken ([`MastodonError::Network`]), or an
    /// event over a megabyte ([`MastodonError::Malformed`]). The stream is finished after an
    /// error; open a new one.
    pub async fn next_mention(&mut self) -> Result<Option<Mention>, MastodonError> {
        loop {
            if !self.pending.is_empty() {
                let event = self.pending.remove(0);
                if let Some(mention) = self.mention_in(&event) {
                    return Ok(Some(mention));
                }
                continue;
            }
            let chunk = tokio::time::timeout(self.idle_timeout, self.response.chunk())
                .await
                .map_err(|_| MastodonError::Silent {
                    host: self.host.clone(),
                    after: self.idle_timeout,
                })?
                .map_err(|e| MastodonError::Network {
                    host: self.host.clone(),
                    source: e.without_url(),
                })?;
            let Some(chunk) = chunk else {
                if self.parser.is_mid_event() {
                    debug!(host = %self.host, "the notification stream ended in the middle of an event");
                }
                return Ok(None);
            };
            self.pending =
                self.parser
                    .feed(&chunk)
                    .map_err(|sse::TooLong| MastodonError::Malformed {
                        host: self.host.clone(),
                        what: "notification stream",
                        reason: format!("an event over {} bytes", sse::MAX_EVENT_BYTES),
                    })?;
        }
    }

    /// The mention an event carries, if it is a readable mention notification.
    fn mention_in(&self, event: &sse::Event) -> Option<Mention> {
        if event.name != "notification" {
            return None;
        }
        let payload = match serde_json::from_str::<serde_json::Value>(&event.data) {
            // The WebSocket framing (and some proxies) send the payload as a JSON string that
            // holds the JSON.
            Ok(serde_json::Value::String(inner)) => serde_json::from_str(&inner),
            other => other,
        };
        let payload = match payload {
            Ok(payload) => payload,
            Err(e) => {
                warn!(host = %self.host, error = %e, "skipped a notification event that is not JSON; the next backfill reads it from the instance");
                return None;
            }
        };
        let (id, mention) = self.client.read_entry(payload)?;
        if let Some(mention) = &mention {
            debug!(host = %self.host, notification = %id, status = %mention.id, "mention streamed");
        }
        mention
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_addresses() {
        let cases = [
            (
                "wss://streaming.example.social",
                Some("https://streaming.example.social"),
            ),
            ("ws://127.0.0.1:4000/", Some("http://127.0.0.1:4000")),
            (
                "https://example.social/proxy/",
                Some("https://example.social/proxy"),
            ),
            ("http://localhost:3000", Some("http://localhost:3000")),
            ("wss://user:pw@example.social", None),
            ("wss://example.social/?access_token=x", None),
            ("ftp://example.social", None),
            ("example.social", None),
        ];
        for (address, want) in cases {
            assert_eq!(sse_root(address).as_deref(), want, "{address}");
        }
        assert_eq!(
            host_of("http://127.0.0.1:4000").as_deref(),
            Some("127.0.0.1:4000")
        );
    }
}
