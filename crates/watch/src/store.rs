//! The open store: `<store>/events/month=YYYY-MM/part-<run>.tsv`, one tab-separated file per
//! ingest run and month, with a header row naming the [`COLUMNS`]. Any tool (DuckDB, pandas,
//! awk) reads it. Ingest is append-only and de-duplicated by (dataset, source-native id): a
//! part file is written under a dot-name and renamed into place only when the run succeeds,
//! so nothing stored before is ever rewritten or lost, and re-ingesting a file adds nothing.

use crate::date::Date;
use crate::model::{Actor, Event, Format};
use crate::reader::{FileReport, ReadError, read_path};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Store columns, in file order.
pub const COLUMNS: [&str; 26] = [
    "dataset",
    "id",
    "date",
    "source_code",
    "source_name",
    "source_country",
    "source_type",
    "target_code",
    "target_name",
    "target_country",
    "target_type",
    "cameo",
    "cameo_root",
    "quad_class",
    "goldstein",
    "mentions",
    "sources",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "country",
    "admin1",
    "lat",
    "lon",
    "location",
    "url",
];

/// Column indexes (see [`COLUMNS`]).
pub mod col {
    pub const DATASET: usize = 0;
    pub const ID: usize = 1;
    pub const DATE: usize = 2;
    pub const SRC_NAME: usize = 4;
    pub const SRC_COUNTRY: usize = 5;
    pub const TGT_NAME: usize = 8;
    pub const TGT_COUNTRY: usize = 9;
    pub const CAMEO: usize = 11;
    pub const QUAD: usize = 13;
    pub const GOLDSTEIN: usize = 14;
    pub const MENTIONS: usize = 15;
    pub const FAT_BEST: usize = 18;
    pub const COUNTRY: usize = 20;
    pub const ADMIN1: usize = 21;
    pub const LOCATION: usize = 24;
    pub const URL: usize = 25;
}

/// A store directory.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// Per-file result of an ingest.
#[derive(Debug, Default, serde::Serialize)]
pub struct FileOutcome {
    #[serde(flatten)]
    pub report: FileReport,
    pub stored: u64,
    pub duplicates: u64,
    /// Set when the file could not be read at all (empty, unknown format, I/O).
    pub error: Option<String>,
}

/// Totals per format.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counts {
    pub files: u64,
    pub rows_read: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

/// Result of one ingest run.
#[derive(Debug, Default, serde::Serialize)]
pub struct IngestOutcome {
    pub files: Vec<FileOutcome>,
    pub per_format: BTreeMap<String, Counts>,
    /// Strict mode stopped the run at this bad row; nothing from this run was stored.
    pub strict_failure: Option<String>,
}

impl IngestOutcome {
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.per_format.values() {
            t.files += c.files;
            t.rows_read += c.rows_read;
            t.stored += c.stored;
            t.duplicates += c.duplicates;
            t.rejected += c.rejected;
        }
        t
    }
    /// Files that could not be read at all.
    pub fn file_errors(&self) -> impl Iterator<Item = &str> {
        self.files.iter().filter_map(|f| f.error.as_deref())
    }
}

