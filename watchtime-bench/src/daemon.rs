//! The resident memory of the `watchtime` daemon when idle: what a small VPS must hold for it.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::measure::status_kib;

/// The daemon's memory after it settled.
#[derive(Debug)]
pub struct DaemonRss {
    /// The binary run.
    pub binary: String,
    /// How long it ran before the reading.
    pub waited: Duration,
    /// `VmRSS`, in KiB.
    pub rss_kib: u64,
    /// `VmHWM` (peak RSS since start), in KiB.
    pub hwm_kib: u64,
    /// How it ended after SIGTERM.
    pub exit: String,
}

/// Runs `binary run` on a fresh SQLite file with Twitch pointed at a closed port, the console
/// publisher and the web server on (`WATCHTIME_LISTEN`), waits `wait`, reads its memory and stops it with SIGTERM.
pub fn idle_rss(binary: &Path, wait: Duration) -> Result<DaemonRss> {
    let dir = tempfile::tempdir().context("creating a directory for the daemon")?;
    let log_path = dir.path().join("daemon.log");
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("creating {}", log_path.display()))?;
    let log_err = log.try_clone().context("sharing the daemon log")?;
    let mut command = Command::new(binary);
    command.arg("run");
    // Settings of the shell running the bench must not leak into the daemon.
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("WATCHTIME_") || k.starts_with("DATABASE_URL") || k.starts_with("TWITCH_")
        {
            command.env_remove(&key);
        }
    }
    command
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("idle.db").display()),
        )
        .env("TWITCH_CLIENT_ID", "x")
        .env("TWITCH_CLIENT_SECRET", "y")
        .env("WATCHTIME_TWITCH_API_URL", "http://127.0.0.1:9")
        .env("WATCHTIME_TWITCH_AUTH_URL", "http://127.0.0.1:9")
        .env("WATCHTIME_PUBLISHER", "console")
        // The web pages and the API on, as `run --listen` serves them.
        .env("WATCHTIME_LISTEN", "127.0.0.1:0")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {} run", binary.display()))?;
    let pid = child.id().to_string();
    let started = Instant::now();
    while started.elapsed() < wait {
        if let Some(status) = child.try_wait().context("watching the daemon")? {
            bail!(
                "{} run exited early ({status}); its log ends:\n{}",
                binary.display(),
                log_tail(&log_path)
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let waited = started.elapsed();
    let readings = status_kib(&pid, "VmRSS").and_then(|rss| Ok((rss, status_kib(&pid, "VmHWM")?)));
    let exit = stop(&mut child, &pid)?;
    let (rss_kib, hwm_kib) = readings.context("reading the daemon's memory")?;
    Ok(DaemonRss {
        binary: binary.display().to_string(),
        waited,
        rss_kib,
        hwm_kib,
        exit,
    })
}

/// SIGTERM (through `kill`, as the bench forbids unsafe code), then SIGKILL after 10 s.
fn stop(child: &mut Child, pid: &str) -> Result<String> {
    let sent = Command::new("kill")
        .args(["-TERM", pid])
        .status()
        .context("running kill -TERM")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    if sent.success() {
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().context("waiting for the daemon")? {
                return Ok(describe(status, "after SIGTERM"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    child.kill().context("killing the daemon")?;
    let status = child.wait().context("waiting for the killed daemon")?;
    Ok(describe(status, "killed: no exit within 10 s of SIGTERM"))
}

fn describe(status: ExitStatus, how: &str) -> String {
    format!("{status} ({how})")
}

fn log_tail(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(20)..].join("\n")
        }
        Err(e) => format!("(log unreadable: {e})"),
    }
}
