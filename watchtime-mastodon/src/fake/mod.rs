//! `MastodonFake`: a Mastodon instance on a local wiremock server that checks what the real one
//! checks and keeps state, for tests of anything that posts to Mastodon or answers its mentions
//! (this crate's tests, the binary's end-to-end tests, the daemon's).
//!
//! What the fake enforces, as Mastodon does:
//! - `Authorization: Bearer` [`TOKEN`] on everything but the public instance description
//!   (401 otherwise);
//! - `POST /api/v1/statuses` with a JSON body (`status`, `visibility`, `in_reply_to_id`) and an
//!   `Idempotency-Key`: a repeat of a known key creates nothing and answers the first status, as
//!   the instance does for about an hour; a blank text, a text over the instance's limit (in
//!   graphemes) or a reply to an unknown status is refused (422, 404);
//! - `GET /api/v1/notifications?types[]=mention` walked with `min_id` (the page right after it,
//!   newest first; `since_id` is refused to catch the wrong walk), `limit` up to 80;
//! - `GET /api/v2/instance` with `configuration.statuses.max_characters`, or without it, or
//!   missing (404), or behind the token;
//! - `GET /api/v1/accounts/verify_credentials` naming the bot ([`BOT_ID`]);
//! - `POST /api/v2/media` as `multipart/form-data` with a `file` part of type `image/png` that
//!   is a PNG no larger than the instance's limit (16 MB, [`MastodonFake::max_image_bytes`]) and
//!   a `description` of at most 1500 characters, which this fake requires (every chart carries
//!   alt text); 200 when processed at once, or 202 and then `GET /api/v1/media/:id` answering
//!   206 until processed ([`Fault::Processing`]);
//! - `media_ids` on a status name uploaded, processed attachments not used by another status
//!   (422 otherwise, as Mastodon refuses them).
//! - the notification stream on a streaming host of its own ([`StreamFake`], named by the
//!   instance's `configuration.urls.streaming`).
//!
//! Faults ([`Fault`]) are consumed in order, separately for status posts, uploads and GETs: a rate
//! limit with an ISO 8601 `X-RateLimit-Reset`, a 5xx before or after the status is created, a
//! slow answer after creating it (for timeouts and crashes between send and record), garbage.
//!
//! ```no_run
//! # async fn t() {
//! use std::time::Duration;
//! use watchtime_mastodon::fake::{Fault, MastodonFake};
//! let fake = MastodonFake::start()
//!     .await
//!     .mention("1", "9001", "alice@example.social", "<p>@watchtime minecraft</p>")
//!     .post_faults([Fault::RateLimited(Duration::from_secs(1))]);
//! let client = fake.client().await;
//! // … answer the mention …
//! assert!(fake.created().iter().all(|s| s.in_reply_to() == Some("9001")));
//! # }
//! ```

mod multipart;
mod server;
mod stream;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use watchtime_core::retry::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

use crate::{MastodonClient, MastodonConfig, MediaWait};
use server::{Instance, Router, State};
pub use stream::{StreamConnection, StreamFake, StreamRequest};

/// The fake's access token; logs must never show it.
pub const TOKEN: &str = "tok-SECRET-mastodon-7f3a9c";
/// The bot's account id.
pub const BOT_ID: &str = "109000000000000001";
/// The bot's account name (`acct`).
pub const BOT_ACCT: &str = "watchtime";

/// A fault the next matching request meets.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `X-RateLimit-Reset` (ISO 8601) this far ahead; nothing done.
    RateLimited(Duration),
    /// This 5xx before anything happens.
    ServerError(u16),
    /// The status is created, then the answer is lost to this 5xx (a proxy timing out).
    ServerErrorAfterCreate(u16),
    /// The status is created, but the answer is held this long (past the client's timeout, or
    /// long enough to kill the process between send and record).
    SlowAfterCreate(Duration),
    /// 200 with a body that is not JSON.
    Garbled,
    /// Uploads only: the attachment is stored, then processed in the background; this many
    /// polls answer 206 before it is ready (202 first).
    Processing(u32),
    /// Uploads only: 413 from the proxy in front of the instance; nothing stored.
    PayloadTooLarge,
}

/// An image the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The attachment id.
    pub id: String,
    /// The `file` part's file name.
    pub file_name: Option<String>,
    /// The `file` part's content type.
    pub content_type: Option<String>,
    /// The file.
    pub bytes: Vec<u8>,
    /// The alt text (`description`).
    pub description: String,
    /// The status it is attached to, once one names it.
    pub status: Option<String>,
}

