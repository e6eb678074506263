//! What the watch pages need from the domain, as data: a checked request (typed errors for an
//! unknown country, a country without data, a reversed date range, a country plus a dyad), the
//! alerts list (stable ids, severity), a series with values and month ticks on its axes and
//! alert onsets placed on it, a forecast fan (quantiles per horizon), and CSV/JSON exports.
//! No HTTP and no wording: errors carry a stable `code()` a page turns into its own language.

use crate::alerts::{Alert, Query, admin1_alerts, alerts};
use crate::codebook::codebooks;
use crate::date::Date;
use crate::detect::Params;
use crate::forecast::archive::Archive;
use crate::forecast::{Forecast, Method};
use crate::indicators::{Bucket, Period, Scope, series};
use crate::series::{Month, MonthlySeries};
use crate::store::Store;
use std::fmt;

/// Why a watch request cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchError {
    /// Not an ISO 3166 alpha-3 code the codebook knows.
    UnknownCountry { given: String },
    /// A known scope with nothing stored: "no data for FRA" (not "no alerts").
    NoData { scope: String },
    /// A dyad not written `AAA-BBB` with two known codes.
    BadDyad { given: String },
    /// `since` after `until`.
    ReversedRange { since: String, until: String },
    /// More than one of country, dyad and admin1.
    ScopeConflict,
    /// No watch store at the configured place.
    NoStore { path: String },
    /// No stored forecast for the country (at that cutoff).
    NoForecast {
        country: String,
        cutoff: Option<String>,
    },
    /// Reading the store failed.
    Store(String),
}

impl WatchError {
    /// Stable machine code (a page's message key, an API's error field).
    pub fn code(&self) -> &'static str {
        match self {
            WatchError::UnknownCountry { .. } => "unknown-country",
            WatchError::NoData { .. } => "no-data",
            WatchError::BadDyad { .. } => "bad-dyad",
            WatchError::ReversedRange { .. } => "reversed-range",
            WatchError::ScopeConflict => "scope-conflict",
            WatchError::NoStore { .. } => "no-store",
            WatchError::NoForecast { .. } => "no-forecast",
            WatchError::Store(_) => "store",
        }
    }

    /// Bad input (an HTTP 400 or 404), as opposed to a failure inside (500).
    pub fn is_bad_request(&self) -> bool {
        !matches!(self, WatchError::Store(_) | WatchError::NoStore { .. })
    }
}

impl fmt::Display for WatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchError::UnknownCountry { given } => {
                write!(f, "{given:?} is not an ISO 3166 alpha-3 country code")
            }
            WatchError::NoData { scope } => write!(f, "no data for {scope}"),
            WatchError::BadDyad { given } => {
                write!(f, "a dyad is two country codes, AAA-BBB; got {given:?}")
            }
            WatchError::ReversedRange { since, until } => {
                write!(f, "the range starts ({since}) after it ends ({until})")
            }
            WatchError::ScopeConflict => {
                write!(f, "ask for a country, a dyad or a region, one at a time")
            }
            WatchError::NoStore { path } => write!(f, "no watch store at {path}"),
            WatchError::NoForecast { country, cutoff } => match cutoff {
                Some(c) => write!(f, "no stored forecast for {country} with cutoff {c}"),
                None => write!(f, "no stored forecast for {country}"),
            },
            WatchError::Store(e) => write!(f, "reading the watch store: {e}"),
        }
    }
}

impl std::error::Error for WatchError {}

/// A checked request: at most one scope, dates in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WatchRequest {
    pub scope: Option<Scope>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

fn country_code(given: &str) -> Result<String, WatchError> {
    let c = given.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) && codebooks().is_iso3(&c) {
        Ok(c)
    } else {
        Err(WatchError::UnknownCountry {
            given: given.trim().to_string(),
        })
    }
}

