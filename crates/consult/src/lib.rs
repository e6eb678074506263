//! Chamber's consult capability: large informal consultations mapped with the published Pol.is
//! method. No HTTP, no SQL: identical input gives identical output whatever the thread count.
//!
//! * [`polis`] reads a Pol.is export (comments.csv, votes.csv or participants-votes.csv);
//! * [`analysis::analyze`] runs the pipeline (PCA, base and group clusters, repness, consensus);
//! * [`Conversation`] keeps votes in memory and recomputes as they arrive;
//! * [`statement`] carries statements' languages and translations (votes count per statement);
//! * [`report`] is the convenor's report (participation, map, groups, consensus, divisive
//!   statements, statements needing votes, method) with JSON and CSV writers;
//! * [`eval`] holds the adjusted Rand index and the reference-group reader (evaluation only);
//! * [`tuning`] chooses the defaults by held-out evaluation over conversations;
//! * [`cli`] is the `chamber consult` subcommand.

pub mod analysis;
pub mod cli;
pub mod conversation;
mod csv;
pub mod error;
pub mod eval;
pub mod math;
pub mod matrix;
pub mod polis;
pub mod repness;
pub mod report;
pub mod statement;
pub mod tuning;

pub use analysis::{Analysis, Group, Options, analyze};
pub use conversation::Conversation;
pub use error::{ConsultError, Result};
pub use polis::{Comment, CommentId, Export, ParticipantId, Vote, read_export};
pub use report::Report;
pub use statement::{Statement, Translations};
