//! Statements in several languages: a statement is written in one language and may carry the
//! secretariat's translations into the six UN languages; a participant reads and votes in
//! theirs, and the analysis counts one statement (votes are keyed by the statement's number,
//! whatever the language they were cast in).
//!
//! Pol.is's export layout knows one body per comment, so the languages live beside it: an
//! optional `comment-translations.csv` in the export folder (`comment-id,lang,kind,text`, `kind`
//! being `original` for the language the statement was written in, with an empty text, or
//! `translation`). [`crate::polis::read_export`] and [`crate::polis::write_export`] are unchanged;
//! [`read_translations`] and [`write_translations`] read and write the extra file.

use crate::csv;
use crate::error::{ConsultError, Result};
use crate::polis::{Comment, CommentId, Export, ParticipantId, Vote};
use chamber_core::Lang;
use std::collections::BTreeMap;
use std::path::Path;

/// The file holding statements' languages and translations, beside Pol.is's `comments.csv`.
pub const TRANSLATIONS_FILE: &str = "comment-translations.csv";

/// A statement as participants read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Pol.is's comment id.
    pub number: CommentId,
    /// The text as written.
    pub body: String,
    /// The language it was written in (`None`: not recorded, or none of the six).
    pub lang: Option<Lang>,
    /// The secretariat's translations.
    pub translations: BTreeMap<Lang, String>,
}

impl Statement {
    /// The text a participant reading `lang` sees and its language: the original when written
    /// in `lang`, else the translation into `lang`, else the original.
    pub fn text_in(&self, lang: Lang) -> (&str, Option<Lang>) {
        if self.lang == Some(lang) {
            return (&self.body, self.lang);
        }
        match self.translations.get(&lang) {
            Some(t) => (t, Some(lang)),
            None => (&self.body, self.lang),
        }
    }

    /// Whether a participant can read it in `lang` (original or translation).
    pub fn available_in(&self, lang: Lang) -> bool {
        self.lang == Some(lang) || self.translations.contains_key(&lang)
    }
}

/// Languages and translations of an export's statements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translations {
    /// The language each statement was written in.
    pub original: BTreeMap<CommentId, Lang>,
    /// Translations by statement and language.
    pub texts: BTreeMap<CommentId, BTreeMap<Lang, String>>,
}

impl Translations {
    /// The statement `comment` with its language and translations.
    pub fn statement(&self, comment: &Comment) -> Statement {
        Statement {
            number: comment.id,
            body: comment.body.clone(),
            lang: self.original.get(&comment.id).copied(),
            translations: self.texts.get(&comment.id).cloned().unwrap_or_default(),
        }
    }

    /// Every statement of `export`, by number.
    pub fn statements(&self, export: &Export) -> BTreeMap<CommentId, Statement> {
        export
            .comments
            .values()
            .map(|c| (c.id, self.statement(c)))
            .collect()
    }
}

/// A vote cast on one language version of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub participant: ParticipantId,
    pub statement: CommentId,
    pub vote: Vote,
    /// The language the participant read the statement in.
    pub lang: Lang,
}

/// Read `comment-translations.csv` from an export folder (an absent file: no languages
/// recorded). Statements must be known to `comments` when it is not empty; errors name the file,
/// line and field.
pub fn read_translations(
    dir: &Path,
    comments: &BTreeMap<CommentId, Comment>,
) -> Result<Translations> {
    let path = dir.join(TRANSLATIONS_FILE);
    let mut out = Translations::default();
    if !path.exists() {
        return Ok(out);
    }
    let p = path.as_path();
    csv::read_with(
        p,
        |header| {
            let col = |name: &str| {
                header
                    .fields
                    .iter()
                    .position(|f| f.trim() == name)
                    .ok_or_else(|| ConsultError::MissingColumn {
                        path: p.to_path_buf(),
                        column: name.into(),
                    })
            };
            Ok([col("comment-id")?, col("lang")?, col("kind")?, col("text")?])
        },
        |&[id, lang, kind, text], rec| {
            let field = |i: usize| rec.fields.get(i).map_or("", |f| f.as_ref());
            let raw = field(id).trim();
            let tid: CommentId = raw.parse().map_err(|_| {
                ConsultError::bad(
                    p,
                    rec.line,
                    "comment-id",
                    format!("expected a non-negative integer id, found {raw:?}"),
                )
            })?;
            if !comments.is_empty() && !comments.contains_key(&tid) {
                return Err(ConsultError::bad(
                    p,
                    rec.line,
                    "comment-id",
                    format!("unknown comment id {tid} (not in comments.csv)"),
                ));
            }
            let code = field(lang).trim();
            let l = Lang::from_code(code).ok_or_else(|| {
                ConsultError::bad(
                    p,
                    rec.line,
                    "lang",
                    format!("expected one of ar, zh, en, fr, ru, es, found {code:?}"),
                )
            })?;
            match field(kind).trim() {
                "original" => {
                    if out.original.insert(tid, l).is_some() {
                        return Err(ConsultError::bad(
                            p,
                            rec.line,
                            "kind",
                            format!("statement {tid} has a second original language"),
                        ));
                    }
                }
                "translation" => {
                    let t = field(text);
                    if t.trim().is_empty() {
                        return Err(ConsultError::bad(p, rec.line, "text", "empty translation"));
                    }
                    if out
                        .texts
                        .entry(tid)
                        .or_default()
                        .insert(l, t.to_string())
                        .is_some()
                    {
                        return Err(ConsultError::bad(
                            p,
                            rec.line,
                            "lang",
                            format!("statement {tid} has a second translation into {code}"),
                        ));
                    }
                }
                other => {
                    return Err(ConsultError::bad(
                        p,
                        rec.line,
                        "kind",
                        format!("expected original or translation, found {other:?}"),
                    ));
                }
            }
            Ok(())
        },
    )?;
    for (tid, texts) in &out.texts {
        if let Some(l) = out.original.get(tid)
            && texts.contains_key(l)
        {
            return Err(ConsultError::bad(
                p,
                0,
                "lang",
                format!(
                    "statement {tid} is translated into its own language ({})",
                    l.code()
                ),
            ));
        }
    }
    Ok(out)
}

