//! Indicators for fatality data (UCDP GED and Candidate, ACLED): deaths with their best,
//! low and high estimates and violent events, per country, admin1 region or dyad, by week or
//! month, in all or by type of violence (UCDP: state-based, non-state, one-sided) or event
//! type (ACLED: battles, explosions/remote violence, violence against civilians, riots,
//! protests). Sparse daily counts are noise: there is no daily granularity.
//!
//! Only rows of fatality datasets count (news-coded events keep their shares and volumes in
//! [`crate::indicators`]). A period with no such row between the store's first and last
//! fatality row is a zero, not a gap: "nothing recorded" is what the data says. A row
//! without low or high estimate counts its best estimate for both.

use crate::date::Date;
use crate::indicators::Scope;
use crate::rowcodec::{StoredRow, col};
use crate::store::Store;
use std::collections::BTreeMap;

/// One period of [`Store::deaths_series`]: its first day, deaths best, low and high, and
/// violent events.
pub type DeathsPoint = (Date, f64, f64, f64, u64);

/// Period of a deaths series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// Weeks starting on Monday.
    Week,
    Month,
}

impl Granularity {
    /// The first day of the period holding `d`.
    pub fn start(self, d: Date) -> Date {
        match self {
            Granularity::Week => d.week_start(),
            Granularity::Month => d.month_start(),
        }
    }
    /// The first day of the next period (`start` is a period's first day).
    pub fn next(self, start: Date) -> Date {
        match self {
            Granularity::Week => Date(start.0 + 7),
            Granularity::Month => Date(start.0 + 32).month_start(),
        }
    }
}

/// Deaths and violent events of one scope in one period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deaths {
    /// First day of the period.
    pub start: Option<Date>,
    pub best: f64,
    pub low: f64,
    pub high: f64,
    /// Violent events: rows of material conflict (every UCDP event; ACLED battles,
    /// explosions/remote violence and violence against civilians).
    pub events: u64,
}

/// Whether a stored row comes from a fatality dataset.
pub fn is_fatality_row(r: &StoredRow) -> bool {
    matches!(r.get(col::DATASET), b"ucdp" | b"acled")
}

/// The type a fatality row counts under: UCDP's type of violence, ACLED's event type.
pub fn violence_type(r: &StoredRow) -> &'static str {
    match r.get(col::DATASET) {
        b"ucdp" => match r.get(col::SRC_TYPE) {
            b"state-based" => "state-based",
            b"non-state" => "non-state",
            b"one-sided" => "one-sided",
            _ => "unknown",
        },
        _ => match r.get(col::CAMEO) {
            b"190" => "battles",
            b"183" => "explosions/remote violence",
            b"180" => "violence against civilians",
            b"145" => "riots",
            b"141" => "protests",
            _ => "other",
        },
    }
}

/// All fatality rows' total under the key `"all"`.
pub const ALL: &str = "all";

/// Deaths series of one scope, by period: under [`ALL`], and, when `by_type`, under each
/// [`violence_type`] seen in the scope. Periods run without gaps from the first to the last
/// period holding a fatality row anywhere in the store (within `since`/`until`).
pub fn deaths(
    store: &Store,
    scope: &Scope,
    g: Granularity,
    by_type: bool,
    since: Option<Date>,
    until: Option<Date>,
) -> Result<BTreeMap<String, Vec<Deaths>>, String> {
    let mut acc: BTreeMap<&'static str, BTreeMap<Date, Deaths>> = BTreeMap::new();
    let (mut first, mut last): (Option<Date>, Option<Date>) = (None, None);
    store.scan(&|m| month_in(m, since, until), &mut |r| {
        if !is_fatality_row(r) {
            return;
        }
        let Some(d) = r.date() else { return };
        if since.is_some_and(|s| d < s) || until.is_some_and(|u| d > u) {
            return;
        }
        let start = g.start(d);
        first = Some(first.map_or(start, |f| f.min(start)));
        last = Some(last.map_or(start, |l| l.max(start)));
        if !scope.matches(r) {
            return;
        }
        let best = r.f64(col::FAT_BEST).unwrap_or(0.0);
        let add = |b: &mut Deaths| {
            b.start = Some(start);
            b.best += best;
            b.low += r.f64(col::FAT_LOW).unwrap_or(best);
            b.high += r.f64(col::FAT_HIGH).unwrap_or(best);
            b.events += (r.quad() == 4) as u64;
        };
        add(acc.entry(ALL).or_default().entry(start).or_default());
        if by_type {
            add(acc
                .entry(violence_type(r))
                .or_default()
                .entry(start)
                .or_default());
        }
    })?;
    let mut out = BTreeMap::new();
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(out);
    };
    acc.entry(ALL).or_default();
    for (kind, mut by_start) in acc {
        let mut v = Vec::new();
        let mut p = first;
        while p <= last {
            let b = by_start.remove(&p).unwrap_or_else(|| Deaths {
                start: Some(p),
                ..Deaths::default()
            });
            v.push(b);
            p = g.next(p);
        }
        out.insert(kind.to_string(), v);
    }
    Ok(out)
}

