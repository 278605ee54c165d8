//! Errors of the PostgreSQL store.
//!
//! No error holds the password: connection errors name the server and database only, and an
//! unparsable URL is shown with its password replaced (see [`redact`]).

use watchtime_core::Error as CoreError;

/// What can go wrong in the PostgreSQL store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostgresError {
    /// The database URL could not be parsed.
    #[error("invalid PostgreSQL URL {url}: {reason}")]
    InvalidUrl {
        /// The URL with its password replaced by `***`.
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// No connection could be made: the server is down or unreachable, refused the login, or
    /// has no such database.
    #[error("cannot connect to PostgreSQL at {server} (database {database}): {reason}")]
    Connect {
        /// `host:port`, or the Unix socket.
        server: String,
        /// The database name.
        database: String,
        /// What went wrong, in a few words ("connection refused").
        reason: String,
        /// The driver's error; `None` when the attempt timed out.
        #[source]
        source: Option<sqlx::Error>,
    },
    /// Applying the embedded migrations failed.
    #[error("migrating the PostgreSQL database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("PostgreSQL query failed: {0}")]
    Query(#[from] sqlx::Error),
    /// A stored value cannot be read back (a corrupt or foreign database).
    #[error("the PostgreSQL database holds an unreadable value: {0}")]
    Corrupt(String),
    /// A day's samples were pruned, so closing it again would lose its totals.
    #[error("the raw samples of day {0} were pruned; its stored totals are kept as they are")]
    Pruned(watchtime_core::Day),
}

/// SQLSTATEs worth a retry: the server is going away or starting, too busy, or this
/// transaction lost a serialization race or a deadlock.
const TRANSIENT_STATES: [&str; 6] = [
    "57P01", // admin_shutdown
    "57P02", // crash_shutdown
    "57P03", // cannot_connect_now
    "53300", // too_many_connections
    "40001", // serialization_failure
    "40P01", // deadlock_detected
];

/// Whether a driver error is worth a retry.
fn transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // Class 08 is "connection exception" (the link broke mid-query).
            code.starts_with("08") || TRANSIENT_STATES.contains(&code.as_ref())
        }),
        _ => false,
    }
}

impl PostgresError {
    /// Whether the failure is transient: the server is unreachable, restarting or overloaded,
    /// the pool timed out, the connection broke, or a transaction hit a serialization failure or
    /// a deadlock. A retry later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            PostgresError::Query(e) => transient(e),
            // A timed-out attempt has no driver error: the server did not answer in time.
            PostgresError::Connect { source, .. } => source.as_ref().is_none_or(transient),
            PostgresError::Migrate(sqlx::migrate::MigrateError::Execute(e))
            | PostgresError::Migrate(sqlx::migrate::MigrateError::ExecuteMigration(e, _)) => {
                transient(e)
            }
            _ => false,
        }
    }
}

impl From<PostgresError> for CoreError {
    fn from(e: PostgresError) -> Self {
        match e {
            PostgresError::Pruned(_) | PostgresError::InvalidUrl { .. } => {
                CoreError::invalid(e.to_string())
            }
            e if e.is_transient() => CoreError::Unavailable {
                service: "postgres",
                message: e.to_string(),
                source: Some(Box::new(e)),
            },
            e => CoreError::backend("postgres", e),
        }
    }
}

/// `url` with its password, if any, replaced by `***`; a URL too broken to parse is withheld
/// whole, since where its password starts cannot be told.
pub(crate) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
                return "<URL withheld>".to_owned();
            }
            parsed.to_string()
        }
        Err(_) => "<URL withheld>".to_owned(),
    }
}

/// `Result` with [`PostgresError`].
pub(crate) type Result<T, E = PostgresError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(
            redact("postgres://bot:s3cret@db.example:5432/watchtime?sslmode=require"),
            "postgres://bot:***@db.example:5432/watchtime?sslmode=require"
        );
        assert_eq!(redact("postgres://bot@db/wt"), "postgres://bot@db/wt");
        assert_eq!(redact("not a url s3cret"), "<URL withheld>");
    }

    #[test]
    fn unreachable_servers_are_unavailable_not_broken() {
        let refused = PostgresError::Connect {
            server: "127.0.0.1:1".into(),
            database: "watchtime".into(),
            reason: "connection refused".into(),
            source: Some(sqlx::Error::Io(
                std::io::ErrorKind::ConnectionRefused.into(),
            )),
        };
        assert!(refused.is_transient());
        assert!(matches!(
            CoreError::from(refused),
            CoreError::Unavailable {
                service: "postgres",
                ..
            }
        ));
        assert!(PostgresError::Query(sqlx::Error::PoolTimedOut).is_transient());
        let corrupt = PostgresError::Corrupt("day".into());
        assert!(!corrupt.is_transient());
        assert!(matches!(
            CoreError::from(corrupt),
            CoreError::Backend {
                service: "postgres",
                ..
            }
        ));
    }
}
