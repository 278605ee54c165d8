//! The pages and the JSON API on the filled store, over HTTP on 127.0.0.1: each route's latency
//! at one client (median and p99) and its throughput at 16 concurrent clients, against the
//! stylesheet (no store access) measured the same way in the same run as the baseline.
//!
//! Every route is measured twice in the same run: on a site that renders every request (what
//! the store and the rendering cost) and on one that keeps rendered answers about closed days
//! (what a reader of the site gets after the first request).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::net::TcpListener;
use watchtime_core::ranking::{RankingQuery, Subject};
use watchtime_core::time::SystemClock;
use watchtime_core::{Day, DayRange, DynStore, Settings};

use crate::measure::Timings;

/// Concurrent clients for the throughput figure.
pub const CLIENTS: usize = 16;

/// One route measured.
#[derive(Debug)]
pub struct WebCase {
    /// What it is, e.g. "game page (30 days)".
    pub name: String,
    /// The path requested.
    pub path: String,
    /// Rendered on every request (no answer kept).
    pub rendered: Load,
    /// With the answers about closed days kept (the default site).
    pub kept: Load,
    /// Bytes of one answer.
    pub bytes: usize,
}

/// One route on one site.
#[derive(Debug)]
pub struct Load {
    /// Latencies at one client.
    pub timings: Timings,
    /// Requests per second at [`CLIENTS`] clients.
    pub per_second: f64,
}

/// The routes, on the data around `last`: ids of its top game and top streamer.
async fn routes(store: &DynStore, last: Day) -> Result<Vec<(String, String)>> {
    let top = |subject| RankingQuery {
        subject,
        range: DayRange::single(last),
        top: 1,
    };
    let game = store.rank(&top(Subject::TopGames)).await?;
    let streamer = store.rank(&top(Subject::TopStreamers)).await?;
    let (Some(game), Some(streamer)) = (game.first(), streamer.first()) else {
        bail!("no ranking on {last}: nothing to serve");
    };
    let (g, s) = (game.id.as_str(), streamer.id.as_str());
    let month = last.minus_days(29);
    let year = last.minus_days(365);
    let search = game.name.to_lowercase();
    let q: String = url::form_urlencoded::byte_serialize(search.as_bytes()).collect();
    let r = |name: &str, path: String| (name.to_owned(), path);
    Ok(vec![
        r(
            "stylesheet (baseline: no store)",
            "/static/style.css".to_owned(),
        ),
        r("front page (last day, top 25)", "/".to_owned()),
        r("front page (7 days)", "/?days=7".to_owned()),
        r("front page (30 days)", "/?days=30".to_owned()),
        r("game page (30 days, default)", format!("/games/{g}")),
        r(
            "game page (366 days)",
            format!("/games/{g}?from={year}&to={last}"),
        ),
        r(
            "streamer page (30 days, default)",
            format!("/streamers/{s}"),
        ),
        r("search page (one hit: redirect)", format!("/search?q={q}")),
        r(
            "search page (did you mean)",
            "/search?q=minecarft".to_owned(),
        ),
        r("API rankings (last day)", "/api/v1/rankings".to_owned()),
        r(
            "API rankings (30 days, top 100)",
            format!("/api/v1/rankings?from={month}&to={last}&top=100"),
        ),
        r(
            "API game days (30 days)",
            format!("/api/v1/games/{g}/days?from={month}&to={last}"),
        ),
        r(
            "API streamer days (366 days)",
            format!("/api/v1/streamers/{s}/days?from={year}&to={last}"),
        ),
        r("API day status", format!("/api/v1/days/{last}")),
        r("API search", format!("/api/v1/search?q={q}")),
        r("OpenAPI document", "/api/openapi.json".to_owned()),
    ])
}

/// Serves `store` on 127.0.0.1 twice (rendering every request, and keeping answers) and
/// measures every route on both: `iterations` requests one at a time, then [`CLIENTS`] clients
/// for `seconds`.
pub async fn run(
    store: DynStore,
    last: Day,
    iterations: usize,
    seconds: Duration,
) -> Result<Vec<WebCase>> {
    let routes = routes(&store, last).await?;
    let site = watchtime_web::Site::new(store, Settings::default(), Arc::new(SystemClock));
    let (rendered_base, rendered_server) = serve(site.clone().with_memo_limit(0)).await?;
    let (kept_base, kept_server) = serve(site).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CLIENTS * 2)
        .build()?;
    let mut cases = Vec::new();
    for (name, path) in routes {
        eprintln!("    {name}");
        let first = client.get(format!("{rendered_base}{path}")).send().await?;
        let status = first.status();
        if !(status.is_success() || status.is_redirection()) {
            bail!("{path} answered {status}");
        }
        let bytes = first.bytes().await?.len();
        let rendered = measure(
            &client,
            &format!("{rendered_base}{path}"),
            iterations,
            seconds,
        )
        .await
        .with_context(|| format!("{path}, rendered every time"))?;
        let kept = measure(&client, &format!("{kept_base}{path}"), iterations, seconds)
            .await
            .with_context(|| format!("{path}, answers kept"))?;
        cases.push(WebCase {
            name,
            path,
            rendered,
            kept,
            bytes,
        });
    }
    rendered_server.abort();
    kept_server.abort();
    Ok(cases)
}

type Server = tokio::task::JoinHandle<std::io::Result<()>>;

/// Serves `site` on a free port of 127.0.0.1; its base URL and the serving task.
async fn serve(site: watchtime_web::Site) -> Result<(String, Server)> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding 127.0.0.1 for the web bench")?;
    let base = format!("http://{}", listener.local_addr()?);
    let server =
        tokio::spawn(async move { axum::serve(listener, watchtime_web::router(site)).await });
    Ok((base, server))
}

/// `iterations` requests one at a time (after one to warm up), then the load.
async fn measure(
    client: &reqwest::Client,
    url: &str,
    iterations: usize,
    seconds: Duration,
) -> Result<Load> {
    client.get(url).send().await?.bytes().await?;
    let mut timings = Timings::default();
    for _ in 0..iterations {
        let t = Instant::now();
        let r = client.get(url).send().await?;
        r.bytes().await?;
        timings.push(t.elapsed());
    }
    let per_second = load(client, url, seconds).await?;
    Ok(Load {
        timings,
        per_second,
    })
}

/// Requests per second of [`CLIENTS`] clients asking for `url` back to back for `seconds`.
async fn load(client: &reqwest::Client, url: &str, seconds: Duration) -> Result<f64> {
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, done) = (client.clone(), url.to_owned(), done.clone());
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < seconds {
                let r = client.get(&url).send().await?;
                r.bytes().await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, reqwest::Error>(())
        }));
    }
    for task in tasks {
        task.await.context("a load client panicked")??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}
