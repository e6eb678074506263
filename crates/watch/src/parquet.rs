//! Apache Parquet for the store's month parts, written and read without a dependency.
//!
//! Each part is one Parquet file with typed columns ([`SCHEMA`]): text as `BYTE_ARRAY`
//! (`UTF8`), the event date as `INT32` (`DATE`, days since 1970-01-01), codes and counts as
//! `INT32`/`INT64`, Goldstein and coordinates as `DOUBLE`; a missing number is a null.
//! Pages are version 1 data pages, `PLAIN` encoded, uncompressed, one page per column chunk,
//! definition levels in the RLE/bit-packed hybrid; metadata in Thrift's compact protocol (the
//! format's own specification: <https://parquet.apache.org/docs/file-format/>). Any Parquet
//! reader (DuckDB, Arrow, Spark, pandas) opens the files; the store's tests check DuckDB.
//!
//! The writer takes the store's tab-separated lines ([`crate::store::Line`]) and splits them
//! into column buffers; a row group is written whenever the buffers pass
//! [`ROW_GROUP_BYTES`], so memory stays bounded; the footer is written by
//! [`PartWriter::finish`]. The reader ([`scan`]) gives each row back as the same line fields,
//! numbers written the way the store writes them, so a row reads identically from a Parquet
//! part and from a TSV part of an older store.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Physical and logical type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `BYTE_ARRAY` annotated `UTF8`; required (an empty string when absent).
    Text,
    /// `INT32` annotated `DATE`; required.
    Date,
    /// `INT32`, optional.
    Int32,
    /// `INT64`, optional.
    Int64,
    /// `DOUBLE`, optional.
    Double,
}

impl Kind {
    fn physical(self) -> i32 {
        match self {
            Kind::Text => 6,
            Kind::Date | Kind::Int32 => 1,
            Kind::Int64 => 2,
            Kind::Double => 5,
        }
    }
    fn optional(self) -> bool {
        !matches!(self, Kind::Text | Kind::Date)
    }
}

/// The store's columns ([`crate::store::COLUMNS`]) with their Parquet types.
pub const SCHEMA: [(&str, Kind); 26] = [
    ("dataset", Kind::Text),
    ("id", Kind::Text),
    ("date", Kind::Date),
    ("source_code", Kind::Text),
    ("source_name", Kind::Text),
    ("source_country", Kind::Text),
    ("source_type", Kind::Text),
    ("target_code", Kind::Text),
    ("target_name", Kind::Text),
    ("target_country", Kind::Text),
    ("target_type", Kind::Text),
    ("cameo", Kind::Text),
    ("cameo_root", Kind::Int32),
    ("quad_class", Kind::Int32),
    ("goldstein", Kind::Double),
    ("mentions", Kind::Int64),
    ("sources", Kind::Int64),
    ("fatalities_low", Kind::Int64),
    ("fatalities_best", Kind::Int64),
    ("fatalities_high", Kind::Int64),
    ("country", Kind::Text),
    ("admin1", Kind::Text),
    ("lat", Kind::Double),
    ("lon", Kind::Double),
    ("location", Kind::Text),
    ("url", Kind::Text),
];

/// Buffered bytes after which a row group is written.
pub const ROW_GROUP_BYTES: usize = 512 << 10;

const MAGIC: &[u8; 4] = b"PAR1";

// ---------------------------------------------------------------------------------------
// Thrift compact protocol: the writer.

/// Compact-protocol field types.
mod tt {
    pub const TRUE: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
}

struct Thrift {
    out: Vec<u8>,
    /// Last field id of each open struct.
    last: Vec<i16>,
}

impl Thrift {
    fn new() -> Thrift {
        Thrift {
            out: Vec::with_capacity(256),
            last: vec![0],
        }
    }
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }
    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn field(&mut self, id: i16, ty: u8) {
        let last = self.last.last_mut().expect("a struct is open");
        let delta = id - *last;
        *last = id;
        if (1..=15).contains(&delta) {
            self.out.push((delta as u8) << 4 | ty);
        } else {
            self.out.push(ty);
            let z = ((id as i64) << 1) ^ ((id as i64) >> 63);
            self.varint(z as u64);
        }
    }
    fn i32(&mut self, id: i16, v: i32) -> &mut Self {
        self.field(id, tt::I32);
        self.zigzag(v as i64);
        self
    }
    fn i64(&mut self, id: i16, v: i64) -> &mut Self {
        self.field(id, tt::I64);
        self.zigzag(v);
        self
    }
    fn binary(&mut self, id: i16, b: &[u8]) -> &mut Self {
        self.field(id, tt::BINARY);
        self.bytes(b);
        self
    }
    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.out.extend_from_slice(b);
    }
    fn list(&mut self, id: i16, elem: u8, n: usize) -> &mut Self {
        self.field(id, tt::LIST);
        if n < 15 {
            self.out.push((n as u8) << 4 | elem);
        } else {
            self.out.push(0xF0 | elem);
            self.varint(n as u64);
        }
        self
    }
    /// Open a struct that is a field.
    fn begin(&mut self, id: i16) -> &mut Self {
        self.field(id, tt::STRUCT);
        self.last.push(0);
        self
    }
    /// Open a struct that is a list element.
    fn begin_elem(&mut self) -> &mut Self {
        self.last.push(0);
        self
    }
    fn end(&mut self) -> &mut Self {
        self.out.push(0);
        self.last.pop();
        self
    }
}

