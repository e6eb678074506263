//! The Joint Coordination Centre's table as published (HDX's XLSX): reader and writer.
//!
//! The reader takes the sheet `Data` (the JCC's table), `Data_HXL` (the same with a row of HXL
//! hashtags under the header) or `Live` (the website's column names: `#`, `Metric tons`,
//! `Departure date`, `Inspection cleared`). Columns are found by their header, or by their HXL
//! hashtag when the header is not known; a hashtag row is recognised and skipped. Spreadsheet
//! date-times are converted; text dates (`2022-08-01`, `01/08/2022`) are read too. A row that
//! cannot be read is reported with its sheet, row and column and left out; every other row is
//! kept. A voyage's rows must agree on the vessel, port, dates and flag.
//!
//! The writer publishes voyages in the same layout (optionally with the hashtag row), so an
//! export reads back to the same voyages.

use crate::vessel::{ImoNumber, Tonnage};
use crate::voyages::{Direction, IncomeGroup, PublishedCargo, SheetDateTime, Voyage};
use crate::xlsx::{self, Cell, column_letter};
use calamine::{DataRef, Reader, ReaderRef, Xlsx};
use cells::{cell_datetime, cell_number, cell_text, is_blank, is_placeholder};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The sheets of the published workbook that hold the table.
pub const SHEETS: [&str; 3] = ["Data", "Data_HXL", "Live"];

/// A cell that could not be read (or, for warnings, was read but deserves a look).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    pub sheet: String,
    /// The spreadsheet's row number (1-based, as shown by spreadsheet programs).
    pub row: u32,
    /// Column letter and header: `H (Tonnage)`.
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sheet {}, row {}, column {}: {}",
            self.sheet, self.row, self.column, self.reason
        )
    }
}

/// Why a workbook could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JccError {
    #[error("{file}: not a readable XLSX workbook: {reason}")]
    Workbook { file: String, reason: String },
    #[error("{file}: no sheet named {sheet:?} (the workbook has: {})", available.join(", "))]
    NoSuchSheet {
        file: String,
        sheet: String,
        available: Vec<String>,
    },
    #[error("{file}: none of the sheets {} is in the workbook (it has: {})", SHEETS.join(", "), available.join(", "))]
    NoTable {
        file: String,
        available: Vec<String>,
    },
    #[error("{file}, sheet {sheet}: {reason}")]
    Layout {
        file: String,
        sheet: String,
        reason: String,
    },
}

/// What a sheet gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JccImport {
    pub sheet: String,
    /// Row number of the header.
    pub header_row: u32,
    /// Row number of the HXL hashtag row, when there is one.
    pub hxl_row: Option<u32>,
    /// Non-empty rows below the header (and hashtag row).
    pub rows_read: usize,
    /// Voyages in order of their sequence number.
    pub voyages: Vec<Voyage>,
    /// Rows left out, one entry per unreadable cell.
    pub errors: Vec<CellProblem>,
    /// Rows kept with a remark (an IMO number failing its check digit).
    pub warnings: Vec<CellProblem>,
}

impl JccImport {
    pub fn cargo_lines(&self) -> usize {
        self.voyages.iter().map(|v| v.cargo.len()).sum()
    }

    pub fn tonnage(&self) -> Tonnage {
        self.voyages.iter().map(Voyage::tonnage).sum()
    }

