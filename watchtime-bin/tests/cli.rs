//! The built `watchtime` executable, end to end, on SQLite files in a temporary directory.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::{simulated_day, text, watchtime};

/// A day of simulated snapshots (2026-11-25, 48 slots) as JSON Lines, with one corrupt line.
fn snapshot_file(dir: &Path) -> PathBuf {
    let mut lines = simulated_day(7);
    lines.insert(
        2,
        r#"{"taken_at": "2026-11-25T17:00:00Z", "complete": true, "streams": [{"user_id": "#.into(),
    );
    let path = dir.join("snapshots.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// `watchtime import FILE` in `dir` on 2026-11-27, when the day of the snapshots is over.
fn import(dir: &Path, file: &Path) -> std::process::Output {
    watchtime(
        dir,
        None,
        &[
            "--now",
            "2026-11-27T00:00:00Z",
            "import",
            file.to_str().unwrap(),
        ],
    )
}

#[test]
fn demo_prints_the_three_daily_posts_and_replies() {
    let dir = tempfile::tempdir().unwrap();
    let out = watchtime(
        dir.path(),
        None,
        &[
            "demo",
            "--from",
            "2026-11-25",
            "--days",
            "1",
            "--channels",
            "4000",
            "--db",
            ":memory:",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed: {}\n{stdout}",
        text(&out.stderr)
    );
    for heading in [
        "Most watched games on Twitch, Wed 25 Nov",
        "Most watched streamers on Twitch, Wed 25 Nov",
        "Game of the day (drawn by watch time): ",
        "closed day 2026-11-25: 48 of 48 snapshots",
        "reply to @alice",
        "Did you mean ",
        "I know no game or streamer by that name.",
        "Ask me about a game or a streamer",
    ] {
        assert!(
            stdout.contains(heading),
            "missing {heading:?} in:\n{stdout}"
        );
    }
    assert_eq!(stdout.matches("── post/2026-11-25/").count(), 3, "{stdout}");
}

#[test]
fn fifteen_days_of_demo_end_with_a_weekly_recap_with_movers() {
    let dir = tempfile::tempdir().unwrap();
    let out = watchtime(
        dir.path(),
        None,
        &[
            "demo",
            "--from",
            "2026-11-16",
            "--days",
            "15",
            "--channels",
            "800",
            "--db",
            ":memory:",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "demo failed: {}", text(&out.stderr));
    // 16 Nov 2026 is a Monday: the last full week is 23–29 Nov, compared with 16–22 Nov.
    let at = stdout
        .find("weekly recap of 2026-11-23 to 2026-11-29")
        .unwrap_or_else(|| panic!("no recap in:\n{stdout}"));
    let recap = &stdout[at..];
    assert!(
        recap.contains("Week on Twitch, 23–29 Nov\nTop games\n1. "),
        "{recap}"
    );
    assert!(recap.contains("Top streamers\n1. "), "{recap}");
    // Every ranking line carries its change against 16–22 Nov, and the biggest climb into the
    // top 10 has its line (the seeded simulation has one).
    let lines: Vec<&str> = recap
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(lines.len() >= 4, "{recap}");
    for line in lines {
        assert!(
            ["↑", "↓", " =", " new"].iter().any(|m| line.contains(m)),
            "{line}"
        );
    }
    assert!(recap.contains("\nBiggest climb: "), "{recap}");
    assert!(
        stdout.find("Done in").unwrap_or(0) > at,
        "the recap comes last"
    );
}

#[test]
fn import_reports_a_corrupt_line_and_loads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let file = snapshot_file(dir.path());
    let out = import(dir.path(), &file);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("snapshots.jsonl:3: skipped: invalid input: truncated JSON"),
        "{stderr}"
    );
    assert!(stdout.contains("imported 48 snapshots"), "{stdout}");
    assert!(stdout.contains("1 bad lines skipped"), "{stdout}");
    assert!(
        stdout.contains("closed 2026-11-25: 48 of 48 snapshots"),
        "{stdout}"
    );
    // Importing again replaces the slots instead of counting them twice.
    let before = watchtime(dir.path(), None, &["report", "2026-11-25", "--json"]);
    assert!(before.status.success(), "{}", text(&before.stderr));
    let again = import(dir.path(), &file);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("imported 48 snapshots"),
        "{}",
        text(&again.stdout)
    );
    let after = watchtime(dir.path(), None, &["report", "2026-11-25", "--json"]);
    assert!(after.status.success(), "{}", text(&after.stderr));
    let report: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(report["slots_observed"], 48, "{report}");
    assert_eq!(text(&before.stdout), text(&after.stdout));
}

#[test]
fn report_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = snapshot_file(dir.path());
    let out = import(dir.path(), &file);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = watchtime(
        dir.path(),
        None,
        &["report", "2026-11-25", "--json", "--top", "3"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report --json is JSON");
    assert_eq!(v["from"], "2026-11-25");
    assert_eq!(v["to"], "2026-11-25");
    assert_eq!(v["slots_observed"], 48);
    assert_eq!(v["slots_expected"], 48);
    for list in ["games", "streamers"] {
        let entries = v[list]
            .as_array()
            .unwrap_or_else(|| panic!("{list} is an array: {v}"));
        assert_eq!(entries.len(), 3);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e["rank"], i + 1);
            assert!(e["id"].is_string() && e["name"].is_string(), "{e}");
            let vm = e["viewer_minutes"].as_u64().unwrap();
            assert!(
                (e["hours"].as_f64().unwrap() - vm as f64 / 60.0).abs() < 0.01,
                "{e}"
            );
            assert!(e["airtime_minutes"].as_u64().unwrap() >= 30);
            assert!(e["peak_viewers"].as_u64().unwrap() > 50);
            // Only one day is stored: nothing to compare with.
            assert!(e["previous_rank"].is_null(), "{e}");
        }
        let vms: Vec<u64> = entries
            .iter()
            .map(|e| e["viewer_minutes"].as_u64().unwrap())
            .collect();
        assert!(vms.windows(2).all(|w| w[0] >= w[1]), "{vms:?}");
    }

    // The streamers of the top game, under "streamers", with the game named.
    let top_game = v["games"][0]["name"].as_str().unwrap().to_owned();
    let out = watchtime(
        dir.path(),
        None,
        &[
            "report",
            "2026-11-25",
            "--json",
            "--game",
            &top_game.to_uppercase(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(g["game"]["name"], top_game.as_str());
    assert!(g.get("games").is_none());
    assert!(!g["streamers"].as_array().unwrap().is_empty());

    let out = watchtime(
        dir.path(),
        None,
        &[
            "report",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-25",
            "--json",
        ],
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r["slots_observed"].as_u64(), r["days_not_closed"].as_u64()),
        (Some(48), Some(1))
    );
    // The table says the 48 snapshots are those of the one closed day of two.
    let out = watchtime(
        dir.path(),
        None,
        &["report", "--from", "2026-11-24", "--to", "2026-11-25"],
    );
    assert!(
        text(&out.stdout).starts_with(
            "Top games, 2026-11-24 to 2026-11-25 (data for 1 of 2 days: 48 of 48 snapshots)"
        ),
        "{}",
        text(&out.stdout)
    );

    let out = watchtime(
        dir.path(),
        None,
        &["report", "2026-11-25", "--game", "no such game at all"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no game named"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ask_close_day_and_a_dry_run_post() {
    let dir = tempfile::tempdir().unwrap();
    let file = snapshot_file(dir.path());
    let now = ["--now", "2026-11-26T23:00:00Z"];
    let import = watchtime(
        dir.path(),
        None,
        &[&now[..], &["import", "--no-close", file.to_str().unwrap()]].concat(),
    );
    assert!(import.status.success());
    let refused = watchtime(
        dir.path(),
        None,
        &[&now[..], &["post", "--dry-run"]].concat(),
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("watchtime close-day 2026-11-25"),
        "{}",
        text(&refused.stderr)
    );

    let closed = watchtime(dir.path(), None, &[&now[..], &["close-day"]].concat());
    assert!(closed.status.success(), "{}", text(&closed.stderr));
    assert!(text(&closed.stdout).starts_with("closed 2026-11-25: 48 of 48 snapshots"));

    let dry = watchtime(
        dir.path(),
        None,
        &[&now[..], &["post", "--dry-run"]].concat(),
    );
    let stdout = text(&dry.stdout);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert_eq!(stdout.matches("console · ").count(), 3, "{stdout}");
    assert!(stdout.contains("Most watched games on Twitch, Wed 25 Nov"));

    let ask = watchtime(
        dir.path(),
        None,
        &[&now[..], &["ask", "'); DROP TABLE samples;--"]].concat(),
    );
    assert!(ask.status.success());
    assert!(text(&ask.stdout).contains("I know no game or streamer by that name"));
    let report = watchtime(dir.path(), None, &["report", "2026-11-25"]);
    assert!(
        text(&report.stdout).starts_with("Top games, 2026-11-25 (48 of 48 snapshots)"),
        "{}",
        text(&report.stdout)
    );
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "zone = \"America/Los_Angeles\"\nslot_minutes = \"thirty\"\n",
    )
    .unwrap();
    let out = watchtime(dir.path(), None, &["--config", "bad.toml", "report"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("config file bad.toml is not valid") && stderr.contains("slot_minutes"),
        "{stderr}"
    );

    let out = watchtime(
        dir.path(),
        None,
        &["--database", "mysql://root:hunter2@db/x", "report"],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("mysql://root:***@db/x") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    let out = watchtime(dir.path(), None, &["--zone", "Mars/Olympus", "report"]);
    assert!(
        text(&out.stderr).contains("not an IANA time zone"),
        "{}",
        text(&out.stderr)
    );
}

/// Dates no sweep can have (year 1, 1969, 9999) are bad lines, and ids Twitch never sends drop
/// their stream; the good lines and streams still load, and no impossible day is closed.
#[test]
fn import_refuses_impossible_dates_and_ids() {
    let dir = tempfile::tempdir().unwrap();
    let stream = |user_id: &str, game_id: &str| {
        serde_json::json!({"user_id": user_id, "user_login": "a", "user_name": "A",
            "game_id": game_id, "game_name": "Chess", "viewer_count": 500})
    };
    let line = |taken_at: &str, streams: Vec<serde_json::Value>| {
        serde_json::json!({"taken_at": taken_at, "complete": true, "streams": streams}).to_string()
    };
    let lines = [
        line("2026-11-25T17:00:05Z", vec![stream("1", "743")]),
        line("0001-01-01T00:00:00Z", vec![stream("1", "743")]),
        line("1969-12-31T23:59:59Z", vec![stream("1", "743")]),
        line("9999-12-31T23:59:59Z", vec![stream("1", "743")]),
        line(
            "2026-11-25T17:30:05Z",
            vec![
                stream("1", "743"),
                stream("2\u{202E}", "743"),
                stream("3\u{0}", "743"),
                stream("4", "x"),
            ],
        ),
    ];
    let path = dir.path().join("snapshots.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = import(dir.path(), &path);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    for want in [
        "snapshots.jsonl:2: skipped: invalid input: taken_at 0001-01-01T00:00:00+00:00 is before 2011, when Twitch began",
        "snapshots.jsonl:3: skipped: invalid input: taken_at 1969-12-31T23:59:59+00:00 is before 2011",
        "snapshots.jsonl:4: skipped: invalid input: taken_at 9999-12-31T23:59:59+00:00 is more than a day after now",
        "snapshots.jsonl:5: 3 stream(s) dropped: a user_id or game_id that is not a Twitch id",
    ] {
        assert!(stderr.contains(want), "{want:?} missing from:\n{stderr}");
    }
    assert!(
        stdout.starts_with(
            "imported 2 snapshots (2 streams kept, 0 at or below 50 viewers, 0 duplicates dropped, \
             3 with a malformed id dropped); 3 bad lines skipped"
        ),
        "{stdout}"
    );
    let closed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("closed "))
        .collect();
    assert_eq!(closed, ["closed 2026-11-25: 2 of 48 snapshots"], "{stdout}");
}

/// One line of JSON Lines: Alpha (id 1) live in Chess with `viewers`, at `taken_at`.
fn alpha_line(taken_at: &str, viewers: u32) -> String {
    format!(
        r#"{{"taken_at": "{taken_at}", "complete": true, "streams": [{{"user_id": "1", "user_login": "alpha", "user_name": "Alpha", "game_id": "743", "game_name": "Chess", "viewer_count": {viewers}}}]}}"#
    )
}

/// The issue's scenario: a snapshot at 30 minutes, then one at 15 minutes inside its span. The
/// second is refused with its line number and both lengths, so the span counts once; closing
/// the day under a 1-minute setting still expects the 48 slots it was collected at.
#[test]
fn mixed_slot_lengths_count_a_span_once() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, line: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, line + "\n").unwrap();
        path
    };
    let run = |args: &[&str]| {
        let mut all = vec!["--now", "2026-11-27T00:00:00Z"];
        all.extend_from_slice(args);
        watchtime(dir.path(), None, &all)
    };
    let at30 = write("at30.jsonl", alpha_line("2026-11-25T16:00:05Z", 1000));
    let out = run(&["--slot-minutes", "30", "import", at30.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("closed 2026-11-25: 1 of 48 snapshots"),
        "{}",
        text(&out.stdout)
    );

    let at15 = write("at15.jsonl", alpha_line("2026-11-25T16:15:05Z", 1000));
    let out = run(&["--slot-minutes", "15", "import", at15.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "at15.jsonl:1: skipped: invalid input: a 15-minute snapshot of 2026-11-25 16:15 UTC \
             overlaps the stored 30-minute snapshot of 2026-11-25 16:00 UTC"
        ),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["--slot-minutes", "1", "close-day", "2026-11-25"]);
    assert_eq!(
        text(&out.stdout),
        "closed 2026-11-25: 1 of 48 snapshots (0 incomplete), 1 streamer-game totals\n",
        "{}",
        text(&out.stderr)
    );
    let out = run(&["report", "2026-11-25", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let alpha = &report["streamers"][0];
    assert_eq!(
        (
            &alpha["viewer_minutes"],
            &alpha["airtime_minutes"],
            &report["slots_expected"]
        ),
        (
            &serde_json::json!(30_000),
            &serde_json::json!(30),
            &serde_json::json!(48)
        )
    );
}
