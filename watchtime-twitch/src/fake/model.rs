//! The fake's state and its answers: what Helix and the OAuth server check and say.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::streams::FakeStream;
use super::{Endpoint, Exchange};

/// The credentials the fake accepts.
pub(super) const CLIENT_ID: &str = "wtfakeclientid0123456789abcdef";
pub(super) const CLIENT_SECRET: &str = "wtfakeclientsecret9876543210zyx";

/// A fault set on one page: `once` faults fire on the first request for the page only.
#[derive(Debug, Default)]
pub(super) struct PageFaults {
    pub(super) expire_token: bool,
    pub(super) server_error_once: bool,
    pub(super) delay: Option<Duration>,
    pub(super) delay_once: Option<Duration>,
    pub(super) invalid_cursor: bool,
    pub(super) malformed: bool,
    pub(super) missing_field: Option<&'static str>,
}

/// Where the last page's cursor leads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Tail {
    /// No cursor on the last page, as Helix usually does.
    #[default]
    End,
    /// A cursor back to page 1 (twitchdev/issues#93).
    LoopToFirst,
    /// A cursor to an empty page, which carries a cursor of its own (twitchdev/issues#543).
    EmptyPage,
}

/// Helix's per-token bucket: `points` a `window`, refilled whole at the reset.
#[derive(Debug)]
pub(super) struct RateBucket {
    pub(super) points: u32,
    pub(super) window: Duration,
    remaining: u32,
    reset: u64,
}

impl RateBucket {
    pub(super) fn new(points: u32, window: Duration) -> Self {
        RateBucket {
            points,
            window,
            remaining: points,
            reset: 0,
        }
    }

    /// Takes a point; `false` when the bucket is empty.
    fn take(&mut self, now: SystemTime) -> bool {
        if unix_secs(now) >= self.reset as f64 {
            self.remaining = self.points;
            self.reset = unix_secs_ceil(now + self.window);
        }
        if self.remaining == 0 {
            return false;
        }
        self.remaining -= 1;
        true
    }
}

/// Everything the fake knows; one lock, held only while answering.
#[derive(Debug)]
pub(super) struct Model {
    pub(super) pages: Vec<Vec<FakeStream>>,
    pub(super) tail: Tail,
    pub(super) faults: HashMap<u32, PageFaults>,
    pub(super) bucket: RateBucket,
    /// Armed by `rate_limited_once`: the first page request starts a limit this long.
    pub(super) rate_limit_once: Option<Duration>,
    /// The Unix second until which every page request is refused with 429.
    limited_until: Option<u64>,
    pub(super) refuse_tokens_after: Option<u32>,
    pub(super) token_error_once: bool,
    pub(super) refuse_every_token: bool,
    valid_tokens: HashSet<String>,
    pub(super) issued: Vec<String>,
    pub(super) exchanges: Vec<Exchange>,
    served: HashSet<u32>,
}

impl Model {
    pub(super) fn new() -> Self {
        Model {
            pages: Vec::new(),
            tail: Tail::End,
            faults: HashMap::new(),
            bucket: RateBucket::new(800, Duration::from_secs(60)),
            rate_limit_once: None,
            limited_until: None,
            refuse_tokens_after: None,
            token_error_once: false,
            refuse_every_token: false,
            valid_tokens: HashSet::new(),
            issued: Vec::new(),
            exchanges: Vec::new(),
            served: HashSet::new(),
        }
    }

    /// The opaque cursor that leads to page `page` (1-based), shaped like Helix's base64.
    fn cursor_to(page: u32) -> String {
        format!("eyJiIjpudWxsLCJhIjp7Ik9mZnNldCI6{page:04}fX0")
    }

    /// Which page a cursor leads to, in the model's numbering (the empty tail page is last + 1).
    fn page_of(&self, cursor: &str) -> Option<u32> {
        let count = u32::try_from(self.pages.len()).unwrap_or(u32::MAX);
        let extra = u32::from(self.tail == Tail::EmptyPage);
        (1..=count + extra).find(|&p| Self::cursor_to(p) == cursor)
    }

