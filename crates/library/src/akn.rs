//! AKN4UN (Akoma Ntoso for the UN) XML reader; [`frbr`], the FRBR identification writer.

pub mod frbr;

use crate::citations::{self, DOC_RE};
use crate::error::{ParseError, line_col};
use crate::lang::{self, Lang};
use crate::model::*;
use crate::text::{collect_citations, session_of};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

#[derive(Debug, Clone, PartialEq)]
enum Target {
    Ignore,
    Symbol,
    CoverDocTitle,
    AgendaItem(usize),
    AgendaName,
    Originating,
    Title,
    Preamble(usize),
    OpText(usize),
    OpNum(usize),
    SubNum(usize, usize),
    SubText(usize, usize),
    Footnote(usize),
    Link(usize),
    Conclusions,
    AnnexTitle(usize),
    AnnexPara(usize),
}

struct Link {
    href: String,
    surface: String,
    location: String,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Symbol from an undocs / docs.un.org link: `https://undocs.org/en/A/RES/50/80` → `A/RES/50/80`.
fn href_symbol(href: &str) -> Option<String> {
    let h = href.replace("%20", " ");
    let rest = h
        .split_once("undocs.org/")
        .or_else(|| h.split_once("docs.un.org/"))
        .map(|(_, r)| r)?;
    let rest = match rest.split_once('/') {
        Some((lang, r)) if lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase()) => r,
        _ => rest,
    };
    let s = rest.trim().trim_end_matches('/').to_string();
    if s.contains('/') && !s.contains("://") {
        Some(s)
    } else {
        None
    }
}

fn kind_of(symbol: &str) -> CitationKind {
    let u = symbol.to_uppercase();
    if u.starts_with("A/RES/") {
        CitationKind::Resolution
    } else if u.starts_with("S/RES/") {
        CitationKind::SecurityCouncilResolution
    } else if u.starts_with("E/RES/") {
        CitationKind::EcosocResolution
    } else if u.starts_with("A/HRC/RES/") {
        CitationKind::HumanRightsCouncilResolution
    } else if u.starts_with("A/DEC/") {
        CitationKind::Decision
    } else {
        CitationKind::Document
    }
}

#[derive(Default)]
struct Acc {
    doc: Document,
    preamble_text: Vec<String>,
    agenda_text: Vec<String>,
    agenda_names: Vec<String>,
    originating: String,
    symbol: String,
    cover_title: String,
    title: String,
    /// The library catalogue's title (`<keyword refersTo="title" dictionary="DHL">`).
    catalogue_title: String,
    conclusions: String,
    fn_texts: Vec<(String, String, Option<String>)>,
    links: Vec<Link>,
}

impl Acc {
    fn append(&mut self, target: &Target, text: &str) {
        let doc = &mut self.doc;
        match *target {
            Target::Ignore => {}
            Target::Symbol => self.symbol.push_str(text),
            Target::CoverDocTitle => self.cover_title.push_str(text),
            Target::AgendaItem(i) => {
                if let Some(a) = self.agenda_text.get_mut(i) {
                    a.push_str(text)
                }
            }
            Target::AgendaName => {
                if let Some(a) = self.agenda_names.last_mut() {
                    a.push_str(text)
                }
            }
            Target::Originating => self.originating.push_str(text),
            Target::Title => self.title.push_str(text),
            Target::Preamble(i) => {
                if let Some(p) = self.preamble_text.get_mut(i) {
                    p.push_str(text)
                }
            }
            Target::OpText(i) => {
                if let Some(p) = doc.operative.get_mut(i) {
                    p.text.push_str(text)
                }
            }
            Target::OpNum(i) => {
                if let Some(p) = doc.operative.get_mut(i) {
                    p.number.get_or_insert_with(String::new).push_str(text)
                }
            }
            Target::SubNum(i, s) => {
                if let Some(x) = doc
                    .operative
                    .get_mut(i)
                    .and_then(|p| p.sub_items.get_mut(s))
                {
                    x.label.push_str(text)
                }
            }
            Target::SubText(i, s) => {
                if let Some(x) = doc
                    .operative
                    .get_mut(i)
                    .and_then(|p| p.sub_items.get_mut(s))
                {
                    x.text.push_str(text)
                }
            }
            Target::Footnote(i) => {
                if let Some(f) = self.fn_texts.get_mut(i) {
                    f.1.push_str(text)
                }
            }
            Target::Link(i) => {
                if let Some(l) = self.links.get_mut(i) {
                    l.surface.push_str(text)
                }
            }
            Target::Conclusions => self.conclusions.push_str(text),
            Target::AnnexTitle(i) => {
                if let Some(a) = doc.annexes.get_mut(i) {
                    a.title.push_str(text)
                }
            }
            Target::AnnexPara(i) => {
                if let Some(p) = doc.annexes.get_mut(i).and_then(|a| a.paragraphs.last_mut()) {
                    p.push_str(text)
                }
            }
        }
    }
}

