//! `DiscordFake`: a channel webhook on a local wiremock server that checks what Discord checks
//! and keeps the messages it posted, for tests of anything that posts to Discord (this crate's
//! tests, the binary's end-to-end tests, the daemon's).
//!
//! What the fake enforces: the webhook id and token in the path (404 "Unknown Webhook", 401
//! "Invalid Webhook Token"), `POST` only, a JSON body with non-empty `content` of at most 2000
//! characters (Discord's 400 "Invalid Form Body" otherwise), and this crate's contract:
//! `allowed_mentions: {"parse": []}` (so names never ping). With `?wait=true` it answers the
//! message (200), without it 204 and no body, as Discord does.
//!
//! A message with a file is `multipart/form-data`: the JSON as the `payload_json` part, each file
//! as `files[n]` with a file name, described by the `attachments` entry whose `id` is `n`. The
//! fake requires `image/png` PNG files of at most 10 MiB ([`DiscordFake::max_file_bytes`]; 413
//! "Request entity too large" otherwise), a description of at most 1024 characters, and (this
//! fake's rule: every chart carries alt text) a non-empty one.
//!
//! Faults ([`Fault`]) are consumed in order, one per execution: a 429 with `retry_after`, a 5xx
//! before or after the message is posted, a slow answer after posting (for timeouts and crashes
//! between send and record), garbage.
//!
//! ```no_run
//! # async fn t() {
//! use watchtime_discord::fake::{DiscordFake, Fault};
//! let fake = DiscordFake::start()
//!     .await
//!     .faults([Fault::RateLimited { retry_after: 0.5, global: false }]);
//! // … post through fake.client() or a program given fake.webhook_url() …
//! assert!(fake.texts().iter().all(|t| t.chars().count() <= 2000));
//! # }
//! ```

mod multipart;
mod server;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use watchtime_core::retry::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

use crate::{DiscordClient, DiscordConfig};
use server::{Router, State};

/// The webhook id.
pub const WEBHOOK_ID: &str = "123";
/// The webhook token; logs and errors must never show it (nor the URL that holds it).
pub const WEBHOOK_TOKEN: &str = "tok-SECRET-discord-5d1e";

/// A fault the next execution meets.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with this `retry_after` (seconds) in the body and `Retry-After` rounded up.
    RateLimited {
        /// Seconds to wait, as Discord's body says.
        retry_after: f64,
        /// Whether the limit is the global one.
        global: bool,
    },
    /// A 5xx before anything is posted.
    ServerError(u16),
    /// The message is posted, then the answer is lost to this 5xx.
    ServerErrorAfterPost(u16),
    /// The message is posted, but the answer is held this long.
    SlowAfterPost(Duration),
    /// The message is posted; the answer is 200 with a body that is not JSON.
    Garbled,
}

/// A file posted with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostedFile {
    /// The message it belongs to.
    pub message_id: String,
    /// The part's file name.
    pub file_name: Option<String>,
    /// The part's content type.
    pub content_type: Option<String>,
    /// The attachment's description (the alt text).
    pub description: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// The fake webhook.
///
/// Dropping it stops the server.
#[derive(Debug)]
pub struct DiscordFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl DiscordFake {
    /// A webhook that posts everything valid.
    pub async fn start() -> Self {
        let server = MockServer::builder().start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(any())
            .respond_with(Router(Arc::clone(&state)))
            .mount(&server)
            .await;
        DiscordFake { server, state }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next executions meet these faults, in order.
    #[must_use]
    pub fn faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.queue_faults(faults);
        self
    }

    /// Files larger than `bytes` are refused (413), as Discord refuses files over its limit.
    #[must_use]
    pub fn max_file_bytes(self, bytes: usize) -> Self {
        self.state().max_file_bytes = bytes;
        self
    }

    /// Queues faults in a running scenario.
    pub fn queue_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state().faults.extend(faults);
    }

    /// The webhook URL, token included (`DISCORD_WEBHOOK_URL` in the binary).
    pub fn webhook_url(&self) -> String {
        format!(
            "{}/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}",
            self.server.uri()
        )
    }

    /// Settings for the fake's webhook with no waiting between retries and a 2 s timeout.
    pub fn config(&self) -> DiscordConfig {
        DiscordConfig::new(self.webhook_url().into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
    }

    /// A publisher for [`DiscordFake::config`].
    pub fn client(&self) -> DiscordClient {
        DiscordClient::new(self.config()).expect("the fake's configuration is valid")
    }

    /// The messages posted, as stored (with their ids), in order.
    pub fn messages(&self) -> Vec<Value> {
        self.state().messages.clone()
    }

    /// The contents of the messages posted, in order.
    pub fn texts(&self) -> Vec<String> {
        self.state()
            .messages
            .iter()
            .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The files posted with messages, in order.
    pub fn files(&self) -> Vec<PostedFile> {
        self.state().files.clone()
    }

    /// Every request received, whatever its answer.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// How many executions of the webhook arrived (retries included).
    pub async fn executions(&self) -> usize {
        self.requests()
            .await
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count()
    }
}
