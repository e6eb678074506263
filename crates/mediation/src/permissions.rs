//! Who may see and do what in a process — decided here and nowhere else.
//!
//! The confidentiality invariant: a party's delegate never learns anything of another party's
//! caucus (content, title, count, existence or timing). This module is the only public way to
//! reach a process's spaces, and every listing takes the viewer and filters: no function hands a
//! delegate the id of another party's caucus, and a space the viewer may not read is reported as
//! [`Error::NotFound`], exactly like one that does not exist.
//!
//! | space            | mediator / special envoy | delegate of the party | delegate of another party | observer | not a participant |
//! |------------------|--------------------------|-----------------------|---------------------------|----------|-------------------|
//! | plenary          | read, write              | read, write           | read, write               | read     | —                 |
//! | caucus of party  | read, write              | read, write           | —                         | —        | —                 |
//! | mediators only   | read, write              | —                     | —                         | —        | —                 |

use crate::error::{Error, Result};
use crate::ids::{PartyId, PersonId, SpaceId};
use crate::process::{Attribution, Process, ProcessRole};
use crate::spaces::{InSpace, Space, SpaceKind, SpaceView};
use crate::text::Amendment;

/// A person's standing in a process, as far as access is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Standing {
    /// Mediator or special envoy.
    Mediator,
    Delegate(PartyId),
    Observer,
}

/// The person's standing, or `None` when they take no part in the process.
pub fn standing(process: &Process, person: &PersonId) -> Option<Standing> {
    process.role_of(person).map(|r| match r {
        ProcessRole::Mediator | ProcessRole::SpecialEnvoy => Standing::Mediator,
        ProcessRole::Delegate { party } => Standing::Delegate(party.clone()),
        ProcessRole::Observer => Standing::Observer,
    })
}

fn reads(standing: &Standing, kind: &SpaceKind) -> bool {
    match (standing, kind) {
        (Standing::Mediator, _) => true,
        (_, SpaceKind::Plenary) => true,
        (Standing::Delegate(own), SpaceKind::Caucus { party }) => own == party,
        _ => false,
    }
}

fn writes(standing: &Standing, kind: &SpaceKind) -> bool {
    match standing {
        Standing::Observer => false,
        s => reads(s, kind),
    }
}

/// Who sees the intake — cases opened from alerts that await a mediator: every mediator (to
/// take one) and the secretariat. They see the case's title, origin and the alert's evidence,
/// nothing else (an intake case has no parties, notes or text yet).
pub fn may_see_intake(account: chamber_core::Role) -> bool {
    matches!(
        account,
        chamber_core::Role::Mediator | chamber_core::Role::Admin
    )
}

/// May the person read what lives in this space (notes, documents, sessions, its title)?
pub fn may_read(process: &Process, space: &SpaceId, person: &PersonId) -> bool {
    match (process.space(space), standing(process, person)) {
        (Some(s), Some(st)) => reads(&st, &s.kind),
        _ => false,
    }
}

/// May the person post notes or documents in this space?
pub fn may_write(process: &Process, space: &SpaceId, person: &PersonId) -> bool {
    match (process.space(space), standing(process, person)) {
        (Some(s), Some(st)) => writes(&st, &s.kind),
        _ => false,
    }
}

/// The spaces the person may read, plenary first, then their caucus(es), then mediators.
pub fn visible_spaces(process: &Process, person: &PersonId) -> Vec<SpaceId> {
    visible(process, person).map(|s| s.id.clone()).collect()
}

/// Like [`visible_spaces`], with a label for display.
pub fn visible_space_views(process: &Process, person: &PersonId) -> Vec<SpaceView> {
    visible(process, person)
        .map(|s| SpaceView {
            id: s.id.clone(),
            kind: s.kind.clone(),
            label: match &s.kind {
                SpaceKind::Plenary => "Plenary".to_string(),
                SpaceKind::Mediators => "Mediators".to_string(),
                SpaceKind::Caucus { party } => format!(
                    "Caucus: {}",
                    process.party(party).map(|p| p.name.as_str()).unwrap_or("")
                ),
            },
        })
        .collect()
}

fn visible<'a>(process: &'a Process, person: &PersonId) -> impl Iterator<Item = &'a Space> {
    let st = standing(process, person);
    let rank = |k: &SpaceKind| match k {
        SpaceKind::Plenary => 0,
        SpaceKind::Caucus { .. } => 1,
        SpaceKind::Mediators => 2,
    };
    let mut v: Vec<&Space> = match st {
        Some(st) => process
            .spaces()
            .iter()
            .filter(|s| reads(&st, &s.kind))
            .collect(),
        None => Vec::new(),
    };
    v.sort_by_key(|s| rank(&s.kind));
    v.into_iter()
}

