//! The single negotiating text in UN structure: a title, preambular paragraphs, numbered
//! operative paragraphs with sub-items.
//!
//! Each paragraph is agreed ad referendum, bracketed or deleted; its wording is a sequence of
//! [`Segment`]s, some of them bracketed (bracketed spans inside otherwise agreed text), and it
//! may carry alternatives (Alt 1 is [`Paragraph::wording`], Alt 2… are
//! [`Paragraph::alternatives`]). Offsets into a wording count Unicode characters of its plain
//! text (brackets are not characters of the text: they are the `bracketed` flag).
//!
//! * [`Operation`] — the edits (party amendments and the mediator's own edits).
//! * [`TextRecord`] — versions (immutable values) and amendments of one process.
//! * [`diff`] — between any two versions, by paragraph and by word.
//! * [`render`] — plain text and HTML the way diplomats read it.

pub mod diff;
mod history;
mod ops;
pub mod render;

pub use history::{
    Amendment, AmendmentStatus, AmendmentView, Decision, Outcome, TextRecord, Version,
};
pub use ops::{Operation, agree_as_it_stands, replace_wording};

use crate::error::{Result, clean_line, invalid};
use crate::ids::ParagraphId;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A run of text, bracketed (not agreed) or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub bracketed: bool,
}

/// The words of a paragraph or of one of its alternatives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wording(pub Vec<Segment>);

impl Wording {
    /// Unbracketed text.
    pub fn plain(s: &str) -> Wording {
        Wording(vec![Segment {
            text: s.to_string(),
            bracketed: false,
        }])
        .normalized()
    }

    /// Text wholly in brackets.
    pub fn bracketed(s: &str) -> Wording {
        Wording(vec![Segment {
            text: s.to_string(),
            bracketed: true,
        }])
        .normalized()
    }

    /// Reads the diplomats' notation: `agreed text [bracketed text] agreed text`; adjacent
    /// bracketed runs stay distinct (`[two][three]`). Brackets must balance and do not nest.
    pub fn parse_marked(s: &str) -> Result<Wording> {
        let mut flags = Vec::new();
        let mut group = 0u32;
        let mut open = false;
        for c in s.chars() {
            match c {
                '[' if !open => {
                    open = true;
                    group += 1;
                }
                ']' if open => open = false,
                '[' | ']' => return Err(invalid("wording", "unbalanced or nested brackets")),
                c => flags.push((c, if open { group } else { 0 })),
            }
        }
        if open {
            return Err(invalid("wording", "unclosed bracket"));
        }
        Ok(Wording::from_flags(&flags))
    }

    /// The text without brackets.
    pub fn text(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }

    /// The text with square brackets around bracketed spans.
    pub fn marked(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            if s.bracketed {
                out.push('[');
                out.push_str(&s.text);
                out.push(']');
            } else {
                out.push_str(&s.text);
            }
        }
        out
    }

    pub fn char_len(&self) -> usize {
        self.0.iter().map(|s| s.text.chars().count()).sum()
    }

    pub fn has_brackets(&self) -> bool {
        self.0.iter().any(|s| s.bracketed)
    }

    /// Each character with its bracket group: 0 outside brackets, otherwise a number shared
    /// by the characters of one bracketed run.
    pub(crate) fn flags(&self) -> Vec<(char, u32)> {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                let g = if s.bracketed { i as u32 + 1 } else { 0 };
                s.text.chars().map(move |c| (c, g))
            })
            .collect()
    }

    pub(crate) fn from_flags(flags: &[(char, u32)]) -> Wording {
        let mut segs: Vec<Segment> = Vec::new();
        let mut last_group = None;
        for &(c, g) in flags {
            match segs.last_mut() {
                Some(last) if last_group == Some(g) => last.text.push(c),
                _ => segs.push(Segment {
                    text: c.to_string(),
                    bracketed: g != 0,
                }),
            }
            last_group = Some(g);
        }
        Wording(segs)
    }

    /// Empty runs dropped, adjacent unbracketed runs merged (bracketed runs stay apart).
    pub fn normalized(&self) -> Wording {
        Wording::from_flags(&self.flags())
    }

    fn check(&self) -> Result<()> {
        if self.char_len() > 20_000 {
            return Err(invalid(
                "wording",
                "a paragraph holds at most 20,000 characters",
            ));
        }
        if self.text().chars().any(|c| c.is_control()) {
            return Err(invalid("wording", "no control characters"));
        }
        Ok(())
    }
}

/// Where a paragraph stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphStatus {
    /// Agreed ad referendum (subject to the parties' capitals).
    AgreedAdReferendum,
    /// Not agreed: the whole paragraph stands in brackets.
    Bracketed,
    /// Deleted; kept in place so that numbering stays stable.
    Deleted,
}

/// A paragraph or sub-item of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub id: ParagraphId,
    pub status: ParagraphStatus,
    /// Alt 1 (the only wording when there are no alternatives).
    pub wording: Wording,
    /// Alt 2, Alt 3, … in order.
    #[serde(default)]
    pub alternatives: Vec<Wording>,
    /// Sub-items (a), (b), … (one level).
    #[serde(default)]
    pub sub_items: Vec<Paragraph>,
}

