//! The web server end to end over real HTTP (one fresh store per test): the Library: search and documents side by side.

mod common;
use common::*;

#[tokio::test]
async fn the_library_page_searches_chinese_paragraphs_with_highlights() {
    let seed = chamber_testkit::require_shared!("seed/A-RES-79-274.zh.pdf-text.txt");
    let data = std::env::temp_dir().join(format!("chamber-lib-{}", chamber_store::new_id()));
    let index_dir = chamber_app::DataDir::new(&data).library().index();
    let built = index_dir.clone();
    tokio::task::spawn_blocking(move || {
        let doc = chamber_library::parse_file(&seed, None).unwrap();
        let mut index = chamber_library::search::SearchIndex::open_or_create(&built).unwrap();
        index.add(&[doc]).unwrap();
    })
    .await
    .unwrap();
    let app = spawn_app(ServerConfig {
        data: Some(chamber_app::DataDir::new(&data)),
        ..ServerConfig::default()
    })
    .await;
    app.user("researcher", Role::Observer, PW).await;
    let mut b = app.browser();
    b.login("researcher", PW).await;
    let (status, html) = b.get("/library?q=%E8%B0%83%E8%A7%A3&lang=zh").await; // 调解
    assert_eq!(status, StatusCode::OK);
    let hits = html.split("id=\"hits\"").nth(1).expect("a result list");
    assert!(
        hits.replace("&#x2f;", "/").contains("A/RES/79/274"),
        "{hits}"
    );
    assert!(hits.contains("<b>调解</b>"), "{hits}");
    let (_, none) = b
        .get("/library?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(!none.contains("<script>alert"), "the query is escaped");
}

#[tokio::test]
async fn a_resolution_reads_side_by_side_with_its_citations_both_ways() {
    let fixtures = chamber_testkit::require_shared!("data/undocs/unxml-ga/fixtures");
    let data = std::env::temp_dir().join(format!("chamber-libdoc-{}", chamber_store::new_id()));
    let store_data = data.clone();
    tokio::task::spawn_blocking(move || {
        let mut graph = chamber_library::CitationGraph::default();
        for f in [
            "English/A_RES_79_274-2504827E.xml",
            "Chinese/A_RES_79_274-2504827C.xml",
            "English/75_28_E.xml",
        ] {
            let doc = chamber_library::parse_file(&fixtures.join(f), None).unwrap();
            graph.add(&doc);
            chamber_library::docstore::save_document(&store_data, &doc).unwrap();
        }
        std::fs::write(
            store_data.join("library").join("graph.json"),
            graph.to_json(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    let app = spawn_app(ServerConfig {
        data: Some(chamber_app::DataDir::new(&data)),
        ..ServerConfig::default()
    })
    .await;
    app.user("drafter", Role::Observer, PW).await;
    let mut b = app.browser();
    b.login("drafter", PW).await;
    let (status, html) = b
        .get("/library/doc?symbol=A/RES/79/274&lang=zh&compare=en")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = html.replace("&#x2f;", "/");
    assert_eq!(
        text.matches("<article class=\"resolution\"").count(),
        2,
        "two language versions"
    );
    assert!(text.contains("lang=\"zh\"") && text.contains("lang=\"en\""));
    assert!(
        text.contains("<em>Recalling</em>"),
        "preambular opening phrases"
    );
    assert!(text.contains("A/RES/75/28"), "citations listed");
    assert!(
        text.contains("not in the library"),
        "external citations marked"
    );
    // 75/28 is cited by 79/274 in both language versions.
    let (_, cited) = b.get("/library/doc?symbol=A/RES/75/28").await;
    let cited = cited.replace("&#x2f;", "/");
    let list = cited
        .split("id=\"cited-by\"")
        .nth(1)
        .expect("a cited-by list");
    assert!(list.contains("A/RES/79/274"), "{list}");
    assert_eq!(
        b.get("/library/doc?symbol=A/RES/1/1").await.0,
        StatusCode::NOT_FOUND
    );
}
