//! The recap step: each weekly and monthly recap on every platform once, at the post hour
//! after its period, retried within its window (until the next recap of its kind is due).

use std::time::Instant;

use chrono::Duration;
use watchtime_core::bot::{self, PostOutcome};
use watchtime_core::schedule::Schedule;
use watchtime_core::{DayRange, Error, ErrorChain};

use super::metrics::{Recap, outcome_word};
use super::{Daemon, Due, Plan, backoff};

impl Daemon {
    /// Publishes the recap `plan.recaps[i]` on every platform that has not settled it, then
    /// plans the next one of its kind.
    pub(super) async fn recap(&self, plan: &mut Plan, i: usize) {
        let schedule = Schedule::new(self.settings);
        let close_at = plan.close.at;
        let Some(recap) = plan.recaps.get_mut(i) else {
            return;
        };
        let (kind, period) = (recap.kind, recap.due.what);
        let now = self.timer.now();
        let window_end = schedule.recap_at(kind.next(period));
        if now >= window_end {
            tracing::error!(step = "recap", %kind, %period, "the recap's window passed; it is skipped");
            self.next_recap(recap);
            return;
        }
        match self.ready_to_recap(period).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(step = "recap", %kind, %period, "no data was collected in this period; nothing to recap");
                self.next_recap(recap);
                return;
            }
            Err(e) => {
                let not_ready = matches!(e, Error::NotReady { .. });
                let at = if not_ready {
                    tracing::info!(step = "recap", %kind, %period, "waiting for the period's last day to be closed");
                    close_at.max(now) + Duration::minutes(1)
                } else {
                    self.metrics.failure("recap");
                    tracing::warn!(step = "recap", %kind, %period, error = %ErrorChain(&e), "cannot read the store; retrying");
                    now + backoff(
                        recap.due.attempt + 1,
                        Duration::minutes(1),
                        Duration::minutes(15),
                    )
                };
                recap.due = Due {
                    at: at.min(window_end),
                    what: period,
                    attempt: recap.due.attempt + 1,
                };
                return;
            }
        }
        let mut failures = Vec::new();
        for platform in &self.platforms {
            let name = platform.publisher.platform().to_owned();
            if recap.posted.contains(&name) {
                continue;
            }
            let started = Instant::now();
            let result = bot::publish_recap(
                self.store.as_ref(),
                platform.publisher.as_ref(),
                &self.settings,
                kind,
                period,
                now,
            )
            .await;
            match result {
                Ok(outcome) => {
                    let word = outcome_word(&outcome);
                    match &outcome {
                        PostOutcome::Held { sends } => tracing::error!(
                            step = "recap", %kind, %period, platform = %name, sends,
                            "an earlier attempt may have gone out and this platform would post a duplicate; held for an operator"
                        ),
                        PostOutcome::Rejected(reason) => tracing::error!(
                            step = "recap", %kind, %period, platform = %name, error = %reason,
                            "the platform refused this recap; it is not sent again"
                        ),
                        _ => {}
                    }
                    self.metrics
                        .recaps
                        .get_or_create(&Recap {
                            platform: name.clone(),
                            kind: kind.as_str(),
                            outcome: word,
                        })
                        .inc();
                    tracing::info!(step = "recap", %kind, %period, platform = %name, outcome = word, seconds = started.elapsed().as_secs_f64(), "recap");
                    if matches!(outcome, PostOutcome::Failed(_) | PostOutcome::Uncertain(_)) {
                        failures.push(format!("{name}: the recap did not go out"));
                    } else {
                        recap.posted.push(name);
                    }
                }
                Err(e) => failures.push(format!("{name}: {}", ErrorChain(&e))),
            }
        }
        if failures.is_empty() {
            self.metrics.success("recap", now);
            self.next_recap(recap);
        } else {
            self.metrics.failure("recap");
            let attempt = recap.due.attempt + 1;
            let at = now + backoff(attempt, Duration::minutes(1), Duration::minutes(15));
            tracing::warn!(step = "recap", %kind, %period, attempt, error = %failures.join("; "), retry_at = %at, "recap incomplete; retrying");
            recap.due = Due {
                at: at.min(window_end),
                what: period,
                attempt,
            };
        }
    }

    /// Whether the recap of `period` can be built: its last day is closed. A period with no
    /// snapshot at all has nothing to recap; one whose last day is still to be closed is an
    /// error to wait on.
    async fn ready_to_recap(&self, period: DayRange) -> watchtime_core::Result<bool> {
        if !self
            .store
            .day_statuses(DayRange::single(period.to))
            .await?
            .is_empty()
        {
            return Ok(true);
        }
        let calendar = self.settings.calendar;
        let (start, end) = (
            calendar.window(period.from).start,
            calendar.window(period.to).end,
        );
        if self.store.snapshots(start, end).await?.is_empty() {
            return Ok(false);
        }
        Err(Error::not_ready(format!(
            "the last day of {period} is not closed yet"
        )))
    }

    fn next_recap(&self, recap: &mut super::RecapDue) {
        let next = recap.kind.next(recap.due.what);
        recap.due = Due::new(Schedule::new(self.settings).recap_at(next), next);
        recap.posted.clear();
    }
}
