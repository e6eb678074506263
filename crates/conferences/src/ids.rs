//! Identifiers: 128 bits from a cryptographic generator, 32 lower-case hex characters, so ids
//! are unguessable and say nothing of what they name. [`TicketId`] is the secret a badge's QR
//! code carries. [`Country`] is an ISO 3166-1 alpha-3 code known to the CLDR table.

use crate::error::{Error, Result, invalid};
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

            /// Parses an id received from outside (URL, form, JSON, a scanner).
            pub fn parse(s: &str) -> Result<Self> {
                let s = s.trim();
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
    /// A conference.
    ConferenceId
);
random_id!(
    /// A person's registration for a conference.
    RegistrationId
);
random_id!(
    /// An uploaded document (Note Verbale, nomination letter, identity document, photo).
    DocumentId
);
random_id!(
    /// A delegation of a Member State or observer.
    DelegationId
);
random_id!(
    /// A credential received for a delegation.
    CredentialId
);
random_id!(
    /// An inscription on a speakers' list.
    EntryId
);
random_id!(
    /// The unguessable ticket a badge's QR code carries. A bearer secret: the store keeps its
    /// SHA-256 for look-up and the ticket itself only sealed.
    TicketId
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
