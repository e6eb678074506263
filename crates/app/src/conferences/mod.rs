//! The conferences capability's use cases, one function per page or API action (the server and
//! the `chamber conferences` commands call these and nothing else).
//!
//! Every use case takes the signed-in account ([`User`]; its username is the person), opens
//! what it needs, lets `chamber_conferences` decide (its `permissions` is the one place access
//! is decided), and writes the change with its audit entry in one store transaction — reading
//! what it changes inside that transaction, so two officers deciding at once never overwrite
//! each other. Documents and tickets are sealed with the operator's key before they reach the
//! store; the database holds neither a document's content nor a usable ticket.
//!
//! * this module: conferences, categories, staff, rooms and timetable;
//! * [`registrations`]: register, documents, the accreditation queue, decisions, badges,
//!   check-in (first scans written together by the door's group commit, `door`); [`bulk`]: bulk import and the retention purge;
//! * [`delegations`]: delegations, credentials and the committee's report;
//! * [`floor`]: speakers' lists and the outcome document;
//! * [`publish`]: the list of participants and the exports (CSV, iCalendar, Indico JSON).

pub mod bulk;
pub mod delegations;
mod door;
pub mod floor;
pub mod publish;
pub mod registrations;
mod rotation;

use crate::error::{AppError, AppResult};
use chamber_conferences::conference::{CategoryPolicy, DelegationLimits, StaffRole, Titles};
use chamber_conferences::{Conference, ConferenceId, Error as DomainError, permissions};
use chamber_core::{Lang, Role};
use chamber_mediation::PersonId;
use chamber_mediation::confidential::Keyring;
use chamber_mediation::venue::Clash;
use chamber_store::conferences::tx;
use chamber_store::{Store, User, WriteTx};
use std::sync::Arc;
use time::{Date, OffsetDateTime};

pub use chamber_conferences::documents::{DEFAULT_MAX_BYTES, Retention};

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound | DomainError::BadId => AppError::NotFound,
            DomainError::Forbidden(_) => AppError::Forbidden,
            DomainError::Text(t) => t.into(),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

/// Who acts: an account, or the operator at the machine (`cli:<user>`), who may export and
/// purge but never opens a document.
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

/// The person a signed-in account is in a conference.
pub fn person_of(user: &User) -> AppResult<PersonId> {
    PersonId::parse(&user.username).map_err(|_| AppError::NotFound)
}

/// Times are kept to the second (they are stored as `YYYY-MM-DDTHH:MM:SSZ`, which sorts).
pub(crate) fn now() -> OffsetDateTime {
    second(OffsetDateTime::now_utc())
}

pub(crate) fn second(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("zero nanoseconds is valid")
}

pub(crate) fn stamp(t: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    second(t).format(&fmt).expect("UTC time formats")
}

/// Submission order decides the waiting list: kept to the microsecond, written with six
/// fraction digits (fixed width, so the text still sorts as the time).
pub(crate) fn now_micros() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .expect("a valid nanosecond")
}

pub(crate) fn stamp_micros(t: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .expect("UTC time formats")
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialise")
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(|e| AppError::internal(what, e))
}

/// Document limits and retention, as the operator configured them.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub max_document_bytes: usize,
    pub retention: Retention,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_document_bytes: DEFAULT_MAX_BYTES,
            retention: Retention::DEFAULT,
        }
    }
}

/// A new conference as the form gives it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewConference {
    pub titles: Titles,
    pub starts_on: Date,
    pub ends_on: Date,
    pub location: String,
}

/// A conference in a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConferenceSummary {
    pub id: String,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub location: String,
    /// The viewer's staff roles.
    pub roles: Vec<StaffRole>,
}

/// A conference page: what everyone sees (never the negotiating process inside), and the
/// secretariat's extras.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConferenceView {
    pub id: String,
    pub titles: Titles,
    pub starts_on: Date,
    pub ends_on: Date,
    pub location: String,
    pub categories: Vec<CategoryPolicy>,
    pub limits: DelegationLimits,
    pub rooms: Vec<chamber_mediation::venue::Room>,
    /// The sessions in time order.
    pub timetable: Vec<chamber_mediation::venue::Session>,
    /// The viewer's roles.
    pub roles: Vec<StaffRole>,
    /// Staff and their roles, and timetable clashes: for the secretariat only (empty else).
    pub staff: Vec<chamber_conferences::conference::Staff>,
    pub clashes: Vec<Clash>,
}

