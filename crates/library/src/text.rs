//! Plain-text parser: PDF-extracted text (page furniture, wrapped lines, footnote blocks in the
//! middle of the document) and one-paragraph-per-line renderings.

use crate::citations::{self, DOC_RE};
use crate::dates;
use crate::error::ParseError;
use crate::lang::{self, Lang, is_cjk};
use crate::model::*;
use regex::Regex;
use std::sync::LazyLock;

static JOB_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d{2}-\d{5}\s*(?:\([A-Z]\))?\s*$").expect("job"));
static BARCODE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\d{7}\*\s*$").expect("barcode"));
static PAGE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\d{1,3}/\d{1,3}|-\s*\d{1,3}\s*-)\s*$").expect("page"));
static SYMBOL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(A/RES/(?:E?S-)?\d{1,2}/\d{1,4}(?: ?[A-H](?:-[A-H])?)?|S/RES/\d{1,4} ?\(\d{4}\))")
        .expect("symbol")
});
static SYMBOL_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:A/RES/\S+(?: [A-H](?:-[A-H])?)?|S/RES/\d+ ?\(\d{4}\))\s*$")
        .expect("symline")
});
static RESNUM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:E?S-)?\d{1,2}/\d{1,4}|\d{3,4} \(\d{4}\))(?: ?[A-H](?:-[A-H])?)?\s*\.?(?:\s+(?P<title>\S.*))?$")
        .expect("resnum")
});
static SEPARATOR_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*_{5,}\s*$").expect("sep"));
static FOOTNOTE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?P<m>\d{1,3})[\t \u{3000}]+(?P<t>\S.*)$").expect("fn"));
/// A numbered paragraph or chapter heading: `12.`, `12 -` (Arabic), `IV.`, `四.` (Chinese
/// chapters), `رابعا -` (Arabic chapters, an ordinal word).
pub(crate) static NUMBERED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<n>\d{1,3}|[IVXLC]{1,7}|[一二三四五六七八九十]{1,3}|أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)(?:\.|[ \u{a0}]?-)(?:[\t \u{3000}]+(?P<t>(?s:.*))|[\t \u{3000}]*\n(?P<u>(?s:.*))|\s*$)")
        .expect("num")
});
static SUBITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<l>\(?(?:[a-z]{1,2}|[ivx]{1,6}|[а-я]|[\p{Arabic}]{1,3})\))[\t \u{3000}]*(?P<t>.*)$")
        .expect("sub")
});
static FORMULA_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:The General Assembly|L[’']Assemblée générale|La Asamblea General|إن الجمعية العامة|The Security Council|Le Conseil de sécurité|El Consejo de Seguridad|إن مجلس الأمن)\s*[,，،:：]?|(?:Генеральная Ассамблея|大\s*会|Совет Безопасности|安全理事会)\s*[,，،:：])\s*$")
        .expect("formula")
});
/// The enacting formula where it cannot be confused with the cover page (`Генеральная Ассамблея`
/// without a comma opens the Pact for the Future).
static FORMULA_LOOSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:The General Assembly|L[’']Assemblée générale|La Asamblea General|Генеральная Ассамблея|إن الجمعية العامة|大\s*会|The Security Council|Le Conseil de sécurité|El Consejo de Seguridad|Совет Безопасности|إن مجلس الأمن|安全理事会)\s*[,，،:：]?\s*$")
        .expect("formula")
});
static PART_LINE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?P<p>[A-H])\s*$").expect("part"));
static PLENARY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)plenary meeting|séance plénière|sesión plenaria|пленарное заседание|пленарном заседании|الجلسة العامة|全体会议|th meeting$|e séance$|ª sesión$|-м заседании$")
        .expect("plenary")
});
static AGENDA_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Agenda items?\s+(?P<en>.+)|Points?\s+(?P<fr>.+?)\s+de l[’']ordre du jour|Temas?\s+(?P<es>.+?)\s+del programa|Пункты?\s+(?P<ru>.+?)\s+повестки дня|البند(?:ان)?\s+(?P<ar>.+?)\s+من جدول الأعمال|议程项目\s*(?P<zh>.+))\s*$")
        .expect("agenda")
});
static ADOPTED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)adopted|adoptée|adoptées|aprobada|aprobadas|принят|اتخذته|اتخذتها|决议")
        .expect("adopted")
});
static ANNEX_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Annex|Annexe|Anexo|Приложение|المرفق|附件)(?:\s+[IVX]+)?\s*$")
        .expect("annex")
});