// ---------------------------------------------------------------------------------------
// The writer.

/// One column's page being encoded (reused from column to column).
#[derive(Default)]
struct ColumnBuf {
    /// `PLAIN`-encoded non-null values.
    values: Vec<u8>,
    /// Definition levels, one bit a row (optional columns).
    defs: Vec<u8>,
    present: u32,
    /// Smallest and largest value (the date column's statistics).
    min: i32,
    max: i32,
}

/// Where one written column chunk lies.
#[derive(Clone, Debug)]
struct ChunkMeta {
    offset: u64,
    size: u64,
    values: u64,
    min_max: Option<(i32, i32)>,
}

/// Where one written row group lies.
#[derive(Clone, Debug)]
struct GroupMeta {
    rows: u64,
    chunks: Vec<ChunkMeta>,
}

/// Writes one Parquet part from store lines. Rows may be added after [`PartWriter::close`]
/// (the file is reopened for appending); [`PartWriter::finish`] writes the footer, after
/// which the file is a complete Parquet file.
pub struct PartWriter {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    /// Bytes in the file so far.
    len: u64,
    groups: Vec<GroupMeta>,
    /// The buffered rows' lines, each followed by a tab, after a first tab…
    text: Vec<u8>,
    /// …and where the tabs are: the first, then [`SCHEMA`]`.len()` a row (each field's end).
    ends: Vec<u32>,
    /// The page being encoded.
    page: ColumnBuf,
    rows: u32,
    finished: bool,
}

impl PartWriter {
    /// A writer for `path`; nothing is created until the first row.
    pub fn new(path: PathBuf) -> PartWriter {
        PartWriter {
            path,
            out: None,
            len: 0,
            groups: Vec::new(),
            text: Vec::new(),
            ends: Vec::new(),
            page: ColumnBuf::default(),
            rows: 0,
            finished: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows written or buffered.
    pub fn rows(&self) -> u64 {
        self.groups.iter().map(|g| g.rows).sum::<u64>() + self.rows as u64
    }

    /// Add one store line (tab-separated fields in [`SCHEMA`] order, newline optional).
    /// The line is kept as it is until its row group is written; then each column is
    /// encoded in one pass over the buffered rows.
    pub fn push_line(&mut self, line: &[u8]) -> Result<(), String> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let mut tabs = [0usize; 32];
        let found = tab_positions(line, &mut tabs);
        let want = SCHEMA.len() - 1;
        if found != want {
            return Err(format!(
                "store line has {} fields, not {}",
                found + 1,
                SCHEMA.len()
            ));
        }
        self.keep(line, tabs[..want].iter().map(|&t| t as u32))
    }

    /// [`PartWriter::push_line`] for a line whose field ends are known (as
    /// [`crate::store::Line::end`] gives them).
    pub fn push_line_at(&mut self, line: &[u8], ends: &[u16; 26]) -> Result<(), String> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        debug_assert_eq!(ends[25] as usize, line.len());
        debug_assert!(
            ends[..25]
                .iter()
                .all(|&e| line.get(e as usize) == Some(&b'\t'))
        );
        self.keep(line, ends[..25].iter().map(|&t| t as u32))
    }

    fn keep(&mut self, line: &[u8], tabs: impl Iterator<Item = u32>) -> Result<(), String> {
        debug_assert!(!self.finished, "rows added after the footer");
        // The line as it is (one copy) and a tab after it: field k of the buffer (row by row)
        // lies between the tabs `ends[k]` and `ends[k + 1]`.
        if self.ends.is_empty() {
            self.text.push(b'\t');
            self.ends.push(0);
        }
        let base = self.text.len() as u32;
        self.text.extend_from_slice(line);
        self.text.push(b'\t');
        self.ends.extend(tabs.map(|t| base + t));
        self.ends.push(self.text.len() as u32 - 1);
        self.rows += 1;
        if self.text.len() + self.ends.len() * 4 >= ROW_GROUP_BYTES {
            self.write_group()?;
        }
        Ok(())
    }