impl ConferenceView {
    fn of(c: Conference, viewer: &PersonId) -> ConferenceView {
        let roles = permissions::roles(&c, viewer);
        let manager = permissions::may_manage(&c, viewer);
        let mut categories = c.categories.clone();
        if !manager {
            for p in &mut categories {
                p.approvers.clear();
            }
        }
        ConferenceView {
            id: c.id.to_string(),
            timetable: c.timetable().into_iter().cloned().collect(),
            clashes: if manager { c.clashes() } else { Vec::new() },
            staff: if manager { c.staff.clone() } else { Vec::new() },
            titles: c.titles,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            location: c.location,
            categories,
            limits: c.limits,
            rooms: c.rooms,
            roles,
        }
    }
}

/// The conferences capability: the store, the operator's key, the settings.
pub struct Conferences {
    store: Arc<Store>,
    keys: Option<Arc<Keyring>>,
    settings: Settings,
    /// First scans at the door, written together (group commit).
    door: door::DoorQueue,
}

impl Conferences {
    /// `keys` is `None` when no key is configured: then documents cannot be uploaded or read
    /// and nothing can be approved (a ticket is sealed).
    pub fn new(store: Arc<Store>, keys: Option<Arc<Keyring>>, settings: Settings) -> Self {
        Conferences {
            store,
            keys,
            settings,
            door: door::DoorQueue::default(),
        }
    }

    /// First scans at the door waiting for the next commit (tests and the operator's view).
    pub fn door_waiting(&self) -> usize {
        self.door.waiting()
    }

