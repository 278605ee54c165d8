//! `watchtime answer`: one round of mentions on every configured platform that has them, or,
//! with `--follow`, the daemon's mention lanes in the foreground until SIGINT/SIGTERM.

use std::sync::Arc;

use anyhow::{Result, bail};
use tokio::sync::watch;
use watchtime_core::{DynStore, bot};

use crate::cli::{AnswerArgs, MentionArgs};
use crate::config::Config;
use crate::daemon::{Lane, Metrics, WallTimer};
use crate::wiring::{Platform, open_store, platforms, poll_bluesky_every};

pub async fn run(config: &Config, args: &AnswerArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let mut platforms: Vec<Platform> = platforms(config, &store)
        .await?
        .into_iter()
        .filter(|p| p.mentions.is_some())
        .collect();
    poll_bluesky_every(&mut platforms, args.mentions.bluesky_interval());
    if platforms.is_empty() {
        bail!(
            "none of the configured publishers reads mentions; set WATCHTIME_PUBLISHER to twitter, mastodon or bluesky"
        );
    }
    if args.follow {
        follow(config, platforms, store, &args.mentions).await;
        return Ok(());
    }
    let mut failed = 0;
    for platform in &platforms {
        let Some(mentions) = &platform.mentions else {
            continue;
        };
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

/// One lane per platform, as `watchtime run` has for the platforms that stream or are polled
/// often (Bluesky), until a signal. Answers are dated by the wall clock.
async fn follow(config: &Config, platforms: Vec<Platform>, store: DynStore, args: &MentionArgs) {
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        super::run::wait_for_signal().await;
        tracing::info!("stopping: finishing or abandoning the answer in progress");
        let _ = stop.send(true);
    });
    let metrics = Arc::new(Metrics::default());
    let mention_interval = args
        .interval()
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(60));
    tracing::info!(
        platforms = ?platforms.iter().map(|p| p.publisher.platform().to_owned()).collect::<Vec<_>>(),
        streaming = args.mention_stream,
        "answering mentions as they arrive"
    );
    let lanes: Vec<_> = platforms
        .into_iter()
        .map(|platform| {
            let lane = Lane {
                interval: Lane::interval_of(&platform, mention_interval),
                platform,
                store: store.clone(),
                settings: config.settings,
                timer: Arc::new(WallTimer),
                metrics: metrics.clone(),
                stream: args.stream(),
            };
            tokio::spawn(lane.run(stopped.clone()))
        })
        .collect();
    for lane in lanes {
        let _ = lane.await;
    }
    tracing::info!("stopped answering");
}
