//! `XFake`: the X API v2 on a local wiremock server, checking what X checks, for tests of
//! anything that posts to X or reads its mentions (this crate's tests, the binary's end-to-end
//! tests, the daemon's).
//!
//! What the fake enforces, as X does:
//! - **OAuth 1.0a.** Every request must carry a valid HMAC-SHA1 signature, recomputed here from
//!   the request as received (method, the URL as the `Host` header names it, query, `oauth_*`
//!   header parameters) with the secrets the fake knows, by an implementation separate from the
//!   crate's. A fresh nonce and a timestamp within five minutes are required. Otherwise: 401,
//!   and the reason is kept in [`XFake::refusals`].
//! - **`POST /2/tweets`** takes JSON with `text` and an optional `reply.in_reply_to_tweet_id` (a
//!   mention the fake knows) and nothing else; refuses a text over 280 weighted characters
//!   (counted with [`TextLimit::X`](watchtime_core::message::TextLimit::X), itself tested against
//!   twitter-text) and a text the account already posted, with X's duplicate-content 403.
//! - **`GET /2/users/:id/mentions`** pages newest first with `since_id`, `max_results` (5–100),
//!   `pagination_token` and the field parameters, escapes `&`, `<`, `>` as X does, reaches only
//!   the 800 newest, and refuses unknown parameters with 400.
//! - **`GET /2/users/me`** names the bot ([`BOT_ID`], [`BOT_HANDLE`]).
//! - **`POST /2/media/upload`** takes `multipart/form-data` with a `media` file part of type
//!   `image/png` holding a PNG of at most 5 MB ([`XFake::max_image_bytes`]), and
//!   `media_category=tweet_image`; **`POST /2/media/metadata`** takes JSON
//!   `{"id", "metadata": {"alt_text": {"text"}}}` for a known image, at most 1000 characters.
//!   A post's `media.media_ids` must name uploaded images, and (this fake's rule: every chart
//!   carries alt text) images that have their alt text.
//!
//! Faults ([`Fault`]) are scripted per [`Route`] and consumed in order, one per request:
//! a rate limit with `x-rate-limit-reset`, a status with an X-shaped body, a slow answer (for
//! timeouts and crashes mid-send), or a status after the post was stored (a proxy's 5xx).
//!
//! ```no_run
//! # async fn t() {
//! use watchtime_core::ports::{Post, Publisher};
//! use watchtime_twitter::fake::{Route, XFake};
//! let x = XFake::start().await.rate_limited_once(Route::Tweets, 1);
//! let post = Post {
//!     text: "hello".into(),
//!     created_at: watchtime_core::chrono::Utc::now(),
//!     idempotency_key: "k".into(),
//!     image: None,
//! };
//! x.client().post(&post).await.unwrap();
//! assert_eq!(x.count(Route::Tweets).await, 2);
//! assert_eq!(x.posts().len(), 1);
//! # }
//! ```

mod multipart;
mod server;
mod signature;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;
use watchtime_core::retry::RetryPolicy;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request};

use crate::{TwitterClient, TwitterConfig};
use server::{Handler, State};

/// The consumer key the fake accepts. Distinctive, so a leak is easy to grep for.
pub const CONSUMER_KEY: &str = "ck-Q7zConsumerKey0001";
/// The consumer secret the fake signs with.
pub const CONSUMER_SECRET: &str = "cs-W9yConsumerSecret0002";
/// The bot account's access token the fake accepts.
pub const ACCESS_TOKEN: &str = "1800000000000000001-at-AccessToken0003";
/// The bot account's access token secret the fake signs with.
pub const ACCESS_TOKEN_SECRET: &str = "ats-R4xAccessTokenSecret0004";
/// All four credentials, to check that none reaches a log line or an error.
pub const SECRETS: [&str; 4] = [
    CONSUMER_KEY,
    CONSUMER_SECRET,
    ACCESS_TOKEN,
    ACCESS_TOKEN_SECRET,
];

/// The bot account's user id (`GET /2/users/me`).
pub const BOT_ID: &str = "1800000000000000001";
/// The bot account's handle.
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

