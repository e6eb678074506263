//! De-duplication: the run's keys in a Bloom filter ([`Seen`]), the rows it may have seen
//! settled exactly after reading (the copy first in file order is kept, whichever worker
//! read it first), and the run's sorted keys merged with each stored part's id index
//! (`ids-<run>.u64`, sorted little-endian u64) to drop rows the store already holds.

use super::ingest::{MonthPart, Shared, WorkerOut, append};
use super::{FastBuild, FileOutcome, Store, ids_path_of, scan_file};
use crate::date::Date;
use crate::rollup::MonthRollup;
use crate::rowcodec::{OwnedRow, Row, RowInfo, col, event_key};
use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The run's keys as a blocked Bloom filter: three bits in one 64-bit word per key, set with
/// one atomic OR, so "seen before?" and "now seen" are a single step even when both workers
/// meet the same key. About 12 bits per key: small enough to stay in cache.
pub(super) struct Seen {
    words: Vec<AtomicU64>,
    mask: usize,
}

impl Seen {
    pub(super) fn new(keys: usize) -> Seen {
        let n = (keys.max(1) * 12 / 64).next_power_of_two().max(1 << 10);
        let words: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
        // The zeroed allocation is mapped lazily: a key's first look would map a shared zero
        // page and its first set would then fault again (and stop the other worker for a
        // TLB flush). Writing one word per page now, before the workers start, maps each
        // page once.
        for w in words.iter().step_by(4096 / 8) {
            w.store(0, Ordering::Relaxed);
        }
        Seen { words, mask: n - 1 }
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
    pub(super) fn check_insert(&self, key: u64) -> bool {
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
    pub(super) fn prefetch(&self, key: u64) {
        crate::fast::prefetch(&self.words[Seen::hash(key) as usize & self.mask]);
    }
}

/// A row the filter may have seen: kept aside and settled exactly after the run's reading.
pub(super) struct Held {
    pub(super) file: u32,
    pub(super) month: i32,
    pub(super) info: RowInfo,
    pub(super) row: OwnedRow,
}

/// Settle the held rows exactly. Of the copies of one id in this run, the first in (file,
/// position) order is kept whichever worker read it first: a held row that comes before the
/// stored copy replaces it (the stored row is marked and left out when the part is
/// committed); a held row after it is a duplicate; a held row whose id nothing stored has
/// (a filter false positive) is appended to a part of its month now.
pub(super) fn settle_held(
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
    /// Where the kept copy of an id is: (file, position), its content hash (for a row stored
    /// in a part, only once an earlier copy needs it) and, when stored in a part, (part, row).
    type Kept = ((u32, u64), Option<u64>, Option<(usize, u32)>);
    // The stored copies of the wanted ids: the parts are scanned by two threads.
    let scan = |parts: &[MonthPart], first: usize| {
        let mut found: Vec<(u64, Kept)> = Vec::new();
        for (pi, p) in parts.iter().enumerate() {
            for (row, k) in p.keys.iter().enumerate() {
                if !wanted.contains(k) {
                    continue;
                }
                // Which file the row came from (the rows' files are run-length encoded).
                let (mut f, mut seen) = (0, 0usize);
                for &(file, n) in &p.files {
                    f = file;
                    seen += n as usize;
                    if seen > row {
                        break;
                    }
                }
                let pos = p.pos[row] as u64;
                found.push((*k, ((f, pos), None, Some((first + pi, row as u32)))));
            }
        }
        found
    };
    let half = parts.len() / 2;
    let (a, b) = std::thread::scope(|sc| {
        let other = sc.spawn(|| scan(&parts[half..], half));
        let mine = scan(&parts[..half], 0);
        (mine, other.join().unwrap_or_default())
    });
    let mut kept: HashMap<u64, Kept, FastBuild> = a.into_iter().chain(b).collect();
    // The stored copies that a held copy comes before are compared by content: their
    // hashes are computed now from the written rows, each part's row groups decoded once.
    let mut compare: HashMap<usize, Vec<u32>, FastBuild> = HashMap::default();
    for h in &held {
        let at = (h.file, h.info.pos.min(u32::MAX as u64));
        if let Some((first, _, Some((pi, row)))) = kept.get(&h.info.key)
            && *first > at
        {
            compare.entry(*pi).or_default().push(*row);
        }
    }
    let mut hashes: HashMap<(usize, u32), u64, FastBuild> = HashMap::default();
    for (pi, rows) in compare {
        for (row, hash) in parts[pi].w.out.row_hashes(&rows)? {
            hashes.insert((pi, row), hash >> 32);
        }
    }
    for (_, hash, at) in kept.values_mut() {
        if let Some(at) = at {
            *hash = hashes.get(at).copied();
        }
    }
    // Rows replaced by an earlier held copy: (part, row, key).
    let mut replaced: Vec<(usize, u32, u64)> = Vec::new();
    let mut append_now: Vec<Held> = Vec::new();
    for h in held {
        let f = h.file as usize;
        let at = (h.file, h.info.pos.min(u32::MAX as u64));
        let hash = h.row.view().hash() >> 32;
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
                if *stored_hash == Some(hash) {
                    *first = at;
                    continue;
                }
                replaced.push((*pi, *row, h.info.key));
                fos[f].stored -= 1; // counted again below
            }
            _ => {}
        }
        kept.insert(h.info.key, (at, Some(hash), None));
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
        let month = Date::parse_iso(&format!("{}-01", super::ingest::month_of(&p.w.final_path)))
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
        append(
            sh,
            9,
            &mut out,
            h.month,
            h.file as usize,
            h.row.view(),
            &h.info,
        )?;
        dirty.entry(h.month).or_default().push(h.info.key);
    }
    for (month, mut p) in out.months {
        if let Some(mut new) = dirty.remove(&month) {
            p.w.close()?;
            // Merge the few new keys into the sorted ones.
            new.sort_unstable();
            merge_sorted(&mut p.sorted, &new);
        }
        parts.push(p);
    }
    Ok(())
}

