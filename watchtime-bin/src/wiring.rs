//! Choosing adapters from the configuration: the only place that knows them all.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use watchtime_core::message::TextLimit;
use watchtime_core::{DynPublisher, DynStore};
use watchtime_sqlite::SqliteStore;

use crate::config::{Config, PublisherKind, redact_url};
use crate::publish::ConsolePublisher;

/// Opens the store named by `url`, applying its migrations.
pub async fn open_store(url: &str) -> Result<DynStore> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::connect(url)
            .await
            .with_context(|| format!("cannot open the store {}", redact_url(url)))?;
        return Ok(Arc::new(store));
    }
    bail!(
        "unsupported DATABASE_URL {}: use sqlite://FILE (or postgres://USER@HOST/DB once built with PostgreSQL)",
        redact_url(url)
    )
}

/// The configured publishers, in order.
pub async fn publishers(config: &Config) -> Result<Vec<DynPublisher>> {
    let mut out: Vec<DynPublisher> = Vec::new();
    for kind in &config.publishers {
        match kind {
            PublisherKind::Console => out.push(Arc::new(ConsolePublisher::new(TextLimit::X))),
        }
    }
    Ok(out)
}
