//! Registration: an operator registers one movement of a vessel or convoy — who carries what
//! where, and when it is expected at the inspection area. A registration that reaches the
//! centre later than the corridor's lead time is flagged by rule and waits for the centre's
//! decision; it is never silently accepted.

use crate::corridor::{Corridor, CorridorStatus, Designation};
use crate::error::{Result, clean_line, clean_text, invalid, state};
use crate::ids::{CorridorId, RegistrationId};
use crate::permissions;
use crate::vessel::{CargoLine, Carrier, Tonnage};
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// Where the movement goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Itinerary {
    /// Port or crossing point of departure.
    pub from: String,
    /// Final port or crossing point.
    pub to: String,
    /// Calls on the way, in order.
    pub calls: Vec<String>,
    /// When the vessel or convoy is expected at the corridor's inspection area.
    #[serde(with = "time::serde::rfc3339")]
    pub expected_at_inspection: Timestamp,
}

impl Itinerary {
    pub fn new(
        from: &str,
        to: &str,
        calls: &[&str],
        expected_at_inspection: Timestamp,
    ) -> Result<Itinerary> {
        Ok(Itinerary {
            from: clean_line("departure", from, 120)?,
            to: clean_line("destination", to, 120)?,
            calls: calls
                .iter()
                .map(|c| clean_line("port of call", c, 120))
                .collect::<Result<_>>()?,
            expected_at_inspection,
        })
    }
}

/// The humanitarian designation of a consignment: the organisation answering for it affirms
/// that the assistance is given under the guiding principles of General Assembly resolution
/// 46/182 (humanity, neutrality, impartiality, independence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HumanitarianDesignation {
    pub organisation: String,
    /// The appeal or plan it serves, if any ("Ukraine Flash Appeal 2022").
    pub appeal: Option<String>,
    pub principles_affirmed: bool,
}

impl HumanitarianDesignation {
    pub const PRINCIPLES: &'static str = "humanity, neutrality, impartiality and independence \
        (General Assembly resolution 46/182)";

    pub fn new(
        organisation: &str,
        appeal: Option<&str>,
        principles_affirmed: bool,
    ) -> Result<HumanitarianDesignation> {
        if !principles_affirmed {
            return Err(invalid(
                "46/182 designation",
                "the organisation must affirm the humanitarian principles",
            ));
        }
        Ok(HumanitarianDesignation {
            organisation: clean_line("organisation", organisation, 200)?,
            appeal: appeal
                .filter(|a| !a.trim().is_empty())
                .map(|a| clean_line("appeal", a, 200))
                .transpose()?,
            principles_affirmed,
        })
    }
}

/// How late a registration was, by the corridor's rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lateness {
    /// The rule: this many hours before arrival at the inspection area.
    pub required_hours: u32,
    /// How many minutes before the expected arrival it actually came (negative: after).
    pub notice_minutes: i64,
}

/// The centre's decision on a late registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateDecision {
    pub accepted: bool,
    pub reason: String,
    pub by: Person,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
}

/// Where a registration stands on its own (plans, inspections and incidents say the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// On time, or late and accepted: may be put in a plan.
    Registered,
    /// Late by rule: waits for the centre's decision.
    LateAwaitingDecision,
    /// Late and refused by the centre.
    Refused,
    Withdrawn,
    Arrived,
}

impl RegistrationStatus {
    /// The status as it is written in JSON (`late_awaiting_decision`), for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::LateAwaitingDecision => "late_awaiting_decision",
            RegistrationStatus::Refused => "refused",
            RegistrationStatus::Withdrawn => "withdrawn",
            RegistrationStatus::Arrived => "arrived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id: RegistrationId,
    pub corridor: CorridorId,
    /// The operator who registered it: the only operator who will ever see it.
    pub operator: Person,
    pub organisation: String,
    pub carrier: Carrier,
    pub cargo: Vec<CargoLine>,
    pub itinerary: Itinerary,
    pub humanitarian: Option<HumanitarianDesignation>,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: Timestamp,
    pub late: Option<Lateness>,
    pub late_decision: Option<LateDecision>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<Timestamp>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub arrived_at: Option<Timestamp>,
}

/// What an operator fills in.
#[derive(Debug, Clone)]
pub struct RegistrationDraft {
    pub carrier: Carrier,
    pub cargo: Vec<CargoLine>,
    pub itinerary: Itinerary,
    pub humanitarian: Option<HumanitarianDesignation>,
}

