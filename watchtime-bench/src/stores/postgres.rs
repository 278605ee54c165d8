//! The PostgreSQL store under test, in a database of its own on the server of `--postgres-url`.

use std::sync::Arc;

use anyhow::{Context, Result};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use url::Url;
use watchtime_postgres::PostgresStore;

use super::Opened;
use crate::baseline::{self, Baseline};

/// Creates the database `db` through the admin connection at `admin_url` (dropping it first
/// when `fresh`) and opens the store on it.
pub async fn open(admin_url: &str, db: &str, fresh: bool) -> Result<Opened> {
    let mut url = Url::parse(admin_url).context("parsing --postgres-url")?;
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Only fails for URLs that cannot have a password, which this one has.
        let _ = shown.set_password(Some("***"));
    }
    let mut admin = PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("connecting to {shown} (--postgres-url)"))?;
    if fresh {
        sqlx::query(AssertSqlSafe(format!(
            r#"DROP DATABASE IF EXISTS "{db}" WITH (FORCE)"#
        )))
        .execute(&mut admin)
        .await
        .with_context(|| format!("dropping the bench database {db}"))?;
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(db)
            .fetch_one(&mut admin)
            .await
            .context("looking for the bench database")?;
    if !exists {
        sqlx::query(AssertSqlSafe(format!(r#"CREATE DATABASE "{db}""#)))
            .execute(&mut admin)
            .await
            .with_context(|| format!("creating the bench database {db}"))?;
    }
    admin
        .close()
        .await
        .context("closing the admin connection")?;

    url.set_path(&format!("/{db}"));
    shown.set_path(&format!("/{db}"));
    let store = PostgresStore::connect(url.as_str())
        .await
        .with_context(|| format!("opening the PostgreSQL store on {shown}"))?;
    let baseline = baseline::postgres::Writer::connect(url.as_str()).await?;
    Ok(Opened::postgres(
        Arc::new(store),
        Baseline::Postgres(baseline),
        shown.to_string(),
    ))
}
