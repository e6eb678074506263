//! A corridor and its joint coordination centre: the parties, the route with its safety
//! radius, the ports or crossing points, the inspection area, the rules, the people of the
//! centre and the operators, and a status whose every change is kept with its reason.

use crate::error::{Error, Result, clean_line, clean_text, invalid, state};
use crate::geo::{Geometry, Length, Route};
use crate::ids::{CorridorId, PartyCode};
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the corridor is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Designation {
    /// Relief under the principles of General Assembly resolution 46/182.
    Humanitarian,
    /// Trade (the Black Sea Grain Initiative's exports of food and fertiliser).
    Commercial,
}

impl Designation {
    pub fn parse(s: &str) -> Result<Designation> {
        match s.trim().to_ascii_lowercase().as_str() {
            "humanitarian" => Ok(Designation::Humanitarian),
            "commercial" => Ok(Designation::Commercial),
            _ => Err(invalid("designation", "humanitarian or commercial")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorridorStatus {
    Open,
    /// No new movements are planned until it reopens.
    Suspended,
    /// For good: nothing changes any more.
    Closed,
}

impl CorridorStatus {
    pub fn parse(s: &str) -> Result<CorridorStatus> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(CorridorStatus::Open),
            "suspended" => Ok(CorridorStatus::Suspended),
            "closed" => Ok(CorridorStatus::Closed),
            _ => Err(invalid("status", "open, suspended or closed")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CorridorStatus::Open => "open",
            CorridorStatus::Suspended => "suspended",
            CorridorStatus::Closed => "closed",
        }
    }
}

/// One entry of the status record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: CorridorStatus,
    pub reason: String,
    /// A coordinator's username, or the platform actor that opened the corridor
    /// (`cli:<user>`, an administrator's username).
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
}

/// A party to the corridor (the UN, when it facilitates, is one too: it has a representative
/// at the centre and an inspector in every team).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub code: PartyCode,
    pub name: String,
}

impl Party {
    pub fn new(code: &str, name: &str) -> Result<Party> {
        Ok(Party {
            code: PartyCode::parse(code)?,
            name: clean_line("party name", name, 120)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    Port,
    CrossingPoint,
}

/// A port or a border crossing point on the corridor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointOfPassage {
    pub name: String,
    pub kind: PassageKind,
    pub location: Option<crate::geo::LatLon>,
}

impl PointOfPassage {
    pub fn new(
        name: &str,
        kind: PassageKind,
        location: Option<crate::geo::LatLon>,
    ) -> Result<PointOfPassage> {
        Ok(PointOfPassage {
            name: clean_line("port or crossing point", name, 120)?,
            kind,
            location,
        })
    }
}

/// A time of day in UTC, to the minute (`12:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub fn hm(h: u8, m: u8) -> Result<TimeOfDay> {
        if h > 23 || m > 59 {
            return Err(invalid("time of day", "HH:MM between 00:00 and 23:59"));
        }
        Ok(TimeOfDay(u16::from(h) * 60 + u16::from(m)))
    }

    pub fn parse(s: &str) -> Result<TimeOfDay> {
        let (h, m) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| invalid("time of day", "HH:MM"))?;
        let n = |x: &str| x.parse::<u8>().map_err(|_| invalid("time of day", "HH:MM"));
        Self::hm(n(h)?, n(m)?)
    }

    /// This time on a given day, UTC.
    pub fn on(self, day: time::Date) -> Timestamp {
        let t = time::Time::from_hms((self.0 / 60) as u8, (self.0 % 60) as u8, 0)
            .expect("valid by construction");
        time::PrimitiveDateTime::new(day, t).assume_utc()
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = Error;
    fn try_from(s: String) -> Result<TimeOfDay> {
        TimeOfDay::parse(&s)
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> String {
        format!("{:02}:{:02}", t.0 / 60, t.0 % 60)
    }
}

/// The corridor's rules, as the parties agreed them. Times of day are UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// A registration must reach the centre this many hours before the vessel or convoy is
    /// expected at the inspection area (the Black Sea Grain Initiative: 44).
    pub registration_lead_hours: u32,
    /// A party proposes day D's movements by this time on day D−1.
    pub plan_deadline: TimeOfDay,
    /// Every party's representative approves day D's plan by this time on day D−1.
    pub approval_deadline: TimeOfDay,
    /// How many inspections the joint teams can do in a day.
    pub inspections_per_day: u32,
}

impl Rules {
    pub fn new(
        registration_lead_hours: u32,
        plan_deadline: TimeOfDay,
        approval_deadline: TimeOfDay,
        inspections_per_day: u32,
    ) -> Result<Rules> {
        if registration_lead_hours > 24 * 30 {
            return Err(invalid("registration lead time", "at most 720 hours"));
        }
        if approval_deadline <= plan_deadline {
            return Err(invalid(
                "approval deadline",
                "must come after the plan deadline on the same day",
            ));
        }
        if inspections_per_day == 0 || inspections_per_day > 10_000 {
            return Err(invalid("inspections per day", "between 1 and 10,000"));
        }
        Ok(Rules {
            registration_lead_hours,
            plan_deadline,
            approval_deadline,
            inspections_per_day,
        })
    }

