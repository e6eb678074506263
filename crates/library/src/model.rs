//! The document model: what a parsed UN resolution looks like.

use serde::{Deserialize, Serialize};

/// Which principal organ adopted the resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Organ {
    GeneralAssembly,
    SecurityCouncil,
    Unknown,
}

impl Organ {
    /// Organ from a symbol: `A/…` is the General Assembly, `S/…` the Security Council.
    pub fn from_symbol(symbol: &str) -> Organ {
        if symbol.starts_with("A/") {
            Organ::GeneralAssembly
        } else if symbol.starts_with("S/") {
            Organ::SecurityCouncil
        } else {
            Organ::Unknown
        }
    }

    /// The AKN4UN author code (`unga`, `unsc`).
    pub fn akn_code(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "unga",
            Organ::SecurityCouncil => "unsc",
            Organ::Unknown => "un",
        }
    }
}

/// Where the document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// Text extracted from the official PDF (page furniture, wrapped lines).
    PdfText,
    /// One paragraph per line plain text.
    PlainText,
    /// AKN4UN XML.
    AkomaNtoso,
}

/// A parsed resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Full symbol, e.g. `A/RES/79/274` or `A/RES/79/258 B`.
    pub symbol: String,
    pub organ: Organ,
    /// ISO 639-1 code: ar, zh, en, fr, ru, es (or another code for other languages).
    pub language: String,
    /// Session number (GA), e.g. 79.
    pub session: Option<u32>,
    /// Agenda item numbers as printed, e.g. `61` or `98 (k)`.
    pub agenda_items: Vec<String>,
    /// Agenda item titles as printed.
    pub agenda_item_titles: Vec<String>,
    pub title: String,
    /// ISO date (YYYY-MM-DD).
    pub adoption_date: Option<String>,
    /// ISO date (YYYY-MM-DD).
    pub distribution_date: Option<String>,
    /// Symbols of the drafts or reports the resolution came from, e.g. `A/79/L.59`.
    pub originating_documents: Vec<String>,
    /// Subject terms (UNBIS Thesaurus, DHL authorities) when the source carries them (AKN4UN).
    pub subjects: Vec<String>,
    pub preamble: Vec<PreambularParagraph>,
    pub operative: Vec<OperativeParagraph>,
    pub footnotes: Vec<Footnote>,
    pub annexes: Vec<Annex>,
    pub citations: Vec<Citation>,
    /// Closing lines (meeting, date) as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusions: Option<String>,
    pub source_format: SourceFormat,
}

impl Document {
    pub(crate) fn empty(source_format: SourceFormat) -> Document {
        Document {
            symbol: String::new(),
            organ: Organ::Unknown,
            language: String::new(),
            session: None,
            agenda_items: Vec::new(),
            agenda_item_titles: Vec::new(),
            title: String::new(),
            adoption_date: None,
            distribution_date: None,
            originating_documents: Vec::new(),
            subjects: Vec::new(),
            preamble: Vec::new(),
            operative: Vec::new(),
            footnotes: Vec::new(),
            annexes: Vec::new(),
            citations: Vec::new(),
            conclusions: None,
            source_format,
        }
    }

    /// The symbol without part letters (`A/RES/79/258 B` → `A/RES/79/258`).
    pub fn base_symbol(&self) -> String {
        crate::citations::base_symbol(&self.symbol)
    }
}

/// A preambular paragraph with its opening phrase (`Recalling`, `回顾`, `Rappelant` …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreambularParagraph {
    pub phrase: String,
    pub text: String,
    /// Part letter of a multi-part resolution (`A`, `B`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

/// An operative paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperativeParagraph {
    /// Number as printed without the trailing dot (`1`, `I`); `None` for unnumbered paragraphs.
    pub number: Option<String>,
    pub text: String,
    pub sub_items: Vec<SubItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

/// A lettered sub-item of an operative paragraph (`(a)`, `a)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubItem {
    pub label: String,
    pub text: String,
}

/// A footnote, with the paragraph its marker sits in (`preamble 11`, `operative 4`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footnote {
    pub marker: String,
    pub text: String,
    pub anchor: Option<String>,
}

/// An annex (attachment) of the resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annex {
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// What a citation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationKind {
    /// A General Assembly resolution (`A/RES/50/80 A`).
    Resolution,
    /// A General Assembly decision (`A/DEC/62/557`).
    Decision,
    /// A Security Council resolution (`S/RES/2719 (2023)`).
    SecurityCouncilResolution,
    /// An Economic and Social Council resolution (`E/RES/1980/67`).
    EcosocResolution,
    /// A Human Rights Council resolution (`A/HRC/RES/15/4`).
    HumanRightsCouncilResolution,
    /// Any other UN document (`A/75/651-S/2020/1203`).
    Document,
    /// A lessons-learned record of a Chamber mediation process (`CHAMBER/LESSONS/…`).
    LessonsLearned,
}

/// A reference from this document to another one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Normalised symbol, e.g. `A/RES/50/80 A` or `A/75/651-S/2020/1203`.
    pub target: String,
    pub kind: CitationKind,
    /// Position: `preamble 3`, `operative 2`, `footnote 1`.
    #[serde(rename = "in")]
    pub location: String,
    /// The text as printed.
    pub surface: String,
    /// ISO date of the cited resolution, when the text gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Citation {
    /// True when the citation sits in a footnote.
    pub fn in_footnote(&self) -> bool {
        self.location.starts_with("footnote")
    }
}

impl Default for Document {
    fn default() -> Self {
        Document::empty(SourceFormat::PlainText)
    }
}
