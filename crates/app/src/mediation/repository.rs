//! The sealed mediation store: records are sealed with the operator's key before they reach the
//! database, and a request opens only the records it shows.
//!
//! Each record is stored under a blind *scope* (a keyed tag of its kind and, for notes and
//! sessions, its space). Opening a process for a viewer asks the store for the scopes that
//! viewer may read, so another party's caucus notes are neither fetched nor decrypted: their
//! volume cannot show in this viewer's response times. A blind membership index answers "which
//! processes does this person take part in" and "is this person a delegate elsewhere" without
//! opening any other process.

use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chamber_mediation::agreement::Agreement;
use chamber_mediation::confidential::Keyring;
use chamber_mediation::permissions;
use chamber_mediation::process::ProcessRole;
use chamber_mediation::text::TextRecord;
use chamber_mediation::venue::{Room, Session};
use chamber_mediation::{Note, PersonId, Process, ProcessId, SpaceId};
use chamber_store::Store;
use chamber_store::mediation::{Members, SealedRecord};
use chamber_store::rotation::{Resealed, resealed_record};
use std::sync::Arc;

/// What a record is, as its blind scope encodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    Process,
    Text,
    Agreement,
    Room,
    Session(SpaceId),
    Note(SpaceId),
}

impl Scope {
    /// The kind's name inside the associated data (unchanged since records were first sealed,
    /// so older records still open).
    fn kind(&self) -> &'static str {
        match self {
            Scope::Process => "process",
            Scope::Text => "text",
            Scope::Agreement => "agreement",
            Scope::Room => "room",
            Scope::Session(_) => "session",
            Scope::Note(_) => "note",
        }
    }
}