    /// Encode column `i` of the buffered rows into `self.page`.
    fn encode_column(&mut self, i: usize) -> Result<(), String> {
        let (name, kind) = SCHEMA[i];
        let n = SCHEMA.len();
        let rows = self.rows as usize;
        let page = &mut self.page;
        page.values.clear();
        page.defs.clear();
        page.present = 0;
        let text = &self.text;
        let ends = &self.ends;
        // Field i of row r: between the tab before it and its own.
        let field = |r: usize| {
            let at = r * n + i;
            &text[ends[at] as usize + 1..ends[at + 1] as usize]
        };
        match kind {
            Kind::Text => {
                page.values.reserve(text.len() + 4 * rows);
                for r in 0..rows {
                    push_byte_array(&mut page.values, field(r));
                }
            }
            Kind::Date => {
                let mut last: (&[u8], i32) = (b"", 0);
                page.min = i32::MAX;
                page.max = i32::MIN;
                for r in 0..rows {
                    let f = field(r);
                    let d = if f == last.0 {
                        last.1
                    } else {
                        let d = parse_date(f)
                            .ok_or_else(|| format!("store line has a bad {name}: {}", show(f)))?;
                        last = (f, d);
                        d
                    };
                    page.min = page.min.min(d);
                    page.max = page.max.max(d);
                    page.values.extend_from_slice(&d.to_le_bytes());
                }
            }
            Kind::Int32 | Kind::Int64 | Kind::Double => {
                page.values.reserve(8 * rows);
                page.defs.resize(rows.div_ceil(8), 0);
                for r in 0..rows {
                    let f = field(r);
                    if f.is_empty() {
                        continue;
                    }
                    let bad = || format!("store line has a bad {name}: {}", show(f));
                    match kind {
                        Kind::Int32 => {
                            let v = parse_int(f).ok_or_else(bad)?;
                            let v = i32::try_from(v).map_err(|_| bad())?;
                            page.values.extend_from_slice(&v.to_le_bytes());
                        }
                        Kind::Int64 => {
                            let v = parse_int(f).ok_or_else(bad)?;
                            page.values.extend_from_slice(&v.to_le_bytes());
                        }
                        _ => {
                            let v = crate::reader::fast_f64(f)
                                .or_else(|| std::str::from_utf8(f).ok()?.parse().ok())
                                .ok_or_else(bad)?;
                            page.values.extend_from_slice(&v.to_le_bytes());
                        }
                    }
                    page.defs[r / 8] |= 1 << (r % 8);
                    page.present += 1;
                }
            }
        }
        Ok(())
    }

    fn open(&mut self) -> Result<&mut BufWriter<File>, String> {
        if self.out.is_none() {
            let f = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
            let mut w = BufWriter::with_capacity(1 << 17, f);
            if self.len == 0 {
                w.write_all(MAGIC).map_err(|e| e.to_string())?;
                self.len = MAGIC.len() as u64;
            }
            self.out = Some(w);
        }
        Ok(self.out.as_mut().expect("opened above"))
    }

    /// Write the buffered rows as one row group.
    fn write_group(&mut self) -> Result<(), String> {
        if self.rows == 0 {
            return Ok(());
        }
        let rows = self.rows;
        self.open()?;
        let mut len = self.len;
        let mut chunks = Vec::with_capacity(SCHEMA.len());
        let mut levels = Vec::new();
        for (i, (_, kind)) in SCHEMA.iter().enumerate() {
            self.encode_column(i)?;
            let c = &self.page;
            levels.clear();
            if kind.optional() {
                encode_levels(&c.defs, rows, c.present, &mut levels);
            }
            let body = levels.len() + if levels.is_empty() { 0 } else { 4 } + c.values.len();
            let mut h = Thrift::new();
            h.i32(1, 0) // DATA_PAGE
                .i32(2, body as i32)
                .i32(3, body as i32)
                .begin(5)
                .i32(1, rows as i32)
                .i32(2, 0) // PLAIN
                .i32(3, 3) // RLE
                .i32(4, 3) // RLE
                .end();
            h.out.push(0);
            let io = |e: std::io::Error| e.to_string();
            let out = self.out.as_mut().expect("opened above");
            out.write_all(&h.out).map_err(io)?;
            if !levels.is_empty() {
                out.write_all(&(levels.len() as u32).to_le_bytes())
                    .map_err(io)?;
                out.write_all(&levels).map_err(io)?;
            }
            out.write_all(&c.values).map_err(io)?;
            let size = (h.out.len() + body) as u64;
            chunks.push(ChunkMeta {
                offset: len,
                size,
                values: rows as u64,
                min_max: (*kind == Kind::Date).then_some((c.min, c.max)),
            });
            len += size;
        }
        self.len = len;
        self.groups.push(GroupMeta {
            rows: rows as u64,
            chunks,
        });
        self.rows = 0;
        self.text.clear();
        self.ends.clear();
        Ok(())
    }

