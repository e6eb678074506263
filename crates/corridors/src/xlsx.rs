//! A small XLSX writer (Office Open XML spreadsheets): sheets of text, numbers and date-times,
//! with a shared-strings table as Excel writes it. Enough to publish the voyage table in the
//! JCC's own layout and to build test and benchmark workbooks; [`crate::jcc`] reads them back
//! with calamine like any other spreadsheet.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// Written as a spreadsheet serial date-time (1900 system) with a date-time format.
    DateTime(time::PrimitiveDateTime),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Number(v)
    }
}

/// One worksheet: a name and its rows from A1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// The spreadsheet serial number of a date-time (days since 1899-12-30, time as a fraction).
pub fn serial(t: time::PrimitiveDateTime) -> f64 {
    let epoch = time::macros::date!(1899 - 12 - 30);
    let days = (t.date() - epoch).whole_days() as f64;
    let secs = f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second());
    days + secs / 86_400.0
}

/// The date-time of a spreadsheet serial number (1900 system), to the second.
pub fn from_serial(v: f64) -> Option<time::PrimitiveDateTime> {
    if !v.is_finite() || !(61.0..2_958_466.0).contains(&v) {
        return None;
    }
    let mut days = v.floor() as i64;
    let mut secs = ((v - v.floor()) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
        secs -= 86_400;
    }
    let date = time::macros::date!(1899 - 12 - 30).checked_add(time::Duration::days(days))?;
    let t = time::Time::from_hms(
        (secs / 3600) as u8,
        ((secs % 3600) / 60) as u8,
        (secs % 60) as u8,
    )
    .ok()?;
    Some(time::PrimitiveDateTime::new(date, t))
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column index.
pub fn column_letter(mut index: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 cannot carry most control characters: drop them.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

fn sheet_name_ok(name: &str) -> bool {
    let n = name.chars().count();
    (1..=31).contains(&n)
        && !name
            .chars()
            .any(|c| matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
}

/// Writes a workbook. Sheet names: 1–31 characters without `[]:*?/\`, each once.
pub fn write(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    if sheets.is_empty() {
        return Err("a workbook has at least one sheet".into());
    }
    for (i, s) in sheets.iter().enumerate() {
        if !sheet_name_ok(&s.name) {
            return Err(format!("sheet name {:?} is not allowed", s.name));
        }
        if sheets[..i]
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&s.name))
        {
            return Err(format!("sheet {:?} twice", s.name));
        }
    }
    let mut strings: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut sheet_xml = Vec::with_capacity(sheets.len());
    for s in sheets {
        let mut x = String::with_capacity(64 * s.rows.len() + 256);
        x.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
        );
        for (r, row) in s.rows.iter().enumerate() {
            let _ = write!(x, "<row r=\"{}\">", r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_letter(c as u32), r + 1);
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        let next = strings.len();
                        let k = *index.entry(t.as_str()).or_insert_with(|| {
                            strings.push(t.as_str());
                            next
                        });
                        let _ = write!(x, "<c r=\"{at}\" t=\"s\"><v>{k}</v></c>");
                    }
                    Cell::Number(v) if v.is_finite() => {
                        let _ = write!(x, "<c r=\"{at}\"><v>{v}</v></c>");
                    }
                    Cell::Number(_) => {}
                    Cell::DateTime(t) => {
                        let _ = write!(x, "<c r=\"{at}\" s=\"1\"><v>{}</v></c>", serial(*t));
                    }
                }
            }
            x.push_str("</row>");
        }
        x.push_str("</sheetData></worksheet>");
        sheet_xml.push(x);
    }
    let mut sst = String::with_capacity(strings.iter().map(|s| s.len() + 24).sum::<usize>() + 256);
    let _ = write!(
        sst,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{0}\" uniqueCount=\"{0}\">",
        strings.len()
    );
    for s in &strings {
        sst.push_str("<si><t xml:space=\"preserve\">");
        escape_into(&mut sst, s);
        sst.push_str("</t></si>");
    }
    sst.push_str("</sst>");

    let mut workbook = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>",
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    let mut types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
         <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>",
    );
    for (i, s) in sheets.iter().enumerate() {
        let n = i + 1;
        workbook.push_str("<sheet name=\"");
        escape_into(&mut workbook, &s.name);
        let _ = write!(workbook, "\" sheetId=\"{n}\" r:id=\"rId{n}\"/>");
        let _ = write!(
            rels,
            "<Relationship Id=\"rId{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        );
        let _ = write!(
            types,
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        );
    }
    workbook.push_str("</sheets></workbook>");
    let k = sheets.len();
    let _ = write!(
        rels,
        "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>\
         </Relationships>",
        k + 1,
        k + 2
    );
    types.push_str("</Types>");
    // Style 1: built-in number format 22 (`m/d/yy h:mm`), which readers take for a date-time.
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
        <fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
        <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
        <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
        <cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
        <xf numFmtId=\"22\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
        </styleSheet>";
    let root_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
        </Relationships>";

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, body: &[u8]| -> Result<(), String> {
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        zip.write_all(body).map_err(|e| e.to_string())
    };
    put("[Content_Types].xml", types.as_bytes())?;
    put("_rels/.rels", root_rels.as_bytes())?;
    put("xl/workbook.xml", workbook.as_bytes())?;
    put("xl/_rels/workbook.xml.rels", rels.as_bytes())?;
    put("xl/styles.xml", styles.as_bytes())?;
    put("xl/sharedStrings.xml", sst.as_bytes())?;
    for (i, x) in sheet_xml.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), x.as_bytes())?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_round_trip() {
        let t = time::macros::datetime!(2022-07-31 23:00);
        assert_eq!(serial(t), 44773.0 + 23.0 / 24.0);
        assert_eq!(from_serial(serial(t)), Some(t));
        assert_eq!(
            from_serial(44774.0),
            Some(time::macros::datetime!(2022-08-01 0:00))
        );
        assert_eq!(from_serial(f64::NAN), None);
        assert_eq!(from_serial(12.0), None);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(14), "O");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn bad_sheet_names_are_refused() {
        assert!(write(&[]).is_err());
        let s = |n: &str| Sheet {
            name: n.into(),
            rows: vec![],
        };
        assert!(write(&[s("a/b")]).is_err());
        assert!(write(&[s("Data"), s("data")]).is_err());
        assert!(write(&[s("Data")]).is_ok());
    }
}
