//! Indicators per country, dyad or admin1 region, by day, week or month.
//!
//! Counts are normalised by event volume (shares of the scope's own events, and the scope's
//! share of all stored events in the period) so that a change in news coverage does not read
//! as escalation. A country series counts events by where they happened (GDELT ActionGeo,
//! FIPS 10-4 mapped to ISO3); a dyad series counts events between the two actors' countries in
//! either direction.

use crate::date::Date;
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

/// Misra–Gries heavy-hitter sketch: bounded memory, finds any item above 1/(K+1) of the count.
#[derive(Clone, Debug, Default)]
pub struct HeavyHitters {
    items: Vec<(u64, u32)>,
    names: HashMap<u64, String>,
    pub total: u32,
}

const HH_K: usize = 8;

impl HeavyHitters {
    pub fn add(&mut self, key: &[u8]) {
        self.total += 1;
        let h = fnv(key);
        if let Some(e) = self.items.iter_mut().find(|e| e.0 == h) {
            e.1 += 1;
            return;
        }
        if self.items.len() < HH_K {
            self.items.push((h, 1));
            self.names
                .insert(h, String::from_utf8_lossy(key).into_owned());
            return;
        }
        for e in &mut self.items {
            e.1 -= 1;
        }
        self.items.retain(|e| e.1 > 0);
        let live: Vec<u64> = self.items.iter().map(|e| e.0).collect();
        self.names.retain(|k, _| live.contains(k));
    }

    /// The heaviest item and its (lower-bound) share of all items added.
    pub fn top(&self) -> Option<(&str, f64)> {
        let (h, n) = self.items.iter().max_by_key(|e| e.1)?;
        Some((
            self.names.get(h)?.as_str(),
            *n as f64 / self.total.max(1) as f64,
        ))
    }
}

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Host of a URL (`http://www.bbc.co.uk/x` → `www.bbc.co.uk`); the whole text otherwise.
pub fn url_host(u: &[u8]) -> &[u8] {
    let rest = u
        .windows(3)
        .position(|w| w == b"://")
        .map(|i| &u[i + 3..])
        .unwrap_or(u);
    let end = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    &rest[..end]
}

/// Aggregates of one scope in one period.
#[derive(Clone, Debug, Default)]
pub struct Bucket {
    pub start: Option<Date>,
    pub events: u64,
    /// Events per QuadClass 1–4 (index 0 = QuadClass 1).
    pub quad: [u64; 4],
    pub goldstein_sum: f64,
    pub goldstein_n: u64,
    pub goldstein_weighted_sum: f64,
    pub mention_sum: f64,
    pub fatalities: u64,
    /// All stored events in the period (every scope): the coverage denominator.
    pub total_volume: u64,
    pub locations: HeavyHitters,
    pub sources: HeavyHitters,
}

impl Bucket {
    pub fn add(&mut self, r: &StoredRow) {
        self.events += 1;
        let q = r.quad();
        if q > 0 {
            self.quad[q as usize - 1] += 1;
        }
        if let Some(g) = r.f64(col::GOLDSTEIN) {
            let m = r.f64(col::MENTIONS).unwrap_or(1.0).max(1.0);
            self.goldstein_sum += g;
            self.goldstein_n += 1;
            self.goldstein_weighted_sum += g * m;
            self.mention_sum += m;
        }
        self.fatalities += r.u64(col::FAT_BEST).unwrap_or(0);
        let loc = r.get(col::LOCATION);
        if !loc.is_empty() {
            self.locations.add(loc);
        }
        let url = r.get(col::URL);
        if !url.is_empty() {
            self.sources.add(url_host(url));
        }
    }

    /// Material conflict (QuadClass 4) share of the scope's events.
    pub fn material_conflict_share(&self) -> f64 {
        self.quad[3] as f64 / self.events.max(1) as f64
    }
    /// Conflict (QuadClass 3 + 4) share.
    pub fn conflict_share(&self) -> f64 {
        (self.quad[2] + self.quad[3]) as f64 / self.events.max(1) as f64
    }
    pub fn goldstein_mean(&self) -> Option<f64> {
        (self.goldstein_n > 0).then(|| self.goldstein_sum / self.goldstein_n as f64)
    }
    pub fn goldstein_mention_weighted(&self) -> Option<f64> {
        (self.mention_sum > 0.0).then(|| self.goldstein_weighted_sum / self.mention_sum)
    }
    /// The scope's share of all stored events in the period.
    pub fn volume_share(&self) -> f64 {
        self.events as f64 / self.total_volume.max(1) as f64
    }

    /// JSON view used by `chamber watch series`.
    pub fn to_json(&self) -> serde_json::Value {
        let top = |h: &HeavyHitters| {
            h.top()
                .map(|(n, s)| serde_json::json!({"name": n, "share": round(s)}))
        };
        serde_json::json!({
            "date": self.start.map(|d| d.to_string()),
            "events": self.events,
            "verbal_cooperation": self.quad[0],
            "material_cooperation": self.quad[1],
            "verbal_conflict": self.quad[2],
            "material_conflict": self.quad[3],
            "conflict_share": round(self.conflict_share()),
            "material_conflict_share": round(self.material_conflict_share()),
            "goldstein_mean": self.goldstein_mean().map(round),
            "goldstein_sum": round(self.goldstein_sum),
            "goldstein_mention_weighted": self.goldstein_mention_weighted().map(round),
            "fatalities": self.fatalities,
            "volume_share": round(self.volume_share()),
            "top_location": top(&self.locations),
            "top_source": top(&self.sources),
        })
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
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
        b.events += r.events;
        for i in 0..4 {
            b.quad[i] += r.quad[i];
        }
        b.goldstein_sum += r.goldstein_sum;
        b.goldstein_n += r.goldstein_n;
        b.goldstein_weighted_sum += r.goldstein_weighted_sum;
        b.mention_sum += r.mention_sum;
        b.fatalities += r.fatalities;
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
    fn heavy_hitters_find_a_dominant_item() {
        let mut h = HeavyHitters::default();
        for i in 0..1000 {
            if i % 10 < 9 {
                h.add(b"Tbilisi");
            } else {
                h.add(format!("place{i}").as_bytes());
            }
        }
        let (name, share) = h.top().unwrap();
        assert_eq!(name, "Tbilisi");
        assert!(share > 0.8, "{share}");
    }

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
