//! Mediation records in the store. The store never sees their content: callers seal each record
//! (a process, its negotiating text, a note, a session) with the operator's key before saving,
//! so a copy of the database alone reveals nothing of the talks.
//!
//! Two blind indexes let a request open only what it shows without the store learning what it
//! holds: each record's `scope` is a keyed tag of its kind and space (a caucus's notes share
//! one tag that only the key holder can tie to that caucus), and `mediation_members` maps a
//! keyed tag of each participant to the processes they take part in. Neither table holds a
//! kind, a space, a person or a time in clear.

use crate::{Store, StoreError};
use chamber_core::AuditDraft;
use sqlx::Row;

/// The schema of mediation records (platform range).
pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[(
    4,
    "mediation records with blind scopes and a blind membership index",
    r#"
CREATE TABLE mediation_sealed (
    id TEXT PRIMARY KEY,
    process_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    sealed TEXT NOT NULL
);
CREATE INDEX mediation_sealed_scope ON mediation_sealed(process_id, scope);
CREATE TABLE mediation_members (
    member TEXT NOT NULL,
    process_id TEXT NOT NULL,
    PRIMARY KEY (member, process_id)
);
CREATE INDEX mediation_members_process ON mediation_members(process_id)
"#,
)];

/// One sealed record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    pub id: String,
    pub process_id: String,
    /// A blind tag of the record's kind and space.
    pub scope: String,
    /// Base64 of the sealed bytes.
    pub sealed: String,
}

/// Who takes part in one process, as blind member tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members<'a> {
    pub process_id: &'a str,
    pub tags: &'a [String],
}

/// A record written before blind scopes existed (migration 3's table), to be re-stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyRecord {
    pub id: String,
    pub process_id: String,
    pub kind: String,
    pub sealed: String,
}

fn sealed_row(r: &sqlx::any::AnyRow) -> Result<SealedRecord, StoreError> {
    Ok(SealedRecord {
        id: r.try_get("id")?,
        process_id: r.try_get("process_id")?,
        scope: r.try_get("scope")?,
        sealed: r.try_get("sealed")?,
    })
}

impl Store {
    /// Insert or replace sealed records of one process in one transaction, and when `members`
    /// is given replace that process's membership tags too. One audit entry per record
    /// (`mediation.record.save`) names only the record's random id; its actor is
    /// `actor` as given (the caller passes an opaque actor for confidential records).
    pub async fn save_sealed(
        &self,
        actor: &str,
        records: &[SealedRecord],
        members: Option<Members<'_>>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for r in records {
            sqlx::query(
                "INSERT INTO mediation_sealed (id, process_id, scope, sealed) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
                 sealed = excluded.sealed, scope = excluded.scope",
            )
            .bind(&r.id)
            .bind(&r.process_id)
            .bind(&r.scope)
            .bind(&r.sealed)
            .execute(tx.conn())
            .await?;
            tx.record(
                AuditDraft::new(actor, "mediation.record.save", &r.id)
                    .after(&serde_json::json!({"sealed": r.sealed})),
            )
            .await?;
        }
        if let Some(m) = members {
            sqlx::query("DELETE FROM mediation_members WHERE process_id = $1")
                .bind(m.process_id)
                .execute(tx.conn())
                .await?;
            let mut tags: Vec<&String> = m.tags.iter().collect();
            tags.sort();
            tags.dedup();
            for tag in tags {
                sqlx::query("INSERT INTO mediation_members (member, process_id) VALUES ($1, $2)")
                    .bind(tag)
                    .bind(m.process_id)
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.commit().await
    }

    /// The sealed records of a process whose scope is one of `scopes` (an index lookup: records
    /// of other scopes are never read).
    pub async fn sealed_in_scopes(
        &self,
        process_id: &str,
        scopes: &[String],
    ) -> Result<Vec<SealedRecord>, StoreError> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..scopes.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT id, process_id, scope, sealed FROM mediation_sealed \
             WHERE process_id = $1 AND scope IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        // Only numbered placeholders are formatted in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(process_id);
        for s in scopes {
            query = query.bind(s);
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(sealed_row)
            .collect()
    }

    /// How many sealed records of this process carry this scope (counted by the index, none
    /// opened).
    pub async fn count_sealed_in_scope(
        &self,
        process_id: &str,
        scope: &str,
    ) -> Result<usize, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM mediation_sealed WHERE process_id = $1 AND scope = $2",
        )
        .bind(process_id)
        .bind(scope)
        .fetch_one(self.pool())
        .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Every sealed record with this scope, whatever its process (for scopes that are
    /// platform-wide, such as cases awaiting a mediator).
    pub async fn sealed_with_scope(&self, scope: &str) -> Result<Vec<SealedRecord>, StoreError> {
        sqlx::query(
            "SELECT id, process_id, scope, sealed FROM mediation_sealed WHERE scope = $1 \
             ORDER BY id",
        )
        .bind(scope)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(sealed_row)
        .collect()
    }

    /// The processes a member tag takes part in, ordered by their random ids (an order that
    /// says nothing about activity).
    pub async fn processes_of_member(&self, member: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT process_id FROM mediation_members WHERE member = $1 ORDER BY process_id",
        )
        .bind(member)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every sealed record (key rotation re-seals them all).
    pub async fn all_sealed(&self) -> Result<Vec<SealedRecord>, StoreError> {
        sqlx::query("SELECT id, process_id, scope, sealed FROM mediation_sealed ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(sealed_row)
            .collect()
    }

    /// Records still in the table of migration 3 (before blind scopes).
    pub async fn legacy_mediation_records(&self) -> Result<Vec<LegacyRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, process_id, kind, sealed FROM mediation_records ORDER BY process_id, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LegacyRecord {
                    id: r.try_get("id")?,
                    process_id: r.try_get("process_id")?,
                    kind: r.try_get("kind")?,
                    sealed: r.try_get("sealed")?,
                })
            })
            .collect()
    }

    /// Move records of migration 3's table into the blind-scoped table, in one transaction:
    /// the new rows and membership are written and the old rows deleted together.
    pub async fn upgrade_legacy_records(
        &self,
        records: &[SealedRecord],
        members: &[(String, Vec<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for r in records {
            sqlx::query(
                "INSERT INTO mediation_sealed (id, process_id, scope, sealed) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&r.id)
            .bind(&r.process_id)
            .bind(&r.scope)
            .bind(&r.sealed)
            .execute(tx.conn())
            .await?;
            sqlx::query("DELETE FROM mediation_records WHERE id = $1")
                .bind(&r.id)
                .execute(tx.conn())
                .await?;
        }
        for (process_id, tags) in members {
            for tag in tags {
                sqlx::query(
                    "INSERT INTO mediation_members (member, process_id) VALUES ($1, $2) \
                     ON CONFLICT (member, process_id) DO NOTHING",
                )
                .bind(tag)
                .bind(process_id)
                .execute(tx.conn())
                .await?;
            }
        }
        tx.record(AuditDraft::new(
            "system",
            "mediation.records.upgrade",
            format!("{} records", records.len()),
        ))
        .await?;
        tx.commit().await
    }
}
