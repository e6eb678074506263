//! Plain-text parser: PDF-extracted text (page furniture, wrapped lines, footnote blocks in the
//! middle of the document) and one-paragraph-per-line renderings.

use crate::citations::{self, DOC_RE};
use crate::dates;
use crate::error::ParseError;
use crate::lang::{self, Lang, is_cjk};
use crate::model::*;
use regex::Regex;
use std::sync::LazyLock;

pub(crate) use lines::NUMBERED_RE;
pub use lines::preamble_phrase;
use lines::*;

mod lines;

/// Parse a resolution from plain text. `lang` overrides language detection.
pub fn parse_text(input: &str, lang: Option<Lang>) -> Result<Document, ParseError> {
    let input = input
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let pdf = looks_like_pdf(&input);
    let mut doc = Document::empty(if pdf {
        SourceFormat::PdfText
    } else {
        SourceFormat::PlainText
    });
    let lang = lang.or_else(|| lang::detect(&input));
    doc.language = lang::code_or_und(lang).to_string();

    // Lines without page furniture; remember page breaks.
    let raw: Vec<&str> = input.split(['\n', '\u{c}']).collect();

    // ---- Cover page and preface ----
    let mut i = 0;
    let mut title_lines: Vec<String> = Vec::new();
    let mut pending_footnotes: Vec<(String, String)> = Vec::new();
    let mut saw_resnum = false;
    let mut paren_note: Option<String> = None;
    let mut expect_agenda_title = false;
    while i < raw.len() {
        let line = raw[i];
        let t = line.trim();
        i += 1;
        if t.is_empty() || is_furniture(line, pdf) {
            continue;
        }
        if FORMULA_RE.is_match(t) || (saw_resnum && FORMULA_LOOSE_RE.is_match(t)) {
            break;
        }
        if saw_resnum {
            // Arabic renderings split a title footnote over lines: `(`, `1`, `) () text`.
            if t == "(" && !title_lines.is_empty() {
                paren_note = Some(String::new());
                continue;
            }
            if let Some(m) = paren_note.as_mut() {
                if t.chars().all(|c| c.is_ascii_digit()) {
                    m.push_str(t);
                    continue;
                }
                if let Some(rest) = t.strip_prefix(')') {
                    let text = rest.trim_start().trim_start_matches("()").trim();
                    pending_footnotes.push((m.clone(), clean(text, lang)));
                    paren_note = None;
                    continue;
                }
                paren_note = None;
            }
            if let Some(c) = FOOTNOTE_RE.captures(line)
                && line.starts_with([' ', '\t'])
                && !title_lines.is_empty()
            {
                pending_footnotes.push((c["m"].to_string(), clean(&c["t"], lang)));
            } else if PART_LINE_RE.is_match(t) {
                // `A` before the first part's formula: handled when the body starts
                i -= 1;
                break;
            } else {
                title_lines.push(t.to_string());
            }
            continue;
        }
        if doc.symbol.is_empty()
            && let Some(m) = SYMBOL_RE.find(t)
        {
            doc.symbol = m.as_str().to_string();
            continue;
        }
        if let Some(c) = RESNUM_RE.captures(t)
            && !doc.symbol.is_empty()
        {
            saw_resnum = true;
            if let Some(title) = c.name("title") {
                title_lines.push(title.as_str().to_string());
            }
            continue;
        }
        if let Some(c) = AGENDA_RE.captures(t) {
            let items = ["en", "fr", "es", "ru", "ar", "zh"]
                .iter()
                .find_map(|k| c.name(k))
                .map(|m| m.as_str())
                .unwrap_or("");
            static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"\s*(?:,|，|、|\band\b|\bet\b|\by\b|\bи\b|\sو\s?|和)\s*")
                    .expect("split")
            });
            doc.agenda_items = SPLIT
                .split(items)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            expect_agenda_title = true;
            continue;
        }
        if expect_agenda_title {
            expect_agenda_title = false;
            if !ADOPTED_RE.is_match(t) || dates::first_date(t).is_none() {
                doc.agenda_item_titles.push(t.to_string());
                continue;
            }
        }
        if t.starts_with('[') || t.starts_with('［') {
            doc.originating_documents = DOC_RE
                .find_iter(t)
                .map(|m| m.as_str().trim_end_matches('.').to_string())
                .collect();
            continue;
        }
        if let Some(d) = dates::first_date(t) {
            if dates::is_date_line(t) && doc.adoption_date.is_none() {
                if doc.distribution_date.is_none() {
                    doc.distribution_date = Some(d);
                }
            } else if ADOPTED_RE.is_match(t) && doc.adoption_date.is_none() {
                doc.adoption_date = Some(d);
            }
        }
    }
    doc.title = clean(&title_lines.join(" "), lang);
    // Renderings print the part letter after the title (`… for 2025 B`).
    if let Some(part) = doc
        .symbol
        .rsplit(' ')
        .next()
        .filter(|p| p.len() == 1 && doc.symbol.contains(' '))
    {
        let spelled = match part {
            "A" => ["A", "ألف", "А"],
            "B" => ["B", "باء", "В"],
            "C" => ["C", "جيم", "С"],
            _ => [part, part, part],
        };
        for p in spelled {
            if let Some(stripped) = doc.title.strip_suffix(p) {
                doc.title = stripped.trim_end().to_string();
                break;
            }
        }
    }
    if doc.symbol.is_empty() {
        // No cover page: look anywhere for a symbol.
        if let Some(m) = SYMBOL_RE.find(&input) {
            doc.symbol = m.as_str().to_string();
        }
    }
    doc.organ = Organ::from_symbol(&doc.symbol);
    doc.session = session_of(&doc.symbol);

    // ---- Body: logical paragraphs and footnotes ----
    let mut items: Vec<Item> = Vec::new();
    let mut in_footnotes = false;
    let mut cur: Option<String> = None; // PDF-mode paragraph being joined
    let mut cur_fn: Option<(String, String)> = None;
    let flush =
        |items: &mut Vec<Item>, cur: &mut Option<String>, cur_fn: &mut Option<(String, String)>| {
            if let Some(p) = cur.take() {
                items.push(Item::Para(p));
            }
            if let Some((m, t)) = cur_fn.take() {
                items.push(Item::Footnote(m, t));
            }
        };
    let mut after_page_break = false;
    let body_start = i.saturating_sub(1);
    for (k, &line) in raw.iter().enumerate().skip(body_start) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if is_furniture(line, pdf) || (pdf && k > body_start && SYMBOL_LINE_RE.is_match(line)) {
            after_page_break = true;
            continue;
        }
        if SEPARATOR_RE.is_match(line) {
            if let Some((m, tx)) = cur_fn.take() {
                items.push(Item::Footnote(m, tx));
            }
            if let Some(p) = cur.take() {
                // In PDF text the paragraph may continue after the footnotes.
                items.push(Item::Para(p));
            }
            items.push(Item::Separator);
            in_footnotes = true;
            continue;
        }
        let indented = line.starts_with([' ', '\t', '\u{3000}']);
        if in_footnotes {
            if let Some(c) = FOOTNOTE_RE.captures(line)
                && !NUMBERED_RE.is_match(line)
                && (!pdf || indented)
            {
                if let Some((m, tx)) = cur_fn.take() {
                    items.push(Item::Footnote(m, tx));
                }
                cur_fn = Some((c["m"].to_string(), c["t"].to_string()));
                continue;
            }
            if pdf && !indented && !after_page_break && cur_fn.is_some() {
                if let Some((_, tx)) = cur_fn.as_mut() {
                    join(tx, line);
                }
                continue;
            }
            // Body text resumes.
            if let Some((m, tx)) = cur_fn.take() {
                items.push(Item::Footnote(m, tx));
            }
            in_footnotes = false;
            if pdf && !indented {
                // continuation of the paragraph interrupted by the page's footnotes
                if let Some(Item::Para(p)) = items
                    .iter_mut()
                    .rev()
                    .find(|it| matches!(it, Item::Para(_)))
                {
                    let mut s = std::mem::take(p);
                    join(&mut s, line);
                    *p = s;
                    // keep it the current paragraph: move it back out
                    if let Some(pos) = items.iter().rposition(|it| matches!(it, Item::Para(_)))
                        && let Item::Para(p) = items.remove(pos)
                    {
                        cur = Some(p);
                    }
                    after_page_break = false;
                    continue;
                }
            }
        }
        after_page_break = false;
        if !pdf {
            // One paragraph per line; a line starting with a space continues the one before
            // (a line break inside the paragraph).
            if indented
                && !is_closing(line)
                && let Some(Item::Para(prev)) = items.last_mut()
                && !is_closing(prev)
            {
                prev.push('\n');
                prev.push_str(line);
                continue;
            }
            items.push(Item::Para(line.to_string()));
            continue;
        }
        // PDF mode: an indented line starts a paragraph; others continue it.
        let starts_new = indented
            || cur.is_none()
            || is_closing(line)
            || FORMULA_LOOSE_RE.is_match(line)
            || PART_LINE_RE.is_match(line)
            || cur.as_deref().is_some_and(is_closing);
        if starts_new {
            flush(&mut items, &mut cur, &mut cur_fn);
            cur = Some(line.to_string());
        } else if let Some(p) = cur.as_mut() {
            join(p, line);
        }
    }
    flush(&mut items, &mut cur, &mut cur_fn);

    // ---- Classify ----
    #[derive(PartialEq)]
    enum State {
        Preamble,
        Operative,
        Annex,
    }
    let mut state = State::Preamble;
    let mut part: Option<String> = None;
    let mut footnotes: Vec<(String, String)> = pending_footnotes;
    let mut closing: Vec<String> = Vec::new();
    let mut last_was_preamble = false;
    // Does a preambular paragraph (ending in a comma) follow before any numbered one?
    // One backward pass, so that long inputs stay linear.
    let mut follows_preamble = vec![false; items.len() + 1];
    let mut state_after = false;
    for (i, it) in items.iter().enumerate().rev() {
        follows_preamble[i] = state_after;
        if let Item::Para(p) = it {
            let p = p.trim();
            if NUMBERED_RE.is_match(p) || FORMULA_LOOSE_RE.is_match(p) || is_closing(p) {
                state_after = false;
            } else if has_terminal_punct(p) {
                state_after = ends_like_preamble(p);
            }
        }
    }
    let next_is_preamble = |from: usize| -> bool { follows_preamble[from] };
    for (idx, item) in items.iter().enumerate() {
        let item = item.clone();
        let text = match item {
            Item::Footnote(m, t) => {
                // A footnote of the title may be printed again with the others.
                if !footnotes.iter().any(|(fm, _)| *fm == m) {
                    footnotes.push((m, clean(&t, lang)));
                }
                continue;
            }
            Item::Separator => continue,
            Item::Para(t) => t,
        };
        let t = text.trim();
        if FORMULA_LOOSE_RE.is_match(t) {
            if state != State::Annex {
                state = State::Preamble;
            }
            continue;
        }
        if let Some(c) = PART_LINE_RE.captures(t) {
            part = Some(c["p"].to_string());
            continue;
        }
        if is_closing(t) {
            closing.push(t.to_string());
            continue;
        }
        if ANNEX_RE.is_match(t) && !doc.operative.is_empty() {
            state = State::Annex;
            doc.annexes.push(Annex {
                title: t.to_string(),
                paragraphs: Vec::new(),
            });
            continue;
        }
        if state == State::Annex {
            if let Some(a) = doc.annexes.last_mut() {
                a.paragraphs.push(clean(t, lang));
            }
            continue;
        }
        if let Some(c) = NUMBERED_RE.captures(t) {
            state = State::Operative;
            last_was_preamble = false;
            doc.operative.push(OperativeParagraph {
                number: Some(c["n"].to_string()),
                text: clean(c.name("t").or(c.name("u")).map_or("", |m| m.as_str()), lang),
                sub_items: Vec::new(),
                part: part.clone(),
            });
            continue;
        }
        if let Some(c) = SUBITEM_RE.captures(t) {
            let label = c["l"].to_string();
            let body = clean(&c["t"], lang);
            if state == State::Operative
                && !last_was_preamble
                && let Some(op) = doc.operative.last_mut()
            {
                op.sub_items.push(SubItem { label, text: body });
                continue;
            }
            if let Some(pre) = doc.preamble.last_mut()
                && last_was_preamble
            {
                pre.text = format!("{} {} {}", pre.text, label, body);
                continue;
            }
        }
        let cleaned = clean(t, lang);
        if !t.chars().any(char::is_alphanumeric) {
            continue; // `* * *`
        }
        // A number standing alone on its line heads the text that follows it (`20.` / text).
        if state == State::Operative
            && let Some(op) = doc.operative.last_mut()
            && op.number.is_some()
            && op.text.is_empty()
            && op.sub_items.is_empty()
        {
            op.text = cleaned;
            continue;
        }
        let heading = !has_terminal_punct(t) && t.chars().count() < 250;
        if state == State::Preamble {
            if ends_like_preamble(t)
                || (heading && !doc.preamble.is_empty())
                || (!doc.preamble.is_empty() && !t.ends_with([':', '：']) && next_is_preamble(idx))
            {
                last_was_preamble = true;
                doc.preamble.push(PreambularParagraph {
                    phrase: preamble_phrase(&cleaned, lang),
                    text: cleaned,
                    part: part.clone(),
                });
                continue;
            }
            if doc.operative.is_empty() && heading {
                // a section heading before the operative part
                continue;
            }
            state = State::Operative;
        } else if heading
            && !doc
                .operative
                .last()
                .is_some_and(|p| p.text.trim_end().ends_with([':', '：']))
        {
            // An unnumbered section title between operative paragraphs is not a paragraph
            // (chapter headings with a number, `II.`, `二.`, `ثانيا -`, are: see NUMBERED_RE);
            // after a colon it is the title of the text being introduced, and is one.
            continue;
        }
        last_was_preamble = false;
        doc.operative.push(OperativeParagraph {
            number: None,
            text: cleaned,
            sub_items: Vec::new(),
            part: part.clone(),
        });
    }
    if !closing.is_empty() {
        doc.conclusions = Some(closing.join("\n"));
        if doc.adoption_date.is_none() {
            doc.adoption_date = closing.iter().find_map(|l| dates::first_date(l));
        }
    }
    if doc.symbol.is_empty() && doc.preamble.is_empty() && doc.operative.is_empty() {
        return Err(ParseError::NoResolution(
            "no symbol (A/RES/…, S/RES/…) and no numbered paragraphs".into(),
        ));
    }

    // ---- Footnotes: anchors and citations ----
    let positions = paragraph_positions(&doc);
    let mut from = 0;
    for (marker, text) in footnotes {
        let mut anchor = None;
        for (idx, (pos, ptext)) in positions.iter().enumerate().skip(from).take(400) {
            if contains_marker(ptext, &marker) {
                anchor = Some(pos.clone());
                from = idx;
                break;
            }
        }
        doc.footnotes.push(Footnote {
            marker,
            text,
            anchor,
        });
    }
    doc.citations = collect_citations(&doc);
    Ok(doc)
}

