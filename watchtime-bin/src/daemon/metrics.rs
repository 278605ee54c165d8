//! What the daemon has done, for `/metrics` (Prometheus text format) and `/healthz`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Counters, gauges and last-success times, shared by the daemon and the health server.
#[derive(Debug, Default)]
pub struct Metrics {
    values: Mutex<BTreeMap<(&'static str, String), f64>>,
    last_snapshot: Mutex<Option<DateTime<Utc>>>,
}

/// Help text and type of each metric, in output order.
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "watchtime_snapshots_total",
        "counter",
        "Snapshots stored, by completeness.",
    ),
    (
        "watchtime_snapshot_failures_total",
        "counter",
        "Sweeps or stores that failed.",
    ),
    (
        "watchtime_slots_skipped_total",
        "counter",
        "Slots left without a snapshot because a sweep overran or failed.",
    ),
    (
        "watchtime_streams_last_snapshot",
        "gauge",
        "Streams kept in the last snapshot.",
    ),
    (
        "watchtime_streams_per_snapshot_sum",
        "counter",
        "Streams kept over all snapshots (divide by the count for the mean).",
    ),
    (
        "watchtime_sweep_seconds_last",
        "gauge",
        "Duration of the last sweep and store.",
    ),
    (
        "watchtime_sweep_seconds_sum",
        "counter",
        "Seconds spent sweeping and storing.",
    ),
    ("watchtime_days_closed_total", "counter", "Days rolled up."),
    (
        "watchtime_posts_total",
        "counter",
        "Daily posts by platform and outcome.",
    ),
    (
        "watchtime_replies_total",
        "counter",
        "Replies sent, by platform.",
    ),
    (
        "watchtime_mentions_seen_total",
        "counter",
        "Mentions read, by platform.",
    ),
    (
        "watchtime_step_failures_total",
        "counter",
        "Failed steps, by step.",
    ),
    (
        "watchtime_last_success_timestamp_seconds",
        "gauge",
        "When each step last succeeded (Unix seconds).",
    ),
];

impl Metrics {
    /// Adds `by` to a counter.
    pub fn add(&self, name: &'static str, labels: &str, by: f64) {
        *self.lock().entry((name, labels.to_owned())).or_default() += by;
    }

    /// Sets a gauge.
    pub fn set(&self, name: &'static str, labels: &str, value: f64) {
        self.lock().insert((name, labels.to_owned()), value);
    }

    /// Records that `step` succeeded at `at`.
    pub fn success(&self, step: &str, at: DateTime<Utc>) {
        self.set(
            "watchtime_last_success_timestamp_seconds",
            &format!("step=\"{step}\""),
            at.timestamp() as f64,
        );
    }

    /// Records that `step` failed.
    pub fn failure(&self, step: &str) {
        self.add(
            "watchtime_step_failures_total",
            &format!("step=\"{step}\""),
            1.0,
        );
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

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let values = self.lock();
        let mut out = String::new();
        for (name, kind, help) in FAMILIES {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for ((n, labels), v) in values.iter() {
                if n == name {
                    if labels.is_empty() {
                        let _ = writeln!(out, "{name} {v}");
                    } else {
                        let _ = writeln!(out, "{name}{{{labels}}} {v}");
                    }
                }
            }
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(&'static str, String), f64>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A label value escaped for the text format.
pub fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format() {
        let m = Metrics::default();
        m.add("watchtime_snapshots_total", "complete=\"true\"", 1.0);
        m.add("watchtime_snapshots_total", "complete=\"true\"", 1.0);
        m.set("watchtime_streams_last_snapshot", "", 4812.0);
        m.add(
            "watchtime_posts_total",
            &format!("platform=\"{}\",outcome=\"sent\"", label("x\"y")),
            3.0,
        );
        let text = m.render();
        assert!(text.contains("# TYPE watchtime_snapshots_total counter\nwatchtime_snapshots_total{complete=\"true\"} 2\n"), "{text}");
        assert!(text.contains("watchtime_streams_last_snapshot 4812\n"));
        assert!(text.contains("watchtime_posts_total{platform=\"x\\\"y\",outcome=\"sent\"} 3\n"));
    }
}