impl Registration {
    /// Registers a movement (operators of the corridor only, while it is open). Late
    /// registrations are accepted into the record and flagged: they wait for the centre.
    pub fn submit<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        corridor: &Corridor,
        by: &Person,
        draft: RegistrationDraft,
        at: Timestamp,
    ) -> Result<Registration> {
        let operator = permissions::operator_for_registration(corridor, by)?;
        if corridor.status() != CorridorStatus::Open {
            return Err(state(format!(
                "the corridor is {}: no registrations are taken",
                corridor.status().as_str()
            )));
        }
        if draft.cargo.is_empty() {
            return Err(invalid("cargo", "at least one cargo line (or 'ballast')"));
        }
        if draft.cargo.len() > 200 {
            return Err(invalid("cargo", "at most 200 lines"));
        }
        let humanitarian_cargo = draft.cargo.iter().any(|l| l.humanitarian);
        if humanitarian_cargo && draft.humanitarian.is_none() {
            return Err(invalid(
                "46/182 designation",
                "humanitarian cargo needs the organisation's 46/182 designation",
            ));
        }
        if corridor.designation() == Designation::Humanitarian && !humanitarian_cargo {
            return Err(invalid(
                "cargo",
                "this corridor is humanitarian: mark the humanitarian cargo lines",
            ));
        }
        let late = lateness(corridor, at, draft.itinerary.expected_at_inspection);
        Ok(Registration {
            id: RegistrationId::generate(rng),
            corridor: corridor.id().clone(),
            operator: by.clone(),
            organisation: operator.organisation.clone(),
            carrier: draft.carrier,
            cargo: draft.cargo,
            itinerary: draft.itinerary,
            humanitarian: draft.humanitarian,
            submitted_at: at,
            late,
            late_decision: None,
            withdrawn_at: None,
            arrived_at: None,
        })
    }

    pub fn status(&self) -> RegistrationStatus {
        if self.arrived_at.is_some() {
            RegistrationStatus::Arrived
        } else if self.withdrawn_at.is_some() {
            RegistrationStatus::Withdrawn
        } else {
            match (&self.late, &self.late_decision) {
                (None, _) => RegistrationStatus::Registered,
                (Some(_), None) => RegistrationStatus::LateAwaitingDecision,
                (Some(_), Some(d)) if d.accepted => RegistrationStatus::Registered,
                (Some(_), Some(_)) => RegistrationStatus::Refused,
            }
        }
    }

    /// May it go into a daily plan?
    pub fn plannable(&self) -> bool {
        self.status() == RegistrationStatus::Registered
    }

    pub fn total_tonnage(&self) -> Tonnage {
        self.cargo.iter().map(|l| l.tonnage).sum()
    }

    /// The centre accepts or refuses a late registration, with its reason (coordinators).
    pub fn decide_late(
        &mut self,
        corridor: &Corridor,
        by: &Person,
        accepted: bool,
        reason: &str,
        at: Timestamp,
    ) -> Result<()> {
        permissions::registration_for(corridor, by, self)?;
        permissions::require(
            corridor,
            by,
            permissions::may_manage(corridor, by),
            "only the centre's coordinators decide on late registrations",
        )?;
        if self.status() != RegistrationStatus::LateAwaitingDecision {
            return Err(state("this registration is not waiting for a decision"));
        }
        self.late_decision = Some(LateDecision {
            accepted,
            reason: clean_text("reason", reason, 2000)?,
            by: by.clone(),
            at,
        });
        Ok(())
    }

    /// The operator withdraws it.
    pub fn withdraw(&mut self, corridor: &Corridor, by: &Person, at: Timestamp) -> Result<()> {
        permissions::registration_for(corridor, by, self)?;
        if by != &self.operator {
            return Err(crate::Error::Forbidden(
                "only the registering operator withdraws",
            ));
        }
        if matches!(
            self.status(),
            RegistrationStatus::Arrived | RegistrationStatus::Withdrawn
        ) {
            return Err(state("already arrived or withdrawn"));
        }
        self.withdrawn_at = Some(at);
        Ok(())
    }

    /// Arrival at the destination, declared by the operator or a coordinator.
    pub fn arrive(&mut self, corridor: &Corridor, by: &Person, at: Timestamp) -> Result<()> {
        permissions::registration_for(corridor, by, self)?;
        if by != &self.operator && !permissions::may_manage(corridor, by) {
            return Err(crate::Error::Forbidden(
                "the operator or a coordinator declares the arrival",
            ));
        }
        if self.status() != RegistrationStatus::Registered {
            return Err(state("only a registered movement arrives"));
        }
        if at < self.submitted_at {
            return Err(invalid("arrival", "before the registration"));
        }
        self.arrived_at = Some(at);
        Ok(())
    }
}

