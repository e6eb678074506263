//! The store across runs: incremental appends, store-wide de-duplication through the id
//! index (also for parts written before the index existed), files cut into several chunks.

use chamber_watch::indicators::{Period, ScopeKind, all_series, rollup_series};
use chamber_watch::store::Store;
use std::path::{Path, PathBuf};

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chamber-watch-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn georgia_monthly(dir: &Path) -> Vec<PathBuf> {
    chamber_testkit::sorted_files(dir, &["individual_csvs"])
}

/// June 2011's rows copied `copies` times with fresh ids (id + copy × 10⁹), after its header
/// row; `each(text so far, id, rest of the row)` sees every row written. Gives the text, the
/// original rows and the number of rows written.
fn june_copies(
    dir: &Path,
    copies: u64,
    mut each: impl FnMut(&str, u64, &str),
) -> (String, Vec<String>, u64) {
    let src = std::fs::read(dir.join("individual_csvs/june2011.csv")).unwrap();
    let text = String::from_utf8_lossy(&src).into_owned();
    let mut lines = text.lines();
    let mut out = lines.next().unwrap().to_string();
    out.push('\n');
    let rows: Vec<String> = lines.map(str::to_string).collect();
    let mut n = 0u64;
    for copy in 0..copies {
        for r in &rows {
            let (id, rest) = r.split_once(',').unwrap();
            let id = id.trim_matches('"').parse::<u64>().unwrap() + copy * 1_000_000_000;
            out.push_str(&format!("{id},{rest}\n"));
            n += 1;
            each(&out, id, rest);
        }
    }
    (out, rows, n)
}

/// Rollups written on ingest equal a scan of the stored rows.
fn assert_rollups_match(store: &Store) {
    let scan = all_series(
        store,
        Period::Day,
        None,
        None,
        &|_| true,
        ScopeKind::Country,
    )
    .unwrap();
    let roll = rollup_series(store, Period::Day, None, None)
        .unwrap()
        .expect("every part has its rollup");
    assert_eq!(scan.len(), roll.len());
    for (k, a) in &scan {
        let b = &roll[k];
        let key =
            |x: &chamber_watch::indicators::Bucket| (x.start, x.events, x.quad, x.total_volume);
        assert_eq!(
            a.iter().map(key).collect::<Vec<_>>(),
            b.iter().map(key).collect::<Vec<_>>()
        );
    }
}

#[test]
fn overlapping_runs_store_each_event_once() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let files = georgia_monthly(&dir);
    let root = temp_dir("overlap");
    let store = Store::new(root.join("store"));
    // The first six months, then months 4–9: the second run overlaps by three files.
    let first = store.ingest(&files[..6], None, false);
    let n1 = store.count().unwrap();
    assert_eq!(first.total().stored, n1);
    let second = store.ingest(&files[3..9], None, false);
    let n2 = store.count().unwrap();
    assert_eq!(n1 + second.total().stored, n2);
    assert!(second.total().duplicates > 0);
    // The same as one run over the nine files.
    let one = Store::new(root.join("one"));
    let all = one.ingest(&files[..9], None, false);
    assert_eq!(all.total().stored, n2);
    // The same events, field for field: of two copies of an id the one first in file
    // order is kept, in one run or across runs, whatever the thread timing.
    let all_fields = |s: &Store| {
        let mut v: Vec<String> = s
            .events()
            .unwrap()
            .into_iter()
            .map(|e| format!("{e:?}"))
            .collect();
        v.sort();
        v
    };
    let (a, b) = (all_fields(&store), all_fields(&one));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    // Parts rewritten without their duplicates keep rollups that match their rows.
    assert_rollups_match(&store);
    // Without the id index files (a store written before they existed) nothing is stored
    // twice either: the parts' rows are read instead.
    let mut removed = 0;
    for m in store.months() {
        for part in store.parts(&m) {
            let name = part.file_name().unwrap().to_str().unwrap();
            let ids =
                part.with_file_name(name.replace("part-", "ids-").replace(".parquet", ".u64"));
            std::fs::remove_file(ids).unwrap();
            removed += 1;
        }
    }
    assert!(removed > 0);
    let again = store.ingest(&files[..9], None, false);
    assert_eq!(again.total().stored, 0);
    assert_eq!(store.count().unwrap(), n2);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_file_of_several_chunks_reads_like_one_stream() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let root = temp_dir("chunks");
    // Six copies of June 2011 with fresh ids: over 9 MB, so more than one chunk.
    let (mut out, rows, n) = june_copies(&dir, 6, |_, _, _| {});
    // A bad row near the end (an unreadable date), after the first chunk.
    let bad_line = n + 2; // header is line 1
    let (_, rest) = rows[0].split_once(',').unwrap();
    let (_, rest) = rest.split_once(',').unwrap();
    out.push_str(&format!("99,\"2011-13-45\",{rest}\n"));
    assert!(out.len() > chamber_watch::fast::CHUNK);
    let file = root.join("big.csv");
    std::fs::write(&file, &out).unwrap();

    let store = Store::new(root.join("store"));
    let got = store.ingest(std::slice::from_ref(&file), None, false);
    let f = &got.files[0];
    assert_eq!(f.report.rows_read, n + 1);
    assert_eq!(f.report.rejected, 1);
    assert_eq!(f.report.rejects[0].line, bad_line, "{:?}", f.report.rejects);
    assert_eq!(f.report.rejects[0].field, "SQLDATE");
    // The stream reader (one thread, no chunks) sees the same rows (ingest maps a file this
    // size and cuts the map; the stream reader reads the file).
    let mut streamed = 0u64;
    let rep = chamber_watch::reader::read_path(&file, None, false, &mut |_| streamed += 1).unwrap();
    assert_eq!(streamed, rep.rows_ok);
    assert_eq!(rep.rows_read, f.report.rows_read);
    assert_eq!(rep.rejects[0].line, bad_line);
    // Each copy stores what June 2011 alone stores.
    let alone = Store::new(root.join("alone"));
    let june = alone.ingest(&[dir.join("individual_csvs/june2011.csv")], None, false);
    assert!(june.total().stored > 5_000);
    assert_eq!(got.total().stored, 6 * june.total().stored);
    assert_eq!(store.count().unwrap(), 6 * june.total().stored);
    assert_rollups_match(&store);
    let _ = std::fs::remove_dir_all(&root);
}

