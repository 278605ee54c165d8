//! `watchtime migrate`: apply the store's migrations and say so.

use anyhow::Result;

use crate::config::Config;
use crate::wiring::open_store;

pub async fn run(config: &Config) -> Result<()> {
    // Opening a store applies its pending migrations.
    open_store(&config.database_url).await?;
    outln!("{} is migrated and ready", config.database_url);
    Ok(())
}
