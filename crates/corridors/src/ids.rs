//! Identifiers. Every id of a corridor object is 128 bits from a cryptographic generator,
//! written as 32 lower-case hex characters: unguessable, and saying nothing of what they name
//! (an operator cannot count another operator's registrations by trying numbers).

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
                if s.len() == 32 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
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

random_id!(
    /// A corridor and its joint coordination centre.
    CorridorId
);
random_id!(
    /// A vessel's or convoy's registration for one movement through a corridor.
    RegistrationId
);
random_id!(
    /// A daily movement plan.
    PlanId
);
random_id!(
    /// A joint inspection.
    InspectionId
);
random_id!(
    /// A transit incident (deviation, unscheduled stop).
    IncidentId
);
random_id!(
    /// A humanitarian notification (a movement or a static site).
    NotificationId
);

/// A party to a corridor, by a short code the parties agree on (`RU`, `TR`, `UA`, `UN`):
/// 1–16 ASCII letters, digits, `-` or `_`, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PartyCode(String);

impl PartyCode {
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_uppercase();
        if (1..=16).contains(&t.len())
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            Ok(Self(t))
        } else {
            Err(crate::error::invalid(
                "party",
                "a code of 1 to 16 letters, digits, '-' or '_'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartyCode {
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
    fn ids_are_random_hex_and_forgeries_are_refused() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let a = RegistrationId::generate(&mut rng);
        assert_eq!(a.as_str().len(), 32);
        assert_ne!(a, RegistrationId::generate(&mut rng));
        assert_eq!(RegistrationId::parse(a.as_str()).unwrap(), a);
        for bad in ["", "1", "../x", &"A".repeat(32), &"0".repeat(31)] {
            assert_eq!(CorridorId::parse(bad), Err(Error::BadId), "{bad:?}");
        }
        assert!(serde_json::from_str::<PlanId>("\"zz\"").is_err());
    }

    #[test]
    fn party_codes_are_short_and_upper_case() {
        assert_eq!(PartyCode::parse(" ua ").unwrap().as_str(), "UA");
        assert!(PartyCode::parse("").is_err());
        assert!(PartyCode::parse("two words").is_err());
        assert!(serde_json::from_str::<PartyCode>("\"a b\"").is_err());
    }
}
