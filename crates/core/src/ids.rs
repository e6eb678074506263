//! Random identifiers, one way for every capability: 128 bits from a cryptographic generator,
//! written as 32 lower-case hex characters. Ids are unguessable and say nothing of what they
//! name (no counters, no names, no timestamps), so nobody counts another party's records by
//! trying numbers.

/// Whether `s` is an id as [`random_id!`] writes it.
pub fn is_hex128(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Declares an id type: `random_id!(/// doc, NoteId, crate::error::Error, crate::error::Error::BadId);`
/// gives `generate(rng)`, `parse(s) -> Result<_, Error>` (refusing anything but 32 lower-case
/// hex characters with `$bad`), `as_str`, `Display`, `FromStr`, and serde as a string that is
/// parsed again when read (valid by construction, even after deserialising).
///
/// The calling crate depends on `rand`, `hex` and `serde`.
#[macro_export]
macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $err:ty, $bad:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh id: 16 random bytes from a cryptographic generator.
            pub fn generate<R: ::rand::CryptoRng + ::rand::RngCore + ?Sized>(rng: &mut R) -> Self {
                let mut b = [0u8; 16];
                rng.fill_bytes(&mut b);
                Self(::hex::encode(b))
            }

            /// Parses an id received from outside (URL, form, JSON, a scanner that adds a
            /// newline): surrounding white space is ignored.
            pub fn parse(s: &str) -> ::std::result::Result<Self, $err> {
                let s = s.trim();
                if $crate::ids::is_hex128(s) {
                    Ok(Self(s.to_string()))
                } else {
                    Err($bad)
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $err;
            fn from_str(s: &str) -> ::std::result::Result<Self, $err> {
                Self::parse(s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_32_lower_case_hex_characters_are_ids() {
        assert!(super::is_hex128(&"a1".repeat(16)));
        for bad in [
            "",
            "A1".repeat(16).as_str(),
            &"a".repeat(31),
            &"g".repeat(32),
            "../x",
        ] {
            assert!(!super::is_hex128(bad), "{bad:?}");
        }
    }
}
