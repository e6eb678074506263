//! Streaming readers: one record in memory at a time, whatever the input size.
//!
//! Each reader turns rows into [`Event`]s and bad rows into [`Reject`]s (file, line, field,
//! reason). The format is detected from the first 64 KiB unless forced.

//!
//! - `gdelt.rs`: GDELT 1.0/2.0 TSV and CSV through the chunked splitter ([`crate::fast`]),
//!   each row normalised straight into its typed store row ([`crate::rowcodec::Row`]).
//! - `headed.rs`: the headed CSV/TSV datasets (ICEWS, UCDP GED, ACLED).
//! - `json.rs`: PLOVER/POLECAT JSON records.
//! - `numbers.rs`: number, id and CAMEO code parsing shared by the readers.

mod gdelt;
mod headed;
mod json;
mod numbers;

pub(crate) use gdelt::{GdeltPlan, gdelt_chunk};

use crate::fast;
use crate::model::{Event, Format};
use gdelt::{gdelt_plan, read_gdelt};
use headed::read_headed;
use json::read_json;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// A rejected row: where, which field, why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// What reading one file gave.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    pub format: String,
    /// Data rows seen (header and HXL/documentation rows excluded).
    pub rows_read: u64,
    /// Rows turned into events.
    pub rows_ok: u64,
    pub rejected: u64,
    /// Header, HXL tag and documentation rows skipped.
    pub skipped: u64,
    /// Rows that were not valid UTF-8 and were read as Windows-1252.
    pub recoded: u64,
    pub first_recoded_line: Option<u64>,
    /// The first rejects (at most [`MAX_REPORTED`]).
    pub rejects: Vec<Reject>,
    /// Rows of a fatality dataset (UCDP, ACLED) whose country could not be resolved: they
    /// are stored without one, and counted here…
    pub country_unresolved: u64,
    /// …per value (`country_id=999 country=Atlantis`), at most [`MAX_REPORTED`] values.
    pub unresolved_countries: std::collections::BTreeMap<String, u64>,
}

impl FileReport {
    /// One line on the rows whose country could not be resolved, if any.
    pub fn unresolved_summary(&self) -> Option<String> {
        if self.country_unresolved == 0 {
            return None;
        }
        let values: Vec<String> = self
            .unresolved_countries
            .iter()
            .map(|(v, n)| format!("{v} ({n})"))
            .collect();
        Some(format!(
            "{} rows with no resolvable country, stored without one: {}",
            self.country_unresolved,
            values.join(", ")
        ))
    }
}

/// How many rejects a report keeps in full (all are counted).
pub const MAX_REPORTED: usize = 50;

/// A file that could not be read at all.
#[derive(Debug)]
pub enum ReadError {
    Io(String),
    /// The file has no data.
    Empty(String),
    /// The format could not be detected, or the header does not match the forced format.
    Format(String),
    /// Strict mode: the first bad row.
    Strict(Reject),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(m) | ReadError::Empty(m) | ReadError::Format(m) => f.write_str(m),
            ReadError::Strict(r) => write!(f, "{r} (strict mode)"),
        }
    }
}

/// Guess the format from the first bytes of a file.
pub fn detect(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first_non_ws = head.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first_non_ws == b'[' || *first_non_ws == b'{' {
        return Some(Format::Plover);
    }
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let line = line.trim_end_matches('\r');
    if line.contains("globaleventid") && line.contains(',') {
        return Some(Format::Gdelt1Csv);
    }
    if line.contains("event id") && line.contains("event date") {
        return Some(Format::Icews);
    }
    if line.contains("event_id_cnty") {
        return Some(Format::Acled);
    }
    if line.contains("type_of_violence") || (line.starts_with("id,") && line.contains("date_start"))
    {
        return Some(Format::Ucdp);
    }
    match line.matches('\t').count() + 1 {
        57 | 58 => Some(Format::Gdelt1),
        61 => Some(Format::Gdelt2),
        _ => None,
    }
}

/// Read a file from disk.
pub fn read_path(
    path: &Path,
    forced: Option<Format>,
    strict: bool,
    sink: &mut dyn FnMut(&Event),
) -> Result<FileReport, ReadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(format!("{name}: {e}")))?;
    read_from(&name, file, forced, strict, sink)
}

