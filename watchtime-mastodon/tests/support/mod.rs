//! `MastodonFake`: a Mastodon instance on wiremock that checks what the real one checks (bearer
//! token, idempotency keys, status length, reply targets, `min_id` pagination) and keeps state:
//! the statuses created, the keys seen, the notifications waiting.

#![allow(dead_code, clippy::unwrap_used)] // test scaffolding: a broken fake should panic loudly

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;
use watchtime_core::ports::Post;
use watchtime_core::retry::RetryPolicy;
use watchtime_mastodon::{MastodonClient, MastodonConfig};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The fake's access token; logs must never show it.
pub const TOKEN: &str = "tok-SECRET-mastodon-7f3a9c";
/// The bot's account.
pub const BOT_ID: &str = "109000000000000001";

/// A fault the next matching request meets.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `X-RateLimit-Reset` (ISO 8601) this far ahead; nothing done.
    RateLimited(Duration),
    /// This 5xx before anything happens.
    ServerError(u16),
    /// The status is created, then the answer is lost to this 5xx (a proxy timing out).
    ServerErrorAfterCreate(u16),
    /// The status is created, but the answer is held this long (past the client's timeout).
    SlowAfterCreate(Duration),
    /// 200 with a body that is not JSON.
    Garbled,
}

enum Instance {
    Limit(u64),
    NoLimit,
    Missing,
    RequiresAuth(u64),
}

/// A status the fake created: the request's body and key, and the id it got.
#[derive(Clone, Debug)]
pub struct Created {
    pub id: String,
    pub key: String,
    pub body: Value,
}

struct State {
    instance: Instance,
    created: Vec<Created>,
    by_key: HashMap<String, usize>,
    /// Mention notifications, oldest first.
    notifications: Vec<Value>,
    post_faults: VecDeque<Fault>,
    get_faults: VecDeque<Fault>,
}

/// The fake instance; build a scenario with its methods, then connect a client.
pub struct MastodonFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl MastodonFake {
    /// An instance with a 500-character limit, no mentions and no faults.
    pub async fn start() -> Self {
        let server = MockServer::builder().start().await;
        let state = Arc::new(Mutex::new(State {
            instance: Instance::Limit(500),
            created: vec![],
            by_key: HashMap::new(),
            notifications: vec![],
            post_faults: VecDeque::new(),
            get_faults: VecDeque::new(),
        }));
        Mock::given(any())
            .respond_with(Router(state.clone()))
            .mount(&server)
            .await;
        MastodonFake { server, state }
    }

    fn with(self, f: impl FnOnce(&mut State)) -> Self {
        f(&mut self.state.lock().unwrap());
        self
    }

    /// `configuration.statuses.max_characters` = `max`.
    pub fn max_characters(self, max: u64) -> Self {
        self.with(|s| s.instance = Instance::Limit(max))
    }

    /// An instance description without the limit field (the server enforces 500).
    pub fn instance_without_limit(self) -> Self {
        self.with(|s| s.instance = Instance::NoLimit)
    }

    /// No `/api/v2/instance` (Mastodon before 4.0): 404.
    pub fn instance_missing(self) -> Self {
        self.with(|s| s.instance = Instance::Missing)
    }

    /// The instance description needs the token (limited federation mode).
    pub fn instance_requires_auth(self) -> Self {
        self.with(|s| s.instance = Instance::RequiresAuth(500))
    }

