//! `XFake`: a wiremock stand-in for the X API v2 that checks what X checks.
//!
//! - Every request must carry a valid OAuth 1.0a signature, recomputed here from the request as
//!   received (method, URL, query, `oauth_*` header parameters) with the secrets the fake knows,
//!   by an implementation separate from the crate's. Otherwise: 401, as X answers.
//! - `POST /2/tweets` takes JSON with `text` and an optional `reply.in_reply_to_tweet_id` (a
//!   mention the fake knows) and nothing else; it keeps a tweet store and refuses a text already
//!   posted with X's duplicate-content 403.
//! - `GET /2/users/:id/mentions` pages newest first with `since_id`, `max_results`,
//!   `pagination_token` and the field parameters, escapes text as X does, and refuses unknown
//!   parameters with 400.
//! - Faults are scripted per route and consumed in order: rate limits with
//!   `x-rate-limit-reset`, statuses with X-shaped bodies, slow answers (for timeouts).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::SecretString;
use serde_json::{Value, json};
use sha1::Sha1;
use watchtime_core::retry::RetryPolicy;
use watchtime_twitter::{TwitterClient, TwitterConfig};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The credentials the fake accepts. Distinctive, so a leak is easy to grep for.
pub const CONSUMER_KEY: &str = "ck-Q7zConsumerKey0001";
pub const CONSUMER_SECRET: &str = "cs-W9yConsumerSecret0002";
pub const ACCESS_TOKEN: &str = "1800000000000000001-at-AccessToken0003";
pub const ACCESS_TOKEN_SECRET: &str = "ats-R4xAccessTokenSecret0004";
pub const SECRETS: [&str; 4] = [
    CONSUMER_KEY,
    CONSUMER_SECRET,
    ACCESS_TOKEN,
    ACCESS_TOKEN_SECRET,
];

/// The bot account.
pub const BOT_ID: &str = "1800000000000000001";
pub const BOT_HANDLE: &str = "watchtime_bot";

/// X's answer to a text it has seen recently from the same account.
pub fn duplicate_body() -> Value {
    json!({
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403
    })
}

/// X's answer when the project's access does not include an endpoint (the free tier reading).
pub fn client_forbidden_body() -> Value {
    json!({
        "client_id": "29551234",
        "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
        "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
        "title": "Client Forbidden",
        "required_enrollment": "Appropriate Level of API Access",
        "reason": "client-not-enrolled",
        "type": "https://api.twitter.com/2/problems/client-forbidden"
    })
}

