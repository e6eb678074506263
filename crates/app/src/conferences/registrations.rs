//! Registration and accreditation: a person registers and uploads the required documents; the
//! category's accreditation officers work their queue, open documents, approve or reject; the
//! badge is printed; the door checks tickets in; the operator purges documents past retention.

use super::{Conferences, from_json, now, person_of, stamp, stamp_micros, to_json};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chamber_conferences::documents::{self, DocumentMeta};
use chamber_conferences::registration::RegistrationState;
use chamber_conferences::{
    CheckIn, Conference, ConferenceId, DocumentFormat, DocumentId, DocumentKind, Registration,
    RegistrationForm, RegistrationId, TicketId, badge, permissions,
};
use chamber_core::{AuditDraft, Lang};
use chamber_mediation::PersonId;
use chamber_mediation::confidential::Keyring;
use chamber_store::conferences::{DocumentRow, QueueQuery, RegistrationRow, tx};
use chamber_store::{User, WriteTx};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A registration read from the store, with its ticket columns as stored (the ticket itself
/// is only opened to print the badge).
pub(super) struct Loaded {
    pub(super) reg: Registration,
    pub(super) ticket_digest: Option<String>,
    pub(super) ticket_sealed: Option<String>,
}

fn ticket_aad(reg: &Registration) -> Vec<u8> {
    ticket_aad_for(&reg.conference.to_string(), &reg.id.to_string())
}

/// What a ticket is bound to: its conference and registration, as stored.
pub(super) fn ticket_aad_for(conference: &str, registration: &str) -> Vec<u8> {
    format!("chamber/conferences/v1/ticket/{conference}/{registration}").into_bytes()
}

pub(crate) fn ticket_digest(ticket: &TicketId) -> String {
    hex::encode(Sha256::digest(ticket.as_str().as_bytes()))
}

pub(super) fn load_row(row: RegistrationRow) -> AppResult<Loaded> {
    Ok(Loaded {
        reg: from_json("registration", &row.body)?,
        ticket_digest: row.ticket_digest,
        ticket_sealed: row.ticket_sealed,
    })
}

/// The row to store. A ticket just issued (`reg.ticket`) is stored only as its digest and
/// sealed; the body never holds it.
pub(super) fn to_row(mut l: Loaded, keys: Option<&Keyring>) -> AppResult<RegistrationRow> {
    if let Some(t) = l.reg.ticket.take() {
        let keys = keys.ok_or_else(|| AppError::invalid("badges need the operator's key"))?;
        l.ticket_digest = Some(ticket_digest(&t));
        l.ticket_sealed = Some(
            B64.encode(
                keys.seal(t.as_str().as_bytes(), &ticket_aad(&l.reg))
                    .map_err(|e| AppError::internal("seal ticket", e))?,
            ),
        );
    }
    let r = &l.reg;
    Ok(RegistrationRow {
        id: r.id.to_string(),
        conference_id: r.conference.to_string(),
        username: r.person.to_string(),
        category: r.category.as_str().into(),
        state: r.state.as_str().into(),
        submitted_at: stamp_micros(r.submitted_at),
        ticket_digest: l.ticket_digest,
        ticket_sealed: l.ticket_sealed,
        body: to_json(r),
    })
}

pub(super) fn meta_of(d: &DocumentRow) -> AppResult<DocumentMeta> {
    let bad = |what: &str| AppError::internal("document row", what);
    Ok(DocumentMeta {
        id: DocumentId::parse(&d.id).map_err(|_| bad("id"))?,
        conference: chamber_conferences::ConferenceId::parse(&d.conference_id)
            .map_err(|_| bad("conference"))?,
        registration: RegistrationId::parse(&d.registration_id).map_err(|_| bad("registration"))?,
        kind: DocumentKind::parse(&d.kind).map_err(|_| bad("kind"))?,
        format: DocumentFormat::parse(&d.format).ok_or_else(|| bad("format"))?,
        size: d.size as u64,
        uploaded_at: time::OffsetDateTime::parse(
            &d.uploaded_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map_err(|_| bad("uploaded_at"))?,
        uploaded_by: PersonId::parse(&d.uploaded_by).map_err(|_| bad("uploaded_by"))?,
    })
}

/// A registration as its holder or an officer sees it, with its documents' metadata.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegistrationView {
    pub registration: Registration,
    pub documents: Vec<DocumentMeta>,
    /// The required documents not yet uploaded.
    pub missing: Vec<DocumentKind>,
}

/// Which page of the queue.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueParams {
    /// `pending` (default), `waiting_list`, `approved`, `rejected`, `withdrawn`.
    pub state: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1 to 200 (default 50).
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct QueuePage {
    pub items: Vec<RegistrationView>,
    pub total: i64,
    /// Pass as `after` for the next page; `None` on the last.
    pub next: Option<String>,
}

/// What the door is told.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckInResult {
    pub answer: CheckIn,
    /// Name, affiliation (in the door's language) and category: never for an unknown ticket.
    pub name: Option<String>,
    pub affiliation: Option<String>,
    pub category: Option<&'static str>,
}

