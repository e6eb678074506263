//! `chamber-library`: UN resolutions as structured, linked documents.
//!
//! Reads General Assembly and Security Council resolutions in the six UN languages from
//! PDF-extracted text, plain-text renderings or AKN4UN XML into a [`Document`] (metadata,
//! preambular and operative paragraphs, footnotes, citations); exports Akoma Ntoso 3.0 with
//! AKN4UN FRBR identifiers; builds a citation graph over a set of documents. Lessons-learned
//! records of closed mediation processes ([`lessons`]) sit beside the resolutions: stored,
//! searchable and linked in the same graph.
//!
//! Architecture invariant: no HTTP, no SQL, no file system writes; the parser never panics on
//! arbitrary input (it returns a [`ParseError`]).

pub mod akn;
pub mod citations;
pub mod cli;
pub mod dates;
pub mod docstore;
pub mod error;
pub mod export;
pub mod graph;
pub mod lang;
pub mod lessons;
pub mod model;
#[cfg(feature = "search")]
pub mod search;
pub mod text;

pub use akn::parse_akn;
pub use error::ParseError;
pub use export::to_akn;
pub use graph::CitationGraph;
pub use lang::Lang;
pub use lessons::LessonsRecord;
pub use model::*;
pub use text::parse_text;

use std::path::Path;

/// True when the input looks like XML (after an optional BOM and whitespace).
pub fn looks_like_xml(input: &str) -> bool {
    input
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

/// Parse a resolution from a string: AKN4UN XML when it starts with `<`, plain text otherwise.
/// `lang` overrides the language found in the input.
pub fn parse_str(input: &str, lang: Option<Lang>) -> Result<Document, ParseError> {
    if looks_like_xml(input) {
        let mut doc = parse_akn(input.trim_start_matches('\u{feff}'))?;
        if let Some(l) = lang {
            doc.language = l.code().to_string();
        }
        Ok(doc)
    } else {
        parse_text(input, lang)
    }
}

/// Parse a resolution from bytes (UTF-8 required).
pub fn parse_bytes(input: &[u8], lang: Option<Lang>) -> Result<Document, ParseError> {
    let text = std::str::from_utf8(input).map_err(|e| ParseError::Encoding(e.valid_up_to()))?;
    parse_str(text, lang)
}

/// Error of [`parse_file`]: the file could not be read, or its content could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse { path: String, source: ParseError },
}

/// Read and parse a file (the only function here that touches the file system, read-only).
pub fn parse_file(path: &Path, lang: Option<Lang>) -> Result<Document, FileError> {
    let bytes = std::fs::read(path).map_err(|source| FileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_bytes(&bytes, lang).map_err(|source| FileError::Parse {
        path: path.display().to_string(),
        source,
    })
}