    /// Write the buffered rows and let go of the file (it may be reopened by later rows).
    pub fn close(&mut self) -> Result<(), String> {
        self.write_group()?;
        if let Some(mut w) = self.out.take() {
            w.flush().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Whether the writer holds resources: buffered rows or an open file (until
    /// [`PartWriter::close`]).
    pub fn is_open(&self) -> bool {
        self.out.is_some() || self.rows > 0
    }

    /// Visit every row written so far (the buffered rows are written first), as its store
    /// fields, in order. Works before the footer is written.
    pub fn for_each_row(&mut self, f: &mut dyn FnMut(&csv::ByteRecord)) -> Result<(), String> {
        self.close()?;
        if self.groups.is_empty() {
            return Ok(());
        }
        let mut rec = csv::ByteRecord::new();
        for g in &self.groups {
            let data = self.group_bytes(g)?;
            let cols = decode_group(&data, g)?;
            emit_rows(&cols, g.rows as usize, &mut rec, f);
        }
        Ok(())
    }

    /// Leave out the given rows (indexes in write order, as [`PartWriter::for_each_row`]
    /// visits them). Only the row groups holding them are rewritten: each is decoded, its
    /// other rows written again as a new group at the end of the file, and the footer will
    /// point at the new group (the old bytes stay in the file, unreferenced). Rows keep their
    /// order except that the rewritten groups' rows move to the end.
    /// Each dropped row is given to `dropped`.
    pub fn drop_rows(
        &mut self,
        rows: &[u32],
        dropped: &mut dyn FnMut(&csv::ByteRecord),
    ) -> Result<(), String> {
        if rows.is_empty() {
            return Ok(());
        }
        self.close()?;
        let mut drop: Vec<u64> = rows.iter().map(|&r| r as u64).collect();
        drop.sort_unstable();
        drop.dedup();
        // Which groups hold them.
        let mut affected: Vec<(usize, Vec<usize>)> = Vec::new();
        let (mut start, mut i) = (0u64, 0usize);
        for (gi, g) in self.groups.iter().enumerate() {
            let mut local = Vec::new();
            while i < drop.len() && drop[i] < start + g.rows {
                local.push((drop[i] - start) as usize);
                i += 1;
            }
            if !local.is_empty() {
                affected.push((gi, local));
            }
            start += g.rows;
        }
        if affected.is_empty() {
            return Ok(());
        }
        let mut rec = csv::ByteRecord::new();
        let mut line = Vec::new();
        let mut err = None;
        for (gi, local) in &affected {
            let g = &self.groups[*gi];
            let data = self.group_bytes(g)?;
            let cols = decode_group(&data, g)?;
            let mut row = 0usize;
            let mut kept = Vec::new();
            emit_rows(&cols, g.rows as usize, &mut rec, &mut |r| {
                if local.binary_search(&row).is_ok() {
                    dropped(r);
                } else {
                    line.clear();
                    for (k, f) in r.iter().enumerate() {
                        if k > 0 {
                            line.push(b'\t');
                        }
                        line.extend_from_slice(f);
                    }
                    kept.push(line.clone());
                }
                row += 1;
            });
            for l in kept {
                if let Err(e) = self.push_line(&l) {
                    err.get_or_insert(e);
                }
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
        // The new groups (written by `close`) replace the old ones.
        self.close()?;
        for (gi, _) in affected.iter().rev() {
            self.groups.remove(*gi);
        }
        Ok(())
    }

    /// The bytes of one written row group (its column chunks are contiguous).
    fn group_bytes(&self, g: &GroupMeta) -> Result<Vec<u8>, String> {
        use std::os::unix::fs::FileExt;
        let (Some(first), Some(last)) = (g.chunks.first(), g.chunks.last()) else {
            return Ok(Vec::new());
        };
        let mut buf = vec![0u8; (last.offset + last.size - first.offset) as usize];
        File::open(&self.path)
            .and_then(|f| f.read_exact_at(&mut buf, first.offset))
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(buf)
    }

    /// Move the (closed) file to `path`.
    pub fn rename_to(&mut self, path: PathBuf) -> Result<(), String> {
        self.close()?;
        fs::rename(&self.path, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        self.path = path;
        Ok(())
    }

    /// Write the buffered rows and the footer: the file is complete.
    pub fn finish(&mut self) -> Result<(), String> {
        if self.finished {
            return Ok(());
        }
        self.write_group()?;
        let meta = self.footer();
        let out = self.open()?;
        let io = |e: std::io::Error| e.to_string();
        out.write_all(&meta).map_err(io)?;
        out.write_all(&(meta.len() as u32).to_le_bytes())
            .map_err(io)?;
        out.write_all(MAGIC).map_err(io)?;
        self.close()?;
        self.finished = true;
        Ok(())
    }

    fn footer(&self) -> Vec<u8> {
        let mut t = Thrift::new();
        t.i32(1, 1);
        t.list(2, tt::STRUCT, SCHEMA.len() + 1);
        t.begin_elem()
            .binary(4, b"schema")
            .i32(5, SCHEMA.len() as i32)
            .end();
        for (name, kind) in SCHEMA {
            t.begin_elem()
                .i32(1, kind.physical())
                .i32(3, kind.optional() as i32)
                .binary(4, name.as_bytes());
            match kind {
                Kind::Text => {
                    t.i32(6, 0); // UTF8
                }
                Kind::Date => {
                    t.i32(6, 6); // DATE
                }
                _ => {}
            }
            t.end();
        }
        t.i64(3, self.rows() as i64);
        t.list(4, tt::STRUCT, self.groups.len());
        for g in &self.groups {
            t.begin_elem();
            t.list(1, tt::STRUCT, g.chunks.len());
            let mut bytes = 0;
            for (c, (name, kind)) in g.chunks.iter().zip(SCHEMA.iter()) {
                bytes += c.size;
                t.begin_elem().i64(2, c.offset as i64).begin(3);
                t.i32(1, kind.physical());
                t.list(2, tt::I32, 2);
                t.zigzag(0); // PLAIN
                t.zigzag(3); // RLE
                t.list(3, tt::BINARY, 1);
                t.bytes(name.as_bytes());
                t.i32(4, 0) // UNCOMPRESSED
                    .i64(5, c.values as i64)
                    .i64(6, c.size as i64)
                    .i64(7, c.size as i64)
                    .i64(9, c.offset as i64);
                if let Some((lo, hi)) = c.min_max {
                    t.begin(12)
                        .i64(3, 0)
                        .binary(5, &hi.to_le_bytes())
                        .binary(6, &lo.to_le_bytes())
                        .end();
                }
                t.end().end();
            }
            t.i64(2, bytes as i64).i64(3, g.rows as i64).end();
        }
        t.binary(
            6,
            concat!("chamber-watch version ", env!("CARGO_PKG_VERSION")).as_bytes(),
        );
        t.out.push(0);
        t.out
    }
}

/// A `PLAIN` byte array: length, then the bytes.
#[inline(always)]
fn push_byte_array(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len();
    out.reserve(n + 4);
    let len = out.len();
    // SAFETY: `reserve` made room for `n + 4` bytes past `len`: the length takes 4 of them,
    // `copy_short` the other `n`; `set_len` covers exactly the bytes written.
    unsafe {
        let dst = out.as_mut_ptr().add(len);
        (dst as *mut [u8; 4]).write_unaligned((n as u32).to_le_bytes());
        crate::store::copy_short(dst.add(4), b);
        out.set_len(len + n + 4);
    }
}

/// Definition levels (bit width 1) in the RLE/bit-packed hybrid: one RLE run when every
/// value is present (or none is), else one bit-packed run.
fn encode_levels(bits: &[u8], rows: u32, present: u32, out: &mut Vec<u8>) {
    let mut t = Thrift::new();
    if present == rows || present == 0 {
        t.varint((rows as u64) << 1);
        t.out.push((present == rows) as u8);
    } else {
        let groups = rows.div_ceil(8) as usize;
        t.varint((groups as u64) << 1 | 1);
        t.out.extend_from_slice(&bits[..groups]);
    }
    out.extend_from_slice(&t.out);
}

/// Where the tabs of `line` are (the first 32 go to `out`); returns how many there are.
/// Eight bytes at a time: a byte equal to a tab is found exactly with no carry between bytes.
#[inline]
fn tab_positions(line: &[u8], out: &mut [usize; 32]) -> usize {
    const TABS: u64 = 0x0909_0909_0909_0909;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    let mut words = line.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ TABS;
        // High bit of each byte set unless the byte is zero (a tab before the XOR).
        let nonzero = ((x & LOW7) + LOW7) | x;
        let mut m = !nonzero & HIGH;
        while m != 0 {
            if n < out.len() {
                out[n] = at + m.trailing_zeros() as usize / 8;
            }
            n += 1;
            m &= m - 1;
        }
        at += 8;
    }
    for (j, &b) in words.remainder().iter().enumerate() {
        if b == b'\t' {
            if n < out.len() {
                out[n] = at + j;
            }
            n += 1;
        }
    }
    n
}

/// `YYYY-MM-DD` as days since 1970-01-01.
fn parse_date(f: &[u8]) -> Option<i32> {
    match f {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] => {
            let n = |ds: &[u8]| {
                ds.iter().try_fold(0u32, |v, &d| {
                    let x = d.wrapping_sub(b'0');
                    (x <= 9).then_some(v * 10 + x as u32)
                })
            };
            let y = n(&[*y0, *y1, *y2, *y3])?;
            crate::date::Date::from_ymd(y as i32, n(&[*m0, *m1])?, n(&[*d0, *d1])?).map(|d| d.0)
        }
        _ => None,
    }
}

fn parse_int(f: &[u8]) -> Option<i64> {
    let (neg, d) = match f {
        [b'-', rest @ ..] => (true, rest),
        d => (false, d),
    };
    if d.is_empty() || d.len() > 18 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = d.iter().fold(0i64, |v, &c| v * 10 + (c - b'0') as i64);
    Some(if neg { -v } else { v })
}

fn show(f: &[u8]) -> String {
    String::from_utf8_lossy(&f[..f.len().min(40)]).into_owned()
}

// ---------------------------------------------------------------------------------------
// Thrift compact protocol: the reader.

#[derive(Debug, Clone)]
enum Value {
    /// A boolean or a double: the reader needs none.
    Other,
    Int(i64),
    Binary(Vec<u8>),
    List(Vec<Value>),
    Struct(Vec<(i16, Value)>),
}

impl Value {
    fn field(&self, id: i16) -> Option<&Value> {
        match self {
            Value::Struct(fs) => fs.iter().find(|(i, _)| *i == id).map(|(_, v)| v),
            _ => None,
        }
    }
    fn int(&self, id: i16) -> Option<i64> {
        match self.field(id)? {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
    fn list(&self, id: i16) -> &[Value] {
        match self.field(id) {
            Some(Value::List(v)) => v,
            _ => &[],
        }
    }
    fn text(&self, id: i16) -> Option<&[u8]> {
        match self.field(id)? {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let v = *self.b.get(self.pos).ok_or("metadata ends early")?;
        self.pos += 1;
        Ok(v)
    }
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                v |= ((b & 0x7f) as u64) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or("metadata ends early")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn value(&mut self, ty: u8, depth: u32) -> Result<Value, String> {
        if depth > 32 {
            return Err("metadata nested too deeply".into());
        }
        Ok(match ty {
            tt::TRUE | tt::FALSE => Value::Other,
            tt::BYTE => Value::Int(self.byte()? as i8 as i64),
            tt::I16 | tt::I32 | tt::I64 => Value::Int(self.zigzag()?),
            tt::DOUBLE => {
                self.take(8)?;
                Value::Other
            }
            tt::BINARY => {
                let n = self.varint()? as usize;
                Value::Binary(self.take(n)?.to_vec())
            }
            tt::LIST | tt::SET => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()? as usize,
                    n => n as usize,
                };
                let elem = h & 0x0f;
                if n > self.b.len() {
                    return Err("list longer than the metadata".into());
                }
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(match elem {
                        tt::TRUE | tt::FALSE => {
                            self.byte()?;
                            Value::Other
                        }
                        e => self.value(e, depth + 1)?,
                    });
                }
                Value::List(v)
            }
            tt::MAP => {
                let n = self.varint()? as usize;
                if n > self.b.len() {
                    return Err("map longer than the metadata".into());
                }
                let mut v = Vec::new();
                if n > 0 {
                    let kv = self.byte()?;
                    for _ in 0..n {
                        v.push(self.value(kv >> 4, depth + 1)?);
                        v.push(self.value(kv & 0x0f, depth + 1)?);
                    }
                }
                Value::List(v)
            }
            tt::STRUCT => {
                let mut fields = Vec::new();
                let mut last: i16 = 0;
                loop {
                    let h = self.byte()?;
                    if h == 0 {
                        break;
                    }
                    let ty = h & 0x0f;
                    let id = match h >> 4 {
                        0 => self.zigzag()? as i16,
                        d => last.wrapping_add(d as i16),
                    };
                    last = id;
                    fields.push((id, self.value(ty, depth + 1)?));
                }
                Value::Struct(fields)
            }
            other => return Err(format!("unknown metadata type {other}")),
        })
    }
}

// ---------------------------------------------------------------------------------------
// The reader.

/// One column's values in a row group, decoded.
enum Column<'a> {
    Text(Vec<&'a [u8]>),
    Date(Vec<i32>),
    Int(Vec<Option<i64>>),
    Double(Vec<Option<f64>>),
}

/// Visit every row of a Parquet part as its store fields (numbers written the store's way).
pub fn scan(path: &Path, f: &mut dyn FnMut(&csv::ByteRecord)) -> Result<(), String> {
    let data = fs::read(path).map_err(|e| e.to_string())?;
    scan_bytes(&data, f)
}

/// [`scan`] over a file's bytes.
pub fn scan_bytes(data: &[u8], f: &mut dyn FnMut(&csv::ByteRecord)) -> Result<(), String> {
    let n = data.len();
    if n < 12 || &data[..4] != MAGIC || &data[n - 4..] != MAGIC {
        return Err("not a Parquet file (no PAR1 marks)".into());
    }
    let meta_len = u32::from_le_bytes(data[n - 8..n - 4].try_into().expect("4 bytes")) as usize;
    if meta_len > n - 12 {
        return Err("Parquet footer length exceeds the file".into());
    }
    let meta = Cursor {
        b: &data[n - 8 - meta_len..n - 8],
        pos: 0,
    }
    .value(tt::STRUCT, 0)
    .map_err(|e| format!("Parquet footer: {e}"))?;
    // Columns by name: the schema's leaves, in order.
    let leaves: Vec<(&[u8], i64)> = meta
        .list(2)
        .iter()
        .skip(1)
        .map(|s| (s.text(4).unwrap_or(b""), s.int(1).unwrap_or(-1)))
        .collect();
    let mut index = Vec::with_capacity(SCHEMA.len());
    for (name, kind) in SCHEMA {
        let pos = leaves
            .iter()
            .position(|(n, _)| *n == name.as_bytes())
            .ok_or_else(|| format!("Parquet schema has no column {name}"))?;
        if leaves[pos].1 != kind.physical() as i64 {
            return Err(format!("Parquet column {name} has an unexpected type"));
        }
        index.push(pos);
    }
    let mut rec = csv::ByteRecord::new();
    for (g, group) in meta.list(4).iter().enumerate() {
        let rows = group.int(3).unwrap_or(0).max(0) as usize;
        let chunks = group.list(1);
        let mut cols = Vec::with_capacity(SCHEMA.len());
        for ((name, kind), &pos) in SCHEMA.iter().zip(&index) {
            let cm = chunks
                .get(pos)
                .and_then(|c| c.field(3))
                .ok_or_else(|| format!("row group {g}: no metadata for column {name}"))?;
            if cm.int(4).unwrap_or(0) != 0 {
                return Err(format!("column {name}: compressed pages are not read"));
            }
            let at = cm.int(9).ok_or("no data page offset")?.max(0) as usize;
            let col = read_chunk(data, at, *kind, rows)
                .map_err(|e| format!("row group {g}, column {name}: {e}"))?;
            cols.push(col);
        }
        emit_rows(&cols, rows, &mut rec, f);
    }
    Ok(())
}

/// Give each row of decoded columns to `f` as its store fields.
fn emit_rows(
    cols: &[Column],
    rows: usize,
    rec: &mut csv::ByteRecord,
    f: &mut dyn FnMut(&csv::ByteRecord),
) {
    let mut num = Vec::with_capacity(24);
    for r in 0..rows {
        rec.clear();
        for c in cols {
            num.clear();
            match c {
                Column::Text(v) => rec.push_field(v[r]),
                Column::Date(v) => {
                    let mut l = crate::store::Line::new(&mut num);
                    l.date(Some(crate::date::Date(v[r])));
                    num.pop();
                    rec.push_field(&num);
                }
                Column::Int(v) => {
                    if let Some(x) = v[r] {
                        let _ = write!(num, "{x}");
                    }
                    rec.push_field(&num);
                }
                Column::Double(v) => {
                    if let Some(x) = v[r] {
                        let mut l = crate::store::Line::new(&mut num);
                        l.float(Some(x));
                        num.pop();
                    }
                    rec.push_field(&num);
                }
            }
        }
        f(rec);
    }
}

/// Decode the columns of a row group this writer wrote.
/// `data` holds the group's bytes ([`PartWriter::group_bytes`]).
fn decode_group<'a>(data: &'a [u8], g: &GroupMeta) -> Result<Vec<Column<'a>>, String> {
    let base = g.chunks.first().map_or(0, |c| c.offset);
    g.chunks
        .iter()
        .zip(SCHEMA.iter())
        .map(|(c, (name, kind))| {
            read_chunk(data, (c.offset - base) as usize, *kind, g.rows as usize)
                .map_err(|e| format!("column {name}: {e}"))
        })
        .collect()
}

/// Decode one column chunk (version 1 data pages, `PLAIN`, uncompressed).
fn read_chunk(data: &[u8], at: usize, kind: Kind, rows: usize) -> Result<Column<'_>, String> {
    let mut pos = at;
    let mut col = match kind {
        Kind::Text => Column::Text(Vec::with_capacity(rows)),
        Kind::Date => Column::Date(Vec::with_capacity(rows)),
        Kind::Int32 | Kind::Int64 => Column::Int(Vec::with_capacity(rows)),
        Kind::Double => Column::Double(Vec::with_capacity(rows)),
    };
    let mut got = 0usize;
    while got < rows {
        if pos >= data.len() {
            return Err("page beyond the end of the file".into());
        }
        let mut c = Cursor { b: data, pos };
        let header = c.value(tt::STRUCT, 0)?;
        let size = header.int(3).ok_or("page has no size")?.max(0) as usize;
        let body_at = c.pos;
        let body = data
            .get(body_at..body_at + size)
            .ok_or("page runs past the end of the file")?;
        pos = body_at + size;
        if header.int(1) != Some(0) {
            return Err("only version 1 data pages are read".into());
        }
        let dp = header.field(5).ok_or("data page header missing")?;
        let n = dp.int(1).unwrap_or(0).max(0) as usize;
        if dp.int(2) != Some(0) {
            return Err("only PLAIN pages are read".into());
        }
        let n = n.min(rows - got);
        let mut b = Cursor { b: body, pos: 0 };
        let present: Vec<bool> = if kind.optional() {
            let len = u32::from_le_bytes(b.take(4)?.try_into().expect("4 bytes")) as usize;
            decode_levels(b.take(len)?, n)?
        } else {
            vec![true; n]
        };
        for p in present {
            match &mut col {
                Column::Text(v) => {
                    let len = u32::from_le_bytes(b.take(4)?.try_into().expect("4 bytes"));
                    v.push(b.take(len as usize)?);
                }
                Column::Date(v) => {
                    v.push(i32::from_le_bytes(b.take(4)?.try_into().expect("4 bytes")))
                }
                Column::Int(v) => v.push(if !p {
                    None
                } else if kind == Kind::Int32 {
                    Some(i32::from_le_bytes(b.take(4)?.try_into().expect("4 bytes")) as i64)
                } else {
                    Some(i64::from_le_bytes(b.take(8)?.try_into().expect("8 bytes")))
                }),
                Column::Double(v) => v.push(if p {
                    Some(f64::from_le_bytes(b.take(8)?.try_into().expect("8 bytes")))
                } else {
                    None
                }),
            }
        }
        got += n;
        if n == 0 {
            return Err("empty data page".into());
        }
    }
    Ok(col)
}

/// Definition levels of bit width 1 from the RLE/bit-packed hybrid.
fn decode_levels(b: &[u8], n: usize) -> Result<Vec<bool>, String> {
    let mut c = Cursor { b, pos: 0 };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let h = c.varint()?;
        if h & 1 == 1 {
            let groups = (h >> 1) as usize;
            for &byte in c.take(groups)? {
                for bit in 0..8 {
                    if out.len() < n {
                        out.push(byte >> bit & 1 == 1);
                    }
                }
            }
        } else {
            let run = (h >> 1) as usize;
            if run == 0 {
                return Err("empty level run".into());
            }
            let v = c.byte()? & 1 == 1;
            out.extend(std::iter::repeat_n(v, run.min(n - out.len())));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: u32, with_numbers: bool) -> Vec<u8> {
        let n = if with_numbers { "3" } else { "" };
        let g = if with_numbers { "-7.5" } else { "" };
        format!(
            "gdelt1\t{id}\t2012-09-1{}\tGEO\tGEORGIA\tGEO\t\tRUS\tRUSSIA\tRUS\t\t0{}\t{n}\t{n}\t{g}\t{id}\t1\t\t{n}\t\tGEO\tGG00\t41.7\t{g}\tTbilisi, Georgia\thttp://x/{id}\n",
            id % 10,
            id % 100
        )
        .into_bytes()
    }

    #[test]
    fn rows_come_back_as_written_across_groups_and_reopens() {
        let dir = std::env::temp_dir().join(format!("chamber-pq-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.parquet");
        let _ = fs::remove_file(&path);
        let mut w = PartWriter::new(path.clone());
        let mut want = Vec::new();
        for i in 0..70_000u32 {
            let l = line(i, i % 3 != 0);
            w.push_line(&l).unwrap();
            want.push(l);
            if i == 1234 {
                w.close().unwrap(); // reopened by the next row
            }
        }
        w.finish().unwrap();
        assert!(w.groups.len() >= 3, "{} row groups", w.groups.len());
        let mut got = Vec::new();
        scan(&path, &mut |r| {
            let mut l = r.iter().collect::<Vec<_>>().join(&b'\t');
            l.push(b'\n');
            got.push(l);
        })
        .unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(String::from_utf8_lossy(g), String::from_utf8_lossy(w));
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tabs_are_found_exactly() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200 {
            let line: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Tabs, their neighbours (8, 10), zero, high bytes and text.
                    [b'\t', 8, 10, 0, 0x89, 0xff, b'a', b'\t'][(x % 8) as usize]
                })
                .collect();
            let want: Vec<usize> = (0..len).filter(|&i| line[i] == b'\t').collect();
            let mut out = [0usize; 32];
            let n = tab_positions(&line, &mut out);
            assert_eq!(n, want.len());
            assert_eq!(&out[..n.min(32)], &want[..n.min(32)]);
        }
    }

