//! Statements in several languages: the secretariat records the language a statement was
//! written in and its translations into the six UN languages; a participant reads a statement
//! in their own language when it is translated, and their vote counts for the statement
//! whatever the language (`chamber_consult::statement`).

use super::{Consultations, from_store};
use crate::error::{AppError, AppResult};
use chamber_consult::Statement as Multilingual;
use chamber_core::{Lang, permissions};
use chamber_store::User;
use chamber_store::consult::Statement;

/// The longest statement or translation, in characters.
pub const MAX_STATEMENT_CHARS: usize = 1000;

/// A statement with its languages, and its moderation state.
#[derive(Debug, Clone)]
pub struct StatementInLanguages {
    pub statement: Multilingual,
    /// 1 accepted, 0 awaiting moderation, -1 rejected.
    pub moderation: i64,
}

/// A statement as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub number: i64,
    pub text: String,
    /// The language of `text`, when known.
    pub lang: Option<Lang>,
    /// `text` is the secretariat's translation; the original follows.
    pub original: Option<String>,
}

impl Shown {
    /// `statement` in `reader`'s language when it was written in it or translated into it,
    /// else as written.
    pub fn of(statement: &Multilingual, reader: Lang) -> Shown {
        let (text, lang) = statement.text_in(reader);
        let translated = lang.is_some() && lang != statement.lang;
        Shown {
            number: statement.number as i64,
            text: text.to_string(),
            lang,
            original: translated.then(|| statement.body.clone()),
        }
    }
}

/// A language code of the six UN languages, or the error naming `field`.
pub fn parse_lang(field: &str, code: &str) -> AppResult<Lang> {
    Lang::from_code(code.trim()).ok_or_else(|| {
        AppError::invalid(format!(
            "{field}: one of ar, zh, en, fr, ru, es, not {:?}",
            code.trim()
        ))
    })
}

fn organiser(user: &User) -> AppResult<()> {
    if permissions::may_organise_consultation(user.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Consultations {
    /// Every statement of a consultation with its languages and translations.
    pub async fn statements_in_languages(&self, id: &str) -> AppResult<Vec<StatementInLanguages>> {
        let statements = self.store.statements(id).await?;
        let rows = self.store.translations(id).await?;
        let tr = super::map::translations_from_rows(&statements, &rows);
        Ok(statements
            .iter()
            .map(|s| StatementInLanguages {
                statement: multilingual(s, &tr),
                moderation: s.moderation,
            })
            .collect())
    }

    /// One statement as `reader` sees it.
    pub async fn shown(&self, id: &str, statement: &Statement, reader: Lang) -> AppResult<Shown> {
        let rows = self.store.translations(id).await?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|t| t.number == statement.number)
            .collect();
        let tr = super::map::translations_from_rows(std::slice::from_ref(statement), &rows);
        Ok(Shown::of(&multilingual(statement, &tr), reader))
    }

    /// Organisers add or replace a statement's translation into `lang`; an empty text removes
    /// it. A statement is not translated into the language it was written in.
    pub async fn translate(
        &self,
        user: &User,
        id: &str,
        number: i64,
        lang: &str,
        text: &str,
    ) -> AppResult<()> {
        organiser(user)?;
        let lang = parse_lang("lang", lang)?;
        let text = text.trim();
        if text.chars().count() > MAX_STATEMENT_CHARS {
            return Err(AppError::invalid(format!(
                "text: at most {MAX_STATEMENT_CHARS} characters"
            )));
        }
        let (_, original, _) = self
            .store
            .statement_languages(id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        if original.as_deref() == Some(lang.code()) {
            return Err(AppError::invalid(format!(
                "lang: statement {number} was written in {}; translate it into another language",
                lang.code()
            )));
        }
        if text.is_empty() {
            self.store
                .remove_translation(&user.id, id, number, lang.code())
                .await
                .map_err(from_store)
        } else {
            self.store
                .set_translation(&user.id, id, number, lang.code(), text)
                .await
                .map_err(from_store)
        }
    }

    /// Organisers record the language a statement was written in (empty: not recorded). A
    /// language it is already translated into is refused (remove that translation first).
    pub async fn set_original_language(
        &self,
        user: &User,
        id: &str,
        number: i64,
        lang: &str,
    ) -> AppResult<()> {
        organiser(user)?;
        let lang = match lang.trim() {
            "" => None,
            code => Some(parse_lang("lang", code)?),
        };
        let (_, _, translated) = self
            .store
            .statement_languages(id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(l) = lang
            && translated.iter().any(|t| t == l.code())
        {
            return Err(AppError::invalid(format!(
                "lang: statement {number} already has a translation into {}",
                l.code()
            )));
        }
        self.store
            .set_statement_language(&user.id, id, number, lang.map(Lang::code))
            .await
            .map_err(from_store)
    }

    /// Check that a vote read in `lang` was cast on a text that exists in it.
    pub(crate) async fn check_vote_language(
        &self,
        id: &str,
        number: i64,
        lang: Lang,
    ) -> AppResult<()> {
        let (_, original, translated) = self
            .store
            .statement_languages(id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        if original.as_deref() == Some(lang.code()) || translated.iter().any(|t| t == lang.code()) {
            Ok(())
        } else {
            Err(AppError::invalid(format!(
                "lang: statement {number} has no text in {}",
                lang.code()
            )))
        }
    }
}

/// A stored statement with its languages.
fn multilingual(s: &Statement, tr: &chamber_consult::Translations) -> Multilingual {
    Multilingual {
        number: s.number as u64,
        body: s.body.clone(),
        lang: tr.original.get(&(s.number as u64)).copied(),
        translations: tr
            .texts
            .get(&(s.number as u64))
            .cloned()
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_a_translation_with_its_original() {
        let s = Multilingual {
            number: 4,
            body: "Le climat d'abord".into(),
            lang: Some(Lang::Fr),
            translations: [(Lang::Ar, "المناخ أولاً".to_string())].into(),
        };
        assert_eq!(
            Shown::of(&s, Lang::Ar),
            Shown {
                number: 4,
                text: "المناخ أولاً".into(),
                lang: Some(Lang::Ar),
                original: Some("Le climat d'abord".into()),
            }
        );
        let fr = Shown::of(&s, Lang::Fr);
        assert_eq!((fr.text.as_str(), fr.original), ("Le climat d'abord", None));
        let zh = Shown::of(&s, Lang::Zh);
        assert_eq!((zh.lang, zh.original), (Some(Lang::Fr), None));
        assert!(parse_lang("lang", "de").is_err());
        assert_eq!(parse_lang("lang", " ru ").unwrap(), Lang::Ru);
    }
}
