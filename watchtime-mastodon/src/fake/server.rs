//! The fake instance's state and its answers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;
use wiremock::{Request, Respond, ResponseTemplate};

use super::multipart;
use super::{BOT_ACCT, BOT_ID, Created, Fault, TOKEN, Upload};

/// Mastodon's default image limit (`MAX_IMAGE_SIZE`, 16 MB).
const DEFAULT_IMAGE_LIMIT: usize = 16 * 1024 * 1024;
/// A media description's limit in characters.
const DESCRIPTION_LIMIT: usize = 1500;

/// What `/api/v2/instance` says.
#[derive(Debug)]
pub(super) enum Instance {
    Limit(u64),
    NoLimit,
    Missing,
    RequiresAuth(u64),
}

/// Everything the instance knows; one lock, held only while answering.
#[derive(Debug)]
pub(super) struct State {
    pub(super) instance: Instance,
    pub(super) created: Vec<Created>,
    by_key: HashMap<String, usize>,
    /// Mention notifications, in the order added.
    pub(super) notifications: Vec<Value>,
    pub(super) post_faults: VecDeque<Fault>,
    pub(super) get_faults: VecDeque<Fault>,
    pub(super) upload_faults: VecDeque<Fault>,
    pub(super) uploads: Vec<Upload>,
    /// Polls left before each upload (by index) is processed.
    processing: HashMap<String, u32>,
    pub(super) max_image_bytes: usize,
    /// The date of mentions added from now on.
    pub(super) mentions_dated: DateTime<Utc>,
    /// `configuration.urls.streaming`.
    pub(super) streaming: String,
}

impl State {
    pub(super) fn new(mentions_dated: DateTime<Utc>) -> Self {
        State {
            instance: Instance::Limit(500),
            created: vec![],
            by_key: HashMap::new(),
            notifications: vec![],
            post_faults: VecDeque::new(),
            get_faults: VecDeque::new(),
            upload_faults: VecDeque::new(),
            uploads: vec![],
            processing: HashMap::new(),
            max_image_bytes: DEFAULT_IMAGE_LIMIT,
            mentions_dated,
            streaming: "wss://example.social".to_owned(),
        }
    }
}

/// A mention notification of status `status_id` by `(account id, acct)`.
pub(super) fn notification(
    id: &str,
    status_id: &str,
    (account_id, acct): (&str, &str),
    content: &str,
    visibility: &str,
    at: DateTime<Utc>,
) -> Value {
    let account = json!({
        "id": account_id,
        "username": acct.split('@').next().unwrap_or(acct),
        "acct": acct,
        "display_name": "",
    });
    let at = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({
        "id": id,
        "type": "mention",
        "created_at": at,
        "account": account,
        "status": {
            "id": status_id,
            "created_at": at,
            "visibility": visibility,
            "content": content,
            "account": account,
            "mentions": [{"id": BOT_ID, "acct": BOT_ACCT}],
        },
    })
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": message }))
}

fn rate_limited(ahead: Duration) -> ResponseTemplate {
    let reset = Utc::now() + ahead;
    error(429, "Too many requests")
        .insert_header("X-RateLimit-Limit", "300")
        .insert_header("X-RateLimit-Remaining", "0")
        .insert_header(
            "X-RateLimit-Reset",
            reset.to_rfc3339_opts(SecondsFormat::Micros, true).as_str(),
        )
}

/// Mastodon ids are numeric strings of growing length: order by length, then text.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Answers every request from the shared state.
pub(super) struct Router(pub(super) Arc<Mutex<State>>);

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let authorized = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {TOKEN}"));
        let route = (req.method.as_str(), req.url.path());
        // Rate limits and proxies answer before the application looks at the token.
        if req.method.as_str() == "GET" {
            match state.get_faults.pop_front() {
                Some(Fault::RateLimited(ahead)) => return rate_limited(ahead),
                Some(Fault::ServerError(code) | Fault::ServerErrorAfterCreate(code)) => {
                    return error(code, "Internal server error");
                }
                Some(Fault::Garbled) => {
                    return ResponseTemplate::new(200).set_body_string("<html>");
                }
                Some(Fault::SlowAfterCreate(_) | Fault::Processing(_) | Fault::PayloadTooLarge)
                | None => {}
            }
        }
        if route == ("GET", "/api/v2/instance") {
            return state.instance(authorized);
        }
        if !authorized {
            return error(401, "The access token is invalid");
        }
        match route {
            ("GET", "/api/v1/accounts/verify_credentials") => ResponseTemplate::new(200)
                .set_body_json(json!({"id": BOT_ID, "username": BOT_ACCT, "acct": BOT_ACCT})),
            ("GET", "/api/v1/notifications") => state.notifications(req),
            ("POST", "/api/v1/statuses") => state.post_status(req),
            ("POST", "/api/v2/media") => state.upload(req),
            ("GET", path) if path.starts_with("/api/v1/media/") => {
                state.media_status(&path["/api/v1/media/".len()..])
            }
            _ => error(404, "Record not found"),
        }
    }
}

