//! The PostgreSQL store behaves exactly like the reference store. Every test gets a database of
//! its own on the server named by `WATCHTIME_TEST_POSTGRES_URL`.

use watchtime_postgres::testkit::fresh_store;

watchtime_core::store_conformance_tests!(async { fresh_store().await }, 32);
