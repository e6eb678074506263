//! The one place access to a conference is decided. Roles are per conference and keyed by
//! username ([`crate::conference::StaffRole`]); delegation members act for their delegation.
//!
//! Listing functions take the viewer and filter. A registration (and its documents) the viewer
//! may not see is reported as [`Error::NotFound`], exactly like one that does not exist.
//! Documents are visible to the accreditation officers who decide the registration's category,
//! and to nobody else — not the secretariat, not the person who uploaded them.

use crate::conference::{Category, Conference, StaffRole};
use crate::delegation::{Delegation, Function};
use crate::error::{Error, Result};
use crate::registration::Registration;
use chamber_mediation::PersonId;

pub fn has_role(c: &Conference, person: &PersonId, role: StaffRole) -> bool {
    c.staff
        .iter()
        .any(|s| &s.person == person && s.role == role)
}

/// The person's staff roles in this conference.
pub fn roles(c: &Conference, person: &PersonId) -> Vec<StaffRole> {
    let mut v: Vec<StaffRole> = c
        .staff
        .iter()
        .filter(|s| &s.person == person)
        .map(|s| s.role)
        .collect();
    v.sort();
    v
}

pub fn require(allowed: bool, why: &'static str) -> Result<()> {
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(why))
    }
}

/// Categories, timetable, staff, delegations, credentials received.
pub fn may_manage(c: &Conference, person: &PersonId) -> bool {
    has_role(c, person, StaffRole::Secretariat)
}

/// Decide registrations of this category (and see their documents).
pub fn may_decide(c: &Conference, person: &PersonId, category: Category) -> bool {
    let approvers = &c.policy(category).approvers;
    has_role(c, person, StaffRole::AccreditationOfficer)
        && (approvers.is_empty() || approvers.contains(person))
}

/// The categories whose queue the person works (empty for anyone but an officer).
pub fn officer_categories(c: &Conference, person: &PersonId) -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|cat| may_decide(c, person, *cat))
        .collect()
}

/// The registration's documents: its category's accreditation officers only.
pub fn may_see_documents(c: &Conference, person: &PersonId, r: &Registration) -> bool {
    r.conference == c.id && may_decide(c, person, r.category)
}

/// Uploading goes the other way: the registrant adds documents to their own registration.
pub fn may_upload(c: &Conference, person: &PersonId, r: &Registration) -> bool {
    r.conference == c.id && &r.person == person
}

/// A registration: its person, its category's officers, the secretariat.
pub fn may_see_registration(c: &Conference, person: &PersonId, r: &Registration) -> bool {
    r.conference == c.id
        && (&r.person == person || may_decide(c, person, r.category) || may_manage(c, person))
}

/// One registration for the viewer, or `NotFound`.
pub fn registration_for<'a>(
    c: &Conference,
    viewer: &PersonId,
    r: Option<&'a Registration>,
) -> Result<&'a Registration> {
    r.filter(|r| may_see_registration(c, viewer, r))
        .ok_or(Error::NotFound)
}

/// The registrations the viewer may see.
pub fn visible_registrations<'a>(
    c: &Conference,
    viewer: &PersonId,
    all: impl IntoIterator<Item = &'a Registration>,
) -> Vec<&'a Registration> {
    all.into_iter()
        .filter(|r| may_see_registration(c, viewer, r))
        .collect()
}

/// Withdraw: the person themself, or the secretariat.
pub fn may_withdraw(c: &Conference, person: &PersonId, r: &Registration) -> bool {
    r.conference == c.id && (&r.person == person || may_manage(c, person))
}

/// The door: door staff and the secretariat.
pub fn may_check_in(c: &Conference, person: &PersonId) -> bool {
    has_role(c, person, StaffRole::DoorStaff) || may_manage(c, person)
}

/// A badge: its holder, the secretariat, the officers of its category.
pub fn may_print_badge(c: &Conference, person: &PersonId, r: &Registration) -> bool {
    may_see_registration(c, person, r)
}

pub fn may_examine_credentials(c: &Conference, person: &PersonId) -> bool {
    has_role(c, person, StaffRole::CredentialsCommittee)
}

/// The speakers' list and the outcome document's versions.
pub fn may_chair(c: &Conference, person: &PersonId) -> bool {
    has_role(c, person, StaffRole::Chair)
}

/// A delegation's membership: the secretariat, or the delegation's head.
pub fn may_manage_delegation(c: &Conference, person: &PersonId, d: &Delegation) -> bool {
    d.conference == c.id
        && (may_manage(c, person)
            || d.members
                .iter()
                .any(|m| &m.person == person && m.function == Function::Head))
}

/// Speak for a delegation (inscribe it on a speakers' list): any of its members, the chair or
/// the secretariat.
pub fn may_act_for(c: &Conference, person: &PersonId, d: &Delegation) -> bool {
    d.conference == c.id
        && (d.members.iter().any(|m| &m.person == person)
            || may_chair(c, person)
            || may_manage(c, person))
}

/// Registrations, documents' existence, exports: the secretariat and officers.
pub fn may_export_registrations(c: &Conference, person: &PersonId) -> bool {
    may_manage(c, person) || !officer_categories(c, person).is_empty()
}
