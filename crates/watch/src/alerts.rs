//! Alerts: one per episode. Detectors that agree on a scope (alarms whose periods overlap or lie
//! within [`Params::merge_days`] of each other) make one alert, with
//!
//! * a stable `id`, derived from the scope, the onset and the indicator that first fired
//!   (FNV-1a, so the same alert keeps its id from run to run as long as the data before it is
//!   unchanged: every detector is causal);
//! * one severity on one calibrated scale: the tail probability of the episode's most
//!   surprising period under its baseline, and the same as a surprise in bits (`−log₂ p`).
//!   Daily material-conflict counts use the normal tail of their over-dispersion-adjusted
//!   excess; monthly deaths the negative-binomial tail of [`crate::counts`];
//! * the list of detectors that agree and their [`Evidence`] as data (detector, statistic,
//!   threshold, observed and expected values), so a page renders it in its own language.
//!
//! The English `explanation` is kept for the current page and the command line.
//! On fatality data (UCDP, ACLED) the monthly deaths of each scope run through the count
//! detectors beside the daily share detectors; news-coded data has no deaths and raises none.

use crate::codebook::codebooks;
use crate::counts::{CountEpisode, count_episodes};
use crate::date::Date;
use crate::detect::{Alarm, Params, Scored, detect, score};
use crate::indicators::{Period, Scope, ScopeKind, all_series};
use crate::series::MonthlySeries;
use crate::stats::{bits, fnv1a, ln_normal_upper_tail};
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

/// One agreeing detector's reason, as data.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Evidence {
    /// `robust`, `cusum`, `bocpd` (daily shares); `nb_tail`, `bocpd_counts` (monthly deaths).
    pub detector: String,
    /// `material_conflict_share` or `deaths`.
    pub indicator: String,
    /// `day` or `month`.
    pub period: String,
    /// When it fired: `YYYY-MM-DD` for a day, `YYYY-MM` for a month.
    pub fired: String,
    /// The indicator's value then, and the baseline's (median share; expected deaths).
    pub observed: f64,
    pub expected: f64,
    /// `robust_z`, `cusum`, `change_probability` or `surprise_bits`, its value and the
    /// threshold it passed.
    pub statistic: String,
    pub value: f64,
    pub threshold: f64,
}

/// An early-warning alert: one episode of one scope.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Alert {
    /// Stable id (16 hex digits).
    #[serde(default)]
    pub id: String,
    /// Onset, `YYYY-MM-DD`.
    pub date: String,
    /// Last day the episode covers (the last alarm's day, or the last day of its month).
    #[serde(default)]
    pub end: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dyad: Option<String>,
    /// Admin1 region code as stored (with `--admin1`); `country` is then the region's country.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub admin1: Option<String>,
    /// The detector that fired first.
    pub detector: String,
    /// Every detector that agrees, in the order they first fired.
    #[serde(default)]
    pub detectors: Vec<String>,
    /// Severity: surprise in bits of the episode's most surprising period, and its tail
    /// probability (the same number: p = 2^−bits).
    #[serde(default)]
    pub severity_bits: f64,
    #[serde(default)]
    pub tail_probability: f64,
    /// The first detector's own score (its statistic).
    pub score: f64,
    /// The first detector's baseline (median share of the previous four weeks; expected deaths).
    pub baseline: f64,
    /// The indicator's value when the first detector fired.
    pub value: f64,
    pub indicator: String,
    /// Day the first detector fired (onset ≤ fired); a month's last day for monthly data.
    pub fired: String,
    pub events: u64,
    pub conflict_events: u64,
    pub drivers: Drivers,
    pub sample_urls: Vec<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// English rendering of the evidence (the command line and the current page).
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

fn wanted_of(q: &Query) -> Result<Vec<(ScopeKind, Option<Scope>)>, String> {
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
    Ok(wanted)
}

/// Scored daily series for the requested scopes (all countries and dyads when none is named).
pub fn scored_scopes(
    store: &Store,
    q: &Query,
    p: &Params,
) -> Result<Vec<(Scope, Vec<Scored>)>, String> {
    scored_wanted(store, &wanted_of(q)?, q.since, q.until, p)
}