    /// Rows left out (a row with two bad cells counts once).
    pub fn rows_rejected(&self) -> usize {
        let mut rows: Vec<u32> = self.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Status,
    Sequence,
    Vessel,
    Imo,
    Port,
    Country,
    Commodity,
    Tonnage,
    Departure,
    Inspection,
    Income,
    Flag,
    WbRegion,
    UnRegion,
    Development,
}

/// (field, header names (normalised), HXL hashtag, required, header written)
const COLUMNS: &[(Field, &[&str], &str, bool, &str)] = &[
    (Field::Status, &["status"], "#status", false, "Status"),
    (
        Field::Sequence,
        &["outbound sequence", "#", "sequence", "voyage"],
        "#meta+serial+num",
        true,
        "Outbound Sequence",
    ),
    (
        Field::Vessel,
        &["vessel name", "vessel"],
        "#meta+vessel+name",
        true,
        "Vessel name",
    ),
    (
        Field::Imo,
        &["imo", "imo number"],
        "#meta+vessel+code",
        true,
        "IMO",
    ),
    (
        Field::Port,
        &["departure port", "port"],
        "#loc+port+name",
        true,
        "Departure port",
    ),
    (
        Field::Country,
        &["country", "destination", "destination country"],
        "#country+name",
        true,
        "Country",
    ),
    (
        Field::Commodity,
        &["commodity"],
        "#indicator+commodity",
        true,
        "Commodity",
    ),
    (
        Field::Tonnage,
        &["tonnage", "metric tons", "tonnes", "tons"],
        "#indicator+tonnage+num",
        true,
        "Tonnage",
    ),
    (
        Field::Departure,
        &["departure", "departure date"],
        "#date+departure",
        true,
        "Departure",
    ),
    (
        Field::Inspection,
        &[
            "inspection istanbul",
            "inspection cleared",
            "inspection",
            "inspection date",
        ],
        "#date+inspection",
        false,
        "Inspection İstanbul",
    ),
    (
        Field::Income,
        &["income group"],
        "#meta+income+group",
        false,
        "Income group",
    ),
    (Field::Flag, &["flag"], "#country+name+flag", false, "Flag"),
    (
        Field::WbRegion,
        &["world bank region"],
        "#loc+wb+region",
        false,
        "World Bank region",
    ),
    (
        Field::UnRegion,
        &["un region"],
        "#loc+un+region",
        false,
        "UN region",
    ),
    (
        Field::Development,
        &["development category"],
        "#meta+development",
        false,
        "Development category",
    ),
];

fn normalise_header(s: &str) -> String {
    // "Inspection İstanbul" lower-cases to "i\u{307}stanbul": drop the combining dot.
    s.trim()
        .to_lowercase()
        .replace('\u{307}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// An HXL hashtag with its attributes in a canonical order (`#a+y+x` ≡ `#a+x+y`).
fn canonical_tag(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    let rest = s.strip_prefix('#')?;
    let mut parts = rest.split('+').map(str::trim);
    let base = parts.next().filter(|b| !b.is_empty())?;
    let mut attrs: Vec<&str> = parts.filter(|a| !a.is_empty()).collect();
    attrs.sort_unstable();
    let mut out = format!("#{base}");
    for a in attrs {
        out.push('+');
        out.push_str(a);
    }
    Some(out)
}

struct Layout {
    /// (field, relative column index)
    columns: BTreeMap<Field, usize>,
    /// Header text by relative column index.
    headers: Vec<String>,
    first_col: u32,
}

impl Layout {
    fn label(&self, field: Field) -> String {
        let i = self.columns[&field];
        format!(
            "{} ({})",
            column_letter(self.first_col + i as u32),
            self.headers[i]
        )
    }
}

/// Reads the table from XLSX bytes. `sheet`: `None` takes the first of [`SHEETS`] present.
/// `file` names the file in messages.
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>, file: &str) -> Result<JccImport, JccError> {
    let mut wb: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e: calamine::XlsxError| {
            JccError::Workbook {
                file: file.to_string(),
                reason: e.to_string(),
            }
        })?;
    let available = wb.sheet_names();
    let name = match sheet {
        Some(s) => available
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| available.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| JccError::NoSuchSheet {
                file: file.to_string(),
                sheet: s.to_string(),
                available: available.clone(),
            })?,
        None => SHEETS
            .iter()
            .find_map(|s| available.iter().find(|n| n.as_str() == *s).cloned())
            .ok_or_else(|| JccError::NoTable {
                file: file.to_string(),
                available: available.clone(),
            })?,
    };
    let range = wb
        .worksheet_range_ref(&name)
        .map_err(|e| JccError::Workbook {
            file: file.to_string(),
            reason: format!("sheet {name}: {e}"),
        })?;
    read_range(&range, &name, file)
}

/// Like [`read_xlsx`], from a file.
pub fn read_xlsx_file(path: &Path, sheet: Option<&str>) -> Result<JccImport, JccError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| JccError::Workbook {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    read_xlsx(&bytes, sheet, &file)
}

fn layout_error(file: &str, sheet: &str, reason: impl Into<String>) -> JccError {
    JccError::Layout {
        file: file.to_string(),
        sheet: sheet.to_string(),
        reason: reason.into(),
    }
}

