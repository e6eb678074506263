//! The web server end to end over real HTTP (one fresh store per test): the Watch page over the real Georgia events.

mod common;
use common::*;

#[tokio::test]
async fn the_watch_page_explains_that_nothing_was_ingested_yet() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("analyst", Role::Analyst, PW).await;
    let mut b = app.browser();
    b.login("analyst", PW).await;
    let (status, html) = b.get("/watch").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No events have been ingested yet"), "{html}");
}

#[tokio::test]
async fn the_watch_page_charts_georgia_and_lists_the_september_2012_alert() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia/individual_csvs");
    let data = std::env::temp_dir().join(format!("chamber-watch-{}", chamber_store::new_id()));
    let store_dir = chamber_app::DataDir::new(&data).watch();
    let files: Vec<std::path::PathBuf> = [
        "aug2012.csv",
        "sept2012.csv",
        "oct2012.csv",
        "july2012.csv",
        "june2012.csv",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    let ingest_root = store_dir.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&ingest_root).unwrap();
        chamber_watch::store::Store::new(&ingest_root).ingest(&files, None, false)
    })
    .await
    .unwrap();
    assert!(outcome.total().stored > 10_000, "{:?}", outcome.total());
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [1u8; 32],
    ));
    let app = spawn_app_with_keys(
        ServerConfig {
            data: Some(chamber_app::DataDir::new(&data)),
            ..ServerConfig::default()
        },
        Some(keys),
    )
    .await;
    app.user("analyst", Role::Analyst, PW).await;
    let mut b = app.browser();
    b.login("analyst", PW).await;
    let (status, html) = b.get("/watch?country=GEO&by=week").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"tension-chart\""), "{html}");
    assert!(html.matches("<rect x=").count() > 10, "a bar per week");
    let table = html.split("id=\"alerts\"").nth(1).expect("an alert table");
    assert!(
        table.contains("2012-09-1") || table.contains("2012-09-2"),
        "{table}"
    );
    assert!(html.contains("class=\"alert-marker\""));

    // The analyst turns the alert into a preventive case; its explanation is the first note.
    let unescape = |s: &str| {
        s.replace("&#x2f;", "/")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
    };
    let text = unescape(&html);
    let field = |name: &str| -> String {
        let re = regex_lite::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
        re.captures(&text)
            .unwrap_or_else(|| panic!("no {name} field"))[1]
            .to_string()
    };
    let (alert, title, evidence, csrf) = (
        field("alert"),
        field("title"),
        field("evidence"),
        csrf_of(&html),
    );
    assert!(alert.starts_with("watch:GEO:2012-"), "{alert}");
    let r = b
        .post(
            "/chamber/open",
            &[
                ("csrf", &csrf),
                ("alert", &alert),
                ("title", &title),
                ("evidence", &evidence),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = r.headers()[LOCATION].to_str().unwrap().to_string();
    let (status, page) = b.get(&case).await;
    assert_eq!(status, StatusCode::OK);
    let page = unescape(&page);
    assert!(page.contains("Preventive case: GEO from 2012-"), "{page}");
    assert!(page.contains("Early-warning alert"));
    assert!(
        page.contains(
            evidence
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ")
                .as_str()
        )
    );
}
