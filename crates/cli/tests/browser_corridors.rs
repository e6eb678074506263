//! Issue 16's acceptance in a real browser: headless Chromium over WebDriver against the real
//! `chamber serve`. A shipping agent registers a vessel (a wrong IMO check digit is refused first,
//! naming the field) → Ukraine's representative proposes the daily plan and the representatives
//! of all four parties approve it, each in their own browser (Russia's in Russian) → a
//! humanitarian notification is acknowledged by each party, the page saying an acknowledgement
//! is not an approval → the coordinator schedules the joint inspection, the four parties'
//! inspectors (signed in on the same four browsers) record and sign it off → the agent uploads
//! position reports, one leg outside the safety radius becomes a deviation incident every party
//! sees → arrival; then every corridors page in Arabic at a phone's width, nothing scrolling
//! sideways. A second shipping agent registers its own vessel meanwhile; the first never
//! sees it: not on the list, not in the plan, not by its URL, not through the API.
//!
//! The clock is the real one: the plan is for the day after tomorrow (UTC), so its deadlines
//! (23:00 and 23:59 on the eve) lie ahead whenever the test runs.
//!
//! Without chromedriver the test skips with a printed reason, unless `CHAMBER_REQUIRE_BROWSER=1`.

mod common;

use common::browser::*;
use common::{Server, chamber, temp_dir};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;
use time::OffsetDateTime;

const PASSWORD: &str = "joint coordination 2026";

