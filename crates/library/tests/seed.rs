//! The seed: real PDF-extracted Chinese text of A/RES/79/274.

use chamber_library::{CitationKind, SourceFormat, parse_file};

#[test]
fn seed_pdf_text_is_read_exactly() {
    let dir = chamber_testkit::require_shared!("seed");
    let doc = parse_file(&dir.join("A-RES-79-274.zh.pdf-text.txt"), None).expect("seed parses");

    assert_eq!(doc.source_format, SourceFormat::PdfText);
    assert_eq!(doc.symbol, "A/RES/79/274");
    assert_eq!(doc.language, "zh");
    assert_eq!(doc.session, Some(79));
    assert_eq!(doc.agenda_items, ["61"]);
    assert_eq!(doc.adoption_date.as_deref(), Some("2025-03-21"));
    assert_eq!(doc.distribution_date.as_deref(), Some("2025-03-25"));
    assert_eq!(doc.originating_documents, ["A/79/L.59"]);
    assert_eq!(doc.title, "土库曼斯坦永久中立");

    assert_eq!(doc.preamble.len(), 16, "preambular paragraphs");
    assert_eq!(doc.operative.len(), 7, "operative paragraphs");
    assert_eq!(doc.footnotes.len(), 5, "footnotes");
    assert_eq!(doc.preamble[0].phrase, "回顾");
    assert_eq!(doc.preamble[1].phrase, "又回顾");
    let numbers: Vec<_> = doc
        .operative
        .iter()
        .map(|p| p.number.clone().unwrap_or_default())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7"]);
    // Wrapped lines are joined without the PDF's line breaks or page furniture.
    for p in doc
        .preamble
        .iter()
        .map(|p| &p.text)
        .chain(doc.operative.iter().map(|p| &p.text))
    {
        assert!(
            !p.contains('\n') && !p.contains("2504827") && !p.contains("______"),
            "{p}"
        );
    }
    assert!(doc.operative[6].text.ends_with("的分项。"));
    let markers: Vec<_> = doc.footnotes.iter().map(|f| f.marker.as_str()).collect();
    assert_eq!(markers, ["1", "2", "3", "4", "5"]);
    assert_eq!(doc.footnotes[4].anchor.as_deref(), Some("operative 4"));

    let body: Vec<_> = doc
        .citations
        .iter()
        .filter(|c| !c.in_footnote())
        .map(|c| c.target.as_str())
        .collect();
    assert_eq!(
        body,
        [
            "A/RES/50/80 A",
            "A/RES/69/285",
            "A/RES/71/275",
            "A/RES/75/28",
            "A/RES/78/266",
            "A/RES/76/299",
            "A/RES/72/7",
            "A/RES/75/272",
            "A/RES/77/273"
        ]
    );
    let notes: Vec<_> = doc
        .citations
        .iter()
        .filter(|c| c.in_footnote() && c.kind == CitationKind::Resolution)
        .map(|c| c.target.as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "A/RES/46/182",
            "A/RES/63/210",
            "A/RES/67/263",
            "A/RES/69/213",
            "A/RES/70/197",
            "A/RES/72/212",
            "A/RES/75/313",
            "A/RES/78/148",
            "A/RES/78/149"
        ]
    );
    let docs: Vec<_> = doc
        .citations
        .iter()
        .filter(|c| c.kind == CitationKind::Document)
        .map(|c| (c.target.as_str(), c.location.as_str()))
        .collect();
    assert_eq!(
        docs,
        [
            ("A/75/651-S/2020/1203", "footnote 1"),
            ("A/50/752-S/1995/1035", "footnote 4"),
            ("A/77/778", "footnote 5")
        ]
    );
    let first = &doc.citations[0];
    assert_eq!(
        (first.location.as_str(), first.date.as_deref()),
        ("preamble 1", Some("1995-12-12"))
    );
}