    /// The Black Sea Grain Initiative's: 44 hours, plan by 12:00, approval by 16:00 (Istanbul
    /// time then, UTC+3: 09:00 and 13:00 UTC), and a capacity of 10 inspections a day.
    pub fn black_sea() -> Rules {
        Rules::new(
            44,
            TimeOfDay::hm(9, 0).expect("valid"),
            TimeOfDay::hm(13, 0).expect("valid"),
            10,
        )
        .expect("valid")
    }
}

/// A person's place at the joint coordination centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum CentreRole {
    /// Runs the centre (the secretariat): opens and suspends the corridor, admits people.
    Coordinator,
    /// A party's liaison officer: proposes and decides on daily plans, acknowledges
    /// notifications for the party.
    Representative { party: PartyCode },
    /// A party's inspector in the joint teams.
    Inspector { party: PartyCode },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: Person,
    #[serde(flatten)]
    pub role: CentreRole,
}

/// A shipping agent, convoy lead or humanitarian organisation registering movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub person: Person,
    pub organisation: String,
}

/// Everything needed to open a corridor.
#[derive(Debug, Clone)]
pub struct CorridorDraft {
    pub name: String,
    pub designation: Designation,
    pub parties: Vec<Party>,
    pub route: Route,
    pub safety_radius: Length,
    pub points: Vec<PointOfPassage>,
    pub inspection_area: Option<Geometry>,
    pub rules: Rules,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CorridorRecord")]
pub struct Corridor {
    id: CorridorId,
    name: String,
    designation: Designation,
    parties: Vec<Party>,
    route: Route,
    safety_radius: Length,
    points: Vec<PointOfPassage>,
    inspection_area: Option<Geometry>,
    rules: Rules,
    members: Vec<Member>,
    operators: Vec<Operator>,
    status_history: Vec<StatusChange>,
}

/// The stored shape, checked again when read back ([`Corridor`] deserialises through it).
#[derive(Deserialize)]
struct CorridorRecord {
    id: CorridorId,
    name: String,
    designation: Designation,
    parties: Vec<Party>,
    route: Route,
    safety_radius: Length,
    points: Vec<PointOfPassage>,
    inspection_area: Option<Geometry>,
    rules: Rules,
    members: Vec<Member>,
    operators: Vec<Operator>,
    status_history: Vec<StatusChange>,
}

impl TryFrom<CorridorRecord> for Corridor {
    type Error = Error;
    fn try_from(r: CorridorRecord) -> Result<Corridor> {
        let c = Corridor {
            id: r.id,
            name: r.name,
            designation: r.designation,
            parties: r.parties,
            route: r.route,
            safety_radius: r.safety_radius,
            points: r.points,
            inspection_area: r.inspection_area,
            rules: r.rules,
            members: r.members,
            operators: r.operators,
            status_history: r.status_history,
        };
        c.check()?;
        Ok(c)
    }
}

impl Corridor {
    /// Opens a corridor. `opened_by` is the platform actor (an administrator's username, or
    /// `cli:<user>`); `coordinator`, when given, becomes its first coordinator (more are
    /// appointed with [`Corridor::appoint_coordinator`]).
    pub fn open<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        draft: CorridorDraft,
        opened_by: &str,
        coordinator: Option<&Person>,
        at: Timestamp,
    ) -> Result<Corridor> {
        let c = Corridor {
            id: CorridorId::generate(rng),
            name: clean_line("corridor name", &draft.name, 200)?,
            designation: draft.designation,
            parties: draft.parties,
            route: draft.route,
            safety_radius: draft.safety_radius,
            points: draft.points,
            inspection_area: draft.inspection_area,
            rules: draft.rules,
            members: coordinator
                .map(|p| Member {
                    person: p.clone(),
                    role: CentreRole::Coordinator,
                })
                .into_iter()
                .collect(),
            operators: Vec::new(),
            status_history: vec![StatusChange {
                status: CorridorStatus::Open,
                reason: "corridor opened".into(),
                by: clean_line("actor", opened_by, 200)?,
                at,
            }],
        };
        c.check()?;
        Ok(c)
    }

