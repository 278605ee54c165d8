//! # watchtime-sqlite
//!
//! The embedded [`watchtime_core::Store`]: one SQLite file, no server, no set-up. It is the
//! default store of the `watchtime` binary (`sqlite://watchtime.db`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), watchtime_sqlite::SqliteError> {
//! let store = watchtime_sqlite::SqliteStore::connect("sqlite://watchtime.db").await?;
//! # Ok(()) }
//! ```
//!
//! Migrations are embedded and applied on connect. Ingest writes a snapshot in one transaction
//! with one statement per table (rows travel as one JSON parameter); closing a day rolls it up in
//! SQL in one transaction, together with the 8- and 64-day block sums that keep rankings over a
//! year fast (`watchtime_core::summary`). The store passes `watchtime_core`'s conformance suite.

#![deny(missing_docs)]

mod codec;
mod error;
mod names;
mod outbox;
mod series;
mod store;
mod summary;
mod totals;

pub use error::SqliteError;
pub use store::{BUSY_TIMEOUT, MIGRATOR, SqliteStore};