/// Who may read a space, as a person is told on the space itself: decided by the same rule as
/// [`may_read`], so what the page says and what the platform does cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Readers {
    /// Every participant: the parties' delegates, the mediators and the observers.
    Everyone,
    /// The delegates of the space's party and the mediators.
    PartyAndMediators,
    /// The mediators (and special envoys) only.
    MediatorsOnly,
}

/// Who may read a space of this kind.
pub fn readers(kind: &SpaceKind) -> Readers {
    if reads(&Standing::Observer, kind) {
        return Readers::Everyone;
    }
    match kind {
        SpaceKind::Caucus { party } if reads(&Standing::Delegate(party.clone()), kind) => {
            Readers::PartyAndMediators
        }
        _ => Readers::MediatorsOnly,
    }
}

/// One space by id, if the person may read it; otherwise [`Error::NotFound`] (never
/// `Forbidden`: the answer must not reveal that the space exists).
pub fn space_for<'a>(process: &'a Process, person: &PersonId, id: &SpaceId) -> Result<&'a Space> {
    match process.space(id) {
        Some(s) if may_read(process, id, person) => Ok(s),
        _ => Err(Error::NotFound),
    }
}

/// The plenary space, for any participant.
pub fn plenary_for<'a>(process: &'a Process, person: &PersonId) -> Result<&'a Space> {
    standing(process, person).ok_or(Error::NotFound)?;
    Ok(process.plenary())
}

/// The person's own party caucus (delegates only).
pub fn own_caucus<'a>(process: &'a Process, person: &PersonId) -> Option<&'a Space> {
    match standing(process, person)? {
        Standing::Delegate(party) => process.caucus_of(&party),
        _ => None,
    }
}

/// The caucus of a party, for a mediator (a mediator–party bilateral or caucus session); for a
/// delegate only their own party's; [`Error::NotFound`] otherwise.
pub fn caucus_for<'a>(
    process: &'a Process,
    person: &PersonId,
    party: &PartyId,
) -> Result<&'a Space> {
    let s = process.caucus_of(party).ok_or(Error::NotFound)?;
    if may_read(process, &s.id, person) {
        Ok(s)
    } else {
        Err(Error::NotFound)
    }
}

/// Keeps the items (notes, sessions, sealed records...) the person may read. Items of a space
/// that is not this process's are dropped too.
pub fn filter_visible<'a, T: InSpace + ?Sized + 'a>(
    process: &Process,
    person: &PersonId,
    items: impl IntoIterator<Item = &'a T>,
) -> Vec<&'a T> {
    let Some(st) = standing(process, person) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter(|i| {
            process
                .space(i.space())
                .is_some_and(|s| reads(&st, &s.kind))
        })
        .collect()
}

/// A process as one viewer may see it: what the API and pages send. (The [`Process`] value
/// itself is for storage: its JSON names every space.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcessView {
    pub id: crate::ids::ProcessId,
    pub title: String,
    pub kind: crate::process::ProcessKind,
    pub origin: crate::process::Origin,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: crate::Timestamp,
    pub attribution: Attribution,
    pub parties: Vec<crate::process::Party>,
    pub participants: Vec<crate::process::Participant>,
    pub tracks: Vec<crate::process::Track>,
    /// Only the spaces the viewer may read.
    pub spaces: Vec<SpaceView>,
    /// The viewer's own role.
    pub my_role: ProcessRole,
    /// When and by whom the process was closed, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<crate::process::Closure>,
}

/// The process for a viewer, or [`Error::NotFound`] when they take no part in it.
pub fn process_view(process: &Process, person: &PersonId) -> Result<ProcessView> {
    let my_role = process.role_of(person).cloned().ok_or(Error::NotFound)?;
    Ok(ProcessView {
        id: process.id().clone(),
        title: process.title().to_string(),
        kind: process.kind(),
        origin: process.origin().clone(),
        opened_at: process.opened_at(),
        attribution: process.attribution(),
        parties: process.parties().to_vec(),
        participants: process.participants().to_vec(),
        tracks: process.tracks().to_vec(),
        spaces: visible_space_views(process, person),
        my_role,
        closed: process.closed().cloned(),
    })
}