/// A status the fake created: the request's body and key, and the id it got.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// The status id.
    pub id: String,
    /// The `Idempotency-Key` of the request that created it.
    pub key: String,
    /// The JSON body of that request.
    pub body: Value,
}

impl Created {
    /// The status text.
    pub fn text(&self) -> &str {
        self.body["status"].as_str().unwrap_or_default()
    }

    /// The status it replies to, for replies.
    pub fn in_reply_to(&self) -> Option<&str> {
        self.body.get("in_reply_to_id").and_then(Value::as_str)
    }

    /// The visibility asked for (`public` when absent, as Mastodon defaults).
    pub fn visibility(&self) -> &str {
        self.body["visibility"].as_str().unwrap_or("public")
    }

    /// The attachment ids it carries (`media_ids`).
    pub fn media_ids(&self) -> Vec<&str> {
        self.body["media_ids"]
            .as_array()
            .map(|ids| ids.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// The fake instance; build a scenario with its methods, then connect a client.
///
/// Dropping it stops the server.
#[derive(Debug)]
pub struct MastodonFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl MastodonFake {
    /// An instance with a 500-character limit, no mentions and no faults. Mentions are dated
    /// 2026-05-01 12:00 UTC until [`MastodonFake::mentions_dated`] says otherwise.
    pub async fn start() -> Self {
        let server = MockServer::builder().start().await;
        let dated = Utc
            .with_ymd_and_hms(2026, 5, 1, 12, 0, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let state = Arc::new(Mutex::new(State::new(dated)));
        Mock::given(any())
            .respond_with(Router(Arc::clone(&state)))
            .mount(&server)
            .await;
        MastodonFake { server, state }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with(self, f: impl FnOnce(&mut State)) -> Self {
        f(&mut self.state());
        self
    }

    /// `configuration.statuses.max_characters` = `max`.
    #[must_use]
    pub fn max_characters(self, max: u64) -> Self {
        self.with(|s| s.instance = Instance::Limit(max))
    }

    /// An instance description without the limit field (the server enforces 500).
    #[must_use]
    pub fn instance_without_limit(self) -> Self {
        self.with(|s| s.instance = Instance::NoLimit)
    }

    /// No `/api/v2/instance` (Mastodon before 4.0): 404.
    #[must_use]
    pub fn instance_missing(self) -> Self {
        self.with(|s| s.instance = Instance::Missing)
    }

    /// The instance description needs the token (limited federation mode).
    #[must_use]
    pub fn instance_requires_auth(self) -> Self {
        self.with(|s| s.instance = Instance::RequiresAuth(500))
    }

    /// `configuration.urls.streaming` = `address` (a [`StreamFake::address`]); by default the
    /// instance names `wss://example.social`, where nothing answers.
    #[must_use]
    pub fn streaming_url(self, address: &str) -> Self {
        self.with(|s| s.streaming = address.to_owned())
    }

    /// The next status posts meet these faults, in order.
    #[must_use]
    pub fn post_faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.with(|s| s.post_faults.extend(faults))
    }

    /// The next image uploads meet these faults, in order.
    #[must_use]
    pub fn upload_faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.with(|s| s.upload_faults.extend(faults))
    }

    /// Images larger than `bytes` are refused (422), as an instance with that limit does.
    #[must_use]
    pub fn max_image_bytes(self, bytes: usize) -> Self {
        self.with(|s| s.max_image_bytes = bytes)
    }

    /// The next GET requests meet these faults, in order.
    #[must_use]
    pub fn get_faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.with(|s| s.get_faults.extend(faults))
    }

    /// Queues faults for the next status posts of a running scenario.
    pub fn queue_post_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state().post_faults.extend(faults);
    }

    /// Queues faults for the next GET requests of a running scenario.
    pub fn queue_get_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state().get_faults.extend(faults);
    }

    /// Mentions added from now on are dated `at` (the bot skips mentions older than a day).
    #[must_use]
    pub fn mentions_dated(self, at: DateTime<Utc>) -> Self {
        self.with(|s| s.mentions_dated = at)
    }

    /// A public mention: notification `id` of status `status_id` by `acct`, with HTML `content`.
    /// The author's account id is derived from `acct` ([`account_id`]).
    #[must_use]
    pub fn mention(self, id: &str, status_id: &str, acct: &str, content: &str) -> Self {
        self.mention_with_visibility(id, status_id, acct, content, "public")
    }