/// FNV-1a over dataset and id: the de-duplication key.
fn key_hash(dataset: &[u8], id: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in dataset.iter().chain(b"\0").chain(id) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct MonthWriter {
    tmp: PathBuf,
    final_path: PathBuf,
    out: Option<BufWriter<File>>,
    rows: u64,
}

const MAX_OPEN: usize = 128;

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn events_dir(&self) -> PathBuf {
        self.root.join("events")
    }

    /// Month partitions present, sorted (`YYYY-MM`).
    pub fn months(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.events_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_prefix("month="))
                    .map(str::to_string)
            })
            .collect();
        v.sort();
        v
    }

    /// Committed part files of a month.
    pub fn parts(&self, month: &str) -> Vec<PathBuf> {
        let dir = self.events_dir().join(format!("month={month}"));
        let mut v: Vec<PathBuf> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("part-") && n.ends_with(".tsv"))
            })
            .collect();
        v.sort();
        v
    }

    /// Read files into the store. Bad rows are counted and reported; in strict mode the first
    /// one stops the run and nothing from this run is kept.
    pub fn ingest(&self, files: &[PathBuf], forced: Option<Format>, strict: bool) -> IngestOutcome {
        let run = format!(
            "{}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
            std::process::id()
        );
        let mut months: HashMap<i32, MonthWriter> = HashMap::new();
        let mut outcome = IngestOutcome::default();
        // De-duplication is store-wide: GDELT re-dates some events across months.
        let mut ids: HashSet<u64> = HashSet::new();
        if let Err(e) = self.scan(&|_| true, &mut |r| {
            ids.insert(key_hash(r.get(col::DATASET), r.get(col::ID)));
        }) {
            outcome.strict_failure = Some(format!("cannot read the store: {e}"));
            return outcome;
        }
        let mut line = Vec::with_capacity(512);
        let mut io_error: Option<String> = None;
        for path in files {
            let mut stored = 0u64;
            let mut dups = 0u64;
            let res = read_path(path, forced, strict, &mut |ev: Event| {
                if io_error.is_some() {
                    return;
                }
                let Some(date) = ev.date else { return };
                let ms = date.month_start();
                let w = match months.get_mut(&ms.0) {
                    Some(w) => w,
                    None => match self.open_month(ms, &run) {
                        Ok(w) => months.entry(ms.0).or_insert(w),
                        Err(e) => {
                            io_error = Some(e);
                            return;
                        }
                    },
                };
                if !ids.insert(key_hash(ev.dataset.as_bytes(), ev.id.as_bytes())) {
                    dups += 1;
                    return;
                }
                line.clear();
                encode(&ev, &mut line);
                if let Err(e) = w.write(&line) {
                    io_error = Some(e);
                    return;
                }
                stored += 1;
            });
            if months.values().filter(|w| w.out.is_some()).count() > MAX_OPEN {
                for w in months.values_mut() {
                    if let Err(e) = w.close() {
                        io_error = Some(e);
                    }
                }
            }
            let name = path.display().to_string();
            let fo = match res {
                Ok(report) => FileOutcome {
                    report,
                    stored,
                    duplicates: dups,
                    error: None,
                },
                Err(ReadError::Strict(r)) => {
                    outcome.strict_failure = Some(format!("{r}; nothing from this run was stored"));
                    outcome.files.push(FileOutcome {
                        report: FileReport {
                            file: name,
                            rejected: 1,
                            rejects: vec![r],
                            ..FileReport::default()
                        },
                        ..FileOutcome::default()
                    });
                    break;
                }
                Err(e) => FileOutcome {
                    report: FileReport {
                        file: name,
                        ..FileReport::default()
                    },
                    error: Some(e.to_string()),
                    ..FileOutcome::default()
                },
            };
            if fo.error.is_none() {
                let c = outcome
                    .per_format
                    .entry(fo.report.format.clone())
                    .or_default();
                c.files += 1;
                c.rows_read += fo.report.rows_read;
                c.stored += fo.stored;
                c.duplicates += fo.duplicates;
                c.rejected += fo.report.rejected;
            }
            outcome.files.push(fo);
            if io_error.is_some() {
                break;
            }
        }
        let abort = outcome.strict_failure.is_some() || io_error.is_some();
        if let Some(e) = io_error {
            outcome.strict_failure = Some(format!(
                "store write failed: {e}; nothing from this run was stored"
            ));
        }
        for (_, mut w) in months {
            let closed = w.close();
            if abort || w.rows == 0 || closed.is_err() {
                let _ = fs::remove_file(&w.tmp);
            } else if let Err(e) = fs::rename(&w.tmp, &w.final_path) {
                outcome.strict_failure = Some(format!("store commit failed: {e}"));
            }
        }
        if abort {
            for f in &mut outcome.files {
                f.stored = 0;
            }
            for c in outcome.per_format.values_mut() {
                c.stored = 0;
            }
        }
        outcome
    }

    fn open_month(&self, month: Date, run: &str) -> Result<MonthWriter, String> {
        let key = month.month_key();
        let dir = self.events_dir().join(format!("month={key}"));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(MonthWriter {
            tmp: dir.join(format!(".part-{run}.tsv.tmp")),
            final_path: dir.join(format!("part-{run}.tsv")),
            out: None,
            rows: 0,
        })
    }

    /// Visit every stored row of the months accepted by `want_month` (`YYYY-MM`).
    pub fn scan(
        &self,
        want_month: &dyn Fn(&str) -> bool,
        f: &mut dyn FnMut(&StoredRow),
    ) -> Result<(), String> {
        for m in self.months() {
            if !want_month(&m) {
                continue;
            }
            for part in self.parts(&m) {
                scan_file(&part, f).map_err(|e| format!("{}: {e}", part.display()))?;
            }
        }
        Ok(())
    }

    /// All stored events (for tests and small stores).
    pub fn events(&self) -> Result<Vec<Event>, String> {
        let mut v = Vec::new();
        self.scan(&|_| true, &mut |r| v.push(r.to_event()))?;
        Ok(v)
    }

    /// Number of stored rows.
    pub fn count(&self) -> Result<u64, String> {
        let mut n = 0;
        self.scan(&|_| true, &mut |_| n += 1)?;
        Ok(n)
    }
}

