//! The web server end to end over real HTTP (one fresh store per test): the Watch page, its
//! exports and its API, on a UCDP GED store the test writes itself (Myanmar: months of 4 to 40
//! deaths, then 2,150 in February 2021; DR Congo steady) and on the real Georgia events.

mod common;
use common::*;
use serde_json::Value;

const GED_HEADER: &str = "id,type_of_violence,side_a,side_b,country,iso3,adm_1,latitude,longitude,date_start,date_end,best,low,high";

/// A data directory whose watch store holds the GED fixture and the model's stored forecasts
/// for Myanmar.
fn ged_data() -> std::path::PathBuf {
    use chamber_watch::series::{Month, MonthlySeries};
    let data = std::env::temp_dir().join(format!("chamber-watch-{}", chamber_store::new_id()));
    let root = chamber_app::DataDir::new(&data).watch();
    std::fs::create_dir_all(&root).unwrap();
    let mut text = format!("{GED_HEADER}\n");
    let mut id = 0;
    let mut row = |iso3: &str, name: &str, date: String, best: u64| {
        id += 1;
        text.push_str(&format!(
            "{id},1,Government of {name},Rebels,{name},{iso3},Region,16.8,96.1,{date} 00:00:00.000,{date} 00:00:00.000,{best},{best},{}\n",
            best * 2
        ));
    };
    let quiet = [4, 12, 40, 7, 22, 9, 31, 5, 18, 26, 11, 35];
    for i in 0..24 {
        let m = Month::parse("2019-01").unwrap() + i;
        row(
            "MMR",
            "Myanmar (Burma)",
            format!("{m}-15"),
            quiet[i as usize % 12],
        );
        row(
            "COD",
            "DR Congo (Zaire)",
            format!("{m}-10"),
            20 + (i as u64 * 7) % 30,
        );
    }
    for k in 0..5 {
        row(
            "MMR",
            "Myanmar (Burma)",
            format!("2021-02-{:02}", 3 + k),
            430,
        );
    }
    let file = data.join("ged.csv");
    std::fs::write(&file, text).unwrap();
    let store = chamber_watch::store::Store::new(&root);
    assert_eq!(store.ingest(&[file], None, false).total().rejected, 0);
    // The model's forecast from the store's monthly deaths, as `chamber watch forecast` stores it.
    let scope = chamber_watch::indicators::Scope::Country("MMR".into());
    let buckets = chamber_watch::indicators::series(
        &store,
        &scope,
        chamber_watch::indicators::Period::Month,
        None,
        None,
    )
    .unwrap();
    let history = MonthlySeries::from_buckets("MMR", &buckets);
    let cutoff = history.last_month().unwrap();
    let method = chamber_watch::forecast::Method::model();
    let made =
        chamber_watch::forecast::forecast_country(&history, cutoff, &method, 6, 200, "store")
            .unwrap();
    chamber_watch::forecast::archive::Archive::new(&root)
        .record(&made)
        .unwrap();
    data
}

async fn ged_app() -> TestApp {
    ged_app_at().await.0
}

/// The app on the GED fixture, and its watch store.
async fn ged_app_at() -> (TestApp, std::path::PathBuf) {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [3u8; 32],
    ));
    let data = tokio::task::spawn_blocking(ged_data).await.unwrap();
    let app = spawn_app_with_keys(
        ServerConfig {
            data: Some(chamber_app::DataDir::new(&data)),
            ..ServerConfig::default()
        },
        Some(keys),
    )
    .await;
    (app, chamber_app::DataDir::new(&data).watch())
}

/// An analyst signed in through the form, reading `lang`.
async fn analyst<'a>(app: &'a TestApp, lang: &str) -> Browser<'a> {
    if app.store.login_lookup("analyst").await.unwrap().is_none() {
        app.user("analyst", Role::Analyst, PW).await;
    }
    let mut b = app.browser();
    b.login("analyst", PW).await;
    b.cookies.insert("chamber_lang".into(), lang.into());
    b
}

async fn token(app: &TestApp, name: &str, role: Role) -> String {
    let u = app.user(name, role, PW).await;
    app.store
        .create_api_token("test", &u.id, "test")
        .await
        .unwrap()
}

