//! Search over the fixtures (cargo feature `search`).
#![cfg(feature = "search")]

use chamber_library::search::{SearchIndex, SearchOptions};
use chamber_library::{Document, parse_file, parse_text};

mod common;

fn opts(lang: Option<&str>, limit: usize) -> SearchOptions {
    SearchOptions {
        lang: lang.map(String::from),
        limit,
        ..SearchOptions::default()
    }
}

#[test]
fn chinese_two_character_words_and_symbols() {
    let zh = parse_text(
        "A/RES/1/2\n\n1/2.\n\n 难民问题\n\n大会，\n\n关切停火协议未得到遵守，\n\n1.\t呼吁各方保护难民；\n",
        None,
    )
    .unwrap();
    let en = parse_text(
        "A/RES/1/2\n\n1/2.\n\n Refugees\n\nThe General Assembly,\n\nConcerned that the ceasefire agreements are not respected,\n\n1.\tCalls upon all parties to protect refugees;\n",
        None,
    )
    .unwrap();
    let mut idx = SearchIndex::in_memory().unwrap();
    assert!(idx.add(&[zh, en]).unwrap() >= 6);
    for q in ["难民", "停火"] {
        let hits = idx.search(q, &opts(None, 10)).unwrap();
        assert!(!hits.is_empty(), "{q}");
        assert!(hits.iter().all(|h| h.language == "zh"), "{q}");
        assert!(hits[0].text.contains(q), "{q}: {}", hits[0].text);
        assert!(hits[0].highlight.contains("<b>"), "{}", hits[0].highlight);
    }
    let hits = idx.search("refugee", &opts(Some("en"), 10)).unwrap();
    assert!(hits.iter().any(|h| h.text.contains("refugees")), "stemming");
    let hits = idx.search("A/RES/1/2", &opts(None, 10)).unwrap();
    let mut langs: Vec<_> = hits.iter().map(|h| h.language.as_str()).collect();
    langs.sort();
    assert_eq!(langs, ["en", "zh"]);
    assert!(idx.search("", &opts(None, 10)).unwrap().is_empty());
    assert!(idx.search("))) \" AND OR", &opts(None, 10)).is_ok());
}

#[test]
fn fixtures_in_six_languages() {
    let dir = chamber_testkit::require_shared!("data/undocs/unxml-ga/fixtures");
    let mut docs: Vec<Document> = Vec::new();
    for l in common::language_dirs(&dir) {
        for f in common::files_ending(&l, &[".xml"]) {
            docs.push(parse_file(&f, None).unwrap());
        }
    }
    assert_eq!(docs.len(), 77);
    let mut idx = SearchIndex::in_memory().unwrap();
    let start = std::time::Instant::now();
    let n = idx.add(&docs).unwrap();
    println!(
        "indexed {n} paragraphs of {} documents in {:?}",
        docs.len(),
        start.elapsed()
    );

    // A symbol returns every language version.
    let hits = idx.search("A/RES/79/274", &opts(None, 10)).unwrap();
    let mut langs: Vec<_> = hits.iter().map(|h| h.language.clone()).collect();
    langs.sort();
    assert_eq!(langs, ["ar", "en", "es", "fr", "ru", "zh"]);
    assert!(
        hits.iter().all(|h| h.position == "title"),
        "symbol hits show the title"
    );

    // Known items: the query's paragraph must be in the top 10, in the right language.
    let cases = [
        ("永久中立", "zh", "A/RES/79/274"),
        ("中立", "zh", "A/RES/79/274"),
        ("Peace Mediation Chamber", "en", "A/RES/79/274"),
        ("permanent neutrality of Turkmenistan", "en", "A/RES/79/274"),
        ("постоянный нейтралитет Туркменистана", "ru", "A/RES/79/274"),
        ("حياد تركمانستان الدائم", "ar", "A/RES/79/274"),
        (
            "neutralité permanente du Turkménistan",
            "fr",
            "A/RES/79/274",
        ),
        (
            "neutralidad permanente de Turkmenistán",
            "es",
            "A/RES/79/274",
        ),
        ("Protocole de Genève", "fr", "A/RES/79/48"),
    ];
    let mut found = 0;
    for (q, lang, symbol) in cases {
        let t = std::time::Instant::now();
        let hits = idx.search(q, &opts(None, 10)).unwrap();
        let ok = hits
            .iter()
            .any(|h| h.language == lang && h.symbol == symbol);
        println!(
            "{q:<45} {:>4} hits  {:?}  {}",
            hits.len(),
            t.elapsed(),
            if ok { "found" } else { "MISSED" }
        );
        found += usize::from(ok);
    }
    println!("known-item recall@10: {found}/{}", cases.len());
    assert_eq!(found, cases.len());

    // Two-character Chinese words: every hit contains the word (jieba, no CJK folding loss).
    for q in ["难民", "和平", "安全"] {
        let hits = idx.search(q, &opts(Some("zh"), 10)).unwrap();
        assert!(!hits.is_empty(), "{q}");
        assert!(hits.iter().all(|h| h.language == "zh"));
        assert!(
            hits.iter().filter(|h| h.text.contains(q)).count() * 10 >= hits.len() * 8,
            "{q}"
        );
    }
    // Subject filter (UNBIS terms from the AKN4UN classification).
    let hits = idx
        .search(
            "peace",
            &SearchOptions {
                subject: Some("neutrality".into()),
                ..opts(Some("en"), 20)
            },
        )
        .unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| ["A/RES/79/274", "A/RES/75/28"].contains(&h.symbol.as_str())),
        "{:?}",
        hits.iter().map(|h| &h.symbol).collect::<Vec<_>>()
    );
    // Filters.
    let hits = idx
        .search(
            "neutrality",
            &SearchOptions {
                session: Some(75),
                ..opts(None, 20)
            },
        )
        .unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.symbol.starts_with("A/RES/75/")));
}

