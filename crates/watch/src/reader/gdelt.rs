//! GDELT 1.0 and 2.0 rows (TSV without a header, or CSV with one): each chunk cut by the
//! splitter is walked record by record and every row is normalised straight into its typed
//! store row and the [`RowInfo`] ingest needs.

use super::headed::{Cols, Header, header_cols};
use super::numbers::{
    canonical_count, parse_cameo, parse_f64_canonical, parse_id, parse_lat_lon_canonical, parse_u32,
};
use super::{Ctx, FieldError, ReadError};
use crate::codebook::{codebooks, quad_class_of_root};
use crate::date::Date;
use crate::decode::decode;
use crate::fast;
use crate::model::{Event, Format};
use crate::rowcodec::{Row, RowInfo, RowRef, dataset_tag, event_key_tagged, iso3_bytes};
use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, Read};

/// The same over a record of the chunked parser ([`fast::records`]): quoted fields are
/// unquoted (`""` is a quote); an ASCII record skips UTF-8 validation.
pub(super) struct RawRow<'a> {
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
        if let Some(s) = self.rec.ascii_text(b) {
            return Cow::Borrowed(s);
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

// ---------------------------------------------------------------- GDELT

/// Column positions of the fields the model needs.
pub(super) struct GdeltCols {
    pub(super) id: usize,
    pub(super) date: usize,
    pub(super) a1: [usize; 4],
    pub(super) a2: [usize; 4],
    pub(super) code: usize,
    pub(super) root: usize,
    pub(super) quad: usize,
    pub(super) gold: usize,
    pub(super) mentions: usize,
    pub(super) sources: usize,
    pub(super) geo_name: usize,
    pub(super) geo_cc: usize,
    pub(super) geo_adm1: usize,
    pub(super) geo_lat: usize,
    pub(super) geo_lon: usize,
    pub(super) geo_fid: usize,
    pub(super) url: Option<usize>,
}

pub(super) const GDELT1_COLS: GdeltCols = GdeltCols {
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

pub(super) const GDELT2_COLS: GdeltCols = GdeltCols {
    geo_name: 52,
    geo_cc: 53,
    geo_adm1: 54,
    geo_lat: 56,
    geo_lon: 57,
    geo_fid: 58,
    url: Some(60),
    ..GDELT1_COLS
};

/// Normalise a GDELT row straight into its typed store row (`out`, cleared first by the
/// caller) and the values ingest needs (`info`). Fields are checked in a fixed order, so a row with several bad
/// fields always reports the same one.
pub(super) fn gdelt_line(
    row: &RawRow,
    c: &GdeltCols,
    dataset: &str,
    tag: u64,
    out: &mut Row,
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
    // A Goldstein value read from text with six decimals or fewer is kept as read.
    let (goldstein, gold_exact) = match parse_f64_canonical(&gold_s, "GoldsteinScale")? {
        Some((g, _)) if !(-10.0..=10.0).contains(&g) => {
            return Err(("GoldsteinScale", format!("outside -10..10: {g}")));
        }
        Some((g, canonical)) => (Some(g as f32), canonical.then_some(g)),
        None => (cb.cameo(cameo).and_then(|e| e.goldstein), None),
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
    // A plain record (no control byte in a field) needs no cleaning of its text.
    let plain = row.rec.plain;
    out.text_of(dataset, true)
        .text_of(&id, true)
        .date(Some(date));
    for ix in [c.a1, c.a2] {
        out.text_of(&row.s(ix[0]), plain)
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
    out.text_of(cameo, true)
        .int32(Some(root as i32).filter(|&r| r > 0))
        .int32(Some(quad as i32).filter(|&q| q > 0));
    match gold_exact {
        Some(g) => out.double_exact(Some(g)),
        None => out.double(goldstein.map(|g| g as f64)),
    };
    out.count(Some(mentions))
        .count(Some(sources))
        .count(None)
        .count(None)
        .count(None)
        .text_of(country, true)
        .text_of(&row.s(c.geo_adm1), plain);
    // Coordinates read with six decimals or fewer are kept as read.
    let coord = |out: &mut Row, v: Option<f64>, exact: bool| {
        if exact {
            out.double_exact(v);
        } else {
            out.double(v);
        }
    };
    coord(out, lat, lat_canonical);
    coord(out, lon, lon_canonical);
    out.text_of(&location, plain)
        .text_of(&row.opt(c.url), plain);
    *info = RowInfo {
        key,
        date: Some(date),
        quad,
        goldstein,
        mentions,
        fatalities: 0,
        fatalities_low: None,
        fatalities_high: None,
        country: iso3_bytes(country),
        pos: 0,
    };
    Ok(())
}

/// How to read the rows of a GDELT file (TSV without header, or CSV with one).
pub(crate) struct GdeltPlan {
    pub(super) format: Format,
    pub(super) cols: GdeltCols,
    /// Accepted field counts.
    pub(super) widths: Vec<usize>,
    /// CSV: the header's field count (R's row-name column makes a row one wider).
    pub(super) header_width: Option<usize>,
    pub(super) sep: u8,
    pub(super) quotes: bool,
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
    sink: &mut dyn FnMut(RowRef, &RowInfo),
) -> Result<(), ReadError> {
    let mut stop = None;
    let format = plan.format;
    let mut out = Row::new();
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
                sink(out.view(), &info);
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

pub(super) fn read_gdelt<R: Read>(
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
        gdelt_chunk(&plan, &buf, line, ctx, &|_| {}, &mut |r, _| {
            sink(&r.to_event())
        })?;
    }
    Ok(())
}
