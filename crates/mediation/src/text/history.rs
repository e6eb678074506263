//! Versions and amendments of one process's negotiating text.

use super::diff::{TextDiff, diff_texts};
use super::{NegotiatingText, Operation};
use crate::Timestamp;
use crate::error::{Error, Result, clean_text, invalid};
use crate::ids::{AmendmentId, PartyId, PersonId, ProcessId};
use crate::permissions;
use crate::process::Process;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// One issued version: an immutable value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub number: u32,
    pub parent: Option<u32>,
    pub text: NegotiatingText,
    /// SHA-256 (hex) of the canonical JSON of `text`.
    pub content_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: Timestamp,
    pub issued_by: PersonId,
    /// Amendments applied as proposed.
    pub accepted: Vec<AmendmentId>,
    /// Amendments taken into the mediator's own wording.
    pub merged: Vec<AmendmentId>,
    /// The mediator's note on this version (plenary material).
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum AmendmentStatus {
    Pending,
    Accepted { version: u32 },
    Merged { version: u32 },
    Rejected,
}

impl AmendmentStatus {
    /// Accepted or merged: the amendment is part of the plenary record.
    pub fn is_in_text(&self) -> bool {
        matches!(
            self,
            AmendmentStatus::Accepted { .. } | AmendmentStatus::Merged { .. }
        )
    }
}

/// A party's proposal to change the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub id: AmendmentId,
    /// The version it was written against.
    pub base_version: u32,
    pub proposer: PartyId,
    pub proposed_by: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: Timestamp,
    pub operations: Vec<Operation>,
    pub explanation: String,
    pub status: AmendmentStatus,
}

/// An amendment as one viewer may see it (see [`TextRecord::amendments_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentView {
    pub id: AmendmentId,
    pub base_version: u32,
    pub operations: Vec<Operation>,
    pub explanation: String,
    pub status: AmendmentStatus,
    /// The proposing party, when the viewer may know it.
    pub proposer: Option<PartyId>,
    /// "proposal" under neutral attribution, else the proposing party's name.
    pub proposer_label: String,
    /// Who and when: only for mediators and the proposing party (timing of caucus work).
    pub proposed_by: Option<PersonId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub proposed_at: Option<Timestamp>,
}

/// What the mediator decides about a pending amendment when issuing a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Apply its operations as proposed.
    Accept,
    /// Taken into the mediator's own edits (which carry the merged wording).
    Merge,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub amendment: AmendmentId,
    pub outcome: Outcome,
}

/// The versions and amendments of one process's negotiating text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RecordData")]
pub struct TextRecord {
    process: ProcessId,
    versions: Vec<Version>,
    amendments: Vec<Amendment>,
}

#[derive(Deserialize)]
struct RecordData {
    process: ProcessId,
    versions: Vec<Version>,
    amendments: Vec<Amendment>,
}

impl TryFrom<RecordData> for TextRecord {
    type Error = Error;
    fn try_from(d: RecordData) -> Result<Self> {
        TextRecord::from_parts(d.process, d.versions, d.amendments)
    }
}

const MAX_OPERATIONS: usize = 200;

impl TextRecord {
    /// Issues version 1 (mediators only).
    pub fn start(
        process: &Process,
        mediator: &PersonId,
        text: NegotiatingText,
        note: &str,
        at: Timestamp,
    ) -> Result<TextRecord> {
        permissions::require(
            process,
            mediator,
            permissions::may_issue_version(process, mediator),
            "only a mediator issues the text",
        )?;
        text.check()?;
        let version = Version {
            number: 1,
            parent: None,
            content_hash: text.content_hash(),
            text,
            issued_at: at,
            issued_by: mediator.clone(),
            accepted: Vec::new(),
            merged: Vec::new(),
            note: clean_text("note", note, 10_000)?,
        };
        Ok(TextRecord {
            process: process.id().clone(),
            versions: vec![version],
            amendments: Vec::new(),
        })
    }

    /// Rebuilds a record from stored rows, checking numbering, parents, hashes and that every
    /// decided amendment names a version that lists it.
    pub fn from_parts(
        process: ProcessId,
        mut versions: Vec<Version>,
        amendments: Vec<Amendment>,
    ) -> Result<TextRecord> {
        versions.sort_by_key(|v| v.number);
        if versions.is_empty() {
            return Err(Error::Integrity("no version".into()));
        }
        for (i, v) in versions.iter().enumerate() {
            let n = i as u32 + 1;
            if v.number != n {
                return Err(Error::Integrity(format!("version {n} missing")));
            }
            let parent_ok = match v.parent {
                None => n == 1,
                Some(p) => p < n,
            };
            if !parent_ok {
                return Err(Error::Integrity(format!("version {n} has a bad parent")));
            }
            if v.text.content_hash() != v.content_hash {
                return Err(Error::Integrity(format!(
                    "version {n} does not match its content hash"
                )));
            }
        }
        for a in &amendments {
            let listed = |n: u32, merged: bool| {
                versions
                    .get(n as usize - 1)
                    .is_some_and(|v| if merged { &v.merged } else { &v.accepted }.contains(&a.id))
            };
            let ok = match a.status {
                AmendmentStatus::Accepted { version } => version >= 1 && listed(version, false),
                AmendmentStatus::Merged { version } => version >= 1 && listed(version, true),
                _ => true,
            };
            if !ok {
                return Err(Error::Integrity(format!(
                    "amendment {} names a version that does not list it",
                    a.id
                )));
            }
        }
        Ok(TextRecord {
            process,
            versions,
            amendments,
        })
    }