async fn api(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = app
        .http
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn the_watch_page_explains_that_nothing_was_ingested_yet() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("analyst", Role::Analyst, PW).await;
    let mut b = app.browser();
    b.login("analyst", PW).await;
    let (status, html) = b.get("/watch").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No events have been ingested yet"), "{html}");
    // A named place with nothing ingested is "no data", never "no alerts".
    let (status, html) = b.get("/watch?country=GEO").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("No data for GEO"), "{html}");
}

#[tokio::test]
async fn a_country_without_data_is_not_a_country_without_alerts() {
    let app = ged_app().await;
    let mut b = analyst(&app, "en").await;
    let (status, html) = b.get("/watch?country=FRA").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("No data for FRA"), "{html}");
    assert!(!html.contains("No alerts for this selection"), "{html}");
    assert!(!html.contains("id=\"tension-chart\""));
    // DR Congo has data and no alert: that is "no alerts", with its chart.
    let (status, html) = b.get("/watch?country=COD&by=month").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No alerts for this selection"), "{html}");
    assert!(html.contains("id=\"tension-chart\""));
    // An unknown code says so, in the reader's language.
    let (status, html) = b.get("/watch?country=FRX").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unescape(&html).contains("“FRX” is not a country code Watch knows"),
        "{html}"
    );
    let mut fr = analyst(&app, "fr").await;
    let (_, html) = fr.get("/watch?country=FRA").await;
    assert!(html.contains("Aucune donnée pour FRA"), "{html}");
    // The API: 422 with the message and a stable code.
    let t = token(&app, "robot", Role::Analyst).await;
    let (status, body) = api(&app, &t, "/api/v1/watch/alerts?country=FRA").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "no-data");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("No data for FRA"),
        "{body}"
    );
    let (status, body) = api(&app, &t, "/api/v1/watch/series?country=FRX").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "unknown-country");
    let (status, body) = api(&app, &t, "/api/v1/watch/alerts?country=COD").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["alerts"], serde_json::json!([]));
}

#[tokio::test]
async fn a_reversed_range_two_scopes_and_a_bad_date_are_refused_with_the_reason() {
    let app = ged_app().await;
    let mut b = analyst(&app, "en").await;
    let (status, html) = b
        .get("/watch?country=MMR&since=2021-03-01&until=2021-01-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("The period starts on 1 March 2021, after it ends on 1 January 2021"),
        "{html}"
    );
    // The form keeps what was typed, so it can be corrected.
    assert!(html.contains("value=\"2021-03-01\""));
    let mut ru = analyst(&app, "ru").await;
    let (_, html) = ru
        .get("/watch?country=MMR&since=2021-03-01&until=2021-01-01")
        .await;
    assert!(html.contains("1 марта 2021 г."), "{html}");
    let (status, html) = b.get("/watch?country=MMR&dyad=MMR-THA").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("one at a time"), "{html}");
    let t = token(&app, "robot", Role::Mediator).await;
    for (query, code) in [
        (
            "country=MMR&since=2021-03-01&until=2021-01-01",
            "reversed-range",
        ),
        ("country=MMR&dyad=MMR-THA", "scope-conflict"),
        ("dyad=MMRTHA", "bad-dyad"),
        ("country=MMR&since=March", "bad-date"),
        ("country=MMR&by=year", "bad-period"),
    ] {
        for what in ["alerts", "series"] {
            let (status, body) = api(&app, &t, &format!("/api/v1/watch/{what}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}?{query}");
            assert_eq!(body["code"], code, "{what}?{query}: {body}");
            assert!(!body["error"].as_str().unwrap().is_empty());
        }
    }
    let (status, body) = api(&app, &t, "/api/v1/watch/series").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "no-scope");
}

