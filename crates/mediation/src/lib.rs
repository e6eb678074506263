//! Chamber's mediation capability, pure core (issue 5): peace processes and preventive cases,
//! their confidential spaces, the venue, the single negotiating text, the agreement and its
//! implementation monitored over time, lessons learned when a process closes, Akoma Ntoso
//! export, and encryption at rest for caucus content.
//!
//! Architecture invariant: no HTTP, no SQL, no network. Every access decision about a process is
//! made in [`permissions`]; listing functions there take the viewer and filter, so a caller
//! cannot enumerate another party's caucus. Ids are 128-bit random hex. Versions of the
//! negotiating text are immutable values, hashed over their canonical JSON.

pub mod agreement;
pub mod akn;
pub mod confidential;
pub mod demo;
pub mod error;
pub mod ids;
pub mod lessons;
pub mod permissions;
pub mod process;
pub mod spaces;
pub mod text;
pub mod venue;

pub use error::Error;
pub use ids::{
    AgreementId, AmendmentId, NoteId, ParagraphId, PartyId, PersonId, ProcessId, RoomId, SessionId,
    SpaceId,
};
pub use process::{
    Attribution, Closure, Origin, Participant, Party, Process, ProcessKind, ProcessRole, Track,
    TrackKind, TrackStatus,
};
pub use spaces::{InSpace, Note, Space, SpaceKind, SpaceView};

/// Timestamps are UTC `OffsetDateTime`s serialised as RFC 3339.
pub type Timestamp = time::OffsetDateTime;