impl Paragraph {
    pub fn new<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        status: ParagraphStatus,
        wording: Wording,
    ) -> Paragraph {
        Paragraph {
            id: ParagraphId::generate(rng),
            status,
            wording: wording.normalized(),
            alternatives: Vec::new(),
            sub_items: Vec::new(),
        }
    }

    pub fn with_alternative(mut self, w: Wording) -> Paragraph {
        self.alternatives.push(w.normalized());
        self
    }

    pub fn with_sub_item(mut self, p: Paragraph) -> Paragraph {
        self.sub_items.push(p);
        self
    }

    /// Wording number `alt` (0 = Alt 1).
    pub fn alternative(&self, alt: usize) -> Option<&Wording> {
        if alt == 0 {
            Some(&self.wording)
        } else {
            self.alternatives.get(alt - 1)
        }
    }

    pub(crate) fn alternative_mut(&mut self, alt: usize) -> Option<&mut Wording> {
        if alt == 0 {
            Some(&mut self.wording)
        } else {
            self.alternatives.get_mut(alt - 1)
        }
    }

    /// Still open: bracketed, or with bracketed spans or alternatives (deleted ones are closed).
    pub fn is_open(&self) -> bool {
        self.status == ParagraphStatus::Bracketed
            || (self.status != ParagraphStatus::Deleted
                && (self.wording.has_brackets()
                    || !self.alternatives.is_empty()
                    || self.sub_items.iter().any(Paragraph::is_open)))
    }
}

/// Preamble or operative part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Preamble,
    Operative,
}

/// The content of one version of the negotiating text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NegotiatingText {
    pub title: String,
    pub preamble: Vec<Paragraph>,
    pub operative: Vec<Paragraph>,
}

/// Where a paragraph sits: section, parent (for a sub-item) and index among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc {
    pub section: Section,
    pub parent: Option<usize>,
    pub index: usize,
}

impl NegotiatingText {
    pub fn new(title: &str) -> Result<NegotiatingText> {
        Ok(NegotiatingText {
            title: clean_line("title", title, 500)?,
            preamble: Vec::new(),
            operative: Vec::new(),
        })
    }

    /// SHA-256 over the canonical JSON of the text (field order fixed by the types, no maps).
    /// A first draft from plain lines: one paragraph a non-empty line, every paragraph
    /// bracketed until agreed.
    pub fn from_lines<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        title: &str,
        preamble: &str,
        operative: &str,
    ) -> Result<NegotiatingText> {
        let mut text = NegotiatingText::new(title)?;
        let paragraphs = |rng: &mut R, s: &str| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Paragraph::new(rng, ParagraphStatus::Bracketed, Wording::plain(l)))
                .collect::<Vec<_>>()
        };
        text.preamble = paragraphs(rng, preamble);
        text.operative = paragraphs(rng, operative);
        Ok(text)
    }

    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("text serialises");
        hex::encode(Sha256::digest(&json))
    }

    pub fn section(&self, s: Section) -> &[Paragraph] {
        match s {
            Section::Preamble => &self.preamble,
            Section::Operative => &self.operative,
        }
    }

    pub(crate) fn section_mut(&mut self, s: Section) -> &mut Vec<Paragraph> {
        match s {
            Section::Preamble => &mut self.preamble,
            Section::Operative => &mut self.operative,
        }
    }

    /// Every paragraph and sub-item in reading order, with its section and parent.
    pub fn walk(&self) -> Vec<(Section, Option<&ParagraphId>, &Paragraph)> {
        let mut out = Vec::new();
        for s in [Section::Preamble, Section::Operative] {
            for p in self.section(s) {
                out.push((s, None, p));
                for sub in &p.sub_items {
                    out.push((s, Some(&p.id), sub));
                }
            }
        }
        out
    }

    pub fn find(&self, id: &ParagraphId) -> Option<&Paragraph> {
        self.walk()
            .into_iter()
            .find(|(_, _, p)| &p.id == id)
            .map(|(_, _, p)| p)
    }

    pub(crate) fn locate(&self, id: &ParagraphId) -> Option<Loc> {
        for s in [Section::Preamble, Section::Operative] {
            for (i, p) in self.section(s).iter().enumerate() {
                if &p.id == id {
                    return Some(Loc {
                        section: s,
                        parent: None,
                        index: i,
                    });
                }
                if let Some(j) = p.sub_items.iter().position(|q| &q.id == id) {
                    return Some(Loc {
                        section: s,
                        parent: Some(i),
                        index: j,
                    });
                }
            }
        }
        None
    }

    pub(crate) fn find_mut(&mut self, id: &ParagraphId) -> Option<&mut Paragraph> {
        let loc = self.locate(id)?;
        let list = self.section_mut(loc.section);
        match loc.parent {
            None => list.get_mut(loc.index),
            Some(pi) => list.get_mut(pi)?.sub_items.get_mut(loc.index),
        }
    }

    /// The stable label of a paragraph: `"3"` for the third operative paragraph, `"3 (b)"` for
    /// its second sub-item, `"PP2"` for the second preambular paragraph. Deleted paragraphs keep
    /// their place, so deleting (or omitting them from a rendering) never renumbers the rest.
    pub fn label(&self, id: &ParagraphId) -> Option<String> {
        let loc = self.locate(id)?;
        let top = loc.parent.unwrap_or(loc.index) + 1;
        let base = match loc.section {
            Section::Preamble => format!("PP{top}"),
            Section::Operative => top.to_string(),
        };
        Some(match loc.parent {
            None => base,
            Some(_) => format!("{base} ({})", sub_item_letter(loc.index)),
        })
    }

    /// Every paragraph's label (see [`Self::label`]) in one pass.
    pub fn labels(&self) -> std::collections::HashMap<ParagraphId, String> {
        let mut out = std::collections::HashMap::new();
        for s in [Section::Preamble, Section::Operative] {
            for (i, p) in self.section(s).iter().enumerate() {
                let base = match s {
                    Section::Preamble => format!("PP{}", i + 1),
                    Section::Operative => (i + 1).to_string(),
                };
                for (j, sub) in p.sub_items.iter().enumerate() {
                    out.insert(sub.id.clone(), format!("{base} ({})", sub_item_letter(j)));
                }
                out.insert(p.id.clone(), base);
            }
        }
        out
    }

    /// Paragraphs still open (bracketed, with bracketed spans or alternatives).
    pub fn open_paragraphs(&self) -> Vec<ParagraphId> {
        [Section::Preamble, Section::Operative]
            .into_iter()
            .flat_map(|s| self.section(s))
            .filter(|p| p.is_open())
            .map(|p| p.id.clone())
            .collect()
    }

    /// Checks the structure: unique ids, one level of sub-items, sane wording.
    pub fn check(&self) -> Result<()> {
        clean_line("title", &self.title, 500)?;
        let mut ids = std::collections::HashSet::new();
        for (_, parent, p) in self.walk() {
            if !ids.insert(&p.id) {
                return Err(crate::Error::DuplicateParagraph(p.id.clone()));
            }
            if parent.is_some() && !p.sub_items.is_empty() {
                return Err(invalid("paragraph", "sub-items do not nest"));
            }
            p.wording.check()?;
            for a in &p.alternatives {
                a.check()?;
            }
        }
        if ids.len() > 5_000 {
            return Err(invalid("text", "at most 5,000 paragraphs"));
        }
        Ok(())
    }
}

