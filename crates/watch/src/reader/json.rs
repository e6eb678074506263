//! PLOVER / POLECAT JSON records (a JSON array or JSON lines; also ICEWS-derived DEDI
//! records), streamed with serde_json.

use super::numbers::{parse_cameo, parse_lat_lon};
use super::{Ctx, FieldError, ReadError};
use crate::codebook::{codebooks, quad_class_of_plover, quad_class_of_root};
use crate::date::Date;
use crate::model::{Actor, Event};
use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::rc::Rc;

// ---------------------------------------------------------------- JSON (PLOVER / POLECAT)

/// Counts newlines as serde_json pulls bytes through (it reads one byte at a time).
pub(super) struct LineCounter<R> {
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

pub(super) fn json_str(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub(super) fn json_actor(v: Option<&serde_json::Value>) -> Actor {
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

pub(super) fn plover_event(v: &serde_json::Value) -> Result<Option<Event>, FieldError> {
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

pub(super) fn read_json<R: Read>(
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
