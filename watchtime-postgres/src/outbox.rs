//! The outbox and mention cursors.
//!
//! Claims are safe across processes: the insert of a new entry and the row lock on an existing
//! one make concurrent claims of one item take turns, so exactly one of them is fresh.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Row};
use watchtime_core::outbox::{
    AuthorActivity, Claim, OutboxEntry, OutboxItem, OutboxKey, OutboxState, Payload, Purpose,
    Settlement,
};
use watchtime_core::ports::OutboxStore;

use crate::codec::unsigned;
use crate::error::{PostgresError, Result};
use crate::store::PostgresStore;

const ENTRY: &str = "SELECT platform, item, purpose, author, state, attempts, remote_id, detail,
        payload_text, payload_created_at, payload_image_sha256, created_at, updated_at
    FROM outbox WHERE platform = $1 AND item = $2";

fn entry(row: &PgRow) -> Result<OutboxEntry> {
    let purpose: String = row.try_get("purpose")?;
    let state: String = row.try_get("state")?;
    let text: Option<String> = row.try_get("payload_text")?;
    let payload = match text {
        None => None,
        Some(text) => Some(Payload {
            text,
            created_at: row
                .try_get::<Option<DateTime<Utc>>, _>("payload_created_at")?
                .ok_or_else(|| PostgresError::Corrupt("outbox payload without a time".into()))?,
            image_sha256: row.try_get("payload_image_sha256")?,
        }),
    };
    Ok(OutboxEntry {
        key: OutboxKey {
            platform: row.try_get("platform")?,
            item: row.try_get("item")?,
        },
        purpose: Purpose::parse(&purpose)
            .ok_or_else(|| PostgresError::Corrupt(format!("outbox purpose {purpose:?}")))?,
        author: row.try_get("author")?,
        state: OutboxState::parse(&state)
            .ok_or_else(|| PostgresError::Corrupt(format!("outbox state {state:?}")))?,
        attempts: unsigned(row.try_get("attempts")?, "attempts")?,
        remote_id: row.try_get("remote_id")?,
        detail: row.try_get("detail")?,
        payload,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl PostgresStore {
    async fn entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>> {
        let row = sqlx::query(ENTRY)
            .bind(&key.platform)
            .bind(&key.item)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entry).transpose()
    }

    async fn claim_item(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Claim> {
        let mut tx = self.pool.begin().await?;
        // A concurrent claim of a new item waits here for the first one to commit, then finds
        // the row and goes on below.
        let inserted = sqlx::query(
            "INSERT INTO outbox (platform, item, purpose, author, state, attempts,
                 payload_text, payload_created_at, payload_image_sha256, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'pending', 1, $5, $6, $7, $8, $8)
             ON CONFLICT (platform, item) DO NOTHING",
        )
        .bind(&item.key.platform)
        .bind(&item.key.item)
        .bind(item.purpose.as_str())
        .bind(&item.author)
        .bind(&item.payload.text)
        .bind(item.payload.created_at)
        .bind(&item.payload.image_sha256)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if inserted {
            tx.commit().await?;
            return Ok(Claim::Fresh {
                payload: item.payload.clone(),
            });
        }
        let row = sqlx::query(AssertSqlSafe(format!("{ENTRY} FOR UPDATE")))
            .bind(&item.key.platform)
            .bind(&item.key.item)
            .fetch_one(&mut *tx)
            .await?;
        let claim = entry(&row)?.reclaim(&item.payload);
        if let Some(payload) = claim.payload() {
            // The stored payload is written back unchanged; only an entry from before payloads
            // were kept takes the offered one.
            sqlx::query(
                "UPDATE outbox SET state = 'pending', attempts = attempts + 1, updated_at = $3,
                     payload_text = $4, payload_created_at = $5, payload_image_sha256 = $6
                 WHERE platform = $1 AND item = $2",
            )
            .bind(&item.key.platform)
            .bind(&item.key.item)
            .bind(now)
            .bind(&payload.text)
            .bind(payload.created_at)
            .bind(&payload.image_sha256)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(claim)
    }

    /// Settles `key` unless it is settled already; `false` if there is no such entry.
    async fn settle_item(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let found = sqlx::query(
            "UPDATE outbox SET state = $3, remote_id = $4, detail = $5, updated_at = $6
             WHERE platform = $1 AND item = $2 AND state NOT IN ('sent', 'skipped')",
        )
        .bind(&key.platform)
        .bind(&key.item)
        .bind(settlement.state().as_str())
        .bind(settlement.remote_id())
        .bind(settlement.detail())
        .bind(now)
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
            "SELECT COUNT(*) FILTER (WHERE purpose = 'answer'), COUNT(*) FILTER (WHERE purpose = 'howto')
             FROM outbox
             WHERE platform = $1 AND author = $2 AND created_at >= $3 AND state IN ('pending', 'sent')",
        )
        .bind(platform)
        .bind(author)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(AuthorActivity {
            answers: unsigned(answers, "reply count")?,
            how_tos: unsigned(how_tos, "reply count")?,
        })
    }

    async fn cursor(&self, platform: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT cursor FROM mention_cursors WHERE platform = $1")
                .bind(platform)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn set_cursor(&self, platform: &str, cursor: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO mention_cursors (platform, cursor) VALUES ($1, $2)
             ON CONFLICT (platform) DO UPDATE SET cursor = excluded.cursor",
        )
        .bind(platform)
        .bind(cursor)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl OutboxStore for PostgresStore {
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
        Ok(self.cursor(platform).await?)
    }

    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> watchtime_core::Result<()> {
        Ok(self.set_cursor(platform, cursor).await?)
    }
}
