//! Who may see and do what in a corridor — decided here and nowhere else.
//!
//! A joint coordination centre is transparent among its parties: the coordinators, every
//! party's representatives and inspectors see every registration, plan, inspection, incident
//! and notification of the corridor, and all see the same plan. An operator sees the corridor
//! itself and only what is theirs: their own registrations, their own movements within a plan,
//! the inspections and incidents of their own vessels or convoys, their own notifications.
//! Another operator's registration answers [`Error::NotFound`] even when asked for by its id,
//! exactly like one that does not exist; a person with no place in the corridor gets
//! `NotFound` for the corridor itself.
//!
//! | action                                      | coordinator | representative | inspector | operator | outsider |
//! |---------------------------------------------|-------------|----------------|-----------|----------|----------|
//! | see the corridor, its rules, its status      | yes         | yes            | yes       | yes      | —        |
//! | see the centre's members                     | yes         | yes            | yes       | —        | —        |
//! | change status, admit people, decide lateness | yes         | —              | —         | —        | —        |
//! | register a movement, notify                  | —           | —              | —         | yes      | —        |
//! | see a registration / inspection / incident   | all         | all            | all       | own      | —        |
//! | propose, approve, amend, hold a plan         | —           | own party      | —         | —        | —        |
//! | see a plan                                   | whole       | whole          | whole     | own movements, status | — |
//! | acknowledge a notification                   | —           | own party      | —         | —        | —        |
//! | sign an inspection result                    | —           | —              | if on the team | —   | —        |
//! | see published voyages and reports            | yes         | yes            | yes       | yes      | —        |

use crate::corridor::{CentreRole, Corridor, Operator};
use crate::error::{Error, Result};
use crate::ids::{PartyCode, PlanId};
use crate::inspection::Inspection;
use crate::monitoring::Incident;
use crate::notification::Notification;
use crate::plan::{DailyPlan, Decision, Movement, PlanStatus};
use crate::registration::Registration;
use crate::{Person, Timestamp};
use serde::Serialize;

/// A person's place in a corridor, as far as access is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum Standing {
    Coordinator,
    Representative { party: PartyCode },
    Inspector { party: PartyCode },
    Operator { organisation: String },
}

impl Standing {
    /// A member of the joint coordination centre (not an operator).
    pub fn is_centre(&self) -> bool {
        !matches!(self, Standing::Operator { .. })
    }
}

/// The person's standing, or `None` when they have no place in the corridor.
pub fn standing(corridor: &Corridor, person: &Person) -> Option<Standing> {
    if let Some(m) = corridor.member(person) {
        return Some(match &m.role {
            CentreRole::Coordinator => Standing::Coordinator,
            CentreRole::Representative { party } => Standing::Representative {
                party: party.clone(),
            },
            CentreRole::Inspector { party } => Standing::Inspector {
                party: party.clone(),
            },
        });
    }
    corridor.operator(person).map(|o| Standing::Operator {
        organisation: o.organisation.clone(),
    })
}

fn is_centre(corridor: &Corridor, person: &Person) -> bool {
    standing(corridor, person).is_some_and(|s| s.is_centre())
}

/// For actions: [`Error::NotFound`] when the person has no place in the corridor,
/// [`Error::Forbidden`] when they have one but `allowed` is false.
pub fn require(
    corridor: &Corridor,
    person: &Person,
    allowed: bool,
    why: &'static str,
) -> Result<()> {
    if standing(corridor, person).is_none() {
        return Err(Error::NotFound);
    }
    if !allowed {
        return Err(Error::Forbidden(why));
    }
    Ok(())
}

/// Coordinators run the centre: status, admissions, late registrations, scheduling.
pub fn may_manage(corridor: &Corridor, person: &Person) -> bool {
    standing(corridor, person) == Some(Standing::Coordinator)
}

/// The operator record of a person who may register movements and notify.
pub fn operator_for_registration<'a>(
    corridor: &'a Corridor,
    person: &Person,
) -> Result<&'a Operator> {
    require(
        corridor,
        person,
        corridor.operator(person).is_some(),
        "only the corridor's operators register movements",
    )?;
    Ok(corridor.operator(person).expect("checked"))
}

/// The party a representative speaks for.
pub fn representative_party(corridor: &Corridor, person: &Person) -> Result<PartyCode> {
    match standing(corridor, person) {
        None => Err(Error::NotFound),
        Some(Standing::Representative { party }) => Ok(party),
        Some(_) => Err(Error::Forbidden(
            "only a party's representative decides for the party",
        )),
    }
}

/// May the person see this registration? The centre sees all of the corridor's; an operator
/// only their own.
pub fn may_see_registration(corridor: &Corridor, person: &Person, r: &Registration) -> bool {
    &r.corridor == corridor.id() && (is_centre(corridor, person) || &r.operator == person)
}

