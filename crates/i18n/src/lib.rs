//! Chamber's translation catalogue, in Fluent.
//!
//! Every user-facing string goes through [`Catalogue::tr`]. All six languages are complete: tests
//! check that each defines every English message and uses the same `$variables` as English. A
//! message missing from a language would still fall back to English. Arabic is written right to
//! left.
//!
//! Architecture invariant: the catalogue is data; no other crate hard-codes user-facing text.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeSet;
use unic_langid::LanguageIdentifier;

/// The six official UN languages: the platform's one language type, from `chamber-core`.
pub use chamber_core::Lang;

/// A language's catalogue, one Fluent source per area (see [`AREAS`]).
fn sources(lang: Lang) -> impl Iterator<Item = (&'static str, &'static str)> {
    AREAS
        .iter()
        .map(move |(area, files)| (*area, files[lang.index()]))
}

/// One catalogue file per area and language: `locales/<area>/<lang>.ftl`, in [`Lang::ALL`]'s
/// order. Each capability keeps its messages in its own area, so capabilities never edit
/// each other's files; a key is defined in one area only (a test checks).
macro_rules! area {
    ($name:literal) => {
        (
            $name,
            [
                include_str!(concat!("../locales/", $name, "/ar.ftl")),
                include_str!(concat!("../locales/", $name, "/zh.ftl")),
                include_str!(concat!("../locales/", $name, "/en.ftl")),
                include_str!(concat!("../locales/", $name, "/fr.ftl")),
                include_str!(concat!("../locales/", $name, "/ru.ftl")),
                include_str!(concat!("../locales/", $name, "/es.ftl")),
            ],
        )
    };
}

/// Every area of the catalogue.
pub const AREAS: &[(&str, [&str; 6])] = &[
    area!("platform"),
    area!("mediation"),
    area!("watch"),
    area!("consult"),
    area!("library"),
    area!("audit"),
    area!("conferences"),
    area!("corridors"),
];

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
            .map(|lang| (lang, Self::bundle_from(lang)))
            .collect();
        Catalogue { bundles }
    }

    fn bundle_from(lang: Lang) -> FluentBundle<FluentResource> {
        Self::bundle_of(lang, sources(lang))
    }

    fn bundle_of<'a>(
        lang: Lang,
        sources: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> FluentBundle<FluentResource> {
        let id: LanguageIdentifier = lang.code().parse().expect("valid language code");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks: text goes into HTML where `dir` handles direction.
        bundle.set_use_isolating(false);
        for (area, source) in sources {
            let resource =
                FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| {
                    panic!(
                        "locales/{area}/{}.ftl is malformed: {errors:?}",
                        lang.code()
                    )
                });
            bundle
                .add_resource(resource)
                .unwrap_or_else(|e| panic!("locales/{area}/{}.ftl: {e:?}", lang.code()));
        }
        bundle
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
                    // A whole number travels as a number, so that plural selectors work.
                    let number = value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| n.to_string() == *value);
                    match number {
                        Some(n) => fluent_args.set(*name, FluentValue::from(n)),
                        None => fluent_args.set(*name, FluentValue::from(value.clone())),
                    }
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
        sources(lang)
            .flat_map(|(_, source)| message_ids(source))
            .collect()
    }
}

