//! The fake's state and its answers: what X checks and says on each route.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use watchtime_core::message::TextLimit;
use wiremock::{Request, Respond, ResponseTemplate};

use super::multipart;
use super::signature::verify_signature;
use super::{
    BOT_HANDLE, BOT_ID, FakeMention, Fault, Route, StoredMedia, StoredTweet, duplicate_body,
};

/// X's limit for an image, 5 MB.
const IMAGE_LIMIT: usize = 5 * 1024 * 1024;
/// X's limit for alt text, in characters.
const ALT_TEXT_LIMIT: usize = 1000;

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
    pub(super) media: Vec<StoredMedia>,
    pub(super) max_image_bytes: usize,
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
            media: Vec::new(),
            max_image_bytes: IMAGE_LIMIT,
        }
    }

    pub(super) fn store_tweet(
        &mut self,
        text: &str,
        reply_to: Option<String>,
        earlier: bool,
    ) -> String {
        self.store_tweet_with_media(text, reply_to, Vec::new(), earlier)
    }

    fn store_tweet_with_media(
        &mut self,
        text: &str,
        reply_to: Option<String>,
        media_ids: Vec<String>,
        earlier: bool,
    ) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let tweet = StoredTweet {
            id: id.clone(),
            text: text.to_owned(),
            reply_to,
            media_ids,
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
    } else if p == "/2/media/upload" {
        Some(Route::Upload)
    } else if p == "/2/media/metadata" {
        Some(Route::AltText)
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
            Route::Upload => upload(&mut state, req),
            Route::AltText => alt_text(&mut state, req),
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
    if let Some(key) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "text" | "reply" | "media"))
    {
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
    let media_ids = match obj.get("media") {
        None => Vec::new(),
        Some(media) => {
            let ids: Option<Vec<String>> = media
                .get("media_ids")
                .and_then(Value::as_array)
                .filter(|_| media.as_object().is_some_and(|o| o.len() == 1))
                .and_then(|ids| ids.iter().map(|i| i.as_str().map(str::to_owned)).collect());
            match ids {
                Some(ids) if (1..=4).contains(&ids.len()) => ids,
                _ => return bad_request(state, format!("bad media object {media}")),
            }
        }
    };
    for id in &media_ids {
        match state.media.iter().find(|m| &m.id == id) {
            None => return bad_request(state, format!("media id {id} was not uploaded")),
            Some(m) if m.alt_text.is_none() => {
                return bad_request(state, format!("fake: media {id} has no alt text"));
            }
            Some(_) => {}
        }
    }
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
    let id = state.store_tweet_with_media(text, reply_to, media_ids, false);
    ResponseTemplate::new(201).set_body_json(json!({
        "data": {"id": id, "text": text, "edit_history_tweet_ids": [id]}
    }))
}

/// `POST /2/media/upload`, one-shot: the `media` file, its category and type.
fn upload(state: &mut State, req: &Request) -> ResponseTemplate {
    let fields = match multipart::fields(req) {
        Ok(fields) => fields,
        Err(e) => return bad_request(state, format!("upload: {e}")),
    };
    let field = |name: &str| fields.iter().find(|f| f.name == name);
    let Some(media) = field("media") else {
        return bad_request(state, "upload without a media part".into());
    };
    let category = field("media_category")
        .and_then(multipart::Field::text)
        .map(str::to_owned);
    if category.as_deref() != Some("tweet_image") {
        return bad_request(state, format!("media_category {category:?}"));
    }
    if media.content_type.as_deref() != Some("image/png")
        || field("media_type").and_then(multipart::Field::text) != Some("image/png")
        || !media.data.starts_with(b"\x89PNG\r\n\x1a\n")
    {
        return bad_request(state, "the media is not a PNG as declared".into());
    }
    if media.data.len() > state.max_image_bytes {
        state.refusals.push("image too large".into());
        return ResponseTemplate::new(400).set_body_json(json!({
            "errors": [{"message": format!("File size exceeds {} bytes.", state.max_image_bytes)}],
            "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"
        }));
    }
    let id = (1_950_000_000_000_000_000u64 + state.media.len() as u64).to_string();
    state.media.push(StoredMedia {
        id: id.clone(),
        file_name: media.file_name.clone(),
        content_type: media.content_type.clone(),
        category,
        bytes: media.data.clone(),
        alt_text: None,
    });
    ResponseTemplate::new(200).set_body_json(json!({
        "data": {
            "id": id,
            "media_key": format!("3_{id}"),
            "size": media.data.len(),
            "expires_after_secs": 86400,
            "image": {"image_type": "image/png", "w": 1200, "h": 675}
        }
    }))
}

/// `POST /2/media/metadata`: alt text for an uploaded image.
fn alt_text(state: &mut State, req: &Request) -> ResponseTemplate {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return bad_request(state, "metadata body is not JSON".into());
    };
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    let Some(text) = body["metadata"]["alt_text"]["text"].as_str() else {
        return bad_request(state, format!("metadata without alt_text.text: {body}"));
    };
    if text.chars().count() > ALT_TEXT_LIMIT {
        return bad_request(state, "alt text over 1000 characters".into());
    }
    let Some(media) = state.media.iter_mut().find(|m| m.id == id) else {
        return bad_request(state, format!("metadata for unknown media {id}"));
    };
    media.alt_text = Some(text.to_owned());
    ResponseTemplate::new(200).set_body_json(json!({
        "data": {"id": id, "associated_metadata": {"alt_text": {"text": text}}}
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