/// Session number from a GA symbol.
pub(crate) fn session_of(symbol: &str) -> Option<u32> {
    let rest = symbol.strip_prefix("A/RES/")?;
    let s = rest.split('/').next()?;
    s.trim_start_matches("ES-")
        .trim_start_matches("S-")
        .parse()
        .ok()
}

/// `(position label, text)` for every paragraph in reading order.
pub(crate) fn paragraph_positions(doc: &Document) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (i, p) in doc.preamble.iter().enumerate() {
        v.push((format!("preamble {}", i + 1), p.text.clone()));
    }
    for (i, p) in doc.operative.iter().enumerate() {
        let mut t = p.text.clone();
        for s in &p.sub_items {
            t.push(' ');
            t.push_str(&s.label);
            t.push(' ');
            t.push_str(&s.text);
        }
        v.push((format!("operative {}", i + 1), t));
    }
    v
}

/// Byte span of footnote marker `marker` in `text` (a number glued to the word before it).
pub(crate) fn marker_pos(text: &str, marker: &str) -> Option<(usize, usize)> {
    if marker.is_empty() {
        return None;
    }
    let mut start = 0;
    while let Some(off) = text[start..].find(marker) {
        let at = start + off;
        let end = at + marker.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        // Arabic prints markers in parentheses: `1925(1)،`.
        if before == Some('(') && after == Some(')') && at >= 2 {
            let b2 = text[..at - 1].chars().next_back();
            if b2.is_some_and(|c| !c.is_whitespace()) {
                return Some((at - 1, end + 1));
            }
        }
        let ok_before = before.is_some_and(|c| {
            !c.is_ascii_digit() && !c.is_whitespace() && !matches!(c, '/' | '.' | '-' | '(' | '第')
        });
        let ok_after = match after {
            None => true,
            Some(c) => {
                (!c.is_ascii_digit() && c != '/' && c != '.' && !c.is_alphabetic()) || is_cjk(c)
            }
        };
        if ok_before && ok_after {
            return Some((at, end));
        }
        start = end;
    }
    None
}

fn contains_marker(text: &str, marker: &str) -> bool {
    marker_pos(text, marker).is_some()
}

/// Citations of every paragraph and footnote, in reading order.
pub(crate) fn collect_citations(doc: &Document) -> Vec<Citation> {
    let mut out = Vec::new();
    for (pos, text) in paragraph_positions(doc) {
        out.extend(citations::extract_for(&text, &pos, doc.organ));
    }
    for f in &doc.footnotes {
        out.extend(citations::extract_for(
            &f.text,
            &format!("footnote {}", f.marker),
            doc.organ,
        ));
    }
    out
}

/// `(target, location)` of every citation, for tests.
#[cfg(test)]
pub(crate) fn cited(doc: &Document) -> Vec<(&str, &str)> {
    doc.citations
        .iter()
        .map(|c| (c.target.as_str(), c.location.as_str()))
        .collect()
}

#[cfg(test)]
mod tests;
