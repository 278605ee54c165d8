//! `watchtime post [DAY] [--dry-run]`: the three daily posts, once per day and platform, each
//! with its chart where the platform takes images; `watchtime post --recap week|month [--for
//! DAY] [--dry-run]`: a weekly or monthly recap, once per platform.

use anyhow::{Context, Result, bail};
use watchtime_core::bot::{self, PostOutcome};
use watchtime_core::message::DayRankings;
use watchtime_core::recap::RecapKind;
use watchtime_core::{Day, PostImages, Publisher};

use super::{ensure_closed, parse_day};
use crate::charts::post_images;
use crate::cli::PostArgs;
use crate::config::Config;
use crate::wiring::{open_store, platforms};

pub async fn run(config: &Config, args: &PostArgs) -> Result<()> {
    if let Some(kind) = &args.recap {
        return recap(config, args, kind.parse()?).await;
    }
    let store = open_store(&config.database_url).await?;
    let now = config.now();
    let day = match &args.day {
        Some(d) => parse_day(d)?,
        None => config.settings.calendar.last_finished_day(now),
    };
    ensure_closed(store.as_ref(), day).await?;
    let platforms = platforms(config, &store).await?;
    let images = post_images(config);
    let mut failures = 0;
    let mut refused = 0;
    for platform in &platforms {
        let publisher = &platform.publisher;
        if args.dry_run {
            let rankings = bot::day_rankings(store.as_ref(), &config.settings, day).await?;
            dry_run(args, publisher.as_ref(), images.as_deref(), &rankings).await?;
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
        let outcomes = bot::publish_day_with_images(
            store.as_ref(),
            publisher.as_ref(),
            images.as_deref(),
            &config.settings,
            day,
            now,
        )
        .await?;
        for (kind, outcome) in outcomes {
            let line = describe(
                &outcome,
                &mut failures,
                &mut refused,
                || {
                    format!(
                        "check the account, and if the post is missing run `watchtime post {day} --release-held`"
                    )
                },
                publisher.platform(),
            );
            if let PostOutcome::SentWithoutImage { reason, .. } = &outcome {
                tracing::warn!(platform = publisher.platform(), %day, %kind, %reason, "posted without its image");
            }
            errln!("{} {day} {kind}: {line}", publisher.platform());
        }
    }
    finish(failures, refused)
}

/// `post --recap`: the recap of `kind` for the period holding `--for` (default: the last one
/// that ended by yesterday), printed or sent on every platform.
async fn recap(config: &Config, args: &PostArgs, kind: RecapKind) -> Result<()> {
    let store = open_store(&config.database_url).await?;
    let now = config.now();
    let period = match &args.recap_for {
        Some(d) => kind.period_of(parse_day(d)?),
        None => kind.last_ended_by(config.settings.calendar.last_finished_day(now)),
    };
    let platforms = platforms(config, &store).await?;
    let (mut failures, mut refused) = (0, 0);
    for platform in &platforms {
        let publisher = platform.publisher.as_ref();
        let name = publisher.platform();
        let not_ready = |e: watchtime_core::Error| match e {
            watchtime_core::Error::NotReady { .. } => anyhow::anyhow!(
                "the {kind} of {period} cannot be recapped yet: {e}; close its days first (`watchtime close-day`)"
            ),
            e => anyhow::Error::from(e),
        };
        if args.dry_run {
            let text = bot::recap_text(store.as_ref(), publisher, &config.settings, kind, period)
                .await
                .map_err(not_ready)?;
            match text {
                Some(text) => {
                    let limit = publisher.text_limit();
                    outln!(
                        "── {name} · {kind} recap · dry run ({}/{} {}) ──\n{text}\n",
                        limit.count(&text),
                        limit.max,
                        limit.rule.unit_name()
                    );
                }
                None => outln!("── {name} · {kind} recap · nothing to post ──\n"),
            }
            continue;
        }
        let outcome = bot::publish_recap(
            store.as_ref(),
            publisher,
            &config.settings,
            kind,
            period,
            now,
        )
        .await
        .map_err(not_ready)?;
        let line = describe(
            &outcome,
            &mut failures,
            &mut refused,
            || "check the account; the recap is held so it is not posted twice".to_owned(),
            name,
        );
        errln!("{name} {kind} recap of {period}: {line}");
    }
    finish(failures, refused)
}

fn finish(failures: u32, refused: u32) -> Result<()> {
    if failures > 0 {
        bail!("{failures} post(s) did not go out; run the command again to retry them");
    }
    if refused > 0 {
        bail!("{refused} post(s) were refused by the platform; they are not sent again");
    }
    Ok(())
}

/// One line about `outcome`, counting failures and refusals. `release` is what to run for a
/// held post.
fn describe(
    outcome: &PostOutcome,
    failures: &mut u32,
    refused: &mut u32,
    release: impl Fn() -> String,
    platform: &str,
) -> String {
    match outcome {
        PostOutcome::Sent(id) => {
            format!("sent (id {})", id.as_deref().unwrap_or("unknown"))
        }
        PostOutcome::SentWithoutImage { id, reason } => {
            format!(
                "sent without its image (id {}): {reason}",
                id.as_deref().unwrap_or("unknown")
            )
        }
        PostOutcome::AlreadySent => "already sent earlier; nothing sent".into(),
        PostOutcome::Held { sends } => format!(
            "held: {sends} earlier send(s) may have gone out and {platform} would post a duplicate; {}",
            release()
        ),
        PostOutcome::Rejected(e) => {
            *refused += 1;
            format!("refused, not sent and not retried: {e}")
        }
        PostOutcome::Failed(e) => {
            *failures += 1;
            format!("failed, nothing sent, will retry: {e}")
        }
        PostOutcome::Uncertain(e) => {
            *failures += 1;
            format!("may have been sent: {e}")
        }
        PostOutcome::NothingToSay => "nothing to post".into(),
    }
}

/// Prints the posts as `publisher` would get them and writes the images they would carry into
/// `--image-dir`, printing each path and alt text. Sends and records nothing.
async fn dry_run(
    args: &PostArgs,
    publisher: &dyn Publisher,
    images: Option<&dyn PostImages>,
    rankings: &DayRankings,
) -> Result<()> {
    let limit = publisher.text_limit();
    let platform = publisher.platform();
    let day: Day = rankings.day;
    let images = images.filter(|_| publisher.takes_images());
    for (kind, text) in bot::post_texts(rankings, publisher) {
        let Some(text) = text else {
            outln!("── {platform} · {kind} · nothing to post ──\n");
            continue;
        };
        outln!(
            "── {platform} · {kind} · dry run ({}/{} {}) ──\n{text}",
            limit.count(&text),
            limit.max,
            limit.rule.unit_name()
        );
        if let Some(images) = images {
            let image = images
                .daily_image(kind, rankings, publisher.alt_text_limit())
                .await
                .with_context(|| format!("cannot draw the {kind} chart of {day}"))?;
            if let Some(image) = image {
                std::fs::create_dir_all(&args.image_dir).with_context(|| {
                    format!("cannot create the folder {}", args.image_dir.display())
                })?;
                let path = args.image_dir.join(format!("{day}-{platform}-{kind}.png"));
                std::fs::write(&path, &image.png)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                outln!("image: {} ({} bytes)", path.display(), image.png.len());
                outln!(
                    "alt text ({} characters): {}",
                    image.alt.chars().count(),
                    image.alt
                );
            }
        }
        outln!();
    }
    Ok(())
}
