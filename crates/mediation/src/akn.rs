//! Akoma Ntoso 3.0 export of a negotiating-text version and of an agreement: FRBR
//! identification, references, preface with title, preamble of preambular paragraphs, mainBody
//! of numbered paragraphs (sub-items as list points). Paragraph status is a `refersTo` to a
//! TLCConcept (`#agreedAdReferendum`, `#bracketed`, `#deleted`); bracketed spans are
//! `<inline name="bracketed">[…]</inline>`; alternatives are `<inline name="alternative">`
//! labels, one `<p>` per alternative. Valid against the OASIS `akomantoso30.xsd` (tested with
//! xmllint). The FRBR identification block is written by the library's
//! `chamber_library::akn::frbr`, the one writer of it in Chamber.

use crate::agreement::Agreement;
use crate::process::Process;
use crate::text::{NegotiatingText, Paragraph, ParagraphStatus, Version, Wording, sub_item_letter};
use chamber_library::akn::frbr::{
    Expression, FrbrAuthor, FrbrDate, Identification, Manifestation, Work,
};
use chamber_library::lang::{Lang, iso639_2_or_und};
use quick_xml::escape::escape;
use std::fmt::Write;

fn esc(s: &str) -> String {
    escape(s).into_owned()
}

fn concept(s: ParagraphStatus) -> &'static str {
    match s {
        ParagraphStatus::AgreedAdReferendum => "agreedAdReferendum",
        ParagraphStatus::Bracketed => "bracketed",
        ParagraphStatus::Deleted => "deleted",
    }
}

fn wording(w: &Wording) -> String {
    let mut out = String::new();
    for s in &w.0 {
        if s.bracketed {
            let _ = write!(
                out,
                "<inline name=\"bracketed\" refersTo=\"#bracketedSpan\">[{}]</inline>",
                esc(&s.text)
            );
        } else {
            out.push_str(&esc(&s.text));
        }
    }
    out
}

/// The paragraph body as one or more `<p>`.
fn body(p: &Paragraph) -> String {
    if p.status == ParagraphStatus::Deleted {
        return "<p>[deleted]</p>".into();
    }
    let (open, close) = if p.status == ParagraphStatus::Bracketed {
        ("[", "]")
    } else {
        ("", "")
    };
    if p.alternatives.is_empty() {
        return format!("<p>{open}{}{close}</p>", wording(&p.wording));
    }
    std::iter::once(&p.wording)
        .chain(&p.alternatives)
        .enumerate()
        .map(|(i, w)| {
            format!(
                "<p><inline name=\"alternative\">Alt {}:</inline> {open}{}{close}</p>",
                i + 1,
                wording(w)
            )
        })
        .collect()
}

/// What identifies one export: the work (a process's text, or its agreement), the expression
/// (one version in one language) and the dates.
struct Ids {
    work: String,
    expression: String,
    /// The work's date (the date in its IRI) and what happened on it.
    work_date: FrbrDate,
    /// The expression's (and manifestation's) date.
    date: String,
    lang: Option<Lang>,
    version: Option<u32>,
    subtype: &'static str,
}

/// The FRBR identification, by the shared writer: work `…/!main`, expression
/// `<work>/<lang>@<version>`, manifestation `<expression>.akn`; Chamber is author and editor.
fn identification(process: &Process, ids: &Ids) -> Identification {
    Identification {
        source: "#chamber".into(),
        work: Work {
            this: format!("{}/!main", ids.work),
            uri: ids.work.clone(),
            date: ids.work_date.clone(),
            author: FrbrAuthor::new("#chamber", "#author"),
            country: "un".into(),
            subtype: Some(ids.subtype.into()),
            number: Some(process.id().to_string()),
            name: Some(process.title().to_string()),
        },
        expression: Expression {
            this: format!("{}/!main", ids.expression),
            uri: ids.expression.clone(),
            date: FrbrDate::new(&ids.date, "issued"),
            author: FrbrAuthor::new("#chamber", "#editor"),
            version_number: ids.version,
            language: ids.lang,
        },
        manifestation: Manifestation {
            this: format!("{}/!main.xml", ids.expression),
            uri: format!("{}.akn", ids.expression),
            date: FrbrDate::new(&ids.date, "markup"),
            author: FrbrAuthor::new("#chamber", "#editor"),
        },
    }
}

