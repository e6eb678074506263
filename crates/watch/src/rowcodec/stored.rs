//! Reading a stored row: [`StoredRow`] over decoded Parquet columns, a row still in memory,
//! or a tab-separated line of a store written before 0.2.

use super::{Kind, N, RowRef, SCHEMA, col};
use crate::date::Date;
use crate::model::{Actor, Event};
use std::cell::OnceCell;

/// One column of a row group, decoded.
#[derive(Debug)]
pub enum Column<'a> {
    Text(Vec<&'a [u8]>),
    Date(Vec<i32>),
    Int(Vec<Option<i64>>),
    Double(Vec<Option<f64>>),
}

enum Src<'a> {
    /// Row `r` of decoded columns in [`SCHEMA`] order.
    Cols(&'a [Column<'a>], usize),
    Row(RowRef<'a>),
    /// A tab-separated line of a store written before 0.2.
    Tsv(&'a csv::ByteRecord),
}

/// A stored row, borrowed from the reader's buffers.
pub struct StoredRow<'a> {
    src: Src<'a>,
    /// Numeric fields as text, made when first asked for ([`StoredRow::get`]).
    text: OnceCell<Box<[Vec<u8>]>>,
}

impl<'a> StoredRow<'a> {
    pub fn from_columns(cols: &'a [Column<'a>], r: usize) -> StoredRow<'a> {
        debug_assert_eq!(cols.len(), N);
        StoredRow {
            src: Src::Cols(cols, r),
            text: OnceCell::new(),
        }
    }
    pub fn from_row(row: RowRef<'a>) -> StoredRow<'a> {
        StoredRow {
            src: Src::Row(row),
            text: OnceCell::new(),
        }
    }
    pub fn from_tsv(rec: &'a csv::ByteRecord) -> StoredRow<'a> {
        StoredRow {
            src: Src::Tsv(rec),
            text: OnceCell::new(),
        }
    }

    /// Field `i` as bytes: text as stored, a number as the store writes it (`42.5`, `3`),
    /// the date as `YYYY-MM-DD`, empty when missing.
    pub fn get(&self, i: usize) -> &[u8] {
        match (&self.src, SCHEMA.get(i).map(|s| s.1)) {
            (Src::Tsv(rec), _) => rec.get(i).unwrap_or(b""),
            (Src::Cols(cols, r), Some(Kind::Text)) => match &cols[i] {
                Column::Text(v) => v[*r],
                _ => b"",
            },
            (Src::Row(row), Some(Kind::Text)) => row.field(i),
            (_, None) => b"",
            _ => &self.text.get_or_init(|| self.numbers_as_text())[i],
        }
    }

    #[cold]
    fn numbers_as_text(&self) -> Box<[Vec<u8>]> {
        let mut v = vec![Vec::new(); N];
        for (i, (_, kind)) in SCHEMA.iter().enumerate() {
            match kind {
                Kind::Text => {}
                Kind::Date => {
                    if let Some(d) = self.date() {
                        v[i] = d.to_string().into_bytes();
                    }
                }
                Kind::Int32 | Kind::Int64 => {
                    if let Some(x) = self.int(i) {
                        v[i] = x.to_string().into_bytes();
                    }
                }
                Kind::Double => {
                    if let Some(x) = self.f64(i) {
                        crate::store::tsv::push_f64(&mut v[i], x);
                    }
                }
            }
        }
        v.into_boxed_slice()
    }

    pub fn str(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or("")
    }

    pub fn date(&self) -> Option<Date> {
        match &self.src {
            Src::Cols(cols, r) => match &cols[col::DATE] {
                Column::Date(v) => Some(Date(v[*r])),
                _ => None,
            },
            Src::Row(row) => {
                let f = row.field(col::DATE);
                Some(Date(i32::from_le_bytes(f.try_into().ok()?)))
            }
            Src::Tsv(_) => Date::parse_iso(self.str(col::DATE)),
        }
    }

    pub fn quad(&self) -> u8 {
        match self.int(col::QUAD) {
            Some(q @ 1..=4) => q as u8,
            _ => 0,
        }
    }

    /// An INT32/INT64 column's value.
    #[inline]
    pub fn int(&self, i: usize) -> Option<i64> {
        match &self.src {
            Src::Cols(cols, r) => match &cols[i] {
                Column::Int(v) => v[*r],
                _ => None,
            },
            Src::Row(row) => {
                let f = row.field(i);
                match SCHEMA[i].1 {
                    Kind::Int32 => Some(i32::from_le_bytes(f.try_into().ok()?) as i64),
                    Kind::Int64 => Some(i64::from_le_bytes(f.try_into().ok()?)),
                    _ => None,
                }
            }
            Src::Tsv(_) => self.str(i).parse().ok(),
        }
    }

    /// A number column's value (integers too).
    #[inline]
    pub fn f64(&self, i: usize) -> Option<f64> {
        match (&self.src, SCHEMA.get(i)?.1) {
            (Src::Cols(cols, r), _) => match &cols[i] {
                Column::Double(v) => v[*r],
                Column::Int(v) => v[*r].map(|x| x as f64),
                _ => None,
            },
            (Src::Row(row), Kind::Double) => {
                Some(f64::from_le_bytes(row.field(i).try_into().ok()?))
            }
            (Src::Row(_), Kind::Int32 | Kind::Int64) => self.int(i).map(|x| x as f64),
            (Src::Row(_), _) => None,
            (Src::Tsv(_), _) => self.str(i).parse().ok(),
        }
    }

    pub fn u64(&self, i: usize) -> Option<u64> {
        match &self.src {
            Src::Tsv(_) => self.str(i).parse().ok(),
            _ => self.int(i).and_then(|v| u64::try_from(v).ok()),
        }
    }

    pub fn u32(&self, i: usize) -> Option<u32> {
        self.int(i).and_then(|v| u32::try_from(v).ok())
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
            dataset: s(col::DATASET),
            id: s(col::ID),
            date: self.date(),
            source: actor(col::SRC_CODE),
            target: actor(col::TGT_CODE),
            cameo: s(col::CAMEO),
            root: self
                .int(col::ROOT)
                .and_then(|v| u8::try_from(v).ok())
                .unwrap_or(0),
            quad: self.quad(),
            goldstein: self.f64(col::GOLDSTEIN).map(|g| g as f32),
            mentions: self.u32(col::MENTIONS).unwrap_or(0),
            sources: self.u32(col::SOURCES).unwrap_or(0),
            fatalities_low: self.u32(col::FAT_LOW),
            fatalities_best: self.u32(col::FAT_BEST),
            fatalities_high: self.u32(col::FAT_HIGH),
            country: s(col::COUNTRY),
            admin1: s(col::ADMIN1),
            lat: self.f64(col::LAT),
            lon: self.f64(col::LON),
            location: s(col::LOCATION),
            url: s(col::URL),
        }
    }
}
