//! `watchtime migrate`: apply the store's migrations and say so.

use anyhow::Result;

use crate::config::{Config, redact_url};
use crate::wiring::open_store;

pub async fn run(config: &Config) -> Result<()> {
    // Opening a store applies its pending migrations.
    open_store(&config.database_url).await?;
    println!("{} is migrated and ready", redact_url(&config.database_url));
    Ok(())
}