/// One logical line (a paragraph in PDF mode after joining wrapped lines).
#[derive(Debug, Clone)]
enum Item {
    Para(String),
    Footnote(String, String),
    Separator,
}

/// Page header/footer lines of PDF text: job number, barcode, page `2/4`.
fn is_furniture(line: &str, pdf: bool) -> bool {
    if !pdf {
        return false;
    }
    if JOB_RE.is_match(line) || BARCODE_RE.is_match(line) {
        return true;
    }
    if PAGE_RE.is_match(line) {
        // `2/4` is a page number; `79/48` (a resolution number) is not.
        let nums: Vec<u32> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        return match nums.as_slice() {
            [a, b] => a <= b && *b < 200,
            [_] => true,
            _ => false,
        };
    }
    false
}

/// Join a wrapped line onto the paragraph before it.
fn join(buf: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let last = buf.trim_end().chars().next_back();
    let first = next.chars().next();
    let keep = buf.trim_end().len();
    buf.truncate(keep);
    if buf.ends_with('-') && last.is_some_and(|c| c == '-') && !buf.ends_with(" -") {
        // keep the hyphen: UN texts hyphenate real compounds far more than they break words
    } else if !(last.is_some_and(is_cjk) || first.is_some_and(is_cjk) || buf.is_empty()) {
        buf.push(' ');
    }
    buf.push_str(next);
}

