//! The web server end to end over real HTTP (one fresh store per test): consultations: statements, votes, moderation, the opinion map.

mod common;
use common::*;

/// The consultation id from a `/consult/{id}` redirect.
fn consultation_id(location: &str) -> String {
    location.trim_start_matches("/consult/").to_string()
}

#[tokio::test]
async fn a_consultation_runs_from_statements_to_an_opinion_map() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("organiser", Role::Mediator, PW).await;
    app.user("delegate", Role::Delegate, PW).await;
    let mut org = app.browser();
    org.login("organiser", PW).await;
    let csrf = org.csrf().await;
    let r = org
        .post(
            "/consult",
            &[
                ("csrf", &csrf),
                ("title", "Group of Friends: priorities"),
                ("description", "What first?"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = consultation_id(r.headers()[LOCATION].to_str().unwrap());
    let statements = [
        "A ceasefire must come before any talks",
        "Humanitarian corridors must open this month",
        "Talks should be held on neutral ground",
        "Sanctions should be lifted first",
    ];
    for s in statements {
        let r = org
            .post(
                &format!("/consult/{id}/statements"),
                &[("csrf", &csrf), ("body", s)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    // A delegate may take part but not open consultations.
    let mut delegate = app.browser();
    delegate.login("delegate", PW).await;
    let dcsrf = delegate.csrf().await;
    let r = delegate
        .post("/consult", &[("csrf", &dcsrf), ("title", "mine")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // An anonymous participant joins through the link and votes one statement at a time.
    let c = app.store.consultation(&id).await.unwrap().unwrap();
    let mut anon = app.browser();
    let (status, _) = anon.get(&format!("/c/{}", c.join_token)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = anon.get(&format!("/consult/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(statements[0]), "{html}");
    let acsrf = csrf_of(&html);
    let r = anon
        .post(
            &format!("/consult/{id}/vote"),
            &[("statement", "0"), ("vote", "agree")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a vote without its CSRF token is refused"
    );
    let r = anon
        .post(
            &format!("/consult/{id}/vote"),
            &[("csrf", &acsrf), ("statement", "0"), ("vote", "agree")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = anon.get(&format!("/consult/{id}")).await;
    assert!(html.contains(statements[1]) && !html.contains(statements[0]));
    // A participant's statement waits for moderation, then is shown.
    let r = anon
        .post(
            &format!("/consult/{id}/statements"),
            &[
                ("csrf", &acsrf),
                ("body", "<b>Women must be at the table</b>"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("once a moderator accepts it")
    );
    let (_, org_page) = org.get(&format!("/consult/{id}")).await;
    assert!(
        org_page.contains("&lt;b&gt;Women must be at the table"),
        "escaped in the queue"
    );
    let r = org
        .post(
            &format!("/consult/{id}/moderate"),
            &[("csrf", &csrf), ("statement", "4"), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Forty voters in two camps through the JSON API (no cookies, a participant secret).
    for i in 0..40 {
        let joined: serde_json::Value = app
            .http
            .post(format!("{}/api/v1/consult/join", app.base))
            .json(&serde_json::json!({"token": c.join_token}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secret = joined["secret"].as_str().unwrap().to_string();
        let camp = i % 2 == 0;
        for (statement, agree) in [(0, camp), (1, true), (2, true), (3, !camp), (4, i % 3 != 0)] {
            let vote = if agree { "agree" } else { "disagree" };
            let r = app
                .http
                .post(format!("{}/api/v1/consult/{id}/votes", app.base))
                .header("X-Chamber-Participant", &secret)
                .json(&serde_json::json!({"statement": statement, "vote": vote}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
        }
    }
    let r = app
        .http
        .post(format!("{}/api/v1/consult/{id}/votes", app.base))
        .json(&serde_json::json!({"statement": 0, "vote": "agree"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "no participant, no vote"
    );
    let (status, map) = org.get(&format!("/consult/{id}/map")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(map.contains("id=\"opinion-map\""), "{map}");
    assert!(
        map.matches("<circle cx=").count() >= 40,
        "a dot per participant"
    );
    assert!(
        map.contains("Group A") && map.contains("Group B"),
        "two camps found: {map}"
    );
    assert!(map.contains("http-equiv=\"refresh\""));
    // The bridging statements lead the consensus list.
    let consensus = map.split("id=\"consensus\"").nth(1).unwrap();
    let first = consensus.split("<li>").nth(1).unwrap();
    assert!(
        first.starts_with(statements[1]) || first.starts_with(statements[2]),
        "{first}"
    );
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

/// A Pol.is export folder the project writes itself: 64 participants in two camps voting over
/// four days (re-votes included, times to the millisecond), 8 statements (one moderated out),
/// statement 0 written in English with French and Arabic translations.
fn write_fixture(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let bodies = [
        "A ceasefire must come before any talks",
        "Humanitarian corridors must open this month",
        "Talks should be held on neutral ground",
        "Sanctions should be lifted first",
        "Women must be at the table, \"from the start\"",
        "Displaced people must be able to return",
        "The monitors should report publicly",
        "An off-topic remark",
    ];
    let mut comments = String::from(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n",
    );
    for (i, b) in bodies.iter().enumerate() {
        let moderated = if i == 7 { -1 } else { 1 };
        comments += &format!(
            "1567324800000,x,{i},0,0,0,{moderated},\"{}\"\n",
            b.replace('"', "\"\"")
        );
    }
    std::fs::write(dir.join("comments.csv"), comments).unwrap();
    let day = 86_400_000i64;
    let start = 1_567_324_800_123i64; // 2019-09-01T08:00:00.123Z
    let mut votes = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as i64
    };
    for p in 0..64i64 {
        let camp = p % 2 == 0;
        let joined = start + (p % 4) * day + next() % 3_600_000;
        for s in 0..8i64 {
            if p % 5 == 0 && s >= 5 {
                continue; // some participants see few statements
            }
            let agree = match s {
                0 | 3 => camp,
                1 | 2 => true,
                4 => !camp,
                _ => next() % 3 != 0,
            };
            let at = joined + s * 60_000 + next() % 1000;
            let v = if next() % 11 == 0 {
                0
            } else if agree {
                1
            } else {
                -1
            };
            votes += &format!("{at},x,{s},{p},{v}\n");
            if p % 7 == 0 && s == 2 {
                // A re-vote the next day: the latest counts, both are activity.
                votes += &format!("{},x,{s},{p},{}\n", at + day, -v);
            }
        }
    }
    std::fs::write(dir.join("votes.csv"), votes).unwrap();
    std::fs::write(
        dir.join("comment-translations.csv"),
        "comment-id,lang,kind,text\n0,en,original,\n0,fr,translation,Un cessez-le-feu doit précéder toute négociation\n0,ar,translation,يجب أن يسبق وقف إطلاق النار أي محادثات\n",
    )
    .unwrap();
}

/// Where two JSON values first differ (a path and both sides), or `None` when equal.
fn difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => difference(p, q, &format!("{path}.{k}")),
                (p, q) => Some(format!("{path}.{k}: {p:?} vs {q:?}")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

/// A CSV file's rows as fields (quoted fields with commas and doubled quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn the_report_shows_what_chamber_consult_analyze_prints_for_the_same_conversation() {
    let app = spawn_app(ServerConfig::default()).await;
    let organiser = app.user("organiser", Role::Mediator, PW).await;
    app.user("delegate", Role::Delegate, PW).await;
    let dir = app.dir.join("fixture");
    write_fixture(&dir);
    let imported = chamber_app::consult::import_folder(&app.store, "test", &dir, Some("Fixture"))
        .await
        .unwrap();
    assert_eq!(imported.translations, 2);
    assert!(
        imported.vote_events > imported.votes,
        "re-votes are history"
    );
    let id = imported.consultation;
    // What the command line computes on the folder: `analyze --json`'s `report`.
    let (_, analysis, expected) =
        chamber_consult::cli::analyze_dir(&dir, &chamber_consult::Options::default()).unwrap();
    assert_eq!(analysis.k, 2, "two camps");
    assert_eq!(
        expected.participation.days.len(),
        5,
        "four days and a re-vote day"
    );
    let expected_json = serde_json::to_value(&expected).unwrap();

    // Organisers read the report at once; the JSON is the command line's, number for number.
    let token = app
        .store
        .create_api_token("test", &organiser.id, "report")
        .await
        .unwrap();
    let r = app
        .http
        .get(format!("{}/api/v1/consult/{id}/report", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Compared as text: both are serde_json's writing of the same numbers (parsing floats
    // back is not exact without serde_json's float_roundtrip).
    let served = r.text().await.unwrap();
    if served != serde_json::to_string(&expected).unwrap() {
        let parsed: serde_json::Value = serde_json::from_str(&served).unwrap();
        panic!("{:?}", difference(&parsed, &expected_json, "report"));
    }

    let mut org = app.browser();
    org.login("organiser", PW).await;
    let (status, html) = org.get(&format!("/consult/{id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    let sizes = regex_lite::Regex::new(r#"data-group="(\d+)" data-size="(\d+)""#).unwrap();
    let shown: Vec<(usize, usize)> = sizes
        .captures_iter(&html)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect();
    let want: Vec<(usize, usize)> = expected.groups.iter().map(|g| (g.id, g.size)).collect();
    assert_eq!(shown, want);
    let first = &expected.groups[0].representative[0];
    let row = html
        .split(&format!(
            "class=\"representative\" data-statement=\"{}\"",
            first.statement.number
        ))
        .nth(1)
        .expect("the group's first representative statement is listed");
    assert!(
        row.contains(&format!(
            "data-share=\"{}\">{}%",
            first.group.agree_share,
            (first.group.agree_share * 100.0).round() as i64
        )),
        "{row}"
    );
    assert!(html.contains("id=\"participation-chart\"") && html.contains("id=\"report-map\""));
    assert_eq!(
        html.matches("<circle cx=").count(),
        expected.map.points.len() + expected.groups.len() + expected.groups.len(),
        "a dot per participant, a centre and a legend dot per group"
    );
    for section in ["consensus", "majority", "divisive", "needing", "method"] {
        assert!(html.contains(&format!("id=\"{section}\"")), "{section}");
    }
    assert!(
        html.contains("Known limits") && html.contains("Participants who voted on fewer than 7")
    );
    assert!(html.contains("id=\"report-publish\""), "not yet published");

    // Every CSV table is the command line's, and parses back to the report's numbers.
    for (name, text) in chamber_consult::report::csv_files(&expected) {
        let table = name.trim_end_matches(".csv");
        let r = app
            .http
            .get(format!(
                "{}/consult/{id}/report.csv?table={table}",
                app.base
            ))
            .header(COOKIE, org.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{table}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let served = r.text().await.unwrap();
        assert_eq!(served, text, "{table}");
    }
    let (_, groups_csv) = org.get(&format!("/consult/{id}/report.csv")).await;
    let rows = parse_csv(&groups_csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let n_reps: usize = expected.groups.iter().map(|g| g.representative.len()).sum();
    assert_eq!(rows.len(), 1 + n_reps);
    let mut row = 1;
    for g in &expected.groups {
        for rep in &g.representative {
            let r = &rows[row];
            assert_eq!(r[col("group")].parse::<usize>().unwrap(), g.id);
            assert_eq!(r[col("size")].parse::<usize>().unwrap(), g.size);
            assert_eq!(
                r[col("statement")].parse::<u64>().unwrap(),
                rep.statement.number
            );
            assert_eq!(
                r[col("agree_share")].parse::<f64>().unwrap(),
                rep.group.agree_share
            );
            assert_eq!(r[col("statement_text")], rep.statement.body);
            row += 1;
        }
    }
    let (status, _) = org
        .get(&format!("/consult/{id}/report.csv?table=nope"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Participation over time comes from the store's vote history: the same days.
    let participation: Vec<_> = expected
        .participation
        .days
        .iter()
        .map(|d| (d.date.as_str(), d.votes, d.participants_to_date))
        .collect();
    assert_eq!(participation[0].0, "2019-09-01");
    assert_eq!(participation.last().unwrap().2, 64);

    // The printable layout and its assets.
    let (status, print) = org.get(&format!("/consult/{id}/report/print")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(print.contains("id=\"print-report\"") && print.contains("/consult/report.js"));
    assert!(!print.contains("id=\"publish-form\""), "no forms on paper");
    let css = app
        .http
        .get(format!("{}/consult/report.css", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().await.unwrap().contains("@media print"));

    // In Arabic: labels from the catalogue, statement 0 in its Arabic translation beside the
    // English original, each statement's direction left to the browser.
    org.cookies.insert("chamber_lang".into(), "ar".into());
    let (_, ar) = org.get(&format!("/consult/{id}/report")).await;
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        ar.contains("الحدود المعروفة"),
        "method limits heading in Arabic"
    );
    assert!(ar.contains(
        "<span class=\"statement-text\" dir=\"auto\" lang=\"ar\">يجب أن يسبق وقف إطلاق النار أي محادثات</span>"
    ));
    assert!(
        ar.contains("الأصل: <span dir=\"auto\" lang=\"en\">A ceasefire must come before any talks"),
        "the original beside it, labelled in Arabic"
    );
    org.cookies.remove("chamber_lang");

    // Participants read it once it is published; anyone else signs in first.
    let mut delegate = app.browser();
    delegate.login("delegate", PW).await;
    let (status, _) = delegate.get(&format!("/consult/{id}/report")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = app
        .http
        .get(format!("{}/api/v1/consult/{id}/report", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.browser().get(&format!("/consult/{id}/report")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "to sign in");
    let dcsrf = delegate.csrf().await;
    let r = delegate
        .post(
            &format!("/consult/{id}/report/publish"),
            &[("csrf", &dcsrf), ("publish", "true")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "participants do not publish"
    );
    let csrf = org.csrf().await;
    let r = org
        .post(
            &format!("/consult/{id}/report/publish"),
            &[("csrf", &csrf), ("publish", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = delegate.get(&format!("/consult/{id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"publish-form\""));
    let (_, org_page) = org.get(&format!("/consult/{id}/report")).await;
    assert!(org_page.contains("id=\"report-withdraw\""));
    let r = app
        .http
        .post(format!("{}/api/v1/consult/{id}/report/publish", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"publish": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = delegate.get(&format!("/consult/{id}/report")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "withdrawn");
    let (status, _) = org.get("/consult/nope/report").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_statement_translated_into_six_languages_is_one_statement_in_the_analysis() {
    let app = spawn_app(ServerConfig::default()).await;
    let organiser = app.user("organiser", Role::Mediator, PW).await;
    let delegate = app.user("delegate", Role::Delegate, PW).await;
    let token = app
        .store
        .create_api_token("test", &organiser.id, "secretariat")
        .await
        .unwrap();
    let delegate_token = app
        .store
        .create_api_token("test", &delegate.id, "delegate")
        .await
        .unwrap();
    let api = |path: &str, token: &str, body: serde_json::Value| {
        app.http
            .post(format!("{}{path}", app.base))
            .bearer_auth(token.to_string())
            .json(&body)
            .send()
    };
    let r = api(
        "/api/v1/consult",
        &token,
        serde_json::json!({"title": "Water", "statements": [
            "Water for the camps comes first",
            "The dam talks should resume",
            "Farmers need compensation",
            "The river commission should be revived",
        ]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: serde_json::Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let join_token = created["join_token"].as_str().unwrap().to_string();

    // The secretariat records statement 0's language and translates it into the five others.
    let r = api(
        &format!("/api/v1/consult/{id}/statements/language"),
        &token,
        serde_json::json!({"statement": 0, "lang": "en"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let translations = [
        ("ar", "المياه للمخيمات أولاً"),
        ("zh", "营地用水优先"),
        ("fr", "L’eau pour les camps d’abord"),
        ("ru", "Вода для лагерей — прежде всего"),
        ("es", "El agua para los campamentos primero"),
    ];
    for (lang, text) in translations {
        let r = api(
            &format!("/api/v1/consult/{id}/translations"),
            &token,
            serde_json::json!({"statement": 0, "lang": lang, "text": text}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{lang}");
    }
    for (body, status, says) in [
        (
            serde_json::json!({"statement": 0, "lang": "en", "text": "Water"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "was written in en",
        ),
        (
            serde_json::json!({"statement": 0, "lang": "de", "text": "Wasser"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "lang: one of ar, zh, en, fr, ru, es",
        ),
        (
            serde_json::json!({"statement": 9, "lang": "fr", "text": "Eau"}),
            StatusCode::NOT_FOUND,
            "not found",
        ),
    ] {
        let r = api(&format!("/api/v1/consult/{id}/translations"), &token, body)
            .await
            .unwrap();
        assert_eq!(r.status(), status);
        assert!(r.text().await.unwrap().contains(says));
    }
    let r = api(
        &format!("/api/v1/consult/{id}/translations"),
        &delegate_token,
        serde_json::json!({"statement": 1, "lang": "fr", "text": "Reprendre"}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "participants do not translate"
    );
    let r = api(
        &format!("/api/v1/consult/{id}/statements/language"),
        &token,
        serde_json::json!({"statement": 0, "lang": "fr"}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a language it is translated into is not its original"
    );
    let listed: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/consult/{id}/statements", app.base))
        .bearer_auth(&delegate_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s0 = &listed["statements"][0];
    assert_eq!(s0["lang"], "en");
    assert_eq!(s0["translations"].as_object().unwrap().len(), 5);
    assert_eq!(s0["translations"]["zh"], "营地用水优先");
    assert!(listed["statements"][1]["lang"].is_null());

    // The organisers' page: the list, then one statement's forms.
    let mut org = app.browser();
    org.login("organiser", PW).await;
    let (status, page) = org.get(&format!("/consult/{id}/translations")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("ar zh en fr ru es"),
        "statement 0 reads in all six"
    );
    let (_, page) = org
        .get(&format!("/consult/{id}/translations?statement=1"))
        .await;
    let csrf = csrf_of(&page);
    let r = org
        .post(
            &format!("/consult/{id}/translations"),
            &[
                ("csrf", &csrf),
                ("statement", "1"),
                ("lang", "fr"),
                ("text", "Les négociations sur le barrage doivent reprendre"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[LOCATION],
        format!("/consult/{id}/translations?statement=1").as_str()
    );
    let (_, page) = org
        .get(&format!("/consult/{id}/translations?statement=1"))
        .await;
    assert!(page.contains(">Les négociations sur le barrage doivent reprendre</textarea>"));
    let mut delegate_browser = app.browser();
    delegate_browser.login("delegate", PW).await;
    let (status, _) = delegate_browser
        .get(&format!("/consult/{id}/translations"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A participant whose browser reads Arabic sees statement 0 in Arabic, the original beside.
    let mut anon = app.browser();
    anon.cookies.insert("chamber_lang".into(), "ar".into());
    anon.get(&format!("/c/{join_token}")).await;
    let (_, ballot) = anon.get(&format!("/consult/{id}")).await;
    assert!(
        ballot.contains("lang=\"ar\">المياه للمخيمات أولاً</blockquote>"),
        "{ballot}"
    );
    assert!(ballot.contains("Water for the camps comes first"));
    assert!(ballot.contains("name=\"lang\" value=\"ar\""));

    // Forty-two participants in two camps, each reading statement 0 in one of the six
    // languages.
    let langs = ["ar", "zh", "en", "fr", "ru", "es"];
    let mut expected = chamber_consult::Export {
        comments: Default::default(),
        votes: Default::default(),
        source: chamber_consult::polis::VoteSource::Memory,
    };
    for n in 0..4u64 {
        expected.comments.insert(
            n,
            chamber_consult::Comment {
                id: n,
                author: None,
                moderated: 1,
                is_meta: false,
                body: String::new(),
            },
        );
    }
    for i in 0..42usize {
        let joined: serde_json::Value = app
            .http
            .post(format!("{}/api/v1/consult/join", app.base))
            .json(&serde_json::json!({"token": join_token}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secret = joined["secret"].as_str().unwrap().to_string();
        let participant = joined["participant"].as_u64().unwrap();
        let camp = i % 2 == 0;
        for (statement, agree) in [(0u64, camp), (1, !camp), (2, true), (3, i % 3 != 0)] {
            let vote = if agree { "agree" } else { "disagree" };
            let mut body = serde_json::json!({"statement": statement, "vote": vote});
            if statement == 0 {
                body["lang"] = serde_json::json!(langs[i % 6]);
            }
            let r = app
                .http
                .post(format!("{}/api/v1/consult/{id}/votes", app.base))
                .header("X-Chamber-Participant", &secret)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            expected.votes.insert(
                (participant, statement),
                if agree {
                    chamber_consult::Vote::Agree
                } else {
                    chamber_consult::Vote::Disagree
                },
            );
        }
        if i == 0 {
            // Statement 2 has no Russian text, and German is no UN language.
            for (statement, lang, says) in [(2, "ru", "no text in ru"), (0, "de", "lang: one of")] {
                let r = app
                    .http
                    .post(format!("{}/api/v1/consult/{id}/votes", app.base))
                    .header("X-Chamber-Participant", &secret)
                    .json(
                        &serde_json::json!({"statement": statement, "vote": "pass", "lang": lang}),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
                assert!(r.text().await.unwrap().contains(says));
            }
        }
    }
    let by_language = app.store.votes_by_language(&id).await.unwrap();
    for lang in langs {
        assert_eq!(
            by_language
                .iter()
                .find(|(l, _)| l.as_deref() == Some(lang))
                .map(|(_, n)| *n),
            Some(7),
            "{lang}"
        );
    }

    // The analysis counts one statement: four statements, 42 votes on statement 0, and the same
    // groups as the same votes cast with no language at all.
    let report: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/consult/{id}/report", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["totals"]["statements"], 4);
    assert_eq!(report["totals"]["votes"], 42 * 4);
    let plain = chamber_consult::analyze(&expected, &chamber_consult::Options::default()).unwrap();
    let sizes: Vec<u64> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["size"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sizes,
        plain
            .groups
            .iter()
            .map(|g| g.members.len() as u64)
            .collect::<Vec<_>>()
    );
    let s0_votes: u64 = report["divisive"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["statement"]["number"] == 0)
        .expect("statement 0 splits the camps")["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["agree"].as_u64().unwrap()
                + g["disagree"].as_u64().unwrap()
                + g["pass"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(s0_votes, 42, "every language's votes on the one statement");
    assert_eq!(
        report["divisive"][0]["statement"]["translations"]
            .as_object()
            .map(|t| t.len()),
        Some(5)
    );
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

/// Issue 13's suspicion "consultation handlers return store error text to clients": when the
/// store fails under a consultation request, the page and the API say "internal error" and
/// nothing of the database's own message (table names, SQL) reaches the client.
#[tokio::test]
async fn a_store_failure_in_a_consultation_tells_the_client_nothing_of_the_database() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("organiser", Role::Mediator, PW).await;
    let mut org = app.browser();
    org.login("organiser", PW).await;
    let csrf = org.csrf().await;
    let r = org
        .post("/consult", &[("csrf", &csrf), ("title", "Priorities")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = consultation_id(r.headers()[LOCATION].to_str().unwrap());
    sqlx::query("DROP TABLE consultation_votes")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, html) = org.get(&format!("/consult/{id}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{html}");
    let r = org
        .post(
            &format!("/consult/{id}/statements"),
            &[("csrf", &csrf), ("body", "A ceasefire first")],
        )
        .await;
    let status = r.status();
    let body = r.text().await.unwrap();
    let api = app
        .http
        .get(format!("{}/api/v1/consult/{id}/analysis", app.base))
        .header("Cookie", org.cookie_header())
        .send()
        .await
        .unwrap();
    let api_status = api.status();
    let api_body = api.text().await.unwrap();
    assert_eq!(api_status, StatusCode::INTERNAL_SERVER_ERROR, "{api_body}");
    assert!(api_body.contains("internal error"), "{api_body}");
    for text in [&html, &body, &api_body] {
        for secret in [
            "consultation_votes",
            "no such table",
            "SELECT",
            "sqlite",
            "SQL",
        ] {
            assert!(
                !text.contains(secret),
                "{secret} told to the client ({status}): {text}"
            );
        }
    }
}