    /// Appoints a coordinator. Not checked here: the platform's administrators (the
    /// secretariat) appoint coordinators, and the application layer checks that role.
    pub fn appoint_coordinator(&mut self, person: Person) -> Result<()> {
        self.require_not_closed()?;
        self.members.push(Member {
            person,
            role: CentreRole::Coordinator,
        });
        let r = self.check();
        if r.is_err() {
            self.members.pop();
        }
        r
    }

    fn check(&self) -> Result<()> {
        if self.parties.len() < 2 {
            return Err(invalid("parties", "a corridor has at least two parties"));
        }
        let codes: BTreeSet<&PartyCode> = self.parties.iter().map(|p| &p.code).collect();
        if codes.len() != self.parties.len() {
            return Err(invalid("parties", "each party code once"));
        }
        if self.safety_radius.metres() <= 0.0 {
            return Err(invalid("safety radius", "must be more than zero"));
        }
        if self.status_history.is_empty() {
            return Err(invalid("status", "the record starts with the opening"));
        }
        let mut people = BTreeSet::new();
        for m in &self.members {
            if let CentreRole::Representative { party } | CentreRole::Inspector { party } = &m.role
                && !codes.contains(party)
            {
                return Err(invalid("member", format!("{party} is not a party")));
            }
            if !people.insert(&m.person) {
                return Err(invalid("member", format!("{} holds two places", m.person)));
            }
        }
        for o in &self.operators {
            if !people.insert(&o.person) {
                return Err(invalid(
                    "operator",
                    format!("{} holds two places", o.person),
                ));
            }
        }
        Ok(())
    }

    pub fn id(&self) -> &CorridorId {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn designation(&self) -> Designation {
        self.designation
    }
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }
    pub fn party(&self, code: &PartyCode) -> Option<&Party> {
        self.parties.iter().find(|p| &p.code == code)
    }
    pub fn route(&self) -> &Route {
        &self.route
    }
    pub fn safety_radius(&self) -> Length {
        self.safety_radius
    }
    pub fn points(&self) -> &[PointOfPassage] {
        &self.points
    }
    pub fn inspection_area(&self) -> Option<&Geometry> {
        self.inspection_area.as_ref()
    }
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    pub fn members(&self) -> &[Member] {
        &self.members
    }
    pub fn operators(&self) -> &[Operator] {
        &self.operators
    }
    pub fn status_history(&self) -> &[StatusChange] {
        &self.status_history
    }
    pub fn status(&self) -> CorridorStatus {
        self.status_history
            .last()
            .map(|s| s.status)
            .unwrap_or(CorridorStatus::Open)
    }

    pub fn member(&self, person: &Person) -> Option<&Member> {
        self.members.iter().find(|m| &m.person == person)
    }
    pub fn operator(&self, person: &Person) -> Option<&Operator> {
        self.operators.iter().find(|o| &o.person == person)
    }

    /// The inspectors of a party.
    pub fn inspectors_of(&self, party: &PartyCode) -> impl Iterator<Item = &Person> {
        self.members.iter().filter_map(move |m| match &m.role {
            CentreRole::Inspector { party: p } if p == party => Some(&m.person),
            _ => None,
        })
    }

    fn require_coordinator(&self, by: &Person) -> Result<()> {
        crate::permissions::require(
            self,
            by,
            crate::permissions::may_manage(self, by),
            "only the centre's coordinators do this",
        )
    }

    fn require_not_closed(&self) -> Result<()> {
        if self.status() == CorridorStatus::Closed {
            return Err(state("the corridor is closed"));
        }
        Ok(())
    }

