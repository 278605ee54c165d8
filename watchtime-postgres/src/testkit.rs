//! Fresh databases on a running PostgreSQL server, for tests (feature `testkit`).
//!
//! Each [`TestDatabase`] is a new database named `watchtime_test_<unix seconds>_…`, created
//! through the admin URL in `WATCHTIME_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped when the value is dropped. Test
//! databases left behind by a killed run are dropped by the next run once an hour old.
//! `WATCHTIME_TEST_KEEP_DATABASES=1` keeps them, to look inside after a failure.
//!
//! The databases use a linguistic ICU collation (`en-US`) where the server has ICU, so a query
//! that sorts names without `COLLATE "C"` fails the conformance suite instead of passing by
//! luck on a server whose default locale happens to be `C`.
//!
//! Without a reachable server every helper panics, saying how to provide one: these tests fail,
//! they never skip.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::error::redact_url;
use crate::store::PostgresStore;

/// The variable naming the admin URL: a role that may create databases, and a database to
/// connect to while doing so.
pub const ADMIN_URL_VAR: &str = "WATCHTIME_TEST_POSTGRES_URL";

/// The admin URL when [`ADMIN_URL_VAR`] is unset.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// What a test says when there is no server to test against.
pub const NEEDS_POSTGRES: &str = "these tests need PostgreSQL: start one, or set \
     WATCHTIME_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/postgres";

const PREFIX: &str = "watchtime_test_";

/// Test databases older than this (by the time in their name) belong to a run that died.
const STALE_AFTER_SECS: u64 = 3600;

/// The admin URL in use.
pub fn admin_url() -> String {
    std::env::var(ADMIN_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned())
}

/// A database of its own for one test, dropped (connections and all) when this is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
    admin: PgConnectOptions,
}

impl TestDatabase {
    /// Creates a fresh, empty database (no migrations applied).
    ///
    /// # Panics
    ///
    /// If the server cannot be reached or refuses to create the database.
    pub async fn create() -> TestDatabase {
        let admin_url = admin_url();
        let admin = PgConnectOptions::from_str(&admin_url).unwrap_or_else(|e| {
            panic!(
                "{NEEDS_POSTGRES} ({ADMIN_URL_VAR} is not a PostgreSQL URL: {e}: {})",
                redact_url(&admin_url)
            )
        });
        let mut conn = PgConnection::connect_with(&admin)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{NEEDS_POSTGRES} (cannot connect to {}: {e})",
                    redact_url(&admin_url)
                )
            });
        static SWEPT: AtomicBool = AtomicBool::new(false);
        if !SWEPT.swap(true, Ordering::SeqCst) {
            drop_stale(&mut conn).await;
        }
        let name = unique_name();
        // The name is ours, made of [a-z0-9_] only; identifiers cannot be bound as parameters.
        let icu = format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
        );
        if sqlx::query(AssertSqlSafe(icu))
            .execute(&mut conn)
            .await
            .is_err()
        {
            // No ICU in this server: its default collation will do.
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        }
        let _ = conn.close().await;
        let mut url = url::Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("{ADMIN_URL_VAR} is not a URL: {e}"));
        url.set_path(&name);
        TestDatabase {
            name,
            url: url.to_string(),
            admin,
        }
    }

    /// [`TestDatabase::create`] for a test without a runtime (one that runs the binary).
    pub fn create_blocking() -> TestDatabase {
        on_own_runtime(TestDatabase::create())
    }

    /// The database's URL (with the admin URL's credentials).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDatabase")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url))
            .finish()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if std::env::var_os("WATCHTIME_TEST_KEEP_DATABASES").is_some_and(|v| v == "1") {
            eprintln!("keeping test database {}", self.name);
            return;
        }
        // Drop may run inside the test's runtime, which cannot be blocked on: use another.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = on_own_runtime(async move {
            let mut conn = PgConnection::connect_with(&admin).await?;
            drop_database(&mut conn, &name).await
        });
        if let Err(e) = dropped {
            eprintln!(
                "could not drop test database {}: {e} (the next run drops it once stale)",
                self.name
            );
        }
    }
}

/// A store migrated into a [`TestDatabase`] of its own, which is dropped with the store's last
/// clone.
///
/// # Panics
///
/// As [`TestDatabase::create`], or if connecting or migrating fails.
pub async fn fresh_store() -> PostgresStore {
    let database = TestDatabase::create().await;
    let mut store = PostgresStore::connect(database.url())
        .await
        .unwrap_or_else(|e| panic!("cannot open the test database {}: {e}", database.name()));
    store.test_database = Some(Arc::new(database));
    store
}

/// Runs `work` to completion on a runtime of its own, in a thread of its own.
fn on_own_runtime<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start a tokio runtime: {e}"));
        runtime.block_on(work)
    });
    match thread.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// `watchtime_test_<unix seconds>_<pid>_<counter>_<random>`: unique across runs and machines
/// sharing a server, and dated for [`drop_stale`].
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let secs = unix_now();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one(n) & 0xffff;
    format!("{PREFIX}{secs}_{}_{n}_{random:04x}", std::process::id())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The creation time written in a test database's name.
fn created_at(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.split('_').next()?.parse().ok()
}

async fn drop_database(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
        name.replace('"', "\"\"")
    )))
    .execute(conn)
    .await
    .map(drop)
}

/// Drops the test databases of runs that died without cleaning up.
async fn drop_stale(conn: &mut PgConnection) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
    )
    .bind(PREFIX)
    .fetch_all(&mut *conn)
    .await
    {
        Ok(names) => names,
        Err(e) => {
            eprintln!("cannot list stale test databases: {e}");
            return;
        }
    };
    let now = unix_now();
    for name in names {
        if created_at(&name).is_some_and(|t| now.saturating_sub(t) > STALE_AFTER_SECS)
            && let Err(e) = drop_database(conn, &name).await
        {
            eprintln!("cannot drop stale test database {name}: {e}");
        }
    }
}

/// Whether Nagle's algorithm is off on the TCP socket of `conn`, as the store sets it on every
/// connection of its pool (see [`crate::disable_nagle`]).
///
/// # Errors
///
/// If asking the server for the connection's client port fails.
pub async fn nagle_disabled(conn: &mut sqlx::PgConnection) -> sqlx::Result<bool> {
    crate::nodelay::is_disabled(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dated_and_unique() {
        let (a, b) = (unique_name(), unique_name());
        assert_ne!(a, b);
        assert!(a.len() < 63, "{a} fits a PostgreSQL identifier");
        let t = created_at(&a).expect("dated");
        assert!(unix_now() - t < 5);
        assert_eq!(created_at("watchtime_other"), None);
    }
}
