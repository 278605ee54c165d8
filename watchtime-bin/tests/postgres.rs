//! The built `watchtime` executable on PostgreSQL: migrate, import and report against a fresh
//! database of the server named by `WATCHTIME_TEST_POSTGRES_URL`, agreeing with SQLite to the
//! byte; and a clear, password-free error when the server is down.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::{simulated_day, text, watchtime};
use watchtime_postgres::testkit::TestDatabase;

/// A day of simulated snapshots (2026-11-25, 48 slots) as JSON Lines.
fn snapshot_file(dir: &Path) -> PathBuf {
    let lines = simulated_day(11);
    let path = dir.join("snapshots.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Imports the file into `database` and returns `report --json` of the day, for the game
/// ranking and for the streamers of its top game.
fn import_and_report(dir: &Path, database: &str, file: &Path) -> (String, String) {
    let import = watchtime(
        dir,
        Some(database),
        &[
            "--now",
            "2026-11-27T00:00:00Z",
            "import",
            file.to_str().unwrap(),
        ],
    );
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(
        text(&import.stdout).contains("closed 2026-11-25: 48 of 48 snapshots"),
        "{}",
        text(&import.stdout)
    );
    let report = watchtime(
        dir,
        Some(database),
        &["report", "2026-11-25", "--json", "--top", "10"],
    );
    assert!(report.status.success(), "{}", text(&report.stderr));
    let v: serde_json::Value = serde_json::from_slice(&report.stdout).expect("JSON");
    let top_game = v["games"][0]["name"].as_str().unwrap().to_owned();
    let of_game = watchtime(
        dir,
        Some(database),
        &["report", "2026-11-25", "--json", "--game", &top_game],
    );
    assert!(of_game.status.success(), "{}", text(&of_game.stderr));
    (text(&report.stdout), text(&of_game.stdout))
}

#[test]
fn migrate_import_and_report_match_sqlite() {
    let database = TestDatabase::create_blocking();
    let dir = tempfile::tempdir().unwrap();
    let file = snapshot_file(dir.path());

    let migrate = watchtime(dir.path(), Some(database.url()), &["migrate"]);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(
        text(&migrate.stdout).contains("is migrated and ready"),
        "{}",
        text(&migrate.stdout)
    );
    let again = watchtime(dir.path(), Some(database.url()), &["migrate"]);
    assert!(again.status.success(), "{}", text(&again.stderr));

    let postgres = import_and_report(dir.path(), database.url(), &file);
    let v: serde_json::Value = serde_json::from_str(&postgres.0).unwrap();
    assert_eq!(
        (v["slots_observed"].as_u64(), v["slots_expected"].as_u64()),
        (Some(48), Some(48))
    );
    assert_eq!(v["games"].as_array().unwrap().len(), 10);
    assert_eq!(v["streamers"].as_array().unwrap().len(), 10);

    // The same file into SQLite gives the same reports, byte for byte.
    let sqlite = import_and_report(dir.path(), "sqlite://parity.db", &file);
    assert_eq!(postgres, sqlite);

    // Importing again replaces the slots instead of counting them twice.
    assert_eq!(
        import_and_report(dir.path(), database.url(), &file),
        postgres
    );
}

#[test]
fn a_down_server_is_a_clear_error_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://bot:hunter2-secret@127.0.0.1:1/watchtime";
    for args in [&["migrate"][..], &["report"][..]] {
        let out = watchtime(dir.path(), Some(url), args);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains("postgres://bot:***@127.0.0.1:1/watchtime")
                && stderr.contains(
                    "cannot connect to PostgreSQL at 127.0.0.1:1 (database watchtime): connection refused"
                ),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{stderr}");
        assert!(!text(&out.stdout).contains("hunter2"));
    }
}

#[test]
fn an_unknown_scheme_names_both_stores() {
    let dir = tempfile::tempdir().unwrap();
    let out = watchtime(dir.path(), Some("mysql://root:hunter2@db/x"), &["migrate"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("sqlite://FILE")
            && stderr.contains("postgres://USER@HOST/DATABASE")
            && stderr.contains("mysql://root:***@db/x")
            && !stderr.contains("hunter2"),
        "{stderr}"
    );
}
