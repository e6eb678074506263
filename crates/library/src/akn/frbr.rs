//! The Akoma Ntoso 3.0 FRBR identification block (`<identification>`: `FRBRWork`,
//! `FRBRExpression`, `FRBRManifestation`), written in the order the OASIS schema requires. The
//! one writer of this block in Chamber: the library's resolution export ([`crate::to_akn`]) and
//! the mediation chamber's negotiating texts and agreements both describe their documents with
//! an [`Identification`] and call [`Identification::write`].
//!
//! The IRIs themselves follow each document family's naming convention and are built by the
//! caller (AKN4UN for resolutions: [`crate::export::frbr_ids`]).

use crate::lang::{self, Lang};
use quick_xml::escape::escape;
use std::fmt::Write;

/// An `FRBRdate`: the date and what happened on it (`adoption`, `publication`, `markup`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrbrDate {
    /// ISO 8601 date (`2025-03-21`).
    pub date: String,
    pub name: String,
}

impl FrbrDate {
    pub fn new(date: impl Into<String>, name: impl Into<String>) -> FrbrDate {
        FrbrDate {
            date: date.into(),
            name: name.into(),
        }
    }
}

/// An `FRBRauthor`: a reference to a `TLCOrganization` or `TLCPerson` (`#ga`) and, optionally,
/// to the `TLCRole` it acts in (`#author`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrbrAuthor {
    pub href: String,
    pub role: Option<String>,
}

impl FrbrAuthor {
    /// `href` acting as `role`, both local references (`#ga` as `#author`).
    pub fn new(href: impl Into<String>, role: impl Into<String>) -> FrbrAuthor {
        FrbrAuthor {
            href: href.into(),
            role: Some(role.into()),
        }
    }

    /// `href` with no role.
    pub fn plain(href: impl Into<String>) -> FrbrAuthor {
        FrbrAuthor {
            href: href.into(),
            role: None,
        }
    }
}

/// The abstract work (`FRBRWork`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// `FRBRthis`: the IRI of this component of the work (`…/!main`).
    pub this: String,
    /// `FRBRuri`: the IRI of the work as a whole.
    pub uri: String,
    pub date: FrbrDate,
    pub author: FrbrAuthor,
    /// `FRBRcountry`: `un` for the United Nations.
    pub country: String,
    pub subtype: Option<String>,
    pub number: Option<String>,
    pub name: Option<String>,
}

/// One language version of the work (`FRBRExpression`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    pub this: String,
    pub uri: String,
    pub date: FrbrDate,
    pub author: FrbrAuthor,
    pub version_number: Option<u32>,
    /// Written as its ISO 639-2 code, as AKN4UN wants; `und` when none of the six.
    pub language: Option<Lang>,
}

/// The electronic file of the expression (`FRBRManifestation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifestation {
    pub this: String,
    pub uri: String,
    pub date: FrbrDate,
    pub author: FrbrAuthor,
}

/// The whole `<identification>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identification {
    /// The `source` attribute: who made the identification (`#chamber`).
    pub source: String,
    pub work: Work,
    pub expression: Expression,
    pub manifestation: Manifestation,
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// Writes one line at `indent` spaces.
struct Lines<'a> {
    out: &'a mut String,
    indent: usize,
}

impl Lines<'_> {
    fn line(&mut self, depth: usize, args: std::fmt::Arguments) {
        let _ = writeln!(self.out, "{:w$}{args}", "", w = self.indent + 2 * depth);
    }

    fn this_and_uri(&mut self, this: &str, uri: &str) {
        self.line(2, format_args!("<FRBRthis value=\"{}\"/>", esc(this)));
        self.line(2, format_args!("<FRBRuri value=\"{}\"/>", esc(uri)));
    }

    fn date_and_author(&mut self, date: &FrbrDate, author: &FrbrAuthor) {
        self.line(
            2,
            format_args!(
                "<FRBRdate date=\"{}\" name=\"{}\"/>",
                esc(&date.date),
                esc(&date.name)
            ),
        );
        match &author.role {
            Some(role) => self.line(
                2,
                format_args!(
                    "<FRBRauthor href=\"{}\" as=\"{}\"/>",
                    esc(&author.href),
                    esc(role)
                ),
            ),
            None => self.line(
                2,
                format_args!("<FRBRauthor href=\"{}\"/>", esc(&author.href)),
            ),
        }
    }

    fn optional(&mut self, element: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.line(2, format_args!("<{element} value=\"{}\"/>", esc(v)));
        }
    }
}

