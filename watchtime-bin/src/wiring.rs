//! Choosing adapters from the configuration: the only place that knows them all.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use async_trait::async_trait;
use url::Url;
use watchtime_bluesky::{BlueskyClient, BlueskyConfig, DEFAULT_SERVICE_URL};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::Mention;
use watchtime_core::{DynMentionSource, DynPublisher, DynStore};
use watchtime_discord::{DiscordClient, DiscordConfig};
use watchtime_mastodon::{MastodonClient, MastodonConfig, MentionStream};
use watchtime_postgres::PostgresStore;
use watchtime_sqlite::SqliteStore;
use watchtime_twitch::{HelixConfig, HelixSource};
use watchtime_twitter::{TwitterClient, TwitterConfig};

use crate::config::{Config, DatabaseUrl, PublisherKind};
use crate::daemon::{DynMentionPush, MentionFeed, MentionPush};
use crate::publish::ConsolePublisher;
use crate::secrets;

/// Opens the store named by `url`, applying its migrations: `sqlite:…` is the embedded
/// SQLite store, `postgres://…` or `postgresql://…` the PostgreSQL one. Errors show the URL
/// redacted.
pub async fn open_store(url: &DatabaseUrl) -> Result<DynStore> {
    let raw = url.expose();
    if raw.starts_with("sqlite:") {
        let store = SqliteStore::connect(raw)
            .await
            .with_context(|| format!("cannot open the store {url}"))?;
        return Ok(Arc::new(store));
    }
    if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        let store = PostgresStore::connect(raw)
            .await
            .with_context(|| format!("cannot open the store {url}"))?;
        return Ok(Arc::new(store));
    }
    bail!(
        "unsupported DATABASE_URL {url}: use sqlite://FILE for the embedded store or \
         postgres://USER@HOST/DATABASE for PostgreSQL"
    )
}

/// The Twitch Helix source, from `TWITCH_CLIENT_ID` and `TWITCH_CLIENT_SECRET` (or their
/// `_FILE` forms) and the configured API roots.
pub fn twitch_source(config: &Config) -> Result<HelixSource> {
    let id = secrets::optional("TWITCH_CLIENT_ID")?;
    let secret = secrets::optional("TWITCH_CLIENT_SECRET")?;
    let (Some(id), Some(secret)) = (id, secret) else {
        bail!(
            "collecting from Twitch needs TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET (or TWITCH_CLIENT_ID_FILE and \
             TWITCH_CLIENT_SECRET_FILE naming files that hold them); register an application at \
             https://dev.twitch.tv/console/apps to get them"
        );
    };
    let mut helix = HelixConfig::new(secrecy::ExposeSecret::expose_secret(&id).to_owned(), secret);
    if let Some(url) = &config.api.twitch_api {
        helix = helix.api_url(url.clone());
    }
    if let Some(url) = &config.api.twitch_auth {
        helix = helix.auth_url(url.clone());
    }
    HelixSource::new(helix).context("cannot set up the Twitch client")
}

/// One configured platform: where posts go, and where its mentions come from (if it has any).
#[derive(Debug, Clone)]
pub struct Platform {
    /// The publisher.
    pub publisher: DynPublisher,
    /// Its mention source, for platforms that have mentions.
    pub mentions: Option<DynMentionSource>,
    /// How it pushes mentions as they happen, for platforms that do (Mastodon).
    pub push: Option<DynMentionPush>,
    /// For a platform that pushes nothing but may be read often (Bluesky), how often its
    /// mentions are read, by a [`Lane`](crate::daemon::Lane) of their own; `None` reads them on
    /// the common mention interval.
    pub poll_interval: Option<Duration>,
}

/// How often Bluesky's mentions are read by default, in seconds: it pushes nothing to a bot
/// without a firehose consumer, and reading every 15 s stays far inside its rate limits.
pub const BLUESKY_POLL_SECONDS: u32 = 15;

