//! A person as the platform's accounts name them: a username (3–64 characters of ASCII
//! letters, digits, `.`, `-`, `_`, lower-case), checked by [`chamber_core::Username`].

use crate::error::{Result, invalid};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Person(String);

impl Person {
    pub fn parse(s: &str) -> Result<Person> {
        chamber_core::Username::parse(s)
            .map(|u| Person(u.as_str().to_string()))
            .map_err(|_| {
                invalid(
                    "person",
                    "a username of 3 to 64 letters, digits, '.', '-', '_'",
                )
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&chamber_core::Username> for Person {
    fn from(u: &chamber_core::Username) -> Person {
        Person(u.as_str().to_string())
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Person {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Person::parse(&s).map_err(serde::de::Error::custom)
    }
}