impl State {
    fn max_characters(&self) -> u64 {
        match self.instance {
            Instance::Limit(max) | Instance::RequiresAuth(max) => max,
            Instance::NoLimit | Instance::Missing => 500,
        }
    }

    fn instance(&self, authorized: bool) -> ResponseTemplate {
        let described = |max: Option<u64>| {
            let mut body = json!({
                "domain": "example.social",
                "title": "Example",
                "version": "4.4.0",
                "configuration": {"urls": {"streaming": self.streaming}, "statuses": {"max_media_attachments": 4, "characters_reserved_per_url": 23}},
            });
            if let Some(max) = max {
                body["configuration"]["statuses"]["max_characters"] = json!(max);
            }
            ResponseTemplate::new(200).set_body_json(body)
        };
        match self.instance {
            Instance::Limit(max) => described(Some(max)),
            Instance::NoLimit => described(None),
            Instance::Missing => error(404, "Not Found"),
            Instance::RequiresAuth(_) if !authorized => {
                error(401, "This method requires an authenticated user")
            }
            Instance::RequiresAuth(max) => described(Some(max)),
        }
    }

    fn notifications(&self, req: &Request) -> ResponseTemplate {
        let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        if query.get("types[]").map(String::as_str) != Some("mention") {
            return error(400, "fake: expected types[]=mention");
        }
        if query.contains_key("since_id") {
            return error(400, "fake: walk forward with min_id, not since_id");
        }
        let limit = query
            .get("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(40)
            .min(80);
        let mut sorted = self.notifications.clone();
        sorted.sort_by(|a, b| {
            id_order(
                a["id"].as_str().unwrap_or(""),
                b["id"].as_str().unwrap_or(""),
            )
        });
        let page: Vec<Value> = match query.get("min_id") {
            // The page right after min_id, served newest first.
            Some(min) => {
                let mut page: Vec<Value> = sorted
                    .into_iter()
                    .filter(|n| id_order(n["id"].as_str().unwrap_or(""), min).is_gt())
                    .take(limit)
                    .collect();
                page.reverse();
                page
            }
            None => sorted.into_iter().rev().take(limit).collect(),
        };
        ResponseTemplate::new(200).set_body_json(Value::Array(page))
    }

    fn post_status(&mut self, req: &Request) -> ResponseTemplate {
        let Some(key) = req
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
        else {
            return error(400, "fake: every status must carry an Idempotency-Key");
        };
        let is_json = req
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return error(400, "fake: body is not JSON");
        };
        if !is_json {
            return error(400, "fake: expected a JSON body");
        }
        // A replay of a known key answers the first status and creates nothing.
        if let Some(&i) = self.by_key.get(&key) {
            return ResponseTemplate::new(200).set_body_json(self.status_json(i));
        }
        let fault = self.post_faults.pop_front();
        match fault {
            Some(Fault::RateLimited(ahead)) => return rate_limited(ahead),
            Some(Fault::ServerError(code)) => return error(code, "Internal server error"),
            _ => {}
        }
        let text = body["status"].as_str().unwrap_or("");
        if text.trim().is_empty() {
            return error(422, "Validation failed: Text can't be blank");
        }
        let max = self.max_characters();
        if text.graphemes(true).count() as u64 > max {
            return error(
                422,
                &format!("Validation failed: Text character limit of {max} exceeded"),
            );
        }
        if !["public", "unlisted", "private", "direct"]
            .contains(&body["visibility"].as_str().unwrap_or("public"))
        {
            return error(
                422,
                "Validation failed: Visibility is not included in the list",
            );
        }
        let media_ids: Vec<String> = match body.get("media_ids") {
            None => vec![],
            Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => ids
                .iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect(),
            Some(_) => return error(422, "fake: media_ids must be an array of id strings"),
        };
        for id in &media_ids {
            let Some(upload) = self.uploads.iter().find(|u| &u.id == id) else {
                return error(422, "Validation failed: Media attachments are invalid");
            };
            if upload.status.is_some() {
                return error(422, "Validation failed: Media attachments are invalid");
            }
            if self.processing.contains_key(id) {
                return error(
                    422,
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                );
            }
        }
        if let Some(target) = body.get("in_reply_to_id").and_then(Value::as_str) {
            let known = self
                .notifications
                .iter()
                .any(|n| n["status"]["id"].as_str() == Some(target))
                || self.created.iter().any(|c| c.id == target);
            if !known {
                return error(404, "Record not found");
            }
        }
        let id = (110_000_000_000_000_000u64 + self.created.len() as u64 + 1).to_string();
        for upload in &mut self.uploads {
            if media_ids.contains(&upload.id) {
                upload.status = Some(id.clone());
            }
        }
        self.created.push(Created {
            id,
            key: key.clone(),
            body,
        });
        let i = self.created.len() - 1;
        self.by_key.insert(key, i);
        let ok = ResponseTemplate::new(200).set_body_json(self.status_json(i));
        match fault {
            Some(Fault::ServerErrorAfterCreate(code)) => error(code, "Bad gateway"),
            Some(Fault::SlowAfterCreate(delay)) => ok.set_delay(delay),
            Some(Fault::Garbled) => ResponseTemplate::new(200).set_body_string("<html>"),
            _ => ok,
        }
    }

