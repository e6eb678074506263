//! Security Council resolutions carry no title in their text: the cover names the resolution
//! and the meeting ("Resolution 2725 (2024)", "Adopted by the Security Council at its 9569th
//! meeting, on 8 March 2024") and there is no preface. The title people cite is the Dag
//! Hammarskjöld Library's catalogue title, which the XML keeps as
//! `<keyword refersTo="title" dictionary="DHL">` and the metadata extract
//! (`unxml-sc/data_extract/<year>.json`, one JSON object a line) as `resolution_title` (its
//! `title` field is empty for the Council). Every SC fixture, in every language, must carry it.

use chamber_library::{Organ, parse_file};
use serde_json::Value;
use std::collections::HashMap;

mod common;

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `resolution_title` by symbol, from the extract of `year`.
fn catalogue_titles(extract: &std::path::Path, year: &str) -> HashMap<String, String> {
    let text = std::fs::read_to_string(extract.join(format!("{year}.json"))).expect("extract");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).expect("one JSON object a line"))
        .filter_map(|v| {
            Some((
                collapse(v["symbol"].as_str()?),
                collapse(v["resolution_title"].as_str()?),
            ))
        })
        .collect()
}

#[test]
fn security_council_titles_are_the_catalogue_titles() {
    let base = chamber_testkit::require_shared!("data/undocs/unxml-sc");
    let mut extracts: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut checked = 0;
    for l in common::language_dirs(&base.join("fixtures")) {
        for f in common::files_ending(&l, &[".xml"]) {
            let doc = parse_file(&f, None).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(doc.organ, Organ::SecurityCouncil, "{}", f.display());
            let year = doc
                .symbol
                .rsplit('(')
                .next()
                .map(|y| y.trim_end_matches(')').to_string())
                .unwrap_or_default();
            let titles = extracts
                .entry(year.clone())
                .or_insert_with(|| catalogue_titles(&base.join("data_extract"), &year));
            let want = titles
                .get(&collapse(&doc.symbol))
                .unwrap_or_else(|| panic!("{} not in the {year} extract", doc.symbol));
            assert!(!want.is_empty(), "{}: empty catalogue title", doc.symbol);
            assert_eq!(&doc.title, want, "{}", f.display());
            // The title names the resolution it belongs to.
            let number = doc.symbol.trim_start_matches("S/RES/");
            assert!(doc.title.contains(number), "{}: {}", f.display(), doc.title);
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "two SC fixtures in seven languages");
}
