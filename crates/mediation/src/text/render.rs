//! The text the way diplomats read it: bracketed paragraphs and spans in square brackets,
//! "Alt 1" / "Alt 2" labels, deleted paragraphs as "[deleted]" (or omitted), operative numbers
//! that never shift when a paragraph is deleted or omitted. Plain text and HTML fragments
//! (every piece of text escaped).

use super::{NegotiatingText, Paragraph, ParagraphStatus, Section, Wording, sub_item_letter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletedParagraphs {
    /// Keep the paragraph's place and number, reading "[deleted]".
    #[default]
    Show,
    /// Leave deleted paragraphs out (the others keep their numbers).
    Omit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RenderOptions {
    pub deleted: DeletedParagraphs,
    /// Append "(agreed ad ref.)" to agreed paragraphs.
    pub mark_agreed: bool,
}

fn wording_marked(p: &Paragraph, w: &Wording) -> String {
    let m = w.marked();
    let wholly = w.0.len() == 1 && w.0[0].bracketed;
    if p.status == ParagraphStatus::Bracketed && !wholly {
        format!("[{m}]")
    } else {
        m
    }
}

/// The paragraph's body as lines ("Alt n: …" lines when it has alternatives), without number.
pub fn body_lines(p: &Paragraph) -> Vec<String> {
    if p.status == ParagraphStatus::Deleted {
        return vec!["[deleted]".to_string()];
    }
    if p.alternatives.is_empty() {
        return vec![wording_marked(p, &p.wording)];
    }
    std::iter::once(&p.wording)
        .chain(&p.alternatives)
        .enumerate()
        .map(|(i, w)| format!("Alt {}: {}", i + 1, wording_marked(p, w)))
        .collect()
}

fn shown(p: &Paragraph, o: &RenderOptions) -> bool {
    !(o.deleted == DeletedParagraphs::Omit && p.status == ParagraphStatus::Deleted)
}

fn suffix(p: &Paragraph, o: &RenderOptions) -> &'static str {
    if o.mark_agreed && p.status == ParagraphStatus::AgreedAdReferendum {
        " (agreed ad ref.)"
    } else {
        ""
    }
}

/// Plain text: title, blank line, preambular paragraphs indented, operative paragraphs numbered
/// "1.", sub-items "(a)".
pub fn plain(t: &NegotiatingText, o: &RenderOptions) -> String {
    let mut out = String::new();
    out.push_str(&t.title);
    out.push_str("\n\n");
    for p in t.preamble.iter().filter(|p| shown(p, o)) {
        for (k, line) in body_lines(p).iter().enumerate() {
            out.push_str(if k == 0 { "    " } else { "      " });
            out.push_str(line);
            if k == 0 {
                out.push_str(suffix(p, o));
            }
            out.push('\n');
        }
        sub_items_plain(&mut out, p, o);
        out.push('\n');
    }
    for (i, p) in t.operative.iter().enumerate() {
        if !shown(p, o) {
            continue;
        }
        let num = format!("{}. ", i + 1);
        for (k, line) in body_lines(p).iter().enumerate() {
            if k == 0 {
                out.push_str(&num);
            } else {
                out.push_str(&" ".repeat(num.len()));
            }
            out.push_str(line);
            if k == 0 {
                out.push_str(suffix(p, o));
            }
            out.push('\n');
        }
        sub_items_plain(&mut out, p, o);
        out.push('\n');
    }
    out
}

fn sub_items_plain(out: &mut String, p: &Paragraph, o: &RenderOptions) {
    if p.status == ParagraphStatus::Deleted {
        return;
    }
    for (j, s) in p.sub_items.iter().enumerate() {
        if !shown(s, o) {
            continue;
        }
        for (k, line) in body_lines(s).iter().enumerate() {
            if k == 0 {
                out.push_str(&format!("    ({}) ", sub_item_letter(j)));
            } else {
                out.push_str("        ");
            }
            out.push_str(line);
            if k == 0 {
                out.push_str(suffix(s, o));
            }
            out.push('\n');
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A word diff as HTML: `<del>` and `<ins>` around removed and added words, all escaped.
pub fn word_diff_html(ops: &[super::diff::WordOp]) -> String {
    use super::diff::WordOpKind;
    let mut out = String::new();
    for o in ops {
        let t = escape_html(&o.text);
        match o.kind {
            WordOpKind::Equal => out.push_str(&t),
            WordOpKind::Insert => out.push_str(&format!("<ins>{t}</ins>")),
            WordOpKind::Delete => out.push_str(&format!("<del>{t}</del>")),
        }
    }
    out
}

fn wording_html(p: &Paragraph, w: &Wording) -> String {
    let mut inner = String::new();
    for s in &w.0 {
        if s.bracketed {
            inner.push_str("<span class=\"bracketed\">[");
            inner.push_str(&escape_html(&s.text));
            inner.push_str("]</span>");
        } else {
            inner.push_str(&escape_html(&s.text));
        }
    }
    let wholly = w.0.len() == 1 && w.0[0].bracketed;
    if p.status == ParagraphStatus::Bracketed && !wholly {
        format!("<span class=\"bracketed\">[{inner}]</span>")
    } else {
        inner
    }
}

fn body_html(p: &Paragraph) -> String {
    if p.status == ParagraphStatus::Deleted {
        return "<span class=\"deleted\">[deleted]</span>".into();
    }
    if p.alternatives.is_empty() {
        return wording_html(p, &p.wording);
    }
    std::iter::once(&p.wording)
        .chain(&p.alternatives)
        .enumerate()
        .map(|(i, w)| {
            format!(
                "<span class=\"alt\"><span class=\"alt-label\">Alt {}:</span> {}</span>",
                i + 1,
                wording_html(p, w)
            )
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn status_class(s: ParagraphStatus) -> &'static str {
    match s {
        ParagraphStatus::AgreedAdReferendum => "agreed",
        ParagraphStatus::Bracketed => "bracketed",
        ParagraphStatus::Deleted => "deleted",
    }
}

fn para_html(
    out: &mut String,
    p: &Paragraph,
    section: Section,
    num: Option<String>,
    o: &RenderOptions,
) {
    let kind = match section {
        Section::Preamble => "preambular",
        Section::Operative => "operative",
    };
    out.push_str(&format!(
        "<div class=\"para {kind} {}\" id=\"para-{}\">",
        status_class(p.status),
        p.id
    ));
    if let Some(n) = num {
        out.push_str(&format!("<span class=\"num\">{}</span> ", escape_html(&n)));
    }
    out.push_str(&body_html(p));
    out.push_str(&escape_html(suffix(p, o)));
    if p.status != ParagraphStatus::Deleted && p.sub_items.iter().any(|s| shown(s, o)) {
        out.push_str("<div class=\"sub-items\">");
        for (j, s) in p.sub_items.iter().enumerate() {
            if !shown(s, o) {
                continue;
            }
            out.push_str(&format!(
                "<div class=\"sub-item {}\" id=\"para-{}\"><span class=\"num\">({})</span> {}{}</div>",
                status_class(s.status),
                s.id,
                sub_item_letter(j),
                body_html(s),
                escape_html(suffix(s, o))
            ));
        }
        out.push_str("</div>");
    }
    out.push_str("</div>\n");
}

/// An HTML fragment (no `<html>`/`<body>`): an `<article class="negotiating-text">`.
pub fn html(t: &NegotiatingText, o: &RenderOptions) -> String {
    let mut out = String::from("<article class=\"negotiating-text\">\n");
    out.push_str(&format!(
        "<h1 class=\"title\">{}</h1>\n",
        escape_html(&t.title)
    ));
    out.push_str("<section class=\"preamble\">\n");
    for p in t.preamble.iter().filter(|p| shown(p, o)) {
        para_html(&mut out, p, Section::Preamble, None, o);
    }
    out.push_str("</section>\n<section class=\"operative\">\n");
    for (i, p) in t.operative.iter().enumerate() {
        if shown(p, o) {
            para_html(
                &mut out,
                p,
                Section::Operative,
                Some(format!("{}.", i + 1)),
                o,
            );
        }
    }
    out.push_str("</section>\n</article>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample() -> NegotiatingText {
        let mut r = rand::rngs::StdRng::seed_from_u64(5);
        let mut t = NegotiatingText::new("Ceasefire <draft> & access").unwrap();
        t.preamble.push(Paragraph::new(
            &mut r,
            ParagraphStatus::AgreedAdReferendum,
            Wording::plain("Recalling the principles of resolution 46/182,"),
        ));
        t.operative.push(
            Paragraph::new(
                &mut r,
                ParagraphStatus::AgreedAdReferendum,
                Wording::parse_marked("The parties [shall][undertake to] cease hostilities;")
                    .unwrap(),
            )
            .with_sub_item(Paragraph::new(
                &mut r,
                ParagraphStatus::Bracketed,
                Wording::plain("by land"),
            )),
        );
        t.operative.push(Paragraph::new(
            &mut r,
            ParagraphStatus::Deleted,
            Wording::plain("Old text"),
        ));
        t.operative.push(
            Paragraph::new(
                &mut r,
                ParagraphStatus::Bracketed,
                Wording::plain("Monitors <UN>"),
            )
            .with_alternative(Wording::plain("Observers")),
        );
        t
    }

    #[test]
    fn plain_text_reads_like_a_un_draft() {
        let t = sample();
        let s = plain(&t, &RenderOptions::default());
        assert_eq!(
            s,
            "Ceasefire <draft> & access\n\n    Recalling the principles of resolution 46/182,\n\n\
             1. The parties [shall][undertake to] cease hostilities;\n    (a) [by land]\n\n\
             2. [deleted]\n\n\
             3. Alt 1: [Monitors <UN>]\n   Alt 2: [Observers]\n\n"
        );
        let omitted = plain(
            &t,
            &RenderOptions {
                deleted: DeletedParagraphs::Omit,
                mark_agreed: true,
            },
        );
        assert!(!omitted.contains("[deleted]"));
        assert!(omitted.contains("\n3. Alt 1"), "numbering stays: {omitted}");
        assert!(omitted.contains("cease hostilities; (agreed ad ref.)"));
    }

    #[test]
    fn html_escapes_everything() {
        let h = html(&sample(), &RenderOptions::default());
        assert!(h.contains("<h1 class=\"title\">Ceasefire &lt;draft&gt; &amp; access</h1>"));
        assert!(h.contains("Monitors &lt;UN&gt;"));
        assert!(!h.contains("<UN>"));
        assert!(h.contains("<span class=\"alt-label\">Alt 2:</span>"));
        assert!(h.contains("<span class=\"num\">3.</span>"));
        assert!(h.contains("<span class=\"bracketed\">[shall]</span><span class=\"bracketed\">[undertake to]</span>"));
        assert_eq!(escape_html("\"'"), "&quot;&#39;");
        let d = crate::text::diff::word_diff("a <b>", "a <c>");
        assert_eq!(word_diff_html(&d), "a &lt;<del>b</del><ins>c</ins>&gt;");
    }
}
