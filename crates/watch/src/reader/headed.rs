//! The headed CSV/TSV datasets: ICEWS (TSV), UCDP GED (CSV, HXL tag row skipped) and ACLED
//! (CSV), read one record at a time with the `csv` crate; columns found by header name.

use super::gdelt::GdeltCols;
use super::numbers::{parse_cameo, parse_f64, parse_lat_lon, parse_u32};
use super::{Ctx, FieldError, ReadError};
use crate::codebook::{codebooks, quad_class_of_root};
use crate::date::Date;
use crate::decode::decode;
use crate::model::{Actor, Event, Format};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;

/// Access to one CSV record's fields with `NA`/blank handling and trimming.
pub(super) struct Row<'a> {
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

// ---------------------------------------------------------------- headed CSV / TSV

/// Header name → position, case-insensitive.
pub(super) struct Header(HashMap<String, usize>, pub(super) usize);

impl Header {
    pub(super) fn new(rec: &csv::ByteRecord) -> Header {
        let mut m = HashMap::new();
        for (i, f) in rec.iter().enumerate() {
            let name = decode(f.trim_ascii()).0.to_ascii_lowercase();
            m.entry(name).or_insert(i);
        }
        Header(m, rec.len())
    }
    pub(super) fn get(&self, name: &str) -> Option<usize> {
        self.0.get(&name.to_ascii_lowercase()).copied()
    }
    pub(super) fn any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.get(n))
    }
}

pub(super) fn header_cols(format: Format, h: &Header) -> Result<Cols, String> {
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
        Format::Icews => Cols::Named(Box::new(NamedCols {
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
            gw: None,
            admin1: h.get("Province"),
            lat: h.get("Latitude"),
            lon: h.get("Longitude"),
            location: h.any(&["City", "District"]),
            kind: None,
            fat: [None, None, None],
            sources: None,
            url: None,
        })),
        Format::Ucdp => Cols::Named(Box::new(NamedCols {
            id: need(&["id"])?,
            date: need(&["date_start"])?,
            a1: [None, h.get("side_a"), h.get("gwnoa"), None],
            a2: [None, h.get("side_b"), h.get("gwnob"), None],
            code: None,
            gold: None,
            country: h.get("country"),
            iso3: h.get("iso3"),
            isonum: None,
            gw: h.get("country_id"),
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
        })),
        Format::Acled => Cols::Named(Box::new(NamedCols {
            id: need(&["event_id_cnty"])?,
            date: need(&["event_date"])?,
            a1: [None, h.get("actor1"), None, h.get("inter1")],
            a2: [None, h.get("actor2"), None, h.get("inter2")],
            code: None,
            gold: None,
            country: h.get("country"),
            iso3: h.get("iso3"),
            isonum: h.get("iso"),
            gw: None,
            admin1: h.get("admin1"),
            lat: h.get("latitude"),
            lon: h.get("longitude"),
            location: h.get("location"),
            kind: Some(need(&["event_type"])?),
            fat: [None, Some(need(&["fatalities"])?), None],
            sources: None,
            url: None,
        })),
        _ => return Err(format!("{format} has no header")),
    })
}

/// Columns of the headed non-GDELT formats.
pub(super) struct NamedCols {
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
    /// Gleditsch–Ward number of the country (UCDP `country_id`).
    gw: Option<usize>,
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

pub(super) enum Cols {
    Gdelt(GdeltCols),
    Named(Box<NamedCols>),
}

pub(super) fn country_of(cb: &crate::codebook::Codebooks, s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    // UCDP's gwnoa/gwnob: one number, or several (`2, 200`) for a side of several states.
    let first = s.split(',').next().unwrap_or("").trim();
    if let Ok(n) = first.parse::<u32>() {
        return cb.gw_to_iso3(n).unwrap_or("").to_string();
    }
    if s.len() == 3 && cb.is_iso3(s) {
        return s.to_string();
    }
    cb.name_to_iso3(s).unwrap_or("").to_string()
}

/// An event from a headed row, and the value(s) of a country that could not be resolved.
pub(super) fn named_event(
    row: &Row,
    c: &NamedCols,
    format: Format,
) -> Result<(Event, Option<String>), FieldError> {
    let cb = codebooks();
    let raw_id = row.s(c.id);
    if raw_id.is_empty() {
        return Err(("id", "missing event id".into()));
    }
    let date_s = row.s(c.date);
    let date = match format {
        // ACLED's exports write `01 November 2024`; its API `2024-11-01`.
        Format::Acled => Date::parse_dmy_words(&date_s).or_else(|| Date::parse_iso(&date_s)),
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
    // The country: ISO3, ISO numeric, Gleditsch–Ward number, then the name (UCDP's names
    // carry an earlier name in parentheses). A fatality dataset's row left without one is
    // reported by the caller.
    let (country, unresolved) = {
        let iso3 = row.opt(c.iso3);
        let num = row.opt(c.isonum);
        let gw = row.opt(c.gw);
        let name = row.opt(c.country);
        let found = if iso3.len() == 3 && cb.is_iso3(&iso3) {
            Some(iso3.to_string())
        } else {
            num.parse::<u32>()
                .ok()
                .and_then(|n| cb.isonum_to_iso3(n))
                .or_else(|| gw.parse::<u32>().ok().and_then(|n| cb.gw_to_iso3(n)))
                .or_else(|| match format {
                    Format::Ucdp => cb.ucdp_name_to_iso3(&name),
                    _ => cb.name_to_iso3(&name),
                })
                .map(str::to_string)
        };
        match found {
            Some(iso) => (iso, None),
            None => {
                let mut v = Vec::new();
                for (label, x) in [("iso3", &iso3), ("iso", &num), ("country_id", &gw)] {
                    if !x.is_empty() {
                        v.push(format!("{label}={x}"));
                    }
                }
                v.push(format!("country={name:?}"));
                (String::new(), Some(v.join(" ")))
            }
        }
    };
    ev.country = country;
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
    Ok((ev, unresolved))
}

pub(super) fn read_headed<R: Read>(
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
            Cols::Named(c) => named_event(&row, c, format).map(|(e, unresolved)| {
                ev = e;
                if let Some(v) = unresolved
                    && matches!(format, Format::Ucdp | Format::Acled)
                {
                    ctx.unresolved(v);
                }
            }),
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
