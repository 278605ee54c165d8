//! `watchtime demo`: days of simulated Twitch on a virtual clock, through the real jobs and a
//! real SQLite store, ending with the daily posts, replies to sample mentions and, when the days
//! hold a full week, its weekly recap.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use watchtime_core::message::TextLimit;
use watchtime_core::ports::Mention;
use watchtime_core::prelude::*;
use watchtime_core::ranking::{RankingQuery, Subject};
use watchtime_core::recap::RecapKind;
use watchtime_core::time::ManualClock;
use watchtime_core::{Day, DayRange, Settings, bot};
use watchtime_sqlite::SqliteStore;

use super::parse_day;
use crate::cli::DemoArgs;
use crate::config::Config;
use crate::publish::ConsolePublisher;
use crate::sim::{ScriptedMentions, SimulatedTwitch};

pub async fn run(config: &Config, args: &DemoArgs) -> Result<()> {
    let started = Instant::now();
    let settings = config.settings;
    let first = match &args.from {
        Some(d) => parse_day(d)?,
        None => settings.calendar.day_of(config.now()).minus_days(2),
    };
    let last = first.plus_days(args.days - 1);
    let url = prepare_database(&args.db)?;
    let store = SqliteStore::connect(&url)
        .await
        .with_context(|| format!("cannot create the demo database {}", args.db))?;
    let start = settings.calendar.window(first).start;
    let clock = Arc::new(ManualClock::new(start));
    let twitch = SimulatedTwitch::new(args.seed, args.channels, clock.clone());
    let console = ConsolePublisher::new(TextLimit::X);

    outln!(
        "Simulating {} day(s) of Twitch, {first} to {last} (days start {:02}:00 {}), {} channels, seed {}.\n",
        args.days,
        settings.calendar.start_hour(),
        settings.calendar.zone().name(),
        args.channels,
        args.seed
    );
    // Run until the last day's posts are out.
    let end = settings.post_time(last);
    let mut slot = settings.slot_length.slot_of(start);
    let mut to_close: BTreeSet<Day> = DayRange::new(first, last)?.days().collect();
    let mut to_post = to_close.clone();
    let (mut snapshots, mut streams) = (0u64, 0u64);
    while slot.start() <= end {
        // Sweeps start a few seconds into their slot, as the daemon's do.
        clock.set(slot.start() + Duration::seconds(7));
        let collected = bot::collect(&twitch, &store, &settings, clock.now()).await?;
        snapshots += 1;
        streams += u64::from(collected.info.streams);
        let now = clock.now();
        if to_close
            .first()
            .is_some_and(|d| settings.close_time(*d) <= now)
        {
            for status in bot::close_finished_days(&store, &settings, now).await? {
                to_close.remove(&status.day);
                let totals = store.day_totals(status.day).await?.len();
                outln!(
                    "[{}] closed day {}: {} of {} snapshots, {totals} streamer-game totals\n",
                    local(&settings, now),
                    status.day,
                    status.slots_observed,
                    status.slots_expected
                );
            }
        }
        while let Some(day) = to_post
            .first()
            .copied()
            .filter(|d| settings.post_time(*d) <= now)
        {
            outln!("[{}] daily posts for {day}:\n", local(&settings, now));
            bot::publish_day(&store, &console, &settings, day, now).await?;
            to_post.remove(&day);
        }
        slot = settings.slot_length.next(slot);
    }

    let now = clock.now();
    outln!("[{}] answering sample mentions:\n", local(&settings, now));
    let mentions = ScriptedMentions::new("console", "0", sample_mentions(&store, last, now).await?);
    let round = bot::answer_round(&mentions, &console, &store, &settings, now).await?;
    // The last full week of the simulation, as Monday's recap would post it.
    let week = RecapKind::Week.last_ended_by(last);
    if week.from >= first {
        outln!(
            "[{}] weekly recap of {week}:\n",
            local(&settings, settings.post_time(week.to))
        );
        bot::publish_recap(&store, &console, &settings, RecapKind::Week, week, now).await?;
    } else {
        outln!(
            "(No full Monday-to-Sunday week in {} day(s), so no weekly recap; `--days 15` ends with one.)\n",
            args.days
        );
    }
    store.close().await;

    let elapsed = started.elapsed();
    outln!(
        "Done in {:.1} s: {snapshots} snapshots ({} streams each on average), {} days closed and posted, \
         {} mentions read, {} answered, {} how-to replies, {} skipped.",
        elapsed.as_secs_f64(),
        streams / snapshots.max(1),
        args.days,
        round.seen,
        round.answered,
        round.how_tos,
        round.skipped
    );
    if args.db != ":memory:" {
        outln!(
            "The data is in {db}. Explore it:\n  watchtime --database sqlite://{db} report --from {first} --to {last}\n  \
             watchtime --database sqlite://{db} ask \"game Minecraft\"",
            db = args.db
        );
    }
    Ok(())
}

