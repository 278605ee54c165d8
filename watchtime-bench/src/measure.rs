//! Timing statistics and memory readings from `/proc`.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Durations of one repeated operation.
#[derive(Clone, Debug, Default)]
pub struct Timings(Vec<Duration>);

impl Timings {
    /// Records one duration.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// How many were recorded.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The sum of all durations.
    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }

    /// The median, in milliseconds (`None` with no samples).
    pub fn median_ms(&self) -> Option<f64> {
        self.quantile_ms(0.5)
    }

    /// The 99th percentile (nearest rank), in milliseconds. With fewer than 100 samples it is
    /// the maximum.
    pub fn p99_ms(&self) -> Option<f64> {
        self.quantile_ms(0.99)
    }

    fn quantile_ms(&self, q: f64) -> Option<f64> {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(ms(sorted[rank - 1]))
    }
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs `f`, returning its output and how long it took.
pub async fn timed<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}

/// The peak resident memory of this process over one phase of the bench.
#[derive(Clone, Debug)]
pub struct PhaseMemory {
    /// `VmRSS` when the phase started, in KiB: what the bench itself holds (the generator's
    /// channels, the runtime), so `peak_kib - start_kib` is what the phase added.
    pub start_kib: Option<u64>,
    /// `VmHWM` at the end of the phase, in KiB.
    pub peak_kib: Option<u64>,
    /// Why the peak could not be reset before the phase (then it is the peak since start).
    pub reset_error: Option<String>,
}

/// Watches this process's peak RSS over a phase: [`Phase::start`] resets the high-water mark,
/// [`Phase::finish`] reads it.
#[derive(Debug)]
pub struct Phase {
    start_kib: Option<u64>,
    reset_error: Option<String>,
}

impl Phase {
    /// Resets the kernel's RSS high-water mark (`echo 5 > /proc/self/clear_refs`).
    pub fn start() -> Phase {
        let reset_error = std::fs::write("/proc/self/clear_refs", "5")
            .err()
            .map(|e| format!("could not reset the peak (/proc/self/clear_refs: {e})"));
        Phase {
            start_kib: status_kib("self", "VmRSS").ok(),
            reset_error,
        }
    }

    /// The peak RSS since [`Phase::start`].
    pub fn finish(self) -> PhaseMemory {
        PhaseMemory {
            start_kib: self.start_kib,
            peak_kib: status_kib("self", "VmHWM").ok(),
            reset_error: self.reset_error,
        }
    }
}

/// A `kB` field of `/proc/<pid>/status` (`pid` may be `self`), in KiB.
pub fn status_kib(pid: &str, field: &str) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in {path}"))
}

/// KiB as MiB, for the report.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
