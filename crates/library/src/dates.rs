//! Dates as printed in the six languages, turned into ISO `YYYY-MM-DD`.

use regex::Regex;
use std::sync::LazyLock;

const EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const AR: [&[&str]; 12] = [
    &["يناير"],
    &["فبراير"],
    &["مارس"],
    &["أبريل", "ابريل", "إبريل"],
    &["مايو"],
    &["يونيه", "يونيو"],
    &["يوليه", "يوليو"],
    &["أغسطس"],
    &["سبتمبر"],
    &["أكتوبر"],
    &["نوفمبر"],
    &["ديسمبر"],
];

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let alt = |names: &[&str]| names.join("|");
    let en = alt(&EN);
    let fr = alt(&FR);
    let es = alt(&ES);
    let ru = alt(&RU);
    let ar: Vec<&str> = AR.iter().flat_map(|v| v.iter().copied()).collect();
    let ar = ar.join("|");
    Regex::new(&format!(
        r"(?i)(?P<zy>\d{{4}})\s*年\s*(?P<zm>\d{{1,2}})\s*月\s*(?P<zd>\d{{1,2}})\s*日|(?P<d>\d{{1,2}})(?:er)?\s+(?:de\s+)?(?:[\p{{Arabic}} ]+/)?(?P<m>{en}|{fr}|{es}|{ru}|{ar})\s+(?:de\s+)?(?P<y>\d{{4}})"
    ))
    .expect("date regex")
});

fn month_number(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    for table in [&EN, &FR, &ES, &RU] {
        if let Some(i) = table.iter().position(|m| *m == n) {
            return Some(i as u32 + 1);
        }
    }
    if n == "setiembre" {
        return Some(9);
    }
    AR.iter()
        .position(|v| v.contains(&n.as_str()))
        .map(|i| i as u32 + 1)
}

fn iso(y: &str, m: u32, d: &str) -> Option<String> {
    let y: u32 = y.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// A date found in a text: byte span and ISO form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub iso: String,
}

/// Every date in `text`, in any of the six languages.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    DATE_RE
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let iso = if let Some(y) = c.name("zy") {
                let mo: u32 = c.name("zm")?.as_str().parse().ok()?;
                iso(y.as_str(), mo, c.name("zd")?.as_str())?
            } else {
                let mo = month_number(c.name("m")?.as_str())?;
                iso(c.name("y")?.as_str(), mo, c.name("d")?.as_str())?
            };
            Some(FoundDate {
                start: m.start(),
                end: m.end(),
                iso,
            })
        })
        .collect()
}

/// The first date in `text`.
pub fn first_date(text: &str) -> Option<String> {
    find_dates(text).into_iter().next().map(|d| d.iso)
}

/// True when `line` is nothing but a date (the closing date of a resolution).
pub fn is_date_line(line: &str) -> bool {
    let t = line.trim();
    match find_dates(t).first() {
        Some(d) => {
            let rest = format!("{}{}", &t[..d.start], &t[d.end..]);
            let rest = rest.trim().trim_end_matches(['.', '。']);
            rest.is_empty() || rest == "г." || rest == "года" || rest == "م"
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_languages() {
        assert_eq!(
            first_date("on 21 March 2025").as_deref(),
            Some("2025-03-21")
        );
        assert_eq!(
            first_date("le 2 décembre 2024").as_deref(),
            Some("2024-12-02")
        );
        assert_eq!(
            first_date("el 11 de abril de 2025").as_deref(),
            Some("2025-04-11")
        );
        assert_eq!(
            first_date("16 апреля 2021 года").as_deref(),
            Some("2021-04-16")
        );
        assert_eq!(
            first_date("في 21 آذار/مارس 2025").as_deref(),
            Some("2025-03-21")
        );
        assert_eq!(
            first_date("2025 年 3 月 21 日大会决议").as_deref(),
            Some("2025-03-21")
        );
        assert_eq!(first_date("2024年12月2日").as_deref(), Some("2024-12-02"));
        assert_eq!(first_date("no date here"), None);
        assert_eq!(first_date("31 February 99999"), None);
    }

    #[test]
    fn date_lines() {
        assert!(is_date_line(" 21 March 2025"));
        assert!(is_date_line("2025 年 3 月 21 日 "));
        assert!(!is_date_line("adopted on 21 March 2025"));
    }
}
