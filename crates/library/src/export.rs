//! Akoma Ntoso 3.0 export with AKN4UN FRBR identifiers.

use crate::akn::frbr::{Expression, FrbrAuthor, FrbrDate, Identification, Manifestation, Work};
use crate::citations::base_symbol;
use crate::lang::{self, Lang};
use crate::model::*;
use quick_xml::escape::escape;
use std::fmt::Write;

/// The AKN4UN work component for a symbol: `A/RES/79/274` → `79-274`, `A/RES/79/258 B` → `79-258B`,
/// `S/RES/2725 (2024)` → `2725-2024`.
pub fn work_number(symbol: &str) -> String {
    let s = symbol
        .trim()
        .trim_start_matches("A/RES/")
        .trim_start_matches("S/RES/");
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '/' => out.push('-'),
            '(' => out.push('-'),
            ' ' | ')' => {}
            c if c.is_ascii_alphanumeric() || c == '-' => out.push(c),
            _ => {}
        }
    }
    if out.is_empty() {
        "unknown".into()
    } else {
        out
    }
}

/// FRBR identifiers of a document, following the AKN4UN naming convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrbrIds {
    pub work_this: String,
    pub work_uri: String,
    pub expression_this: String,
    pub expression_uri: String,
    pub manifestation_this: String,
    pub manifestation_uri: String,
    pub work_date: String,
    pub language: String,
}

/// FRBR Work / Expression / Manifestation IRIs, e.g.
/// `/akn/un/statement/deliberation/unga/2025-03-21/79-274/!main/`.
pub fn frbr_ids(doc: &Document) -> FrbrIds {
    let date = doc
        .adoption_date
        .clone()
        .or_else(|| doc.distribution_date.clone())
        .unwrap_or_else(|| "0001-01-01".into());
    let lang = lang::iso639_2_or_und(Lang::from_code(&doc.language));
    let base = format!(
        "/akn/un/statement/deliberation/{}/{}/{}",
        doc.organ.akn_code(),
        date,
        work_number(&doc.symbol)
    );
    ids_under(&base, date, lang)
}

/// The AKN4UN IRIs of a work whose IRI is `base` (without the closing `/`).
fn ids_under(base: &str, work_date: String, lang: &str) -> FrbrIds {
    FrbrIds {
        work_this: format!("{base}/!main/"),
        work_uri: format!("{base}/"),
        expression_this: format!("{base}/{lang}@!main/"),
        expression_uri: format!("{base}/{lang}@/"),
        manifestation_this: format!("{base}/{lang}@/!main.xml"),
        manifestation_uri: format!("{base}/{lang}@.xml"),
        work_date,
        language: lang.to_string(),
    }
}

/// The FRBR identification of a resolution (or of one of its annexes) issued by `organ`
/// (`#ga`), published on `pub_date`, marked up by Chamber.
fn identification(
    ids: &FrbrIds,
    organ: &str,
    number: Option<&str>,
    pub_date: &str,
    lang: Option<Lang>,
) -> Identification {
    Identification {
        source: "#chamber".into(),
        work: Work {
            this: ids.work_this.clone(),
            uri: ids.work_uri.clone(),
            date: FrbrDate::new(&ids.work_date, "adoption"),
            author: FrbrAuthor::new(organ, "#author"),
            country: "un".into(),
            subtype: None,
            number: number.map(str::to_string),
            name: None,
        },
        expression: Expression {
            this: ids.expression_this.clone(),
            uri: ids.expression_uri.clone(),
            date: FrbrDate::new(pub_date, "publication"),
            author: FrbrAuthor::new(organ, "#issuer"),
            version_number: None,
            language: lang,
        },
        manifestation: Manifestation {
            this: ids.manifestation_this.clone(),
            uri: ids.manifestation_uri.clone(),
            date: FrbrDate::new(pub_date, "markup"),
            author: FrbrAuthor::new("#chamber", "#editor"),
        },
    }
}

