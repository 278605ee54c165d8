//! `watchtime post [DAY] [--dry-run]`: the three daily posts, once per day and platform.

use anyhow::{Result, bail};
use watchtime_core::Day;
use watchtime_core::bot::{self, PostOutcome};

use super::parse_day;
use crate::cli::PostArgs;
use crate::config::Config;
use crate::wiring::{open_store, platforms};

pub async fn run(config: &Config, args: &PostArgs) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let now = config.now();
    let day = match &args.day {
        Some(d) => parse_day(d)?,
        None => config.settings.calendar.last_finished_day(now),
    };
    ensure_closed(store.as_ref(), day).await?;
    let platforms = platforms(config, &store).await?;
    let mut failures = 0;
    let mut refused = 0;
    for platform in &platforms {
        let publisher = &platform.publisher;
        if args.dry_run {
            let rankings = bot::day_rankings(store.as_ref(), &config.settings, day).await?;
            for (kind, text) in bot::post_texts(&rankings, publisher.as_ref()) {
                let limit = publisher.text_limit();
                match text {
                    Some(text) => outln!(
                        "── {} · {kind} · dry run ({}/{} {}) ──\n{text}\n",
                        publisher.platform(),
                        limit.count(&text),
                        limit.max,
                        limit.rule.unit_name()
                    ),
                    None => outln!(
                        "── {} · {kind} · nothing to post ──\n",
                        publisher.platform()
                    ),
                }
            }
            continue;
        }
        if args.release_held {
            for kind in bot::release_held(store.as_ref(), publisher.platform(), day, now).await? {
                errln!(
                    "{} {day} {kind}: released; sending it again",
                    publisher.platform()
                );
            }
        }
        let outcomes = bot::publish_day(
            store.as_ref(),
            publisher.as_ref(),
            &config.settings,
            day,
            now,
        )
        .await?;
        for (kind, outcome) in outcomes {
            let line = match &outcome {
                PostOutcome::Sent(id) => {
                    format!("sent (id {})", id.as_deref().unwrap_or("unknown"))
                }
                PostOutcome::AlreadySent => "already sent earlier; nothing sent".into(),
                PostOutcome::Held { sends } => format!(
                    "held: {sends} earlier send(s) may have gone out and {} would post a duplicate; \
                     check the account, and if the post is missing run `watchtime post {day} --release-held`",
                    publisher.platform()
                ),
                PostOutcome::Rejected(e) => {
                    refused += 1;
                    format!("refused, not sent and not retried: {e}")
                }
                PostOutcome::Failed(e) => {
                    failures += 1;
                    format!("failed, nothing sent, will retry: {e}")
                }
                PostOutcome::Uncertain(e) => {
                    failures += 1;
                    format!("may have been sent: {e}")
                }
                PostOutcome::NothingToSay => "nothing to post".into(),
            };
            errln!("{} {day} {kind}: {line}", publisher.platform());
        }
    }
    if failures > 0 {
        bail!("{failures} post(s) did not go out; run the command again to retry them");
    }
    if refused > 0 {
        bail!("{refused} post(s) were refused by the platform; they are not sent again");
    }
    Ok(())
}

/// Posts need a closed day: say how to close it rather than post an empty ranking.
async fn ensure_closed(store: &dyn watchtime_core::Store, day: Day) -> Result<()> {
    let statuses = store
        .day_statuses(watchtime_core::DayRange::single(day))
        .await?;
    if statuses.is_empty() {
        bail!(
            "day {day} is not closed; run `watchtime close-day {day}` first (the daemon does it at 08:05)"
        );
    }
    Ok(())
}
