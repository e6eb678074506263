//! Alerts: detector alarms enriched with what drove them and a plain-language explanation.

use crate::codebook::codebooks;
use crate::date::Date;
use crate::detect::{Alarm, Params, Scored, detect, score};
use crate::indicators::{Period, Scope, ScopeKind, all_series};
use crate::store::{Store, col};
use std::collections::{BTreeMap, HashMap};

/// A count of one item among the events behind an alert.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Count {
    pub name: String,
    pub count: u64,
}

/// What drove an alert.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Drivers {
    /// CAMEO codes of the conflict events, with descriptions.
    pub event_codes: Vec<Count>,
    pub actors: Vec<Count>,
    pub locations: Vec<Count>,
}

/// An early-warning alert.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Alert {
    /// Onset, `YYYY-MM-DD`.
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dyad: Option<String>,
    /// Admin1 region code as stored (with `--admin1`); `country` is then the region's country.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub admin1: Option<String>,
    pub detector: String,
    pub score: f64,
    /// Baseline material-conflict share (median of the previous four weeks).
    pub baseline: f64,
    /// Material-conflict share on the day the detector fired.
    pub value: f64,
    pub indicator: String,
    /// Day the detector fired (onset ≤ fired).
    pub fired: String,
    pub events: u64,
    pub conflict_events: u64,
    pub drivers: Drivers,
    pub sample_urls: Vec<String>,
    pub explanation: String,
}

/// Which alerts to compute.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub country: Option<String>,
    pub dyad: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

/// Scopes with fewer events than this are not watched when no scope is named.
pub const MIN_SCOPE_EVENTS: u64 = 200;

/// Scored daily series for the requested scopes (all countries and dyads when none is named).
pub fn scored_scopes(
    store: &Store,
    q: &Query,
    p: &Params,
) -> Result<Vec<(Scope, Vec<Scored>)>, String> {
    let mut wanted: Vec<(ScopeKind, Option<Scope>)> = Vec::new();
    if let Some(c) = &q.country {
        wanted.push((
            ScopeKind::Country,
            Some(Scope::Country(c.to_ascii_uppercase())),
        ));
    }
    if let Some(d) = &q.dyad {
        let s: Scope = d.parse()?;
        if !matches!(s, Scope::Dyad(..)) {
            return Err(format!("--dyad wants AAA-BBB, got {d:?}"));
        }
        wanted.push((ScopeKind::Dyad, Some(s)));
    }
    if wanted.is_empty() {
        wanted = vec![(ScopeKind::Country, None), (ScopeKind::Dyad, None)];
    }
    scored_wanted(store, wanted, q.since, q.until, p)
}

/// Scored daily series of the scopes asked for (a kind with one scope, or every scope of
/// the kind with at least [`MIN_SCOPE_EVENTS`] events).
fn scored_wanted(
    store: &Store,
    wanted: Vec<(ScopeKind, Option<Scope>)>,
    since: Option<Date>,
    until: Option<Date>,
    p: &Params,
) -> Result<Vec<(Scope, Vec<Scored>)>, String> {
    // Baselines need history before `since`.
    let from = since.map(|d| Date(d.0 - 120));
    let mut out = Vec::new();
    for (kind, one) in wanted {
        let want = |s: &Scope| one.as_ref().is_none_or(|o| o == s);
        let all = all_series(store, Period::Day, from, until, &want, kind)?;
        for (scope, series) in all {
            let total: u64 = series.iter().map(|b| b.events).sum();
            if one.is_none() && total < MIN_SCOPE_EVENTS {
                continue;
            }
            out.push((scope, score(&series, p)));
        }
    }
    Ok(out)
}

/// Compute alerts from the store.
pub fn alerts(store: &Store, q: &Query, p: &Params) -> Result<Vec<Alert>, String> {
    alerts_of(store, scored_scopes(store, q, p)?, q, p)
}

/// Alerts of one admin1 region, its code as stored (GDELT ActionGeo_ADM1Code like `GG51`;
/// ACLED `admin1`, UCDP `adm_1`, ICEWS `Province` names). Each alert names the region in
/// `admin1` and its country (where most of its events are) in `country`.
pub fn admin1_alerts(
    store: &Store,
    admin1: &str,
    since: Option<Date>,
    until: Option<Date>,
    p: &Params,
) -> Result<Vec<Alert>, String> {
    let wanted = vec![(
        ScopeKind::Admin1,
        Some(Scope::Admin1(admin1.trim().to_string())),
    )];
    let scored = scored_wanted(store, wanted, since, until, p)?;
    let q = Query {
        since,
        until,
        ..Query::default()
    };
    alerts_of(store, scored, &q, p)
}

fn alerts_of(
    store: &Store,
    scored: Vec<(Scope, Vec<Scored>)>,
    q: &Query,
    p: &Params,
) -> Result<Vec<Alert>, String> {
    let mut alarms: Vec<Alarm> = Vec::new();
    for (scope, scored) in scored {
        alarms.extend(detect(&scope, &scored, p).into_iter().filter(|a| {
            q.since.is_none_or(|s| a.onset >= s) && q.until.is_none_or(|u| a.onset <= u)
        }));
    }
    let mut out = Vec::with_capacity(alarms.len());
    for a in alarms {
        out.push(enrich(store, &a)?);
    }
    out.sort_by(|a, b| {
        (&a.date, &a.country, &a.dyad, &a.admin1, &a.detector).cmp(&(
            &b.date,
            &b.country,
            &b.dyad,
            &b.admin1,
            &b.detector,
        ))
    });
    Ok(out)
}

