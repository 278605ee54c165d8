//! Around every route: only `GET` and `HEAD`, and the security headers.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use watchtime_chart::{Options, RankingChart};
use watchtime_core::{Day, DayRange};

use crate::error::{ApiError, PageError, WebError};

/// The Content-Security-Policy of every answer: nothing runs (no script source at all), styles
/// come from this site's stylesheet plus the charts' one inline `<style>` (allowed by its
/// SHA-256, so no `unsafe-inline`), images only from this site, forms only to this site, and no
/// framing.
pub fn content_security_policy() -> &'static str {
    static CSP: LazyLock<String> = LazyLock::new(|| {
        format!(
            "default-src 'none'; style-src 'self' 'sha256-{}'; img-src 'self' data:; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            chart_style_hash()
        )
    });
    &CSP
}

/// The base64 SHA-256 of the `<style>` element that a web chart carries (the dark palette): the
/// chart crate writes the same one into every `Options::web()` chart.
fn chart_style_hash() -> String {
    let day = Day::from_ymd(2026, 1, 1).unwrap_or_else(|| Day::from_days_since_epoch(0));
    let svg = RankingChart::new("", DayRange::single(day), "", &[]).to_svg(&Options::web());
    let css = svg
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css)
        .unwrap_or("");
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()))
}

/// Refuses every method but `GET` and `HEAD` (nothing here writes), and adds the security
/// headers to every answer.
pub async fn guard(request: Request, next: Next) -> Response {
    let mut response = if matches!(*request.method(), Method::GET | Method::HEAD) {
        next.run(request).await
    } else {
        let message = format!(
            "{} is not allowed: this site is read only (GET and HEAD)",
            request.method()
        );
        let mut r = if request.uri().path().starts_with("/api/") {
            ApiError(WebError::BadRequest(message)).into_response()
        } else {
            PageError(WebError::BadRequest(message)).into_response()
        };
        *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    };
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(content_security_policy()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// An unknown path: JSON under `/api/`, a page elsewhere.
pub async fn not_found(request: Request) -> Response {
    let path = request.uri().path();
    let message = format!(
        "there is no page at {}; see / or /api/openapi.json",
        crate::params::clip(path)
    );
    if path.starts_with("/api/") {
        ApiError(WebError::NotFound(message)).into_response()
    } else {
        PageError(WebError::NotFound(message)).into_response()
    }
}