fn missing(c: &Conference, reg: &Registration, docs: &[DocumentMeta]) -> Vec<DocumentKind> {
    c.policy(reg.category)
        .required_documents
        .iter()
        .filter(|k| !docs.iter().any(|d| d.kind == **k))
        .copied()
        .collect()
}

pub use super::bulk::{ImportedRegistration, PurgeReport, PurgedDocument};

impl Conferences {
    async fn registration_in(&self, t: &mut WriteTx<'_>, id: &str) -> AppResult<Loaded> {
        RegistrationId::parse(id).map_err(|_| AppError::NotFound)?;
        load_row(tx::registration(t, id).await?.ok_or(AppError::NotFound)?)
    }

    /// Promotes the earliest waiting registration of the category when a held place freed.
    async fn promote_waiting(
        &self,
        t: &mut WriteTx<'_>,
        actor: &str,
        c: &Conference,
        reg: &Registration,
    ) -> AppResult<()> {
        let cat = reg.category.as_str();
        let held = tx::held_places(t, c.id.as_str(), cat).await?;
        if c.policy(reg.category)
            .capacity
            .is_some_and(|cap| held >= i64::from(cap))
        {
            return Ok(());
        }
        if let Some(row) = tx::first_waiting(t, c.id.as_str(), cat).await? {
            let mut l = load_row(row)?;
            l.reg.promote()?;
            let id = l.reg.id.to_string();
            tx::update_registration(t, &to_row(l, None)?).await?;
            t.record(AuditDraft::new(
                actor,
                "conferences.registration.promote",
                &id,
            ))
            .await?;
        }
        Ok(())
    }

