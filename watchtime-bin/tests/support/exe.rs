//! Running the built `watchtime` executable, and a simulated day of snapshots to feed it.
//!
//! Every test that runs the executable starts it with [`command`]: an empty environment plus what
//! the test sets, so nothing in the developer's shell (`DATABASE_URL`, `WATCHTIME_*`, secrets,
//! `RUST_LOG`) changes what a test sees.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::sync::Arc;

use chrono::Duration;
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_core::time::ManualClock;
use watchtime_core::{DayCalendar, jsonl};

/// `watchtime` to run in `dir`, with an empty environment but `RUST_LOG=warn`; the test adds
/// arguments and variables.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watchtime"));
    command.current_dir(dir).env_clear().env("RUST_LOG", "warn");
    command
}

/// Runs `watchtime ARGS` in `dir` with nothing configured but `database` as `DATABASE_URL` (the
/// default SQLite file when `None`): no config file, the console publisher.
pub fn watchtime(dir: &Path, database: Option<&str>, args: &[&str]) -> Output {
    let mut command = command(dir);
    command.args(args);
    if let Some(url) = database {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("the watchtime binary runs")
}

/// Reads the standard error of `child` (spawned with it piped) line by line until one contains
/// `needle`, and returns the lines read, that one last; kills the child and panics with them if
/// the stream ends first. It blocks: call it on a blocking thread when a fake serves from the
/// test's runtime.
pub fn stderr_until(child: &mut Child, needle: &str) -> Vec<String> {
    let stderr = child.stderr.take().expect("standard error is piped");
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        let done = line.contains(needle);
        seen.push(line);
        if done {
            return seen;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the process ended before printing {needle:?}: {seen:#?}");
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `command` to the end.
    pub fn of(mut command: Command) -> Run {
        Run::from(command.output().expect("the watchtime binary runs"))
    }

    /// Runs `command` to the end on a blocking thread, so fakes keep serving from the test's
    /// runtime meanwhile.
    pub async fn of_async(mut command: Command) -> Run {
        let out = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        Run::from(out)
    }

    /// Panics with everything printed unless the run succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "{self:#?}");
        self
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: text(&out.stdout),
            stderr: text(&out.stderr),
        }
    }
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The 48 snapshots of simulated day 2026-11-25 (seed `seed`), as JSON Lines.
pub fn simulated_day(seed: u64) -> Vec<String> {
    let day = "2026-11-25".parse().expect("a day");
    let start = DayCalendar::LOS_ANGELES_8AM.start_of(day);
    let clock = Arc::new(ManualClock::new(start));
    let sim = SimulatedTwitch::new(seed, 3_000, clock);
    (0..48)
        .map(|i| {
            jsonl::to_line(
                &sim.snapshot_at(start + Duration::minutes(30 * i) + Duration::seconds(5), 0),
            )
        })
        .collect()
}
