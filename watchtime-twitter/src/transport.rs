//! Signed requests to X, with the retry rules of each method.
//!
//! GETs, image uploads and alt text are retried on timeouts, connection failures and 5xx with
//! backoff, and after a 429 once `x-rate-limit-reset` has passed (a repeated upload leaves at
//! most an unused image, which X deletes). A post is repeated only when X provably did not take
//! it: a 429, or a connection that never opened. A timeout, a dropped connection or a 5xx after
//! sending leaves it unknown whether the post exists, and is reported as such.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use tracing::{debug, trace, warn};
use url::Url;
use watchtime_core::retry::RetryPolicy;

use crate::error::TwitterError;
use crate::oauth::{self, Credentials};
use crate::wire::Problem;

/// Which call a response answers, for error messages that say what access is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `GET /2/users/me`.
    Me,
    /// `GET /2/users/:id/mentions`.
    Mentions,
    /// `POST /2/tweets` without a reply target.
    Post,
    /// `POST /2/tweets` answering a mention.
    Reply,
    /// `POST /2/media/upload`.
    Upload,
    /// `POST /2/media/metadata`.
    AltText,
}

/// What a request carries.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Body<'a> {
    /// Nothing (a GET).
    Empty,
    /// JSON bytes.
    Json(&'a [u8]),
    /// A PNG as the `media` part of a `multipart/form-data` upload for a post.
    Png(&'a [u8]),
}

impl Endpoint {
    fn describe(self) -> &'static str {
        match self {
            Endpoint::Me => "reading the bot's own account (GET /2/users/me)",
            Endpoint::Mentions => "reading mentions (GET /2/users/:id/mentions)",
            Endpoint::Post => "posting (POST /2/tweets)",
            Endpoint::Reply => "replying (POST /2/tweets with a reply target)",
            Endpoint::Upload => "uploading an image (POST /2/media/upload)",
            Endpoint::AltText => "adding an image's alt text (POST /2/media/metadata)",
        }
    }

    fn writes(self) -> bool {
        !matches!(self, Endpoint::Me | Endpoint::Mentions)
    }
}

/// Why a POST failed, by what it means for the post.
#[derive(Debug)]
pub(crate) enum PostFailure {
    /// X refused the text as a duplicate of a recent post of this account.
    Duplicate,
    /// Nothing was posted.
    NotSent(TwitterError),
    /// The post may exist.
    Unknown(TwitterError),
}

/// What a non-2xx answer means.
enum Failure {
    /// 429: wait this long (from the reset header) if known.
    RateLimited(Option<Duration>),
    /// 5xx: X failed; a GET may be retried.
    Server(TwitterError),
    /// 403 duplicate content (POST only).
    Duplicate,
    /// Any other refusal: retrying the same request gives the same answer.
    Refused(TwitterError),
}

/// The signed HTTP client.
pub(crate) struct Transport {
    http: reqwest::Client,
    api: Url,
    host: String,
    creds: Credentials,
    retry: RetryPolicy,
}

impl Transport {
    pub(crate) fn new(
        api: Url,
        creds: Credentials,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, TwitterError> {
        if api.cannot_be_a_base() || !matches!(api.scheme(), "http" | "https") {
            return Err(TwitterError::Config(format!(
                "the API URL must be an http(s) URL, not {:?}",
                api.scheme()
            )));
        }
        if !api.username().is_empty() || api.password().is_some() || api.query().is_some() {
            return Err(TwitterError::Config(
                "the API URL must not carry credentials or a query".to_owned(),
            ));
        }
        let host = api.host_str().unwrap_or_default().to_owned();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("watchtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TwitterError::Config(format!("HTTP client: {}", e.without_url())))?;
        Ok(Transport {
            http,
            api,
            host,
            creds,
            retry,
        })
    }

    /// The API host, for messages.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// The URL of `segments` under the API root, with `query`.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.api.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// GETs `url` and returns the body of its 2xx answer, retrying transient failures.
    pub(crate) async fn get(&self, endpoint: Endpoint, url: &Url) -> Result<String, TwitterError> {
        self.retrying(endpoint, Method::GET, url, Body::Empty).await
    }

    /// POSTs `body` to `url`, for a call that may be repeated (an upload, alt text), and returns
    /// the body of its 2xx answer, retrying transient failures.
    pub(crate) async fn post_repeatable(
        &self,
        endpoint: Endpoint,
        url: &Url,
        body: Body<'_>,
    ) -> Result<String, TwitterError> {
        self.retrying(endpoint, Method::POST, url, body).await
    }

    async fn retrying(
        &self,
        endpoint: Endpoint,
        method: Method,
        url: &Url,
        body: Body<'_>,
    ) -> Result<String, TwitterError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.send(method.clone(), url, body, attempt).await {
                Ok((status, headers, body)) => match body {
                    Ok(body) if status.is_success() => return Ok(body),
                    Ok(body) => self.classify(endpoint, status, &headers, &body),
                    Err(e) => Failure::Server(self.network(e)),
                },
                Err(e) => Failure::Server(self.network(e)),
            };
            match failure {
                Failure::Refused(e) => return Err(e),
                Failure::Duplicate => {
                    return Err(self.rejected(StatusCode::FORBIDDEN, "duplicate content"));
                }
                Failure::Server(e) => self.back_off(attempt, e).await?,
                Failure::RateLimited(reset) => self.wait_for_reset(attempt, reset).await?,
            }
        }
    }

