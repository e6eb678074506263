//! The mediation chamber's use cases: open a process as a viewer may see it, list a person's
//! processes, post notes, propose and decide wording, issue versions, set a process up, adopt
//! and monitor the agreement.
//!
//! Every use case takes the signed-in account, opens only what it needs through the
//! [`Repository`], lets `chamber_mediation` decide (its `permissions` is the one place
//! confidentiality is decided), and stores what changed, sealed. One writer at a time changes a
//! process (load, change, seal, store).

mod closing;
mod intake;
pub mod repository;
mod setup;

pub use closing::Closed;
pub use intake::{CaseOpened, CaseSummary};
pub use repository::{Record, Repository, Workspace};
pub use setup::{NewProcess, SessionPlan, parse_session_format};

use crate::error::{AppError, AppResult};
use chamber_core::Role;
use chamber_mediation::agreement::{Agreement, Change, CommitmentUpdate, Level, ProvisionType};
use chamber_mediation::ids::{AmendmentId, ParagraphId};
use chamber_mediation::permissions::process_view;
use chamber_mediation::process::{Origin, ProcessKind, ProcessRole};
use chamber_mediation::text::{Decision, Operation, TextRecord};
use chamber_mediation::{Note, PersonId, Process, ProcessId, SpaceId};
use chamber_store::{Store, User};
use std::collections::HashMap;
use std::sync::Arc;

/// The person a signed-in account is in mediation.
pub fn person_of(user: &User) -> AppResult<PersonId> {
    PersonId::parse(&user.username).map_err(|_| AppError::NotFound)
}

/// The most notes one space holds (a note holds at most 200,000 characters).
pub const MAX_NOTES_PER_SPACE: usize = 2_000;

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// A process in a person's list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProcessSummary {
    pub id: String,
    pub title: String,
    pub kind: ProcessKind,
}

/// The mediation chamber: its repository and its one-writer lock.
pub struct Mediation {
    repo: Option<Repository>,
    store: Arc<Store>,
    write: tokio::sync::Mutex<()>,
    /// The most notes one space holds ([`MAX_NOTES_PER_SPACE`] unless set lower).
    max_notes_per_space: usize,
}

impl Mediation {
    /// `keys` is `None` when no key was configured: then no process exists for anyone.
    pub fn new(
        store: Arc<Store>,
        keys: Option<Arc<chamber_mediation::confidential::Keyring>>,
    ) -> Self {
        Mediation {
            repo: keys.map(|k| Repository::new(store.clone(), k)),
            store,
            write: tokio::sync::Mutex::new(()),
            max_notes_per_space: MAX_NOTES_PER_SPACE,
        }
    }

    /// The same, with at most `limit` notes a space (a venue may want fewer; tests reach the
    /// limit without posting thousands of notes).
    pub fn with_max_notes_per_space(mut self, limit: usize) -> Self {
        self.max_notes_per_space = limit;
        self
    }

    /// The repository (none without a key: every process is then "not found").
    pub fn repository(&self) -> AppResult<&Repository> {
        self.repo.as_ref().ok_or(AppError::NotFound)
    }

    /// Move records written by older versions under blind scopes; run at start.
    pub async fn upgrade(&self) -> AppResult<usize> {
        match &self.repo {
            Some(r) => r.upgrade_legacy().await,
            None => Ok(0),
        }
    }

    /// The processes the account takes part in, in the order they were opened.
    pub async fn list(&self, user: &User) -> AppResult<Vec<ProcessSummary>> {
        let person = person_of(user)?;
        let Some(repo) = &self.repo else {
            return Ok(Vec::new());
        };
        Ok(repo
            .processes_of(&person)
            .await?
            .iter()
            .filter_map(|p| process_view(p, &person).ok())
            .map(|v| ProcessSummary {
                id: v.id.as_str().to_string(),
                title: v.title,
                kind: v.kind,
            })
            .collect())
    }

    /// One process as the account may see it.
    pub async fn open(&self, user: &User, id: &str) -> AppResult<Workspace> {
        let person = person_of(user)?;
        self.repository()?.workspace(id, &person).await
    }