/// The first 64 KiB of a stream and its format (forced or detected).
fn read_head<R: Read>(
    name: &str,
    input: &mut R,
    forced: Option<Format>,
) -> Result<(Vec<u8>, Format), ReadError> {
    let mut head = Vec::with_capacity(1 << 16);
    input
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| ReadError::Io(format!("{name}: {e}")))?;
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty(format!(
            "{name}: empty file, nothing to ingest"
        )));
    }
    match forced.or_else(|| detect(&head)) {
        Some(f) => Ok((head, f)),
        None => Err(ReadError::Format(format!(
            "{name}: cannot tell the format from the first line; pass --format"
        ))),
    }
}

/// Where a GDELT file's chunks come from: a regular file is mapped in memory and its chunks
/// are ranges of the map (nothing is copied, and cutting a chunk reads no file); anything
/// else is read as a stream into the reader's buffer.
pub(crate) enum GdeltSource {
    Mapped {
        map: Arc<memmap2::Mmap>,
        sp: fast::SliceSplitter,
        /// Where each worker's chunk of this file starts, while it reads it.
        reading: [Option<usize>; 2],
        /// The map's pages before this offset have been let go of.
        released: usize,
    },
    Stream(fast::Splitter<io::Chain<io::Cursor<Vec<u8>>, std::fs::File>>),
}

/// A chunk handed out by [`GdeltSource::next_chunk`].
pub(crate) enum GdeltChunk {
    /// A range of the mapped file.
    Mapped(Arc<memmap2::Mmap>, std::ops::Range<usize>),
    /// The bytes were read into the buffer passed to `next_chunk`.
    Read,
}

impl GdeltChunk {
    /// The chunk's bytes (`buf`: the buffer given to `next_chunk`).
    pub(crate) fn bytes<'a>(&'a self, buf: &'a [u8]) -> &'a [u8] {
        match self {
            GdeltChunk::Mapped(map, r) => &map[r.clone()],
            GdeltChunk::Read => buf,
        }
    }
}

/// Pages of a mapped file that every worker has read past, to let go of (see
/// [`GdeltRelease::run`]).
pub(crate) struct GdeltRelease(Arc<memmap2::Mmap>, std::ops::Range<usize>);

/// Read pages are let go of this many bytes at a time.
const RELEASE_STEP: usize = 32 << 20;

impl GdeltRelease {
    /// Drop the pages from this process's memory. The file's bytes stay in the page cache
    /// and nothing is written: the process's resident memory stays near `RELEASE_STEP`
    /// plus the chunks being read, however large the file.
    pub(crate) fn run(self) {
        let GdeltRelease(map, r) = self;
        // SAFETY: the map is shared, read-only and backed by the file, and every worker
        // has read past these pages (no reference into them is alive): dropping them loses
        // nothing, and a later read would map the file's bytes again.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, r.start, r.len())
        };
    }
}

impl GdeltSource {
    /// The next chunk for `worker` (0 or 1; its previous chunk of this file is read) and
    /// the line number of its first byte; `None` at the end. With a mapped file, the pages
    /// both workers have read past come with it, in steps of [`RELEASE_STEP`].
    pub(crate) fn next_chunk(
        &mut self,
        buf: &mut Vec<u8>,
        worker: usize,
    ) -> io::Result<Option<(GdeltChunk, u64, Option<GdeltRelease>)>> {
        match self {
            GdeltSource::Mapped {
                map,
                sp,
                reading,
                released,
            } => {
                let next = sp.next_chunk(map);
                reading[worker & 1] = next.as_ref().map(|(r, _)| r.start);
                let Some((r, line)) = next else {
                    return Ok(None);
                };
                let low = reading.iter().flatten().copied().fold(r.end, usize::min);
                // Whole pages only (the map starts on a page; 64 KiB covers every page
                // size in use, so a page still being read is never let go of).
                let low = low / (64 << 10) * (64 << 10);
                let release = (low >= *released + RELEASE_STEP).then(|| {
                    let range = *released..low;
                    *released = low;
                    GdeltRelease(map.clone(), range)
                });
                Ok(Some((GdeltChunk::Mapped(map.clone(), r), line, release)))
            }
            GdeltSource::Stream(sp) => Ok(sp.next_chunk(buf)?.map(|l| (GdeltChunk::Read, l, None))),
        }
    }
}

/// Files from this size are mapped rather than read (below it, mapping costs more than it
/// saves).
const MAP_FROM: u64 = 4 << 20;

