//! SQLite store for watchtime (in progress).
