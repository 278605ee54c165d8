//! What can go wrong with a request, and how it is answered: `{"error": "..."}` for the API, an
//! HTML page for a person.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::pages::layout;

/// A request that cannot be answered with data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// The request itself is wrong; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// What it asks for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The store failed; the request may work later.
    #[error("the store could not answer; try again shortly")]
    Store(#[source] watchtime_core::Error),
}

impl WebError {
    /// The HTTP status: 400, 404, or 503 when the store is down.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn log(&self) {
        if let WebError::Store(e) = self {
            tracing::warn!(error = %watchtime_core::ErrorChain(e), "a web request failed in the store");
        }
    }
}

impl From<watchtime_core::Error> for WebError {
    fn from(e: watchtime_core::Error) -> Self {
        WebError::Store(e)
    }
}

/// A [`WebError`] answered as JSON: `{"error": "<what to fix>"}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = serde_json::json!({ "error": self.0.to_string() });
        (self.0.status(), axum::Json(body)).into_response()
    }
}

/// A [`WebError`] answered as an HTML page with a way back.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let title = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "Bad request",
            _ => "Unavailable",
        };
        let body = layout::page(
            title,
            "",
            html! {
                h1 { (title) }
                p.error { (self.0.to_string()) }
                p { a href="/" { "Back to the latest day" } }
            },
        );
        (status, axum::response::Html(body.into_string())).into_response()
    }
}
