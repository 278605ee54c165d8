//! `watchtime serve`: the pages and the JSON API over the store, until SIGTERM or SIGINT.

use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use watchtime_core::DynStore;
use watchtime_core::time::{Clock, SystemClock};
use watchtime_web::Site;

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::wiring::open_store;

pub async fn run(config: &Config, args: &ServeArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {} for the web pages", args.listen))?;
    let bound = listener.local_addr()?;
    outln!("serving {} on http://{bound}/", config.database_url);
    let app = watchtime_web::router(site(config, store));
    axum::serve(listener, app)
        .with_graceful_shutdown(super::run::wait_for_signal())
        .await
        .context("the web server stopped")?;
    Ok(())
}

/// The web site over `store` with the configured days, and "now" from `--now` when given.
pub fn site(config: &Config, store: DynStore) -> Site {
    let clock: Arc<dyn Clock> = match config.now {
        Some(now) => Arc::new(Fixed(now)),
        None => Arc::new(SystemClock),
    };
    Site::new(store, config.settings, clock)
}

/// A clock stopped at `--now`, for replays and tests.
#[derive(Debug)]
struct Fixed(chrono::DateTime<chrono::Utc>);

impl Clock for Fixed {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}
