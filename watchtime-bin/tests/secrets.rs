//! Secrets stay secret in what the binary prints: help, errors and logs; and every secret has
//! one source.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use support::{Run, command};
use watchtime_postgres::testkit::TestDatabase;
use watchtime_twitch::fake::HelixFake;

const SECRET: &str = "pw-SECRET-8d1e";

#[test]
fn help_never_shows_the_database_password() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["report", "--help"][..],
        &["run", "--help"][..],
    ] {
        let mut cmd = command(dir.path());
        cmd.args(args).env(
            "DATABASE_URL",
            format!("postgres://bot:{SECRET}@db/x?password={SECRET}"),
        );
        let run = Run::of(cmd).ok();
        assert!(
            run.stdout.contains("[env: DATABASE_URL]"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains(SECRET), "{args:?}: {}", run.stdout);
    }
}

/// `DATABASE_URL` beside `DATABASE_URL_FILE` is ambiguous, as for every secret: refused, even
/// though clap reads `DATABASE_URL` itself.
#[test]
fn the_database_url_and_its_file_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("database_url");
    std::fs::write(&file, "sqlite://from-file.db\n").unwrap();
    let mut cmd = command(dir.path());
    cmd.arg("migrate")
        .env("DATABASE_URL", "sqlite://from-env.db")
        .env("DATABASE_URL_FILE", &file);
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("both DATABASE_URL and DATABASE_URL_FILE are set; set only one"),
        "{run:#?}"
    );
    assert!(!dir.path().join("from-env.db").exists());

    let mut cmd = command(dir.path());
    cmd.arg("migrate").env("DATABASE_URL_FILE", &file);
    let run = Run::of(cmd).ok();
    assert!(
        run.stdout.contains("sqlite://from-file.db is migrated"),
        "{run:#?}"
    );
}

/// A password given as a query parameter (`?password=`, `?sslpassword=`) is hidden like one in
/// `user:password@`: in errors, and in the daemon's `starting` log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_parameter_is_redacted_in_errors_and_logs() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.arg("report").env(
        "DATABASE_URL",
        format!(
            "postgres://bot@127.0.0.1:1/x?sslmode=prefer&password={SECRET}&sslpassword={SECRET}"
        ),
    );
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let error = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap();
    assert!(
        error.starts_with(
            "error: cannot open the store \
             postgres://bot@127.0.0.1:1/x?sslmode=prefer&password=***&sslpassword=***: "
        ),
        "{run:#?}"
    );
    // sqlx logs a parameter it does not know with its value: the store drops it first.
    assert!(run.stderr.contains("sslpassword"), "{run:#?}");
    assert!(!run.stderr.contains(SECRET), "{run:#?}");

    // The local server trusts the login, so the password is carried and ignored.
    let database = TestDatabase::create().await;
    let url = format!("{}?password={SECRET}", database.url());
    let fake = HelixFake::start().await.with_streams(10, 100);
    let mut child = command(dir.path())
        .args(["run"])
        .env("DATABASE_URL", &url)
        .env("TWITCH_CLIENT_ID", HelixFake::CLIENT_ID)
        .env("TWITCH_CLIENT_SECRET", HelixFake::CLIENT_SECRET)
        .env("WATCHTIME_TWITCH_API_URL", fake.api_url())
        .env("WATCHTIME_TWITCH_AUTH_URL", fake.auth_url())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = tokio::task::spawn_blocking(move || {
        let seen = support::stderr_until(&mut child, "starting");
        child.kill().unwrap();
        child.wait().unwrap();
        seen
    })
    .await
    .unwrap();
    let starting = log.last().unwrap();
    assert!(starting.contains("starting"), "{log:#?}");
    assert!(starting.contains("?password=***"), "{starting}");
    assert!(log.iter().all(|l| !l.contains(SECRET)), "{log:#?}");
}

/// Credentials in `MASTODON_BASE_URL` are refused before any request, and not echoed.
#[test]
fn credentials_in_the_mastodon_url_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.arg("answer")
        .env("WATCHTIME_PUBLISHER", "mastodon")
        .env(
            "MASTODON_BASE_URL",
            format!("http://bot:{SECRET}@127.0.0.1:9"),
        )
        .env("MASTODON_ACCESS_TOKEN", "token");
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.contains(
            "MASTODON_BASE_URL must not carry a user name, password or query; put the access \
             token in MASTODON_ACCESS_TOKEN"
        ),
        "{run:#?}"
    );
    assert!(!run.stderr.contains(SECRET), "{run:#?}");
}
