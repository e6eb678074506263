//! Typed errors. Every input error names the file, the line and the field.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong while reading a Pol.is export or analysing it.
#[derive(Debug)]
pub enum ConsultError {
    /// The file could not be opened or read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A required file is absent from the export folder.
    MissingFile { dir: PathBuf, what: String },
    /// A required column is absent from a header.
    MissingColumn { path: PathBuf, column: String },
    /// A row or field is malformed (bad number, unknown id, wrong field count, ...).
    BadField {
        path: PathBuf,
        line: usize,
        field: String,
        message: String,
    },
    /// The analysis was asked for something impossible (e.g. `max_k < 2`).
    BadOption(String),
}

impl ConsultError {
    pub(crate) fn bad(
        path: &std::path::Path,
        line: usize,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        ConsultError::BadField {
            path: path.to_path_buf(),
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// True for errors caused by the input (exit code 2), false for environment failures.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ConsultError::Io { .. })
    }
}

impl fmt::Display for ConsultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsultError::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ConsultError::MissingFile { dir, what } => {
                write!(f, "{}: missing {}", dir.display(), what)
            }
            ConsultError::MissingColumn { path, column } => {
                write!(f, "{}:1: missing column `{}`", path.display(), column)
            }
            ConsultError::BadField {
                path,
                line,
                field,
                message,
            } => write!(
                f,
                "{}:{}: field `{}`: {}",
                path.display(),
                line,
                field,
                message
            ),
            ConsultError::BadOption(msg) => write!(f, "bad option: {msg}"),
        }
    }
}

impl std::error::Error for ConsultError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConsultError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, ConsultError>;
