//! Edits to the negotiating text. Parties propose the first six kinds as amendments; the
//! mediator may use every kind when issuing a version.

use super::{NegotiatingText, Paragraph, ParagraphStatus, Section, Wording};
use crate::error::{Error, Result, clean_line, invalid};
use crate::ids::ParagraphId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Insert `text` at character `at` of wording `alternative` (0 = Alt 1). `before` is the
    /// text expected immediately before `at` (may be empty): it detects a stale proposal.
    InsertSpan {
        paragraph: ParagraphId,
        #[serde(default)]
        alternative: usize,
        at: usize,
        #[serde(default)]
        before: String,
        text: String,
    },
    /// Delete `expected`, found at character `start`.
    DeleteSpan {
        paragraph: ParagraphId,
        #[serde(default)]
        alternative: usize,
        start: usize,
        expected: String,
    },
    /// Replace `expected`, found at character `start`, by `text`.
    ReplaceSpan {
        paragraph: ParagraphId,
        #[serde(default)]
        alternative: usize,
        start: usize,
        expected: String,
        text: String,
    },
    /// Add a paragraph to a section (or as a sub-item of `parent`), after `after` (or first).
    AddParagraph {
        section: Section,
        #[serde(default)]
        parent: Option<ParagraphId>,
        #[serde(default)]
        after: Option<ParagraphId>,
        paragraph: Paragraph,
    },
    /// Move a paragraph among its siblings, after `after` (or first).
    MoveParagraph {
        paragraph: ParagraphId,
        #[serde(default)]
        after: Option<ParagraphId>,
    },
    /// Mark a paragraph deleted (it keeps its place and number).
    DeleteParagraph { paragraph: ParagraphId },
    /// Mediator: set a paragraph's status (e.g. agreed ad referendum).
    SetStatus {
        paragraph: ParagraphId,
        status: ParagraphStatus,
    },
    /// Mediator: put a span in brackets or take the brackets off.
    SetBrackets {
        paragraph: ParagraphId,
        #[serde(default)]
        alternative: usize,
        start: usize,
        expected: String,
        bracketed: bool,
    },
    /// Mediator: add an alternative wording (Alt n+1).
    AddAlternative {
        paragraph: ParagraphId,
        wording: Wording,
    },
    /// Mediator: keep one alternative as the paragraph's wording and drop the others.
    ChooseAlternative {
        paragraph: ParagraphId,
        alternative: usize,
    },
    /// Mediator: change the title.
    SetTitle { title: String },
}

