//! A reader that goes away (`watchtime report | head -1`) ends the command quietly with exit 0,
//! as it ends a Unix tool; nothing panics.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use support::{Run, command, simulated_day};

/// Runs `watchtime ARGS` with standard output (and, if `stderr_too`, standard error) a pipe
/// whose reading end is closed before the process starts: its first write meets a closed pipe.
fn with_closed_pipe(dir: &std::path::Path, args: &[&str], stderr_too: bool) -> Run {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = command(dir);
    cmd.args(args).env("WATCHTIME_NOW", "2026-11-26T23:00:00Z");
    cmd.stdout(writer.try_clone().unwrap());
    if stderr_too {
        cmd.stderr(writer);
    } else {
        drop(writer);
        cmd.stderr(Stdio::piped());
    }
    let out = cmd.spawn().unwrap().wait_with_output().unwrap();
    Run::from(out)
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("day.jsonl");
    std::fs::write(&file, simulated_day(3).join("\n") + "\n").unwrap();
    let file = file.to_str().unwrap();
    let imported = Run::of({
        let mut cmd = command(dir.path());
        cmd.args(["--now", "2026-11-27T00:00:00Z", "import", file]);
        cmd
    })
    .ok();
    assert!(
        imported.stdout.contains("closed 2026-11-25"),
        "{imported:#?}"
    );
    let commands: &[&[&str]] = &[
        &["report"],
        &["report", "2026-11-25", "--json"],
        &["ask", "game", "Just", "Chatting"],
        &["post", "--dry-run"],
        &["close-day", "2026-11-25"],
        &["migrate"],
        &["import", file],
        &[
            "demo",
            "--days",
            "1",
            "--channels",
            "300",
            "--db",
            ":memory:",
        ],
    ];
    for args in commands {
        let run = with_closed_pipe(dir.path(), args, false);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
        assert_eq!(run.stderr, "", "{args:?}");
    }
    // `post` says its outcomes on standard error: `2>&1 | head -1` closes both.
    for args in [
        &["post"][..],
        &["report", "--from", "2026-11-20", "--to", "2026-11-25"],
    ] {
        let run = with_closed_pipe(dir.path(), args, true);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
    }
}
