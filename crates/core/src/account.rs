//! Accounts and roles, validated at construction.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an account value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("username must be 3 to 64 characters of letters, digits, '.', '-' or '_'")]
    BadUsername,
    #[error("display name must be 1 to 120 characters with no control characters")]
    BadDisplayName,
    #[error("password must be at least {min} characters long (at most 1024)")]
    WeakPassword { min: usize },
    #[error("unknown role '{0}' (expected admin, mediator, delegate, observer or analyst)")]
    UnknownRole(String),
    #[error("a party delegate must belong to exactly one party of one process")]
    DelegateWithoutParty,
    #[error("only a party delegate belongs to a party")]
    PartyForNonDelegate,
}

/// What a person may do in Chamber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Secretariat officer: administers the chamber, its accounts and its record.
    Admin,
    /// Mediator or special envoy: sees the whole of the processes they mediate.
    Mediator,
    /// Party delegate: member of exactly one party of one process.
    Delegate,
    /// Observer: sees plenary material of the processes they observe.
    Observer,
    /// Early-warning analyst: watches tension series and alerts.
    Analyst,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Mediator,
        Role::Delegate,
        Role::Observer,
        Role::Analyst,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Mediator => "mediator",
            Role::Delegate => "delegate",
            Role::Observer => "observer",
            Role::Analyst => "analyst",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" | "administrator" | "secretariat" => Ok(Role::Admin),
            "mediator" | "envoy" => Ok(Role::Mediator),
            "delegate" | "party_delegate" | "party-delegate" => Ok(Role::Delegate),
            "observer" => Ok(Role::Observer),
            "analyst" => Ok(Role::Analyst),
            other => Err(AccountError::UnknownRole(other.to_string())),
        }
    }
}

/// A login name: 3–64 characters of ASCII letters, digits, `.`, `-`, `_`; stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok_len = (3..=64).contains(&s.len());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if ok_len && ok_chars {
            Ok(Username(s))
        } else {
            Err(AccountError::BadUsername)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as shown to others. Any script; no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s = raw.trim();
        let n = s.chars().count();
        if (1..=120).contains(&n) && !s.chars().any(char::is_control) {
            Ok(DisplayName(s.to_string()))
        } else {
            Err(AccountError::BadDisplayName)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: long enough to resist guessing. Never logged, never stored as is.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let n = raw.chars().count();
        if (Self::MIN_LEN..=1024).contains(&n) {
            Ok(Password(raw.to_string()))
        } else {
            Err(AccountError::WeakPassword { min: Self::MIN_LEN })
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_validated_and_lowercased() {
        assert_eq!(Username::parse(" Amina.K ").unwrap().as_str(), "amina.k");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("<script>").is_err());
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("emperor".parse::<Role>().is_err());
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::parse("short").is_err());
        let p = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    #[test]
    fn display_names_take_any_script_but_no_controls() {
        assert!(DisplayName::parse("王小明").is_ok());
        assert!(DisplayName::parse("a\u{0007}b").is_err());
        assert!(DisplayName::parse("   ").is_err());
    }
}
