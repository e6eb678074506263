//! Identifiers. Every id of a process object is 128 bits from a cryptographic generator,
//! written as 32 lower-case hex characters: ids are unguessable and say nothing of what they
//! name (no counters, no party names, no timestamps).

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

chamber_core::random_id!(
    /// A peace process or preventive case.
    ProcessId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A party to a process.
    PartyId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A space (plenary, a caucus, mediators only).
    SpaceId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A note or document in a space.
    NoteId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A room of the venue.
    RoomId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A session or round of talks.
    SessionId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A paragraph (or sub-item) of the negotiating text; stable across versions.
    ParagraphId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A proposed amendment.
    AmendmentId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// An adopted agreement.
    AgreementId,
    Error,
    Error::BadId
);

/// A person, as the platform's account layer names them (the lead maps accounts to this).
/// 1 to 128 characters, no whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PersonId(String);

impl PersonId {
    pub fn parse(s: &str) -> Result<Self> {
        if s.is_empty()
            || s.chars().count() > 128
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(crate::error::invalid(
                "person",
                "1 to 128 characters without spaces",
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PersonId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_ids_are_128_bit_hex_and_distinct() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let a = ProcessId::generate(&mut rng);
        let b = ProcessId::generate(&mut rng);
        assert_eq!(a.as_str().len(), 32);
        assert_ne!(a, b);
        assert_eq!(ProcessId::parse(a.as_str()).unwrap(), a);
    }

    #[test]
    fn forged_ids_are_refused() {
        for bad in [
            "",
            "1",
            "../etc",
            &"g".repeat(32),
            &"A".repeat(32),
            &"0".repeat(33),
        ] {
            assert_eq!(SpaceId::parse(bad), Err(Error::BadId), "{bad:?}");
        }
        let json = format!("\"{}\"", "z".repeat(32));
        assert!(serde_json::from_str::<SpaceId>(&json).is_err());
        assert!(PersonId::parse("two words").is_err());
        assert!(PersonId::parse("amira.k").is_ok());
    }
}
