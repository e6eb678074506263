//! A person's registration for a conference: one per account, in one category.
//!
//! ```text
//!   submit ──► pending ──approve──► approved ──check in──► (in)
//!     │          │  └──reject(reason)──► rejected
//!     └► waiting list (category full) ──a place frees──► pending
//!   withdraw: from pending, waiting list or approved ──► withdrawn
//! ```
//! A category's capacity counts the places held by pending and approved registrations; when a
//! held place frees (rejected or withdrawn) the earliest waiting registration moves up to
//! pending, where an officer decides it like any other. Approval needs every document the
//! category requires, and issues the badge's ticket.

use crate::Timestamp;
use crate::conference::{Category, Conference};
use crate::documents::DocumentKind;
use crate::error::{Error, Result, clean_line, invalid};
use crate::ids::{ConferenceId, Country, RegistrationId, TicketId};
use crate::permissions;
use chamber_mediation::PersonId;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// For whom the person comes: a State (Member State or observer State) or an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Affiliation {
    Country(Country),
    Organisation(String),
}

impl Affiliation {
    /// The name as printed (a country in `lang`, an organisation as written).
    pub fn name(&self, lang: chamber_core::Lang) -> String {
        match self {
            Affiliation::Country(c) => c.name(lang).to_string(),
            Affiliation::Organisation(o) => o.clone(),
        }
    }

    pub fn country(&self) -> Option<&Country> {
        match self {
            Affiliation::Country(c) => Some(c),
            Affiliation::Organisation(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum RegistrationState {
    Pending,
    WaitingList,
    Approved,
    Rejected { reason: String },
    Withdrawn,
}

impl RegistrationState {
    pub fn as_str(&self) -> &'static str {
        match self {
            RegistrationState::Pending => "pending",
            RegistrationState::WaitingList => "waiting_list",
            RegistrationState::Approved => "approved",
            RegistrationState::Rejected { .. } => "rejected",
            RegistrationState::Withdrawn => "withdrawn",
        }
    }

    /// Holds one of the category's places.
    pub fn holds_place(&self) -> bool {
        matches!(
            self,
            RegistrationState::Pending | RegistrationState::Approved
        )
    }
}

/// What a person fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub category: Category,
    pub family_name: String,
    pub given_name: String,
    pub affiliation: Affiliation,
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// May appear in the published list of participants.
    pub consent_to_publish: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id: RegistrationId,
    pub conference: ConferenceId,
    pub person: PersonId,
    pub category: Category,
    pub family_name: String,
    pub given_name: String,
    pub affiliation: Affiliation,
    pub answers: BTreeMap<String, String>,
    pub consent_to_publish: bool,
    #[serde(flatten)]
    pub state: RegistrationState,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: Timestamp,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub decided_at: Option<Timestamp>,
    #[serde(default)]
    pub decided_by: Option<PersonId>,
    /// Issued at approval; a bearer secret (see [`TicketId`]).
    #[serde(default)]
    pub ticket: Option<TicketId>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub checked_in_at: Option<Timestamp>,
}

/// What the door is told when a badge is scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum CheckIn {
    /// Welcome: checked in now.
    Valid,
    /// This badge was already used to enter.
    AlreadyIn {
        #[serde(with = "time::serde::rfc3339")]
        since: Timestamp,
    },
    /// Pending, waiting or rejected.
    NotApproved,
    Withdrawn,
    /// No registration has this ticket.
    Unknown,
}

impl CheckIn {
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckIn::Valid => "valid",
            CheckIn::AlreadyIn { .. } => "already_in",
            CheckIn::NotApproved => "not_approved",
            CheckIn::Withdrawn => "withdrawn",
            CheckIn::Unknown => "unknown",
        }
    }
}

