//! Key rotation as the store sees it: every sealed row rewritten in one transaction.
//!
//! The caller (the application, which holds the keys) reads every sealed row, opens it with
//! the old key and seals it again under the new one, recomputing the blind tags that derive
//! from the key (mediation scopes and the membership index). [`Store::rotate_sealed`] then
//! writes all of it in one [`crate::WriteTx`], with one `key.rotate` audit entry and the new
//! key's fingerprint: either every row is under the new key and the store names that key, or
//! nothing changed.
//!
//! Each rewrite is conditional on the row still holding what was read (compare and swap), and
//! the number of sealed rows must equal the number rewritten: a row added, changed or deleted
//! between reading and writing aborts the whole rotation instead of leaving it under the old
//! key.

use crate::conferences::DocumentRow;
use crate::mediation::SealedRecord;
use crate::{Store, StoreError};
use chamber_core::AuditDraft;
use sqlx::Row;

/// The sealing key's fingerprint (platform range).
pub(crate) const MIGRATIONS: &[crate::migrations::Migration] = &[(
    11,
    "the fingerprint of the key that sealed every confidential row",
    r#"
CREATE TABLE sealing_key (
    id BIGINT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    since TEXT NOT NULL
)
"#,
)];

/// One sealed value re-sealed: the row's id, the sealed text as read, and as it is to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resealed {
    pub id: String,
    /// The sealed value as it was read (the rewrite happens only if it is still this).
    pub was: String,
    pub sealed: String,
}

/// Everything a rotation rewrites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rotation {
    /// The new key's fingerprint (a keyed tag; it says nothing about the key itself).
    pub fingerprint: String,
    /// Mediation records: re-sealed, with their blind scope recomputed under the new key.
    pub mediation: Vec<(Resealed, String)>,
    /// The whole blind membership index under the new key: (member tag, process id).
    pub members: Vec<(String, String)>,
    /// Conference tickets (registration id).
    pub tickets: Vec<Resealed>,
    /// Conference documents (document id).
    pub documents: Vec<Resealed>,
}

/// How many rows a rotation rewrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rotated {
    pub mediation_records: u64,
    pub membership_tags: u64,
    pub tickets: u64,
    pub documents: u64,
}

/// A sealed conference ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTicket {
    pub registration_id: String,
    pub conference_id: String,
    pub sealed: String,
}

const CHANGED: StoreError = StoreError::NotFound(
    "sealed row as it was read: it changed while the key was rotated; nothing was changed, \
     run the rotation again",
);

const ADDED: StoreError = StoreError::NotFound(
    "complete set of sealed rows: rows were added or deleted while the key was rotated; \
     nothing was changed, run the rotation again",
);