fn esc(s: &str) -> String {
    escape(s).into_owned()
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

fn href_for(target: &str, lang: &str) -> String {
    let sym = match target.split_once(" (") {
        Some((a, b)) => format!("{a}({b}"),
        None => base_symbol(target),
    };
    format!("https://undocs.org/{lang}/{}", sym.replace(' ', "%20"))
}

/// Inline content of a paragraph: text with `<ref>` for citations and `<authorialNote>` for
/// footnotes at their markers.
fn inline(text: &str, location: &str, doc: &Document, notes_done: &mut [bool]) -> String {
    // Collect (start, end, replacement) edits on the raw text.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut from = 0;
    for c in doc.citations.iter().filter(|c| c.location == location) {
        if c.surface.is_empty() {
            continue;
        }
        if let Some(off) = text[from..].find(&c.surface) {
            let s = from + off;
            let e = s + c.surface.len();
            edits.push((
                s,
                e,
                format!(
                    "<ref href=\"{}\">{}</ref>",
                    esc(&href_for(&c.target, &doc.language)),
                    esc(&c.surface)
                ),
            ));
            from = e;
        }
    }
    for (i, f) in doc.footnotes.iter().enumerate() {
        if notes_done[i] || f.anchor.as_deref() != Some(location) {
            continue;
        }
        let note = format!(
            "<authorialNote marker=\"{m}\" placement=\"bottom\" eId=\"authorialNote_{n}\"><p>{t}</p></authorialNote>",
            m = esc(&f.marker),
            n = i + 1,
            t = esc(&f.text)
        );
        let pos = crate::text::marker_pos(text, &f.marker)
            .filter(|&(s, e)| !edits.iter().any(|&(a, b, _)| s < b && a < e));
        match pos {
            Some((s, e)) => edits.push((s, e, note)),
            None => edits.push((text.len(), text.len(), note)),
        }
        notes_done[i] = true;
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::new();
    let mut at = 0;
    for (s, e, rep) in edits {
        if s < at {
            continue;
        }
        out.push_str(&esc(&text[at..s]));
        out.push_str(&rep);
        at = e;
    }
    out.push_str(&esc(&text[at..]));
    out
}

/// Export a document as Akoma Ntoso 3.0 XML (AKN4UN conventions).
pub fn to_akn(doc: &Document) -> String {
    let ids = frbr_ids(doc);
    let mut notes_done = vec![false; doc.footnotes.len()];
    let mut x = String::new();
    let organ = match doc.organ {
        Organ::SecurityCouncil => (
            "sc",
            "/akn/ontology/organization/un/securityCouncil",
            "Security Council",
        ),
        _ => (
            "ga",
            "/akn/ontology/organization/un/generalAssembly",
            "General Assembly",
        ),
    };
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        x,
        "<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">"
    );
    let _ = writeln!(x, "  <statement name=\"resolution\">");
    let _ = writeln!(x, "    <meta>");
    let pub_date = doc
        .distribution_date
        .clone()
        .filter(|d| is_iso_date(d))
        .unwrap_or_else(|| ids.work_date.clone());
    let organ_ref = format!("#{}", organ.0);
    let lang = Lang::from_code(&doc.language);
    let number = Some(doc.symbol.as_str()).filter(|s| !s.is_empty());
    identification(&ids, &organ_ref, number, &pub_date, lang).write(&mut x, 6);
    if !doc.subjects.is_empty() {
        let _ = writeln!(x, "      <classification source=\"#chamber\">");
        for s in &doc.subjects {
            let _ = writeln!(
                x,
                "        <keyword value=\"{v}\" showAs=\"{v}\" dictionary=\"UNBIS\"/>",
                v = esc(s)
            );
        }
        let _ = writeln!(x, "      </classification>");
    }
    let _ = writeln!(x, "      <references source=\"#chamber\">");
    let _ = writeln!(
        x,
        "        <TLCOrganization eId=\"chamber\" href=\"/akn/ontology/organization/un/chamber\" showAs=\"Chamber\"/>"
    );
    let _ = writeln!(
        x,
        "        <TLCOrganization eId=\"{}\" href=\"{}\" showAs=\"{}\"/>",
        organ.0, organ.1, organ.2
    );
    let _ = writeln!(
        x,
        "        <TLCRole eId=\"author\" href=\"/akn/ontology/role/un/author\" showAs=\"Author\"/>"
    );
    let _ = writeln!(
        x,
        "        <TLCRole eId=\"issuer\" href=\"/akn/ontology/role/un/issuer\" showAs=\"Issuer\"/>"
    );
    let _ = writeln!(
        x,
        "        <TLCRole eId=\"editor\" href=\"/akn/ontology/role/un/editor\" showAs=\"Editor\"/>"
    );
    let _ = writeln!(x, "      </references>");
    let _ = writeln!(x, "    </meta>");

    // Cover page.
    let _ = writeln!(x, "    <coverPage>");
    let _ = writeln!(
        x,
        "      <p><docNumber refersTo=\"#symbol\">{}</docNumber></p>",
        esc(&doc.symbol)
    );
    if let Some(d) = doc.distribution_date.as_deref().filter(|d| is_iso_date(d)) {
        let _ = writeln!(
            x,
            "      <p><docDate date=\"{d}\" refersTo=\"#dateOfIssuance\">{d}</docDate></p>"
        );
    }
    if let Some(s) = doc.session {
        let _ = writeln!(x, "      <p><session value=\"{s}\">{s}</session></p>");
    }
    for (i, a) in doc.agenda_items.iter().enumerate() {
        let title = doc
            .agenda_item_titles
            .get(i)
            .map(String::as_str)
            .unwrap_or("");
        let _ = writeln!(
            x,
            "      <p><inline name=\"agenda item\" title=\"{}\">{}</inline></p>",
            esc(a),
            esc(a)
        );
        if !title.is_empty() {
            let _ = writeln!(
                x,
                "      <p><inline name=\"agenda item name\">{}</inline></p>",
                esc(title)
            );
        }
    }
    if let Some(d) = doc.adoption_date.as_deref().filter(|d| is_iso_date(d)) {
        let _ = writeln!(
            x,
            "      <p><docDate date=\"{d}\" refersTo=\"#dateOfAdoption\">{d}</docDate></p>"
        );
    }
    for o in &doc.originating_documents {
        let _ = writeln!(
            x,
            "      <p><inline name=\"originating document\">{}</inline></p>",
            esc(o)
        );
    }
    let _ = writeln!(x, "    </coverPage>");

    // Preface.
    let _ = writeln!(x, "    <preface>");
    let num = doc
        .symbol
        .trim_start_matches("A/RES/")
        .trim_start_matches("S/RES/");
    let _ = writeln!(
        x,
        "      <p><docNumber>{}</docNumber> <docTitle refersTo=\"#resolutionTitle\">{}</docTitle></p>",
        esc(num),
        esc(&doc.title)
    );
    let _ = writeln!(x, "    </preface>");

    // Preamble.
    if !doc.preamble.is_empty() {
        let _ = writeln!(x, "    <preamble>");
        for (i, p) in doc.preamble.iter().enumerate() {
            let loc = format!("preamble {}", i + 1);
            let name = if p.phrase.trim().is_empty() {
                "preambular"
            } else {
                p.phrase.trim()
            };
            let _ = writeln!(
                x,
                "      <container name=\"{}\" eId=\"container_{}\"><p>{}</p></container>",
                esc(name),
                i + 1,
                inline(&p.text, &loc, doc, &mut notes_done)
            );
        }
        let _ = writeln!(x, "    </preamble>");
    }

    // Main body.
    let _ = writeln!(x, "    <mainBody>");
    if doc.operative.is_empty() {
        let _ = writeln!(
            x,
            "      <paragraph eId=\"para_0\"><content><p/></content></paragraph>"
        );
    }
    for (i, p) in doc.operative.iter().enumerate() {
        let loc = format!("operative {}", i + 1);
        let n = i + 1;
        let _ = write!(x, "      <paragraph eId=\"para_{n}\">");
        if let Some(num) = &p.number {
            let _ = write!(x, "<num>{}.</num>", esc(num));
        }
        let body = inline(&p.text, &loc, doc, &mut notes_done);
        if p.sub_items.is_empty() {
            let _ = write!(x, "<content><p>{body}</p></content>");
        } else {
            let _ = write!(
                x,
                "<list eId=\"para_{n}__list_1\"><intro><p>{body}</p></intro>"
            );
            for (j, s) in p.sub_items.iter().enumerate() {
                let _ = write!(
                    x,
                    "<point eId=\"para_{n}__list_1__point_{}\"><num>{}</num><content><p>{}</p></content></point>",
                    j + 1,
                    esc(&s.label),
                    inline(&s.text, &loc, doc, &mut notes_done)
                );
            }
            let _ = write!(x, "</list>");
        }
        let _ = writeln!(x, "</paragraph>");
    }
    let _ = writeln!(x, "    </mainBody>");

    // Footnotes not placed in any paragraph go in the conclusions, with the closing lines.
    let orphans: Vec<usize> = (0..doc.footnotes.len())
        .filter(|&i| !notes_done[i])
        .collect();
    if doc.conclusions.is_some() || !orphans.is_empty() {
        let _ = writeln!(x, "    <conclusions>");
        if let Some(c) = &doc.conclusions {
            for line in c.lines().filter(|l| !l.trim().is_empty()) {
                let _ = writeln!(x, "      <p>{}</p>", esc(line.trim()));
            }
        }
        for i in orphans {
            let f = &doc.footnotes[i];
            let _ = writeln!(
                x,
                "      <p><authorialNote marker=\"{}\" placement=\"bottom\" eId=\"authorialNote_{}\"><p>{}</p></authorialNote></p>",
                esc(&f.marker),
                i + 1,
                esc(&f.text)
            );
        }
        let _ = writeln!(x, "    </conclusions>");
    }

    // Annexes.
    if !doc.annexes.is_empty() {
        let _ = writeln!(x, "    <attachments>");
        for (i, a) in doc.annexes.iter().enumerate() {
            let _ = writeln!(x, "      <attachment eId=\"att_{}\">", i + 1);
            let _ = writeln!(x, "        <doc name=\"annex\">");
            let _ = writeln!(x, "          <meta>");
            let annex_ids = ids_under(
                &format!("{}annex_{}", ids.work_uri, i + 1),
                ids.work_date.clone(),
                &ids.language,
            );
            identification(&annex_ids, &organ_ref, None, &pub_date, lang).write(&mut x, 12);
            let _ = writeln!(x, "          </meta>");
            let _ = writeln!(x, "          <mainBody>");
            if !a.title.is_empty() {
                let _ = writeln!(x, "            <p>{}</p>", esc(&a.title));
            }
            for p in &a.paragraphs {
                let _ = writeln!(x, "            <p>{}</p>", esc(p));
            }
            if a.title.is_empty() && a.paragraphs.is_empty() {
                let _ = writeln!(x, "            <p/>");
            }
            let _ = writeln!(x, "          </mainBody>");
            let _ = writeln!(x, "        </doc>");
            let _ = writeln!(x, "      </attachment>");
        }
        let _ = writeln!(x, "    </attachments>");
    }
    let _ = writeln!(x, "  </statement>");
    let _ = writeln!(x, "</akomaNtoso>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frbr_follows_akn4un() {
        let d = Document {
            symbol: "A/RES/79/274".into(),
            organ: Organ::GeneralAssembly,
            language: "en".into(),
            adoption_date: Some("2025-03-21".into()),
            ..Document::default()
        };
        let ids = frbr_ids(&d);
        assert_eq!(
            ids.work_this,
            "/akn/un/statement/deliberation/unga/2025-03-21/79-274/!main/"
        );
        assert_eq!(
            ids.expression_this,
            "/akn/un/statement/deliberation/unga/2025-03-21/79-274/eng@!main/"
        );
        assert_eq!(
            ids.manifestation_uri,
            "/akn/un/statement/deliberation/unga/2025-03-21/79-274/eng@.xml"
        );
        assert_eq!(work_number("A/RES/79/258 B"), "79-258B");
        assert_eq!(work_number("S/RES/2725 (2024)"), "2725-2024");
    }

    #[test]
    fn resolution_and_annex_share_the_frbr_writer() {
        let d = Document {
            symbol: "S/RES/2725 (2024)".into(),
            organ: Organ::SecurityCouncil,
            language: "fr".into(),
            adoption_date: Some("2024-03-01".into()),
            distribution_date: Some("2024-03-04".into()),
            annexes: vec![Annex {
                title: "Annexe".into(),
                paragraphs: vec!["Texte.".into()],
            }],
            ..Document::default()
        };
        let xml = to_akn(&d);
        let base = "/akn/un/statement/deliberation/unsc/2024-03-01/2725-2024";
        for line in [
            "      <identification source=\"#chamber\">".to_string(),
            format!("          <FRBRthis value=\"{base}/!main/\"/>"),
            "          <FRBRauthor href=\"#sc\" as=\"#author\"/>".to_string(),
            "          <FRBRnumber value=\"S/RES/2725 (2024)\"/>".to_string(),
            "          <FRBRdate date=\"2024-03-04\" name=\"publication\"/>".to_string(),
            format!("          <FRBRuri value=\"{base}/fra@.xml\"/>"),
            format!("                <FRBRthis value=\"{base}/annex_1/!main/\"/>"),
            format!("                <FRBRthis value=\"{base}/annex_1/fra@!main/\"/>"),
            format!("                <FRBRuri value=\"{base}/annex_1/fra@.xml\"/>"),
        ] {
            assert!(xml.lines().any(|l| l == line), "{line} not in\n{xml}");
        }
        assert_eq!(xml.matches("<FRBRlanguage language=\"fra\"/>").count(), 2);
        // The annex is no work of its own number.
        assert_eq!(xml.matches("<FRBRnumber ").count(), 1);
    }

    #[test]
    fn export_round_trips_through_the_reader() {
        let text = "United Nations\nA/RES/70/1\nGeneral Assembly\nDistr.: General\n21 October 2015\nResolution adopted by the General Assembly on 25 September 2015\n\n70/1.\n\n Title & <more>\n\nThe General Assembly,\n\nRecalling its resolution 69/285 of 3 June 2015,1\n\n1.\tDecides:\n\n(a)\tone;\n\n2.\tRequests.\n\n__________________\n1\tA/69/L.1, annex.\n";
        let d = crate::parse_text(text, None).unwrap();
        let xml = to_akn(&d);
        let back = crate::parse_akn(&xml).unwrap();
        assert_eq!(back.symbol, d.symbol);
        assert_eq!(back.title, "Title & <more>");
        assert_eq!(back.preamble.len(), 1);
        assert_eq!(back.operative.len(), 2);
        assert_eq!(back.footnotes.len(), 1);
        assert_eq!(back.footnotes[0].anchor.as_deref(), Some("preamble 1"));
        assert_eq!(back.adoption_date, d.adoption_date);
        assert!(xml.contains("<ref href=\"https://undocs.org/en/A/RES/69/285\">69/285</ref>"));
    }
}