/// X's answer when the app is read-only.
pub fn oauth1_permissions_body() -> Value {
    json!({
        "title": "Forbidden",
        "status": 403,
        "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
        "type": "https://api.twitter.com/2/problems/oauth1-permissions"
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Tweets,
    Me,
    Mentions,
}

#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `x-rate-limit-reset` this many seconds from now.
    RateLimited { reset_in: u64 },
    /// This status and body, without handling the request.
    Status(u16, Value),
    /// Handle the request normally (a post is stored), but answer only after this delay.
    Slow(Duration),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTweet {
    pub id: String,
    pub text: String,
    pub reply_to: Option<String>,
}

/// A mention in the fake's timeline.
#[derive(Clone, Debug)]
pub struct FakeMention {
    pub id: u64,
    pub author_id: String,
    pub author_handle: String,
    pub text: String,
    pub created_at: String,
}

impl FakeMention {
    pub fn new(id: u64, author_id: &str, author_handle: &str, text: &str) -> Self {
        FakeMention {
            id,
            author_id: author_id.into(),
            author_handle: author_handle.into(),
            text: text.into(),
            created_at: format!("2026-11-27T{:02}:{:02}:00.000Z", (id / 60) % 24, id % 60),
        }
    }
}

#[derive(Default)]
struct State {
    tweets: Vec<StoredTweet>,
    next_id: u64,
    mentions: Vec<FakeMention>,
    faults: HashMap<Route, VecDeque<Fault>>,
    nonces: HashSet<String>,
    tweet_bodies: Vec<Value>,
    refusals: Vec<String>,
    arrivals: Vec<(Route, SystemTime)>,
    resets_sent: Vec<u64>,
}

pub struct XFake {
    pub server: MockServer,
    state: Arc<Mutex<State>>,
}

impl XFake {
    pub async fn start() -> XFake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            next_id: 1_900_000_000_000_000_000,
            ..State::default()
        }));
        let handler = |route| Handler {
            route,
            state: state.clone(),
        };
        Mock::given(method("POST"))
            .and(path("/2/tweets"))
            .respond_with(handler(Route::Tweets))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2/users/me"))
            .respond_with(handler(Route::Me))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(r"^/2/users/[0-9]+/mentions$"))
            .respond_with(handler(Route::Mentions))
            .mount(&server)
            .await;
        XFake { server, state }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn fault(self, route: Route, fault: Fault) -> Self {
        self.state()
            .faults
            .entry(route)
            .or_default()
            .push_back(fault);
        self
    }

    pub fn rate_limited_once(self, route: Route, reset_in: u64) -> Self {
        self.fault(route, Fault::RateLimited { reset_in })
    }

    pub fn failing_once(self, route: Route, status: u16) -> Self {
        let body = json!({"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status});
        self.fault(route, Fault::Status(status, body))
    }

    pub fn refusing_once(self, route: Route, status: u16, body: Value) -> Self {
        self.fault(route, Fault::Status(status, body))
    }

    pub fn slow_once(self, route: Route, delay: Duration) -> Self {
        self.fault(route, Fault::Slow(delay))
    }

    pub fn with_mentions(self, mentions: Vec<FakeMention>) -> Self {
        self.state().mentions.extend(mentions);
        self
    }

    /// A post the account made earlier (for the duplicate rule).
    pub fn with_tweet(self, text: &str) -> Self {
        {
            let mut s = self.state();
            let id = s.next_id.to_string();
            s.next_id += 1;
            s.tweets.push(StoredTweet {
                id,
                text: text.into(),
                reply_to: None,
            });
        }
        self
    }

    /// A configuration with the fake's credentials, no backoff, 3 attempts and a 2 s timeout.
    pub fn config(&self) -> TwitterConfig {
        let s = |v: &str| SecretString::from(v.to_owned());
        let mut config = TwitterConfig::new(
            s(CONSUMER_KEY),
            s(CONSUMER_SECRET),
            s(ACCESS_TOKEN),
            s(ACCESS_TOKEN_SECRET),
        )
        .with_api_url(self.server.uri().parse().unwrap());
        config.retry = RetryPolicy::immediate(3);
        config.timeout = Duration::from_secs(2);
        config
    }

    pub fn client(&self) -> TwitterClient {
        TwitterClient::new(self.config()).unwrap()
    }

    /// Requests received on `route`, in order.
    pub async fn requests(&self, route: Route) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap_or_default();
        all.into_iter()
            .filter(|r| route_of(r) == Some(route))
            .collect()
    }

    pub async fn count(&self, route: Route) -> usize {
        self.requests(route).await.len()
    }

    pub async fn total_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .len()
    }

    /// The tweet store (earlier posts included).
    pub fn tweets(&self) -> Vec<StoredTweet> {
        self.state().tweets.clone()
    }

    /// The JSON bodies received on `POST /2/tweets`, in order.
    pub fn tweet_bodies(&self) -> Vec<Value> {
        self.state().tweet_bodies.clone()
    }

    /// When requests on `route` arrived, in order.
    pub fn arrivals(&self, route: Route) -> Vec<SystemTime> {
        self.state()
            .arrivals
            .iter()
            .filter(|(r, _)| *r == route)
            .map(|(_, t)| *t)
            .collect()
    }

    /// The `x-rate-limit-reset` values sent with 429s (Unix seconds).
    pub fn resets_sent(&self) -> Vec<u64> {
        self.state().resets_sent.clone()
    }

    /// Why the fake refused requests (signature failures, bad bodies, bad queries).
    pub fn refusals(&self) -> Vec<String> {
        self.state().refusals.clone()
    }
}

fn route_of(r: &Request) -> Option<Route> {
    let p = r.url.path();
    if p == "/2/tweets" {
        Some(Route::Tweets)
    } else if p == "/2/users/me" {
        Some(Route::Me)
    } else if p.starts_with("/2/users/") && p.ends_with("/mentions") {
        Some(Route::Mentions)
    } else {
        None
    }
}

struct Handler {
    route: Route,
    state: Arc<Mutex<State>>,
}

