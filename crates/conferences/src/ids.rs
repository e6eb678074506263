//! Identifiers: 128 bits from a cryptographic generator, 32 lower-case hex characters, so ids
//! are unguessable and say nothing of what they name. [`TicketId`] is the secret a badge's QR
//! code carries. [`Country`] is an ISO 3166-1 alpha-3 code known to the CLDR table.

use crate::error::{Error, Result, invalid};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

chamber_core::random_id!(
    /// A conference.
    ConferenceId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A person's registration for a conference.
    RegistrationId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// An uploaded document (Note Verbale, nomination letter, identity document, photo).
    DocumentId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A delegation of a Member State or observer.
    DelegationId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// A credential received for a delegation.
    CredentialId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// An inscription on a speakers' list.
    EntryId,
    Error,
    Error::BadId
);
chamber_core::random_id!(
    /// The unguessable ticket a badge's QR code carries. A bearer secret: the store keeps its
    /// SHA-256 for look-up and the ticket itself only sealed.
    TicketId,
    Error,
    Error::BadId
);

/// A Member State or observer State: ISO 3166-1 alpha-3, upper case, present in the CLDR table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Country(String);

impl Country {
    pub fn parse(s: &str) -> Result<Country> {
        let code = s.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|c| c.is_ascii_uppercase()) {
            return Err(invalid("country", "an ISO 3166-1 alpha-3 code such as TKM"));
        }
        if crate::territories::get(&code).is_none() {
            return Err(invalid(
                "country",
                format!("{code} is not a country or territory code"),
            ));
        }
        Ok(Country(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name in a language (CLDR).
    pub fn name(&self, lang: chamber_core::Lang) -> &'static str {
        crate::territories::get(&self.0)
            .map(|t| t.name(lang))
            .unwrap_or("")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Country {
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
        let a = TicketId::generate(&mut rng);
        assert_ne!(a, TicketId::generate(&mut rng));
        assert_eq!(
            TicketId::parse(&format!(" {a}\n")).unwrap(),
            a,
            "scanners add a newline"
        );
        for bad in ["", "x", &"A".repeat(32), &"0".repeat(31)] {
            assert_eq!(RegistrationId::parse(bad), Err(Error::BadId));
        }
    }

    #[test]
    fn countries_are_alpha3_codes_known_to_cldr() {
        assert_eq!(Country::parse("tkm").unwrap().as_str(), "TKM");
        assert_eq!(
            Country::parse("TKM").unwrap().name(chamber_core::Lang::Ru),
            "Туркменистан"
        );
        assert!(Country::parse("TM").is_err());
        assert!(Country::parse("QQQ").is_err());
        assert!(serde_json::from_str::<Country>("\"XYZ\"").is_err());
    }
}