impl Identification {
    /// Appends the `<identification>` element to `out`, one element a line, its opening tag
    /// indented by `indent` spaces and each level by two more.
    pub fn write(&self, out: &mut String, indent: usize) {
        let mut x = Lines { out, indent };
        let (w, e, m) = (&self.work, &self.expression, &self.manifestation);
        x.line(
            0,
            format_args!("<identification source=\"{}\">", esc(&self.source)),
        );
        x.line(1, format_args!("<FRBRWork>"));
        x.this_and_uri(&w.this, &w.uri);
        x.date_and_author(&w.date, &w.author);
        x.line(
            2,
            format_args!("<FRBRcountry value=\"{}\"/>", esc(&w.country)),
        );
        x.optional("FRBRsubtype", w.subtype.as_deref());
        x.optional("FRBRnumber", w.number.as_deref());
        x.optional("FRBRname", w.name.as_deref());
        x.line(1, format_args!("</FRBRWork>"));
        x.line(1, format_args!("<FRBRExpression>"));
        x.this_and_uri(&e.this, &e.uri);
        x.date_and_author(&e.date, &e.author);
        if let Some(v) = e.version_number {
            x.line(2, format_args!("<FRBRversionNumber value=\"{v}\"/>"));
        }
        x.line(
            2,
            format_args!(
                "<FRBRlanguage language=\"{}\"/>",
                lang::iso639_2_or_und(e.language)
            ),
        );
        x.line(1, format_args!("</FRBRExpression>"));
        x.line(1, format_args!("<FRBRManifestation>"));
        x.this_and_uri(&m.this, &m.uri);
        x.date_and_author(&m.date, &m.author);
        x.line(1, format_args!("</FRBRManifestation>"));
        x.line(0, format_args!("</identification>"));
    }

    /// The `<identification>` element alone, as [`Identification::write`] writes it.
    pub fn to_xml(&self, indent: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, indent);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Identification {
        Identification {
            source: "#chamber".into(),
            work: Work {
                this: "/akn/un/doc/x/2026-01-02/7/!main".into(),
                uri: "/akn/un/doc/x/2026-01-02/7".into(),
                date: FrbrDate::new("2026-01-02", "opened"),
                author: FrbrAuthor::new("#chamber", "#author"),
                country: "un".into(),
                subtype: Some("negotiatingText".into()),
                number: Some("7".into()),
                name: Some("Talks on \"A\" & <B>".into()),
            },
            expression: Expression {
                this: "/akn/un/doc/x/2026-01-02/7/fra@v2/!main".into(),
                uri: "/akn/un/doc/x/2026-01-02/7/fra@v2".into(),
                date: FrbrDate::new("2026-01-03", "issued"),
                author: FrbrAuthor::plain("#chamber"),
                version_number: Some(2),
                language: Some(Lang::Fr),
            },
            manifestation: Manifestation {
                this: "/akn/un/doc/x/2026-01-02/7/fra@v2/!main.xml".into(),
                uri: "/akn/un/doc/x/2026-01-02/7/fra@v2.akn".into(),
                date: FrbrDate::new("2026-01-03", "markup"),
                author: FrbrAuthor::new("#chamber", "#editor"),
            },
        }
    }

    #[test]
    fn writes_the_schema_order_escaped_and_indented() {
        let xml = sample().to_xml(4);
        let expected = concat!(
            "    <identification source=\"#chamber\">\n",
            "      <FRBRWork>\n",
            "        <FRBRthis value=\"/akn/un/doc/x/2026-01-02/7/!main\"/>\n",
            "        <FRBRuri value=\"/akn/un/doc/x/2026-01-02/7\"/>\n",
            "        <FRBRdate date=\"2026-01-02\" name=\"opened\"/>\n",
            "        <FRBRauthor href=\"#chamber\" as=\"#author\"/>\n",
            "        <FRBRcountry value=\"un\"/>\n",
            "        <FRBRsubtype value=\"negotiatingText\"/>\n",
            "        <FRBRnumber value=\"7\"/>\n",
            "        <FRBRname value=\"Talks on &quot;A&quot; &amp; &lt;B&gt;\"/>\n",
            "      </FRBRWork>\n",
            "      <FRBRExpression>\n",
            "        <FRBRthis value=\"/akn/un/doc/x/2026-01-02/7/fra@v2/!main\"/>\n",
            "        <FRBRuri value=\"/akn/un/doc/x/2026-01-02/7/fra@v2\"/>\n",
            "        <FRBRdate date=\"2026-01-03\" name=\"issued\"/>\n",
            "        <FRBRauthor href=\"#chamber\"/>\n",
            "        <FRBRversionNumber value=\"2\"/>\n",
            "        <FRBRlanguage language=\"fra\"/>\n",
            "      </FRBRExpression>\n",
            "      <FRBRManifestation>\n",
            "        <FRBRthis value=\"/akn/un/doc/x/2026-01-02/7/fra@v2/!main.xml\"/>\n",
            "        <FRBRuri value=\"/akn/un/doc/x/2026-01-02/7/fra@v2.akn\"/>\n",
            "        <FRBRdate date=\"2026-01-03\" name=\"markup\"/>\n",
            "        <FRBRauthor href=\"#chamber\" as=\"#editor\"/>\n",
            "      </FRBRManifestation>\n",
            "    </identification>\n",
        );
        assert_eq!(xml, expected);
    }

    #[test]
    fn optional_elements_are_left_out_and_an_unknown_language_is_und() {
        let mut id = sample();
        id.work.subtype = None;
        id.work.number = None;
        id.work.name = None;
        id.expression.version_number = None;
        id.expression.language = None;
        let xml = id.to_xml(0);
        for absent in ["FRBRsubtype", "FRBRnumber", "FRBRname", "FRBRversionNumber"] {
            assert!(!xml.contains(absent), "{absent} in {xml}");
        }
        assert!(xml.contains("<FRBRlanguage language=\"und\"/>"));
        assert!(xml.starts_with("<identification source=\"#chamber\">\n  <FRBRWork>\n"));
    }
}
