//! Lessons-learned records in the library: filed beside resolutions, found by search, linked
//! in the citation graph, and a damaged store reported rather than lost.

use chamber_library::lessons::{
    self, CitationSource, CitedDocument, LessonsRecord, Outcome, ProcessLink, ProvisionOutcome,
};
use chamber_library::{CitationGraph, CitationKind};

fn record() -> LessonsRecord {
    let id = "5f0c2a8e9b1d4e7fa0b3c6d9e2f5a8b1";
    LessonsRecord {
        symbol: lessons::symbol_for(id),
        language: "en".into(),
        process: ProcessLink {
            id: id.into(),
            title: "Eastmark–Highlands talks".into(),
            kind: "peace_process".into(),
        },
        closed_on: "2027-06-30".into(),
        written_by: "amira.k".into(),
        context: "Talks opened after clashes along the northern corridor.".into(),
        what_worked: "Proximity talks with the humanitarian track kept separate from the \
                      political one; a joint verification commission met every fortnight."
            .into(),
        what_did_not_work: "Deadlines for detainee releases were set without a registry.".into(),
        provisions: vec![
            ProvisionOutcome {
                provision: "a".repeat(32),
                label: "1".into(),
                provision_type: Some("cease-fire".into()),
                outcome: Outcome::Held,
                latest_level: Some(3),
                text: "The Parties shall cease all hostilities.".into(),
                note: String::new(),
            },
            ProvisionOutcome {
                provision: "b".repeat(32),
                label: "5".into(),
                provision_type: Some("prisoner-release".into()),
                outcome: Outcome::Failed,
                latest_level: Some(0),
                text: "Detainees shall be released within 60 days.".into(),
                note: "No list of detainees was ever exchanged.".into(),
            },
        ],
        agreement: None,
        cites: vec![CitedDocument {
            symbol: "A/RES/1/2".into(),
            kind: CitationKind::Resolution,
            source: CitationSource::Mediator,
        }],
    }
}

#[test]
fn filing_stores_links_and_replaces() {
    let data = std::env::temp_dir().join(format!("chamber-lessons-file-{}", std::process::id()));
    std::fs::remove_dir_all(&data).ok();
    let rec = record();
    let filed = lessons::file_lessons(&data, &rec).unwrap();
    assert_eq!(filed.symbol, rec.symbol);
    assert_eq!(filed.citations, 1);
    assert_eq!(
        filed.paragraphs_indexed.is_some(),
        cfg!(feature = "search"),
        "indexed exactly when built with search"
    );
    let stored = chamber_library::docstore::load_lessons(&data, &rec.process.id)
        .unwrap()
        .unwrap();
    assert_eq!(stored, rec);
    let graph = CitationGraph::from_json(
        &std::fs::read_to_string(data.join("library/graph.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(graph.lessons_citing("A/RES/1/2").len(), 1);
    // A record that breaks the shape is refused before anything is written.
    let mut bad = rec.clone();
    bad.closed_on = "30 June".into();
    let e = lessons::file_lessons(&data, &bad).unwrap_err();
    assert!(e.to_string().contains("closed_on"), "{e}");
    assert_eq!(
        chamber_library::docstore::load_lessons(&data, &rec.symbol)
            .unwrap()
            .unwrap()
            .closed_on,
        "2027-06-30"
    );
    std::fs::remove_dir_all(&data).ok();
}

#[cfg(feature = "search")]
#[test]
fn a_lessons_record_is_found_by_a_word_of_what_worked_beside_resolutions() {
    use chamber_library::parse_text;
    use chamber_library::search::{DocKind, SearchIndex, SearchOptions};
    let resolution = parse_text(
        "A/RES/1/2\n\n1/2.\n\n Verification\n\nThe General Assembly,\n\nRecalling the importance of verification,\n\n1.\tCalls upon all parties to establish a verification commission;\n",
        None,
    )
    .unwrap();
    let mut idx = SearchIndex::in_memory().unwrap();
    idx.add(&[resolution]).unwrap();
    let rec = record();
    assert_eq!(idx.add_lessons(std::slice::from_ref(&rec)).unwrap(), 5);
    let opts = |kind| SearchOptions {
        kind,
        limit: 10,
        ..SearchOptions::default()
    };
    // A word only its "what worked" holds.
    let hits = idx.search("proximity", &opts(None)).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].symbol, rec.symbol);
    assert_eq!(hits[0].kind, DocKind::LessonsLearned);
    assert_eq!(hits[0].position, "what worked");
    assert_eq!(hits[0].title, "Eastmark–Highlands talks");
    assert!(hits[0].highlight.contains("<b>"), "{}", hits[0].highlight);
    // A word both hold: the kind filter separates them.
    let both = idx.search("verification commission", &opts(None)).unwrap();
    assert!(both.iter().any(|h| h.kind == DocKind::Resolution));
    assert!(both.iter().any(|h| h.kind == DocKind::LessonsLearned));
    let only = idx
        .search(
            "verification commission",
            &opts(Some(DocKind::LessonsLearned)),
        )
        .unwrap();
    assert!(!only.is_empty() && only.iter().all(|h| h.symbol == rec.symbol));
    let res = idx
        .search("verification commission", &opts(Some(DocKind::Resolution)))
        .unwrap();
    assert!(!res.is_empty() && res.iter().all(|h| h.symbol == "A/RES/1/2"));
    // A provision's outcome note is searchable under the provision, and by its type.
    let hits = idx.search("registry detainees", &opts(None)).unwrap();
    assert!(hits.iter().any(|h| h.position == "provision 5"), "{hits:?}");
    let typed = idx
        .search(
            "detainees",
            &SearchOptions {
                subject: Some("prisoner-release".into()),
                ..opts(None)
            },
        )
        .unwrap();
    assert!(!typed.is_empty());
    // Filing again replaces, it does not duplicate.
    idx.add_lessons(std::slice::from_ref(&rec)).unwrap();
    assert_eq!(idx.search("proximity", &opts(None)).unwrap().len(), 1);
}

#[cfg(feature = "search")]
#[test]
fn file_lessons_indexes_into_the_data_folder() {
    use chamber_library::search::{SearchIndex, SearchOptions};
    let data = std::env::temp_dir().join(format!("chamber-lessons-index-{}", std::process::id()));
    std::fs::remove_dir_all(&data).ok();
    let filed = lessons::file_lessons(&data, &record()).unwrap();
    assert_eq!(filed.paragraphs_indexed, Some(5));
    let idx = SearchIndex::open_or_create(&data.join("library/index")).unwrap();
    let hits = idx.search("fortnight", &SearchOptions::default()).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(lessons::is_lessons_symbol(&hits[0].symbol));
    std::fs::remove_dir_all(&data).ok();
}