    /// A person registers for a conference (one registration per account).
    pub async fn register(
        &self,
        user: &User,
        conference: &str,
        form: RegistrationForm,
    ) -> AppResult<RegistrationView> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, conference).await?;
        if tx::registration_of(&mut t, conference, person.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::invalid(
                "you are already registered for this conference",
            ));
        }
        let held = tx::held_places(&mut t, conference, form.category.as_str()).await?;
        let at = super::now_micros();
        let reg = Registration::submit(&mut rand::rng(), &c, &person, form, held as u32, at)?;
        let row = to_row(
            Loaded {
                reg: reg.clone(),
                ticket_digest: None,
                ticket_sealed: None,
            },
            None,
        )?;
        tx::insert_registrations(&mut t, &[row]).await?;
        t.record(
            AuditDraft::new(&user.username, "conferences.registration.submit", reg.id.as_str())
                .after(&json!({"conference": conference, "category": reg.category.as_str(), "state": reg.state.as_str()})),
        )
        .await?;
        t.commit().await?;
        let missing = missing(&c, &reg, &[]);
        Ok(RegistrationView {
            registration: reg,
            documents: Vec::new(),
            missing,
        })
    }

    /// The account's own registration for a conference, if any.
    pub async fn my_registration(
        &self,
        user: &User,
        conference: &str,
    ) -> AppResult<Option<RegistrationView>> {
        let c = self.load(conference).await?;
        match self
            .store
            .conference_registration_of(conference, &user.username)
            .await?
        {
            None => Ok(None),
            Some(row) => Ok(Some(self.view_of(&c, load_row(row)?.reg).await?)),
        }
    }

    async fn view_of(&self, c: &Conference, reg: Registration) -> AppResult<RegistrationView> {
        let docs = self
            .store
            .conference_documents(&[reg.id.as_str()])
            .await?
            .iter()
            .map(meta_of)
            .collect::<AppResult<Vec<_>>>()?;
        Ok(RegistrationView {
            missing: missing(c, &reg, &docs),
            registration: reg,
            documents: docs,
        })
    }

    /// One registration, for its holder, its category's officers or the secretariat.
    pub async fn registration(&self, user: &User, id: &str) -> AppResult<RegistrationView> {
        let person = person_of(user)?;
        RegistrationId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .conference_registration(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let c = self.load(&row.conference_id).await?;
        let reg = load_row(row)?.reg;
        permissions::registration_for(&c, &person, Some(&reg))?;
        self.view_of(&c, reg).await
    }

    /// The registrant uploads a required document: checked (size, then PDF/JPEG/PNG by its
    /// first bytes), sealed, stored; an earlier document of the same kind is replaced.
    pub async fn upload_document(
        &self,
        user: &User,
        registration: &str,
        kind: DocumentKind,
        bytes: &[u8],
    ) -> AppResult<DocumentMeta> {
        let person = person_of(user)?;
        let format = documents::check_upload(kind, bytes, self.settings.max_document_bytes)?;
        let keys = self.keys()?;
        let mut t = self.store.begin_write().await?;
        let l = self.registration_in(&mut t, registration).await?;
        let c = Self::load_in(&mut t, l.reg.conference.as_str()).await?;
        if !permissions::may_see_registration(&c, &person, &l.reg) {
            return Err(AppError::NotFound);
        }
        if !permissions::may_upload(&c, &person, &l.reg) {
            return Err(AppError::Forbidden);
        }
        if !matches!(
            l.reg.state,
            RegistrationState::Pending | RegistrationState::WaitingList
        ) {
            return Err(AppError::invalid(format!(
                "documents are uploaded while the registration is pending; it is {}",
                l.reg.state.as_str()
            )));
        }
        let meta = DocumentMeta {
            id: DocumentId::generate(&mut rand::rng()),
            conference: c.id.clone(),
            registration: l.reg.id.clone(),
            kind,
            format,
            size: bytes.len() as u64,
            uploaded_at: now(),
            uploaded_by: person,
        };
        let sealed = B64.encode(documents::seal(keys, &meta, bytes)?);
        let replaced: Vec<String> = tx::documents_of(&mut t, registration)
            .await?
            .into_iter()
            .filter(|d| d.kind == kind.as_str())
            .map(|d| d.id)
            .collect();
        let replaced_refs: Vec<&str> = replaced.iter().map(String::as_str).collect();
        tx::delete_documents(&mut t, &replaced_refs).await?;
        let row = DocumentRow {
            id: meta.id.to_string(),
            registration_id: registration.into(),
            conference_id: c.id.to_string(),
            kind: kind.as_str().into(),
            format: format.as_str().into(),
            size: bytes.len() as i64,
            uploaded_at: stamp(meta.uploaded_at),
            uploaded_by: user.username.clone(),
        };
        tx::insert_documents(&mut t, &[(row, sealed)]).await?;
        t.record(
            AuditDraft::new(
                &user.username,
                "conferences.document.upload",
                meta.id.as_str(),
            )
            .after(&json!({
                "registration": registration, "kind": kind.as_str(), "format": format.as_str(),
                "size": bytes.len(), "replaced": replaced,
            })),
        )
        .await?;
        t.commit().await?;
        Ok(meta)
    }

    /// An accreditation officer opens a document (the opening is recorded). Anyone else, the
    /// registrant included, is told it does not exist.
    pub async fn open_document(
        &self,
        user: &User,
        document: &str,
    ) -> AppResult<(DocumentMeta, Vec<u8>)> {
        let person = person_of(user)?;
        DocumentId::parse(document).map_err(|_| AppError::NotFound)?;
        let (row, sealed) = self
            .store
            .conference_document(document)
            .await?
            .ok_or(AppError::NotFound)?;
        let reg_row = self
            .store
            .conference_registration(&row.registration_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let reg = load_row(reg_row)?.reg;
        let c = self.load(reg.conference.as_str()).await?;
        if !permissions::may_see_documents(&c, &person, &reg) {
            return Err(AppError::NotFound);
        }
        let meta = meta_of(&row)?;
        let bytes = B64
            .decode(&sealed)
            .map_err(|e| AppError::internal("sealed document", e))?;
        let plain = documents::open(self.keys()?, &meta, &bytes)?;
        let mut t = self.store.begin_write().await?;
        t.record(AuditDraft::new(
            &user.username,
            "conferences.document.open",
            document,
        ))
        .await?;
        t.commit().await?;
        Ok((meta, plain))
    }

    /// An officer's queue: registrations of their categories in one state, oldest first,
    /// each with its documents' metadata.
    pub async fn queue(
        &self,
        user: &User,
        conference: &str,
        params: &QueueParams,
    ) -> AppResult<QueuePage> {
        let person = person_of(user)?;
        let c = self.load(conference).await?;
        let cats = permissions::officer_categories(&c, &person);
        if cats.is_empty() {
            return Err(AppError::Forbidden);
        }
        let state = params.state.as_deref().unwrap_or("pending");
        if ![
            "pending",
            "waiting_list",
            "approved",
            "rejected",
            "withdrawn",
        ]
        .contains(&state)
        {
            return Err(AppError::invalid(
                "state: pending, waiting_list, approved, rejected or withdrawn",
            ));
        }
        let after = match &params.after {
            Some(a) => Some(
                a.split_once('|')
                    .ok_or_else(|| AppError::invalid("after: a cursor from the previous page"))?,
            ),
            None => None,
        };
        let limit = i64::from(params.limit.unwrap_or(50).clamp(1, 200));
        let cat_names: Vec<&str> = cats.iter().map(|c| c.as_str()).collect();
        let page = self
            .store
            .accreditation_queue(&QueueQuery {
                conference_id: conference,
                state,
                categories: &cat_names,
                after,
                limit,
            })
            .await?;
        let next = (page.rows.len() as i64 == limit)
            .then(|| {
                page.rows
                    .last()
                    .map(|r| format!("{}|{}", r.submitted_at, r.id))
            })
            .flatten();
        let ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
        let docs = self.store.conference_documents(&ids).await?;
        let mut items = Vec::with_capacity(page.rows.len());
        for row in &page.rows {
            let reg: Registration = from_json("registration", &row.body)?;
            let documents = docs
                .iter()
                .filter(|d| d.registration_id == row.id)
                .map(meta_of)
                .collect::<AppResult<Vec<_>>>()?;
            items.push(RegistrationView {
                missing: missing(&c, &reg, &documents),
                registration: reg,
                documents,
            });
        }
        Ok(QueuePage {
            items,
            total: page.total,
            next,
        })
    }

    /// An officer approves: every required document present; the badge's ticket is issued.
    pub async fn approve(&self, user: &User, registration: &str) -> AppResult<RegistrationView> {
        let person = person_of(user)?;
        let keys = self.keys()?;
        let mut t = self.store.begin_write().await?;
        let mut l = self.registration_in(&mut t, registration).await?;
        let c = Self::load_in(&mut t, l.reg.conference.as_str()).await?;
        let present: Vec<DocumentKind> = tx::documents_of(&mut t, registration)
            .await?
            .iter()
            .filter_map(|d| DocumentKind::parse(&d.kind).ok())
            .collect();
        l.reg
            .approve(&mut rand::rng(), &c, &person, &present, now())?;
        let reg = Registration {
            ticket: None,
            ..l.reg.clone()
        };
        tx::update_registration(&mut t, &to_row(l, Some(keys))?).await?;
        t.record(
            AuditDraft::new(
                &user.username,
                "conferences.registration.approve",
                registration,
            )
            .after(&json!({"state": "approved"})),
        )
        .await?;
        t.commit().await?;
        self.view_of(&c, reg).await
    }

    /// An officer rejects, with the reason the person reads; a freed place goes to the waiting list.
    pub async fn reject(&self, user: &User, registration: &str, reason: &str) -> AppResult<()> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let mut l = self.registration_in(&mut t, registration).await?;
        let c = Self::load_in(&mut t, l.reg.conference.as_str()).await?;
        let held = l.reg.state.holds_place();
        l.reg.reject(&c, &person, reason, now())?;
        let reg = l.reg.clone();
        tx::update_registration(&mut t, &to_row(l, None)?).await?;
        t.record(
            AuditDraft::new(
                &user.username,
                "conferences.registration.reject",
                registration,
            )
            .after(&json!({"state": "rejected", "reason": reason})),
        )
        .await?;
        if held {
            self.promote_waiting(&mut t, &user.username, &c, &reg)
                .await?;
        }
        t.commit().await.map_err(Into::into)
    }

    /// The person (or the secretariat) withdraws; the badge stops working at the door.
    pub async fn withdraw(&self, user: &User, registration: &str) -> AppResult<()> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let mut l = self.registration_in(&mut t, registration).await?;
        let c = Self::load_in(&mut t, l.reg.conference.as_str()).await?;
        let held = l.reg.state.holds_place();
        l.reg.withdraw(&c, &person, now())?;
        let reg = l.reg.clone();
        tx::update_registration(&mut t, &to_row(l, None)?).await?;
        t.record(AuditDraft::new(
            &user.username,
            "conferences.registration.withdraw",
            registration,
        ))
        .await?;
        if held {
            self.promote_waiting(&mut t, &user.username, &c, &reg)
                .await?;
        }
        t.commit().await.map_err(Into::into)
    }

    /// The badge (print-ready SVG) of an approved registration: for its holder, its officers
    /// and the secretariat. A withdrawn registration's badge is refused.
    pub async fn badge(&self, user: &User, registration: &str, lang: Lang) -> AppResult<String> {
        let person = person_of(user)?;
        RegistrationId::parse(registration).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .conference_registration(registration)
            .await?
            .ok_or(AppError::NotFound)?;
        let c = self.load(&row.conference_id).await?;
        let mut l = load_row(row)?;
        if !permissions::may_print_badge(&c, &person, &l.reg) {
            return Err(AppError::NotFound);
        }
        if l.reg.state == RegistrationState::Approved
            && let Some(sealed) = &l.ticket_sealed
        {
            let bytes = B64
                .decode(sealed)
                .map_err(|e| AppError::internal("sealed ticket", e))?;
            let plain = self.keys()?.open(&bytes, &ticket_aad(&l.reg))?;
            let text = String::from_utf8(plain).map_err(|e| AppError::internal("ticket", e))?;
            l.reg.ticket =
                Some(TicketId::parse(&text).map_err(|e| AppError::internal("ticket", e))?);
        }
        Ok(badge::badge_svg(&c, &l.reg, lang)?)
    }

    /// The door scans a ticket (door staff or the secretariat of that conference). One index
    /// probe by the ticket's digest; a first valid scan is written with its audit entry, in one
    /// transaction with the other first scans that arrived meanwhile (group commit; the
    /// answer comes once it is durable).
    pub async fn check_in(
        &self,
        user: &User,
        conference: &str,
        ticket: &str,
        lang: Lang,
    ) -> AppResult<CheckInResult> {
        let person = person_of(user)?;
        ConferenceId::parse(conference).map_err(|_| AppError::NotFound)?;
        let digest = TicketId::parse(ticket).ok().map(|t| ticket_digest(&t));
        // The conference and the ticket's registration in one query (the door's hot path).
        let (body, row) = self
            .store
            .conference_and_ticket(conference, digest.as_deref().unwrap_or(""))
            .await?;
        let c: Conference = from_json("conference", &body.ok_or(AppError::NotFound)?)?;
        if !permissions::may_check_in(&c, &person) {
            return Err(AppError::Forbidden);
        }
        let (Some(digest), Some(row)) = (digest, row) else {
            return Ok(CheckInResult {
                answer: CheckIn::Unknown,
                name: None,
                affiliation: None,
                category: None,
            });
        };
        let mut reg = load_row(row)?.reg;
        let mut answer = reg.clone().check_in(now());
        if answer == CheckIn::Valid {
            (answer, reg) = self
                .door
                .check_in(&self.store, digest, user.username.clone())
                .await?;
        }
        let r = &reg;
        Ok(CheckInResult {
            answer,
            name: Some(r.display_name()),
            affiliation: Some(r.affiliation.name(lang)),
            category: Some(r.category.as_str()),
        })
    }
}