/// Real AKN4UN documents nest a few dozen elements deep; deeper input is rejected.
const MAX_DEPTH: usize = 512;

/// Parse an AKN4UN XML document.
pub fn parse_akn(xml: &str) -> Result<Document, ParseError> {
    let mut acc = Acc {
        doc: Document::empty(SourceFormat::AkomaNtoso),
        ..Acc::default()
    };
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;

    let mut names: Vec<String> = Vec::new();
    let mut targets: Vec<Option<Target>> = Vec::new();
    let mut language: Option<String> = None;
    let mut saw_root = false;
    let mut in_attachment = 0usize;

    let xml_error = |pos: u64, msg: String| {
        let (line, column) = line_col(xml, pos as usize);
        ParseError::Xml {
            line,
            column,
            message: msg,
        }
    };

    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(xml_error(reader.error_position(), e.to_string())),
        };
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if !saw_root {
                    saw_root = true;
                    if name != "akomaNtoso" {
                        return Err(ParseError::NotAkn(format!(
                            "root element is <{name}>, expected <akomaNtoso>"
                        )));
                    }
                }
                let inside = |n: &str| names.iter().any(|x| x == n);
                let parent = names.last().map(String::as_str).unwrap_or("");
                let mut target: Option<Target> = None;
                match name.as_str() {
                    "FRBRdate"
                        if inside("FRBRWork")
                            && attr(e, "name").as_deref() == Some("adoption")
                            && acc.doc.adoption_date.is_none() =>
                    {
                        acc.doc.adoption_date = attr(e, "date").filter(|d| d.len() == 10);
                    }
                    "FRBRlanguage" if language.is_none() => language = attr(e, "language"),
                    "keyword"
                        if inside("classification")
                            && attr(e, "refersTo").as_deref() != Some("#agenda")
                            && attr(e, "refersTo").as_deref() != Some("agenda") =>
                    {
                        if let Some(v) = attr(e, "value").map(|v| collapse(&v))
                            && !v.is_empty()
                            && !acc.doc.subjects.contains(&v)
                        {
                            if matches!(attr(e, "refersTo").as_deref(), Some("title" | "#title"))
                                && acc.catalogue_title.is_empty()
                            {
                                acc.catalogue_title = v.clone();
                            }
                            acc.doc.subjects.push(v);
                        }
                    }
                    "attachment" => {
                        in_attachment += 1;
                        acc.doc.annexes.push(Annex {
                            title: String::new(),
                            paragraphs: Vec::new(),
                        });
                    }
                    _ if in_attachment > 0 => {
                        let idx = acc.doc.annexes.len().saturating_sub(1);
                        match name.as_str() {
                            "docTitle" | "heading" | "docNumber" => {
                                target = Some(Target::AnnexTitle(idx))
                            }
                            "p" | "paragraph" | "container"
                                if !targets
                                    .iter()
                                    .flatten()
                                    .any(|t| matches!(t, Target::AnnexPara(_))) =>
                            {
                                if let Some(a) = acc.doc.annexes.get_mut(idx) {
                                    a.paragraphs.push(String::new());
                                }
                                target = Some(Target::AnnexPara(idx));
                            }
                            "authorialNote" => {
                                acc.fn_texts.push((
                                    attr(e, "marker").unwrap_or_default(),
                                    String::new(),
                                    Some(format!("annex {}", idx + 1)),
                                ));
                                target = Some(Target::Footnote(acc.fn_texts.len() - 1));
                            }
                            _ => {}
                        }
                    }
                    "docNumber" if inside("coverPage") && acc.symbol.is_empty() => {
                        target = Some(Target::Symbol)
                    }
                    "docDate" if inside("coverPage") => {
                        if acc.doc.distribution_date.is_none() {
                            acc.doc.distribution_date = attr(e, "date").filter(|d| d.len() == 10);
                        }
                        target = Some(Target::Ignore);
                    }
                    "session" if inside("coverPage") => {
                        if acc.doc.session.is_none() {
                            acc.doc.session = attr(e, "value").and_then(|v| v.trim().parse().ok());
                        }
                        target = Some(Target::Ignore);
                    }
                    "inline" if inside("coverPage") => match attr(e, "name").as_deref() {
                        Some("agenda item") => {
                            acc.agenda_text.push(String::new());
                            if let Some(t) = attr(e, "title").filter(|t| !t.trim().is_empty()) {
                                acc.doc.agenda_items.push(t.trim().to_string());
                            }
                            target = Some(Target::AgendaItem(acc.agenda_text.len() - 1));
                        }
                        Some("agenda item name") => {
                            acc.agenda_names.push(String::new());
                            target = Some(Target::AgendaName);
                        }
                        Some("originating document") => target = Some(Target::Originating),
                        _ => {}
                    },
                    "docTitle" if inside("coverPage") => target = Some(Target::CoverDocTitle),
                    "docTitle" if inside("preface") && acc.title.is_empty() => {
                        target = Some(Target::Title)
                    }
                    "formula" => target = Some(Target::Ignore),
                    "container" if inside("preamble") && !is_empty => {
                        acc.doc.preamble.push(PreambularParagraph {
                            phrase: collapse(&attr(e, "name").unwrap_or_default()),
                            text: String::new(),
                            part: None,
                        });
                        acc.preamble_text.push(String::new());
                        target = Some(Target::Preamble(acc.doc.preamble.len() - 1));
                    }
                    "paragraph" if inside("mainBody") => {
                        acc.doc.operative.push(OperativeParagraph {
                            number: None,
                            text: String::new(),
                            sub_items: Vec::new(),
                            part: None,
                        });
                        target = Some(Target::OpText(acc.doc.operative.len() - 1));
                    }
                    "num" if parent == "paragraph" && inside("mainBody") => {
                        target = Some(Target::OpNum(acc.doc.operative.len().saturating_sub(1)));
                    }
                    "point" | "indent" | "alinea" if inside("paragraph") => {
                        let op = acc.doc.operative.len().saturating_sub(1);
                        if let Some(p) = acc.doc.operative.get_mut(op) {
                            p.sub_items.push(SubItem {
                                label: String::new(),
                                text: String::new(),
                            });
                            target = Some(Target::SubText(op, p.sub_items.len() - 1));
                        }
                    }
                    "num" if matches!(parent, "point" | "indent" | "alinea") => {
                        if let Some(Some(Target::SubText(op, s))) = targets.last() {
                            target = Some(Target::SubNum(*op, *s));
                        }
                    }
                    "crossHeading" | "heading" | "subheading" if inside("mainBody") => {
                        target = Some(Target::Ignore)
                    }
                    "authorialNote" => {
                        let anchor = targets.iter().rev().flatten().find_map(|t| match t {
                            Target::Preamble(i) => Some(format!("preamble {}", i + 1)),
                            Target::OpText(i) | Target::SubText(i, _) => {
                                Some(format!("operative {}", i + 1))
                            }
                            _ => None,
                        });
                        let marker = attr(e, "marker").unwrap_or_default();
                        // the marker stays in the text where it stood
                        if let Some(t) = targets
                            .iter()
                            .rev()
                            .flatten()
                            .find(|t| !matches!(t, Target::Link(_)))
                            .cloned()
                        {
                            acc.append(&t, &marker);
                        }
                        acc.fn_texts.push((marker, String::new(), anchor));
                        target = Some(Target::Footnote(acc.fn_texts.len() - 1));
                    }
                    "a" => {
                        if let Some(href) = attr(e, "href") {
                            let location = targets.iter().rev().flatten().find_map(|t| match t {
                                Target::Preamble(i) => Some(format!("preamble {}", i + 1)),
                                Target::OpText(i) | Target::SubText(i, _) => {
                                    Some(format!("operative {}", i + 1))
                                }
                                Target::Footnote(i) => {
                                    Some(format!("footnote {}", acc.fn_texts[*i].0))
                                }
                                _ => None,
                            });
                            if let Some(location) = location {
                                acc.links.push(Link {
                                    href,
                                    surface: String::new(),
                                    location,
                                });
                                target = Some(Target::Link(acc.links.len() - 1));
                            }
                        }
                    }
                    "conclusions" => target = Some(Target::Conclusions),
                    _ => {}
                }
                if !is_empty {
                    if names.len() >= MAX_DEPTH {
                        return Err(xml_error(
                            reader.buffer_position(),
                            format!("elements nested deeper than {MAX_DEPTH}"),
                        ));
                    }
                    names.push(name);
                    targets.push(target);
                } else if name == "attachment" {
                    in_attachment = in_attachment.saturating_sub(1);
                }
            }
            Event::End(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "attachment" {
                    in_attachment = in_attachment.saturating_sub(1);
                }
                // block elements separate words
                if matches!(
                    name.as_str(),
                    "p" | "num" | "paragraph" | "container" | "intro"
                ) && let Some(t) = targets.iter().rev().flatten().next().cloned()
                {
                    acc.append(&t, " ");
                }
                names.pop();
                targets.pop();
            }
            Event::GeneralRef(ref r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(v) => v.to_string(),
                            None => {
                                return Err(xml_error(
                                    reader.buffer_position(),
                                    format!("unknown entity &{name};"),
                                ));
                            }
                        }
                    }
                    Err(err) => return Err(xml_error(reader.buffer_position(), err.to_string())),
                };
                if let Some(top) = targets.iter().rev().flatten().next().cloned() {
                    acc.append(&top, &text);
                }
            }
            Event::Text(ref t) => {
                let text = match t.decode() {
                    Ok(s) => s.into_owned(),
                    Err(err) => return Err(xml_error(reader.buffer_position(), err.to_string())),
                };
                let mut stack = targets.iter().rev().flatten();
                if let Some(top) = stack.next().cloned() {
                    acc.append(&top, &text);
                    if matches!(top, Target::Link(_))
                        && let Some(below) = stack.next().cloned()
                    {
                        acc.append(&below, &text);
                    }
                }
            }
            Event::CData(ref c) => {
                let text = String::from_utf8_lossy(c.as_ref()).into_owned();
                if let Some(top) = targets.iter().rev().flatten().next().cloned() {
                    acc.append(&top, &text);
                }
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err(ParseError::NotAkn("no root element".into()));
    }
    if let Some(open) = names.last() {
        return Err(xml_error(
            xml.len() as u64,
            format!("unexpected end of input: <{open}> is not closed"),
        ));
    }

    // ---- finish ----
    let Acc {
        mut doc,
        preamble_text,
        agenda_text,
        agenda_names,
        originating,
        symbol,
        cover_title,
        title,
        catalogue_title,
        conclusions,
        fn_texts,
        links,
    } = acc;
    let lang = language
        .as_deref()
        .and_then(Lang::from_code)
        .or_else(|| lang::detect(xml));
    doc.language = lang::code_or_und(lang).to_string();
    doc.symbol = collapse(&symbol);
    doc.organ = Organ::from_symbol(&doc.symbol);
    if doc.session.is_none() {
        doc.session = session_of(&doc.symbol);
    }
    if doc.agenda_items.is_empty() {
        for t in &agenda_text {
            if let Some(n) = t
                .split_whitespace()
                .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            {
                doc.agenda_items.push(n.to_string());
            }
        }
    }
    doc.agenda_item_titles = agenda_names
        .iter()
        .map(|s| collapse(s))
        .filter(|s| !s.is_empty())
        .collect();
    doc.originating_documents = DOC_RE
        .find_iter(&originating)
        .map(|m| m.as_str().trim_end_matches('.').to_string())
        .collect();
    if doc.adoption_date.is_none() {
        doc.adoption_date = crate::dates::first_date(&cover_title);
    }
    doc.title = collapse(&title);
    if doc.title.is_empty() {
        // Security Council resolutions have no title in the text (the cover names the number and
        // the meeting); the Dag Hammarskjöld Library's catalogue title is the one people cite:
        // `Security Council resolution 2725 (2024) [on extension of the mandate of …]`.
        doc.title = catalogue_title;
    }
    for (p, t) in doc.preamble.iter_mut().zip(preamble_text) {
        p.text = collapse(&t);
        if p.phrase.is_empty() {
            p.phrase = crate::text::preamble_phrase(&p.text, lang);
        }
    }
    for p in &mut doc.operative {
        p.text = collapse(&p.text);
        p.number = p
            .number
            .take()
            .map(|n| collapse(&n).trim_end_matches('.').to_string())
            .filter(|n| !n.is_empty());
        // Some files print the number in the text instead of a <num> (`1 - تعلن …`).
        if p.number.is_none()
            && let Some(c) = crate::text::NUMBERED_RE.captures(&p.text)
            && c["n"].chars().all(|ch| ch.is_ascii_digit())
        {
            let rest = c.name("t").or(c.name("u")).map_or("", |m| m.as_str());
            let (n, rest) = (c["n"].to_string(), rest.trim().to_string());
            p.number = Some(n);
            p.text = rest;
        }
        for s in &mut p.sub_items {
            s.label = collapse(&s.label);
            s.text = collapse(&s.text);
        }
    }
    for a in &mut doc.annexes {
        a.title = collapse(&a.title);
        a.paragraphs = a
            .paragraphs
            .iter()
            .map(|p| collapse(p))
            .filter(|p| !p.is_empty())
            .collect();
    }
    let c = collapse(&conclusions);
    doc.conclusions = (!c.is_empty()).then_some(c);
    doc.footnotes = fn_texts
        .into_iter()
        .map(|(marker, text, anchor)| Footnote {
            marker,
            text: collapse(&text),
            anchor,
        })
        .collect();

    // Citations: the same text analysis as for plain text, plus every link it missed.
    let mut cites = collect_citations(&doc);
    for l in links {
        let Some(sym) = href_symbol(&l.href) else {
            continue;
        };
        let key = citations::comparison_key(&sym);
        let known = cites
            .iter()
            .any(|c| c.location == l.location && citations::comparison_key(&c.target) == key);
        if !known {
            cites.push(Citation {
                kind: kind_of(&sym),
                target: sym,
                location: l.location,
                surface: collapse(&l.surface),
                date: None,
            });
        }
    }
    doc.citations = cites;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r##"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><statement name="resolution"><meta><identification source="#x"><FRBRWork><FRBRdate date="2025-03-21" name="adoption"/></FRBRWork><FRBRExpression><FRBRlanguage language="eng"/></FRBRExpression></identification></meta>
