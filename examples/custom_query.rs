//! Library use of a store: a question the bot does not ask, and one it does.
//!
//! ```sh
//! cargo run -p watchtime-examples --example custom_query
//! ```
//!
//! Opens the embedded SQLite store (in memory here; `SqliteStore::connect("sqlite://file.db")`
//! for a file), records a week of snapshots, closes the days, then asks with
//! [`Store::rank`](watchtime_core::Store::rank): who were the top streamers of Minecraft over
//! the week, and what share of the game's watch time did each have? Last, a free-text question
//! answered as a mention would be, with `bot::answer_text`.

use watchtime_core::bot;
use watchtime_core::chrono::{DateTime, Duration, Utc};
use watchtime_core::message::{TextLimit, reply_text};
use watchtime_core::prelude::*;
use watchtime_core::ranking::{RankingQuery, Subject};
use watchtime_core::{
    Completeness, Day, DayRange, Game, GameId, Settings, Snapshot, StreamSample, Streamer,
    StreamerId,
};
use watchtime_sqlite::SqliteStore;

/// The last day of the week asked about.
pub const LAST_DAY: &str = "2026-11-25";
/// Minecraft's Twitch category id.
const MINECRAFT: &str = "27471";

/// One streamer's line of the answer.
#[derive(Debug, PartialEq)]
pub struct Share {
    /// The streamer's name.
    pub name: String,
    /// Hours watched in the game over the week.
    pub hours: f64,
    /// Percent of the game's watch time over the week.
    pub percent: f64,
}

/// Four snapshots a day for the seven days up to `last`: Minecraft streamers whose audience
/// grows or shrinks through the week, and one Just Chatting channel.
fn week(last: Day, settings: &Settings) -> Vec<Snapshot> {
    let minecraft = Game {
        id: GameId::new(MINECRAFT),
        name: "Minecraft".into(),
    };
    let chatting = Game {
        id: GameId::new("509658"),
        name: "Just Chatting".into(),
    };
    let channels = [
        ("2001", "Brook", &minecraft, 3_000, 150i64),
        ("2002", "Cyd", &minecraft, 1_000, 400),
        ("2003", "Wren", &minecraft, 2_500, -300),
        ("2004", "Ada", &chatting, 6_000, 0),
    ];
    let mut out = Vec::new();
    for d in 0..7u32 {
        let day = last.minus_days(6 - d);
        let start = settings.calendar.start_of(day);
        for hour in [2, 8, 12, 18] {
            out.push(Snapshot {
                taken_at: start + Duration::hours(hour),
                completeness: Completeness::Complete,
                streams: channels
                    .iter()
                    .map(|(id, name, game, base, trend)| StreamSample {
                        streamer: Streamer {
                            id: StreamerId::new(*id),
                            login: name.to_lowercase(),
                            display_name: (*name).into(),
                        },
                        game: Some((*game).clone()),
                        viewers: u32::try_from(base + trend * i64::from(d)).unwrap_or(0),
                    })
                    .collect(),
            });
        }
    }
    out
}

/// Seeds the store, then ranks Minecraft's streamers over the week with their shares, and
/// answers "minecraft week" as the bot would.
pub async fn run() -> anyhow::Result<(Vec<Share>, String)> {
    let store = SqliteStore::in_memory().await?;
    let settings = Settings::default();
    let last: Day = LAST_DAY.parse()?;
    let now: DateTime<Utc> = settings.calendar.start_of(last.next()) + Duration::hours(6);
    for snapshot in week(last, &settings) {
        bot::record(&store, snapshot, &settings, now).await?;
    }
    bot::close_finished_days(&store, &settings, now).await?;

    // The custom question: every Minecraft streamer over the week, and the game's total.
    let range = DayRange::ending(last, 7);
    let streamers = store
        .rank(&RankingQuery {
            subject: Subject::StreamersOf(GameId::new(MINECRAFT)),
            range,
            top: usize::MAX,
        })
        .await?;
    let game_total: u64 = streamers.iter().map(|e| e.totals.viewer_minutes).sum();
    let shares = streamers
        .iter()
        .map(|e| Share {
            name: e.name.clone(),
            hours: e.totals.viewer_minutes as f64 / 60.0,
            percent: 100.0 * e.totals.viewer_minutes as f64 / game_total.max(1) as f64,
        })
        .collect();

    // The bot's own question, in free text, as a mention would ask it.
    let answer = bot::answer_text(&store, &settings, "@watchtime minecraft week", now).await?;
    let reply = reply_text(&answer, "@you ", &TextLimit::MASTODON_DEFAULT);
    store.close().await;
    Ok((shares, reply))
}

/// The shares as a table, one streamer a line.
pub fn table(shares: &[Share]) -> String {
    let lines: Vec<String> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rank = i + 1;
            format!(
                "{rank}. {:<8} {:>8.1} h {:>5.1} %",
                s.name, s.hours, s.percent
            )
        })
        .collect();
    lines.join("\n")
}

#[allow(dead_code)] // the test includes this file and calls `run`
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let (shares, reply) = run().await?;
    println!("Minecraft, the week to {LAST_DAY}:\n{}", table(&shares));
    println!("\nAsked \"minecraft week\", the bot replies:\n{reply}");
    Ok(())
}