    /// Page `number`'s JSON with its cursor.
    fn page_body(&self, number: u32) -> Value {
        let count = u32::try_from(self.pages.len()).unwrap_or(u32::MAX);
        let index = usize::try_from(number).unwrap_or(usize::MAX) - 1;
        let data: Vec<Value> = self
            .pages
            .get(index)
            .map(|p| p.iter().map(FakeStream::to_json).collect())
            .unwrap_or_default();
        let cursor = if number < count {
            Some(Self::cursor_to(number + 1))
        } else {
            match self.tail {
                Tail::End => None,
                Tail::LoopToFirst => Some(Self::cursor_to(1)),
                // The empty page's own cursor leads to itself: Helix's spurious cursor.
                Tail::EmptyPage => Some(Self::cursor_to(count + 1)),
            }
        };
        let pagination = match cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        json!({ "data": data, "pagination": pagination })
    }

    fn log(&mut self, endpoint: Endpoint, page: Option<u32>, status: u16) {
        self.exchanges.push(Exchange {
            endpoint,
            page,
            status,
        });
    }

    /// `POST /oauth2/token`: checks the form as Twitch does and issues a fresh token.
    fn token(&mut self, request: &Request) -> ResponseTemplate {
        let form_type = header(request, "content-type").unwrap_or_default();
        let form = parse_form(&request.body);
        let field = |name: &str| form.get(name).map(String::as_str);
        let refused = self
            .refuse_tokens_after
            .is_some_and(|n| self.issued.len() >= usize::try_from(n).unwrap_or(usize::MAX));
        let refusal = if !form_type.starts_with("application/x-www-form-urlencoded") {
            Some((400, "missing client id"))
        } else if field("client_id") != Some(CLIENT_ID) {
            Some((400, "invalid client"))
        } else if field("client_secret") != Some(CLIENT_SECRET) || refused {
            Some((403, "invalid client secret"))
        } else if field("grant_type") != Some("client_credentials") {
            Some((400, "unsupported grant type"))
        } else {
            None
        };
        if std::mem::take(&mut self.token_error_once) {
            self.log(Endpoint::Token, None, 503);
            return json_answer(
                503,
                json!({ "status": 503, "message": "Service Unavailable" }),
            );
        }
        if let Some((status, message)) = refusal {
            self.log(Endpoint::Token, None, status);
            return json_answer(status, json!({ "status": status, "message": message }));
        }
        let token = format!("{:030x}", rand::random::<u128>() >> 8);
        self.valid_tokens.insert(token.clone());
        self.issued.push(token.clone());
        self.log(Endpoint::Token, None, 200);
        json_answer(
            200,
            json!({ "access_token": token, "expires_in": 5_011_271, "token_type": "bearer" }),
        )
    }

