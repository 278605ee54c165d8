//! The store itself: connecting, migrating, and the raw snapshots.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection, Row};
use watchtime_core::ports::SnapshotStore;
use watchtime_core::snapshot::{Completeness, SlotSnapshot, SnapshotInfo};
use watchtime_core::{Slot, SlotLength};

use crate::codec::{first_slot_at_or_after, unsigned};
use crate::error::{PostgresError, Result, redact_url};
use crate::ingest::{stored_spans, write_snapshot};

/// The migrations embedded in the binary, applied by [`PostgresStore::connect`].
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long connecting (and, later, waiting for a pooled connection) may take before the
/// server counts as unavailable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections in the pool: the bot runs a few jobs at a time, each one query at a time.
const MAX_CONNECTIONS: u32 = 8;

/// A [`watchtime_core::Store`] on PostgreSQL.
///
/// Clones share one connection pool. Every method is one transaction (or one statement).
/// `Debug` shows the server and database, never the password.
#[derive(Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    /// The test database this store lives in, dropped with the last clone.
    #[cfg(feature = "testkit")]
    pub(crate) test_database: Option<std::sync::Arc<crate::testkit::TestDatabase>>,
}

impl PostgresStore {
    /// Connects to the database at `url` and applies pending migrations.
    ///
    /// `url` is `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]` (or
    /// `postgresql://…`); the `PG*` environment variables and `~/.pgpass` fill in what it leaves
    /// out. A server that cannot be reached fails within [`CONNECT_TIMEOUT`] with an error naming
    /// the server and database (and never the password).
    pub async fn connect(url: &str) -> Result<Self> {
        let supported = without_unknown_parameters(url);
        let mut options =
            PgConnectOptions::from_str(&supported).map_err(|e| PostgresError::InvalidUrl {
                url: redact_url(url),
                reason: e.to_string(),
            })?;
        if options.get_application_name().is_none() {
            options = options.application_name("watchtime");
        }
        tracing::trace!(
            server = %server(&options),
            database = %database(&options),
            "connecting to PostgreSQL"
        );
        // A pool retries a refused connection until its timeout and then reports only the
        // timeout; one direct attempt first tells the user what is actually wrong.
        probe(&options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(CONNECT_TIMEOUT)
            .after_connect(|conn, _| {
                Box::pin(async move { crate::nodelay::on_connect(conn).await.map(drop) })
            })
            .connect_lazy_with(options);
        let store = Self::from_pool(pool);
        store.migrate().await?;
        tracing::debug!(store = ?store, "connected to PostgreSQL");
        Ok(store)
    }

    /// A store on a pool the caller set up. Migrations are not applied: call
    /// [`PostgresStore::migrate`] (or run [`MIGRATOR`]) first if the schema may be behind.
    pub fn from_pool(pool: PgPool) -> Self {
        PostgresStore {
            pool,
            #[cfg(feature = "testkit")]
            test_database: None,
        }
    }

    /// Applies pending migrations (also done by [`PostgresStore::connect`]). Safe to run from
    /// several processes at once: sqlx serializes them with an advisory lock.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The connection pool, for queries of your own (see the `examples` crate).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options = self.pool.connect_options();
        f.debug_struct("PostgresStore")
            .field("server", &server(&options))
            .field("database", &database(&options))
            .field("connections", &self.pool.size())
            .finish_non_exhaustive()
    }
}

/// The query parameters sqlx 0.9 reads from a PostgreSQL URL. It logs any other one at WARN
/// *with its value*, which may be a credential (`sslpassword`, libpq's, is not sqlx's), so
/// [`PostgresStore::connect`] drops the others first and names them without their values.
const SQLX_PARAMETERS: &[&str] = &[
    "application_name",
    "dbname",
    "host",
    "hostaddr",
    "options",
    "password",
    "port",
    "ssl-ca",
    "ssl-cert",
    "ssl-key",
    "ssl-mode",
    "ssl-root-cert",
    "sslcert",
    "sslkey",
    "sslmode",
    "sslrootcert",
    "statement-cache-capacity",
    "user",
];

/// `url` without the query parameters sqlx does not read (see [`SQLX_PARAMETERS`]).
fn without_unknown_parameters(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let Some(query) = parsed.query().map(str::to_owned) else {
        return url.to_owned();
    };
    let mut kept = Vec::new();
    for pair in query.split('&') {
        let name = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(name, _)| name.into_owned())
            .unwrap_or_default();
        if SQLX_PARAMETERS.contains(&name.as_str()) {
            kept.push(pair);
        } else {
            tracing::warn!(parameter = %name, "ignoring a connection parameter sqlx does not support");
        }
    }
    if kept.len() == query.split('&').count() {
        return url.to_owned();
    }
    parsed.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
    parsed.to_string()
}

