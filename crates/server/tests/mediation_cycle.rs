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
