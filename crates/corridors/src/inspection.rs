//! Joint inspection. A vessel or convoy that reaches the inspection area joins the queue; the
//! centre schedules inspections against the daily capacity and names a team with exactly one
//! inspector of every party. A team member records the result (cleared, or held with its
//! reason) and signs it; the result stands only when every member has signed. A member who
//! refuses to sign says why, and the result is *disputed*: not a joint result, nothing moves
//! on it, and the team records a revised result for everyone to sign again.

use crate::corridor::Corridor;
use crate::error::{Error, Result, clean_text, invalid, state};
use crate::ids::{CorridorId, InspectionId, PartyCode, RegistrationId};
use crate::permissions;
use crate::registration::{Registration, RegistrationStatus};
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub party: PartyCode,
    pub inspector: Person,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Cleared,
    /// Held: may not proceed. A hold needs its reason.
    Hold {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "signature")]
pub enum Signature {
    Signed,
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureEntry {
    pub party: PartyCode,
    pub by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
    #[serde(flatten)]
    pub signature: Signature,
}

/// One result put to the team (a revised result after a refusal is a new round).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRound {
    pub round: u32,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub findings: String,
    pub recorded_by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: Timestamp,
    pub signatures: Vec<SignatureEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum InspectionStatus {
    Queued,
    Scheduled {
        #[serde(with = "crate::day")]
        day: time::Date,
    },
    AwaitingSignatures {
        missing: Vec<PartyCode>,
    },
    Cleared,
    Held {
        reason: String,
    },
    /// A member refused to sign: no joint result.
    Disputed {
        refused_by: Vec<PartyCode>,
    },
}

impl InspectionStatus {
    pub fn name(&self) -> &'static str {
        match self {
            InspectionStatus::Queued => "queued",
            InspectionStatus::Scheduled { .. } => "scheduled",
            InspectionStatus::AwaitingSignatures { .. } => "awaiting_signatures",
            InspectionStatus::Cleared => "cleared",
            InspectionStatus::Held { .. } => "held",
            InspectionStatus::Disputed { .. } => "disputed",
        }
    }

    /// Signed by every member: cleared or held for good.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            InspectionStatus::Cleared | InspectionStatus::Held { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: InspectionId,
    pub corridor: CorridorId,
    pub registration: RegistrationId,
    /// The registering operator (who may follow their own vessel's inspection).
    pub operator: Person,
    pub label: String,
    /// When it reached the inspection area and joined the queue.
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: Timestamp,
    #[serde(with = "crate::day::option")]
    pub day: Option<time::Date>,
    pub team: Vec<TeamMember>,
    pub rounds: Vec<ResultRound>,
}