fn top(map: HashMap<String, u64>, n: usize) -> Vec<Count> {
    let mut v: Vec<Count> = map
        .into_iter()
        .map(|(name, count)| Count { name, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    v.truncate(n);
    v
}

fn enrich(store: &Store, a: &Alarm) -> Result<Alert, String> {
    let (from, to) = (a.onset, a.fired.max(a.onset));
    let months: Vec<String> = (from.0..=to.0).map(|d| Date(d).month_key()).collect();
    let (mut codes, mut actors, mut locs) = (HashMap::new(), HashMap::new(), HashMap::new());
    let mut countries: HashMap<String, u64> = HashMap::new();
    let mut urls: Vec<String> = Vec::new();
    let (mut n, mut q4) = (0u64, 0u64);
    store.scan(&|m| months.iter().any(|x| x == m), &mut |r| {
        let Some(d) = r.date() else { return };
        if d < from || d > to || !a.scope.matches(r) {
            return;
        }
        n += 1;
        if matches!(a.scope, Scope::Admin1(_)) {
            let c = r.str(col::COUNTRY);
            if !c.is_empty() {
                *countries.entry(c.to_string()).or_default() += 1;
            }
        }
        if r.quad() != 4 {
            return;
        }
        q4 += 1;
        let code = r.str(col::CAMEO);
        if !code.is_empty() {
            *codes.entry(code.to_string()).or_default() += 1;
        }
        for i in [col::SRC_NAME, col::TGT_NAME] {
            let name = r.str(i);
            if !name.is_empty() {
                *actors.entry(name.to_string()).or_default() += 1;
            }
        }
        let loc = r.str(col::LOCATION);
        if !loc.is_empty() {
            *locs.entry(loc.to_string()).or_default() += 1;
        }
        let url = r.str(col::URL);
        if !url.is_empty() && urls.len() < 5 && !urls.iter().any(|u| u == url) {
            urls.push(url.to_string());
        }
    })?;
    let cb = codebooks();
    let codes: Vec<Count> = top(codes, 5)
        .into_iter()
        .map(|c| Count {
            name: match cb.cameo(&c.name) {
                Some(e) => format!("{} {}", c.name, e.description),
                None => c.name,
            },
            count: c.count,
        })
        .collect();
    let drivers = Drivers {
        event_codes: codes,
        actors: top(actors, 5),
        locations: top(locs, 3),
    };
    let (country, dyad, admin1) = match &a.scope {
        Scope::Dyad(..) => (None, Some(a.scope.label()), None),
        // The region's country: where most of its events are located.
        Scope::Admin1(r) => (
            top(countries, 1).into_iter().next().map(|c| c.name),
            None,
            Some(r.clone()),
        ),
        s => (Some(s.label()), None, None),
    };
    let place = match &a.scope {
        Scope::Country(c) => cb.country_name(c).unwrap_or(c).to_string(),
        Scope::Dyad(x, y) => format!(
            "relations between {} and {}",
            cb.country_name(x).unwrap_or(x),
            cb.country_name(y).unwrap_or(y)
        ),
        Scope::Admin1(r) => match country.as_deref().and_then(|c| cb.country_name(c)) {
            Some(c) => format!("region {r} ({c})"),
            None => format!("region {r}"),
        },
    };
    let method = match a.detector {
        "robust" => format!(
            "the share is {:.1} robust standard deviations (median/MAD of the previous four weeks) above normal",
            a.score
        ),
        "cusum" => format!(
            "a cumulative sum of daily excess conflict reached {:.1} (threshold 5) from this onset",
            a.score
        ),
        _ => format!(
            "a Bayesian change-point model puts {:.0}% probability on a new, higher level starting here",
            a.score * 100.0
        ),
    };
    let span = if from == to {
        format!("on {from}")
    } else {
        format!("from {from} to {to}")
    };
    let mut explanation = format!(
        "Escalation in {place} {span}: {q4} of {n} recorded events were material conflict \
         (CAMEO 14–20: protest, coercion, assault, fighting), a share of {:.0}% on {} against a \
         usual {:.0}%; {method}.",
        a.value * 100.0,
        a.fired,
        a.baseline * 100.0,
    );
    if let Some(c) = drivers.event_codes.first() {
        explanation.push_str(&format!(" Most frequent: {} ({}).", c.name, c.count));
    }
    if !drivers.actors.is_empty() {
        let names: Vec<String> = drivers
            .actors
            .iter()
            .take(3)
            .map(|c| c.name.clone())
            .collect();
        explanation.push_str(&format!(" Main actors: {}.", names.join(", ")));
    }
    Ok(Alert {
        date: a.onset.to_string(),
        country,
        dyad,
        admin1,
        detector: a.detector.to_string(),
        score: a.score,
        baseline: (a.baseline * 10_000.0).round() / 10_000.0,
        value: (a.value * 10_000.0).round() / 10_000.0,
        indicator: "material_conflict_share".into(),
        fired: a.fired.to_string(),
        events: n,
        conflict_events: q4,
        drivers,
        sample_urls: urls,
        explanation,
    })
}

/// Days the artifact guard set aside, per scope (for reports).
pub fn artifacts(
    store: &Store,
    q: &Query,
    p: &Params,
) -> Result<BTreeMap<String, Vec<(Date, String)>>, String> {
    let mut out = BTreeMap::new();
    for (scope, scored) in scored_scopes(store, q, p)? {
        let days: Vec<(Date, String)> = scored
            .into_iter()
            .filter_map(|s| s.artifact.map(|why| (s.date, why)))
            .collect();
        if !days.is_empty() {
            out.insert(scope.label(), days);
        }
    }
    Ok(out)
}
