//! Parse errors: one clear message, with line and column where there is one.

/// Why a document could not be parsed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The XML is not well formed.
    #[error("malformed XML at line {line}, column {column}: {message}")]
    Xml {
        line: usize,
        column: usize,
        message: String,
    },
    /// The XML is well formed but is not an Akoma Ntoso document.
    #[error("not an Akoma Ntoso document: {0}")]
    NotAkn(String),
    /// The text has no recognisable resolution structure.
    #[error("no resolution found: {0}")]
    NoResolution(String),
    /// The input is not UTF-8.
    #[error("input is not valid UTF-8 (byte {0})")]
    Encoding(usize),
}

/// Line and column (1-based, columns in characters) of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
