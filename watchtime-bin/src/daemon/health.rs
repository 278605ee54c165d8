//! `/healthz` and `/metrics` over HTTP, for load balancers, orchestrators and Prometheus, on
//! the same server as the web pages and the API when those are on.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use watchtime_core::SlotLength;

use super::metrics::Metrics;
use super::timer::Timer;

/// What the endpoints read.
#[derive(Debug, Clone)]
pub struct Health {
    /// The daemon's metrics.
    pub metrics: Arc<Metrics>,
    /// The daemon's clock.
    pub timer: Arc<dyn Timer>,
    /// The collection interval: a snapshot older than two of them is stale.
    pub slot_length: SlotLength,
}

/// The routes.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(health)
}

/// Binds `addr` and serves until `shutdown` turns true: `/healthz` and `/metrics`, and with
/// `web` the pages and the JSON API beside them, on one server. Returns the bound address (port
/// 0 picks a free one) once listening.
pub async fn serve(
    addr: SocketAddr,
    health: Health,
    web: Option<watchtime_web::Site>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for /healthz and /metrics"))?;
    let app = match web {
        Some(site) => router(health).merge(watchtime_web::router(site)),
        None => router(health),
    };
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        let stop = async move {
            while !*shutdown.borrow() {
                if shutdown.changed().await.is_err() {
                    break;
                }
            }
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::error!(error = %watchtime_core::ErrorChain(&e), "the health server stopped");
        }
    });
    Ok(bound)
}

async fn healthz(State(h): State<Health>) -> Response {
    let now = h.timer.now();
    let limit = chrono::Duration::seconds(2 * h.slot_length.seconds());
    let (status, mut body) = match h.metrics.last_snapshot() {
        Some(at) if now - at < limit => (
            StatusCode::OK,
            json!({"status": "ok", "last_snapshot": at.to_rfc3339(), "age_seconds": (now - at).num_seconds()}),
        ),
        Some(at) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "status": "stale",
                "last_snapshot": at.to_rfc3339(),
                "age_seconds": (now - at).num_seconds(),
                "reason": format!("the last snapshot is older than two slots ({} minutes)", limit.num_minutes()),
            }),
        ),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "stale", "last_snapshot": null, "reason": "no snapshot has been taken yet"}),
        ),
    };
    // How mentions arrive, per platform that reads them: streaming or polling, and the
    // seconds between REST reads (polls, or backfills while a stream is connected).
    let readings = h.metrics.mention_readings();
    body["mentions"] = readings
        .iter()
        .map(|(platform, (mode, _))| (platform.clone(), json!(mode.as_str())))
        .collect();
    body["mention_interval_seconds"] = readings
        .iter()
        .map(|(platform, (_, every))| (platform.clone(), json!(every.as_secs())))
        .collect();
    (status, axum::Json(body)).into_response()
}

async fn metrics(State(h): State<Health>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, super::metrics::CONTENT_TYPE)],
        h.metrics.render(),
    )
        .into_response()
}