impl Store {
    /// Drop from the run's parts the rows whose key the store already holds: merge each
    /// committed part's sorted id index with the run's sorted keys (skipping indexes whose key
    /// range misses), then rewrite the parts that lost rows.
    pub(super) fn drop_stored(
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
                    let info = RowInfo::of_stored(r);
                    if let Some(d) = info.date {
                        let key = (info.country, d.0);
                        if let Some(x) = rollup.get_mut(&key) {
                            x.remove_info(&info);
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
            let mut buf = Row::new();
            let keys = &p.keys;
            p.w.out.for_each_row(&mut |r| {
                let k = keys.get(row).copied().unwrap_or(0);
                let was_replaced = replaced.contains(&(row as u32));
                row += 1;
                if was_replaced || gone.contains(&k) || err.is_some() {
                    return;
                }
                buf.clear();
                buf.stored(r);
                if let Err(e) = out.push_row(buf.view()) {
                    err = Some(e);
                }
                let info = RowInfo::of_stored(r);
                if let Some(d) = info.date {
                    rollup
                        .entry((info.country, d.0))
                        .or_default()
                        .add_info(&info);
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
}
/// Sorted keys, little-endian u64 each.
pub(super) fn write_ids(path: &Path, keys: &[u64]) -> Result<(), String> {
    let bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
    fs::write(path, bytes).map_err(|e| e.to_string())
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

/// `keys` sorted, into a new vector. Keys already in order (a worker's part of a file whose
/// ids grow, as GDELT's do) are copied. Otherwise least significant digit first: the bits
/// in which the keys differ are cut into digits of 11 bits or fewer (a run's keys share
/// their dataset byte and most high bits: 36 varying bits make four digits), counted in
/// one pass, then one scatter pass per digit; `scratch` is reused from call to call. Short
/// inputs are sorted by comparison.
pub(super) fn sorted_keys(keys: &[u64], scratch: &mut Vec<u64>) -> Vec<u64> {
    if keys.is_sorted() {
        return keys.to_vec();
    }
    if keys.len() < 1 << 12 {
        let mut v = keys.to_vec();
        v.sort_unstable();
        return v;
    }
    let (or, and) = keys.iter().fold((0u64, !0u64), |(o, a), &k| (o | k, a & k));
    let varying = or ^ and;
    // Not sorted, so some bit varies.
    let (low, high) = (varying.trailing_zeros(), 64 - varying.leading_zeros());
    let passes = (high - low).div_ceil(11) as usize;
    let width = (high - low).div_ceil(passes as u32);
    let mask = (1u64 << width) - 1;
    let shift = |p: usize| low + width * p as u32;
    let mut counts = vec![0u32; passes << width];
    for &k in keys {
        for p in 0..passes {
            counts[(p << width) + ((k >> shift(p)) & mask) as usize] += 1;
        }
    }
    let mut out = vec![0u64; keys.len()];
    scratch.clear();
    scratch.resize(keys.len(), 0);
    // Passes alternate between `out` and `scratch`, the first reading `keys`; the last
    // pass writes `out`.
    let mut to_out = passes % 2 == 1;
    let mut at = vec![0usize; 1 << width];
    for p in 0..passes {
        let mut sum = 0usize;
        for (slot, &n) in at.iter_mut().zip(&counts[p << width..(p + 1) << width]) {
            *slot = sum;
            sum += n as usize;
        }
        let (src, dst): (&[u64], &mut [u64]) = match (p, to_out) {
            (0, true) => (keys, &mut out),
            (0, false) => (keys, scratch),
            (_, true) => (scratch, &mut out),
            (_, false) => (&out, scratch),
        };
        let sh = shift(p);
        for &k in src {
            let d = ((k >> sh) & mask) as usize;
            dst[at[d]] = k;
            at[d] += 1;
        }
        to_out = !to_out;
    }
    out
}

/// Merge the sorted `new` keys into the sorted `keys` in place (from the back: only the
/// keys after the first insertion point move, and nothing is allocated but the room).
pub(super) fn merge_sorted(keys: &mut Vec<u64>, new: &[u64]) {
    let (mut i, mut j) = (keys.len(), new.len());
    keys.resize(i + j, 0);
    let mut w = keys.len();
    while j > 0 {
        w -= 1;
        if i > 0 && keys[i - 1] > new[j - 1] {
            keys[w] = keys[i - 1];
            i -= 1;
        } else {
            keys[w] = new[j - 1];
            j -= 1;
        }
    }
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

    fn xorshift(n: usize, seed: u64, mask: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x & mask
            })
            .collect()
    }

    #[test]
    fn keys_sort_as_a_comparison_sort_sorts_them() {
        let mut scratch = Vec::new();
        let gdelt = |n: u64| {
            (0..n)
                .map(|i| (1u64 << 56) | ((i * 7919) % 5_000_000_011))
                .collect()
        };
        let cases: Vec<Vec<u64>> = vec![
            Vec::new(),
            vec![3, 1, 2],
            xorshift(100_000, 7, !0),    // every byte differs
            xorshift(50_000, 9, 0xffff), // two bytes differ: many repeats
            xorshift(70_000, 11, 0x00ff_0000_00ff_0000), // one even, one odd pass count
            gdelt(80_000),               // the top byte shared
            vec![42; 10_000],            // no byte differs
            (0..20_000u64).rev().collect(),
        ];
        for (i, keys) in cases.into_iter().enumerate() {
            let mut want = keys.clone();
            want.sort_unstable();
            assert_eq!(sorted_keys(&keys, &mut scratch), want, "case {i}");
        }
    }

    #[test]
    fn merging_keeps_the_keys_sorted() {
        let mut old = xorshift(30_000, 5, 0xff_ffff);
        old.sort_unstable();
        let mut new = xorshift(700, 3, 0xff_ffff);
        new.extend([0, u64::MAX, old[0], old[old.len() - 1]]);
        new.sort_unstable();
        let mut want: Vec<u64> = old.iter().chain(&new).copied().collect();
        want.sort_unstable();
        merge_sorted(&mut old, &new);
        assert_eq!(old, want);
        let mut empty = Vec::new();
        merge_sorted(&mut empty, &new);
        assert_eq!(empty, new);
        merge_sorted(&mut empty, &[]);
        assert_eq!(empty, new);
    }
}
