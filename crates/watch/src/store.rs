//! The open store: `<store>/events/month=YYYY-MM/part-<run>.tsv`, one tab-separated file per
//! ingest run and month, with a header row naming the [`COLUMNS`]. Any tool (DuckDB, pandas,
//! awk) reads it. Ingest is append-only and de-duplicated by (dataset, source-native id): a
//! part file is written under a dot-name and renamed into place only when the run succeeds,
//! so nothing stored before is ever rewritten or lost, and re-ingesting a file adds nothing.

use crate::date::Date;
use crate::model::{Actor, Event, Format};
use crate::reader::{FileReport, ReadError, read_path};
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// Hasher for keys that are already well mixed (ids) or tiny (rollup keys): FxHash-style.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

/// `BuildHasher` of [`FastHasher`].
pub type FastBuild = std::hash::BuildHasherDefault<FastHasher>;

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn write_i32(&mut self, v: i32) {
        self.write_u64(v as u32 as u64);
    }
}

/// Daily per-country sums of one month: (country, day) → sums.
type MonthRollup = HashMap<([u8; 3], i32), Rollup, FastBuild>;

/// FNV-1a over dataset and id, finished with a SplitMix64 mix: the de-duplication key.
fn key_hash(dataset: &[u8], id: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in dataset.iter().chain(b"\0").chain(id) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

struct MonthWriter {
    tmp: PathBuf,
    final_path: PathBuf,
    out: Option<BufWriter<File>>,
    rows: u64,
}

/// Month files one worker keeps open at most.
const MAX_OPEN: usize = 64;

/// Open-addressing set of non-zero 64-bit keys (linear probing): one cache line per lookup.
#[derive(Default)]
struct KeyTable {
    slots: Vec<u64>,
    len: usize,
}

impl KeyTable {
    fn insert(&mut self, key: u64) -> bool {
        let key = key.max(1); // 0 marks an empty slot
        if (self.len + 1) * 8 > self.slots.len() * 7 {
            self.grow((self.len + 1) * 2);
        }
        let mask = self.slots.len() - 1;
        let mut i = (key as usize) & mask;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = key;
                    self.len += 1;
                    return true;
                }
                k if k == key => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self, want: usize) {
        let cap = (want * 8 / 7 + 1).next_power_of_two().max(1024);
        if cap <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        self.len = 0;
        for k in old.into_iter().filter(|&k| k != 0) {
            self.insert(k);
        }
    }
}

/// The store-wide id set, sharded so that ingest workers rarely wait on each other.
struct IdSet {
    shards: Vec<Padded>,
}

/// One shard on its own cache lines (no false sharing between workers).
#[repr(align(128))]
struct Padded(Mutex<KeyTable>);

const ID_SHARDS: usize = 64;

impl IdSet {
    fn new() -> IdSet {
        IdSet {
            shards: (0..ID_SHARDS)
                .map(|_| Padded(Mutex::new(KeyTable::default())))
                .collect(),
        }
    }
    fn shard(&self, h: u64) -> std::sync::MutexGuard<'_, KeyTable> {
        self.shards[(h >> 58) as usize % ID_SHARDS]
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
    /// True when the id was not there yet.
    fn insert(&self, h: u64) -> bool {
        self.shard(h).insert(h)
    }
    fn reserve(&self, n: usize) {
        for s in &self.shards {
            let mut t = s.0.lock().unwrap_or_else(|e| e.into_inner());
            let want = t.len + n / ID_SHARDS;
            t.grow(want);
        }
    }
}

/// What one worker leaves behind: its month files and rollups, and per-file outcomes.
#[derive(Default)]
struct WorkerOut {
    months: HashMap<i32, MonthWriter, FastBuild>,
    rollups: HashMap<i32, MonthRollup, FastBuild>,
    files: Vec<(usize, FileOutcome)>,
    error: Option<String>,
    /// The bad row that stopped a strict run.
    strict: Option<String>,
    /// Month files currently open.
    open: usize,
}

struct Shared<'a> {
    store: &'a Store,
    files: &'a [PathBuf],
    forced: Option<Format>,
    strict: bool,
    run: &'a str,
    next: AtomicUsize,
    abort: AtomicBool,
    ids: IdSet,
}

