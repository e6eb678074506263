//! Transit monitoring (position reports, incidents) and humanitarian notifications.

use super::{Corridors, from_json, parse_time, person_of, record_row, stamp, to_json};
use crate::error::{AppError, AppResult};
use chamber_core::AuditDraft;
use chamber_corridors::geo::{Geometry, Route};
use chamber_corridors::ids::{NotificationId, PartyCode, RegistrationId};
use chamber_corridors::monitoring::{self, Incident, PositionReport, StopRule};
use chamber_corridors::notification::{Notification, NotificationDraft, NotificationKind};
use chamber_corridors::permissions;
use chamber_corridors::registration::{Registration, RegistrationStatus};
use chamber_store::User;
use chamber_store::corridors::{RecordFilter, kind, tx};
use serde::{Deserialize, Serialize};

/// How position reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionFormat {
    /// A header naming time, lat, lon.
    Csv,
    /// An array of `{"time", "lat", "lon"}`.
    Json,
}

/// What a batch of position reports gave.
#[derive(Debug, Clone, Serialize)]
pub struct TransitCheck {
    /// Reports in this batch.
    pub reports: usize,
    /// Reports of the registration so far.
    pub total_reports: usize,
    /// Incidents raised by this batch (an incident already on record is not raised again).
    pub incidents: Vec<Incident>,
}

/// A batch of reports as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PositionBatch {
    registration: RegistrationId,
    reports: Vec<PositionReport>,
}

/// A notification as a form gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct NotificationInput {
    /// `movement` or `static_site`.
    pub kind: String,
    /// GeoJSON (Point, LineString, Polygon); for a movement also waypoints `lat,lon; lat,lon`.
    pub geometry: String,
    pub from: String,
    pub until: String,
    pub description: String,
}

/// A notification with the parties yet to acknowledge it. Its `notice` says that an
/// acknowledgement is not an approval.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    #[serde(flatten)]
    pub notification: Notification,
    pub awaiting: Vec<PartyCode>,
}

fn overlaps(a: &Incident, f: &monitoring::Finding) -> bool {
    a.finding.kind.name() == f.kind.name() && a.finding.from <= f.to && f.from <= a.finding.to
}

