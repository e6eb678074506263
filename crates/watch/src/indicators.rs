//! Indicators per country, dyad or admin1 region, by day, week or month.
//!
//! Counts are normalised by event volume (shares of the scope's own events, and the scope's
//! share of all stored events in the period) so that a change in news coverage does not read
//! as escalation. A country series counts events by where they happened (GDELT ActionGeo,
//! FIPS 10-4 mapped to ISO3); a dyad series counts events between the two actors' countries in
//! either direction.

use crate::date::Date;
pub use crate::rollup::{Bucket, HeavyHitters, url_host};
use crate::store::{Store, StoredRow, col};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// Bucket width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub fn start(self, d: Date) -> Date {
        match self {
            Period::Day => d,
            Period::Week => d.week_start(),
            Period::Month => d.month_start(),
        }
    }
}

/// What a series is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Country(String),
    /// Two ISO3 codes, sorted.
    Dyad(String, String),
    Admin1(String),
}

impl Scope {
    pub fn dyad(a: &str, b: &str) -> Scope {
        let (a, b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
        if a <= b {
            Scope::Dyad(a, b)
        } else {
            Scope::Dyad(b, a)
        }
    }

    /// Human label: ISO3 country, `AAA-BBB`, or the admin1 code.
    pub fn label(&self) -> String {
        match self {
            Scope::Country(c) | Scope::Admin1(c) => c.clone(),
            Scope::Dyad(a, b) => format!("{a}-{b}"),
        }
    }

    /// Does a stored row belong to this scope?
    pub fn matches(&self, r: &StoredRow) -> bool {
        match self {
            Scope::Country(c) => r.get(col::COUNTRY) == c.as_bytes(),
            Scope::Admin1(a) => r.get(col::ADMIN1) == a.as_bytes(),
            Scope::Dyad(a, b) => {
                let (s, t) = (r.get(col::SRC_COUNTRY), r.get(col::TGT_COUNTRY));
                (s == a.as_bytes() && t == b.as_bytes()) || (s == b.as_bytes() && t == a.as_bytes())
            }
        }
    }
}

impl FromStr for Scope {
    type Err = String;
    /// `GEO` → country, `RUS-GEO` → dyad.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_uppercase();
        let ok = |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase());
        match s.split_once('-') {
            Some((a, b)) if ok(a) && ok(b) => Ok(Scope::dyad(a, b)),
            None if ok(&s) => Ok(Scope::Country(s)),
            _ => Err(format!(
                "{s:?} is neither an ISO3 country (GEO) nor a dyad (RUS-GEO)"
            )),
        }
    }
}

/// A series: buckets in date order (periods without events are absent).
pub type Series = Vec<Bucket>;

/// Compute the series of one scope from the store, within optional date bounds.
pub fn series(
    store: &Store,
    scope: &Scope,
    period: Period,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<Series, String> {
    let mut map = all_series(
        store,
        period,
        since,
        until,
        &|s| s == scope,
        scope_kind(scope),
    )?;
    Ok(map.remove(scope).unwrap_or_default())
}

/// Which scopes a row generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Country,
    Dyad,
    Admin1,
}

pub fn scope_kind(s: &Scope) -> ScopeKind {
    match s {
        Scope::Country(_) => ScopeKind::Country,
        Scope::Dyad(..) => ScopeKind::Dyad,
        Scope::Admin1(_) => ScopeKind::Admin1,
    }
}

fn month_in(m: &str, since: Option<Date>, until: Option<Date>) -> bool {
    let (Some(y), Some(mo)) = (
        m.get(..4).and_then(|y| y.parse().ok()),
        m.get(5..7).and_then(|x| x.parse().ok()),
    ) else {
        return false;
    };
    let Some(first) = Date::from_ymd(y, mo, 1) else {
        return false;
    };
    let next = if mo == 12 {
        Date::from_ymd(y + 1, 1, 1)
    } else {
        Date::from_ymd(y, mo + 1, 1)
    };
    since.is_none_or(|s| next.is_some_and(|n| n > s)) && until.is_none_or(|u| first <= u)
}

