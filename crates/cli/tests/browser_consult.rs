//! The convenor's report in a real browser: a shared Pol.is conversation
//! (15-per-hour-seattle) brought into the store with `chamber consult import`, the real
//! `chamber serve`, and headless Chromium over WebDriver. An organiser opens the report: the
//! group sizes and a representative statement's agree share it shows are the numbers
//! `chamber consult analyze DIR --json` prints for the same folder; the participation chart and
//! the opinion map are drawn; the page reads in Chinese; the printable layout has its button.
//!
//! Skips with a printed reason without chromedriver (unless `CHAMBER_REQUIRE_BROWSER=1`) or
//! without the shared data (unless `CHAMBER_REQUIRE_SHARED_DATA=1`).

mod common;

use common::browser::*;
use common::{Server, chamber, run, temp_dir, text};
use fantoccini::Locator;
use std::io::Write;

const PASSWORD: &str = "listen to everyone 2026";
const CONVERSATION: &str = "data/consultations/15-per-hour-seattle";

async fn attr(client: &fantoccini::Client, css: &str, name: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no {name}"))
}

async fn count(client: &fantoccini::Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test]
async fn an_organiser_reads_the_report_of_an_imported_polis_conversation() {
    let Some(folder) = chamber_testkit::shared_dir(CONVERSATION) else {
        return;
    };
    let Some((chromedriver, chromium)) = tools() else {
        return;
    };
    let cwd = temp_dir("browser-consult");

    // What the command line says about the folder.
    let out = run(chamber(&cwd)
        .args(["consult", "analyze"])
        .arg(&folder)
        .arg("--json"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &cli["report"];
    let groups = report["groups"].as_array().unwrap();
    assert!(groups.len() >= 2, "the conversation has opinion groups");

    // The same folder into the store, an organiser, and the server.
    let out = run(chamber(&cwd)
        .args(["consult", "import", "--data", "data"])
        .arg(&folder));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let id = printed
        .split("as consultation ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .unwrap_or_else(|| panic!("no consultation id in {printed:?}"))
        .to_string();
    let mut child = chamber(&cwd)
        .args([
            "admin",
            "create-user",
            "--data",
            "data",
            "--username",
            "convenor",
        ])
        .args(["--role", "mediator", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success());
    let server = Server::start(&cwd, &["--data", "data"]);
    let base = server.base.clone();
    let (_driver, webdriver) = start_driver(&chromedriver).await;
    let client = browser(&webdriver, &chromium, &cwd.join("profile")).await;

    client.goto(&format!("{base}/login")).await.unwrap();
    type_into(&client, "#username", "convenor").await;
    type_into(&client, "#password", PASSWORD).await;
    submit(&client, "#login-submit").await;
    wait_for_path(&client, "/").await;

    client
        .goto(&format!("{base}/consult/{id}/report"))
        .await
        .unwrap();
    wait_for_text(&client, "h1", "Report: 15-per-hour-seattle").await;

    // Group sizes: the page's equal the command line's, group by group.
    assert_eq!(count(&client, "section.group").await, groups.len());
    for g in groups {
        let label = char::from(b'A' + g["id"].as_u64().unwrap() as u8);
        let size = g["size"].as_u64().unwrap();
        let css = format!("#group-{label}");
        assert_eq!(attr(&client, &css, "data-size").await, size.to_string());
        assert_eq!(
            text_of(&client, &format!("{css} .group-size")).await,
            size.to_string(),
            "group {label}"
        );
    }
    // A representative statement's agree share: the page's equals the command line's.
    for g in groups {
        let label = char::from(b'A' + g["id"].as_u64().unwrap() as u8);
        let first = &g["representative"][0];
        let number = first["statement"]["number"].as_u64().unwrap();
        let share = first["group"]["agree_share"].as_f64().unwrap();
        let cell = format!("#group-{label} tr[data-statement='{number}'] td.agree");
        assert_eq!(
            text_of(&client, &cell).await,
            format!("{}%", (share * 100.0).round() as i64),
            "group {label}, statement {number}"
        );
        let exact: f64 = attr(&client, &cell, "data-share").await.parse().unwrap();
        assert!((exact - share).abs() < 1e-12, "{exact} vs {share}");
        let body = first["statement"]["body"].as_str().unwrap();
        let shown = text_of(
            &client,
            &format!("#group-{label} tr[data-statement='{number}'] .statement-text"),
        )
        .await;
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&shown), words(body));
    }
    // Totals, participation over time and the opinion map.
    assert_eq!(
        text_of(&client, "#total-participants").await,
        report["totals"]["participants"].to_string()
    );
    let days = report["participation"]["days"].as_array().unwrap().len();
    assert_eq!(
        text_of(&client, "#participation-days").await,
        days.to_string()
    );
    assert_eq!(count(&client, "#participation-chart rect").await, days + 1);
    assert_eq!(
        count(&client, "#report-map circle").await,
        report["map"]["points"].as_array().unwrap().len() + groups.len()
    );
    let box_width = client
        .execute(
            "return document.getElementById('report-map').getBoundingClientRect().width",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(box_width > 100.0, "the map is drawn ({box_width} px)");

    // In Chinese: the labels follow the reader, the numbers stay.
    submit(&client, "a[hreflang='zh']").await;
    wait_for_text(&client, "h1", "报告").await;
    let limits = text_of(&client, "#method").await;
    assert!(limits.contains("已知局限"), "{limits}");
    let g0 = &groups[0];
    let label = char::from(b'A' + g0["id"].as_u64().unwrap() as u8);
    assert_eq!(
        text_of(&client, &format!("#group-{label} .group-size")).await,
        g0["size"].as_u64().unwrap().to_string()
    );
    let h3 = text_of(&client, &format!("#group-{label} h3")).await;
    assert!(h3.contains(&format!("群体 {label}")), "{h3}");

    // The printable layout: its button, no forms, the exports left off.
    client
        .goto(&format!("{base}/consult/{id}/report/print"))
        .await
        .unwrap();
    text_of(&client, "#print-report").await;
    assert_eq!(count(&client, "#publish-form").await, 0);
    assert_eq!(count(&client, "#exports").await, 0);
}
