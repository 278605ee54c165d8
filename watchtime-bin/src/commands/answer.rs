//! `watchtime answer`: one round of mentions on every configured platform that has them.

use anyhow::{Result, bail};
use watchtime_core::bot;

use crate::config::Config;
use crate::wiring::{open_store, platforms};

pub async fn run(config: &Config) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let platforms = platforms(config, &store).await?;
    let with_mentions: Vec<_> = platforms
        .iter()
        .filter_map(|p| p.mentions.as_ref().map(|m| (p, m)))
        .collect();
    if with_mentions.is_empty() {
        bail!(
            "none of the configured publishers reads mentions; set WATCHTIME_PUBLISHER to twitter, mastodon or bluesky"
        );
    }
    let mut failed = 0;
    for (platform, mentions) in with_mentions {
        let name = platform.publisher.platform();
        match bot::answer_round(
            mentions.as_ref(),
            platform.publisher.as_ref(),
            store.as_ref(),
            &config.settings,
            config.now(),
        )
        .await
        {
            Ok(round) => outln!(
                "{name}: {} mentions read, {} answered, {} how-to replies, {} skipped, {} unfinished, {} refused",
                round.seen,
                round.answered,
                round.how_tos,
                round.skipped,
                round.unfinished,
                round.rejected
            ),
            Err(e) => {
                failed += 1;
                errln!("{name}: {}", watchtime_core::ErrorChain(&e));
            }
        }
    }
    if failed > 0 {
        bail!("answering failed on {failed} platform(s)");
    }
    Ok(())
}
