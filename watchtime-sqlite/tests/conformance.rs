//! The SQLite store behaves exactly like the reference store.

use watchtime_sqlite::SqliteStore;

watchtime_core::store_conformance_tests!(
    async { SqliteStore::in_memory().await.expect("in-memory SQLite") },
    32
);
