//! Registrations, daily movement plans and joint inspections.

use super::{Corridors, from_json, parse_day, parse_time, person_of, record_row, stamp, to_json};
use crate::error::{AppError, AppResult};
use chamber_core::AuditDraft;
use chamber_corridors::Person;
use chamber_corridors::ids::{PlanId, RegistrationId};
use chamber_corridors::inspection::{Inspection, InspectionStatus};
use chamber_corridors::monitoring::Incident;
use chamber_corridors::permissions::{self, PlanView};
use chamber_corridors::plan::{DailyPlan, Movement};
use chamber_corridors::registration::{
    HumanitarianDesignation, Itinerary, Registration, RegistrationDraft, RegistrationStatus,
};
use chamber_corridors::vessel::{CargoLine, Carrier, Tonnage};
use chamber_store::User;
use chamber_store::corridors::{RecordFilter, kind, tx};
use serde::{Deserialize, Serialize};

/// The vessel or convoy, as a form gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CarrierInput {
    Vessel {
        imo: String,
        name: String,
        flag: String,
    },
    Convoy {
        plates: Vec<String>,
        composition: String,
        flag: String,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub struct CargoInput {
    pub commodity: String,
    /// Metric tons: `25000`, `25,000`, `2436.99`.
    pub tonnage: String,
    pub destination: String,
    pub consignee: String,
    #[serde(default)]
    pub humanitarian: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HumanitarianInput {
    pub organisation: String,
    #[serde(default)]
    pub appeal: Option<String>,
    #[serde(default)]
    pub principles_affirmed: bool,
}

/// A registration as a form (or JSON) gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct RegistrationInput {
    pub carrier: CarrierInput,
    pub cargo: Vec<CargoInput>,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub calls: Vec<String>,
    /// When it is expected at the inspection area (RFC 3339, or `2022-08-03T06:00` UTC).
    pub expected_at_inspection: String,
    #[serde(default)]
    pub humanitarian: Option<HumanitarianInput>,
}

impl RegistrationInput {
    fn draft(&self) -> AppResult<RegistrationDraft> {
        let carrier = match &self.carrier {
            CarrierInput::Vessel { imo, name, flag } => Carrier::vessel(imo, name, flag)?,
            CarrierInput::Convoy {
                plates,
                composition,
                flag,
            } => {
                let plates: Vec<&str> = plates
                    .iter()
                    .map(String::as_str)
                    .filter(|p| !p.trim().is_empty())
                    .collect();
                Carrier::convoy(&plates, composition, flag)?
            }
        };
        let cargo = self
            .cargo
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let line = || -> chamber_corridors::Result<CargoLine> {
                    CargoLine::new(
                        &c.commodity,
                        Tonnage::parse(&c.tonnage)?,
                        &c.destination,
                        &c.consignee,
                        c.humanitarian,
                    )
                };
                line().map_err(|e| AppError::invalid(format!("cargo line {}: {e}", i + 1)))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let calls: Vec<&str> = self
            .calls
            .iter()
            .map(String::as_str)
            .filter(|c| !c.trim().is_empty())
            .collect();
        let itinerary = Itinerary::new(
            &self.from,
            &self.to,
            &calls,
            parse_time(
                "expected at the inspection area",
                &self.expected_at_inspection,
            )?,
        )?;
        let humanitarian = match &self.humanitarian {
            None => None,
            Some(h) => Some(HumanitarianDesignation::new(
                &h.organisation,
                h.appeal.as_deref(),
                h.principles_affirmed,
            )?),
        };
        Ok(RegistrationDraft {
            carrier,
            cargo,
            itinerary,
            humanitarian,
        })
    }
}

/// A registration with where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationView {
    #[serde(flatten)]
    pub registration: Registration,
    pub status: RegistrationStatus,
    pub plannable: bool,
}

impl From<Registration> for RegistrationView {
    fn from(r: Registration) -> Self {
        RegistrationView {
            status: r.status(),
            plannable: r.plannable(),
            registration: r,
        }
    }
}

