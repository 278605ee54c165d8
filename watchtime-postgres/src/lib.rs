//! # watchtime-postgres
//!
//! The production [`watchtime_core::Store`]: PostgreSQL, for a bot that runs for years or on
//! more than one machine. The `watchtime` binary picks it for a `postgres://` (or
//! `postgresql://`) `DATABASE_URL`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), watchtime_postgres::PostgresError> {
//! let store =
//!     watchtime_postgres::PostgresStore::connect("postgres://bot@db.example/watchtime").await?;
//! # Ok(()) }
//! ```
//!
//! Migrations are embedded and applied on connect. Ingest writes a snapshot in one transaction
//! with one statement per table (each column travels as one array, read back by `UNNEST`);
//! closing a day rolls it up in SQL in one transaction, together with the 8- and 64-day block sums
//! that keep rankings over a year fast (`watchtime_core::summary`). Ids and names sort by code point
//! (`COLLATE "C"`) whatever the server's locale, so rankings match the core's exactly. The store
//! passes `watchtime_core`'s conformance suite, and no error, log line or `Debug` output holds
//! the password.
//!
//! Closing a day again applies only the difference to its blocks. The daily prune also runs
//! `VACUUM (ANALYZE)` on the tables the day wrote, so the database keeps its size where the
//! server's autovacuum is off or behind. The pool's connections turn off Nagle's algorithm
//! ([`disable_nagle`]), which sqlx 0.9.0 leaves on.
//!
//! Feature `testkit`: [`testkit`], a fresh database per test on a running server.

#![deny(missing_docs)]

mod codec;
mod error;
mod ingest;
mod names;
mod nodelay;
mod outbox;
mod series;
mod store;
mod summary;
#[cfg(feature = "testkit")]
pub mod testkit;
mod totals;

pub use error::{PostgresError, redact_url};
pub use nodelay::disable_nagle;
pub use store::{CONNECT_TIMEOUT, MIGRATOR, PostgresStore};
