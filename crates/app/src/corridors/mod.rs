//! The corridors capability's use cases, one method of [`Corridors`] per page or API action
//! (the server and the `chamber corridors` commands call these and nothing else).
//!
//! Every use case takes the signed-in account ([`User`]; its username is the person in the
//! corridor), opens what it needs, lets `chamber_corridors` decide (its `permissions` is the
//! one place access is decided) and writes the change with its audit entry in one store
//! transaction, reading what it changes inside that transaction, so two representatives
//! deciding on one plan at once never overwrite each other. Audit actions are
//! `corridors.<thing>.<verb>`.
//!
//! * this module: corridors — open, status, the centre's people;
//! * [`movements`]: registrations and daily plans;
//! * [`inspections`]: the queue, scheduling, results signed by every team member;
//! * [`transit`]: position reports and incidents, humanitarian notifications;
//! * [`published`]: the JCC's published table — import, voyages, reports (cached per import),
//!   charts and exports.

pub mod inspections;
pub mod movements;
pub mod published;
pub mod transit;

use crate::error::{AppError, AppResult};
use chamber_core::{AuditDraft, Role};
use chamber_corridors::corridor::{
    CentreRole, CorridorDraft, CorridorStatus, Designation, Party, PassageKind, PointOfPassage,
    Rules, TimeOfDay,
};
use chamber_corridors::geo::{Geometry, Length, Route};
use chamber_corridors::ids::{CorridorId, PartyCode};
use chamber_corridors::permissions::{self, CorridorView, Standing};
use chamber_corridors::{Corridor, Error as DomainError, Person};
use chamber_store::corridors::{CorridorRow, RecordRow, tx};
use chamber_store::{Store, User, WriteTx};
use std::sync::Arc;
use time::OffsetDateTime;

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound | DomainError::BadId => AppError::NotFound,
            DomainError::Forbidden(_) => AppError::Forbidden,
            other => AppError::Invalid(other.to_string()),
        }
    }
}

/// Who acts: an account, or the operator at the machine (`cli:<user>`), who may import and
/// read the published record but takes no part in a corridor.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Account(&'a User),
    Operator(&'a str),
}

impl Actor<'_> {
    /// The name written in audit entries.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Account(u) => u.username.clone(),
            Actor::Operator(name) => format!("cli:{name}"),
        }
    }
}

/// The person a signed-in account is in a corridor.
pub fn person_of(user: &User) -> AppResult<Person> {
    Person::parse(&user.username).map_err(|_| AppError::NotFound)
}

/// Where the time comes from (tests and demonstrations fix it).
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialise")
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(|e| AppError::internal(what, e))
}

pub(crate) fn stamp(t: OffsetDateTime) -> String {
    chamber_corridors::rfc3339(t.replace_nanosecond(0).unwrap_or(t))
}

/// Parses a time from a form or JSON: RFC 3339, or `YYYY-MM-DDTHH:MM` / `YYYY-MM-DD HH:MM`
/// with or without a final `Z` (UTC; `<input type="datetime-local">` sends the first).
pub fn parse_time(field: &str, s: &str) -> AppResult<OffsetDateTime> {
    let s = s.trim();
    if let Some(t) = chamber_corridors::monitoring::parse_time(s) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let fmt2 = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let bare = s.strip_suffix('Z').unwrap_or(s);
    time::PrimitiveDateTime::parse(bare, &fmt)
        .or_else(|_| time::PrimitiveDateTime::parse(bare, &fmt2))
        .map(|p| p.assume_utc())
        .map_err(|_| {
            AppError::invalid(format!(
                "{field}: '{s}' is not a date and time (2022-08-03T06:00Z)"
            ))
        })
}

/// Parses a day: `YYYY-MM-DD`.
pub fn parse_day(field: &str, s: &str) -> AppResult<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).map_err(|_| {
        AppError::invalid(format!("{field}: '{}' is not a day (2022-08-03)", s.trim()))
    })
}