    /// `GET /helix/streams`: auth, rate limit, query, then the page or its fault.
    fn streams(&mut self, request: &Request) -> ResponseTemplate {
        let now = SystemTime::now();
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let page = match query.get("after") {
            None => Some(1),
            Some(cursor) => self.page_of(cursor),
        };

        let bearer = header(request, "authorization")
            .and_then(|v| v.strip_prefix("Bearer ").map(str::to_owned));
        let auth_error = match (header(request, "client-id"), bearer) {
            (None, _) => Some("Client-Id header required"),
            (_, None) => Some("OAuth token is missing"),
            (Some(id), _) if id != CLIENT_ID => Some("Client ID and OAuth token do not match"),
            (_, Some(token)) if !self.valid_tokens.contains(&token) || self.refuse_every_token => {
                Some("Invalid OAuth token")
            }
            (_, Some(token)) => {
                let expire = page
                    .and_then(|p| self.faults.get_mut(&p))
                    .is_some_and(|f| std::mem::take(&mut f.expire_token));
                if expire {
                    self.valid_tokens.remove(&token);
                    Some("Invalid OAuth token")
                } else {
                    None
                }
            }
        };
        if let Some(message) = auth_error {
            self.log(Endpoint::Streams, page, 401);
            return helix_error(401, message);
        }

        if let Some(wait) = self.rate_limit_once.take() {
            self.limited_until = Some(unix_secs_ceil(now + wait));
        }
        if let Some(until) = self.limited_until {
            if unix_secs(now) < until as f64 {
                self.log(Endpoint::Streams, page, 429);
                return self.with_bucket(helix_error(429, "Too Many Requests"), Some((0, until)));
            }
            self.limited_until = None;
        }
        if !self.bucket.take(now) {
            self.log(Endpoint::Streams, page, 429);
            return self.with_bucket(helix_error(429, "Too Many Requests"), None);
        }

        let first_ok = query
            .get("first")
            .is_none_or(|f| f.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)));
        let type_ok = query.get("type").is_none_or(|t| t == "all" || t == "live");
        let problem = if !first_ok {
            Some("The parameter \"first\" was malformed: the value must be between 1 and 100")
        } else if !type_ok {
            Some("The parameter \"type\" was malformed: the value must be \"all\" or \"live\"")
        } else if query.get("first").map(String::as_str) != Some("100")
            || query.get("type").map(String::as_str) != Some("live")
        {
            Some("fake Helix serves only first=100&type=live")
        } else if page.is_none() {
            Some("invalid cursor")
        } else {
            None
        };
        let Some(page) = page.filter(|_| problem.is_none()) else {
            self.log(Endpoint::Streams, page, 400);
            let answer = helix_error(400, problem.unwrap_or("invalid cursor"));
            return self.with_bucket(answer, None);
        };

        let first_time = self.served.insert(page);
        let mut body = self.page_body(page);
        let faults = self.faults.entry(page).or_default();
        let mut delay = faults.delay;
        if first_time {
            delay = delay.or(faults.delay_once);
        }
        let answer = if faults.invalid_cursor {
            (400, helix_error(400, "invalid cursor"))
        } else if std::mem::take(&mut faults.server_error_once) {
            (500, helix_error(500, ""))
        } else if faults.malformed {
            let text = body.to_string();
            let cut = text.len() / 2;
            let truncated = text.get(..cut).unwrap_or_default().to_owned();
            (
                200,
                ResponseTemplate::new(200).set_body_raw(truncated, "application/json"),
            )
        } else {
            if let Some(field) = faults.missing_field
                && let Some(stream) = body["data"].get_mut(0).and_then(Value::as_object_mut)
            {
                stream.remove(field);
            }
            (200, json_answer(200, body))
        };
        let (status, mut template) = answer;
        if let Some(d) = delay {
            template = template.set_delay(d);
        }
        self.log(Endpoint::Streams, Some(page), status);
        self.with_bucket(template, None)
    }

    /// Adds Helix's rate-limit headers; `over` replaces the bucket's reading.
    fn with_bucket(
        &self,
        template: ResponseTemplate,
        over: Option<(u32, u64)>,
    ) -> ResponseTemplate {
        let (remaining, reset) = over.unwrap_or((self.bucket.remaining, self.bucket.reset));
        template
            .insert_header("Ratelimit-Limit", self.bucket.points.to_string())
            .insert_header("Ratelimit-Remaining", remaining.to_string())
            .insert_header("Ratelimit-Reset", reset.to_string())
    }
}

/// The one wiremock responder: routes by method and path, like the two Twitch servers.
pub(super) struct Router(pub(super) Arc<Mutex<Model>>);

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut model = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match (request.method.as_str(), request.url.path()) {
            ("POST", "/oauth2/token") => model.token(request),
            ("GET", "/helix/streams") => model.streams(request),
            (_, path) => {
                let endpoint = if path.starts_with("/oauth2") {
                    Endpoint::Token
                } else {
                    Endpoint::Streams
                };
                model.log(endpoint, None, 404);
                helix_error(404, "Not Found")
            }
        }
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    request.headers.get(name)?.to_str().ok().map(str::to_owned)
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(body);
    reqwest::Url::parse(&format!("http://form/?{text}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

fn json_answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// Helix's error body: `{"error": <reason phrase>, "status", "message"}`.
fn helix_error(status: u16, message: &str) -> ResponseTemplate {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    json_answer(
        status,
        json!({ "error": reason, "status": status, "message": message }),
    )
}

fn unix_secs(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// `t` in Unix seconds, rounded up: Helix's resets are whole seconds, never early.
fn unix_secs_ceil(t: SystemTime) -> u64 {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
