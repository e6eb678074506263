//! The open store: `<store>/events/month=YYYY-MM/part-<run>.parquet`, one Parquet file per
//! ingest run and month with the [`COLUMNS`] typed as in [`crate::parquet::SCHEMA`]. Any
//! Parquet reader (DuckDB, Arrow, pandas) opens it; parts of stores written before 0.2 are
//! tab-separated (`part-<run>.tsv`) and still read. Ingest is append-only and de-duplicated
//! by (dataset, source-native id), keeping the copy first in (file, line) order: a part file
//! is written under a dot-name and renamed into place only when the run succeeds, so nothing
//! stored before is ever rewritten or lost, and re-ingesting a file adds nothing.

use crate::date::Date;
use crate::model::{Actor, Event, Format};
use crate::reader::{
    Ctx, FileReport, GdeltPlan, GdeltSplitter, ReadError, gdelt_chunk, open_gdelt, read_path,
};
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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
    out: crate::parquet::PartWriter,
}

/// Month files one worker keeps open at most (each buffers up to
/// [`crate::parquet::ROW_GROUP_BYTES`]).
const MAX_OPEN: usize = 32;

/// The run's keys as a blocked Bloom filter: three bits in one 64-bit word per key, set with
/// one atomic OR, so "seen before?" and "now seen" are a single step even when both workers
/// meet the same key. About 12 bits per key: small enough to stay in cache.
struct Seen {
    words: Vec<AtomicU64>,
    mask: usize,
}

impl Seen {
    fn new(keys: usize) -> Seen {
        let n = (keys.max(1) * 12 / 64).next_power_of_two().max(1 << 10);
        Seen {
            words: (0..n).map(|_| AtomicU64::new(0)).collect(),
            mask: n - 1,
        }
    }

    #[inline]
    fn hash(key: u64) -> u64 {
        let mut h = key ^ (key >> 31);
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^ (h >> 32)
    }

    /// False: the key is certainly new in this run (and is now recorded). True: it may have
    /// been seen (a repeat, or a false positive to check exactly later).
    #[inline]
    fn check_insert(&self, key: u64) -> bool {
        let h = Seen::hash(key);
        let bits = (1u64 << (h >> 40 & 63)) | (1u64 << (h >> 46 & 63)) | (1u64 << (h >> 52 & 63));
        let word = &self.words[h as usize & self.mask];
        // A key seen before needs no write.
        if word.load(Ordering::Relaxed) & bits == bits {
            return true;
        }
        word.fetch_or(bits, Ordering::Relaxed) & bits == bits
    }

    /// Start loading the word of a key that is about to be checked.
    #[inline]
    fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let word = &self.words[Seen::hash(key) as usize & self.mask];
            // SAFETY: a prefetch is only a hint; the address is that of a live element.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    word as *const AtomicU64 as *const i8,
                )
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }
}

/// A row the filter may have seen: kept aside and settled exactly after the run's reading.
struct Held {
    file: u32,
    month: i32,
    info: RowInfo,
    line: Vec<u8>,
}

/// A hash of a store line's bytes (eight at a time): tells whether two copies of one id
/// hold the same event.
#[inline]
fn line_hash(line: &[u8]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64 ^ line.len() as u64;
    let mut words = line.chunks_exact(8);
    for w in &mut words {
        let v = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h ^ (h >> 29)
}

/// The de-duplication key of an event: one byte of dataset, then the native id itself when
/// it is a number below 2^55 (GDELT, UCDP: exact), else a 55-bit hash of it with the top bit
/// of the remaining 56 set.
pub fn event_key(dataset: &str, id: &str) -> u64 {
    event_key_tagged(dataset_tag(dataset), dataset, id)
}

/// The byte [`event_key`] gives a dataset.
pub fn dataset_tag(dataset: &str) -> u64 {
    match dataset {
        "gdelt1" => 1,
        "gdelt2" => 2,
        "icews" => 3,
        "ucdp" => 4,
        "acled" => 5,
        "plover" => 6,
        _ => 7,
    }
}

/// [`event_key`] with the dataset's tag ([`dataset_tag`]) already known.
#[inline]
pub fn event_key_tagged(tag: u64, dataset: &str, id: &str) -> u64 {
    let b = id.as_bytes();
    if !b.is_empty() && b.len() <= 16 && b.iter().all(u8::is_ascii_digit) {
        let v = b.iter().fold(0u64, |v, &d| v * 10 + (d - b'0') as u64);
        if v < 1 << 55 {
            return tag << 56 | v;
        }
    }
    tag << 56 | 1 << 55 | (key_hash(dataset.as_bytes(), b) & ((1 << 55) - 1))
}

/// One month's part being written by one worker.
struct MonthPart {
    w: MonthWriter,
    /// Key of each row, in row order.
    keys: Vec<u64>,
    /// The same keys sorted (filled when the worker is done).
    sorted: Vec<u64>,
    /// Source file of the rows, run-length encoded: (file index, rows).
    files: Vec<(u32, u32)>,
    /// Each row's position in its file (low 32 bits, saturated) and a 32-bit hash of its
    /// content ([`line_hash`], high bits), in row order: 8 bytes a row.
    pos_hash: Vec<u64>,
    /// Rows (indexes) replaced by an earlier copy of their id: left out when committing.
    replaced: Vec<u32>,
    rollup: MonthRollup,
}

/// What one worker leaves behind: its month parts and per-file outcomes.
#[derive(Default)]
struct WorkerOut {
    months: HashMap<i32, MonthPart, FastBuild>,
    /// Rows whose key the filter may have seen, in reading order.
    held: Vec<Held>,
    files: HashMap<usize, (Ctx, FileOutcome), FastBuild>,
    error: Option<String>,
    /// The bad row that stopped a strict run.
    strict: Option<crate::reader::Reject>,
    /// Month files currently open.
    open: usize,
    /// The last (day, month start) seen.
    last_month: (i32, i32),
}

/// Files handed out to the workers: a GDELT file is cut into chunks that any worker may
/// read; another file is read whole by one worker.
struct Feed {
    next_file: usize,
    /// The file being cut: index, plan, splitter, an empty report naming it.
    current: Option<(usize, Arc<GdeltPlan>, GdeltSplitter, Ctx)>,
}

enum Work {
    Chunk(usize, Arc<GdeltPlan>, u64, Ctx),
    Whole(usize),
    Failed(usize, ReadError),
    Done,
}

struct Shared<'a> {
    store: &'a Store,
    files: &'a [PathBuf],
    forced: Option<Format>,
    strict: bool,
    run: &'a str,
    feed: Mutex<Feed>,
    abort: AtomicBool,
    seen: Seen,
}