/// The endpoints the fake serves; faults and counts are per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /2/tweets`: posts and replies.
    Tweets,
    /// `GET /2/users/me`.
    Me,
    /// `GET /2/users/:id/mentions`.
    Mentions,
    /// `POST /2/media/upload`.
    Upload,
    /// `POST /2/media/metadata`.
    AltText,
}

/// An image uploaded to the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMedia {
    /// X's media id.
    pub id: String,
    /// The `media` part's file name.
    pub file_name: Option<String>,
    /// The `media` part's content type.
    pub content_type: Option<String>,
    /// The `media_category` field.
    pub category: Option<String>,
    /// The file.
    pub bytes: Vec<u8>,
    /// Its alt text, once set.
    pub alt_text: Option<String>,
}

/// What the next request on a route meets instead of (or besides) a normal answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `x-rate-limit-reset` this many seconds from now; nothing done.
    RateLimited {
        /// Seconds until the announced reset.
        reset_in: u64,
    },
    /// This status and body, without handling the request (nothing is posted).
    Status(u16, Value),
    /// Handle the request normally (a post is stored), but answer only after this delay: past
    /// the client's timeout it is a post of unknown outcome; a process killed meanwhile is a
    /// crash between send and record.
    Slow(Duration),
    /// Handle the request (a post is stored), then answer this 5xx, as a proxy that timed out
    /// after X took the post.
    StatusAfterCreate(u16),
}

/// A post in the fake's timeline of the bot account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTweet {
    /// X's id.
    pub id: String,
    /// The text as received.
    pub text: String,
    /// The post it answers, for replies.
    pub reply_to: Option<String>,
    /// The images it shows (`media.media_ids`).
    pub media_ids: Vec<String>,
}

/// A mention of the bot waiting in the fake's mentions timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeMention {
    /// The post id (a snowflake-sized number; ordering is numeric).
    pub id: u64,
    /// The author's user id ([`BOT_ID`] for the bot's own posts).
    pub author_id: String,
    /// The author's handle.
    pub author_handle: String,
    /// The text, unescaped (the fake escapes it as X does).
    pub text: String,
    /// When it was posted (`created_at`).
    pub created_at: DateTime<Utc>,
}

impl FakeMention {
    /// A mention posted on 2026-11-27 at a time derived from `id` (so ids order as times).
    pub fn new(id: u64, author_id: &str, author_handle: &str, text: &str) -> Self {
        let minutes = i64::try_from(id % (24 * 60)).unwrap_or(0);
        let created_at = Utc
            .with_ymd_and_hms(2026, 11, 27, 0, 0, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
            + chrono::Duration::minutes(minutes);
        FakeMention {
            id,
            author_id: author_id.into(),
            author_handle: author_handle.into(),
            text: text.into(),
            created_at,
        }
    }

    /// The same mention posted at `at` (mentions older than the bot's limit are not answered).
    #[must_use]
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
        self
    }

    fn created_at_text(&self) -> String {
        self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// A running fake X, configured with builder methods and read back after the scenario.
///
/// Dropping it stops the server.
#[derive(Debug)]
pub struct XFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl XFake {
    /// Starts a fake with no posts, no mentions and no faults.
    pub async fn start() -> XFake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new()));
        let handler = |route| Handler::new(route, Arc::clone(&state));
        Mock::given(method("POST"))
            .and(path("/2/tweets"))
            .respond_with(handler(Route::Tweets))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/2/media/upload"))
            .respond_with(handler(Route::Upload))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/2/media/metadata"))
            .respond_with(handler(Route::AltText))
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

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `fault` for the next request on `route` (after the ones queued before).
    #[must_use]
    pub fn fault(self, route: Route, fault: Fault) -> Self {
        self.queue(route, fault);
        self
    }

    /// Queues `fault` in a running scenario (between two runs of a program under test).
    pub fn queue(&self, route: Route, fault: Fault) {
        self.state()
            .faults
            .entry(route)
            .or_default()
            .push_back(fault);
    }

    /// The next request on `route` is answered 429, resetting `reset_in` seconds from now.
    #[must_use]
    pub fn rate_limited_once(self, route: Route, reset_in: u64) -> Self {
        self.fault(route, Fault::RateLimited { reset_in })
    }