impl Operation {
    /// The name of the operation, for messages and audit entries.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::InsertSpan { .. } => "insert_span",
            Operation::DeleteSpan { .. } => "delete_span",
            Operation::ReplaceSpan { .. } => "replace_span",
            Operation::AddParagraph { .. } => "add_paragraph",
            Operation::MoveParagraph { .. } => "move_paragraph",
            Operation::DeleteParagraph { .. } => "delete_paragraph",
            Operation::SetStatus { .. } => "set_status",
            Operation::SetBrackets { .. } => "set_brackets",
            Operation::AddAlternative { .. } => "add_alternative",
            Operation::ChooseAlternative { .. } => "choose_alternative",
            Operation::SetTitle { .. } => "set_title",
        }
    }

    /// May a party propose this operation in an amendment?
    pub fn is_party_operation(&self) -> bool {
        matches!(
            self,
            Operation::InsertSpan { .. }
                | Operation::DeleteSpan { .. }
                | Operation::ReplaceSpan { .. }
                | Operation::AddParagraph { .. }
                | Operation::MoveParagraph { .. }
                | Operation::DeleteParagraph { .. }
        )
    }

    /// The paragraph the operation touches, if any.
    pub fn paragraph(&self) -> Option<&ParagraphId> {
        match self {
            Operation::InsertSpan { paragraph, .. }
            | Operation::DeleteSpan { paragraph, .. }
            | Operation::ReplaceSpan { paragraph, .. }
            | Operation::MoveParagraph { paragraph, .. }
            | Operation::DeleteParagraph { paragraph }
            | Operation::SetStatus { paragraph, .. }
            | Operation::SetBrackets { paragraph, .. }
            | Operation::AddAlternative { paragraph, .. }
            | Operation::ChooseAlternative { paragraph, .. } => Some(paragraph),
            Operation::AddParagraph { paragraph, .. } => Some(&paragraph.id),
            Operation::SetTitle { .. } => None,
        }
    }

    /// Applies the operation to `text`. `from_party`: new language from a party amendment is
    /// bracketed (it is not agreed yet) and added paragraphs are bracketed; the mediator's new
    /// language takes the bracketing of the text it lands in.
    pub fn apply(&self, text: &mut NegotiatingText, from_party: bool) -> Result<()> {
        match self {
            Operation::InsertSpan {
                paragraph,
                alternative,
                at,
                before,
                text: new,
            } => {
                let blen = before.chars().count();
                let start = at
                    .checked_sub(blen)
                    .ok_or_else(|| mismatch(paragraph, *at, before, ""))?;
                splice(text, paragraph, *alternative, start, before, |old, ctx| {
                    // Inside a bracketed run: part of it. Otherwise party language gets its own
                    // brackets and the mediator's is plain.
                    let inside = if ctx.prev == ctx.next { ctx.prev } else { None };
                    let g = match inside {
                        Some(g) if g != 0 => g,
                        _ if from_party => ctx.fresh,
                        _ => 0,
                    };
                    let mut v = old.to_vec();
                    v.extend(new.chars().map(|c| (c, g)));
                    v
                })
            }
            Operation::DeleteSpan {
                paragraph,
                alternative,
                start,
                expected,
            } => splice(text, paragraph, *alternative, *start, expected, |_, _| {
                Vec::new()
            }),
            Operation::ReplaceSpan {
                paragraph,
                alternative,
                start,
                expected,
                text: new,
            } => splice(
                text,
                paragraph,
                *alternative,
                *start,
                expected,
                |old, ctx| {
                    // Replacing inside one bracketed run keeps it; otherwise as for an insertion.
                    let same = old
                        .first()
                        .map(|f| f.1)
                        .filter(|g| old.iter().all(|c| c.1 == *g));
                    let g = match same {
                        Some(g) if g != 0 => g,
                        _ if from_party => ctx.fresh,
                        _ => 0,
                    };
                    new.chars().map(|c| (c, g)).collect()
                },
            ),
            Operation::SetBrackets {
                paragraph,
                alternative,
                start,
                expected,
                bracketed,
            } => splice(
                text,
                paragraph,
                *alternative,
                *start,
                expected,
                |old, ctx| {
                    let g = if *bracketed { ctx.fresh } else { 0 };
                    old.iter().map(|&(c, _)| (c, g)).collect()
                },
            ),
            Operation::AddParagraph {
                section,
                parent,
                after,
                paragraph: new,
            } => {
                if text.locate(&new.id).is_some()
                    || new.sub_items.iter().any(|s| text.locate(&s.id).is_some())
                {
                    return Err(Error::DuplicateParagraph(new.id.clone()));
                }
                let mut new = new.clone();
                if from_party {
                    new.status = ParagraphStatus::Bracketed;
                    for s in &mut new.sub_items {
                        s.status = ParagraphStatus::Bracketed;
                    }
                }
                let list = match parent {
                    None => text.section_mut(*section),
                    Some(pid) => {
                        let loc = text
                            .locate(pid)
                            .filter(|l| l.parent.is_none() && l.section == *section)
                            .ok_or_else(|| Error::NoSuchParagraph(pid.clone()))?;
                        if !new.sub_items.is_empty() {
                            return Err(invalid("paragraph", "sub-items do not nest"));
                        }
                        &mut text.section_mut(loc.section)[loc.index].sub_items
                    }
                };
                let pos = position_after(list, after.as_ref())?;
                list.insert(pos, new);
                Ok(())
            }
            Operation::MoveParagraph { paragraph, after } => {
                let loc = text
                    .locate(paragraph)
                    .ok_or_else(|| Error::NoSuchParagraph(paragraph.clone()))?;
                let section = text.section_mut(loc.section);
                let list = match loc.parent {
                    None => section,
                    Some(pi) => &mut section[pi].sub_items,
                };
                let p = list.remove(loc.index);
                match position_after(list, after.as_ref()) {
                    Ok(pos) => {
                        list.insert(pos, p);
                        Ok(())
                    }
                    Err(e) => {
                        list.insert(loc.index, p);
                        Err(e)
                    }
                }
            }
            Operation::DeleteParagraph { paragraph } => {
                para(text, paragraph)?.status = ParagraphStatus::Deleted;
                Ok(())
            }
            Operation::SetStatus { paragraph, status } => {
                para(text, paragraph)?.status = *status;
                Ok(())
            }
            Operation::AddAlternative { paragraph, wording } => {
                wording.check()?;
                para(text, paragraph)?
                    .alternatives
                    .push(wording.normalized());
                Ok(())
            }
            Operation::ChooseAlternative {
                paragraph,
                alternative,
            } => {
                let p = para(text, paragraph)?;
                let chosen = p
                    .alternative(*alternative)
                    .cloned()
                    .ok_or_else(|| Error::NoSuchAlternative(paragraph.clone(), *alternative))?;
                p.wording = chosen;
                p.alternatives.clear();
                Ok(())
            }
            Operation::SetTitle { title } => {
                text.title = clean_line("title", title, 500)?;
                Ok(())
            }
        }?;
        Ok(())
    }
}