    /// POSTs `body` (JSON) to `url` and returns the body of its 2xx answer.
    pub(crate) async fn post_json(
        &self,
        endpoint: Endpoint,
        url: &Url,
        body: Vec<u8>,
    ) -> Result<String, PostFailure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (status, headers, text) = match self
                .send(Method::POST, url, Body::Json(&body), attempt)
                .await
            {
                Ok(answer) => answer,
                // The connection never opened: nothing was sent, so trying again is safe.
                Err(e) if e.is_connect() => {
                    let e = self.network(e);
                    self.back_off(attempt, e)
                        .await
                        .map_err(PostFailure::NotSent)?;
                    continue;
                }
                Err(e) => return Err(PostFailure::Unknown(self.network(e))),
            };
            if status.is_success() {
                // X took the post; if its answer is lost, whether it exists is unknown to us.
                return text.map_err(|e| PostFailure::Unknown(self.network(e)));
            }
            let text = text.unwrap_or_default();
            match self.classify(endpoint, status, &headers, &text) {
                Failure::Duplicate => return Err(PostFailure::Duplicate),
                Failure::Refused(e) => return Err(PostFailure::NotSent(e)),
                Failure::Server(e) => return Err(PostFailure::Unknown(e)),
                Failure::RateLimited(reset) => self
                    .wait_for_reset(attempt, reset)
                    .await
                    .map_err(PostFailure::NotSent)?,
            }
        }
    }

    /// One signed request: status, headers, and the body (or the error reading it).
    async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Body<'_>,
        attempt: u32,
    ) -> Result<(StatusCode, HeaderMap, Result<String, reqwest::Error>), reqwest::Error> {
        let header = oauth::authorization_header(
            &self.creds,
            method.as_str(),
            url,
            &[],
            &oauth::nonce(),
            unix_now().as_secs(),
        );
        let mut auth =
            HeaderValue::from_str(&header).unwrap_or_else(|_| HeaderValue::from_static(""));
        auth.set_sensitive(true);
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, auth);
        // A JSON or multipart body is not part of an OAuth 1.0a signature.
        match body {
            Body::Empty => {}
            Body::Json(json) => {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(json.to_vec());
            }
            Body::Png(png) => {
                let media = Part::bytes(png.to_vec())
                    .file_name("chart.png")
                    .mime_str("image/png")?;
                let form = Form::new()
                    .part("media", media)
                    .text("media_category", "tweet_image")
                    .text("media_type", "image/png");
                request = request.multipart(form);
            }
        }
        let started = Instant::now();
        let response = request.send().await;
        let elapsed_ms = started.elapsed().as_millis();
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                let e = e.without_url();
                debug!(%method, path = url.path(), attempt, elapsed_ms, error = %e, "x request failed");
                return Err(e);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.map_err(reqwest::Error::without_url);
        debug!(%method, path = url.path(), attempt, status = status.as_u16(), elapsed_ms, "x request");
        if let Ok(body) = &text {
            trace!(path = url.path(), body = %truncate(body, 600), "x response");
        }
        Ok((status, headers, text))
    }

    /// Sleeps before retry `attempt + 1`, or gives `error` back when no attempt is left.
    async fn back_off(&self, attempt: u32, error: TwitterError) -> Result<(), TwitterError> {
        if !self.retry.may_retry(attempt) {
            return Err(error);
        }
        let wait = self.retry.backoff(attempt, rand::random());
        debug!(attempt, wait_ms = wait.as_millis(), %error, "x request will be retried");
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Sleeps until the rate limit resets, or fails when that is too far or no attempt is left.
    async fn wait_for_reset(
        &self,
        attempt: u32,
        reset: Option<Duration>,
    ) -> Result<(), TwitterError> {
        let wait = reset.unwrap_or_else(|| self.retry.backoff(attempt, rand::random()));
        let limited = TwitterError::RateLimited {
            retry_after: Some(wait),
        };
        let Some(wait) = self.retry.rate_limit_wait(wait) else {
            warn!(
                wait_s = wait.as_secs(),
                "x rate limit resets later than we wait"
            );
            return Err(limited);
        };
        if !self.retry.may_retry(attempt) {
            return Err(limited);
        }
        debug!(
            attempt,
            wait_ms = wait.as_millis(),
            "x rate limited; waiting for the reset"
        );
        tokio::time::sleep(wait).await;
        Ok(())
    }

    fn classify(
        &self,
        endpoint: Endpoint,
        status: StatusCode,
        headers: &HeaderMap,
        body: &str,
    ) -> Failure {
        let problem = Problem::parse(body);
        let code = status.as_u16();
        match code {
            429 => Failure::RateLimited(reset_wait(headers)),
            500..=599 => Failure::Server(TwitterError::ServerError {
                host: self.host.clone(),
                status: code,
                detail: problem.summary(),
            }),
            401 => Failure::Refused(TwitterError::Unauthorized {
                status: code,
                message: format!(
                    "X did not accept the OAuth 1.0a credentials for {} ({}). Check \
                     TWITTER_CONSUMER_KEY, TWITTER_CONSUMER_SECRET, TWITTER_ACCESS_TOKEN and \
                     TWITTER_ACCESS_TOKEN_SECRET: the access token pair must be the bot \
                     account's user-context tokens, regenerated after any change of the app's \
                     permissions, and this machine's clock must be right",
                    endpoint.describe(),
                    problem.summary()
                ),
            }),
            402 => Failure::Refused(TwitterError::Unauthorized {
                status: code,
                message: format!(
                    "X refused {} for payment ({}): buy X API credits for the app's project in \
                     the developer console",
                    endpoint.describe(),
                    problem.summary()
                ),
            }),
            403 if endpoint.writes() && problem.is_duplicate_content() => Failure::Duplicate,
            403 if endpoint == Endpoint::Reply && problem.is_reply_restricted() => {
                Failure::Refused(self.rejected(status, &problem.summary()))
            }
            403 => Failure::Refused(TwitterError::Unauthorized {
                status: code,
                message: forbidden_message(endpoint, &problem),
            }),
            _ => Failure::Refused(self.rejected(status, &problem.summary())),
        }
    }

    fn rejected(&self, status: StatusCode, detail: &str) -> TwitterError {
        TwitterError::Rejected {
            host: self.host.clone(),
            status: status.as_u16(),
            detail: detail.to_owned(),
        }
    }

    fn network(&self, e: reqwest::Error) -> TwitterError {
        let reason = if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            "could not connect".to_owned()
        } else {
            "the connection failed".to_owned()
        };
        TwitterError::Network {
            host: self.host.clone(),
            reason,
            source: Some(e.without_url()),
        }
    }
}

