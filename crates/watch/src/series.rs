//! Monthly count series: one number per country-month (deaths, usually), the input of the
//! count detectors, the episode backtest and the forecasts.
//!
//! Sources, each read as its publisher ships it:
//! * the VIEWS country-month panel in its long CSV (`month`, `gleditsch_ward`,
//!   `country_name`, `ged_sb_actuals` …), countries by name, else Gleditsch–Ward number;
//! * a UCDP GED event file (UCDP's download or HDX's variant with its hashtag row): `best`
//!   summed by the month of `date_start`, per country (`iso3`, else `country_id` as a
//!   Gleditsch–Ward number, else the country name);
//! * the watch store's monthly buckets (their `fatalities`).
//!
//! A series is contiguous: months without a record inside its span are zero (UCDP records
//! every event it codes, so a month without one had none).

use crate::codebook::codebooks;
use crate::date::Date;
use crate::indicators::Bucket;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A calendar month, counted as `year * 12 + (month − 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn from_ym(year: i32, month: u32) -> Option<Month> {
        (1..=12)
            .contains(&month)
            .then_some(Month(year * 12 + month as i32 - 1))
    }

    /// Parse `YYYY-MM` (also the month of a `YYYY-MM-DD…` date).
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..7]).all(u8::is_ascii_digit) {
            return None;
        }
        if b.len() > 7 {
            Date::parse_iso(s)?;
        }
        Month::from_ym(s[..4].parse().ok()?, s[5..7].parse().ok()?)
    }

    pub fn of(d: Date) -> Month {
        let (y, m, _) = d.ymd();
        Month(y * 12 + m as i32 - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year(), self.month(), 1).expect("first of a month exists")
    }

    pub fn last_day(self) -> Date {
        Date((self + 1).first_day().0 - 1)
    }

    /// VIEWS' month id: 1 = January 1980.
    pub fn views_id(self) -> i32 {
        self.0 - 1980 * 12 + 1
    }

    pub fn from_views_id(id: i32) -> Month {
        Month(id - 1 + 1980 * 12)
    }
}

impl std::ops::Add<i32> for Month {
    type Output = Month;
    fn add(self, n: i32) -> Month {
        Month(self.0 + n)
    }
}

impl std::ops::Sub<Month> for Month {
    type Output = i32;
    fn sub(self, o: Month) -> i32 {
        self.0 - o.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM: {s:?}")))
    }
}

/// One country's (or scope's) monthly counts, contiguous from `start`.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlySeries {
    /// ISO3 country, `AAA-BBB` dyad, or admin1 code.
    pub scope: String,
    pub start: Month,
    pub values: Vec<f64>,
}

impl MonthlySeries {
    /// From (month, value) pairs in any order; repeated months add up; gaps become zero.
    pub fn from_points(scope: &str, points: impl IntoIterator<Item = (Month, f64)>) -> Self {
        let map: BTreeMap<Month, f64> =
            points.into_iter().fold(BTreeMap::new(), |mut m, (k, v)| {
                *m.entry(k).or_default() += v;
                m
            });
        let (Some(first), Some(last)) = (map.keys().next().copied(), map.keys().last().copied())
        else {
            return MonthlySeries {
                scope: scope.to_string(),
                start: Month(0),
                values: Vec::new(),
            };
        };
        let mut values = vec![0.0; (last - first + 1) as usize];
        for (m, v) in map {
            values[(m - first) as usize] = v;
        }
        MonthlySeries {
            scope: scope.to_string(),
            start: first,
            values,
        }
    }

    /// The watch store's monthly buckets of a scope (their deaths).
    pub fn from_buckets(scope: &str, buckets: &[Bucket]) -> Self {
        Self::from_points(
            scope,
            buckets
                .iter()
                .filter_map(|b| Some((Month::of(b.start?), b.fatalities as f64))),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Month after the last one.
    pub fn end(&self) -> Month {
        self.start + self.values.len() as i32
    }

    pub fn last_month(&self) -> Option<Month> {
        (!self.values.is_empty()).then(|| self.end() + -1)
    }

    pub fn month_at(&self, i: usize) -> Month {
        self.start + i as i32
    }

    pub fn get(&self, m: Month) -> Option<f64> {
        let i = m - self.start;
        (i >= 0)
            .then(|| self.values.get(i as usize).copied())
            .flatten()
    }

    pub fn points(&self) -> impl Iterator<Item = (Month, f64)> + '_ {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| (self.month_at(i), *v))
    }

    /// The series up to and including `last` (a forecast's data cutoff).
    pub fn until(&self, last: Month) -> MonthlySeries {
        let n = (last - self.start + 1).clamp(0, self.values.len() as i32) as usize;
        MonthlySeries {
            scope: self.scope.clone(),
            start: self.start,
            values: self.values[..n].to_vec(),
        }
    }

    /// `n` zero months put before the first one.
    pub fn with_leading_zeros(mut self, n: usize) -> MonthlySeries {
        let mut v = vec![0.0; n];
        v.extend_from_slice(&self.values);
        self.values = v;
        self.start = self.start + -(n as i32);
        self
    }
}

/// A bad cell in a series file: file, line, field and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}: {}", self.file, self.field, self.reason)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.reason
            )
        }
    }
}

impl std::error::Error for SeriesError {}

/// Monthly series of many countries from one source, keyed by ISO3.
#[derive(Clone, Debug, Default)]
pub struct Panel {
    /// Where the numbers come from (file and column).
    pub source: String,
    pub series: BTreeMap<String, MonthlySeries>,
    /// Country names as the source writes them, by ISO3.
    pub names: BTreeMap<String, String>,
}

impl Panel {
    pub fn get(&self, iso3: &str) -> Option<&MonthlySeries> {
        self.series.get(iso3)
    }

    /// First and last month over every country.
    pub fn span(&self) -> Option<(Month, Month)> {
        let first = self.series.values().map(|s| s.start).min()?;
        let last = self.series.values().filter_map(|s| s.last_month()).max()?;
        Some((first, last))
    }
}

/// Which VIEWS column to read as the state-based deaths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewsColumn {
    /// `ged_sb_actuals`: the later release (UCDP revisions included); the default.
    Actuals,
    /// `ged_sb_actuals_release2023`: the 2023 challenge release (2018–2021).
    Release2023,
}

impl ViewsColumn {
    pub fn name(self) -> &'static str {
        match self {
            ViewsColumn::Actuals => "ged_sb_actuals",
            ViewsColumn::Release2023 => "ged_sb_actuals_release2023",
        }
    }
}

fn header_index(
    headers: &csv::StringRecord,
    file: &str,
    names: &[&str],
) -> Result<usize, SeriesError> {
    names
        .iter()
        .find_map(|n| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(n))
        })
        .ok_or_else(|| SeriesError {
            file: file.to_string(),
            line: 1,
            field: names[0].to_string(),
            reason: "column missing from the header".into(),
        })
}

/// Read the VIEWS country-month panel's long CSV (`derived_cm_fatalities_long.csv`).
/// Empty cells are months the release does not cover; they are left out.
pub fn read_views_csv(path: &Path, column: ViewsColumn) -> Result<Panel, SeriesError> {
    let file = path.display().to_string();
    let err = |line: u64, field: &str, reason: String| SeriesError {
        file: file.clone(),
        line,
        field: field.to_string(),
        reason,
    };
    let mut rd = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| err(0, "file", e.to_string()))?;
    let headers = rd
        .headers()
        .map_err(|e| err(1, "header", e.to_string()))?
        .clone();
    let i_month = header_index(&headers, &file, &["month"])?;
    let i_gw = header_index(&headers, &file, &["gleditsch_ward"])?;
    let i_name = header_index(&headers, &file, &["country_name"])?;
    let i_val = header_index(&headers, &file, &[column.name()])?;
    let cb = codebooks();
    let mut points: BTreeMap<String, Vec<(Month, f64)>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (n, rec) in rd.records().enumerate() {
        let line = n as u64 + 2;
        let rec = rec.map_err(|e| err(line, "row", e.to_string()))?;
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let month = Month::parse(cell(i_month))
            .ok_or_else(|| err(line, "month", format!("not YYYY-MM: {:?}", cell(i_month))))?;
        let gw: u32 = cell(i_gw).parse().map_err(|_| {
            err(
                line,
                "gleditsch_ward",
                format!("not a number: {:?}", cell(i_gw)),
            )
        })?;
        let name = cell(i_name);
        // The name first: the codebook's numbers are COW codes where COW and Gleditsch–Ward
        // differ (GW 970 is Kiribati, COW 970 Nauru).
        let iso3 = cb
            .name_to_iso3(name)
            .or_else(|| cb.gw_to_iso3(gw))
            .ok_or_else(|| {
                err(
                    line,
                    "gleditsch_ward",
                    format!("no country for Gleditsch–Ward {gw} ({name})"),
                )
            })?;
        names
            .entry(iso3.to_string())
            .or_insert_with(|| name.to_string());
        let raw = cell(i_val);
        if raw.is_empty() {
            continue;
        }
        let v: f64 = raw
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                err(
                    line,
                    column.name(),
                    format!("not a count of deaths: {raw:?}"),
                )
            })?;
        points.entry(iso3.to_string()).or_default().push((month, v));
    }
    if points.is_empty() {
        return Err(err(0, column.name(), "no values in the file".into()));
    }
    Ok(Panel {
        source: format!("{file} ({})", column.name()),
        series: points
            .into_iter()
            .map(|(k, v)| {
                let s = MonthlySeries::from_points(&k, v);
                (k, s)
            })
            .collect(),
        names,
    })
}

/// Read a UCDP GED event file (UCDP's download or HDX's variant): `best` summed per country
/// and month of `date_start`; `types` keeps only those `type_of_violence` codes (1
/// state-based, 2 non-state, 3 one-sided), all when empty.
pub fn read_ged_csv(path: &Path, types: &[u8]) -> Result<Panel, SeriesError> {
    let file = path.display().to_string();
    let err = |line: u64, field: &str, reason: String| SeriesError {
        file: file.clone(),
        line,
        field: field.to_string(),
        reason,
    };
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| err(0, "file", e.to_string()))?;
    let headers = rd
        .headers()
        .map_err(|e| err(1, "header", e.to_string()))?
        .clone();
    let i_date = header_index(&headers, &file, &["date_start"])?;
    let i_best = header_index(&headers, &file, &["best"])?;
    let i_type = header_index(&headers, &file, &["type_of_violence"]).ok();
    let i_iso = header_index(&headers, &file, &["iso3"]).ok();
    let i_cid = header_index(&headers, &file, &["country_id"]).ok();
    let i_country = header_index(&headers, &file, &["country"]).ok();
    let cb = codebooks();
    let mut points: BTreeMap<String, Vec<(Month, f64)>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (n, rec) in rd.records().enumerate() {
        let line = n as u64 + 2;
        let rec = rec.map_err(|e| err(line, "row", e.to_string()))?;
        let cell = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        // HDX's hashtag row (`#date+year` …).
        if line == 2 && rec.iter().any(|f| f.trim_start().starts_with('#')) {
            continue;
        }
        if let Some(t) = i_type {
            let t: u8 = cell(Some(t)).parse().map_err(|_| {
                err(
                    line,
                    "type_of_violence",
                    format!("not 1, 2 or 3: {:?}", cell(Some(t))),
                )
            })?;
            if !types.is_empty() && !types.contains(&t) {
                continue;
            }
        }
        let date = Date::parse_iso(cell(Some(i_date))).ok_or_else(|| {
            err(
                line,
                "date_start",
                format!("not a date: {:?}", cell(Some(i_date))),
            )
        })?;
        let best: f64 = cell(Some(i_best))
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                err(
                    line,
                    "best",
                    format!("not a count: {:?}", cell(Some(i_best))),
                )
            })?;
        let name = cell(i_country);
        let iso3 = Some(cell(i_iso))
            .filter(|c| cb.is_iso3(c))
            .or_else(|| cell(i_cid).parse().ok().and_then(|n| cb.gw_to_iso3(n)))
            .or_else(|| cb.name_to_iso3(name))
            .ok_or_else(|| {
                err(
                    line,
                    "country_id",
                    format!(
                        "no country for {:?} / {:?} / {name:?}",
                        cell(i_iso),
                        cell(i_cid)
                    ),
                )
            })?;
        names
            .entry(iso3.to_string())
            .or_insert_with(|| name.to_string());
        points
            .entry(iso3.to_string())
            .or_default()
            .push((Month::of(date), best));
    }
    if points.is_empty() {
        return Err(err(0, "best", "no events in the file".into()));
    }
    Ok(Panel {
        source: format!("{file} (GED best)"),
        series: points
            .into_iter()
            .map(|(k, v)| {
                let s = MonthlySeries::from_points(&k, v);
                (k, s)
            })
            .collect(),
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let m = Month::parse("2022-02").unwrap();
        assert_eq!(m.to_string(), "2022-02");
        assert_eq!((m + 11).to_string(), "2023-01");
        assert_eq!(
            Month::parse("2013-12-15 00:00:00.000").unwrap().to_string(),
            "2013-12"
        );
        assert_eq!(Month::parse("2013-13"), None);
        assert_eq!(Month::parse("13-12"), None);
        assert_eq!(Month::from_views_id(457).to_string(), "2018-01");
        assert_eq!(Month::parse("2024-04").unwrap().views_id(), 532);
        assert_eq!(m.last_day().to_string(), "2022-02-28");
        assert_eq!(
            Month::of(Date::parse_iso("2020-12-31").unwrap()).to_string(),
            "2020-12"
        );
    }

    #[test]
    fn series_fill_gaps_and_cut() {
        let m = |s| Month::parse(s).unwrap();
        let s = MonthlySeries::from_points(
            "SSD",
            [
                (m("2013-10"), 40.0),
                (m("2013-07"), 19.0),
                (m("2013-10"), 3.0),
            ],
        );
        assert_eq!(s.start, m("2013-07"));
        assert_eq!(s.values, vec![19.0, 0.0, 0.0, 43.0]);
        assert_eq!(s.get(m("2013-08")), Some(0.0));
        assert_eq!(s.get(m("2013-11")), None);
        assert_eq!(s.until(m("2013-08")).values, vec![19.0, 0.0]);
        let z = s.with_leading_zeros(2);
        assert_eq!(z.start, m("2013-05"));
        assert_eq!(z.len(), 6);
    }

    #[test]
    fn ged_file_with_hashtag_row_and_gw_numbers() {
        let dir = std::env::temp_dir().join(format!("chamber-series-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("ged.csv");
        std::fs::write(
            &f,
            "id,type_of_violence,country,country_id,date_start,best\n\
             ,,#country+name,,#date+start,#affected+killed\n\
             1,1,Myanmar (Burma),775,2021-02-03 00:00:00.000,4\n\
             2,1,Myanmar (Burma),775,2021-04-01 00:00:00.000,2100\n\
             3,3,DR Congo (Zaire),490,2021-04-09 00:00:00.000,7\n\
             4,1,DR Congo (Zaire),490,2021-04-10 00:00:00.000,3\n",
        )
        .unwrap();
        let p = read_ged_csv(&f, &[]).unwrap();
        assert_eq!(p.series["MMR"].values, vec![4.0, 0.0, 2100.0]);
        assert_eq!(p.series["COD"].values, vec![10.0]);
        let sb = read_ged_csv(&f, &[1]).unwrap();
        assert_eq!(sb.series["COD"].values, vec![3.0]);
        std::fs::write(
            &f,
            "type_of_violence,country,country_id,date_start,best\n1,X,775,2021-02-30,4\n",
        )
        .unwrap();
        let e = read_ged_csv(&f, &[]).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "date_start"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
