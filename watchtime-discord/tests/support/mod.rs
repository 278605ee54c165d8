//! `DiscordFake`: a channel webhook on wiremock that checks what Discord checks (webhook id and
//! token, JSON body, content length) plus our contract (`wait=true`, no pings), and keeps the
//! messages it posted.

#![allow(dead_code, clippy::unwrap_used)] // test scaffolding: a broken fake should panic loudly

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use watchtime_core::ports::Post;
use watchtime_core::retry::RetryPolicy;
use watchtime_discord::{DiscordClient, DiscordConfig};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The webhook id.
pub const WEBHOOK_ID: &str = "123";
/// The webhook token; logs and errors must never show it.
pub const WEBHOOK_TOKEN: &str = "tok-SECRET-discord-5d1e";

/// A fault the next execution meets.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with this `retry_after` (seconds) in the body and `Retry-After` rounded up.
    RateLimited { retry_after: f64, global: bool },
    /// A 5xx before anything is posted.
    ServerError(u16),
    /// The message is posted, then the answer is lost to this 5xx.
    ServerErrorAfterPost(u16),
    /// The message is posted, but the answer is held this long.
    SlowAfterPost(Duration),
    /// The message is posted; the answer is 200 with a body that is not JSON.
    Garbled,
}

#[derive(Default)]
struct State {
    messages: Vec<Value>,
    faults: VecDeque<Fault>,
}

/// The fake webhook.
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
            .respond_with(Router(state.clone()))
            .mount(&server)
            .await;
        DiscordFake { server, state }
    }

    /// The next executions meet these faults, in order.
    pub fn faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.state.lock().unwrap().faults.extend(faults);
        self
    }

    /// Queues faults in a running scenario.
    pub fn queue_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state.lock().unwrap().faults.extend(faults);
    }

    /// The webhook URL, token included.
    pub fn webhook_url(&self) -> String {
        format!(
            "{}/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}",
            self.server.uri()
        )
    }

    /// Settings for the fake's webhook with no waiting between retries.
    pub fn config(&self) -> DiscordConfig {
        DiscordConfig::new(self.webhook_url().into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
    }

    /// A publisher for the fake's webhook.
    pub fn client(&self) -> DiscordClient {
        DiscordClient::new(self.config()).unwrap()
    }

    /// The messages posted, as stored (with their ids).
    pub fn messages(&self) -> Vec<Value> {
        self.state.lock().unwrap().messages.clone()
    }

    /// Every request received.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

/// A post with `text` and idempotency key `key`.
pub fn post(text: &str, key: &str) -> Post {
    Post {
        text: text.to_owned(),
        idempotency_key: key.to_owned(),
        image: None,
    }
}

fn discord_error(status: u16, message: &str, code: u32) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"message": message, "code": code}))
}

struct Router(Arc<Mutex<State>>);

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let segments: Vec<&str> = req.url.path().trim_start_matches('/').split('/').collect();
        let ["api", "webhooks", id, token] = segments.as_slice() else {
            return discord_error(404, "404: Not Found", 0);
        };
        if *id != WEBHOOK_ID {
            return discord_error(404, "Unknown Webhook", 10015);
        }
        if *token != WEBHOOK_TOKEN {
            return discord_error(401, "Invalid Webhook Token", 50027);
        }
        if req.method.as_str() != "POST" {
            return discord_error(405, "405: Method Not Allowed", 0);
        }
        let is_json = req
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let body = match serde_json::from_slice::<Value>(&req.body) {
            Ok(body) if is_json => body,
            _ => return discord_error(400, "Cannot send an empty message", 50006),
        };
        if body["allowed_mentions"] != json!({"parse": []}) {
            return discord_error(400, "fake: allowed_mentions must be {\"parse\": []}", 0);
        }
        let content = body["content"].as_str().unwrap_or("");
        if content.is_empty() {
            return discord_error(400, "Cannot send an empty message", 50006);
        }
        if content.chars().count() > 2000 {
            return ResponseTemplate::new(400).set_body_json(json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}},
            }));
        }
        let fault = state.faults.pop_front();
        match fault {
            Some(Fault::RateLimited {
                retry_after,
                global,
            }) => {
                return ResponseTemplate::new(429)
                    .insert_header("Retry-After", retry_after.ceil().to_string().as_str())
                    .insert_header("X-RateLimit-Scope", if global { "global" } else { "user" })
                    .set_body_json(json!({
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": global,
                    }));
            }
            Some(Fault::ServerError(code)) => {
                return discord_error(code, "500: Internal Server Error", 0);
            }
            _ => {}
        }
        let id = (1_300_000_000_000_000_000u64 + state.messages.len() as u64 + 1).to_string();
        let message = json!({
            "id": id,
            "type": 0,
            "content": content,
            "channel_id": "1000",
            "webhook_id": WEBHOOK_ID,
            "author": {"id": WEBHOOK_ID, "username": "watchtime", "bot": true},
            "mentions": [],
            "timestamp": "2026-05-02T21:00:00.000000+00:00",
        });
        state.messages.push(message.clone());
        let wait = req
            .url
            .query_pairs()
            .any(|(k, v)| k == "wait" && v == "true");
        // Without wait=true Discord posts and answers 204 with no message.
        let ok = if wait {
            ResponseTemplate::new(200).set_body_json(message)
        } else {
            ResponseTemplate::new(204)
        };
        match fault {
            Some(Fault::ServerErrorAfterPost(code)) => discord_error(code, "502: Bad Gateway", 0),
            Some(Fault::SlowAfterPost(delay)) => ok.set_delay(delay),
            Some(Fault::Garbled) => ResponseTemplate::new(200).set_body_string("<html>"),
            _ => ok,
        }
    }
}