/// The message ids a Fluent source defines, in order.
fn message_ids(source: &str) -> impl Iterator<Item = String> + '_ {
    source.lines().filter_map(|line| {
        let (id, _) = line.split_once(" =")?;
        let id = id.trim();
        (!id.is_empty() && !line.starts_with([' ', '#', '-'])).then(|| id.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A language's whole catalogue as one Fluent source.
    fn whole_source(lang: Lang) -> String {
        sources(lang).map(|(_, s)| s).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn every_language_defines_every_english_message() {
        let catalogue = Catalogue::load();
        let english = Catalogue::keys(Lang::En);
        assert!(english.len() > 60, "the English catalogue looks truncated");
        for lang in Lang::ALL {
            let missing: Vec<_> = english.iter().filter(|k| !catalogue.has(lang, k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn each_message_lives_in_one_area_and_every_language_keeps_it_there() {
        let mut home: BTreeMap<String, &str> = BTreeMap::new();
        for (area, files) in AREAS {
            let english: BTreeSet<String> = message_ids(files[2]).collect();
            for id in &english {
                if let Some(other) = home.insert(id.clone(), area) {
                    panic!("{id} is defined in both {other} and {area}");
                }
            }
            for (lang, source) in Lang::ALL.iter().zip(files.iter()) {
                let here: BTreeSet<String> = message_ids(source).collect();
                assert_eq!(
                    here,
                    english,
                    "locales/{area}/{}.ftl has other messages than locales/{area}/en.ftl",
                    lang.code()
                );
            }
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
        assert_eq!(c.tr(Lang::Fr, "admin-users", &[]), "Comptes");
        assert_eq!(
            c.tr(Lang::Es, "library-results", &[("count", "3".into())]),
            "Párrafos encontrados: 3"
        );
        assert_eq!(
            c.tr(Lang::Ar, "admin-audit-broken", &[("reason", "x".into())]),
            "السلسلة منقطعة: x"
        );
        assert_eq!(c.tr(Lang::Ru, "no-such-key", &[]), "no-such-key");
        // A language that lacks a message borrows the English one.
        let mut partial = Catalogue::load();
        for (lang, bundle) in &mut partial.bundles {
            if *lang == Lang::Fr {
                *bundle = Catalogue::bundle_of(
                    Lang::Fr,
                    [("test", "nav-login = Se connecter\n")].into_iter(),
                );
            }
        }
        assert_eq!(partial.tr(Lang::Fr, "nav-login", &[]), "Se connecter");
        assert_eq!(partial.tr(Lang::Fr, "admin-users", &[]), "Accounts");
    }

    type Variables = BTreeMap<String, BTreeSet<String>>;

    /// The `$variables` each message of a catalogue uses (value, continuation lines and
    /// attributes), by message id.
    fn variables_by_message(source: &str) -> Variables {
        let mut messages = BTreeMap::<String, String>::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.is_empty() || line.starts_with([' ', '\t']) {
                if let Some(text) = current.as_ref().and_then(|id| messages.get_mut(id)) {
                    text.push('\n');
                    text.push_str(line);
                }
            } else if let Some((id, value)) = line
                .split_once('=')
                .filter(|_| !line.starts_with(['#', '-']))
            {
                let id = id.trim().to_string();
                messages.insert(id.clone(), value.to_string());
                current = Some(id);
            } else {
                current = None;
            }
        }
        messages
            .into_iter()
            .map(|(id, text)| (id, variables_in(&text)))
            .collect()
    }

    /// The `$variables` in a message's source. Fluent allows a variable only inside a placeable
    /// (`{ … }`, also nested, as in a select expression's selector and variants) and writes a
    /// literal brace in text as `{"{"}`; so this follows braces, skips string literals and
    /// collects every `$name` inside braces. A `$` in plain text ("US$") is not a variable.
    fn variables_in(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut depth = 0usize;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                '"' if depth > 0 => {
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                chars.next();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                }
                '$' if depth > 0 && chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) => {
                    let mut name = String::new();
                    while let Some(&c) = chars.peek() {
                        if !(c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                            break;
                        }
                        name.push(c);
                        chars.next();
                    }
                    found.insert(name);
                }
                _ => {}
            }
        }
        found
    }

    /// Messages of `translated` whose variables differ from the English message of the same id.
    fn variable_mismatches(english: &Variables, translated: &Variables) -> Vec<String> {
        translated
            .iter()
            .filter_map(|(id, variables)| {
                let expected = english.get(id)?;
                (variables != expected)
                    .then(|| format!("{id} uses {variables:?}, English uses {expected:?}"))
            })
            .collect()
    }

    #[test]
    fn every_translation_uses_the_english_variables() {
        let english = variables_by_message(&whole_source(Lang::En));
        assert!(
            english.values().filter(|v| !v.is_empty()).count() > 20,
            "the English catalogue has suspiciously few variables"
        );
        for lang in Lang::ALL {
            let mismatches =
                variable_mismatches(&english, &variables_by_message(&whole_source(lang)));
            assert!(mismatches.is_empty(), "{}: {mismatches:#?}", lang.code());
        }
    }

    #[test]
    fn the_variable_check_catches_renamed_dropped_and_added_variables() {
        let english = variables_by_message(
            "a = Hello, { $name }.\nb = { $count } left\nc = Done.\nd = { $x }\n",
        );
        let wrong = variables_by_message(
            "a = Bonjour, { $nom }.\nb = Il en reste\nc = Fait, { $name }.\nd = { $x }\n",
        );
        let mismatches = variable_mismatches(&english, &wrong);
        assert_eq!(mismatches.len(), 3, "{mismatches:?}");
        assert!(mismatches.iter().all(|m| !m.starts_with("d ")));
        // A plural selector counts as using its variable, even where a variant leaves it out; a
        // `$` in plain text and an escaped brace are not variables.
        let fine = variables_by_message(concat!(
            "b =\n",
            "    { $count ->\n",
            "        [one] un seul, US$ 5 {\"{\"}\n",
            "       *[other] { $count } restants\n",
            "    }\n",
            "# c = { $comment }\n",
            "c = Fait.\n",
        ));
        assert!(variable_mismatches(&english, &fine).is_empty(), "{fine:?}");
        assert_eq!(fine["b"], BTreeSet::from(["count".to_string()]));
    }

    #[test]
    fn every_message_formats_without_errors() {
        let catalogue = Catalogue::load();
        let english = variables_by_message(&whole_source(Lang::En));
        for lang in Lang::ALL {
            let bundle = catalogue.bundle(lang);
            for (id, variables) in &english {
                let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                    continue;
                };
                let mut args = FluentArgs::new();
                for name in variables {
                    args.set(name.as_str(), FluentValue::from("7"));
                }
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}/{id}: {errors:?}", lang.code());
                assert!(!text.trim().is_empty(), "{}/{id} is empty", lang.code());
            }
        }
    }

    #[test]
    fn whole_numbers_choose_plural_forms() {
        let c = Catalogue::load();
        let found = |lang, n: &str| c.tr(lang, "library-results", &[("count", n.to_string())]);
        assert_eq!(found(Lang::En, "1"), "One paragraph found");
        assert_eq!(found(Lang::En, "12"), "12 paragraphs found");
        assert_eq!(found(Lang::Ru, "21"), "Найден 21 абзац");
        assert_eq!(found(Lang::Ru, "3"), "Найдено 3 абзаца");
        assert_eq!(found(Lang::Ru, "11"), "Найдено 11 абзацев");
        // Not a canonical whole number: passed as text, so the default form.
        assert_eq!(found(Lang::En, "01"), "01 paragraphs found");
    }
}
