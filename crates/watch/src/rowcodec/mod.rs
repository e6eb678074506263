//! The row codec: one event as the store keeps it, typed, from the reader to the Parquet
//! writer and back, with no text in between.
//!
//! A [`Row`] is built field by field in [`COLUMNS`] order: text as its bytes (tabs and
//! newlines turned into spaces, as the store always did), the date as 4 bytes (days since
//! 1970-01-01), INT32 columns as 4 bytes and INT64/DOUBLE columns as 8 bytes (little-endian),
//! a missing number as no bytes. The row remembers where each field ends, so the Parquet
//! writer ([`crate::parquet::PartWriter::push_row`]) copies numbers straight into its column
//! pages. Doubles are kept to six decimals (what the TSV store wrote and read back), so a row
//! holds the same values whichever reader made it.
//!
//! Reading gives a [`StoredRow`]: a view of one row of decoded Parquet columns ([`Column`]),
//! of a [`RowRef`] still in memory, or of a tab-separated part of a store written before 0.2.
//!
//! This module also holds the de-duplication key of a row ([`event_key`]) and what ingest needs
//! of a row besides its fields ([`RowInfo`]). It is the one module of the store with `unsafe`
//! (the short copies of [`copy_short`]; the SIMD splitter in [`crate::fast`] has its own).

mod stored;

pub use stored::{Column, StoredRow};

use crate::date::Date;
use crate::model::Event;

/// Store columns, in file order.
pub const COLUMNS: [&str; 26] = [
    "dataset",
    "id",
    "date",
    "source_code",
    "source_name",
    "source_country",
    "source_type",
    "target_code",
    "target_name",
    "target_country",
    "target_type",
    "cameo",
    "cameo_root",
    "quad_class",
    "goldstein",
    "mentions",
    "sources",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "country",
    "admin1",
    "lat",
    "lon",
    "location",
    "url",
];

/// Column indexes (see [`COLUMNS`]).
pub mod col {
    pub const DATASET: usize = 0;
    pub const ID: usize = 1;
    pub const DATE: usize = 2;
    pub const SRC_CODE: usize = 3;
    pub const SRC_NAME: usize = 4;
    pub const SRC_COUNTRY: usize = 5;
    pub const SRC_TYPE: usize = 6;
    pub const TGT_CODE: usize = 7;
    pub const TGT_NAME: usize = 8;
    pub const TGT_COUNTRY: usize = 9;
    pub const TGT_TYPE: usize = 10;
    pub const CAMEO: usize = 11;
    pub const ROOT: usize = 12;
    pub const QUAD: usize = 13;
    pub const GOLDSTEIN: usize = 14;
    pub const MENTIONS: usize = 15;
    pub const SOURCES: usize = 16;
    pub const FAT_LOW: usize = 17;
    pub const FAT_BEST: usize = 18;
    pub const FAT_HIGH: usize = 19;
    pub const COUNTRY: usize = 20;
    pub const ADMIN1: usize = 21;
    pub const LAT: usize = 22;
    pub const LON: usize = 23;
    pub const LOCATION: usize = 24;
    pub const URL: usize = 25;
}

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
    /// Bytes of a present value in a [`Row`] (text: any).
    pub fn width(self) -> usize {
        match self {
            Kind::Text => 0,
            Kind::Date | Kind::Int32 => 4,
            Kind::Int64 | Kind::Double => 8,
        }
    }
}

/// The store's columns with their types.
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

/// Number of columns.
pub const N: usize = SCHEMA.len();

/// A double kept to six decimals, as the TSV store wrote it (`-0` reads as `0`). Values of
/// 10^12 and more, and non-finite ones, are kept as they are.
#[inline]
pub fn round6(v: f64) -> f64 {
    if v.abs() < 1e12 {
        (v * 1e6).round() / 1e6 + 0.0
    } else {
        v
    }
}

/// One row being built (reused from row to row).
#[derive(Clone, Debug)]
pub struct Row {
    data: Vec<u8>,
    /// Where each field ends; slots past [`N`] are scratch.
    ends: [u32; 32],
    n: usize,
}

