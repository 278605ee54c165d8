//! Conditional answers: an `ETag` from the body's hash, `Cache-Control` by whether the data can
//! still change, and `304 Not Modified` for a matching `If-None-Match`.

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

/// Answers `body` with `content_type`, or `304` if the client already has it.
pub fn respond(
    request: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    freshness: Freshness,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if freshness == Freshness::Live {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return (StatusCode::OK, headers, body).into_response();
    }
    let hash = Sha256::digest(&body);
    let tag = format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16])
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CLOSED_MAX_AGE),
    );
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    if matches(request, &tag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (StatusCode::OK, headers, body).into_response()
}

/// Whether `If-None-Match` names `tag` (or is `*`); weak tags compare by their value.
fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}
