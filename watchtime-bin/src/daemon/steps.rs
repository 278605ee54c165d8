//! The four steps of the daemon, each logging one line with its outcome and duration, and
//! planning its own next run.

use std::time::Instant;

use chrono::Duration;
use watchtime_core::bot::{self, PostOutcome};
use watchtime_core::schedule::Schedule;
use watchtime_core::{DayRange, Error, ErrorChain};

use super::lane::backfill;
use super::metrics::{Complete, Platform, Post, outcome_word};
use super::{Daemon, Due, Plan, backoff};

impl Daemon {
    /// Takes the snapshot of `plan.collect.what`, then plans the next slot. A sweep that ends
    /// after the next slot began skips that slot: snapshots never overlap.
    pub(super) async fn collect(&self, plan: &mut Plan) {
        let length = self.settings.slot_length;
        let schedule = Schedule::new(self.settings);
        let slot = plan.collect.what;
        let now = self.timer.now();
        if now >= length.end_of(slot) {
            tracing::warn!(step = "collect", %slot, "the slot passed before its snapshot could start; skipping it");
            self.metrics.slots_skipped.inc();
            let next = schedule.current_slot(now);
            plan.collect = Due::new(now, next);
            return;
        }
        let started = Instant::now();
        match bot::collect(
            self.source.as_ref(),
            self.store.as_ref(),
            &self.settings,
            now,
        )
        .await
        {
            Ok(collected) => {
                let seconds = started.elapsed().as_secs_f64();
                let info = &collected.info;
                let complete = info.completeness.is_complete();
                tracing::info!(
                    step = "collect",
                    slot = %info.slot,
                    streams = info.streams,
                    complete,
                    reason = info.completeness.reason().unwrap_or(""),
                    duplicates = collected.report.duplicates,
                    malformed_ids = collected.report.malformed_ids,
                    seconds,
                    "snapshot stored"
                );
                let m = &self.metrics;
                m.snapshots.get_or_create(&Complete { complete }).inc();
                m.streams_last_snapshot.set(i64::from(info.streams));
                m.streams_per_snapshot.observe(f64::from(info.streams));
                m.sweep_seconds_last.set(seconds);
                m.sweep_seconds.observe(seconds);
                self.metrics.snapshot_taken(info.taken_at);
                let end = self.timer.now();
                self.metrics.success("collect", end);
                let expected = length.next(slot);
                let next = schedule.collect_after(slot, end);
                if next > expected {
                    let skipped = (next.unix() - expected.unix()) / length.seconds();
                    tracing::warn!(step = "collect", %slot, skipped, "the sweep outlasted its slot; skipping the next snapshot");
                    self.metrics.slots_skipped.inc_by(skipped.unsigned_abs());
                }
                plan.collect = Due::new(next.start(), next);
            }
            Err(e) => {
                self.metrics.snapshot_failures.inc();
                self.metrics.failure("collect");
                let attempt = plan.collect.attempt + 1;
                let retry_at = self.timer.now()
                    + retry_delay(&e, attempt, Duration::seconds(15), Duration::minutes(5));
                if retry_at < length.end_of(slot) {
                    tracing::warn!(step = "collect", %slot, attempt, error = %ErrorChain(&e), retry_at = %retry_at, "snapshot failed; retrying");
                    plan.collect = Due {
                        at: retry_at,
                        what: slot,
                        attempt,
                    };
                } else {
                    let next = schedule.next_collect(self.timer.now());
                    tracing::error!(step = "collect", %slot, attempt, error = %ErrorChain(&e), "snapshot failed; the slot stays empty");
                    self.metrics.slots_skipped.inc();
                    plan.collect = Due::new(next.start(), next);
                }
            }
        }
    }

    /// Closes every finished day that is not closed, then plans the next day's close.
    pub(super) async fn close(&self, plan: &mut Plan) {
        let now = self.timer.now();
        let started = Instant::now();
        match bot::close_finished_days(self.store.as_ref(), &self.settings, now).await {
            Ok(closed) => {
                for status in &closed {
                    tracing::info!(
                        step = "close",
                        day = %status.day,
                        observed = status.slots_observed,
                        expected = status.slots_expected,
                        incomplete = status.slots_incomplete,
                        seconds = started.elapsed().as_secs_f64(),
                        "day closed"
                    );
                }
                self.metrics.days_closed.inc_by(closed.len() as u64);
                self.metrics.success("close", now);
                let next = bot::last_closable_day(&self.settings, now).next();
                plan.close = Due::new(Schedule::new(self.settings).close_at(next), ());
            }
            Err(e) => {
                self.metrics.failure("close");
                let attempt = plan.close.attempt + 1;
                let retry_at =
                    now + retry_delay(&e, attempt, Duration::minutes(1), Duration::minutes(15));
                tracing::warn!(step = "close", attempt, error = %ErrorChain(&e), retry_at = %retry_at, "closing failed; retrying");
                plan.close = Due {
                    at: retry_at,
                    what: (),
                    attempt,
                };
            }
        }
    }

