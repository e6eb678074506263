//! Watch on the wire: the page a duty analyst works from (a chart of the scope's series with
//! value and month axes and the alert onsets linked to their alerts, a forecast fan, one row per
//! episode with its severity, agreeing detectors and evidence in the reader's language), its
//! CSV and JSON exports, and the same alerts and series over the API.
//!
//! Handlers only translate: the query is checked by `chamber_watch::view::WatchRequest`, the
//! numbers come from `chamber_watch::view` (computed off the async threads), and every word on
//! the page is a catalogue message (`words`), never the domain's English. Access is
//! `chamber_core::permissions::may_use_watch` (analysts, mediators, administrators).

mod api;
mod pages;
mod recent;
mod view;
mod words;

use crate::SharedState;
use axum::Router;
use axum::routing::get;
use chamber_watch::Date;
use chamber_watch::alerts::Alert;
use chamber_watch::forecast::archive::Archive;
use chamber_watch::indicators::{Period, Scope, series};
use chamber_watch::series::MonthlySeries;
use chamber_watch::store::Store as WatchStore;
use chamber_watch::view::{
    Fan, SeriesView, WatchError, WatchRequest, alert_list, forecast_fan, series_view,
};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

pub use api::openapi_paths;

/// Every Watch route, pages and API.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/watch", get(pages::page))
        .route("/watch/watch.css", get(pages::stylesheet))
        .route("/watch/alerts.csv", get(pages::alerts_csv))
        .route("/watch/alerts.json", get(pages::alerts_json))
        .route("/watch/series.csv", get(pages::series_csv))
        .route("/watch/series.json", get(pages::series_json))
        .route("/api/v1/watch/alerts", get(api::alerts))
        .route("/api/v1/watch/series", get(api::series))
}

/// The fields of a Watch query, as a page form and the API send them (empty = not given).
#[derive(Deserialize, Default, Clone, Debug)]
pub struct WatchQuery {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub dyad: String,
    #[serde(default)]
    pub admin1: String,
    /// `day`, `week` (default) or `month`.
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
}

/// Why a Watch query cannot be answered: the domain's reasons and two of the wire's own.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Watch(WatchError),
    /// A `since`/`until` that is not `YYYY-MM-DD`.
    BadDate(String),
    /// A `by` other than day, week or month.
    BadPeriod(String),
    /// A series asked for without a country, dyad or region.
    NoScope,
}

impl Problem {
    /// Stable machine code (the API's `code`, the catalogue key's tail).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Watch(e) => e.code(),
            Problem::BadDate(_) => "bad-date",
            Problem::BadPeriod(_) => "bad-period",
            Problem::NoScope => "no-scope",
        }
    }

    /// Something the caller can fix (422), as opposed to a failure inside (500).
    pub fn is_bad_request(&self) -> bool {
        match self {
            Problem::Watch(e) => e.is_bad_request(),
            _ => true,
        }
    }
}

impl From<WatchError> for Problem {
    fn from(e: WatchError) -> Self {
        Problem::Watch(e)
    }
}

fn date_field(given: &str) -> Result<Option<Date>, Problem> {
    let given = given.trim();
    if given.is_empty() {
        return Ok(None);
    }
    match Date::parse_iso(given) {
        Some(d) if given.len() == 10 => Ok(Some(d)),
        _ => Err(Problem::BadDate(given.to_string())),
    }
}

impl WatchQuery {
    /// The checked request and the series' period.
    pub fn check(&self) -> Result<(WatchRequest, Period), Problem> {
        let period = match self.by.trim() {
            "" | "week" => Period::Week,
            "day" => Period::Day,
            "month" => Period::Month,
            other => return Err(Problem::BadPeriod(other.to_string())),
        };
        let (since, until) = (date_field(&self.since)?, date_field(&self.until)?);
        let req = WatchRequest::parse(&self.country, &self.dyad, &self.admin1, since, until)?;
        Ok((req, period))
    }

    /// The query as a URL query string (for export links and the period switch).
    pub fn to_query_string(&self, period: Period) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("country", &self.country),
            ("dyad", &self.dyad),
            ("admin1", &self.admin1),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if !value.trim().is_empty() {
                pairs.push((name, value.trim().to_string()));
            }
        }
        pairs.push(("by", period_name(period).to_string()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub fn period_name(p: Period) -> &'static str {
    match p {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    }
}

/// What a Watch request found.
#[derive(Debug, Default)]
pub struct Found {
    pub alerts: Vec<Alert>,
    pub series: Option<SeriesView>,
    pub fan: Option<Fan>,
}

/// What to compute besides the alerts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    pub series: bool,
    pub fan: bool,
}

/// Check a query and compute what it asks for off the async threads (or take the answer kept
/// from an earlier request while the store is unchanged).
pub async fn answer(
    state: &SharedState,
    q: &WatchQuery,
    wanted: Wanted,
) -> Result<(WatchRequest, Period, Arc<Found>), Problem> {
    let (req, period) = q.check()?;
    let root = state
        .config
        .data
        .as_ref()
        .map(|d| d.watch())
        .unwrap_or_default();
    let asked = req.clone();
    let found = tokio::task::spawn_blocking(move || {
        if let Some(found) = recent::get(&root, &asked, period, wanted) {
            return Ok(found);
        }
        let before = recent::state(&root);
        let found = Arc::new(compute(&root, &asked, period, wanted)?);
        recent::keep(&root, &asked, period, wanted, before, found.clone());
        Ok(found)
    })
    .await
    .unwrap_or_else(|e| Err(WatchError::Store(format!("the watch task failed: {e}"))))?;
    Ok((req, period, found))
}