/// Scored daily series of the scopes asked for (a kind with one scope, or every scope of
/// the kind with at least [`MIN_SCOPE_EVENTS`] events).
fn scored_wanted(
    store: &Store,
    wanted: &[(ScopeKind, Option<Scope>)],
    since: Option<Date>,
    until: Option<Date>,
    p: &Params,
) -> Result<Vec<(Scope, Vec<Scored>)>, String> {
    // Baselines need history before `since`.
    let from = since.map(|d| Date(d.0 - 120));
    let mut out = Vec::new();
    for (kind, one) in wanted {
        let want = |s: &Scope| one.as_ref().is_none_or(|o| o == s);
        let all = all_series(store, Period::Day, from, until, &want, *kind)?;
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

/// Monthly deaths of the scopes asked for, every scope over the months of all the store's
/// fatality data (a month without a row for the scope is 0: UCDP codes every event it knows,
/// so a country's months before its first event had none — and its first big month has a
/// baseline). The count detectors are causal, so an alert does not move with the query's
/// `since`. Scopes without any death are left out.
pub fn deaths_scopes(
    store: &Store,
    wanted: &[(ScopeKind, Option<Scope>)],
    until: Option<Date>,
) -> Result<Vec<(Scope, MonthlySeries)>, String> {
    let mut out = Vec::new();
    for (kind, one) in wanted {
        if let Some(scope) = one {
            // One scope: the store's deaths indicator, which spans the store's fatality months.
            let mut d = crate::deaths::deaths(
                store,
                scope,
                crate::deaths::Granularity::Month,
                false,
                None,
                until,
            )?;
            let months = d.remove(crate::deaths::ALL).unwrap_or_default();
            if months.iter().any(|m| m.best > 0.0) {
                let s = MonthlySeries::from_points(
                    &scope.label(),
                    months
                        .iter()
                        .filter_map(|m| Some((crate::series::Month::of(m.start?), m.best))),
                );
                out.push((scope.clone(), s));
            }
            continue;
        }
        let all = all_series(store, Period::Month, None, until, &|_| true, *kind)?;
        let with: Vec<(Scope, MonthlySeries)> = all
            .into_iter()
            .filter(|(_, b)| b.iter().any(|b| b.fatalities > 0))
            .map(|(scope, b)| {
                let s = MonthlySeries::from_buckets(&scope.label(), &b);
                (scope, s)
            })
            .collect();
        // Every scope over the same months: those of all fatality data of this kind.
        let first = with.iter().map(|(_, s)| s.start).min();
        let last = with.iter().filter_map(|(_, s)| s.last_month()).max();
        for (scope, s) in with {
            let (Some(first), Some(last)) = (first, last) else {
                continue;
            };
            let lead = (s.start - first) as usize;
            let mut padded = s.with_leading_zeros(lead);
            padded.values.resize((last - first + 1) as usize, 0.0);
            out.push((scope, padded));
        }
    }
    Ok(out)
}

/// Compute alerts from the store.
pub fn alerts(store: &Store, q: &Query, p: &Params) -> Result<Vec<Alert>, String> {
    let wanted = wanted_of(q)?;
    let scored = scored_wanted(store, &wanted, q.since, q.until, p)?;
    let deaths = deaths_scopes(store, &wanted, q.until)?;
    alerts_of(store, scored, deaths, q, p)
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
    let scored = scored_wanted(store, &wanted, since, until, p)?;
    let deaths = deaths_scopes(store, &wanted, until)?;
    let q = Query {
        since,
        until,
        ..Query::default()
    };
    alerts_of(store, scored, deaths, &q, p)
}

/// An episode before it is enriched from the store.
struct Pending {
    scope: Scope,
    onset: Date,
    end: Date,
    /// (when it fired, the evidence), in firing order.
    evidence: Vec<(Date, Evidence)>,
    ln_tail: f64,
    /// The first alarm, for the single-detector fields.
    first: Evidence,
    first_fired: Date,
}

impl Pending {
    fn absorb(&mut self, o: Pending) {
        self.onset = self.onset.min(o.onset);
        self.end = self.end.max(o.end);
        self.ln_tail = self.ln_tail.min(o.ln_tail);
        if (o.first_fired, o.onset) < (self.first_fired, self.onset) {
            self.first = o.first.clone();
            self.first_fired = o.first_fired;
        }
        self.evidence.extend(o.evidence);
        self.evidence.sort_by_key(|(d, _)| *d);
    }

    fn detectors(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, e) in &self.evidence {
            if !out.contains(&e.detector) {
                out.push(e.detector.clone());
            }
        }
        out
    }
}

fn share_evidence(a: &Alarm, p: &Params) -> Evidence {
    let (statistic, threshold) = match a.detector {
        "robust" => ("robust_z", p.robust_z),
        "cusum" => ("cusum", p.cusum_h),
        _ => ("change_probability", p.bocpd_threshold),
    };
    Evidence {
        detector: a.detector.to_string(),
        indicator: "material_conflict_share".into(),
        period: "day".into(),
        fired: a.fired.to_string(),
        observed: (a.value * 10_000.0).round() / 10_000.0,
        expected: (a.baseline * 10_000.0).round() / 10_000.0,
        statistic: statistic.into(),
        value: a.score,
        threshold,
    }
}

/// Daily share alarms of one scope → pending episodes, severity from the scored days.
fn share_pending(scope: &Scope, scored: &[Scored], p: &Params) -> Vec<Pending> {
    let mut alarms = detect(scope, scored, p);
    alarms.sort_by_key(|a| (a.onset, a.fired));
    let mut out: Vec<Pending> = Vec::new();
    for a in alarms {
        let ev = share_evidence(&a, p);
        let one = Pending {
            scope: scope.clone(),
            onset: a.onset,
            end: a.fired.max(a.onset),
            evidence: vec![(a.fired, ev.clone())],
            ln_tail: 0.0,
            first: ev,
            first_fired: a.fired,
        };
        match out.last_mut() {
            Some(last) if a.onset.0 <= last.end.0 + p.merge_days => last.absorb(one),
            _ => out.push(one),
        }
    }
    for e in &mut out {
        e.ln_tail = scored
            .iter()
            .filter(|s| s.artifact.is_none() && s.date >= e.onset && s.date <= e.end)
            .map(|s| ln_normal_upper_tail(s.z_count))
            .fold(0.0, f64::min);
    }
    out
}

/// A count episode of one scope → one pending episode.
fn count_pending(scope: &Scope, e: &CountEpisode) -> Pending {
    let evidence: Vec<(Date, Evidence)> = e
        .alarms
        .iter()
        .map(|a| {
            let (statistic, value) = if a.detector == "nb_tail" {
                ("surprise_bits", (a.statistic * 100.0).round() / 100.0)
            } else {
                ("change_probability", a.statistic)
            };
            (
                a.fired.last_day(),
                Evidence {
                    detector: a.detector.to_string(),
                    indicator: "deaths".into(),
                    period: "month".into(),
                    fired: a.fired.to_string(),
                    observed: a.value,
                    expected: (a.expected * 10.0).round() / 10.0,
                    statistic: statistic.into(),
                    value,
                    threshold: a.threshold,
                },
            )
        })
        .collect();
    Pending {
        scope: scope.clone(),
        onset: e.onset.first_day(),
        end: e.last.last_day(),
        first: evidence[0].1.clone(),
        first_fired: evidence[0].0,
        evidence,
        ln_tail: e.peak.ln_tail,
    }
}

/// Stable id of an alert: scope kind and label, onset, the first indicator.
pub fn alert_id(scope: &Scope, onset: Date, indicator: &str) -> String {
    let kind = match scope {
        Scope::Country(_) => "country",
        Scope::Dyad(..) => "dyad",
        Scope::Admin1(_) => "admin1",
    };
    let h = fnv1a(&[
        b"chamber-watch-alert",
        kind.as_bytes(),
        scope.label().as_bytes(),
        onset.to_string().as_bytes(),
        indicator.as_bytes(),
    ]);
    format!("{h:016x}")
}

fn alerts_of(
    store: &Store,
    scored: Vec<(Scope, Vec<Scored>)>,
    deaths: Vec<(Scope, MonthlySeries)>,
    q: &Query,
    p: &Params,
) -> Result<Vec<Alert>, String> {
    let mut by_scope: BTreeMap<Scope, Vec<Pending>> = BTreeMap::new();
    for (scope, scored) in &scored {
        by_scope
            .entry(scope.clone())
            .or_default()
            .extend(share_pending(scope, scored, p));
    }
    for (scope, s) in &deaths {
        let (_, eps) = count_episodes(s, &p.counts);
        by_scope
            .entry(scope.clone())
            .or_default()
            .extend(eps.iter().map(|e| count_pending(scope, e)));
    }
    let mut out = Vec::new();
    for (_, mut pend) in by_scope {
        pend.sort_by_key(|e| (e.onset, e.end));
        let mut merged: Vec<Pending> = Vec::new();
        for e in pend {
            match merged.last_mut() {
                Some(last) if e.onset.0 <= last.end.0 + p.merge_days => last.absorb(e),
                _ => merged.push(e),
            }
        }
        for e in merged {
            if q.since.is_none_or(|s| e.onset >= s) && q.until.is_none_or(|u| e.onset <= u) {
                out.push(enrich(store, &e)?);
            }
        }
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

fn enrich(store: &Store, a: &Pending) -> Result<Alert, String> {
    let (from, to) = (a.onset, a.end);
    let first_month = from.month_key();
    let last_month = to.month_key();
    let (mut codes, mut actors, mut locs) = (HashMap::new(), HashMap::new(), HashMap::new());
    let mut countries: HashMap<String, u64> = HashMap::new();
    let mut urls: Vec<String> = Vec::new();
    let (mut n, mut q4) = (0u64, 0u64);
    store.scan(
        &|m| m >= first_month.as_str() && m <= last_month.as_str(),
        &mut |r| {
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
        },
    )?;
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
    let mut alert = Alert {
        id: alert_id(&a.scope, a.onset, &a.first.indicator),
        date: a.onset.to_string(),
        end: a.end.to_string(),
        country,
        dyad,
        admin1,
        detector: a.first.detector.clone(),
        detectors: a.detectors(),
        severity_bits: (bits(a.ln_tail) * 100.0).round() / 100.0,
        tail_probability: a.ln_tail.exp(),
        score: (a.first.value * 100.0).round() / 100.0,
        baseline: a.first.expected,
        value: a.first.observed,
        indicator: a.first.indicator.clone(),
        fired: a.first_fired.to_string(),
        events: n,
        conflict_events: q4,
        drivers,
        sample_urls: urls,
        evidence: a.evidence.iter().map(|(_, e)| e.clone()).collect(),
        explanation: String::new(),
    };
    alert.explanation = english(&alert, &a.scope);
    Ok(alert)
}

/// The English rendering of an alert's evidence.
pub fn english(a: &Alert, scope: &Scope) -> String {
    let cb = codebooks();
    let place = match scope {
        Scope::Country(c) => cb.country_name(c).unwrap_or(c).to_string(),
        Scope::Dyad(x, y) => format!(
            "relations between {} and {}",
            cb.country_name(x).unwrap_or(x),
            cb.country_name(y).unwrap_or(y)
        ),
        Scope::Admin1(r) => match a.country.as_deref().and_then(|c| cb.country_name(c)) {
            Some(c) => format!("region {r} ({c})"),
            None => format!("region {r}"),
        },
    };
    let span = if a.date == a.end {
        format!("on {}", a.date)
    } else {
        format!("from {} to {}", a.date, a.end)
    };
    let first = a.evidence.first();
    let mut text = match first.map(|e| e.indicator.as_str()) {
        Some("deaths") => {
            let e = first.expect("evidence");
            format!(
                "Escalation in {place} {span}: {:.0} deaths in {} against {:.1} expected from \
                 the previous 12 months (negative-binomial baseline).",
                e.observed, e.fired, e.expected
            )
        }
        _ => {
            let method = match a.detector.as_str() {
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
            format!(
                "Escalation in {place} {span}: {} of {} recorded events were material conflict \
                 (CAMEO 14–20: protest, coercion, assault, fighting), a share of {:.0}% on {} \
                 against a usual {:.0}%; {method}.",
                a.conflict_events,
                a.events,
                a.value * 100.0,
                a.fired,
                a.baseline * 100.0,
            )
        }
    };
    text.push_str(&format!(
        " Severity {:.1} bits (tail probability {:.1e}); detectors agreeing: {}.",
        a.severity_bits,
        a.tail_probability,
        a.detectors.join(", ")
    ));
    if let Some(c) = a.drivers.event_codes.first() {
        text.push_str(&format!(" Most frequent: {} ({}).", c.name, c.count));
    }
    if !a.drivers.actors.is_empty() {
        let names: Vec<String> = a
            .drivers
            .actors
            .iter()
            .take(3)
            .map(|c| c.name.clone())
            .collect();
        text.push_str(&format!(" Main actors: {}.", names.join(", ")));
    }
    text
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
