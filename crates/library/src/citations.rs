//! Citations in the six languages: resolutions with part letters, decisions, Security Council
//! and ECOSOC resolutions, and other document symbols.

use crate::dates;
use crate::model::{Citation, CitationKind, Organ};
use regex::Regex;
use std::sync::LazyLock;

/// Compound document symbols (`A/75/651-S/2020/1203`, `A/79/L.59`, `A/CONF.157/24`).
pub(crate) static DOC_RE: LazyLock<Regex> = LazyLock::new(|| {
    let one = r"(?:A|S|E|ST|FCCC|CBD|TD|UNEP|DP|CEDAW|CRC|CCPR|CERD|CAT|UNW|ICCD)(?:/[A-Z0-9][A-Za-z0-9.]*)+(?: ?\((?:Part|Partie|Parte|Sect\.|Vol\.) ?[IVX0-9]+\)(?:/[A-Z0-9][A-Za-z0-9.]*)*)?";
    Regex::new(&format!(r"{one}(?:-{one})*")).expect("doc regex")
});

/// The year after an `S/RES/2719` symbol.
static SC_YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s?\((?:19|20)\d\d\)").expect("sc year regex"));

/// GA resolution or decision numbers: `50/80`, `S-19/2`, `ES-10/21`.
static GA_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<s>(?:E?S-)?\d{1,2})/(?P<n>\d{1,3})").expect("ga regex"));

/// ECOSOC style year-numbered resolutions: `1980/67`.
static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<y>(?:19|20)\d\d)/(?P<n>\d{1,3})").expect("year regex"));

/// Security Council resolutions `2719 (2023)` and old GA resolutions `2625 (XXV)`.
static PAREN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<n>\d{2,4})\s?\((?P<p>(?:19|20)\d\d|[IVXL]{1,6}|S-[IVXL]{1,5})\)")
        .expect("paren regex")
});

/// Part letters after a resolution number, in Latin, Cyrillic or Arabic spelling.
static PART_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s?(?P<p>[A-H]|[АВС]|ألف|باء|جيم|دال|هاء)(?P<more>(?:\s*(?:,|and|et|y|и|و|和|、|-)\s*(?:[A-H]|[АВС]|ألف|باء|جيم|دال|هاء))*)")
        .expect("part regex")
});

static DATE_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:,\s*)?(?:of|du|de|del|от|المؤرخ|المؤرخة|المؤرخين|المؤرخان|adopted on|adoptée le|aprobada el)\s")
        .expect("date-after regex")
});

const RES_WORDS: &[&str] = &[
    "resolution",
    "Resolution",
    "résolution",
    "Résolution",
    "resoluci",
    "Resoluci",
    "резолюц",
    "Резолюц",
    "قرار",
    "决议",
];
const DEC_WORDS: &[&str] = &[
    "decision",
    "Decision",
    "décision",
    "Décision",
    "decisi",
    "Decisi",
    "решени",
    "Решени",
    "مقرر",
    "决定",
];
const HRC_WORDS: &[&str] = &[
    "Human Rights Council",
    "Conseil des droits de l",
    "Consejo de Derechos Humanos",
    "по правам человека",
    "مجلس حقوق الإنسان",
    "人权理事会",
];
const ECOSOC_WORDS: &[&str] = &[
    "Economic and Social Council",
    "Conseil économique et social",
    "Consejo Económico y Social",
    "Экономического и Социального Совета",
    "Экономический и Социальный Совет",
    "المجلس الاقتصادي والاجتماعي",
    "经济及社会理事会",
    "经社理事会",
];
const SC_WORDS: &[&str] = &[
    "Security Council",
    "Conseil de sécurité",
    "Consejo de Seguridad",
    "Совета Безопасности",
    "Совет Безопасности",
    "مجلس الأمن",
    "安全理事会",
    "安理会",
];

fn arabic_or_cyrillic_part(p: &str) -> &str {
    match p {
        "ألف" | "А" => "A",
        "باء" | "В" => "B",
        "جيم" | "С" => "C",
        "دال" => "D",
        "هاء" => "E",
        other => other,
    }
}

/// `A/RES/79/258 B` → `A/RES/79/258`; compound symbols keep their first part.
pub fn base_symbol(symbol: &str) -> String {
    let first = symbol.split('-').next().unwrap_or(symbol);
    let s = first.trim();
    // Drop trailing part letters (" A", "A", " A-C").
    let re = regex_lite_strip(s);
    re.to_string()
}

