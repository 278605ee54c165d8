//! Opening the stores under test, fresh or as left by an earlier run.

#[cfg(feature = "postgres")]
pub mod postgres;

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use watchtime_core::DynStore;
use watchtime_sqlite::SqliteStore;

use crate::baseline::{self, Baseline};

/// Which store to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// `watchtime-sqlite`, on a file.
    Sqlite,
    /// `watchtime-postgres`, on a database of its own (needs the `postgres` feature).
    Postgres,
}

impl StoreKind {
    /// The name in the report.
    pub fn title(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "SQLite",
            StoreKind::Postgres => "PostgreSQL",
        }
    }
}

/// A store under test, with a direct connection to its database for the baseline.
#[derive(Debug)]
pub struct Opened {
    /// The store, as the bot wires it.
    pub store: DynStore,
    /// A connection of the bench's own to the same database.
    pub baseline: Baseline,
    /// Where the data lives, for the report (no password).
    pub location: String,
    sqlite: Option<SqliteStore>,
}

impl Opened {
    /// Closes the baseline connection, then the pool (for SQLite this checkpoints the WAL into
    /// the file).
    pub async fn close(self) -> Result<()> {
        self.baseline.close().await?;
        if let Some(s) = self.sqlite {
            s.close().await;
        }
        Ok(())
    }
}

/// Opens the SQLite store at `path`; `fresh` deletes any earlier file first.
pub async fn open_sqlite(path: &Path, fresh: bool) -> Result<Opened> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("removing {}", Path::new(&file).display()));
                }
            }
        }
    }
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::connect(&url)
        .await
        .with_context(|| format!("opening the SQLite store {url}"))?;
    let baseline = baseline::sqlite::Writer::connect(&url).await?;
    Ok(Opened {
        store: Arc::new(store.clone()),
        baseline: Baseline::Sqlite(baseline),
        location: path.display().to_string(),
        sqlite: Some(store),
    })
}

#[cfg(feature = "postgres")]
impl Opened {
    fn postgres(store: DynStore, baseline: Baseline, location: String) -> Self {
        Opened {
            store,
            baseline,
            location,
            sqlite: None,
        }
    }
}
