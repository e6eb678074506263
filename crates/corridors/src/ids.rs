//! Identifiers. Every id of a corridor object is 128 bits from a cryptographic generator,
//! written as 32 lower-case hex characters: unguessable, and saying nothing of what they name
//! (an operator cannot count another operator's registrations by trying numbers).

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

chamber_core::random_id!(
    /// A corridor and its joint coordination centre.
    CorridorId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A vessel's or convoy's registration for one movement through a corridor.
    RegistrationId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A daily movement plan.
    PlanId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A joint inspection.
    InspectionId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A transit incident (deviation, unscheduled stop).
    IncidentId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A humanitarian notification (a movement or a static site).
    NotificationId,
    Error,
    Error::BadId
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
