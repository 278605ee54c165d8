//! `watchtime import FILE…`: load snapshots from JSON Lines.
//!
//! A bad line (not JSON, not a snapshot, dated before 2011 or more than a day ahead, or a
//! snapshot whose span overlaps a stored one of another slot length) is reported with its file
//! and line number and skipped; the good lines load. A stream whose id is
//! not a Twitch id is dropped with a line saying so; the rest of its snapshot loads. Each
//! snapshot is committed on its own, so an interrupted import keeps what it loaded and a re-run
//! replaces rather than doubles (one snapshot per slot).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};
use watchtime_core::{Day, ErrorChain, bot, jsonl};

use crate::cli::ImportArgs;
use crate::config::Config;
use crate::wiring::open_store;

#[derive(Default)]
struct Tally {
    snapshots: u64,
    kept: u64,
    below_threshold: u64,
    duplicates: u64,
    malformed_ids: u64,
    bad_lines: u64,
    days: BTreeSet<Day>,
}

pub async fn run(config: &Config, args: &ImportArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let now = config.now();
    let mut tally = Tally::default();
    for path in &args.files {
        let reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            Box::new(BufReader::new(file))
        };
        for (index, bytes) in reader.split(b'\n').enumerate() {
            let line_no = index + 1;
            let bytes = bytes
                .with_context(|| format!("cannot read {} at line {line_no}", path.display()))?;
            let parsed = String::from_utf8(bytes)
                .map_err(|_| watchtime_core::Error::invalid("not UTF-8 text"))
                .and_then(|line| {
                    if line.trim().is_empty() {
                        return Ok(None);
                    }
                    let snapshot = jsonl::parse_line(&line)?;
                    snapshot.check_taken_at(now)?;
                    Ok(Some(snapshot))
                });
            let snapshot = match parsed {
                Ok(Some(s)) => s,
                Ok(None) => continue,
                Err(e) => {
                    errln!("{}:{line_no}: skipped: {}", path.display(), ErrorChain(&e));
                    tally.bad_lines += 1;
                    continue;
                }
            };
            let collected = match bot::record(store.as_ref(), snapshot, &config.settings, now).await
            {
                Ok(collected) => collected,
                // The store refused this snapshot (it overlaps one of another slot length): a
                // bad line like any other.
                Err(e @ watchtime_core::Error::InvalidInput { .. }) => {
                    errln!("{}:{line_no}: skipped: {}", path.display(), ErrorChain(&e));
                    tally.bad_lines += 1;
                    continue;
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("storing the snapshot of {}:{line_no}", path.display())
                    });
                }
            };
            let malformed = collected.report.malformed_ids;
            if malformed > 0 {
                errln!(
                    "{}:{line_no}: {malformed} stream(s) dropped: a user_id or game_id that is not \
                     a Twitch id (ASCII digits)",
                    path.display()
                );
            }
            tally.malformed_ids += malformed as u64;
            tally.snapshots += 1;
            tally.kept += collected.report.kept as u64;
            tally.below_threshold += collected.report.below_threshold as u64;
            tally.duplicates += collected.report.duplicates as u64;
            tally
                .days
                .insert(config.settings.calendar.day_of_slot(collected.info.slot));
        }
    }
    let malformed = match tally.malformed_ids {
        0 => String::new(),
        n => format!(", {n} with a malformed id dropped"),
    };
    outln!(
        "imported {} snapshots ({} streams kept, {} at or below {} viewers, {} duplicates dropped{malformed}); {} bad lines skipped",
        tally.snapshots,
        tally.kept,
        tally.below_threshold,
        config.settings.min_viewers,
        tally.duplicates,
        tally.bad_lines
    );
    if !args.no_close {
        for day in tally
            .days
            .iter()
            .filter(|d| config.settings.close_time(**d) <= now)
        {
            let status = bot::close_day(store.as_ref(), &config.settings, *day, now).await?;
            outln!(
                "closed {day}: {} of {} snapshots",
                status.slots_observed,
                status.slots_expected
            );
        }
    }
    if tally.snapshots == 0 && tally.bad_lines > 0 {
        bail!("no snapshot could be read");
    }
    Ok(())
}
