//! Lessons-learned records: what a closed mediation process taught, kept in the Library beside
//! the resolutions.
//!
//! A [`LessonsRecord`] is written by the mediator when a process closes (the rules — who may
//! write it, and that it holds only non-confidential material — live in `chamber-mediation`,
//! which builds it). Here it is a library document:
//!
//! - **Stored shape**: JSON, `DATA/library/lessons/<symbol key>.json` (see
//!   [`crate::docstore::save_lessons`]); [`LessonsRecord::from_json`] refuses a record that
//!   breaks the shape and names the line, column or field.
//! - **Symbol**: `CHAMBER/LESSONS/<process id>`, one record per process; it never collides with a
//!   UN symbol, and [`is_lessons_symbol`] tells the two apart.
//! - **Search**: its sections (context, what worked, what did not work, each provision's outcome)
//!   are indexed as paragraphs with the subject term [`SUBJECT`], so a search can ask for
//!   lessons only or resolutions only (`search` feature, [`crate::search::SearchIndex::add_lessons`]).
//! - **Links**: the process it comes from ([`ProcessLink`]) and the documents it cites
//!   ([`CitedDocument`]), which become citation-graph edges
//!   ([`crate::graph::CitationGraph::add_lessons`]).
//!
//! [`file_lessons`] does all three for the application in one call.

use crate::citations;
use crate::model::CitationKind;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The prefix of every lessons-learned symbol.
pub const SYMBOL_PREFIX: &str = "CHAMBER/LESSONS/";

/// The subject term every lessons-learned record is indexed under.
pub const SUBJECT: &str = "LESSONS LEARNED";

/// The process a record comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessLink {
    /// The process id (32 hexadecimal characters).
    pub id: String,
    pub title: String,
    /// `peace_process` or `preventive_case`.
    pub kind: String,
}

/// The agreement the process reached, as it stood when the process closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementLink {
    pub id: String,
    /// The version of the negotiating text adopted.
    pub version: u32,
    pub content_hash: String,
    /// ISO date of adoption.
    pub adopted_on: String,
    /// The implementation rate at closing: `points / max` (Peace Accords Matrix method).
    pub points: u32,
    pub max: u32,
}

/// How a provision of the agreement fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Fully implemented, or held.
    Held,
    /// Partly implemented.
    Partly,
    /// Not implemented, or broken.
    Failed,
    /// Never assessed.
    NotAssessed,
}

impl Outcome {
    /// The stable code (`held`, `partly`, `failed`, `not-assessed`); display names come from the
    /// catalogue.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Held => "held",
            Outcome::Partly => "partly",
            Outcome::Failed => "failed",
            Outcome::NotAssessed => "not-assessed",
        }
    }
}

/// One provision of the agreement and how it fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionOutcome {
    /// The provision's (paragraph's) id in the agreement.
    pub provision: String,
    /// Its number in the agreement ("3").
    pub label: String,
    /// Its Peace Accords Matrix provision type code, when it was given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision_type: Option<String>,
    pub outcome: Outcome,
    /// The last implementation level recorded (0–3), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_level: Option<u8>,
    /// The provision's text as adopted.
    #[serde(default)]
    pub text: String,
    /// The mediator's note on it.
    #[serde(default)]
    pub note: String,
}

/// Where a citation was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationSource {
    /// Named by the mediator in the record.
    Mediator,
    /// Cited in the negotiating text or the agreement.
    Text,
    /// Cited in a plenary note.
    Plenary,
}

/// A document the record cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedDocument {
    /// Normalised symbol (`A/RES/79/274`, `S/RES/2719 (2023)`).
    pub symbol: String,
    pub kind: CitationKind,
    pub source: CitationSource,
}

/// A lessons-learned record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonsRecord {
    /// `CHAMBER/LESSONS/<process id>` ([`symbol_for`]).
    pub symbol: String,
    /// ISO 639-1 code of the language it is written in.
    pub language: String,
    pub process: ProcessLink,
    /// ISO date the process closed.
    pub closed_on: String,
    /// The mediator who wrote it (username).
    pub written_by: String,
    pub context: String,
    pub what_worked: String,
    pub what_did_not_work: String,
    #[serde(default)]
    pub provisions: Vec<ProvisionOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementLink>,
    #[serde(default)]
    pub cites: Vec<CitedDocument>,
}

/// Why a lessons-learned record was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonsError {
    #[error("lessons record: malformed JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("lessons record: invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> LessonsError {
    LessonsError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// The symbol of the lessons-learned record of a process.
pub fn symbol_for(process_id: &str) -> String {
    format!("{SYMBOL_PREFIX}{}", process_id.trim().to_ascii_lowercase())
}