/// Write `comment-translations.csv` into an export folder ([`read_translations`] reads it back
/// unchanged). Nothing is written when no language is recorded.
pub fn write_translations(dir: &Path, translations: &Translations) -> Result<()> {
    if translations.original.is_empty() && translations.texts.is_empty() {
        return Ok(());
    }
    let mut s = String::from("comment-id,lang,kind,text\n");
    for (tid, l) in &translations.original {
        s += &format!("{tid},{},original,\n", l.code());
    }
    for (tid, texts) in &translations.texts {
        for (l, t) in texts {
            s += &format!(
                "{tid},{},translation,{}\n",
                l.code(),
                crate::polis::quote(t)
            );
        }
    }
    let path = dir.join(TRANSLATIONS_FILE);
    std::fs::write(&path, s).map_err(|source| ConsultError::Io { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::polis::{VoteSource, read_export, write_export};

    fn comment(id: CommentId, body: &str) -> Comment {
        Comment {
            id,
            author: None,
            moderated: 1,
            is_meta: false,
            body: body.into(),
        }
    }

    #[test]
    fn a_reader_sees_their_language_and_falls_back_to_the_original() {
        let s = Statement {
            number: 3,
            body: "Le climat d'abord".into(),
            lang: Some(Lang::Fr),
            translations: [
                (Lang::En, "Climate first".to_string()),
                (Lang::Ar, "المناخ أولاً".to_string()),
            ]
            .into(),
        };
        assert_eq!(s.text_in(Lang::Fr), ("Le climat d'abord", Some(Lang::Fr)));
        assert_eq!(s.text_in(Lang::En), ("Climate first", Some(Lang::En)));
        assert_eq!(s.text_in(Lang::Ar), ("المناخ أولاً", Some(Lang::Ar)));
        assert_eq!(s.text_in(Lang::Zh), ("Le climat d'abord", Some(Lang::Fr)));
        assert!(s.available_in(Lang::Ar) && !s.available_in(Lang::Ru));
    }

    #[test]
    fn translations_round_trip_beside_an_unchanged_polis_export() {
        let dir = std::env::temp_dir().join(format!("chamber-consult-tr-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let export = Export {
            comments: [(0, comment(0, "Water, first")), (1, comment(1, "Roads"))].into(),
            votes: [((1, 0), Vote::Agree), ((2, 1), Vote::Pass)].into(),
            source: VoteSource::Memory,
        };
        write_export(&dir, &export, None).unwrap();
        let tr = Translations {
            original: [(0, Lang::En), (1, Lang::Es)].into(),
            texts: [(
                0,
                [
                    (Lang::Fr, "L'eau, d'abord".to_string()),
                    (Lang::Zh, "水，优先".to_string()),
                    (Lang::Ru, "Вода — \"прежде всего\"".to_string()),
                ]
                .into(),
            )]
            .into(),
        };
        write_translations(&dir, &tr).unwrap();
        let back = read_export(&dir).unwrap();
        assert_eq!(back.comments, export.comments, "Pol.is files unchanged");
        assert_eq!(read_translations(&dir, &back.comments).unwrap(), tr);
        let st = tr.statements(&back);
        assert_eq!(st[&0].text_in(Lang::Ru).0, "Вода — \"прежде всего\"");
        assert_eq!(st[&1].lang, Some(Lang::Es));
    }

    #[test]
    fn bad_translation_rows_name_file_line_and_field() {
        let dir =
            std::env::temp_dir().join(format!("chamber-consult-trbad-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let comments: BTreeMap<CommentId, Comment> = [(0, comment(0, "x"))].into();
        for (rows, want) in [
            (
                "0,de,translation,Wasser\n",
                ":2: field `lang`: expected one of",
            ),
            (
                "7,fr,translation,Eau\n",
                ":2: field `comment-id`: unknown comment id 7",
            ),
            ("0,fr,translation,\n", ":2: field `text`: empty translation"),
            (
                "0,fr,draft,Eau\n",
                ":2: field `kind`: expected original or translation",
            ),
            (
                "0,fr,translation,Eau\n0,fr,translation,Eau!\n",
                ":3: field `lang`: statement 0 has a second translation into fr",
            ),
        ] {
            std::fs::write(
                dir.join(TRANSLATIONS_FILE),
                format!("comment-id,lang,kind,text\n{rows}"),
            )
            .unwrap();
            let msg = read_translations(&dir, &comments).unwrap_err().to_string();
            assert!(
                msg.contains(TRANSLATIONS_FILE) && msg.contains(want),
                "{msg}"
            );
        }
    }
}