fn read_range(
    range: &calamine::Range<DataRef<'_>>,
    sheet: &str,
    file: &str,
) -> Result<JccImport, JccError> {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let (height, width) = range.get_size();
    let get = |r: usize, c: usize| range.get((r, c)).unwrap_or(&DataRef::Empty);
    // The header: the first of the top 20 rows naming at least five known columns.
    let known = |r: usize| -> usize {
        (0..width)
            .filter(|&c| {
                cell_text(get(r, c)).is_some_and(|t| {
                    let h = normalise_header(&t);
                    COLUMNS
                        .iter()
                        .any(|(_, names, _, _, _)| names.contains(&h.as_str()))
                })
            })
            .count()
    };
    let header = (0..height.min(20))
        .find(|&r| known(r) >= 5)
        .ok_or_else(|| layout_error(file, sheet, "no header row naming the table's columns (Outbound Sequence, Vessel name, IMO, …) in the first 20 rows"))?;
    let headers: Vec<String> = (0..width)
        .map(|c| {
            cell_text(get(header, c))
                .map(|t| t.into_owned())
                .unwrap_or_default()
        })
        .collect();
    // A hashtag row right under the header.
    let is_hxl = |r: usize| {
        let cells: Vec<_> = (0..width).filter_map(|c| cell_text(get(r, c))).collect();
        !cells.is_empty() && cells.iter().all(|t| t.starts_with('#'))
    };
    let hxl = (header + 1 < height && is_hxl(header + 1)).then_some(header + 1);
    let mut columns = BTreeMap::new();
    for (c, h) in headers.iter().enumerate() {
        let h = normalise_header(h);
        if let Some((f, ..)) = COLUMNS
            .iter()
            .find(|(_, names, ..)| names.contains(&h.as_str()))
            && !columns.contains_key(f)
        {
            columns.insert(*f, c);
        }
    }
    if let Some(hr) = hxl {
        for c in 0..width {
            let Some(tag) = cell_text(get(hr, c)).and_then(|t| canonical_tag(&t)) else {
                continue;
            };
            if let Some((f, ..)) = COLUMNS
                .iter()
                .find(|(_, _, t, ..)| canonical_tag(t).as_deref() == Some(tag.as_str()))
                && !columns.contains_key(f)
            {
                columns.insert(*f, c);
            }
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(f, _, _, required, _)| *required && !columns.contains_key(f))
        .map(|(.., h)| *h)
        .collect();
    if !missing.is_empty() {
        return Err(layout_error(
            file,
            sheet,
            format!(
                "row {}: no column for {}",
                row0 + header as u32 + 1,
                missing.join(", ")
            ),
        ));
    }
    let layout = Layout {
        columns,
        headers,
        first_col: col0,
    };
    let mut out = JccImport {
        sheet: sheet.to_string(),
        header_row: row0 + header as u32 + 1,
        hxl_row: hxl.map(|h| row0 + h as u32 + 1),
        rows_read: 0,
        voyages: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut voyages: BTreeMap<u32, (Voyage, u32)> = BTreeMap::new();
    let start = hxl.unwrap_or(header) + 1;
    for r in start..height {
        if (0..width).all(|c| is_blank(get(r, c))) {
            continue;
        }
        out.rows_read += 1;
        let row_no = row0 + r as u32 + 1;
        let mut row = RowReader {
            layout: &layout,
            cells: |f: Field| get(r, layout.columns[&f]),
            problems: Vec::new(),
            sheet,
            row: row_no,
        };
        let parsed = row.read();
        let mut problems = row.problems;
        let Some((voyage, warn)) = parsed.filter(|_| problems.is_empty()) else {
            out.errors.append(&mut problems);
            continue;
        };
        if let Some(w) = warn {
            out.warnings.push(w);
        }
        match voyages.get_mut(&voyage.sequence) {
            None => {
                voyages.insert(voyage.sequence, (voyage, row_no));
            }
            Some((existing, first_row)) => {
                let differs: Option<(Field, String)> = [
                    (
                        Field::Vessel,
                        existing.vessel != voyage.vessel,
                        existing.vessel.clone(),
                    ),
                    (
                        Field::Imo,
                        existing.imo != voyage.imo,
                        existing.imo.to_string(),
                    ),
                    (
                        Field::Port,
                        existing.departure_port != voyage.departure_port,
                        existing.departure_port.clone(),
                    ),
                    (
                        Field::Departure,
                        existing.departure != voyage.departure,
                        crate::voyages::sheet_time::format(&existing.departure),
                    ),
                    (
                        Field::Inspection,
                        existing.inspection != voyage.inspection,
                        existing
                            .inspection
                            .as_ref()
                            .map(crate::voyages::sheet_time::format)
                            .unwrap_or_else(|| "empty".into()),
                    ),
                    (
                        Field::Flag,
                        existing.flag != voyage.flag,
                        existing.flag.clone().unwrap_or_else(|| "empty".into()),
                    ),
                ]
                .into_iter()
                .find(|(f, d, _)| *d && layout.columns.contains_key(f))
                .map(|(f, _, v)| (f, v));
                if let Some((f, was)) = differs {
                    out.errors.push(CellProblem {
                        sheet: sheet.to_string(),
                        row: row_no,
                        column: layout.label(f),
                        reason: format!(
                            "voyage {} has {was} on row {first_row}; its rows must agree",
                            voyage.sequence
                        ),
                    });
                    continue;
                }
                if !voyage.cargo[0].additional && existing.cargo.iter().all(|c| c.additional) {
                    existing
                        .cargo
                        .insert(0, voyage.cargo.into_iter().next().expect("one line"));
                } else {
                    existing.cargo.extend(voyage.cargo);
                }
            }
        }
    }
    out.voyages = voyages.into_values().map(|(v, _)| v).collect();
    Ok(out)
}

struct RowReader<'l, 's, F> {
    layout: &'l Layout,
    cells: F,
    problems: Vec<CellProblem>,
    sheet: &'s str,
    row: u32,
}

impl<'l, 's, 'c, 'd: 'c, F: Fn(Field) -> &'c DataRef<'d>> RowReader<'l, 's, F> {
    fn problem(&mut self, f: Field, reason: impl Into<String>) {
        self.problems.push(CellProblem {
            sheet: self.sheet.to_string(),
            row: self.row,
            column: self.layout.label(f),
            reason: reason.into(),
        });
    }

    fn has(&self, f: Field) -> bool {
        self.layout.columns.contains_key(&f)
    }

    fn text(&mut self, f: Field, required: bool) -> Option<String> {
        if !self.has(f) {
            return None;
        }
        match cell_text((self.cells)(f)) {
            Some(s) if !is_placeholder(&s) => {
                if s.chars().count() > 200 {
                    self.problem(f, "longer than 200 characters");
                    return None;
                }
                Some(s.into_owned())
            }
            _ => {
                if required {
                    self.problem(f, "empty");
                }
                None
            }
        }
    }

    fn number(&mut self, f: Field) -> Option<f64> {
        match cell_number((self.cells)(f)) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.problem(f, "empty");
                None
            }
            Err(e) => {
                self.problem(f, e);
                None
            }
        }
    }

    fn datetime(&mut self, f: Field, required: bool) -> Option<SheetDateTime> {
        if !self.has(f) {
            return None;
        }
        match cell_datetime((self.cells)(f)) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                if required {
                    self.problem(f, "empty");
                }
                None
            }
            Err(e) => {
                self.problem(f, e);
                None
            }
        }
    }

    fn imo_from_text(&mut self, cell: &DataRef<'_>) -> Option<u32> {
        match cell_text(cell) {
            None => {
                self.problem(Field::Imo, "empty");
                None
            }
            Some(s) => {
                let t = s.trim_start_matches("IMO").trim();
                let digits = t.strip_suffix(".0").unwrap_or(t);
                match digits.parse::<u32>() {
                    Ok(n) if (1_000_000..=9_999_999).contains(&n) => Some(n),
                    _ => {
                        self.problem(Field::Imo, format!("'{s}' is not a seven-digit IMO number"));
                        None
                    }
                }
            }
        }
    }

    /// The row as a one-line voyage, and a warning when the IMO check digit fails.
    fn read(&mut self) -> Option<(Voyage, Option<CellProblem>)> {
        let (direction, additional) = match self.text(Field::Status, false) {
            None => (Direction::Outbound, false),
            Some(s) => {
                let t = s.to_ascii_lowercase();
                let additional = t.trim_end().ends_with('+');
                let word = t.trim_end_matches(['+', ' ']);
                match word {
                    "outbound" => (Direction::Outbound, additional),
                    "inbound" => (Direction::Inbound, additional),
                    _ => {
                        self.problem(
                            Field::Status,
                            format!("'{s}' is not Outbound, Outbound + or Inbound"),
                        );
                        (Direction::Outbound, false)
                    }
                }
            }
        };
        let sequence = self.number(Field::Sequence).and_then(|v| {
            if v.fract() == 0.0 && (1.0..=4_000_000_000.0).contains(&v) {
                Some(v as u32)
            } else {
                self.problem(Field::Sequence, format!("{v} is not a voyage number"));
                None
            }
        });
        let vessel = self.text(Field::Vessel, true);
        let imo_cell = (self.cells)(Field::Imo);
        let imo = match imo_cell {
            DataRef::Float(f) if f.fract() == 0.0 && (1_000_000.0..=9_999_999.0).contains(f) => {
                Some(*f as u32)
            }
            _ => self.imo_from_text(imo_cell),
        };
        let port = self.text(Field::Port, true);
        let country = self.text(Field::Country, true);
        let commodity = self.text(Field::Commodity, true);
        let tonnage = self
            .number(Field::Tonnage)
            .and_then(|v| match Tonnage::from_tonnes(v) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.problem(Field::Tonnage, e.to_string());
                    None
                }
            });
        let departure = self.datetime(Field::Departure, true);
        let inspection = self.datetime(Field::Inspection, false);
        let income_group = self.text(Field::Income, false).and_then(|s| {
            let g = IncomeGroup::parse(&s);
            if g.is_none() {
                self.problem(
                    Field::Income,
                    format!("'{s}' is not a World Bank income group"),
                );
            }
            g
        });
        let flag = self.text(Field::Flag, false);
        let world_bank_region = self.text(Field::WbRegion, false);
        let un_region = self.text(Field::UnRegion, false);
        let development = self.text(Field::Development, false);
        if let (Some(d), Some(i)) = (departure, inspection)
            && i.date() < d.date()
        {
            self.problem(Field::Inspection, "before the departure");
        }
        let (sequence, vessel, imo, port, country, commodity, tonnage, departure) = (
            sequence?, vessel?, imo?, port?, country?, commodity?, tonnage?, departure?,
        );
        let imo_valid = ImoNumber::is_valid(imo);
        let warning = (!imo_valid).then(|| CellProblem {
            sheet: self.sheet.to_string(),
            row: self.row,
            column: self.layout.label(Field::Imo),
            reason: format!("IMO {imo} ({vessel}) fails the check digit; kept as published"),
        });
        Some((
            Voyage {
                sequence,
                direction,
                vessel,
                imo,
                imo_valid,
                flag,
                departure_port: port,
                departure,
                inspection,
                cargo: vec![PublishedCargo {
                    additional,
                    destination: country,
                    commodity,
                    tonnage,
                    income_group,
                    world_bank_region,
                    un_region,
                    development,
                }],
            },
            warning,
        ))
    }
}