/// Open a file for chunked reading when it is GDELT (TSV or CSV); `Ok(None)` for the other
/// formats, which are read whole by [`read_path`].
pub(crate) fn open_gdelt(
    path: &Path,
    forced: Option<Format>,
    strict: bool,
) -> Result<Option<(GdeltPlan, GdeltSource, Ctx)>, ReadError> {
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| ReadError::Io(format!("{name}: {e}")))?;
    let (mut head, format) = read_head(&name, &mut file, forced)?;
    if !matches!(format, Format::Gdelt1 | Format::Gdelt2 | Format::Gdelt1Csv) {
        return Ok(None);
    }
    let (plan, start, line) = gdelt_plan(&name, format, &head)?;
    let mut ctx = Ctx {
        report: FileReport {
            file: name,
            format: format.name().to_string(),
            ..FileReport::default()
        },
        strict,
    };
    if format == Format::Gdelt1Csv {
        ctx.report.skipped += 1;
    }
    let regular = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() >= MAP_FROM);
    // SAFETY: the map is only read, and only while this run holds it. Its bytes are the
    // file's; were another program to cut the file short while it is being read, reading
    // past the new end would stop the process (SIGBUS) before anything of this run is
    // committed, so nothing already stored is touched. If mapping fails, the file is read.
    let map = if regular {
        unsafe { memmap2::Mmap::map(&file) }.ok()
    } else {
        None
    };
    // The map's first bytes are the head read above (the same file from its start).
    let source = match map {
        Some(map) if map.len() >= head.len() && map[..head.len()] == head[..] => {
            GdeltSource::Mapped {
                map: Arc::new(map),
                sp: fast::SliceSplitter::new(start, plan.quotes, line),
                reading: [None; 2],
                released: 0,
            }
        }
        _ => {
            head.drain(..start);
            GdeltSource::Stream(fast::Splitter::new(
                io::Cursor::new(head).chain(file),
                plan.quotes,
                line,
            ))
        }
    };
    Ok(Some((plan, source, ctx)))
}

