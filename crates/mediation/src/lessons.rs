//! Closing a process with its lessons learned.
//!
//! A mediator of the process closes it and writes, in the same act, a lessons-learned record:
//! context, what worked, what did not, how each provision of the agreement fared (held, partly,
//! failed, not assessed — from its last score unless the mediator says otherwise), and the
//! documents it cites. The record goes to the Library (it is a
//! [`chamber_library::lessons::LessonsRecord`], searchable beside the resolutions), so every
//! signed-in user of the platform may read it.
//!
//! Confidentiality by construction: the record is built only from non-confidential material —
//! what the mediator writes, the issued versions of the negotiating text, the agreement and its
//! monitoring, and plenary notes. [`PublicMaterial`] has no place for anything else: a note enters
//! only as a [`PlenaryNote`], which cannot be made from a caucus or mediators' note; of the text
//! record only issued versions are read, never amendments (a pending or rejected amendment is
//! caucus material). What the mediator types is theirs to publish.
//!
//! Closing is final: a closed process refuses a second closing ([`Error::Closed`]), and its
//! agreement refuses further changes and scores.

use crate::Timestamp;
use crate::agreement::{Agreement, Level};
use crate::error::{Error, Result, clean_text, invalid};
use crate::ids::{ParagraphId, PersonId};
use crate::permissions;
use crate::process::{Process, ProcessKind};
use crate::spaces::{Note, SpaceKind};
use crate::text::{NegotiatingText, TextRecord};
use chamber_library::lessons::{
    self as library, AgreementLink, CitationSource, CitedDocument, ProcessLink, ProvisionOutcome,
};
use chamber_library::{CitationKind, Lang};

pub use chamber_library::lessons::Outcome;
/// Filing a record in the Library (stored, cited, and indexed when the library is built with
/// search), for the application layer, which has no other road to the library.
pub use chamber_library::lessons::{
    FileLessonsError, Filed, LessonsRecord, file_lessons, symbol_for,
};

/// A note of the process's plenary space. The only way to make one is [`PlenaryNote::new`],
/// which refuses a note of any other space: a caucus note cannot become lessons material.
#[derive(Debug, Clone, Copy)]
pub struct PlenaryNote<'a>(&'a Note);

impl<'a> PlenaryNote<'a> {
    /// The note, when it lives in `process`'s plenary; `None` for a caucus or mediators' note,
    /// or a note of another process.
    pub fn new(process: &Process, note: &'a Note) -> Option<PlenaryNote<'a>> {
        process
            .space(&note.space)
            .filter(|s| s.kind == SpaceKind::Plenary)
            .map(|_| PlenaryNote(note))
    }

    /// Keeps the plenary notes of `notes`, dropping every other.
    pub fn select(process: &Process, notes: impl IntoIterator<Item = &'a Note>) -> Vec<Self> {
        notes
            .into_iter()
            .filter_map(|n| PlenaryNote::new(process, n))
            .collect()
    }
}

/// The non-confidential material a lessons-learned record may draw from.
#[derive(Debug, Clone, Default)]
pub struct PublicMaterial<'a> {
    /// The negotiating text's record: only its issued versions are read.
    pub text: Option<&'a TextRecord>,
    pub agreement: Option<&'a Agreement>,
    pub plenary: Vec<PlenaryNote<'a>>,
}

/// What the mediator says about one provision, overriding what its scores suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionLesson {
    pub provision: ParagraphId,
    /// `None`: from the provision's last score.
    pub outcome: Option<Outcome>,
    pub note: String,
}

/// What the mediator writes when closing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonsDraft {
    /// The language it is written in (an ISO 639-1 code of the six languages).
    pub language: String,
    pub context: String,
    pub what_worked: String,
    pub what_did_not_work: String,
    pub provisions: Vec<ProvisionLesson>,
    /// Documents it cites: symbols (`A/RES/79/274`, `S/RES/2719 (2023)`) or text naming them
    /// ("resolution 79/274"), one an entry.
    pub cites: Vec<String>,
}

/// The outcome a provision's latest level suggests.
pub fn outcome_of(latest: Option<Level>) -> Outcome {
    match latest {
        Some(Level::Full) => Outcome::Held,
        Some(Level::Minimal | Level::Intermediate) => Outcome::Partly,
        Some(Level::NotStarted) => Outcome::Failed,
        None => Outcome::NotAssessed,
    }
}

const SECTION_MAX: usize = 20_000;

/// Closes the process and returns its lessons-learned record, for the caller to store with the
/// process and file in the Library (`chamber_library::lessons::file_lessons`). Mediators only;
/// refused when the process is already closed, when the draft says nothing, or names a
/// provision the agreement does not have or a document it cannot read as a symbol. Nothing is
/// changed when it is refused.
pub fn close_process(
    process: &mut Process,
    person: &PersonId,
    material: PublicMaterial<'_>,
    draft: &LessonsDraft,
    at: Timestamp,
) -> Result<LessonsRecord> {
    permissions::require(
        process,
        person,
        permissions::may_close_process(process, person),
        "only a mediator closes the process",
    )?;
    if process.is_closed() {
        return Err(Error::Closed);
    }
    if material.text.is_some_and(|t| t.process() != process.id())
        || material
            .agreement
            .is_some_and(|a| &a.process != process.id())
    {
        return Err(Error::NotFound);
    }
    let record = build(process, person, &material, draft, at)?;
    process.close(person, at)?;
    Ok(record)
}

