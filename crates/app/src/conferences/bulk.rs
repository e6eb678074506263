//! Bulk work: registrations imported with their documents in one transaction, and the
//! retention purge of documents, recorded in the audit log.

use super::registrations::{Loaded, to_row};
use super::{Actor, Conferences, person_of, second, stamp};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chamber_conferences::documents::{self, DocumentMeta, Retention};
use chamber_conferences::{DocumentId, DocumentKind, Registration, RegistrationForm, permissions};
use chamber_core::{AuditDraft, Role};
use chamber_mediation::PersonId;
use chamber_store::User;
use chamber_store::conferences::{DocumentRow, tx};
use serde_json::json;

/// One line of a bulk import: the person's username, the form, the documents.
#[derive(Debug, Clone)]
pub struct ImportedRegistration {
    pub username: String,
    pub form: RegistrationForm,
    pub documents: Vec<(DocumentKind, Vec<u8>)>,
}

/// One document removed by the retention purge.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PurgedDocument {
    pub id: String,
    pub conference: String,
    pub registration: String,
    pub kind: String,
    pub size: i64,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PurgeReport {
    pub retention_days: u32,
    /// Documents of conferences ended, and uploaded, at or before this instant were removed.
    pub cutoff: String,
    pub removed: Vec<PurgedDocument>,
}

impl Conferences {
    /// The secretariat imports registrations received in bulk (a Mission's list, another
    /// system's export), each with its documents: every form and document is checked as if
    /// submitted one by one, documents are sealed, and the whole batch is stored with one audit
    /// entry — or nothing is, when any line is refused (the message names the line).
    pub async fn import_registrations(
        &self,
        user: &User,
        conference: &str,
        lines: Vec<ImportedRegistration>,
    ) -> AppResult<Vec<String>> {
        let secretary = person_of(user)?;
        let keys = self.keys()?;
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, conference).await?;
        if !permissions::may_manage(&c, &secretary) {
            return Err(AppError::Forbidden);
        }
        let mut held = std::collections::HashMap::new();
        let mut seen = std::collections::HashSet::new();
        let (mut regs, mut docs) = (Vec::new(), Vec::new());
        for (i, line) in lines.into_iter().enumerate() {
            let at_line = |e: AppError| match e {
                AppError::Invalid(m) => AppError::invalid(format!("line {}: {m}", i + 1)),
                other => other,
            };
            let person = PersonId::parse(&line.username)
                .map_err(|e| AppError::invalid(format!("line {}: username: {e}", i + 1)))?;
            if !seen.insert(line.username.clone())
                || tx::registration_of(&mut t, conference, &line.username)
                    .await?
                    .is_some()
            {
                return Err(AppError::invalid(format!(
                    "line {}: {} is already registered",
                    i + 1,
                    line.username
                )));
            }
            let cat = line.form.category;
            let n = match held.get(&cat) {
                Some(n) => *n,
                None => tx::held_places(&mut t, conference, cat.as_str()).await?,
            };
            let at = super::now_micros();
            let reg = Registration::submit(&mut rand::rng(), &c, &person, line.form, n as u32, at)
                .map_err(|e| at_line(e.into()))?;
            held.insert(cat, n + i64::from(reg.state.holds_place()));
            for (kind, bytes) in &line.documents {
                let format =
                    documents::check_upload(*kind, bytes, self.settings.max_document_bytes)
                        .map_err(|e| at_line(e.into()))?;
                let meta = DocumentMeta {
                    id: DocumentId::generate(&mut rand::rng()),
                    conference: c.id.clone(),
                    registration: reg.id.clone(),
                    kind: *kind,
                    format,
                    size: bytes.len() as u64,
                    uploaded_at: at,
                    uploaded_by: person.clone(),
                };
                let sealed = B64.encode(documents::seal(keys, &meta, bytes)?);
                docs.push((
                    DocumentRow {
                        id: meta.id.to_string(),
                        registration_id: reg.id.to_string(),
                        conference_id: c.id.to_string(),
                        kind: kind.as_str().into(),
                        format: format.as_str().into(),
                        size: bytes.len() as i64,
                        uploaded_at: stamp(at),
                        uploaded_by: line.username.clone(),
                    },
                    sealed,
                ));
            }
            regs.push(to_row(
                Loaded {
                    reg,
                    ticket_digest: None,
                    ticket_sealed: None,
                },
                None,
            )?);
        }
        tx::insert_registrations(&mut t, &regs).await?;
        tx::insert_documents(&mut t, &docs).await?;
        let ids: Vec<String> = regs.iter().map(|r| r.id.clone()).collect();
        t.record(
            AuditDraft::new(
                &user.username,
                "conferences.registration.import",
                conference,
            )
            .after(&json!({"registrations": ids, "documents": docs.len()})),
        )
        .await?;
        t.commit().await?;
        Ok(ids)
    }

    /// [`Self::purge_documents`] as of now (the operator's command).
    pub async fn purge_due_documents(
        &self,
        actor: Actor<'_>,
        retention: Retention,
    ) -> AppResult<PurgeReport> {
        self.purge_documents(actor, time::OffsetDateTime::now_utc(), retention)
            .await
    }

    /// Removes every document past retention (conference ended and document uploaded at
    /// least `retention` ago), and records in the audit log what it removed. For the operator
    /// or an administrator.
    pub async fn purge_documents(
        &self,
        actor: Actor<'_>,
        at: time::OffsetDateTime,
        retention: Retention,
    ) -> AppResult<PurgeReport> {
        if let Actor::Account(u) = actor
            && u.role != Role::Admin
        {
            return Err(AppError::Forbidden);
        }
        let cutoff = stamp(retention.ended_before(second(at)));
        let mut t = self.store.begin_write().await?;
        let due = tx::documents_due(&mut t, &cutoff).await?;
        let ids: Vec<&str> = due.iter().map(|d| d.id.as_str()).collect();
        tx::delete_documents(&mut t, &ids).await?;
        let removed: Vec<PurgedDocument> = due
            .iter()
            .map(|d| PurgedDocument {
                id: d.id.clone(),
                conference: d.conference_id.clone(),
                registration: d.registration_id.clone(),
                kind: d.kind.clone(),
                size: d.size,
                uploaded_at: d.uploaded_at.clone(),
            })
            .collect();
        let report = PurgeReport {
            retention_days: retention.days,
            cutoff,
            removed,
        };
        t.record(
            AuditDraft::new(
                actor.audit_name(),
                "conferences.documents.purge",
                "retention",
            )
            .after(&serde_json::to_value(&report).expect("report serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(report)
    }
}
