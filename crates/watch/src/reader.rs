//! Streaming readers: one record in memory at a time, whatever the input size.
//!
//! Each reader turns rows into [`Event`]s and bad rows into [`Reject`]s (file, line, field,
//! reason). The format is detected from the first 64 KiB unless forced.

use crate::codebook::{codebooks, quad_class_of_plover, quad_class_of_root};
use crate::date::Date;
use crate::decode::decode;
use crate::fast;
use crate::model::{Actor, Event, Format};
use crate::store::{Line, RowInfo, dataset_tag, decode_line, event_key_tagged, iso3_bytes};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

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

/// A GDELT file opened for chunked reading: its plan, a splitter positioned on the first
/// row, and the empty report (header already counted).
pub(crate) type GdeltSplitter = fast::Splitter<io::Chain<io::Cursor<Vec<u8>>, std::fs::File>>;

/// Open a file for chunked reading when it is GDELT (TSV or CSV); `Ok(None)` for the other
/// formats, which are read whole by [`read_path`].
pub(crate) fn open_gdelt(
    path: &Path,
    forced: Option<Format>,
    strict: bool,
) -> Result<Option<(GdeltPlan, GdeltSplitter, Ctx)>, ReadError> {
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
    head.drain(..start);
    let sp = fast::Splitter::new(io::Cursor::new(head).chain(file), plan.quotes, line);
    Ok(Some((plan, sp, ctx)))
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
        r.rejects.sort_by_key(|x| x.line);
        r.rejects.truncate(MAX_REPORTED);
    }

    fn reject(&mut self, line: u64, field: &str, reason: String) -> Result<(), ReadError> {
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

    fn recoded(&mut self, line: u64) {
        self.report.recoded += 1;
        self.report.first_recoded_line.get_or_insert(line);
    }
}

/// A bad field: (field name, reason).
type FieldError = (&'static str, String);

/// Access to one CSV record's fields with `NA`/blank handling and trimming.
struct Row<'a> {
    rec: &'a csv::ByteRecord,
    off: usize,
    /// Set when a field read was not UTF-8 (and was read as Windows-1252).
    recoded: Cell<bool>,
}

impl<'a> Row<'a> {
    fn s(&self, i: usize) -> Cow<'a, str> {
        match self.rec.get(i + self.off) {
            None => Cow::Borrowed(""),
            Some(b) => {
                let b = b.trim_ascii();
                if b == b"NA" {
                    return Cow::Borrowed("");
                }
                let (s, re) = decode(b);
                if re {
                    self.recoded.set(true);
                }
                s
            }
        }
    }
    fn opt(&self, i: Option<usize>) -> Cow<'a, str> {
        i.map(|i| self.s(i)).unwrap_or(Cow::Borrowed(""))
    }
}

/// The same over a record of the chunked parser ([`fast::records`]): quoted fields are
/// unquoted (`""` is a quote); an ASCII record skips UTF-8 validation.
struct RawRow<'a> {
    rec: &'a fast::Record<'a>,
    quotes: bool,
    off: usize,
    recoded: Cell<bool>,
    /// The last compact date read in the chunk: its 8 bytes (little-endian) and value.
    dates: &'a Cell<(u64, Date)>,
}

impl<'a> RawRow<'a> {
    #[inline(always)]
    fn s(&self, i: usize) -> Cow<'a, str> {
        let Some(b) = self.rec.field(i + self.off) else {
            return Cow::Borrowed("");
        };
        match (b.first(), b.last()) {
            // Most fields: nothing to trim or unquote (ASCII whitespace is below 0x21, the
            // quote is 0x22).
            (Some(&f), Some(&l)) if f > b'"' && l > b'"' => {
                if b == b"NA" {
                    return Cow::Borrowed("");
                }
                self.text(b)
            }
            (None, _) => Cow::Borrowed(""),
            _ => self.s_slow(b),
        }
    }

    /// A field's text once trimmed and unquoted.
    #[inline(always)]
    fn text(&self, b: &'a [u8]) -> Cow<'a, str> {
        if self.rec.ascii {
            // SAFETY: the chunk scan saw no byte >= 0x80 in this record: ASCII is UTF-8.
            return Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) });
        }
        let (s, re) = decode(b);
        if re {
            self.recoded.set(true);
        }
        s
    }

    /// [`RawRow::s`] for a field that starts or ends with whitespace or a quote.
    #[inline(never)]
    fn s_slow(&self, mut b: &'a [u8]) -> Cow<'a, str> {
        if let (Some(f), Some(l)) = (b.first(), b.last())
            && (f.is_ascii_whitespace() || l.is_ascii_whitespace())
        {
            b = b.trim_ascii();
        }
        if self.quotes && b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' {
            let inner = &b[1..b.len() - 1];
            if inner.contains(&b'"') {
                return self.unescape(inner);
            }
            b = inner.trim_ascii();
        }
        if b == b"NA" {
            return Cow::Borrowed("");
        }
        self.text(b)
    }

    /// A quoted field holding `""`: one quote each.
    #[cold]
    fn unescape(&self, inner: &[u8]) -> Cow<'a, str> {
        let mut v = Vec::with_capacity(inner.len());
        let mut k = 0;
        while k < inner.len() {
            v.push(inner[k]);
            k += if inner[k] == b'"' && inner.get(k + 1) == Some(&b'"') {
                2
            } else {
                1
            };
        }
        let v = v.trim_ascii();
        if v == b"NA" {
            return Cow::Borrowed("");
        }
        let (s, re) = decode(v);
        if re {
            self.recoded.set(true);
        }
        Cow::Owned(s.into_owned())
    }

    fn opt(&self, i: Option<usize>) -> Cow<'a, str> {
        i.map(|i| self.s(i)).unwrap_or(Cow::Borrowed(""))
    }
}

