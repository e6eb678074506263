//! The daily movement plan. A party's representative proposes day D's movements by the plan
//! deadline on day D−1; the representatives of every party approve, amend or hold it by the
//! approval deadline. Every party sees the same plan (one record, one version number).
//!
//! A plan's status is a function of its record and the clock:
//!
//! | record at time t                                   | status     |
//! |----------------------------------------------------|------------|
//! | every party approved the current version           | `approved` |
//! | otherwise, t after the approval deadline           | `lapsed`: nothing moves under it; its movements go into another day's plan |
//! | otherwise, some party holds the current version    | `held`     |
//! | otherwise                                          | `proposed` (waiting for the parties named) |
//!
//! An amendment makes a new version and voids every approval of the previous one. Decisions
//! after the approval deadline, and on an approved plan, are refused.

use crate::corridor::{Corridor, CorridorStatus};
use crate::error::{Error, Result, clean_text, invalid, state};
use crate::ids::{CorridorId, PartyCode, PlanId, RegistrationId};
use crate::permissions;
use crate::registration::Registration;
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One movement in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub registration: RegistrationId,
    /// The registering operator (operators see only their own movements of a plan).
    pub operator: Person,
    /// The vessel or convoy, as registered.
    pub label: String,
    pub from: String,
    #[serde(with = "time::serde::rfc3339")]
    pub depart_at: Timestamp,
}

