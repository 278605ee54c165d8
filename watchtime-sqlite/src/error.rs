//! Errors of the SQLite store.

use watchtime_core::Error as CoreError;

/// What can go wrong in the SQLite store.
///
/// A variant with a cause says only its own part; the driver's error is its
/// [`std::error::Error::source`] (print the chain with [`watchtime_core::ErrorChain`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// The database URL could not be parsed.
    #[error("invalid SQLite URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given (SQLite URLs hold no secrets).
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The database file could not be opened or created.
    #[error("cannot open SQLite database {path}")]
    Open {
        /// The file.
        path: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying the embedded migrations failed.
    #[error("migrating the SQLite database failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("SQLite query failed")]
    Query(#[from] sqlx::Error),
    /// A stored value cannot be read back (a corrupt or foreign database).
    #[error("the SQLite database holds an unreadable value: {0}")]
    Corrupt(String),
    /// A day's samples were pruned, so closing it again would lose its totals.
    #[error("the raw samples of day {0} were pruned; its stored totals are kept as they are")]
    Pruned(watchtime_core::Day),
}

impl SqliteError {
    /// Whether the failure is transient: the database is busy or locked, the pool timed out, or
    /// the disk hiccupped.
    pub fn is_transient(&self) -> bool {
        match self {
            SqliteError::Query(e) | SqliteError::Open { source: e, .. } => match e {
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
                sqlx::Error::Database(db) => {
                    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                    db.code()
                        .and_then(|c| c.parse::<i32>().ok())
                        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
                }
                _ => false,
            },
            _ => false,
        }
    }
}

impl From<SqliteError> for CoreError {
    fn from(e: SqliteError) -> Self {
        match e {
            SqliteError::Pruned(day) => CoreError::pruned(day),
            SqliteError::InvalidUrl { .. } => CoreError::invalid(e.to_string()),
            e if e.is_transient() => CoreError::unavailable_from("sqlite", e),
            e => CoreError::backend("sqlite", e),
        }
    }
}

/// `Result` with [`SqliteError`].
pub(crate) type Result<T, E = SqliteError> = std::result::Result<T, E>;
