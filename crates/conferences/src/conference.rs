//! A conference: titles in six languages, dates, participation categories (each with its
//! registration form, required documents, capacity, waiting list and approvers), staff roles,
//! delegation limits, and the timetable on the mediation venue.
//!
//! The conference carries a mediation [`Process`]: its chair and secretariat are the
//! process's mediators and each delegation one of its parties, so that sessions are planned
//! with [`chamber_mediation::venue`] and the outcome document is negotiated with
//! [`chamber_mediation::text`] unchanged.

use crate::Timestamp;
use crate::documents::DocumentKind;
use crate::error::{Error, Result, clean_line, invalid};
use crate::ids::{ConferenceId, DelegationId};
use crate::permissions;
use chamber_core::Lang;
use chamber_mediation::venue::{self, Clash, Room, Session, SessionFormat};
use chamber_mediation::{
    Attribution, Origin, PartyId, PersonId, Process, ProcessKind, ProcessRole,
};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The title in the six languages; English is required, the others fall back to it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Titles {
    #[serde(default)]
    pub ar: String,
    #[serde(default)]
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub fr: String,
    #[serde(default)]
    pub ru: String,
    #[serde(default)]
    pub es: String,
}

impl Titles {
    pub fn new(english: &str) -> Result<Titles> {
        Ok(Titles {
            en: clean_line("title (en)", english, 300)?,
            ..Titles::default()
        })
    }

    pub fn set(&mut self, lang: Lang, title: &str) -> Result<()> {
        let t = if title.trim().is_empty() && lang != Lang::En {
            String::new()
        } else {
            clean_line("title", title, 300)?
        };
        *self.slot(lang) = t;
        Ok(())
    }

    fn slot(&mut self, lang: Lang) -> &mut String {
        match lang {
            Lang::Ar => &mut self.ar,
            Lang::Zh => &mut self.zh,
            Lang::En => &mut self.en,
            Lang::Fr => &mut self.fr,
            Lang::Ru => &mut self.ru,
            Lang::Es => &mut self.es,
        }
    }

    /// The title in `lang`, or the English one when that language has none.
    pub fn get(&self, lang: Lang) -> &str {
        let t = match lang {
            Lang::Ar => &self.ar,
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
            Lang::Ru => &self.ru,
            Lang::Es => &self.es,
        };
        if t.is_empty() { &self.en } else { t }
    }
}

/// Who takes part, in the order of a UN list of participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    MemberState,
    Observer,
    Igo,
    Ngo,
    Media,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::MemberState,
        Category::Observer,
        Category::Igo,
        Category::Ngo,
        Category::Media,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::MemberState => "member_state",
            Category::Observer => "observer",
            Category::Igo => "igo",
            Category::Ngo => "ngo",
            Category::Media => "media",
        }
    }

    pub fn parse(s: &str) -> Result<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| invalid("category", "one of member_state, observer, igo, ngo, media"))
    }

    /// Delegations of States: their members sit for a country.
    pub fn is_state(self) -> bool {
        matches!(self, Category::MemberState | Category::Observer)
    }
}

/// The kind of answer a form field takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FieldKind {
    Text,
    Email,
    Date,
    Choice { options: Vec<String> },
    Checkbox,
}

/// One field of a category's registration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// `a-z`, `0-9`, `_`; the answer's key.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

impl FormField {
    pub fn new(key: &str, label: &str, kind: FieldKind, required: bool) -> Result<FormField> {
        if key.is_empty()
            || key.len() > 40
            || !key
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        {
            return Err(invalid("field key", "1 to 40 of a-z, 0-9 and _"));
        }
        if let FieldKind::Choice { options } = &kind
            && options.is_empty()
        {
            return Err(invalid("field options", "a choice needs options"));
        }
        Ok(FormField {
            key: key.to_string(),
            label: clean_line("field label", label, 200)?,
            kind,
            required,
        })
    }