impl Shared<'_> {
    /// The next piece of work; a new GDELT file's empty report goes to `out`.
    fn next(&self, buf: &mut Vec<u8>, out: &mut WorkerOut) -> Work {
        let mut feed = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.abort.load(Ordering::Relaxed) {
                return Work::Done;
            }
            if let Some((idx, plan, sp, ctx)) = &mut feed.current {
                let idx = *idx;
                match sp.next_chunk(buf) {
                    Ok(Some(line)) => return Work::Chunk(idx, plan.clone(), line, ctx.fresh()),
                    Ok(None) => feed.current = None,
                    Err(e) => {
                        feed.current = None;
                        let name = self.files[idx].display();
                        return Work::Failed(idx, ReadError::Io(format!("{name}: {e}")));
                    }
                }
                continue;
            }
            if feed.next_file >= self.files.len() {
                return Work::Done;
            }
            let idx = feed.next_file;
            feed.next_file += 1;
            match open_gdelt(&self.files[idx], self.forced, self.strict) {
                Ok(Some((plan, sp, ctx))) => {
                    // The header row is counted by the worker that opened the file.
                    let template = ctx.fresh();
                    out.files
                        .entry(idx)
                        .or_insert_with(|| (ctx.fresh(), FileOutcome::default()))
                        .0
                        .merge(ctx.report);
                    feed.current = Some((idx, Arc::new(plan), sp, template));
                }
                Ok(None) => return Work::Whole(idx),
                Err(e) => return Work::Failed(idx, e),
            }
        }
    }
}

/// Store one event: de-duplicate within the run, append it to its month part, add it to the
/// daily rollup.
/// Store one event given as its store line and [`RowInfo`]: append it to its month part
/// and daily rollup when its key is new in this run; `Some(false)`: held for an exact check
/// after reading (a repeat or a filter false positive); `None`: no date, not stored.
fn put(
    sh: &Shared,
    tag: usize,
    out: &mut WorkerOut,
    file: usize,
    line: &[u8],
    info: &RowInfo,
) -> Result<Option<bool>, String> {
    let Some(date) = info.date else {
        return Ok(None);
    };
    let month = match out.last_month {
        (d, m) if d == date.0 => m,
        _ => {
            let m = date.month_start().0;
            out.last_month = (date.0, m);
            m
        }
    };
    if sh.seen.check_insert(info.key) {
        out.held.push(Held {
            file: file as u32,
            month,
            info: *info,
            line: line.to_vec(),
        });
        return Ok(Some(false));
    }
    append(sh, tag, out, month, file, line, info)?;
    Ok(Some(true))
}

/// Settle the held rows exactly. Of the copies of one id in this run, the first in (file,
/// position) order is kept whichever worker read it first: a held row that comes before the
/// stored copy replaces it (the stored row is marked and left out when the part is
/// committed); a held row after it is a duplicate; a held row whose id nothing stored has
/// (a filter false positive) is appended to a part of its month now.
fn settle_held(
    sh: &Shared,
    mut held: Vec<Held>,
    parts: &mut Vec<MonthPart>,
    fos: &mut [FileOutcome],
) -> Result<(), String> {
    if held.is_empty() {
        return Ok(());
    }
    // Reading order: file, then position in the file.
    held.sort_by_key(|h| (h.file, h.info.pos.min(u32::MAX as u64)));
    let wanted: std::collections::HashSet<u64, FastBuild> =
        held.iter().map(|h| h.info.key).collect();
    /// Where the kept copy of an id is: (file, position), its content hash and, when stored
    /// in a part, (part, row).
    type Kept = ((u32, u64), u64, Option<(usize, u32)>);
    let mut kept: HashMap<u64, Kept, FastBuild> = HashMap::default();
    for (pi, p) in parts.iter().enumerate() {
        let mut files = p
            .files
            .iter()
            .flat_map(|&(f, n)| std::iter::repeat_n(f, n as usize));
        for (row, (k, ph)) in p.keys.iter().zip(&p.pos_hash).enumerate() {
            let f = files.next().unwrap_or(0);
            if wanted.contains(k) {
                let (pos, hash) = (ph & 0xffff_ffff, ph >> 32);
                kept.insert(*k, ((f, pos), hash, Some((pi, row as u32))));
            }
        }
    }
    // Rows replaced by an earlier held copy: (part, row, key).
    let mut replaced: Vec<(usize, u32, u64)> = Vec::new();
    let mut append_now: Vec<Held> = Vec::new();
    for h in held {
        let f = h.file as usize;
        let at = (h.file, h.info.pos.min(u32::MAX as u64));
        let hash = line_hash(&h.line) >> 32;
        match kept.get_mut(&h.info.key) {
            Some((first, _, _)) if *first <= at => {
                fos[f].duplicates += 1;
                continue;
            }
            Some((first, stored_hash, Some((pi, row)))) => {
                // This copy comes first. The stored copy counts as its file's duplicate;
                // when the two differ, this one replaces it in the store.
                let was = first.0 as usize;
                fos[was].stored -= 1;
                fos[was].duplicates += 1;
                fos[f].stored += 1;
                if *stored_hash == hash {
                    *first = at;
                    continue;
                }
                replaced.push((*pi, *row, h.info.key));
                fos[f].stored -= 1; // counted again below
            }
            _ => {}
        }
        kept.insert(h.info.key, (at, hash, None));
        fos[f].stored += 1;
        append_now.push(h);
    }
    for (pi, row, key) in replaced {
        let p = &mut parts[pi];
        p.replaced.push(row);
        if let Ok(i) = p.sorted.binary_search(&key) {
            p.sorted.remove(i);
        }
    }
    // New rows go to the parts this run already has (reopened for appending), or to a
    // part of their own.
    let mut out = WorkerOut::default();
    for (i, p) in std::mem::take(parts).into_iter().enumerate() {
        let month = Date::parse_iso(&format!("{}-01", month_of(&p.w.final_path)))
            .map(|d| d.0)
            .unwrap_or(i32::MIN + i as i32);
        match out.months.entry(month) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(p);
            }
            std::collections::hash_map::Entry::Occupied(_) => parts.push(p),
        }
    }
    let mut dirty = HashMap::<i32, Vec<u64>, FastBuild>::default();
    for h in append_now {
        append(sh, 9, &mut out, h.month, h.file as usize, &h.line, &h.info)?;
        dirty.entry(h.month).or_default().push(h.info.key);
    }
    for (month, mut p) in out.months {
        if let Some(mut new) = dirty.remove(&month) {
            p.w.close()?;
            // Merge the few new keys into the sorted ones.
            new.sort_unstable();
            let old = std::mem::take(&mut p.sorted);
            let (mut i, mut j) = (0, 0);
            p.sorted.reserve(old.len() + new.len());
            while i < old.len() || j < new.len() {
                if j == new.len() || (i < old.len() && old[i] <= new[j]) {
                    p.sorted.push(old[i]);
                    i += 1;
                } else {
                    p.sorted.push(new[j]);
                    j += 1;
                }
            }
        }
        parts.push(p);
    }
    Ok(())
}