impl WatchRequest {
    /// From a page's or an API's query fields (empty = not given).
    pub fn parse(
        country: &str,
        dyad: &str,
        admin1: &str,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<WatchRequest, WatchError> {
        let given = [country, dyad, admin1]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .count();
        if given > 1 {
            return Err(WatchError::ScopeConflict);
        }
        if let (Some(s), Some(u)) = (since, until)
            && s > u
        {
            return Err(WatchError::ReversedRange {
                since: s.to_string(),
                until: u.to_string(),
            });
        }
        let scope = if !country.trim().is_empty() {
            Some(Scope::Country(country_code(country)?))
        } else if !dyad.trim().is_empty() {
            let bad = || WatchError::BadDyad {
                given: dyad.trim().to_string(),
            };
            let (a, b) = dyad.trim().split_once('-').ok_or_else(bad)?;
            let (a, b) = (
                country_code(a).map_err(|_| bad())?,
                country_code(b).map_err(|_| bad())?,
            );
            Some(Scope::dyad(&a, &b))
        } else if !admin1.trim().is_empty() {
            Some(Scope::Admin1(admin1.trim().to_string()))
        } else {
            None
        };
        Ok(WatchRequest {
            scope,
            since,
            until,
        })
    }
}

fn open(store: &Store) -> Result<(), WatchError> {
    if store.root().is_dir() {
        Ok(())
    } else {
        Err(WatchError::NoStore {
            path: store.root().display().to_string(),
        })
    }
}

/// `NoData` when nothing at all is stored for the scope (whatever the dates).
pub fn require_data(store: &Store, scope: &Scope) -> Result<(), WatchError> {
    open(store)?;
    let all = series(store, scope, Period::Month, None, None).map_err(WatchError::Store)?;
    if all.iter().all(|b| b.events == 0) {
        return Err(WatchError::NoData {
            scope: scope.label(),
        });
    }
    Ok(())
}

/// The scope's stored buckets, or `NoData` when it has none at all (whatever the dates).
fn scope_buckets(
    store: &Store,
    scope: &Scope,
    period: Period,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<Vec<Bucket>, WatchError> {
    require_data(store, scope)?;
    series(store, scope, period, since, until).map_err(WatchError::Store)
}

/// The alerts of a request (every scope when none is named), one per episode, each with its
/// stable `id` and severity; `NoData` for a named scope with nothing stored.
pub fn alert_list(store: &Store, req: &WatchRequest) -> Result<Vec<Alert>, WatchError> {
    open(store)?;
    let p = Params::default();
    match &req.scope {
        Some(s) => {
            scope_buckets(store, s, Period::Month, None, None)?;
            match s {
                Scope::Admin1(r) => admin1_alerts(store, r, req.since, req.until, &p),
                Scope::Country(c) => alerts(
                    store,
                    &Query {
                        country: Some(c.clone()),
                        since: req.since,
                        until: req.until,
                        ..Query::default()
                    },
                    &p,
                ),
                Scope::Dyad(..) => alerts(
                    store,
                    &Query {
                        dyad: Some(s.label()),
                        since: req.since,
                        until: req.until,
                        ..Query::default()
                    },
                    &p,
                ),
            }
        }
        None => alerts(
            store,
            &Query {
                since: req.since,
                until: req.until,
                ..Query::default()
            },
            &p,
        ),
    }
    .map_err(WatchError::Store)
}

/// One period of a series.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SeriesPoint {
    /// First day of the period.
    pub start: String,
    pub events: u64,
    pub material_conflict: u64,
    pub material_conflict_share: f64,
    pub deaths: u64,
    pub deaths_low: u64,
    pub deaths_high: u64,
}

/// A tick on the time axis: the point it sits at and its month.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MonthTick {
    pub index: usize,
    pub month: String,
}

/// An alert's onset on the chart, linked to the alert.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AlertMark {
    pub index: usize,
    pub alert_id: String,
    pub onset: String,
    pub severity_bits: f64,
}

/// A series ready to chart: the points (gaps filled with zeros), which value the chart shows
/// (`deaths` when the scope has any, else `events`), ticks on both axes, alert onsets.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SeriesView {
    pub scope: String,
    pub period: String,
    pub value: String,
    pub points: Vec<SeriesPoint>,
    pub month_ticks: Vec<MonthTick>,
    pub value_ticks: Vec<f64>,
    pub value_max: f64,
    pub alerts: Vec<AlertMark>,
}

/// Round tick values (1, 2 or 5 × 10^k apart), from 0 to at least `max`, about `n` of them.
pub fn nice_ticks(max: f64, n: usize) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let top = (max / step).ceil() as usize;
    (0..=top.max(1)).map(|i| i as f64 * step).collect()
}