/// Read any byte stream (used by tests and fuzzing as well as files).
pub fn read_from<R: Read>(
    name: &str,
    mut input: R,
    forced: Option<Format>,
    strict: bool,
    sink: &mut dyn FnMut(&Event),
) -> Result<FileReport, ReadError> {
    let (head, format) = read_head(name, &mut input, forced)?;
    let mut ctx = Ctx {
        report: FileReport {
            file: name.to_string(),
            format: format.name().to_string(),
            ..FileReport::default()
        },
        strict,
    };
    if matches!(format, Format::Gdelt1 | Format::Gdelt2 | Format::Gdelt1Csv) {
        read_gdelt(head, input, format, &mut ctx, sink)?;
        return Ok(ctx.report);
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut stream = io::Cursor::new(head).chain(input);
    if bom > 0 {
        let mut skip = [0u8; 3];
        stream
            .read_exact(&mut skip)
            .map_err(|e| ReadError::Io(format!("{name}: {e}")))?;
    }
    match format {
        Format::Plover => read_json(BufReader::with_capacity(1 << 16, stream), &mut ctx, sink)?,
        _ => read_headed(stream, format, &mut ctx, sink)?,
    }
    Ok(ctx.report)
}

pub(crate) struct Ctx {
    pub(crate) report: FileReport,
    pub(crate) strict: bool,
}

impl Ctx {
    /// An empty context for a part of the file `report` describes.
    pub(crate) fn fresh(&self) -> Ctx {
        Ctx {
            report: FileReport {
                file: self.report.file.clone(),
                format: self.report.format.clone(),
                ..FileReport::default()
            },
            strict: self.strict,
        }
    }

    /// An empty context naming a file.
    pub(crate) fn default_for(path: &Path) -> Ctx {
        Ctx {
            report: FileReport {
                file: path.display().to_string(),
                ..FileReport::default()
            },
            strict: false,
        }
    }

    /// Add the counts and first rejects of a part of the same file.
    pub(crate) fn merge(&mut self, part: FileReport) {
        let r = &mut self.report;
        if r.format.is_empty() {
            r.format = part.format;
        }
        r.rows_read += part.rows_read;
        r.rows_ok += part.rows_ok;
        r.rejected += part.rejected;
        r.skipped += part.skipped;
        r.recoded += part.recoded;
        r.first_recoded_line = match (r.first_recoded_line, part.first_recoded_line) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        r.rejects.extend(part.rejects);
        r.country_unresolved += part.country_unresolved;
        for (v, n) in part.unresolved_countries {
            if r.unresolved_countries.len() < MAX_REPORTED
                || r.unresolved_countries.contains_key(&v)
            {
                *r.unresolved_countries.entry(v).or_default() += n;
            }
        }
        r.rejects.sort_by_key(|x| x.line);
        r.rejects.truncate(MAX_REPORTED);
    }

    pub(crate) fn reject(
        &mut self,
        line: u64,
        field: &str,
        reason: String,
    ) -> Result<(), ReadError> {
        let r = Reject {
            file: self.report.file.clone(),
            line,
            field: field.to_string(),
            reason,
        };
        self.report.rejected += 1;
        if self.strict {
            return Err(ReadError::Strict(r));
        }
        if self.report.rejects.len() < MAX_REPORTED {
            self.report.rejects.push(r);
        }
        Ok(())
    }

    /// A row stored without a country: counted, and its value(s) noted.
    pub(crate) fn unresolved(&mut self, value: String) {
        let r = &mut self.report;
        r.country_unresolved += 1;
        if r.unresolved_countries.len() < MAX_REPORTED
            || r.unresolved_countries.contains_key(&value)
        {
            *r.unresolved_countries.entry(value).or_default() += 1;
        }
    }

    pub(crate) fn recoded(&mut self, line: u64) {
        self.report.recoded += 1;
        self.report.first_recoded_line.get_or_insert(line);
    }
}

/// A bad field: (field name, reason).
pub(crate) type FieldError = (&'static str, String);

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapped file's pages are let go of only behind both readers, in whole pages, one
    /// step after another; the file reads the same afterwards.
    #[test]
    fn a_mapped_file_is_let_go_of_behind_both_readers() {
        let dir = std::env::temp_dir().join(format!("chamber-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.tsv");
        let mut text = Vec::new();
        let mut i = 0u64;
        while text.len() < 3 * RELEASE_STEP + fast::CHUNK {
            let fields: Vec<String> = (0..58).map(|j| format!("{i}-{j}")).collect();
            text.extend_from_slice(fields.join("\t").as_bytes());
            text.push(b'\n');
            i += 1;
        }
        std::fs::write(&path, &text).unwrap();
        let (_, mut src, _) = open_gdelt(&path, Some(Format::Gdelt1), false)
            .unwrap()
            .unwrap();
        assert!(matches!(src, GdeltSource::Mapped { .. }));
        let mut buf = Vec::new();
        // Worker 1 takes the first chunk and stays on it: nothing may be let go of.
        let (slow, line, release) = src.next_chunk(&mut buf, 1).unwrap().unwrap();
        assert_eq!(line, 1);
        assert!(release.is_none());
        let mut ranges = Vec::new();
        let mut last_line = 1;
        for k in 0.. {
            // Worker 1 moves on once worker 0 is past a step, then every 8 chunks.
            let first = RELEASE_STEP / fast::CHUNK + 1;
            let worker = usize::from(k >= first && (k - first).is_multiple_of(8));
            let Some((chunk, line, release)) = src.next_chunk(&mut buf, worker).unwrap() else {
                break;
            };
            assert!(line > last_line);
            last_line = line;
            let GdeltChunk::Mapped(_, r) = &chunk else {
                panic!("a mapped chunk")
            };
            assert_eq!(chunk.bytes(&buf), &text[r.clone()]);
            if let Some(GdeltRelease(_, range)) = &release {
                assert!(
                    worker == 1 || !ranges.is_empty(),
                    "not while worker 1 reads"
                );
                assert_eq!(
                    range.start,
                    ranges.last().map_or(0, |p: &std::ops::Range<usize>| p.end)
                );
                assert!(range.start.is_multiple_of(4096));
                assert!(range.end.is_multiple_of(4096));
                assert!(range.len() >= RELEASE_STEP);
                assert!(range.end <= r.start, "only what both have read past");
                ranges.push(range.clone());
            }
            if let Some(rel) = release {
                rel.run();
            }
        }
        assert!(ranges.len() >= 2, "{ranges:?}");
        // The pages let go of read as the file still.
        let GdeltChunk::Mapped(map, r) = &slow else {
            panic!("a mapped chunk")
        };
        assert_eq!(&map[r.clone()], &text[r.clone()]);
        assert_eq!(&map[..], &text[..]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