/// One registration's page: the registration and everything about it the viewer may see.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationDetail {
    pub registration: RegistrationView,
    pub plans: Vec<PlanView>,
    pub inspections: Vec<InspectionView>,
    pub incidents: Vec<Incident>,
}

/// An inspection with its status.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionView {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub status: InspectionStatus,
}

impl From<Inspection> for InspectionView {
    fn from(i: Inspection) -> Self {
        InspectionView {
            status: i.status(),
            inspection: i,
        }
    }
}

/// One movement of a plan, as a form gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct MovementInput {
    pub registration: String,
    /// RFC 3339, or `2022-08-03T06:00` (UTC).
    pub depart_at: String,
}

/// A plan as a form gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanInput {
    /// The day the movements happen, `2022-08-03`.
    pub day: String,
    pub movements: Vec<MovementInput>,
}

fn registration_id(id: &str) -> AppResult<RegistrationId> {
    RegistrationId::parse(id).map_err(|_| AppError::NotFound)
}

impl Corridors {
    // ------------------------------------------------------------ registrations

    /// An operator registers a movement. A late one is stored and flagged for the centre.
    pub async fn register(
        &self,
        user: &User,
        corridor: &str,
        input: &RegistrationInput,
    ) -> AppResult<RegistrationView> {
        let p = person_of(user)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        if permissions::standing(&c, &p).is_none() {
            return Err(AppError::NotFound);
        }
        let r = Registration::submit(&mut rand::rng(), &c, &p, input.draft()?, now)?;
        let mut row = record_row(&c, kind::REGISTRATION, r.id.as_str(), &r, now);
        row.owner = Some(r.operator.to_string());
        tx::save_record(&mut t, &row).await?;
        let action = if r.late.is_some() {
            "corridors.registration.submit_late"
        } else {
            "corridors.registration.submit"
        };
        t.record(
            AuditDraft::new(&user.username, action, r.id.as_str())
                .after(&serde_json::to_value(&r).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(r.into())
    }

    /// The registrations the viewer may see: the centre all, an operator its own.
    pub async fn registrations(
        &self,
        user: &User,
        corridor: &str,
    ) -> AppResult<Vec<RegistrationView>> {
        let (c, p) = self.visible(user, corridor).await?;
        let rows = match permissions::standing(&c, &p) {
            Some(s) if s.is_centre() => {
                self.store
                    .corridor_records(corridor, kind::REGISTRATION, &RecordFilter::ALL)
                    .await?
            }
            _ => {
                let own = RecordFilter {
                    owner: Some(p.as_str()),
                    ..RecordFilter::ALL
                };
                self.store
                    .corridor_records(corridor, kind::REGISTRATION, &own)
                    .await?
            }
        };
        let all: Vec<Registration> = rows
            .iter()
            .map(|r| from_json("registration", &r.body))
            .collect::<AppResult<_>>()?;
        Ok(permissions::visible_registrations(&c, &p, &all)
            .into_iter()
            .cloned()
            .map(Into::into)
            .collect())
    }

    /// One registration's page. Another operator's registration is [`AppError::NotFound`],
    /// even by its id.
    pub async fn registration(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<RegistrationDetail> {
        let (c, p) = self.visible(user, corridor).await?;
        registration_id(id)?;
        let row = self
            .store
            .corridor_record(corridor, kind::REGISTRATION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let r: Registration = from_json("registration", &row.body)?;
        permissions::registration_for(&c, &p, &r)?;
        let now = self.now();
        let plans: Vec<DailyPlan> = self
            .store
            .corridor_records(corridor, kind::PLAN, &RecordFilter::ALL)
            .await?
            .iter()
            .map(|r| from_json("plan", &r.body))
            .collect::<AppResult<_>>()?;
        let about = RecordFilter {
            subject: Some(id),
            ..RecordFilter::ALL
        };
        let inspections: Vec<Inspection> = self
            .store
            .corridor_records(corridor, kind::INSPECTION, &about)
            .await?
            .iter()
            .map(|r| from_json("inspection", &r.body))
            .collect::<AppResult<_>>()?;
        let incidents: Vec<Incident> = self
            .store
            .corridor_records(corridor, kind::INCIDENT, &about)
            .await?
            .iter()
            .map(|r| from_json("incident", &r.body))
            .collect::<AppResult<_>>()?;
        Ok(RegistrationDetail {
            plans: permissions::visible_plans(
                &c,
                &p,
                plans
                    .iter()
                    .filter(|pl| pl.movements.iter().any(|m| m.registration == r.id)),
                now,
            ),
            inspections: permissions::visible_inspections(&c, &p, &inspections)
                .into_iter()
                .cloned()
                .map(Into::into)
                .collect(),
            incidents: permissions::visible_incidents(&c, &p, &incidents)
                .into_iter()
                .cloned()
                .collect(),
            registration: r.into(),
        })
    }

    async fn change_registration(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        action: &str,
        change: impl FnOnce(
            &chamber_corridors::Corridor,
            &Person,
            &mut Registration,
            time::OffsetDateTime,
        ) -> chamber_corridors::Result<()>,
    ) -> AppResult<RegistrationView> {
        let p = person_of(user)?;
        registration_id(id)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let mut row = tx::record(&mut t, corridor, kind::REGISTRATION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut r: Registration = from_json("registration", &row.body)?;
        permissions::registration_for(&c, &p, &r)?;
        change(&c, &p, &mut r, now)?;
        row.body = to_json(&r);
        row.updated_at = stamp(now);
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, action, id)
                .after(&serde_json::to_value(&r).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(r.into())
    }

    /// The centre accepts or refuses a late registration (coordinators), with its reason.
    pub async fn decide_late(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        accepted: bool,
        reason: &str,
    ) -> AppResult<RegistrationView> {
        let action = if accepted {
            "corridors.registration.accept_late"
        } else {
            "corridors.registration.refuse_late"
        };
        self.change_registration(user, corridor, id, action, |c, p, r, now| {
            r.decide_late(c, p, accepted, reason, now)
        })
        .await
    }

    /// The operator withdraws its registration.
    pub async fn withdraw(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<RegistrationView> {
        self.change_registration(
            user,
            corridor,
            id,
            "corridors.registration.withdraw",
            |c, p, r, now| r.withdraw(c, p, now),
        )
        .await
    }

    /// The operator or a coordinator records the arrival at the destination.
    pub async fn arrive(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<RegistrationView> {
        self.change_registration(
            user,
            corridor,
            id,
            "corridors.registration.arrive",
            |c, p, r, now| r.arrive(c, p, now),
        )
        .await
    }

    // ------------------------------------------------------------ plans

    async fn movements_in(
        t: &mut chamber_store::WriteTx<'_>,
        c: &chamber_corridors::Corridor,
        day: time::Date,
        input: &[MovementInput],
    ) -> AppResult<Vec<Movement>> {
        let mut out = Vec::with_capacity(input.len());
        for (i, m) in input.iter().enumerate() {
            let missing = || AppError::invalid(format!("movement {}: no such registration", i + 1));
            RegistrationId::parse(m.registration.trim()).map_err(|_| missing())?;
            let row = tx::record(
                t,
                c.id().as_str(),
                kind::REGISTRATION,
                m.registration.trim(),
            )
            .await?
            .ok_or_else(missing)?;
            let r: Registration = from_json("registration", &row.body)?;
            let at = parse_time("departure time", &m.depart_at)?;
            out.push(
                Movement::new(c, &r, day, at)
                    .map_err(|e| AppError::invalid(format!("movement {}: {e}", i + 1)))?,
            );
        }
        Ok(out)
    }

    /// A party's representative proposes a day's movements. One plan per day, unless the
    /// earlier one lapsed.
    pub async fn propose_plan(
        &self,
        user: &User,
        corridor: &str,
        input: &PlanInput,
    ) -> AppResult<PlanView> {
        let p = person_of(user)?;
        let day = parse_day("day", &input.day)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        permissions::representative_party(&c, &p)?;
        let day_s = day.to_string();
        let same_day = RecordFilter {
            day: Some(&day_s),
            ..RecordFilter::ALL
        };
        for row in tx::records(&mut t, corridor, kind::PLAN, &same_day).await? {
            let other: DailyPlan = from_json("plan", &row.body)?;
            if other.status(&c, now).name() != "lapsed" {
                return Err(AppError::invalid(format!(
                    "day: a plan for {day} already exists"
                )));
            }
        }
        let movements = Self::movements_in(&mut t, &c, day, &input.movements).await?;
        let plan = DailyPlan::propose(&mut rand::rng(), &c, &p, day, movements, now)?;
        let mut row = record_row(&c, kind::PLAN, plan.id.as_str(), &plan, now);
        row.day = Some(day_s);
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.plan.propose", plan.id.as_str())
                .after(&serde_json::to_value(&plan).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(permissions::plan_view(&c, &p, &plan, now)?)
    }

    /// The plans the viewer may see, newest day first.
    pub async fn plans(&self, user: &User, corridor: &str) -> AppResult<Vec<PlanView>> {
        let (c, p) = self.visible(user, corridor).await?;
        let mut plans: Vec<DailyPlan> = self
            .store
            .corridor_records(corridor, kind::PLAN, &RecordFilter::ALL)
            .await?
            .iter()
            .map(|r| from_json("plan", &r.body))
            .collect::<AppResult<_>>()?;
        plans.sort_by(|a, b| b.day.cmp(&a.day).then(b.proposed_at.cmp(&a.proposed_at)));
        Ok(permissions::visible_plans(&c, &p, &plans, self.now()))
    }

    /// One plan, as the viewer may see it (every party of the centre sees the same plan).
    pub async fn plan(&self, user: &User, corridor: &str, id: &str) -> AppResult<PlanView> {
        let (c, p) = self.visible(user, corridor).await?;
        PlanId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .corridor_record(corridor, kind::PLAN, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let plan: DailyPlan = from_json("plan", &row.body)?;
        Ok(permissions::plan_view(&c, &p, &plan, self.now())?)
    }

    async fn change_plan(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        action: &str,
        amend: Option<&[MovementInput]>,
        change: impl FnOnce(
            &chamber_corridors::Corridor,
            &Person,
            &mut DailyPlan,
            Vec<Movement>,
            time::OffsetDateTime,
        ) -> chamber_corridors::Result<()>,
    ) -> AppResult<PlanView> {
        let p = person_of(user)?;
        PlanId::parse(id).map_err(|_| AppError::NotFound)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let mut row = tx::record(&mut t, corridor, kind::PLAN, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut plan: DailyPlan = from_json("plan", &row.body)?;
        permissions::plan_view(&c, &p, &plan, now)?;
        let movements = match amend {
            Some(m) => Self::movements_in(&mut t, &c, plan.day, m).await?,
            None => Vec::new(),
        };
        change(&c, &p, &mut plan, movements, now)?;
        row.body = to_json(&plan);
        row.updated_at = stamp(now);
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, action, id)
                .after(&serde_json::to_value(&plan).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(permissions::plan_view(&c, &p, &plan, now)?)
    }

    /// A representative approves the plan for their party.
    pub async fn approve_plan(&self, user: &User, corridor: &str, id: &str) -> AppResult<PlanView> {
        self.change_plan(
            user,
            corridor,
            id,
            "corridors.plan.approve",
            None,
            |c, p, plan, _, now| plan.approve(c, p, now),
        )
        .await
    }

    /// A representative holds the plan for their party, with the reason.
    pub async fn hold_plan(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        reason: &str,
    ) -> AppResult<PlanView> {
        self.change_plan(
            user,
            corridor,
            id,
            "corridors.plan.hold",
            None,
            |c, p, plan, _, now| plan.hold(c, p, reason, now),
        )
        .await
    }

    /// A representative replaces the movements: a new version every party approves anew.
    pub async fn amend_plan(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        movements: &[MovementInput],
        note: &str,
    ) -> AppResult<PlanView> {
        self.change_plan(
            user,
            corridor,
            id,
            "corridors.plan.amend",
            Some(movements),
            |c, p, plan, ms, now| plan.amend(c, p, ms, note, now),
        )
        .await
    }
}