/// `YYYY-MM` of a part path (`…/month=YYYY-MM/part-….tsv`).
fn month_of(path: &Path) -> String {
    path.parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("month="))
        .unwrap_or("")
        .to_string()
}

/// Append a row to this worker's part of its month.
fn append(
    sh: &Shared,
    tag: usize,
    out: &mut WorkerOut,
    month: i32,
    file: usize,
    line: &[u8],
    info: &RowInfo,
) -> Result<(), String> {
    // The month's part is open (most rows): one lookup.
    if let Some(part) = out.months.get_mut(&month)
        && part.w.out.is_open()
    {
        return add_row(part, file, line, info);
    }
    // Bound open files: a file spanning decades touches hundreds of months.
    let open = out.months.get(&month).is_some_and(|p| p.w.out.is_open());
    if !open {
        if out.open >= MAX_OPEN {
            for p in out.months.values_mut() {
                p.w.close()?;
            }
            out.open = 0;
        }
        out.open += 1;
    }
    let part = match out.months.get_mut(&month) {
        Some(p) => p,
        None => {
            let w = sh
                .store
                .open_month(Date(month), &format!("{}-w{tag}", sh.run))?;
            out.months.entry(month).or_insert(MonthPart {
                w,
                keys: Vec::new(),
                sorted: Vec::new(),
                files: Vec::new(),
                pos_hash: Vec::new(),
                replaced: Vec::new(),
                rollup: MonthRollup::default(),
            })
        }
    };
    add_row(part, file, line, info)
}

/// Write a row to an open month part and add it to the part's keys, files and rollup.
#[inline]
fn add_row(part: &mut MonthPart, file: usize, line: &[u8], info: &RowInfo) -> Result<(), String> {
    part.w.write(line, info.ends.as_ref())?;
    part.keys.push(info.key);
    part.pos_hash
        .push(line_hash(line) & !0xffff_ffff | info.pos.min(u32::MAX as u64));
    match part.files.last_mut() {
        Some((f, n)) if *f == file as u32 => *n += 1,
        _ => part.files.push((file as u32, 1)),
    }
    if let Some(d) = info.date {
        part.rollup
            .entry((info.country, d.0))
            .or_default()
            .add(info);
    }
    Ok(())
}