fn header(x: &mut String, process: &Process, ids: &Ids) {
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        x,
        "<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">"
    );
    let _ = writeln!(x, "  <doc name=\"{}\">", ids.subtype);
    let _ = writeln!(x, "    <meta>");
    identification(process, ids).write(x, 6);
    let _ = writeln!(x, "      <references source=\"#chamber\">");
    let _ = writeln!(
        x,
        "        <TLCOrganization eId=\"chamber\" href=\"/akn/ontology/organization/un/chamber\" showAs=\"Chamber\"/>"
    );
    for (i, p) in process.parties().iter().enumerate() {
        let _ = writeln!(
            x,
            "        <TLCOrganization eId=\"party_{n}\" href=\"/akn/ontology/organization/chamber/party-{id}\" showAs=\"{name}\"/>",
            n = i + 1,
            id = p.id,
            name = esc(&p.name)
        );
    }
    for (id, show) in [("author", "Author"), ("editor", "Editor")] {
        let _ = writeln!(
            x,
            "        <TLCRole eId=\"{id}\" href=\"/akn/ontology/role/un/{id}\" showAs=\"{show}\"/>"
        );
    }
    for (id, show) in [
        ("agreedAdReferendum", "Agreed ad referendum"),
        ("bracketed", "Bracketed"),
        ("deleted", "Deleted"),
        ("bracketedSpan", "Bracketed language"),
    ] {
        let _ = writeln!(
            x,
            "        <TLCConcept eId=\"{id}\" href=\"/akn/ontology/concept/chamber/{id}\" showAs=\"{show}\"/>"
        );
    }
    let _ = writeln!(x, "      </references>");
    let _ = writeln!(x, "    </meta>");
}

fn content(x: &mut String, t: &NegotiatingText, doc_title: &str, date_line: Option<(&str, &str)>) {
    let _ = writeln!(x, "    <preface>");
    let _ = writeln!(x, "      <p><docTitle>{}</docTitle></p>", esc(doc_title));
    if let Some((date, label)) = date_line {
        let _ = writeln!(
            x,
            "      <p><docDate date=\"{date}\">{}</docDate></p>",
            esc(label)
        );
    }
    let _ = writeln!(x, "    </preface>");
    if !t.preamble.is_empty() {
        let _ = writeln!(x, "    <preamble>");
        for (i, p) in t.preamble.iter().enumerate() {
            let _ = writeln!(
                x,
                "      <container name=\"preambular\" eId=\"preamble__container_{}\" refersTo=\"#{}\">{}</container>",
                i + 1,
                concept(p.status),
                body(p)
            );
        }
        let _ = writeln!(x, "    </preamble>");
    }
    let _ = writeln!(x, "    <mainBody>");
    if t.operative.is_empty() {
        let _ = writeln!(
            x,
            "      <paragraph eId=\"para_0\"><content><p/></content></paragraph>"
        );
    }
    for (i, p) in t.operative.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            x,
            "      <paragraph eId=\"para_{n}\" refersTo=\"#{}\"><num>{n}.</num>",
            concept(p.status)
        );
        if p.sub_items.is_empty() || p.status == ParagraphStatus::Deleted {
            let _ = write!(x, "<content>{}</content>", body(p));
        } else {
            let _ = write!(
                x,
                "<list eId=\"para_{n}__list_1\"><intro>{}</intro>",
                body(p)
            );
            for (j, s) in p.sub_items.iter().enumerate() {
                let _ = write!(
                    x,
                    "<point eId=\"para_{n}__list_1__point_{}\" refersTo=\"#{}\"><num>({})</num><content>{}</content></point>",
                    j + 1,
                    concept(s.status),
                    sub_item_letter(j),
                    body(s)
                );
            }
            let _ = write!(x, "</list>");
        }
        let _ = writeln!(x, "</paragraph>");
    }
    let _ = writeln!(x, "    </mainBody>");
}

