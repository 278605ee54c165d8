//! The fake webhook's state and its answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::multipart;
use super::{Fault, PostedFile, WEBHOOK_ID, WEBHOOK_TOKEN};

/// Discord's upload limit for a webhook without a boosted server: 10 MiB.
const FILE_LIMIT: usize = 10 * 1024 * 1024;
/// An attachment description's limit, in characters.
const DESCRIPTION_LIMIT: usize = 1024;

/// The channel and the faults waiting; one lock, held only while answering.
#[derive(Debug)]
pub(super) struct State {
    pub(super) messages: Vec<Value>,
    pub(super) files: Vec<PostedFile>,
    pub(super) faults: VecDeque<Fault>,
    pub(super) max_file_bytes: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            messages: Vec::new(),
            files: Vec::new(),
            faults: VecDeque::new(),
            max_file_bytes: FILE_LIMIT,
        }
    }
}

fn invalid_form(field: &str, message: &str) -> Box<ResponseTemplate> {
    Box::new(ResponseTemplate::new(400).set_body_json(json!({
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {field: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": message}]}},
    })))
}

/// A multipart message: its `payload_json` and its files, each with its attachment's filename.
type Form = (Value, Vec<(multipart::Field, String)>);

/// The JSON of a multipart message and its files, checked as Discord checks them.
fn read_form(req: &Request, max_file_bytes: usize) -> Result<Form, Box<ResponseTemplate>> {
    let fields = multipart::fields(req).map_err(|e| invalid_form("payload_json", &e))?;
    let body = fields
        .iter()
        .find(|f| f.name == "payload_json")
        .and_then(|f| serde_json::from_slice::<Value>(&f.data).ok())
        .ok_or_else(|| invalid_form("payload_json", "fake: no payload_json part"))?;
    let attachments = body["attachments"].as_array().cloned().unwrap_or_default();
    let mut files = Vec::new();
    for field in fields.iter().filter(|f| f.name != "payload_json") {
        let index = field
            .name
            .strip_prefix("files[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| invalid_form("files", &format!("unexpected part {}", field.name)))?;
        let Some(described) = attachments.iter().find(|a| a["id"].as_u64() == Some(index)) else {
            return Err(invalid_form(
                "attachments",
                "fake: a file without its attachments entry",
            ));
        };
        if field.file_name.is_none() {
            return Err(invalid_form(
                "files",
                "fake: a file part without a file name",
            ));
        }
        if field.content_type.as_deref() != Some("image/png")
            || !field.data.starts_with(b"\x89PNG\r\n\x1a\n")
        {
            return Err(invalid_form("files", "fake: expected an image/png PNG"));
        }
        if field.data.len() > max_file_bytes {
            return Err(Box::new(discord_error(
                413,
                "Request entity too large",
                40005,
            )));
        }
        let description = described["description"].as_str().unwrap_or_default();
        if description.chars().count() > DESCRIPTION_LIMIT {
            return Err(invalid_form(
                "attachments",
                "Must be 1024 or fewer in length.",
            ));
        }
        if description.trim().is_empty() {
            return Err(invalid_form(
                "attachments",
                "fake: every image must carry alt text",
            ));
        }
        files.push((field.clone(), description.to_owned()));
    }
    if files.len() != attachments.len() {
        return Err(invalid_form(
            "attachments",
            "fake: an attachment without its file",
        ));
    }
    Ok((body, files))
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
        let content_type = req
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let (body, files) = if content_type.starts_with("multipart/form-data") {
            match read_form(req, state.max_file_bytes) {
                Ok(read) => read,
                Err(refusal) => return *refusal,
            }
        } else {
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(body) if content_type.starts_with("application/json") => (body, Vec::new()),
                _ => return discord_error(400, "Cannot send an empty message", 50006),
            }
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
        let attachments: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(i, (f, description))| {
                json!({
                    "id": format!("{id}{i}"),
                    "filename": f.file_name,
                    "description": description,
                    "content_type": f.content_type,
                    "size": f.data.len(),
                    "url": format!("https://cdn.discordapp.com/attachments/1000/{id}/chart.png"),
                })
            })
            .collect();
        for (f, description) in files {
            state.files.push(PostedFile {
                message_id: id.clone(),
                file_name: f.file_name,
                content_type: f.content_type,
                description,
                bytes: f.data,
            });
        }
        let message = json!({
            "id": id,
            "type": 0,
            "content": content,
            "channel_id": "1000",
            "webhook_id": WEBHOOK_ID,
            "author": {"id": WEBHOOK_ID, "username": "watchtime", "bot": true},
            "mentions": [],
            "attachments": attachments,
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