/// A new corridor as the form (or JSON) gives it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewCorridor {
    pub name: String,
    /// `humanitarian` or `commercial`.
    pub designation: String,
    /// `CODE:Name` per party (`UA:Ukraine`).
    pub parties: Vec<String>,
    /// GeoJSON LineString, or waypoints `lat,lon; lat,lon`.
    pub route: String,
    /// `10 nmi`, `5 km`.
    pub safety_radius: String,
    /// Ports (`Odesa`, or `Odesa @ 46.49,30.74`).
    #[serde(default)]
    pub ports: Vec<String>,
    /// Border crossing points, written like ports.
    #[serde(default)]
    pub crossing_points: Vec<String>,
    /// GeoJSON Point or Polygon, or empty.
    #[serde(default)]
    pub inspection_area: Option<String>,
    pub registration_lead_hours: u32,
    /// `HH:MM`, UTC.
    pub plan_deadline: String,
    pub approval_deadline: String,
    pub inspections_per_day: u32,
    /// The first coordinator's username, if any.
    #[serde(default)]
    pub coordinator: Option<String>,
}

fn parse_point(kind: PassageKind, s: &str) -> AppResult<PointOfPassage> {
    let (name, at) = match s.split_once('@') {
        Some((n, at)) => (n.trim(), Some(at.trim())),
        None => (s.trim(), None),
    };
    let location = match at {
        None => None,
        Some(at) => {
            let route = Route::parse_waypoints(&format!("{at}; {at}"))?;
            Some(route.points()[0])
        }
    };
    Ok(PointOfPassage::new(name, kind, location)?)
}

impl NewCorridor {
    fn draft(&self) -> AppResult<CorridorDraft> {
        let parties = self
            .parties
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let (code, name) = p.split_once(':').ok_or_else(|| {
                    AppError::invalid(format!("parties: '{p}' is not CODE:Name (UA:Ukraine)"))
                })?;
                Ok(Party::new(code, name)?)
            })
            .collect::<AppResult<Vec<_>>>()?;
        let route = if self.route.trim_start().starts_with('{') {
            Route::from_geojson(&self.route)?
        } else {
            Route::parse_waypoints(&self.route)?
        };
        let mut points = Vec::new();
        for p in self.ports.iter().filter(|p| !p.trim().is_empty()) {
            points.push(parse_point(PassageKind::Port, p)?);
        }
        for p in self.crossing_points.iter().filter(|p| !p.trim().is_empty()) {
            points.push(parse_point(PassageKind::CrossingPoint, p)?);
        }
        let inspection_area = match self.inspection_area.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) => Some(Geometry::from_geojson(g)?),
        };
        Ok(CorridorDraft {
            name: self.name.clone(),
            designation: Designation::parse(&self.designation)?,
            parties,
            route,
            safety_radius: Length::parse(&self.safety_radius)?,
            points,
            inspection_area,
            rules: Rules::new(
                self.registration_lead_hours,
                TimeOfDay::parse(&self.plan_deadline)?,
                TimeOfDay::parse(&self.approval_deadline)?,
                self.inspections_per_day,
            )?,
        })
    }
}

/// A corridor in a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CorridorSummary {
    pub id: String,
    pub name: String,
    pub status: String,
    /// The viewer's place in it (`None` for an administrator who takes no part).
    pub standing: Option<Standing>,
}

/// A place at the centre, as a form gives it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum MemberInput {
    Coordinator,
    Representative { party: String },
    Inspector { party: String },
}

/// The corridors capability: the store and the clock, and the reports' cache.
pub struct Corridors {
    store: Arc<Store>,
    clock: Clock,
    reports: Arc<published::ReportCache>,
}

impl Corridors {
    pub fn new(store: Arc<Store>) -> Corridors {
        Corridors::with_clock(store, Arc::new(OffsetDateTime::now_utc))
    }

