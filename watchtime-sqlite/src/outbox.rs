//! The outbox and mention cursors.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use watchtime_core::outbox::{
    AuthorActivity, Claim, OutboxEntry, OutboxItem, OutboxKey, OutboxState, Payload, Purpose,
    Settlement,
};
use watchtime_core::ports::OutboxStore;

use crate::codec::{from_ns, to_ns, unsigned};
use crate::error::{Result, SqliteError};
use crate::store::SqliteStore;

const ENTRY_COLUMNS: &str = "SELECT platform, item, purpose, author, state, attempts, remote_id, detail,
    payload_text, payload_created_at_ns, payload_image_sha256, created_at_ns, updated_at_ns FROM outbox";

fn entry(row: &SqliteRow) -> Result<OutboxEntry> {
    let purpose: String = row.try_get("purpose")?;
    let state: String = row.try_get("state")?;
    let text: Option<String> = row.try_get("payload_text")?;
    let payload = match text {
        None => None,
        Some(text) => Some(Payload {
            text,
            created_at: from_ns(
                row.try_get::<Option<i64>, _>("payload_created_at_ns")?
                    .ok_or_else(|| SqliteError::Corrupt("outbox payload without a time".into()))?,
            ),
            image_sha256: row.try_get("payload_image_sha256")?,
        }),
    };
    Ok(OutboxEntry {
        key: OutboxKey {
            platform: row.try_get("platform")?,
            item: row.try_get("item")?,
        },
        purpose: Purpose::parse(&purpose)
            .ok_or_else(|| SqliteError::Corrupt(format!("outbox purpose {purpose:?}")))?,
        author: row.try_get("author")?,
        state: OutboxState::parse(&state)
            .ok_or_else(|| SqliteError::Corrupt(format!("outbox state {state:?}")))?,
        attempts: unsigned(row.try_get("attempts")?, "attempts")?,
        remote_id: row.try_get("remote_id")?,
        detail: row.try_get("detail")?,
        payload,
        created_at: from_ns(row.try_get("created_at_ns")?),
        updated_at: from_ns(row.try_get("updated_at_ns")?),
    })
}

impl SqliteStore {
    async fn entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "{ENTRY_COLUMNS} WHERE platform = ?1 AND item = ?2"
        )))
        .bind(&key.platform)
        .bind(&key.item)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(entry).transpose()
    }

    async fn claim_item(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Claim> {
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(AssertSqlSafe(format!(
            "{ENTRY_COLUMNS} WHERE platform = ?1 AND item = ?2"
        )))
        .bind(&item.key.platform)
        .bind(&item.key.item)
        .fetch_optional(&mut *tx)
        .await?;
        let claim = match existing.as_ref().map(entry).transpose()? {
            None => {
                sqlx::query(
                    "INSERT INTO outbox (platform, item, purpose, author, state, attempts,
                         payload_text, payload_created_at_ns, payload_image_sha256, created_at_ns, updated_at_ns)
                     VALUES (?1, ?2, ?3, ?4, 'pending', 1, ?5, ?6, ?7, ?8, ?8)",
                )
                .bind(&item.key.platform)
                .bind(&item.key.item)
                .bind(item.purpose.as_str())
                .bind(&item.author)
                .bind(&item.payload.text)
                .bind(to_ns(item.payload.created_at))
                .bind(&item.payload.image_sha256)
                .bind(to_ns(now))
                .execute(&mut *tx)
                .await?;
                Claim::Fresh {
                    payload: item.payload.clone(),
                }
            }
            Some(e) => {
                let claim = e.reclaim(&item.payload);
                if let Some(payload) = claim.payload() {
                    // The stored payload is written back unchanged; only an entry from before
                    // payloads were kept takes the offered one.
                    sqlx::query(
                        "UPDATE outbox SET state = 'pending', attempts = attempts + 1, updated_at_ns = ?3,
                             payload_text = ?4, payload_created_at_ns = ?5, payload_image_sha256 = ?6
                         WHERE platform = ?1 AND item = ?2",
                    )
                    .bind(&item.key.platform)
                    .bind(&item.key.item)
                    .bind(to_ns(now))
                    .bind(&payload.text)
                    .bind(to_ns(payload.created_at))
                    .bind(&payload.image_sha256)
                    .execute(&mut *tx)
                    .await?;
                }
                claim
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn settle_item(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let found = sqlx::query(
            "UPDATE outbox SET state = ?3, remote_id = ?4, detail = ?5, updated_at_ns = ?6
             WHERE platform = ?1 AND item = ?2 AND state NOT IN ('sent', 'skipped')",
        )
        .bind(&key.platform)
        .bind(&key.item)
        .bind(settlement.state().as_str())
        .bind(settlement.remote_id())
        .bind(settlement.detail())
        .bind(to_ns(now))
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0;
        Ok(found || self.entry(key).await?.is_some())
    }

    async fn activity(
        &self,
        platform: &str,
        author: &str,
        since: DateTime<Utc>,
    ) -> Result<AuthorActivity> {
        let (answers, how_tos): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(purpose = 'answer'), 0), COALESCE(SUM(purpose = 'howto'), 0) FROM outbox
             WHERE platform = ?1 AND author = ?2 AND created_at_ns >= ?3 AND state IN ('pending', 'sent')",
        )
        .bind(platform)
        .bind(author)
        .bind(to_ns(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(AuthorActivity {
            answers: unsigned(answers, "reply count")?,
            how_tos: unsigned(how_tos, "reply count")?,
        })
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim(&self, item: &OutboxItem, now: DateTime<Utc>) -> watchtime_core::Result<Claim> {
        Ok(self.claim_item(item, now).await?)
    }

    async fn settle(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> watchtime_core::Result<()> {
        if self.settle_item(key, settlement, now).await? {
            Ok(())
        } else {
            Err(watchtime_core::Error::NotFound {
                what: format!("outbox entry {key:?}"),
            })
        }
    }

    async fn outbox_entry(&self, key: &OutboxKey) -> watchtime_core::Result<Option<OutboxEntry>> {
        Ok(self.entry(key).await?)
    }

    async fn author_activity(
        &self,
        platform: &str,
        author: &str,
        since: DateTime<Utc>,
    ) -> watchtime_core::Result<AuthorActivity> {
        Ok(self.activity(platform, author, since).await?)
    }

    async fn mention_cursor(&self, platform: &str) -> watchtime_core::Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT cursor FROM mention_cursors WHERE platform = ?1")
                .bind(platform)
                .fetch_optional(&self.pool)
                .await
                .map_err(SqliteError::from)?,
        )
    }

    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> watchtime_core::Result<()> {
        sqlx::query(
            "INSERT INTO mention_cursors (platform, cursor) VALUES (?1, ?2)
             ON CONFLICT (platform) DO UPDATE SET cursor = excluded.cursor",
        )
        .bind(platform)
        .bind(cursor)
        .execute(&self.pool)
        .await
        .map_err(SqliteError::from)?;
        Ok(())
    }
}