    /// Change a process under the write lock: open it for the account, apply `change`, and
    /// store the records it returns.
    async fn change<T>(
        &self,
        user: &User,
        id: &str,
        change: impl FnOnce(&mut Workspace) -> AppResult<(T, Changed)>,
    ) -> AppResult<T> {
        let _guard = self.write.lock().await;
        let repo = self.repository()?;
        let mut ws = repo.workspace(id, &person_of(user)?).await?;
        let (out, changed) = change(&mut ws)?;
        let records = changed.records(&ws);
        repo.save(&user.id, id, &records).await?;
        Ok(out)
    }

    /// A note in a space the account may write to, sealed at once. A space the account cannot
    /// see is "not found", never "forbidden".
    pub async fn post_note(
        &self,
        user: &User,
        id: &str,
        space: &str,
        title: &str,
        body: &str,
    ) -> AppResult<String> {
        let space = SpaceId::parse(space).map_err(|_| AppError::NotFound)?;
        // Only the process record is opened and the new note sealed: the cost of a post does
        // not grow with the notes already there (the space's notes are counted, not opened).
        let _guard = self.write.lock().await;
        let repo = self.repository()?;
        let viewer = person_of(user)?;
        if ProcessId::parse(id).is_err() {
            return Err(AppError::NotFound);
        }
        let process = repo.process(id).await?.ok_or(AppError::NotFound)?;
        if process_view(&process, &viewer).is_err() {
            return Err(AppError::NotFound);
        }
        // Counted only in a space the caller may write to, so the refusal says nothing of
        // another party's space.
        if chamber_mediation::permissions::may_write(&process, &space, &viewer) {
            let limit = self.max_notes_per_space;
            if repo.notes_in_space(id, &space).await? >= limit {
                return Err(AppError::invalid(format!(
                    "this space holds its maximum of {limit} notes"
                )));
            }
        }
        let note = Note::post(
            &mut rand::rng(),
            &process,
            &viewer,
            &space,
            now(),
            title.trim(),
            body.trim(),
        )?;
        repo.save(&user.id, id, &[Record::Note(&note)]).await?;
        Ok(note.id.as_str().to_string())
    }

    /// A party's amendment of any operations a party may use.
    pub async fn propose(
        &self,
        user: &User,
        id: &str,
        base_version: u32,
        operations: Vec<Operation>,
        explanation: &str,
    ) -> AppResult<AmendmentId> {
        self.change(user, id, |ws| {
            let record = ws.record.as_mut().ok_or(AppError::NotFound)?;
            let amendment = record.propose(
                &mut rand::rng(),
                &ws.process,
                &ws.viewer,
                base_version,
                operations,
                explanation.trim(),
                now(),
            )?;
            Ok((amendment, Changed::Text))
        })
        .await
    }

    /// A party proposes new wording for a whole paragraph of the current version.
    pub async fn propose_wording(
        &self,
        user: &User,
        id: &str,
        paragraph: &str,
        wording: &str,
        explanation: &str,
    ) -> AppResult<AmendmentId> {
        let paragraph = ParagraphId::parse(paragraph).map_err(|_| AppError::NotFound)?;
        self.change(user, id, |ws| {
            let record = ws.record.as_mut().ok_or(AppError::NotFound)?;
            let current = record.current();
            let op =
                chamber_mediation::text::replace_wording(&current.text, &paragraph, wording.trim())
                    .map_err(|_| AppError::NotFound)?;
            let base = current.number;
            let amendment = record.propose(
                &mut rand::rng(),
                &ws.process,
                &ws.viewer,
                base,
                vec![op],
                explanation.trim(),
                now(),
            )?;
            Ok((amendment, Changed::Text))
        })
        .await
    }

