//! Chamber's conferences capability, pure core (issue 17): an international forum hosted by the
//! neutral venue — registration and accreditation (Indico's part), and the intergovernmental
//! part Indico lacks: delegations and their credentials, the speakers' list, the list of
//! participants, and an outcome document negotiated among delegations.
//!
//! * [`conference`] — titles in six languages, dates, participation categories with their
//!   forms, required documents, capacity and approvers; staff roles; the timetable on the
//!   mediation venue (rooms, sessions, clashes, iCalendar).
//! * [`registration`] — one per person and conference: pending → approved | rejected |
//!   withdrawn, and the waiting list; check-in; [`documents`] sealed before storage.
//! * [`delegation`] — members within the conference's limits; credentials and the credentials
//!   committee's report. [`badge`] — print-ready SVG with a QR ticket.
//! * [`speakers`] — the speakers' list and the chair's countdown. [`participants`] — the list of
//!   participants in UN layout, country names from CLDR ([`territories`]). [`outcome`] — the
//!   single negotiating text with delegations as parties. [`interchange`] — CSV, iCalendar,
//!   Indico's export JSON.
//!
//! Architecture invariant: no HTTP, no SQL, no I/O. Every access decision is made in
//! [`permissions`]; a registration or document the viewer may not see is `NotFound`, exactly
//! like one that does not exist. Identity documents leave this crate only sealed
//! (XChaCha20-Poly1305 under the operator's key, bound to conference, registration and
//! document); tickets are 128-bit random.

pub mod badge;
pub mod conference;
pub mod delegation;
pub mod documents;
pub mod error;
pub mod ids;
pub mod interchange;
pub mod outcome;
pub mod participants;
pub mod permissions;
pub mod registration;
pub mod speakers;
pub mod territories;

pub use conference::{Category, CategoryPolicy, Conference, DelegationLimits, StaffRole, Titles};
pub use delegation::{Credential, CredentialsReport, Delegation, Function, Issuer, Verdict};
pub use documents::{DocumentFormat, DocumentKind, DocumentMeta, Retention};
pub use error::{Error, Result};
pub use ids::{
    ConferenceId, Country, CredentialId, DelegationId, DocumentId, EntryId, RegistrationId,
    TicketId,
};
pub use registration::{Affiliation, CheckIn, Registration, RegistrationForm, RegistrationState};

/// The person behind an account (the platform's username), as the mediation core names people.
pub use chamber_mediation::PersonId;

/// Timestamps are UTC `OffsetDateTime`s serialised as RFC 3339.
pub type Timestamp = time::OffsetDateTime;