/// Remove PDF spacing around Chinese characters: `1995 年 12 月` → `1995年12月`.
fn tidy_cjk(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            if (is_cjk(a) && b != ' ') || (is_cjk(b) && a != ' ') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn clean(s: &str, lang: Option<Lang>) -> String {
    let s = s.trim().replace('\t', " ");
    let s = if lang == Some(Lang::Zh) {
        tidy_cjk(&s)
    } else {
        s
    };
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when the text looks like the PDF extraction (page furniture present).
fn looks_like_pdf(text: &str) -> bool {
    text.lines()
        .any(|l| BARCODE_RE.is_match(l) || JOB_RE.is_match(l))
}

/// The opening phrase of a preambular paragraph (`lang`: the text's language, `None` when it is
/// none of the six).
pub fn preamble_phrase(text: &str, lang: Option<Lang>) -> String {
    let t = text.trim();
    match lang {
        Some(Lang::Zh) => {
            const PHRASES: &[&str] = &[
                "回顾",
                "重申",
                "着重指出",
                "承认",
                "确认",
                "欢迎",
                "表示感谢",
                "注意到",
                "认识到",
                "强调",
                "深感关切",
                "关切地",
                "铭记",
                "考虑到",
                "申明",
                "意识到",
                "遵循",
                "决心",
                "认为",
                "表示",
                "赞赏",
                "满意地",
                "深信",
                "指出",
                "希望",
                "鉴于",
                "审议了",
                "纪念",
                "严重关切",
                "关切",
                "深为关切",
                "重视",
                "又",
                "还",
            ];
            let mut prefix = String::new();
            let mut rest = t;
            for adv in ["又", "还", "并", "再次", "进一步"] {
                if let Some(r) = rest.strip_prefix(adv) {
                    prefix.push_str(adv);
                    rest = r;
                    break;
                }
            }
            let best = PHRASES
                .iter()
                .filter(|p| **p != "又" && **p != "还" && rest.starts_with(**p))
                .max_by_key(|p| p.len());
            match best {
                Some(p) => format!("{prefix}{p}"),
                None => format!("{prefix}{}", rest.chars().take(2).collect::<String>()),
            }
        }
        Some(Lang::Ar) => {
            let words: Vec<&str> = t.split_whitespace().collect();
            let mut n = 1;
            if words.first().is_some_and(|w| *w == "إذ" || *w == "وإذ") {
                n = 2;
            }
            if words
                .get(n)
                .is_some_and(|w| *w == "أيضا" || *w == "كذلك" || *w == "مجددا")
            {
                n += 1;
            }
            words[..n.min(words.len())].join(" ")
        }
        _ => {
            const ADVERBS: &[&str] = &[
                "also",
                "further",
                "furthermore",
                "again",
                "moreover",
                "deeply",
                "aussi",
                "également",
                "en",
                "outre",
                "de",
                "nouveau",
                "además",
                "asimismo",
                "también",
                "nuevamente",
                "также",
                "вновь",
                "далее",
                "with",
            ];
            let words: Vec<&str> = t.split_whitespace().collect();
            let mut n = 1;
            while n < words.len() && n < 4 && ADVERBS.contains(&words[n].trim_end_matches(',')) {
                n += 1;
            }
            words[..n.min(words.len())]
                .join(" ")
                .trim_end_matches([',', ':'])
                .to_string()
        }
    }
}

/// True when a paragraph ends as a preambular paragraph does (comma, with or without a footnote).
fn ends_like_preamble(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    let t = t.trim_end_matches(['”', '"', '»', ')']);
    t.ends_with([',', '，', '،', ';', '؛', '；'])
}

fn has_terminal_punct(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    t.ends_with([
        '.', ',', ';', ':', '。', '，', '；', '：', '،', '؛', '!', '?',
    ])
}

fn is_closing(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.len() < 240
        && t.chars().count() < 60
        && (dates::is_date_line(t) || PLENARY_RE.is_match(t))
}

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
mod tests {
    use super::*;

    const SMALL: &str = "United Nations\nA/RES/70/1\nGeneral Assembly\nDistr.: General\n21 October 2015\nSeventieth session\nAgenda items 15 and 116\nFollow-up\nResolution adopted by the General Assembly on 25 September 2015\n[without reference to a Main Committee (A/70/L.1)]\n\n70/1.\n\n Transforming our world\n\nThe General Assembly,\n\nRecalling its resolution 69/285 of 3 June 2015,1\n\nNoting also decision 62/557,\n\n1.\tDecides the following:\n\n(a)\tfirst item;\n\n(b)\tsecond item;\n\n2.\tRequests the Secretary-General.\n\n4th plenary meeting\n\n25 September 2015\n\n__________________\n1\tA/69/L.1, annex.\n";

    #[test]
    fn plain_rendering() {
        let d = parse_text(SMALL, None).unwrap();
        assert_eq!(d.symbol, "A/RES/70/1");
        assert_eq!(d.language, "en");
        assert_eq!(d.session, Some(70));
        assert_eq!(d.agenda_items, ["15", "116"]);
        assert_eq!(d.adoption_date.as_deref(), Some("2015-09-25"));
        assert_eq!(d.distribution_date.as_deref(), Some("2015-10-21"));
        assert_eq!(d.originating_documents, ["A/70/L.1"]);
        assert_eq!(d.title, "Transforming our world");
        assert_eq!(d.preamble.len(), 2);
        assert_eq!(d.preamble[0].phrase, "Recalling");
        assert_eq!(d.preamble[1].phrase, "Noting also");
        assert_eq!(d.operative.len(), 2);
        assert_eq!(d.operative[0].sub_items.len(), 2);
        assert_eq!(d.footnotes.len(), 1);
        assert_eq!(d.footnotes[0].anchor.as_deref(), Some("preamble 1"));
        assert_eq!(
            cited(&d),
            [
                ("A/RES/69/285", "preamble 1"),
                ("A/DEC/62/557", "preamble 2"),
                ("A/69/L.1", "footnote 1")
            ]
        );
    }

    #[test]
    fn pdf_wrapping_and_mid_document_footnotes() {
        let pdf = "\n 联合国   A/RES/1/2 \n\n大  会 \n\nDistr.: General \n\n3 March 2025 \n\n25-00001 (C)  \n\n*2500001* \n\n第一届会议 \n\n议程项目 7 \n\n标题 \n\n  2025 年 3 月 1 日大会决议 \n\n 1/2. 测试 \n\n 大会， \n\n 回顾其第 50/80 A 号\n\n决议，1 \n\n__________________ \n\n 1 见 A/1/2，附\n\n件。 \n\n 1. 决定甲； \n\n 2. 决定\n\n乙。 \n\n2025 年 3 月 1 日 \n";
        let d = parse_text(pdf, None).unwrap();
        assert_eq!(d.source_format, SourceFormat::PdfText);
        assert_eq!(d.symbol, "A/RES/1/2");
        assert_eq!(d.title, "测试");
        assert_eq!(d.preamble.len(), 1);
        assert_eq!(d.preamble[0].text, "回顾其第50/80 A号决议，1");
        assert_eq!(d.operative.len(), 2);
        assert_eq!(d.operative[1].text, "决定乙。");
        assert_eq!(d.footnotes.len(), 1);
        assert_eq!(d.footnotes[0].text, "见A/1/2，附件。");
        assert_eq!(d.adoption_date.as_deref(), Some("2025-03-01"));
    }

    #[test]
    fn pdf_page_break_inside_a_paragraph() {
        let pdf = " 联合国   A/RES/1/2 \n大  会 \nDistr.: General \n3 March 2025 \n25-00001 (C)  \n*2500001* \n  2025 年 3 月 1 日大会决议 \n 1/2. 测试 \n 大会， \n 回顾其第 50/80 A 号决议，1 \n 着重指出，一些国家采取的政策可以有助于在有关区域和全\n__________________ \n 1 见 A/1/2，附\n件。 \n 2 脚注二。 \n25-00001 \n2/3 \nA/RES/1/2 \n球一级加强和平，2 \n 1. 决定甲。 \n";
        let d = parse_text(pdf, None).unwrap();
        assert_eq!(d.preamble.len(), 2, "{:?}", d.preamble);
        assert_eq!(
            d.preamble[1].text,
            "着重指出，一些国家采取的政策可以有助于在有关区域和全球一级加强和平，2"
        );
        assert_eq!(d.operative.len(), 1);
        assert_eq!(d.footnotes.len(), 2);
        assert_eq!(d.footnotes[0].text, "见A/1/2，附件。");
        assert_eq!(d.footnotes[1].anchor.as_deref(), Some("preamble 2"));
    }

    /// The same operative part laid out three ways gives the same paragraphs: a number on its own
    /// line heads the text after it; chapters with a number (`II.`, `二.`, `ثانيا -`) are
    /// paragraphs, an unnumbered section title after a full stop is not; a line break inside a
    /// numbered paragraph keeps the rest of it.
    #[test]
    fn one_structure_whatever_the_layout() {
        let head = "United Nations\nA/RES/1/2\nGeneral Assembly\n\n1/2.\n\n Title\n\nThe General Assembly,\n\nRecalling its resolution 50/80 A,\n\n";
        let one_block = "1.\tDecides to:\n\n(a)\tfirst;\n\n(b)\tsecond.\n\nII.\tChapter two\n\n2.\tRequests more.\n\nBudget matters\n\n3.\tEnds\n more text.\n";
        let bare = "1.\t\n\nDecides to:\n\na)\tfirst;\n\nb)\tsecond.\n\nII.\tChapter two\n\n2.\t\n\nRequests more.\n\nBudget matters\n\n3.\tEnds\n more text.\n";
        for body in [one_block, bare] {
            let d = parse_text(&format!("{head}{body}"), None).unwrap();
            let nums: Vec<_> = d.operative.iter().map(|p| p.number.as_deref()).collect();
            assert_eq!(
                nums,
                [Some("1"), Some("II"), Some("2"), Some("3")],
                "{body}"
            );
            assert_eq!(d.operative[0].text, "Decides to:");
            assert_eq!(d.operative[0].sub_items.len(), 2);
            assert_eq!(d.operative[2].text, "Requests more.");
            assert!(
                d.operative[3].text.ends_with("more text."),
                "{:?}",
                d.operative[3]
            );
        }
        for (chapter, n) in [("二.\t和平与安全", "二"), ("ثانيا - السلام والأمن", "ثانيا")]
        {
            let d = parse_text(
                &format!("{head}1.\tDecides.\n\n{chapter}\n\n2.\tRequests.\n"),
                None,
            )
            .unwrap();
            let nums: Vec<_> = d.operative.iter().map(|p| p.number.as_deref()).collect();
            assert_eq!(nums, [Some("1"), Some(n), Some("2")]);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_text("", None).is_err());
        assert!(parse_text("hello world", None).is_err());
    }

    #[test]
    fn markers() {
        assert!(contains_marker("adopted on 12 December 2020,1", "1"));
        assert!(contains_marker("原则2 包括", "2"));
        assert!(!contains_marker("resolution 46/182", "2"));
        assert!(!contains_marker("in 2025", "2"));
    }
}