/// Series for every scope of a kind accepted by `want` (one pass over the store).
pub fn all_series(
    store: &Store,
    period: Period,
    since: Option<Date>,
    until: Option<Date>,
    want: &dyn Fn(&Scope) -> bool,
    kind: ScopeKind,
) -> Result<BTreeMap<Scope, Series>, String> {
    let mut acc: HashMap<Scope, BTreeMap<Date, Bucket>> = HashMap::new();
    let mut volume: HashMap<Date, u64> = HashMap::new();
    // Cache of the last scope seen: rows of one file usually share a country.
    store.scan(&|m| month_in(m, since, until), &mut |r| {
        let Some(d) = r.date() else { return };
        if since.is_some_and(|s| d < s) || until.is_some_and(|u| d > u) {
            return;
        }
        let start = period.start(d);
        *volume.entry(start).or_default() += 1;
        let scope = match kind {
            ScopeKind::Country => {
                let c = r.str(col::COUNTRY);
                if c.is_empty() {
                    return;
                }
                Scope::Country(c.to_string())
            }
            ScopeKind::Admin1 => {
                let a = r.str(col::ADMIN1);
                if a.is_empty() {
                    return;
                }
                Scope::Admin1(a.to_string())
            }
            ScopeKind::Dyad => {
                let (a, b) = (r.str(col::SRC_COUNTRY), r.str(col::TGT_COUNTRY));
                if a.is_empty() || b.is_empty() || a == b {
                    return;
                }
                Scope::dyad(a, b)
            }
        };
        if !want(&scope) {
            return;
        }
        let b = acc.entry(scope).or_default().entry(start).or_default();
        b.start = Some(start);
        b.add(r);
    })?;
    Ok(acc
        .into_iter()
        .map(|(s, m)| {
            let v = m
                .into_values()
                .map(|mut b| {
                    b.total_volume = b.start.and_then(|d| volume.get(&d).copied()).unwrap_or(0);
                    b
                })
                .collect();
            (s, v)
        })
        .collect())
}

/// Country series of every country from the daily rollups kept on ingest (no row scan);
/// `None` when some part file has no rollup. Location/source concentration is not available
/// from rollups.
pub fn rollup_series(
    store: &Store,
    period: Period,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<Option<BTreeMap<Scope, Series>>, String> {
    let mut acc: HashMap<String, BTreeMap<Date, Bucket>> = HashMap::new();
    let mut volume: HashMap<Date, u64> = HashMap::new();
    let found = store.scan_rollups(&|m| month_in(m, since, until), &mut |c, d, r| {
        if since.is_some_and(|s| d < s) || until.is_some_and(|u| d > u) {
            return;
        }
        let start = period.start(d);
        *volume.entry(start).or_default() += r.events;
        if c.is_empty() {
            return;
        }
        let b = acc
            .entry(c.to_string())
            .or_default()
            .entry(start)
            .or_default();
        b.start = Some(start);
        b.add_sums(r);
    })?;
    if found.is_none() {
        return Ok(None);
    }
    Ok(Some(
        acc.into_iter()
            .map(|(c, m)| {
                let v = m
                    .into_values()
                    .map(|mut b| {
                        b.total_volume = b.start.and_then(|d| volume.get(&d).copied()).unwrap_or(0);
                        b
                    })
                    .collect();
                (Scope::Country(c), v)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse() {
        assert_eq!("geo".parse::<Scope>(), Ok(Scope::Country("GEO".into())));
        assert_eq!(
            "RUS-GEO".parse::<Scope>(),
            Ok(Scope::Dyad("GEO".into(), "RUS".into()))
        );
        assert!("GE".parse::<Scope>().is_err());
        assert_eq!(url_host(b"http://www.bbc.co.uk/news/1"), b"www.bbc.co.uk");
        assert_eq!(url_host(b"BBC Monitoring"), b"BBC Monitoring");
    }
}