    /// The next request on `route` is answered `status` (a 5xx) without being handled.
    #[must_use]
    pub fn failing_once(self, route: Route, status: u16) -> Self {
        let body = json!({"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status});
        self.fault(route, Fault::Status(status, body))
    }

    /// The next request on `route` is refused with `status` and X's `body`.
    #[must_use]
    pub fn refusing_once(self, route: Route, status: u16, body: Value) -> Self {
        self.fault(route, Fault::Status(status, body))
    }

    /// The next request on `route` is handled but answered after `delay`.
    #[must_use]
    pub fn slow_once(self, route: Route, delay: Duration) -> Self {
        self.fault(route, Fault::Slow(delay))
    }

    /// Images larger than `bytes` are refused, as X refuses images over 5 MB.
    #[must_use]
    pub fn max_image_bytes(self, bytes: usize) -> Self {
        self.state().max_image_bytes = bytes;
        self
    }

    /// Adds mentions to the bot's mentions timeline (any order; X serves newest first).
    #[must_use]
    pub fn with_mentions(self, mentions: Vec<FakeMention>) -> Self {
        self.state().mentions.extend(mentions);
        self
    }

    /// Adds mentions in a running scenario (new mentions between two rounds of answering).
    pub fn add_mentions(&self, mentions: Vec<FakeMention>) {
        self.state().mentions.extend(mentions);
    }

    /// A post the account made earlier (for the duplicate rule). Not in [`XFake::posts`].
    #[must_use]
    pub fn with_tweet(self, text: &str) -> Self {
        self.state().store_tweet(text, None, true);
        self
    }

    /// The API root to configure (`WATCHTIME_TWITTER_API_URL` in the binary).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A configuration with the fake's credentials, no backoff, 3 attempts and a 2 s timeout.
    pub fn config(&self) -> TwitterConfig {
        let s = |v: &str| SecretString::from(v.to_owned());
        let url = Url::parse(&self.server.uri()).expect("wiremock serves at a valid URL");
        let mut config = TwitterConfig::new(
            s(CONSUMER_KEY),
            s(CONSUMER_SECRET),
            s(ACCESS_TOKEN),
            s(ACCESS_TOKEN_SECRET),
        )
        .with_api_url(url);
        config.retry = RetryPolicy::immediate(3);
        config.timeout = Duration::from_secs(2);
        config
    }

    /// A client for [`XFake::config`].
    pub fn client(&self) -> TwitterClient {
        TwitterClient::new(self.config()).expect("the fake's configuration is valid")
    }

    /// Requests received on `route`, in order, whatever their answer.
    pub async fn requests(&self, route: Route) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap_or_default();
        all.into_iter()
            .filter(|r| server::route_of(r) == Some(route))
            .collect()
    }

    /// How many requests reached `route`.
    pub async fn count(&self, route: Route) -> usize {
        self.requests(route).await.len()
    }

    /// Every request received, on any path.
    pub async fn total_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .len()
    }

    /// The account's timeline: earlier posts ([`XFake::with_tweet`]) and everything posted.
    pub fn tweets(&self) -> Vec<StoredTweet> {
        self.state().tweets.iter().map(|(t, _)| t.clone()).collect()
    }

    /// What was posted through the API (posts and replies), in order.
    pub fn posts(&self) -> Vec<StoredTweet> {
        self.state()
            .tweets
            .iter()
            .filter(|(_, earlier)| !earlier)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// The replies posted, in order.
    pub fn replies(&self) -> Vec<StoredTweet> {
        self.posts()
            .into_iter()
            .filter(|t| t.reply_to.is_some())
            .collect()
    }

    /// The images uploaded, in order (used or not).
    pub fn media(&self) -> Vec<StoredMedia> {
        self.state().media.clone()
    }

    /// The JSON bodies received on `POST /2/tweets`, in order (refused ones included).
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

    /// Why the fake refused requests (signature failures, bad bodies, bad queries), in order.
    pub fn refusals(&self) -> Vec<String> {
        self.state().refusals.clone()
    }
}
