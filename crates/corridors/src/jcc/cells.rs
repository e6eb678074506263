//! Reading one cell of the published table: text (trimmed; `TBD` and the like stand for an
//! empty cell), numbers (also written as text with thousands separators), date-times
//! (spreadsheet date-times, serial numbers, ISO and day/month/year text).

use crate::voyages::SheetDateTime;
use crate::xlsx;
use calamine::DataRef;

pub(super) fn cell_text<'a>(c: &'a DataRef<'_>) -> Option<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    let s: Cow<'a, str> = match c {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Float(f) => Cow::Owned(if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", *f as i64)
        } else {
            f.to_string()
        }),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Bool(b) => Cow::Owned(b.to_string()),
        DataRef::DateTime(d) => Cow::Owned(d.as_f64().to_string()),
        DataRef::Error(_) | DataRef::Empty => return None,
    };
    match s {
        Cow::Borrowed(b) => {
            let t = b.trim();
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        Cow::Owned(o) => {
            let t = o.trim();
            (!t.is_empty()).then(|| Cow::Owned(t.to_string()))
        }
    }
}

/// An empty cell, or one holding only spaces (cheap: no formatting of numbers).
pub(super) fn is_blank(c: &DataRef<'_>) -> bool {
    match c {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// "To be determined" and friends stand for an empty cell (the HDX copy already replaced the
/// JCC's `TBD` by empty cells).
pub(super) fn is_placeholder(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "tbd" | "n/a" | "na" | "-" | "—"
    )
}

fn parse_text_datetime(s: &str) -> Option<SheetDateTime> {
    use time::macros::format_description as fd;
    let s = s.trim();
    let dt = [
        fd!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        fd!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        fd!("[year]-[month]-[day] [hour]:[minute]"),
    ];
    for f in dt {
        if let Ok(t) = SheetDateTime::parse(s, f) {
            return Some(t);
        }
    }
    let d = [
        fd!("[year]-[month]-[day]"),
        fd!("[day]/[month]/[year]"),
        fd!("[day].[month].[year]"),
    ];
    for f in d {
        if let Ok(d) = time::Date::parse(s, f) {
            return Some(d.midnight());
        }
    }
    // `2022-08-01T00:00:00.000` (ISO cells) and `…Z`: drop fractions and the zone.
    let base = s.trim_end_matches('Z');
    let base = base.split('.').next().unwrap_or(base);
    (base != s).then(|| parse_text_datetime(base)).flatten()
}

pub(super) fn cell_datetime(c: &DataRef<'_>) -> Result<Option<SheetDateTime>, String> {
    let t = match c {
        DataRef::Empty => return Ok(None),
        DataRef::DateTime(d) => {
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            let date = time::Month::try_from(mo)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(i32::from(y), m, da).ok())
                .ok_or_else(|| format!("date {y}-{mo}-{da} does not exist"))?;
            let t = time::Time::from_hms(h, mi, s).map_err(|e| e.to_string())?;
            let mut dt = SheetDateTime::new(date, t);
            if ms >= 500 {
                dt += time::Duration::seconds(1);
            }
            dt
        }
        DataRef::Float(f) => xlsx::from_serial(*f).ok_or_else(|| format!("{f} is not a date"))?,
        DataRef::Int(i) => {
            xlsx::from_serial(*i as f64).ok_or_else(|| format!("{i} is not a date"))?
        }
        other => match cell_text(other) {
            None => return Ok(None),
            Some(s) if is_placeholder(&s) => return Ok(None),
            Some(s) => parse_text_datetime(&s)
                .ok_or_else(|| format!("'{s}' is not a date (2022-08-01 or a spreadsheet date)"))?,
        },
    };
    if !(1990..=2100).contains(&t.year()) {
        return Err(format!("{} is not a plausible date", t.date()));
    }
    Ok(Some(t))
}

pub(super) fn cell_number(c: &DataRef<'_>) -> Result<Option<f64>, String> {
    match c {
        DataRef::Float(f) => Ok(Some(*f)),
        DataRef::Int(i) => Ok(Some(*i as f64)),
        DataRef::Empty => Ok(None),
        other => match cell_text(other) {
            None => Ok(None),
            Some(s) if is_placeholder(&s) => Ok(None),
            Some(s) => {
                let digits: String = s
                    .chars()
                    .filter(|c| *c != ',' && !c.is_whitespace())
                    .collect();
                digits
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| format!("'{s}' is not a number"))
            }
        },
    }
}