#[tokio::test]
async fn the_api_gives_alerts_with_stable_ids_and_series_with_their_onsets() {
    let (app, root) = ged_app_at().await;
    let t = token(&app, "robot", Role::Analyst).await;
    let (status, body) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "MMR");
    let alerts = body["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{body}");
    let a = &alerts[0];
    let id = a["id"].as_str().unwrap().to_string();
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert_eq!(a["date"], "2021-02-01");
    assert!(a["severity_bits"].as_f64().unwrap() > 40.0);
    let detectors: Vec<&str> = a["detectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(detectors.contains(&"nb_tail") && detectors.contains(&"bocpd_counts"));
    let e = &a["evidence"][0];
    for field in [
        "detector",
        "indicator",
        "period",
        "fired",
        "observed",
        "expected",
        "statistic",
        "value",
        "threshold",
    ] {
        assert!(!e[field].is_null(), "evidence lacks {field}: {e}");
    }
    // The same alert keeps its id: asked again, and asked among every scope's.
    let (_, again) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    assert_eq!(again["alerts"][0]["id"], id.as_str());
    let (_, all) = api(&app, &t, "/api/v1/watch/alerts").await;
    assert!(all["scope"].is_null());
    assert!(
        all["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str()),
        "{all}"
    );
    // The series: points with gaps filled, the value charted, ticks, the onset linked by id.
    let (status, s) = api(&app, &t, "/api/v1/watch/series?country=MMR&by=month").await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["scope"], "MMR");
    assert_eq!(s["period"], "month");
    assert_eq!(s["value"], "deaths");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 26);
    assert_eq!(points[25]["start"], "2021-02-01");
    assert_eq!(points[25]["deaths"], 2150);
    assert_eq!(points[25]["deaths_high"], 4300);
    assert_eq!(points[24]["deaths"], 0, "January 2021 had no event: 0");
    assert!(s["month_ticks"].as_array().unwrap().len() >= 9);
    assert_eq!(s["value_ticks"].as_array().unwrap().last().unwrap(), 2500.0);
    assert_eq!(s["alerts"][0]["alert_id"], id.as_str());
    assert_eq!(s["alerts"][0]["index"], 25);
    // The query's dates cut the series; the page's and the API's parameters are the same.
    let (_, cut) = api(
        &app,
        &t,
        "/api/v1/watch/series?country=MMR&by=day&since=2021-02-01&until=2021-02-28",
    )
    .await;
    assert_eq!(cut["points"].as_array().unwrap().len(), 5);

    // Later months arrive: the answers follow the store (nothing stale is served), and the
    // alert keeps its id and onset while March's 1,900 deaths continue its episode.
    let later = root.parent().unwrap().join("ged-later.csv");
    let mut text = format!("{GED_HEADER}\n");
    for (k, (day, best)) in [("2021-03-10", 1900), ("2021-04-10", 60)]
        .iter()
        .enumerate()
    {
        text.push_str(&format!(
            "{},1,Government of Myanmar (Burma),Rebels,Myanmar (Burma),MMR,Region,16.8,96.1,{day} 00:00:00.000,{day} 00:00:00.000,{best},{best},{best}\n",
            1000 + k
        ));
    }
    std::fs::write(&later, text).unwrap();
    let store = chamber_watch::store::Store::new(&root);
    assert_eq!(store.ingest(&[later], None, false).total().stored, 2);
    let (_, more) = api(&app, &t, "/api/v1/watch/series?country=MMR&by=month").await;
    assert_eq!(more["points"].as_array().unwrap().len(), 28);
    let (_, again) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    assert_eq!(again["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(again["alerts"][0]["id"], id.as_str());
    assert_eq!(again["alerts"][0]["end"], "2021-03-31");

    // Who may: analysts, mediators, administrators; not observers or delegates; not anonymous.
    for (name, role) in [("obs", Role::Observer), ("dele", Role::Delegate)] {
        let other = token(&app, name, role).await;
        let (status, body) = api(&app, &other, "/api/v1/watch/alerts").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        let (status, _) = api(&app, &other, "/api/v1/watch/series?country=MMR").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let admin = token(&app, "root", Role::Admin).await;
    assert_eq!(
        api(&app, &admin, "/api/v1/watch/alerts").await.0,
        StatusCode::OK
    );
    let r = app
        .http
        .get(format!("{}/api/v1/watch/alerts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The operations are in the OpenAPI description.
    let spec: Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in ["/api/v1/watch/alerts", "/api/v1/watch/series"] {
        assert!(
            spec["paths"][path]["get"].is_object(),
            "{path} not in OpenAPI"
        );
    }
}

/// A CSV line's fields (the exports quote only what needs quoting).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[tokio::test]
async fn the_csv_and_json_downloads_read_back_to_the_same_numbers() {
    let app = ged_app().await;
    let t = token(&app, "robot", Role::Analyst).await;
    let (_, series) = api(&app, &t, "/api/v1/watch/series?country=MMR&by=month").await;
    let (_, alerts) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    let mut b = analyst(&app, "en").await;
    let (status, html) = b.get("/watch?country=MMR&by=month").await;
    assert_eq!(status, StatusCode::OK);
    // The page links its downloads with the page's own query.
    let html = unescape(&html);
    for link in [
        "/watch/series.csv?country=MMR&by=month",
        "/watch/series.json?country=MMR&by=month",
        "/watch/alerts.csv?country=MMR&by=month",
        "/watch/alerts.json?country=MMR&by=month",
    ] {
        assert!(html.contains(link), "no link {link}");
    }
    let download = |path: &'static str| {
        let cookie = b.cookie_header();
        let http = app.http.clone();
        let url = format!("{}{path}", app.base);
        async move {
            let r = http.get(url).header(COOKIE, cookie).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            let disposition = r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_string();
            (kind, disposition, r.text().await.unwrap())
        }
    };
    let (kind, disposition, csv) = download("/watch/series.csv?country=MMR&by=month").await;
    assert!(kind.starts_with("text/csv"));
    assert!(
        disposition.contains("watch-series-MMR.csv"),
        "{disposition}"
    );
    let mut lines = csv.lines();
    let header = fields(lines.next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<Vec<String>> = lines.map(fields).collect();
    let points = series["points"].as_array().unwrap();
    assert_eq!(rows.len(), points.len());
    for (row, p) in rows.iter().zip(points) {
        assert_eq!(row[col("scope")], "MMR");
        assert_eq!(row[col("period_start")], p["start"].as_str().unwrap());
        for name in [
            "events",
            "material_conflict",
            "deaths",
            "deaths_low",
            "deaths_high",
        ] {
            assert_eq!(
                row[col(name)].parse::<u64>().unwrap(),
                p[name].as_u64().unwrap(),
                "{name} of {}",
                p["start"]
            );
        }
        assert_eq!(
            row[col("material_conflict_share")].parse::<f64>().unwrap(),
            p["material_conflict_share"].as_f64().unwrap()
        );
    }
    let (kind, _, csv) = download("/watch/alerts.csv?country=MMR&by=month").await;
    assert!(kind.starts_with("text/csv"));
    let mut lines = csv.lines();
    let header = fields(lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines.map(fields).collect();
    assert_eq!(rows.len(), 1);
    let a = &alerts["alerts"][0];
    let at = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(at("id"), a["id"].as_str().unwrap());
    assert_eq!(at("onset"), "2021-02-01");
    assert_eq!(
        at("severity_bits").parse::<f64>().unwrap(),
        a["severity_bits"].as_f64().unwrap()
    );
    let (kind, disposition, json) = download("/watch/alerts.json?country=MMR&by=month").await;
    assert!(kind.starts_with("application/json"));
    assert!(disposition.contains("watch-alerts-MMR.json"));
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), alerts);
    let (_, _, json) = download("/watch/series.json?country=MMR&by=month").await;
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), series);
    // A download that cannot be made says why.
    let (status, html) = b.get("/watch/series.csv?country=FRA").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("No data for FRA"));
}