/// The case opened from each alert, by alert id, where the caller may know of it.
pub async fn cases_of(
    state: &SharedState,
    user: &chamber_store::User,
    alerts: &[Alert],
) -> std::collections::HashMap<String, String> {
    let mut cases = std::collections::HashMap::new();
    for a in alerts {
        match state.mediation.case_for_alert(user, &a.id).await {
            Ok(Some(case)) => {
                cases.insert(a.id.clone(), case);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("the case of alert {}: {e}", a.id),
        }
    }
    cases
}

/// The alerts of a request (and, for a named scope, its series and forecast fan), from the
/// watch store at `root`. Blocking: call it from `spawn_blocking`. No store at all is "no data"
/// for a named scope and no alerts otherwise.
pub fn compute(
    root: &Path,
    req: &WatchRequest,
    period: Period,
    wanted: Wanted,
) -> Result<Found, WatchError> {
    if !root.is_dir() {
        return match &req.scope {
            Some(s) => Err(WatchError::NoData { scope: s.label() }),
            None => Ok(Found::default()),
        };
    }
    let store = WatchStore::new(root);
    let chart = wanted.series && req.scope.is_some();
    // The series view finds the scope's alerts itself; the list needs them whole. Two cores:
    // one each.
    let (alerts, series) = std::thread::scope(|s| {
        let view = chart.then(|| s.spawn(|| series_view(&store, req, period)));
        let alerts = alert_list(&store, req);
        let series = view.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(WatchError::Store("the series view failed".into())))
        });
        (alerts, series)
    });
    let alerts = alerts?;
    let series = series.transpose()?;
    let fan = match (&req.scope, wanted.fan) {
        (Some(Scope::Country(c)), true) => fan_of(&store, root, c)?,
        _ => None,
    };
    Ok(Found {
        alerts,
        series,
        fan,
    })
}

/// The country's stored forecast fan with its monthly deaths before the cutoff; `None` when
/// no forecast is stored for it.
fn fan_of(store: &WatchStore, root: &Path, country: &str) -> Result<Option<Fan>, WatchError> {
    let archive = Archive::new(root);
    if archive.cutoffs().map_err(WatchError::Store)?.is_empty() {
        return Ok(None);
    }
    match forecast_fan(&archive, country, None, None) {
        Err(WatchError::NoForecast { .. }) => return Ok(None),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let scope = Scope::Country(country.to_string());
    let buckets = series(store, &scope, Period::Month, None, None).map_err(WatchError::Store)?;
    let history = MonthlySeries::from_buckets(country, &buckets);
    forecast_fan(&archive, country, None, Some(&history)).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(country: &str, dyad: &str, by: &str, since: &str, until: &str) -> WatchQuery {
        WatchQuery {
            country: country.into(),
            dyad: dyad.into(),
            by: by.into(),
            since: since.into(),
            until: until.into(),
            ..WatchQuery::default()
        }
    }

    #[test]
    fn queries_are_checked_with_a_code_per_reason() {
        let code = |w: WatchQuery| w.check().unwrap_err().code();
        assert_eq!(code(q("FRX", "", "", "", "")), "unknown-country");
        assert_eq!(code(q("GEO", "GEO-RUS", "", "", "")), "scope-conflict");
        assert_eq!(
            code(q("GEO", "", "", "2013-01-01", "2012-01-01")),
            "reversed-range"
        );
        assert_eq!(code(q("GEO", "", "", "2013-13-01", "")), "bad-date");
        assert_eq!(code(q("GEO", "", "", "2013-01-01T00:00", "")), "bad-date");
        assert_eq!(code(q("GEO", "", "year", "", "")), "bad-period");
        let (req, period) = q("geo", "", "month", "2012-01-01", "").check().unwrap();
        assert_eq!(req.scope, Some(Scope::Country("GEO".into())));
        assert_eq!(period, Period::Month);
        assert_eq!(q("", "", "", "", "").check().unwrap().1, Period::Week);
    }

    #[test]
    fn the_query_string_keeps_what_was_given() {
        let w = q(" GEO", "", "", "2012-01-01", "");
        assert_eq!(
            w.to_query_string(Period::Day),
            "country=GEO&since=2012-01-01&by=day"
        );
    }

    #[test]
    fn no_store_is_no_data_for_a_scope_and_no_alerts_without_one() {
        let missing = std::env::temp_dir().join("chamber-watch-no-such-store");
        let (req, p) = q("GEO", "", "", "", "").check().unwrap();
        assert_eq!(
            compute(&missing, &req, p, Wanted::default()).unwrap_err(),
            WatchError::NoData {
                scope: "GEO".into()
            }
        );
        let (req, p) = q("", "", "", "", "").check().unwrap();
        assert!(
            compute(&missing, &req, p, Wanted::default())
                .unwrap()
                .alerts
                .is_empty()
        );
    }
}
