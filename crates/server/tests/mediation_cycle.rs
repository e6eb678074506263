//! Issue 12 over real HTTP: each problem found trying the mediation cycle in a browser has a
//! test here that would have caught it — the mediator deciding amendments blind, the dead end
//! of "nothing to issue", scores erasing deadlines, free-text themes, adoption without a confirm
//! step, one long page with every form, the clash warning five times, no lessons learned,
//! English in every language, unstated confidentiality.

mod common;
use chamber_mediation::demo;
use common::*;

/// The views of a process, each fetched once.
const VIEWS: [&str; 6] = ["", "/spaces", "/text", "/sessions", "/agreement", "/setup"];

async fn page(b: &mut Browser<'_>, path: &str) -> String {
    let (status, html) = b.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    html
}

/// Post a form and follow its redirect: the page the person lands on.
async fn post_and_land(b: &mut Browser<'_>, path: &str, form: &[(&str, &str)]) -> (String, String) {
    let r = b.post(path, form).await;
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {body}");
    let location = location.unwrap();
    let landed = page(b, &location).await;
    (location, landed)
}

fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The text a person reads: tags and scripts out, entities decoded.
fn visible_text(html: &str) -> String {
    let body = html.split("<body>").nth(1).unwrap_or(html);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

#[tokio::test]
async fn the_mediator_sees_the_wording_decides_and_every_action_is_confirmed() {
    let (app, keys, pid, _) = demo_app(21).await;
    let (mut east, mut mediator) = (app.browser(), app.browser());
    east.login(demo::DELEGATE_EASTMARK, PW).await;
    mediator.login(demo::MEDIATOR, PW).await;
    let loaded = inspect(&app, &keys, &pid).await;
    let record = loaded.record.as_ref().unwrap();
    let target = record.current().text.operative[0].clone();
    let before = target.wording.text();

    // The process is split into views, each with the same navigation.
    for v in VIEWS {
        let html = unescape(&page(&mut mediator, &format!("/chamber/{pid}{v}")).await);
        assert!(
            html.contains("aria-current=\"page\""),
            "{v}: the nav marks the view"
        );
        for w in VIEWS {
            assert!(
                html.contains(&format!("href=\"/chamber/{pid}{w}\"")),
                "{v} links to {w}"
            );
        }
    }
    let overview = page(&mut mediator, &format!("/chamber/{pid}")).await;
    assert!(
        !overview.contains("id=\"propose\"") && !overview.contains("id=\"add-party\""),
        "the overview is not every form at once"
    );

    // The delegate's drop-down of paragraphs stays short (it overflowed its box).
    let text = page(&mut east, &format!("/chamber/{pid}/text")).await;
    let option =
        regex_lite::Regex::new(r#"<option value="[0-9a-f]{32}">([^<]*)</option>"#).unwrap();
    let options: Vec<String> = option
        .captures_iter(&text)
        .map(|c| unescape(&c[1]))
        .collect();
    assert!(!options.is_empty());
    assert!(
        options.iter().all(|o| o.chars().count() <= 60),
        "{options:?}"
    );

    // A proposal, confirmed on the page the delegate lands on.
    let csrf = csrf_of(&text);
    let proposed = "The parties shall cease all hostilities at 00:00 UTC on the first day";
    let (location, landed) = post_and_land(
        &mut east,
        &format!("/chamber/{pid}/amendments"),
        &[
            ("csrf", &csrf),
            ("paragraph", target.id.as_str()),
            ("text", proposed),
            ("explanation", "A fixed hour"),
        ],
    )
    .await;
    assert_eq!(location, format!("/chamber/{pid}/text?done=proposed"));
    assert!(landed.contains("id=\"status\""), "the action is confirmed");
    assert!(landed.contains("only your party and the mediators see it"));

    // The mediator sees the paragraph, its current wording, the proposal and the word diff.
    let text = unescape(&page(&mut mediator, &format!("/chamber/{pid}/text")).await);
    assert!(text.contains("Paragraph 1"), "the paragraph is named");
    assert!(text.contains(&format!("class=\"current-wording\" dir=\"auto\">{before}<")));
    assert!(text.contains(&format!(
        "class=\"proposed-wording\" dir=\"auto\">{proposed}<"
    )));
    assert!(text.contains("<ins>"), "a word diff");
    assert!(
        text.contains(&format!("dir=\"auto\">{proposed}</textarea>")),
        "the merge starts from the proposal"
    );
    assert!(text.contains("id=\"issue-version\""));
    let amendment = loaded_amendment(&app, &keys, &pid, "A fixed hour").await;
    let csrf = csrf_of(&text);

    // Nothing decided: no dead end, a word on the same view.
    let (location, landed) = post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/versions"),
        &[("csrf", &csrf), (&format!("decision_{amendment}"), "")],
    )
    .await;
    assert_eq!(
        location,
        format!("/chamber/{pid}/text?done=nothing-decided")
    );
    assert!(landed.contains("Nothing was decided"));
    assert!(!landed.contains("nothing to issue"));

    // Merge in the mediator's wording.
    let merged = "The parties shall cease all hostilities at 00:00 UTC on the day after signature";
    let (_, landed) = post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/versions"),
        &[
            ("csrf", &csrf),
            (&format!("decision_{amendment}"), "merge"),
            (&format!("wording_{amendment}"), merged),
        ],
    )
    .await;
    assert!(landed.contains("A new version of the text is issued."));
    assert!(landed.contains("one proposal merged into the mediator’s wording"));
    assert!(
        !landed.contains("id=\"issue-version\""),
        "with nothing pending, issuing is not offered"
    );

    // The mediator edits the text directly: a new version, described as theirs.
    let second = record.current().text.operative[1].id.as_str().to_string();
    let (_, landed) = post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/edit"),
        &[
            ("csrf", &csrf),
            ("paragraph", &second),
            ("text", "Humanitarian access shall be unimpeded"),
        ],
    )
    .await;
    assert!(landed.contains("Your wording is issued as a new version."));
    assert!(landed.contains("reworded by the mediator"));
    let after = inspect(&app, &keys, &pid).await;
    let current = after.record.as_ref().unwrap().current();
    assert_eq!(
        current.text.find(&target.id).unwrap().wording.text(),
        merged
    );
    assert!(
        current.text.operative[1]
            .wording
            .text()
            .contains("unimpeded")
    );

    // The API gives the mediator the proposed wording of pending amendments.
    let (_, html) = east.get(&format!("/chamber/{pid}/text")).await;
    let csrf = csrf_of(&html);
    post_and_land(
        &mut east,
        &format!("/chamber/{pid}/amendments"),
        &[
            ("csrf", &csrf),
            ("paragraph", &second),
            (
                "text",
                "Humanitarian access shall be unimpeded and monitored",
            ),
        ],
    )
    .await;
    let token = api_token(&app, demo::MEDIATOR).await;
    let v: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/chamber/{pid}", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pending: Vec<&serde_json::Value> = v["amendments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"]["status"] == "pending")
        .collect();
    assert_eq!(pending.len(), 1, "{v}");
    assert_eq!(
        pending[0]["proposed_wording"],
        "Humanitarian access shall be unimpeded and monitored"
    );
    assert_eq!(
        pending[0]["current_wording"],
        "Humanitarian access shall be unimpeded"
    );
}