fn para<'a>(text: &'a mut NegotiatingText, id: &ParagraphId) -> Result<&'a mut Paragraph> {
    text.find_mut(id)
        .ok_or_else(|| Error::NoSuchParagraph(id.clone()))
}

fn mismatch(paragraph: &ParagraphId, at: usize, expected: &str, found: &str) -> Error {
    Error::SpanMismatch {
        paragraph: paragraph.clone(),
        at,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

/// Bracket groups around a span, and an unused group number.
struct Ctx {
    prev: Option<u32>,
    next: Option<u32>,
    fresh: u32,
}

/// Replaces the characters `[start, start + len(expected))` of a wording by `f(old)`, after
/// checking they still read `expected`.
fn splice(
    text: &mut NegotiatingText,
    paragraph: &ParagraphId,
    alternative: usize,
    start: usize,
    expected: &str,
    f: impl FnOnce(&[(char, u32)], Ctx) -> Vec<(char, u32)>,
) -> Result<()> {
    let p = para(text, paragraph)?;
    let w = p
        .alternative_mut(alternative)
        .ok_or_else(|| Error::NoSuchAlternative(paragraph.clone(), alternative))?;
    let flags = w.flags();
    let len = expected.chars().count();
    let end = start.saturating_add(len);
    if end > flags.len() {
        let found: String = flags.iter().skip(start).map(|c| c.0).collect();
        return Err(mismatch(paragraph, start, expected, &found));
    }
    let found: String = flags[start..end].iter().map(|c| c.0).collect();
    if found != expected {
        return Err(mismatch(paragraph, start, expected, &found));
    }
    let ctx = Ctx {
        prev: start.checked_sub(1).map(|i| flags[i].1),
        next: flags.get(end).map(|c| c.1),
        fresh: flags.iter().map(|c| c.1).max().unwrap_or(0) + 1,
    };
    let mut out = flags[..start].to_vec();
    out.extend(f(&flags[start..end], ctx));
    out.extend_from_slice(&flags[end..]);
    let new = Wording::from_flags(&out);
    new.check()?;
    *w = new;
    Ok(())
}

fn position_after(list: &[Paragraph], after: Option<&ParagraphId>) -> Result<usize> {
    match after {
        None => Ok(0),
        Some(a) => list
            .iter()
            .position(|p| &p.id == a)
            .map(|i| i + 1)
            .ok_or_else(|| Error::NoSuchParagraph(a.clone())),
    }
}

/// The mediator's edits that agree a paragraph as it stands: the first alternative kept,
/// every bracketed span unbracketed, the status agreed ad referendum (sub-items too).
pub fn agree_as_it_stands(p: &Paragraph) -> Vec<Operation> {
    let mut ops = Vec::new();
    if !p.alternatives.is_empty() {
        ops.push(Operation::ChooseAlternative {
            paragraph: p.id.clone(),
            alternative: 0,
        });
    }
    let mut at = 0;
    for seg in &p.wording.0 {
        let len = seg.text.chars().count();
        if seg.bracketed {
            ops.push(Operation::SetBrackets {
                paragraph: p.id.clone(),
                alternative: 0,
                start: at,
                expected: seg.text.clone(),
                bracketed: false,
            });
        }
        at += len;
    }
    if p.status == ParagraphStatus::Bracketed {
        ops.push(Operation::SetStatus {
            paragraph: p.id.clone(),
            status: ParagraphStatus::AgreedAdReferendum,
        });
    }
    for sub in &p.sub_items {
        ops.extend(agree_as_it_stands(sub));
    }
    ops
}

/// Replace the whole wording of a paragraph's first alternative by `text` (what a person who
/// edits a paragraph in a form means): the current wording is the expected span.
pub fn replace_wording(
    current: &NegotiatingText,
    paragraph: &ParagraphId,
    text: &str,
) -> Result<Operation> {
    let expected = current
        .find(paragraph)
        .ok_or_else(|| Error::NoSuchParagraph(paragraph.clone()))?
        .wording
        .text();
    Ok(Operation::ReplaceSpan {
        paragraph: paragraph.clone(),
        alternative: 0,
        start: 0,
        expected,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn text() -> (NegotiatingText, ParagraphId, ParagraphId) {
        let mut r = rand::rngs::StdRng::seed_from_u64(3);
        let mut t = NegotiatingText::new("Ceasefire").unwrap();
        let p1 = Paragraph::new(
            &mut r,
            ParagraphStatus::AgreedAdReferendum,
            Wording::plain("The parties shall cease all hostilities."),
        );
        let p2 = Paragraph::new(
            &mut r,
            ParagraphStatus::Bracketed,
            Wording::plain("Monitors shall be deployed."),
        );
        let (a, b) = (p1.id.clone(), p2.id.clone());
        t.operative = vec![p1, p2];
        (t, a, b)
    }

    #[test]
    fn spans_insert_replace_delete_with_brackets_for_party_language() {
        let (mut t, a, _) = text();
        Operation::ReplaceSpan {
            paragraph: a.clone(),
            alternative: 0,
            start: 12,
            expected: "shall".into(),
            text: "undertake to".into(),
        }
        .apply(&mut t, true)
        .unwrap();
        assert_eq!(
            t.find(&a).unwrap().wording.marked(),
            "The parties [undertake to] cease all hostilities."
        );
        Operation::InsertSpan {
            paragraph: a.clone(),
            alternative: 0,
            at: 30,
            before: "cease".into(),
            text: " immediately".into(),
        }
        .apply(&mut t, false)
        .unwrap();
        assert_eq!(
            t.find(&a).unwrap().wording.marked(),
            "The parties [undertake to] cease immediately all hostilities."
        );
        Operation::DeleteSpan {
            paragraph: a.clone(),
            alternative: 0,
            start: 43,
            expected: "all ".into(),
        }
        .apply(&mut t, false)
        .unwrap();
        assert_eq!(
            t.find(&a).unwrap().wording.marked(),
            "The parties [undertake to] cease immediately hostilities."
        );
    }

    #[test]
    fn a_stale_span_fails_clearly_and_changes_nothing() {
        let (mut t, a, _) = text();
        let before = t.clone();
        let err = Operation::ReplaceSpan {
            paragraph: a.clone(),
            alternative: 0,
            start: 12,
            expected: "must".into(),
            text: "will".into(),
        }
        .apply(&mut t, true)
        .unwrap_err();
        assert!(
            matches!(&err, Error::SpanMismatch { found, .. } if found == "shal"),
            "{err:?}"
        );
        assert!(err.to_string().contains("no longer matches"));
        assert_eq!(t, before);
        let err = Operation::DeleteSpan {
            paragraph: a,
            alternative: 0,
            start: 1000,
            expected: "x".into(),
        }
        .apply(&mut t, true)
        .unwrap_err();
        assert!(matches!(err, Error::SpanMismatch { .. }));
        assert_eq!(t, before);
    }

    #[test]
    fn paragraphs_move_delete_and_alternatives_resolve() {
        let (mut t, a, b) = text();
        Operation::MoveParagraph {
            paragraph: a.clone(),
            after: Some(b.clone()),
        }
        .apply(&mut t, true)
        .unwrap();
        assert_eq!(t.operative[0].id, b);
        assert_eq!(t.label(&a).unwrap(), "2");
        Operation::DeleteParagraph {
            paragraph: b.clone(),
        }
        .apply(&mut t, true)
        .unwrap();
        assert_eq!(t.operative[0].status, ParagraphStatus::Deleted);
        assert_eq!(t.label(&a).unwrap(), "2", "deleting keeps numbering");
        Operation::AddAlternative {
            paragraph: a.clone(),
            wording: Wording::bracketed("The parties shall observe a truce."),
        }
        .apply(&mut t, false)
        .unwrap();
        assert!(t.find(&a).unwrap().is_open());
        Operation::ChooseAlternative {
            paragraph: a.clone(),
            alternative: 1,
        }
        .apply(&mut t, false)
        .unwrap();
        let p = t.find(&a).unwrap();
        assert!(p.alternatives.is_empty());
        assert_eq!(p.wording.text(), "The parties shall observe a truce.");
        assert!(matches!(
            Operation::ChooseAlternative {
                paragraph: a,
                alternative: 5
            }
            .apply(&mut t, false),
            Err(Error::NoSuchAlternative(_, 5))
        ));
    }

    /// Random span edits: each either applies (and the text stays well formed, with the
    /// expected length) or fails with a mismatch and leaves the text as it was.
    #[test]
    fn random_span_edits_keep_the_text_well_formed() {
        use rand::Rng;
        let mut r = rand::rngs::StdRng::seed_from_u64(99);
        let (mut t, a, _) = text();
        let words = ["peace", "[x]", "de", "全", " ", "cease", "", "の"];
        for _ in 0..2_000 {
            let before = t.clone();
            let plain: Vec<char> = t.find(&a).unwrap().wording.text().chars().collect();
            let start = r.random_range(0..=plain.len() + 2);
            let len = r.random_range(0..4);
            let truth: String = plain.iter().skip(start).take(len).collect();
            let expected = if r.random_bool(0.8) {
                truth.clone()
            } else {
                format!("{truth}?")
            };
            let new = words[r.random_range(0..words.len())].to_string();
            let op = match r.random_range(0..3) {
                0 => Operation::ReplaceSpan {
                    paragraph: a.clone(),
                    alternative: 0,
                    start,
                    expected: expected.clone(),
                    text: new.clone(),
                },
                1 => Operation::DeleteSpan {
                    paragraph: a.clone(),
                    alternative: 0,
                    start,
                    expected: expected.clone(),
                },
                _ => Operation::SetBrackets {
                    paragraph: a.clone(),
                    alternative: 0,
                    start,
                    expected: expected.clone(),
                    bracketed: r.random_bool(0.5),
                },
            };
            let from_party = r.random_bool(0.5);
            let fits = start + expected.chars().count() <= plain.len() && truth == expected;
            match op.apply(&mut t, from_party) {
                Ok(()) => {
                    assert!(fits, "{op:?} applied to {plain:?}");
                    t.check().unwrap();
                    let w = &t.find(&a).unwrap().wording;
                    assert_eq!(w.normalized(), *w);
                    assert!(w.0.iter().all(|s| !s.text.is_empty()));
                    let n = w.char_len();
                    let delta_new = match &op {
                        Operation::ReplaceSpan { text, .. } => text.chars().count(),
                        Operation::DeleteSpan { .. } => 0,
                        _ => expected.chars().count(),
                    };
                    assert_eq!(n, plain.len() - expected.chars().count() + delta_new);
                }
                Err(e) => {
                    assert!(!fits, "{op:?} refused: {e}");
                    assert!(matches!(e, Error::SpanMismatch { .. }));
                    assert_eq!(t, before);
                }
            }
            if t.find(&a).unwrap().wording.char_len() > 200 {
                t = before;
            }
        }
    }

    #[test]
    fn added_party_paragraphs_are_bracketed_and_ids_unique() {
        let (mut t, a, _) = text();
        let mut r = rand::rngs::StdRng::seed_from_u64(4);
        let new = Paragraph::new(
            &mut r,
            ParagraphStatus::AgreedAdReferendum,
            Wording::plain("Prisoners shall be exchanged."),
        );
        let op = Operation::AddParagraph {
            section: Section::Operative,
            parent: None,
            after: Some(a.clone()),
            paragraph: new.clone(),
        };
        op.apply(&mut t, true).unwrap();
        assert_eq!(t.operative[1].id, new.id);
        assert_eq!(t.operative[1].status, ParagraphStatus::Bracketed);
        assert_eq!(
            op.apply(&mut t, true),
            Err(Error::DuplicateParagraph(new.id))
        );
        let sub = Paragraph::new(
            &mut r,
            ParagraphStatus::Bracketed,
            Wording::plain("civilians"),
        );
        Operation::AddParagraph {
            section: Section::Operative,
            parent: Some(a.clone()),
            after: None,
            paragraph: sub.clone(),
        }
        .apply(&mut t, true)
        .unwrap();
        assert_eq!(t.label(&sub.id).unwrap(), "1 (a)");
        assert!(t.check().is_ok());
    }
}
