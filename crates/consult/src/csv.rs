//! A small RFC 4180 reader that keeps the line number where each record starts.
//!
//! Records stream through a callback; unquoted lines are split without copying.
//!
//! Kept instead of the `csv` crate by measurement (issue 11; crate README, "Tried and dropped"):
//! `read_export` through `csv` 1.4 (`StringRecord`, same line tracking) took 27–28 % more
//! instructions on the largest shared conversations (austria-climate.5twd 150 M → 191 M,
//! bowling-green 158 M → 202 M, callgrind) and its parse 1.5–1.6× the wall time in one run; the
//! crate's record positions also point before skipped blank lines and before the `\n` of a
//! `\r\n`, which this reader's error lines must not.

use crate::error::{ConsultError, Result};
use std::borrow::Cow;
use std::path::Path;

/// One record: its 1-based starting line and its fields.
#[derive(Clone)]
pub(crate) struct Record<'a> {
    pub line: usize,
    pub fields: Vec<Cow<'a, str>>,
}

/// Parse the whole text into records. Quoted fields may hold commas, quotes (`""`) and newlines.
#[cfg(test)]
pub(crate) fn parse<'a>(path: &Path, text: &'a str) -> Result<Vec<Record<'a>>> {
    let mut records = Vec::new();
    parse_with(path, text, |r| {
        records.push(r.clone());
        Ok(())
    })?;
    Ok(records)
}

/// Parse the text, handing each record to `f` as soon as it is complete. Blank lines are skipped.
pub(crate) fn parse_with<'a>(
    path: &Path,
    text: &'a str,
    mut f: impl FnMut(&Record<'a>) -> Result<()>,
) -> Result<()> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut line = 1usize;
    // One record buffer reused for every line: no allocation per row on the fast path.
    let mut rec = Record {
        line: 0,
        fields: Vec::new(),
    };
    while pos < bytes.len() {
        // One pass over the line: split on the ASCII comma (slicing at ASCII boundaries keeps
        // UTF-8 valid), stop at the newline, fall back to the quote-aware parser at a quote.
        rec.fields.clear();
        let mut a = pos;
        let mut i = pos;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b',' => {
                    rec.fields.push(Cow::Borrowed(&text[a..i]));
                    a = i + 1;
                }
                b'\n' => break,
                b'"' => {
                    quoted = true;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        if quoted {
            let (fields, next, lines) = parse_quoted(path, text, pos, line)?;
            rec.line = line;
            rec.fields = fields;
            f(&rec)?;
            pos = next;
            line += lines;
            continue;
        }
        let last = &text[a..i];
        let last = last.strip_suffix('\r').unwrap_or(last);
        // A blank line (nothing but an optional \r) is skipped.
        if !(rec.fields.is_empty() && last.is_empty()) {
            rec.line = line;
            rec.fields.push(Cow::Borrowed(last));
            f(&rec)?;
        }
        pos = i + 1;
        line += 1;
    }
    Ok(())
}

/// Slow path for a record holding quotes: returns its fields, the position after it and the
/// number of lines it spans.
fn parse_quoted<'a>(
    path: &Path,
    text: &'a str,
    start: usize,
    line: usize,
) -> Result<(Vec<Cow<'a, str>>, usize, usize)> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut quoted = false;
    let mut lines = 0usize;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek().map(|x| x.1) == Some('"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    lines += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            ',' => {
                fields.push(Cow::Owned(std::mem::take(&mut field)));
                quoted = false;
            }
            '\r' if chars.peek().map(|x| x.1) == Some('\n') => {}
            '\n' => {
                fields.push(Cow::Owned(field));
                return Ok((fields, start + i + 1, lines + 1));
            }
            _ if quoted => {
                return Err(ConsultError::bad(
                    path,
                    line + lines,
                    "(csv)",
                    "text after a closing quote",
                ));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(ConsultError::bad(
            path,
            line,
            "(csv)",
            "unterminated quoted field",
        ));
    }
    fields.push(Cow::Owned(field));
    Ok((fields, text.len(), lines + 1))
}

/// Read a file and stream its records: `header` gets the first, `row` every other one.
/// An empty file is an error naming the file.
pub(crate) fn read_with<H>(
    path: &Path,
    header: impl FnOnce(&Record) -> Result<H>,
    mut row: impl FnMut(&H, &Record) -> Result<()>,
) -> Result<H> {
    let text = std::fs::read_to_string(path).map_err(|source| ConsultError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut header = Some(header);
    let mut h: Option<H> = None;
    parse_with(path, &text, |rec| match &h {
        None => {
            let make = header.take().expect("header parsed once");
            h = Some(make(rec)?);
            Ok(())
        }
        Some(hh) => row(hh, rec),
    })?;
    h.ok_or_else(|| ConsultError::bad(path, 1, "(header)", "empty file, expected a header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_newlines_and_lines() {
        let p = Path::new("t.csv");
        let recs = parse(p, "a,b\n1,\"x, \"\"y\"\"\nz\"\r\n2,\n\n3,\"q\"\n").unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[1].fields, vec!["1", "x, \"y\"\nz"]);
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[2].line, 4);
        assert_eq!(recs[2].fields, vec!["2", ""]);
        assert_eq!(recs[3].line, 6);
        assert_eq!(recs[3].fields, vec!["3", "q"]);
    }

    #[test]
    fn unterminated_quote_is_an_error_with_line() {
        let err = parse(Path::new("t.csv"), "a\n\"oops\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:2: field `(csv)`: unterminated quoted field"
        );
        let err = parse(Path::new("t.csv"), "a\n\"x\"y\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:2: field `(csv)`: text after a closing quote"
        );
    }
}