    /// `POST /api/v2/media`: checks the form as Mastodon does (and requires alt text).
    fn upload(&mut self, req: &Request) -> ResponseTemplate {
        let fault = self.upload_faults.pop_front();
        match fault {
            Some(Fault::RateLimited(ahead)) => return rate_limited(ahead),
            Some(Fault::ServerError(code)) => return error(code, "Internal server error"),
            Some(Fault::PayloadTooLarge) => {
                return ResponseTemplate::new(413)
                    .set_body_string("<html>413 Request Entity Too Large</html>");
            }
            _ => {}
        }
        let fields = match multipart::fields(req) {
            Ok(fields) => fields,
            Err(e) => return error(422, &format!("fake: {e}")),
        };
        let Some(file) = fields.iter().find(|f| f.name == "file") else {
            return error(422, "Validation failed: File can't be blank");
        };
        if file.file_name.is_none() {
            return error(422, "fake: the file part has no file name");
        }
        if file.content_type.as_deref() != Some("image/png")
            || !file.data.starts_with(b"\x89PNG\r\n\x1a\n")
        {
            return error(422, "Validation failed: File content type is invalid");
        }
        if file.data.len() > self.max_image_bytes {
            return error(
                422,
                &format!(
                    "Validation failed: File file size must be less than {} bytes",
                    self.max_image_bytes
                ),
            );
        }
        let description = fields
            .iter()
            .find(|f| f.name == "description")
            .and_then(multipart::Field::text)
            .unwrap_or_default()
            .to_owned();
        if description.trim().is_empty() {
            return error(422, "fake: every image must carry alt text (description)");
        }
        if description.chars().count() > DESCRIPTION_LIMIT {
            return error(
                422,
                "Validation failed: Description is too long (maximum is 1500 characters)",
            );
        }
        let id = (120_000_000_000_000_000u64 + self.uploads.len() as u64 + 1).to_string();
        self.uploads.push(Upload {
            id: id.clone(),
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            bytes: file.data.clone(),
            description,
            status: None,
        });
        let i = self.uploads.len() - 1;
        match fault {
            Some(Fault::Processing(polls)) => {
                self.processing.insert(id, polls);
                ResponseTemplate::new(202).set_body_json(self.media_json(i, false))
            }
            Some(Fault::SlowAfterCreate(delay)) => ResponseTemplate::new(200)
                .set_body_json(self.media_json(i, true))
                .set_delay(delay),
            Some(Fault::ServerErrorAfterCreate(code)) => error(code, "Bad gateway"),
            Some(Fault::Garbled) => ResponseTemplate::new(200).set_body_string("<html>"),
            _ => ResponseTemplate::new(200).set_body_json(self.media_json(i, true)),
        }
    }

    /// `GET /api/v1/media/:id`: 206 while processing, then 200.
    fn media_status(&mut self, id: &str) -> ResponseTemplate {
        let Some(i) = self.uploads.iter().position(|u| u.id == id) else {
            return error(404, "Record not found");
        };
        match self.processing.get_mut(id) {
            Some(0) => {
                self.processing.remove(id);
                ResponseTemplate::new(200).set_body_json(self.media_json(i, true))
            }
            Some(left) => {
                *left -= 1;
                ResponseTemplate::new(206).set_body_json(self.media_json(i, false))
            }
            None => ResponseTemplate::new(200).set_body_json(self.media_json(i, true)),
        }
    }

    fn media_json(&self, i: usize, processed: bool) -> Value {
        let u = &self.uploads[i];
        let url = format!("https://files.example.social/media/{}.png", u.id);
        json!({
            "id": u.id,
            "type": "image",
            "url": if processed { Value::String(url) } else { Value::Null },
            "preview_url": format!("https://files.example.social/small/{}.png", u.id),
            "description": u.description,
        })
    }

    fn status_json(&self, i: usize) -> Value {
        let c = &self.created[i];
        json!({
            "id": c.id,
            "created_at": "2026-05-02T21:00:00.000Z",
            "visibility": c.body["visibility"],
            "in_reply_to_id": c.body.get("in_reply_to_id"),
            "content": format!("<p>{}</p>", c.body["status"].as_str().unwrap_or("")),
            "account": {"id": BOT_ID, "acct": BOT_ACCT},
        })
    }
}