/// Checks that the person may post in the space: [`Error::NotFound`] when they may not even
/// read it, [`Error::Forbidden`] when they read but may not write (observers in plenary).
pub fn check_write(process: &Process, space: &SpaceId, person: &PersonId) -> Result<()> {
    if !may_read(process, space, person) {
        return Err(Error::NotFound);
    }
    if !may_write(process, space, person) {
        return Err(Error::Forbidden("read-only in this space"));
    }
    Ok(())
}

/// For actions: [`Error::NotFound`] when the person takes no part in the process (an outsider
/// learns nothing, not even that the process exists), [`Error::Forbidden`] when they do but
/// `allowed` is false.
pub fn require(
    process: &Process,
    person: &PersonId,
    allowed: bool,
    why: &'static str,
) -> Result<()> {
    if standing(process, person).is_none() {
        return Err(Error::NotFound);
    }
    if !allowed {
        return Err(Error::Forbidden(why));
    }
    Ok(())
}

/// The negotiating text (current version, its history and diffs) is plenary material.
pub fn may_read_text(process: &Process, person: &PersonId) -> bool {
    standing(process, person).is_some()
}

/// The party on whose behalf the person may propose amendments: delegates only.
pub fn may_propose_amendment(process: &Process, person: &PersonId) -> Option<PartyId> {
    match standing(process, person)? {
        Standing::Delegate(p) => Some(p),
        _ => None,
    }
}

/// Issuing a new version (accepting, merging, rejecting amendments; editing the text; agreeing
/// paragraphs ad referendum) belongs to the mediators.
pub fn may_issue_version(process: &Process, person: &PersonId) -> bool {
    standing(process, person) == Some(Standing::Mediator)
}

/// Adopting the agreement and scoring its implementation: mediators.
pub fn may_adopt_agreement(process: &Process, person: &PersonId) -> bool {
    may_issue_version(process, person)
}

/// Scoring implementation: mediators.
pub fn may_score_implementation(process: &Process, person: &PersonId) -> bool {
    may_issue_version(process, person)
}

/// Reading the agreement, its monitoring and its CSV export: every participant (it is plenary
/// material).
pub fn may_read_agreement(process: &Process, person: &PersonId) -> bool {
    standing(process, person).is_some()
}

/// Closing the process and writing its lessons-learned record: mediators.
pub fn may_close_process(process: &Process, person: &PersonId) -> bool {
    may_issue_version(process, person)
}

/// Booking rooms and planning sessions: mediators (the secretariat acts through the platform's
/// administrator role, outside any one process).
pub fn may_plan_sessions(process: &Process, person: &PersonId) -> bool {
    may_issue_version(process, person)
}

/// May the person see this amendment at all? A pending or rejected amendment was proposed from a
/// caucus: only mediators and the proposing party see it. Once accepted or merged into a version
/// it is part of the plenary record.
pub fn may_see_amendment(process: &Process, person: &PersonId, amendment: &Amendment) -> bool {
    match standing(process, person) {
        Some(Standing::Mediator) => true,
        Some(Standing::Delegate(p)) if p == amendment.proposer => true,
        Some(_) => amendment.status.is_in_text(),
        None => false,
    }
}

