//! The `chamber library parse FILE --json` contract the maintainers' checks call.

use serde_json::Value;

#[test]
fn parse_json_has_the_contract_fields() {
    let seed = chamber_testkit::require_shared!("seed");
    let doc =
        chamber_library::parse_file(&seed.join("A-RES-79-274.zh.pdf-text.txt"), None).unwrap();
    let v: Value = serde_json::to_value(&doc).unwrap();
    assert_eq!(v["symbol"], "A/RES/79/274");
    assert_eq!(v["language"], "zh");
    assert_eq!(v["session"], 79);
    assert_eq!(v["agenda_items"], serde_json::json!(["61"]));
    assert_eq!(v["adoption_date"], "2025-03-21");
    assert_eq!(v["distribution_date"], "2025-03-25");
    assert_eq!(v["originating_documents"], serde_json::json!(["A/79/L.59"]));
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
    for p in v["preamble"].as_array().unwrap() {
        assert!(p["phrase"].as_str().is_some_and(|s| !s.is_empty()) && p["text"].is_string());
    }
    for p in v["operative"].as_array().unwrap() {
        assert!(p["number"].is_string() && p["text"].is_string());
    }
    for f in v["footnotes"].as_array().unwrap() {
        assert!(f["marker"].is_string() && f["text"].is_string());
    }
    let cites = v["citations"].as_array().unwrap();
    assert!(!cites.is_empty());
    for c in cites {
        assert!(c["target"].is_string() && c["kind"].is_string() && c["in"].is_string());
    }
    assert_eq!(cites[0]["target"], "A/RES/50/80 A");
    assert_eq!(cites[0]["in"], "preamble 1");
    // The JSON reads back into the same document (for the store).
    let back: chamber_library::Document = serde_json::from_value(v).unwrap();
    assert_eq!(back, doc);
}