    /// The mediator's decisions and edits → a new immutable version; returns its number.
    /// With `merged_wordings` (a form), each merged amendment's paragraph takes the mediator's
    /// wording given for it, and a merge without one is refused; without (a program), the
    /// edits carry out the merges themselves.
    pub async fn issue_version(
        &self,
        user: &User,
        id: &str,
        decisions: &[Decision],
        merged_wordings: Option<&HashMap<AmendmentId, String>>,
        edits: &[Operation],
        note: &str,
    ) -> AppResult<u32> {
        self.change(user, id, |ws| {
            // Permission before any lookup: a caller who may not issue versions learns nothing
            // of which amendments exist (another party's pending one and a random id answer
            // alike).
            if !chamber_mediation::permissions::may_issue_version(&ws.process, &ws.viewer) {
                return Err(AppError::Forbidden);
            }
            let record = ws.record.as_mut().ok_or(AppError::NotFound)?;
            let mut all_edits = match merged_wordings {
                Some(w) => record.merge_edits(decisions, w)?,
                None => Vec::new(),
            };
            all_edits.extend(edits.iter().cloned());
            let number = record.issue_version(
                &ws.process,
                &ws.viewer,
                decisions,
                &all_edits,
                note.trim(),
                now(),
            )?;
            Ok((number, Changed::Text))
        })
        .await
    }

    /// The mediator records a paragraph as agreed ad referendum as it stands, in a new version.
    pub async fn agree_paragraph(&self, user: &User, id: &str, paragraph: &str) -> AppResult<u32> {
        let paragraph = ParagraphId::parse(paragraph).map_err(|_| AppError::NotFound)?;
        self.change(user, id, |ws| {
            let record = ws.record.as_mut().ok_or(AppError::NotFound)?;
            let current = &record.current().text;
            let p = current.find(&paragraph).ok_or(AppError::NotFound)?;
            let edits = chamber_mediation::text::agree_as_it_stands(p);
            let number = record.issue_version(
                &ws.process,
                &ws.viewer,
                &[],
                &edits,
                // The page says which paragraph was agreed from the version itself, in the
                // reader's language; the note is left for the mediator's own words.
                "",
                now(),
            )?;
            Ok((number, Changed::Text))
        })
        .await
    }

    /// The mediator adopts the current version as the agreement.
    pub async fn adopt(&self, user: &User, id: &str) -> AppResult<()> {
        self.change(user, id, |ws| {
            if ws.agreement.is_some() {
                return Err(AppError::invalid("this process already has an agreement"));
            }
            let record = ws.record.as_ref().ok_or(AppError::NotFound)?;
            let agreement = Agreement::adopt(
                &mut rand::rng(),
                &ws.process,
                &ws.viewer,
                record,
                record.current().number,
                now(),
            )?;
            ws.agreement = Some(agreement);
            Ok(((), Changed::Agreement))
        })
        .await
    }

    /// Implementation of one provision in one period, scored 0–3 with evidence (the Peace
    /// Accords Matrix scale). A provision type given with the score (a code such as
    /// `cease-fire`, or its Peace Accords Matrix name) is set on the provision; nothing else of
    /// the commitment changes, and the score itself changes nothing of it.
    #[allow(clippy::too_many_arguments)]
    pub async fn score(
        &self,
        user: &User,
        id: &str,
        provision: &str,
        period: time::Date,
        level: u8,
        evidence: &str,
        provision_type: Option<&str>,
    ) -> AppResult<()> {
        let provision = ParagraphId::parse(provision).map_err(|_| AppError::NotFound)?;
        let level = Level::try_from(level)?;
        let provision_type = provision_type_of(provision_type)?;
        self.change(user, id, |ws| {
            let agreement = ws.agreement.as_mut().ok_or(AppError::NotFound)?;
            if let Some(t) = provision_type {
                agreement.update_commitment(
                    &ws.process,
                    &ws.viewer,
                    &provision,
                    CommitmentUpdate {
                        provision_type: Change::Set(t),
                        ..CommitmentUpdate::default()
                    },
                )?;
            }
            agreement.record_score(
                &ws.process,
                &ws.viewer,
                &provision,
                period,
                level,
                evidence.trim(),
                now(),
            )?;
            Ok(((), Changed::Agreement))
        })
        .await
    }