/// `host:port`, or the Unix socket path.
pub(crate) fn server(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

/// The database name (PostgreSQL defaults it to the user name).
pub(crate) fn database(options: &PgConnectOptions) -> String {
    options
        .get_database()
        .unwrap_or(options.get_username())
        .to_owned()
}

/// One connection attempt, bounded by [`CONNECT_TIMEOUT`], with a plain reason on failure.
async fn probe(options: &PgConnectOptions) -> Result<()> {
    let failed = |reason: String, driver: Option<sqlx::Error>| PostgresError::Connect {
        server: server(options),
        database: database(options),
        reason,
        driver,
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(options)).await {
        Ok(Ok(connection)) => {
            // The pool opens its own; this one only proved the way is clear.
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(failed(reason(&e), Some(e))),
        Err(_) => Err(failed(
            format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            None,
        )),
    }
}

/// A few words on why a connection failed.
fn reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Tls(tls) => format!("TLS failed: {tls}"),
        e => e.to_string(),
    }
}

#[async_trait]
impl SnapshotStore for PostgresStore {
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> watchtime_core::Result<()> {
        let mut tx = self.pool.begin().await.map_err(PostgresError::from)?;
        let span = snapshot.span();
        span.check_against(stored_spans(&mut tx, span).await?)?;
        write_snapshot(&mut tx, snapshot).await?;
        tx.commit().await.map_err(PostgresError::from)?;
        Ok(())
    }

    async fn snapshots(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> watchtime_core::Result<Vec<SnapshotInfo>> {
        Ok(self.snapshot_infos(from, to).await?)
    }

    async fn prune_samples(&self, before: Slot) -> watchtime_core::Result<u64> {
        Ok(self.prune(before).await?)
    }
}

impl PostgresStore {
    async fn snapshot_infos(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SnapshotInfo>> {
        let rows = sqlx::query(
            "SELECT slot, slot_minutes, taken_at, stream_count, complete, incomplete_reason
             FROM snapshots WHERE slot >= $1 AND slot < $2 ORDER BY slot",
        )
        .bind(first_slot_at_or_after(from))
        .bind(first_slot_at_or_after(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let minutes: i64 = row.try_get("slot_minutes")?;
                let length = SlotLength::from_minutes(unsigned(minutes, "slot length")?)
                    .map_err(|e| PostgresError::Corrupt(e.to_string()))?;
                let complete: bool = row.try_get("complete")?;
                let reason: Option<String> = row.try_get("incomplete_reason")?;
                Ok(SnapshotInfo {
                    slot: Slot::from_unix(row.try_get("slot")?),
                    length,
                    taken_at: row.try_get("taken_at")?,
                    streams: unsigned(row.try_get("stream_count")?, "stream count")?,
                    completeness: if complete {
                        Completeness::Complete
                    } else {
                        Completeness::Incomplete {
                            reason: reason.unwrap_or_default(),
                        }
                    },
                })
            })
            .collect()
    }

    async fn prune(&self, before: Slot) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        // The mark first: its row lock keeps a concurrent close of a day being pruned waiting
        // until it can see that the day is gone.
        sqlx::query(
            "INSERT INTO store_meta (key, value) VALUES ('pruned_before', $1)
             ON CONFLICT (key) DO UPDATE SET value = GREATEST(store_meta.value, excluded.value)",
        )
        .bind(before.unix())
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query("DELETE FROM samples WHERE slot < $1")
            .bind(before.unix())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        self.vacuum().await?;
        Ok(deleted)
    }

    /// Reclaims what a day's writes left behind and refreshes the planner's statistics, once a
    /// day (after the prune that follows closing). The server's autovacuum may be off, or behind:
    /// by default it waits until a fifth of a table is dead, which for a year of block sums is a
    /// month of updates. Without this, on a server with autovacuum off, pruned samples and replaced
    /// block rows were never reclaimed and a year grew to 15.9 GB (`BENCHMARKS.md`). `VACUUM`
    /// cannot run inside a transaction and takes no lock that blocks reads or writes.
    async fn vacuum(&self) -> Result<()> {
        sqlx::query(
            "VACUUM (ANALYZE) samples, streamer_seen, games, totals, streamer_totals, game_totals",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
