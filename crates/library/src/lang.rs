//! The six UN languages (the platform's one [`Lang`], from `chamber-core`) and how to tell them
//! apart in a resolution's text.

pub use chamber_core::Lang;
pub use chamber_core::lang::{UNDETERMINED, code_or_und, iso639_2_or_und};

/// Guess the language of a resolution text from its script and a few function words; `None`
/// when the text has no letter of the six languages' scripts.
pub fn detect(text: &str) -> Option<Lang> {
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
        return Some(if max == arabic {
            Lang::Ar
        } else if max == cjk {
            Lang::Zh
        } else {
            Lang::Ru
        });
    }
    if latin == 0 {
        return None;
    }
    let lower = text.to_lowercase();
    let score = |words: &[&str]| -> usize { words.iter().map(|w| lower.matches(w).count()).sum() };
    let en = score(&[" the ", " of the ", " and ", "general assembly"]);
    let fr = score(&[" les ", " des ", " et ", "assemblée générale", " du "]);
    let es = score(&[" los ", " las ", " y ", "asamblea general", " del "]);
    Some(if en >= fr && en >= es {
        Lang::En
    } else if fr >= es {
        Lang::Fr
    } else {
        Lang::Es
    })
}

/// True for Han ideographs and CJK/full-width punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_script_and_latin_language() {
        assert_eq!(detect("قرار اتخذته الجمعية العامة"), Some(Lang::Ar));
        assert_eq!(detect("大会通过的决议"), Some(Lang::Zh));
        assert_eq!(
            detect("Резолюция, принятая Генеральной Ассамблеей"),
            Some(Lang::Ru)
        );
        assert_eq!(
            detect("Resolution adopted by the General Assembly on the report of the Committee"),
            Some(Lang::En)
        );
        assert_eq!(
            detect(
                "Résolution adoptée par l'Assemblée générale sur le rapport des commissions et du"
            ),
            Some(Lang::Fr)
        );
        assert_eq!(
            detect(
                "Resolución aprobada por la Asamblea General y los informes de las comisiones del"
            ),
            Some(Lang::Es)
        );
        assert_eq!(detect("12 345 — 678"), None);
    }
}
