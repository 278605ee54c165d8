//! The end-to-end scenarios of publishing: a day of data in a fresh SQLite file, the three
//! platform fakes, and the built `watchtime` run against them.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_core::outbox::{OutboxEntry, OutboxKey};
use watchtime_core::prelude::*;
use watchtime_core::time::ManualClock;
use watchtime_core::{DayCalendar, jsonl};
use watchtime_discord::fake::DiscordFake;
use watchtime_mastodon::fake::MastodonFake;
use watchtime_sqlite::SqliteStore;
use watchtime_twitter::fake::{self as x, XFake};

use super::exe::{self, Run};

/// The day every scenario publishes.
pub const DAY: &str = "2026-11-25";
/// "Now" for posting and answering: 14:30 in Los Angeles the day after [`DAY`].
pub const NOW: &str = "2026-11-26T22:30:00Z";

/// A temporary directory holding `watchtime.db` with [`DAY`] imported and closed.
pub struct Site {
    pub dir: tempfile::TempDir,
    env: BTreeMap<String, String>,
}

impl Run {
    /// The outcome lines of `post` ("<platform> <day> <kind>: <outcome>"), by (platform, kind).
    pub fn outcomes(&self) -> BTreeMap<(String, String), String> {
        self.stderr
            .lines()
            .filter_map(|line| {
                let (head, outcome) = line.split_once(": ")?;
                let [platform, day, kind] = head.split(' ').collect::<Vec<_>>()[..] else {
                    return None;
                };
                (day == DAY).then(|| ((platform.into(), kind.into()), outcome.into()))
            })
            .collect()
    }

    /// The outcome of one post, panicking with the output when it is missing.
    pub fn outcome(&self, platform: &str, kind: &str) -> String {
        self.outcomes()
            .remove(&(platform.to_owned(), kind.to_owned()))
            .unwrap_or_else(|| panic!("no outcome for {platform} {kind}: {self:#?}"))
    }
}

/// The three daily posts, in the order they go out.
pub const KINDS: [&str; 3] = ["top-games", "top-streamers", "spotlight"];

/// A day of simulated snapshots of [`DAY`] (48 slots, seed 7, 3,000 channels) as JSON Lines.
fn snapshot_file(dir: &Path) -> PathBuf {
    let start = DayCalendar::LOS_ANGELES_8AM.start_of(DAY.parse().unwrap());
    let clock = Arc::new(ManualClock::new(start));
    let sim = SimulatedTwitch::new(7, 3_000, clock);
    let lines: Vec<String> = (0..48)
        .map(|i| {
            let at = start + chrono::Duration::minutes(30 * i) + chrono::Duration::seconds(5);
            jsonl::to_line(&sim.snapshot_at(at, 0))
        })
        .collect();
    let path = dir.join("snapshots.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

impl Site {
    /// A fresh directory with [`DAY`] imported (and closed by the import) into `watchtime.db`.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot_file(dir.path());
        let mut site = Site {
            dir,
            env: BTreeMap::new(),
        };
        let import = site.run_blocking(
            &[("WATCHTIME_NOW", "2026-11-27T00:00:00Z")],
            &["import", file.to_str().unwrap()],
        );
        let import = import.ok();
        assert!(
            import
                .stdout
                .contains("closed 2026-11-25: 48 of 48 snapshots"),
            "{import:#?}"
        );
        site.set("WATCHTIME_NOW", NOW);
        site.set("RUST_LOG", "warn");
        site
    }

    /// Sets a variable for every later run.
    pub fn set(&mut self, var: &str, value: &str) {
        self.env.insert(var.to_owned(), value.to_owned());
    }

    /// Stops setting a variable.
    pub fn unset(&mut self, var: &str) {
        self.env.remove(var);
    }

    /// Configures X against `fake` (API root and the four credentials).
    pub fn x(&mut self, fake: &XFake) {
        self.set("WATCHTIME_TWITTER_API_URL", &fake.uri());
        self.set("TWITTER_CONSUMER_KEY", x::CONSUMER_KEY);
        self.set("TWITTER_CONSUMER_SECRET", x::CONSUMER_SECRET);
        self.set("TWITTER_ACCESS_TOKEN", x::ACCESS_TOKEN);
        self.set("TWITTER_ACCESS_TOKEN_SECRET", x::ACCESS_TOKEN_SECRET);
    }

    /// Configures Mastodon against `fake`.
    pub fn mastodon(&mut self, fake: &MastodonFake) {
        self.set("MASTODON_BASE_URL", &fake.uri());
        self.set("MASTODON_ACCESS_TOKEN", watchtime_mastodon::fake::TOKEN);
    }

    /// Configures Discord against `fake`.
    pub fn discord(&mut self, fake: &DiscordFake) {
        self.set("DISCORD_WEBHOOK_URL", &fake.webhook_url());
    }

    /// The command with this site's directory and variables, and nothing else the tests control.
    pub fn command(&self, extra_env: &[(&str, &str)], args: &[&str]) -> Command {
        let mut cmd = exe::command(self.dir.path());
        cmd.args(args);
        cmd.envs(&self.env);
        cmd.envs(extra_env.iter().copied());
        cmd
    }

    fn run_blocking(&self, extra_env: &[(&str, &str)], args: &[&str]) -> Run {
        Run::of(self.command(extra_env, args))
    }

    /// Runs `watchtime ARGS` to the end; the fakes keep serving from this test's runtime.
    pub async fn run(&self, extra_env: &[(&str, &str)], args: &[&str]) -> Run {
        Run::of_async(self.command(extra_env, args)).await
    }

    /// Starts `watchtime ARGS`, waits until `sent()` says the platform has the first post (the
    /// send happened, its answer is held by the fake), then kills the process: a crash between
    /// send and record.
    pub async fn run_killed_after(
        &self,
        extra_env: &[(&str, &str)],
        args: &[&str],
        sent: impl Fn() -> bool,
    ) -> Run {
        let mut child: Child = self
            .command(extra_env, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !sent() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the platform never received the post"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "the process ended before the platform received the post"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        child.kill().unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// The SQLite store of this site, opened beside the binary (WAL lets both read).
    pub async fn store(&self) -> SqliteStore {
        let url = format!(
            "sqlite://{}",
            self.dir.path().join("watchtime.db").display()
        );
        SqliteStore::connect(&url).await.unwrap()
    }

    /// The outbox entry of one daily post on one platform.
    pub async fn post_entry(&self, platform: &str, kind: &str) -> Option<OutboxEntry> {
        let key = OutboxKey {
            platform: platform.to_owned(),
            item: format!("post/{DAY}/{kind}"),
        };
        let store = self.store().await;
        let entry = store.outbox_entry(&key).await.unwrap();
        store.close().await;
        entry
    }
}

/// [`NOW`] moved by `minutes`, as RFC 3339.
pub fn now_plus(minutes: i64) -> String {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    (now + chrono::Duration::minutes(minutes)).to_rfc3339()
}