/// The voyages as a sheet in the JCC's layout (one row per cargo line), with the HXL hashtag
/// row under the header when `hxl` is set. Income groups are written with the World Bank's
/// labels.
pub fn to_sheet(name: &str, voyages: &[Voyage], hxl: bool) -> xlsx::Sheet {
    let mut rows = Vec::with_capacity(voyages.len() * 2 + 2);
    rows.push(COLUMNS.iter().map(|(.., h)| Cell::from(*h)).collect());
    if hxl {
        rows.push(COLUMNS.iter().map(|(_, _, t, ..)| Cell::from(*t)).collect());
    }
    let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, Cell::from);
    for v in voyages {
        for c in &v.cargo {
            let status = format!(
                "{}{}",
                v.direction.label(),
                if c.additional { " +" } else { "" }
            );
            rows.push(vec![
                Cell::Text(status),
                Cell::Number(f64::from(v.sequence)),
                Cell::from(v.vessel.as_str()),
                Cell::Number(f64::from(v.imo)),
                Cell::from(v.departure_port.as_str()),
                Cell::from(c.destination.as_str()),
                Cell::from(c.commodity.as_str()),
                Cell::Number(c.tonnage.tonnes()),
                Cell::DateTime(v.departure),
                v.inspection.map_or(Cell::Empty, Cell::DateTime),
                c.income_group
                    .map_or(Cell::Empty, |g| Cell::from(g.label())),
                opt(&v.flag),
                opt(&c.world_bank_region),
                opt(&c.un_region),
                opt(&c.development),
            ]);
        }
    }
    xlsx::Sheet {
        name: name.to_string(),
        rows,
    }
}

/// A workbook with the voyages as `Data` and, with the hashtag row, as `Data_HXL`.
pub fn write_xlsx(voyages: &[Voyage]) -> Result<Vec<u8>, String> {
    xlsx::write(&[
        to_sheet("Data", voyages, false),
        to_sheet("Data_HXL", voyages, true),
    ])
}

mod cells;
#[cfg(test)]
mod tests;
