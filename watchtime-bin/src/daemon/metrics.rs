//! What the daemon has done, for `/metrics` (the Prometheus text format, by the Prometheus
//! project's `prometheus-client`) and `/healthz`.
//!
//! Each metric is one line of the [`metrics!`] table below: its doc comment is its help text,
//! its type says counter, gauge or histogram (and the labels), its string is its name. Counters
//! get the `_total` suffix from the encoder; a histogram gives `_sum`, `_count` and `_bucket`.
//! A labelled family appears once it has a sample (a platform's first post, a step's first run).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use watchtime_core::bot::PostOutcome;

/// Whether a snapshot read every page.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Complete {
    /// `true` or `false`.
    pub complete: bool,
}

/// A publishing platform.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Platform {
    /// As the publisher names itself (`mastodon`, `twitter`, …).
    pub platform: String,
}

/// A daily post's platform and outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Post {
    /// As the publisher names itself.
    pub platform: String,
    /// `sent`, `already_sent`, `held`, `failed`, `uncertain`, `rejected` or `nothing_to_say`.
    pub outcome: &'static str,
}

/// A recap's platform, kind and outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Recap {
    /// As the publisher names itself.
    pub platform: String,
    /// `week` or `month`.
    pub kind: &'static str,
    /// As for [`Post`].
    pub outcome: &'static str,
}

/// A step of the daemon.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Step {
    /// `collect`, `close`, `post`, `recap` or `answer`.
    pub step: &'static str,
}

/// How a platform's mentions arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionMode {
    /// Pushed by a connected stream (and backfilled on the interval).
    Streaming,
    /// Read on the interval: the platform pushes nothing, or its stream is down.
    Polling,
}

impl MentionMode {
    /// `streaming` or `polling`, as `/healthz` says it.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionMode::Streaming => "streaming",
            MentionMode::Polling => "polling",
        }
    }
}

/// A float gauge (seconds).
pub type SecondsGauge = Gauge<f64, AtomicU64>;