    /// Checks one answer; `None` is an unanswered field.
    pub fn check(&self, answer: Option<&str>) -> Result<Option<String>> {
        let answer = answer.map(str::trim).filter(|a| !a.is_empty());
        let Some(a) = answer else {
            if self.required {
                return Err(invalid("form", format!("{} is required", self.key)));
            }
            return Ok(None);
        };
        let bad = |why: &str| invalid("form", format!("{}: {why}", self.key));
        match &self.kind {
            FieldKind::Text => {
                clean_line("form", a, 500).map_err(|_| bad("at most 500 characters"))?;
            }
            FieldKind::Email => {
                let ok = a.len() <= 254
                    && a.split_once('@').is_some_and(|(l, d)| {
                        !l.is_empty() && d.contains('.') && !a.chars().any(char::is_whitespace)
                    });
                if !ok {
                    return Err(bad("not an e-mail address"));
                }
            }
            FieldKind::Date => {
                let fmt = time::macros::format_description!("[year]-[month]-[day]");
                Date::parse(a, &fmt).map_err(|_| bad("a date as YYYY-MM-DD"))?;
            }
            FieldKind::Choice { options } => {
                if !options.iter().any(|o| o == a) {
                    return Err(bad("not one of the choices"));
                }
            }
            FieldKind::Checkbox => {
                if !matches!(a, "yes" | "no") {
                    return Err(bad("yes or no"));
                }
            }
        }
        Ok(Some(a.to_string()))
    }
}

/// How one category registers: its form, documents, capacity and who approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPolicy {
    pub category: Category,
    /// Open for registration.
    pub open: bool,
    pub fields: Vec<FormField>,
    pub required_documents: Vec<DocumentKind>,
    /// Places held by pending and approved registrations; `None` is unlimited.
    pub capacity: Option<u32>,
    /// When full, new registrations wait in order instead of being refused.
    pub waiting_list: bool,
    /// Accreditation officers who decide this category; empty means every officer.
    pub approvers: Vec<PersonId>,
}

impl CategoryPolicy {
    /// The UN practice: a Note Verbale from the Permanent Mission for States, a nomination
    /// letter for organisations and media; identity document and photo from everyone.
    pub fn default_for(category: Category) -> CategoryPolicy {
        let letter = if category.is_state() {
            DocumentKind::NoteVerbale
        } else {
            DocumentKind::NominationLetter
        };
        let f = |k: &str, l: &str, kind, r| FormField::new(k, l, kind, r).expect("valid field");
        CategoryPolicy {
            category,
            open: true,
            fields: vec![
                f("function", "Title or function", FieldKind::Text, true),
                f("email", "E-mail", FieldKind::Email, true),
            ],
            required_documents: vec![letter, DocumentKind::IdentityDocument, DocumentKind::Photo],
            capacity: None,
            waiting_list: true,
            approvers: Vec::new(),
        }
    }
}

/// What a person does for the conference (capability-specific roles, keyed by username).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Runs the conference: categories, timetable, delegations, credentials received.
    Secretariat,
    /// Decides registrations and alone sees their documents.
    AccreditationOfficer,
    /// Presides: speakers' list, outcome document.
    Chair,
    CredentialsCommittee,
    /// Checks badges at the door.
    DoorStaff,
}

impl StaffRole {
    pub fn parse(s: &str) -> Result<StaffRole> {
        match s.trim() {
            "secretariat" => Ok(StaffRole::Secretariat),
            "accreditation_officer" => Ok(StaffRole::AccreditationOfficer),
            "chair" => Ok(StaffRole::Chair),
            "credentials_committee" => Ok(StaffRole::CredentialsCommittee),
            "door_staff" => Ok(StaffRole::DoorStaff),
            _ => Err(invalid(
                "role",
                "secretariat, accreditation_officer, chair, credentials_committee or door_staff",
            )),
        }
    }
}

/// The limits on a delegation's size (the General Assembly's rule 25 by default: five
/// representatives, five alternates, advisers as required).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationLimits {
    pub representatives: u32,
    pub alternates: u32,
    /// `None`: as many as required.
    pub advisers: Option<u32>,
}