impl Respond for Handler {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        state.arrivals.push((self.route, SystemTime::now()));
        if let Err(why) = verify_signature(req, &mut state.nonces) {
            state.refusals.push(why);
            return ResponseTemplate::new(401).set_body_json(json!({
                "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"
            }));
        }
        let fault = state
            .faults
            .get_mut(&self.route)
            .and_then(VecDeque::pop_front);
        let delay = match fault {
            Some(Fault::RateLimited { reset_in }) => {
                let reset = unix_now() + reset_in;
                state.resets_sent.push(reset);
                return ResponseTemplate::new(429)
                    .insert_header("x-rate-limit-limit", "100")
                    .insert_header("x-rate-limit-remaining", "0")
                    .insert_header("x-rate-limit-reset", reset.to_string().as_str())
                    .set_body_json(json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}));
            }
            Some(Fault::Status(status, body)) => {
                return ResponseTemplate::new(status).set_body_json(body);
            }
            Some(Fault::Slow(d)) => Some(d),
            None => None,
        };
        let answer = match self.route {
            Route::Tweets => create_tweet(&mut state, req),
            Route::Me => ResponseTemplate::new(200).set_body_json(json!({
                "data": {"id": BOT_ID, "name": "Watchtime", "username": BOT_HANDLE}
            })),
            Route::Mentions => mentions(&mut state, req),
        };
        match delay {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }
}

fn bad_request(state: &mut State, why: String) -> ResponseTemplate {
    state.refusals.push(why.clone());
    ResponseTemplate::new(400).set_body_json(json!({
        "errors": [{"message": why}], "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.", "type": "https://api.twitter.com/2/problems/invalid-request"
    }))
}

fn create_tweet(state: &mut State, req: &Request) -> ResponseTemplate {
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return bad_request(state, format!("content-type {content_type:?}"));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return bad_request(state, "body is not JSON".into());
    };
    state.tweet_bodies.push(body.clone());
    let Some(obj) = body.as_object() else {
        return bad_request(state, "body is not an object".into());
    };
    if let Some(key) = obj.keys().find(|k| !matches!(k.as_str(), "text" | "reply")) {
        return bad_request(state, format!("unexpected field {key}"));
    }
    let Some(text) = obj.get("text").and_then(Value::as_str) else {
        return bad_request(state, "no text".into());
    };
    let reply_to = match obj.get("reply") {
        None => None,
        Some(reply) => {
            let fields = reply.as_object().map(|o| o.len()).unwrap_or(0);
            match reply.get("in_reply_to_tweet_id").and_then(Value::as_str) {
                Some(id) if fields == 1 => Some(id.to_owned()),
                _ => return bad_request(state, format!("bad reply object {reply}")),
            }
        }
    };
    if let Some(id) = &reply_to
        && !state.mentions.iter().any(|m| m.id.to_string() == *id)
    {
        return bad_request(state, format!("reply to unknown tweet {id}"));
    }
    let weighted =
        twitter_text::parse(text, twitter_text_config::config_v3(), true).weighted_length;
    if text.is_empty() || weighted > 280 {
        return ResponseTemplate::new(403).set_body_json(json!({
            "detail": "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.",
            "type": "about:blank", "title": "Forbidden", "status": 403
        }));
    }
    if state.tweets.iter().any(|t| t.text == text) {
        return ResponseTemplate::new(403).set_body_json(duplicate_body());
    }
    let id = state.next_id.to_string();
    state.next_id += 1;
    state.tweets.push(StoredTweet {
        id: id.clone(),
        text: text.to_owned(),
        reply_to,
    });
    ResponseTemplate::new(201).set_body_json(json!({
        "data": {"id": id, "text": text, "edit_history_tweet_ids": [id]}
    }))
}