    pub fn process(&self) -> &ProcessId {
        &self.process
    }

    pub fn current(&self) -> &Version {
        self.versions.last().expect("a record has version 1")
    }

    pub fn version(&self, number: u32) -> Result<&Version> {
        number
            .checked_sub(1)
            .and_then(|i| self.versions.get(i as usize))
            .ok_or(Error::NoSuchVersion(number))
    }

    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// Every amendment, unfiltered: for storage only. Views go through [`Self::amendments_for`].
    pub fn all_amendments_unfiltered(&self) -> &[Amendment] {
        &self.amendments
    }

    /// A party delegate proposes an amendment against `base_version`. The operations are checked
    /// against that version now (a malformed or stale proposal is refused and nothing changes).
    #[allow(clippy::too_many_arguments)]
    pub fn propose<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        process: &Process,
        person: &PersonId,
        base_version: u32,
        operations: Vec<Operation>,
        explanation: &str,
        at: Timestamp,
    ) -> Result<AmendmentId> {
        self.same_process(process)?;
        let party = permissions::may_propose_amendment(process, person);
        permissions::require(
            process,
            person,
            party.is_some(),
            "only a party delegate proposes amendments",
        )?;
        let party = party.expect("checked by require");
        if operations.is_empty() {
            return Err(invalid("amendment", "no operation"));
        }
        if operations.len() > MAX_OPERATIONS {
            return Err(invalid("amendment", "too many operations"));
        }
        if let Some(op) = operations.iter().find(|o| !o.is_party_operation()) {
            return Err(Error::NotAPartyOperation(op.name()));
        }
        let mut probe = self.version(base_version)?.text.clone();
        for op in &operations {
            op.apply(&mut probe, true)?;
        }
        probe.check()?;
        let id = AmendmentId::generate(rng);
        self.amendments.push(Amendment {
            id: id.clone(),
            base_version,
            proposer: party,
            proposed_by: person.clone(),
            proposed_at: at,
            operations,
            explanation: clean_text("explanation", explanation, 10_000)?,
            status: AmendmentStatus::Pending,
        });
        Ok(id)
    }

    /// The mediator issues a new version on top of the current one: accepted amendments are
    /// applied in the order given, then the mediator's own `edits`; merged amendments are
    /// recorded as taken into those edits; rejected ones are closed. All or nothing: on any
    /// error (a span that no longer matches, an amendment not pending) the record is unchanged.
    pub fn issue_version(
        &mut self,
        process: &Process,
        mediator: &PersonId,
        decisions: &[Decision],
        edits: &[Operation],
        note: &str,
        at: Timestamp,
    ) -> Result<u32> {
        self.same_process(process)?;
        permissions::require(
            process,
            mediator,
            permissions::may_issue_version(process, mediator),
            "only a mediator issues versions",
        )?;
        let note = clean_text("note", note, 10_000)?;
        let mut seen = std::collections::HashSet::new();
        let mut text = self.current().text.clone();
        for d in decisions {
            if !seen.insert(&d.amendment) {
                return Err(invalid("decisions", "an amendment is decided twice"));
            }
            let a = self.pending(&d.amendment)?;
            if d.outcome == Outcome::Accept {
                for op in &a.operations {
                    op.apply(&mut text, true)?;
                }
            }
        }
        for op in edits {
            op.apply(&mut text, false)?;
        }
        text.check()?;
        let changes_text =
            text != self.current().text || decisions.iter().any(|d| d.outcome != Outcome::Reject);
        if !changes_text {
            if decisions.is_empty() {
                return Err(invalid("version", "nothing to issue"));
            }
            // Only rejections: close them without a new version.
            for d in decisions {
                self.amendment_mut(&d.amendment).status = AmendmentStatus::Rejected;
            }
            return Ok(self.current().number);
        }
        let number = self.current().number + 1;
        let pick = |o: Outcome| {
            decisions
                .iter()
                .filter(|d| d.outcome == o)
                .map(|d| d.amendment.clone())
                .collect::<Vec<_>>()
        };
        let version = Version {
            number,
            parent: Some(number - 1),
            content_hash: text.content_hash(),
            text,
            issued_at: at,
            issued_by: mediator.clone(),
            accepted: pick(Outcome::Accept),
            merged: pick(Outcome::Merge),
            note,
        };
        for d in decisions {
            self.amendment_mut(&d.amendment).status = match d.outcome {
                Outcome::Accept => AmendmentStatus::Accepted { version: number },
                Outcome::Merge => AmendmentStatus::Merged { version: number },
                Outcome::Reject => AmendmentStatus::Rejected,
            };
        }
        self.versions.push(version);
        Ok(number)
    }

    /// The mediator rejects a pending amendment without issuing a version.
    pub fn reject(
        &mut self,
        process: &Process,
        mediator: &PersonId,
        amendment: &AmendmentId,
    ) -> Result<()> {
        self.same_process(process)?;
        permissions::require(
            process,
            mediator,
            permissions::may_issue_version(process, mediator),
            "only a mediator decides on amendments",
        )?;
        self.pending(amendment)?;
        self.amendment_mut(amendment).status = AmendmentStatus::Rejected;
        Ok(())
    }

    /// The edits that carry out the mediator's merges: each merged amendment's paragraph gets
    /// the mediator's own wording (`wordings`, by amendment id).
    pub fn merge_edits(
        &self,
        decisions: &[Decision],
        wordings: &std::collections::HashMap<AmendmentId, String>,
    ) -> Result<Vec<Operation>> {
        let current = &self.current().text;
        let mut edits = Vec::new();
        for d in decisions.iter().filter(|d| d.outcome == Outcome::Merge) {
            let wording = wordings
                .get(&d.amendment)
                .ok_or_else(|| invalid("wording", "a merge needs the mediator's wording"))?;
            let amendment = self
                .amendments
                .iter()
                .find(|a| a.id == d.amendment)
                .ok_or(Error::NotFound)?;
            let paragraph = amendment
                .operations
                .iter()
                .find_map(|o| o.paragraph().cloned())
                .ok_or(Error::NotFound)?;
            edits.push(super::replace_wording(current, &paragraph, wording)?);
        }
        Ok(edits)
    }

    /// The amendments the viewer may see, with attribution as the process's mode allows.
    pub fn amendments_for(&self, process: &Process, viewer: &PersonId) -> Vec<AmendmentView> {
        if self.same_process(process).is_err() {
            return Vec::new();
        }
        self.amendments
            .iter()
            .filter(|a| permissions::may_see_amendment(process, viewer, a))
            .map(|a| view(process, viewer, a))
            .collect()
    }

    /// One amendment for the viewer, or [`Error::NotFound`] (also when they may not see it).
    pub fn amendment_for(
        &self,
        process: &Process,
        viewer: &PersonId,
        id: &AmendmentId,
    ) -> Result<AmendmentView> {
        self.same_process(process).map_err(|_| Error::NotFound)?;
        self.amendments
            .iter()
            .find(|a| &a.id == id && permissions::may_see_amendment(process, viewer, a))
            .map(|a| view(process, viewer, a))
            .ok_or(Error::NotFound)
    }

    /// Differences between two versions, by paragraph and by word.
    pub fn diff(&self, from: u32, to: u32) -> Result<TextDiff> {
        let (a, b) = (self.version(from)?, self.version(to)?);
        Ok(diff_texts(from, &a.text, to, &b.text))
    }

    fn same_process(&self, process: &Process) -> Result<()> {
        if &self.process == process.id() {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    fn pending(&self, id: &AmendmentId) -> Result<&Amendment> {
        let a = self
            .amendments
            .iter()
            .find(|a| &a.id == id)
            .ok_or_else(|| Error::NoSuchAmendment(id.clone()))?;
        if a.status != AmendmentStatus::Pending {
            return Err(Error::NotPending(id.clone()));
        }
        Ok(a)
    }

    fn amendment_mut(&mut self, id: &AmendmentId) -> &mut Amendment {
        self.amendments
            .iter_mut()
            .find(|a| &a.id == id)
            .expect("checked by pending()")
    }
}

fn view(process: &Process, viewer: &PersonId, a: &Amendment) -> AmendmentView {
    let named = permissions::may_see_proposer(process, viewer, a);
    let insider = matches!(
        permissions::standing(process, viewer),
        Some(permissions::Standing::Mediator)
    ) || permissions::may_propose_amendment(process, viewer).as_ref()
        == Some(&a.proposer);
    AmendmentView {
        id: a.id.clone(),
        base_version: a.base_version,
        operations: a.operations.clone(),
        explanation: a.explanation.clone(),
        status: a.status,
        proposer: named.then(|| a.proposer.clone()),
        proposer_label: if named {
            process
                .party(&a.proposer)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| "proposal".into())
        } else {
            "proposal".into()
        },
        proposed_by: insider.then(|| a.proposed_by.clone()),
        proposed_at: insider.then_some(a.proposed_at),
    }
}