/// One registration, or [`Error::NotFound`] (never `Forbidden`: another operator's vessel must
/// not be known to exist).
pub fn registration_for<'a>(
    corridor: &Corridor,
    person: &Person,
    r: &'a Registration,
) -> Result<&'a Registration> {
    if may_see_registration(corridor, person, r) {
        Ok(r)
    } else {
        Err(Error::NotFound)
    }
}

/// The registrations the person may see, in the given order.
pub fn visible_registrations<'a>(
    corridor: &Corridor,
    person: &Person,
    all: impl IntoIterator<Item = &'a Registration>,
) -> Vec<&'a Registration> {
    all.into_iter()
        .filter(|r| may_see_registration(corridor, person, r))
        .collect()
}

fn owns(corridor: &Corridor, person: &Person, operator: &Person) -> bool {
    is_centre(corridor, person) || operator == person
}

pub fn visible_inspections<'a>(
    corridor: &Corridor,
    person: &Person,
    all: impl IntoIterator<Item = &'a Inspection>,
) -> Vec<&'a Inspection> {
    all.into_iter()
        .filter(|i| &i.corridor == corridor.id() && owns(corridor, person, &i.operator))
        .collect()
}

pub fn inspection_for<'a>(
    corridor: &Corridor,
    person: &Person,
    i: &'a Inspection,
) -> Result<&'a Inspection> {
    visible_inspections(corridor, person, [i])
        .pop()
        .ok_or(Error::NotFound)
}

pub fn visible_incidents<'a>(
    corridor: &Corridor,
    person: &Person,
    all: impl IntoIterator<Item = &'a Incident>,
) -> Vec<&'a Incident> {
    all.into_iter()
        .filter(|i| &i.corridor == corridor.id() && owns(corridor, person, &i.operator))
        .collect()
}

pub fn visible_notifications<'a>(
    corridor: &Corridor,
    person: &Person,
    all: impl IntoIterator<Item = &'a Notification>,
) -> Vec<&'a Notification> {
    all.into_iter()
        .filter(|n| &n.corridor == corridor.id() && owns(corridor, person, &n.notified_by))
        .collect()
}

pub fn notification_for<'a>(
    corridor: &Corridor,
    person: &Person,
    n: &'a Notification,
) -> Result<&'a Notification> {
    visible_notifications(corridor, person, [n])
        .pop()
        .ok_or(Error::NotFound)
}

/// A plan as one viewer may see it. Every member of the centre gets the same view; an
/// operator gets the day, the status and their own movements only (no decisions: a reason
/// may name another operator's vessel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    pub id: PlanId,
    #[serde(with = "crate::day")]
    pub day: time::Date,
    pub version: u32,
    pub proposing_party: PartyCode,
    #[serde(with = "time::serde::rfc3339")]
    pub approval_deadline: Timestamp,
    pub status: PlanStatus,
    pub movements: Vec<Movement>,
    /// Empty for operators.
    pub decisions: Vec<Decision>,
}

pub fn plan_view(
    corridor: &Corridor,
    person: &Person,
    plan: &DailyPlan,
    now: Timestamp,
) -> Result<PlanView> {
    if &plan.corridor != corridor.id() {
        return Err(Error::NotFound);
    }
    let st = standing(corridor, person).ok_or(Error::NotFound)?;
    let centre = st.is_centre();
    let movements: Vec<Movement> = plan
        .movements
        .iter()
        .filter(|m| centre || &m.operator == person)
        .cloned()
        .collect();
    if !centre && movements.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(PlanView {
        id: plan.id.clone(),
        day: plan.day,
        version: plan.version,
        proposing_party: plan.proposing_party.clone(),
        approval_deadline: plan.approval_deadline,
        status: plan.status(corridor, now),
        movements,
        decisions: if centre {
            plan.decisions.clone()
        } else {
            Vec::new()
        },
    })
}

/// The plans the person may see (an operator: those moving one of theirs), as views.
pub fn visible_plans<'a>(
    corridor: &Corridor,
    person: &Person,
    all: impl IntoIterator<Item = &'a DailyPlan>,
    now: Timestamp,
) -> Vec<PlanView> {
    all.into_iter()
        .filter_map(|p| plan_view(corridor, person, p, now).ok())
        .collect()
}

/// The corridor as one viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorView {
    pub id: crate::ids::CorridorId,
    pub name: String,
    pub designation: crate::corridor::Designation,
    pub status: crate::corridor::CorridorStatus,
    pub parties: Vec<crate::corridor::Party>,
    pub route: serde_json::Value,
    pub safety_radius: crate::geo::Length,
    pub points: Vec<crate::corridor::PointOfPassage>,
    pub inspection_area: Option<crate::geo::Geometry>,
    pub rules: crate::corridor::Rules,
    pub status_history: Vec<crate::corridor::StatusChange>,
    /// The centre's members and operators: for the centre only (empty for operators).
    pub members: Vec<crate::corridor::Member>,
    pub operators: Vec<Operator>,
    /// The viewer's place (`None`: the platform's secretariat, see [`secretariat_view`]).
    pub my_standing: Option<Standing>,
}

