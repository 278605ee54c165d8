//! One sweep of `GET /helix/streams`, page after page, into a snapshot.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::ExposeSecret;
use watchtime_core::{Completeness, Snapshot};

use crate::client::HelixSource;
use crate::error::TwitchError;
use crate::exchange::{Bucketed, Failure, Tally};
use crate::helix::StreamsPage;
use crate::pager::{Next, Pager};

/// Helix's largest page.
const PAGE_SIZE: &str = "100";

/// A snapshot and how it was read, for the `collect` command's summary line and for logs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sweep {
    /// The streams over the threshold, one per streamer (first sighting), in the order read;
    /// `taken_at` is when the sweep started.
    pub snapshot: Snapshot,
    /// Helix pages read successfully.
    pub pages: u32,
    /// HTTP requests made: pages, retries and token requests.
    pub requests: u32,
    /// Wall time of the sweep, waits for rate limits and retries included.
    pub duration: Duration,
}

/// The summary line of `watchtime collect`: `5012 streams, 51 pages, complete, 1.2s`, or
/// `…, incomplete (reason), …`.
impl fmt::Display for Sweep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} streams, {} pages, ",
            self.snapshot.streams.len(),
            self.pages
        )?;
        match &self.snapshot.completeness {
            Completeness::Complete => f.write_str("complete")?,
            Completeness::Incomplete { reason } => write!(f, "incomplete ({reason})")?,
        }
        write!(f, ", {:.1}s", self.duration.as_secs_f64())
    }
}

impl HelixSource {
    /// Reads every live stream with more than `min_viewers` viewers.
    ///
    /// Follows the cursor until a page reaches the threshold, comes back empty or without a
    /// cursor, repeats a cursor, or the page cap is hit (the last marks the snapshot
    /// incomplete). A page lost after retries (or rejected, or malformed) ends the sweep with
    /// the streams read so far, marked [`Completeness::Incomplete`] with the page and the
    /// reason. Only a failure before any page was read is an error.
    pub async fn sweep(&self, min_viewers: u32) -> Result<Sweep, TwitchError> {
        let started = Instant::now();
        let taken_at = chrono::Utc::now();
        let mut tally = Tally::default();
        let mut pager = Pager::new(min_viewers);
        let mut cursor: Option<String> = None;
        let mut pages = 0u32;
        let completeness = loop {
            let number = pages + 1;
            let page = match self.fetch_page(number, cursor.as_deref(), &mut tally).await {
                Ok(page) => page,
                Err(e) if pages == 0 => {
                    tracing::warn!(error = %e, "sweep failed on its first page");
                    return Err(e);
                }
                Err(e) => {
                    let reason = format!("read {pages} pages, then {e}");
                    tracing::warn!(reason = %reason, "sweep incomplete");
                    break Completeness::Incomplete { reason };
                }
            };
            pages = number;
            let (next, report) = pager.absorb(page);
            tracing::debug!(
                page = number,
                streams = report.streams,
                kept = report.kept,
                duplicates = report.duplicates,
                lowest_viewers = report.lowest,
                "page read"
            );
            match next {
                Next::Stop(why) => {
                    tracing::debug!(page = number, why = ?why, "sweep finished");
                    break Completeness::Complete;
                }
                Next::Follow(_) if pages >= self.page_cap => {
                    let reason = format!(
                        "stopped at the page cap ({} pages) with streams still over {min_viewers} viewers",
                        self.page_cap
                    );
                    tracing::warn!(reason = %reason, "sweep incomplete");
                    break Completeness::Incomplete { reason };
                }
                Next::Follow(next) => cursor = Some(next),
            }
        };
        let streams = pager.into_streams();
        let duration = started.elapsed();
        tracing::debug!(
            streams = streams.len(),
            pages,
            requests = tally.requests,
            complete = completeness.is_complete(),
            elapsed_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            "sweep done"
        );
        Ok(Sweep {
            snapshot: Snapshot {
                taken_at,
                completeness,
                streams,
            },
            pages,
            requests: tally.requests,
            duration,
        })
    }

    /// Reads page `number` (1-based): paced by the rate limit, retried on transient failures and
    /// 429, with one new token after a 401.
    async fn fetch_page(
        &self,
        number: u32,
        cursor: Option<&str>,
        tally: &mut Tally,
    ) -> Result<StreamsPage, TwitchError> {
        let host = &self.api_host;
        let mut attempt = 0;
        let mut new_token_taken = false;
        loop {
            self.pace().await;
            let token = self.token(tally).await?;
            attempt += 1;
            let mut query = vec![("first", PAGE_SIZE), ("type", "live")];
            if let Some(cursor) = cursor {
                query.push(("after", cursor));
            }
            let mut bearer =
                HeaderValue::try_from(format!("Bearer {}", token.value.expose_secret())).map_err(
                    |_| TwitchError::Malformed {
                        host: self.auth_host.clone(),
                        page: None,
                        detail: "the access token is not a valid header value".into(),
                    },
                )?;
            bearer.set_sensitive(true);
            let request = self
                .http
                .get(self.streams_url.clone())
                .query(&query)
                .header("Client-Id", &self.client_id)
                .header(AUTHORIZATION, bearer);
            tracing::trace!(page = number, attempt, after = cursor, "requesting a page");
            let failure = match self.exchange(request, Bucketed::Helix, tally).await {
                Ok(body) => {
                    return serde_json::from_slice(&body).map_err(|e| TwitchError::Malformed {
                        host: host.clone(),
                        page: Some(number),
                        detail: e.to_string(),
                    });
                }
                Err(failure) => failure,
            };
            match failure {
                Failure::Unauthorized { status, .. } if !new_token_taken => {
                    tracing::debug!(page = number, status, "token refused, requesting a new one");
                    self.forget_token(&token).await;
                    new_token_taken = true;
                    // The refused attempt is not a failure of Helix: it does not use up retries.
                    attempt -= 1;
                }
                failure => {
                    self.after_failure(failure, attempt, host, Some(number))
                        .await?
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let mut sweep = Sweep {
            snapshot: Snapshot {
                taken_at: "2026-11-27T16:00:03Z".parse().unwrap(),
                completeness: Completeness::Complete,
                streams: Vec::new(),
            },
            pages: 51,
            requests: 52,
            duration: Duration::from_millis(1_234),
        };
        insta::assert_snapshot!(sweep.to_string(), @"0 streams, 51 pages, complete, 1.2s");
        sweep.snapshot.completeness = Completeness::Incomplete {
            reason: "read 2 pages, then api.twitch.tv rejected the request on page 3 (HTTP 400: invalid cursor)".into(),
        };
        insta::assert_snapshot!(sweep.to_string(), @"0 streams, 51 pages, incomplete (read 2 pages, then api.twitch.tv rejected the request on page 3 (HTTP 400: invalid cursor)), 1.2s");
    }
}
