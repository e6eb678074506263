//! The Parquet writer: typed rows in, one row group per [`ROW_GROUP_BYTES`] of buffered rows,
//! the footer at the end.

use super::reader::decode_group;
use super::thrift::{Thrift, tt};
use super::{MAGIC, ROW_GROUP_BYTES};
use crate::rowcodec::{
    Kind, N, Row, RowRef, SCHEMA, StoredRow, fields_are_laid_out, push_byte_arrays,
};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
pub(super) struct ChunkMeta {
    pub(super) offset: u64,
    pub(super) size: u64,
    pub(super) values: u64,
    pub(super) min_max: Option<(i32, i32)>,
}

/// Where one written row group lies.
#[derive(Clone, Debug)]
pub(super) struct GroupMeta {
    pub(super) rows: u64,
    pub(super) chunks: Vec<ChunkMeta>,
}

/// Writes one Parquet part from typed rows. Rows may be added after [`PartWriter::close`]
/// (the file is reopened for appending); [`PartWriter::finish`] writes the footer, after
/// which the file is a complete Parquet file.
pub struct PartWriter {
    path: PathBuf,
    out: Option<AlignedWriter>,
    /// Bytes in the file so far.
    len: u64,
    pub(super) groups: Vec<GroupMeta>,
    /// The buffered rows' bytes, one after the other…
    text: Vec<u8>,
    /// …and where their fields end: a first 0, then [`N`] a row.
    ends: Vec<u32>,
    /// The page being encoded.
    page: ColumnBuf,
    rows: u32,
    /// The buffered rows' ends were checked ([`fields_are_laid_out`]) for this group.
    laid_out: bool,
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
            laid_out: false,
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

    /// Add one row. The row is kept as it is until its row group is written; then each
    /// column is encoded in one pass over the buffered rows.
    #[inline]
    pub fn push_row(&mut self, row: RowRef) -> Result<(), String> {
        debug_assert!(!self.finished, "rows added after the footer");
        debug_assert_eq!(row.ends[N - 1] as usize, row.data.len());
        // Field k of the buffer (row by row) lies between `ends[k]` and `ends[k + 1]`.
        if self.ends.is_empty() {
            // A row group's worth at once (the buffer is reused from group to group).
            self.text.reserve(ROW_GROUP_BYTES);
            self.ends.reserve(ROW_GROUP_BYTES / 64);
            self.ends.push(0);
        }
        let base = self.text.len() as u32;
        self.text.extend_from_slice(row.data);
        self.ends.extend(row.ends.iter().map(|&e| base + e));
        self.rows += 1;
        if self.text.len() + self.ends.len() * 4 >= ROW_GROUP_BYTES {
            self.write_group()?;
        }
        Ok(())
    }

    /// Encode column `i` of the buffered rows into `self.page`.
    fn encode_column(&mut self, i: usize) -> Result<(), String> {
        let (name, kind) = SCHEMA[i];
        let rows = self.rows as usize;
        let page = &mut self.page;
        page.values.clear();
        page.defs.clear();
        page.present = 0;
        let text = &self.text;
        let ends = &self.ends;
        // Field i of row r: from the end of the field before it to its own end.
        let field = |r: usize| {
            let at = r * N + i;
            &text[ends[at] as usize..ends[at + 1] as usize]
        };
        let bad = |f: &[u8]| format!("store row has a bad {name}: {} bytes", f.len());
        // Numbers are copied as they are: the row codec wrote them little-endian.
        match kind {
            Kind::Text => {
                push_byte_arrays(&mut page.values, text, ends, i, rows, self.laid_out)
                    .ok_or_else(|| format!("store rows have bad field ends in {name}"))?;
            }
            Kind::Date => {
                page.min = i32::MAX;
                page.max = i32::MIN;
                page.values.reserve(4 * rows);
                for r in 0..rows {
                    let f = field(r);
                    let d = i32::from_le_bytes(f.try_into().map_err(|_| bad(f))?);
                    page.min = page.min.min(d);
                    page.max = page.max.max(d);
                    page.values.extend_from_slice(&d.to_le_bytes());
                }
            }
            Kind::Int32 => fixed::<4>(page, rows, field).map_err(bad)?,
            Kind::Int64 | Kind::Double => fixed::<8>(page, rows, field).map_err(bad)?,
        }
        Ok(())
    }

