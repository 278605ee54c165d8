//! # watchtime-web
//!
//! The read side of `watchtime` on HTTP: server-rendered pages with charts, and a JSON API
//! described by an OpenAPI 3.1 document generated from the handlers. It reads the store only
//! through `watchtime_core`'s [`Store`](watchtime_core::Store) traits (it knows no concrete
//! store) and draws every chart with `watchtime-chart`.
//!
//! ```no_run
//! # async fn demo(store: watchtime_core::DynStore) {
//! use std::sync::Arc;
//! use watchtime_core::time::SystemClock;
//! use watchtime_web::{Site, router};
//!
//! let site = Site::new(store, watchtime_core::Settings::default(), Arc::new(SystemClock));
//! let app: axum::Router = router(site);
//! # let _ = app;
//! # }
//! ```
//!
//! Routes (all `GET`/`HEAD`; nothing writes):
//!
//! | Path | What |
//! | --- | --- |
//! | `/` | a day or range (`?from=&to=`, `?days=7`): top games and streamers, coverage |
//! | `/games/{id}`, `/streamers/{id}` | hours per day as a chart, rank per day, the other side's top |
//! | `/search?q=` | the mention lookup as a search box; one hit redirects |
//! | `/api/v1/rankings`, `/api/v1/games/{id}/days`, `/api/v1/streamers/{id}/days`, `/api/v1/days/{day}`, `/api/v1/search` | the JSON API |
//! | `/api/openapi.json` | the API's OpenAPI 3.1 document |
//!
//! Bad input is a 4xx saying what to fix (`{"error": "..."}` in the API), never a 500. Every
//! answer carries a strict Content-Security-Policy (no script at all; the stylesheet is a route
//! and the charts' one inline style is allowed by its hash); answers about closed days carry an
//! `ETag` and `Cache-Control` and a matching `If-None-Match` gets `304`.

#![deny(missing_docs)]

pub mod api;
mod cache;
mod error;
mod guard;
mod memo;
mod pages;
pub mod params;
mod site;

pub use error::{ApiError, PageError, WebError};
pub use guard::content_security_policy;
pub use site::Site;

use axum::Router;
use axum::routing::get;

/// Every page and API route over `site`, with the security headers and the GET/HEAD-only guard.
/// Merge it with other routes (the daemon's `/healthz` and `/metrics`) to serve all on one port.
pub fn router(site: Site) -> Router {
    Router::new()
        .route("/", get(pages::home::home))
        .route("/games/{id}", get(pages::entity::game))
        .route("/streamers/{id}", get(pages::entity::streamer))
        .route("/search", get(pages::search::search))
        .route("/static/style.css", get(pages::style::stylesheet))
        .merge(api::routes())
        .fallback(guard::not_found)
        .layer(axum::middleware::from_fn(guard::guard))
        .with_state(site)
}
