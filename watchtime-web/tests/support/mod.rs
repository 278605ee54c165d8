//! A site over a memory store holding three closed days, and a way to ask it.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;
use watchtime_core::prelude::*;
use watchtime_core::testkit::fixtures::{slotted, stream};
use watchtime_core::time::Clock;
use watchtime_core::{Day, DynStore, MemoryStore, Settings};
use watchtime_web::{Site, router};

/// A clock stopped at one instant.
#[derive(Debug)]
pub struct Fixed(pub DateTime<Utc>);

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub const SCARLET: Option<(&str, &str)> = Some(("1001", "Pokémon Scarlet and Violet"));
pub const CHESS: Option<(&str, &str)> = Some(("743", "Chess"));
pub const HOSTILE: Option<(&str, &str)> = Some(("666", "<script>alert(1)</script> & \"Co\""));

pub fn day(s: &str) -> Day {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Days 2026-11-24..=26 closed, 27 recorded but open.
pub async fn store() -> DynStore {
    let store = MemoryStore::new();
    let data = [
        (
            "2026-11-24T20:00:00Z",
            vec![
                stream("1", "Alpha", SCARLET, 1_000),
                stream("2", "Beta", CHESS, 400),
                stream("3", "Evil</td>", HOSTILE, 300),
            ],
        ),
        (
            "2026-11-25T20:00:00Z",
            vec![
                stream("1", "Alpha", CHESS, 500),
                stream("2", "Beta", SCARLET, 900),
            ],
        ),
        (
            "2026-11-26T20:00:00Z",
            vec![
                stream("1", "Alpha", SCARLET, 2_000),
                stream("4", "Gamma", None, 3_000),
            ],
        ),
        ("2026-11-27T20:00:00Z", vec![stream("2", "Beta", CHESS, 99)]),
    ];
    for (t, streams) in data {
        store
            .record_snapshot(&slotted(t, streams))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let settings = Settings::default();
    for d in ["2026-11-24", "2026-11-25", "2026-11-26"] {
        let window = settings.calendar.window(day(d));
        store
            .close_day(
                &window,
                window.slots_expected(settings.slot_length),
                window.end + Duration::minutes(5),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    Arc::new(store)
}

pub async fn app() -> (Router, DynStore) {
    let store = store().await;
    let now = "2026-11-28T01:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let site = Site::new(store.clone(), Settings::default(), Arc::new(Fixed(now)));
    (router(site), store)
}

/// An answer: status, headers, body as text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn send(app: &Router, method: Method, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Method::GET, uri, &[]).await
}