impl Movement {
    /// A registration's departure on `day`; the registration must be plannable.
    pub fn new(
        corridor: &Corridor,
        registration: &Registration,
        day: time::Date,
        depart_at: Timestamp,
    ) -> Result<Movement> {
        if &registration.corridor != corridor.id() {
            return Err(Error::NotFound);
        }
        if !registration.plannable() {
            return Err(invalid(
                "movements",
                format!(
                    "{} cannot be planned: it is {}",
                    registration.carrier.label(),
                    registration.status().as_str()
                ),
            ));
        }
        if depart_at.to_offset(time::UtcOffset::UTC).date() != day {
            return Err(invalid("departure time", format!("must fall on {day}")));
        }
        Ok(Movement {
            registration: registration.id.clone(),
            operator: registration.operator.clone(),
            label: registration.carrier.label(),
            from: registration.itinerary.from.clone(),
            depart_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum DecisionKind {
    Approve,
    /// A new version of the movements, with what changed and why.
    Amend {
        note: String,
    },
    /// Stops the plan until the party approves; a hold needs its reason.
    Hold {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub party: PartyCode,
    pub by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
    /// The version decided on (an amendment creates version + 1 and is recorded against it).
    pub version: u32,
    #[serde(flatten)]
    pub kind: DecisionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum PlanStatus {
    Proposed {
        waiting_for: Vec<PartyCode>,
    },
    Held {
        held_by: Vec<PartyCode>,
        waiting_for: Vec<PartyCode>,
    },
    Approved {
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
    },
    /// Not approved by every party by the deadline: nothing moves under this plan.
    Lapsed {
        held_by: Vec<PartyCode>,
        waiting_for: Vec<PartyCode>,
    },
}

impl PlanStatus {
    pub fn name(&self) -> &'static str {
        match self {
            PlanStatus::Proposed { .. } => "proposed",
            PlanStatus::Held { .. } => "held",
            PlanStatus::Approved { .. } => "approved",
            PlanStatus::Lapsed { .. } => "lapsed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyPlan {
    pub id: PlanId,
    pub corridor: CorridorId,
    /// The day the movements happen.
    #[serde(with = "crate::day")]
    pub day: time::Date,
    pub proposing_party: PartyCode,
    pub proposed_by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: Timestamp,
    pub version: u32,
    pub movements: Vec<Movement>,
    /// Every decision, oldest first.
    pub decisions: Vec<Decision>,
    /// The approval deadline, fixed when proposed (rules may change later).
    #[serde(with = "time::serde::rfc3339")]
    pub approval_deadline: Timestamp,
}

fn check_movements(movements: &[Movement]) -> Result<()> {
    if movements.is_empty() {
        return Err(invalid(
            "movements",
            "a plan moves at least one vessel or convoy",
        ));
    }
    let mut seen = BTreeSet::new();
    for m in movements {
        if !seen.insert(&m.registration) {
            return Err(invalid(
                "movements",
                format!("{} is planned twice", m.label),
            ));
        }
    }
    Ok(())
}

impl DailyPlan {
    /// A party's representative proposes day `day`'s movements, by the plan deadline on the
    /// day before.
    pub fn propose<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        corridor: &Corridor,
        by: &Person,
        day: time::Date,
        movements: Vec<Movement>,
        at: Timestamp,
    ) -> Result<DailyPlan> {
        let party = permissions::representative_party(corridor, by)?;
        if corridor.status() != CorridorStatus::Open {
            return Err(state(format!(
                "the corridor is {}: no movements are planned",
                corridor.status().as_str()
            )));
        }
        let eve = day
            .previous_day()
            .ok_or_else(|| invalid("day", "out of range"))?;
        let deadline = corridor.rules().plan_deadline.on(eve);
        if at > deadline {
            return Err(state(format!(
                "plans for {day} had to be proposed by {}",
                crate::rfc3339(deadline)
            )));
        }
        check_movements(&movements)?;
        if movements
            .iter()
            .any(|m| crate::utc_date(m.depart_at) != day)
        {
            return Err(invalid("departure time", format!("must fall on {day}")));
        }
        Ok(DailyPlan {
            id: PlanId::generate(rng),
            corridor: corridor.id().clone(),
            day,
            proposing_party: party,
            proposed_by: by.clone(),
            proposed_at: at,
            version: 1,
            movements,
            decisions: Vec::new(),
            approval_deadline: corridor.rules().approval_deadline.on(eve),
        })
    }

    /// The status at time `now`.
    pub fn status(&self, corridor: &Corridor, now: Timestamp) -> PlanStatus {
        let mut approved_at: Option<Timestamp> = None;
        let mut waiting_for = Vec::new();
        let mut held_by = Vec::new();
        for party in corridor.parties() {
            let latest = self
                .decisions
                .iter()
                .rev()
                .find(|d| d.party == party.code && d.version == self.version);
            match latest.map(|d| (&d.kind, d.at)) {
                Some((DecisionKind::Approve, at)) => {
                    approved_at = Some(approved_at.map_or(at, |a| a.max(at)));
                }
                Some((DecisionKind::Hold { .. }, _)) => held_by.push(party.code.clone()),
                _ => waiting_for.push(party.code.clone()),
            }
        }
        if waiting_for.is_empty() && held_by.is_empty() {
            return PlanStatus::Approved {
                at: approved_at.unwrap_or(self.proposed_at),
            };
        }
        if now > self.approval_deadline {
            return PlanStatus::Lapsed {
                held_by,
                waiting_for,
            };
        }
        if held_by.is_empty() {
            PlanStatus::Proposed { waiting_for }
        } else {
            PlanStatus::Held {
                held_by,
                waiting_for,
            }
        }
    }

    fn decide(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        kind: DecisionKind,
        at: Timestamp,
    ) -> Result<()> {
        if &self.corridor != corridor.id() {
            return Err(Error::NotFound);
        }
        let party = permissions::representative_party(corridor, by)?;
        match self.status(corridor, at) {
            PlanStatus::Approved { .. } => return Err(state("the plan is already approved")),
            PlanStatus::Lapsed { .. } => {
                return Err(state(format!(
                    "the approval deadline passed at {}: the plan lapsed",
                    crate::rfc3339(self.approval_deadline)
                )));
            }
            _ => {}
        }
        if let Some(last) = self.decisions.last()
            && at < last.at
        {
            return Err(invalid("time", "before the last decision"));
        }
        self.decisions.push(Decision {
            party,
            by: by.clone(),
            at,
            version: self.version,
            kind,
        });
        Ok(())
    }

    /// The representative approves the current version for their party.
    pub fn approve(&mut self, corridor: &Corridor, by: &Person, at: Timestamp) -> Result<()> {
        self.decide(corridor, by, DecisionKind::Approve, at)
    }

    /// The representative holds the plan for their party, with the reason.
    pub fn hold(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        reason: &str,
        at: Timestamp,
    ) -> Result<()> {
        let reason = clean_text("reason", reason, 2000)?;
        self.decide(corridor, by, DecisionKind::Hold { reason }, at)
    }

    /// The representative replaces the movements: a new version that every party approves
    /// anew.
    pub fn amend(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        movements: Vec<Movement>,
        note: &str,
        at: Timestamp,
    ) -> Result<()> {
        let note = clean_text("note", note, 2000)?;
        check_movements(&movements)?;
        if movements
            .iter()
            .any(|m| crate::utc_date(m.depart_at) != self.day)
        {
            return Err(invalid(
                "departure time",
                format!("must fall on {}", self.day),
            ));
        }
        let before = self.clone();
        self.version += 1;
        self.movements = movements;
        if let Err(e) = self.decide(corridor, by, DecisionKind::Amend { note }, at) {
            *self = before;
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, person, t};
    use crate::registration::tests::submit;
    use rand::SeedableRng;

    fn plan_for_aug_3() -> (Corridor, DailyPlan, Registration, Registration) {
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
        let day = time::macros::date!(2022 - 08 - 03);
        let ms = vec![
            Movement::new(&c, &a, day, t("2022-08-03T06:00:00Z")).unwrap(),
            Movement::new(&c, &b, day, t("2022-08-03T07:00:00Z")).unwrap(),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let p = DailyPlan::propose(
            &mut rng,
            &c,
            &person("rep-ua"),
            day,
            ms,
            t("2022-08-02T08:30:00Z"),
        )
        .unwrap();
        (c, p, a, b)
    }

    #[test]
    fn approved_when_every_party_approves_by_the_deadline() {
        let (c, mut p, _, _) = plan_for_aug_3();
        let now = t("2022-08-02T09:00:00Z");
        assert_eq!(p.status(&c, now).name(), "proposed");
        for (i, who) in ["rep-ua", "rep-tr", "rep-ru"].iter().enumerate() {
            p.approve(&c, &person(who), t(&format!("2022-08-02T10:0{i}:00Z")))
                .unwrap();
        }
        assert_eq!(
            p.status(&c, t("2022-08-02T10:05:00Z")),
            PlanStatus::Proposed {
                waiting_for: vec![PartyCode::parse("UN").unwrap()]
            }
        );
        p.approve(&c, &person("rep-un"), t("2022-08-02T12:59:00Z"))
            .unwrap();
        let approved = PlanStatus::Approved {
            at: t("2022-08-02T12:59:00Z"),
        };
        assert_eq!(p.status(&c, t("2022-08-02T13:00:00Z")), approved);
        // Still approved long after the deadline; no more decisions.
        assert_eq!(p.status(&c, t("2022-08-04T00:00:00Z")), approved);
        assert!(
            p.hold(
                &c,
                &person("rep-ru"),
                "late doubts",
                t("2022-08-02T12:59:30Z")
            )
            .is_err()
        );
        // Stored and read back as it was; days as `YYYY-MM-DD`.
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"day\":\"2022-08-03\""), "{json}");
        assert_eq!(serde_json::from_str::<DailyPlan>(&json).unwrap(), p);
    }

    #[test]
    fn a_plan_not_approved_by_the_deadline_lapses() {
        let (c, mut p, _, _) = plan_for_aug_3();
        p.approve(&c, &person("rep-ua"), t("2022-08-02T09:10:00Z"))
            .unwrap();
        p.approve(&c, &person("rep-tr"), t("2022-08-02T09:20:00Z"))
            .unwrap();
        p.hold(
            &c,
            &person("rep-ru"),
            "the second vessel's papers are incomplete",
            t("2022-08-02T09:30:00Z"),
        )
        .unwrap();
        assert_eq!(p.status(&c, t("2022-08-02T12:00:00Z")).name(), "held");
        // One second after 13:00 UTC: lapsed, naming who held and who never answered.
        let lapsed = p.status(&c, t("2022-08-02T13:00:01Z"));
        assert_eq!(
            lapsed,
            PlanStatus::Lapsed {
                held_by: vec![PartyCode::parse("RU").unwrap()],
                waiting_for: vec![PartyCode::parse("UN").unwrap()],
            }
        );
        // Approvals after the deadline are refused and change nothing.
        let e = p
            .approve(&c, &person("rep-un"), t("2022-08-02T13:05:00Z"))
            .unwrap_err();
        assert!(e.to_string().contains("lapsed"), "{e}");
        assert_eq!(p.status(&c, t("2022-08-05T00:00:00Z")).name(), "lapsed");
        // A plan nobody answered lapses too.
        let (c, p, _, _) = plan_for_aug_3();
        assert_eq!(
            p.status(&c, t("2022-08-02T13:00:01Z")),
            PlanStatus::Lapsed {
                held_by: vec![],
                waiting_for: c.parties().iter().map(|p| p.code.clone()).collect()
            }
        );
    }

    #[test]
    fn an_amendment_voids_earlier_approvals_and_every_party_sees_it() {
        let (c, mut p, a, _) = plan_for_aug_3();
        p.approve(&c, &person("rep-ua"), t("2022-08-02T09:10:00Z"))
            .unwrap();
        let only_a = vec![Movement::new(&c, &a, p.day, t("2022-08-03T06:30:00Z")).unwrap()];
        p.amend(
            &c,
            &person("rep-tr"),
            only_a,
            "second vessel moved to the 4th",
            t("2022-08-02T09:20:00Z"),
        )
        .unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(p.movements.len(), 1);
        assert_eq!(
            p.status(&c, t("2022-08-02T09:30:00Z")),
            PlanStatus::Proposed {
                waiting_for: c.parties().iter().map(|p| p.code.clone()).collect()
            }
        );
        // Inspectors, operators, outsiders do not decide.
        assert!(matches!(
            p.approve(&c, &person("insp-ua"), t("2022-08-02T09:40:00Z")),
            Err(Error::Forbidden(_))
        ));
        assert_eq!(
            p.approve(&c, &person("nobody"), t("2022-08-02T09:40:00Z")),
            Err(Error::NotFound)
        );
        // A hold needs a reason.
        assert!(
            p.hold(&c, &person("rep-ru"), "  ", t("2022-08-02T09:40:00Z"))
                .is_err()
        );
    }

    #[test]
    fn proposals_keep_the_rules() {
        let c = black_sea();
        let a = submit(
            &c,
            "agent-a",
            "2022-07-31T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let late = submit(
            &c,
            "agent-b",
            "2022-08-03T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let day = time::macros::date!(2022 - 08 - 03);
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        // A late registration cannot be planned before the centre accepts it.
        assert!(Movement::new(&c, &late, day, t("2022-08-03T06:00:00Z")).is_err());
        // Not on the plan's day.
        assert!(Movement::new(&c, &a, day, t("2022-08-04T06:00:00Z")).is_err());
        let m = || vec![Movement::new(&c, &a, day, t("2022-08-03T06:00:00Z")).unwrap()];
        // After the plan deadline (09:00 UTC the day before).
        assert!(
            DailyPlan::propose(
                &mut rng,
                &c,
                &person("rep-ua"),
                day,
                m(),
                t("2022-08-02T09:00:01Z")
            )
            .is_err()
        );
        // The same vessel twice.
        let mut twice = m();
        twice.extend(m());
        assert!(
            DailyPlan::propose(
                &mut rng,
                &c,
                &person("rep-ua"),
                day,
                twice,
                t("2022-08-02T08:00:00Z")
            )
            .is_err()
        );
        // Operators do not propose.
        assert!(
            DailyPlan::propose(
                &mut rng,
                &c,
                &person("agent-a"),
                day,
                m(),
                t("2022-08-02T08:00:00Z")
            )
            .is_err()
        );
    }
}
