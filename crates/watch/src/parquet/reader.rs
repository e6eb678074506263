//! The Parquet reader: a part's row groups decoded into typed columns, each row given as a
//! [`StoredRow`].

use super::thrift::{Cursor, tt};
use super::writer::GroupMeta;
use super::{Kind, MAGIC, SCHEMA};
use crate::rowcodec::{Column, StoredRow};
use std::fs;
use std::path::Path;

/// Visit every row of a Parquet part.
pub fn scan(path: &Path, f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
    let data = fs::read(path).map_err(|e| e.to_string())?;
    scan_bytes(&data, f)
}

/// [`scan`] over a file's bytes.
pub fn scan_bytes(data: &[u8], f: &mut dyn FnMut(&StoredRow)) -> Result<(), String> {
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
        for r in 0..rows {
            f(&StoredRow::from_columns(&cols, r));
        }
    }
    Ok(())
}

/// Decode the columns of a row group this writer wrote.
/// `data` holds the group's bytes ([`PartWriter::group_bytes`]).
pub(super) fn decode_group<'a>(data: &'a [u8], g: &GroupMeta) -> Result<Vec<Column<'a>>, String> {
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
pub(super) fn decode_levels(b: &[u8], n: usize) -> Result<Vec<bool>, String> {
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