<coverPage><p><docNumber refersTo="#symbol">A/RES/79/274</docNumber></p><p><docDate date="2025-03-25">25 March 2025</docDate></p><p><session value="79">Seventy-ninth session</session></p><p><inline title="61" name="agenda item">Agenda item 61</inline></p><p><docProponent>[without reference (<inline name="originating document">A/79/L.59</inline>)]</docProponent></p></coverPage>
<preface><p><docNumber>79/274.</docNumber><docTitle>Permanent neutrality</docTitle></p></preface>
<preamble><formula><p>The General Assembly,</p></formula><container name="Recalling" eId="c2"><p>Recalling its resolutions <a href="https://undocs.org/en/A/RES/50/80">50/80</a> A of 12 December 1995,<authorialNote marker="1"><p><a href="https://undocs.org/en/A/75/651">A/75/651-S/2020/1203</a>, annex.</p></authorialNote></p></container></preamble>
<mainBody><paragraph eId="p1"><num>1.</num><content><p>Reiterates &amp; supports;</p></content></paragraph><paragraph><num>2.</num><list><intro><p>Decides:</p></intro><point><num>(a)</num><content><p>one;</p></content></point></list></paragraph></mainBody></statement></akomaNtoso>"##;

    #[test]
    fn small_document() {
        let d = parse_akn(SMALL).unwrap();
        assert_eq!(d.symbol, "A/RES/79/274");
        assert_eq!(d.language, "en");
        assert_eq!(d.session, Some(79));
        assert_eq!(d.agenda_items, ["61"]);
        assert_eq!(d.adoption_date.as_deref(), Some("2025-03-21"));
        assert_eq!(d.distribution_date.as_deref(), Some("2025-03-25"));
        assert_eq!(d.originating_documents, ["A/79/L.59"]);
        assert_eq!(d.title, "Permanent neutrality");
        assert_eq!(d.preamble.len(), 1);
        assert_eq!(d.preamble[0].phrase, "Recalling");
        assert_eq!(
            d.preamble[0].text,
            "Recalling its resolutions 50/80 A of 12 December 1995,1"
        );
        assert_eq!(d.operative.len(), 2);
        assert_eq!(d.operative[0].number.as_deref(), Some("1"));
        assert_eq!(d.operative[0].text, "Reiterates & supports;");
        assert_eq!(d.operative[1].sub_items.len(), 1);
        assert_eq!(d.operative[1].sub_items[0].label, "(a)");
        assert_eq!(d.footnotes.len(), 1);
        assert_eq!(d.footnotes[0].anchor.as_deref(), Some("preamble 1"));
        assert_eq!(
            crate::text::cited(&d),
            [
                ("A/RES/50/80 A", "preamble 1"),
                ("A/75/651-S/2020/1203", "footnote 1")
            ]
        );
        assert_eq!(d.citations[0].date.as_deref(), Some("1995-12-12"));
    }

    #[test]
    fn malformed_xml_reports_line_and_column() {
        let bad = "<akomaNtoso>\n  <statement>\n    <p>text</q>\n</akomaNtoso>";
        match parse_akn(bad) {
            Err(ParseError::Xml { line, column, .. }) => {
                assert_eq!(line, 3);
                assert!(column > 1);
            }
            other => panic!("expected an XML error, got {other:?}"),
        }
        assert!(matches!(
            parse_akn("<akomaNtoso><p>"),
            Err(ParseError::Xml { .. })
        ));
        assert!(matches!(parse_akn("<html/>"), Err(ParseError::NotAkn(_))));
    }
}
