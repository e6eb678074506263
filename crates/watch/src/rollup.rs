//! The one rollup type, [`Bucket`]: the sums of a scope's events in a period (counts by
//! QuadClass, Goldstein sums, deaths with their low and high estimates) and, for series read
//! from rows, the dominant place and source. Ingest keeps a daily bucket per country beside
//! each month part (`rollup-<run>.tsv`, [`ROLLUP_COLUMNS`]); indicator series add buckets up
//! by day, week or month.

use crate::date::Date;
use crate::rowcodec::{RowInfo, StoredRow, col};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

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

/// Aggregates of one scope in one period: the one rollup type (the store's daily
/// per-country rollups and the indicator series both hold these).
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
    /// Deaths, best estimate (fatality datasets; 0 for news-coded events).
    pub fatalities: u64,
    /// Deaths, low and high estimates (a row without them counts its best estimate).
    pub fatalities_low: u64,
    pub fatalities_high: u64,
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
        let best = r.u64(col::FAT_BEST).unwrap_or(0);
        self.fatalities += best;
        self.fatalities_low += r.u64(col::FAT_LOW).unwrap_or(best);
        self.fatalities_high += r.u64(col::FAT_HIGH).unwrap_or(best);
        let loc = r.get(col::LOCATION);
        if !loc.is_empty() {
            self.locations.add(loc);
        }
        let url = r.get(col::URL);
        if !url.is_empty() {
            self.sources.add(url_host(url));
        }
    }

    /// Add what [`RowInfo`] carries of a row (the sums; not the places or sources).
    #[inline]
    pub fn add_info(&mut self, ev: &RowInfo) {
        self.events += 1;
        if (1..=4).contains(&ev.quad) {
            self.quad[ev.quad as usize - 1] += 1;
        }
        if let Some(g) = ev.goldstein {
            let w = (ev.mentions as f64).max(1.0);
            self.goldstein_sum += g as f64;
            self.goldstein_n += 1;
            self.goldstein_weighted_sum += g as f64 * w;
            self.mention_sum += w;
        }
        let best = ev.fatalities as u64;
        self.fatalities += best;
        self.fatalities_low += ev.fatalities_low.map_or(best, u64::from);
        self.fatalities_high += ev.fatalities_high.map_or(best, u64::from);
    }

    /// Take back what [`Bucket::add_info`] added for a row.
    pub fn remove_info(&mut self, ev: &RowInfo) {
        self.events -= 1;
        if (1..=4).contains(&ev.quad) {
            self.quad[ev.quad as usize - 1] -= 1;
        }
        if let Some(g) = ev.goldstein {
            let w = (ev.mentions as f64).max(1.0);
            self.goldstein_sum -= g as f64;
            self.goldstein_n -= 1;
            self.goldstein_weighted_sum -= g as f64 * w;
            self.mention_sum -= w;
        }
        let best = ev.fatalities as u64;
        self.fatalities -= best;
        self.fatalities_low -= ev.fatalities_low.map_or(best, u64::from);
        self.fatalities_high -= ev.fatalities_high.map_or(best, u64::from);
    }

    /// Add another bucket's sums (not its places, sources or volume).
    pub fn add_sums(&mut self, o: &Bucket) {
        self.events += o.events;
        for i in 0..4 {
            self.quad[i] += o.quad[i];
        }
        self.goldstein_sum += o.goldstein_sum;
        self.goldstein_n += o.goldstein_n;
        self.goldstein_weighted_sum += o.goldstein_weighted_sum;
        self.mention_sum += o.mention_sum;
        self.fatalities += o.fatalities;
        self.fatalities_low += o.fatalities_low;
        self.fatalities_high += o.fatalities_high;
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
            "fatalities_low": self.fatalities_low,
            "fatalities_high": self.fatalities_high,
            "volume_share": round(self.volume_share()),
            "top_location": top(&self.locations),
            "top_source": top(&self.sources),
        })
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Daily per-country buckets of one month: (country, day) → sums.
pub(crate) type MonthRollup = HashMap<([u8; 3], i32), Bucket, rustc_hash::FxBuildHasher>;

