//! Chamber's shared domain: accounts, roles, permissions and the tamper-evident audit record.
//!
//! Architecture invariant: this crate knows nothing of HTTP or SQL. Values are validated when
//! they are constructed (a [`Username`] that exists is a valid one), and permission decisions
//! are made here, in [`permissions`], never in templates or handlers.

pub mod account;
pub mod audit;
pub mod checkpoint;
pub mod ids;
pub mod lang;
pub mod permissions;

pub use account::{AccountError, DisplayName, Password, Role, Username};
pub use audit::{AuditDraft, AuditEntry, ChainBreak, GENESIS_HASH};
pub use lang::Lang;