fn worker(sh: &Shared, tag: usize) -> WorkerOut {
    let mut out = WorkerOut::default();
    let mut line = Vec::with_capacity(1024);
    let mut buf = Vec::new();
    loop {
        let work = sh.next(&mut buf, &mut out);
        let (idx, res, mut ctx) = match work {
            Work::Done => return out,
            Work::Failed(idx, e) => {
                let fo = &mut out
                    .files
                    .entry(idx)
                    .or_insert_with(|| (Ctx::default_for(&sh.files[idx]), FileOutcome::default()))
                    .1;
                fo.error = Some(e.to_string());
                continue;
            }
            Work::Chunk(idx, plan, first_line, mut ctx) => {
                let (mut stored, mut err) = (0u64, None);
                let hint = |k| sh.seen.prefetch(k);
                let res = gdelt_chunk(&plan, &buf, first_line, &mut ctx, &hint, &mut |l, info| {
                    if err.is_some() {
                        return;
                    }
                    match put(sh, tag, &mut out, idx, l, info) {
                        Ok(Some(true)) => stored += 1,
                        Ok(Some(false)) => {} // settled later
                        Ok(None) => {}
                        Err(e) => err = Some(e),
                    }
                });
                let fo = &mut out
                    .files
                    .entry(idx)
                    .or_insert_with(|| (ctx.fresh(), FileOutcome::default()))
                    .1;
                fo.stored += stored;
                if let Some(e) = err {
                    out.error = Some(e);
                }
                (idx, res, ctx)
            }
            Work::Whole(idx) => {
                let (mut stored, mut err, mut row) = (0u64, None, 0u64);
                let res = read_path(&sh.files[idx], sh.forced, sh.strict, &mut |e| {
                    if err.is_some() {
                        return;
                    }
                    line.clear();
                    let ends = encode(e, &mut line);
                    row += 1;
                    let info = RowInfo {
                        pos: row,
                        ends,
                        ..RowInfo::of(e)
                    };
                    match put(sh, tag, &mut out, idx, &line, &info) {
                        Ok(Some(true)) => stored += 1,
                        Ok(Some(false)) => {} // settled later
                        Ok(None) => {}
                        Err(e) => err = Some(e),
                    }
                });
                let mut ctx = Ctx::default_for(&sh.files[idx]);
                let res = res.map(|rep| ctx.report = rep);
                let entry = out
                    .files
                    .entry(idx)
                    .or_insert_with(|| (Ctx::default_for(&sh.files[idx]), FileOutcome::default()));
                entry.1.stored += stored;
                if let Some(e) = err {
                    out.error = Some(e);
                }
                (idx, res, ctx)
            }
        };
        let entry = out
            .files
            .entry(idx)
            .or_insert_with(|| (ctx.fresh(), FileOutcome::default()));
        match res {
            Ok(()) => {
                let rep = std::mem::take(&mut ctx.report);
                entry.0.merge(rep);
            }
            Err(ReadError::Strict(r)) => {
                sh.abort.store(true, Ordering::Relaxed);
                // The row that stopped the run is reported with the file.
                let mut part = FileReport {
                    rejected: 1,
                    ..FileReport::default()
                };
                part.rejects.push(r.clone());
                entry.0.merge(part);
                if out
                    .strict
                    .as_ref()
                    .is_none_or(|s| (&r.file, r.line) < (&s.file, s.line))
                {
                    out.strict = Some(r);
                }
            }
            Err(e) => entry.1.error = Some(e.to_string()),
        }
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
    /// Take back what [`Rollup::add`] added for a row.
    fn remove(&mut self, ev: &RowInfo) {
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
        self.fatalities -= ev.fatalities as u64;
    }

    fn add(&mut self, ev: &RowInfo) {
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
        self.fatalities += ev.fatalities as u64;
    }
}

/// What ingest needs of an event besides its store line: key, month, rollup values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowInfo {
    pub key: u64,
    pub date: Option<Date>,
    pub quad: u8,
    pub goldstein: Option<f32>,
    pub mentions: u32,
    pub fatalities: u32,
    /// ISO3 of the location, blanks when none.
    pub country: [u8; 3],
    /// Where the row is in its file (line, or row number): of two rows with one id, the
    /// earlier in (file, position) order is the one stored.
    pub pos: u64,
    /// Where the store line's fields end ([`Line::end`]), when known.
    pub ends: Option<[u16; 26]>,
}

impl RowInfo {
    pub fn of(ev: &Event) -> RowInfo {
        RowInfo {
            key: event_key(&ev.dataset, &ev.id),
            date: ev.date,
            quad: ev.quad,
            goldstein: ev.goldstein,
            mentions: ev.mentions,
            fatalities: ev.fatalities_best.unwrap_or(0),
            country: iso3_bytes(&ev.country),
            pos: 0,
            ends: None,
        }
    }
}