impl Store {
    /// Every sealed conference ticket.
    pub async fn sealed_tickets(&self) -> Result<Vec<SealedTicket>, StoreError> {
        sqlx::query(
            "SELECT id, conference_id, ticket_sealed FROM conference_registrations \
             WHERE ticket_sealed IS NOT NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SealedTicket {
                registration_id: r.try_get("id")?,
                conference_id: r.try_get("conference_id")?,
                sealed: r.try_get("ticket_sealed")?,
            })
        })
        .collect()
    }

    /// Every conference document with its sealed content (base64).
    pub async fn sealed_documents(&self) -> Result<Vec<(DocumentRow, String)>, StoreError> {
        sqlx::query(
            "SELECT id, registration_id, conference_id, kind, format, size, uploaded_at, \
             uploaded_by, sealed FROM conference_documents ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                DocumentRow {
                    id: r.try_get("id")?,
                    registration_id: r.try_get("registration_id")?,
                    conference_id: r.try_get("conference_id")?,
                    kind: r.try_get("kind")?,
                    format: r.try_get("format")?,
                    size: r.try_get("size")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                    uploaded_by: r.try_get("uploaded_by")?,
                },
                r.try_get("sealed")?,
            ))
        })
        .collect()
    }

    /// The fingerprint of the key the store's sealed rows are under, as the last rotation
    /// recorded it (`None` before the first rotation).
    pub async fn sealing_key_fingerprint(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT fingerprint FROM sealing_key WHERE id = 1")
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Records the sealing key's fingerprint when none is recorded yet (the first start with a
    /// key), with no audit entry: it names what is already true. Returns the recorded one.
    pub async fn adopt_sealing_key(&self, fingerprint: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO sealing_key (id, fingerprint, since) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(fingerprint)
        .bind(crate::now())
        .execute(self.pool())
        .await?;
        self.sealing_key_fingerprint()
            .await?
            .ok_or(StoreError::NotFound("sealing key just recorded"))
    }

    /// Rewrites every sealed row, the membership index and the key's fingerprint in one
    /// transaction with one `key.rotate` audit entry by `actor`.
    pub async fn rotate_sealed(&self, actor: &str, r: &Rotation) -> Result<Rotated, StoreError> {
        let mut tx = self.begin_write().await?;
        for (row, scope) in &r.mediation {
            let done = sqlx::query(
                "UPDATE mediation_sealed SET scope = $1, sealed = $2 WHERE id = $3 AND sealed = $4",
            )
            .bind(scope)
            .bind(&row.sealed)
            .bind(&row.id)
            .bind(&row.was)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(CHANGED);
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mediation_sealed")
            .fetch_one(tx.conn())
            .await?;
        let legacy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mediation_records")
            .fetch_one(tx.conn())
            .await?;
        if count != r.mediation.len() as i64 || legacy != 0 {
            return Err(ADDED);
        }
        sqlx::query("DELETE FROM mediation_members")
            .execute(tx.conn())
            .await?;
        let mut members: Vec<&(String, String)> = r.members.iter().collect();
        members.sort();
        members.dedup();
        for (tag, process) in &members {
            sqlx::query("INSERT INTO mediation_members (member, process_id) VALUES ($1, $2)")
                .bind(tag)
                .bind(process)
                .execute(tx.conn())
                .await?;
        }
        for t in &r.tickets {
            let done = sqlx::query(
                "UPDATE conference_registrations SET ticket_sealed = $1 \
                 WHERE id = $2 AND ticket_sealed = $3",
            )
            .bind(&t.sealed)
            .bind(&t.id)
            .bind(&t.was)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(CHANGED);
            }
        }
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conference_registrations WHERE ticket_sealed IS NOT NULL",
        )
        .fetch_one(tx.conn())
        .await?;
        if count != r.tickets.len() as i64 {
            return Err(ADDED);
        }
        for d in &r.documents {
            let done = sqlx::query(
                "UPDATE conference_documents SET sealed = $1 WHERE id = $2 AND sealed = $3",
            )
            .bind(&d.sealed)
            .bind(&d.id)
            .bind(&d.was)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(CHANGED);
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conference_documents")
            .fetch_one(tx.conn())
            .await?;
        if count != r.documents.len() as i64 {
            return Err(ADDED);
        }
        let since = crate::now();
        sqlx::query(
            "INSERT INTO sealing_key (id, fingerprint, since) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, \
             since = excluded.since",
        )
        .bind(&r.fingerprint)
        .bind(&since)
        .execute(tx.conn())
        .await?;
        let rotated = Rotated {
            mediation_records: r.mediation.len() as u64,
            membership_tags: members.len() as u64,
            tickets: r.tickets.len() as u64,
            documents: r.documents.len() as u64,
        };
        tx.record(
            AuditDraft::new(actor, "key.rotate", &r.fingerprint)
                .after(&serde_json::to_value(rotated).expect("counts serialise")),
        )
        .await?;
        tx.commit().await?;
        Ok(rotated)
    }
}

/// A mediation record re-sealed, as [`Rotation::mediation`] holds it.
pub fn resealed_record(was: &SealedRecord, sealed: String, scope: String) -> (Resealed, String) {
    (
        Resealed {
            id: was.id.clone(),
            was: was.sealed.clone(),
            sealed,
        },
        scope,
    )
}
