//! Every forecast made, stored unchanged with its data cutoff:
//! `<store>/forecasts/<cutoff YYYY-MM>.jsonl`, one JSON forecast a line, append-only.
//!
//! A forecast is identified by (country, method with its settings, horizon) within its
//! cutoff's file. Recording one that is already there keeps the stored line as it is, even
//! when the new one differs (revised data: `data_hash` tells); the report says how many
//! differed. A line cut short by a crash during an append (no final newline) is not a
//! forecast; it is dropped before the next append and reported.

use super::Forecast;
use crate::series::Month;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Archive {
    dir: PathBuf,
}

/// What [`Archive::record`] did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RecordReport {
    pub appended: usize,
    /// Already stored, identical.
    pub unchanged: usize,
    /// Already stored with other numbers (the data was revised since): the stored one is kept.
    pub kept_stored_over_different: usize,
    /// Bytes of a torn last line dropped before appending.
    pub torn_bytes_dropped: usize,
}

fn key(f: &Forecast) -> String {
    format!(
        "{}|{}|{}",
        f.country,
        serde_json::to_string(&f.method).unwrap_or_default(),
        f.horizon
    )
}

impl Archive {
    /// The archive of a watch store.
    pub fn new(store_root: &Path) -> Archive {
        Archive {
            dir: store_root.join("forecasts"),
        }
    }

    pub fn path(&self, cutoff: Month) -> PathBuf {
        self.dir.join(format!("{cutoff}.jsonl"))
    }

    /// Cutoffs with stored forecasts, oldest first.
    pub fn cutoffs(&self) -> Result<Vec<Month>, String> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("{}: {e}", self.dir.display())),
        };
        let mut out: Vec<Month> = rd
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                Month::parse(name.strip_suffix(".jsonl")?)
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// The forecasts stored for a cutoff, in the order they were made (a torn last line is
    /// left out).
    pub fn read(&self, cutoff: Month) -> Result<Vec<Forecast>, String> {
        Ok(self
            .read_lines(cutoff)?
            .into_iter()
            .map(|(_, f)| f)
            .collect())
    }

    /// Each stored line as written, with its forecast.
    fn read_lines(&self, cutoff: Month) -> Result<Vec<(String, Forecast)>, String> {
        let path = self.path(cutoff);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let whole = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        whole
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str::<Forecast>(l)
                    .map(|f| (l.to_string(), f))
                    .map_err(|e| format!("{}:{}: forecast: {e}", path.display(), i + 1))
            })
            .collect()
    }

    /// Append the forecasts not stored yet (each to its cutoff's file).
    pub fn record(&self, forecasts: &[Forecast]) -> Result<RecordReport, String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let mut report = RecordReport::default();
        let mut by_cutoff: Vec<Month> = forecasts.iter().map(|f| f.cutoff).collect();
        by_cutoff.sort();
        by_cutoff.dedup();
        for cutoff in by_cutoff {
            // Compared as written: a number read back from JSON may differ in its last bit.
            let stored: HashMap<String, String> = self
                .read_lines(cutoff)?
                .into_iter()
                .map(|(line, f)| (key(&f), line))
                .collect();
            let mut lines = String::new();
            let mut seen = std::collections::HashSet::new();
            for f in forecasts.iter().filter(|f| f.cutoff == cutoff) {
                let k = key(f);
                let line = serde_json::to_string(f).map_err(|e| e.to_string())?;
                match stored.get(&k) {
                    Some(old) if *old == line => report.unchanged += 1,
                    Some(_) => report.kept_stored_over_different += 1,
                    None if seen.insert(k) => {
                        lines.push_str(&line);
                        lines.push('\n');
                        report.appended += 1;
                    }
                    None => {}
                }
            }
            if lines.is_empty() {
                continue;
            }
            let path = self.path(cutoff);
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .read(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            // Drop a torn last line left by an interrupted append.
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            if keep < bytes.len() {
                report.torn_bytes_dropped += bytes.len() - keep;
                file.set_len(keep as u64)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            file.write_all(lines.as_bytes())
                .and_then(|_| file.sync_data())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{Method, forecast_country};
    use crate::series::MonthlySeries;

    #[test]
    fn append_only_and_stored_forecasts_stay_unchanged() {
        let dir = std::env::temp_dir().join(format!("chamber-archive-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = Archive::new(&dir);
        let s = MonthlySeries {
            scope: "KGZ".into(),
            start: Month::parse("2020-01").unwrap(),
            values: (0..24).map(|i| (i % 5) as f64).collect(),
        };
        let cut = Month::parse("2021-12").unwrap();
        let f = forecast_country(&s, cut, &Method::model(), 6, 200, "test").unwrap();
        let as_written = |fs: &[Forecast]| -> Vec<String> {
            fs.iter()
                .map(|f| serde_json::to_string(f).unwrap())
                .collect()
        };
        let stored_lines = |a: &Archive| -> Vec<String> {
            a.read_lines(cut)
                .unwrap()
                .into_iter()
                .map(|(l, _)| l)
                .collect()
        };
        let r = a.record(&f).unwrap();
        assert_eq!(r.appended, 6);
        assert_eq!(stored_lines(&a), as_written(&f));
        assert_eq!(a.read(cut).unwrap().len(), 6);
        // Again: nothing appended.
        assert_eq!(a.record(&f).unwrap().unchanged, 6);
        // Revised data: the stored forecasts are kept as they were.
        let mut s2 = s.clone();
        s2.values[23] = 500.0;
        let g = forecast_country(&s2, cut, &Method::model(), 6, 200, "test").unwrap();
        assert_ne!(g, f);
        let r = a.record(&g).unwrap();
        assert_eq!((r.appended, r.kept_stored_over_different), (0, 6));
        assert_eq!(stored_lines(&a), as_written(&f));
        // Another method appends beside them.
        let h = forecast_country(
            &s,
            cut,
            &Method::ConflictHistory { months: 12 },
            6,
            200,
            "t",
        )
        .unwrap();
        assert_eq!(a.record(&h).unwrap().appended, 6);
        assert_eq!(a.read(cut).unwrap().len(), 12);
        assert_eq!(a.cutoffs().unwrap(), vec![cut]);
        // A torn last line (crash mid-append) is not read, and is dropped at the next append.
        let path = a.path(cut);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"country\":\"KG");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(a.read(cut).unwrap().len(), 12);
        let z = forecast_country(&s, cut, &Method::Zero, 6, 10, "t").unwrap();
        let r = a.record(&z).unwrap();
        assert_eq!((r.appended, r.torn_bytes_dropped), (6, 14));
        assert_eq!(a.read(cut).unwrap().len(), 18);
        // A damaged stored line is an error naming file and line.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"not json\n");
        std::fs::write(&path, &bytes).unwrap();
        let e = a.read(cut).unwrap_err();
        assert!(e.contains("2021-12.jsonl:19"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