    #[test]
    fn dropped_rows_leave_the_part_and_the_rest_stay() {
        let dir = std::env::temp_dir().join(format!("chamber-pq-drop-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.parquet.tmp");
        let _ = fs::remove_file(&path);
        let mut w = PartWriter::new(path.clone());
        for i in 0..40_000u32 {
            w.push_line(&line(i, i % 2 == 0)).unwrap();
        }
        let groups = w.groups.len();
        assert!(groups >= 2);
        let mut gone = Vec::new();
        w.drop_rows(&[5, 7, 39_999], &mut |r| {
            gone.push(String::from_utf8_lossy(&r[1]).into_owned())
        })
        .unwrap();
        assert_eq!(gone, ["5", "7", "39999"]);
        let mut ids = Vec::new();
        w.for_each_row(&mut |r| ids.push(String::from_utf8_lossy(&r[1]).into_owned()))
            .unwrap();
        assert_eq!(ids.len(), 39_997);
        for gone in ["5", "7", "39999"] {
            assert!(!ids.iter().any(|i| i == gone), "{gone}");
        }
        let moved = dir.join("p.parquet");
        w.rename_to(moved.clone()).unwrap();
        w.finish().unwrap();
        let mut n = 0;
        scan(&moved, &mut |r| {
            assert!(r[1] != *b"7");
            n += 1;
        })
        .unwrap();
        assert_eq!(n, 39_997);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn levels_round_trip() {
        for pattern in [
            vec![true; 13],
            vec![false; 9],
            (0..100).map(|i| i % 7 != 0).collect::<Vec<_>>(),
        ] {
            let mut bits = vec![0u8; pattern.len().div_ceil(8)];
            for (i, &p) in pattern.iter().enumerate() {
                bits[i / 8] |= (p as u8) << (i % 8);
            }
            let present = pattern.iter().filter(|&&p| p).count() as u32;
            let mut enc = Vec::new();
            encode_levels(&bits, pattern.len() as u32, present, &mut enc);
            assert_eq!(decode_levels(&enc, pattern.len()).unwrap(), pattern);
        }
    }

    #[test]
    fn bad_lines_and_files_are_errors() {
        let mut w = PartWriter::new(
            std::env::temp_dir().join(format!("chamber-pq-bad-{}.parquet", std::process::id())),
        );
        assert!(
            w.push_line(b"gdelt1\t1\n")
                .unwrap_err()
                .contains("2 fields")
        );
        let mut l = line(1, true);
        l.pop();
        l.extend_from_slice(b"\textra\n");
        assert!(w.push_line(&l).unwrap_err().contains("27 fields"));
        let mut bad = line(1, true);
        let s = String::from_utf8(bad.clone()).unwrap().replace("-7.5", "x");
        bad = s.into_bytes();
        w.push_line(&bad).unwrap();
        // Numbers are read when the row group is encoded.
        let err = w.close().unwrap_err();
        assert!(err.contains("goldstein"), "{err}");
        let _ = fs::remove_file(w.path());
        assert!(scan_bytes(b"hello", &mut |_| {}).is_err());
        let mut junk = b"PAR1".to_vec();
        junk.extend_from_slice(&[0xff; 40]);
        junk.extend_from_slice(&20u32.to_le_bytes());
        junk.extend_from_slice(b"PAR1");
        assert!(scan_bytes(&junk, &mut |_| {}).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..400usize {
            let mut b: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            if len >= 12 {
                b[..4].copy_from_slice(b"PAR1");
                let n = b.len();
                b[n - 4..].copy_from_slice(b"PAR1");
                let m = (x % (n as u64 - 11)) as u32;
                b[n - 8..n - 4].copy_from_slice(&m.to_le_bytes());
            }
            let _ = scan_bytes(&b, &mut |_| {});
        }
    }
}
