//! Backtests: known episodes (and known quiet days) against the alerts the store produces.
//!
//! ```toml
//! lead_window_days = 14          # an alert up to this many days before `start` counts
//! [[episode]]
//! name = "Gldani prison videos, protests, resignations"
//! country = "GEO"                # or dyad = "GEO-RUS"
//! start = "2012-09-18"
//! end = "2012-09-23"
//! [[quiet]]                      # days that must not start an alert (e.g. one-place dumps)
//! country = "GEO"
//! date = "2012-11-22"
//! ```

use crate::alerts::{Alert, Query, alerts, scored_scopes};
use crate::date::Date;
use crate::detect::Params;
use crate::store::Store;
use std::collections::BTreeMap;

#[derive(Debug, serde::Deserialize)]
pub struct EpisodeFile {
    #[serde(default = "default_lead")]
    pub lead_window_days: i32,
    #[serde(default, rename = "episode")]
    pub episodes: Vec<Episode>,
    #[serde(default)]
    pub quiet: Vec<Quiet>,
}

fn default_lead() -> i32 {
    14
}

#[derive(Debug, serde::Deserialize)]
pub struct Episode {
    pub name: String,
    pub country: Option<String>,
    pub dyad: Option<String>,
    pub start: String,
    pub end: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct Quiet {
    pub country: Option<String>,
    pub dyad: Option<String>,
    pub date: String,
    pub note: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct EpisodeResult {
    pub name: String,
    pub scope: String,
    pub start: String,
    pub detected: bool,
    pub first_onset: Option<String>,
    /// Days from the first matching alert's onset to the episode start (positive = early).
    pub lead_days: Option<i32>,
    pub detectors: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct QuietResult {
    pub scope: String,
    pub date: String,
    pub alerted: bool,
    pub note: Option<String>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Metrics {
    /// Distinct alerts (one per episode; alerts of a scope within a week count once).
    pub alerts: usize,
    pub true_alerts: usize,
    pub precision: f64,
    pub recall: f64,
    pub false_alarms_per_year: f64,
}

#[derive(Debug, serde::Serialize)]
pub struct BacktestReport {
    pub episodes: Vec<EpisodeResult>,
    pub quiet: Vec<QuietResult>,
    pub years_observed: f64,
    pub overall: Metrics,
    pub per_detector: BTreeMap<String, Metrics>,
}

fn scope_label(country: &Option<String>, dyad: &Option<String>) -> Result<String, String> {
    match (country, dyad) {
        (Some(c), None) => Ok(c.to_ascii_uppercase()),
        (None, Some(d)) => Ok(d.parse::<crate::indicators::Scope>()?.label()),
        _ => Err("each episode needs exactly one of country or dyad".into()),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("not a YYYY-MM-DD date: {s:?}"))
}

fn alert_scope(a: &Alert) -> String {
    a.country
        .clone()
        .or_else(|| a.dyad.clone())
        .unwrap_or_default()
}

/// Parse an episodes file.
pub fn parse_episodes(text: &str) -> Result<EpisodeFile, String> {
    let f: EpisodeFile = toml::from_str(text).map_err(|e| format!("episodes file: {e}"))?;
    if f.episodes.is_empty() {
        return Err("episodes file has no [[episode]]".into());
    }
    Ok(f)
}

/// Run a backtest.
pub fn backtest(store: &Store, file: &EpisodeFile, p: &Params) -> Result<BacktestReport, String> {
    // Scopes to evaluate and their alerts.
    let mut scopes: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for e in &file.episodes {
        scopes.insert(
            scope_label(&e.country, &e.dyad)?,
            (e.country.clone(), e.dyad.clone()),
        );
    }
    for q in &file.quiet {
        scopes.insert(
            scope_label(&q.country, &q.dyad)?,
            (q.country.clone(), q.dyad.clone()),
        );
    }
    let mut all: Vec<Alert> = Vec::new();
    let mut days = 0.0;
    for (country, dyad) in scopes.values() {
        let q = Query {
            country: country.clone(),
            dyad: dyad.clone(),
            ..Query::default()
        };
        all.extend(alerts(store, &q, p)?);
        for (_, scored) in scored_scopes(store, &q, p)? {
            if let (Some(a), Some(b)) = (scored.first(), scored.last()) {
                days += (b.date.0 - a.date.0 + 1) as f64;
            }
        }
    }
    let years = days / 365.25;
    let windows: Vec<(String, Date, Date)> = file
        .episodes
        .iter()
        .map(|e| {
            let start = parse_date(&e.start)?;
            let end = e
                .end
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or(start);
            Ok((scope_label(&e.country, &e.dyad)?, start, end))
        })
        .collect::<Result<_, String>>()?;
    let lead = file.lead_window_days;
    let matches = |a: &Alert, (scope, start, end): &(String, Date, Date)| {
        let on = Date::parse_iso(&a.date).unwrap_or(Date(i32::MIN));
        alert_scope(a) == *scope && on.0 >= start.0 - lead && on <= *end
    };
    let mut episodes = Vec::new();
    for (e, w) in file.episodes.iter().zip(&windows) {
        let hits: Vec<&Alert> = all.iter().filter(|a| matches(a, w)).collect();
        let first = hits.iter().map(|a| a.date.clone()).min();
        let mut dets: Vec<String> = hits
            .iter()
            .flat_map(|a| {
                if a.detectors.is_empty() {
                    vec![a.detector.clone()]
                } else {
                    a.detectors.clone()
                }
            })
            .collect();
        dets.sort();
        dets.dedup();
        episodes.push(EpisodeResult {
            name: e.name.clone(),
            scope: w.0.clone(),
            start: e.start.clone(),
            detected: !hits.is_empty(),
            lead_days: first
                .as_deref()
                .and_then(Date::parse_iso)
                .map(|d| w.1.0 - d.0),
            first_onset: first,
            detectors: dets,
        });
    }
    let quiet = file
        .quiet
        .iter()
        .map(|q| {
            let scope = scope_label(&q.country, &q.dyad)?;
            Ok(QuietResult {
                alerted: all
                    .iter()
                    .any(|a| alert_scope(a) == scope && a.date == q.date),
                scope,
                date: q.date.clone(),
                note: q.note.clone(),
            })
        })
        .collect::<Result<_, String>>()?;
    let metrics = |subset: Vec<&Alert>| {
        // Cluster alerts of one scope whose onsets are within a week.
        let mut sorted = subset;
        sorted.sort_by(|a, b| (alert_scope(a), &a.date).cmp(&(alert_scope(b), &b.date)));
        let mut clusters: Vec<Vec<&Alert>> = Vec::new();
        for a in sorted {
            let on = Date::parse_iso(&a.date).map(|d| d.0).unwrap_or(0);
            if let Some(c) = clusters.last_mut() {
                let last = c.last().expect("non-empty");
                let lon = Date::parse_iso(&last.date).map(|d| d.0).unwrap_or(0);
                if alert_scope(last) == alert_scope(a) && on - lon <= 7 {
                    c.push(a);
                    continue;
                }
            }
            clusters.push(vec![a]);
        }
        let true_alerts = clusters
            .iter()
            .filter(|c| c.iter().any(|a| windows.iter().any(|w| matches(a, w))))
            .count();
        let detected = windows
            .iter()
            .filter(|w| clusters.iter().flatten().any(|a| matches(a, w)))
            .count();
        let n = clusters.len();
        Metrics {
            alerts: n,
            true_alerts,
            precision: if n == 0 {
                0.0
            } else {
                true_alerts as f64 / n as f64
            },
            recall: detected as f64 / windows.len().max(1) as f64,
            false_alarms_per_year: if years > 0.0 {
                (n - true_alerts) as f64 / years
            } else {
                0.0
            },
        }
    };
    let overall = metrics(all.iter().collect());
    let mut per_detector = BTreeMap::new();
    // An alert counts for every detector that agrees on it.
    for d in ["robust", "cusum", "bocpd", "nb_tail", "bocpd_counts"] {
        let with: Vec<&Alert> = all
            .iter()
            .filter(|a| a.detector == d || a.detectors.iter().any(|x| x == d))
            .collect();
        if !with.is_empty() || ["robust", "cusum", "bocpd"].contains(&d) {
            per_detector.insert(d.to_string(), metrics(with));
        }
    }
    Ok(BacktestReport {
        episodes,
        quiet,
        years_observed: (years * 100.0).round() / 100.0,
        overall,
        per_detector,
    })
}
