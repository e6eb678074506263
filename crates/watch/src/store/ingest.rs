//! Ingest: two workers share the input (a GDELT file in chunks, another file whole), each
//! row goes to its worker's part of its month with its key, position and content hash, and
//! the daily per-country rollup; repeats are settled in [`super::dedup`] and the run commits
//! whole or not at all.

use super::dedup::{Held, Seen};
use super::{FastBuild, FileOutcome, IngestOutcome, MonthWriter, Store};
use crate::date::Date;
use crate::model::Format;
use crate::reader::{
    Ctx, FileReport, GdeltChunk, GdeltPlan, GdeltRelease, GdeltSource, ReadError, gdelt_chunk,
    open_gdelt, read_path,
};
use crate::rollup::{Bucket, MonthRollup};
use crate::rowcodec::{Row, RowInfo, RowRef};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Month files one worker keeps open at most (each buffers up to
/// [`crate::parquet::ROW_GROUP_BYTES`]).
const MAX_OPEN: usize = 32;
/// One month's part being written by one worker.
pub(super) struct MonthPart {
    pub(super) w: MonthWriter,
    /// Key of each row, in row order.
    pub(super) keys: Vec<u64>,
    /// The same keys sorted (filled when the worker is done).
    pub(super) sorted: Vec<u64>,
    /// Source file of the rows, run-length encoded: (file index, rows).
    pub(super) files: Vec<(u32, u32)>,
    /// Each row's position in its file (saturated at `u32::MAX`), in row order. (A row's
    /// content hash, needed only when an earlier copy of its id turns up, is computed then
    /// from the written row: see [`super::dedup::settle_held`].)
    pub(super) pos: Vec<u32>,
    /// Rows (indexes) replaced by an earlier copy of their id: left out when committing.
    pub(super) replaced: Vec<u32>,
    /// The daily per-country buckets, but for the one in `current`.
    pub(super) rollup: MonthRollup,
    /// The bucket rows are being added to, taken out of `rollup` (rows of one country and
    /// day mostly come one after the other: one map lookup per run of them, not per row).
    /// Put back by [`MonthPart::flush_rollup`] before `rollup` is read.
    current: Option<(([u8; 3], i32), Bucket)>,
}

impl MonthPart {
    /// Put the bucket at hand back into `rollup`: call before reading `rollup`.
    pub(super) fn flush_rollup(&mut self) {
        if let Some((k, b)) = self.current.take() {
            self.rollup.insert(k, b);
        }
    }

    /// Add a row's values to its day and country's bucket, in row order (each bucket's sums
    /// are added up in the same order as with one lookup per row).
    #[inline]
    fn add_to_rollup(&mut self, key: ([u8; 3], i32), info: &RowInfo) {
        match &mut self.current {
            Some((k, b)) if *k == key => b.add_info(info),
            _ => {
                self.flush_rollup();
                let mut b = self.rollup.remove(&key).unwrap_or_default();
                b.add_info(info);
                self.current = Some((key, b));
            }
        }
    }
}

/// What one worker leaves behind: its month parts and per-file outcomes.
#[derive(Default)]
pub(super) struct WorkerOut {
    pub(super) months: HashMap<i32, MonthPart, FastBuild>,
    /// Rows whose key the filter may have seen, in reading order.
    pub(super) held: Vec<Held>,
    pub(super) files: HashMap<usize, (Ctx, FileOutcome), FastBuild>,
    pub(super) error: Option<String>,
    /// The bad row that stopped a strict run.
    pub(super) strict: Option<crate::reader::Reject>,
    /// Month files currently open.
    pub(super) open: usize,
    /// The last (day, month start) seen.
    pub(super) last_month: (i32, i32),
}

/// Files handed out to the workers: a GDELT file is cut into chunks that any worker may
/// read; another file is read whole by one worker.
struct Feed {
    next_file: usize,
    /// The file being cut: index, plan, splitter, an empty report naming it.
    current: Option<(usize, Arc<GdeltPlan>, GdeltSource, Ctx)>,
}

enum Work {
    Chunk(
        usize,
        Arc<GdeltPlan>,
        GdeltChunk,
        u64,
        Ctx,
        Option<GdeltRelease>,
    ),
    Whole(usize),
    Failed(usize, ReadError),
    Done,
}

pub(super) struct Shared<'a> {
    pub(super) store: &'a Store,
    pub(super) files: &'a [PathBuf],
    pub(super) forced: Option<Format>,
    pub(super) strict: bool,
    pub(super) run: &'a str,
    feed: Mutex<Feed>,
    pub(super) abort: AtomicBool,
    pub(super) seen: Seen,
}

impl Shared<'_> {
    /// The next piece of work for worker `tag`; a new GDELT file's empty report goes to
    /// `out`.
    fn next(&self, tag: usize, buf: &mut Vec<u8>, out: &mut WorkerOut) -> Work {
        let mut feed = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.abort.load(Ordering::Relaxed) {
                return Work::Done;
            }
            if let Some((idx, plan, sp, ctx)) = &mut feed.current {
                let idx = *idx;
                match sp.next_chunk(buf, tag) {
                    Ok(Some((chunk, line, release))) => {
                        return Work::Chunk(idx, plan.clone(), chunk, line, ctx.fresh(), release);
                    }
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

/// Store one event given as its row and [`RowInfo`]: append it to its month part
/// and daily rollup when its key is new in this run; `Some(false)`: held for an exact check
/// after reading (a repeat or a filter false positive); `None`: no date, not stored.
fn put(
    sh: &Shared,
    tag: usize,
    out: &mut WorkerOut,
    file: usize,
    row: RowRef,
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
            row: row.to_owned_row(),
        });
        return Ok(Some(false));
    }
    append(sh, tag, out, month, file, row, info)?;
    Ok(Some(true))
}

