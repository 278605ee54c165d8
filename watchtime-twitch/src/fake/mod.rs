//! A fake Twitch for tests: Helix `GET /helix/streams` and the OAuth token endpoint on one local
//! wiremock server, with the faults Helix is known for.
//!
//! The fake checks what Twitch checks: the method and path, the token request's form
//! (`client_id`, `client_secret`, `grant_type=client_credentials`), the `Client-Id` header and
//! `Authorization: Bearer <a token it issued>` (401 with Helix's JSON error otherwise), the
//! `first`/`type`/`after` query, and its rate-limit bucket (429 when empty). Every answer carries
//! `Ratelimit-Limit`/`-Remaining`/`-Reset` like Helix's. It serves only `first=100&type=live`,
//! the query a sweep must send.
//!
//! ```no_run
//! # async fn t() {
//! use watchtime_twitch::fake::HelixFake;
//! use watchtime_twitch::HelixSource;
//! let fake = HelixFake::start().await.with_streams(250, 100).server_error_once_on_page(2);
//! let source = HelixSource::new(fake.config()).unwrap();
//! let sweep = source.sweep(50).await.unwrap();
//! assert_eq!(sweep.snapshot.streams.len(), 250);
//! assert_eq!(fake.requests().streams, 4);
//! # }
//! ```
//!
//! Pages are numbered from 1 as the fake serves them; a fault "on page k" fires when the cursor
//! of page k is followed (page 1: the request without `after`).

mod model;
mod streams;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use secrecy::SecretString;
use watchtime_core::retry::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub use streams::FakeStream;

use crate::HelixConfig;
use model::{Model, RateBucket, Router, Tail};

/// Which Twitch endpoint a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /oauth2/token` (and anything else under `/oauth2`).
    Token,
    /// `GET /helix/streams` (and any other path, answered 404).
    Streams,
}

/// One request the fake answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Where it went.
    pub endpoint: Endpoint,
    /// The page its cursor led to (`None` for token requests and unknown cursors).
    pub page: Option<u32>,
    /// The status the fake answered.
    pub status: u16,
}

/// How many requests reached each endpoint, whatever their answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requests {
    /// Token requests.
    pub token: u32,
    /// Stream page requests (retries included).
    pub streams: u32,
}

impl Requests {
    /// All requests.
    pub fn total(&self) -> u32 {
        self.token + self.streams
    }
}

/// A running fake Twitch, configured with builder methods and read back after the sweep.
///
/// Dropping it stops the server.
#[derive(Debug)]
pub struct HelixFake {
    server: MockServer,
    model: Arc<Mutex<Model>>,
}

impl HelixFake {
    /// The client id the fake accepts.
    pub const CLIENT_ID: &'static str = model::CLIENT_ID;
    /// The client secret the fake accepts.
    pub const CLIENT_SECRET: &'static str = model::CLIENT_SECRET;