fn parse_u32(s: &str, field: &'static str) -> Result<Option<u32>, FieldError> {
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = s.parse::<u32>() {
        return Ok(Some(v));
    }
    match s.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 => Ok(Some(v as u32)),
        _ => Err((field, format!("not a count: {s:?}"))),
    }
}

/// A count written as the store writes it (1–9 digits, no leading zero): its value.
#[inline]
fn canonical_count(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 9 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v = 0u32;
    for &d in b {
        let x = d.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        v = v * 10 + x as u32;
    }
    Some(v)
}

/// `[-+]?digits[.digits]` with a mantissa below 2^53: `m / 10^k` is then exactly what
/// `str::parse` gives (one correctly rounded division, Clinger's fast path).
pub(crate) fn fast_f64(s: &[u8]) -> Option<f64> {
    fast_f64_canonical(s).map(|(v, _)| v)
}

/// [`fast_f64`], and whether the text is already what the store writes for the value
/// (`store::Line::float`): no `+`, no leading zero, at most six decimals without a trailing
/// zero, not a negative zero.
fn fast_f64_canonical(s: &[u8]) -> Option<(f64, bool)> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (neg, plus, digits) = match s.first()? {
        b'-' => (true, false, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // Integer digits, then (after one dot) fraction digits; anything else is not a number.
    let (mut m, mut i, n) = (0u64, 0usize, digits.len());
    while i < n {
        let d = digits[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m * 10 + d as u64;
        i += 1;
    }
    let int_len = i;
    let (dot, frac) = if i < n {
        if digits[i] != b'.' {
            return None;
        }
        for &b in &digits[i + 1..] {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            m = m * 10 + d as u64;
        }
        (Some(i), n - i - 1)
    } else {
        (None, 0)
    };
    if int_len + frac == 0 || m > 1 << 53 || frac > 22 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    let canonical = !plus
        && (1..=12).contains(&int_len)
        && (digits[0] != b'0' || int_len == 1)
        && match dot {
            Some(_) => (1..=6).contains(&frac) && digits[digits.len() - 1] != b'0',
            None => !neg || m != 0,
        };
    Some((if neg { -v } else { v }, canonical))
}

/// [`parse_f64`] with [`fast_f64_canonical`]'s flag (false off the fast path).
fn parse_f64_canonical(s: &str, field: &'static str) -> Result<Option<(f64, bool)>, FieldError> {
    if let Some(vc) = fast_f64_canonical(s.as_bytes()) {
        return Ok(Some(vc));
    }
    Ok(parse_f64(s, field)?.map(|v| (v, false)))
}

fn parse_f64(s: &str, field: &'static str) -> Result<Option<f64>, FieldError> {
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(v) = fast_f64(s.as_bytes()) {
        return Ok(Some(v));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err((field, format!("not a number: {s:?}"))),
    }
}

fn parse_lat_lon(
    lat: &str,
    lon: &str,
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<(Option<f64>, Option<f64>), FieldError> {
    let ((la, _), (lo, _)) = parse_lat_lon_canonical(lat, lon, lat_name, lon_name)?;
    Ok((la, lo))
}

/// [`parse_lat_lon`] with each text's canonical flag (see [`fast_f64_canonical`]).
#[allow(clippy::type_complexity)]
fn parse_lat_lon_canonical(
    lat: &str,
    lon: &str,
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<((Option<f64>, bool), (Option<f64>, bool)), FieldError> {
    let la = parse_f64_canonical(lat, lat_name)?;
    let lo = parse_f64_canonical(lon, lon_name)?;
    if la.is_some_and(|(v, _)| !(-90.0..=90.0).contains(&v)) {
        return Err((lat_name, format!("latitude out of range: {lat}")));
    }
    if lo.is_some_and(|(v, _)| !(-180.0..=180.0).contains(&v)) {
        return Err((lon_name, format!("longitude out of range: {lon}")));
    }
    let split = |x: Option<(f64, bool)>| (x.map(|(v, _)| v), x.is_some_and(|(_, c)| c));
    Ok((split(la), split(lo)))
}

fn parse_id<'a>(s: &'a str, field: &'static str) -> Result<Cow<'a, str>, FieldError> {
    if s.is_empty() {
        return Err((field, "missing id".into()));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(s.trim_start_matches('0')));
    }
    match s.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e17 => {
            Ok(Cow::Owned(format!("{}", v as u64)))
        }
        _ => Err((field, format!("not an event id: {s:?}"))),
    }
}

/// CAMEO code check: 2–4 digits. Returns (code, root).
fn parse_cameo<'a>(code: &'a str, root: &str) -> Result<(&'a str, u8), FieldError> {
    if code.is_empty() {
        return Ok(("", 0));
    }
    let b = code.as_bytes();
    if !(2..=4).contains(&b.len()) || !b.iter().all(|b| b.is_ascii_digit()) {
        return Err(("EventCode", format!("not a CAMEO code: {code:?}")));
    }
    let from_code = (b[0] - b'0') * 10 + (b[1] - b'0');
    let root = if root.is_empty() {
        from_code
    } else {
        match root.parse::<u8>() {
            Ok(r) if (1..=20).contains(&r) => r,
            _ => return Err(("EventRootCode", format!("not a CAMEO root: {root:?}"))),
        }
    };
    if !(1..=20).contains(&root) {
        return Err(("EventCode", format!("CAMEO root out of range: {code:?}")));
    }
    Ok((code, root))
}

// ---------------------------------------------------------------- GDELT

/// Column positions of the fields the model needs.
struct GdeltCols {
    id: usize,
    date: usize,
    a1: [usize; 4],
    a2: [usize; 4],
    code: usize,
    root: usize,
    quad: usize,
    gold: usize,
    mentions: usize,
    sources: usize,
    geo_name: usize,
    geo_cc: usize,
    geo_adm1: usize,
    geo_lat: usize,
    geo_lon: usize,
    geo_fid: usize,
    url: Option<usize>,
}

const GDELT1_COLS: GdeltCols = GdeltCols {
    id: 0,
    date: 1,
    a1: [5, 6, 7, 12],
    a2: [15, 16, 17, 22],
    code: 26,
    root: 28,
    quad: 29,
    gold: 30,
    mentions: 31,
    sources: 32,
    geo_name: 50,
    geo_cc: 51,
    geo_adm1: 52,
    geo_lat: 53,
    geo_lon: 54,
    geo_fid: 55,
    url: Some(57),
};

const GDELT2_COLS: GdeltCols = GdeltCols {
    geo_name: 52,
    geo_cc: 53,
    geo_adm1: 54,
    geo_lat: 56,
    geo_lon: 57,
    geo_fid: 58,
    url: Some(60),
    ..GDELT1_COLS
};

/// Normalise a GDELT row straight into its store line (appended to `line`) and the values
/// ingest needs (`info`). Fields are checked in a fixed order, so a row with several bad
/// fields always reports the same one.
fn gdelt_line(
    row: &RawRow,
    c: &GdeltCols,
    dataset: &str,
    tag: u64,
    line: &mut Vec<u8>,
    info: &mut RowInfo,
    hint: &dyn Fn(u64),
) -> Result<(), FieldError> {
    let cb = codebooks();
    let id_s = row.s(c.id);
    let id = parse_id(&id_s, "GLOBALEVENTID")?;
    let key = event_key_tagged(tag, dataset, &id);
    // Let the store fetch what it will look this key up in while the row is normalised.
    (hint)(key);
    let date_s = row.s(c.date);
    // Rows come in date order mostly: the last date read is kept with its 8 bytes.
    let date = match <[u8; 8]>::try_from(date_s.as_bytes()) {
        Ok(b8) => {
            let k = u64::from_le_bytes(b8);
            match row.dates.get() {
                (ck, d) if ck == k => Some(d),
                _ => {
                    let d = Date::parse_compact(&date_s);
                    if let Some(d) = d {
                        row.dates.set((k, d));
                    }
                    d
                }
            }
        }
        Err(_) => Date::parse_compact(&date_s),
    }
    .ok_or_else(|| ("SQLDATE", format!("not a YYYYMMDD date: {date_s:?}")))?;
    let code_s = row.s(c.code);
    let (cameo, root) = parse_cameo(&code_s, &row.s(c.root))?;
    if cameo.is_empty() {
        return Err(("EventCode", "missing CAMEO event code".into()));
    }
    let quad_s = row.s(c.quad);
    let quad = if quad_s.is_empty() {
        quad_class_of_root(root)
    } else if let [q @ b'1'..=b'4'] = quad_s.as_bytes() {
        q - b'0'
    } else {
        match quad_s.parse::<u8>() {
            Ok(q) if (1..=4).contains(&q) => q,
            _ => return Err(("QuadClass", format!("not 1-4: {quad_s:?}"))),
        }
    };
    let gold_s = row.s(c.gold);
    let (goldstein, gold_canonical) = match parse_f64_canonical(&gold_s, "GoldsteinScale")? {
        Some((g, _)) if !(-10.0..=10.0).contains(&g) => {
            return Err(("GoldsteinScale", format!("outside -10..10: {g}")));
        }
        Some((g, canonical)) => (Some(g as f32), canonical),
        None => (cb.cameo(cameo).and_then(|e| e.goldstein), false),
    };
    let (mentions_s, sources_s) = (row.s(c.mentions), row.s(c.sources));
    let (mentions_c, sources_c) = (canonical_count(&mentions_s), canonical_count(&sources_s));
    let mentions = match mentions_c {
        Some(v) => v,
        None => parse_u32(&mentions_s, "NumMentions")?.unwrap_or(1),
    };
    let sources = match sources_c {
        Some(v) => v,
        None => parse_u32(&sources_s, "NumSources")?.unwrap_or(1),
    };
    let (lat_s, lon_s) = (row.s(c.geo_lat), row.s(c.geo_lon));
    let ((lat, lat_canonical), (lon, lon_canonical)) =
        parse_lat_lon_canonical(&lat_s, &lon_s, "ActionGeo_Lat", "ActionGeo_Long")?;
    let country = cb.fips_to_iso3(&row.s(c.geo_cc)).unwrap_or("");
    let mut l = Line::new(line);
    // Numbers already written as the store writes them are copied, not re-formatted.
    // A plain record (no control byte in a field) needs no cleaning of its text.
    let plain = row.rec.plain;
    l.text_of(dataset, true)
        .text_of(&id, true)
        .date_compact(&date_s);
    for ix in [c.a1, c.a2] {
        l.text_of(&row.s(ix[0]), plain)
            .text_of(&row.s(ix[1]), plain)
            .text_of(cb.cameo_country_to_iso3(&row.s(ix[2])).unwrap_or(""), true)
            .text_of(&row.s(ix[3]), plain);
    }
    let name = row.s(c.geo_name);
    let location = if name.is_empty() {
        row.s(c.geo_fid)
    } else {
        name
    };
    l.text_of(cameo, true)
        .uint(Some(root as u32).filter(|&r| r > 0))
        .uint(Some(quad as u32).filter(|&q| q > 0))
        .float_known(goldstein.map(|g| g as f64), &gold_s, gold_canonical)
        .count_known(mentions, &mentions_s, mentions_c.is_some())
        .count_known(sources, &sources_s, sources_c.is_some())
        .uint(None)
        .uint(None)
        .uint(None)
        .text_of(country, true)
        .text_of(&row.s(c.geo_adm1), plain)
        .float_known(lat, &lat_s, lat_canonical)
        .float_known(lon, &lon_s, lon_canonical)
        .text_of(&location, plain)
        .text_of(&row.opt(c.url), plain);
    let ends = l.end();
    *info = RowInfo {
        key,
        date: Some(date),
        quad,
        goldstein,
        mentions,
        fatalities: 0,
        country: iso3_bytes(country),
        pos: 0,
        ends,
    };
    Ok(())
}

/// How to read the rows of a GDELT file (TSV without header, or CSV with one).
pub(crate) struct GdeltPlan {
    format: Format,
    cols: GdeltCols,
    /// Accepted field counts.
    widths: Vec<usize>,
    /// CSV: the header's field count (R's row-name column makes a row one wider).
    header_width: Option<usize>,
    sep: u8,
    quotes: bool,
}

/// The plan for a GDELT file and the byte offset and line number where its rows start
/// (after any BOM and header); `head` is the file's first bytes.
pub(crate) fn gdelt_plan(
    name: &str,
    format: Format,
    head: &[u8],
) -> Result<(GdeltPlan, usize, u64), ReadError> {
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    match format {
        Format::Gdelt1 | Format::Gdelt2 => {
            let (cols, widths) = match format {
                Format::Gdelt2 => (GDELT2_COLS, vec![61]),
                _ => (GDELT1_COLS, vec![57, 58]),
            };
            let plan = GdeltPlan {
                format,
                cols,
                widths,
                header_width: None,
                sep: b'\t',
                quotes: false,
            };
            Ok((plan, bom, 1))
        }
        Format::Gdelt1Csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&head[bom..]);
            let mut rec = csv::ByteRecord::new();
            let header = loop {
                match rdr.read_byte_record(&mut rec) {
                    Ok(true) if rec.len() <= 1 && rec.as_slice().trim_ascii().is_empty() => {
                        continue;
                    }
                    Ok(true) => break Header::new(&rec),
                    Ok(false) => {
                        return Err(ReadError::Empty(format!("{name}: empty file (no header)")));
                    }
                    Err(e) => {
                        return Err(ReadError::Format(format!("{name}: unreadable header: {e}")));
                    }
                }
            };
            let pos = rdr.position().clone();
            if pos.byte() as usize >= head.len() - bom && head.len() >= 1 << 16 {
                return Err(ReadError::Format(format!(
                    "{name}: no complete header row in the first 64 KiB"
                )));
            }
            let cols = match header_cols(format, &header) {
                Ok(Cols::Gdelt(c)) => c,
                Ok(Cols::Named(_)) => unreachable!("GDELT columns"),
                Err(m) => return Err(ReadError::Format(format!("{name}: {m}"))),
            };
            let plan = GdeltPlan {
                format,
                cols,
                widths: vec![header.1, header.1 + 1],
                header_width: Some(header.1),
                sep: b',',
                quotes: true,
            };
            Ok((plan, bom + pos.byte() as usize, pos.line()))
        }
        other => Err(ReadError::Format(format!(
            "{name}: {other} is not a GDELT format"
        ))),
    }
}