    pub fn with_clock(store: Arc<Store>, clock: Clock) -> Corridors {
        Corridors {
            store,
            clock,
            reports: Arc::default(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current time, to the second.
    pub fn now(&self) -> OffsetDateTime {
        let t = (self.clock)().to_offset(time::UtcOffset::UTC);
        t.replace_nanosecond(0).unwrap_or(t)
    }

    pub(crate) async fn load(&self, id: &str) -> AppResult<Corridor> {
        CorridorId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = self.store.corridor(id).await?.ok_or(AppError::NotFound)?;
        from_json("corridor", &row.body)
    }

    pub(crate) async fn load_in(tx: &mut WriteTx<'_>, id: &str) -> AppResult<Corridor> {
        CorridorId::parse(id).map_err(|_| AppError::NotFound)?;
        let row = tx::corridor(tx, id).await?.ok_or(AppError::NotFound)?;
        from_json("corridor", &row.body)
    }

    /// Writes the corridor and who takes part in it.
    pub(crate) async fn save_in(
        tx: &mut WriteTx<'_>,
        c: &Corridor,
        now: OffsetDateTime,
    ) -> AppResult<()> {
        let existing = tx::corridor(tx, c.id().as_str()).await?;
        let people: Vec<(String, String)> = c
            .members()
            .iter()
            .map(|m| {
                let s = match &m.role {
                    CentreRole::Coordinator => "coordinator".to_string(),
                    CentreRole::Representative { party } => format!("representative:{party}"),
                    CentreRole::Inspector { party } => format!("inspector:{party}"),
                };
                (m.person.to_string(), s)
            })
            .chain(
                c.operators()
                    .iter()
                    .map(|o| (o.person.to_string(), "operator".to_string())),
            )
            .collect();
        let row = CorridorRow {
            id: c.id().to_string(),
            name: c.name().to_string(),
            status: c.status().as_str().to_string(),
            body: to_json(c),
            created_at: existing.map_or_else(|| stamp(now), |e| e.created_at),
            updated_at: stamp(now),
        };
        tx::save_corridor(tx, &row, &people).await?;
        Ok(())
    }

    /// A corridor the viewer takes part in ([`AppError::NotFound`] otherwise, whether it
    /// exists or not).
    pub(crate) async fn visible(&self, user: &User, id: &str) -> AppResult<(Corridor, Person)> {
        let c = self.load(id).await?;
        let p = person_of(user)?;
        permissions::standing(&c, &p).ok_or(AppError::NotFound)?;
        Ok((c, p))
    }

    /// The corridors the account takes part in; an administrator sees them all.
    pub async fn corridors(&self, user: &User) -> AppResult<Vec<CorridorSummary>> {
        let rows = if user.role == Role::Admin {
            self.store.corridors().await?
        } else {
            self.store.corridors_of(&user.username).await?
        };
        let person = person_of(user).ok();
        rows.into_iter()
            .map(|r| {
                let c: Corridor = from_json("corridor", &r.body)?;
                Ok(CorridorSummary {
                    id: r.id,
                    name: r.name,
                    status: r.status,
                    standing: person.as_ref().and_then(|p| permissions::standing(&c, p)),
                })
            })
            .collect()
    }

    /// Opens a corridor (the platform's administrators: the secretariat). The first
    /// coordinator, when named, must be an account.
    pub async fn open_corridor(&self, user: &User, form: &NewCorridor) -> AppResult<CorridorView> {
        if user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let draft = form.draft()?;
        let coordinator = match form.coordinator.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => Some(self.account(u).await?),
        };
        let now = self.now();
        let c = Corridor::open(
            &mut rand::rng(),
            draft,
            &user.username,
            coordinator.as_ref(),
            now,
        )?;
        let mut t = self.store.begin_write().await?;
        Self::save_in(&mut t, &c, now).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.corridor.open", c.id().as_str())
                .after(&serde_json::to_value(&c).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(view_of(&c, user))
    }

    /// Opens the Black Sea Grain Initiative's corridor from its public description, for the
    /// published record (the command line's import, when no corridor is named).
    pub async fn open_black_sea(&self, actor: Actor<'_>) -> AppResult<String> {
        let now = self.now();
        let c = Corridor::open(
            &mut rand::rng(),
            chamber_corridors::corridor::black_sea_grain_initiative(),
            &actor.audit_name(),
            None,
            now,
        )?;
        let mut t = self.store.begin_write().await?;
        Self::save_in(&mut t, &c, now).await?;
        t.record(
            AuditDraft::new(
                actor.audit_name(),
                "corridors.corridor.open",
                c.id().as_str(),
            )
            .after(&serde_json::to_value(&c).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(c.id().to_string())
    }

    /// The corridor page: what the viewer may see of it. An administrator who takes no part
    /// sees the secretariat's view (the corridor and its people, to staff it).
    pub async fn corridor(&self, user: &User, id: &str) -> AppResult<CorridorView> {
        let c = self.load(id).await?;
        let p = person_of(user)?;
        if permissions::standing(&c, &p).is_none() && user.role != Role::Admin {
            return Err(AppError::NotFound);
        }
        Ok(view_of(&c, user))
    }

    /// Opens, suspends or closes the corridor, with the reason (coordinators).
    pub async fn change_status(
        &self,
        user: &User,
        id: &str,
        status: &str,
        reason: &str,
    ) -> AppResult<CorridorView> {
        let p = person_of(user)?;
        let status = CorridorStatus::parse(status)?;
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let mut c = Self::load_in(&mut t, id).await?;
        let change = c.change_status(&p, status, reason, now)?.clone();
        Self::save_in(&mut t, &c, now).await?;
        t.record(
            AuditDraft::new(&user.username, "corridors.corridor.status", id)
                .after(&serde_json::to_value(&change).expect("serialises")),
        )
        .await?;
        t.commit().await?;
        Ok(view_of(&c, user))
    }

    async fn account(&self, username: &str) -> AppResult<Person> {
        let person =
            Person::parse(username).map_err(|e| AppError::invalid(format!("username: {e}")))?;
        match self.store.login_lookup(person.as_str()).await? {
            Some(_) => Ok(person),
            None => Err(AppError::invalid(format!(
                "username: no account named '{username}'"
            ))),
        }
    }

    /// Admits an account to the centre (coordinators).
    pub async fn add_member(
        &self,
        user: &User,
        id: &str,
        username: &str,
        role: &MemberInput,
    ) -> AppResult<CorridorView> {
        let p = person_of(user)?;
        let who = self.account(username).await?;
        let role = match role {
            MemberInput::Coordinator => CentreRole::Coordinator,
            MemberInput::Representative { party } => CentreRole::Representative {
                party: PartyCode::parse(party)?,
            },
            MemberInput::Inspector { party } => CentreRole::Inspector {
                party: PartyCode::parse(party)?,
            },
        };
        self.change_people(user, id, "corridors.corridor.member", |c| {
            c.add_member(&p, who.clone(), role.clone())
        })
        .await
    }

    /// Admits an operator (coordinators).
    pub async fn add_operator(
        &self,
        user: &User,
        id: &str,
        username: &str,
        organisation: &str,
    ) -> AppResult<CorridorView> {
        let p = person_of(user)?;
        let who = self.account(username).await?;
        self.change_people(user, id, "corridors.corridor.operator", |c| {
            c.add_operator(&p, who.clone(), organisation)
        })
        .await
    }

    /// Appoints a coordinator (the platform's administrators).
    pub async fn appoint_coordinator(
        &self,
        user: &User,
        id: &str,
        username: &str,
    ) -> AppResult<CorridorView> {
        if user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let who = self.account(username).await?;
        self.change_people(user, id, "corridors.corridor.coordinator", |c| {
            c.appoint_coordinator(who.clone())
        })
        .await
    }

    async fn change_people(
        &self,
        user: &User,
        id: &str,
        action: &str,
        change: impl FnOnce(&mut Corridor) -> chamber_corridors::Result<()>,
    ) -> AppResult<CorridorView> {
        let now = self.now();
        let mut t = self.store.begin_write().await?;
        let mut c = Self::load_in(&mut t, id).await?;
        change(&mut c)?;
        Self::save_in(&mut t, &c, now).await?;
        t.record(
            AuditDraft::new(&user.username, action, id).after(&serde_json::json!({
                "members": c.members(),
                "operators": c.operators(),
            })),
        )
        .await?;
        t.commit().await?;
        Ok(view_of(&c, user))
    }
}

/// The viewer's view of the corridor: their own, or the secretariat's for an administrator
/// who takes no part.
fn view_of(c: &Corridor, user: &User) -> CorridorView {
    person_of(user)
        .ok()
        .and_then(|p| permissions::corridor_view(c, &p).ok())
        .unwrap_or_else(|| permissions::secretariat_view(c))
}

/// A record row for a domain value.
pub(crate) fn record_row<T: serde::Serialize>(
    corridor: &Corridor,
    kind: &str,
    id: &str,
    value: &T,
    now: OffsetDateTime,
) -> RecordRow {
    let mut r = RecordRow::new(id, corridor.id().as_str(), kind, to_json(value));
    r.created_at = stamp(now);
    r.updated_at = r.created_at.clone();
    r
}