impl Default for Row {
    fn default() -> Row {
        Row::new()
    }
}

impl Row {
    pub fn new() -> Row {
        Row {
            data: Vec::with_capacity(512),
            ends: [0; 32],
            n: 0,
        }
    }

    /// Start a new row.
    #[inline]
    pub fn clear(&mut self) {
        self.data.clear();
        self.n = 0;
    }

    /// The row as written so far.
    #[inline]
    pub fn view(&self) -> RowRef<'_> {
        debug_assert_eq!(self.n, N, "a row has {N} fields");
        RowRef {
            data: &self.data,
            ends: self.ends[..N].try_into().expect("N ends"),
        }
    }

    /// Whether every field has been written.
    pub fn is_complete(&self) -> bool {
        self.n == N
    }

    #[inline(always)]
    fn mark(&mut self, kind: Kind) -> &mut Self {
        debug_assert!(self.n < N && SCHEMA[self.n].1 == kind, "field {}", self.n);
        let _ = kind;
        self.ends[self.n & 31] = self.data.len() as u32;
        self.n += 1;
        self
    }

    /// Text; tabs, newlines and carriage returns become spaces.
    #[inline(always)]
    pub fn text(&mut self, s: &str) -> &mut Self {
        let b = s.as_bytes();
        if b.iter().fold(true, |ok, &c| ok & (c >= b' ')) {
            push_short(&mut self.data, b);
        } else {
            push_text_slow(&mut self.data, b);
        }
        self.mark(Kind::Text)
    }

    /// Text copied as is, when known `plain` (no byte below 0x20).
    #[inline(always)]
    pub fn text_of(&mut self, s: &str, plain: bool) -> &mut Self {
        if !plain {
            return self.text(s);
        }
        debug_assert!(s.bytes().all(|b| b >= b' '));
        push_short(&mut self.data, s.as_bytes());
        self.mark(Kind::Text)
    }

    #[inline(always)]
    pub fn date(&mut self, d: Option<Date>) -> &mut Self {
        if let Some(d) = d {
            self.data.extend_from_slice(&d.0.to_le_bytes());
        }
        self.mark(Kind::Date)
    }

    /// An INT32 column (CAMEO root, QuadClass).
    #[inline(always)]
    pub fn int32(&mut self, v: Option<i32>) -> &mut Self {
        if let Some(v) = v {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        self.mark(Kind::Int32)
    }

    /// An INT64 column (counts).
    #[inline(always)]
    pub fn int64(&mut self, v: Option<i64>) -> &mut Self {
        if let Some(v) = v {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        self.mark(Kind::Int64)
    }

    /// A count (INT64 column).
    #[inline(always)]
    pub fn count(&mut self, v: Option<u32>) -> &mut Self {
        self.int64(v.map(i64::from))
    }

    /// A DOUBLE column, kept to six decimals ([`round6`]).
    #[inline(always)]
    pub fn double(&mut self, v: Option<f64>) -> &mut Self {
        self.double_exact(v.map(round6))
    }

    /// A DOUBLE column whose value has six decimals or fewer already (read from such text).
    #[inline(always)]
    pub fn double_exact(&mut self, v: Option<f64>) -> &mut Self {
        if let Some(v) = v {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        self.mark(Kind::Double)
    }

    /// Write an event as a row (after [`Row::clear`]).
    pub fn event(&mut self, ev: &Event) -> &mut Self {
        self.text(&ev.dataset).text(&ev.id).date(ev.date);
        for a in [&ev.source, &ev.target] {
            self.text(&a.code)
                .text(&a.name)
                .text(&a.country)
                .text(&a.kind);
        }
        self.text(&ev.cameo)
            .int32((ev.root > 0).then_some(ev.root as i32))
            .int32((ev.quad > 0).then_some(ev.quad as i32))
            .double(ev.goldstein.map(|g| g as f64))
            .count(Some(ev.mentions))
            .count(Some(ev.sources))
            .count(ev.fatalities_low)
            .count(ev.fatalities_best)
            .count(ev.fatalities_high)
            .text(&ev.country)
            .text(&ev.admin1)
            .double(ev.lat)
            .double(ev.lon)
            .text(&ev.location)
            .text(&ev.url)
    }

    /// Copy a stored row (typed values as they are).
    pub fn stored(&mut self, r: &StoredRow) -> &mut Self {
        for (i, (_, kind)) in SCHEMA.iter().enumerate() {
            match kind {
                Kind::Text => {
                    push_short(&mut self.data, r.get(i));
                    self.mark(Kind::Text);
                }
                Kind::Date => {
                    self.date(r.date());
                }
                Kind::Int32 => {
                    self.int32(r.int(i).map(|v| v as i32));
                }
                Kind::Int64 => {
                    self.int64(r.int(i));
                }
                Kind::Double => {
                    self.double_exact(r.f64(i));
                }
            }
        }
        self
    }
}

/// A complete row: its bytes and where each field ends.
#[derive(Clone, Copy, Debug)]
pub struct RowRef<'a> {
    pub data: &'a [u8],
    pub ends: &'a [u32; N],
}

impl<'a> RowRef<'a> {
    /// Field `i`'s bytes.
    #[inline(always)]
    pub fn field(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.data.get(start..self.ends[i] as usize).unwrap_or(b"")
    }

    /// A hash of the row (bytes and field ends): tells whether two copies of one id hold the
    /// same event.
    pub fn hash(&self) -> u64 {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        // Four independent lanes of eight bytes (the multiplications overlap), then the
        // rest, then where the fields end.
        let mut h = [
            0x243F_6A88_85A3_08D3u64 ^ self.data.len() as u64,
            0x1319_8A2E_0370_7344,
            0xA409_3822_299F_31D0,
            0x082E_FA98_EC4E_6C89,
        ];
        let mut blocks = self.data.chunks_exact(32);
        for w in &mut blocks {
            for (j, x) in h.iter_mut().enumerate() {
                let v = u64::from_le_bytes(w[8 * j..8 * j + 8].try_into().expect("8 bytes"));
                *x = (x.rotate_left(5) ^ v).wrapping_mul(K);
            }
        }
        let mut t = h[0] ^ h[1].rotate_left(17) ^ h[2].rotate_left(31) ^ h[3].rotate_left(47);
        let mut words = blocks.remainder().chunks_exact(8);
        for w in &mut words {
            let v = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            t = (t.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in words.remainder() {
            t = (t.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        let ends = self
            .ends
            .iter()
            .enumerate()
            .fold(0u64, |s, (i, &e)| s.wrapping_add((e as u64) << (i % 40)));
        t = (t.rotate_left(5) ^ ends).wrapping_mul(K);
        t ^ (t >> 29)
    }

    /// The row as an owned copy.
    pub fn to_owned_row(&self) -> OwnedRow {
        OwnedRow {
            data: self.data.to_vec(),
            ends: *self.ends,
        }
    }

    pub fn to_event(&self) -> Event {
        StoredRow::from_row(*self).to_event()
    }
}

/// A row kept aside (rows settled after reading).
#[derive(Clone, Debug)]
pub struct OwnedRow {
    pub data: Vec<u8>,
    pub ends: [u32; N],
}

impl OwnedRow {
    pub fn view(&self) -> RowRef<'_> {
        RowRef {
            data: &self.data,
            ends: &self.ends,
        }
    }
}

/// What ingest needs of an event besides its row: key, month, rollup values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowInfo {
    pub key: u64,
    pub date: Option<Date>,
    pub quad: u8,
    pub goldstein: Option<f32>,
    pub mentions: u32,
    /// Deaths, best estimate (0 when unknown).
    pub fatalities: u32,
    /// Deaths, low and high estimates (`None` when the dataset gives none).
    pub fatalities_low: Option<u32>,
    pub fatalities_high: Option<u32>,
    /// ISO3 of the location, blanks when none.
    pub country: [u8; 3],
    /// Where the row is in its file (line, or row number): of two rows with one id, the
    /// earlier in (file, position) order is the one stored.
    pub pos: u64,
}

impl RowInfo {
    pub fn of(ev: &Event) -> RowInfo {
        RowInfo {
            key: event_key(&ev.dataset, &ev.id),
            date: ev.date,
            quad: ev.quad,
            goldstein: ev.goldstein,
            mentions: ev.mentions,
            fatalities: ev.fatalities_best.unwrap_or(0),
            fatalities_low: ev.fatalities_low,
            fatalities_high: ev.fatalities_high,
            country: iso3_bytes(&ev.country),
            pos: 0,
        }
    }

    /// The same of a stored row.
    pub fn of_stored(r: &StoredRow) -> RowInfo {
        RowInfo {
            key: event_key(r.str(col::DATASET), r.str(col::ID)),
            date: r.date(),
            quad: r.quad(),
            goldstein: r.f64(col::GOLDSTEIN).map(|g| g as f32),
            mentions: r.u32(col::MENTIONS).unwrap_or(0),
            fatalities: r.u32(col::FAT_BEST).unwrap_or(0),
            fatalities_low: r.u32(col::FAT_LOW),
            fatalities_high: r.u32(col::FAT_HIGH),
            country: iso3_bytes(r.str(col::COUNTRY)),
            pos: 0,
        }
    }
}

/// An ISO3 code as three bytes (blanks when it is not three bytes long).
pub fn iso3_bytes(c: &str) -> [u8; 3] {
    match c.as_bytes() {
        &[a, b, c] => [a, b, c],
        _ => [b' '; 3],
    }
}

/// FNV-1a over dataset and id, finished with a SplitMix64 mix.
fn key_hash(dataset: &[u8], id: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in dataset.iter().chain(b"\0").chain(id) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The de-duplication key of an event: one byte of dataset, then the native id itself when
/// it is a number below 2^55 (GDELT, UCDP: exact), else a 55-bit hash of it with the top bit
/// of the remaining 56 set.
pub fn event_key(dataset: &str, id: &str) -> u64 {
    event_key_tagged(dataset_tag(dataset), dataset, id)
}

/// The byte [`event_key`] gives a dataset.
pub fn dataset_tag(dataset: &str) -> u64 {
    match dataset {
        "gdelt1" => 1,
        "gdelt2" => 2,
        "icews" => 3,
        "ucdp" => 4,
        "acled" => 5,
        "plover" => 6,
        _ => 7,
    }
}

/// [`event_key`] with the dataset's tag ([`dataset_tag`]) already known.
#[inline]
pub fn event_key_tagged(tag: u64, dataset: &str, id: &str) -> u64 {
    let b = id.as_bytes();
    if !b.is_empty() && b.len() <= 16 && b.iter().all(u8::is_ascii_digit) {
        let v = b.iter().fold(0u64, |v, &d| v * 10 + (d - b'0') as u64);
        if v < 1 << 55 {
            return tag << 56 | v;
        }
    }
    tag << 56 | 1 << 55 | (key_hash(dataset.as_bytes(), b) & ((1 << 55) - 1))
}

#[cold]
fn push_text_slow(out: &mut Vec<u8>, b: &[u8]) {
    for &b in b {
        out.push(match b {
            b'\t' | b'\n' | b'\r' => b' ',
            b => b,
        });
    }
}

/// Append `b` (the copy as in [`copy_short`]).
#[inline(always)]
pub(crate) fn push_short(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len();
    out.reserve(n);
    let len = out.len();
    // SAFETY: `reserve` made room for `n` bytes past `len`; `copy_short` writes exactly
    // those; `set_len` covers exactly the bytes written.
    unsafe {
        copy_short(out.as_mut_ptr().add(len), b);
        out.set_len(len + n);
    }
}

/// Whether `ends` describes `rows` rows of [`N`] fields laid one after the other in `text`
/// (a first 0, then each field's end, never decreasing, the last at most `text.len()`), as
/// [`push_byte_arrays`] needs.
pub(crate) fn fields_are_laid_out(text: &[u8], ends: &[u32], rows: usize) -> bool {
    ends.len() == rows * N + 1
        && ends.first() == Some(&0)
        && ends[1..]
            .iter()
            .zip(ends)
            .fold(true, |ok, (b, a)| ok & (a <= b))
        && ends.last().is_some_and(|&e| e as usize <= text.len())
}

/// Append field `i` of each of `rows` buffered rows as `PLAIN` byte arrays (Parquet): the
/// rows' bytes are `text`, and field `i` of row `r` lies between `ends[r * N + i]` and
/// `ends[r * N + i + 1]`. `None`, writing nothing, unless [`fields_are_laid_out`].
pub(crate) fn push_byte_arrays(
    out: &mut Vec<u8>,
    text: &[u8],
    ends: &[u32],
    i: usize,
    rows: usize,
    laid_out: bool,
) -> Option<()> {
    debug_assert_eq!(laid_out, fields_are_laid_out(text, ends, rows));
    if !laid_out || i >= N {
        return None;
    }
    // The fields of one column do not overlap: together at most `text.len()` bytes.
    let room = text.len() + 4 * rows;
    out.reserve(room);
    let len = out.len();
    // SAFETY: `laid_out` vouches that `ends` holds rows * N + 1 non-decreasing offsets into
    // `text` (the caller checked it with `fields_are_laid_out` for these very slices), so
    // every index read exists, every field lies in `text`, and the fields of column `i`
    // are disjoint: the loop writes at most `text.len() + 4 * rows` bytes, which `reserve`
    // made room for past `len`; `set_len` covers exactly the bytes written.
    unsafe {
        let start = out.as_mut_ptr().add(len);
        let mut dst = start;
        let src = text.as_ptr();
        let at = ends.as_ptr().add(i);
        for r in 0..rows {
            let s = *at.add(r * N) as usize;
            let e = *at.add(r * N + 1) as usize;
            let n = e - s;
            (dst as *mut [u8; 4]).write_unaligned((n as u32).to_le_bytes());
            copy_short(dst.add(4), std::slice::from_raw_parts(src.add(s), n));
            dst = dst.add(4 + n);
        }
        out.set_len(len + dst.offset_from(start) as usize);
    }
    Some(())
}

/// Copy `b` to `dst`. Short values (most fields) are copied with a few unaligned loads and
/// stores instead of a call to `memcpy`.
///
/// # Safety
/// `dst` must be valid for writing `b.len()` bytes and must not overlap `b`.
#[inline(always)]
unsafe fn copy_short(dst: *mut u8, b: &[u8]) {
    let n = b.len();
    let src = b.as_ptr();
    // SAFETY: every read lies inside `b` (the 8- and 4-byte copies overlap rather than read
    // past its end); every write lies inside the `n` bytes the caller vouches for.
    unsafe {
        if (17..=32).contains(&n) {
            let a = (src as *const u128).read_unaligned();
            let z = (src.add(n - 16) as *const u128).read_unaligned();
            (dst as *mut u128).write_unaligned(a);
            (dst.add(n - 16) as *mut u128).write_unaligned(z);
        } else if (8..=16).contains(&n) {
            let a = (src as *const u64).read_unaligned();
            let z = (src.add(n - 8) as *const u64).read_unaligned();
            (dst as *mut u64).write_unaligned(a);
            (dst.add(n - 8) as *mut u64).write_unaligned(z);
        } else if (4..8).contains(&n) {
            let a = (src as *const u32).read_unaligned();
            let z = (src.add(n - 4) as *const u32).read_unaligned();
            (dst as *mut u32).write_unaligned(a);
            (dst.add(n - 4) as *mut u32).write_unaligned(z);
        } else if (1..4).contains(&n) {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        } else if n > 32 {
            std::ptr::copy_nonoverlapping(src, dst, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_copied_whole_whatever_their_length() {
        // Ends that are not laid out are refused.
        assert!(!fields_are_laid_out(b"ab", &[0; 2 * N + 1], 3));
        let mut bad = [0u32; N + 1];
        bad[1] = 2;
        assert!(!fields_are_laid_out(b"ab", &bad, 1));
        assert!(push_byte_arrays(&mut Vec::new(), b"ab", &bad, 0, 1, false).is_none());
        let src: Vec<u8> = (0..80u8).map(|i| b'a' + i % 26).collect();
        for n in 0..=70 {
            for off in [0, 1, 7] {
                let b = &src[off..off + n];
                let mut o = b"x".to_vec();
                push_short(&mut o, b);
                let mut want = b"x".to_vec();
                want.extend_from_slice(b);
                assert_eq!(o, want, "{n} {off}");
                let mut o = (n as u32).to_le_bytes().to_vec();
                o.extend_from_slice(b);
                // The same as a column of two rows (the field, then an empty one).
                let mut ends = [0u32; 2 * N + 1];
                ends[off % N + 1] = n as u32;
                for e in &mut ends[off % N + 2..] {
                    *e = n as u32;
                }
                let mut col = Vec::new();
                assert!(fields_are_laid_out(b, &ends, 2));
                push_byte_arrays(&mut col, b, &ends, off % N, 2, true).unwrap();
                assert_eq!(&col[..4 + n], &o[..]);
                assert_eq!(&col[4 + n..], &[0, 0, 0, 0]);
            }
        }
    }

    fn sample() -> Event {
        Event {
            dataset: "gdelt1".into(),
            id: "7".into(),
            date: Date::parse_iso("2012-09-19"),
            cameo: "145".into(),
            root: 14,
            quad: 4,
            goldstein: Some(-7.5),
            mentions: 12,
            sources: 2,
            fatalities_best: Some(3),
            country: "GEO".into(),
            admin1: "GG51".into(),
            lat: Some(41.725),
            lon: Some(44.7908),
            location: "Tbilisi\tcentre".into(),
            url: "http://example.org/a".into(),
            ..Event::default()
        }
    }

    #[test]
    fn a_row_round_trips_typed() {
        let ev = sample();
        let mut row = Row::new();
        row.event(&ev);
        assert!(row.is_complete());
        let back = row.view().to_event();
        assert_eq!(back.location, "Tbilisi centre"); // tabs never break a row
        assert_eq!(
            Event {
                location: "Tbilisi centre".into(),
                ..ev.clone()
            },
            back
        );
        // Numbers read as the store writes them; a copy of the stored row is the same row.
        let r = StoredRow::from_row(row.view());
        assert_eq!(r.str(col::GOLDSTEIN), "-7.5");
        assert_eq!(r.str(col::DATE), "2012-09-19");
        assert_eq!(r.str(col::FAT_LOW), "");
        assert_eq!(r.u64(col::MENTIONS), Some(12));
        let mut copy = Row::new();
        copy.stored(&r);
        assert_eq!(copy.view().data, row.view().data);
        assert_eq!(copy.view().ends, row.view().ends);
        assert_eq!(copy.view().hash(), row.view().hash());
        // Six decimals, as the TSV store kept them.
        let mut r2 = Row::new();
        r2.event(&Event {
            lat: Some(22.488_976_1),
            lon: Some(-0.000_000_1),
            ..ev
        });
        let v = StoredRow::from_row(r2.view());
        assert_eq!(v.f64(col::LAT), Some(22.488976));
        assert_eq!(v.str(col::LON), "0");
        assert_ne!(r2.view().hash(), row.view().hash());
    }

    #[test]
    fn keys_are_exact_for_numeric_ids() {
        assert_eq!(event_key("gdelt1", "42"), 1 << 56 | 42);
        let h = event_key("acled", "GEO123");
        assert_eq!(h >> 56, 5);
        assert_ne!(h & 1 << 55, 0);
        assert_ne!(event_key("acled", "GEO124"), h);
    }
}
