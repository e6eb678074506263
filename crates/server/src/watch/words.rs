//! Watch's words in the reader's language: dates and months from the catalogue's month table,
//! detector names, CAMEO roots, each piece of evidence rendered from its data through a
//! catalogue template, and the reasons a query cannot be answered. Nothing here is English
//! unless the reader reads English.

use super::Problem;
use chamber_i18n::{Catalogue, Lang};
use chamber_watch::alerts::{Alert, Evidence};
use chamber_watch::indicators::Period;
use chamber_watch::view::WatchError;

/// The catalogue in one language.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub catalogue: &'a Catalogue,
    pub lang: Lang,
}

/// A number for reading: whole numbers as such, others with up to `decimals` decimals.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if (v - v.round()).abs() < 1e-9 {
        return format!("{}", v.round() as i64);
    }
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share 0–1 as a percentage, whole.
pub fn percent(share: f64) -> String {
    number((share * 100.0).round(), 0)
}

/// `YYYY-MM-DD` → (year, month, day).
fn ymd(iso: &str) -> Option<(i32, u32, u32)> {
    let y = iso.get(..4)?.parse().ok()?;
    if iso.get(4..5)? != "-" {
        return None;
    }
    let m: u32 = iso.get(5..7)?.parse().ok()?;
    let d = match iso.get(7..) {
        None | Some("") => 0,
        Some(rest) => rest.strip_prefix('-')?.get(..2)?.parse().ok()?,
    };
    (1..=12).contains(&m).then_some((y, m, d))
}

