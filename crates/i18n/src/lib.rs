//! Chamber's translation catalogue, in Fluent.
//!
//! Every user-facing string goes through [`Catalogue::tr`]. English, Chinese and Russian are
//! complete (a test checks that each defines every English message); French, Spanish and Arabic
//! are partial and fall back to English message by message. Arabic is written right to left.
//!
//! Architecture invariant: the catalogue is data; no other crate hard-codes user-facing text.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeSet;
use unic_langid::LanguageIdentifier;

/// The six official UN languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
}

impl Lang {
    /// In the UN's order (Arabic, Chinese, English, French, Russian, Spanish).
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];
    /// Languages whose catalogue must be complete.
    pub const COMPLETE: [Lang; 3] = [Lang::En, Lang::Zh, Lang::Ru];

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

    /// Text direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The best language from an HTTP `Accept-Language` header (quality values honoured).
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Ar => include_str!("../locales/ar.ftl"),
            Lang::Zh => include_str!("../locales/zh.ftl"),
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::Fr => include_str!("../locales/fr.ftl"),
            Lang::Ru => include_str!("../locales/ru.ftl"),
            Lang::Es => include_str!("../locales/es.ftl"),
        }
    }
}

/// The loaded catalogue: one Fluent bundle a language. Cheap to share (`Sync`).
pub struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::load()
    }
}

impl Catalogue {
    /// Parse the embedded catalogue. Panics only if a shipped `.ftl` file is malformed, which the
    /// crate's tests rule out.
    pub fn load() -> Catalogue {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let resource = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(
                    |(_, errors)| panic!("locales/{}.ftl is malformed: {errors:?}", lang.code()),
                );
                let id: LanguageIdentifier = lang.code().parse().expect("valid language code");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // No Unicode isolation marks: text goes into HTML where `dir` handles direction.
                bundle.set_use_isolating(false);
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|e| panic!("locales/{}.ftl: {e:?}", lang.code()));
                (lang, bundle)
            })
            .collect();
        Catalogue { bundles }
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        &self
            .bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .expect("every language has a bundle")
            .1
    }

    /// Translate `key` with named arguments; falls back to English, then to the key itself.
    pub fn tr(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        for candidate in [lang, Lang::En] {
            let bundle = self.bundle(candidate);
            if let Some(message) = bundle.get_message(key)
                && let Some(pattern) = message.value()
            {
                let mut fluent_args = FluentArgs::new();
                for (name, value) in args {
                    fluent_args.set(*name, FluentValue::from(value.clone()));
                }
                let mut errors = vec![];
                return bundle
                    .format_pattern(pattern, Some(&fluent_args), &mut errors)
                    .into_owned();
            }
        }
        key.to_string()
    }

    /// Whether a language defines `key` itself (without falling back).
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang).has_message(key)
    }

    /// Every message id a language defines.
    pub fn keys(lang: Lang) -> BTreeSet<String> {
        lang.source()
            .lines()
            .filter_map(|line| {
                let (id, _) = line.split_once(" =")?;
                let id = id.trim();
                (!id.is_empty() && !line.starts_with([' ', '#'])).then(|| id.to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_languages_define_every_english_message() {
        let catalogue = Catalogue::load();
        let english = Catalogue::keys(Lang::En);
        assert!(english.len() > 60, "the English catalogue looks truncated");
        for lang in Lang::COMPLETE {
            let missing: Vec<_> = english.iter().filter(|k| !catalogue.has(lang, k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn no_language_defines_a_message_english_lacks() {
        let english = Catalogue::keys(Lang::En);
        for lang in Lang::ALL {
            let extra: Vec<_> = Catalogue::keys(lang)
                .into_iter()
                .filter(|k| !english.contains(k))
                .collect();
            assert!(
                extra.is_empty(),
                "{} has unknown keys {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn translates_with_arguments_and_falls_back_to_english() {
        let c = Catalogue::load();
        assert_eq!(
            c.tr(Lang::Zh, "dashboard-welcome", &[("name", "Amina".into())]),
            "欢迎，Amina。"
        );
        // French has no admin messages yet: English stands in.
        assert_eq!(c.tr(Lang::Fr, "admin-users", &[]), "Accounts");
        assert_eq!(c.tr(Lang::Ru, "no-such-key", &[]), "no-such-key");
    }

    #[test]
    fn negotiates_accept_language() {
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::negotiate("de-DE,ru;q=0.5,en;q=0.4"), Lang::Ru);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::Ar.dir(), "rtl");
    }
}
