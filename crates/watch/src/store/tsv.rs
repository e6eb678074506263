//! The tab-separated store lines of stores written before 0.2: [`encode`] writes one (tests
//! and tools build such stores), and the store reads their parts through
//! [`crate::rowcodec::StoredRow`]. Numbers are written as [`push_f64`] writes them, which is
//! also how a stored row shows a number as text.

use crate::date::Date;
use crate::model::Event;
use std::io::Write;

/// Writes one store line column by column (see [`crate::rowcodec::COLUMNS`]): text has tabs
/// and newlines turned into spaces, numbers are written exactly, a missing value is empty.
pub struct Line<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
}

impl<'a> Line<'a> {
    /// Start a line at the end of `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Line<'a> {
        let start = out.len();
        Line { out, start }
    }
    pub fn text(&mut self, s: &str) -> &mut Self {
        for &b in s.as_bytes() {
            self.out.push(match b {
                b'\t' | b'\n' | b'\r' => b' ',
                b => b,
            });
        }
        self.out.push(b'\t');
        self
    }
    pub fn date(&mut self, d: Option<Date>) -> &mut Self {
        if let Some(d) = d {
            let _ = write!(self.out, "{d}");
        }
        self.out.push(b'\t');
        self
    }
    /// A count, empty when `None`.
    pub fn uint(&mut self, v: Option<u32>) -> &mut Self {
        if let Some(v) = v {
            push_u64(self.out, v as u64);
        }
        self.out.push(b'\t');
        self
    }
    pub fn float(&mut self, v: Option<f64>) -> &mut Self {
        if let Some(v) = v {
            push_f64(self.out, v);
        }
        self.out.push(b'\t');
        self
    }
    /// End the line: its last tab becomes the newline.
    pub fn end(&mut self) {
        if self.out.len() > self.start {
            let last = self.out.len() - 1;
            self.out[last] = b'\n';
        } else {
            self.out.push(b'\n');
        }
    }
}

/// One event as a store line (tab-separated, newline-terminated).
pub fn encode(ev: &Event, out: &mut Vec<u8>) {
    let mut l = Line::new(out);
    l.text(&ev.dataset).text(&ev.id).date(ev.date);
    for a in [&ev.source, &ev.target] {
        l.text(&a.code).text(&a.name).text(&a.country).text(&a.kind);
    }
    l.text(&ev.cameo)
        .uint((ev.root > 0).then_some(ev.root as u32))
        .uint((ev.quad > 0).then_some(ev.quad as u32))
        .float(ev.goldstein.map(|g| g as f64))
        .uint(Some(ev.mentions))
        .uint(Some(ev.sources))
        .uint(ev.fatalities_low)
        .uint(ev.fatalities_best)
        .uint(ev.fatalities_high)
        .text(&ev.country)
        .text(&ev.admin1)
        .float(ev.lat)
        .float(ev.lon)
        .text(&ev.location)
        .text(&ev.url)
        .end()
}

fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while v >= 100 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        buf[i] = b'0' + (r / 10) as u8;
        buf[i + 1] = b'0' + (r % 10) as u8;
    }
    if v >= 10 {
        i -= 2;
        buf[i] = b'0' + (v / 10) as u8;
        buf[i + 1] = b'0' + (v % 10) as u8;
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[i..]);
}

/// A number with at most six decimals, trailing zeros dropped (`42.5`, `-77.0083`, `3`).
pub fn push_f64(out: &mut Vec<u8>, v: f64) {
    if !v.is_finite() || v.abs() >= 1e12 {
        let _ = write!(out, "{v}");
        return;
    }
    let scaled = (v * 1e6).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let a = scaled.unsigned_abs();
    push_u64(out, a / 1_000_000);
    let mut frac = a % 1_000_000;
    if frac > 0 {
        out.push(b'.');
        let mut digits = 6;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let s = out.len();
        push_u64(out, frac);
        let written = out.len() - s;
        for _ in written..digits {
            out.insert(s, b'0');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rowcodec::round6;

    #[test]
    fn numbers_are_written_exactly() {
        let f = |v: f64| {
            let mut o = Vec::new();
            push_f64(&mut o, v);
            String::from_utf8(o).unwrap()
        };
        assert_eq!(f(42.5), "42.5");
        assert_eq!(f(-77.0083), "-77.0083");
        assert_eq!(f(3.0), "3");
        assert_eq!(f(0.000_05), "0.00005");
        assert_eq!(f(-0.25), "-0.25");
        assert_eq!(f(1.9f32 as f64), "1.9");
        assert_eq!(f(22.488976), "22.488976");
        let mut o = Vec::new();
        push_u64(&mut o, 1_234_567_890);
        assert_eq!(o, b"1234567890");
        // The text of a number is the text of its six-decimal value.
        for v in [22.488_976_1, -0.000_000_1, 1.9f32 as f64, 41.725] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            push_f64(&mut a, v);
            push_f64(&mut b, round6(v));
            assert_eq!(a, b, "{v}");
        }
    }

    #[test]
    fn a_line_has_every_column() {
        let mut o = Vec::new();
        encode(
            &Event {
                location: "a\tb".into(),
                ..Event::default()
            },
            &mut o,
        );
        assert_eq!(o.iter().filter(|&&b| b == b'\t').count(), 25);
        assert_eq!(o.last(), Some(&b'\n'));
    }
}