    /// Transactions the door's first scans have taken since start (fewer than the scans
    /// when scans arrive together).
    pub fn door_transactions(&self) -> u64 {
        self.door.transactions()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub(crate) fn keys(&self) -> AppResult<&Keyring> {
        self.keys.as_deref().ok_or_else(|| {
            AppError::invalid(
                "documents and badges need the operator's key (CHAMBER_KEY or --key-file)",
            )
        })
    }

    pub(crate) async fn load(&self, id: &str) -> AppResult<Conference> {
        ConferenceId::parse(id).map_err(|_| AppError::NotFound)?;
        let body = self.store.conference(id).await?.ok_or(AppError::NotFound)?;
        from_json("conference", &body)
    }

    pub(crate) async fn load_in(tx: &mut WriteTx<'_>, id: &str) -> AppResult<Conference> {
        ConferenceId::parse(id).map_err(|_| AppError::NotFound)?;
        let body = tx::conference(tx, id).await?.ok_or(AppError::NotFound)?;
        from_json("conference", &body)
    }

    pub(crate) async fn save_in(tx: &mut WriteTx<'_>, c: &Conference) -> AppResult<()> {
        tx::save_conference(tx, c.id.as_str(), &stamp(c.end_instant()), &to_json(c)).await?;
        Ok(())
    }

    /// Changes a conference: load it in a write transaction, apply `change` as `user`, store
    /// it with an audit entry `conferences.<action>`.
    async fn change<T>(
        &self,
        user: &User,
        id: &str,
        action: &str,
        change: impl FnOnce(&mut Conference, &PersonId) -> AppResult<T>,
    ) -> AppResult<T> {
        let person = person_of(user)?;
        let mut t = self.store.begin_write().await?;
        let mut c = Self::load_in(&mut t, id).await?;
        let out = change(&mut c, &person)?;
        Self::save_in(&mut t, &c).await?;
        t.record(chamber_core::AuditDraft::new(
            &user.username,
            &format!("conferences.{action}"),
            id,
        ))
        .await?;
        t.commit().await?;
        Ok(out)
    }

    // ------------------------------------------------------------ conference pages

    /// Creates a conference (administrators); its creator runs its secretariat.
    pub async fn create(&self, user: &User, new: &NewConference) -> AppResult<String> {
        if user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let person = person_of(user)?;
        let c = Conference::create(
            &mut rand::rng(),
            &person,
            new.titles.clone(),
            new.starts_on,
            new.ends_on,
            &new.location,
            now(),
        )?;
        let mut t = self.store.begin_write().await?;
        Self::save_in(&mut t, &c).await?;
        t.record(
            chamber_core::AuditDraft::new(&user.username, "conferences.conference.create", c.id.as_str())
                .after(&serde_json::json!({"title": c.titles.en, "starts_on": c.starts_on.to_string(), "ends_on": c.ends_on.to_string()})),
        )
        .await?;
        t.commit().await?;
        Ok(c.id.to_string())
    }

    /// Every conference (programmes are public), with the viewer's roles.
    pub async fn list(&self, user: &User, lang: Lang) -> AppResult<Vec<ConferenceSummary>> {
        let person = person_of(user)?;
        self.store
            .conferences()
            .await?
            .iter()
            .map(|b| {
                let c: Conference = from_json("conference", b)?;
                Ok(ConferenceSummary {
                    id: c.id.to_string(),
                    title: c.titles.get(lang).to_string(),
                    starts_on: c.starts_on,
                    ends_on: c.ends_on,
                    location: c.location.clone(),
                    roles: permissions::roles(&c, &person),
                })
            })
            .collect()
    }

    /// One conference's page.
    pub async fn view(&self, user: &User, id: &str) -> AppResult<ConferenceView> {
        let person = person_of(user)?;
        Ok(ConferenceView::of(self.load(id).await?, &person))
    }

    /// The secretariat sets the title in one language.
    pub async fn set_title(&self, user: &User, id: &str, lang: Lang, title: &str) -> AppResult<()> {
        self.change(user, id, "conference.title", |c, p| {
            permissions::require(permissions::may_manage(c, p), "only the secretariat")?;
            c.titles.set(lang, title)?;
            Ok(())
        })
        .await
    }

    /// The secretariat sets a category's form, documents, capacity, waiting list, approvers.
    pub async fn set_policy(&self, user: &User, id: &str, policy: CategoryPolicy) -> AppResult<()> {
        self.change(user, id, "category.policy", |c, p| {
            Ok(c.set_policy(p, policy)?)
        })
        .await
    }

    pub async fn set_limits(
        &self,
        user: &User,
        id: &str,
        limits: DelegationLimits,
    ) -> AppResult<()> {
        self.change(user, id, "delegation.limits", |c, p| {
            Ok(c.set_limits(p, limits)?)
        })
        .await
    }

    /// The secretariat gives an account a role in the conference.
    pub async fn assign_role(
        &self,
        user: &User,
        id: &str,
        username: &str,
        role: StaffRole,
    ) -> AppResult<()> {
        let who =
            PersonId::parse(username).map_err(|e| AppError::invalid(format!("username: {e}")))?;
        if self.store.login_lookup(username).await?.is_none() {
            return Err(AppError::invalid(format!(
                "username: no account named '{username}'"
            )));
        }
        self.change(user, id, "staff.assign", |c, p| Ok(c.assign(p, who, role)?))
            .await
    }

    pub async fn revoke_role(
        &self,
        user: &User,
        id: &str,
        username: &str,
        role: StaffRole,
    ) -> AppResult<()> {
        let who = PersonId::parse(username).map_err(|_| AppError::NotFound)?;
        self.change(
            user,
            id,
            "staff.revoke",
            |c, p| Ok(c.revoke(p, &who, role)?),
        )
        .await
    }

    pub async fn add_room(
        &self,
        user: &User,
        id: &str,
        name: &str,
        capacity: Option<u32>,
    ) -> AppResult<String> {
        self.change(user, id, "room.add", |c, p| {
            Ok(c.add_room(&mut rand::rng(), p, name, capacity)?
                .id
                .to_string())
        })
        .await
    }

    /// The secretariat plans a meeting; the answer names the clashes it makes.
    #[allow(clippy::too_many_arguments)]
    pub async fn plan_session(
        &self,
        user: &User,
        id: &str,
        title: &str,
        start: OffsetDateTime,
        end: OffsetDateTime,
        room: Option<&str>,
        agenda: Vec<String>,
    ) -> AppResult<(String, Vec<Clash>)> {
        let room = room
            .map(chamber_mediation::RoomId::parse)
            .transpose()
            .map_err(|_| AppError::invalid("room: not a room of this conference"))?;
        self.change(user, id, "session.plan", |c, p| {
            let (sid, clashes) =
                c.plan_session(&mut rand::rng(), p, title, start, end, room, agenda)?;
            Ok((sid.to_string(), clashes))
        })
        .await
    }
}