fn date_of(t: crate::Timestamp) -> String {
    let d = t.to_offset(time::UtcOffset::UTC).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A version of the negotiating text in `lang`: a [`Lang`], or a code [`Lang::from_code`] reads
/// (`"eng"`, `"fr"`); anything else is written as undetermined (`und`).
pub fn negotiating_text(process: &Process, version: &Version, lang: impl TryInto<Lang>) -> String {
    let lang = lang.try_into().ok();
    let opened = date_of(process.opened_at());
    let work = format!("/akn/un/doc/negotiatingText/{opened}/{}", process.id());
    let ids = Ids {
        expression: format!("{work}/{}@v{}", iso639_2_or_und(lang), version.number),
        work,
        work_date: FrbrDate::new(opened, "opened"),
        date: date_of(version.issued_at),
        lang,
        version: Some(version.number),
        subtype: "negotiatingText",
    };
    let mut x = String::new();
    header(&mut x, process, &ids);
    let label = format!("Version {} of {}", version.number, ids.date);
    content(
        &mut x,
        &version.text,
        &version.text.title,
        Some((&ids.date, &label)),
    );
    let _ = writeln!(x, "  </doc>");
    let _ = writeln!(x, "</akomaNtoso>");
    x
}

/// The adopted agreement in `lang` (as for [`negotiating_text`]).
pub fn agreement(process: &Process, agreement: &Agreement, lang: impl TryInto<Lang>) -> String {
    let lang = lang.try_into().ok();
    let date = date_of(agreement.adopted_at);
    let work = format!("/akn/un/doc/agreement/{date}/{}", agreement.id);
    let ids = Ids {
        expression: format!("{work}/{}@{date}", iso639_2_or_und(lang)),
        work,
        work_date: FrbrDate::new(&date, "adopted"),
        date: date.clone(),
        lang,
        version: Some(agreement.version),
        subtype: "agreement",
    };
    let mut x = String::new();
    header(&mut x, process, &ids);
    let label = format!("Adopted on {date}");
    content(
        &mut x,
        &agreement.text,
        &agreement.text.title,
        Some((&date, &label)),
    );
    let _ = writeln!(x, "  </doc>");
    let _ = writeln!(x, "</akomaNtoso>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn identification_names_the_language_version_and_dates() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let d = crate::demo::build(&mut rng, datetime!(2026-03-01 08:00 UTC)).unwrap();
        let v2 = d.record.version(2).unwrap();
        let issued = date_of(v2.issued_at);
        let work = format!("/akn/un/doc/negotiatingText/2026-03-01/{}", d.process.id());
        let xml = negotiating_text(&d.process, v2, Lang::Fr);
        for line in [
            "      <identification source=\"#chamber\">".to_string(),
            format!("          <FRBRthis value=\"{work}/!main\"/>"),
            "          <FRBRdate date=\"2026-03-01\" name=\"opened\"/>".to_string(),
            "          <FRBRsubtype value=\"negotiatingText\"/>".to_string(),
            format!("          <FRBRuri value=\"{work}/fra@v2\"/>"),
            format!("          <FRBRdate date=\"{issued}\" name=\"issued\"/>"),
            "          <FRBRversionNumber value=\"2\"/>".to_string(),
            "          <FRBRlanguage language=\"fra\"/>".to_string(),
            format!("          <FRBRuri value=\"{work}/fra@v2.akn\"/>"),
        ] {
            assert!(xml.lines().any(|l| l == line), "{line} not in\n{xml}");
        }
        // A code reads as the same language; one that is none of the six is `und`.
        assert_eq!(negotiating_text(&d.process, v2, "fra"), xml);
        let unknown = negotiating_text(&d.process, v2, "deu");
        assert!(unknown.contains("<FRBRlanguage language=\"und\"/>"));
        assert!(unknown.contains(&format!("{work}/und@v2\"")));
    }
}