impl Words<'_> {
    pub fn t(&self, key: &str, args: &[(&str, String)]) -> String {
        self.catalogue.tr(self.lang, key, args)
    }

    /// `2012-09-14` → "14 September 2012" (or the language's way); other text as given.
    pub fn date(&self, iso: &str) -> String {
        match ymd(iso) {
            Some((y, m, d)) if d > 0 => self.t(
                &format!("watch-date-{m}"),
                &[("day", d.to_string()), ("year", y.to_string())],
            ),
            _ => iso.to_string(),
        }
    }

    /// `2012-09` (or a date in it) → "September 2012".
    pub fn month_year(&self, iso: &str) -> String {
        match ymd(iso) {
            Some((y, m, _)) => self.t(&format!("watch-month-year-{m}"), &[("year", y.to_string())]),
            None => iso.to_string(),
        }
    }

    /// A month's short name for an axis tick (1–12).
    pub fn month_short(&self, m: u32) -> String {
        self.t(&format!("watch-month-short-{m}"), &[])
    }

    /// A day (`YYYY-MM-DD`) or a month (`YYYY-MM`), as written.
    pub fn when(&self, iso: &str) -> String {
        if iso.len() == 7 {
            self.month_year(iso)
        } else {
            self.date(iso)
        }
    }

    /// A period of a series from its first day: the day, "week of …", or the month.
    pub fn period_of(&self, period: Period, start: &str) -> String {
        match period {
            Period::Day => self.date(start),
            Period::Week => self.t("watch-week-of", &[("date", self.date(start))]),
            Period::Month => self.month_year(start),
        }
    }

    /// A detector's name from the catalogue (its code when the catalogue has none).
    pub fn detector(&self, code: &str) -> String {
        let key = format!("watch-detector-{}", code.replace('_', "-"));
        if self.catalogue.has(Lang::En, &key) {
            self.t(&key, &[])
        } else {
            code.to_string()
        }
    }

    /// A driving CAMEO code as the domain lists it (`190 Use conventional military force`):
    /// the code and its root's name in this language.
    pub fn cameo(&self, listed: &str) -> String {
        let code = listed.split_whitespace().next().unwrap_or("");
        let key = format!("watch-cameo-{}", code.get(..2).unwrap_or(""));
        if code.bytes().all(|b| b.is_ascii_digit()) && self.catalogue.has(Lang::En, &key) {
            format!("{code} · {}", self.t(&key, &[]))
        } else {
            code.to_string()
        }
    }

    /// One agreeing detector's evidence as a sentence, from its data.
    pub fn evidence(&self, e: &Evidence) -> String {
        let share = e.indicator == "material_conflict_share";
        let key = match (share, e.statistic.as_str()) {
            (true, "robust_z") => "watch-evidence-share-robust",
            (true, "cusum") => "watch-evidence-share-cusum",
            (true, "change_probability") => "watch-evidence-share-change",
            (false, "surprise_bits") => "watch-evidence-deaths-tail",
            (false, "change_probability") => "watch-evidence-deaths-change",
            _ => "watch-evidence-other",
        };
        let (observed, expected) = if share {
            (percent(e.observed), percent(e.expected))
        } else {
            (number(e.observed, 0), number(e.expected, 1))
        };
        let (value, threshold) = if e.statistic == "change_probability" {
            (percent(e.value), percent(e.threshold))
        } else {
            (number(e.value, 1), number(e.threshold, 1))
        };
        self.t(
            key,
            &[
                ("detector", self.detector(&e.detector)),
                ("when", self.when(&e.fired)),
                ("observed", observed),
                ("expected", expected),
                ("value", value),
                ("threshold", threshold),
                ("statistic", e.statistic.clone()),
            ],
        )
    }

    /// An alert's evidence, one sentence per agreeing detector, then its severity: the text a
    /// case opened from it starts with.
    pub fn alert_text(&self, a: &Alert) -> String {
        let mut lines: Vec<String> = a.evidence.iter().map(|e| self.evidence(e)).collect();
        lines.push(self.t(
            "watch-severity-long",
            &[
                ("bits", number(a.severity_bits, 1)),
                ("probability", format!("{:.1e}", a.tail_probability)),
            ],
        ));
        lines.join(" ")
    }

    /// Why a query cannot be answered, in this language.
    pub fn problem(&self, p: &Problem) -> String {
        let key = format!("watch-error-{}", p.code());
        let args: Vec<(&str, String)> = match p {
            Problem::Watch(WatchError::UnknownCountry { given })
            | Problem::Watch(WatchError::BadDyad { given })
            | Problem::BadDate(given)
            | Problem::BadPeriod(given) => vec![("given", given.clone())],
            Problem::Watch(WatchError::NoData { scope }) => vec![("scope", scope.clone())],
            Problem::Watch(WatchError::ReversedRange { since, until }) => {
                vec![("since", self.date(since)), ("until", self.date(until))]
            }
            Problem::Watch(WatchError::NoForecast { country, .. }) => {
                vec![("country", country.clone())]
            }
            _ => vec![],
        };
        self.t(&key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(detector: &str, indicator: &str, statistic: &str) -> Evidence {
        Evidence {
            detector: detector.into(),
            indicator: indicator.into(),
            period: "month".into(),
            fired: "2014-08".into(),
            observed: 2150.0,
            expected: 21.5,
            statistic: statistic.into(),
            value: 23.46,
            threshold: 10.0,
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(2150.0, 1), "2150");
        assert_eq!(number(21.54, 1), "21.5");
        assert_eq!(number(0.25, 2), "0.25");
        assert_eq!(number(1.50, 2), "1.5");
        assert_eq!(percent(0.634), "63");
    }

    #[test]
    fn dates_follow_the_language() {
        let c = Catalogue::load();
        let w = |lang| Words {
            catalogue: &c,
            lang,
        };
        assert_eq!(w(Lang::En).date("2012-09-14"), "14 September 2012");
        assert_eq!(w(Lang::Fr).date("2012-09-01"), "1er septembre 2012");
        assert_eq!(w(Lang::Es).date("2012-09-14"), "14 de septiembre de 2012");
        assert_eq!(w(Lang::Ru).date("2012-09-14"), "14 сентября 2012 г.");
        assert_eq!(w(Lang::Zh).date("2012-09-14"), "2012年9月14日");
        assert_eq!(w(Lang::Ar).date("2012-09-14"), "14 سبتمبر 2012");
        assert_eq!(w(Lang::Ru).month_year("2012-09"), "сентябрь 2012 г.");
        assert_eq!(w(Lang::Zh).when("2014-08"), "2014年8月");
        assert_eq!(w(Lang::En).date("not a date"), "not a date");
    }

    #[test]
    fn evidence_is_rendered_from_data_in_each_language() {
        let c = Catalogue::load();
        let e = evidence("nb_tail", "deaths", "surprise_bits");
        let en = Words {
            catalogue: &c,
            lang: Lang::En,
        }
        .evidence(&e);
        assert!(en.contains("2150") && en.contains("21.5") && en.contains("August 2014"));
        assert!(en.contains("Negative-binomial"), "{en}");
        for lang in Lang::ALL {
            let text = Words {
                catalogue: &c,
                lang,
            }
            .evidence(&e);
            assert!(text.contains("2150") && text.contains("23.5"), "{text}");
            if lang != Lang::En {
                assert_ne!(text, en);
                assert!(!text.contains("deaths"), "{}: {text}", lang.code());
            }
        }
        // Every statistic the domain writes has its own template.
        for (d, i, s) in [
            ("robust", "material_conflict_share", "robust_z"),
            ("cusum", "material_conflict_share", "cusum"),
            ("bocpd", "material_conflict_share", "change_probability"),
            ("bocpd_counts", "deaths", "change_probability"),
        ] {
            let w = Words {
                catalogue: &c,
                lang: Lang::Zh,
            };
            let text = w.evidence(&evidence(d, i, s));
            assert!(!text.contains("watch-evidence"), "{text}");
            assert!(text.contains(&w.detector(d)), "{text}");
        }
    }

    #[test]
    fn detectors_and_cameo_roots_have_names() {
        let c = Catalogue::load();
        let w = Words {
            catalogue: &c,
            lang: Lang::Fr,
        };
        for d in ["robust", "cusum", "bocpd", "nb_tail", "bocpd_counts"] {
            assert_ne!(w.detector(d), d);
        }
        assert_eq!(w.detector("new_one"), "new_one");
        assert_eq!(
            w.cameo("190 Use conventional military force"),
            "190 · Combattre"
        );
        assert_eq!(w.cameo("X1 odd"), "X1");
    }

    #[test]
    fn every_problem_has_a_message() {
        let c = Catalogue::load();
        for lang in Lang::ALL {
            let w = Words {
                catalogue: &c,
                lang,
            };
            for p in [
                Problem::Watch(WatchError::UnknownCountry {
                    given: "FRX".into(),
                }),
                Problem::Watch(WatchError::NoData {
                    scope: "FRA".into(),
                }),
                Problem::Watch(WatchError::BadDyad {
                    given: "GEO".into(),
                }),
                Problem::Watch(WatchError::ReversedRange {
                    since: "2013-01-01".into(),
                    until: "2012-01-01".into(),
                }),
                Problem::Watch(WatchError::ScopeConflict),
                Problem::Watch(WatchError::NoStore { path: "/x".into() }),
                Problem::Watch(WatchError::NoForecast {
                    country: "FRA".into(),
                    cutoff: None,
                }),
                Problem::Watch(WatchError::Store("x".into())),
                Problem::BadDate("2013-13-01".into()),
                Problem::BadPeriod("year".into()),
                Problem::NoScope,
            ] {
                let text = w.problem(&p);
                assert!(!text.starts_with("watch-error"), "{}: {text}", lang.code());
            }
            let no_data = w.problem(&Problem::Watch(WatchError::NoData {
                scope: "FRA".into(),
            }));
            assert!(no_data.contains("FRA"));
        }
    }
}