/// What a 403 means for `endpoint`, and what to do about it.
fn forbidden_message(endpoint: Endpoint, problem: &Problem) -> String {
    let said = problem.summary();
    if problem.is_app_permissions() {
        return format!(
            "the X app may not do {} ({said}): set its user authentication settings to \"Read \
             and write\" in the developer console, then regenerate the access token and secret \
             (tokens keep the permissions they were made with)",
            endpoint.describe()
        );
    }
    if problem.is_access_level() || !endpoint.writes() {
        if endpoint == Endpoint::Mentions || endpoint == Endpoint::Me {
            return format!(
                "the app's X API access does not include {} ({said}): the free tier can only \
                 post and cannot read mentions; answering mentions needs paid access \
                 (pay-per-use credits) for the app's project",
                endpoint.describe()
            );
        }
        return format!(
            "the app's X API access does not include {} ({said}): attach the app to a project \
             with API access in the developer console",
            endpoint.describe()
        );
    }
    format!(
        "X forbids {} ({said}): the app needs \"Read and write\" permissions and user-context \
         tokens of the bot account, and the account must not be locked or suspended",
        endpoint.describe()
    )
}

/// The wait until `x-rate-limit-reset` (Unix seconds), zero when it has passed.
fn reset_wait(headers: &HeaderMap) -> Option<Duration> {
    let reset: u64 = headers
        .get("x-rate-limit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(reset).saturating_sub(unix_now()))
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_header_gives_the_remaining_wait() {
        let mut h = HeaderMap::new();
        assert_eq!(reset_wait(&h), None);
        let in_90s = unix_now().as_secs() + 90;
        h.insert("x-rate-limit-reset", in_90s.to_string().parse().unwrap());
        let wait = reset_wait(&h).unwrap();
        assert!(
            wait <= Duration::from_secs(90) && wait > Duration::from_secs(88),
            "{wait:?}"
        );
        h.insert("x-rate-limit-reset", "1000".parse().unwrap());
        assert_eq!(reset_wait(&h), Some(Duration::ZERO));
        h.insert("x-rate-limit-reset", "soon".parse().unwrap());
        assert_eq!(reset_wait(&h), None);
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("ab原神", 3), "ab原");
        assert_eq!(truncate("ab", 3), "ab");
    }
}