    /// Adds a public mention posted `at` in a running scenario (new mentions between two
    /// rounds of answering). Returns the notification, to stream it too
    /// ([`StreamFake::notification`]).
    pub fn add_mention(
        &self,
        at: DateTime<Utc>,
        (id, status_id): (&str, &str),
        acct: &str,
        content: &str,
    ) -> Value {
        let n = server::notification(
            id,
            status_id,
            (&account_id(acct), acct),
            content,
            "public",
            at,
        );
        self.state().notifications.push(n.clone());
        n
    }

    /// A mention with a given status visibility (`public`, `unlisted`, `private`, `direct`).
    #[must_use]
    pub fn mention_with_visibility(
        self,
        id: &str,
        status_id: &str,
        acct: &str,
        content: &str,
        visibility: &str,
    ) -> Self {
        self.with(|s| {
            let n = server::notification(
                id,
                status_id,
                (&account_id(acct), acct),
                content,
                visibility,
                s.mentions_dated,
            );
            s.notifications.push(n);
        })
    }

    /// A mention posted by the bot's own account (a thread it continued), which it must not
    /// answer.
    #[must_use]
    pub fn own_mention(self, id: &str, status_id: &str, content: &str) -> Self {
        self.with(|s| {
            let n = server::notification(
                id,
                status_id,
                (BOT_ID, BOT_ACCT),
                content,
                "public",
                s.mentions_dated,
            );
            s.notifications.push(n);
        })
    }

    /// A raw notification entry (deleted statuses, other types, garbage).
    #[must_use]
    pub fn raw_notification(self, entry: Value) -> Self {
        self.with(|s| s.notifications.push(entry))
    }

    /// `n` mentions with ids from 95 up (so ids cross from two to three digits), each by its own
    /// author `fan{i}@other.example`, status ids `9000 + id`, text `@watchtime game {i}`.
    #[must_use]
    pub fn backlog(mut self, n: u64) -> Self {
        for i in 0..n {
            let id = (95 + i).to_string();
            let status = (9000 + 95 + i).to_string();
            let acct = format!("fan{i}@other.example");
            self = self.mention(&id, &status, &acct, &format!("<p>@watchtime game {i}</p>"));
        }
        self
    }

    /// The instance root, for the client's base URL (`MASTODON_BASE_URL` in the binary).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Settings pointing at the fake with its token, no waiting between retries, a 2 s
    /// timeout, and 5 polls 10 ms apart for an image being processed.
    pub fn config(&self) -> MastodonConfig {
        MastodonConfig::new(self.uri(), TOKEN.into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
            .with_media_wait(MediaWait {
                polls: 5,
                interval: Duration::from_millis(10),
            })
    }

    /// Settings for an address where nothing listens (connections are refused).
    pub fn unreachable_config() -> MastodonConfig {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        MastodonConfig::new(format!("http://127.0.0.1:{port}"), TOKEN.into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
    }

    /// A client connected to the fake with [`MastodonFake::config`].
    pub async fn client(&self) -> MastodonClient {
        MastodonClient::connect(self.config())
            .await
            .expect("the fake instance accepts its own configuration")
    }

    /// The statuses created, in order (posts and replies).
    pub fn created(&self) -> Vec<Created> {
        self.state().created.clone()
    }

    /// The images received, in order (attached or not).
    pub fn uploads(&self) -> Vec<Upload> {
        self.state().uploads.clone()
    }

    /// The texts of the statuses created that reply to nothing (the daily posts), in order.
    pub fn posts(&self) -> Vec<String> {
        self.state()
            .created
            .iter()
            .filter(|c| c.in_reply_to().is_none())
            .map(|c| c.text().to_owned())
            .collect()
    }

    /// The statuses created as replies, in order.
    pub fn replies(&self) -> Vec<Created> {
        self.state()
            .created
            .iter()
            .filter(|c| c.in_reply_to().is_some())
            .cloned()
            .collect()
    }

    /// Every request received.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests received for `method` and `path` (`"POST"`, `"/api/v1/statuses"`).
    pub async fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r.method.as_str() == method && r.url.path() == path)
            .collect()
    }

    /// How many status posts arrived (retries and replays included).
    pub async fn status_requests(&self) -> usize {
        self.requests_to("POST", "/api/v1/statuses").await.len()
    }

    /// How many notification pages were asked for.
    pub async fn notification_requests(&self) -> usize {
        self.requests_to("GET", "/api/v1/notifications").await.len()
    }
}

/// A stable numeric account id per handle (FNV-1a), distinct for distinct handles in practice.
pub fn account_id(acct: &str) -> String {
    let hash = acct.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % 1_000_000_000_000_000).to_string()
}