/// A fresh database for every demo run, so its output depends only on its arguments.
fn prepare_database(db: &str) -> Result<String> {
    if db == ":memory:" {
        return Ok("sqlite::memory:".into());
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{db}{suffix}");
        if Path::new(&path).exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot replace the old demo database {path}"))?;
        }
    }
    Ok(format!("sqlite://{db}"))
}

fn local(settings: &Settings, t: DateTime<Utc>) -> String {
    t.with_timezone(&settings.calendar.zone())
        .format("%a %d %b %H:%M %Z")
        .to_string()
}

/// Questions people might ask, built from what the simulation produced: names that exist, a
/// typo, a window, a CJK name, and hostile or empty text.
async fn sample_mentions(store: &dyn Store, last: Day, now: DateTime<Utc>) -> Result<Vec<Mention>> {
    let range = DayRange::single(last);
    let games = store
        .rank(&RankingQuery {
            subject: Subject::TopGames,
            range,
            top: 50,
        })
        .await?;
    let streamers = store
        .rank(&RankingQuery {
            subject: Subject::TopStreamers,
            range,
            top: 300,
        })
        .await?;
    let top_game = games
        .first()
        .map(|g| g.name.clone())
        .unwrap_or_else(|| "Just Chatting".into());
    let accented = games
        .iter()
        .find(|g| !g.name.is_ascii())
        .map(|g| g.name.clone())
        .unwrap_or_else(|| top_game.clone());
    let typo = games
        .get(2)
        .map(|g| typo(&g.name))
        .unwrap_or_else(|| "minecarft".into());
    let top_streamer = streamers
        .first()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "nobody".into());
    let cjk = streamers
        .iter()
        .find(|s| s.name.chars().any(|c| c > '\u{2E80}'))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| top_streamer.clone());
    let questions = [
        ("alice", format!("@watchtime {top_game}")),
        (
            "bruno",
            format!("@watchtime @alice {}", accented.to_lowercase()),
        ),
        ("chen", format!("@watchtime streamer {top_streamer} week")),
        ("dana", format!("@watchtime {cjk}")),
        ("emil", format!("@watchtime {typo}")),
        ("fatima", format!("@watchtime game {top_game} today")),
        (
            "gus",
            "@watchtime Robert'); DROP TABLE samples;--".to_owned(),
        ),
        ("hana", "@watchtime".to_owned()),
        ("ivan", format!("@watchtime {}", "spam ".repeat(2_000))),
        (
            "watchtime",
            "@watchtime I am the bot talking to myself".to_owned(),
        ),
    ];
    Ok(questions
        .into_iter()
        .enumerate()
        .map(|(i, (who, text))| Mention {
            id: format!("{}", i + 1),
            author_id: if who == "watchtime" {
                "0".into()
            } else {
                format!("{}", 100 + i)
            },
            author_handle: who.to_owned(),
            text,
            created_at: now,
            reply_prefix: String::new(),
        })
        .collect())
}

/// The name with two neighbouring letters swapped, the most common typo.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.to_lowercase().chars().collect();
    if chars.len() > 4 {
        chars.swap(2, 3);
    }
    chars.into_iter().collect()
}