    /// A provision's type, responsible party and deadline. A field left empty keeps its value
    /// (a form posting only some fields never erases the others).
    pub async fn set_commitment(
        &self,
        user: &User,
        id: &str,
        provision: &str,
        provision_type: Option<&str>,
        responsible: Option<&str>,
        deadline: Option<time::Date>,
    ) -> AppResult<()> {
        let provision = ParagraphId::parse(provision).map_err(|_| AppError::NotFound)?;
        let provision_type = provision_type_of(provision_type)?;
        let responsible = responsible
            .filter(|r| !r.trim().is_empty())
            .map(|r| chamber_mediation::PartyId::parse(r.trim()))
            .transpose()?;
        self.change(user, id, |ws| {
            let agreement = ws.agreement.as_mut().ok_or(AppError::NotFound)?;
            agreement.update_commitment(
                &ws.process,
                &ws.viewer,
                &provision,
                CommitmentUpdate {
                    provision_type: Change::if_given(provision_type),
                    responsible: Change::if_given(responsible),
                    deadline: Change::if_given(deadline),
                },
            )?;
            Ok(((), Changed::Agreement))
        })
        .await
    }

    /// Open a process by hand (secretariat, mediators, analysts), with a mediator's account
    /// as its mediator (the opener when a mediator opens it; the opener observes otherwise).
    pub async fn open_by_hand(&self, user: &User, new: &NewProcess) -> AppResult<String> {
        if !chamber_core::permissions::may_open_process(user.role) {
            return Err(AppError::Forbidden);
        }
        let repo = self.repository()?;
        let mediator_name = new
            .mediator
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| user.username.clone());
        let mediator = match self.store.login_lookup(&mediator_name).await? {
            Some((u, _)) if u.role == Role::Mediator => u,
            _ => {
                return Err(AppError::invalid(format!(
                    "mediator: {mediator_name} is not a mediator's account"
                )));
            }
        };
        let mut process = Process::open(
            &mut rand::rng(),
            new.title.trim(),
            new.kind,
            Origin::Manual,
            now(),
        )?;
        process.add_participant(person_of(&mediator)?, ProcessRole::Mediator)?;
        if user.id != mediator.id {
            process.add_participant(person_of(user)?, ProcessRole::Observer)?;
        }
        let pid = process.id().as_str().to_string();
        let _guard = self.write.lock().await;
        repo.save(&user.id, &pid, &[Record::Process(&process)])
            .await?;
        Ok(pid)
    }

    /// Store a whole process with what lives beside it (demonstration data, imports).
    pub async fn store_whole(
        &self,
        actor: &str,
        process: &Process,
        record: Option<&TextRecord>,
        notes: &[Note],
        sessions: &[chamber_mediation::venue::Session],
        rooms: &[chamber_mediation::venue::Room],
    ) -> AppResult<()> {
        let repo = self.repository()?;
        let pid = process.id().as_str().to_string();
        let mut records = vec![Record::Process(process)];
        records.extend(record.map(Record::Text));
        records.extend(notes.iter().map(Record::Note));
        records.extend(sessions.iter().map(Record::Session));
        records.extend(rooms.iter().map(Record::Room));
        let _guard = self.write.lock().await;
        repo.save(actor, &pid, &records).await
    }
}

/// What a change touched, so only those records are sealed and stored again.
enum Changed {
    Process,
    Text,
    Agreement,
    /// The room just added.
    Room,
    /// The session just planned or changed.
    Session(chamber_mediation::SessionId),
}

impl Changed {
    fn records<'a>(&self, ws: &'a Workspace) -> Vec<Record<'a>> {
        match self {
            Changed::Process => vec![Record::Process(&ws.process)],
            Changed::Text => ws.record.iter().map(Record::Text).collect(),
            Changed::Agreement => ws.agreement.iter().map(Record::Agreement).collect(),
            Changed::Room => ws.rooms.last().map(Record::Room).into_iter().collect(),
            Changed::Session(id) => ws
                .sessions
                .iter()
                .filter(|s| &s.id == id)
                .map(Record::Session)
                .collect(),
        }
    }
}

/// A provision type from a form: its code, or (for older forms) its Peace Accords Matrix name.
fn provision_type_of(v: Option<&str>) -> AppResult<Option<ProvisionType>> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => ProvisionType::parse(t)
            .or_else(|e| ProvisionType::from_legacy_theme(t).ok_or(e))
            .map(Some)
            .map_err(AppError::from),
    }
}