fn regex_lite_strip(s: &str) -> &str {
    static TAIL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(.*?/RES/[^ ]*?\d+)\s?[A-H]?$").expect("tail"));
    match TAIL.captures(s) {
        Some(c) => c.get(1).map(|m| m.as_str()).unwrap_or(s),
        None => s,
    }
}

/// Key used to compare citations across sources: upper-case, no spaces, no part letters, the
/// first symbol of a compound.
pub fn comparison_key(target: &str) -> String {
    let mut t = target.trim().to_uppercase().replace("%20", "");
    if t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.contains('/') {
        t = format!("A/RES/{t}"); // a bare `97/258` link target
    }
    let first = if t.starts_with("A/RES/") || t.starts_with("S/RES/") || t.starts_with("E/RES/") {
        t.clone()
    } else {
        t.split('-').next().unwrap_or(&t).to_string()
    };
    let mut k: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    if k.contains("/RES/") && !k.ends_with(')') {
        // strip part letters: A/RES/79/259A-C → A/RES/79/259
        while k.ends_with(|c: char| c.is_ascii_uppercase() || c == '-') {
            k.pop();
        }
    }
    k
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// Nearest occurrence (end position) of any of `words` in `hay`.
fn last_pos(hay: &str, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter_map(|w| hay.rfind(w).map(|p| p + w.len()))
        .max()
}

fn first_pos(hay: &str, words: &[&str]) -> Option<usize> {
    words.iter().filter_map(|w| hay.find(w)).min()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Word {
    Resolution,
    Decision,
}

/// The kind of `n/n` number at `start..end` from the words around it.
fn context_kind(text: &str, start: usize, end: usize) -> CitationKind {
    let before = &text[floor_boundary(text, start.saturating_sub(120))..start];
    let after = &text[end..ceil_boundary(text, end + 60)];
    // Chinese puts the noun after the number: 第 62/557 号决定.
    let zh_after = after.find('号').and_then(|p| {
        let rest = &after[p..];
        if rest.starts_with("号决定") {
            Some(Word::Decision)
        } else if rest.starts_with("号决议") {
            Some(Word::Resolution)
        } else {
            None
        }
    });
    let word =
        zh_after.or_else(
            || match (last_pos(before, RES_WORDS), last_pos(before, DEC_WORDS)) {
                (Some(r), Some(d)) => Some(if d > r {
                    Word::Decision
                } else {
                    Word::Resolution
                }),
                (Some(_), None) => Some(Word::Resolution),
                (None, Some(_)) => Some(Word::Decision),
                (None, None) => None,
            },
        );
    if word == Some(Word::Decision) {
        return CitationKind::Decision;
    }
    let near_before = &text[floor_boundary(text, start.saturating_sub(60))..start];
    let near_after = &after[..floor_boundary(after, after.len().min(40))];
    let organ_near = |words: &[&str]| {
        last_pos(near_before, words).is_some() || first_pos(near_after, words).is_some()
    };
    if organ_near(HRC_WORDS) {
        return CitationKind::HumanRightsCouncilResolution;
    }
    CitationKind::Resolution
}

/// The date given right after (or, in Chinese, right before) a citation.
fn citation_date(text: &str, start: usize, end: usize) -> Option<String> {
    let after = &text[end..];
    if let Some(m) = DATE_AFTER_RE.find(after) {
        let rest = &after[m.end()..];
        if let Some(d) = dates::find_dates(rest).into_iter().next()
            && d.start <= 4
        {
            return Some(d.iso);
        }
    }
    // Chinese: 1995 年 12 月 12 日第 50/80 A 号
    let before = &text[floor_boundary(text, start.saturating_sub(40))..start];
    let trimmed = before.trim_end().trim_end_matches('第').trim_end();
    if trimmed.len() < before.trim_end().len()
        && let Some(d) = dates::find_dates(trimmed).into_iter().last()
        && d.end == trimmed.len()
    {
        return Some(d.iso);
    }
    None
}

/// Byte spans already taken by a citation (start → end), for overlap checks in O(log n).
#[derive(Default)]
struct Spans(std::collections::BTreeMap<usize, usize>);

impl Spans {
    fn push(&mut self, (s, e): (usize, usize)) {
        let end = self.0.entry(s).or_insert(e);
        *end = (*end).max(e);
    }
}

fn overlaps(spans: &Spans, s: usize, e: usize) -> bool {
    // the span starting last before `e` is the only one that can reach past `s`,
    // unless an earlier, longer span does: check the few nearest ones.
    spans.0.range(..e).rev().take(4).any(|(_, &b)| s < b)
}

/// Every citation in `text`, labelled with `location` (`preamble 3`, `footnote 1`).
pub fn extract(text: &str, location: &str) -> Vec<Citation> {
    extract_for(text, location, Organ::Unknown)
}

/// Separators between the items of a list of citations (`1591 (2005), 1651 (2005) and …`).
fn is_list_separator(s: &str) -> bool {
    let t = s
        .trim()
        .trim_matches(|c: char| c == ',' || c == '、' || c == '，' || c == '،');
    s.len() < 24
        && (t.is_empty()
            || matches!(
                t.trim(),
                "and" | "et" | "y" | "и" | "و" | "和" | "及" | "as well as" | "supplemented by"
            ))
}

/// Like [`extract`], for a paragraph of a document adopted by `organ` (a Security Council text
/// calls its own resolutions just `resolution 2719 (2023)`).
pub fn extract_for(text: &str, location: &str, organ: Organ) -> Vec<Citation> {
    let mut found: Vec<(usize, Citation)> = Vec::new();
    let mut spans = Spans::default();
    let push = |found: &mut Vec<(usize, Citation)>,
                start: usize,
                kind: CitationKind,
                target: String,
                surface: &str,
                date: Option<String>| {
        found.push((
            start,
            Citation {
                target,
                kind,
                location: location.to_string(),
                surface: surface.to_string(),
                date,
            },
        ));
    };

    // 1. Document symbols.
    for m in DOC_RE.find_iter(text) {
        if let Some(c) = char_before(text, m.start())
            && (c.is_ascii_alphanumeric() || c == '/' || c == '.')
        {
            continue;
        }
        let sym = m.as_str().trim_end_matches('.');
        let end = m.start() + sym.len();
        spans.push((m.start(), end));
        if let Some(rest) = sym.strip_prefix("A/RES/") {
            // A/RES/79/259 A-C: a resolution written out in full.
            let mut target = format!("A/RES/{rest}");
            let mut tail_end = end;
            if let Some(p) = PART_RE.captures(&text[end..]) {
                let letter = arabic_or_cyrillic_part(&p["p"]);
                let after_letter = end + p.get(0).map_or(0, |g| g.end());
                if !char_after(text, after_letter).is_some_and(|c| c.is_ascii_alphabetic()) {
                    target.push(' ');
                    target.push_str(letter);
                    tail_end = after_letter;
                    spans.push((end, tail_end));
                }
            }
            let date = citation_date(text, m.start(), tail_end);
            push(
                &mut found,
                m.start(),
                CitationKind::Resolution,
                target,
                &text[m.start()..tail_end],
                date,
            );
        } else if sym.starts_with("S/RES/") {
            let mut target = sym.to_string();
            let mut e = end;
            if let Some(p) = SC_YEAR_RE.find(&text[end..]) {
                target = format!("{sym} {}", p.as_str().trim());
                e = end + p.end();
                spans.push((end, e));
            }
            push(
                &mut found,
                m.start(),
                CitationKind::SecurityCouncilResolution,
                target,
                &text[m.start()..e],
                None,
            );
        } else if sym.starts_with("E/RES/") {
            push(
                &mut found,
                m.start(),
                CitationKind::EcosocResolution,
                sym.to_string(),
                sym,
                None,
            );
        } else if sym.contains('/') && sym.len() > 3 {
            push(
                &mut found,
                m.start(),
                CitationKind::Document,
                sym.to_string(),
                sym,
                None,
            );
        }
    }

    // 2. Security Council resolutions 2719 (2023) and old GA resolutions 2625 (XXV).
    let mut last_paren_end: Option<usize> = None;
    for c in PAREN_RE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if overlaps(&spans, m.start(), m.end()) {
            continue;
        }
        if let Some(b) = char_before(text, m.start())
            && (b.is_ascii_alphanumeric() || b == '/' || b == '.')
        {
            continue;
        }
        let before = &text[floor_boundary(text, m.start().saturating_sub(80))..m.start()];
        let after = &text[m.end()..ceil_boundary(text, m.end() + 40)];
        let p = &c["p"];
        let is_year = p.starts_with("19") || p.starts_with("20");
        let reach = if organ == Organ::SecurityCouncil {
            80
        } else {
            40
        };
        let listed = last_paren_end
            .is_some_and(|e| e <= m.start() && is_list_separator(&text[e..m.start()]));
        let near_res = listed
            || last_pos(before, RES_WORDS).is_some_and(|e| before.len() - e < reach)
            || after.trim_start().starts_with("号决议");
        if !near_res {
            continue;
        }
        if is_year {
            let sc = organ == Organ::SecurityCouncil
                || listed
                || last_pos(before, SC_WORDS).is_some()
                || first_pos(after, SC_WORDS).is_some();
            if !sc {
                continue;
            }
            last_paren_end = Some(m.end());
            let target = format!("S/RES/{} ({})", &c["n"], p);
            spans.push((m.start(), m.end()));
            push(
                &mut found,
                m.start(),
                CitationKind::SecurityCouncilResolution,
                target,
                m.as_str(),
                None,
            );
        } else {
            let target = format!("A/RES/{} ({})", &c["n"], p);
            spans.push((m.start(), m.end()));
            let date = citation_date(text, m.start(), m.end());
            push(
                &mut found,
                m.start(),
                CitationKind::Resolution,
                target,
                m.as_str(),
                date,
            );
        }
    }

    // 3. ECOSOC resolutions 1980/67.
    for c in YEAR_RE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if overlaps(&spans, m.start(), m.end()) {
            continue;
        }
        if char_before(text, m.start()).is_some_and(|b| b.is_ascii_alphanumeric() || b == '/')
            || char_after(text, m.end()).is_some_and(|a| a.is_ascii_digit() || a == '/')
        {
            continue;
        }
        let before = &text[floor_boundary(text, m.start().saturating_sub(80))..m.start()];
        let after = &text[m.end()..ceil_boundary(text, m.end() + 60)];
        if last_pos(before, ECOSOC_WORDS).is_none() && first_pos(after, ECOSOC_WORDS).is_none() {
            continue;
        }
        spans.push((m.start(), m.end()));
        let target = format!("E/RES/{}/{}", &c["y"], &c["n"]);
        let date = citation_date(text, m.start(), m.end());
        push(
            &mut found,
            m.start(),
            CitationKind::EcosocResolution,
            target,
            m.as_str(),
            date,
        );
    }

    // 4. GA resolutions and decisions 50/80 A.
    for c in GA_RE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if overlaps(&spans, m.start(), m.end()) {
            continue;
        }
        if char_before(text, m.start())
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, '/' | '.' | '-'))
        {
            continue;
        }
        if char_after(text, m.end()).is_some_and(|a| a.is_ascii_digit() || a == '/') {
            continue;
        }
        let session = &c["s"];
        let number = &c["n"];
        let mut end = m.end();
        let mut part = None;
        if let Some(p) = PART_RE.captures(&text[end..]) {
            let whole = p.get(0).expect("part");
            let after = end + whole.end();
            // The letter must stand alone: not the start of a word (`A` in `And`).
            let first_letter_end = end + p.name("p").expect("p").end();
            let standalone = !char_after(text, first_letter_end)
                .is_some_and(|a| a.is_alphabetic() && !crate::lang::is_cjk(a));
            if standalone {
                part = Some(arabic_or_cyrillic_part(&p["p"]).to_string());
                end = if p["more"].is_empty() {
                    first_letter_end
                } else {
                    after
                };
            }
        }
        let kind = context_kind(text, m.start(), m.end());
        // GA decisions are numbered from 301 up; `decision 15/4` or `1/CP.21` belong to other bodies.
        if kind == CitationKind::Decision && number.parse::<u32>().is_ok_and(|n| n < 300) {
            spans.push((m.start(), end));
            continue;
        }
        let target = match kind {
            CitationKind::Decision => format!("A/DEC/{session}/{number}"),
            CitationKind::HumanRightsCouncilResolution => format!("A/HRC/RES/{session}/{number}"),
            _ => format!("A/RES/{session}/{number}"),
        };
        let target = match &part {
            Some(p) => format!("{target} {p}"),
            None => target,
        };
        spans.push((m.start(), end));
        let date = citation_date(text, m.start(), end);
        push(
            &mut found,
            m.start(),
            kind,
            target,
            &text[m.start()..end],
            date,
        );
    }

    found.sort_by_key(|(s, _)| *s);
    found.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<String> {
        extract(text, "preamble 1")
            .into_iter()
            .map(|c| c.target)
            .collect()
    }

    #[test]
    fn english_resolutions_with_parts_and_dates() {
        let c = extract(
            "Recalling its resolutions 50/80 A of 12 December 1995 and 69/285 of 3 June 2015 on",
            "preamble 1",
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].target, "A/RES/50/80 A");
        assert_eq!(c[0].date.as_deref(), Some("1995-12-12"));
        assert_eq!(c[1].target, "A/RES/69/285");
        assert_eq!(c[1].date.as_deref(), Some("2015-06-03"));
        assert_eq!(c[1].kind, CitationKind::Resolution);
    }

    #[test]
    fn chinese_resolutions() {
        let c = extract(
            "回顾其关于土库曼斯坦永久中立的 1995 年 12 月 12 日第 50/80 A 号和 2015年 6 月 3 日第 69/285 号决议，",
            "preamble 1",
        );
        let t: Vec<_> = c.iter().map(|c| c.target.as_str()).collect();
        assert_eq!(t, ["A/RES/50/80 A", "A/RES/69/285"]);
        assert_eq!(c[0].date.as_deref(), Some("1995-12-12"));
        assert_eq!(c[1].date.as_deref(), Some("2015-06-03"));
        assert_eq!(
            targets("见第 63/210、67/263 和 78/149 号决议。"),
            ["A/RES/63/210", "A/RES/67/263", "A/RES/78/149"]
        );
    }

    #[test]
    fn other_languages() {
        assert_eq!(
            targets("Rappelant ses résolutions 50/80 A du 12 décembre 1995"),
            ["A/RES/50/80 A"]
        );
        assert_eq!(
            targets("Recordando sus resoluciones 50/80 A, de 12 de diciembre de 1995"),
            ["A/RES/50/80 A"]
        );
        assert_eq!(
            targets("ссылаясь на свои резолюции 50/80 A от 12 декабря 1995 года"),
            ["A/RES/50/80 A"]
        );
        assert_eq!(
            targets("إذ تشير إلى قراريها 50/80 ألف المؤرخ 12 كانون الأول/ديسمبر 1995"),
            ["A/RES/50/80 A"]
        );
    }

    #[test]
    fn documents_decisions_and_councils() {
        let c = extract(
            "See A/75/651-S/2020/1203, annex, and decision 62/557.",
            "footnote 1",
        );
        assert_eq!(c[0].target, "A/75/651-S/2020/1203");
        assert_eq!(c[0].kind, CitationKind::Document);
        assert!(c[0].in_footnote());
        assert_eq!(c[1].target, "A/DEC/62/557");
        assert_eq!(
            targets("Security Council resolution 2719 (2023)"),
            ["S/RES/2719 (2023)"]
        );
        assert_eq!(targets("resolution 2625 (XXV)"), ["A/RES/2625 (XXV)"]);
        assert_eq!(
            targets("Human Rights Council resolution 15/4"),
            ["A/HRC/RES/15/4"]
        );
        assert_eq!(
            targets("Economic and Social Council resolution 1980/67"),
            ["E/RES/1980/67"]
        );
        assert!(targets("in 2020 and 1/2 of the").is_empty() || targets("in 2020").is_empty());
        assert!(targets("A/79/645, para. 6").iter().all(|t| t == "A/79/645"));
    }

    #[test]
    fn security_council_lists() {
        let c = extract_for(
            "Recalling its previous resolutions concerning Sudan, in particular 1591 (2005), 1651 (2005) and 2725 (2024),",
            "preamble 1",
            Organ::SecurityCouncil,
        );
        let t: Vec<_> = c.iter().map(|c| c.target.as_str()).collect();
        assert_eq!(
            t,
            [
                "S/RES/1591 (2005)",
                "S/RES/1651 (2005)",
                "S/RES/2725 (2024)"
            ]
        );
        // in a GA text a bare number with a year is not taken for a Security Council resolution
        assert!(extract("the 1980 (2020) figure", "preamble 1").is_empty());
    }

    #[test]
    fn keys() {
        assert_eq!(comparison_key("A/RES/50/80 A"), "A/RES/50/80");
        assert_eq!(comparison_key("A/RES/79/259A-C"), "A/RES/79/259");
        assert_eq!(comparison_key("A/75/651-S/2020/1203"), "A/75/651");
        assert_eq!(comparison_key("S/RES/2719 (2023)"), "S/RES/2719(2023)");
        assert_eq!(base_symbol("A/RES/79/258 B"), "A/RES/79/258");
    }
}