impl Default for DelegationLimits {
    fn default() -> Self {
        DelegationLimits {
            representatives: 5,
            alternates: 5,
            advisers: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub person: PersonId,
    pub role: StaffRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conference {
    pub id: ConferenceId,
    pub titles: Titles,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Where it meets (city, building).
    pub location: String,
    pub categories: Vec<CategoryPolicy>,
    pub staff: Vec<Staff>,
    pub limits: DelegationLimits,
    pub rooms: Vec<Room>,
    pub sessions: Vec<Session>,
    /// The conference's negotiating process (see the module doc).
    pub process: Process,
    /// Each seated delegation's party in [`Self::process`].
    pub parties: BTreeMap<DelegationId, PartyId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
}

impl Conference {
    /// A new conference; `creator` becomes its secretariat. Every category opens with the
    /// default policy.
    #[allow(clippy::too_many_arguments)]
    pub fn create<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        creator: &PersonId,
        titles: Titles,
        starts_on: Date,
        ends_on: Date,
        location: &str,
        at: Timestamp,
    ) -> Result<Conference> {
        clean_line("title (en)", &titles.en, 300)?;
        if ends_on < starts_on {
            return Err(invalid("ends_on", "must not be before the first day"));
        }
        let mut process = Process::open(
            rng,
            &titles.en,
            ProcessKind::PeaceProcess,
            Origin::Manual,
            at,
        )?;
        process.set_attribution(Attribution::Open);
        let mut c = Conference {
            id: ConferenceId::generate(rng),
            titles,
            starts_on,
            ends_on,
            location: clean_line("location", location, 300)?,
            categories: Category::ALL
                .into_iter()
                .map(CategoryPolicy::default_for)
                .collect(),
            staff: Vec::new(),
            limits: DelegationLimits::default(),
            rooms: Vec::new(),
            sessions: Vec::new(),
            process,
            parties: BTreeMap::new(),
            created_at: at.to_offset(time::UtcOffset::UTC),
        };
        c.grant(creator.clone(), StaffRole::Secretariat)?;
        Ok(c)
    }

    pub fn policy(&self, category: Category) -> &CategoryPolicy {
        self.categories
            .iter()
            .find(|p| p.category == category)
            .expect("every category has a policy")
    }

    /// The secretariat replaces a category's policy.
    pub fn set_policy(&mut self, by: &PersonId, policy: CategoryPolicy) -> Result<()> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        let slot = self
            .categories
            .iter_mut()
            .find(|p| p.category == policy.category)
            .expect("every category has a policy");
        *slot = policy;
        Ok(())
    }

    pub fn set_limits(&mut self, by: &PersonId, limits: DelegationLimits) -> Result<()> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        self.limits = limits;
        Ok(())
    }