/// The configured platforms, in the order given. Fails with the missing variables named when a
/// platform's credentials are absent. `store` keeps what a platform needs between runs (the
/// Bluesky session).
pub async fn platforms(config: &Config, store: &DynStore) -> Result<Vec<Platform>> {
    let mut out = Vec::new();
    for kind in &config.publishers {
        out.push(match kind {
            PublisherKind::Console => Platform {
                publisher: Arc::new(ConsolePublisher::new(TextLimit::X)),
                mentions: None,
                push: None,
                poll_interval: None,
            },
            PublisherKind::Twitter => {
                // X pushes mentions only through the paid Account Activity API: polled.
                let client = Arc::new(twitter(config)?);
                Platform {
                    publisher: client.clone(),
                    mentions: Some(client),
                    push: None,
                    poll_interval: None,
                }
            }
            PublisherKind::Mastodon => {
                let client = Arc::new(mastodon().await?);
                Platform {
                    publisher: client.clone(),
                    mentions: Some(client.clone()),
                    push: Some(Arc::new(MastodonPush(client))),
                    poll_interval: None,
                }
            }
            PublisherKind::Bluesky => {
                let client = Arc::new(bluesky(store)?);
                Platform {
                    publisher: client.clone(),
                    mentions: Some(client),
                    // Bluesky pushes nothing to a bot without a firehose consumer: polled,
                    // often, in a lane of its own.
                    push: None,
                    poll_interval: Some(Duration::from_secs(u64::from(BLUESKY_POLL_SECONDS))),
                }
            }
            PublisherKind::Discord => {
                let webhook = secrets::required("DISCORD_WEBHOOK_URL", "posting to Discord")?;
                let client = DiscordClient::new(DiscordConfig::new(webhook))
                    .context("cannot set up the Discord webhook")?;
                Platform {
                    publisher: Arc::new(client),
                    mentions: None,
                    push: None,
                    poll_interval: None,
                }
            }
        });
    }
    Ok(out)
}

/// Reads Bluesky's mentions every `every` (`--bluesky-mention-interval`) instead of the default.
pub fn poll_bluesky_every(platforms: &mut [Platform], every: Duration) {
    for platform in platforms {
        if platform.publisher.platform() == watchtime_bluesky::PLATFORM {
            platform.poll_interval = Some(every);
        }
    }
}

fn twitter(config: &Config) -> Result<TwitterClient> {
    let purpose = "posting to X";
    let mut x = TwitterConfig::new(
        secrets::required("TWITTER_CONSUMER_KEY", purpose)?,
        secrets::required("TWITTER_CONSUMER_SECRET", purpose)?,
        secrets::required("TWITTER_ACCESS_TOKEN", purpose)?,
        secrets::required("TWITTER_ACCESS_TOKEN_SECRET", purpose)?,
    );
    if let Some(root) = &config.api.twitter_api {
        let url = Url::parse(root)
            .with_context(|| format!("WATCHTIME_TWITTER_API_URL {root:?} is not a URL"))?;
        x = x.with_api_url(url);
    }
    TwitterClient::new(x).context("cannot set up the X client")
}

async fn mastodon() -> Result<MastodonClient> {
    let purpose = "posting to Mastodon";
    let base = secrets::required("MASTODON_BASE_URL", purpose)?;
    let token = secrets::required("MASTODON_ACCESS_TOKEN", purpose)?;
    let base = secrecy::ExposeSecret::expose_secret(&base).to_owned();
    // The client's errors name the instance's host; the URL itself is a secret.
    MastodonClient::connect(MastodonConfig::new(base, token))
        .await
        .context("cannot connect to the Mastodon instance of MASTODON_BASE_URL")
}

/// The Bluesky account of `BLUESKY_IDENTIFIER` and `BLUESKY_APP_PASSWORD` (or its `_FILE`) on
/// `BLUESKY_SERVICE_URL` (default `https://bsky.social`). Makes no request: the first post or
/// mention read logs in, or refreshes the session kept in the store.
fn bluesky(store: &DynStore) -> Result<BlueskyClient> {
    let purpose = "posting to Bluesky";
    let identifier = std::env::var("BLUESKY_IDENTIFIER")
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .with_context(|| {
            format!(
                "{purpose} needs BLUESKY_IDENTIFIER: the account's handle (watchtime.bsky.social) or DID"
            )
        })?;
    let password = secrets::required("BLUESKY_APP_PASSWORD", purpose)?;
    let service = std::env::var("BLUESKY_SERVICE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE_URL.to_owned());
    let kept: Arc<dyn watchtime_core::prelude::OutboxStore> = store.clone();
    BlueskyClient::new(BlueskyConfig::new(service, identifier, password), kept)
        .context("cannot set up the Bluesky client (BLUESKY_SERVICE_URL)")
}

/// Mastodon's notification stream, as the daemon's [`MentionPush`].
#[derive(Debug)]
struct MastodonPush(Arc<MastodonClient>);

#[async_trait]
impl MentionPush for MastodonPush {
    async fn subscribe(
        &self,
        idle_timeout: Duration,
    ) -> watchtime_core::Result<Box<dyn MentionFeed + '_>> {
        let stream = self.0.mention_stream(idle_timeout).await?;
        Ok(Box::new(MastodonFeed(stream)))
    }
}

#[derive(Debug)]
struct MastodonFeed<'a>(MentionStream<'a>);

#[async_trait]
impl MentionFeed for MastodonFeed<'_> {
    async fn next(&mut self) -> watchtime_core::Result<Option<Mention>> {
        Ok(self.0.next_mention().await?)
    }
}
