//! Joint inspections: the queue, scheduling against the daily capacity with one inspector per
//! party, results signed by every team member (a refusal disputes the result).

use super::movements::InspectionView;
use super::{Corridors, from_json, parse_day, person_of, record_row, stamp, to_json};
use crate::error::{AppError, AppResult};
use chamber_core::AuditDraft;
use chamber_corridors::Person;
use chamber_corridors::ids::{InspectionId, PartyCode, RegistrationId};
use chamber_corridors::inspection::{
    self, Inspection, InspectionStatus, Outcome, QueueEntry, TeamMember,
};
use chamber_corridors::permissions;
use chamber_corridors::registration::Registration;
use chamber_store::User;
use chamber_store::corridors::{RecordFilter, kind, tx};
use serde::Deserialize;

/// A joint inspection's schedule as a form gives it; without a team, the first inspector of
/// every party.
#[derive(Debug, Clone, Deserialize)]
pub struct ScheduleInput {
    pub day: String,
    #[serde(default)]
    pub team: Vec<TeamInput>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TeamInput {
    pub party: String,
    pub inspector: String,
}

/// An inspection result as a form gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct ResultInput {
    /// `cleared` or `hold`.
    pub outcome: String,
    /// Required for a hold.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub findings: String,
}

impl Corridors {
    // ------------------------------------------------------------ inspections

