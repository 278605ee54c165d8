//! Running the built `watchtime` executable, and a simulated day of snapshots to feed it.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::Duration;
use watchtime_bin::sim::SimulatedTwitch;
use watchtime_core::time::ManualClock;
use watchtime_core::{DayCalendar, jsonl};

/// Runs `watchtime ARGS` in `dir` with a clean configuration environment: no config file, the
/// console publisher, and `database` as `DATABASE_URL` (the default SQLite file when `None`).
pub fn watchtime(dir: &Path, database: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watchtime"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("DATABASE_URL_FILE")
        .env_remove("WATCHTIME_PUBLISHER")
        .env_remove("WATCHTIME_CONFIG")
        .env("RUST_LOG", "warn");
    if let Some(url) = database {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("the watchtime binary runs")
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