impl Registration {
    /// Submits a registration. `held` is the number of the category's places already held
    /// (pending and approved registrations). The caller keeps one registration per person
    /// and conference.
    pub fn submit<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        conference: &Conference,
        person: &PersonId,
        form: RegistrationForm,
        held: u32,
        at: Timestamp,
    ) -> Result<Registration> {
        let policy = conference.policy(form.category);
        if !policy.open {
            return Err(invalid(
                "category",
                "registration for this category is closed",
            ));
        }
        match (&form.affiliation, form.category) {
            (Affiliation::Organisation(_), Category::MemberState) => {
                return Err(invalid(
                    "affiliation",
                    "a Member State delegate names a country",
                ));
            }
            (Affiliation::Country(_), Category::Igo | Category::Ngo | Category::Media) => {
                return Err(invalid(
                    "affiliation",
                    "this category names an organisation",
                ));
            }
            _ => {}
        }
        let affiliation = match form.affiliation {
            Affiliation::Organisation(o) => {
                Affiliation::Organisation(clean_line("organisation", &o, 300)?)
            }
            c => c,
        };
        let mut answers = BTreeMap::new();
        for field in &policy.fields {
            if let Some(a) = field.check(form.answers.get(&field.key).map(String::as_str))? {
                answers.insert(field.key.clone(), a);
            }
        }
        if let Some(extra) = form
            .answers
            .keys()
            .find(|k| !policy.fields.iter().any(|f| &f.key == *k))
        {
            return Err(invalid(
                "form",
                format!("{extra} is not a field of this form"),
            ));
        }
        let full = policy.capacity.is_some_and(|cap| held >= cap);
        let state = match (full, policy.waiting_list) {
            (false, _) => RegistrationState::Pending,
            (true, true) => RegistrationState::WaitingList,
            (true, false) => return Err(Error::CategoryFull(form.category.as_str())),
        };
        Ok(Registration {
            id: RegistrationId::generate(rng),
            conference: conference.id.clone(),
            person: person.clone(),
            category: form.category,
            family_name: clean_line("family name", &form.family_name, 200)?,
            given_name: clean_line("given name", &form.given_name, 200)?,
            affiliation,
            answers,
            consent_to_publish: form.consent_to_publish,
            state,
            submitted_at: at.to_offset(time::UtcOffset::UTC),
            decided_at: None,
            decided_by: None,
            ticket: None,
            checked_in_at: None,
        })
    }

    /// "Given FAMILY" as on a badge.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    fn officer(&self, conference: &Conference, by: &PersonId) -> Result<()> {
        if !permissions::may_see_registration(conference, by, self) {
            return Err(Error::NotFound);
        }
        permissions::require(
            permissions::may_decide(conference, by, self.category),
            "only this category's accreditation officers decide",
        )
    }

    /// Approves a pending registration: every required document must be present (`present`).
    /// Issues the ticket.
    pub fn approve<R: CryptoRng + RngCore + ?Sized>(
        &mut self,
        rng: &mut R,
        conference: &Conference,
        by: &PersonId,
        present: &[DocumentKind],
        at: Timestamp,
    ) -> Result<&TicketId> {
        self.officer(conference, by)?;
        if self.state != RegistrationState::Pending {
            return Err(Error::WrongState {
                action: "approve",
                state: self.state.as_str(),
            });
        }
        let missing: Vec<&str> = conference
            .policy(self.category)
            .required_documents
            .iter()
            .filter(|k| !present.contains(k))
            .map(|k| k.label())
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingDocuments(missing.join(", ")));
        }
        self.state = RegistrationState::Approved;
        self.decided_at = Some(at);
        self.decided_by = Some(by.clone());
        Ok(self.ticket.insert(TicketId::generate(rng)))
    }

    /// Rejects a pending or waiting registration, with the reason the person will read.
    pub fn reject(
        &mut self,
        conference: &Conference,
        by: &PersonId,
        reason: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.officer(conference, by)?;
        if !matches!(
            self.state,
            RegistrationState::Pending | RegistrationState::WaitingList
        ) {
            return Err(Error::WrongState {
                action: "reject",
                state: self.state.as_str(),
            });
        }
        self.state = RegistrationState::Rejected {
            reason: clean_line("reason", reason, 1000)?,
        };
        self.decided_at = Some(at);
        self.decided_by = Some(by.clone());
        Ok(())
    }

    /// Withdraws (the person, or the secretariat). A badge already printed stops working.
    pub fn withdraw(
        &mut self,
        conference: &Conference,
        by: &PersonId,
        at: Timestamp,
    ) -> Result<()> {
        if !permissions::may_see_registration(conference, by, self) {
            return Err(Error::NotFound);
        }
        permissions::require(
            permissions::may_withdraw(conference, by, self),
            "only the person or the secretariat withdraws a registration",
        )?;
        if matches!(
            self.state,
            RegistrationState::Rejected { .. } | RegistrationState::Withdrawn
        ) {
            return Err(Error::WrongState {
                action: "withdraw",
                state: self.state.as_str(),
            });
        }
        self.state = RegistrationState::Withdrawn;
        self.decided_at = Some(at);
        Ok(())
    }

    /// Moves a waiting registration up to pending (a place freed).
    pub fn promote(&mut self) -> Result<()> {
        if self.state != RegistrationState::WaitingList {
            return Err(Error::WrongState {
                action: "promote",
                state: self.state.as_str(),
            });
        }
        self.state = RegistrationState::Pending;
        Ok(())
    }

    /// The door scans this registration's ticket.
    pub fn check_in(&mut self, at: Timestamp) -> CheckIn {
        match (&self.state, self.checked_in_at) {
            (RegistrationState::Withdrawn, _) => CheckIn::Withdrawn,
            (RegistrationState::Approved, Some(since)) => CheckIn::AlreadyIn { since },
            (RegistrationState::Approved, None) => {
                self.checked_in_at = Some(at);
                CheckIn::Valid
            }
            _ => CheckIn::NotApproved,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::conference::StaffRole;
    use crate::conference::tests::{forum, pid};
    use rand::SeedableRng;
    use time::macros::datetime;

    pub(crate) fn form(category: Category, country: &str) -> RegistrationForm {
        RegistrationForm {
            category,
            family_name: "Orazova".into(),
            given_name: "Aylar".into(),
            affiliation: if category.is_state() {
                Affiliation::Country(Country::parse(country).unwrap())
            } else {
                Affiliation::Organisation(country.into())
            },
            answers: [
                ("function".to_string(), "Deputy Minister".to_string()),
                ("email".to_string(), "a@mfa.example".to_string()),
            ]
            .into(),
            consent_to_publish: true,
        }
    }

    const AT: Timestamp = datetime!(2026-11-05 10:00 UTC);

    #[test]
    fn the_whole_life_of_a_registration() {
        let mut r = rand::rngs::StdRng::seed_from_u64(4);
        let mut c = forum(&mut r);
        c.assign(&pid("sec"), pid("officer"), StaffRole::AccreditationOfficer)
            .unwrap();
        let mut reg = Registration::submit(
            &mut r,
            &c,
            &pid("aylar"),
            form(Category::MemberState, "TKM"),
            0,
            AT,
        )
        .unwrap();
        assert_eq!(reg.state, RegistrationState::Pending);
        assert_eq!(reg.check_in(AT), CheckIn::NotApproved);
        // Nothing is approved without the required documents.
        let e = reg
            .approve(
                &mut r,
                &c,
                &pid("officer"),
                &[DocumentKind::NoteVerbale],
                AT,
            )
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot approve yet: missing identity document, photo"
        );
        // The registrant cannot approve themself; a stranger does not even see it.
        assert!(matches!(
            reg.approve(&mut r, &c, &pid("aylar"), &DocumentKind::ALL, AT),
            Err(Error::Forbidden(_))
        ));
        assert_eq!(
            reg.approve(&mut r, &c, &pid("x"), &DocumentKind::ALL, AT)
                .unwrap_err(),
            Error::NotFound
        );
        let ticket = reg
            .approve(&mut r, &c, &pid("officer"), &DocumentKind::ALL, AT)
            .unwrap()
            .clone();
        assert_eq!(reg.ticket.as_ref(), Some(&ticket));
        assert_eq!(reg.check_in(AT), CheckIn::Valid);
        assert_eq!(reg.check_in(AT), CheckIn::AlreadyIn { since: AT });
        reg.withdraw(&c, &pid("aylar"), AT).unwrap();
        assert_eq!(reg.check_in(AT), CheckIn::Withdrawn);
        assert!(reg.withdraw(&c, &pid("aylar"), AT).is_err());
    }

    #[test]
    fn a_full_category_waits_or_refuses() {
        let mut r = rand::rngs::StdRng::seed_from_u64(5);
        let mut c = forum(&mut r);
        let mut p = c.policy(Category::Ngo).clone();
        p.capacity = Some(2);
        c.set_policy(&pid("sec"), p.clone()).unwrap();
        let ngo = || form(Category::Ngo, "Peace Now Network");
        let held1 = Registration::submit(&mut r, &c, &pid("a"), ngo(), 1, AT).unwrap();
        assert_eq!(held1.state, RegistrationState::Pending);
        let mut waiting = Registration::submit(&mut r, &c, &pid("b"), ngo(), 2, AT).unwrap();
        assert_eq!(waiting.state, RegistrationState::WaitingList);
        waiting.promote().unwrap();
        assert_eq!(waiting.state, RegistrationState::Pending);
        p.waiting_list = false;
        c.set_policy(&pid("sec"), p).unwrap();
        assert_eq!(
            Registration::submit(&mut r, &c, &pid("c"), ngo(), 2, AT).unwrap_err(),
            Error::CategoryFull("ngo")
        );
    }

    #[test]
    fn forms_are_checked_against_the_category() {
        let mut r = rand::rngs::StdRng::seed_from_u64(6);
        let c = forum(&mut r);
        let mut f = form(Category::MemberState, "TKM");
        f.affiliation = Affiliation::Organisation("MFA".into());
        assert!(Registration::submit(&mut r, &c, &pid("a"), f, 0, AT).is_err());
        let mut f = form(Category::MemberState, "TKM");
        f.answers.remove("email");
        let e = Registration::submit(&mut r, &c, &pid("a"), f, 0, AT).unwrap_err();
        assert_eq!(e.to_string(), "invalid form: email is required");
        let mut f = form(Category::MemberState, "TKM");
        f.answers.insert("shoe_size".into(), "42".into());
        assert!(Registration::submit(&mut r, &c, &pid("a"), f, 0, AT).is_err());
    }
}
