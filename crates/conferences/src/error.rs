//! One error type for the capability. Each message says what was refused and why, naming the
//! field; none names content the caller may not see (unknown and forbidden are both
//! [`Error::NotFound`]).

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
    #[error(
        "the delegation of {country} already has {limit} {function}, the most this conference allows"
    )]
    DelegationFull {
        country: String,
        function: &'static str,
        limit: u32,
    },
    #[error(
        "credentials must be issued by the Head of State or Government or the Minister for Foreign Affairs; {0:?} has no such authority"
    )]
    IssuerWithoutAuthority(String),
    #[error("no badge: {0}")]
    BadgeRefused(&'static str),
    #[error("document too large: {size} bytes, the limit is {limit} bytes")]
    DocumentTooLarge { size: usize, limit: usize },
    #[error("document refused: a {kind} must be {allowed} (checked by its content, not its name)")]
    DocumentFormat {
        kind: &'static str,
        allowed: &'static str,
    },
    #[error("the {0} category is full and keeps no waiting list")]
    CategoryFull(&'static str),
    #[error("cannot approve yet: missing {0}")]
    MissingDocuments(String),
    #[error("cannot {action} a registration that is {state}")]
    WrongState {
        action: &'static str,
        state: &'static str,
    },
    #[error("{0}")]
    Text(#[from] chamber_mediation::Error),
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
