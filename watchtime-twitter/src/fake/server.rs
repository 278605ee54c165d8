//! The fake's state and its answers: what X checks and says on each route.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use watchtime_core::message::TextLimit;
use wiremock::{Request, Respond, ResponseTemplate};

use super::signature::verify_signature;
use super::{BOT_HANDLE, BOT_ID, FakeMention, Fault, Route, StoredTweet, duplicate_body};

/// The prefix of the fake's pagination tokens (the rest is an offset).
const TOKEN_PREFIX: &str = "7140dibdnow9c7btw4";

/// Everything the fake knows; one lock, held only while answering.
#[derive(Debug)]
pub(super) struct State {
    /// The timeline, each post marked `true` when seeded as an earlier post.
    pub(super) tweets: Vec<(StoredTweet, bool)>,
    next_id: u64,
    pub(super) mentions: Vec<FakeMention>,
    pub(super) faults: HashMap<Route, VecDeque<Fault>>,
    nonces: HashSet<String>,
    pub(super) tweet_bodies: Vec<Value>,
    pub(super) refusals: Vec<String>,
    pub(super) arrivals: Vec<(Route, SystemTime)>,
    pub(super) resets_sent: Vec<u64>,
}

impl State {
    pub(super) fn new() -> Self {
        State {
            tweets: Vec::new(),
            next_id: 1_900_000_000_000_000_000,
            mentions: Vec::new(),
            faults: HashMap::new(),
            nonces: HashSet::new(),
            tweet_bodies: Vec::new(),
            refusals: Vec::new(),
            arrivals: Vec::new(),
            resets_sent: Vec::new(),
        }
    }

    pub(super) fn store_tweet(
        &mut self,
        text: &str,
        reply_to: Option<String>,
        earlier: bool,
    ) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let tweet = StoredTweet {
            id: id.clone(),
            text: text.to_owned(),
            reply_to,
        };
        self.tweets.push((tweet, earlier));
        id
    }
}

/// Which route a request went to, by its path.
pub(super) fn route_of(r: &Request) -> Option<Route> {
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

/// Answers one route from the shared state.
pub(super) struct Handler {
    route: Route,
    state: Arc<Mutex<State>>,
}

impl Handler {
    pub(super) fn new(route: Route, state: Arc<Mutex<State>>) -> Self {
        Handler { route, state }
    }
}

impl Respond for Handler {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
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
        let (delay, after) = match fault {
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
            Some(Fault::Slow(d)) => (Some(d), None),
            Some(Fault::StatusAfterCreate(status)) => (None, Some(status)),
            None => (None, None),
        };
        let answer = match self.route {
            Route::Tweets => create_tweet(&mut state, req),
            Route::Me => ResponseTemplate::new(200).set_body_json(json!({
                "data": {"id": BOT_ID, "name": "Watchtime", "username": BOT_HANDLE}
            })),
            Route::Mentions => mentions(&mut state, req),
        };
        if let Some(status) = after {
            return ResponseTemplate::new(status).set_body_json(json!({
                "title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status
            }));
        }
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
    if text.is_empty() || TextLimit::X.count(text) > TextLimit::X.max {
        return ResponseTemplate::new(403).set_body_json(json!({
            "detail": "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.",
            "type": "about:blank", "title": "Forbidden", "status": 403
        }));
    }
    if state.tweets.iter().any(|(t, _)| t.text == text) {
        return ResponseTemplate::new(403).set_body_json(duplicate_body());
    }
    let id = state.store_tweet(text, reply_to, false);
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
        Some(t) => match t.strip_prefix(TOKEN_PREFIX).and_then(|o| o.parse().ok()) {
            Some(o) => o,
            None => return bad_request(state, format!("pagination_token {t}")),
        },
    };
    let mut newer: Vec<&FakeMention> = state.mentions.iter().filter(|m| m.id > since).collect();
    newer.sort_by_key(|m| std::cmp::Reverse(m.id));
    newer.truncate(800);
    let page: Vec<&FakeMention> = newer.iter().skip(offset).take(max).copied().collect();
    let (Some(newest), Some(oldest)) = (page.first(), page.last()) else {
        return ResponseTemplate::new(200).set_body_json(json!({"meta": {"result_count": 0}}));
    };
    let data: Vec<Value> = page
        .iter()
        .map(|m| {
            json!({
                "id": m.id.to_string(),
                "text": x_escape(&m.text),
                "author_id": m.author_id,
                "created_at": m.created_at_text(),
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
        "newest_id": newest.id.to_string(),
        "oldest_id": oldest.id.to_string(),
    });
    if offset + max < newer.len() {
        meta["next_token"] = json!(format!("{TOKEN_PREFIX}{}", offset + max));
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

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