impl MonthWriter {
    fn write(&mut self, line: &[u8]) -> Result<(), String> {
        if self.out.is_none() {
            let fresh = !self.tmp.exists();
            let f = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.tmp)
                .map_err(|e| format!("{}: {e}", self.tmp.display()))?;
            let mut w = BufWriter::with_capacity(1 << 17, f);
            if fresh {
                let mut head = COLUMNS.join("\t");
                head.push('\n');
                w.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
            }
            self.out = Some(w);
        }
        let out = self.out.as_mut().expect("opened above");
        out.write_all(line).map_err(|e| e.to_string())?;
        self.rows += 1;
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        if let Some(mut w) = self.out.take() {
            w.flush().map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn push_text(out: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        out.push(match b {
            b'\t' | b'\n' | b'\r' => b' ',
            b => b,
        });
    }
}

fn push_opt<T: std::fmt::Display>(out: &mut Vec<u8>, v: Option<T>) {
    if let Some(v) = v {
        let _ = write!(out, "{v}");
    }
}

/// One event as a store line (tab-separated, newline-terminated).
pub fn encode(ev: &Event, out: &mut Vec<u8>) {
    let t = |out: &mut Vec<u8>| out.push(b'\t');
    push_text(out, &ev.dataset);
    t(out);
    push_text(out, &ev.id);
    t(out);
    if let Some(d) = ev.date {
        let _ = write!(out, "{d}");
    }
    for a in [&ev.source, &ev.target] {
        for s in [&a.code, &a.name, &a.country, &a.kind] {
            t(out);
            push_text(out, s);
        }
    }
    t(out);
    push_text(out, &ev.cameo);
    t(out);
    push_opt(out, (ev.root > 0).then_some(ev.root));
    t(out);
    push_opt(out, (ev.quad > 0).then_some(ev.quad));
    t(out);
    push_opt(out, ev.goldstein);
    t(out);
    let _ = write!(out, "{}\t{}", ev.mentions, ev.sources);
    for f in [ev.fatalities_low, ev.fatalities_best, ev.fatalities_high] {
        t(out);
        push_opt(out, f);
    }
    for s in [&ev.country, &ev.admin1] {
        t(out);
        push_text(out, s);
    }
    t(out);
    push_opt(out, ev.lat);
    t(out);
    push_opt(out, ev.lon);
    t(out);
    push_text(out, &ev.location);
    t(out);
    push_text(out, &ev.url);
    out.push(b'\n');
}

/// A stored row, borrowed from the reader's buffer.
pub struct StoredRow<'a>(&'a csv::ByteRecord);

impl StoredRow<'_> {
    pub fn get(&self, i: usize) -> &[u8] {
        self.0.get(i).unwrap_or(b"")
    }
    pub fn str(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or("")
    }
    pub fn date(&self) -> Option<Date> {
        Date::parse_iso(self.str(col::DATE))
    }
    pub fn quad(&self) -> u8 {
        match self.get(col::QUAD) {
            [b @ b'1'..=b'4'] => b - b'0',
            _ => 0,
        }
    }
    pub fn f64(&self, i: usize) -> Option<f64> {
        self.str(i).parse().ok()
    }
    pub fn u64(&self, i: usize) -> Option<u64> {
        self.str(i).parse().ok()
    }
    pub fn to_event(&self) -> Event {
        let s = |i: usize| self.str(i).to_string();
        let actor = |b: usize| Actor {
            code: s(b),
            name: s(b + 1),
            country: s(b + 2),
            kind: s(b + 3),
        };
        Event {
            dataset: s(0),
            id: s(1),
            date: self.date(),
            source: actor(3),
            target: actor(7),
            cameo: s(11),
            root: self.str(12).parse().unwrap_or(0),
            quad: self.quad(),
            goldstein: self.str(14).parse().ok(),
            mentions: self.str(15).parse().unwrap_or(0),
            sources: self.str(16).parse().unwrap_or(0),
            fatalities_low: self.str(17).parse().ok(),
            fatalities_best: self.str(18).parse().ok(),
            fatalities_high: self.str(19).parse().ok(),
            country: s(20),
            admin1: s(21),
            lat: self.str(22).parse().ok(),
            lon: self.str(23).parse().ok(),
            location: s(24),
            url: s(25),
        }
    }
}

fn scan_file(path: &Path, f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .quoting(false)
        .flexible(true)
        .buffer_capacity(1 << 17)
        .from_reader(file);
    let mut rec = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut rec).map_err(|e| e.to_string())? {
        f(&StoredRow(&rec));
    }
    Ok(())
}
