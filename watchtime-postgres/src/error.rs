//! Errors of the PostgreSQL store.
//!
//! No error holds the password: connection errors name the server and database only, and an
//! unparsable URL is shown with its credentials replaced (see [`redact_url`]). A variant with a
//! cause says only its own part; the driver's error is its [`std::error::Error::source`] (print
//! the chain with [`watchtime_core::ErrorChain`]).

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
        /// What went wrong, in a few words ("connection refused"), from the driver's error.
        reason: String,
        /// The driver's error, for inspection; `None` when the attempt timed out. Not the
        /// `source`: `reason` already says what it says, and a printed chain says it once.
        driver: Option<sqlx::Error>,
    },
    /// Applying the embedded migrations failed.
    #[error("migrating the PostgreSQL database failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("PostgreSQL query failed")]
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
            PostgresError::Connect { driver, .. } => driver.as_ref().is_none_or(transient),
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
            PostgresError::Pruned(day) => CoreError::pruned(day),
            PostgresError::InvalidUrl { .. } => CoreError::invalid(e.to_string()),
            e if e.is_transient() => CoreError::unavailable_from("postgres", e),
            e => CoreError::backend("postgres", e),
        }
    }
}

/// Query parameters known to carry no secret: PostgreSQL's connection settings (libpq's and
/// sqlx's names) and SQLite's open flags. Every other parameter's value is hidden.
const PLAIN_PARAMETERS: &[&str] = &[
    "application_name",
    "cache",
    "channel_binding",
    "connect_timeout",
    "dbname",
    "host",
    "hostaddr",
    "immutable",
    "load_balance_hosts",
    "mode",
    "options",
    "port",
    "sslcert",
    "sslkey",
    "sslmode",
    "sslnegotiation",
    "sslrootcert",
    "statement-cache-capacity",
    "target_session_attrs",
    "user",
    "vfs",
];

/// A database URL safe to print or log: the password of `user:password@` and the value of every
/// query parameter that may carry a credential (`password`, `sslpassword`, any name not known to
/// be plain) replaced by `***`. A URL with nothing to hide is returned as written; one too broken
/// to parse is withheld whole, since where its secrets start cannot be told.
pub fn redact_url(url: &str) -> String {
    const WITHHELD: &str = "<URL withheld>";
    let Ok(mut parsed) = url::Url::parse(url) else {
        return WITHHELD.to_owned();
    };
    let mut changed = false;
    if parsed.password().is_some() {
        if parsed.set_password(Some("***")).is_err() {
            return WITHHELD.to_owned();
        }
        changed = true;
    }
    if let Some(query) = parsed.query().map(str::to_owned) {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| {
                let name = url::form_urlencoded::parse(pair.as_bytes())
                    .next()
                    .map(|(name, _)| name.to_ascii_lowercase())
                    .unwrap_or_default();
                match pair.split_once('=') {
                    Some((raw_name, _)) if !PLAIN_PARAMETERS.contains(&name.as_str()) => {
                        format!("{raw_name}=***")
                    }
                    _ => pair.to_owned(),
                }
            })
            .collect();
        let redacted = pairs.join("&");
        if redacted != query {
            parsed.set_query(Some(&redacted));
            changed = true;
        }
    }
    if changed {
        parsed.to_string()
    } else {
        url.to_owned()
    }
}

/// `Result` with [`PostgresError`].
pub(crate) type Result<T, E = PostgresError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_every_credential_and_nothing_else() {
        let cases = [
            (
                "postgres://bot:s3cret@db.example:5432/watchtime?sslmode=require",
                "postgres://bot:***@db.example:5432/watchtime?sslmode=require",
            ),
            ("postgres://bot@db/wt", "postgres://bot@db/wt"),
            ("postgres://u:p@h", "postgres://u:***@h"),
            (
                "postgres://postgres@127.0.0.1:5433/x?password=s3cret",
                "postgres://postgres@127.0.0.1:5433/x?password=***",
            ),
            (
                "postgresql://bot@db/wt?sslmode=verify-full&sslpassword=s3cret&application_name=wt",
                "postgresql://bot@db/wt?sslmode=verify-full&sslpassword=***&application_name=wt",
            ),
            (
                "postgres://bot@db/wt?PassWord=s3cret&api_token=s3cret&flag",
                "postgres://bot@db/wt?PassWord=***&api_token=***&flag",
            ),
            (
                "postgres://bot:s3cret@localhost/wt?host=/var/run/postgresql&password=s3cret",
                "postgres://bot:***@localhost/wt?host=/var/run/postgresql&password=***",
            ),
            ("sqlite://watchtime.db", "sqlite://watchtime.db"),
            ("sqlite:data/w.db?mode=rwc", "sqlite:data/w.db?mode=rwc"),
            ("sqlite::memory:", "sqlite::memory:"),
            ("mysql://root:s3cret@db/x", "mysql://root:***@db/x"),
            ("not a url s3cret", "<URL withheld>"),
        ];
        for (url, want) in cases {
            let got = redact_url(url);
            assert_eq!(got, want, "{url}");
            assert!(!got.contains("s3cret"), "{got}");
        }
    }

    #[test]
    fn unreachable_servers_are_unavailable_not_broken() {
        let refused = PostgresError::Connect {
            server: "127.0.0.1:1".into(),
            database: "watchtime".into(),
            reason: "connection refused".into(),
            driver: Some(sqlx::Error::Io(
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