pub fn corridor_view(corridor: &Corridor, person: &Person) -> Result<CorridorView> {
    let st = standing(corridor, person).ok_or(Error::NotFound)?;
    Ok(view(corridor, Some(st)))
}

/// The corridor as the platform's secretariat (its administrators, who open corridors and
/// appoint coordinators) sees it without taking part: the centre's view of the corridor
/// itself, people included — and nothing of its registrations, plans or inspections, which
/// go through the functions above like everyone's.
pub fn secretariat_view(corridor: &Corridor) -> CorridorView {
    view(corridor, None)
}

fn view(corridor: &Corridor, st: Option<Standing>) -> CorridorView {
    let centre = st.as_ref().is_none_or(Standing::is_centre);
    CorridorView {
        id: corridor.id().clone(),
        name: corridor.name().to_string(),
        designation: corridor.designation(),
        status: corridor.status(),
        parties: corridor.parties().to_vec(),
        route: corridor.route().to_geojson(),
        safety_radius: corridor.safety_radius(),
        points: corridor.points().to_vec(),
        inspection_area: corridor.inspection_area().cloned(),
        rules: *corridor.rules(),
        status_history: corridor.status_history().to_vec(),
        members: if centre {
            corridor.members().to_vec()
        } else {
            Vec::new()
        },
        operators: if centre {
            corridor.operators().to_vec()
        } else {
            Vec::new()
        },
        my_standing: st,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, person, t};
    use crate::plan::Movement;
    use crate::registration::tests::submit;
    use rand::SeedableRng;

    #[test]
    fn an_operator_never_sees_another_operators_vessel() {
        let c = black_sea();
        let a = submit(
            &c,
            "agent-a",
            "2022-07-31T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let b = submit(
            &c,
            "agent-b",
            "2022-07-31T01:00:00Z",
            "2022-08-04T10:00:00Z",
        )
        .unwrap();
        let all = [a.clone(), b.clone()];
        let ids = |v: Vec<&Registration>| v.iter().map(|r| r.id.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ids(visible_registrations(&c, &person("agent-a"), &all)),
            [a.id.to_string()]
        );
        assert_eq!(
            ids(visible_registrations(&c, &person("agent-b"), &all)),
            [b.id.to_string()]
        );
        for who in ["coord", "rep-ru", "insp-un"] {
            assert_eq!(
                visible_registrations(&c, &person(who), &all).len(),
                2,
                "{who}"
            );
        }
        // By id: NotFound, the same answer as for nothing at all.
        assert_eq!(
            registration_for(&c, &person("agent-a"), &b),
            Err(Error::NotFound)
        );
        assert_eq!(
            registration_for(&c, &person("stranger"), &a),
            Err(Error::NotFound)
        );
        // In a plan: the operator sees only its own movement, and no decisions.
        let day = time::macros::date!(2022 - 08 - 03);
        let ms = vec![
            Movement::new(&c, &a, day, t("2022-08-03T06:00:00Z")).unwrap(),
            Movement::new(&c, &b, day, t("2022-08-03T07:00:00Z")).unwrap(),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let mut p = DailyPlan::propose(
            &mut rng,
            &c,
            &person("rep-ua"),
            day,
            ms,
            t("2022-08-02T08:00:00Z"),
        )
        .unwrap();
        p.hold(
            &c,
            &person("rep-ru"),
            "RAZONI's papers",
            t("2022-08-02T08:30:00Z"),
        )
        .unwrap();
        let now = t("2022-08-02T09:00:00Z");
        let va = plan_view(&c, &person("agent-a"), &p, now).unwrap();
        assert_eq!(va.movements.len(), 1);
        assert!(va.decisions.is_empty());
        let json = serde_json::to_string(&va).unwrap();
        assert!(
            !json.contains(b.id.as_str()) && !json.contains("agent-b"),
            "{json}"
        );
        // Every party of the centre sees the same plan.
        let views: Vec<PlanView> = ["coord", "rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-ua"]
            .iter()
            .map(|w| plan_view(&c, &person(w), &p, now).unwrap())
            .collect();
        assert!(views.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(views[0].movements.len(), 2);
        // An operator with nothing in the plan does not see it.
        let mut c2 = c.clone();
        c2.add_operator(&person("coord"), person("agent-c"), "Gamma")
            .unwrap();
        assert_eq!(
            plan_view(&c2, &person("agent-c"), &p, now),
            Err(Error::NotFound)
        );
        // The corridor view hides the centre's members from operators.
        assert!(
            corridor_view(&c, &person("agent-a"))
                .unwrap()
                .members
                .is_empty()
        );
        assert_eq!(
            corridor_view(&c, &person("rep-ua")).unwrap().members.len(),
            9
        );
        assert!(corridor_view(&c, &person("stranger")).is_err());
    }
}
