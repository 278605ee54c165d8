//! Settings: flags, then environment (both through clap), then the TOML file, then defaults.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use watchtime_core::{DayCalendar, Settings, SlotLength};

use crate::cli::{GlobalArgs, LogFormat};

/// The bot's name on charts unless `WATCHTIME_BRAND` says otherwise.
pub const DEFAULT_BRAND: &str = "watchtime";

/// The default store: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://watchtime.db";

/// The keys a config file may hold, all optional. Unknown keys are an error, so a typo is not
/// silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    zone: Option<String>,
    day_start_hour: Option<u32>,
    slot_minutes: Option<u32>,
    min_viewers: Option<u32>,
    top: Option<usize>,
    retention_days: Option<u32>,
    post_hour: Option<u32>,
    publisher: Option<String>,
    replies_per_author: Option<u32>,
    max_mention_age_hours: Option<u32>,
    log_format: Option<LogFormat>,
    images: Option<bool>,
    recaps: Option<String>,
    brand: Option<String>,
    twitch_api_url: Option<String>,
    twitch_auth_url: Option<String>,
    twitter_api_url: Option<String>,
}

/// Where posts go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublisherKind {
    /// Standard output (counted like X). Reads no mentions.
    Console,
    /// X (Twitter) API v2: posts and mentions.
    Twitter,
    /// A Mastodon account: posts and mentions.
    Mastodon,
    /// A Discord webhook: posts only.
    Discord,
    /// A Bluesky account: posts and mentions.
    Bluesky,
}

impl PublisherKind {
    fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "console" => Ok(PublisherKind::Console),
            "twitter" | "x" => Ok(PublisherKind::Twitter),
            "mastodon" => Ok(PublisherKind::Mastodon),
            "discord" => Ok(PublisherKind::Discord),
            "bluesky" | "bsky" => Ok(PublisherKind::Bluesky),
            other => {
                bail!(
                    "unknown publisher {other:?}; use console, twitter, mastodon, discord or bluesky"
                )
            }
        }
    }
}

/// API roots, overridable for tests and proxies.
#[derive(Clone, Debug)]
pub struct ApiRoots {
    /// Helix, default `https://api.twitch.tv/helix`.
    pub twitch_api: Option<String>,
    /// Twitch OAuth, default `https://id.twitch.tv/oauth2`.
    pub twitch_auth: Option<String>,
    /// X API, default `https://api.x.com`.
    pub twitter_api: Option<String>,
}

/// The store's URL. It may hold a password (`user:password@`, `?password=`), so it is kept as a
/// secret: `Display` and `Debug` show it redacted, and only [`DatabaseUrl::expose`] gives the
/// whole text, to the store that connects with it.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    /// The URL as given, for connecting. Never print it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        DatabaseUrl(SecretString::from(url))
    }
}

