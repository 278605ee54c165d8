//! The command line: every flag also reads an environment variable; a TOML file (`--config`)
//! fills what neither sets.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

/// Measure hours watched per Twitch streamer and game, post daily rankings, answer mentions.
#[derive(Debug, Parser)]
#[command(name = "watchtime", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings shared by every command. Unset values come from the config file, then defaults.
#[derive(Debug, Default, Args)]
pub struct GlobalArgs {
    /// TOML file with settings (flags and environment take precedence).
    #[arg(long, global = true, env = "WATCHTIME_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The store: `sqlite://FILE` (default `sqlite://watchtime.db`) or `postgres://…`; also read
    /// from the file named by DATABASE_URL_FILE. A secret when it holds a password: its value is
    /// never shown, here or in errors and logs.
    #[arg(
        long = "database",
        global = true,
        env = "DATABASE_URL",
        hide_env_values = true,
        value_name = "URL",
        value_parser = secret
    )]
    pub database_url: Option<SecretString>,

    /// IANA time zone of the day boundary and the post time [default: America/Los_Angeles].
    #[arg(long, global = true, env = "WATCHTIME_ZONE")]
    pub zone: Option<String>,

    /// Local hour at which a day starts [default: 8].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_DAY_START_HOUR",
        value_name = "HOUR"
    )]
    pub day_start_hour: Option<u32>,

    /// Collection interval in minutes; must divide 60 [default: 30].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_SLOT_MINUTES",
        value_name = "MINUTES"
    )]
    pub slot_minutes: Option<u32>,

    /// Streams need more viewers than this to count [default: 50].
    #[arg(long, global = true, env = "WATCHTIME_MIN_VIEWERS", value_name = "N")]
    pub min_viewers: Option<u32>,

    /// Entries per ranking in posts and replies [default: 5].
    #[arg(long, global = true, env = "WATCHTIME_TOP", value_name = "N")]
    pub top: Option<usize>,

    /// Days of raw samples to keep; daily totals are kept forever [default: 35].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_RETENTION_DAYS",
        value_name = "DAYS"
    )]
    pub retention_days: Option<u32>,

    /// Local hour of the daily posts [default: 14].
    #[arg(long, global = true, env = "WATCHTIME_POST_HOUR", value_name = "HOUR")]
    pub post_hour: Option<u32>,

    /// Answers one author may get per hour [default: 3].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_REPLIES_PER_AUTHOR",
        value_name = "N"
    )]
    pub replies_per_author: Option<u32>,

    /// Mentions older than this many hours are not answered [default: 24].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_MAX_MENTION_AGE_HOURS",
        value_name = "HOURS"
    )]
    pub max_mention_age_hours: Option<u32>,

    /// Where posts go: `console`, `twitter`, `mastodon`, `discord`, `bluesky`, or several, comma separated
    /// [default: console].
    #[arg(long, global = true, env = "WATCHTIME_PUBLISHER", value_name = "LIST")]
    pub publisher: Option<String>,

    /// Which recaps are posted besides the daily posts: `week` (Mondays, the week before),
    /// `month` (the 1st, the month before), `week,month`, or `none` [default: week,month].
    #[arg(long, global = true, env = "WATCHTIME_RECAPS", value_name = "LIST")]
    pub recaps: Option<String>,

    /// Attach a chart (PNG, with alt text) to each daily post on the platforms that take
    /// images: `true` or `false` [default: true].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_IMAGES",
        value_name = "BOOL",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub images: Option<bool>,

    /// The bot's name on every chart image, e.g. `@watchtime@example.social` [default:
    /// watchtime].
    #[arg(long, global = true, env = "WATCHTIME_BRAND", value_name = "NAME")]
    pub brand: Option<String>,

    /// Log format [default: human].
    #[arg(long, global = true, env = "WATCHTIME_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,

    /// Root of the Twitch Helix API [default: https://api.twitch.tv/helix].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_TWITCH_API_URL",
        value_name = "URL"
    )]
    pub twitch_api_url: Option<String>,

    /// Root of the Twitch OAuth API [default: https://id.twitch.tv/oauth2].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_TWITCH_AUTH_URL",
        value_name = "URL"
    )]
    pub twitch_auth_url: Option<String>,

    /// Root of the X API [default: https://api.x.com].
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_TWITTER_API_URL",
        value_name = "URL"
    )]
    pub twitter_api_url: Option<String>,

    /// Pretend the current time is this RFC 3339 instant (for replaying and testing).
    #[arg(
        long,
        global = true,
        env = "WATCHTIME_NOW",
        value_name = "TIME",
        hide = true
    )]
    pub now: Option<String>,
}