/// Rollup file columns (files written before 0.3 stop after `fatalities`).
pub const ROLLUP_COLUMNS: [&str; 14] = [
    "country",
    "date",
    "events",
    "q1",
    "q2",
    "q3",
    "q4",
    "goldstein_sum",
    "goldstein_n",
    "goldstein_weighted_sum",
    "mention_sum",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
];

/// Write a month's daily buckets, sorted by (country, day).
pub(crate) fn write_file(path: &Path, r: &MonthRollup) -> Result<(), String> {
    let mut keys: Vec<_> = r.iter().collect();
    keys.sort_by_key(|(k, _)| **k);
    let mut out = ROLLUP_COLUMNS.join("\t");
    out.push('\n');
    for ((c, d), v) in keys {
        let c = String::from_utf8_lossy(c);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            c.trim(),
            Date(*d),
            v.events,
            v.quad[0],
            v.quad[1],
            v.quad[2],
            v.quad[3],
            v.goldstein_sum,
            v.goldstein_n,
            v.goldstein_weighted_sum,
            v.mention_sum,
            v.fatalities,
            v.fatalities_low,
            v.fatalities_high,
        ));
    }
    let mut f = std::fs::File::create(path).map_err(|e| e.to_string())?;
    f.write_all(out.as_bytes()).map_err(|e| e.to_string())
}

/// Read a rollup file: each (country, day, bucket).
pub(crate) fn read_file(path: &Path, f: &mut dyn FnMut(&str, Date, &Bucket)) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for line in text.lines().skip(1) {
        let v: Vec<&str> = line.split('\t').collect();
        if v.len() != ROLLUP_COLUMNS.len() && v.len() != 12 {
            return Err(format!("{}: malformed rollup line", path.display()));
        }
        let Some(d) = Date::parse_iso(v[1]) else {
            continue;
        };
        let n = |i: usize| v.get(i).and_then(|x| x.parse::<u64>().ok());
        let x = |i: usize| v[i].parse::<f64>().unwrap_or(0.0);
        let best = n(11).unwrap_or(0);
        let b = Bucket {
            start: Some(d),
            events: n(2).unwrap_or(0),
            quad: [n(3), n(4), n(5), n(6)].map(|q| q.unwrap_or(0)),
            goldstein_sum: x(7),
            goldstein_n: n(8).unwrap_or(0),
            goldstein_weighted_sum: x(9),
            mention_sum: x(10),
            fatalities: best,
            // Older files have no estimates: the best one stands for both.
            fatalities_low: n(12).unwrap_or(best),
            fatalities_high: n(13).unwrap_or(best),
            ..Bucket::default()
        };
        f(v[0], d, &b);
    }
    Ok(())
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
    fn buckets_add_and_take_back_rows_and_files_round_trip() {
        let info = RowInfo {
            quad: 4,
            goldstein: Some(-10.0),
            mentions: 3,
            fatalities: 5,
            fatalities_low: Some(2),
            ..RowInfo::default()
        };
        let mut b = Bucket::default();
        b.add_info(&info);
        b.add_info(&RowInfo {
            quad: 1,
            ..RowInfo::default()
        });
        assert_eq!(
            (
                b.events,
                b.quad,
                b.fatalities,
                b.fatalities_low,
                b.fatalities_high
            ),
            (2, [1, 0, 0, 1], 5, 2, 5)
        );
        let mut m = MonthRollup::default();
        m.insert((*b"GEO", 15_000), b.clone());
        let p = std::env::temp_dir().join(format!("chamber-rollup-{}.tsv", std::process::id()));
        write_file(&p, &m).unwrap();
        let mut got = Vec::new();
        read_file(&p, &mut |c, d, r| got.push((c.to_string(), d, r.clone()))).unwrap();
        let _ = std::fs::remove_file(&p);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0.as_str(), got[0].1), ("GEO", Date(15_000)));
        assert_eq!(got[0].2.fatalities_high, 5);
        assert_eq!(got[0].2.goldstein_weighted_sum, -30.0);
        b.remove_info(&info);
        assert_eq!(
            (b.events, b.quad, b.fatalities, b.fatalities_low),
            (1, [1, 0, 0, 0], 0, 0)
        );
    }
}