/// Whether month partition `m` (`YYYY-MM`) can hold days between `since` and `until`.
fn month_in(m: &str, since: Option<Date>, until: Option<Date>) -> bool {
    let Some(first) = Date::parse_iso(&format!("{m}-01")) else {
        return false;
    };
    let next = Granularity::Month.next(first);
    since.is_none_or(|s| next > s) && until.is_none_or(|u| first <= u)
}

impl Store {
    /// Deaths series of a country (ISO3, where the events happened) for W2's detectors:
    /// each period's first day, deaths best, low and high, and violent events, without gaps
    /// (see [`deaths`]). Empty when the store holds no fatality data.
    pub fn deaths_series(&self, country: &str, g: Granularity) -> Result<Vec<DeathsPoint>, String> {
        let scope = Scope::Country(country.trim().to_ascii_uppercase());
        let mut m = deaths(self, &scope, g, false, None, None)?;
        Ok(m.remove(ALL)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|b| Some((b.start?, b.best, b.low, b.high, b.events)))
            .collect())
    }
}

/// [`Store::deaths_series`] of every country with a fatality row, in one pass over the store
/// (a series per country would read the store once each).
pub fn deaths_by_country(
    store: &Store,
    g: Granularity,
) -> Result<BTreeMap<String, Vec<DeathsPoint>>, String> {
    let mut acc: BTreeMap<String, BTreeMap<Date, DeathsPoint>> = BTreeMap::new();
    let (mut first, mut last): (Option<Date>, Option<Date>) = (None, None);
    store.scan(&|_| true, &mut |r| {
        if !is_fatality_row(r) {
            return;
        }
        let Some(d) = r.date() else { return };
        let start = g.start(d);
        first = Some(first.map_or(start, |f| f.min(start)));
        last = Some(last.map_or(start, |l| l.max(start)));
        let country = r.str(col::COUNTRY);
        if country.is_empty() {
            return;
        }
        let best = r.f64(col::FAT_BEST).unwrap_or(0.0);
        let p = acc
            .entry(country.to_string())
            .or_default()
            .entry(start)
            .or_insert((start, 0.0, 0.0, 0.0, 0));
        p.1 += best;
        p.2 += r.f64(col::FAT_LOW).unwrap_or(best);
        p.3 += r.f64(col::FAT_HIGH).unwrap_or(best);
        p.4 += (r.quad() == 4) as u64;
    })?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(BTreeMap::new());
    };
    Ok(acc
        .into_iter()
        .map(|(c, mut by_start)| {
            let mut v = Vec::new();
            let mut p = first;
            while p <= last {
                v.push(by_start.remove(&p).unwrap_or((p, 0.0, 0.0, 0.0, 0)));
                p = g.next(p);
            }
            (c, v)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_each_other() {
        let d = Date::from_ymd(2024, 1, 31).unwrap();
        let m = Granularity::Month.start(d);
        assert_eq!(m, Date::from_ymd(2024, 1, 1).unwrap());
        assert_eq!(
            Granularity::Month.next(m),
            Date::from_ymd(2024, 2, 1).unwrap()
        );
        let dec = Date::from_ymd(2023, 12, 1).unwrap();
        assert_eq!(
            Granularity::Month.next(dec),
            Date::from_ymd(2024, 1, 1).unwrap()
        );
        let w = Granularity::Week.start(d);
        assert_eq!(Granularity::Week.next(w).0 - w.0, 7);
        assert!(month_in("2024-01", Some(d), None));
        assert!(!month_in("2023-12", Some(d), None));
    }
}