impl Inspection {
    /// The vessel or convoy reached the inspection area: it joins the queue. Recorded by a
    /// member of the centre or by its operator.
    pub fn queue<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        corridor: &Corridor,
        registration: &Registration,
        by: &Person,
        at: Timestamp,
    ) -> Result<Inspection> {
        permissions::registration_for(corridor, by, registration)?;
        if registration.status() != RegistrationStatus::Registered {
            return Err(state(format!(
                "{} is not a registered movement",
                registration.carrier.label()
            )));
        }
        Ok(Inspection {
            id: InspectionId::generate(rng),
            corridor: corridor.id().clone(),
            registration: registration.id.clone(),
            operator: registration.operator.clone(),
            label: registration.carrier.label(),
            queued_at: at,
            day: None,
            team: Vec::new(),
            rounds: Vec::new(),
        })
    }

    pub fn status(&self) -> InspectionStatus {
        let Some(round) = self.rounds.last() else {
            return match self.day {
                Some(day) => InspectionStatus::Scheduled { day },
                None => InspectionStatus::Queued,
            };
        };
        let refused: Vec<PartyCode> = round
            .signatures
            .iter()
            .filter(|s| matches!(s.signature, Signature::Refused { .. }))
            .map(|s| s.party.clone())
            .collect();
        if !refused.is_empty() {
            return InspectionStatus::Disputed {
                refused_by: refused,
            };
        }
        let missing: Vec<PartyCode> = self
            .team
            .iter()
            .filter(|m| !round.signatures.iter().any(|s| s.party == m.party))
            .map(|m| m.party.clone())
            .collect();
        if !missing.is_empty() {
            return InspectionStatus::AwaitingSignatures { missing };
        }
        match &round.outcome {
            Outcome::Cleared => InspectionStatus::Cleared,
            Outcome::Hold { reason } => InspectionStatus::Held {
                reason: reason.clone(),
            },
        }
    }

    /// The centre schedules the inspection on `day` with its team: exactly one inspector of
    /// every party. `booked` is how many inspections are already scheduled that day; the
    /// corridor's daily capacity is kept.
    pub fn schedule(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        day: time::Date,
        team: Vec<TeamMember>,
        booked: u32,
    ) -> Result<()> {
        self.require_here(corridor)?;
        permissions::require(
            corridor,
            by,
            permissions::may_manage(corridor, by),
            "the centre's coordinators schedule inspections",
        )?;
        if !self.rounds.is_empty() {
            return Err(state("the inspection already has a result"));
        }
        if day < crate::utc_date(self.queued_at) {
            return Err(invalid("day", "before it joined the queue"));
        }
        if booked >= corridor.rules().inspections_per_day {
            return Err(state(format!(
                "{day} is full: {} inspections a day",
                corridor.rules().inspections_per_day
            )));
        }
        for party in corridor.parties() {
            let n = team.iter().filter(|m| m.party == party.code).count();
            if n != 1 {
                return Err(invalid(
                    "team",
                    format!("one inspector of {} (has {n})", party.code),
                ));
            }
        }
        if team.len() != corridor.parties().len() {
            return Err(invalid("team", "only the corridor's parties"));
        }
        for m in &team {
            if !corridor.inspectors_of(&m.party).any(|p| p == &m.inspector) {
                return Err(invalid(
                    "team",
                    format!("{} is not an inspector of {}", m.inspector, m.party),
                ));
            }
        }
        self.day = Some(day);
        self.team = team;
        Ok(())
    }

    fn require_here(&self, corridor: &Corridor) -> Result<()> {
        if &self.corridor != corridor.id() {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    fn team_party(&self, corridor: &Corridor, by: &Person) -> Result<PartyCode> {
        self.require_here(corridor)?;
        permissions::require(corridor, by, true, "")?;
        self.team
            .iter()
            .find(|m| &m.inspector == by)
            .map(|m| m.party.clone())
            .ok_or(Error::Forbidden("only the inspection team signs"))
    }

    /// A team member records the result and signs it. A hold needs its reason. A new round is
    /// allowed only after a refusal.
    pub fn record_result(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        outcome: Outcome,
        findings: &str,
        at: Timestamp,
    ) -> Result<()> {
        let party = self.team_party(corridor, by)?;
        let Some(day) = self.day else {
            return Err(state("the inspection is not scheduled"));
        };
        if crate::utc_date(at) < day {
            return Err(invalid(
                "time",
                format!("the inspection is scheduled for {day}"),
            ));
        }
        match self.status() {
            InspectionStatus::Scheduled { .. } | InspectionStatus::Disputed { .. } => {}
            s => {
                return Err(state(format!(
                    "a result is already {}",
                    s.name().replace('_', " ")
                )));
            }
        }
        let outcome = match outcome {
            Outcome::Hold { reason } => Outcome::Hold {
                reason: clean_text("reason", &reason, 2000)
                    .map_err(|_| invalid("reason", "a hold needs its reason"))?,
            },
            Outcome::Cleared => Outcome::Cleared,
        };
        let findings = if findings.trim().is_empty() {
            String::new()
        } else {
            clean_text("findings", findings, 10_000)?
        };
        self.rounds.push(ResultRound {
            round: self.rounds.len() as u32 + 1,
            outcome,
            findings,
            recorded_by: by.clone(),
            recorded_at: at,
            signatures: vec![SignatureEntry {
                party,
                by: by.clone(),
                at,
                signature: Signature::Signed,
            }],
        });
        Ok(())
    }

    fn add_signature(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        signature: Signature,
        at: Timestamp,
    ) -> Result<()> {
        let party = self.team_party(corridor, by)?;
        if !matches!(self.status(), InspectionStatus::AwaitingSignatures { .. }) {
            return Err(state("there is no result waiting for signatures"));
        }
        let round = self
            .rounds
            .last_mut()
            .expect("awaiting signatures has a round");
        if round.signatures.iter().any(|s| s.party == party) {
            return Err(state(format!("{party} has already signed")));
        }
        round.signatures.push(SignatureEntry {
            party,
            by: by.clone(),
            at,
            signature,
        });
        Ok(())
    }

    /// A team member signs the result for their party.
    pub fn sign(&mut self, corridor: &Corridor, by: &Person, at: Timestamp) -> Result<()> {
        self.add_signature(corridor, by, Signature::Signed, at)
    }

    /// A team member refuses to sign, saying why: the result is disputed.
    pub fn refuse(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        reason: &str,
        at: Timestamp,
    ) -> Result<()> {
        let reason = clean_text("reason", reason, 2000)
            .map_err(|_| invalid("reason", "a refusal to sign needs its reason"))?;
        self.add_signature(corridor, by, Signature::Refused { reason }, at)
    }

    /// Days from joining the queue to the scheduled day (or to `today` while unscheduled).
    pub fn waiting_days(&self, today: time::Date) -> i64 {
        let from = crate::utc_date(self.queued_at);
        (self.day.unwrap_or(today) - from).whole_days()
    }
}

/// One line of the queue as the centre sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueEntry {
    pub inspection: InspectionId,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: Timestamp,
    /// The scheduled day, or the first day with room left, first come first served.
    #[serde(with = "crate::day")]
    pub expected_day: time::Date,
    pub scheduled: bool,
    /// Days from joining the queue to the expected day.
    pub waiting_days: i64,
}

