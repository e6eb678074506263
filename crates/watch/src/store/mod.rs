//! The open store: `<store>/events/month=YYYY-MM/part-<run>.parquet`, one Parquet file per
//! ingest run and month with the [`COLUMNS`] typed as in [`crate::parquet::SCHEMA`]. Any
//! Parquet reader (DuckDB, Arrow, pandas) opens it; parts of stores written before 0.2 are
//! tab-separated (`part-<run>.tsv`, [`tsv`]) and still read. Ingest is append-only and
//! de-duplicated by (dataset, source-native id), keeping the copy first in (file, line) order:
//! a part file is written under a dot-name and renamed into place only when the run succeeds,
//! so nothing stored before is ever rewritten or lost, and re-ingesting a file adds nothing.
//!
//! - [`ingest`](Store::ingest) (`ingest.rs`): two workers read, rows go to month parts.
//! - `dedup.rs`: the run's Bloom filter, settling repeats in file order, the per-part id
//!   indexes (`ids-<run>.u64`).
//! - [`crate::rollup`]: the daily per-country buckets beside each part.
//! - [`crate::rowcodec`]: the typed row, from the reader to the Parquet writer and back.
//!
//! Modules below the store ([`crate::reader`], [`crate::parquet`], [`crate::rowcodec`]) do not
//! import it.

mod dedup;
mod ingest;
pub mod tsv;

pub use crate::rollup::{Bucket, ROLLUP_COLUMNS};
pub use crate::rowcodec::{
    COLUMNS, RowInfo, StoredRow, col, dataset_tag, event_key, event_key_tagged, iso3_bytes,
};
pub use tsv::{Line, encode};

use crate::date::Date;
use crate::model::Event;
use crate::reader::FileReport;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// Hasher of the store's maps (keys already well mixed, or tiny): FxHash.
pub type FastBuild = rustc_hash::FxBuildHasher;

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
struct MonthWriter {
    tmp: PathBuf,
    final_path: PathBuf,
    out: crate::parquet::PartWriter,
}
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
        f: &mut dyn FnMut(&str, Date, &Bucket),
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
            crate::rollup::read_file(&roll, f)?;
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
    fn close(&mut self) -> Result<(), String> {
        self.out.close()
    }
}

/// Visit the rows of a part: Parquet, or the tab-separated parts of stores written before
/// version 0.2.
fn scan_file(path: &Path, f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".parquet") {
        return crate::parquet::scan(path, f);
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
        f(&StoredRow::from_tsv(&rec));
    }
    Ok(())
}
