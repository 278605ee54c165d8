//! `watchtime run`: the daemon, until SIGTERM or SIGINT.

use std::sync::Arc;

use anyhow::Result;
use tokio::sync::watch;
use watchtime_core::DynTwitchSource;

use crate::cli::RunArgs;
use crate::config::Config;
use crate::daemon::{Daemon, Health, Metrics, Timer, WallTimer, serve};
use crate::wiring::{open_store, platforms, poll_bluesky_every, twitch_source};

pub async fn run(config: &Config, args: &RunArgs) -> Result<()> {
    // Configuration errors stop the daemon before it starts; everything later is retried.
    let source: DynTwitchSource = Arc::new(twitch_source(config)?);
    let store = open_store(&config.database_url).await?;
    let mut platforms = platforms(config, &store).await?;
    poll_bluesky_every(&mut platforms, args.mentions.bluesky_interval());
    let timer: Arc<dyn Timer> = Arc::new(WallTimer);
    let metrics = Arc::new(Metrics::default());
    let (stop, stopped) = watch::channel(false);
    if let Some(addr) = args.listen {
        let health = Health {
            metrics: metrics.clone(),
            timer: timer.clone(),
            slot_length: config.settings.slot_length,
        };
        let web = super::serve::site(config, store.clone());
        let bound = serve(addr, health, Some(web), stopped.clone()).await?;
        tracing::info!(%bound, "serving the pages, the API, /healthz and /metrics");
    }
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping: finishing or abandoning the step in progress");
        let _ = stop.send(true);
    });
    tracing::info!(
        store = %config.database_url,
        publishers = ?platforms.iter().map(|p| p.publisher.platform().to_owned()).collect::<Vec<_>>(),
        "starting"
    );
    let daemon = Daemon {
        store,
        source,
        platforms,
        images: crate::charts::post_images(config),
        settings: config.settings,
        timer,
        metrics,
        mention_interval: args.mentions.interval(),
        stream: args.mentions.stream(),
    };
    daemon.run(stopped).await;
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (`docker stop`, systemd).
pub(crate) async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