fn mentions(state: &mut State, req: &Request) -> ResponseTemplate {
    let user = req
        .url
        .path()
        .trim_start_matches("/2/users/")
        .trim_end_matches("/mentions");
    if user != BOT_ID {
        return bad_request(state, format!("mentions of {user}, not the bot"));
    }
    let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
    if let Some(k) = query.keys().find(|k| {
        !matches!(
            k.as_str(),
            "max_results"
                | "since_id"
                | "pagination_token"
                | "tweet.fields"
                | "expansions"
                | "user.fields"
        )
    }) {
        return bad_request(
            state,
            format!("The query parameter [{k}] is not one of the allowed ones"),
        );
    }
    let max: usize = match query.get("max_results").map(|m| m.parse::<usize>()) {
        Some(Ok(m)) if (5..=100).contains(&m) => m,
        None => 10,
        other => return bad_request(state, format!("max_results {other:?}")),
    };
    let has = |key: &str, want: &[&str]| {
        query
            .get(key)
            .is_some_and(|v| want.iter().all(|w| v.split(',').any(|x| x == *w)))
    };
    if !has("tweet.fields", &["author_id", "created_at"])
        || !has("expansions", &["author_id"])
        || !has("user.fields", &["username"])
    {
        return bad_request(state, format!("missing fields in {query:?}"));
    }
    let since: u64 = match query.get("since_id").map(|s| s.parse()) {
        Some(Ok(s)) => s,
        None => 0,
        Some(Err(_)) => return bad_request(state, "since_id".into()),
    };
    let offset: usize = match query.get("pagination_token") {
        None => 0,
        Some(t) => match t
            .strip_prefix("7140dibdnow9c7btw4")
            .and_then(|o| o.parse().ok())
        {
            Some(o) => o,
            None => return bad_request(state, format!("pagination_token {t}")),
        },
    };
    let mut newer: Vec<&FakeMention> = state.mentions.iter().filter(|m| m.id > since).collect();
    newer.sort_by_key(|m| std::cmp::Reverse(m.id));
    newer.truncate(800);
    let page: Vec<&FakeMention> = newer.iter().skip(offset).take(max).copied().collect();
    if page.is_empty() {
        return ResponseTemplate::new(200).set_body_json(json!({"meta": {"result_count": 0}}));
    }
    let data: Vec<Value> = page
        .iter()
        .map(|m| {
            json!({
                "id": m.id.to_string(),
                "text": x_escape(&m.text),
                "author_id": m.author_id,
                "created_at": m.created_at,
                "edit_history_tweet_ids": [m.id.to_string()]
            })
        })
        .collect();
    let mut users: Vec<Value> = vec![];
    let mut seen = HashSet::new();
    for m in &page {
        if seen.insert(m.author_id.clone()) {
            users.push(
                json!({"id": m.author_id, "name": m.author_handle, "username": m.author_handle}),
            );
        }
    }
    let mut meta = json!({
        "result_count": page.len(),
        "newest_id": page[0].id.to_string(),
        "oldest_id": page[page.len() - 1].id.to_string(),
    });
    if offset + max < newer.len() {
        meta["next_token"] = json!(format!("7140dibdnow9c7btw4{}", offset + max));
    }
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": data, "includes": {"users": users}, "meta": meta}))
}

/// X escapes these three in post text.
fn x_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// RFC 3986 percent-encoding, written out byte by byte.
fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn verify_signature(req: &Request, nonces: &mut HashSet<String>) -> Result<(), String> {
    let header = req
        .headers
        .get("authorization")
        .ok_or("no Authorization header")?
        .to_str()
        .map_err(|_| "Authorization is not ASCII")?;
    let fields = header.strip_prefix("OAuth ").ok_or("not an OAuth header")?;
    let mut oauth: HashMap<String, String> = HashMap::new();
    for field in fields.split(", ") {
        let (k, v) = field.split_once('=').ok_or("field without =")?;
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or("unquoted value")?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        oauth.insert(decode(k), decode(v));
    }
    let get = |k: &str| oauth.get(k).cloned().ok_or(format!("no {k}"));
    if get("oauth_consumer_key")? != CONSUMER_KEY {
        return Err("unknown consumer key".into());
    }
    if get("oauth_token")? != ACCESS_TOKEN {
        return Err("unknown token".into());
    }
    if get("oauth_signature_method")? != "HMAC-SHA1" || get("oauth_version")? != "1.0" {
        return Err("unsupported method or version".into());
    }
    let ts: u64 = get("oauth_timestamp")?
        .parse()
        .map_err(|_| "bad timestamp")?;
    if ts.abs_diff(unix_now()) > 300 {
        return Err("timestamp out of range".into());
    }
    let nonce = get("oauth_nonce")?;
    if nonce.len() < 8 || !nonces.insert(nonce) {
        return Err("nonce reused or too short".into());
    }
    let signature = get("oauth_signature")?;
    let mut params: Vec<(String, String)> = oauth
        .iter()
        .filter(|(k, _)| k.as_str() != "oauth_signature")
        .map(|(k, v)| (pct(k), pct(v)))
        .collect();
    params.extend(req.url.query_pairs().map(|(k, v)| (pct(&k), pct(&v))));
    params.sort();
    let joined: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // As a server sees it: the Host header names host and port (wiremock's own URL does not).
    let host = req
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .ok_or("no Host header")?;
    let uri = format!("http://{}{}", host.to_ascii_lowercase(), req.url.path());
    let base = format!(
        "{}&{}&{}",
        req.method.as_str(),
        pct(&uri),
        pct(&joined.join("&"))
    );
    let key = format!("{}&{}", pct(CONSUMER_SECRET), pct(ACCESS_TOKEN_SECRET));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected != signature {
        return Err(format!("signature mismatch for {base}"));
    }
    Ok(())
}