/// True for a lessons-learned symbol (any case).
pub fn is_lessons_symbol(symbol: &str) -> bool {
    symbol
        .trim()
        .to_ascii_uppercase()
        .starts_with(SYMBOL_PREFIX)
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The documents a piece of text cites (resolutions, decisions, other UN symbols), normalised,
/// in order of first appearance, each once. A bare symbol (`A/RES/79/274`, `S/2020/1203`) is
/// recognised as well as a citation in running text ("resolution 79/274").
pub fn cited_in(text: &str) -> Vec<(String, CitationKind)> {
    let mut out: Vec<(String, CitationKind)> = Vec::new();
    for c in citations::extract(text, "lessons") {
        if !out.iter().any(|(s, _)| *s == c.target) {
            out.push((c.target, c.kind));
        }
    }
    out
}

impl LessonsRecord {
    /// Reads a stored record, refusing one that breaks the shape.
    pub fn from_json(json: &str) -> Result<LessonsRecord, LessonsError> {
        let rec: LessonsRecord = serde_json::from_str(json).map_err(|e| LessonsError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        rec.check()?;
        Ok(rec)
    }

    /// The stored shape.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a lessons record always serialises")
    }

    /// Checks the record's invariants: its symbol is its process's, dates are ISO dates, the
    /// levels are 0–3, the sections are not all empty.
    pub fn check(&self) -> Result<(), LessonsError> {
        let id = &self.process.id;
        if id.len() != 32 || !id.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(invalid(
                "process.id",
                "expected 32 lower-case hexadecimal characters",
            ));
        }
        if self.symbol != symbol_for(id) {
            return Err(invalid(
                "symbol",
                format!("expected {} for its process", symbol_for(id)),
            ));
        }
        if self.process.title.trim().is_empty() {
            return Err(invalid("process.title", "must not be empty"));
        }
        let lang = self.language.trim();
        if lang.len() < 2 || lang.len() > 3 || !lang.bytes().all(|c| c.is_ascii_lowercase()) {
            return Err(invalid("language", "expected an ISO 639-1 code such as en"));
        }
        if !is_iso_date(&self.closed_on) {
            return Err(invalid("closed_on", "expected an ISO date YYYY-MM-DD"));
        }
        if self.written_by.trim().is_empty() {
            return Err(invalid("written_by", "must not be empty"));
        }
        if [&self.context, &self.what_worked, &self.what_did_not_work]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            return Err(invalid(
                "context",
                "a lessons record says something: context, what worked or what did not work",
            ));
        }
        for (i, p) in self.provisions.iter().enumerate() {
            if p.latest_level.is_some_and(|l| l > 3) {
                return Err(invalid(
                    format!("provisions[{i}].latest_level"),
                    "an implementation level is 0, 1, 2 or 3",
                ));
            }
        }
        if let Some(a) = &self.agreement {
            if !is_iso_date(&a.adopted_on) {
                return Err(invalid("agreement.adopted_on", "expected an ISO date"));
            }
            if a.points > a.max {
                return Err(invalid("agreement.points", "more points than the maximum"));
            }
        }
        Ok(())
    }

    /// The record's searchable paragraphs: `(position, text)` with positions `context`,
    /// `what worked`, `what did not work` and `provision <label>`.
    pub fn paragraphs(&self) -> Vec<(String, String)> {
        let mut v = vec![
            ("context".to_string(), self.context.clone()),
            ("what worked".to_string(), self.what_worked.clone()),
            (
                "what did not work".to_string(),
                self.what_did_not_work.clone(),
            ),
        ];
        for p in &self.provisions {
            let mut t = p.text.clone();
            if !p.note.trim().is_empty() {
                if !t.is_empty() {
                    t.push('\n');
                }
                t.push_str(&p.note);
            }
            v.push((format!("provision {}", p.label), t));
        }
        v.retain(|(_, t)| !t.trim().is_empty());
        v
    }

    /// The subject terms it is indexed under: [`SUBJECT`] and its provisions' types.
    pub fn subjects(&self) -> Vec<String> {
        let mut s = vec![SUBJECT.to_string()];
        for p in &self.provisions {
            if let Some(t) = &p.provision_type {
                let t = t.to_uppercase();
                if !s.contains(&t) {
                    s.push(t);
                }
            }
        }
        s
    }
}

/// What [`file_lessons`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub symbol: String,
    /// Paragraphs indexed for search; `None` when built without the `search` feature.
    pub paragraphs_indexed: Option<usize>,
    /// Citation-graph edges from the record.
    pub citations: usize,
}

