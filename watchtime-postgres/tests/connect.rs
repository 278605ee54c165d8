//! Connecting: clear errors that name the server and database, and never the password.

use std::time::Instant;

use watchtime_postgres::testkit::{TestDatabase, admin_url};
use watchtime_postgres::{CONNECT_TIMEOUT, PostgresError, PostgresStore};

const PASSWORD: &str = "Pw-never-shown-7f3a";

/// Every way an error can be printed, as the binary and the logs would print it.
fn printed(e: &PostgresError) -> String {
    format!("{e}\n{e:?}")
}

fn assert_no_password(text: &str) {
    assert!(!text.contains(PASSWORD), "the password leaked: {text}");
}

/// The admin URL pointed at `database`, with a password (the test server trusts local logins,
/// so the password is carried but never checked).
fn url_with_password(database: &str) -> String {
    let mut url = url::Url::parse(&admin_url()).expect("admin URL");
    url.set_password(Some(PASSWORD)).expect("password");
    url.set_path(database);
    url.to_string()
}

#[tokio::test]
async fn a_down_server_fails_fast_naming_host_and_database() {
    let url = format!("postgres://bot:{PASSWORD}@127.0.0.1:5999/watchtime");
    let started = Instant::now();
    let err = PostgresStore::connect(&url)
        .await
        .expect_err("nothing listens on 5999");
    assert!(
        started.elapsed() < CONNECT_TIMEOUT,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        "cannot connect to PostgreSQL at 127.0.0.1:5999 (database watchtime): connection refused"
    );
    assert!(err.is_transient());
    assert_no_password(&printed(&err));
    let core = watchtime_core::Error::from(err);
    assert!(core.is_retryable(), "{core:?}");
    assert_no_password(&format!("{core}\n{core:?}"));
}

#[tokio::test]
async fn a_missing_database_is_named_and_not_retried() {
    let url = url_with_password("watchtime_no_such_database");
    let err = PostgresStore::connect(&url)
        .await
        .expect_err("no such database");
    let text = err.to_string();
    assert!(
        text.contains("(database watchtime_no_such_database)") && text.contains("does not exist"),
        "{text}"
    );
    assert!(!err.is_transient());
    assert_no_password(&printed(&err));
    let core = watchtime_core::Error::from(err);
    assert!(!core.is_retryable());
    assert_no_password(&format!("{core}\n{core:?}"));
}

#[tokio::test]
async fn a_bad_url_is_shown_without_its_password() {
    for url in [
        format!("postgres://bot:{PASSWORD}@db.example:5432/watchtime?sslmode=sometimes"),
        format!("postgres://bot:{PASSWORD}@db.example:notaport/watchtime"),
        format!("postgres://bot@db.example:5432/watchtime?password={PASSWORD}&sslmode=sometimes"),
        format!(
            "postgres://bot@db.example:5432/watchtime?sslmode=sometimes&sslpassword={PASSWORD}"
        ),
    ] {
        let err = PostgresStore::connect(&url).await.expect_err("bad URL");
        assert!(
            matches!(err, PostgresError::InvalidUrl { .. }),
            "{url}: {err:?}"
        );
        assert_no_password(&printed(&err));
        let core = watchtime_core::Error::from(err);
        assert_no_password(&watchtime_core::ErrorChain(&core).to_string());
    }
}

/// A password given as a query parameter stays out of every printed form too.
#[tokio::test]
async fn a_password_parameter_never_prints() {
    let url = format!("postgres://bot@127.0.0.1:5999/watchtime?password={PASSWORD}");
    let err = PostgresStore::connect(&url)
        .await
        .expect_err("nothing listens on 5999");
    assert_no_password(&printed(&err));
    let core = watchtime_core::Error::from(err);
    let chain = watchtime_core::ErrorChain(&core).to_string();
    assert_no_password(&chain);
    assert_eq!(
        chain,
        "postgres is temporarily unavailable: cannot connect to PostgreSQL at 127.0.0.1:5999 \
         (database watchtime): connection refused"
    );
}

#[tokio::test]
async fn a_connected_store_debugs_without_its_password() {
    let database = TestDatabase::create().await;
    let store = PostgresStore::connect(&url_with_password(database.name()))
        .await
        .expect("connect");
    let debug = format!("{store:?}");
    assert!(debug.contains(database.name()), "{debug}");
    assert_no_password(&debug);
    assert_no_password(&format!("{database:?}"));
    // Migrating again is a no-op.
    store.migrate().await.expect("migrate again");
    store.close().await;
}

/// sqlx 0.9.0 leaves Nagle's algorithm on: the store's connections turn it off, else every
/// statement larger than a TCP segment (each ingest statement) waits ~40 ms for a delayed ACK.
/// (Linux only: elsewhere the store cannot reach sqlx's socket.)
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_store_connections_send_without_nagle_delay() {
    use sqlx::Connection;
    use watchtime_postgres::testkit::nagle_disabled;

    let db = TestDatabase::create().await;
    let store = PostgresStore::connect(db.url()).await.expect("connect");
    let mut pooled = store.pool().acquire().await.expect("a pooled connection");
    assert!(
        nagle_disabled(&mut pooled).await.expect("client port"),
        "set by the pool"
    );
    drop(pooled);
    store.close().await;

    let mut direct = sqlx::PgConnection::connect(db.url())
        .await
        .expect("connect");
    assert!(
        !nagle_disabled(&mut direct).await.expect("client port"),
        "sqlx's default"
    );
    assert!(
        watchtime_postgres::disable_nagle(&mut direct)
            .await
            .expect("client port")
    );
    assert!(nagle_disabled(&mut direct).await.expect("client port"));
    direct.close().await.expect("close");
}