async fn loaded_amendment(
    app: &TestApp,
    keys: &Arc<chamber_mediation::confidential::Keyring>,
    pid: &str,
    explanation: &str,
) -> String {
    inspect(app, keys, pid)
        .await
        .record
        .unwrap()
        .all_amendments_unfiltered()
        .iter()
        .find(|a| a.explanation == explanation)
        .unwrap()
        .id
        .as_str()
        .to_string()
}

async fn api_token(app: &TestApp, username: &str) -> String {
    let (u, _) = app.store.login_lookup(username).await.unwrap().unwrap();
    app.store
        .create_api_token("test", &u.id, "tests")
        .await
        .unwrap()
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut r = app
        .http
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn commitments_keep_their_fields_scores_keep_their_periods_and_closing_files_lessons() {
    let (app, keys, pid, _) = demo_app(22).await;
    let token = api_token(&app, demo::MEDIATOR).await;
    let (mut mediator, mut east) = (app.browser(), app.browser());
    mediator.login(demo::MEDIATOR, PW).await;
    east.login(demo::DELEGATE_EASTMARK, PW).await;

    // A caucus note that must never reach the lessons record.
    let spaces = page(&mut east, &format!("/chamber/{pid}/spaces")).await;
    assert!(
        spaces.contains("only the delegates of Government of Eastmark and the mediators"),
        "each space says who can read it"
    );
    let process = inspect(&app, &keys, &pid).await.process;
    let caucus = chamber_mediation::permissions::own_caucus(
        &process,
        &chamber_mediation::PersonId::parse(demo::DELEGATE_EASTMARK).unwrap(),
    )
    .unwrap()
    .id
    .as_str()
    .to_string();
    let csrf = csrf_of(&spaces);
    post_and_land(
        &mut east,
        &format!("/chamber/{pid}/notes"),
        &[
            ("csrf", &csrf),
            ("space", &caucus),
            ("title", "Zebracrossing red line"),
            ("body", "zebracrossingsecret convoys weekly"),
        ],
    )
    .await;

    // Agreeing paragraphs and adopting are API calls like the rest.
    let loaded = inspect(&app, &keys, &pid).await;
    for p in loaded
        .record
        .as_ref()
        .unwrap()
        .current()
        .text
        .open_paragraphs()
    {
        let (s, v) = api(
            &app,
            &token,
            reqwest::Method::POST,
            &format!("/api/v1/chamber/{pid}/agree"),
            Some(serde_json::json!({"paragraph": p.as_str()})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = api(
        &app,
        &token,
        reqwest::Method::POST,
        &format!("/api/v1/chamber/{pid}/adopt"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A commitment: provision type from the fixed list, responsible party, a past deadline.
    let loaded = inspect(&app, &keys, &pid).await;
    let agreement = loaded.agreement.as_ref().unwrap();
    let provision = agreement.commitments[0].provision.as_str().to_string();
    let party = loaded.process.parties()[0].clone();
    let view = page(&mut mediator, &format!("/chamber/{pid}/agreement")).await;
    assert!(
        view.contains("<select name=\"provision_type\">"),
        "a fixed list, not free text"
    );
    assert_eq!(
        view.matches("<option value=\"cease-fire\">Ceasefire</option>")
            .count(),
        1
    );
    let csrf = csrf_of(&view);
    let (_, landed) = post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/commitments"),
        &[
            ("csrf", &csrf),
            ("provision", &provision),
            ("provision_type", "cease-fire"),
            ("responsible", party.id.as_str()),
            ("deadline", "2020-01-31"),
        ],
    )
    .await;
    assert!(landed.contains("The commitment is saved."));
    // A second one, past its deadline and never fully implemented: overdue.
    let second = agreement.commitments[1].provision.as_str().to_string();
    post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/commitments"),
        &[
            ("csrf", &csrf),
            ("provision", &second),
            ("provision_type", "internally-displaced-persons"),
            ("deadline", "2020-03-01"),
        ],
    )
    .await;

    // Two periods: one by the form, one by the API; neither touches the deadline.
    post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/scores"),
        &[
            ("csrf", &csrf),
            ("provision", &provision),
            ("level", "1"),
            ("period", "2026-06-30"),
            ("evidence", "Monitors saw sporadic fire"),
        ],
    )
    .await;
    let (s, v) = api(
        &app,
        &token,
        reqwest::Method::POST,
        &format!("/api/v1/chamber/{pid}/scores"),
        Some(serde_json::json!({"provision": provision, "level": 3, "period": "2026-12-31", "evidence": "The ceasefire holds"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let loaded = inspect(&app, &keys, &pid).await;
    let agreement = loaded.agreement.as_ref().unwrap();
    let c = agreement
        .commitment(&agreement.commitments[0].provision)
        .unwrap();
    assert_eq!(
        c.deadline,
        Some(time::macros::date!(2020 - 01 - 31)),
        "scores never erase a deadline"
    );
    assert_eq!(c.responsible.as_ref(), Some(&party.id));
    assert_eq!(
        agreement.history(&c.provision).len(),
        2,
        "every period kept"
    );

    let view = unescape(&page(&mut mediator, &format!("/chamber/{pid}/agreement")).await);
    for shown in [
        "Ceasefire",
        party.name.as_str(),
        "31 January 2020",
        "1 March 2020 <strong class=\"overdue-flag\">overdue by",
        "Internally displaced persons: 0%",
        "30 June 2026: 1/3",
        "31 December 2026: 3/3",
        "Monitors saw sporadic fire",
        "The ceasefire holds",
        "Implementation over time",
    ] {
        assert!(view.contains(shown), "the agreement view shows {shown:?}");
    }
    assert!(view.contains("<svg"), "the chart");
    assert!(
        !view.contains("—: 0%"),
        "no row for provisions without a type"
    );
    let (status, csv) = mediator.get(&format!("/chamber/{pid}/agreement.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("2026-06-30") && csv.contains("2026-12-31"),
        "{csv}"
    );

    let (_, v) = api(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/chamber/{pid}"),
        None,
    )
    .await;
    let first = &v["agreement"]["commitments"][0];
    assert_eq!(first["provision_type"], "cease-fire", "{v}");
    assert_eq!(first["deadline"], "2020-01-31");
    assert_eq!(first["responsible"]["id"], party.id.as_str());
    assert_eq!(first["history"].as_array().unwrap().len(), 2);

    // Closing asks for lessons learned and says who will read them.
    let form = page(&mut mediator, &format!("/chamber/{pid}/close")).await;
    assert!(form.contains("Who will be able to read this record"));
    assert!(form.contains("never a party’s caucus"));
    let csrf = csrf_of(&form);
    let (location, landed) = post_and_land(
        &mut mediator,
        &format!("/chamber/{pid}/close"),
        &[
            ("csrf", &csrf),
            ("language", "en"),
            ("context", "Talks opened after the clashes of the autumn."),
            (
                "what_worked",
                "Shuttlediplomacy between the capitals worked.",
            ),
            ("what_did_not_work", "Plenary sessions held too early."),
            (&format!("outcome_{provision}"), "partly"),
            ("cites", "A/RES/79/274"),
        ],
    )
    .await;
    assert_eq!(location, format!("/chamber/{pid}?done=closed"));
    assert!(landed.contains("id=\"closed-notice\""));
    assert!(landed.contains("id=\"lessons-link\""));

    // The record is in the Library: found by search, linked to its process and what it cites.
    let (_, hits) = mediator.get("/library?q=shuttlediplomacy").await;
    let hits = unescape(&hits);
    assert!(
        hits.contains(&format!("CHAMBER/LESSONS/{pid}")),
        "{}",
        visible_text(&hits)
    );
    let (_, none) = mediator.get("/library?q=zebracrossingsecret").await;
    assert!(
        !none.contains("CHAMBER/LESSONS"),
        "caucus content never enters it"
    );
    let record = unescape(
        &page(
            &mut east,
            &format!("/library/doc?symbol=CHAMBER/LESSONS/{pid}"),
        )
        .await,
    );
    assert!(record.contains("Shuttlediplomacy between the capitals worked."));
    assert!(record.contains("A/RES/79/274"));
    assert!(record.contains(": partly"), "{record}");
    assert!(!record.contains("zebracrossing"));
    let stored = std::fs::read_dir(app.dir.join("library/lessons"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(!stored.to_lowercase().contains("zebracrossing"));

    // Closed is final.
    let (s, _) = api(
        &app,
        &token,
        reqwest::Method::POST,
        &format!("/api/v1/chamber/{pid}/scores"),
        Some(serde_json::json!({"provision": provision, "level": 2, "period": "2027-06-30"})),
    )
    .await;
    assert!(s.is_client_error(), "no score after closing: {s}");
}