/// One record to store, borrowed from the domain value it seals.
pub enum Record<'a> {
    Process(&'a Process),
    Text(&'a TextRecord),
    Agreement(&'a Agreement),
    Room(&'a Room),
    Session(&'a Session),
    Note(&'a Note),
}

impl Record<'_> {
    fn scope(&self) -> Scope {
        match self {
            Record::Process(_) => Scope::Process,
            Record::Text(_) => Scope::Text,
            Record::Agreement(_) => Scope::Agreement,
            Record::Room(_) => Scope::Room,
            Record::Session(s) => Scope::Session(s.space.clone()),
            Record::Note(n) => Scope::Note(n.space.clone()),
        }
    }

    fn id(&self, process: &str) -> String {
        match self {
            Record::Process(_) => process.to_string(),
            Record::Text(_) => format!("{process}-text"),
            Record::Agreement(_) => format!("{process}-agreement"),
            Record::Room(r) => r.id.as_str().to_string(),
            Record::Session(s) => s.id.as_str().to_string(),
            Record::Note(n) => n.id.as_str().to_string(),
        }
    }

    fn json(&self) -> Result<Vec<u8>, serde_json::Error> {
        match self {
            Record::Process(v) => serde_json::to_vec(v),
            Record::Text(v) => serde_json::to_vec(v),
            Record::Agreement(v) => serde_json::to_vec(v),
            Record::Room(v) => serde_json::to_vec(v),
            Record::Session(v) => serde_json::to_vec(v),
            Record::Note(v) => serde_json::to_vec(v),
        }
    }
}

/// A process with what a viewer may see beside it: only the records of the spaces they may
/// read were fetched and opened.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub viewer: PersonId,
    pub process: Process,
    pub record: Option<TextRecord>,
    pub notes: Vec<Note>,
    pub sessions: Vec<Session>,
    pub rooms: Vec<Room>,
    pub agreement: Option<Agreement>,
}

/// The smallest sealed size: every record is padded to a power of two at least this large, so
/// a ciphertext's length tells little about its content.
const MIN_SIZE_CLASS: usize = 512;

fn padded(mut json: Vec<u8>) -> Vec<u8> {
    let class = json.len().max(MIN_SIZE_CLASS).next_power_of_two();
    json.resize(class, b' ');
    json
}

/// What a record is bound to: its process, kind and id. A record moved to another process or
/// relabelled does not open.
fn aad(process: &str, kind: &str, id: &str) -> Vec<u8> {
    format!("chamber/v1/{process}/{kind}/{id}").into_bytes()
}

/// The sealed store of mediation records.
#[derive(Clone)]
pub struct Repository {
    store: Arc<Store>,
    keys: Arc<Keyring>,
}

impl Repository {
    pub fn new(store: Arc<Store>, keys: Arc<Keyring>) -> Repository {
        Repository { store, keys }
    }

    pub fn keys(&self) -> &Keyring {
        &self.keys
    }

    fn scope_tag(&self, process: &str, scope: &Scope) -> String {
        match scope {
            Scope::Session(space) | Scope::Note(space) => {
                self.keys
                    .blind(&["scope", process, scope.kind(), space.as_str()])
            }
            _ => self.keys.blind(&["scope", process, scope.kind()]),
        }
    }

    /// The blind tag under which a person is listed as a member of their processes.
    pub fn member_tag(&self, person: &PersonId) -> String {
        self.keys.blind(&["member", person.as_str()])
    }

    /// The blind tag under which a person is listed as a party delegate.
    fn delegate_tag(&self, person: &PersonId) -> String {
        self.keys.blind(&["delegate", person.as_str()])
    }

    /// The opaque actor written in the audit record for a change to sealed records: the same
    /// for one account each time, tied to it only by whoever holds the key.
    pub fn opaque_actor(&self, account_id: &str) -> String {
        let tag = self.keys.blind(&["actor", account_id]);
        format!("sealed:{}", &tag[..16])
    }

    fn seal(&self, process: &str, record: &Record<'_>) -> AppResult<SealedRecord> {
        let scope = record.scope();
        let id = record.id(process);
        let json = record
            .json()
            .map_err(|e| AppError::internal("serialising a record", e))?;
        let sealed = self
            .keys
            .seal(&padded(json), &aad(process, scope.kind(), &id))
            .map_err(|e| AppError::internal("sealing a record", e))?;
        Ok(SealedRecord {
            scope: self.scope_tag(process, &scope),
            id,
            process_id: process.to_string(),
            sealed: B64.encode(sealed),
        })
    }

    fn open<T: serde::de::DeserializeOwned>(&self, kind: &str, r: &SealedRecord) -> AppResult<T> {
        let bytes = B64
            .decode(&r.sealed)
            .map_err(|e| AppError::internal(&format!("record {}", r.id), e))?;
        let plain = self
            .keys
            .open(&bytes, &aad(&r.process_id, kind, &r.id))
            .map_err(|e| {
                AppError::internal(&format!("record {} does not open with this key", r.id), e)
            })?;
        serde_json::from_slice(&plain)
            .map_err(|e| AppError::internal(&format!("record {}", r.id), e))
    }

    /// Seal and store records of one process (and its membership when the process itself is
    /// among them), in one transaction with their audit entries.
    pub async fn save(&self, actor: &str, process: &str, records: &[Record<'_>]) -> AppResult<()> {
        let sealed = records
            .iter()
            .map(|r| self.seal(process, r))
            .collect::<AppResult<Vec<_>>>()?;
        let tags: Option<Vec<String>> = records.iter().find_map(|r| match r {
            Record::Process(p) => Some(self.membership_tags(p)),
            _ => None,
        });
        let members = tags.as_ref().map(|tags| Members {
            process_id: process,
            tags,
        });
        self.store
            .save_sealed(&self.opaque_actor(actor), &sealed, members)
            .await?;
        Ok(())
    }

    /// The blind tag listing every case that awaits a mediator.
    pub fn intake_tag(&self) -> String {
        self.keys.blind(&["intake"])
    }

    /// The blind tag of the case opened from an alert.
    pub fn alert_tag(&self, alert: &str) -> String {
        self.keys.blind(&["alert", alert])
    }

    fn membership_tags(&self, process: &Process) -> Vec<String> {
        let mut tags = Vec::new();
        if let Some(alert) = process.origin().alert_id() {
            tags.push(self.alert_tag(alert));
        }
        if process.awaiting_mediator() {
            tags.push(self.intake_tag());
        }
        for p in process.participants() {
            tags.push(self.member_tag(&p.person));
            if matches!(p.role, ProcessRole::Delegate { .. }) {
                tags.push(self.delegate_tag(&p.person));
            }
        }
        tags
    }

    /// The notes stored in one space of a process, counted without opening any.
    pub async fn notes_in_space(&self, id: &str, space: &SpaceId) -> AppResult<usize> {
        let tag = self.scope_tag(id, &Scope::Note(space.clone()));
        Ok(self.store.count_sealed_in_scope(id, &tag).await?)
    }

    /// The process record alone (no other record of it is opened).
    pub async fn process(&self, id: &str) -> AppResult<Option<Process>> {
        let tag = self.scope_tag(id, &Scope::Process);
        let rows = self.store.sealed_in_scopes(id, &[tag]).await?;
        rows.first().map(|r| self.open("process", r)).transpose()
    }

    /// The process as `viewer` may see it, with only the records of spaces they may read.
    /// Unknown, malformed and not-theirs are the same `NotFound`.
    pub async fn workspace(&self, id: &str, viewer: &PersonId) -> AppResult<Workspace> {
        if ProcessId::parse(id).is_err() {
            return Err(AppError::NotFound);
        }
        let process = self.process(id).await?.ok_or(AppError::NotFound)?;
        if permissions::process_view(&process, viewer).is_err() {
            return Err(AppError::NotFound);
        }
        let mut wanted = vec![Scope::Text, Scope::Agreement, Scope::Room];
        for space in permissions::visible_spaces(&process, viewer) {
            wanted.push(Scope::Session(space.clone()));
            wanted.push(Scope::Note(space));
        }
        let tags: Vec<(String, Scope)> = wanted
            .into_iter()
            .map(|s| (self.scope_tag(id, &s), s))
            .collect();
        let rows = self
            .store
            .sealed_in_scopes(id, &tags.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>())
            .await?;
        let mut ws = Workspace {
            viewer: viewer.clone(),
            process,
            record: None,
            notes: Vec::new(),
            sessions: Vec::new(),
            rooms: Vec::new(),
            agreement: None,
        };
        for row in &rows {
            let Some((_, scope)) = tags.iter().find(|(t, _)| *t == row.scope) else {
                continue;
            };
            match scope {
                Scope::Text => ws.record = Some(self.open("text", row)?),
                Scope::Agreement => ws.agreement = Some(self.open("agreement", row)?),
                Scope::Room => ws.rooms.push(self.open("room", row)?),
                Scope::Session(_) => ws.sessions.push(self.open("session", row)?),
                Scope::Note(_) => ws.notes.push(self.open("note", row)?),
                Scope::Process => {}
            }
        }
        ws.notes.sort_by_key(|n| n.created_at);
        ws.sessions.sort_by_key(|s| s.start);
        Ok(ws)
    }

    /// Every record of a process, opened with the key. For the operator's own tools and tests
    /// only (feature `inspect`): no request handler or command reaches it, so no role can read
    /// a caucus through the product.
    #[cfg(feature = "inspect")]
    pub async fn everything(&self, id: &str) -> AppResult<Workspace> {
        let process = self.process(id).await?.ok_or(AppError::NotFound)?;
        let mediator = process
            .participants()
            .iter()
            .find(|p| p.role.is_mediator())
            .map(|p| p.person.clone())
            .ok_or(AppError::NotFound)?;
        let mut ws = self.workspace(id, &mediator).await?;
        ws.viewer = mediator;
        Ok(ws)
    }

    /// The processes a person takes part in (their process records only).
    pub async fn processes_of(&self, person: &PersonId) -> AppResult<Vec<Process>> {
        let ids = self
            .store
            .processes_of_member(&self.member_tag(person))
            .await?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(p) = self.process(&id).await?
                && p.role_of(person).is_some()
            {
                out.push(p);
            }
        }
        out.sort_by(|a, b| {
            a.opened_at()
                .cmp(&b.opened_at())
                .then_with(|| a.id().as_str().cmp(b.id().as_str()))
        });
        Ok(out)
    }

    /// The processes listed under a blind tag (intake, an alert), their process records only.
    pub async fn processes_tagged(&self, tag: &str) -> AppResult<Vec<Process>> {
        let mut out = Vec::new();
        for id in self.store.processes_of_member(tag).await? {
            if let Some(p) = self.process(&id).await? {
                out.push(p);
            }
        }
        out.sort_by(|a, b| {
            a.opened_at()
                .cmp(&b.opened_at())
                .then_with(|| a.id().as_str().cmp(b.id().as_str()))
        });
        Ok(out)
    }

    /// The processes in which a person is a party delegate, from the index alone.
    pub async fn delegate_in(&self, person: &PersonId) -> AppResult<Vec<ProcessId>> {
        let ids = self
            .store
            .processes_of_member(&self.delegate_tag(person))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| ProcessId::parse(id).ok())
            .collect())
    }

    /// Every record opened with this repository's keys and sealed again under `next`'s, with
    /// its blind scope recomputed under `next`, and the whole membership index under `next`
    /// (key rotation; [`crate::keys::rotate`] stores it all in one transaction). A record
    /// that opens as none of the known kinds stops the rotation before anything is written.
    pub async fn resealed_under(
        &self,
        next: &Repository,
    ) -> AppResult<(Vec<(Resealed, String)>, Vec<(String, String)>)> {
        const KINDS: [&str; 6] = ["process", "text", "agreement", "room", "session", "note"];
        let mut records = Vec::new();
        let mut members = Vec::new();
        for row in self.store.all_sealed().await? {
            let bytes = B64
                .decode(&row.sealed)
                .map_err(|e| AppError::internal(&format!("record {}", row.id), e))?;
            let (kind, plain) = KINDS
                .iter()
                .find_map(|k| {
                    let opened = self.keys.open(&bytes, &aad(&row.process_id, k, &row.id));
                    opened.ok().map(|p| (*k, p))
                })
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "record {} does not open with the current or a retired key",
                        row.id
                    ))
                })?;
            let parse = |e: serde_json::Error| AppError::internal(&format!("record {}", row.id), e);
            let scope = match kind {
                "process" => {
                    let p: Process = serde_json::from_slice(&plain).map_err(parse)?;
                    for tag in next.membership_tags(&p) {
                        members.push((tag, row.process_id.clone()));
                    }
                    Scope::Process
                }
                "text" => Scope::Text,
                "agreement" => Scope::Agreement,
                "room" => Scope::Room,
                "session" => Scope::Session(
                    serde_json::from_slice::<Session>(&plain)
                        .map_err(parse)?
                        .space,
                ),
                _ => Scope::Note(serde_json::from_slice::<Note>(&plain).map_err(parse)?.space),
            };
            let sealed = next
                .keys
                .seal(&plain, &aad(&row.process_id, kind, &row.id))
                .map_err(|e| AppError::internal("sealing a record", e))?;
            let tag = next.scope_tag(&row.process_id, &scope);
            records.push(resealed_record(&row, B64.encode(sealed), tag));
        }
        Ok((records, members))
    }

    /// Re-store records written before blind scopes (migration 3's table) under their scopes.
    /// Runs at start; does nothing when there are none.
    pub async fn upgrade_legacy(&self) -> AppResult<usize> {
        let legacy = self.store.legacy_mediation_records().await?;
        if legacy.is_empty() {
            return Ok(0);
        }
        let mut records = Vec::new();
        let mut members = Vec::new();
        for r in &legacy {
            let row = SealedRecord {
                id: r.id.clone(),
                process_id: r.process_id.clone(),
                scope: String::new(),
                sealed: r.sealed.clone(),
            };
            let scope = match r.kind.as_str() {
                "process" => {
                    let p: Process = self.open("process", &row)?;
                    members.push((r.process_id.clone(), self.membership_tags(&p)));
                    Scope::Process
                }
                "text" => Scope::Text,
                "agreement" => Scope::Agreement,
                "room" => Scope::Room,
                "session" => Scope::Session(self.open::<Session>("session", &row)?.space),
                "note" => Scope::Note(self.open::<Note>("note", &row)?.space),
                other => {
                    return Err(AppError::Internal(format!(
                        "record {} has an unknown kind {other:?}",
                        r.id
                    )));
                }
            };
            records.push(SealedRecord {
                scope: self.scope_tag(&r.process_id, &scope),
                ..row
            });
        }
        self.store
            .upgrade_legacy_records(&records, &members)
            .await?;
        Ok(records.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_rounds_up_to_a_power_of_two_and_stays_valid_json() {
        let json = serde_json::to_vec(&serde_json::json!({"a": "b"})).unwrap();
        let p = padded(json);
        assert_eq!(p.len(), MIN_SIZE_CLASS);
        let back: serde_json::Value = serde_json::from_slice(&p).unwrap();
        assert_eq!(back["a"], "b");
        assert_eq!(padded(vec![b'1'; 513]).len(), 1024);
    }
}
