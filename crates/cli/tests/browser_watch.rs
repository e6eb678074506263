//! The Watch page in a real browser: headless Chromium over WebDriver against the real
//! `chamber serve`, on UCDP GED events the test writes (Myanmar: months of 4 to 40 deaths, then
//! 2,150 in February 2021) and a stored forecast. An analyst reads it in Arabic and English at
//! 1280 and 390 CSS pixels: nothing scrolls sideways, the charts fit the page, an alert's onset
//! on the chart leads to its row, and the downloads are there.
//!
//! Without chromedriver the test skips with a printed reason, unless `CHAMBER_REQUIRE_BROWSER=1`.

mod common;

use common::browser::*;
use common::{Server, chamber, run, temp_dir, text};
use fantoccini::Locator;
use std::io::Write;

const PASSWORD: &str = "early warning 2026";

fn ged_fixture(path: &std::path::Path) {
    let mut out = String::from(
        "id,type_of_violence,side_a,side_b,country,iso3,adm_1,latitude,longitude,date_start,date_end,best,low,high\n",
    );
    let quiet = [4, 12, 40, 7, 22, 9, 31, 5, 18, 26, 11, 35];
    let mut id = 0;
    for i in 0..24 {
        let (y, m) = (2019 + i / 12, i % 12 + 1);
        id += 1;
        let best = quiet[i as usize % 12];
        out.push_str(&format!(
            "{id},1,Government of Myanmar (Burma),Arakan Army,Myanmar (Burma),MMR,Rakhine State,20.1,92.9,{y}-{m:02}-15 00:00:00.000,{y}-{m:02}-15 00:00:00.000,{best},{best},{}\n",
            best * 2
        ));
    }
    for k in 0..5 {
        id += 1;
        out.push_str(&format!(
            "{id},1,Government of Myanmar (Burma),PDF,Myanmar (Burma),MMR,Sagaing,22.0,95.1,2021-02-{:02} 00:00:00.000,2021-02-{:02} 00:00:00.000,430,400,900\n",
            3 + k,
            3 + k
        ));
    }
    std::fs::write(path, out).unwrap();
}

async fn width(client: &fantoccini::Client, script: &str) -> f64 {
    client
        .execute(script, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap_or(f64::NAN)
}

#[tokio::test]
async fn an_analyst_reads_the_watch_page_in_arabic_and_english_on_a_wide_and_a_narrow_screen() {
    let Some((chromedriver, chromium)) = tools() else {
        return;
    };
    let cwd = temp_dir("browser-watch");
    let data = cwd.join("data");
    ged_fixture(&cwd.join("ged.csv"));
    let out = run(chamber(&cwd)
        .env("CHAMBER_DATA", &data)
        .args(["watch", "ingest", "ged.csv"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(chamber(&cwd).env("CHAMBER_DATA", &data).args([
        "watch",
        "forecast",
        "--country",
        "MMR",
        "--samples",
        "200",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut child = chamber(&cwd)
        .args([
            "admin",
            "create-user",
            "--data",
            "data",
            "--username",
            "duty",
        ])
        .args(["--role", "analyst", "--password-stdin"])
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
    type_into(&client, "#username", "duty").await;
    type_into(&client, "#password", PASSWORD).await;
    submit(&client, "#login-submit").await;
    wait_for_path(&client, "/").await;

    for lang in ["ar", "en"] {
        client
            .goto(&format!(
                "{base}/lang/{lang}?next=%2Fwatch%3Fcountry%3DMMR%26by%3Dmonth"
            ))
            .await
            .unwrap();
        wait_for_path(&client, "/watch?country=MMR&by=month").await;
        let dir = client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("dir")
            .await
            .unwrap();
        assert_eq!(
            dir.as_deref(),
            Some(if lang == "ar" { "rtl" } else { "ltr" })
        );
        for (w, h) in [(1280u32, 900u32), (390, 844)] {
            client.set_window_size(w, h).await.unwrap();
            client.refresh().await.unwrap();
            text_of(&client, "#alerts").await;
            let inner = width(&client, "return window.innerWidth").await;
            assert!(
                (inner - w as f64).abs() < 40.0,
                "the window is {inner} px wide, wanted about {w}"
            );
            let (scroll, worst) = overflow(&client).await;
            assert!(
                scroll <= 0,
                "{lang} at {w} px scrolls sideways by {scroll} px (widest: {worst})"
            );
            // The charts fill the page's width and no more.
            let page = width(&client, "return document.querySelector('main').clientWidth").await;
            for id in ["tension-chart", "forecast-fan"] {
                let chart = width(
                    &client,
                    &format!(
                        "return document.getElementById('{id}').getBoundingClientRect().width"
                    ),
                )
                .await;
                assert!(
                    chart > 0.5 * page && chart <= page,
                    "{lang} at {w} px: #{id} is {chart} px in a page of {page} px"
                );
            }
        }
    }

    // The onset on the chart leads to its alert's row.
    let mark = client
        .find(Locator::Css("#tension-chart a.alert-mark"))
        .await
        .unwrap();
    let href = mark.attr("href").await.unwrap().unwrap();
    let id = href.trim_start_matches("#alert-").to_string();
    assert_eq!(id.len(), 16, "{href}");
    client
        .execute(
            "document.querySelector('#tension-chart a.alert-mark').dispatchEvent(new MouseEvent('click', {bubbles: true}))",
            vec![],
        )
        .await
        .unwrap();
    let target = client
        .execute(
            "const t = document.querySelector(':target'); return t ? t.id : ''",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(target.as_str(), Some(format!("alert-{id}").as_str()));
    let row = text_of(&client, &format!("#alert-{id}")).await;
    assert!(row.contains("2150"), "{row}");
    assert!(row.contains("Negative-binomial tail"), "{row}");
    for link in [
        "#export-series-csv",
        "#export-alerts-csv",
        "#export-alerts-json",
    ] {
        let href = client
            .find(Locator::Css(link))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        assert!(href.contains("country=MMR"), "{link}: {href}");
    }
    client.close().await.unwrap();
}