/// A flag value that is a secret: kept as a [`SecretString`] from the moment it is parsed.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

/// How log lines are written (to standard error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    Human,
    /// One JSON object per event, for log collectors.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate days of Twitch on a virtual clock into a fresh SQLite file; print the daily posts
    /// and the replies to sample mentions. Needs no credentials and no network.
    Demo(DemoArgs),
    /// Load snapshots from JSON Lines files (the `collect --save` format); `-` reads stdin.
    Import(ImportArgs),
    /// Roll a day up into daily totals (default: the last finished day). Safe to re-run.
    CloseDay(CloseDayArgs),
    /// Publish a day's three posts (default: yesterday) on each configured publisher, at most
    /// once per day and platform.
    Post(PostArgs),
    /// Answer a question as a mention would be answered, and print the reply.
    Ask(AskArgs),
    /// Rankings for a day or a range, as a table or JSON.
    Report(ReportArgs),
    /// Draw a day's chart (a daily post's image) to a PNG or SVG file.
    Chart(ChartArgs),
    /// The daemon: collect every slot, close days, post daily, answer mentions, until SIGTERM.
    Run(RunArgs),
    /// Take one snapshot of live Twitch streams now and store it.
    Collect(CollectArgs),
    /// One round of answering: read new mentions on each configured platform, reply to each
    /// at most once; with `--follow`, keep answering as mentions arrive until SIGINT/SIGTERM.
    Answer(AnswerArgs),
    /// Serve the pages and the JSON API (read only) until SIGTERM.
    Serve(ServeArgs),
    /// Apply the store's migrations.
    Migrate,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (the address is printed).
    #[arg(
        long,
        env = "WATCHTIME_WEB_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: std::net::SocketAddr,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Serve the pages, the JSON API, /healthz and /metrics on this address (e.g. 0.0.0.0:9000);
    /// off by default.
    #[arg(long, env = "WATCHTIME_LISTEN", value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    #[command(flatten)]
    pub mentions: MentionArgs,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// Keep running: answer mentions as they arrive (streamed where the platform pushes them,
    /// polled elsewhere), as the daemon does, until SIGINT or SIGTERM.
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub mentions: MentionArgs,
}

/// How the long-running commands (`run`, `answer --follow`) read mentions.
#[derive(Debug, Args)]
pub struct MentionArgs {
    /// Seconds between mention rounds (platforms without mentions are not asked); while a
    /// mention stream is connected, between the REST backfills that catch what it missed.
    #[arg(
        long,
        env = "WATCHTIME_MENTION_INTERVAL",
        default_value_t = 60,
        value_name = "SECONDS"
    )]
    pub mention_interval: u32,
    /// Subscribe to the platforms that push mentions as they happen (Mastodon's streaming API);
    /// `false` polls them like the others.
    #[arg(
        long,
        env = "WATCHTIME_MENTION_STREAM",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub mention_stream: bool,
    /// Seconds without a byte from a mention stream (Mastodon sends a heartbeat every 15) after
    /// which it counts as dead and is reconnected.
    #[arg(
        long,
        env = "WATCHTIME_MENTION_STREAM_IDLE",
        default_value_t = 60,
        value_name = "SECONDS"
    )]
    pub mention_stream_idle: u32,
    /// Seconds between reads of Bluesky's mentions, which it does not push (at least 1; its
    /// limits allow thousands of reads an hour).
    #[arg(
        long,
        env = "WATCHTIME_BLUESKY_MENTION_INTERVAL",
        default_value_t = crate::wiring::BLUESKY_POLL_SECONDS,
        value_name = "SECONDS"
    )]
    pub bluesky_mention_interval: u32,
}

