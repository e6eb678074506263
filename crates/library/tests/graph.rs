//! The citation graph over the 77 AKN4UN fixtures.

use chamber_library::{CitationGraph, Document, parse_file};

#[test]
fn neutrality_line_over_the_fixtures() {
    let dir = chamber_testkit::require_shared!("data/undocs/unxml-ga/fixtures");
    let mut docs: Vec<Document> = Vec::new();
    for lang in std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
    {
        for f in std::fs::read_dir(lang.path())
            .unwrap()
            .filter_map(Result::ok)
        {
            docs.push(parse_file(&f.path(), None).unwrap());
        }
    }
    let g = CitationGraph::build(&docs);
    // Six language versions merge into one node.
    assert_eq!(g.node("A/RES/79/274").unwrap().languages.len(), 6);
    // Resolutions outside the corpus are external nodes.
    assert!(g.node("A/RES/50/80 A").unwrap().external);
    assert!(g.node("A/RES/46/182").unwrap().external);
    assert!(!g.node("A/RES/75/28").unwrap().external);
    // cited-by: 69/285 is cited by 75/28 and by 79/274.
    let by: std::collections::BTreeSet<_> = g
        .cited_by("A/RES/69/285")
        .iter()
        .map(|e| e.from.clone())
        .collect();
    assert!(
        by.contains("A/RES/75/28") && by.contains("A/RES/79/274"),
        "{by:?}"
    );
    let cites: std::collections::BTreeSet<_> = g
        .cites("A/RES/79/274")
        .iter()
        .map(|e| e.to.clone())
        .collect();
    for t in [
        "A/RES/50/80 A",
        "A/RES/69/285",
        "A/RES/75/28",
        "A/RES/77/273",
        "A/RES/46/182",
        "A/75/651-S/2020/1203",
    ] {
        assert!(cites.contains(t), "{t} missing from {cites:?}");
    }
    let line = g.lineage("A/RES/79/274");
    println!("lineage: {}", line.join(" → "));
    assert_eq!(line.first().map(String::as_str), Some("A/RES/50/80 A"));
    assert_eq!(line.last().map(String::as_str), Some("A/RES/79/274"));
    assert!(
        line.contains(&"A/RES/69/285".to_string()) && line.contains(&"A/RES/75/28".to_string())
    );
}