impl Corridors {
    /// Position reports for a registration (its operator, or a member of the centre), checked
    /// against the route and its radius; deviations and unscheduled stops become incidents
    /// every party sees.
    pub async fn report_positions(
        &self,
        user: &User,
        corridor: &str,
        registration: &str,
        text: &str,
        format: PositionFormat,
    ) -> AppResult<TransitCheck> {
        let p = person_of(user)?;
        RegistrationId::parse(registration).map_err(|_| AppError::NotFound)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let row = tx::record(&mut t, corridor, kind::REGISTRATION, registration)
            .await?
            .ok_or(AppError::NotFound)?;
        let r: Registration = from_json("registration", &row.body)?;
        permissions::registration_for(&c, &p, &r)?;
        if r.status() != RegistrationStatus::Registered {
            return Err(AppError::invalid(format!(
                "{} is not moving: it is {}",
                r.carrier.label(),
                r.status().as_str()
            )));
        }
        let reports = match format {
            PositionFormat::Csv => monitoring::read_csv(text),
            PositionFormat::Json => monitoring::read_json(text),
        }
        .map_err(|e| AppError::invalid(format!("positions: {e}")))?;
        if reports.is_empty() {
            return Err(AppError::invalid("positions: no reports"));
        }
        let about = RecordFilter {
            subject: Some(registration),
            ..RecordFilter::ALL
        };
        let mut all: Vec<PositionReport> = Vec::new();
        for b in tx::records(&mut t, corridor, kind::POSITIONS, &about).await? {
            all.extend(from_json::<PositionBatch>("positions", &b.body)?.reports);
        }
        all.extend(reports.iter().copied());
        let known: Vec<Incident> = tx::records(&mut t, corridor, kind::INCIDENT, &about)
            .await?
            .iter()
            .map(|r| from_json("incident", &r.body))
            .collect::<AppResult<_>>()?;
        let batch = PositionBatch {
            registration: r.id.clone(),
            reports,
        };
        let batch_id = chamber_store::new_id();
        let mut row = record_row(&c, kind::POSITIONS, &batch_id, &batch, now);
        row.owner = Some(r.operator.to_string());
        row.subject = Some(registration.to_string());
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.transit.positions", &batch_id)
                .after(&serde_json::to_value(&batch).expect("serialises")),
        )
        .await?;
        let mut raised = Vec::new();
        for f in monitoring::check_transit(&c, &all, &StopRule::default()) {
            if known.iter().any(|k| overlaps(k, &f)) {
                continue;
            }
            let i = Incident::raise(&mut rand::rng(), &c, &r, f, &p, now)?;
            let mut row = record_row(&c, kind::INCIDENT, i.id.as_str(), &i, now);
            row.owner = Some(i.operator.to_string());
            row.subject = Some(registration.to_string());
            tx::save_record(&mut t, &row).await?;
            t.record(
                AuditDraft::new(&user.username, "corridors.transit.incident", i.id.as_str())
                    .after(&serde_json::to_value(&i).expect("serialises")),
            )
            .await?;
            raised.push(i);
        }
        t.commit().await?;
        Ok(TransitCheck {
            reports: batch.reports.len(),
            total_reports: all.len(),
            incidents: raised,
        })
    }

    /// The position reports of a registration, in time order.
    pub async fn positions(
        &self,
        user: &User,
        corridor: &str,
        registration: &str,
    ) -> AppResult<Vec<PositionReport>> {
        let (c, p) = self.visible(user, corridor).await?;
        RegistrationId::parse(registration).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .corridor_record(corridor, kind::REGISTRATION, registration)
            .await?
            .ok_or(AppError::NotFound)?;
        let r: Registration = from_json("registration", &row.body)?;
        permissions::registration_for(&c, &p, &r)?;
        let about = RecordFilter {
            subject: Some(registration),
            ..RecordFilter::ALL
        };
        let mut all = Vec::new();
        for b in self
            .store
            .corridor_records(corridor, kind::POSITIONS, &about)
            .await?
        {
            all.extend(from_json::<PositionBatch>("positions", &b.body)?.reports);
        }
        all.sort_by_key(|r| r.at);
        Ok(all)
    }

    /// The incidents the viewer may see (every party of the centre sees all), newest first.
    pub async fn incidents(&self, user: &User, corridor: &str) -> AppResult<Vec<Incident>> {
        let (c, p) = self.visible(user, corridor).await?;
        let all: Vec<Incident> = self
            .store
            .corridor_records(corridor, kind::INCIDENT, &RecordFilter::ALL)
            .await?
            .iter()
            .map(|r| from_json("incident", &r.body))
            .collect::<AppResult<_>>()?;
        let mut v: Vec<Incident> = permissions::visible_incidents(&c, &p, &all)
            .into_iter()
            .cloned()
            .collect();
        v.sort_by_key(|i| std::cmp::Reverse(i.raised_at));
        Ok(v)
    }

    // ------------------------------------------------------------ notifications

    /// A humanitarian organisation (an operator of the corridor) notifies a movement or a site.
    pub async fn notify(
        &self,
        user: &User,
        corridor: &str,
        input: &NotificationInput,
    ) -> AppResult<NotificationView> {
        let p = person_of(user)?;
        let kind_ = match input.kind.trim() {
            "movement" => NotificationKind::Movement,
            "static_site" | "site" => NotificationKind::StaticSite,
            other => {
                return Err(AppError::invalid(format!(
                    "kind: '{other}' is not movement or static_site"
                )));
            }
        };
        let g = input.geometry.trim();
        let geometry = if g.starts_with('{') {
            Geometry::from_geojson(g)?
        } else {
            Geometry::Line(Route::parse_waypoints(g)?)
        };
        let draft = NotificationDraft {
            kind: kind_,
            geometry,
            from: parse_time("from", &input.from)?,
            until: parse_time("until", &input.until)?,
            description: input.description.clone(),
        };
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let n = Notification::notify(&mut rand::rng(), &c, &p, draft, now)?;
        let mut row = record_row(&c, kind::NOTIFICATION, n.id.as_str(), &n, now);
        row.owner = Some(n.notified_by.to_string());
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(
                &user.username,
                "corridors.notification.notify",
                n.id.as_str(),
            )
            .after(&serde_json::to_value(&n).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(NotificationView {
            awaiting: n.awaiting(&c),
            notification: n,
        })
    }

    /// The notifications the viewer may see (the centre all, an organisation its own).
    pub async fn notifications(
        &self,
        user: &User,
        corridor: &str,
    ) -> AppResult<Vec<NotificationView>> {
        let (c, p) = self.visible(user, corridor).await?;
        let all: Vec<Notification> = self
            .store
            .corridor_records(corridor, kind::NOTIFICATION, &RecordFilter::ALL)
            .await?
            .iter()
            .map(|r| from_json("notification", &r.body))
            .collect::<AppResult<_>>()?;
        Ok(permissions::visible_notifications(&c, &p, &all)
            .into_iter()
            .map(|n| NotificationView {
                awaiting: n.awaiting(&c),
                notification: n.clone(),
            })
            .collect())
    }

    pub async fn notification(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<NotificationView> {
        let (c, p) = self.visible(user, corridor).await?;
        NotificationId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = self
            .store
            .corridor_record(corridor, kind::NOTIFICATION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let n: Notification = from_json("notification", &row.body)?;
        permissions::notification_for(&c, &p, &n)?;
        Ok(NotificationView {
            awaiting: n.awaiting(&c),
            notification: n,
        })
    }

    /// A party's representative acknowledges receipt for the party (not an approval).
    pub async fn acknowledge(
        &self,
        user: &User,
        corridor: &str,
        id: &str,
    ) -> AppResult<NotificationView> {
        let p = person_of(user)?;
        NotificationId::parse(id).map_err(|_| AppError::NotFound)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let c = Self::load_in(&mut t, corridor).await?;
        let mut row = tx::record(&mut t, corridor, kind::NOTIFICATION, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut n: Notification = from_json("notification", &row.body)?;
        permissions::notification_for(&c, &p, &n)?;
        n.acknowledge(&c, &p, now)?;
        row.body = to_json(&n);
        row.updated_at = stamp(now);
        tx::save_record(&mut t, &row).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.notification.acknowledge", id)
                .after(&serde_json::to_value(&n.acknowledgements).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(NotificationView {
            awaiting: n.awaiting(&c),
            notification: n,
        })
    }
}