#[tokio::test]
async fn the_page_charts_deaths_with_axes_linked_onsets_a_fan_and_evidence_in_each_language() {
    let app = ged_app().await;
    let t = token(&app, "robot", Role::Analyst).await;
    let (_, alerts) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    let id = alerts["alerts"][0]["id"].as_str().unwrap().to_string();
    let explanation = alerts["alerts"][0]["explanation"]
        .as_str()
        .unwrap()
        .to_string();
    let mut b = analyst(&app, "en").await;
    let (status, html) = b.get("/watch?country=MMR&by=month").await;
    assert_eq!(status, StatusCode::OK);
    let chart = html
        .split("id=\"tension-chart\"")
        .nth(1)
        .expect("a chart")
        .split("</svg>")
        .next()
        .unwrap();
    let scales =
        regex_lite::Regex::new(r#"viewBox="0 0 800(\.0)? 300(\.0)?" width="100%""#).unwrap();
    assert!(
        scales.is_match(&html),
        "the chart scales to the page's width"
    );
    // Values on the value axis, months and years on the time axis.
    assert!(
        chart.contains(">2500</text>") && chart.contains(">1000</text>"),
        "{chart}"
    );
    assert!(chart.contains(">Feb</text>") || chart.contains(">Jan</text>"));
    assert!(chart.contains(">2019</text>") && chart.contains(">2021</text>"));
    // The onset is labelled and linked to its row.
    assert!(chart.contains(&format!("href=\"#alert-{id}\"")), "{chart}");
    assert!(chart.contains("class=\"alert-marker\""));
    assert!(chart.contains("Alert 1: 1 February 2021"), "{chart}");
    assert!(html.contains(&format!("<tr id=\"alert-{id}\"")));
    // One row per episode: its dates, severity, agreeing detectors by name, evidence from data.
    let table = html.split("id=\"alerts\"").nth(1).expect("the alert list");
    assert_eq!(table.matches("<tr id=\"alert-").count(), 1);
    assert!(table.contains("<time datetime=\"2021-02-01\">1 February 2021</time>"));
    assert!(
        table.contains("Negative-binomial tail")
            && table.contains("Bayesian change point on counts")
    );
    assert!(table.contains("2150 deaths in February 2021"), "{table}");
    assert!(table.contains(" bits"));
    // The domain's English explanation is not on the page: the evidence is rendered here.
    assert!(!html.contains(&explanation[..30]), "{explanation}");
    // The forecast fan and its table.
    assert!(html.contains("id=\"forecast-fan\""));
    assert!(html.contains("class=\"band90\"") && html.contains("class=\"band50\""));
    assert!(html.contains("March 2021"), "the first forecast month");

    // 中文: dates, months, detectors and evidence from the catalogue; no English words.
    let mut zh = analyst(&app, "zh").await;
    let (_, html) = zh.get("/watch?country=MMR&by=month").await;
    assert!(html.contains("2021年2月1日"), "a Chinese date");
    assert!(html.contains(">1月</text>"), "a Chinese month tick");
    assert!(html.contains("负二项尾部"));
    assert!(
        html.contains("2021年2月死亡 2150 人"),
        "evidence in Chinese"
    );
    for english in [
        "deaths",
        "Negative-binomial",
        "Alert 1",
        "February",
        "Severity",
        "bits (",
        "Download",
    ] {
        assert!(
            !html.contains(english),
            "English {english:?} on the Chinese page"
        );
    }
    // العربية: right to left, the charts drawn left to right, data text with its own direction.
    let mut ar = analyst(&app, "ar").await;
    let (_, html) = ar.get("/watch?country=MMR&by=month").await;
    assert!(html.contains("dir=\"rtl\""));
    assert_eq!(html.matches("direction=\"ltr\"").count(), 2);
    assert!(html.contains("فبراير"));
    assert!(
        html.contains("<span dir=\"auto\">Government of Myanmar (Burma)"),
        "actors keep their direction"
    );
    assert!(html.contains("href=\"/watch/watch.css\""));
    let css = app
        .http
        .get(format!("{}/watch/watch.css", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn an_alert_with_a_case_is_marked_and_links_to_it() {
    let app = ged_app().await;
    let mut b = analyst(&app, "fr").await;
    let (_, html) = b.get("/watch?country=MMR&by=month").await;
    let text = unescape(&html);
    let action = regex_lite::Regex::new(r#"action="(/watch/alerts/([0-9a-f]{16})/case)""#)
        .unwrap()
        .captures(&text)
        .expect("a case form on the alert");
    let (action, alert) = (action[1].to_string(), action[2].to_string());
    let title = regex_lite::Regex::new(r#"name="title" value="([^"]*)""#)
        .unwrap()
        .captures(&text)
        .unwrap()[1]
        .to_string();
    // The case is titled and its evidence written in the analyst's language.
    assert!(
        title.starts_with("Dossier de diplomatie préventive : MMR"),
        "{title}"
    );
    let csrf = csrf_of(&html);
    let r = b
        .post(
            &action,
            &[
                ("csrf", csrf.as_str()),
                ("title", title.as_str()),
                ("evidence", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = r.headers()[LOCATION].to_str().unwrap().to_string();
    let (_, html) = b.get("/watch?country=MMR&by=month").await;
    assert!(html.contains("Voir le dossier ouvert à partir de cette alerte"));
    assert!(unescape(&html).contains(&format!("href=\"{case}\"")));
    assert!(!unescape(&html).contains(&action));
    let t = token(&app, "robot", Role::Analyst).await;
    let (_, body) = api(&app, &t, "/api/v1/watch/alerts?country=MMR").await;
    assert_eq!(body["alerts"][0]["id"], alert.as_str());
    // Another analyst may not know of the case (it waits for a mediator): no link for them.
    assert!(body["alerts"][0]["case"].is_null(), "{body}");
    let (_, mine) = b.get("/api/v1/watch/alerts?country=MMR").await;
    let mine: Value = serde_json::from_str(&mine).unwrap();
    assert_eq!(
        format!("/chamber/{}", mine["alerts"][0]["case"].as_str().unwrap()),
        case
    );
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
    assert!(
        html.contains("class=\"share-tick\""),
        "news-coded: the share's own axis"
    );
    let table = html.split("id=\"alerts\"").nth(1).expect("an alert table");
    assert!(
        table.contains("datetime=\"2012-09-1") || table.contains("datetime=\"2012-09-2"),
        "{table}"
    );
    assert!(table.contains(" September 2012"), "{table}");
    assert!(html.contains("class=\"alert-marker\""));

    // Every alert is the API's, with the same stable id, and every onset on the chart links to
    // a row of the list.
    let (status, api) = b.get("/api/v1/watch/alerts?country=GEO").await;
    assert_eq!(status, StatusCode::OK);
    let api: Value = serde_json::from_str(&api).unwrap();
    let ids: Vec<&str> = api["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(html.contains(&format!("<tr id=\"alert-{id}\"")), "{id}");
    }
    let re = regex_lite::Regex::new(r##"href="#alert-([0-9a-f]{16})""##).unwrap();
    let linked: Vec<&str> = re
        .captures_iter(&html)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(!linked.is_empty());
    assert!(linked.iter().all(|l| ids.contains(l)), "{linked:?} {ids:?}");

    // The analyst turns the alert into a preventive case: the form posts to the alert's own
    // address, and the evidence, rendered in the analyst's language, goes with it.
    let text = unescape(&html);
    let field = |name: &str| -> String {
        let re = regex_lite::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
        re.captures(&text)
            .unwrap_or_else(|| panic!("no {name} field"))[1]
            .to_string()
    };
    let action = regex_lite::Regex::new(r#"action="(/watch/alerts/([0-9a-f]{16})/case)""#)
        .unwrap()
        .captures(&text)
        .expect("a case form on the alert");
    let (action, alert) = (action[1].to_string(), action[2].to_string());
    assert!(ids.contains(&alert.as_str()), "{alert}");
    let (title, evidence, csrf) = (field("title"), field("evidence"), csrf_of(&html));
    assert!(title.starts_with("Preventive case: GEO from "), "{title}");
    assert!(evidence.contains("Severity: "), "{evidence}");
    let form = [
        ("csrf", csrf.as_str()),
        ("title", title.as_str()),
        ("evidence", evidence.as_str()),
    ];
    let r = b.post(&action, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = r.headers()[LOCATION].to_str().unwrap().to_string();
    let (status, page) = b.get(&case).await;
    assert_eq!(status, StatusCode::OK);
    let page = unescape(&page);
    assert!(page.contains(&title), "{page}");
    assert!(page.contains("Early-warning alert"));
    let start: String = evidence
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(page.contains(&start), "{page}");
    // Watch now marks the alert with its case, on the page and over the API; the same alert
    // again is the same case.
    let (_, html) = b.get("/watch?country=GEO&by=week").await;
    let html = unescape(&html);
    let row = html
        .split(&format!("<tr id=\"alert-{alert}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains(&format!("href=\"{case}\"")), "{row}");
    assert!(row.contains("See the case opened from this alert"));
    assert!(!row.contains(&action), "no second case form on this alert");
    let (_, api) = b.get("/api/v1/watch/alerts?country=GEO").await;
    let api: Value = serde_json::from_str(&api).unwrap();
    let marked = api["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == alert.as_str())
        .unwrap();
    assert_eq!(
        format!("/chamber/{}", marked["case"].as_str().unwrap()),
        case
    );
    let r = b.post(&action, &form).await;
    assert_eq!(r.headers()[LOCATION].to_str().unwrap(), case);
}
