//! A small RFC 4180 reader that keeps the line number where each record starts.

use crate::error::{ConsultError, Result};
use std::path::Path;

/// One record: its 1-based starting line and its fields.
pub(crate) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Parse the whole text into records. Quoted fields may hold commas, quotes (`""`) and newlines.
#[cfg(test)]
pub(crate) fn parse(path: &Path, text: &str) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    parse_with(path, text, |r| {
        records.push(r);
        Ok(())
    })?;
    Ok(records)
}

/// Parse the text, handing each record to `f` as soon as it is complete (no record list is kept).
pub(crate) fn parse_with(
    path: &Path,
    text: &str,
    mut f: impl FnMut(Record) -> Result<()>,
) -> Result<()> {
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut in_quotes = false;
    let mut quoted_field = false;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chars = text.chars().peekable();
    let mut at_record_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                    }
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted_field => {
                in_quotes = true;
                quoted_field = true;
                at_record_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
                at_record_start = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if !at_record_start || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    f(Record {
                        line: start_line,
                        fields: std::mem::take(&mut fields),
                    })?;
                }
                quoted_field = false;
                line += 1;
                start_line = line;
                at_record_start = true;
            }
            _ => {
                if quoted_field {
                    return Err(ConsultError::bad(
                        path,
                        line,
                        "(csv)",
                        "text after a closing quote",
                    ));
                }
                field.push(c);
                at_record_start = false;
            }
        }
    }
    if in_quotes {
        return Err(ConsultError::bad(
            path,
            start_line,
            "(csv)",
            "unterminated quoted field",
        ));
    }
    if !at_record_start || !field.is_empty() {
        fields.push(field);
        f(Record {
            line: start_line,
            fields,
        })?;
    }
    Ok(())
}

/// Read a file and stream its records: `header` gets the first, `row` every other one.
/// An empty file is an error naming the file.
pub(crate) fn read_with<H>(
    path: &Path,
    header: impl FnOnce(Record) -> Result<H>,
    mut row: impl FnMut(&H, Record) -> Result<()>,
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
        let recs = parse(p, "a,b\n1,\"x, \"\"y\"\"\nz\"\r\n2,\n").unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].fields, vec!["1", "x, \"y\"\nz"]);
        assert_eq!(recs[1].line, 2);
        assert_eq!(recs[2].line, 4);
        assert_eq!(recs[2].fields, vec!["2", ""]);
    }

    #[test]
    fn unterminated_quote_is_an_error_with_line() {
        let err = parse(Path::new("t.csv"), "a\n\"oops\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:2: field `(csv)`: unterminated quoted field"
        );
    }
}