/// Of two copies of one id in a run, the first in file order is stored, whichever worker
/// reads it first. The copies straddle a chunk boundary: the second worker starts on the
/// later copy's chunk and usually meets it first, so the replacement path is the one taken.
#[test]
fn the_first_copy_of_an_id_in_file_order_is_kept() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let mut chunk_end_row = None;
    let (mut out, rows, n) = june_copies(&dir, 8, |out, id, rest| {
        if chunk_end_row.is_none() && out.len() > chamber_watch::fast::CHUNK - 4096 {
            chunk_end_row = Some((id, rest.to_string()));
        }
    });
    let (dup_id, first_rest) = chunk_end_row.unwrap();
    // The later copy: early in the second chunk, another date (July) and other content.
    let at = out[chamber_watch::fast::CHUNK + 4096..].find('\n').unwrap()
        + chamber_watch::fast::CHUNK
        + 4097;
    let (_, other) = rows[7].split_once(',').unwrap();
    let (_, other) = other.split_once(',').unwrap();
    out.insert_str(at, &format!("{dup_id},20110704,{other}\n"));
    let d = first_rest.split(',').next().unwrap().trim_matches('"');
    assert!(d.starts_with("201106"), "{d}");
    let first_date = format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]);

    let root = temp_dir("first-copy");
    let file = root.join("dup.csv");
    std::fs::write(&file, &out).unwrap();
    for run in 0..3 {
        let store = Store::new(root.join(format!("store{run}")));
        let got = store.ingest(std::slice::from_ref(&file), None, false);
        let t = got.total();
        assert_eq!(t.rows_read, n + 1);
        assert_eq!(t.duplicates, 1, "{t:?}");
        assert_eq!(t.stored, n);
        assert_eq!(store.count().unwrap(), n);
        let kept: Vec<_> = store
            .events()
            .unwrap()
            .into_iter()
            .filter(|e| e.id == dup_id.to_string())
            .collect();
        assert_eq!(kept.len(), 1, "run {run}");
        assert_eq!(kept[0].date.unwrap().to_string(), first_date, "run {run}");
        assert!(store.parts("2011-07").is_empty(), "run {run}");
        assert_rollups_match(&store);
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// A store written before 0.2 has tab-separated parts without id indexes: they are still
/// read, and their events still count as stored when the same file comes again.
#[test]
fn tab_separated_parts_of_older_stores_are_still_read() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let june = dir.join("individual_csvs/june2011.csv");
    let root = temp_dir("legacy");
    let fresh = Store::new(root.join("fresh"));
    let n = fresh
        .ingest(std::slice::from_ref(&june), None, false)
        .total()
        .stored;
    assert!(n > 5_000);
    // The same events as an old-style store: one TSV part per month, header row, no index.
    let old = Store::new(root.join("old"));
    let mut by_month: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
    for e in fresh.events().unwrap() {
        let month = e.date.unwrap().to_string()[..7].to_string();
        let part = by_month.entry(month).or_insert_with(|| {
            let mut h = chamber_watch::store::COLUMNS.join("\t").into_bytes();
            h.push(b'\n');
            h
        });
        chamber_watch::store::encode(&e, part);
    }
    for (month, text) in &by_month {
        let d = old.root().join(format!("events/month={month}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("part-legacy.tsv"), text).unwrap();
    }
    assert_eq!(old.count().unwrap(), n);
    let mut a: Vec<String> = old
        .events()
        .unwrap()
        .iter()
        .map(|e| format!("{e:?}"))
        .collect();
    let mut b: Vec<String> = fresh
        .events()
        .unwrap()
        .iter()
        .map(|e| format!("{e:?}"))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let again = old.ingest(&[june], None, false);
    assert_eq!(again.total().stored, 0);
    assert_eq!(again.total().duplicates, n);
    assert_eq!(old.count().unwrap(), n);
    let _ = std::fs::remove_dir_all(&root);
}
