//! Mediation records in the store. The store never sees their content: callers seal each record
//! (a process, its negotiating text, a note, a session) with the operator's key before saving,
//! so a copy of the database alone reveals nothing of the talks.

use crate::{Store, StoreError, now};
use chamber_core::AuditDraft;
use sqlx::Row;

/// One sealed record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    pub id: String,
    pub process_id: String,
    pub kind: String,
    /// Base64 of the sealed bytes.
    pub sealed: String,
}

impl Store {
    /// Insert or replace sealed records of one process in one transaction, with an audit
    /// entry per record (`mediation.<kind>.save`; the entry names only the record's id).
    pub async fn save_sealed(
        &self,
        actor: &str,
        records: &[SealedRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for r in records {
            sqlx::query(
                "INSERT INTO mediation_records (id, process_id, kind, sealed, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
                 sealed = excluded.sealed, updated_at = excluded.updated_at",
            )
            .bind(&r.id)
            .bind(&r.process_id)
            .bind(&r.kind)
            .bind(&r.sealed)
            .bind(now())
            .execute(tx.conn())
            .await?;
            tx.record(
                AuditDraft::new(actor, &format!("mediation.{}.save", r.kind), &r.id)
                    .after(&serde_json::json!({"sealed": r.sealed})),
            )
            .await?;
        }
        tx.commit().await
    }

    /// Every sealed record of a process.
    pub async fn sealed_records(&self, process_id: &str) -> Result<Vec<SealedRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, process_id, kind, sealed FROM mediation_records WHERE process_id = $1 \
             ORDER BY kind, id",
        )
        .bind(process_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SealedRecord {
                    id: r.try_get("id")?,
                    process_id: r.try_get("process_id")?,
                    kind: r.try_get("kind")?,
                    sealed: r.try_get("sealed")?,
                })
            })
            .collect()
    }

    /// The ids of every stored process.
    pub async fn mediation_process_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM mediation_records WHERE kind = 'process' ORDER BY updated_at, id",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