fn build(
    process: &Process,
    person: &PersonId,
    material: &PublicMaterial<'_>,
    draft: &LessonsDraft,
    at: Timestamp,
) -> Result<LessonsRecord> {
    let language = Lang::from_code(draft.language.trim())
        .ok_or_else(|| invalid("language", "one of ar, zh, en, fr, ru, es"))?;
    let section = |field, s: &str| clean_text(field, s.trim(), SECTION_MAX);
    let context = section("context", &draft.context)?;
    let what_worked = section("what_worked", &draft.what_worked)?;
    let what_did_not_work = section("what_did_not_work", &draft.what_did_not_work)?;
    if [&context, &what_worked, &what_did_not_work]
        .iter()
        .all(|s| s.is_empty())
    {
        return Err(invalid(
            "context",
            "write the context, what worked or what did not work",
        ));
    }
    let provisions = provisions(material.agreement, &draft.provisions)?;
    let cites = citations(material, &draft.cites)?;
    let record = LessonsRecord {
        symbol: library::symbol_for(process.id().as_str()),
        language: language.code().to_string(),
        process: ProcessLink {
            id: process.id().to_string(),
            title: process.title().to_string(),
            kind: match process.kind() {
                ProcessKind::PeaceProcess => "peace_process",
                ProcessKind::PreventiveCase => "preventive_case",
            }
            .to_string(),
        },
        closed_on: at.to_offset(time::UtcOffset::UTC).date().to_string(),
        written_by: person.to_string(),
        context,
        what_worked,
        what_did_not_work,
        provisions,
        agreement: material.agreement.map(|a| {
            let rate = a.rate();
            AgreementLink {
                id: a.id.to_string(),
                version: a.version,
                content_hash: a.content_hash.clone(),
                adopted_on: a
                    .adopted_at
                    .to_offset(time::UtcOffset::UTC)
                    .date()
                    .to_string(),
                points: rate.points,
                max: rate.max,
            }
        }),
        cites,
    };
    record.check().map_err(|e| match e {
        chamber_library::lessons::LessonsError::Invalid { reason, .. } => {
            invalid("lessons record", reason)
        }
        other => invalid("lessons record", other.to_string()),
    })?;
    Ok(record)
}

fn provisions(
    agreement: Option<&Agreement>,
    said: &[ProvisionLesson],
) -> Result<Vec<ProvisionOutcome>> {
    let Some(a) = agreement else {
        return match said.first() {
            Some(_) => Err(invalid("provisions", "the process has no agreement")),
            None => Ok(Vec::new()),
        };
    };
    if let Some(unknown) = said.iter().find(|l| a.commitment(&l.provision).is_none()) {
        return Err(invalid(
            "provisions",
            format!(
                "{} is not a provision of the agreement",
                unknown.provision.as_str()
            ),
        ));
    }
    a.commitments
        .iter()
        .map(|c| {
            let latest = a.latest_score(&c.provision).map(|s| s.level);
            let lesson = said.iter().rev().find(|l| l.provision == c.provision);
            Ok(ProvisionOutcome {
                provision: c.provision.to_string(),
                label: c.label.clone(),
                provision_type: c.provision_type.map(|t| t.code().to_string()),
                outcome: lesson
                    .and_then(|l| l.outcome)
                    .unwrap_or_else(|| outcome_of(latest)),
                latest_level: latest.map(u8::from),
                text: c.text.clone(),
                note: match lesson {
                    Some(l) => clean_text("provisions.note", l.note.trim(), SECTION_MAX)?,
                    None => String::new(),
                },
            })
        })
        .collect()
}

/// The plain text of every issued version's paragraphs (never amendments).
fn text_of(text: &NegotiatingText) -> String {
    let mut out = text.title.clone();
    for (_, _, p) in text.walk() {
        out.push('\n');
        out.push_str(&p.wording.text());
        for alt in &p.alternatives {
            out.push('\n');
            out.push_str(&alt.text());
        }
    }
    out
}

fn citations(material: &PublicMaterial<'_>, named: &[String]) -> Result<Vec<CitedDocument>> {
    let mut out: Vec<CitedDocument> = Vec::new();
    let mut add = |symbol: String, kind: CitationKind, source: CitationSource| {
        if !out.iter().any(|c| c.symbol == symbol) {
            out.push(CitedDocument {
                symbol,
                kind,
                source,
            });
        }
    };
    for (i, entry) in named.iter().enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let found = library::cited_in(entry);
        if found.is_empty() {
            return Err(invalid(
                "cites",
                format!("entry {} ({entry:?}) names no document symbol", i + 1),
            ));
        }
        for (symbol, kind) in found {
            add(symbol, kind, CitationSource::Mediator);
        }
    }
    let mut texts: Vec<String> = Vec::new();
    if let Some(record) = material.text {
        texts.extend(record.versions().iter().map(|v| text_of(&v.text)));
    }
    if let Some(a) = material.agreement {
        texts.push(text_of(&a.text));
    }
    for t in texts {
        for (symbol, kind) in library::cited_in(&t) {
            add(symbol, kind, CitationSource::Text);
        }
    }
    for n in &material.plenary {
        for (symbol, kind) in library::cited_in(&format!("{}\n{}", n.0.title, n.0.body)) {
            add(symbol, kind, CitationSource::Plenary);
        }
    }
    Ok(out)
}