    /// The next status posts meet these faults, in order.
    pub fn post_faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.with(|s| s.post_faults.extend(faults))
    }

    /// The next GET requests meet these faults, in order.
    pub fn get_faults(self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.with(|s| s.get_faults.extend(faults))
    }

    /// Queues faults for the next GET requests of a running scenario (after connecting).
    pub fn queue_get_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state.lock().unwrap().get_faults.extend(faults);
    }

    /// A mention notification `id` of status `status_id` by `acct`, with HTML `content`.
    pub fn mention(self, id: &str, status_id: &str, acct: &str, content: &str) -> Self {
        self.mention_with_visibility(id, status_id, acct, content, "public")
    }

    /// A mention with a given status visibility.
    pub fn mention_with_visibility(
        self,
        id: &str,
        status_id: &str,
        acct: &str,
        content: &str,
        visibility: &str,
    ) -> Self {
        let n = notification(id, status_id, acct, content, visibility);
        self.with(|s| s.notifications.push(n))
    }

    /// A raw notification entry (deleted statuses, other types, garbage).
    pub fn raw_notification(self, entry: Value) -> Self {
        self.with(|s| s.notifications.push(entry))
    }

    /// `n` mentions with ids from 95 up (so ids cross from two to three digits), each by its own
    /// author, status ids `9000 + id`.
    pub fn backlog(mut self, n: u64) -> Self {
        for i in 0..n {
            let id = (95 + i).to_string();
            let status = (9000 + 95 + i).to_string();
            let acct = format!("fan{i}@other.example");
            self = self.mention(&id, &status, &acct, &format!("<p>@watchtime game {i}</p>"));
        }
        self
    }

    /// The instance root, for the client's base URL.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Settings pointing at the fake with its token and no waiting between retries.
    pub fn config(&self) -> MastodonConfig {
        MastodonConfig::new(self.uri(), TOKEN.into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
    }

    /// A client for an address where nothing listens (connections are refused).
    pub fn unreachable_config() -> MastodonConfig {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        MastodonConfig::new(format!("http://127.0.0.1:{port}"), TOKEN.into())
            .with_retry(RetryPolicy::immediate(3))
            .with_timeout(Duration::from_secs(2))
    }

    /// A connected client.
    pub async fn client(&self) -> MastodonClient {
        MastodonClient::connect(self.config()).await.unwrap()
    }

    /// The statuses created, in order.
    pub fn created(&self) -> Vec<Created> {
        self.state.lock().unwrap().created.clone()
    }

    /// Every request received.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The requests received for `method` and `path`.
    pub async fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r.method.as_str() == method && r.url.path() == path)
            .collect()
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

fn notification(id: &str, status_id: &str, acct: &str, content: &str, visibility: &str) -> Value {
    let account = json!({
        "id": account_id(acct),
        "username": acct.split('@').next().unwrap_or(acct),
        "acct": acct,
        "display_name": "",
    });
    let at = Utc
        .with_ymd_and_hms(2026, 5, 1, 12, 0, 0)
        .unwrap()
        .to_rfc3339_opts(SecondsFormat::Millis, true);
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
            "mentions": [{"id": BOT_ID, "acct": "watchtime"}],
        },
    })
}

/// A stable numeric account id per handle (FNV-1a), distinct for distinct handles in practice.
pub fn account_id(acct: &str) -> String {
    let hash = acct.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % 1_000_000_000_000_000).to_string()
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

fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

struct Router(Arc<Mutex<State>>);

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
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
                Some(Fault::SlowAfterCreate(_)) | None => {}
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
                .set_body_json(json!({"id": BOT_ID, "username": "watchtime", "acct": "watchtime"})),
            ("GET", "/api/v1/notifications") => state.notifications(req),
            ("POST", "/api/v1/statuses") => state.post_status(req),
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
                "configuration": {"urls": {"streaming": "wss://example.social"}, "statuses": {"max_media_attachments": 4, "characters_reserved_per_url": 23}},
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

    fn status_json(&self, i: usize) -> Value {
        let c = &self.created[i];
        json!({
            "id": c.id,
            "created_at": "2026-05-02T21:00:00.000Z",
            "visibility": c.body["visibility"],
            "in_reply_to_id": c.body.get("in_reply_to_id"),
            "content": format!("<p>{}</p>", c.body["status"].as_str().unwrap_or("")),
            "account": {"id": BOT_ID, "acct": "watchtime"},
        })
    }
}
