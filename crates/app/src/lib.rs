//! Chamber's application layer: the use cases of each capability, between its domain crate
//! (pure rules, no I/O) and the wire (the server's pages and API, the command line).
//!
//! A use case here opens what it needs from the store, asks the domain to decide, and writes
//! the result with its audit entry. The server and the `chamber` binary both call these
//! functions; neither holds a rule of its own.
//!
//! Architecture invariants:
//! - No HTTP here (no axum, no status codes, no templates): errors are [`AppError`] values that
//!   the server turns into pages or JSON and the CLI into exit codes.
//! - Every path in the data directory is named once, by [`DataDir`].
//! - Confidential mediation records are sealed before they reach the store and opened only when
//!   the request shows them (see [`mediation`]).

pub mod accounts;
pub mod checkpoints;
pub mod conferences;
pub mod consult;
pub mod corridors;
pub mod data_dir;
pub mod demo;
pub mod error;
pub mod keys;
pub mod mediation;

pub use data_dir::DataDir;
pub use error::AppError;
