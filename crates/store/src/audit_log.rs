//! The tamper-evident record as stored: its entries and its head.

use crate::*;

impl Store {
    /// Every entry in sequence order.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, before_digest, after_digest, prev_hash, \
             hash FROM audit_log ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    seq: row.try_get("seq")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    before_digest: row.try_get("before_digest")?,
                    after_digest: row.try_get("after_digest")?,
                    prev_hash: row.try_get("prev_hash")?,
                    hash: row.try_get("hash")?,
                })
            })
            .collect()
    }

    pub async fn audit_head(&self) -> Result<Head, StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(Head {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
        })
    }

    /// Check the whole chain against its head. `Ok(n)` is the number of intact entries.
    pub async fn verify_audit(&self) -> Result<Result<u64, ChainBreak>, StoreError> {
        let head = self.audit_head().await?;
        let entries = self.audit_entries().await?;
        Ok(chamber_core::audit::verify_chain(entries, Some(&head)))
    }
}