/// `YYYY-MM` of a part path (`…/month=YYYY-MM/part-….tsv`).
pub(super) fn month_of(path: &Path) -> String {
    path.parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("month="))
        .unwrap_or("")
        .to_string()
}

/// Append a row to this worker's part of its month.
pub(super) fn append(
    sh: &Shared,
    tag: usize,
    out: &mut WorkerOut,
    month: i32,
    file: usize,
    row: RowRef,
    info: &RowInfo,
) -> Result<(), String> {
    // The month's part is open (most rows): one lookup.
    if let Some(part) = out.months.get_mut(&month)
        && part.w.out.is_open()
    {
        return add_row(part, file, row, info);
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
                pos: Vec::new(),
                replaced: Vec::new(),
                rollup: MonthRollup::default(),
                current: None,
            })
        }
    };
    add_row(part, file, row, info)
}

/// Write a row to an open month part and add it to the part's keys, files and rollup.
#[inline]
fn add_row(part: &mut MonthPart, file: usize, row: RowRef, info: &RowInfo) -> Result<(), String> {
    part.w.out.push_row(row)?;
    part.keys.push(info.key);
    part.pos.push(info.pos.min(u32::MAX as u64) as u32);
    match part.files.last_mut() {
        Some((f, n)) if *f == file as u32 => *n += 1,
        _ => part.files.push((file as u32, 1)),
    }
    if let Some(d) = info.date {
        part.add_to_rollup((info.country, d.0), info);
    }
    Ok(())
}

fn worker(sh: &Shared, tag: usize) -> WorkerOut {
    let mut out = WorkerOut::default();
    let mut row = Row::new();
    let mut buf = Vec::new();
    loop {
        let work = sh.next(tag, &mut buf, &mut out);
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
            Work::Chunk(idx, plan, chunk, first_line, mut ctx, release) => {
                if let Some(r) = release {
                    r.run();
                }
                let (mut stored, mut err) = (0u64, None);
                let hint = |k| sh.seen.prefetch(k);
                let data = chunk.bytes(&buf);
                let res = gdelt_chunk(&plan, data, first_line, &mut ctx, &hint, &mut |r, info| {
                    if err.is_some() {
                        return;
                    }
                    match put(sh, tag, &mut out, idx, r, info) {
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
                let (mut stored, mut err, mut n) = (0u64, None, 0u64);
                let res = read_path(&sh.files[idx], sh.forced, sh.strict, &mut |e| {
                    if err.is_some() {
                        return;
                    }
                    row.clear();
                    row.event(e);
                    n += 1;
                    let info = RowInfo {
                        pos: n,
                        ..RowInfo::of(e)
                    };
                    match put(sh, tag, &mut out, idx, row.view(), &info) {
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

impl Store {
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
                        let mut scratch = Vec::new();
                        for p in out.months.values_mut() {
                            p.flush_rollup();
                            if let Err(e) = p.w.close() {
                                out.error.get_or_insert(e);
                            }
                            p.sorted = super::dedup::sorted_keys(&p.keys, &mut scratch);
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
        if !abort && let Err(e) = super::dedup::settle_held(&sh, held, &mut parts, &mut fos) {
            io_error = Some(e);
            abort = true;
        }
        // The rows appended while settling may have left a bucket at hand.
        for p in &mut parts {
            p.flush_rollup();
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
        // Each part commits on its own (two threads share them).
        let commit = |p: &mut MonthPart| -> Option<String> {
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
                && crate::rollup::write_file(&rollup_tmp, &p.rollup).is_ok()
                && super::dedup::write_ids(&ids_tmp, &p.sorted).is_ok()
                && fs::rename(&ids_tmp, &ids_final).is_ok()
                && fs::rename(&rollup_tmp, &rollup_final).is_ok();
            if committed {
                if let Err(e) = fs::rename(&w.tmp, &w.final_path) {
                    return Some(format!("store commit failed: {e}"));
                }
                return None;
            }
            let _ = fs::remove_file(&w.tmp);
            let _ = fs::remove_file(&rollup_tmp);
            let _ = fs::remove_file(&ids_tmp);
            keep.then(|| format!("store commit failed: cannot write {}", rollup_tmp.display()))
        };
        let half = parts.len() / 2;
        let (first, second) = parts.split_at_mut(half);
        let failures: Vec<String> = std::thread::scope(|sc| {
            let other = sc.spawn(|| second.iter_mut().filter_map(commit).collect::<Vec<_>>());
            let mut mine: Vec<String> = first.iter_mut().filter_map(commit).collect();
            mine.extend(
                other
                    .join()
                    .unwrap_or_else(|_| vec!["a commit thread panicked".into()]),
            );
            mine
        });
        if let Some(f) = failures.into_iter().last() {
            outcome.strict_failure = Some(f);
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
}
