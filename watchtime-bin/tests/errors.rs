//! What a failing command prints: one line, each layer's part once, with what to do.

#![allow(clippy::unwrap_used)]

mod support;

use support::{Run, command};

/// The store names the file, the driver the reason, once each (it was three times).
#[test]
fn a_broken_database_file_says_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.db"), "x".repeat(4096)).unwrap();
    let mut cmd = command(dir.path());
    cmd.args(["--database", "sqlite://bad.db", "report"]);
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: cannot open the store sqlite://bad.db: cannot open SQLite database bad.db: \
         error returned from database: (code: 26) file is not a database\n"
    );
}

/// `sqlite://` names no file: said up front, instead of "no such table: day_status" four times.
#[test]
fn a_database_url_without_a_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.args(["report"]).env("DATABASE_URL", "sqlite://");
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: cannot open the store sqlite://: invalid SQLite URL \"sqlite://\": it names no \
         file; use sqlite://FILE (e.g. sqlite://watchtime.db), or sqlite::memory: for a database \
         that is gone when the process ends\n"
    );
}
