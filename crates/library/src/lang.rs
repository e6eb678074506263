//! The six UN languages and how to tell them apart.

/// A UN official language (or something else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
    Other,
}

impl Lang {
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
            Lang::Other => "und",
        }
    }

    /// ISO 639-2 code as used in AKN4UN (`FRBRlanguage`).
    pub fn iso639_2(self) -> &'static str {
        match self {
            Lang::Ar => "ara",
            Lang::Zh => "zho",
            Lang::En => "eng",
            Lang::Fr => "fra",
            Lang::Ru => "rus",
            Lang::Es => "spa",
            Lang::Other => "und",
        }
    }

    /// From an ISO 639-1 or 639-2 code or an English language name (case-insensitive).
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        Some(match c.as_str() {
            "ar" | "ara" | "arabic" => Lang::Ar,
            "zh" | "zho" | "chi" | "chinese" => Lang::Zh,
            "en" | "eng" | "english" => Lang::En,
            "fr" | "fra" | "fre" | "french" => Lang::Fr,
            "ru" | "rus" | "russian" => Lang::Ru,
            "es" | "spa" | "spanish" => Lang::Es,
            _ => return None,
        })
    }

    /// Guess the language of a resolution text from its script and a few function words.
    pub fn detect(text: &str) -> Lang {
        let (mut arabic, mut cjk, mut cyr, mut latin) = (0usize, 0usize, 0usize, 0usize);
        for c in text.chars().take(20_000) {
            match c {
                '\u{0600}'..='\u{06FF}' => arabic += 1,
                '\u{4E00}'..='\u{9FFF}' => cjk += 1,
                '\u{0400}'..='\u{04FF}' => cyr += 1,
                'a'..='z' | 'A'..='Z' => latin += 1,
                _ => {}
            }
        }
        let max = arabic.max(cjk).max(cyr);
        if max > 0 && max * 4 >= latin / 2 {
            if max == arabic {
                return Lang::Ar;
            } else if max == cjk {
                return Lang::Zh;
            } else {
                return Lang::Ru;
            }
        }
        if latin == 0 {
            return Lang::Other;
        }
        let lower = text.to_lowercase();
        let score =
            |words: &[&str]| -> usize { words.iter().map(|w| lower.matches(w).count()).sum() };
        let en = score(&[" the ", " of the ", " and ", "general assembly"]);
        let fr = score(&[" les ", " des ", " et ", "assemblée générale", " du "]);
        let es = score(&[" los ", " las ", " y ", "asamblea general", " del "]);
        if en >= fr && en >= es {
            Lang::En
        } else if fr >= es {
            Lang::Fr
        } else {
            Lang::Es
        }
    }
}

/// True for Han ideographs and CJK/full-width punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}'
    )
}