    /// Starts a fake with no live streams, an 800-point bucket a minute, and no faults.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let model = Arc::new(Mutex::new(Model::new()));
        Mock::given(any())
            .respond_with(Router(Arc::clone(&model)))
            .mount(&server)
            .await;
        HelixFake { server, model }
    }

    fn model(&self) -> MutexGuard<'_, Model> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn faults(self, page: u32, set: impl FnOnce(&mut model::PageFaults)) -> Self {
        set(self.model().faults.entry(page).or_default());
        self
    }

    /// Serves `n` generated streams ([`FakeStream::generate`]: viewers descending, all over 50)
    /// in pages of `per_page`.
    #[must_use]
    pub fn with_streams(self, n: usize, per_page: usize) -> Self {
        let streams = FakeStream::generate(n);
        let pages = streams.chunks(per_page.max(1)).map(<[_]>::to_vec).collect();
        self.pages(pages)
    }

    /// Serves exactly these pages, in this order (keep viewers descending, as Helix does).
    #[must_use]
    pub fn pages(self, pages: Vec<Vec<FakeStream>>) -> Self {
        self.model().pages = pages;
        self
    }

    /// Sets the rate-limit bucket: `points` requests per `window`, refilled at the reset.
    #[must_use]
    pub fn bucket(self, points: u32, window: Duration) -> Self {
        self.model().bucket = RateBucket::new(points, window);
        self
    }

    /// The first page request starts a rate limit: every page request is answered 429 until
    /// `reset_in` has passed (rounded up to the whole Unix second in `Ratelimit-Reset`).
    #[must_use]
    pub fn rate_limited_once(self, reset_in: Duration) -> Self {
        self.model().rate_limit_once = Some(reset_in);
        self
    }

    /// The first request for page `k` finds its token revoked: 401, and that token stays
    /// invalid (a new one must be requested).
    #[must_use]
    pub fn expire_token_on_page(self, k: u32) -> Self {
        self.faults(k, |f| f.expire_token = true)
    }

    /// The first request for page `k` is answered 500.
    #[must_use]
    pub fn server_error_once_on_page(self, k: u32) -> Self {
        self.faults(k, |f| f.server_error_once = true)
    }

    /// Every answer for page `k` is delayed by `delay`.
    #[must_use]
    pub fn delay_page(self, k: u32, delay: Duration) -> Self {
        self.faults(k, |f| f.delay = Some(delay))
    }

    /// Only the first answer for page `k` is delayed by `delay`.
    #[must_use]
    pub fn delay_page_once(self, k: u32, delay: Duration) -> Self {
        self.faults(k, |f| f.delay_once = Some(delay))
    }

    /// Following the cursor to page `k` gives Helix's 400 "invalid cursor", every time.
    #[must_use]
    pub fn invalid_cursor_on_page(self, k: u32) -> Self {
        self.faults(k, |f| f.invalid_cursor = true)
    }

    /// Page `k` is answered 200 with JSON cut in the middle, every time.
    #[must_use]
    pub fn malformed_page(self, k: u32) -> Self {
        self.faults(k, |f| f.malformed = true)
    }

    /// The first stream of page `k` lacks `field` (e.g. `"user_id"`), every time.
    #[must_use]
    pub fn missing_field_on_page(self, k: u32, field: &'static str) -> Self {
        self.faults(k, |f| f.missing_field = Some(field))
    }

    /// The last page carries a cursor that leads back to page 1 (twitchdev/issues#93).
    #[must_use]
    pub fn loop_cursor_to_first(self) -> Self {
        self.model().tail = Tail::LoopToFirst;
        self
    }

    /// The last page carries a cursor to an empty page, which carries a cursor again
    /// (twitchdev/issues#543).
    #[must_use]
    pub fn empty_last_page(self) -> Self {
        self.model().tail = Tail::EmptyPage;
        self
    }

    /// After issuing `issued` tokens, the token endpoint refuses even the right credentials
    /// (403 "invalid client secret"), as after the secret was rotated in the console. `0`
    /// refuses from the start.
    #[must_use]
    pub fn refuse_tokens_after(self, issued: u32) -> Self {
        self.model().refuse_tokens_after = Some(issued);
        self
    }

    /// The first token request is answered 503, as during an outage of the OAuth server.
    #[must_use]
    pub fn token_server_error_once(self) -> Self {
        self.model().token_error_once = true;
        self
    }

    /// Helix refuses every token with 401, even fresh ones (as when the application was
    /// suspended while its credentials still work at the OAuth server).
    #[must_use]
    pub fn refuse_every_token(self) -> Self {
        self.model().refuse_every_token = true;
        self
    }

    /// The Helix root to configure (`…/helix`).
    pub fn api_url(&self) -> String {
        format!("{}/helix", self.server.uri())
    }

    /// The OAuth root to configure (`…/oauth2`).
    pub fn auth_url(&self) -> String {
        format!("{}/oauth2", self.server.uri())
    }

    /// A config pointing at this fake with the credentials it accepts, a 2-second timeout and
    /// three attempts without backoff delays.
    pub fn config(&self) -> HelixConfig {
        HelixConfig::new(Self::CLIENT_ID, SecretString::from(Self::CLIENT_SECRET))
            .api_url(self.api_url())
            .auth_url(self.auth_url())
            .timeout(Duration::from_secs(2))
            .retry(RetryPolicy::immediate(3))
    }

    /// Requests received so far, per endpoint.
    pub fn requests(&self) -> Requests {
        let model = self.model();
        let count = |e| {
            let n = model.exchanges.iter().filter(|x| x.endpoint == e).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        Requests {
            token: count(Endpoint::Token),
            streams: count(Endpoint::Streams),
        }
    }

    /// Every request answered so far, in order.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.model().exchanges.clone()
    }

    /// The tokens the fake has issued, in order (to check that none leaks into logs).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.model().issued.clone()
    }

    /// The streams configured, page by page.
    pub fn served_pages(&self) -> Vec<Vec<FakeStream>> {
        self.model().pages.clone()
    }
}