fn worker(sh: &Shared, tag: usize) -> WorkerOut {
    let mut out = WorkerOut::default();
    let mut line = Vec::with_capacity(1024);
    loop {
        let i = sh.next.fetch_add(1, Ordering::Relaxed);
        if i >= sh.files.len() || sh.abort.load(Ordering::Relaxed) {
            return out;
        }
        let mut fo = FileOutcome::default();
        let (months, rollups, error, open) = (
            &mut out.months,
            &mut out.rollups,
            &mut out.error,
            &mut out.open,
        );
        let res = read_path(&sh.files[i], sh.forced, sh.strict, &mut |ev: &Event| {
            let Some(date) = ev.date else { return };
            if error.is_some() {
                return;
            }
            if !sh
                .ids
                .insert(key_hash(ev.dataset.as_bytes(), ev.id.as_bytes()))
            {
                fo.duplicates += 1;
                return;
            }
            let month = date.month_start().0;
            // Bound open files: a file spanning decades touches hundreds of months.
            if months.get(&month).is_none_or(|w| w.out.is_none()) {
                if *open >= MAX_OPEN {
                    for w in months.values_mut() {
                        if let Err(e) = w.close() {
                            *error = Some(e);
                        }
                    }
                    *open = 0;
                }
                *open += 1;
            }
            let w = match months.get_mut(&month) {
                Some(w) => w,
                None => match sh
                    .store
                    .open_month(Date(month), &format!("{}-w{tag}", sh.run))
                {
                    Ok(w) => months.entry(month).or_insert(w),
                    Err(e) => {
                        *error = Some(e);
                        return;
                    }
                },
            };
            line.clear();
            encode(ev, &mut line);
            if let Err(e) = w.write(&line) {
                *error = Some(e);
                return;
            }
            fo.stored += 1;
            let c = ev.country.as_bytes();
            let key = (
                if c.len() == 3 {
                    [c[0], c[1], c[2]]
                } else {
                    [b' '; 3]
                },
                date.0,
            );
            rollups
                .entry(month)
                .or_default()
                .entry(key)
                .or_default()
                .add(ev);
        });
        match res {
            Ok(report) => fo.report = report,
            Err(ReadError::Strict(r)) => {
                sh.abort.store(true, Ordering::Relaxed);
                out.strict.get_or_insert_with(|| r.to_string());
                fo.report = FileReport {
                    file: sh.files[i].display().to_string(),
                    rejected: 1,
                    rejects: vec![r],
                    ..FileReport::default()
                };
            }
            Err(e) => {
                fo.report = FileReport {
                    file: sh.files[i].display().to_string(),
                    ..FileReport::default()
                };
                fo.error = Some(e.to_string());
            }
        }
        out.files.push((i, fo));
        if out.error.is_some() {
            sh.abort.store(true, Ordering::Relaxed);
            return out;
        }
    }
}

/// Daily per-country sums kept with each part file (`rollup-<run>.tsv`).
#[derive(Default, Clone, Debug, PartialEq)]
pub struct Rollup {
    pub events: u64,
    pub quad: [u64; 4],
    pub goldstein_sum: f64,
    pub goldstein_n: u64,
    pub goldstein_weighted_sum: f64,
    pub mention_sum: f64,
    pub fatalities: u64,
}

impl Rollup {
    fn add(&mut self, ev: &Event) {
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
        self.fatalities += ev.fatalities_best.unwrap_or(0) as u64;
    }
}

/// Rollup columns.
pub const ROLLUP_COLUMNS: [&str; 12] = [
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
];