/// The queue: inspections without a result, in order of arrival, each with its day — the
/// scheduled one, or else the first day from `today` with capacity left after everything
/// scheduled and everything ahead of it in the queue.
pub fn queue(
    corridor: &Corridor,
    inspections: &[&Inspection],
    today: time::Date,
) -> Vec<QueueEntry> {
    let capacity = corridor.rules().inspections_per_day;
    let mut booked: BTreeMap<time::Date, u32> = BTreeMap::new();
    for i in inspections {
        if let Some(day) = i.day {
            *booked.entry(day).or_default() += 1;
        }
    }
    let mut open: Vec<&&Inspection> = inspections.iter().filter(|i| i.rounds.is_empty()).collect();
    open.sort_by(|a, b| (a.queued_at, &a.id).cmp(&(b.queued_at, &b.id)));
    let mut out = Vec::with_capacity(open.len());
    for i in open {
        let expected_day = match i.day {
            Some(day) => day,
            None => {
                let mut day = today.max(crate::utc_date(i.queued_at));
                while booked.get(&day).copied().unwrap_or(0) >= capacity {
                    day = day.next_day().expect("dates in range");
                }
                *booked.entry(day).or_default() += 1;
                day
            }
        };
        out.push(QueueEntry {
            inspection: i.id.clone(),
            label: i.label.clone(),
            queued_at: i.queued_at,
            expected_day,
            scheduled: i.day.is_some(),
            waiting_days: (expected_day - crate::utc_date(i.queued_at)).whole_days(),
        });
    }
    out
}

