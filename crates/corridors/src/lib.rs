//! Chamber's corridors capability, pure core (issue 16): a joint coordination centre for
//! humanitarian and transit corridors, on the model of the Black Sea Grain Initiative's Joint
//! Coordination Centre and of humanitarian notification systems.
//!
//! A [`Corridor`](corridor::Corridor) has parties, a route with a safety radius, ports or
//! crossing points, an inspection area, rules and a recorded status. Operators register
//! movements ([`registration`]; IMO check digits, late registrations flagged by rule); a party
//! proposes each day's [`plan`] and every party's representative approves it by the deadline;
//! joint teams with one inspector per party sign each [`inspection`] result; position reports
//! are checked against the route ([`monitoring`]); organisations notify movements and sites and
//! the parties acknowledge ([`notification`]). The published record ([`voyages`], read from
//! the JCC's own spreadsheet by [`jcc`]) feeds the [`report`], its SVG [`charts`] and the CSV
//! export with HXL hashtags ([`hxl`]).
//!
//! Architecture invariant: no HTTP, no SQL, no network; the only I/O is reading and writing
//! spreadsheets given as bytes or paths. Every access decision is made in [`permissions`]:
//! listings take the viewer and filter, and another operator's registration answers
//! [`Error::NotFound`] exactly like one that does not exist. Ids are 128-bit random hex.

pub mod charts;
pub mod corridor;
pub mod error;
pub mod geo;
pub mod hxl;
pub mod ids;
pub mod inspection;
pub mod jcc;
pub mod monitoring;
pub mod notification;
pub mod permissions;
mod person;
pub mod plan;
pub mod registration;
pub mod report;
pub mod synthetic;
pub mod vessel;
pub mod voyages;
pub mod xlsx;

pub use corridor::{Corridor, CorridorStatus};
pub use error::{Error, Result};
pub use person::Person;

/// Days serialised as `2022-08-03` (`#[serde(with = "crate::day")]`).
pub mod day {
    use serde::{Deserialize, Deserializer, Serializer};

    const FMT: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(d: &time::Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format(FMT).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<time::Date, D::Error> {
        let s = String::deserialize(d)?;
        time::Date::parse(&s, FMT).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(d: &Option<time::Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => {
                    s.serialize_some(&d.format(super::FMT).map_err(serde::ser::Error::custom)?)
                }
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<time::Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| time::Date::parse(&s, super::FMT).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// Timestamps are UTC `OffsetDateTime`s serialised as RFC 3339.
pub type Timestamp = time::OffsetDateTime;

/// `2022-08-02T13:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The calendar day in UTC.
pub fn utc_date(t: Timestamp) -> time::Date {
    t.to_offset(time::UtcOffset::UTC).date()
}
