//! The reference store passes its own conformance suite.

use watchtime_core::MemoryStore;

watchtime_core::store_conformance_tests!(async { MemoryStore::new() }, 64);
