//! One error type for the capability. Messages name the field that is wrong; they never name
//! what the caller may not see: an id the viewer may not see is reported exactly like an id
//! that does not exist ([`Error::NotFound`]).

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
    /// The action does not fit the object's current state (a closed corridor, a plan already
    /// decided, a result already signed).
    #[error("{0}")]
    State(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        field,
        reason: reason.into(),
    }
}

pub(crate) fn state(reason: impl Into<String>) -> Error {
    Error::State(reason.into())
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

/// Free text (reasons, amendments, notes): newlines and tabs allowed, other controls not.
pub(crate) fn clean_text(field: &'static str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("at most {max} characters")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(invalid(field, "no control characters"));
    }
    Ok(t.to_string())
}