/// May the person see which party proposed the amendment? Mediators and the proposing party
/// always; everyone else only under [`Attribution::Open`].
pub fn may_see_proposer(process: &Process, person: &PersonId, amendment: &Amendment) -> bool {
    if !may_see_amendment(process, person, amendment) {
        return false;
    }
    match standing(process, person) {
        Some(Standing::Mediator) => true,
        Some(Standing::Delegate(p)) if p == amendment.proposer => true,
        Some(_) => process.attribution() == Attribution::Open,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{Origin, ProcessKind};
    use crate::spaces::Note;
    use rand::SeedableRng;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Who {
        Mediator,
        Envoy,
        DelegateA,
        DelegateB,
        Observer,
        Outsider,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Which {
        Plenary,
        CaucusA,
        CaucusB,
        Mediators,
    }

    struct Fixture {
        p: Process,
        a: PartyId,
        b: PartyId,
    }

    fn fixture() -> Fixture {
        let mut r = rand::rngs::StdRng::seed_from_u64(42);
        let mut p = Process::open(
            &mut r,
            "Talks",
            ProcessKind::PeaceProcess,
            Origin::Manual,
            time::macros::datetime!(2026-01-01 0:00 UTC),
        )
        .unwrap();
        let a = p.add_party(&mut r, "A").unwrap();
        let b = p.add_party(&mut r, "B").unwrap();
        let add = |p: &mut Process, who: &str, role| {
            p.add_participant(PersonId::parse(who).unwrap(), role)
                .unwrap()
        };
        add(&mut p, "mediator", ProcessRole::Mediator);
        add(&mut p, "envoy", ProcessRole::SpecialEnvoy);
        add(
            &mut p,
            "delegate-a",
            ProcessRole::Delegate { party: a.clone() },
        );
        add(
            &mut p,
            "delegate-b",
            ProcessRole::Delegate { party: b.clone() },
        );
        add(&mut p, "observer", ProcessRole::Observer);
        Fixture { p, a, b }
    }

    fn person(w: Who) -> PersonId {
        PersonId::parse(match w {
            Who::Mediator => "mediator",
            Who::Envoy => "envoy",
            Who::DelegateA => "delegate-a",
            Who::DelegateB => "delegate-b",
            Who::Observer => "observer",
            Who::Outsider => "outsider",
        })
        .unwrap()
    }

    fn space(f: &Fixture, w: Which) -> SpaceId {
        match w {
            Which::Plenary => f.p.plenary().id.clone(),
            Which::CaucusA => f.p.caucus_of(&f.a).unwrap().id.clone(),
            Which::CaucusB => f.p.caucus_of(&f.b).unwrap().id.clone(),
            Which::Mediators => {
                f.p.spaces()
                    .iter()
                    .find(|s| s.kind == SpaceKind::Mediators)
                    .unwrap()
                    .id
                    .clone()
            }
        }
    }

    /// (space, who, read, write). Every space kind × every role × own/other party.
    const TABLE: &[(Which, Who, bool, bool)] = {
        use Which::*;
        use Who::*;
        &[
            (Plenary, Mediator, true, true),
            (Plenary, Envoy, true, true),
            (Plenary, DelegateA, true, true),
            (Plenary, DelegateB, true, true),
            (Plenary, Observer, true, false),
            (Plenary, Outsider, false, false),
            (CaucusA, Mediator, true, true),
            (CaucusA, Envoy, true, true),
            (CaucusA, DelegateA, true, true),
            (CaucusA, DelegateB, false, false),
            (CaucusA, Observer, false, false),
            (CaucusA, Outsider, false, false),
            (CaucusB, Mediator, true, true),
            (CaucusB, Envoy, true, true),
            (CaucusB, DelegateA, false, false),
            (CaucusB, DelegateB, true, true),
            (CaucusB, Observer, false, false),
            (CaucusB, Outsider, false, false),
            (Mediators, Mediator, true, true),
            (Mediators, Envoy, true, true),
            (Mediators, DelegateA, false, false),
            (Mediators, DelegateB, false, false),
            (Mediators, Observer, false, false),
            (Mediators, Outsider, false, false),
        ]
    };

    #[test]
    fn access_matrix() {
        let f = fixture();
        assert_eq!(TABLE.len(), 4 * 6, "every space × every viewer");
        for &(which, who, read, write) in TABLE {
            let s = space(&f, which);
            let p = person(who);
            assert_eq!(may_read(&f.p, &s, &p), read, "read {which:?} by {who:?}");
            assert_eq!(may_write(&f.p, &s, &p), write, "write {which:?} by {who:?}");
            assert_eq!(
                visible_spaces(&f.p, &p).contains(&s),
                read,
                "listing {which:?} for {who:?}"
            );
            assert_eq!(
                space_for(&f.p, &p, &s).is_ok(),
                read,
                "lookup {which:?} by {who:?}"
            );
            if !read {
                // Same answer as for an id that does not exist.
                assert_eq!(space_for(&f.p, &p, &s), Err(Error::NotFound));
            }
        }
    }

    #[test]
    fn what_a_space_says_of_its_readers_is_what_the_access_rule_does() {
        let f = fixture();
        for which in [
            Which::Plenary,
            Which::CaucusA,
            Which::CaucusB,
            Which::Mediators,
        ] {
            let id = space(&f, which);
            let kind = &f.p.space(&id).unwrap().kind;
            let readers_in_table: Vec<Who> = TABLE
                .iter()
                .filter(|(w, _, read, _)| *w == which && *read)
                .map(|(_, who, _, _)| *who)
                .collect();
            let expected = if readers_in_table.contains(&Who::Observer) {
                Readers::Everyone
            } else if readers_in_table.contains(&Who::DelegateA)
                || readers_in_table.contains(&Who::DelegateB)
            {
                Readers::PartyAndMediators
            } else {
                Readers::MediatorsOnly
            };
            assert_eq!(readers(kind), expected, "{which:?}");
        }
    }

    #[test]
    fn nothing_of_another_caucus_reaches_a_delegate() {
        let f = fixture();
        let mut r = rand::rngs::StdRng::seed_from_u64(9);
        let t = time::macros::datetime!(2026-01-02 10:00 UTC);
        let notes: Vec<Note> = [
            Which::Plenary,
            Which::CaucusA,
            Which::CaucusB,
            Which::Mediators,
        ]
        .iter()
        .map(|w| {
            Note::new(
                &mut r,
                space(&f, *w),
                person(Who::Mediator),
                t,
                &format!("{w:?}"),
                "x",
            )
            .unwrap()
        })
        .collect();
        let titles = |who| {
            filter_visible(&f.p, &person(who), &notes)
                .iter()
                .map(|n| n.title.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(Who::DelegateA), ["Plenary", "CaucusA"]);
        assert_eq!(titles(Who::DelegateB), ["Plenary", "CaucusB"]);
        assert_eq!(titles(Who::Observer), ["Plenary"]);
        assert!(titles(Who::Outsider).is_empty());
        assert_eq!(titles(Who::Envoy).len(), 4);
        // Views: a delegate's labels name only their own party.
        let labels: Vec<String> = visible_space_views(&f.p, &person(Who::DelegateA))
            .into_iter()
            .map(|v| v.label)
            .collect();
        assert_eq!(labels, ["Plenary", "Caucus: A"]);
        assert_eq!(
            caucus_for(&f.p, &person(Who::DelegateA), &f.b),
            Err(Error::NotFound)
        );
        assert!(caucus_for(&f.p, &person(Who::Mediator), &f.b).is_ok());
        assert_eq!(
            own_caucus(&f.p, &person(Who::DelegateB)).unwrap().id,
            space(&f, Which::CaucusB)
        );
        assert!(own_caucus(&f.p, &person(Who::Mediator)).is_none());
    }

    #[test]
    fn mirror_swapping_parties_mirrors_views() {
        let f = fixture();
        for which in [
            Which::Plenary,
            Which::CaucusA,
            Which::CaucusB,
            Which::Mediators,
        ] {
            let mirror = match which {
                Which::CaucusA => Which::CaucusB,
                Which::CaucusB => Which::CaucusA,
                w => w,
            };
            assert_eq!(
                may_read(&f.p, &space(&f, which), &person(Who::DelegateA)),
                may_read(&f.p, &space(&f, mirror), &person(Who::DelegateB))
            );
        }
        assert_eq!(
            visible_spaces(&f.p, &person(Who::DelegateA)).len(),
            visible_spaces(&f.p, &person(Who::DelegateB)).len()
        );
    }

    #[test]
    fn proposing_and_issuing() {
        let f = fixture();
        assert_eq!(
            may_propose_amendment(&f.p, &person(Who::DelegateA)),
            Some(f.a.clone())
        );
        assert_eq!(
            may_propose_amendment(&f.p, &person(Who::DelegateB)),
            Some(f.b.clone())
        );
        for who in [Who::Mediator, Who::Envoy, Who::Observer, Who::Outsider] {
            assert_eq!(may_propose_amendment(&f.p, &person(who)), None, "{who:?}");
        }
        for (who, yes) in [
            (Who::Mediator, true),
            (Who::Envoy, true),
            (Who::DelegateA, false),
            (Who::Observer, false),
            (Who::Outsider, false),
        ] {
            assert_eq!(may_issue_version(&f.p, &person(who)), yes, "{who:?}");
            assert_eq!(may_adopt_agreement(&f.p, &person(who)), yes, "{who:?}");
        }
        assert!(may_read_text(&f.p, &person(Who::Observer)));
        let cb = space(&f, Which::CaucusB);
        assert_eq!(
            check_write(&f.p, &cb, &person(Who::DelegateA)),
            Err(Error::NotFound)
        );
        assert!(check_write(&f.p, &cb, &person(Who::DelegateB)).is_ok());
        assert!(matches!(
            check_write(&f.p, &space(&f, Which::Plenary), &person(Who::Observer)),
            Err(Error::Forbidden(_))
        ));
        let view = process_view(&f.p, &person(Who::DelegateA)).unwrap();
        let json = serde_json::to_string(&view).unwrap();
        assert!(
            !json.contains(cb.as_str()),
            "the view names no other caucus"
        );
        assert_eq!(view.spaces.len(), 2);
        assert_eq!(
            process_view(&f.p, &person(Who::Outsider)),
            Err(Error::NotFound)
        );
        assert!(!may_read_text(&f.p, &person(Who::Outsider)));
    }
}
