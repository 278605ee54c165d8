//! A custom publisher: the daily posts appended to a Markdown file instead of sent to X.
//!
//! ```sh
//! cargo run -p watchtime-examples --example custom_publisher [FILE]
//! ```
//!
//! A [`Publisher`] is a name, a text limit, an honest answer to "what does a repeat do?", and
//! one `post` method. Everything else (rankings, the draw, fitting the text to the limit, the
//! outbox that sends each post once) comes from `watchtime_core::bot`, whatever the publisher.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use tokio::io::AsyncWriteExt;
use watchtime_core::bot::{self, PostOutcome};
use watchtime_core::chrono::{DateTime, Duration, Utc};
use watchtime_core::message::{CountRule, PostKind, TextLimit};
use watchtime_core::ports::{Delivery, Post, PublishError, Publisher, Redelivery};
use watchtime_core::{
    Completeness, Day, Error, Game, GameId, MemoryStore, Settings, Snapshot, StreamSample,
    Streamer, StreamerId,
};

/// Appends each post to a Markdown file, one `##` section per post.
#[derive(Debug)]
pub struct MarkdownFile {
    path: PathBuf,
}

#[async_trait]
impl Publisher for MarkdownFile {
    /// Keys the outbox: this file gets its own set of daily posts, apart from X or Mastodon.
    fn platform(&self) -> &str {
        "markdown"
    }

    /// Posts are fitted to this before `post` sees them.
    fn text_limit(&self) -> TextLimit {
        TextLimit {
            max: 1000,
            rule: CountRule::Chars,
        }
    }

    /// Appending twice writes twice, so an append that may have happened is held, not repeated.
    fn redelivery(&self) -> Redelivery {
        Redelivery::Duplicates
    }

    fn takes_replies(&self) -> bool {
        false
    }

    /// Honest about delivery: `NotSent` only when nothing can have been written.
    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        let fail = |e| Error::backend("markdown file", e);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| PublishError::NotSent(fail(e)))?;
        let offset = file.metadata().await.map(|m| m.len()).unwrap_or(0);
        let section = format!("## {}\n\n{}\n\n", post.idempotency_key, post.text);
        let written = async {
            file.write_all(section.as_bytes()).await?;
            file.flush().await
        };
        written.await.map_err(|e| PublishError::Unknown(fail(e)))?;
        Ok(Delivery::Posted(format!("byte {offset}")))
    }
}

/// The day the example publishes.
pub const DAY: &str = "2026-11-25";

/// 48 half-hour snapshots of `day`: six channels in three games, audiences swinging by slot.
fn snapshots(day: Day, settings: &Settings) -> Vec<Snapshot> {
    let game = |id: &str, name: &str| Game {
        id: GameId::new(id),
        name: name.into(),
    };
    let channels = [
        ("1001", "Ada", game("509658", "Just Chatting"), 5_200),
        ("1002", "Brook", game("27471", "Minecraft"), 3_100),
        ("1003", "Cyd", game("27471", "Minecraft"), 2_400),
        ("1004", "Dorian", game("21779", "League of Legends"), 4_800),
        ("1005", "Emeka", game("21779", "League of Legends"), 900),
        ("1006", "Fumiko", game("509658", "Just Chatting"), 1_300),
    ];
    let start = settings.calendar.start_of(day);
    (0..48u32)
        .map(|slot| Snapshot {
            taken_at: start + Duration::minutes(i64::from(slot) * 30 + 1),
            completeness: Completeness::Complete,
            streams: channels
                .iter()
                .enumerate()
                .map(|(i, (id, name, game, base))| StreamSample {
                    streamer: Streamer {
                        id: StreamerId::new(*id),
                        login: name.to_lowercase(),
                        display_name: (*name).into(),
                    },
                    game: Some(game.clone()),
                    viewers: base + (slot * 97 + i as u32 * 311) % 700,
                })
                .collect(),
        })
        .collect()
}

/// Records the day, closes it, and publishes it to `path` twice: the second time sends nothing,
/// because the outbox remembers the first.
pub async fn run(path: &Path) -> anyhow::Result<[Vec<(PostKind, PostOutcome)>; 2]> {
    let store = MemoryStore::new();
    let settings = Settings::default();
    let day: Day = DAY.parse()?;
    let closed_at: DateTime<Utc> = settings.calendar.start_of(day.next()) + Duration::hours(1);
    for snapshot in snapshots(day, &settings) {
        bot::record(&store, snapshot, &settings, closed_at).await?;
    }
    bot::close_day(&store, &settings, day, closed_at).await?;

    // The one line that differs from the binary: which publisher.
    let publisher = MarkdownFile {
        path: path.to_owned(),
    };
    let now = closed_at + Duration::hours(5);
    let first = bot::publish_day(&store, &publisher, &settings, day, now).await?;
    let again = bot::publish_day(&store, &publisher, &settings, day, now).await?;
    Ok([first, again])
}

#[allow(dead_code)] // the test includes this file and calls `run`
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("watchtime-posts.md"));
    // A fresh file, as the in-memory outbox is fresh on every run.
    let _ = std::fs::remove_file(&path);
    let [first, again] = run(&path).await?;
    for (kind, outcome) in first.iter().chain(&again) {
        println!("{kind}: {outcome:?}");
    }
    println!(
        "\n{}:\n\n{}",
        path.display(),
        std::fs::read_to_string(&path)?
    );
    Ok(())
}