    /// Admits a person to the centre (coordinators only).
    pub fn add_member(&mut self, by: &Person, person: Person, role: CentreRole) -> Result<()> {
        self.require_coordinator(by)?;
        self.require_not_closed()?;
        self.members.push(Member { person, role });
        let r = self.check();
        if r.is_err() {
            self.members.pop();
        }
        r
    }

    /// Admits an operator (coordinators only).
    pub fn add_operator(&mut self, by: &Person, person: Person, organisation: &str) -> Result<()> {
        self.require_coordinator(by)?;
        self.require_not_closed()?;
        self.operators.push(Operator {
            person,
            organisation: clean_line("organisation", organisation, 200)?,
        });
        let r = self.check();
        if r.is_err() {
            self.operators.pop();
        }
        r
    }

    /// Opens, suspends or closes the corridor, with the reason (coordinators only). Closing is
    /// final; a change to the current status is refused.
    pub fn change_status(
        &mut self,
        by: &Person,
        status: CorridorStatus,
        reason: &str,
        at: Timestamp,
    ) -> Result<&StatusChange> {
        self.require_coordinator(by)?;
        self.require_not_closed()?;
        if status == self.status() {
            return Err(state(format!(
                "the corridor is already {}",
                status.as_str()
            )));
        }
        let reason = clean_text("reason", reason, 2000)?;
        if let Some(last) = self.status_history.last()
            && at < last.at
        {
            return Err(invalid("time", "before the last status change"));
        }
        self.status_history.push(StatusChange {
            status,
            reason,
            by: by.to_string(),
            at,
        });
        Ok(self.status_history.last().expect("just pushed"))
    }

    /// Is a position within the safety radius of the route?
    pub fn within_radius(&self, p: crate::geo::LatLon) -> bool {
        self.route.distance_m(p) <= self.safety_radius.metres()
    }
}

