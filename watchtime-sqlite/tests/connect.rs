//! Opening a store: what a wrong URL or a broken file says.

use watchtime_core::{Error, ErrorChain};
use watchtime_sqlite::{SqliteError, SqliteStore};

/// `sqlite://` names no file: SQLite would open a private temporary database per connection,
/// and the pool's other connections would find no tables ("no such table: day_status").
#[tokio::test]
async fn a_url_without_a_file_is_refused() {
    for url in ["sqlite://", "sqlite:", "sqlite://?mode=rwc"] {
        let err = SqliteStore::connect(url).await.expect_err(url);
        assert!(
            matches!(err, SqliteError::InvalidUrl { .. }),
            "{url}: {err:?}"
        );
        let text = ErrorChain(&err).to_string();
        assert!(text.contains("names no file"), "{url}: {text}");
        assert!(text.contains("sqlite://FILE"), "{url}: {text}");
    }
}

/// Every layer says its own part once: the store names the file, the driver the reason.
#[tokio::test]
async fn a_file_that_is_not_a_database_says_so_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("not-a.db");
    std::fs::write(&path, "x".repeat(4096)).expect("write");
    let url = format!("sqlite://{}", path.display());
    let err = Error::from(
        SqliteStore::connect(&url)
            .await
            .expect_err("not a database"),
    );
    let text = ErrorChain(&err).to_string();
    let path = path.display();
    assert_eq!(
        text,
        format!(
            "sqlite failed: cannot open SQLite database {path}: \
             error returned from database: (code: 26) file is not a database"
        )
    );
}
