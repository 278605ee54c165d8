//! The stylesheet, served from a route so the Content-Security-Policy needs no inline style.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The one stylesheet of every page.
pub const CSS: &str = include_str!("style.css");

/// `GET /static/style.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        CSS,
    )
        .into_response()
}