/// The rule: a registration must come at least `registration_lead_hours` before the expected
/// arrival at the inspection area. Returns how late it is, or `None` when on time.
pub fn lateness(
    corridor: &Corridor,
    submitted: Timestamp,
    expected: Timestamp,
) -> Option<Lateness> {
    let required = corridor.rules().registration_lead_hours;
    let notice = expected - submitted;
    if notice < time::Duration::hours(i64::from(required)) {
        Some(Lateness {
            required_hours: required,
            notice_minutes: notice.whole_minutes(),
        })
    } else {
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, person, t};
    use rand::SeedableRng;

    pub fn draft(expected: &str) -> RegistrationDraft {
        RegistrationDraft {
            carrier: Carrier::vessel("IMO 9086526", "RAZONI", "Sierra Leone").unwrap(),
            cargo: vec![
                CargoLine::new(
                    "Corn",
                    Tonnage::parse("25000").unwrap(),
                    "Egypt",
                    "Agro Co.",
                    false,
                )
                .unwrap(),
            ],
            itinerary: Itinerary::new("Odesa", "Alexandria", &["Istanbul"], t(expected)).unwrap(),
            humanitarian: None,
        }
    }

    pub fn submit(c: &Corridor, who: &str, at: &str, expected: &str) -> Result<Registration> {
        let seed = format!("{who}{at}{expected}")
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        Registration::submit(&mut rng, c, &person(who), draft(expected), t(at))
    }

    #[test]
    fn a_late_registration_is_flagged_and_waits_for_the_centre() {
        let c = black_sea();
        // 44 hours exactly: on time.
        let on_time = submit(
            &c,
            "agent-a",
            "2022-08-01T00:00:00Z",
            "2022-08-02T20:00:00Z",
        )
        .unwrap();
        assert_eq!(on_time.late, None);
        assert!(on_time.plannable());
        // One minute short of 44 hours: late, flagged, not plannable.
        let mut late = submit(
            &c,
            "agent-a",
            "2022-08-01T00:01:00Z",
            "2022-08-02T20:00:00Z",
        )
        .unwrap();
        assert_eq!(
            late.late,
            Some(Lateness {
                required_hours: 44,
                notice_minutes: 44 * 60 - 1
            })
        );
        assert_eq!(late.status(), RegistrationStatus::LateAwaitingDecision);
        assert!(!late.plannable());
        // Only a coordinator decides; an operator cannot accept its own.
        assert!(matches!(
            late.decide_late(
                &c,
                &person("agent-a"),
                true,
                "please",
                t("2022-08-01T01:00:00Z")
            ),
            Err(crate::Error::Forbidden(_))
        ));
        late.decide_late(
            &c,
            &person("coord"),
            true,
            "one minute: accepted",
            t("2022-08-01T01:00:00Z"),
        )
        .unwrap();
        assert!(late.plannable());
        assert!(
            late.decide_late(
                &c,
                &person("coord"),
                false,
                "again",
                t("2022-08-01T02:00:00Z")
            )
            .is_err()
        );
        // Registered after the expected arrival: late by a negative notice; refused.
        let mut very = submit(
            &c,
            "agent-b",
            "2022-08-03T00:00:00Z",
            "2022-08-02T20:00:00Z",
        )
        .unwrap();
        assert_eq!(very.late.as_ref().unwrap().notice_minutes, -240);
        very.decide_late(
            &c,
            &person("coord"),
            false,
            "after arrival",
            t("2022-08-03T01:00:00Z"),
        )
        .unwrap();
        assert_eq!(very.status(), RegistrationStatus::Refused);
        assert!(!very.plannable());
    }

    #[test]
    fn who_may_register_and_what_humanitarian_cargo_needs() {
        let c = black_sea();
        // Centre members and outsiders do not register.
        assert!(matches!(
            submit(&c, "rep-ua", "2022-08-01T00:00:00Z", "2022-08-03T00:00:00Z"),
            Err(crate::Error::Forbidden(_))
        ));
        assert_eq!(
            submit(
                &c,
                "stranger",
                "2022-08-01T00:00:00Z",
                "2022-08-03T00:00:00Z"
            ),
            Err(crate::Error::NotFound)
        );
        let mut d = draft("2022-08-03T00:00:00Z");
        d.cargo[0].humanitarian = true;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let e = Registration::submit(
            &mut rng,
            &c,
            &person("agent-a"),
            d.clone(),
            t("2022-08-01T00:00:00Z"),
        );
        assert!(e.unwrap_err().to_string().contains("46/182"));
        assert!(HumanitarianDesignation::new("WFP", None, false).is_err());
        d.humanitarian =
            Some(HumanitarianDesignation::new("WFP", Some("Horn of Africa"), true).unwrap());
        let r = Registration::submit(
            &mut rng,
            &c,
            &person("agent-a"),
            d,
            t("2022-08-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(r.organisation, "Alpha Shipping");
        assert_eq!(r.total_tonnage().to_string(), "25,000 t");
    }
}