fn write_rollup(path: &Path, r: Option<&MonthRollup>) -> Result<(), String> {
    let f = File::create(path).map_err(|e| e.to_string())?;
    let mut w = BufWriter::new(f);
    let mut keys: Vec<_> = r.map(|m| m.iter().collect()).unwrap_or_default();
    keys.sort_by_key(|(k, _)| **k);
    let mut out = ROLLUP_COLUMNS.join("\t");
    out.push('\n');
    for ((c, d), v) in keys {
        let c = String::from_utf8_lossy(c);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
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
            v.fatalities
        ));
    }
    w.write_all(out.as_bytes()).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())
}

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
    ///
    /// Up to two worker threads each take whole files, de-duplicate against a sharded
    /// store-wide id set and write their own part and rollup files per month. Memory stays
    /// bounded: one record per worker plus the id set of the store. When one run holds the
    /// same id twice in files read by different workers, which copy is kept is the one read
    /// first.
    pub fn ingest(&self, files: &[PathBuf], forced: Option<Format>, strict: bool) -> IngestOutcome {
        let run = format!(
            "{}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
            std::process::id()
        );
        let mut outcome = IngestOutcome::default();
        let sh = Shared {
            store: self,
            files,
            forced,
            strict,
            run: &run,
            next: AtomicUsize::new(0),
            abort: AtomicBool::new(false),
            ids: IdSet::new(),
        };
        // De-duplication is store-wide: GDELT re-dates some events across months.
        if let Err(e) = self.scan(&|_| true, &mut |r| {
            sh.ids.insert(key_hash(r.get(col::DATASET), r.get(col::ID)));
        }) {
            outcome.strict_failure = Some(format!("cannot read the store: {e}"));
            return outcome;
        }
        // Room for the new ids up front (about one per 250 input bytes), to avoid rehashing.
        let input_bytes: u64 = files
            .iter()
            .filter_map(|f| fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        sh.ids.reserve(((input_bytes / 250) as usize).min(64 << 20));
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 2)
            .min(files.len().max(1));
        let outs: Vec<WorkerOut> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..workers)
                .map(|k| {
                    let sh = &sh;
                    sc.spawn(move || worker(sh, k))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| WorkerOut {
                        error: Some("an ingest worker panicked".into()),
                        ..WorkerOut::default()
                    })
                })
                .collect()
        });
        let mut results: Vec<Option<FileOutcome>> = (0..files.len()).map(|_| None).collect();
        let mut io_error = None;
        let mut writers = Vec::new();
        for o in outs {
            if let Some(r) = o.strict {
                outcome
                    .strict_failure
                    .get_or_insert_with(|| format!("{r}; nothing from this run was stored"));
            }
            for (i, fo) in o.files {
                results[i] = Some(fo);
            }
            if o.error.is_some() {
                io_error = o.error;
            }
            for (month, w) in o.months {
                writers.push((month, w, o.rollups.get(&month).cloned()));
            }
        }
        for fo in results.into_iter().flatten() {
            if fo.error.is_none() && !fo.report.format.is_empty() {
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
        }
        let abort = outcome.strict_failure.is_some() || io_error.is_some();
        if let Some(e) = io_error {
            outcome.strict_failure = Some(format!(
                "store write failed: {e}; nothing from this run was stored"
            ));
        }
        for (_, mut w, rollup) in writers {
            let closed = w.close();
            let tmp_name = w.tmp.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let fin_name = w
                .final_path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("");
            let rollup_tmp = w
                .tmp
                .with_file_name(tmp_name.replacen(".part-", ".rollup-", 1));
            let rollup_final = w
                .final_path
                .with_file_name(fin_name.replacen("part-", "rollup-", 1));
            let committed = !abort
                && w.rows > 0
                && closed.is_ok()
                && write_rollup(&rollup_tmp, rollup.as_ref()).is_ok()
                && fs::rename(&w.tmp, &w.final_path).is_ok();
            if committed {
                if let Err(e) = fs::rename(&rollup_tmp, &rollup_final) {
                    outcome.strict_failure = Some(format!("store commit failed: {e}"));
                }
            } else {
                let _ = fs::remove_file(&w.tmp);
                let _ = fs::remove_file(&rollup_tmp);
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

    /// Visit the daily per-country rollups of the months accepted; `None` when some part file
    /// has no rollup (then scan the rows instead).
    pub fn scan_rollups(
        &self,
        want_month: &dyn Fn(&str) -> bool,
        f: &mut dyn FnMut(&str, Date, &Rollup),
    ) -> Result<Option<()>, String> {
        let months: Vec<String> = self
            .months()
            .into_iter()
            .filter(|m| want_month(m))
            .collect();
        let mut files = Vec::new();
        for m in &months {
            for part in self.parts(m) {
                let name = part.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let roll = part.with_file_name(name.replacen("part-", "rollup-", 1));
                if !roll.exists() {
                    return Ok(None);
                }
                files.push(roll);
            }
        }
        for roll in files {
            let text = fs::read_to_string(&roll).map_err(|e| format!("{}: {e}", roll.display()))?;
            for line in text.lines().skip(1) {
                let v: Vec<&str> = line.split('\t').collect();
                if v.len() != ROLLUP_COLUMNS.len() {
                    return Err(format!("{}: malformed rollup line", roll.display()));
                }
                let Some(d) = Date::parse_iso(v[1]) else {
                    continue;
                };
                let n = |i: usize| v[i].parse::<u64>().unwrap_or(0);
                let x = |i: usize| v[i].parse::<f64>().unwrap_or(0.0);
                let r = Rollup {
                    events: n(2),
                    quad: [n(3), n(4), n(5), n(6)],
                    goldstein_sum: x(7),
                    goldstein_n: n(8),
                    goldstein_weighted_sum: x(9),
                    mention_sum: x(10),
                    fatalities: n(11),
                };
                f(v[0], d, &r);
            }
        }
        Ok(Some(()))
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

fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A number with at most six decimals, trailing zeros dropped (`42.5`, `-77.0083`, `3`).
fn push_f64(out: &mut Vec<u8>, v: f64) {
    if !v.is_finite() || v.abs() >= 1e12 {
        let _ = write!(out, "{v}");
        return;
    }
    let scaled = (v * 1e6).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let a = scaled.unsigned_abs();
    push_u64(out, a / 1_000_000);
    let mut frac = a % 1_000_000;
    if frac > 0 {
        out.push(b'.');
        let mut digits = 6;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let s = out.len();
        push_u64(out, frac);
        let written = out.len() - s;
        for _ in written..digits {
            out.insert(s, b'0');
        }
    }
}

fn push_opt_u(out: &mut Vec<u8>, v: Option<u32>) {
    if let Some(v) = v {
        push_u64(out, v as u64);
    }
}

fn push_opt_f(out: &mut Vec<u8>, v: Option<f64>) {
    if let Some(v) = v {
        push_f64(out, v);
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
        let (y, m, dd) = d.ymd();
        let y = y.clamp(0, 9999) as u32;
        out.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (dd / 10) as u8,
            b'0' + (dd % 10) as u8,
        ]);
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
    push_opt_u(out, (ev.root > 0).then_some(ev.root as u32));
    t(out);
    push_opt_u(out, (ev.quad > 0).then_some(ev.quad as u32));
    t(out);
    push_opt_f(out, ev.goldstein.map(|g| g as f64));
    t(out);
    push_u64(out, ev.mentions as u64);
    t(out);
    push_u64(out, ev.sources as u64);
    for f in [ev.fatalities_low, ev.fatalities_best, ev.fatalities_high] {
        t(out);
        push_opt_u(out, f);
    }
    for s in [&ev.country, &ev.admin1] {
        t(out);
        push_text(out, s);
    }
    t(out);
    push_opt_f(out, ev.lat);
    t(out);
    push_opt_f(out, ev.lon);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_table_is_a_set() {
        use std::collections::HashSet;
        let mut t = KeyTable::default();
        let mut reference = HashSet::new();
        let mut x = 88172645463325252u64;
        for i in 0..50_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = if i % 3 == 0 { i % 1000 } else { x }; // many repeats, and key 0
            assert_eq!(t.insert(k), reference.insert(k.max(1)));
        }
        assert_eq!(t.len, reference.len());
    }

    #[test]
    fn numbers_are_written_exactly() {
        let f = |v: f64| {
            let mut o = Vec::new();
            push_f64(&mut o, v);
            String::from_utf8(o).unwrap()
        };
        assert_eq!(f(42.5), "42.5");
        assert_eq!(f(-77.0083), "-77.0083");
        assert_eq!(f(3.0), "3");
        assert_eq!(f(0.000_05), "0.00005");
        assert_eq!(f(-0.25), "-0.25");
        assert_eq!(f(1.9f32 as f64), "1.9");
        assert_eq!(f(22.488976), "22.488976");
        let mut o = Vec::new();
        push_u64(&mut o, 1_234_567_890);
        assert_eq!(o, b"1234567890");
    }

    #[test]
    fn encode_round_trips_through_a_stored_row() {
        let ev = Event {
            dataset: "gdelt1".into(),
            id: "7".into(),
            date: Date::parse_iso("2012-09-19"),
            cameo: "145".into(),
            root: 14,
            quad: 4,
            goldstein: Some(-7.5),
            mentions: 12,
            sources: 2,
            fatalities_best: Some(3),
            country: "GEO".into(),
            admin1: "GG51".into(),
            lat: Some(41.725),
            lon: Some(44.7908),
            location: "Tbilisi\tcentre".into(),
            url: "http://example.org/a".into(),
            ..Event::default()
        };
        let mut line = Vec::new();
        encode(&ev, &mut line);
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .has_headers(false)
            .quoting(false)
            .from_reader(&line[..]);
        let mut rec = csv::ByteRecord::new();
        assert!(rdr.read_byte_record(&mut rec).unwrap());
        let back = StoredRow(&rec).to_event();
        assert_eq!(back.location, "Tbilisi centre"); // tabs never break a row
        assert_eq!(
            Event {
                location: "Tbilisi centre".into(),
                ..ev
            },
            back
        );
    }
}