#[test]
fn cli_ingest_then_search() {
    use chamber_library::cli::{EdgeArgs, LibraryCommand, run};
    let dir = std::env::temp_dir().join(format!("chamber-library-search-{}", std::process::id()));
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("r.txt"),
        "A/RES/1/2\n\n1/2.\n\n 难民\n\n大会，\n\n回顾第 50/80 A 号决议，\n\n1.\t呼吁各方保护难民；\n",
    )
    .unwrap();
    let data = dir.join("data");
    assert_eq!(
        run(LibraryCommand::Search {
            query: "难民".into(),
            data: data.clone(),
            lang: None,
            session: None,
            organ: None,
            subject: None,
            limit: 5,
            json: true
        }),
        2
    );
    assert_eq!(
        run(LibraryCommand::Ingest {
            data: data.clone(),
            paths: vec![docs.clone()]
        }),
        0
    );
    assert_eq!(
        run(LibraryCommand::Search {
            query: "难民".into(),
            data: data.clone(),
            lang: Some("zh".into()),
            session: None,
            organ: None,
            subject: None,
            limit: 5,
            json: true
        }),
        0
    );
    assert!(data.join("library/index/meta.json").exists());
    // ingest stores the citation graph; cites/cited-by read it without --from
    assert!(data.join("library/graph.json").exists());
    assert_eq!(
        run(LibraryCommand::CitedBy(EdgeArgs {
            symbol: "A/RES/50/80 A".into(),
            paths: vec![],
            data: data.clone(),
            json: true
        })),
        0
    );
    let g = chamber_library::CitationGraph::from_json(
        &std::fs::read_to_string(data.join("library/graph.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(g.cited_by("A/RES/50/80 A").len(), 1);
    let idx =
        chamber_library::search::SearchIndex::open_or_create(&data.join("library/index")).unwrap();
    assert_eq!(
        idx.search("难民", &opts(Some("zh"), 5)).unwrap()[0].symbol,
        "A/RES/1/2"
    );
    // ingesting again replaces, not duplicates
    let before = idx.len();
    drop(idx);
    assert_eq!(
        run(LibraryCommand::Ingest {
            data: data.clone(),
            paths: vec![docs]
        }),
        0
    );
    let idx =
        chamber_library::search::SearchIndex::open_or_create(&data.join("library/index")).unwrap();
    assert_eq!(idx.len(), before);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_ingests_tar_xz_archives() {
    use chamber_library::cli::{LibraryCommand, run};
    let archives = chamber_testkit::require_shared!("data/undocs/unxml-ga/archives");
    let dir = std::env::temp_dir().join(format!("chamber-library-archive-{}", std::process::id()));
    let data = dir.join("data");
    let inputs = vec![
        archives.join("GA-ES-10-English.tar.xz"),
        archives.join("GA-ES-10-Chinese.tar.xz"),
    ];
    assert_eq!(
        run(LibraryCommand::Ingest {
            data: data.clone(),
            paths: inputs
        }),
        0
    );
    let idx =
        chamber_library::search::SearchIndex::open_or_create(&data.join("library/index")).unwrap();
    assert!(idx.len() > 10, "paragraphs indexed: {}", idx.len());
    let hits = idx
        .search("General Assembly", &opts(Some("en"), 5))
        .unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h.symbol.starts_with("A/RES/ES-10/")),
        "{:?}",
        hits.iter().map(|h| &h.symbol).collect::<Vec<_>>()
    );
    std::fs::remove_dir_all(&dir).ok();
}
