//! `watchtime collect`: one sweep of Twitch now, stored in its slot.

use std::fs::OpenOptions;
use std::io::Write;

use anyhow::{Context, Result};
use watchtime_core::{bot, jsonl};

use crate::cli::CollectArgs;
use crate::config::Config;
use crate::wiring::{open_store, twitch_source};

pub async fn run(config: &Config, args: &CollectArgs) -> Result<()> {
    let source = twitch_source(config)?;
    // Open the store first: a sweep that cannot be stored is wasted API budget.
    let store = if args.dry_run {
        None
    } else {
        Some(open_store(&config.database_url).await?)
    };
    let sweep = source
        .sweep(config.settings.min_viewers)
        .await
        .context("the Twitch sweep failed")?;
    if let Some(path) = &args.save {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} to save the snapshot", path.display()))?;
        writeln!(file, "{}", jsonl::to_line(&sweep.snapshot))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let stored = match &store {
        Some(store) => {
            let collected = bot::record(
                store.as_ref(),
                sweep.snapshot.clone(),
                &config.settings,
                config.now(),
            )
            .await?;
            let report = collected.report;
            let malformed = match report.malformed_ids {
                0 => String::new(),
                n => format!(", {n} with a malformed id dropped"),
            };
            format!(
                "stored in slot {} ({} kept, {} duplicates dropped{malformed})",
                collected.info.slot, report.kept, report.duplicates
            )
        }
        None => "dry run: nothing stored".to_owned(),
    };
    outln!("{sweep}; {stored}");
    Ok(())
}
