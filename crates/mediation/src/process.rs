//! A peace process or preventive case: parties, participants and their roles, tracks, origin.
//!
//! A [`Process`] is valid by construction and on deserialisation (a stored JSON that breaks an
//! invariant is refused): every delegate belongs to exactly one existing party, a person takes
//! part once, there is exactly one plenary space, one mediators-only space, and one caucus space
//! per party. Its spaces are not public: ask [`crate::permissions`] with the viewer.

use crate::Timestamp;
use crate::error::{Error, Result, clean_line, clean_text, invalid};
use crate::ids::{PartyId, PersonId, ProcessId, SpaceId};
use crate::spaces::{Space, SpaceKind};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// What kind of case this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessKind {
    PeaceProcess,
    PreventiveCase,
}

/// How the process began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Origin {
    /// Opened by hand by the secretariat or a mediator.
    Manual,
    /// Opened from an early-warning alert of the Watch capability (its stable id), with the
    /// alert's evidence as the analyst saw it and who opened the case (an analyst is recorded
    /// here, not made a participant).
    WatchAlert {
        alert: String,
        #[serde(default)]
        opened_by: Option<PersonId>,
        #[serde(default)]
        evidence: String,
    },
}

impl Origin {
    /// A case from an alert with nothing else known.
    pub fn alert(alert: &str) -> Origin {
        Origin::WatchAlert {
            alert: alert.to_string(),
            opened_by: None,
            evidence: String::new(),
        }
    }

    /// The alert a case was opened from.
    pub fn alert_id(&self) -> Option<&str> {
        match self {
            Origin::WatchAlert { alert, .. } => Some(alert),
            Origin::Manual => None,
        }
    }
}

/// Who sees who proposed an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// Mediators and the proposing party see the proposer; everyone else sees "proposal".
    #[default]
    Neutral,
    /// Every participant sees the proposing party.
    Open,
}

/// A party to the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: PartyId,
    pub name: String,
}

/// A person's role in one process.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum ProcessRole {
    Mediator,
    SpecialEnvoy,
    /// A member of exactly one party's delegation.
    Delegate {
        party: PartyId,
    },
    Observer,
}

impl ProcessRole {
    /// Mediators and special envoys hold the whole process.
    pub fn is_mediator(&self) -> bool {
        matches!(self, ProcessRole::Mediator | ProcessRole::SpecialEnvoy)
    }

    pub fn party(&self) -> Option<&PartyId> {
        match self {
            ProcessRole::Delegate { party } => Some(party),
            _ => None,
        }
    }

    /// The role an account may hold in a process, from what a form or program asked for
    /// (`mediator`, `special_envoy`, `observer`, `delegate` with its party). Mediators and
    /// envoys must hold a mediator's account, delegates a party delegate's account; anyone
    /// may observe.
    pub fn for_account(
        requested: &str,
        party: Option<&str>,
        account: chamber_core::Role,
    ) -> Result<ProcessRole> {
        use chamber_core::Role;
        let fits = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(crate::error::invalid(
                    "role",
                    format!("{requested:?} does not fit an account whose role is {account}"),
                ))
            }
        };
        match requested.trim() {
            "mediator" => fits(account == Role::Mediator).map(|_| ProcessRole::Mediator),
            "special_envoy" => fits(account == Role::Mediator).map(|_| ProcessRole::SpecialEnvoy),
            "observer" => Ok(ProcessRole::Observer),
            "delegate" => {
                fits(account == Role::Delegate)?;
                let party = party
                    .filter(|p| !p.trim().is_empty())
                    .ok_or_else(|| crate::error::invalid("party", "choose the delegate's party"))?;
                let party = PartyId::parse(party.trim())
                    .map_err(|_| crate::error::invalid("party", "choose the delegate's party"))?;
                Ok(ProcessRole::Delegate { party })
            }
            other => Err(crate::error::invalid(
                "role",
                format!("unknown role {other:?} (mediator, special_envoy, observer, delegate)"),
            )),
        }
    }
}