fn next_start(period: Period, d: Date) -> Date {
    match period {
        Period::Day => Date(d.0 + 1),
        Period::Week => Date(d.0 + 7),
        Period::Month => (Month::of(d) + 1).first_day(),
    }
}

/// A scope's series for a chart, with the alerts whose onsets fall in it.
pub fn series_view(
    store: &Store,
    req: &WatchRequest,
    period: Period,
) -> Result<SeriesView, WatchError> {
    open(store)?;
    let scope = req.scope.clone().ok_or(WatchError::ScopeConflict)?;
    let buckets = scope_buckets(store, &scope, period, req.since, req.until)?;
    let mut points: Vec<SeriesPoint> = Vec::new();
    let mut next: Option<Date> = None;
    for b in &buckets {
        let Some(start) = b.start else { continue };
        while let Some(n) = next.filter(|n| *n < start) {
            points.push(SeriesPoint {
                start: n.to_string(),
                events: 0,
                material_conflict: 0,
                material_conflict_share: 0.0,
                deaths: 0,
                deaths_low: 0,
                deaths_high: 0,
            });
            next = Some(next_start(period, n));
        }
        points.push(SeriesPoint {
            start: start.to_string(),
            events: b.events,
            material_conflict: b.quad[3],
            material_conflict_share: (b.material_conflict_share() * 10_000.0).round() / 10_000.0,
            deaths: b.fatalities,
            deaths_low: b.fatalities_low,
            deaths_high: b.fatalities_high,
        });
        next = Some(next_start(period, start));
    }
    let deaths = points.iter().any(|p| p.deaths > 0);
    let value_max = points
        .iter()
        .map(|p| if deaths { p.deaths } else { p.events } as f64)
        .fold(0.0, f64::max);
    let mut month_ticks: Vec<MonthTick> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let m = &p.start[..7];
        if month_ticks.last().is_none_or(|t| t.month != m) {
            month_ticks.push(MonthTick {
                index: i,
                month: m.to_string(),
            });
        }
    }
    // At most 12 labelled months: every k-th.
    let k = month_ticks.len().div_ceil(12).max(1);
    let month_ticks = month_ticks.into_iter().step_by(k).collect();
    let found = alert_list(
        store,
        &WatchRequest {
            scope: Some(scope.clone()),
            ..req.clone()
        },
    )?;
    let alerts = found
        .iter()
        .filter_map(|a| {
            let index = points
                .iter()
                .rposition(|p| p.start.as_str() <= a.date.as_str())?;
            Some(AlertMark {
                index,
                alert_id: a.id.clone(),
                onset: a.date.clone(),
                severity_bits: a.severity_bits,
            })
        })
        .collect();
    Ok(SeriesView {
        scope: scope.label(),
        period: match period {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
        .into(),
        value: if deaths { "deaths" } else { "events" }.into(),
        value_ticks: nice_ticks(value_max, 5),
        value_max,
        points,
        month_ticks,
        alerts,
    })
}

/// One horizon of a fan chart.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FanPoint {
    pub target: Month,
    pub horizon: u32,
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
    pub mean: f64,
}

/// A forecast fan: the months before the cutoff and the stored quantiles after it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Fan {
    pub country: String,
    pub cutoff: Month,
    pub method: String,
    pub history: Vec<(Month, f64)>,
    pub horizons: Vec<FanPoint>,
    pub value_ticks: Vec<f64>,
}