/// An account with a password (and an API token for an administrator: the command line
/// issues tokens to administrators only).
fn account(cwd: &std::path::Path, name: &str, role: &str) -> Option<String> {
    let mut child = chamber(cwd)
        .args(["admin", "create-user", "--data", "data", "--username", name])
        .args(["--role", role, "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "create {name}");
    (role == "admin").then(|| {
        let out = chamber(cwd)
            .args(["admin", "issue-token", "--data", "data", "--username", name])
            .args(["--label", "setup"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn send(&self, req: reqwest::RequestBuilder) -> (reqwest::StatusCode, Value) {
        let r = req.bearer_auth(&self.token).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, v) = self
            .send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await;
        assert!(status.is_success(), "POST {path}: {status} {v}");
        v
    }
}

async fn sign_in(client: &Client, base: &str, name: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    type_into(client, "#username", name).await;
    type_into(client, "#password", PASSWORD).await;
    submit(client, "#login-submit").await;
    wait_for_path(client, "/").await;
}

async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    submit(client, "#logout").await;
}

async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no select {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Sets a field's value as the browser's own picker would (date, time and datetime-local
/// inputs take typed keys in the locale's order, which differs between machines).
async fn set_value(client: &Client, css: &str, value: &str) {
    client
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("cannot set {css}: {e}"));
}

/// Wait until an element's attribute has `value` (the page may still be loading).
async fn wait_attr(client: &Client, css: &str, name: &str, value: &str) {
    let start = std::time::Instant::now();
    loop {
        if let Ok(e) = client.find(Locator::Css(css)).await
            && let Ok(Some(v)) = e.attr(name).await
            && v == value
        {
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let source = client.source().await.unwrap_or_default();
            panic!("{css} [{name}] never became {value}; the page: {source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn exists(client: &Client, css: &str) -> bool {
    client.find(Locator::Css(css)).await.is_ok()
}

/// The body text of a page (a JSON answer shown by the browser included).
async fn body_text(client: &Client) -> String {
    text_of(client, "body").await
}

/// The id of the registration a page shows (the last part of its address).
async fn registration_id(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    let id = url.path().rsplit('/').next().unwrap().to_string();
    assert_eq!(id.len(), 32, "{url}");
    id
}

fn minute(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn rfc3339(t: OffsetDateTime) -> String {
    format!("{}:00Z", minute(t))
}

#[tokio::test]
async fn four_parties_and_an_operator_take_one_vessel_from_registration_to_arrival() {
    let Some((chromedriver, chromium)) = tools() else {
        return;
    };
    let cwd = temp_dir("browser-corridors");
    let secretariat = account(&cwd, "secretariat", "admin").unwrap();
    for name in [
        "coord", "rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-ru", "insp-tr", "insp-ua",
        "insp-un", "agent-a", "agent-b",
    ] {
        let role = if name.starts_with("agent") {
            "observer"
        } else {
            "delegate"
        };
        account(&cwd, name, role);
    }
    let server = Server::start(&cwd, &["--data", "data"]);
    let base = server.base.clone();
    let admin = Api {
        http: reqwest::Client::new(),
        base: base.clone(),
        token: secretariat,
    };

    // The secretariat opens the corridor (API) with its first coordinator.
    let v = admin
        .post(
            "/api/v1/corridors",
            json!({
                "name": "Black Sea corridor", "designation": "commercial",
                "parties": ["RU:Russian Federation", "TR:Türkiye", "UA:Ukraine", "UN:United Nations"],
                "route": "46.45,30.75; 45.0,30.9; 43.0,29.9; 41.25,29.1",
                "safety_radius": "10 nmi",
                "ports": ["Odesa @ 46.49,30.74", "Chornomorsk @ 46.30,30.66"],
                "inspection_area": r#"{"type":"Polygon","coordinates":[[[28.8,41.1],[29.4,41.1],[29.4,41.5],[28.8,41.5],[28.8,41.1]]]}"#,
                "registration_lead_hours": 44, "plan_deadline": "23:00",
                "approval_deadline": "23:59", "inspections_per_day": 3, "coordinator": "coord",
            }),
        )
        .await;
    let c = v["corridor"]["id"].as_str().unwrap().to_string();
    let now = OffsetDateTime::now_utc();
    let expected = minute(now + time::Duration::days(3));
    let day = (now + time::Duration::days(2)).date().to_string();

    let (_driver, webdriver) = start_driver(&chromedriver).await;
    let operator = browser(&webdriver, &chromium, &cwd.join("profile-operator")).await;
    let other = browser(&webdriver, &chromium, &cwd.join("profile-other")).await;
    let coordinator = browser(&webdriver, &chromium, &cwd.join("profile-coordinator")).await;
    let mut parties = Vec::new();
    for p in ["ru", "tr", "ua", "un"] {
        parties.push((
            p,
            browser(&webdriver, &chromium, &cwd.join(format!("profile-{p}"))).await,
        ));
    }
    let party = |code: &str| &parties.iter().find(|(p, _)| *p == code).unwrap().1;

    // The coordinator staffs the centre from the corridor page: a representative and an
    // inspector of each party, two shipping agents.
    sign_in(&coordinator, &base, "coord").await;
    let corridor_page = format!("{base}/corridors/{c}");
    for p in ["ru", "tr", "ua", "un"] {
        for (who, role) in [("rep", "representative"), ("insp", "inspector")] {
            coordinator.goto(&corridor_page).await.unwrap();
            type_into(&coordinator, "#member-username", &format!("{who}-{p}")).await;
            select(&coordinator, "#member-role", role).await;
            select(&coordinator, "#member-party", &p.to_uppercase()).await;
            submit(&coordinator, "#member-submit").await;
            wait_for_text(&coordinator, "#done", "admitted").await;
        }
    }
    for (name, org) in [("agent-a", "Alpha Shipping"), ("agent-b", "Beta Maritime")] {
        coordinator.goto(&corridor_page).await.unwrap();
        type_into(&coordinator, "#operator-username", name).await;
        type_into(&coordinator, "#operator-organisation", org).await;
        submit(&coordinator, "#operator-submit").await;
        wait_for_text(&coordinator, "#done", "admitted").await;
    }
    let members = text_of(&coordinator, "#members").await;
    assert_eq!(members.lines().count(), 1 + 1 + 8 + 2, "{members}");

    // The second operator registers its own vessel.
    sign_in(&other, &base, "agent-b").await;
    other
        .goto(&format!("{base}/corridors/{c}/register"))
        .await
        .unwrap();
    type_into(&other, "#imo", "9590979").await;
    type_into(&other, "#vessel-name", "NAVI STAR").await;
    type_into(&other, "#flag", "Panama").await;
    type_into(&other, "#cargo-1-commodity", "Corn").await;
    type_into(&other, "#cargo-1-tonnage", "33000").await;
    type_into(&other, "#cargo-1-destination", "Netherlands").await;
    type_into(&other, "#cargo-1-consignee", "Cargill").await;
    type_into(&other, "#from", "Chornomorsk").await;
    type_into(&other, "#to", "Rotterdam").await;
    set_value(&other, "#expected", &expected).await;
    submit(&other, "#register-submit").await;
    wait_attr(&other, "#registration-status", "data-status", "registered").await;
    let b = registration_id(&other).await;

    // 1. The operator registers from the dashboard; a wrong IMO check digit is refused first.
    sign_in(&operator, &base, "agent-a").await;
    submit(&operator, "#cap-corridors a").await;
    wait_for_path(&operator, "/corridors").await;
    submit(&operator, "a.corridor-link").await;
    wait_for_path(&operator, &format!("/corridors/{c}")).await;
    assert!(
        !page_text(&operator).await.contains("Beta Maritime"),
        "an operator is not shown the other operators"
    );
    submit(&operator, "#register-link").await;
    let register_form = |imo: &'static str| {
        let operator = &operator;
        let expected = expected.clone();
        async move {
            type_into(operator, "#imo", imo).await;
            type_into(operator, "#vessel-name", "RAZONI").await;
            type_into(operator, "#flag", "Sierra Leone").await;
            type_into(operator, "#cargo-1-commodity", "Corn").await;
            type_into(operator, "#cargo-1-tonnage", "26,527").await;
            type_into(operator, "#cargo-1-destination", "Lebanon").await;
            type_into(operator, "#cargo-1-consignee", "Tripoli Grain").await;
            type_into(operator, "#from", "Odesa").await;
            type_into(operator, "#to", "Tripoli").await;
            set_value(operator, "#expected", &expected).await;
            submit(operator, "#register-submit").await;
        }
    };
    register_form("IMO 9086527").await;
    let refused = text_of(&operator, "#form-error").await;
    assert!(
        refused.contains("IMO number 9086527 is not valid") && refused.contains("should be 6"),
        "the refusal names the field and the right digit: {refused}"
    );
    // The form comes back filled in: the operator corrects the one field.
    let imo = operator.find(Locator::Css("#imo")).await.unwrap();
    assert_eq!(
        imo.prop("value").await.unwrap().as_deref(),
        Some("IMO 9086527")
    );
    imo.clear().await.unwrap();
    imo.send_keys("IMO 9086526").await.unwrap();
    submit(&operator, "#register-submit").await;
    wait_attr(
        &operator,
        "#registration-status",
        "data-status",
        "registered",
    )
    .await;
    wait_for_text(&operator, "#done", "Registered").await;
    let a = registration_id(&operator).await;

    // The other operator's vessel: not on the list, not by URL, not through the API.
    operator
        .goto(&format!("{base}/corridors/{c}/registrations"))
        .await
        .unwrap();
    let list = text_of(&operator, "#registrations").await;
    assert!(
        list.contains("RAZONI") && !list.contains("NAVI STAR"),
        "{list}"
    );
    operator
        .goto(&format!("{base}/corridors/{c}/registrations/{b}"))
        .await
        .unwrap();
    let page = page_text(&operator).await;
    assert!(
        page.contains("This page does not exist") && !page.contains("NAVI STAR"),
        "{page}"
    );
    operator
        .goto(&format!("{base}/api/v1/corridors/{c}/registrations/{b}"))
        .await
        .unwrap();
    assert!(body_text(&operator).await.contains("not found"));
    operator
        .goto(&format!("{base}/api/v1/corridors/{c}/registrations"))
        .await
        .unwrap();
    let mine = body_text(&operator).await;
    assert!(
        mine.contains(&a) && !mine.contains(&b) && !mine.contains("NAVI STAR"),
        "{mine}"
    );

    // 2. Every party's representative signs in (Russia's reads Russian); the centre sees both.
    for (p, client) in &parties {
        if *p == "ru" {
            client
                .goto(&format!("{base}/lang/ru?next=%2F"))
                .await
                .unwrap();
        }
        sign_in(client, &base, &format!("rep-{p}")).await;
        client
            .goto(&format!("{base}/corridors/{c}/registrations"))
            .await
            .unwrap();
        let list = text_of(client, "#registrations").await;
        assert!(
            list.contains("RAZONI") && list.contains("NAVI STAR"),
            "{p}: {list}"
        );
    }
    assert_eq!(
        text_of(party("ru"), "#view-plans").await,
        "Ежедневные планы",
        "Russia's representative reads Russian"
    );

    // Ukraine's representative proposes the plan for the day after tomorrow: both vessels.
    let ua = party("ua");
    ua.goto(&format!("{base}/corridors/{c}/plans"))
        .await
        .unwrap();
    set_value(ua, "#plan-day", &day).await;
    click(ua, &format!("#move-{a}")).await;
    click(ua, &format!("#move-{b}")).await;
    set_value(ua, &format!("#depart-{b}"), "07:30").await;
    submit(ua, "#propose-submit").await;
    wait_attr(ua, "#plan-status", "data-status", "proposed").await;
    let plan_url = ua.current_url().await.unwrap();
    let plan_path = plan_url.path().to_string();
    // Each party approves in turn; the plan is approved only when all four have.
    for (i, p) in ["ua", "ru", "tr", "un"].iter().enumerate() {
        let client = party(p);
        client.goto(&format!("{base}{plan_path}")).await.unwrap();
        let movements = text_of(client, "#movements").await;
        assert!(
            movements.contains("RAZONI") && movements.contains("NAVI STAR"),
            "{p}: every party sees the same plan: {movements}"
        );
        submit(client, "#approve-submit").await;
        let want = if i == 3 { "approved" } else { "proposed" };
        wait_attr(client, "#plan-status", "data-status", want).await;
        if i < 3 {
            let waiting = text_of(client, "#waiting-for").await;
            assert_eq!(waiting.split(", ").count(), 3 - i, "{p}: {waiting}");
        }
    }
    for (p, client) in &parties {
        client.goto(&format!("{base}{plan_path}")).await.unwrap();
        wait_attr(client, "#plan-status", "data-status", "approved").await;
        assert_eq!(
            text_of(client, "#decisions tbody").await.lines().count(),
            4,
            "{p}"
        );
    }
    // The operator sees its own movement and the status, not the other's.
    operator.goto(&format!("{base}{plan_path}")).await.unwrap();
    wait_attr(&operator, "#plan-status", "data-status", "approved").await;
    let movements = text_of(&operator, "#movements").await;
    assert!(
        movements.contains("RAZONI") && !movements.contains("NAVI STAR"),
        "{movements}"
    );
    assert!(!exists(&operator, "#decisions").await);

    // 3. A humanitarian notification: the operator notifies, each party acknowledges; the page
    // says an acknowledgement is not an approval.
    operator
        .goto(&format!("{base}/corridors/{c}/notifications"))
        .await
        .unwrap();
    select(&operator, "#notify-kind", "movement").await;
    type_into(&operator, "#notify-geometry", "46.49,30.74; 45.3,30.9").await;
    set_value(
        &operator,
        "#notify-from",
        &minute(now + time::Duration::days(2)),
    )
    .await;
    set_value(
        &operator,
        "#notify-until",
        &minute(now + time::Duration::days(3)),
    )
    .await;
    type_into(
        &operator,
        "#notify-description",
        "Relief flour for Tripoli aboard RAZONI",
    )
    .await;
    submit(&operator, "#notify-submit").await;
    let statement = text_of(&operator, "#not-approval").await;
    assert!(
        statement.contains("Acknowledged is not approved"),
        "{statement}"
    );
    let notification_path = operator.current_url().await.unwrap().path().to_string();
    for (i, (p, client)) in parties.iter().enumerate() {
        client
            .goto(&format!("{base}{notification_path}"))
            .await
            .unwrap();
        assert!(exists(client, "#not-approval").await, "{p}");
        submit(client, "#acknowledge-submit").await;
        wait_for_text(client, "#acknowledgements", &p.to_uppercase()).await;
        assert!(!exists(client, "#acknowledge-form").await, "{p}: once");
        if i < 3 {
            assert_eq!(
                text_of(client, "#awaiting").await.split(", ").count(),
                3 - i
            );
        } else {
            assert!(!exists(client, "#awaiting").await);
        }
    }
    operator
        .goto(&format!("{base}{notification_path}"))
        .await
        .unwrap();
    let acks = text_of(&operator, "#acknowledgements tbody").await;
    assert_eq!(acks.lines().count(), 4, "{acks}");
    assert!(
        text_of(&operator, "#not-approval")
            .await
            .contains("not an approval")
    );
    other
        .goto(&format!("{base}/api/v1{notification_path}"))
        .await
        .unwrap();
    assert!(
        body_text(&other).await.contains("not found"),
        "another operator's notification"
    );

    // 4. The joint inspection: the vessel reaches the inspection area, the coordinator
    // schedules the team, the four parties' inspectors sign the result off.
    operator
        .goto(&format!("{base}/corridors/{c}/registrations/{a}"))
        .await
        .unwrap();
    submit(&operator, "#queue-submit").await;
    wait_for_text(&operator, "#done", "inspection queue").await;
    coordinator
        .goto(&format!("{base}/corridors/{c}/inspections"))
        .await
        .unwrap();
    wait_for_text(&coordinator, "#queue", "RAZONI").await;
    submit(&coordinator, "a.queue-link").await;
    wait_attr(&coordinator, "#inspection-status", "data-status", "queued").await;
    submit(&coordinator, "#schedule-submit").await;
    wait_attr(
        &coordinator,
        "#inspection-status",
        "data-status",
        "scheduled",
    )
    .await;
    let inspection_path = coordinator.current_url().await.unwrap().path().to_string();
    for (p, client) in &parties {
        sign_out(client, &base).await;
        sign_in(client, &base, &format!("insp-{p}")).await;
        client
            .goto(&format!("{base}{inspection_path}"))
            .await
            .unwrap();
        let team = text_of(client, "#team").await;
        assert!(team.contains(&format!("insp-{p}")), "{p}: {team}");
    }
    let tr = party("tr");
    tr.goto(&format!("{base}{inspection_path}")).await.unwrap();
    select(tr, "#result-outcome", "cleared").await;
    type_into(
        tr,
        "#result-findings",
        "Holds 1-5 opened; corn as declared.",
    )
    .await;
    submit(tr, "#result-submit").await;
    wait_attr(
        tr,
        "#inspection-status",
        "data-status",
        "awaiting_signatures",
    )
    .await;
    for (i, p) in ["ua", "un", "ru"].iter().enumerate() {
        let client = party(p);
        client
            .goto(&format!("{base}{inspection_path}"))
            .await
            .unwrap();
        assert!(
            text_of(client, "#round-1")
                .await
                .contains("corn as declared"),
            "{p} reads the result it signs"
        );
        submit(client, "#sign-submit").await;
        let want = if i == 2 {
            "cleared"
        } else {
            "awaiting_signatures"
        };
        wait_attr(client, "#inspection-status", "data-status", want).await;
    }
    operator
        .goto(&format!("{base}{inspection_path}"))
        .await
        .unwrap();
    wait_attr(&operator, "#inspection-status", "data-status", "cleared").await;
    assert_eq!(
        text_of(&operator, "#round-1 .signatures tbody")
            .await
            .lines()
            .count(),
        4,
        "signed by every party"
    );

    // 5. Transit: the position reports, one leg outside the safety radius.
    operator
        .goto(&format!("{base}/corridors/{c}/registrations/{a}"))
        .await
        .unwrap();
    let hour = |h: i64| rfc3339(now - time::Duration::hours(h));
    let csv = format!(
        "time,lat,lon\n{},41.30,29.10\n{},41.40,30.20\n{},41.60,31.50\n",
        hour(3),
        hour(2),
        hour(1)
    );
    type_into(&operator, "#positions-text", &csv).await;
    select(&operator, "#positions-format", "csv").await;
    submit(&operator, "#positions-submit").await;
    wait_for_text(&operator, "#done", "checked against the route").await;
    wait_for_text(&operator, "#incidents", "deviation from the route").await;
    assert_eq!(
        operator
            .find_all(Locator::Css("#transit-map circle.position.outside"))
            .await
            .unwrap()
            .len(),
        2,
        "the two reports outside the radius are marked on the map"
    );
    for (p, client) in &parties {
        client
            .goto(&format!("{base}/corridors/{c}/incidents"))
            .await
            .unwrap();
        let rows = client
            .find_all(Locator::Css("#incidents tr.incident.deviation"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{p} sees the deviation");
        assert!(text_of(client, "#incidents").await.contains("RAZONI"));
    }
    other
        .goto(&format!("{base}/api/v1/corridors/{c}/incidents"))
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&body_text(&other).await).unwrap();
    assert_eq!(
        v["incidents"],
        json!([]),
        "not the other operator's business"
    );

    // 6. Arrival.
    operator
        .goto(&format!("{base}/corridors/{c}/registrations/{a}"))
        .await
        .unwrap();
    submit(&operator, "#arrive-submit").await;
    wait_attr(&operator, "#registration-status", "data-status", "arrived").await;
    assert!(exists(&operator, "#arrived-at").await);
    let plans = text_of(&operator, "#registration-plans").await;
    assert!(plans.contains(&day), "{plans}");
    assert_eq!(
        operator
            .find_all(Locator::Css("#registration-inspections li"))
            .await
            .unwrap()
            .len(),
        1
    );
    // Still none of the other operator's vessel anywhere the first operator looks.
    for path in [
        "registrations",
        "plans",
        "inspections",
        "incidents",
        "notifications",
    ] {
        operator
            .goto(&format!("{base}/corridors/{c}/{path}"))
            .await
            .unwrap();
        let text = page_text(&operator).await;
        assert!(!text.contains("NAVI STAR"), "{path}: {text}");
    }
    // 7. Every corridors page in Arabic, right to left, at a desktop's and a phone's width:
    // nothing scrolls sideways (maps, charts and tables stay inside the page).
    let un = party("un");
    un.goto(&format!("{base}/lang/ar?next=%2F")).await.unwrap();
    for path in [
        format!("/corridors/{c}"),
        format!("/corridors/{c}/registrations"),
        format!("/corridors/{c}/registrations/{a}"),
        format!("/corridors/{c}/plans"),
        plan_path.clone(),
        format!("/corridors/{c}/inspections"),
        inspection_path.clone(),
        format!("/corridors/{c}/incidents"),
        format!("/corridors/{c}/notifications"),
        notification_path.clone(),
        format!("/corridors/{c}/report"),
    ] {
        un.goto(&format!("{base}{path}")).await.unwrap();
        text_of(un, "main").await;
        let dir = un
            .execute("return document.documentElement.dir", vec![])
            .await
            .unwrap();
        assert_eq!(dir, json!("rtl"), "{path}");
        for (w, h) in [(1280, 900), (390, 844)] {
            un.set_window_size(w, h).await.unwrap();
            let inner = un
                .execute("return window.innerWidth", vec![])
                .await
                .unwrap();
            let inner = inner.as_f64().unwrap_or(f64::NAN);
            assert!(
                (inner - f64::from(w)).abs() < 40.0,
                "the window is {inner} px wide, wanted about {w}"
            );
            let (scroll, worst) = overflow(un).await;
            assert!(
                scroll <= 0,
                "{path} in Arabic at {w} px scrolls sideways by {scroll} px (widest: {worst})"
            );
        }
        un.set_window_size(1280, 900).await.unwrap();
    }
    for client in parties
        .into_iter()
        .map(|(_, c)| c)
        .chain([operator, other, coordinator])
    {
        client.close().await.unwrap();
    }
    drop(server);
}