    fn open(&mut self) -> Result<&mut AlignedWriter, String> {
        if self.out.is_none() {
            let f = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
            let mut w = AlignedWriter::new(f, self.len);
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
        self.laid_out = fields_are_laid_out(&self.text, &self.ends, rows as usize);
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
    pub fn for_each_row(&mut self, f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
        self.close()?;
        for g in &self.groups {
            let data = self.group_bytes(g)?;
            let cols = decode_group(&data, g)?;
            for r in 0..g.rows as usize {
                f(&StoredRow::from_columns(&cols, r));
            }
        }
        Ok(())
    }

    /// The content hash ([`crate::rowcodec::RowRef::hash`]) of the given rows (indexes in
    /// write order), as the row was first given to [`PartWriter::push_row`]: each row group
    /// holding one is decoded once. Rows past the end are left out.
    pub fn row_hashes(&mut self, rows: &[u32]) -> Result<Vec<(u32, u64)>, String> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        self.close()?;
        let mut want: Vec<u32> = rows.to_vec();
        want.sort_unstable();
        want.dedup();
        let mut out = Vec::with_capacity(want.len());
        let (mut start, mut i) = (0u64, 0usize);
        let mut row = Row::new();
        for g in &self.groups {
            let end = start + g.rows;
            if i < want.len() && (want[i] as u64) < end {
                let data = self.group_bytes(g)?;
                let cols = decode_group(&data, g)?;
                while i < want.len() && (want[i] as u64) < end {
                    row.clear();
                    row.stored(&StoredRow::from_columns(
                        &cols,
                        (want[i] as u64 - start) as usize,
                    ));
                    out.push((want[i], row.view().hash()));
                    i += 1;
                }
            }
            start = end;
        }
        Ok(out)
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
        dropped: &mut dyn FnMut(&StoredRow),
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
        let mut err = None;
        let mut row = Row::new();
        for (gi, local) in &affected {
            let g = &self.groups[*gi];
            let data = self.group_bytes(g)?;
            let cols = decode_group(&data, g)?;
            let mut kept = Vec::new();
            for r in 0..g.rows as usize {
                let s = StoredRow::from_columns(&cols, r);
                if local.binary_search(&r).is_ok() {
                    dropped(&s);
                } else {
                    row.clear();
                    row.stored(&s);
                    kept.push(row.view().to_owned_row());
                }
            }
            for r in kept {
                if let Err(e) = self.push_row(r.view()) {
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

/// Writes are buffered and cut on the file's [`AlignedWriter::BLOCK`] boundaries.
///
/// Every write but a flush's last ends on a multiple of `BLOCK` bytes of the file and
/// starts where the previous one ended, so the kernel takes whole, aligned pages into its
/// page cache: on ext4 the same bytes cost about a third less system time than 128 KiB
/// writes off alignment (measured on the benchmark machine).
pub(super) struct AlignedWriter {
    file: File,
    buf: Vec<u8>,
    /// Where `buf`'s first byte goes in the file.
    at: u64,
}

impl AlignedWriter {
    pub(super) const BLOCK: usize = 128 << 10;

    /// A writer appending to `file`, which holds `len` bytes.
    pub(super) fn new(file: File, len: u64) -> AlignedWriter {
        AlignedWriter {
            file,
            buf: Vec::with_capacity(Self::BLOCK),
            at: len,
        }
    }

    /// Bytes from `at` to the next block boundary: what `buf` holds when it is written.
    fn room(&self) -> usize {
        Self::BLOCK - (self.at % Self::BLOCK as u64) as usize
    }
}

impl Write for AlignedWriter {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let n = data.len();
        while !data.is_empty() {
            let room = self.room();
            if self.buf.is_empty() && room == Self::BLOCK && data.len() >= Self::BLOCK {
                // Whole blocks straight from the caller's bytes.
                let whole = data.len() / Self::BLOCK * Self::BLOCK;
                self.file.write_all(&data[..whole])?;
                self.at += whole as u64;
                data = &data[whole..];
                continue;
            }
            let take = (room - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() == room {
                self.file.write_all(&self.buf)?;
                self.at += room as u64;
                self.buf.clear();
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.file.write_all(&self.buf)?;
            self.at += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Drop for AlignedWriter {
    fn drop(&mut self) {
        // As `BufWriter` does: what is buffered is written (errors surface through `flush`).
        let _ = self.flush();
    }
}

/// Encode an optional fixed-width column (`W` bytes a value, no bytes for a null) from each
/// row's field; the field of a bad width is the error.
#[inline]
fn fixed<'a, const W: usize>(
    page: &mut ColumnBuf,
    rows: usize,
    field: impl Fn(usize) -> &'a [u8],
) -> Result<(), &'a [u8]> {
    page.values.reserve(W * rows);
    page.defs.resize(rows.div_ceil(8), 0);
    for r in 0..rows {
        let f = field(r);
        if f.is_empty() {
            continue;
        }
        let v: [u8; W] = f.try_into().map_err(|_| f)?;
        page.values.extend_from_slice(&v);
        page.defs[r / 8] |= 1 << (r % 8);
        page.present += 1;
    }
    Ok(())
}

/// Definition levels (bit width 1) in the RLE/bit-packed hybrid: one RLE run when every
/// value is present (or none is), else one bit-packed run.
pub(super) fn encode_levels(bits: &[u8], rows: u32, present: u32, out: &mut Vec<u8>) {
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
