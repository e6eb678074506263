//! Identifiers. Every id of a process object is 128 bits from a cryptographic generator,
//! written as 32 lower-case hex characters: ids are unguessable and say nothing of what they
//! name (no counters, no party names, no timestamps).

use crate::error::{Error, Result};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh id: 16 random bytes from a cryptographic generator.
            pub fn generate<R: CryptoRng + RngCore + ?Sized>(rng: &mut R) -> Self {
                let mut b = [0u8; 16];
                rng.fill_bytes(&mut b);
                Self(hex::encode(b))
            }

            /// Parses an id received from outside (URL, form, JSON).
            pub fn parse(s: &str) -> Result<Self> {
                if is_hex128(s) {
                    Ok(Self(s.to_string()))
                } else {
                    Err(Error::BadId)
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::parse(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn is_hex128(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

random_id!(
    /// A peace process or preventive case.
    ProcessId
);
random_id!(
    /// A party to a process.
    PartyId
);
random_id!(
    /// A space (plenary, a caucus, mediators only).
    SpaceId
);
random_id!(
    /// A note or document in a space.
    NoteId
);
random_id!(
    /// A room of the venue.
    RoomId
);
random_id!(
    /// A session or round of talks.
    SessionId
);
random_id!(
    /// A paragraph (or sub-item) of the negotiating text; stable across versions.
    ParagraphId
);
random_id!(
    /// A proposed amendment.
    AmendmentId
);
random_id!(
    /// An adopted agreement.
    AgreementId
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
