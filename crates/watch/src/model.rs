//! The one normalised event model every reader produces and the store keeps.

use crate::date::Date;
use std::fmt;
use std::str::FromStr;

/// Input formats (datasets) the readers understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// GDELT 1.0 events: tab-separated, no header, 57 (backfile) or 58 (daily) columns.
    Gdelt1,
    /// GDELT 1.0 rows exported as CSV with a header row (R `write.csv`: quoted, `NA`, row names).
    Gdelt1Csv,
    /// GDELT 2.0 events: tab-separated, no header, 61 columns.
    Gdelt2,
    /// ICEWS coded event data, Dataverse TSV with header.
    Icews,
    /// UCDP Georeferenced Event Dataset CSV (optionally with an HXL tag row).
    Ucdp,
    /// ACLED CSV export (modern 31-column header).
    Acled,
    /// PLOVER / POLECAT JSON records (a JSON array or JSON lines).
    Plover,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Gdelt1,
        Format::Gdelt1Csv,
        Format::Gdelt2,
        Format::Icews,
        Format::Ucdp,
        Format::Acled,
        Format::Plover,
    ];

    /// The name used on the command line and in the store.
    pub fn name(self) -> &'static str {
        match self {
            Format::Gdelt1 => "gdelt1",
            Format::Gdelt1Csv => "gdelt1-csv",
            Format::Gdelt2 => "gdelt2",
            Format::Icews => "icews",
            Format::Ucdp => "ucdp",
            Format::Acled => "acled",
            Format::Plover => "plover",
        }
    }

    /// The dataset family (de-duplication namespace): GDELT 1.0 TSV and CSV share ids.
    pub fn dataset(self) -> &'static str {
        match self {
            Format::Gdelt1 | Format::Gdelt1Csv => "gdelt1",
            other => other.name(),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .or(match s.as_str() {
                "gdelt" | "gdelt1-tsv" => Some(Format::Gdelt1),
                "acled-csv" => Some(Format::Acled),
                "ucdp-ged" | "ged" => Some(Format::Ucdp),
                "polecat" => Some(Format::Plover),
                _ => None,
            })
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?} (known: {})", names.join(", "))
            })
    }
}

/// One side of an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actor {
    /// Dataset's actor code (CAMEO actor code for GDELT/PLOVER), trimmed.
    pub code: String,
    /// Name as written in the source.
    pub name: String,
    /// ISO 3166-1 alpha-3 country, empty when unknown or not a country.
    pub country: String,
    /// Actor type (CAMEO type code like GOV/MIL/REB, ICEWS sector, ACLED interaction code).
    pub kind: String,
}

/// A normalised political event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// Dataset family (`gdelt1`, `gdelt2`, `icews`, `ucdp`, `acled`, `plover`).
    pub dataset: String,
    /// Source-native id used for de-duplication (GLOBALEVENTID, ICEWS "Event ID@date", …).
    pub id: String,
    pub date: Option<Date>,
    pub source: Actor,
    pub target: Actor,
    /// Full CAMEO code (`"0834"`), empty when the dataset has none.
    pub cameo: String,
    /// CAMEO root (1–20), 0 when unknown.
    pub root: u8,
    /// QuadClass 1–4, 0 when unknown.
    pub quad: u8,
    pub goldstein: Option<f32>,
    pub mentions: u32,
    pub sources: u32,
    pub fatalities_low: Option<u32>,
    pub fatalities_best: Option<u32>,
    pub fatalities_high: Option<u32>,
    /// ISO3 of the country where the event happened.
    pub country: String,
    pub admin1: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Place name or feature id (used by the artifact guard).
    pub location: String,
    pub url: String,
}

impl Event {
    /// The de-duplication key: dataset + source-native id.
    pub fn key(&self) -> (&str, &str) {
        (&self.dataset, &self.id)
    }
}