/// Error of [`file_lessons`].
#[derive(Debug, thiserror::Error)]
pub enum FileLessonsError {
    #[error(transparent)]
    Invalid(#[from] LessonsError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Index(String),
}

/// Enters a lessons-learned record in the library under `data` (the platform's data folder):
/// stores it (`library/lessons/`), adds it and its citations to the citation graph
/// (`library/graph.json`), and, with the `search` feature, indexes it (`library/index`).
/// Filing the same process's record again replaces it everywhere.
pub fn file_lessons(data: &Path, rec: &LessonsRecord) -> Result<Filed, FileLessonsError> {
    rec.check()?;
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| FileLessonsError::Io { path, source }
    };
    crate::docstore::save_lessons(data, rec).map_err(io(&data.join("library")))?;
    let gfile = data.join("library").join("graph.json");
    let mut graph = match std::fs::read_to_string(&gfile) {
        Ok(t) => crate::graph::CitationGraph::from_json(&t).map_err(|e| FileLessonsError::Io {
            path: gfile.display().to_string(),
            source: std::io::Error::other(e),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(io(&gfile)(e)),
    };
    graph.add_lessons(rec);
    let tmp = gfile.with_extension("json.tmp");
    std::fs::write(&tmp, graph.to_json()).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &gfile).map_err(io(&gfile))?;
    let citations = graph.cites(&rec.symbol).len();
    #[cfg(feature = "search")]
    let paragraphs_indexed = {
        let dir = data.join("library").join("index");
        let mut idx = crate::search::SearchIndex::open_or_create(&dir)
            .map_err(|e| FileLessonsError::Index(e.to_string()))?;
        Some(
            idx.add_lessons(std::slice::from_ref(rec))
                .map_err(|e| FileLessonsError::Index(e.to_string()))?,
        )
    };
    #[cfg(not(feature = "search"))]
    let paragraphs_indexed = None;
    Ok(Filed {
        symbol: rec.symbol.clone(),
        paragraphs_indexed,
        citations,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> LessonsRecord {
        let id = "0123456789abcdef0123456789abcdef";
        LessonsRecord {
            symbol: symbol_for(id),
            language: "en".into(),
            process: ProcessLink {
                id: id.into(),
                title: "Northern corridor talks".into(),
                kind: "peace_process".into(),
            },
            closed_on: "2027-06-30".into(),
            written_by: "amira.k".into(),
            context: "Talks opened after the September clashes.".into(),
            what_worked: "Shuttle diplomacy between the capitals.".into(),
            what_did_not_work: "Plenary sessions held too early.".into(),
            provisions: vec![ProvisionOutcome {
                provision: "ab".repeat(16),
                label: "1".into(),
                provision_type: Some("cease-fire".into()),
                outcome: Outcome::Held,
                latest_level: Some(3),
                text: "The Parties shall cease all hostilities.".into(),
                note: String::new(),
            }],
            agreement: None,
            cites: vec![CitedDocument {
                symbol: "A/RES/79/274".into(),
                kind: CitationKind::Resolution,
                source: CitationSource::Mediator,
            }],
        }
    }

    #[test]
    fn round_trips_and_refuses_a_broken_record_naming_the_field() {
        let rec = sample();
        assert_eq!(LessonsRecord::from_json(&rec.to_json()).unwrap(), rec);
        let mut v: serde_json::Value = serde_json::from_str(&rec.to_json()).unwrap();
        v["symbol"] = "CHAMBER/LESSONS/ffffffffffffffffffffffffffffffff".into();
        let e = LessonsRecord::from_json(&v.to_string()).unwrap_err();
        assert!(
            matches!(&e, LessonsError::Invalid { field, .. } if field == "symbol"),
            "{e}"
        );
        let mut v: serde_json::Value = serde_json::from_str(&rec.to_json()).unwrap();
        v["provisions"][0]["latest_level"] = 4.into();
        let e = LessonsRecord::from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("provisions[0].latest_level"), "{e}");
        let e = LessonsRecord::from_json("{\n  \"symbol\": 3\n}").unwrap_err();
        assert!(matches!(e, LessonsError::Json { line: 2, .. }), "{e}");
    }

    #[test]
    fn symbols_and_citations() {
        assert!(is_lessons_symbol("chamber/lessons/0123"));
        assert!(!is_lessons_symbol("A/RES/79/274"));
        let cited = cited_in(
            "Recalling resolution 79/274 and Security Council resolution 2719 (2023), and A/RES/79/274.",
        );
        let symbols: Vec<&str> = cited.iter().map(|(s, _)| s.as_str()).collect();
        assert!(symbols.contains(&"A/RES/79/274"), "{symbols:?}");
        assert!(symbols.contains(&"S/RES/2719 (2023)"), "{symbols:?}");
        assert_eq!(symbols.iter().filter(|s| **s == "A/RES/79/274").count(), 1);
        let rec = sample();
        let positions: Vec<String> = rec.paragraphs().into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            positions,
            ["context", "what worked", "what did not work", "provision 1"]
        );
        assert_eq!(rec.subjects(), [SUBJECT, "CEASE-FIRE"]);
    }
}
