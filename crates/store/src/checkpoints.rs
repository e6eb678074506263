//! Signed checkpoints of the audit record, as issued: the store keeps every one it handed out.
//!
//! A checkpoint is a statement *about* the chain (its head at a moment, signed), not a change
//! of the platform's state, so issuing one writes no audit entry: an entry would move the head
//! and make every checkpoint stale the moment it was signed. One checkpoint per head at most
//! (the sequence number is the key), so downloading the current checkpoint again writes
//! nothing.

use crate::{Store, StoreError};
use chamber_core::AuditEntry;
use chamber_core::checkpoint::SignedCheckpoint;
use sqlx::Row;

/// The table of issued checkpoints (platform range).
pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[(
    10,
    "signed checkpoints of the audit record, one per head issued",
    r#"
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
)
"#,
)];

fn checkpoint_row(r: &sqlx::any::AnyRow) -> Result<SignedCheckpoint, StoreError> {
    Ok(SignedCheckpoint {
        format: chamber_core::checkpoint::FORMAT.to_string(),
        seq: r.try_get("seq")?,
        hash: r.try_get("hash")?,
        at: r.try_get("at")?,
        public_key: r.try_get("public_key")?,
        signature: r.try_get("signature")?,
    })
}

const COLUMNS: &str = "seq, hash, at, public_key, signature";

impl Store {
    /// The checkpoint issued last (highest sequence number), if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(checkpoint_row)
            .transpose()
    }

    /// The checkpoint issued for entry `seq`, if any.
    pub async fn checkpoint_at(&self, seq: i64) -> Result<Option<SignedCheckpoint>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_checkpoints WHERE seq = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seq)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(checkpoint_row)
            .transpose()
    }

    /// Every checkpoint issued, oldest first.
    pub async fn checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_checkpoints ORDER BY seq");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(checkpoint_row)
            .collect()
    }

    /// Keeps an issued checkpoint. When one was already kept for the same entry (two
    /// downloads at once), that one stays and is returned: one checkpoint per head.
    pub async fn keep_checkpoint(
        &self,
        cp: &SignedCheckpoint,
    ) -> Result<SignedCheckpoint, StoreError> {
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
        )
        .bind(cp.seq)
        .bind(&cp.hash)
        .bind(&cp.at)
        .bind(&cp.public_key)
        .bind(&cp.signature)
        .execute(self.pool())
        .await?;
        self.checkpoint_at(cp.seq)
            .await?
            .ok_or(StoreError::NotFound("checkpoint just kept"))
    }

    /// The entries after `seq`, in order (what a new checkpoint adds to the last one).
    pub async fn audit_entries_after(&self, seq: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, before_digest, after_digest, prev_hash, \
             hash FROM audit_log WHERE seq > $1 ORDER BY seq",
        )
        .bind(seq)
        .fetch_all(self.pool())
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

    /// The hash of entry `seq` as stored, if it exists.
    pub async fn audit_hash_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_optional(self.pool())
                .await?,
        )
    }
}
