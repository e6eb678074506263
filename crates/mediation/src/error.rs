//! One error type for the capability. Messages never name content the caller may not see:
//! an id the viewer may not see is reported exactly like an id that does not exist.

use crate::ids::{AmendmentId, ParagraphId};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("malformed id: expected 32 lower-case hexadecimal characters")]
    BadId,
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// Used both for "does not exist" and "exists but you may not see it".
    #[error("not found")]
    NotFound,
    #[error("not permitted: {0}")]
    Forbidden(&'static str),
    #[error("this person already takes part in the process")]
    AlreadyParticipant,
    #[error("a party delegate must belong to a party of this process")]
    UnknownParty,
    #[error("paragraph {0} does not exist in this version")]
    NoSuchParagraph(ParagraphId),
    #[error("paragraph {0} has no alternative {1}")]
    NoSuchAlternative(ParagraphId, usize),
    #[error(
        "span no longer matches in paragraph {paragraph} at character {at}: expected {expected:?}, found {found:?}"
    )]
    SpanMismatch {
        paragraph: ParagraphId,
        at: usize,
        expected: String,
        found: String,
    },
    #[error("paragraph {0} already exists")]
    DuplicateParagraph(ParagraphId),
    #[error("operation not allowed in a party amendment: {0}")]
    NotAPartyOperation(&'static str),
    #[error("version {0} does not exist")]
    NoSuchVersion(u32),
    #[error("amendment {0} is not pending")]
    NotPending(AmendmentId),
    #[error("amendment {0} is not in this text's record")]
    NoSuchAmendment(AmendmentId),
    #[error("the text still has bracketed language or open alternatives in paragraph(s) {0}")]
    NotAgreed(String),
    #[error("this process is closed")]
    Closed,
    #[error("implementation score must be 0, 1, 2 or 3 (got {0})")]
    BadScore(u8),
    #[error("key error: {0}")]
    Key(String),
    #[error("sealed content could not be opened (wrong key, wrong context, or tampered)")]
    Open,
    #[error("record integrity: {0}")]
    Integrity(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        field,
        reason: reason.into(),
    }
}

/// A user-supplied line of text: trimmed, 1..=max characters, no control characters.
pub(crate) fn clean_line(field: &'static str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("at most {max} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid(field, "no control characters"));
    }
    Ok(t.to_string())
}

/// Free text (minutes, notes, evidence): newlines and tabs allowed, other controls not.
pub(crate) fn clean_text(field: &'static str, s: &str, max: usize) -> Result<String> {
    if s.chars().count() > max {
        return Err(invalid(field, format!("at most {max} characters")));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid(field, "no control characters"));
    }
    Ok(s.replace("\r\n", "\n").replace('\r', "\n"))
}