/// A party delegate belongs to one party of one process: `elsewhere` are the other processes
/// in which the person is already a delegate (the caller answers that from its index).
pub fn check_one_process_per_delegate(
    role: &ProcessRole,
    this: &ProcessId,
    elsewhere: &[ProcessId],
) -> Result<()> {
    if matches!(role, ProcessRole::Delegate { .. }) && elsewhere.iter().any(|p| p != this) {
        return Err(invalid(
            "username",
            "already a party delegate in another process",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub person: PersonId,
    pub role: ProcessRole,
}

/// The tracks of preventive diplomacy named by resolution 79/274.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    GoodOffices,
    Mediation,
    Negotiation,
    SpecialEnvoy,
    InformalConsultations,
    Peacebuilding,
    TargetedDevelopment,
}

impl TrackKind {
    pub const ALL: [TrackKind; 7] = [
        TrackKind::GoodOffices,
        TrackKind::Mediation,
        TrackKind::Negotiation,
        TrackKind::SpecialEnvoy,
        TrackKind::InformalConsultations,
        TrackKind::Peacebuilding,
        TrackKind::TargetedDevelopment,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackStatus {
    Proposed,
    Active,
    Suspended,
    Concluded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    pub kind: TrackKind,
    pub status: TrackStatus,
}

/// When and by whom a process was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub by: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
}

/// A peace process or preventive case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProcessData")]
pub struct Process {
    id: ProcessId,
    title: String,
    kind: ProcessKind,
    origin: Origin,
    #[serde(with = "time::serde::rfc3339")]
    opened_at: Timestamp,
    attribution: Attribution,
    parties: Vec<Party>,
    participants: Vec<Participant>,
    tracks: Vec<Track>,
    spaces: Vec<Space>,
    /// Set once, when a mediator closes the process with its lessons learned
    /// ([`crate::lessons::close_process`]); absent in processes stored before closing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed: Option<Closure>,
}

/// The stored shape, checked before it becomes a [`Process`].
#[derive(Deserialize)]
struct ProcessData {
    id: ProcessId,
    title: String,
    kind: ProcessKind,
    origin: Origin,
    #[serde(with = "time::serde::rfc3339")]
    opened_at: Timestamp,
    attribution: Attribution,
    parties: Vec<Party>,
    participants: Vec<Participant>,
    tracks: Vec<Track>,
    spaces: Vec<Space>,
    #[serde(default)]
    closed: Option<Closure>,
}

impl TryFrom<ProcessData> for Process {
    type Error = Error;
    fn try_from(d: ProcessData) -> Result<Self> {
        let p = Process {
            id: d.id,
            title: d.title,
            kind: d.kind,
            origin: d.origin,
            opened_at: d.opened_at,
            attribution: d.attribution,
            parties: d.parties,
            participants: d.participants,
            tracks: d.tracks,
            spaces: d.spaces,
            closed: d.closed,
        };
        p.check()?;
        Ok(p)
    }
}

impl Process {
    /// Opens a process with its plenary and mediators-only spaces and no parties yet.
    pub fn open<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        title: &str,
        kind: ProcessKind,
        origin: Origin,
        opened_at: Timestamp,
    ) -> Result<Process> {
        let title = clean_line("title", title, 300)?;
        if let Origin::WatchAlert {
            alert, evidence, ..
        } = &origin
        {
            clean_line("alert reference", alert, 200)?;
            clean_text("evidence", evidence, 20_000)?;
        }
        Ok(Process {
            id: ProcessId::generate(rng),
            title,
            kind,
            origin,
            opened_at: opened_at.to_offset(time::UtcOffset::UTC),
            attribution: Attribution::Neutral,
            parties: Vec::new(),
            participants: Vec::new(),
            tracks: Vec::new(),
            spaces: vec![
                Space {
                    id: SpaceId::generate(rng),
                    kind: SpaceKind::Plenary,
                },
                Space {
                    id: SpaceId::generate(rng),
                    kind: SpaceKind::Mediators,
                },
            ],
            closed: None,
        })
    }

    /// Registers a party, and with it the party's caucus space.
    pub fn add_party<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        name: &str,
    ) -> Result<PartyId> {
        let name = clean_line("party name", name, 200)?;
        if self.parties.iter().any(|p| p.name == name) {
            return Err(invalid("party name", "already a party of this process"));
        }
        let id = PartyId::generate(rng);
        self.parties.push(Party {
            id: id.clone(),
            name,
        });
        self.spaces.push(Space {
            id: SpaceId::generate(rng),
            kind: SpaceKind::Caucus { party: id.clone() },
        });
        Ok(id)
    }

    /// Adds a person with their role; a delegate's party must be a party of this process.
    pub fn add_participant(&mut self, person: PersonId, role: ProcessRole) -> Result<()> {
        if self.participants.iter().any(|p| p.person == person) {
            return Err(Error::AlreadyParticipant);
        }
        if let Some(party) = role.party()
            && self.party(party).is_none()
        {
            return Err(Error::UnknownParty);
        }
        self.participants.push(Participant { person, role });
        Ok(())
    }

    /// Removes a person from the process (they then see nothing of it).
    pub fn remove_participant(&mut self, person: &PersonId) -> bool {
        let before = self.participants.len();
        self.participants.retain(|p| &p.person != person);
        before != self.participants.len()
    }

    /// Sets a track's status, adding the track if the process did not have it.
    pub fn set_track(&mut self, kind: TrackKind, status: TrackStatus) {
        match self.tracks.iter_mut().find(|t| t.kind == kind) {
            Some(t) => t.status = status,
            None => self.tracks.push(Track { kind, status }),
        }
    }

    pub fn set_attribution(&mut self, mode: Attribution) {
        self.attribution = mode;
    }

    pub fn set_title(&mut self, title: &str) -> Result<()> {
        self.title = clean_line("title", title, 300)?;
        Ok(())
    }

    pub fn id(&self) -> &ProcessId {
        &self.id
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn kind(&self) -> ProcessKind {
        self.kind
    }
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
    pub fn opened_at(&self) -> Timestamp {
        self.opened_at
    }
    pub fn attribution(&self) -> Attribution {
        self.attribution
    }
    /// The parties (their names are not confidential: everyone at the table knows them).
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }
    pub fn party(&self, id: &PartyId) -> Option<&Party> {
        self.parties.iter().find(|p| &p.id == id)
    }
    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }
    /// A case no mediator holds yet (opened from an alert by an analyst or the secretariat):
    /// every mediator and the secretariat see it in the intake until a mediator takes it.
    pub fn awaiting_mediator(&self) -> bool {
        !self.participants.iter().any(|p| p.role.is_mediator()) && self.closed.is_none()
    }

    /// A mediator takes a case from the intake and becomes its mediator.
    pub fn take(&mut self, mediator: PersonId, account: chamber_core::Role) -> Result<()> {
        if account != chamber_core::Role::Mediator {
            return Err(Error::Forbidden("only a mediator takes a case"));
        }
        if !self.awaiting_mediator() {
            return Err(invalid("case", "a mediator already holds this case"));
        }
        self.add_participant(mediator, ProcessRole::Mediator)
    }

    pub fn role_of(&self, person: &PersonId) -> Option<&ProcessRole> {
        self.participants
            .iter()
            .find(|p| &p.person == person)
            .map(|p| &p.role)
    }
    pub fn tracks(&self) -> &[Track] {
        &self.tracks
    }
    /// When and by whom the process was closed, if it was.
    pub fn closed(&self) -> Option<&Closure> {
        self.closed.as_ref()
    }
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// Marks the process closed (the caller has checked the person may close it). Closing
    /// twice is refused.
    pub(crate) fn close(&mut self, by: &PersonId, at: Timestamp) -> Result<()> {
        if self.closed.is_some() {
            return Err(Error::Closed);
        }
        self.closed = Some(Closure {
            by: by.clone(),
            at: at.to_offset(time::UtcOffset::UTC),
        });
        Ok(())
    }

    // Spaces are crate-private: callers go through `permissions`, which filters by viewer.
    pub(crate) fn spaces(&self) -> &[Space] {
        &self.spaces
    }
    pub(crate) fn space(&self, id: &SpaceId) -> Option<&Space> {
        self.spaces.iter().find(|s| &s.id == id)
    }
    pub(crate) fn plenary(&self) -> &Space {
        self.spaces
            .iter()
            .find(|s| s.kind == SpaceKind::Plenary)
            .expect("a process always has a plenary space")
    }
    pub(crate) fn caucus_of(&self, party: &PartyId) -> Option<&Space> {
        self.spaces
            .iter()
            .find(|s| matches!(&s.kind, SpaceKind::Caucus { party: p } if p == party))
    }

    fn check(&self) -> Result<()> {
        clean_line("title", &self.title, 300)?;
        let mut seen = std::collections::HashSet::new();
        for p in &self.participants {
            if !seen.insert(&p.person) {
                return Err(Error::AlreadyParticipant);
            }
            if let Some(party) = p.role.party()
                && self.party(party).is_none()
            {
                return Err(Error::UnknownParty);
            }
        }
        let mut names = std::collections::HashSet::new();
        let mut ids = std::collections::HashSet::new();
        for p in &self.parties {
            clean_line("party name", &p.name, 200)?;
            if !names.insert(&p.name) || !ids.insert(&p.id) {
                return Err(invalid("parties", "duplicate party"));
            }
        }
        let count = |k: &SpaceKind| self.spaces.iter().filter(|s| &s.kind == k).count();
        if count(&SpaceKind::Plenary) != 1 || count(&SpaceKind::Mediators) != 1 {
            return Err(invalid(
                "spaces",
                "exactly one plenary and one mediators space",
            ));
        }
        for p in &self.parties {
            if count(&SpaceKind::Caucus {
                party: p.id.clone(),
            }) != 1
            {
                return Err(invalid("spaces", "exactly one caucus per party"));
            }
        }
        if self.spaces.len() != 2 + self.parties.len() {
            return Err(invalid(
                "spaces",
                "a caucus for a party that does not exist",
            ));
        }
        let space_ids: std::collections::HashSet<_> = self.spaces.iter().map(|s| &s.id).collect();
        if space_ids.len() != self.spaces.len() {
            return Err(invalid("spaces", "duplicate space id"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(1)
    }

    fn now() -> Timestamp {
        time::macros::datetime!(2026-11-26 09:00 UTC)
    }

    #[test]
    fn a_party_brings_its_caucus_and_delegates_need_a_party() {
        let mut r = rng();
        let mut p = Process::open(
            &mut r,
            "Northern corridor talks",
            ProcessKind::PeaceProcess,
            Origin::alert("watch/alert/GEO-2012-09-19"),
            now(),
        )
        .unwrap();
        assert_eq!(p.spaces().len(), 2);
        let a = p.add_party(&mut r, "Republic of Aster").unwrap();
        assert_eq!(p.spaces().len(), 3);
        assert!(p.caucus_of(&a).is_some());
        let stranger = PartyId::generate(&mut r);
        assert_eq!(
            p.add_participant(
                PersonId::parse("x").unwrap(),
                ProcessRole::Delegate { party: stranger }
            ),
            Err(Error::UnknownParty)
        );
        p.add_participant(
            PersonId::parse("d1").unwrap(),
            ProcessRole::Delegate { party: a },
        )
        .unwrap();
        assert_eq!(
            p.add_participant(PersonId::parse("d1").unwrap(), ProcessRole::Observer),
            Err(Error::AlreadyParticipant)
        );
        assert!(p.add_party(&mut r, "Republic of Aster").is_err());
        p.set_track(TrackKind::Mediation, TrackStatus::Proposed);
        p.set_track(TrackKind::Mediation, TrackStatus::Active);
        assert_eq!(p.tracks().len(), 1);
        assert_eq!(p.tracks()[0].status, TrackStatus::Active);
    }

    #[test]
    fn json_round_trips_and_broken_json_is_refused() {
        let mut r = rng();
        let mut p = Process::open(
            &mut r,
            "Case",
            ProcessKind::PreventiveCase,
            Origin::Manual,
            now(),
        )
        .unwrap();
        let a = p.add_party(&mut r, "A").unwrap();
        p.add_participant(
            PersonId::parse("d").unwrap(),
            ProcessRole::Delegate { party: a },
        )
        .unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: Process = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        // Remove the party but keep its delegate: refused.
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["parties"] = serde_json::json!([]);
        assert!(serde_json::from_value::<Process>(v).is_err());
        assert!(
            Process::open(
                &mut r,
                "  ",
                ProcessKind::PeaceProcess,
                Origin::Manual,
                now()
            )
            .is_err()
        );
    }
}