impl From<SecretString> for DatabaseUrl {
    fn from(url: SecretString) -> Self {
        DatabaseUrl(url)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&watchtime_postgres::redact_url(self.expose()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Everything a command needs to know, resolved.
#[derive(Debug)]
pub struct Config {
    /// The store URL; prints redacted.
    pub database_url: DatabaseUrl,
    /// The counting and scheduling rules.
    pub settings: Settings,
    /// Publishers in the order given.
    pub publishers: Vec<PublisherKind>,
    /// Log format.
    pub log_format: LogFormat,
    /// Whether daily posts carry their chart.
    pub images: bool,
    /// The bot's name on the charts.
    pub brand: String,
    /// A pretend "now" (hidden `--now`), for replays and tests.
    pub now: Option<DateTime<Utc>>,
    /// API roots.
    pub api: ApiRoots,
}

impl Config {
    /// Resolves the global arguments against the config file and defaults.
    pub fn resolve(args: &GlobalArgs) -> Result<Config> {
        let file = match &args.config {
            Some(path) => load_file(path)?,
            None => FileConfig::default(),
        };
        let zone = args
            .zone
            .clone()
            .or(file.zone)
            .unwrap_or_else(|| "America/Los_Angeles".into());
        let tz = DayCalendar::parse_zone(&zone).context("WATCHTIME_ZONE / --zone / zone")?;
        let start_hour = args.day_start_hour.or(file.day_start_hour).unwrap_or(8);
        let calendar = DayCalendar::new(tz, start_hour)
            .context("WATCHTIME_DAY_START_HOUR / --day-start-hour")?;
        let slot_length =
            SlotLength::from_minutes(args.slot_minutes.or(file.slot_minutes).unwrap_or(30))
                .context("WATCHTIME_SLOT_MINUTES / --slot-minutes")?;
        let post_hour = args.post_hour.or(file.post_hour).unwrap_or(14);
        if post_hour > 23 {
            bail!("post hour must be 0 to 23, got {post_hour} (WATCHTIME_POST_HOUR / --post-hour)");
        }
        let defaults = Settings::default();
        let top = args.top.or(file.top).unwrap_or(defaults.top);
        if top == 0 || top > 25 {
            bail!("top must be 1 to 25, got {top} (WATCHTIME_TOP / --top)");
        }
        let recaps = match args.recaps.as_deref().or(file.recaps.as_deref()) {
            Some(list) => list
                .parse()
                .context("WATCHTIME_RECAPS / --recaps / recaps")?,
            None => defaults.recaps,
        };
        let settings = Settings {
            recaps,
            slot_length,
            calendar,
            min_viewers: args
                .min_viewers
                .or(file.min_viewers)
                .unwrap_or(defaults.min_viewers),
            top,
            retention_days: args
                .retention_days
                .or(file.retention_days)
                .unwrap_or(defaults.retention_days),
            post_hour,
            replies_per_author_per_hour: args
                .replies_per_author
                .or(file.replies_per_author)
                .unwrap_or(defaults.replies_per_author_per_hour),
            max_mention_age_hours: args
                .max_mention_age_hours
                .or(file.max_mention_age_hours)
                .unwrap_or(defaults.max_mention_age_hours),
            ..defaults
        };
        let publisher_list = args
            .publisher
            .clone()
            .or(file.publisher)
            .unwrap_or_else(|| "console".into());
        let mut publishers = Vec::new();
        for name in publisher_list.split(',').filter(|s| !s.trim().is_empty()) {
            let kind = PublisherKind::parse(name).context("WATCHTIME_PUBLISHER / --publisher")?;
            if !publishers.contains(&kind) {
                publishers.push(kind);
            }
        }
        if publishers.is_empty() {
            bail!("no publisher configured; set WATCHTIME_PUBLISHER, e.g. console");
        }
        let now = match &args.now {
            Some(t) => Some(
                DateTime::parse_from_rfc3339(t)
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        // A URL with a password is a secret: it may also come from a file (DATABASE_URL_FILE),
        // and DATABASE_URL beside DATABASE_URL_FILE is ambiguous, as for every secret. clap has
        // read DATABASE_URL into the flag's value already, so the environment is checked first.
        let from_environment = crate::secrets::optional("DATABASE_URL")?;
        let database_url = match args
            .database_url
            .clone()
            .filter(|u| !u.expose_secret().is_empty())
            .or(from_environment)
        {
            Some(url) => DatabaseUrl::from(url),
            None => DatabaseUrl::from(file.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)),
        };
        Ok(Config {
            database_url,
            settings,
            publishers,
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Human),
            images: args.images.or(file.images).unwrap_or(true),
            brand: args
                .brand
                .clone()
                .or(file.brand)
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BRAND.to_owned()),
            now,
            api: ApiRoots {
                twitch_api: args.twitch_api_url.clone().or(file.twitch_api_url),
                twitch_auth: args.twitch_auth_url.clone().or(file.twitch_auth_url),
                twitter_api: args.twitter_api_url.clone().or(file.twitter_api_url),
            },
        })
    }

    /// The current instant: the real one, or the pretend one.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

fn load_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_url_prints_redacted() {
        let url =
            DatabaseUrl::from("postgres://bot:s3cret@db/wt?sslpassword=s3cret&sslmode=require");
        let want = "postgres://bot:***@db/wt?sslpassword=***&sslmode=require";
        assert_eq!(url.to_string(), want);
        assert_eq!(format!("{url:?}"), format!("DatabaseUrl({want})"));
        let config = Config::resolve(&GlobalArgs {
            database_url: Some(SecretString::from("postgres://bot:s3cret@db/wt")),
            ..GlobalArgs::default()
        })
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("postgres://bot:***@db/wt"), "{debug}");
    }

    #[test]
    fn precedence_and_validation() {
        use watchtime_core::recap::{RecapKind, Recaps};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.toml");
        std::fs::write(&path, "zone = \"Europe/Berlin\"\ntop = 3\npost_hour = 12\n").unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            top: Some(7),
            ..GlobalArgs::default()
        };
        let c = Config::resolve(&args).unwrap();
        assert_eq!(c.settings.top, 7, "a flag beats the file");
        assert_eq!(c.settings.post_hour, 12, "the file beats the default");
        assert_eq!(
            c.settings.calendar.zone(),
            DayCalendar::parse_zone("Europe/Berlin").unwrap()
        );
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE_URL);

        std::fs::write(&path, "zone = \"Europe/Berlin\"\ntpo = 3\n").unwrap();
        let err = format!("{:#}", Config::resolve(&args).unwrap_err());
        assert!(err.contains("not valid") && err.contains("tpo"), "{err}");
        std::fs::write(&path, "zone = [").unwrap();
        assert!(Config::resolve(&args).is_err());

        std::fs::write(&path, "images = false\nbrand = \"@bot@example.social\"\n").unwrap();
        let file_only = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let c = Config::resolve(&file_only).unwrap();
        assert!(!c.images, "the file turns images off");
        assert_eq!(c.brand, "@bot@example.social");
        let c = Config::resolve(&GlobalArgs {
            images: Some(true),
            ..file_only
        })
        .unwrap();
        assert!(c.images, "WATCHTIME_IMAGES / --images beats the file");
        let c = Config::resolve(&GlobalArgs::default()).unwrap();
        assert!(c.images, "images are on by default");
        assert_eq!(
            c.settings.recaps,
            Recaps::default(),
            "both recaps by default"
        );
        std::fs::write(&path, "recaps = \"none\"\n").unwrap();
        let recaps_file = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let c = Config::resolve(&recaps_file).unwrap();
        assert_eq!(c.settings.recaps, Recaps::NONE, "the file turns recaps off");
        let c = Config::resolve(&GlobalArgs {
            recaps: Some("month".into()),
            ..recaps_file
        })
        .unwrap();
        assert_eq!(
            c.settings.recaps.kinds().collect::<Vec<_>>(),
            [RecapKind::Month]
        );
        let err = Config::resolve(&GlobalArgs {
            recaps: Some("weekly".into()),
            ..GlobalArgs::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("WATCHTIME_RECAPS"), "{err:#}");
        assert_eq!(c.brand, DEFAULT_BRAND);

        let bad = GlobalArgs {
            slot_minutes: Some(7),
            ..GlobalArgs::default()
        };
        assert!(format!("{:#}", Config::resolve(&bad).unwrap_err()).contains("divide 60"));
    }
}