impl MentionArgs {
    /// The interval between rounds, at least 10 s.
    pub fn interval(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.mention_interval.max(10)))
    }

    /// The interval between reads of Bluesky's mentions, at least 1 s.
    pub fn bluesky_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.bluesky_mention_interval.max(1)))
    }

    /// Whether and how streams are used.
    pub fn stream(&self) -> crate::daemon::StreamSettings {
        crate::daemon::StreamSettings {
            enabled: self.mention_stream,
            idle_timeout: std::time::Duration::from_secs(u64::from(
                self.mention_stream_idle.max(1),
            )),
        }
    }
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Also append the snapshot to this JSON Lines file (the `import` format).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Sweep and print the summary, but store nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Days to simulate (up to 62: a month and the month before it, for a monthly recap's
    /// comparison). Runs holding a full Monday-to-Sunday week end with its weekly recap.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=62))]
    pub days: u32,
    /// The first simulated day (YYYY-MM-DD) [default: the day before yesterday].
    #[arg(long, value_name = "DAY")]
    pub from: Option<String>,
    /// Seed of the simulation: the same seed and days give the same output.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// SQLite file to (re)create for the demo; `:memory:` keeps nothing.
    #[arg(long, default_value = "watchtime-demo.db", value_name = "FILE")]
    pub db: String,
    /// Channels in the simulated population (with 40,000, about 5,000 streams are over 50 viewers
    /// at the evening peak, as on Twitch).
    #[arg(long, default_value_t = 40_000)]
    pub channels: u32,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON Lines files (one snapshot a line), or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Do not close the finished days the import touched (by default they are closed, so the
    /// daemon's retention never prunes samples of a day without totals).
    #[arg(long)]
    pub no_close: bool,
}

#[derive(Debug, Args)]
pub struct CloseDayArgs {
    /// The day (YYYY-MM-DD); default: the last finished day.
    pub day: Option<String>,
}

#[derive(Debug, Args)]
pub struct PostArgs {
    /// The day (YYYY-MM-DD); default: yesterday.
    #[arg(conflicts_with = "recap")]
    pub day: Option<String>,
    /// Post a recap instead of the daily posts: `week` or `month`. Sent even when
    /// WATCHTIME_RECAPS leaves it out of the daemon's schedule.
    #[arg(long, value_name = "KIND", value_parser = ["week", "month"])]
    pub recap: Option<String>,
    /// With --recap, a day (YYYY-MM-DD) of the week or month to recap; default: the last
    /// one that ended by yesterday.
    #[arg(long = "for", requires = "recap", value_name = "DAY")]
    pub recap_for: Option<String>,
    /// Print the posts as each publisher would get them; send and record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run, write the images the posts would carry into this folder.
    #[arg(
        long,
        requires = "dry_run",
        default_value = "watchtime-dry-run",
        value_name = "DIR"
    )]
    pub image_dir: PathBuf,
    /// Send posts that are held (an attempt may have gone out on a platform without idempotency,
    /// e.g. Discord) after you have checked the platform and seen they are missing.
    #[arg(long, conflicts_with = "dry_run")]
    pub release_held: bool,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The day (YYYY-MM-DD); default: yesterday.
    pub day: Option<String>,
    /// What to chart: the top games, the top streamers, or the spotlight (the day's drawn game
    /// and its top streamers, as in the posts).
    #[arg(long, value_enum, default_value_t = Subject::Games)]
    pub subject: Subject,
    /// The file to write: `.png` (1200×675, as posted) or `.svg`.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// What a chart shows: one of the daily posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Subject {
    /// The day's top games.
    Games,
    /// The day's top streamers.
    Streamers,
    /// The top streamers of the day's drawn game.
    Spotlight,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, e.g. `Minecraft`, `game Elden Ring week`, `streamer shroud 30d`.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub query: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// One day (YYYY-MM-DD); default: yesterday.
    #[arg(conflicts_with_all = ["from", "to"])]
    pub day: Option<String>,
    /// First day of a range.
    #[arg(long, requires = "to", value_name = "DAY")]
    pub from: Option<String>,
    /// Last day of a range (included).
    #[arg(long, requires = "from", value_name = "DAY")]
    pub to: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Entries per ranking.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Rank the streamers of this game instead.
    #[arg(long, conflicts_with = "streamer", value_name = "NAME")]
    pub game: Option<String>,
    /// Rank the games of this streamer instead.
    #[arg(long, value_name = "NAME")]
    pub streamer: Option<String>,
}
