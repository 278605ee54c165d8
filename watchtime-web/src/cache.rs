//! Conditional answers: an `ETag` from the body's hash, `Cache-Control` by whether the data can
//! still change, and `304 Not Modified` for a matching `If-None-Match`.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// How long a client may reuse an answer about closed days without asking: short, because a
/// day can be closed again and names change.
const CLOSED_MAX_AGE: &str = "public, max-age=300";

/// Whether the days an answer covers are all closed (it changes only if one is closed again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Every day in it is closed: `ETag` and a short `max-age`.
    Closed,
    /// It covers a day still open, or nothing day-bound: revalidate every time.
    Live,
}

/// A rendered answer, before the request's conditional headers are applied: what the memo of
/// closed answers ([`crate::memo`]) keeps.
#[derive(Clone, Debug)]
pub struct Answer {
    content_type: &'static str,
    body: Bytes,
    /// The `ETag` of a closed answer (quoted); `None` for a live one.
    tag: Option<HeaderValue>,
}

impl Answer {
    /// `body` as `content_type`, tagged by its hash if it is about closed days only.
    pub fn new(content_type: &'static str, body: Vec<u8>, freshness: Freshness) -> Answer {
        let tag = (freshness == Freshness::Closed).then(|| {
            let hash = Sha256::digest(&body);
            let tag = format!(
                "\"{}\"",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16])
            );
            // Base64url and quotes only: always a valid header value.
            HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
        });
        Answer {
            content_type,
            body: Bytes::from(body),
            tag,
        }
    }

    /// Whether it is about closed days only (and may be kept).
    pub fn is_closed(&self) -> bool {
        self.tag.is_some()
    }

    /// Bytes it holds, for the memo's bound.
    pub fn size(&self) -> usize {
        self.body.len()
    }

    /// The response to a request with `request`'s headers: `304` if the client already has it.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        let Some(tag) = &self.tag else {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return (StatusCode::OK, headers, self.body.clone()).into_response();
        };
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CLOSED_MAX_AGE),
        );
        headers.insert(header::ETAG, tag.clone());
        if matches(request, tag.as_bytes()) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (StatusCode::OK, headers, self.body.clone()).into_response()
    }
}

/// Whether `If-None-Match` names `tag` (or is `*`); weak tags compare by their value.
fn matches(request: &HeaderMap, tag: &[u8]) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t.as_bytes() == tag || t == "*")
}