/// An ISO3 code as three bytes (blanks when it is not three bytes long).
pub fn iso3_bytes(c: &str) -> [u8; 3] {
    match c.as_bytes() {
        &[a, b, c] => [a, b, c],
        _ => [b' '; 3],
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

/// The id index beside a part: `part-X.parquet` (or `.tsv`) → `ids-X.u64`.
fn ids_path_of(part: &Path) -> PathBuf {
    side_path(part, "ids-", ".u64")
}

/// A file beside a part: `part-X.parquet` (or `part-X.tsv`) → `<prefix>X<ext>`.
fn side_path(part: &Path, prefix: &str, ext: &str) -> PathBuf {
    let n = part.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = n.strip_prefix("part-").unwrap_or(n);
    let stem = stem
        .strip_suffix(".parquet")
        .or_else(|| stem.strip_suffix(".tsv"))
        .unwrap_or(stem);
    part.with_file_name(format!("{prefix}{stem}{ext}"))
}

/// Sorted keys, little-endian u64 each.
fn write_ids(path: &Path, keys: &[u64]) -> Result<(), String> {
    let mut w = BufWriter::new(File::create(path).map_err(|e| e.to_string())?);
    for k in keys {
        w.write_all(&k.to_le_bytes()).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn read_ids(path: &Path) -> Result<Vec<u64>, String> {
    let b = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(b.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

/// First and last key of an id index (without reading it); `None` when there is none.
fn key_range(path: &Path) -> Option<(u64, u64)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    if len < 8 || len % 8 != 0 {
        return None;
    }
    let mut a = [0u8; 8];
    f.read_exact(&mut a).ok()?;
    f.seek(SeekFrom::Start(len - 8)).ok()?;
    let mut b = [0u8; 8];
    f.read_exact(&mut b).ok()?;
    Some((u64::from_le_bytes(a), u64::from_le_bytes(b)))
}

/// Push onto `out` the keys of sorted `small` that sorted `big` holds.
fn intersect(big: &[u64], small: &[u64], out: &mut Vec<u64>) {
    let mut i = 0;
    for &k in small {
        // Gallop: both are sorted, so the search only moves forward.
        let rest = &big[i..];
        match rest.binary_search(&k) {
            Ok(j) => {
                out.push(k);
                i += j + 1;
            }
            Err(j) => i += j,
        }
        if i >= big.len() {
            break;
        }
    }
}

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
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with("part-") && (n.ends_with(".parquet") || n.ends_with(".tsv"))
                })
            })
            .collect();
        v.sort();
        v
    }

    /// Read files into the store. Bad rows are counted and reported; in strict mode the first
    /// one stops the run and nothing from this run is kept.
    ///
    /// Two worker threads share the work: a GDELT file is cut into chunks on record
    /// boundaries ([`crate::fast`]) that either worker parses; other formats are read a file
    /// at a time. Each worker writes its own part file per month (a dot-file until the run
    /// commits), with the daily per-country rollup and the sorted id index beside it.
    ///
    /// De-duplication by (dataset, native id) is store-wide. Within the run an id set holds
    /// the run's keys (when two workers read the same id, the copy read first is kept);
    /// against the store, each part's sorted `ids-*.u64` index is merged with the run's
    /// sorted keys after parsing (an index whose key range misses the run's is not read), so
    /// memory grows with the run, not with the store.
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
        // Parts committed before this run (this run's files stay dot-files until the end).
        let existing: Vec<PathBuf> = self.months().iter().flat_map(|m| self.parts(m)).collect();
        // The filter is sized for about one row per 250 input bytes.
        let input_bytes: u64 = files
            .iter()
            .filter_map(|f| fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let sh = Shared {
            store: self,
            files,
            forced,
            strict,
            run: &run,
            feed: Mutex::new(Feed {
                next_file: 0,
                current: None,
            }),
            abort: AtomicBool::new(false),
            seen: Seen::new(((input_bytes / 250) as usize).clamp(1 << 16, 256 << 20)),
        };
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 2);
        let outs: Vec<WorkerOut> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..workers)
                .map(|k| {
                    let sh = &sh;
                    sc.spawn(move || {
                        let mut out = worker(sh, k);
                        // Close this worker's parts and sort their keys (in parallel).
                        for p in out.months.values_mut() {
                            if let Err(e) = p.w.close() {
                                out.error.get_or_insert(e);
                            }
                            p.sorted = p.keys.clone();
                            p.sorted.sort_unstable();
                        }
                        out
                    })
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
        let mut results: Vec<Option<(Ctx, FileOutcome)>> = (0..files.len()).map(|_| None).collect();
        let mut io_error = None;
        let mut parts: Vec<MonthPart> = Vec::new();
        let mut strict_reject: Option<crate::reader::Reject> = None;
        let mut held: Vec<Held> = Vec::new();
        for o in outs {
            if let Some(r) = o.strict
                && strict_reject
                    .as_ref()
                    .is_none_or(|s| (&r.file, r.line) < (&s.file, s.line))
            {
                strict_reject = Some(r);
            }
            for (i, (ctx, fo)) in o.files {
                match &mut results[i] {
                    Some((c, f)) => {
                        c.merge(ctx.report);
                        f.stored += fo.stored;
                        f.duplicates += fo.duplicates;
                        if f.error.is_none() {
                            f.error = fo.error;
                        }
                    }
                    slot => *slot = Some((ctx, fo)),
                }
            }
            if o.error.is_some() {
                io_error = o.error;
            }
            parts.extend(o.months.into_values());
            held.extend(o.held);
        }
        if let Some(r) = strict_reject {
            outcome.strict_failure = Some(format!(
                "{r} (strict mode); nothing from this run was stored"
            ));
        }
        let mut fos: Vec<FileOutcome> = results
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let (ctx, mut fo) =
                    r.unwrap_or_else(|| (Ctx::default_for(&files[i]), FileOutcome::default()));
                fo.report = ctx.report;
                if fo.report.file.is_empty() {
                    fo.report.file = files[i].display().to_string();
                }
                if fo.error.is_some() {
                    fo.report.format.clear();
                }
                fo
            })
            .collect();
        let mut abort = outcome.strict_failure.is_some() || io_error.is_some();
        if !abort && let Err(e) = settle_held(&sh, held, &mut parts, &mut fos) {
            io_error = Some(e);
            abort = true;
        }
        if !abort && let Err(e) = self.drop_stored(&existing, &mut parts, &mut fos) {
            io_error = Some(e);
            abort = true;
        }
        if let Some(e) = io_error {
            outcome.strict_failure = Some(format!(
                "store write failed: {e}; nothing from this run was stored"
            ));
        }
        for mut p in parts {
            let w = &mut p.w;
            let name = |path: &Path, from: &str, to: &str, ext: &str| {
                let n = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                path.with_file_name(n.replacen(from, to, 1).replace(".parquet", ext))
            };
            let rollup_tmp = name(&w.tmp, ".part-", ".rollup-", ".tsv");
            let rollup_final = name(&w.final_path, "part-", "rollup-", ".tsv");
            let ids_tmp = name(&w.tmp, ".part-", ".ids-", ".u64");
            let ids_final = name(&w.final_path, "part-", "ids-", ".u64");
            let keep = !abort && w.out.rows() > 0 && !p.sorted.is_empty();
            // Commit order: index and rollup first, the part last (the part is what
            // readers list, so a crash in between leaves only ignorable side files).
            let committed = keep
                && w.out.finish().is_ok()
                && write_rollup(&rollup_tmp, Some(&p.rollup)).is_ok()
                && write_ids(&ids_tmp, &p.sorted).is_ok()
                && fs::rename(&ids_tmp, &ids_final).is_ok()
                && fs::rename(&rollup_tmp, &rollup_final).is_ok();
            if committed {
                if let Err(e) = fs::rename(&w.tmp, &w.final_path) {
                    outcome.strict_failure = Some(format!("store commit failed: {e}"));
                }
            } else {
                if keep {
                    outcome.strict_failure = Some(format!(
                        "store commit failed: cannot write {}",
                        rollup_tmp.display()
                    ));
                }
                let _ = fs::remove_file(&w.tmp);
                let _ = fs::remove_file(&rollup_tmp);
                let _ = fs::remove_file(&ids_tmp);
            }
        }
        for fo in fos {
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

    /// Drop from the run's parts the rows whose key the store already holds: merge each
    /// committed part's sorted id index with the run's sorted keys (skipping indexes whose key
    /// range misses), then rewrite the parts that lost rows.
    fn drop_stored(
        &self,
        existing: &[PathBuf],
        parts: &mut [MonthPart],
        fos: &mut [FileOutcome],
    ) -> Result<(), String> {
        let mut dups: Vec<Vec<u64>> = vec![Vec::new(); parts.len()];
        for e in existing {
            let ids_path = ids_path_of(e);
            let range = key_range(&ids_path);
            let overlaps = |p: &MonthPart| match (range, p.sorted.first(), p.sorted.last()) {
                (Some((lo, hi)), Some(a), Some(b)) => *a <= hi && *b >= lo,
                (None, Some(_), _) => true,
                _ => false,
            };
            if !parts.iter().any(overlaps) {
                continue;
            }
            let stored = match range {
                Some(_) => read_ids(&ids_path)?,
                None => {
                    // A part without an index (written by an older version): read its keys.
                    let mut v = Vec::new();
                    scan_file(e, &mut |r| {
                        v.push(event_key(r.str(col::DATASET), r.str(col::ID)))
                    })
                    .map_err(|m| format!("{}: {m}", e.display()))?;
                    v.sort_unstable();
                    v
                }
            };
            for (p, d) in parts.iter().zip(dups.iter_mut()) {
                if overlaps(p) {
                    intersect(&stored, &p.sorted, d);
                }
            }
        }
        for ((p, d), _) in parts.iter_mut().zip(dups).zip(0..) {
            if d.is_empty() && p.replaced.is_empty() {
                continue;
            }
            if d.is_empty() {
                // Only rows replaced by an earlier copy: rewrite just their row groups.
                let rollup = &mut p.rollup;
                p.w.out.drop_rows(&p.replaced, &mut |r| {
                    let info = RowInfo::of(&StoredRow(r).to_event());
                    if let Some(d) = info.date {
                        let key = (info.country, d.0);
                        if let Some(x) = rollup.get_mut(&key) {
                            x.remove(&info);
                            if x.events == 0 {
                                rollup.remove(&key);
                            }
                        }
                    }
                })?;
                continue;
            }
            let replaced: std::collections::HashSet<u32, FastBuild> =
                p.replaced.iter().copied().collect();
            let gone: std::collections::HashSet<u64, FastBuild> = d.into_iter().collect();
            // Which input file each dropped row came from.
            let mut rle = p
                .files
                .iter()
                .flat_map(|&(f, n)| std::iter::repeat_n(f, n as usize));
            for (row, k) in p.keys.iter().enumerate() {
                let f = rle.next().unwrap_or(0) as usize;
                // A replaced row was counted as a duplicate when it was replaced.
                if gone.contains(k) && !replaced.contains(&(row as u32)) {
                    fos[f].stored -= 1;
                    fos[f].duplicates += 1;
                }
            }
            p.sorted.retain(|k| !gone.contains(k));
            if p.sorted.is_empty() {
                continue;
            }
            // Rewrite the part without the dropped rows, and its rollup.
            let src = p.w.tmp.clone();
            let dst = src.with_extension("tmp2");
            let _ = fs::remove_file(&dst);
            let mut out = crate::parquet::PartWriter::new(dst);
            let mut rollup = MonthRollup::default();
            let mut row = 0usize;
            let mut err = None;
            let mut line = Vec::new();
            let keys = &p.keys;
            p.w.out.for_each_row(&mut |r| {
                let k = keys.get(row).copied().unwrap_or(0);
                let was_replaced = replaced.contains(&(row as u32));
                row += 1;
                if was_replaced || gone.contains(&k) || err.is_some() {
                    return;
                }
                line.clear();
                for (i, f) in r.iter().enumerate() {
                    if i > 0 {
                        line.push(b'\t');
                    }
                    line.extend_from_slice(f);
                }
                if let Err(e) = out.push_line(&line) {
                    err = Some(e);
                }
                let info = RowInfo::of(&StoredRow(r).to_event());
                if let Some(d) = info.date {
                    rollup.entry((info.country, d.0)).or_default().add(&info);
                }
            })?;
            if let Some(e) = err {
                return Err(e);
            }
            out.rename_to(src)?;
            p.rollup = rollup;
            p.w.out = out;
        }
        Ok(())
    }

    fn open_month(&self, month: Date, run: &str) -> Result<MonthWriter, String> {
        let key = month.month_key();
        let dir = self.events_dir().join(format!("month={key}"));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let tmp = dir.join(format!(".part-{run}.parquet.tmp"));
        Ok(MonthWriter {
            out: crate::parquet::PartWriter::new(tmp.clone()),
            tmp,
            final_path: dir.join(format!("part-{run}.parquet")),
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
                let roll = side_path(&part, "rollup-", ".tsv");
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
    fn write(&mut self, line: &[u8], ends: Option<&[u16; 26]>) -> Result<(), String> {
        match ends {
            Some(e) => self.out.push_line_at(line, e),
            None => self.out.push_line(line),
        }
    }

    fn close(&mut self) -> Result<(), String> {
        self.out.close()
    }
}

#[inline(always)]
fn push_text(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if b.iter().fold(true, |ok, &c| ok & (c >= b' ')) {
        out.extend_from_slice(b);
        return;
    }
    push_text_slow(out, b);
}

#[cold]
fn push_text_slow(out: &mut Vec<u8>, b: &[u8]) {
    for &b in b {
        out.push(match b {
            b'\t' | b'\n' | b'\r' => b' ',
            b => b,
        });
    }
}

fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while v >= 100 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        buf[i] = b'0' + (r / 10) as u8;
        buf[i + 1] = b'0' + (r % 10) as u8;
    }
    if v >= 10 {
        i -= 2;
        buf[i] = b'0' + (v / 10) as u8;
        buf[i + 1] = b'0' + (v % 10) as u8;
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
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

/// Append `b` and a tab (the copy as in [`copy_short`]).
#[inline(always)]
fn push_field(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len();
    out.reserve(n + 1);
    let len = out.len();
    // SAFETY: `reserve` made room for `n + 1` bytes past `len`: `copy_short` writes `n` of
    // them, the tab the last; `set_len` covers exactly the bytes written.
    unsafe {
        let dst = out.as_mut_ptr().add(len);
        copy_short(dst, b);
        *dst.add(n) = b'\t';
        out.set_len(len + n + 1);
    }
}

/// Copy `b` to `dst`. Short values (most fields) are copied with a few unaligned loads and
/// stores instead of a call to `memcpy`.
///
/// # Safety
/// `dst` must be valid for writing `b.len()` bytes and must not overlap `b`.
#[inline(always)]
pub(crate) unsafe fn copy_short(dst: *mut u8, b: &[u8]) {
    let n = b.len();
    let src = b.as_ptr();
    // SAFETY: every read lies inside `b` (the 8- and 4-byte copies overlap rather than read
    // past its end); every write lies inside the `n` bytes the caller vouches for.
    unsafe {
        if (8..=16).contains(&n) {
            let a = (src as *const u64).read_unaligned();
            let z = (src.add(n - 8) as *const u64).read_unaligned();
            (dst as *mut u64).write_unaligned(a);
            (dst.add(n - 8) as *mut u64).write_unaligned(z);
        } else if (4..8).contains(&n) {
            let a = (src as *const u32).read_unaligned();
            let z = (src.add(n - 4) as *const u32).read_unaligned();
            (dst as *mut u32).write_unaligned(a);
            (dst.add(n - 4) as *mut u32).write_unaligned(z);
        } else if (1..4).contains(&n) {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        } else if n > 16 {
            std::ptr::copy_nonoverlapping(src, dst, n);
        }
    }
}

/// Writes one store line column by column (see [`COLUMNS`]): text has tabs and newlines
/// turned into spaces, numbers are written exactly, a missing value is empty.
///
/// Each column is written followed by a tab; [`Line::end`] turns the last tab into the
/// newline.
pub struct Line<'a> {
    out: &'a mut Vec<u8>,
    /// Length of `out` before the line.
    start: usize,
    /// Where each field's tab is, from the line's start (see [`Line::end`]); slots past 26
    /// are scratch.
    ends: [u16; 32],
    /// Fields written; unless 26, or when the line is 64 KiB or longer, the ends are not
    /// given.
    n: usize,
}

impl<'a> Line<'a> {
    /// Start a line at the end of `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Line<'a> {
        out.reserve(256);
        let start = out.len();
        Line {
            out,
            start,
            ends: [0; 32],
            n: 0,
        }
    }
    #[inline(always)]
    fn tab(&mut self) -> &mut Self {
        self.out.push(b'\t');
        self.mark()
    }
    /// Note where the field just written ends (its tab is the last byte).
    #[inline(always)]
    fn mark(&mut self) -> &mut Self {
        // Truncation is harmless: `end` gives no ends for a line of 64 KiB or more.
        self.ends[self.n & 31] = (self.out.len() - 1 - self.start) as u16;
        self.n += 1;
        self
    }
    #[inline(always)]
    pub fn text(&mut self, s: &str) -> &mut Self {
        push_text(self.out, s);
        self.tab()
    }
    /// Text, copied as is when known `plain` (no byte below 0x20).
    #[inline(always)]
    pub fn text_of(&mut self, s: &str, plain: bool) -> &mut Self {
        if !plain {
            return self.text(s);
        }
        debug_assert!(s.bytes().all(|b| b >= b' '));
        push_field(self.out, s.as_bytes());
        self.mark()
    }
    pub fn date(&mut self, d: Option<Date>) -> &mut Self {
        if let Some(d) = d {
            let (y, m, dd) = d.ymd();
            let y = y.clamp(0, 9999) as u32;
            self.out.extend_from_slice(&[
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
        self.tab()
    }
    /// A count, empty when `None`.
    #[inline(always)]
    pub fn uint(&mut self, v: Option<u32>) -> &mut Self {
        match v {
            // One digit (QuadClass, most counts) is the common case.
            Some(v) if v < 10 => self.out.extend_from_slice(&[b'0' + v as u8, b'\t']),
            _ => {
                push_opt_u(self.out, v);
                self.out.push(b'\t');
            }
        }
        self.mark()
    }
    pub fn float(&mut self, v: Option<f64>) -> &mut Self {
        push_opt_f(self.out, v);
        self.tab()
    }
    /// A number whose `text` is known canonical (copied) or not (formatted from the value).
    #[inline(always)]
    pub fn float_known(&mut self, v: Option<f64>, text: &str, canonical: bool) -> &mut Self {
        if canonical && v.is_some() {
            push_field(self.out, text.as_bytes());
            self.mark()
        } else {
            self.float(v)
        }
    }
    /// A count parsed from `text`, copied when already canonical.
    #[inline(always)]
    pub fn uint_text(&mut self, v: Option<u32>, text: &str) -> &mut Self {
        let t = text.as_bytes();
        if v.is_some()
            && !t.is_empty()
            && t.len() <= 9
            && t.iter().all(u8::is_ascii_digit)
            && (t[0] != b'0' || t.len() == 1)
        {
            push_field(self.out, t);
            self.mark()
        } else {
            self.uint(v)
        }
    }
    /// A count whose `text` is known canonical (copied) or not (written from the value).
    #[inline(always)]
    pub fn count_known(&mut self, v: u32, text: &str, canonical: bool) -> &mut Self {
        if canonical {
            push_field(self.out, text.as_bytes());
            self.mark()
        } else {
            self.uint(Some(v))
        }
    }
    /// A date known valid from its `YYYYMMDD` text.
    #[inline(always)]
    pub fn date_compact(&mut self, d: &str) -> &mut Self {
        match d.as_bytes() {
            [y0, y1, y2, y3, m0, m1, d0, d1] => {
                self.out.extend_from_slice(&[
                    *y0, *y1, *y2, *y3, b'-', *m0, *m1, b'-', *d0, *d1, b'\t',
                ]);
                self.mark()
            }
            _ => self.date(Date::parse_compact(d)),
        }
    }
    /// End the line: its last tab becomes the newline. Gives where each of the 26 fields
    /// ends (its tab; the newline for the last) when the line has exactly 26 fields and is
    /// shorter than 64 KiB, which spares the store finding them again.
    pub fn end(&mut self) -> Option<[u16; 26]> {
        if self.out.len() > self.start {
            let last = self.out.len() - 1;
            debug_assert_eq!(self.out[last], b'\t');
            self.out[last] = b'\n';
        } else {
            self.out.push(b'\n');
        }
        let short = self.out.len() - self.start <= u16::MAX as usize;
        let mut ends = [0u16; 26];
        ends.copy_from_slice(&self.ends[..26]);
        (self.n == 26 && short).then_some(ends)
    }
}

/// [`push_f64`] for the reader's tests.
#[cfg(test)]
pub(crate) fn encode_float_for_test(out: &mut Vec<u8>, v: f64) {
    push_f64(out, v)
}

/// One event as a store line (tab-separated, newline-terminated); where its fields end (see
/// [`Line::end`]).
pub fn encode(ev: &Event, out: &mut Vec<u8>) -> Option<[u16; 26]> {
    let mut l = Line::new(out);
    l.text(&ev.dataset).text(&ev.id).date(ev.date);
    for a in [&ev.source, &ev.target] {
        l.text(&a.code).text(&a.name).text(&a.country).text(&a.kind);
    }
    l.text(&ev.cameo)
        .uint((ev.root > 0).then_some(ev.root as u32))
        .uint((ev.quad > 0).then_some(ev.quad as u32))
        .float(ev.goldstein.map(|g| g as f64))
        .uint(Some(ev.mentions))
        .uint(Some(ev.sources))
        .uint(ev.fatalities_low)
        .uint(ev.fatalities_best)
        .uint(ev.fatalities_high)
        .text(&ev.country)
        .text(&ev.admin1)
        .float(ev.lat)
        .float(ev.lon)
        .text(&ev.location)
        .text(&ev.url)
        .end()
}

/// An event back from its store line (as [`StoredRow::to_event`]).
pub fn decode_line(line: &[u8]) -> Event {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let rec = csv::ByteRecord::from(line.split(|&b| b == b'\t').collect::<Vec<&[u8]>>());
    StoredRow(&rec).to_event()
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

/// Visit the rows of a part: Parquet, or the tab-separated parts of stores written before
/// version 0.2.
fn scan_file(path: &Path, f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".parquet") {
        return crate::parquet::scan(path, &mut |r| f(&StoredRow(r)));
    }
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
    fn seen_filter_never_forgets_and_rarely_lies() {
        let seen = Seen::new(100_000);
        let mut x = 88172645463325252u64;
        let keys: Vec<u64> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            })
            .collect();
        let maybe_first = keys.iter().filter(|&&k| seen.check_insert(k)).count();
        // Every key inserted is reported as seen the second time: no false negatives.
        assert!(keys.iter().all(|&k| seen.check_insert(k)));
        // False positives on first sight stay rare (they are settled exactly later).
        assert!(maybe_first < 5_000, "{maybe_first}");
        // Sequential ids (GDELT) behave the same.
        let seq = Seen::new(100_000);
        let fp = (1u64 << 56..(1 << 56) + 100_000)
            .filter(|&k| seq.check_insert(k))
            .count();
        assert!(fp < 5_000, "{fp}");
    }

    #[test]
    fn fields_are_copied_whole_whatever_their_length() {
        let src: Vec<u8> = (0..64u8).map(|i| b'a' + i % 26).collect();
        for n in 0..=40 {
            for off in [0, 1, 7] {
                let b = &src[off..off + n];
                let mut o = b"x".to_vec();
                push_field(&mut o, b);
                let mut want = b"x".to_vec();
                want.extend_from_slice(b);
                want.push(b'\t');
                assert_eq!(o, want, "{n} {off}");
            }
        }
        // A line's last tab becomes its newline; a line without columns is a newline.
        let mut o = Vec::new();
        Line::new(&mut o).text_of("a", true).uint(None).end();
        assert_eq!(o, b"a\t\n");
        let mut o = b"z".to_vec();
        Line::new(&mut o).end();
        assert_eq!(o, b"z\n");
        let mut o = Vec::new();
        Line::new(&mut o)
            .count_known(7, "07", false)
            .count_known(12, "12", true)
            .uint(Some(3))
            .uint(Some(1234))
            .end();
        assert_eq!(o, b"7\t12\t3\t1234\n");
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
    fn a_line_knows_where_its_fields_end() {
        let ev = Event {
            dataset: "gdelt1".into(),
            id: "42".into(),
            date: Date::from_ymd(2012, 9, 18),
            cameo: "0211".into(),
            root: 2,
            quad: 1,
            goldstein: Some(-2.5),
            lat: Some(41.7),
            url: "http://example.org/a".into(),
            ..Event::default()
        };
        let mut out = b"earlier line\n".to_vec();
        let start = out.len();
        let ends = encode(&ev, &mut out).expect("26 fields");
        let line = &out[start..out.len() - 1];
        let tabs: Vec<u16> = (0..line.len())
            .filter(|&i| line[i] == b'\t')
            .map(|i| i as u16)
            .collect();
        assert_eq!(&ends[..25], &tabs[..]);
        assert_eq!(ends[25] as usize, line.len());
        // A line of 64 KiB or more gives no ends (they would not fit in 16 bits).
        let long = Event {
            url: "x".repeat(70_000),
            ..ev
        };
        assert!(encode(&long, &mut Vec::new()).is_none());
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