    /// The vessel or convoy reached the inspection area: it joins the queue (a member of the
    /// centre, or its operator).
    pub async fn queue_inspection(
        &self,
        user: &User,
        corridor: &str,
        registration: &str,
    ) -> AppResult<InspectionView> {
        let p = person_of(user)?;
        RegistrationId::parse(registration).map_err(|_| AppError::NotFound)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let row = tx::record(&mut t, corridor, kind::REGISTRATION, registration)
            .await?
            .ok_or(AppError::NotFound)?;
        let r: Registration = from_json("registration", &row.body)?;
        let about = RecordFilter {
            subject: Some(registration),
            ..RecordFilter::ALL
        };
        for row in tx::records(&mut t, corridor, kind::INSPECTION, &about).await? {
            let other: Inspection = from_json("inspection", &row.body)?;
            if !other.status().is_final()
                && !matches!(other.status(), InspectionStatus::Disputed { .. })
            {
                permissions::registration_for(&c, &p, &r)?;
                return Err(AppError::invalid(format!(
                    "{} is already in the inspection queue",
                    r.carrier.label()
                )));
            }
        }
        let i = Inspection::queue(&mut rand::rng(), &c, &r, &p, now)?;
        let mut row = record_row(&c, kind::INSPECTION, i.id.as_str(), &i, now);
        row.owner = Some(i.operator.to_string());
        row.subject = Some(registration.to_string());
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.inspection.queue", i.id.as_str())
                .after(&serde_json::to_value(&i).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(i.into())
    }

    async fn all_inspections(&self, corridor: &str) -> AppResult<Vec<Inspection>> {
        self.store
            .corridor_records(corridor, kind::INSPECTION, &RecordFilter::ALL)
            .await?
            .iter()
            .map(|r| from_json("inspection", &r.body))
            .collect()
    }

    /// The queue with each inspection's expected day and waiting time (the centre).
    pub async fn inspection_queue(
        &self,
        user: &User,
        corridor: &str,
    ) -> AppResult<Vec<QueueEntry>> {
        let (c, p) = self.visible(user, corridor).await?;
        if !permissions::standing(&c, &p).is_some_and(|s| s.is_centre()) {
            return Err(AppError::Forbidden);
        }
        let all = self.all_inspections(corridor).await?;
        let refs: Vec<&Inspection> = all.iter().collect();
        Ok(inspection::queue(
            &c,
            &refs,
            chamber_corridors::utc_date(self.now()),
        ))
    }

    /// The inspections the viewer may see.
    pub async fn inspections(&self, user: &User, corridor: &str) -> AppResult<Vec<InspectionView>> {
        let (c, p) = self.visible(user, corridor).await?;
        let all = self.all_inspections(corridor).await?;
        Ok(permissions::visible_inspections(&c, &p, &all)
            .into_iter()
            .cloned()
            .map(Into::into)
            .collect())
    }

    /// One inspection.
    pub async fn inspection(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<InspectionView> {
        let (c, p) = self.visible(user, corridor).await?;
        InspectionId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .corridor_record(corridor, kind::INSPECTION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let i: Inspection = from_json("inspection", &row.body)?;
        Ok(permissions::inspection_for(&c, &p, &i)?.clone().into())
    }

    async fn change_inspection(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        action: &str,
        change: impl InspectionChange,
    ) -> AppResult<InspectionView> {
        let p = person_of(user)?;
        InspectionId::parse(id).map_err(|_| AppError::NotFound)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let mut row = tx::record(&mut t, corridor, kind::INSPECTION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut i: Inspection = from_json("inspection", &row.body)?;
        permissions::inspection_for(&c, &p, &i)?;
        let booked = match change.day() {
            Some(day) => {
                let d = day.to_string();
                let on_day = RecordFilter {
                    day: Some(&d),
                    ..RecordFilter::ALL
                };
                tx::records(&mut t, corridor, kind::INSPECTION, &on_day)
                    .await?
                    .iter()
                    .filter(|r| r.id != id)
                    .count() as u32
            }
            None => 0,
        };
        change.apply(&c, &p, &mut i, booked, now)?;
        row.body = to_json(&i);
        row.day = i.day.map(|d| d.to_string());
        row.updated_at = stamp(now);
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, action, id)
                .after(&serde_json::to_value(&i).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(i.into())
    }

    /// The centre schedules an inspection on a day with its team (one inspector per party;
    /// without a team, the first inspector of every party), within the day's capacity.
    pub async fn schedule_inspection(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        input: &ScheduleInput,
    ) -> AppResult<InspectionView> {
        let day = parse_day("day", &input.day)?;
        let team = input
            .team
            .iter()
            .map(|m| {
                Ok(TeamMember {
                    party: PartyCode::parse(&m.party)?,
                    inspector: Person::parse(&m.inspector)?,
                })
            })
            .collect::<chamber_corridors::Result<Vec<_>>>()?;
        self.change_inspection(
            user,
            corridor,
            id,
            "corridors.inspection.schedule",
            Schedule { day, team },
        )
        .await
    }

    /// A team member records the result (cleared, or hold with its reason) and signs it.
    pub async fn record_inspection_result(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        input: &ResultInput,
    ) -> AppResult<InspectionView> {
        let outcome = match input.outcome.trim() {
            "cleared" => Outcome::Cleared,
            "hold" => Outcome::Hold {
                reason: input.reason.clone(),
            },
            other => {
                return Err(AppError::invalid(format!(
                    "outcome: '{other}' is not cleared or hold"
                )));
            }
        };
        self.change_inspection(
            user,
            corridor,
            id,
            "corridors.inspection.result",
            Signing::Result(outcome, input.findings.clone()),
        )
        .await
    }

    /// A team member signs the result for their party.
    pub async fn sign_inspection(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<InspectionView> {
        self.change_inspection(
            user,
            corridor,
            id,
            "corridors.inspection.sign",
            Signing::Agree,
        )
        .await
    }

    /// A team member refuses to sign, with the reason: the result is disputed.
    pub async fn refuse_inspection(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
        reason: &str,
    ) -> AppResult<InspectionView> {
        self.change_inspection(
            user,
            corridor,
            id,
            "corridors.inspection.refuse",
            Signing::Refuse(reason.to_string()),
        )
        .await
    }
}

/// A change to an inspection, with the day whose bookings it needs counted.
trait InspectionChange {
    fn day(&self) -> Option<time::Date>;
    fn apply(
        self,
        c: &chamber_corridors::Corridor,
        p: &Person,
        i: &mut Inspection,
        booked: u32,
        now: time::OffsetDateTime,
    ) -> chamber_corridors::Result<()>;
}

struct Schedule {
    day: time::Date,
    team: Vec<TeamMember>,
}

impl InspectionChange for Schedule {
    fn day(&self) -> Option<time::Date> {
        Some(self.day)
    }
    fn apply(
        self,
        c: &chamber_corridors::Corridor,
        p: &Person,
        i: &mut Inspection,
        booked: u32,
        _: time::OffsetDateTime,
    ) -> chamber_corridors::Result<()> {
        let team = if self.team.is_empty() {
            c.parties()
                .iter()
                .filter_map(|party| {
                    c.inspectors_of(&party.code)
                        .next()
                        .map(|inspector| TeamMember {
                            party: party.code.clone(),
                            inspector: inspector.clone(),
                        })
                })
                .collect()
        } else {
            self.team
        };
        i.schedule(c, p, self.day, team, booked)
    }
}

enum Signing {
    Result(Outcome, String),
    Agree,
    Refuse(String),
}

impl InspectionChange for Signing {
    fn day(&self) -> Option<time::Date> {
        None
    }
    fn apply(
        self,
        c: &chamber_corridors::Corridor,
        p: &Person,
        i: &mut Inspection,
        _: u32,
        now: time::OffsetDateTime,
    ) -> chamber_corridors::Result<()> {
        match self {
            Signing::Result(outcome, findings) => i.record_result(c, p, outcome, &findings, now),
            Signing::Agree => i.sign(c, p, now),
            Signing::Refuse(reason) => i.refuse(c, p, &reason, now),
        }
    }
}