/// How many inspections are scheduled on `day`.
pub fn booked_on(inspections: &[&Inspection], day: time::Date) -> u32 {
    inspections.iter().filter(|i| i.day == Some(day)).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, person, t};
    use crate::registration::tests::submit;
    use rand::SeedableRng;

    fn team() -> Vec<TeamMember> {
        ["RU", "TR", "UA", "UN"]
            .iter()
            .map(|p| TeamMember {
                party: PartyCode::parse(p).unwrap(),
                inspector: person(&format!("insp-{}", p.to_lowercase())),
            })
            .collect()
    }

    fn scheduled() -> (Corridor, Inspection) {
        let c = black_sea();
        let r = submit(
            &c,
            "agent-a",
            "2022-07-31T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let mut i = Inspection::queue(
            &mut rng,
            &c,
            &r,
            &person("coord"),
            t("2022-08-04T08:00:00Z"),
        )
        .unwrap();
        i.schedule(
            &c,
            &person("coord"),
            time::macros::date!(2022 - 08 - 04),
            team(),
            0,
        )
        .unwrap();
        (c, i)
    }

    #[test]
    fn a_result_stands_when_every_member_signs() {
        let (c, mut i) = scheduled();
        i.record_result(
            &c,
            &person("insp-tr"),
            Outcome::Cleared,
            "crew and cargo as declared",
            t("2022-08-04T10:00:00Z"),
        )
        .unwrap();
        assert_eq!(i.status().name(), "awaiting_signatures");
        for who in ["insp-ru", "insp-ua"] {
            i.sign(&c, &person(who), t("2022-08-04T10:30:00Z")).unwrap();
        }
        assert_eq!(
            i.status(),
            InspectionStatus::AwaitingSignatures {
                missing: vec![PartyCode::parse("UN").unwrap()]
            }
        );
        // Someone outside the team cannot sign for the UN.
        assert!(matches!(
            i.sign(&c, &person("rep-un"), t("2022-08-04T10:40:00Z")),
            Err(Error::Forbidden(_))
        ));
        assert!(
            i.sign(&c, &person("insp-ua"), t("2022-08-04T10:40:00Z"))
                .is_err(),
            "twice"
        );
        i.sign(&c, &person("insp-un"), t("2022-08-04T10:45:00Z"))
            .unwrap();
        assert_eq!(i.status(), InspectionStatus::Cleared);
        assert!(
            i.record_result(
                &c,
                &person("insp-tr"),
                Outcome::Cleared,
                "",
                t("2022-08-04T11:00:00Z")
            )
            .is_err()
        );
    }

    #[test]
    fn an_inspection_one_party_refuses_to_sign_is_disputed() {
        let (c, mut i) = scheduled();
        i.record_result(
            &c,
            &person("insp-ua"),
            Outcome::Cleared,
            "",
            t("2022-08-04T10:00:00Z"),
        )
        .unwrap();
        i.sign(&c, &person("insp-tr"), t("2022-08-04T10:10:00Z"))
            .unwrap();
        i.sign(&c, &person("insp-un"), t("2022-08-04T10:11:00Z"))
            .unwrap();
        // Refusing needs a reason.
        assert!(
            i.refuse(&c, &person("insp-ru"), " ", t("2022-08-04T10:12:00Z"))
                .is_err()
        );
        i.refuse(
            &c,
            &person("insp-ru"),
            "hold no. 3 was not opened",
            t("2022-08-04T10:12:00Z"),
        )
        .unwrap();
        assert_eq!(
            i.status(),
            InspectionStatus::Disputed {
                refused_by: vec![PartyCode::parse("RU").unwrap()]
            }
        );
        assert!(!i.status().is_final());
        // Disputed: nobody else signs this round; the team records a revised result.
        assert!(
            i.sign(&c, &person("insp-ua"), t("2022-08-04T10:20:00Z"))
                .is_err()
        );
        // A hold needs a reason.
        assert!(
            i.record_result(
                &c,
                &person("insp-ru"),
                Outcome::Hold { reason: "".into() },
                "",
                t("2022-08-04T11:00:00Z")
            )
            .is_err()
        );
        i.record_result(
            &c,
            &person("insp-ru"),
            Outcome::Hold {
                reason: "hold no. 3 to be opened tomorrow".into(),
            },
            "",
            t("2022-08-04T11:00:00Z"),
        )
        .unwrap();
        for who in ["insp-tr", "insp-ua", "insp-un"] {
            i.sign(&c, &person(who), t("2022-08-04T11:10:00Z")).unwrap();
        }
        assert_eq!(
            i.status(),
            InspectionStatus::Held {
                reason: "hold no. 3 to be opened tomorrow".into()
            }
        );
        assert_eq!(i.rounds.len(), 2);
        // The refusal stays in the record.
        assert!(
            matches!(&i.rounds[0].signatures[3].signature, Signature::Refused { reason } if reason.contains("hold no. 3"))
        );
    }

    #[test]
    fn teams_have_one_inspector_per_party_and_days_have_a_capacity() {
        let c = black_sea();
        let r = submit(
            &c,
            "agent-a",
            "2022-07-31T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(12);
        let mut i = Inspection::queue(
            &mut rng,
            &c,
            &r,
            &person("agent-a"),
            t("2022-08-04T08:00:00Z"),
        )
        .unwrap();
        let day = time::macros::date!(2022 - 08 - 04);
        let mut short = team();
        short.pop();
        assert!(i.schedule(&c, &person("coord"), day, short, 0).is_err());
        let mut wrong = team();
        wrong[0].inspector = person("insp-tr");
        assert!(i.schedule(&c, &person("coord"), day, wrong, 0).is_err());
        let e = i
            .schedule(&c, &person("coord"), day, team(), 10)
            .unwrap_err();
        assert!(e.to_string().contains("full"), "{e}");
        assert!(i.schedule(&c, &person("agent-a"), day, team(), 0).is_err());
        // Another operator does not even see this vessel to queue it.
        assert_eq!(
            Inspection::queue(
                &mut rng,
                &c,
                &r,
                &person("agent-b"),
                t("2022-08-04T08:00:00Z")
            ),
            Err(Error::NotFound)
        );
    }

    #[test]
    fn the_queue_fills_days_to_capacity_in_order_of_arrival() {
        let c = black_sea(); // 10 a day
        let mut rng = rand::rngs::StdRng::seed_from_u64(13);
        let r = submit(
            &c,
            "agent-a",
            "2022-07-31T00:00:00Z",
            "2022-08-04T08:00:00Z",
        )
        .unwrap();
        let all: Vec<Inspection> = (0..25)
            .map(|k| {
                let at = t("2022-08-04T00:00:00Z") + time::Duration::minutes(k);
                Inspection::queue(&mut rng, &c, &r, &person("coord"), at).unwrap()
            })
            .collect();
        let refs: Vec<&Inspection> = all.iter().collect();
        let q = queue(&c, &refs, time::macros::date!(2022 - 08 - 04));
        let days: Vec<i64> = q.iter().map(|e| e.waiting_days).collect();
        assert_eq!(days, [vec![0; 10], vec![1; 10], vec![2; 5]].concat());
        assert_eq!(q[0].queued_at, t("2022-08-04T00:00:00Z"));
    }
}
