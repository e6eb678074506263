//! The six official UN languages: one type for the whole platform (interface catalogue, library
//! documents, Akoma Ntoso exports).
//!
//! A language is known by its ISO 639-1 code (`en`, used in URLs, cookies and `lang`
//! attributes) and its ISO 639-2 code (`eng`, used by AKN4UN in `FRBRlanguage` and in FRBR
//! IRIs). [`Lang::from_code`] reads either, a BCP 47 tag (`zh-CN`, `fr_CA`) or the English name;
//! anything else is not one of the six and gives `None`, so "some other language" is an
//! `Option<Lang>` that is `None`, written `und` where a code is required ([`code_or_und`]).

use std::fmt;
use std::str::FromStr;

/// One of the six official UN languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
}

/// The ISO code written for a language that is not one of the six ("undetermined").
pub const UNDETERMINED: &str = "und";

impl Lang {
    /// In the UN's order (Arabic, Chinese, English, French, Russian, Spanish).
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// Position in [`Lang::ALL`] (0 for Arabic … 5 for Spanish), for tables kept in that order.
    pub fn index(self) -> usize {
        self as usize
    }

    /// ISO 639-1 code: `ar`, `zh`, `en`, `fr`, `ru`, `es`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }

    /// ISO 639-2 (terminology) code as used in AKN4UN (`FRBRlanguage`, FRBR IRIs).
    pub fn iso639_2(self) -> &'static str {
        match self {
            Lang::Ar => "ara",
            Lang::Zh => "zho",
            Lang::En => "eng",
            Lang::Fr => "fra",
            Lang::Ru => "rus",
            Lang::Es => "spa",
        }
    }

    /// The language's name in English.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::Ar => "Arabic",
            Lang::Zh => "Chinese",
            Lang::En => "English",
            Lang::Fr => "French",
            Lang::Ru => "Russian",
            Lang::Es => "Spanish",
        }
    }

    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ar => "العربية",
            Lang::Zh => "中文",
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Ru => "Русский",
            Lang::Es => "Español",
        }
    }

    /// Text direction for the `dir` attribute: `rtl` for Arabic, `ltr` otherwise.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// From an ISO 639-1 code, an ISO 639-2 code (terminology or bibliographic: `zho`/`chi`,
    /// `fra`/`fre`), a BCP 47 tag whose primary subtag is one of those (`zh-CN`, `es_419`), or
    /// the English name; case-insensitive, surrounding white space ignored.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Some(match primary.as_str() {
            "ar" | "ara" | "arabic" => Lang::Ar,
            "zh" | "zho" | "chi" | "chinese" => Lang::Zh,
            "en" | "eng" | "english" => Lang::En,
            "fr" | "fra" | "fre" | "french" => Lang::Fr,
            "ru" | "rus" | "russian" => Lang::Ru,
            "es" | "spa" | "spanish" => Lang::Es,
            _ => return None,
        })
    }

    /// The best language from an HTTP `Accept-Language` header (quality values honoured; the
    /// first of equal quality wins); English when none of the six is acceptable.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::from_code(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }
}

/// ISO 639-1 code of a language that may be none of the six: `und` for `None`.
pub fn code_or_und(lang: Option<Lang>) -> &'static str {
    lang.map_or(UNDETERMINED, Lang::code)
}

/// ISO 639-2 code of a language that may be none of the six: `und` for `None`.
pub fn iso639_2_or_und(lang: Option<Lang>) -> &'static str {
    lang.map_or(UNDETERMINED, Lang::iso639_2)
}

impl fmt::Display for Lang {
    /// The ISO 639-1 code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A code or name that is not one of the six UN languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not one of the UN languages (ar, zh, en, fr, ru, es)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// As [`Lang::from_code`].
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        Lang::from_code(s).ok_or_else(|| UnknownLang(s.to_string()))
    }
}

impl TryFrom<&str> for Lang {
    type Error = UnknownLang;

    fn try_from(s: &str) -> Result<Lang, UnknownLang> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_language() {
        for (i, lang) in Lang::ALL.into_iter().enumerate() {
            assert_eq!(lang.index(), i);
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(Lang::from_code(lang.iso639_2()), Some(lang));
            assert_eq!(Lang::from_code(lang.english_name()), Some(lang));
            assert_eq!(lang.to_string().parse::<Lang>(), Ok(lang));
        }
    }

    #[test]
    fn reads_tags_bibliographic_codes_and_case() {
        assert_eq!(Lang::from_code(" zh-CN "), Some(Lang::Zh));
        assert_eq!(Lang::from_code("es_419"), Some(Lang::Es));
        assert_eq!(Lang::from_code("FRE"), Some(Lang::Fr));
        assert_eq!(Lang::from_code("chi"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::from_code(""), None);
        assert_eq!(
            "deu".parse::<Lang>(),
            Err(UnknownLang("deu".into())),
            "German is not a UN language"
        );
        assert_eq!(Lang::try_from("RUS"), Ok(Lang::Ru));
    }

    #[test]
    fn codes_follow_iso_639() {
        let one: Vec<_> = Lang::ALL.iter().map(|l| l.code()).collect();
        let two: Vec<_> = Lang::ALL.iter().map(|l| l.iso639_2()).collect();
        assert_eq!(one, ["ar", "zh", "en", "fr", "ru", "es"]);
        assert_eq!(two, ["ara", "zho", "eng", "fra", "rus", "spa"]);
        assert_eq!(code_or_und(None), "und");
        assert_eq!(iso639_2_or_und(Some(Lang::Fr)), "fra");
        assert_eq!(Lang::Zh.native_name(), "中文");
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        let rtl: Vec<_> = Lang::ALL.into_iter().filter(|l| l.dir() == "rtl").collect();
        assert_eq!(rtl, [Lang::Ar]);
    }

    #[test]
    fn negotiates_accept_language() {
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::negotiate("de-DE,ru;q=0.5,en;q=0.4"), Lang::Ru);
        assert_eq!(Lang::negotiate("fr;q=0.5, es;q=0.5"), Lang::Fr);
        assert_eq!(Lang::negotiate("ar;q=0, de"), Lang::En);
        assert_eq!(Lang::negotiate("*"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
    }
}