/// The Black Sea Grain Initiative's corridor as publicly described (July 2022): Russia,
/// Türkiye, Ukraine and the United Nations; Odesa, Chornomorsk and Yuzhny/Pivdennyi; a maritime
/// corridor of about 320 nautical miles to the inspection area off Istanbul, 10 nautical miles
/// around ships; [`Rules::black_sea`]. The waypoints and the inspection area are approximate.
pub fn black_sea_grain_initiative() -> CorridorDraft {
    let ll = |a, b| crate::geo::LatLon::new(a, b).expect("valid");
    CorridorDraft {
        name: "Black Sea Grain Initiative".into(),
        designation: Designation::Commercial,
        parties: [
            ("RU", "Russian Federation"),
            ("TR", "Türkiye"),
            ("UA", "Ukraine"),
            ("UN", "United Nations"),
        ]
        .iter()
        .map(|(c, n)| Party::new(c, n).expect("valid"))
        .collect(),
        route: Route::new(vec![
            ll(46.45, 30.75),
            ll(45.0, 30.9),
            ll(43.0, 29.9),
            ll(41.25, 29.1),
        ])
        .expect("valid"),
        safety_radius: Length::NauticalMiles(10.0),
        points: [
            ("Odesa", 46.49, 30.74),
            ("Chornomorsk", 46.30, 30.66),
            ("Yuzhny/Pivdennyi", 46.62, 31.01),
        ]
        .iter()
        .map(|(n, a, b)| {
            PointOfPassage::new(n, PassageKind::Port, Some(ll(*a, *b))).expect("valid")
        })
        .collect(),
        inspection_area: Some(Geometry::Circle {
            centre: ll(41.25, 29.1),
            radius: Length::NauticalMiles(15.0),
        }),
        rules: Rules::black_sea(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;

    pub fn person(s: &str) -> Person {
        Person::parse(s).unwrap()
    }

    pub fn t(s: &str) -> Timestamp {
        Timestamp::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    }

    /// The Black Sea corridor with four parties, a coordinator, one representative and one
    /// inspector per party, and two operators.
    pub fn black_sea() -> Corridor {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let draft = black_sea_grain_initiative();
        let coord = person("coord");
        let mut c = Corridor::open(
            &mut rng,
            draft,
            "secretariat",
            Some(&coord),
            t("2022-07-27T10:00:00Z"),
        )
        .unwrap();
        for p in ["ru", "tr", "ua", "un"] {
            let party = PartyCode::parse(p).unwrap();
            c.add_member(
                &coord,
                person(&format!("rep-{p}")),
                CentreRole::Representative {
                    party: party.clone(),
                },
            )
            .unwrap();
            c.add_member(
                &coord,
                person(&format!("insp-{p}")),
                CentreRole::Inspector { party },
            )
            .unwrap();
        }
        c.add_operator(&coord, person("agent-a"), "Alpha Shipping")
            .unwrap();
        c.add_operator(&coord, person("agent-b"), "Beta Maritime")
            .unwrap();
        c
    }

    #[test]
    fn status_changes_are_recorded_with_their_reason() {
        let mut c = black_sea();
        let coord = person("coord");
        assert_eq!(c.status(), CorridorStatus::Open);
        assert_eq!(
            c.change_status(
                &coord,
                CorridorStatus::Open,
                "again",
                t("2022-10-29T00:00:00Z")
            ),
            Err(state("the corridor is already open"))
        );
        assert!(
            c.change_status(
                &coord,
                CorridorStatus::Suspended,
                "  ",
                t("2022-10-29T00:00:00Z")
            )
            .is_err()
        );
        c.change_status(
            &coord,
            CorridorStatus::Suspended,
            "a party suspends its participation",
            t("2022-10-29T12:00:00Z"),
        )
        .unwrap();
        // Not a coordinator: a representative is refused, an outsider does not see it at all.
        assert!(matches!(
            c.change_status(
                &person("rep-ua"),
                CorridorStatus::Open,
                "x",
                t("2022-11-02T00:00:00Z")
            ),
            Err(Error::Forbidden(_))
        ));
        assert_eq!(
            c.change_status(
                &person("nobody"),
                CorridorStatus::Open,
                "x",
                t("2022-11-02T00:00:00Z")
            ),
            Err(Error::NotFound)
        );
        c.change_status(
            &coord,
            CorridorStatus::Open,
            "participation resumed",
            t("2022-11-02T12:00:00Z"),
        )
        .unwrap();
        c.change_status(
            &coord,
            CorridorStatus::Closed,
            "the initiative ended",
            t("2023-07-17T21:00:00Z"),
        )
        .unwrap();
        assert!(
            c.change_status(&coord, CorridorStatus::Open, "x", t("2023-07-18T00:00:00Z"))
                .is_err()
        );
        let reasons: Vec<&str> = c
            .status_history()
            .iter()
            .map(|s| s.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "corridor opened",
                "a party suspends its participation",
                "participation resumed",
                "the initiative ended"
            ]
        );
        // The record survives storage, and a tampered one is refused.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Corridor>(&json).unwrap(), c);
        let bad = json.replace("\"party\":\"UA\"", "\"party\":\"XX\"");
        assert!(serde_json::from_str::<Corridor>(&bad).is_err());
    }

    #[test]
    fn the_black_sea_corridor_is_about_320_nautical_miles() {
        let c = black_sea();
        let nmi = c.route().length_m() / crate::geo::NAUTICAL_MILE_M;
        assert!((300.0..340.0).contains(&nmi), "{nmi}");
        // Odesa's port is within the 10-nmi radius of the route's start; Istanbul's Golden
        // Horn (41.02, 28.97) is not on the corridor.
        assert!(c.within_radius(crate::geo::LatLon::new(46.49, 30.74).unwrap()));
        assert!(!c.within_radius(crate::geo::LatLon::new(41.02, 28.97).unwrap()));
    }

    #[test]
    fn one_place_per_person_and_rules_that_make_sense() {
        let mut c = black_sea();
        let coord = person("coord");
        assert!(c.add_operator(&coord, person("rep-ua"), "Gamma").is_err());
        assert!(
            c.add_member(
                &coord,
                person("x-one"),
                CentreRole::Inspector {
                    party: PartyCode::parse("ZZ").unwrap()
                }
            )
            .is_err()
        );
        assert_eq!(c.operators().len(), 2);
        assert!(
            Rules::new(
                44,
                TimeOfDay::hm(16, 0).unwrap(),
                TimeOfDay::hm(12, 0).unwrap(),
                5
            )
            .is_err()
        );
        assert!(
            Rules::new(
                44,
                TimeOfDay::hm(12, 0).unwrap(),
                TimeOfDay::hm(16, 0).unwrap(),
                0
            )
            .is_err()
        );
        assert_eq!(String::from(TimeOfDay::parse("9:05").unwrap()), "09:05");
        assert!(TimeOfDay::parse("24:00").is_err());
    }
}