/// (a), (b), … (z), (aa), (bb), … as in UN texts.
pub fn sub_item_letter(i: usize) -> String {
    let letter = (b'a' + (i % 26) as u8) as char;
    std::iter::repeat_n(letter, i / 26 + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_notation_round_trips() {
        let w =
            Wording::parse_marked("The parties [shall][undertake to] cease hostilities").unwrap();
        assert_eq!(w.text(), "The parties shallundertake to cease hostilities");
        assert_eq!(w.0.len(), 4, "adjacent bracketed runs stay apart: {w:?}");
        assert_eq!(
            w.marked(),
            "The parties [shall][undertake to] cease hostilities"
        );
        assert_eq!(w.normalized(), w);
        let w = Wording::parse_marked("a [b] c").unwrap();
        assert_eq!(w.marked(), "a [b] c");
        assert!(w.has_brackets());
        assert!(Wording::parse_marked("a [b").is_err());
        assert!(Wording::parse_marked("a ]b").is_err());
        assert!(Wording::parse_marked("[a [b]]").is_err());
    }

    #[test]
    fn labels_in_one_pass_match_label() {
        use rand::SeedableRng;
        let mut r = rand::rngs::StdRng::seed_from_u64(6);
        let mut t = NegotiatingText::new("T").unwrap();
        let st = ParagraphStatus::Bracketed;
        t.preamble
            .push(Paragraph::new(&mut r, st, Wording::plain("p")));
        t.operative
            .push(Paragraph::new(&mut r, st, Wording::plain("o")));
        t.operative.push(
            Paragraph::new(&mut r, st, Wording::plain("o2"))
                .with_sub_item(Paragraph::new(&mut r, st, Wording::plain("s")))
                .with_sub_item(Paragraph::new(&mut r, st, Wording::plain("s2"))),
        );
        let all = t.labels();
        assert_eq!(all.len(), 5);
        for (_, _, p) in t.walk() {
            assert_eq!(all.get(&p.id), t.label(&p.id).as_ref());
        }
        assert_eq!(t.label(&t.operative[1].sub_items[1].id).unwrap(), "2 (b)");
        assert_eq!(t.label(&t.preamble[0].id).unwrap(), "PP1");
    }

    #[test]
    fn letters_follow_un_practice() {
        assert_eq!(sub_item_letter(0), "a");
        assert_eq!(sub_item_letter(25), "z");
        assert_eq!(sub_item_letter(26), "aa");
        assert_eq!(sub_item_letter(27), "bb");
    }
}