/// Declares [`Metrics`]: one line per metric, `field: Type = "name" [=> initial value]`.
macro_rules! metrics {
    ($( #[doc = $help:literal] $field:ident: $kind:ty = $name:literal $(=> $init:expr)?; )*) => {
        /// Counters, gauges and histograms, shared by the daemon and the health server. Every
        /// metric is registered once, here, so `/metrics` lists each one from the start.
        #[derive(Debug)]
        pub struct Metrics {
            registry: Registry,
            last_snapshot: Mutex<Option<DateTime<Utc>>>,
            mention_modes: Mutex<BTreeMap<String, (MentionMode, Duration)>>,
            $( #[doc = $help] pub $field: $kind, )*
        }

        impl Default for Metrics {
            fn default() -> Self {
                let mut registry = Registry::default();
                $(
                    let $field: $kind = metrics!(@init $($init)?);
                    // The encoder ends the help with a period itself.
                    registry.register($name, $help.trim().trim_end_matches('.'), $field.clone());
                )*
                Metrics {
                    registry,
                    last_snapshot: Mutex::new(None),
                    mention_modes: Mutex::new(BTreeMap::new()),
                    $($field,)*
                }
            }
        }
    };
    (@init) => { Default::default() };
    (@init $init:expr) => { $init };
}

metrics! {
    /// Snapshots stored, by completeness.
    snapshots: Family<Complete, Counter> = "watchtime_snapshots";
    /// Sweeps or stores that failed.
    snapshot_failures: Counter = "watchtime_snapshot_failures";
    /// Slots left without a snapshot because a sweep overran or failed.
    slots_skipped: Counter = "watchtime_slots_skipped";
    /// Streams kept in the last snapshot.
    streams_last_snapshot: Gauge = "watchtime_streams_last_snapshot";
    /// Streams kept per snapshot.
    streams_per_snapshot: Histogram = "watchtime_streams_per_snapshot"
        => Histogram::new(exponential_buckets(250.0, 2.0, 8));
    /// Duration of the last sweep and store.
    sweep_seconds_last: SecondsGauge = "watchtime_sweep_seconds_last";
    /// Seconds spent sweeping and storing, per snapshot.
    sweep_seconds: Histogram = "watchtime_sweep_seconds"
        => Histogram::new(exponential_buckets(0.5, 2.0, 10));
    /// Days rolled up.
    days_closed: Counter = "watchtime_days_closed";
    /// Daily posts by platform and outcome.
    posts: Family<Post, Counter> = "watchtime_posts";
    /// Weekly and monthly recaps by platform, kind and outcome.
    recaps: Family<Recap, Counter> = "watchtime_recaps";
    /// Daily posts sent without their chart (it could not be drawn or uploaded), by platform.
    image_failures: Family<Platform, Counter> = "watchtime_image_failures";
    /// Replies sent, by platform.
    replies: Family<Platform, Counter> = "watchtime_replies";
    /// Mentions read, by platform.
    mentions_seen: Family<Platform, Counter> = "watchtime_mentions_seen";
    /// Mentions that arrived by a platform's stream, by platform.
    mentions_streamed: Family<Platform, Counter> = "watchtime_mentions_streamed";
    /// Whether each platform's mention stream is connected (1) or its mentions are polled (0).
    mention_stream_connected: Family<Platform, Gauge> = "watchtime_mention_stream_connected";
    /// Seconds between REST reads of each platform's mentions (polls, or backfills while its stream is connected).
    mention_interval_seconds: Family<Platform, Gauge> = "watchtime_mention_interval_seconds";
    /// Reconnects of mention streams after one was lost or could not be opened, by platform.
    mention_stream_reconnects: Family<Platform, Counter> = "watchtime_mention_stream_reconnects";
    /// Failed steps, by step.
    step_failures: Family<Step, Counter> = "watchtime_step_failures";
    /// When each step last succeeded (Unix seconds).
    last_success: Family<Step, Gauge> = "watchtime_last_success_timestamp_seconds";
}

impl Metrics {
    /// Records that `step` succeeded at `at`.
    pub fn success(&self, step: &'static str, at: DateTime<Utc>) {
        self.last_success
            .get_or_create(&Step { step })
            .set(at.timestamp());
    }

    /// Records that `step` failed.
    pub fn failure(&self, step: &'static str) {
        self.step_failures.get_or_create(&Step { step }).inc();
    }

    /// Records the `taken_at` of the newest stored snapshot.
    pub fn snapshot_taken(&self, at: DateTime<Utc>) {
        let mut last = self.last_snapshot.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|l| at > l) {
            *last = Some(at);
        }
    }

    /// When the newest known snapshot was taken.
    pub fn last_snapshot(&self) -> Option<DateTime<Utc>> {
        *self.last_snapshot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records how `platform`'s mentions arrive now, and how often they are read by REST, for
    /// `/healthz` and the `watchtime_mention_stream_connected` and
    /// `watchtime_mention_interval_seconds` gauges.
    pub fn set_mention_mode(&self, platform: &str, mode: MentionMode, interval: Duration) {
        let label = Platform {
            platform: platform.to_owned(),
        };
        self.mention_stream_connected
            .get_or_create(&label)
            .set(i64::from(mode == MentionMode::Streaming));
        self.mention_interval_seconds
            .get_or_create(&label)
            .set(i64::try_from(interval.as_secs()).unwrap_or(i64::MAX));
        self.mention_modes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(platform.to_owned(), (mode, interval));
    }

    /// How each platform that reads mentions gets them, by platform name.
    pub fn mention_modes(&self) -> BTreeMap<String, MentionMode> {
        self.mention_readings()
            .into_iter()
            .map(|(platform, (mode, _))| (platform, mode))
            .collect()
    }

    /// How each platform that reads mentions gets them and how often they are read by REST,
    /// by platform name.
    pub fn mention_readings(&self) -> BTreeMap<String, (MentionMode, Duration)> {
        self.mention_modes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// The `Content-Type` of [`Metrics::render`].
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The `outcome` label of a post or recap: a post sent without its image counts as sent (its
/// image failure has a counter of its own).
pub(super) fn outcome_word(outcome: &PostOutcome) -> &'static str {
    match outcome {
        PostOutcome::Sent(_) | PostOutcome::SentWithoutImage { .. } => "sent",
        PostOutcome::AlreadySent => "already_sent",
        PostOutcome::Held { .. } => "held",
        PostOutcome::Failed(_) => "failed",
        PostOutcome::Uncertain(_) => "uncertain",
        PostOutcome::Rejected(_) => "rejected",
        PostOutcome::NothingToSay => "nothing_to_say",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format() {
        let m = Metrics::default();
        let complete = Complete { complete: true };
        m.snapshots.get_or_create(&complete).inc();
        m.snapshots.get_or_create(&complete).inc();
        m.streams_last_snapshot.set(4812);
        m.sweep_seconds.observe(1.5);
        m.posts
            .get_or_create(&Post {
                platform: "x\"y\nz".into(),
                outcome: "sent",
            })
            .inc_by(3);
        m.recaps
            .get_or_create(&Recap {
                platform: "mastodon".into(),
                kind: "week",
                outcome: "sent",
            })
            .inc();
        m.success("collect", "2026-11-26T20:00:00Z".parse().unwrap());
        let text = m.render();
        // A family without a sample yet prints nothing, not even its type.
        assert!(!text.contains("watchtime_replies_total"), "{text}");
        for want in [
            "# HELP watchtime_snapshots_total Snapshots stored, by completeness.\n",
            "# TYPE watchtime_snapshots_total counter\nwatchtime_snapshots_total{complete=\"true\"} 2\n",
            "watchtime_streams_last_snapshot 4812\n",
            "watchtime_sweep_seconds_sum 1.5\n",
            "watchtime_sweep_seconds_count 1\n",
            "watchtime_posts_total{platform=\"x\\\"y\\nz\",outcome=\"sent\"} 3\n",
            "watchtime_recaps_total{platform=\"mastodon\",kind=\"week\",outcome=\"sent\"} 1\n",
            "watchtime_last_success_timestamp_seconds{step=\"collect\"} 1795723200\n",
        ] {
            assert!(text.contains(want), "{want:?} missing from:\n{text}");
        }
    }

    #[test]
    fn mention_modes_drive_the_gauge() {
        let m = Metrics::default();
        assert!(m.mention_modes().is_empty());
        let minute = Duration::from_secs(60);
        m.set_mention_mode("mastodon", MentionMode::Streaming, minute);
        m.set_mention_mode("twitter", MentionMode::Polling, minute);
        m.set_mention_mode("bluesky", MentionMode::Polling, Duration::from_secs(15));
        let text = m.render();
        for want in [
            "watchtime_mention_stream_connected{platform=\"mastodon\"} 1\n",
            "watchtime_mention_stream_connected{platform=\"twitter\"} 0\n",
            "watchtime_mention_stream_connected{platform=\"bluesky\"} 0\n",
            "watchtime_mention_interval_seconds{platform=\"bluesky\"} 15\n",
            "watchtime_mention_interval_seconds{platform=\"twitter\"} 60\n",
        ] {
            assert!(text.contains(want), "{want:?} missing from:\n{text}");
        }
        m.set_mention_mode("mastodon", MentionMode::Polling, minute);
        assert!(
            m.render()
                .contains("watchtime_mention_stream_connected{platform=\"mastodon\"} 0\n")
        );
        let modes: Vec<(String, &str)> = m
            .mention_modes()
            .into_iter()
            .map(|(p, mode)| (p, mode.as_str()))
            .collect();
        assert_eq!(
            modes,
            [
                ("bluesky".into(), "polling"),
                ("mastodon".into(), "polling"),
                ("twitter".into(), "polling")
            ]
        );
    }
}