/// Read one chunk of GDELT rows (see [`fast`]): each event goes to `sink`, bad rows to the
/// report in `ctx`. `ev` is reused across rows.
pub(crate) fn gdelt_chunk(
    plan: &GdeltPlan,
    data: &[u8],
    line: u64,
    ctx: &mut Ctx,
    hint: &dyn Fn(u64),
    sink: &mut dyn FnMut(&[u8], &RowInfo),
) -> Result<(), ReadError> {
    let mut stop = None;
    let format = plan.format;
    let mut out = Vec::with_capacity(1024);
    let mut info = RowInfo::default();
    let dataset = format.dataset();
    let tag = dataset_tag(dataset);
    // No text holds eight 0xFF bytes (not UTF-8): the cache starts empty.
    let dates = Cell::new((u64::MAX, Date(0)));
    fast::records(data, plan.sep, plan.quotes, line, &mut |rec| {
        let line = rec.line;
        if rec.fields == 1 && rec.bytes().trim_ascii().is_empty() {
            return true; // blank line
        }
        ctx.report.rows_read += 1;
        let res = if rec.unterminated {
            Err(("(row)", "unterminated quoted field".to_string()))
        } else if !plan.widths.contains(&rec.fields) {
            let n = rec.fields;
            let (field, reason) = match plan.header_width {
                Some(w) => (
                    if n > w {
                        "(extra column)"
                    } else {
                        "(truncated row)"
                    },
                    format!("expected {w} fields as in the header, found {n}"),
                ),
                None => {
                    let want = plan
                        .widths
                        .iter()
                        .map(|w| w.to_string())
                        .collect::<Vec<_>>()
                        .join(" or ");
                    (
                        if n > *plan.widths.last().unwrap_or(&0) {
                            "(extra column)"
                        } else {
                            "(truncated row)"
                        },
                        format!("expected {want} tab-separated fields for {format}, found {n}"),
                    )
                }
            };
            Err((field, reason))
        } else {
            // R's write.csv adds a row-name column that the header does not name.
            let off = match plan.header_width {
                Some(w) if rec.fields == w + 1 => 1,
                _ => 0,
            };
            let row = RawRow {
                rec,
                quotes: plan.quotes,
                off,
                recoded: Cell::new(false),
                dates: &dates,
            };
            out.clear();
            let res = gdelt_line(&row, &plan.cols, dataset, tag, &mut out, &mut info, hint);
            if row.recoded.get() {
                ctx.recoded(line);
            }
            res
        };
        match res {
            Ok(()) => {
                ctx.report.rows_ok += 1;
                info.pos = line;
                sink(&out, &info);
                true
            }
            Err((field, reason)) => match ctx.reject(line, field, reason) {
                Ok(()) => true,
                Err(e) => {
                    stop = Some(e);
                    false
                }
            },
        }
    });
    match stop {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn read_gdelt<R: Read>(
    head: Vec<u8>,
    input: R,
    format: Format,
    ctx: &mut Ctx,
    sink: &mut dyn FnMut(&Event),
) -> Result<(), ReadError> {
    let name = ctx.report.file.clone();
    let (plan, start, line) = gdelt_plan(&name, format, &head)?;
    if format == Format::Gdelt1Csv {
        ctx.report.skipped += 1; // the header
    }
    let stream = io::Cursor::new(head).chain(input);
    let mut stream = stream;
    io::copy(&mut (&mut stream).take(start as u64), &mut io::sink())
        .map_err(|e| ReadError::Io(format!("{name}: {e}")))?;
    let mut sp = fast::Splitter::new(stream, plan.quotes, line);
    let mut buf = Vec::new();
    while let Some(line) = sp
        .next_chunk(&mut buf)
        .map_err(|e| ReadError::Io(format!("{name}: {e}")))?
    {
        // The event as the store keeps it.
        gdelt_chunk(&plan, &buf, line, ctx, &|_| {}, &mut |l, _| {
            sink(&decode_line(l))
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------- headed CSV / TSV

/// Header name → position, case-insensitive.
struct Header(HashMap<String, usize>, usize);

impl Header {
    fn new(rec: &csv::ByteRecord) -> Header {
        let mut m = HashMap::new();
        for (i, f) in rec.iter().enumerate() {
            let name = decode(f.trim_ascii()).0.to_ascii_lowercase();
            m.entry(name).or_insert(i);
        }
        Header(m, rec.len())
    }
    fn get(&self, name: &str) -> Option<usize> {
        self.0.get(&name.to_ascii_lowercase()).copied()
    }
    fn any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.get(n))
    }
}

fn header_cols(format: Format, h: &Header) -> Result<Cols, String> {
    let need = |names: &[&str]| {
        h.any(names)
            .ok_or_else(|| format!("header has no {:?} column for format {format}", names[0]))
    };
    Ok(match format {
        Format::Gdelt1Csv => {
            let n = |s: &str| need(&[s]);
            Cols::Gdelt(GdeltCols {
                id: n("GLOBALEVENTID")?,
                date: n("SQLDATE")?,
                a1: [
                    n("Actor1Code")?,
                    n("Actor1Name")?,
                    n("Actor1CountryCode")?,
                    n("Actor1Type1Code")?,
                ],
                a2: [
                    n("Actor2Code")?,
                    n("Actor2Name")?,
                    n("Actor2CountryCode")?,
                    n("Actor2Type1Code")?,
                ],
                code: n("EventCode")?,
                root: n("EventRootCode")?,
                quad: n("QuadClass")?,
                gold: n("GoldsteinScale")?,
                mentions: n("NumMentions")?,
                sources: n("NumSources")?,
                geo_name: n("ActionGeo_FullName")?,
                geo_cc: n("ActionGeo_CountryCode")?,
                geo_adm1: n("ActionGeo_ADM1Code")?,
                geo_lat: n("ActionGeo_Lat")?,
                geo_lon: n("ActionGeo_Long")?,
                geo_fid: n("ActionGeo_FeatureID")?,
                url: h.get("SOURCEURL"),
            })
        }
        Format::Icews => Cols::Named(NamedCols {
            id: need(&["Event ID"])?,
            date: need(&["Event Date"])?,
            a1: [
                None,
                Some(need(&["Source Name"])?),
                h.get("Source Country"),
                h.get("Source Sectors"),
            ],
            a2: [
                None,
                Some(need(&["Target Name"])?),
                h.get("Target Country"),
                h.get("Target Sectors"),
            ],
            code: h.get("CAMEO Code"),
            gold: h.get("Intensity"),
            country: h.get("Country"),
            iso3: None,
            isonum: None,
            admin1: h.get("Province"),
            lat: h.get("Latitude"),
            lon: h.get("Longitude"),
            location: h.any(&["City", "District"]),
            kind: None,
            fat: [None, None, None],
            sources: None,
            url: None,
        }),
        Format::Ucdp => Cols::Named(NamedCols {
            id: need(&["id"])?,
            date: need(&["date_start"])?,
            a1: [None, h.get("side_a"), h.get("gwnoa"), None],
            a2: [None, h.get("side_b"), h.get("gwnob"), None],
            code: None,
            gold: None,
            country: h.get("country"),
            iso3: h.get("iso3"),
            isonum: None,
            admin1: h.get("adm_1"),
            lat: h.get("latitude"),
            lon: h.get("longitude"),
            location: h.get("where_coordinates"),
            kind: h.get("type_of_violence"),
            fat: [
                h.any(&["low", "low_est"]),
                Some(need(&["best", "best_est"])?),
                h.any(&["high", "high_est"]),
            ],
            sources: h.get("number_of_sources"),
            url: None,
        }),
        Format::Acled => Cols::Named(NamedCols {
            id: need(&["event_id_cnty"])?,
            date: need(&["event_date"])?,
            a1: [None, h.get("actor1"), None, h.get("inter1")],
            a2: [None, h.get("actor2"), None, h.get("inter2")],
            code: None,
            gold: None,
            country: h.get("country"),
            iso3: h.get("iso3"),
            isonum: h.get("iso"),
            admin1: h.get("admin1"),
            lat: h.get("latitude"),
            lon: h.get("longitude"),
            location: h.get("location"),
            kind: Some(need(&["event_type"])?),
            fat: [None, Some(need(&["fatalities"])?), None],
            sources: None,
            url: None,
        }),
        _ => return Err(format!("{format} has no header")),
    })
}

/// Columns of the headed non-GDELT formats.
struct NamedCols {
    id: usize,
    date: usize,
    /// [code, name, country, type]
    a1: [Option<usize>; 4],
    a2: [Option<usize>; 4],
    code: Option<usize>,
    gold: Option<usize>,
    country: Option<usize>,
    iso3: Option<usize>,
    isonum: Option<usize>,
    admin1: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    location: Option<usize>,
    /// UCDP type_of_violence / ACLED event_type.
    kind: Option<usize>,
    fat: [Option<usize>; 3],
    sources: Option<usize>,
    url: Option<usize>,
}

enum Cols {
    Gdelt(GdeltCols),
    Named(NamedCols),
}

fn country_of(cb: &crate::codebook::Codebooks, s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    if let Ok(n) = s.parse::<u32>() {
        return cb.gw_to_iso3(n).unwrap_or("").to_string();
    }
    if s.len() == 3 && cb.is_iso3(s) {
        return s.to_string();
    }
    cb.name_to_iso3(s).unwrap_or("").to_string()
}

fn named_event(row: &Row, c: &NamedCols, format: Format) -> Result<Event, FieldError> {
    let cb = codebooks();
    let raw_id = row.s(c.id);
    if raw_id.is_empty() {
        return Err(("id", "missing event id".into()));
    }
    let date_s = row.s(c.date);
    let date = match format {
        Format::Acled => Date::parse_dmy_words(&date_s),
        _ => Date::parse_iso(&date_s),
    }
    .ok_or_else(|| {
        (
            match format {
                Format::Icews => "Event Date",
                Format::Ucdp => "date_start",
                _ => "event_date",
            },
            format!("not a date: {date_s:?}"),
        )
    })?;
    let id = match format {
        // ICEWS Event IDs repeat across days: the key is id + date.
        Format::Icews => format!("{raw_id}@{date}"),
        _ => raw_id.into_owned(),
    };
    let actor = |ix: [Option<usize>; 4]| {
        let kind = row.opt(ix[3]);
        let kind = kind.split(',').next().unwrap_or("").trim().to_string();
        Actor {
            code: row.opt(ix[0]).into_owned(),
            name: row.opt(ix[1]).into_owned(),
            country: country_of(cb, &row.opt(ix[2])),
            kind,
        }
    };
    let mut ev = Event {
        dataset: format.dataset().to_string(),
        id,
        date: Some(date),
        source: actor(c.a1),
        target: actor(c.a2),
        mentions: 1,
        sources: 1,
        admin1: row.opt(c.admin1).into_owned(),
        location: row.opt(c.location).into_owned(),
        url: row.opt(c.url).into_owned(),
        ..Event::default()
    };
    let (lat, lon) = parse_lat_lon(&row.opt(c.lat), &row.opt(c.lon), "latitude", "longitude")?;
    ev.lat = lat;
    ev.lon = lon;
    ev.country = {
        let iso3 = row.opt(c.iso3);
        let num = row.opt(c.isonum);
        if iso3.len() == 3 && cb.is_iso3(&iso3) {
            iso3.into_owned()
        } else if let Some(n) = num.parse::<u32>().ok().and_then(|n| cb.isonum_to_iso3(n)) {
            n.to_string()
        } else {
            let name = row.opt(c.country);
            cb.name_to_iso3(&name).unwrap_or("").to_string()
        }
    };
    if let Some(ci) = c.code {
        let code = row.s(ci);
        let (cameo, root) = parse_cameo(&code, "").map_err(|(_, r)| ("CAMEO Code", r))?;
        ev.cameo = cameo.to_string();
        ev.root = root;
        ev.quad = quad_class_of_root(root);
    }
    if let Some(gi) = c.gold {
        ev.goldstein = parse_f64(&row.s(gi), "Intensity")?.map(|v| v as f32);
    }
    if ev.goldstein.is_none() && !ev.cameo.is_empty() {
        ev.goldstein = cb.cameo(&ev.cameo).and_then(|e| e.goldstein);
    }
    let fat_names = match format {
        Format::Acled => ["fatalities"; 3],
        _ => ["low", "best", "high"],
    };
    let f = [0, 1, 2].map(|i| parse_u32(&row.opt(c.fat[i]), fat_names[i]));
    let [lo, best, hi] = f;
    ev.fatalities_low = lo?;
    ev.fatalities_best = best?;
    ev.fatalities_high = hi?;
    if let Some(si) = c.sources {
        // UCDP writes -1 for "unknown".
        let n = row.s(si);
        ev.sources = if n.starts_with('-') && n[1..].bytes().all(|b| b.is_ascii_digit()) {
            1
        } else {
            parse_u32(&n, "number_of_sources")?.unwrap_or(1)
        };
        ev.mentions = ev.sources;
    }
    match format {
        Format::Ucdp => {
            let t = row.opt(c.kind);
            let (code, kind) = match t.as_ref() {
                "1" => ("190", "state-based"),
                "2" => ("190", "non-state"),
                "3" => ("180", "one-sided"),
                "" => ("190", ""),
                other => {
                    return Err(("type_of_violence", format!("not 1, 2 or 3: {other:?}")));
                }
            };
            ev.cameo = code.into();
            ev.root = code[..2].parse().unwrap_or(0);
            ev.quad = 4;
            ev.source.kind = kind.into();
            ev.goldstein = cb.cameo(code).and_then(|e| e.goldstein);
        }
        Format::Acled => {
            let t = row.opt(c.kind).to_ascii_lowercase();
            let code = match t.as_str() {
                "battles" => "190",
                "explosions/remote violence" => "183",
                "violence against civilians" => "180",
                "riots" => "145",
                "protests" => "141",
                _ => "",
            };
            if !code.is_empty() {
                ev.cameo = code.into();
                ev.root = code[..2].parse().unwrap_or(0);
                ev.quad = quad_class_of_root(ev.root);
                ev.goldstein = cb.cameo(code).and_then(|e| e.goldstein);
            }
        }
        _ => {}
    }
    Ok(ev)
}

fn read_headed<R: Read>(
    input: R,
    format: Format,
    ctx: &mut Ctx,
    sink: &mut dyn FnMut(&Event),
) -> Result<(), ReadError> {
    let tsv = format == Format::Icews;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .quoting(!tsv)
        .buffer_capacity(1 << 18)
        .from_reader(input);
    let mut rec = csv::ByteRecord::new();
    let file = ctx.report.file.clone();
    let header = loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) if rec.len() <= 1 && rec.as_slice().trim_ascii().is_empty() => continue,
            Ok(true) => break Header::new(&rec),
            Ok(false) => return Err(ReadError::Empty(format!("{file}: empty file (no header)"))),
            Err(e) => return Err(ReadError::Format(format!("{file}: unreadable header: {e}"))),
        }
    };
    ctx.report.skipped += 1;
    let cols =
        header_cols(format, &header).map_err(|m| ReadError::Format(format!("{file}: {m}")))?;
    let width = header.1;
    let mut ev = Event::default();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                ctx.report.rows_read += 1;
                ctx.reject(line, "(row)", format!("unreadable row: {e}"))?;
                continue;
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() <= 1 && rec.as_slice().trim_ascii().is_empty() {
            continue;
        }
        // HXL hashtag row (UCDP/HDX exports): every non-empty field starts with '#'.
        if rec.iter().any(|f| !f.is_empty())
            && rec.iter().all(|f| f.is_empty() || f.starts_with(b"#"))
        {
            ctx.report.skipped += 1;
            continue;
        }
        ctx.report.rows_read += 1;
        // R's write.csv adds a row-name column that the header does not name.
        let off = match rec.len() {
            n if n == width => 0,
            n if n == width + 1 && format == Format::Gdelt1Csv => 1,
            n => {
                let field = if n > width {
                    "(extra column)"
                } else {
                    "(truncated row)"
                };
                ctx.reject(
                    line,
                    field,
                    format!("expected {width} fields as in the header, found {n}"),
                )?;
                continue;
            }
        };
        let row = Row {
            rec: &rec,
            off,
            recoded: Cell::new(false),
        };
        let res = match &cols {
            // GDELT CSV goes through the chunked reader (`read_gdelt`).
            Cols::Gdelt(_) => Err(("(row)", format!("{format} is not read here"))),
            Cols::Named(c) => named_event(&row, c, format).map(|e| ev = e),
        };
        if row.recoded.get() {
            ctx.recoded(line);
        }
        match res {
            Ok(()) => {
                ctx.report.rows_ok += 1;
                sink(&ev);
            }
            Err((field, reason)) => ctx.reject(line, field, reason)?,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- JSON (PLOVER / POLECAT)

/// Counts newlines as serde_json pulls bytes through (it reads one byte at a time).
struct LineCounter<R> {
    inner: R,
    lines: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let nl = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.lines.set(self.lines.get() + nl);
        Ok(n)
    }
}

fn json_str(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn json_actor(v: Option<&serde_json::Value>) -> Actor {
    let cb = codebooks();
    let first = match v {
        Some(serde_json::Value::Array(a)) => a.first(),
        other => other,
    };
    match first {
        Some(serde_json::Value::String(s)) => Actor {
            name: s.clone(),
            ..Actor::default()
        },
        Some(o @ serde_json::Value::Object(_)) => {
            let code = json_str(o, "code");
            let country = cb
                .cameo_country_to_iso3(code.get(..3).unwrap_or(""))
                .unwrap_or("")
                .to_string();
            Actor {
                name: json_str(o, "actorText"),
                kind: json_str(o, "sector"),
                code,
                country,
            }
        }
        _ => Actor::default(),
    }
}

fn plover_event(v: &serde_json::Value) -> Result<Option<Event>, FieldError> {
    let cb = codebooks();
    if !v.is_object() {
        return Err(("(record)", "not a JSON object".into()));
    }
    let date_s = json_str(v, "date");
    if date_s.is_empty() && json_str(v, "event") == "DOCUMENT" {
        return Ok(None);
    }
    let id = json_str(v, "id");
    if id.is_empty() {
        return Err(("id", "missing id".into()));
    }
    let date =
        Date::parse_iso(&date_s).ok_or_else(|| ("date", format!("not a date: {date_s:?}")))?;
    let event = json_str(v, "event");
    let mut ev = Event {
        dataset: "plover".into(),
        id,
        date: Some(date),
        source: json_actor(v.get("source")),
        target: json_actor(v.get("target")),
        mentions: 1,
        sources: 1,
        url: json_str(v, "url"),
        ..Event::default()
    };
    if event.bytes().all(|b| b.is_ascii_digit()) && !event.is_empty() {
        let (cameo, root) = parse_cameo(&event, "").map_err(|(_, r)| ("event", r))?;
        ev.quad = quad_class_of_root(root);
        ev.goldstein = cb.cameo(cameo).and_then(|e| e.goldstein);
        ev.cameo = cameo.to_string();
        ev.root = root;
    } else {
        ev.quad = quad_class_of_plover(&event);
    }
    let cc = json_str(v, "ccode");
    ev.country = if cb.is_iso3(&cc) {
        cc
    } else {
        cb.name_to_iso3(&json_str(v, "country"))
            .map(str::to_string)
            .unwrap_or_else(|| ev.source.country.clone())
    };
    let loc = match v.get("location") {
        Some(serde_json::Value::Array(a)) => a.first(),
        other => other,
    };
    if let Some(l) = loc.filter(|l| l.is_object()) {
        ev.admin1 = json_str(l, "province");
        ev.location = json_str(l, "city");
        let (lat, lon) = parse_lat_lon(&json_str(l, "lat"), &json_str(l, "long"), "lat", "long")?;
        ev.lat = lat;
        ev.lon = lon;
    }
    Ok(Some(ev))
}

fn read_json<R: Read>(
    input: R,
    ctx: &mut Ctx,
    sink: &mut dyn FnMut(&Event),
) -> Result<(), ReadError> {
    use serde::de::{Deserializer as _, Error as _, SeqAccess, Visitor};
    let lines = Rc::new(Cell::new(0u64));
    let mut counted = LineCounter {
        inner: input,
        lines: lines.clone(),
    };
    // Peek the first non-blank byte to choose array vs. stream of objects.
    let mut first = [0u8; 1];
    let mut lead = Vec::new();
    loop {
        match counted.read(&mut first) {
            Ok(0) => return Ok(()),
            Ok(_) if first[0].is_ascii_whitespace() => continue,
            Ok(_) => {
                lead.push(first[0]);
                break;
            }
            Err(e) => return Err(ReadError::Io(format!("{}: {e}", ctx.report.file))),
        }
    }
    let is_array = lead[0] == b'[';
    let stream = io::Cursor::new(lead).chain(counted);
    let mut handle = |ctx: &mut Ctx, v: serde_json::Value| -> Result<(), ReadError> {
        let line = lines.get() + 1;
        ctx.report.rows_read += 1;
        match plover_event(&v) {
            Ok(Some(ev)) => {
                ctx.report.rows_ok += 1;
                sink(&ev);
                Ok(())
            }
            Ok(None) => {
                ctx.report.rows_read -= 1;
                ctx.report.skipped += 1;
                Ok(())
            }
            Err((field, reason)) => ctx.reject(line, field, reason),
        }
    };
    if is_array {
        struct Seq<'a, F>(&'a mut F, &'a mut Ctx, &'a mut Option<ReadError>);
        impl<'de, F: FnMut(&mut Ctx, serde_json::Value) -> Result<(), ReadError>> Visitor<'de>
            for Seq<'_, F>
        {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array of event records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                while let Some(v) = seq.next_element::<serde_json::Value>()? {
                    if let Err(e) = (self.0)(self.1, v) {
                        *self.2 = Some(e);
                        return Err(A::Error::custom("stopped"));
                    }
                }
                Ok(())
            }
        }
        let mut de = serde_json::Deserializer::from_reader(stream);
        let mut stop = None;
        let res = (&mut de).deserialize_seq(Seq(&mut handle, ctx, &mut stop));
        if let Some(e) = stop {
            return Err(e);
        }
        if let Err(e) = res {
            ctx.report.rows_read += 1;
            ctx.reject(
                e.line() as u64,
                "(json)",
                format!("malformed JSON, rest of file skipped: {e}"),
            )?;
        }
    } else {
        let iter = serde_json::Deserializer::from_reader(stream).into_iter::<serde_json::Value>();
        for v in iter {
            match v {
                Ok(v) => handle(ctx, v)?,
                Err(e) => {
                    ctx.report.rows_read += 1;
                    ctx.reject(
                        e.line() as u64,
                        "(json)",
                        format!("malformed JSON, rest of file skipped: {e}"),
                    )?;
                    break;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_counts_are_what_the_store_writes() {
        for t in [
            "",
            "0",
            "00",
            "01",
            "7",
            "10",
            "123456789",
            "1234567890",
            "4294967295",
            "-1",
            "+1",
            "1.0",
            "1 ",
            "a",
            "99999999",
        ] {
            let c = canonical_count(t);
            if let Some(v) = c {
                assert_eq!(Some(v), t.parse::<u32>().ok(), "{t}");
            }
            // The line written from the flag is the one the general writer gives.
            if let Ok(Some(v)) = parse_u32(t, "n") {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                Line::new(&mut a).count_known(v, t, c.is_some()).end();
                Line::new(&mut b).uint_text(Some(v), t).end();
                assert_eq!(a, b, "{t}");
            }
        }
    }

    #[test]
    fn fast_numbers_agree_with_std() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 1_000_000_000_000) as i64 * if i % 2 == 0 { 1 } else { -1 };
            let scale = ((x >> 40) % 12) as usize;
            let s = if scale == 0 {
                digits.to_string()
            } else {
                let a = digits.unsigned_abs().to_string();
                let a = format!("{a:0>width$}", width = scale + 1);
                let (int, frac) = a.split_at(a.len() - scale);
                format!("{}{int}.{frac}", if digits < 0 { "-" } else { "" })
            };
            assert_eq!(
                fast_f64(s.as_bytes()),
                Some(s.parse::<f64>().unwrap()),
                "{s}"
            );
        }
        for bad in ["", "-", ".", "1.2.3", "1e5", "nan", "12345678901234567890"] {
            assert_eq!(fast_f64(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(fast_f64(b"-77.0083"), Some(-77.0083));
        // The canonical flag is the store's own rule: the text is what the store writes.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..100_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = (x % 200) as i64 - 100;
            let frac = format!("{:08}", (x >> 20) % 100_000_000);
            let decimals = ((x >> 50) % 9) as usize;
            let lead = if i % 7 == 0 { "0" } else { "" };
            let t = if decimals == 0 {
                format!("{lead}{int}")
            } else {
                format!("{lead}{int}.{}", &frac[..decimals])
            };
            let Some((v, canonical)) = fast_f64_canonical(t.as_bytes()) else {
                continue;
            };
            let mut o = Vec::new();
            crate::store::encode_float_for_test(&mut o, v);
            assert_eq!(canonical, o == t.as_bytes(), "{t}");
            // f32 values (Goldstein, within -10..10) written from a canonical text give it back.
            if canonical && v.abs() < 16.0 {
                let mut o32 = Vec::new();
                crate::store::encode_float_for_test(&mut o32, v as f32 as f64);
                assert_eq!(o32, t.as_bytes(), "{t} as f32");
            }
        }
        for t in [
            "41.725",
            "-0.5",
            "-0",
            "0",
            "1.50",
            ".5",
            "007",
            "3.",
            "+1",
            "10",
            "-10",
            "0.000001",
            "0.0000001",
            "123456789012",
            "1234567890123",
            "1.2345678",
        ] {
            let mine = fast_f64_canonical(t.as_bytes()).is_some_and(|(_, c)| c);
            let mut o = Vec::new();
            crate::store::encode_float_for_test(&mut o, t.parse::<f64>().unwrap());
            // Sound always (a text called canonical is what the store writes); complete below
            // 10^12, where the store writes plain decimals.
            assert!(!mine || o == t.as_bytes(), "{t}");
            if t.trim_start_matches('-').split('.').next().unwrap().len() <= 12 {
                assert_eq!(mine, o == t.as_bytes(), "{t}");
            }
        }
        assert_eq!(fast_f64(b"3."), Some(3.0));
    }
}
