//! The fake webhook's state and its answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::{Fault, WEBHOOK_ID, WEBHOOK_TOKEN};

/// The channel and the faults waiting; one lock, held only while answering.
#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) messages: Vec<Value>,
    pub(super) faults: VecDeque<Fault>,
}

fn discord_error(status: u16, message: &str, code: u32) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"message": message, "code": code}))
}

/// Answers every request from the shared state.
pub(super) struct Router(pub(super) Arc<Mutex<State>>);

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
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
