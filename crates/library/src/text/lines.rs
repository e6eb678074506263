//! The line-level pieces of the text parser: page furniture of PDF extractions, joining wrapped
//! lines, cleaning, and the patterns that recognise symbols, footnotes, sub-items, formulas.

use crate::dates;
use crate::lang::{Lang, is_cjk};
use regex::Regex;
use std::sync::LazyLock;

pub(super) static JOB_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d{2}-\d{5}\s*(?:\([A-Z]\))?\s*$").expect("job"));
pub(super) static BARCODE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\d{7}\*\s*$").expect("barcode"));
pub(super) static PAGE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\d{1,3}/\d{1,3}|-\s*\d{1,3}\s*-)\s*$").expect("page"));
pub(super) static SYMBOL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(A/RES/(?:E?S-)?\d{1,2}/\d{1,4}(?: ?[A-H](?:-[A-H])?)?|S/RES/\d{1,4} ?\(\d{4}\))")
        .expect("symbol")
});
pub(super) static SYMBOL_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:A/RES/\S+(?: [A-H](?:-[A-H])?)?|S/RES/\d+ ?\(\d{4}\))\s*$")
        .expect("symline")
});
pub(super) static RESNUM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:E?S-)?\d{1,2}/\d{1,4}|\d{3,4} \(\d{4}\))(?: ?[A-H](?:-[A-H])?)?\s*\.?(?:\s+(?P<title>\S.*))?$")
        .expect("resnum")
});
pub(super) static SEPARATOR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*_{5,}\s*$").expect("sep"));
pub(super) static FOOTNOTE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?P<m>\d{1,3})[\t \u{3000}]+(?P<t>\S.*)$").expect("fn"));
/// A numbered paragraph or chapter heading: `12.`, `12 -` (Arabic), `IV.`, `四.` (Chinese
/// chapters), `رابعا -` (Arabic chapters, an ordinal word).
pub(crate) static NUMBERED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<n>\d{1,3}|[IVXLC]{1,7}|[一二三四五六七八九十]{1,3}|أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)(?:\.|[ \u{a0}]?-)(?:[\t \u{3000}]+(?P<t>(?s:.*))|[\t \u{3000}]*\n(?P<u>(?s:.*))|\s*$)")
        .expect("num")
});
pub(super) static SUBITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<l>\(?(?:[a-z]{1,2}|[ivx]{1,6}|[а-я]|[\p{Arabic}]{1,3})\))[\t \u{3000}]*(?P<t>.*)$")
        .expect("sub")
});
pub(super) static FORMULA_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:The General Assembly|L[’']Assemblée générale|La Asamblea General|إن الجمعية العامة|The Security Council|Le Conseil de sécurité|El Consejo de Seguridad|إن مجلس الأمن)\s*[,，،:：]?|(?:Генеральная Ассамблея|大\s*会|Совет Безопасности|安全理事会)\s*[,，،:：])\s*$")
        .expect("formula")
});
/// The enacting formula where it cannot be confused with the cover page (`Генеральная Ассамблея`
/// without a comma opens the Pact for the Future).
pub(super) static FORMULA_LOOSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:The General Assembly|L[’']Assemblée générale|La Asamblea General|Генеральная Ассамблея|إن الجمعية العامة|大\s*会|The Security Council|Le Conseil de sécurité|El Consejo de Seguridad|Совет Безопасности|إن مجلس الأمن|安全理事会)\s*[,，،:：]?\s*$")
        .expect("formula")
});
pub(super) static PART_LINE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?P<p>[A-H])\s*$").expect("part"));
pub(super) static PLENARY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)plenary meeting|séance plénière|sesión plenaria|пленарное заседание|пленарном заседании|الجلسة العامة|全体会议|th meeting$|e séance$|ª sesión$|-м заседании$")
        .expect("plenary")
});
pub(super) static AGENDA_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Agenda items?\s+(?P<en>.+)|Points?\s+(?P<fr>.+?)\s+de l[’']ordre du jour|Temas?\s+(?P<es>.+?)\s+del programa|Пункты?\s+(?P<ru>.+?)\s+повестки дня|البند(?:ان)?\s+(?P<ar>.+?)\s+من جدول الأعمال|议程项目\s*(?P<zh>.+))\s*$")
        .expect("agenda")
});
pub(super) static ADOPTED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)adopted|adoptée|adoptées|aprobada|aprobadas|принят|اتخذته|اتخذتها|决议")
        .expect("adopted")
});
pub(super) static ANNEX_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Annex|Annexe|Anexo|Приложение|المرفق|附件)(?:\s+[IVX]+)?\s*$")
        .expect("annex")
});

/// One logical line (a paragraph in PDF mode after joining wrapped lines).
#[derive(Debug, Clone)]
pub(super) enum Item {
    Para(String),
    Footnote(String, String),
    Separator,
}

/// Page header/footer lines of PDF text: job number, barcode, page `2/4`.
pub(super) fn is_furniture(line: &str, pdf: bool) -> bool {
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
pub(super) fn join(buf: &mut String, next: &str) {
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
pub(super) fn tidy_cjk(s: &str) -> String {
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

pub(super) fn clean(s: &str, lang: Option<Lang>) -> String {
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
pub(super) fn looks_like_pdf(text: &str) -> bool {
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
pub(super) fn ends_like_preamble(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    let t = t.trim_end_matches(['”', '"', '»', ')']);
    t.ends_with([',', '，', '،', ';', '؛', '；'])
}

pub(super) fn has_terminal_punct(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    t.ends_with([
        '.', ',', ';', ':', '。', '，', '；', '：', '،', '؛', '!', '?',
    ])
}

pub(super) fn is_closing(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.len() < 240
        && t.chars().count() < 60
        && (dates::is_date_line(t) || PLENARY_RE.is_match(t))
}