    /// Publishes the posts of `plan.post.what` on every platform that has not settled them, then
    /// plans the next day's; retries within the day's posting window.
    pub(super) async fn post(&self, plan: &mut Plan) {
        let schedule = Schedule::new(self.settings);
        let day = plan.post.what;
        let now = self.timer.now();
        let window_end = schedule.post_at(day.next());
        if now >= window_end {
            tracing::error!(step = "post", %day, "the posting window passed; these posts are skipped");
            self.next_post_day(plan, day);
            return;
        }
        match self.ready_to_post(day).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(step = "post", %day, "no data was collected for this day; nothing to post");
                self.next_post_day(plan, day);
                return;
            }
            Err(e) => {
                let not_ready = matches!(e, Error::NotReady { .. });
                self.retry_post(plan, &ErrorChain(&e).to_string(), not_ready, window_end);
                return;
            }
        }
        let mut failures = Vec::new();
        for platform in &self.platforms {
            let name = platform.publisher.platform().to_owned();
            if plan.posted.contains(&name) {
                continue;
            }
            let started = Instant::now();
            match bot::publish_day_with_images(
                self.store.as_ref(),
                platform.publisher.as_ref(),
                self.images.as_deref(),
                &self.settings,
                day,
                now,
            )
            .await
            {
                Ok(outcomes) => {
                    let mut settled = true;
                    for (kind, outcome) in &outcomes {
                        if let PostOutcome::SentWithoutImage { reason, .. } = outcome {
                            tracing::warn!(step = "post", %day, platform = %name, %kind, %reason, "posted without its image");
                            self.metrics
                                .image_failures
                                .get_or_create(&Platform {
                                    platform: name.clone(),
                                })
                                .inc();
                        }
                        let word = outcome_word(outcome);
                        if matches!(outcome, PostOutcome::Failed(_) | PostOutcome::Uncertain(_)) {
                            settled = false;
                        }
                        match outcome {
                            PostOutcome::Held { sends } => tracing::error!(
                                step = "post", %day, platform = %name, %kind, sends,
                                "an earlier attempt may have gone out and this platform would post a duplicate; held for an operator"
                            ),
                            // Recorded: it is not tried again, and the others went on.
                            PostOutcome::Rejected(reason) => tracing::error!(
                                step = "post", %day, platform = %name, %kind, error = %reason,
                                "the platform refused this post; it is not sent again"
                            ),
                            _ => {}
                        }
                        let post = Post {
                            platform: name.clone(),
                            outcome: word,
                        };
                        self.metrics.posts.get_or_create(&post).inc();
                        tracing::info!(step = "post", %day, platform = %name, %kind, outcome = word, seconds = started.elapsed().as_secs_f64(), "post");
                    }
                    if settled {
                        plan.posted.push(name);
                    } else {
                        failures.push(format!("{name}: a post did not go out"));
                    }
                }
                Err(e) => failures.push(format!("{name}: {}", ErrorChain(&e))),
            }
        }
        if failures.is_empty() {
            self.metrics.success("post", now);
            self.next_post_day(plan, day);
        } else {
            self.retry_post(plan, &failures.join("; "), false, window_end);
        }
    }

    /// Whether `day` can be posted: closed. A day with no snapshot at all has nothing to post;
    /// a day with data that is not closed yet is an error to retry (its close is pending).
    async fn ready_to_post(&self, day: watchtime_core::Day) -> watchtime_core::Result<bool> {
        if !self
            .store
            .day_statuses(DayRange::single(day))
            .await?
            .is_empty()
        {
            return Ok(true);
        }
        let window = self.settings.calendar.window(day);
        if self
            .store
            .snapshots(window.start, window.end)
            .await?
            .is_empty()
        {
            return Ok(false);
        }
        Err(Error::not_ready(format!("day {day} is not closed yet")))
    }

    fn next_post_day(&self, plan: &mut Plan, day: watchtime_core::Day) {
        let next = day.next();
        plan.post = Due::new(Schedule::new(self.settings).post_at(next), next);
        plan.posted.clear();
    }

    /// Plans the posts again after `why`. A day that is not ready (not closed yet) waits for the
    /// close step, due at `plan.close.at`, rather than backing off; anything else backs off.
    fn retry_post(
        &self,
        plan: &mut Plan,
        why: &str,
        not_ready: bool,
        window_end: chrono::DateTime<chrono::Utc>,
    ) {
        let attempt = plan.post.attempt + 1;
        let now = self.timer.now();
        let at = if not_ready {
            let at = plan.close.at.max(now) + Duration::minutes(1);
            tracing::info!(step = "post", day = %plan.post.what, reason = why, retry_at = %at, "waiting for the day to be closed");
            at
        } else {
            self.metrics.failure("post");
            let at = now + backoff(attempt, Duration::minutes(1), Duration::minutes(15));
            tracing::warn!(step = "post", day = %plan.post.what, attempt, error = why, retry_at = %at, "posting incomplete; retrying");
            at
        };
        plan.post = Due {
            at: at.min(window_end),
            what: plan.post.what,
            attempt,
        };
    }

    /// One round of mentions on every platform that has them and no lane of its own.
    pub(super) async fn mentions(&self, plan: &mut Plan) {
        let now = self.timer.now();
        let mut failed = false;
        for platform in &self.platforms {
            let Some(source) = &platform.mentions else {
                continue;
            };
            if !platform.publisher.takes_replies() || self.laned(platform) {
                continue;
            }
            let context = (&self.store, &self.settings, self.metrics.as_ref());
            failed |= backfill(platform, source, context, now).await.is_err();
        }
        if let Some(due) = &mut plan.mentions {
            if failed {
                self.metrics.failure("answer");
                due.attempt += 1;
                due.at = now + backoff(due.attempt, self.mention_interval, Duration::minutes(15));
            } else {
                self.metrics.success("answer", now);
                due.attempt = 0;
                due.at = now + self.mention_interval;
            }
        }
    }
}

/// The wait before retrying after `error`: the server's rate-limit wait when it gave one,
/// otherwise exponential backoff.
fn retry_delay(error: &Error, attempt: u32, base: Duration, cap: Duration) -> Duration {
    match error.retry_after().and_then(|d| Duration::from_std(d).ok()) {
        Some(wait) => wait.max(base),
        None => backoff(attempt, base, cap),
    }
}
