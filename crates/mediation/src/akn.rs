//! Akoma Ntoso 3.0 export of a negotiating-text version and of an agreement: FRBR
//! identification, references, preface with title, preamble of preambular paragraphs, mainBody
//! of numbered paragraphs (sub-items as list points). Paragraph status is a `refersTo` to a
//! TLCConcept (`#agreedAdReferendum`, `#bracketed`, `#deleted`); bracketed spans are
//! `<inline name="bracketed">[…]</inline>`; alternatives are `<inline name="alternative">`
//! labels, one `<p>` per alternative. Valid against the OASIS `akomantoso30.xsd` (tested with
//! xmllint).

use crate::agreement::Agreement;
use crate::process::Process;
use crate::text::{NegotiatingText, Paragraph, ParagraphStatus, Version, Wording, sub_item_letter};
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

struct Ids {
    work: String,
    expression: String,
    date: String,
    lang: String,
    version: Option<u32>,
    subtype: &'static str,
}

fn header(x: &mut String, process: &Process, ids: &Ids) {
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        x,
        "<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">"
    );
    let _ = writeln!(x, "  <doc name=\"{}\">", ids.subtype);
    let _ = writeln!(x, "    <meta>");
    let _ = writeln!(x, "      <identification source=\"#chamber\">");
    let _ = writeln!(x, "        <FRBRWork>");
    let _ = writeln!(
        x,
        "          <FRBRthis value=\"{}/!main\"/>",
        esc(&ids.work)
    );
    let _ = writeln!(x, "          <FRBRuri value=\"{}\"/>", esc(&ids.work));
    let _ = writeln!(
        x,
        "          <FRBRdate date=\"{}\" name=\"opened\"/>",
        ids.date
    );
    let _ = writeln!(
        x,
        "          <FRBRauthor href=\"#chamber\" as=\"#author\"/>"
    );
    let _ = writeln!(x, "          <FRBRcountry value=\"un\"/>");
    let _ = writeln!(x, "          <FRBRsubtype value=\"{}\"/>", ids.subtype);
    let _ = writeln!(x, "          <FRBRnumber value=\"{}\"/>", process.id());
    let _ = writeln!(
        x,
        "          <FRBRname value=\"{}\"/>",
        esc(process.title())
    );
    let _ = writeln!(x, "        </FRBRWork>");
    let _ = writeln!(x, "        <FRBRExpression>");
    let _ = writeln!(
        x,
        "          <FRBRthis value=\"{}/!main\"/>",
        esc(&ids.expression)
    );
    let _ = writeln!(x, "          <FRBRuri value=\"{}\"/>", esc(&ids.expression));
    let _ = writeln!(
        x,
        "          <FRBRdate date=\"{}\" name=\"issued\"/>",
        ids.date
    );
    let _ = writeln!(
        x,
        "          <FRBRauthor href=\"#chamber\" as=\"#editor\"/>"
    );
    if let Some(v) = ids.version {
        let _ = writeln!(x, "          <FRBRversionNumber value=\"{v}\"/>");
    }
    let _ = writeln!(
        x,
        "          <FRBRlanguage language=\"{}\"/>",
        esc(&ids.lang)
    );
    let _ = writeln!(x, "        </FRBRExpression>");
    let _ = writeln!(x, "        <FRBRManifestation>");
    let _ = writeln!(
        x,
        "          <FRBRthis value=\"{}/!main.xml\"/>",
        esc(&ids.expression)
    );
    let _ = writeln!(
        x,
        "          <FRBRuri value=\"{}.akn\"/>",
        esc(&ids.expression)
    );
    let _ = writeln!(
        x,
        "          <FRBRdate date=\"{}\" name=\"markup\"/>",
        ids.date
    );
    let _ = writeln!(
        x,
        "          <FRBRauthor href=\"#chamber\" as=\"#editor\"/>"
    );
    let _ = writeln!(x, "        </FRBRManifestation>");
    let _ = writeln!(x, "      </identification>");
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

/// A version of the negotiating text. `lang`: ISO 639-2 code of the text ("eng", "fra", …).
pub fn negotiating_text(process: &Process, version: &Version, lang: &str) -> String {
    let work = format!(
        "/akn/un/doc/negotiatingText/{}/{}",
        date_of(process.opened_at()),
        process.id()
    );
    let ids = Ids {
        expression: format!("{work}/{lang}@v{}", version.number),
        work,
        date: date_of(version.issued_at),
        lang: lang.to_string(),
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

/// The adopted agreement.
pub fn agreement(process: &Process, agreement: &Agreement, lang: &str) -> String {
    let date = date_of(agreement.adopted_at);
    let work = format!("/akn/un/doc/agreement/{date}/{}", agreement.id);
    let ids = Ids {
        expression: format!("{work}/{lang}@{date}"),
        work,
        date: date.clone(),
        lang: lang.to_string(),
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