    /// Gives a person a staff role (the chair and the secretariat also hold the pen of the
    /// outcome document: they are the process's mediators).
    pub fn assign(&mut self, by: &PersonId, person: PersonId, role: StaffRole) -> Result<()> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        self.grant(person, role)
    }

    fn grant(&mut self, person: PersonId, role: StaffRole) -> Result<()> {
        if self
            .staff
            .iter()
            .any(|s| s.person == person && s.role == role)
        {
            return Ok(());
        }
        if matches!(role, StaffRole::Secretariat | StaffRole::Chair) {
            match self.process.role_of(&person) {
                None => self
                    .process
                    .add_participant(person.clone(), ProcessRole::Mediator)?,
                Some(r) if r.is_mediator() => {}
                Some(_) => {
                    return Err(invalid(
                        "role",
                        "a delegation member cannot also chair or run the secretariat",
                    ));
                }
            }
        }
        self.staff.push(Staff { person, role });
        Ok(())
    }

    pub fn revoke(&mut self, by: &PersonId, person: &PersonId, role: StaffRole) -> Result<()> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        if role == StaffRole::Secretariat
            && self
                .staff
                .iter()
                .filter(|s| s.role == StaffRole::Secretariat)
                .count()
                == 1
            && self
                .staff
                .iter()
                .any(|s| &s.person == person && s.role == role)
        {
            return Err(invalid(
                "role",
                "the conference keeps at least one secretariat member",
            ));
        }
        self.staff
            .retain(|s| !(&s.person == person && s.role == role));
        let still_pen = self.staff.iter().any(|s| {
            &s.person == person && matches!(s.role, StaffRole::Secretariat | StaffRole::Chair)
        });
        if !still_pen
            && self
                .process
                .role_of(person)
                .is_some_and(|r| r.is_mediator())
        {
            self.process.remove_participant(person);
        }
        Ok(())
    }

    /// Seats a delegation as a party of the conference's process (idempotent).
    pub fn seat_delegation<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        delegation: &DelegationId,
        name: &str,
    ) -> Result<PartyId> {
        if let Some(p) = self.parties.get(delegation) {
            return Ok(p.clone());
        }
        let party = self.process.add_party(rng, name)?;
        self.parties.insert(delegation.clone(), party.clone());
        Ok(party)
    }

    /// Makes a delegation member a delegate of its party (may propose amendments).
    pub fn seat_member(&mut self, delegation: &DelegationId, person: &PersonId) -> Result<()> {
        let party = self.parties.get(delegation).ok_or(Error::NotFound)?.clone();
        match self.process.role_of(person) {
            Some(ProcessRole::Delegate { party: p }) if *p == party => Ok(()),
            Some(_) => Err(invalid(
                "member",
                "this person already sits for another delegation or on the staff",
            )),
            None => {
                self.process
                    .add_participant(person.clone(), ProcessRole::Delegate { party })?;
                Ok(())
            }
        }
    }

    pub fn unseat_member(&mut self, person: &PersonId) {
        if matches!(
            self.process.role_of(person),
            Some(ProcessRole::Delegate { .. })
        ) {
            self.process.remove_participant(person);
        }
    }

    pub fn add_room<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        by: &PersonId,
        name: &str,
        capacity: Option<u32>,
    ) -> Result<&Room> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        let room = Room::new(rng, name, capacity)?;
        self.rooms.push(room);
        Ok(self.rooms.last().expect("just pushed"))
    }

    /// Plans a plenary meeting in the timetable, within the conference's dates. Returns the
    /// clashes it makes (same room or same person at the same time), which the caller shows.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_session<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        by: &PersonId,
        title: &str,
        start: Timestamp,
        end: Timestamp,
        room: Option<chamber_mediation::RoomId>,
        agenda: Vec<String>,
    ) -> Result<(chamber_mediation::SessionId, Vec<Clash>)> {
        permissions::require(permissions::may_manage(self, by), "only the secretariat")?;
        let (s, e) = (
            start.to_offset(time::UtcOffset::UTC).date(),
            end.to_offset(time::UtcOffset::UTC).date(),
        );
        if s < self.starts_on || e > self.ends_on {
            return Err(invalid(
                "start",
                "sessions fall within the conference's dates",
            ));
        }
        if let Some(r) = &room
            && !self.rooms.iter().any(|x| &x.id == r)
        {
            return Err(invalid("room", "not a room of this conference"));
        }
        let session = Session::plan(
            rng,
            &self.process,
            by,
            SessionFormat::Plenary,
            title,
            start,
            end,
            room,
            Vec::new(),
            agenda,
        )?;
        let id = session.id.clone();
        self.sessions.push(session);
        let clashes = venue::find_clashes(&self.sessions)
            .into_iter()
            .filter(|c| c.first == id || c.second == id)
            .collect();
        Ok((id, clashes))
    }

    pub fn session(&self, id: &chamber_mediation::SessionId) -> Result<&Session> {
        self.sessions
            .iter()
            .find(|s| &s.id == id)
            .ok_or(Error::NotFound)
    }

    /// The timetable in time order (public: the programme of a conference is not secret).
    pub fn timetable(&self) -> Vec<&Session> {
        let mut v: Vec<&Session> = self.sessions.iter().collect();
        v.sort_by_key(|s| (s.start, s.end));
        v
    }

    pub fn clashes(&self) -> Vec<Clash> {
        venue::find_clashes(&self.sessions)
    }

    /// The first instant after the conference (its last day's end, UTC).
    pub fn end_instant(&self) -> Timestamp {
        self.ends_on
            .next_day()
            .unwrap_or(self.ends_on)
            .midnight()
            .assume_utc()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;
    use time::macros::{date, datetime};

    pub(crate) fn pid(s: &str) -> PersonId {
        PersonId::parse(s).unwrap()
    }

    pub(crate) fn forum(rng: &mut rand::rngs::StdRng) -> Conference {
        let mut t = Titles::new("International Forum on Neutrality").unwrap();
        t.set(Lang::Ru, "Международный форум").unwrap();
        Conference::create(
            rng,
            &pid("sec"),
            t,
            date!(2026 - 12 - 12),
            date!(2026 - 12 - 13),
            "Ashgabat",
            datetime!(2026-11-01 0:00 UTC),
        )
        .unwrap()
    }

    #[test]
    fn titles_fall_back_to_english() {
        let mut r = rand::rngs::StdRng::seed_from_u64(1);
        let c = forum(&mut r);
        assert_eq!(c.titles.get(Lang::Ru), "Международный форум");
        assert_eq!(c.titles.get(Lang::Zh), "International Forum on Neutrality");
        assert!(Titles::new("  ").is_err());
    }

    #[test]
    fn sessions_stay_within_the_dates_and_report_room_clashes() {
        let mut r = rand::rngs::StdRng::seed_from_u64(2);
        let mut c = forum(&mut r);
        let room = c
            .add_room(&mut r, &pid("sec"), "Hall A", Some(300))
            .unwrap()
            .id
            .clone();
        let (_, none) = c
            .plan_session(
                &mut r,
                &pid("sec"),
                "Opening",
                datetime!(2026-12-12 09:00 UTC),
                datetime!(2026-12-12 11:00 UTC),
                Some(room.clone()),
                vec!["Election of officers".into()],
            )
            .unwrap();
        assert!(none.is_empty());
        let (_, clash) = c
            .plan_session(
                &mut r,
                &pid("sec"),
                "Side event",
                datetime!(2026-12-12 10:00 UTC),
                datetime!(2026-12-12 12:00 UTC),
                Some(room),
                vec![],
            )
            .unwrap();
        assert_eq!(clash.len(), 1);
        let outside = c.plan_session(
            &mut r,
            &pid("sec"),
            "Late",
            datetime!(2026-12-14 10:00 UTC),
            datetime!(2026-12-14 12:00 UTC),
            None,
            vec![],
        );
        assert!(outside.is_err());
        let stranger = c.plan_session(
            &mut r,
            &pid("x"),
            "x",
            datetime!(2026-12-12 13:00 UTC),
            datetime!(2026-12-12 14:00 UTC),
            None,
            vec![],
        );
        assert!(matches!(stranger, Err(Error::Forbidden(_))));
    }

    #[test]
    fn form_fields_check_their_answers() {
        let f = FormField::new("email", "E-mail", FieldKind::Email, true).unwrap();
        assert!(f.check(None).is_err());
        assert!(f.check(Some("a@b")).is_err());
        assert_eq!(f.check(Some(" a@b.org ")).unwrap().unwrap(), "a@b.org");
        let d = FormField::new("arrival", "Arrival", FieldKind::Date, false).unwrap();
        assert_eq!(d.check(None).unwrap(), None);
        assert!(d.check(Some("12/12/2026")).is_err());
        assert!(FormField::new("Bad Key", "x", FieldKind::Text, false).is_err());
    }
}
