//! The published record: voyages as the Joint Coordination Centre published them, each with
//! its cargo lines (one per consignment: `Outbound` for the first, `Outbound +` for each
//! further one of the same voyage).
//!
//! Values keep what was published. Dates are the spreadsheet's date-times, without a zone
//! (the JCC's table holds 22:00 or 23:00 on the eve of most days — see the crate README); the
//! departure *date* is the calendar day of that value. IMO numbers are kept as published with
//! a flag when the check digit fails (two vessels of the JCC's table), so no voyage is lost.

use crate::error::{Result, invalid};
use crate::vessel::{ImoNumber, Tonnage};
use serde::{Deserialize, Serialize};

/// The World Bank's income groups (of the destination country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncomeGroup {
    Low,
    LowerMiddle,
    UpperMiddle,
    High,
}

impl IncomeGroup {
    pub const ALL: [IncomeGroup; 4] = [
        IncomeGroup::Low,
        IncomeGroup::LowerMiddle,
        IncomeGroup::UpperMiddle,
        IncomeGroup::High,
    ];

    /// Reads the labels as people write them: `low-income`, `lower-middle income`,
    /// `Upper middle income`, `High income`, `UMIC`.
    pub fn parse(s: &str) -> Option<IncomeGroup> {
        let k: String = s
            .to_ascii_lowercase()
            .replace("income", "")
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        match k.as_str() {
            "low" | "lic" => Some(IncomeGroup::Low),
            "lowermiddle" | "lmic" => Some(IncomeGroup::LowerMiddle),
            "uppermiddle" | "umic" => Some(IncomeGroup::UpperMiddle),
            "high" | "hic" => Some(IncomeGroup::High),
            _ => None,
        }
    }

    /// The World Bank's own label.
    pub fn label(self) -> &'static str {
        match self {
            IncomeGroup::Low => "Low income",
            IncomeGroup::LowerMiddle => "Lower-middle income",
            IncomeGroup::UpperMiddle => "Upper-middle income",
            IncomeGroup::High => "High income",
        }
    }
}

/// Which way the voyage went (the JCC's table: outbound from Ukraine's ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outbound,
    Inbound,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Outbound => "Outbound",
            Direction::Inbound => "Inbound",
        }
    }
}

/// A date-time as a spreadsheet holds it: no zone.
pub type SheetDateTime = time::PrimitiveDateTime;

/// Serialises [`SheetDateTime`] as `2022-07-31T23:00:00`.
pub mod sheet_time {
    use super::SheetDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    const FMT: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");

    pub fn format(t: &SheetDateTime) -> String {
        t.format(FMT).unwrap_or_default()
    }

    pub fn parse(s: &str) -> Option<SheetDateTime> {
        SheetDateTime::parse(s, FMT).ok()
    }

    pub fn serialize<S: Serializer>(t: &SheetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SheetDateTime, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date-time: {s}")))
    }

    pub mod option {
        use super::SheetDateTime;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(
            t: &Option<SheetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&super::format(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<SheetDateTime>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(s) => super::parse(&s)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom(format!("not a date-time: {s}"))),
            }
        }
    }
}

/// One consignment of a published voyage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCargo {
    /// `Outbound +` in the table: a further consignment of the same voyage.
    pub additional: bool,
    /// Destination country, as published.
    pub destination: String,
    pub commodity: String,
    pub tonnage: Tonnage,
    pub income_group: Option<IncomeGroup>,
    pub world_bank_region: Option<String>,
    pub un_region: Option<String>,
    pub development: Option<String>,
}

/// One voyage of the published record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voyage {
    /// The JCC's outbound sequence number.
    pub sequence: u32,
    pub direction: Direction,
    pub vessel: String,
    /// The IMO number as published.
    pub imo: u32,
    /// False when the published number fails the IMO check digit.
    pub imo_valid: bool,
    pub flag: Option<String>,
    pub departure_port: String,
    #[serde(with = "sheet_time")]
    pub departure: SheetDateTime,
    #[serde(with = "sheet_time::option")]
    pub inspection: Option<SheetDateTime>,
    pub cargo: Vec<PublishedCargo>,
}

impl Voyage {
    pub fn departure_date(&self) -> time::Date {
        self.departure.date()
    }

    pub fn inspection_date(&self) -> Option<time::Date> {
        self.inspection.map(|t| t.date())
    }

    pub fn tonnage(&self) -> Tonnage {
        self.cargo.iter().map(|c| c.tonnage).sum()
    }

    /// Calendar days from departure to inspection.
    pub fn days_to_inspection(&self) -> Option<i64> {
        self.inspection_date()
            .map(|i| (i - self.departure_date()).whole_days())
    }

    /// Checks a voyage built by hand or read back from storage.
    pub fn check(&self) -> Result<()> {
        if self.cargo.is_empty() {
            return Err(invalid("cargo", "a voyage has at least one cargo line"));
        }
        if self.imo_valid != ImoNumber::is_valid(self.imo) {
            return Err(invalid(
                "IMO number",
                "validity flag does not match the number",
            ));
        }
        if let Some(i) = self.inspection
            && i < self.departure
        {
            return Err(invalid("inspection", "before the departure"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn income_groups_as_published_are_read_into_the_world_banks_four() {
        for (s, g) in [
            ("low-income", IncomeGroup::Low),
            ("lower-middle income", IncomeGroup::LowerMiddle),
            ("upper-middle-income", IncomeGroup::UpperMiddle),
            ("High income", IncomeGroup::High),
            ("UMIC", IncomeGroup::UpperMiddle),
        ] {
            assert_eq!(IncomeGroup::parse(s), Some(g), "{s}");
        }
        assert_eq!(IncomeGroup::parse("middle"), None);
        assert_eq!(IncomeGroup::parse(""), None);
    }

    #[test]
    fn voyages_round_trip_through_json() {
        let v = Voyage {
            sequence: 1,
            direction: Direction::Outbound,
            vessel: "RAZONI".into(),
            imo: 9086526,
            imo_valid: true,
            flag: Some("Sierra Leone".into()),
            departure_port: "Odesa".into(),
            departure: time::macros::datetime!(2022-07-31 23:00),
            inspection: Some(time::macros::datetime!(2022-08-02 23:00)),
            cargo: vec![PublishedCargo {
                additional: false,
                destination: "Türkiye".into(),
                commodity: "Corn".into(),
                tonnage: Tonnage::from_kg(1_527_000),
                income_group: Some(IncomeGroup::UpperMiddle),
                world_bank_region: Some("Europe & Central Asia".into()),
                un_region: Some("Asia-Pacific".into()),
                development: Some("developing".into()),
            }],
        };
        v.check().unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert!(
            json.contains("\"departure\":\"2022-07-31T23:00:00\""),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Voyage>(&json).unwrap(), v);
        assert_eq!(v.days_to_inspection(), Some(2));
        let mut bad = v.clone();
        bad.imo = 9086527;
        assert!(bad.check().is_err());
    }
}