/// The fan of a country's stored forecasts at `cutoff` (default: its latest cutoff), the
/// model's when stored, else the first method found; `history` (the country's months) adds
/// the 24 months up to the cutoff.
pub fn forecast_fan(
    archive: &Archive,
    country: &str,
    cutoff: Option<Month>,
    history: Option<&MonthlySeries>,
) -> Result<Fan, WatchError> {
    let country = country_code(country)?;
    let none = || WatchError::NoForecast {
        country: country.clone(),
        cutoff: cutoff.map(|c| c.to_string()),
    };
    let cutoffs = archive.cutoffs().map_err(WatchError::Store)?;
    let mut found: Vec<Forecast> = Vec::new();
    for c in cutoffs
        .iter()
        .rev()
        .filter(|c| cutoff.is_none_or(|w| w == **c))
    {
        found = archive
            .read(*c)
            .map_err(WatchError::Store)?
            .into_iter()
            .filter(|f| f.country == country)
            .collect();
        if !found.is_empty() {
            break;
        }
    }
    let model = Method::model();
    let method = if found.iter().any(|f| f.method == model) {
        model
    } else {
        found.first().ok_or_else(none)?.method.clone()
    };
    let mut chosen: Vec<&Forecast> = found.iter().filter(|f| f.method == method).collect();
    chosen.sort_by_key(|f| f.horizon);
    let q = |f: &Forecast, l: f64| f.quantile(l).unwrap_or(f64::NAN);
    let horizons: Vec<FanPoint> = chosen
        .iter()
        .map(|f| FanPoint {
            target: f.target,
            horizon: f.horizon,
            q05: q(f, 0.05),
            q25: q(f, 0.25),
            q50: q(f, 0.5),
            q75: q(f, 0.75),
            q95: q(f, 0.95),
            mean: f.mean,
        })
        .collect();
    let cut = chosen[0].cutoff;
    let history: Vec<(Month, f64)> = history
        .map(|s| {
            s.points()
                .filter(|(m, _)| *m <= cut && *m > cut + -24)
                .collect()
        })
        .unwrap_or_default();
    let top = horizons
        .iter()
        .map(|p| p.q95)
        .chain(history.iter().map(|h| h.1))
        .fold(0.0, f64::max);
    Ok(Fan {
        country,
        cutoff: cut,
        method: method.name().to_string(),
        history,
        horizons,
        value_ticks: nice_ticks(top, 5),
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Alerts as CSV: one row per alert (episode).
pub fn alerts_csv(alerts: &[Alert]) -> String {
    let mut out = String::from(
        "id,onset,end,country,dyad,admin1,severity_bits,tail_probability,detectors,indicator,first_fired,observed,expected\n",
    );
    for a in alerts {
        let row = [
            a.id.clone(),
            a.date.clone(),
            a.end.clone(),
            a.country.clone().unwrap_or_default(),
            a.dyad.clone().unwrap_or_default(),
            a.admin1.clone().unwrap_or_default(),
            format!("{}", a.severity_bits),
            format!("{:e}", a.tail_probability),
            a.detectors.join(";"),
            a.indicator.clone(),
            a.fired.clone(),
            format!("{}", a.value),
            format!("{}", a.baseline),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// A series as CSV: one row per period.
pub fn series_csv(v: &SeriesView) -> String {
    let mut out = String::from(
        "scope,period_start,events,material_conflict,material_conflict_share,deaths,deaths_low,deaths_high\n",
    );
    for p in &v.points {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            csv_field(&v.scope),
            p.start,
            p.events,
            p.material_conflict,
            p.material_conflict_share,
            p.deaths,
            p.deaths_low,
            p.deaths_high
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked() {
        let d = |s| Date::parse_iso(s);
        assert_eq!(
            WatchRequest::parse("fra", "", "", None, None)
                .unwrap()
                .scope,
            Some(Scope::Country("FRA".into()))
        );
        let e = WatchRequest::parse("FRX", "", "", None, None).unwrap_err();
        assert_eq!(e.code(), "unknown-country");
        let e = WatchRequest::parse("GEO", "GEO-RUS", "", None, None).unwrap_err();
        assert_eq!(e, WatchError::ScopeConflict);
        let e = WatchRequest::parse("GEO", "", "", d("2013-01-01"), d("2012-01-01")).unwrap_err();
        assert_eq!(e.code(), "reversed-range");
        assert!(e.to_string().contains("2013-01-01"));
        assert_eq!(
            WatchRequest::parse("", "rus-geo", "", None, None)
                .unwrap()
                .scope,
            Some(Scope::Dyad("GEO".into(), "RUS".into()))
        );
        assert_eq!(
            WatchRequest::parse("", "GEORUS", "", None, None)
                .unwrap_err()
                .code(),
            "bad-dyad"
        );
        assert_eq!(
            WatchRequest::parse("", "GEO-XXX", "", None, None)
                .unwrap_err()
                .code(),
            "bad-dyad"
        );
        assert_eq!(
            WatchError::NoData {
                scope: "FRA".into()
            }
            .to_string(),
            "no data for FRA"
        );
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(2150.0, 5),
            vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
        );
        assert_eq!(nice_ticks(7.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 5), vec![0.0, 1.0]);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("GEO"), "GEO");
    }
}
