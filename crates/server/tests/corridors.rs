//! Corridors over real HTTP (the real router, a fresh SQLite store, the corridors' clock fixed
//! by the test): an operator never sees another operator's vessel — list page, direct URL and
//! API alike answer as for an unknown id; every party sees the same plan; an IMO number with a
//! wrong check digit is refused naming the field, in the reader's language on a page; a late
//! registration is flagged and waits for the centre; a plan not approved by the deadline lapses;
//! an inspection one party refuses to sign is disputed until every party signs a revised
//! result; a notification is acknowledged, not approved; the JCC's published table through the
//! API; and every page renders in the six languages with no catalogue key left showing.

mod common;

use base64::Engine;
use common::*;
use serde_json::{Value, json};
use std::sync::Mutex;
use time::OffsetDateTime;

const PW: &str = "neutral ground 2026";

/// Every account of the world: the secretariat, a coordinator, four parties' representatives
/// and inspectors, two shipping agents, a humanitarian organisation and a stranger.
const PEOPLE: &[(&str, Role)] = &[
    ("secretariat", Role::Admin),
    ("coord", Role::Delegate),
    ("rep-ru", Role::Delegate),
    ("rep-tr", Role::Delegate),
    ("rep-ua", Role::Delegate),
    ("rep-un", Role::Delegate),
    ("insp-ru", Role::Delegate),
    ("insp-tr", Role::Delegate),
    ("insp-ua", Role::Delegate),
    ("insp-un", Role::Delegate),
    ("agent-a", Role::Observer),
    ("agent-b", Role::Observer),
    ("wfp-ops", Role::Observer),
    ("stranger", Role::Observer),
];

const PARTIES: [&str; 4] = ["RU", "TR", "UA", "UN"];

struct World {
    app: &'static TestApp,
    clock: Arc<Mutex<OffsetDateTime>>,
    tokens: HashMap<String, String>,
    corridor: String,
}

/// One account's calls: the API with its token, pages with its token and a language.
struct Who<'a> {
    w: &'a World,
    token: String,
}

impl World {
    fn at(&self, t: &str) {
        *self.clock.lock().unwrap() =
            OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap();
    }

    fn who(&self, name: &str) -> Who<'_> {
        Who {
            w: self,
            token: self.tokens[name].clone(),
        }
    }

    fn c(&self) -> String {
        format!("/api/v1/corridors/{}", self.corridor)
    }

    fn p(&self) -> String {
        format!("/corridors/{}", self.corridor)
    }
}

impl Who<'_> {
    async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        send_with_token(req, &self.token).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let app = self.w.app;
        self.send(app.http.get(format!("{}{path}", app.base))).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let app = self.w.app;
        self.send(app.http.post(format!("{}{path}", app.base)).json(&body))
            .await
    }

    /// A POST that must succeed.
    async fn ok(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.post(path, body).await;
        assert!(s.is_success(), "POST {path}: {s} {v}");
        v
    }

    /// A page in a language.
    async fn page_in(&self, path: &str, lang: &str) -> (StatusCode, String) {
        let app = self.w.app;
        let r = app
            .http
            .get(format!("{}{path}", app.base))
            .bearer_auth(&self.token)
            .header(COOKIE, format!("chamber_lang={lang}"))
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    async fn page(&self, path: &str) -> (StatusCode, String) {
        self.page_in(path, "en").await
    }
}

fn leak(app: TestApp) -> &'static TestApp {
    Box::leak(Box::new(app))
}

/// The real app on a random port, its corridors on the test's clock.
async fn spawn(clock: Arc<Mutex<OffsetDateTime>>) -> TestApp {
    spawn_app_made(ServerConfig::default(), |store, config| {
        let mut state = AppState::new(store.clone(), config);
        Arc::get_mut(&mut state).expect("not shared yet").corridors =
            chamber_app::corridors::Corridors::with_clock(
                store,
                Arc::new(move || *clock.lock().unwrap()),
            );
        state
    })
    .await
}

fn corridor_body() -> Value {
    json!({
        "name": "Black Sea corridor",
        "designation": "commercial",
        "parties": ["RU:Russian Federation", "TR:Türkiye", "UA:Ukraine", "UN:United Nations"],
        "route": "46.45,30.75; 45.0,30.9; 43.0,29.9; 41.25,29.1",
        "safety_radius": "10 nmi",
        "ports": ["Odesa @ 46.49,30.74", "Chornomorsk @ 46.30,30.66"],
        "inspection_area": r#"{"type":"Polygon","coordinates":[[[28.8,41.1],[29.4,41.1],[29.4,41.5],[28.8,41.5],[28.8,41.1]]]}"#,
        "registration_lead_hours": 44,
        "plan_deadline": "09:00",
        "approval_deadline": "13:00",
        "inspections_per_day": 2,
        "coordinator": "coord",
    })
}

/// The corridor opened by the secretariat, its centre staffed by the coordinator, three
/// operators admitted; the clock at 2022-08-01 08:00 UTC.
async fn world() -> World {
    let clock = Arc::new(Mutex::new(OffsetDateTime::now_utc()));
    let app = leak(spawn(clock.clone()).await);
    let mut tokens = HashMap::new();
    for (name, role) in PEOPLE {
        let u = app.user(name, *role, PW).await;
        let token = app
            .store
            .create_api_token("test", &u.id, "t")
            .await
            .unwrap();
        tokens.insert(name.to_string(), token);
    }
    let mut w = World {
        app,
        clock,
        tokens,
        corridor: String::new(),
    };
    w.at("2022-07-27T10:00:00Z");
    // Only the secretariat opens corridors.
    let (s, _) = w
        .who("coord")
        .post("/api/v1/corridors", corridor_body())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = w
        .who("secretariat")
        .ok("/api/v1/corridors", corridor_body())
        .await;
    w.corridor = v["corridor"]["id"].as_str().unwrap().to_string();
    let coord = w.who("coord");
    for p in PARTIES {
        let l = p.to_lowercase();
        for (who, role) in [("rep", "representative"), ("insp", "inspector")] {
            coord
                .ok(
                    &format!("{}/members", w.c()),
                    json!({"username": format!("{who}-{l}"), "role": role, "party": p}),
                )
                .await;
        }
    }
    for (name, org) in [
        ("agent-a", "Alpha Shipping"),
        ("agent-b", "Beta Maritime"),
        ("wfp-ops", "World Food Programme"),
    ] {
        coord
            .ok(
                &format!("{}/operators", w.c()),
                json!({"username": name, "organisation": org}),
            )
            .await;
    }
    w.at("2022-08-01T08:00:00Z");
    w
}

fn vessel(imo: &str, name: &str, expected: &str) -> Value {
    json!({
        "carrier": {"kind": "vessel", "imo": imo, "name": name, "flag": "Malta"},
        "cargo": [{"commodity": "Wheat", "tonnage": "30,000", "destination": "Egypt", "consignee": "GASC"}],
        "from": "Odesa", "to": "Alexandria",
        "expected_at_inspection": expected,
    })
}

/// Registers a vessel as `agent`; returns its registration id.
async fn register(w: &World, agent: &str, imo: &str, name: &str, expected: &str) -> String {
    let v = w
        .who(agent)
        .ok(
            &format!("{}/registrations", w.c()),
            vessel(imo, name, expected),
        )
        .await;
    v["registration"]["id"].as_str().unwrap().to_string()
}

/// A plan for `day` moving `regs` at 06:00, proposed by Ukraine's representative.
async fn propose(w: &World, day: &str, regs: &[&str]) -> String {
    let movements: Vec<Value> = regs
        .iter()
        .map(|r| json!({"registration": r, "depart_at": format!("{day}T06:00")}))
        .collect();
    let v = w
        .who("rep-ua")
        .ok(
            &format!("{}/plans", w.c()),
            json!({"day": day, "movements": movements}),
        )
        .await;
    v["plan"]["id"].as_str().unwrap().to_string()
}

/// Queues a registration for inspection and schedules it with every party's inspector.
async fn scheduled_inspection(w: &World, rid: &str, day: &str) -> String {
    let v = w
        .who("agent-a")
        .ok(&format!("{}/registrations/{rid}/queue", w.c()), json!({}))
        .await;
    let iid = v["id"].as_str().unwrap().to_string();
    let team: Vec<Value> = PARTIES
        .iter()
        .map(|p| json!({"party": p, "inspector": format!("insp-{}", p.to_lowercase())}))
        .collect();
    w.who("coord")
        .ok(
            &format!("{}/inspections/{iid}/schedule", w.c()),
            json!({"day": day, "team": team}),
        )
        .await;
    iid
}

#[tokio::test]
async fn an_operator_never_sees_another_operators_vessel_on_any_page_or_in_the_api() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    let b = register(&w, "agent-b", "9590979", "NAVI STAR", "2022-08-04T10:00").await;
    let (agent_a, agent_b) = (w.who("agent-a"), w.who("agent-b"));

    // The list: the centre sees both, each operator only its own.
    let (s, html) = agent_a.page(&format!("{}/registrations", w.p())).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("RAZONI") && !html.contains("NAVI STAR"),
        "{html}"
    );
    assert!(!html.contains(&b));
    let (_, v) = agent_a.get(&format!("{}/registrations", w.c())).await;
    let ids: Vec<&str> = v["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str()]);
    for centre in ["coord", "rep-ru", "rep-un", "insp-tr"] {
        let (_, html) = w
            .who(centre)
            .page(&format!("{}/registrations", w.p()))
            .await;
        assert!(
            html.contains("RAZONI") && html.contains("NAVI STAR"),
            "{centre}"
        );
    }

    // The direct URL: another operator's vessel answers exactly like an unknown id.
    let unknown = "0".repeat(32);
    let (s_other, other) = agent_a.page(&format!("{}/registrations/{b}", w.p())).await;
    let (s_unknown, none) = agent_a
        .page(&format!("{}/registrations/{unknown}", w.p()))
        .await;
    assert_eq!(
        (s_other, s_unknown),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(
        other.replace(&b, "ID"),
        none.replace(&unknown, "ID"),
        "the two 404 pages are the same page"
    );
    assert!(!other.contains("NAVI STAR"));
    for path in [
        format!("{}/registrations/{b}", w.c()),
        format!("{}/registrations/{b}/positions", w.c()),
    ] {
        let (s, v) = agent_a.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
        assert_eq!(v, json!({"error": "not found"}));
    }
    for action in ["withdraw", "arrive", "queue"] {
        let (s, _) = agent_a
            .post(&format!("{}/registrations/{b}/{action}", w.c()), json!({}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{action}");
    }
    let (s, _) = agent_a
        .post(
            &format!("{}/registrations/{b}/positions", w.c()),
            json!({"format": "csv", "text": "time,lat,lon\n2022-08-04T12:00:00Z,41.3,29.1\n"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A plan moving both: each operator sees its own movement and the status, nothing else.
    w.at("2022-08-02T08:00:00Z");
    let plan = propose(&w, "2022-08-03", &[&a, &b]).await;
    let (_, pa) = agent_a.get(&format!("{}/plans/{plan}", w.c())).await;
    assert_eq!(pa["movements"].as_array().unwrap().len(), 1);
    assert!(!pa.to_string().contains(&b) && !pa.to_string().contains("NAVI STAR"));
    let (_, html) = agent_a.page(&format!("{}/plans/{plan}", w.p())).await;
    assert!(html.contains("RAZONI") && !html.contains("NAVI STAR"));
    let (_, html) = agent_a.page(&format!("{}/plans", w.p())).await;
    assert!(!html.contains("NAVI STAR") && !html.contains(&b));

    // The corridor page: an operator sees no other operator (nor the centre's people).
    let (_, html) = agent_a.page(&w.p()).await;
    assert!(!html.contains("Beta Maritime") && !html.contains("agent-b"));
    let (_, v) = agent_a.get(&w.c()).await;
    assert!(!v.to_string().contains("agent-b"), "{v}");
    let (_, html) = w.who("coord").page(&w.p()).await;
    assert!(html.contains("Beta Maritime"));

    // Inspections and incidents of another operator's vessel stay out of sight.
    w.at("2022-08-04T08:00:00Z");
    let vb = agent_b
        .ok(&format!("{}/registrations/{b}/queue", w.c()), json!({}))
        .await;
    let ib = vb["id"].as_str().unwrap();
    let (s, _) = agent_a.get(&format!("{}/inspections/{ib}", w.c())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = agent_a.get(&format!("{}/inspections", w.c())).await;
    assert!(!v.to_string().contains(ib), "{v}");
    assert!(
        v["queue"].as_array().unwrap().is_empty(),
        "no queue for operators"
    );
    let (_, html) = agent_a.page(&format!("{}/inspections", w.p())).await;
    assert!(!html.contains("NAVI STAR") && !html.contains(ib));
    agent_b
        .ok(
            &format!("{}/registrations/{b}/positions", w.c()),
            json!({"format": "csv", "text": "time,lat,lon\n2022-08-04T12:00:00Z,41.30,29.10\n2022-08-04T14:00:00Z,41.60,31.50\n"}),
        )
        .await;
    let (_, v) = agent_a.get(&format!("{}/incidents", w.c())).await;
    assert_eq!(v["incidents"], json!([]));
    let (_, html) = agent_a.page(&format!("{}/incidents", w.p())).await;
    assert!(!html.contains("NAVI STAR"));
    let (_, v) = w.who("rep-ru").get(&format!("{}/incidents", w.c())).await;
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1, "{v}");

    // A stranger learns nothing of the corridor; the secretariat sees the corridor but not
    // the operators' registrations.
    let stranger = w.who("stranger");
    for p in ["", "/registrations", "/plans", "/inspections", "/report"] {
        let (s, _) = stranger.page(&format!("{}{p}", w.p())).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{p}");
        let (s, _) = stranger.get(&format!("{}{p}", w.c())).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{p}");
    }
    let (_, html) = stranger.page("/corridors").await;
    assert!(!html.contains("Black Sea corridor"));
    let (s, _) = w
        .who("secretariat")
        .get(&format!("{}/registrations/{a}", w.c()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_party_sees_the_same_plan_and_it_is_approved_only_by_all() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    w.at("2022-08-02T08:00:00Z");
    // Operators do not propose plans.
    let (s, _) = w
        .who("agent-a")
        .post(
            &format!("{}/plans", w.c()),
            json!({"day": "2022-08-03", "movements": [{"registration": a, "depart_at": "2022-08-03T06:00"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let plan = propose(&w, "2022-08-03", &[&a]).await;
    for (i, rep) in ["rep-ua", "rep-tr", "rep-ru"].iter().enumerate() {
        w.at(&format!("2022-08-02T10:0{i}:00Z"));
        let v = w
            .who(rep)
            .ok(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
            .await;
        assert_eq!(v["plan"]["status"]["status"], "proposed", "{rep}");
    }
    let (_, v) = w
        .who("rep-ru")
        .get(&format!("{}/plans/{plan}", w.c()))
        .await;
    assert_eq!(v["status"]["waiting_for"], json!(["UN"]));
    // An inspector does not decide on plans.
    let (s, _) = w
        .who("insp-un")
        .post(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    w.at("2022-08-02T10:30:00Z");
    let v = w
        .who("rep-un")
        .ok(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
        .await;
    assert_eq!(v["plan"]["status"]["status"], "approved");
    let mut seen = Vec::new();
    for who in ["coord", "rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-ru"] {
        let (s, v) = w.who(who).get(&format!("{}/plans/{plan}", w.c())).await;
        assert_eq!(s, StatusCode::OK);
        seen.push(v);
    }
    assert!(seen.windows(2).all(|p| p[0] == p[1]), "one plan for all");
    assert_eq!(seen[0]["decisions"].as_array().unwrap().len(), 4);
    for who in ["rep-ru", "coord"] {
        let (_, html) = w.who(who).page(&format!("{}/plans/{plan}", w.p())).await;
        assert!(html.contains(r#"data-status="approved""#), "{who}");
    }
    // A decision on an approved plan is refused, in the reader's language on a page.
    let (s, v) = w
        .who("rep-ua")
        .post(
            &format!("{}/plans/{plan}/hold", w.c()),
            json!({"reason": "late"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

#[tokio::test]
async fn an_imo_number_with_a_wrong_check_digit_is_refused_naming_the_field() {
    let w = world().await;
    let path = format!("{}/registrations", w.c());
    let (s, v) = w
        .who("agent-a")
        .post(&path, vessel("9074720", "RAZONI", "2022-08-04T08:00"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = v["error"].as_str().unwrap();
    assert!(e.contains("IMO number") && e.contains("check digit"), "{e}");
    let (s, v) = w
        .who("agent-a")
        .post(&path, vessel("90747", "RAZONI", "2022-08-04T08:00"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("IMO number"), "{v}");
    // A missing field is named too.
    let mut no_cargo = vessel("9074729", "RAZONI", "2022-08-04T08:00");
    no_cargo["cargo"] = json!([]);
    let (s, v) = w.who("agent-a").post(&path, no_cargo).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("cargo"), "{v}");
    // Nothing was stored.
    let (_, v) = w.who("coord").get(&path).await;
    assert_eq!(v["registrations"], json!([]));

    // The page form, signed in with a session, in French: the message names the field in
    // French and gives the expected digit.
    let catalogue = chamber_i18n::Catalogue::load();
    let mut b = w.app.browser();
    b.cookies.insert("chamber_lang".into(), "fr".into());
    b.login("agent-a", PW).await;
    let (s, html) = b.get(&format!("{}/register", w.p())).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("carrier", "vessel"),
        ("imo", "IMO 9074720"),
        ("vessel_name", "RAZONI"),
        ("flag", "Sierra Leone"),
        ("cargo_1_commodity", "corn"),
        ("cargo_1_tonnage", "26,527"),
        ("cargo_1_destination", "Lebanon"),
        ("cargo_1_consignee", "Tripoli Grain"),
        ("from", "Odesa"),
        ("to", "Tripoli"),
        ("expected_at_inspection", "2022-08-04T06:00"),
    ];
    let r = b.post(&format!("{}/registrations", w.p()), &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let want = catalogue.tr(
        chamber_i18n::Lang::Fr,
        "corr-err-imo-check",
        &[
            ("number", "9074720".into()),
            ("expected", "9".into()),
            ("given", "0".into()),
        ],
    );
    assert!(want.contains("OMI") && want.contains("9074720"), "{want}");
    assert!(
        html.contains(&escape(&want)),
        "the French message {want:?} is on the page: {html}"
    );
    // The form comes back as it was sent, the refusal above it: one field to correct.
    assert!(html.contains(r#"id="form-error""#) && html.contains(r#"id="register-form""#));
    for value in [
        r#"id="imo" value="IMO 9074720""#,
        r#"id="vessel-name" value="RAZONI""#,
        r#"id="cargo-1-tonnage" value="26,527""#,
        r#"id="expected" value="2022-08-04T06:00""#,
    ] {
        assert!(html.contains(value), "{value} in {html}");
    }
    let csrf = csrf_of(&html);
    // The right number goes through, and the confirmation is shown.
    let mut good = form.to_vec();
    good[0] = ("csrf", csrf.as_str());
    good[2] = ("imo", "IMO 9074729");
    let r = b.post(&format!("{}/registrations", w.p()), &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=registered"), "{location}");
    let (s, html) = b.get(&location).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("RAZONI") && html.contains("9074729"));
    assert!(html.contains(&escape(&catalogue.tr(
        chamber_i18n::Lang::Fr,
        "corr-done-registered",
        &[]
    ))));
    // A form with no CSRF token is refused.
    let r = b
        .post(&format!("{}/registrations", w.p()), &good[1..])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// What minijinja's auto-escaping makes of a text.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[tokio::test]
async fn a_late_registration_is_flagged_and_waits_for_the_centres_decision() {
    let w = world().await;
    // 12 hours' notice where the rule asks 44.
    let late = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-01T20:00").await;
    let on_time = register(&w, "agent-a", "9590979", "NAVI STAR", "2022-08-04T08:00").await;
    let (_, v) = w
        .who("agent-a")
        .get(&format!("{}/registrations/{late}", w.c()))
        .await;
    assert_eq!(v["registration"]["status"], "late_awaiting_decision", "{v}");
    assert_eq!(v["registration"]["late"]["required_hours"], 44);
    assert_eq!(v["registration"]["plannable"], false);
    let (_, html) = w
        .who("agent-a")
        .page(&format!("{}/registrations/{late}", w.p()))
        .await;
    assert!(html.contains(r#"id="late-flag""#), "{html}");
    assert!(
        !html.contains(r#"id="late-form""#),
        "operators do not decide"
    );
    let (_, html) = w
        .who("coord")
        .page(&format!("{}/registrations/{late}", w.p()))
        .await;
    assert!(html.contains(r#"id="late-form""#));
    let (_, html) = w
        .who("coord")
        .page(&format!("{}/registrations/{on_time}", w.p()))
        .await;
    assert!(!html.contains(r#"id="late-flag""#));
    // The list marks it late.
    let (_, html) = w
        .who("rep-tr")
        .page(&format!("{}/registrations", w.p()))
        .await;
    assert_eq!(html.matches(r#"<tr class="late">"#).count(), 1, "{html}");
    // A plan cannot move it while it waits.
    w.at("2022-08-01T08:30:00Z");
    let (s, v) = w
        .who("rep-ua")
        .post(
            &format!("{}/plans", w.c()),
            json!({"day": "2022-08-02", "movements": [{"registration": late, "depart_at": "2022-08-02T06:00"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .ends_with("cannot be planned: it is late_awaiting_decision"),
        "{v}"
    );
    // The plan form says so in the representative's language, the status worded too.
    let mut rep = w.app.browser();
    rep.cookies.insert("chamber_lang".into(), "fr".into());
    rep.login("rep-ua", PW).await;
    let csrf = rep.csrf().await;
    let r = rep
        .post(
            &format!("{}/plans", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("day", "2022-08-02"),
                (&format!("move_{late}"), "on"),
                (&format!("depart_{late}"), "06:00"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let catalogue = chamber_i18n::Catalogue::load();
    let fr = chamber_i18n::Lang::Fr;
    let want = catalogue.tr(
        fr,
        "corr-err-not-plannable",
        &[
            ("n", "1".into()),
            ("label", "RAZONI (IMO 9086526)".into()),
            (
                "registration_status",
                catalogue.tr(fr, "corr-reg-late_awaiting_decision", &[]),
            ),
        ],
    );
    assert!(html.contains(&escape(&want)), "{want}: {html}");
    // Only the coordinators decide, and a decision needs its reason.
    for who in ["agent-a", "rep-ua"] {
        let (s, _) = w
            .who(who)
            .post(
                &format!("{}/registrations/{late}/late", w.c()),
                json!({"accepted": true, "reason": "urgent cargo"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (s, v) = w
        .who("coord")
        .post(
            &format!("{}/registrations/{late}/late", w.c()),
            json!({"accepted": true, "reason": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"].as_str().unwrap().contains("reason"), "{v}");
    // Through the page form, with a session.
    let mut b = w.app.browser();
    b.login("coord", PW).await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            &format!("{}/registrations/{late}/late", w.p()),
            &[
                ("csrf", &csrf),
                ("reason", "perishable humanitarian cargo"),
                ("decision", "accept"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = w
        .who("rep-ru")
        .get(&format!("{}/registrations/{late}", w.c()))
        .await;
    assert_eq!(v["registration"]["status"], "registered");
    assert_eq!(v["registration"]["plannable"], true);
    let (_, html) = w
        .who("agent-a")
        .page(&format!("{}/registrations/{late}", w.p()))
        .await;
    assert!(
        html.contains(r#"id="late-decision""#) && html.contains("perishable humanitarian cargo")
    );
}

#[tokio::test]
async fn a_plan_not_approved_by_the_deadline_lapses() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    // Too late to propose for tomorrow after the plan deadline (09:00 on the eve).
    w.at("2022-08-02T09:30:00Z");
    let (s, v) = w
        .who("rep-ua")
        .post(
            &format!("{}/plans", w.c()),
            json!({"day": "2022-08-03", "movements": [{"registration": a, "depart_at": "2022-08-03T06:00"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("had to be proposed by"),
        "{v}"
    );
    w.at("2022-08-02T08:00:00Z");
    let plan = propose(&w, "2022-08-03", &[&a]).await;
    for rep in ["rep-ua", "rep-tr", "rep-un"] {
        w.who(rep)
            .ok(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
            .await;
    }
    // Russia's representative holds it, with a reason; a hold without one is refused.
    let (s, _) = w
        .who("rep-ru")
        .post(
            &format!("{}/plans/{plan}/hold", w.c()),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    w.who("rep-ru")
        .ok(
            &format!("{}/plans/{plan}/hold", w.c()),
            json!({"reason": "the departure time clashes with a mine-clearing window"}),
        )
        .await;
    let (_, v) = w.who("coord").get(&format!("{}/plans/{plan}", w.c())).await;
    assert_eq!(v["status"]["status"], "held");
    assert_eq!(v["status"]["held_by"], json!(["RU"]));
    // The approval deadline (13:00) passes: the plan lapsed, for everyone.
    w.at("2022-08-02T13:00:01Z");
    for who in ["coord", "rep-ru", "rep-ua", "agent-a"] {
        let (_, v) = w.who(who).get(&format!("{}/plans/{plan}", w.c())).await;
        assert_eq!(v["status"]["status"], "lapsed", "{who}");
    }
    let (_, html) = w.who("rep-tr").page(&format!("{}/plans", w.p())).await;
    assert!(html.contains(r#"data-status="lapsed""#), "{html}");
    let (_, html) = w
        .who("rep-tr")
        .page(&format!("{}/plans/{plan}", w.p()))
        .await;
    assert!(html.contains(r#"id="lapsed""#));
    assert!(
        !html.contains(r#"id="approve-form""#),
        "no decision after the deadline"
    );
    // A late approval is refused, and the page says why in the reader's language.
    let (s, v) = w
        .who("rep-ru")
        .post(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("lapsed"), "{v}");
    let mut b = w.app.browser();
    b.cookies.insert("chamber_lang".into(), "es".into());
    b.login("rep-ru", PW).await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            &format!("{}/plans/{plan}/approve", w.p()),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let want = chamber_i18n::Catalogue::load().tr(
        chamber_i18n::Lang::Es,
        "corr-err-plan-lapsed",
        &[("deadline", "2022-08-02 13:00 UTC".into())],
    );
    assert!(html.contains(&escape(&want)), "{want}: {html}");
    // Its movements go into another day's plan (a lapsed day may be planned again).
    w.at("2022-08-03T08:00:00Z");
    propose(&w, "2022-08-04", &[&a]).await;
}

#[tokio::test]
async fn an_inspection_one_party_refuses_to_sign_is_disputed_until_all_sign() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    w.at("2022-08-04T08:00:00Z");
    let iid = scheduled_inspection(&w, &a, "2022-08-04").await;
    let path = format!("{}/inspections/{iid}", w.c());
    // Only a team member records; the coordinator does not.
    let (s, _) = w
        .who("coord")
        .post(
            &format!("{path}/result"),
            json!({"outcome": "cleared", "findings": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    w.who("insp-tr")
        .ok(
            &format!("{path}/result"),
            json!({"outcome": "cleared", "findings": "cargo as declared"}),
        )
        .await;
    for insp in ["insp-ua", "insp-un"] {
        w.who(insp).ok(&format!("{path}/sign"), json!({})).await;
    }
    // Signing twice is refused; a refusal needs its reason.
    let (s, _) = w
        .who("insp-ua")
        .post(&format!("{path}/sign"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = w
        .who("insp-ru")
        .post(&format!("{path}/refuse"), json!({"reason": ""}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("reason"), "{v}");
    let v = w
        .who("insp-ru")
        .ok(
            &format!("{path}/refuse"),
            json!({"reason": "hold no. 3 was not opened"}),
        )
        .await;
    assert_eq!(v["inspection"]["status"]["status"], "disputed", "{v}");
    // Every party sees the refusal and its reason; the operator sees the status.
    for who in ["coord", "rep-ua", "insp-tr", "agent-a"] {
        let (s, html) = w
            .who(who)
            .page(&format!("{}/inspections/{iid}", w.p()))
            .await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert!(html.contains(r#"data-status="disputed""#), "{who}");
        assert!(html.contains("hold no. 3 was not opened"), "{who}");
    }
    // The revised result, recorded by Russia's inspector and signed by the other three.
    w.at("2022-08-04T11:00:00Z");
    w.who("insp-ru")
        .ok(
            &format!("{path}/result"),
            json!({"outcome": "cleared", "findings": "hold no. 3 opened: wheat as declared"}),
        )
        .await;
    for insp in ["insp-tr", "insp-ua"] {
        let v = w.who(insp).ok(&format!("{path}/sign"), json!({})).await;
        assert_eq!(v["inspection"]["status"]["status"], "awaiting_signatures");
    }
    let v = w
        .who("insp-un")
        .ok(&format!("{path}/sign"), json!({}))
        .await;
    assert_eq!(v["inspection"]["status"]["status"], "cleared", "{v}");
    let (_, html) = w
        .who("agent-a")
        .page(&format!("{}/inspections/{iid}", w.p()))
        .await;
    assert!(html.contains(r#"data-status="cleared""#));
    assert!(html.contains(r#"id="round-2""#));
}

#[tokio::test]
async fn a_day_full_of_inspections_refuses_the_next_one() {
    let w = world().await;
    let mut regs = Vec::new();
    for (imo, name) in [
        ("9086526", "RAZONI"),
        ("9590979", "NAVI STAR"),
        ("9074729", "RAHMI YAGCI"),
    ] {
        regs.push(register(&w, "agent-a", imo, name, "2022-08-04T08:00").await);
    }
    w.at("2022-08-04T08:00:00Z");
    scheduled_inspection(&w, &regs[0], "2022-08-04").await;
    scheduled_inspection(&w, &regs[1], "2022-08-04").await;
    let v = w
        .who("agent-a")
        .ok(
            &format!("{}/registrations/{}/queue", w.c(), regs[2]),
            json!({}),
        )
        .await;
    let iid = v["id"].as_str().unwrap();
    let (s, v) = w
        .who("coord")
        .post(
            &format!("{}/inspections/{iid}/schedule", w.c()),
            json!({"day": "2022-08-04"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"], "2022-08-04 is full: 2 inspections a day");
    // The queue shows the expected day and waiting time.
    let (_, v) = w.who("coord").get(&format!("{}/inspections", w.c())).await;
    assert_eq!(v["queue"].as_array().unwrap().len(), 3, "{v}");
    // The next day has room (the form's defaults: the first inspector of every party).
    let mut b = w.app.browser();
    b.login("coord", PW).await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            &format!("{}/inspections/{iid}/schedule", w.p()),
            &[("csrf", csrf.as_str()), ("day", "2022-08-05")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let (_, v) = w
        .who("coord")
        .get(&format!("{}/inspections/{iid}", w.c()))
        .await;
    assert_eq!(v["day"], "2022-08-05");
    assert_eq!(v["team"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn transit_reports_outside_the_radius_raise_an_incident_every_party_sees() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    w.at("2022-08-04T20:00:00Z");
    let csv = "time,lat,lon\n2022-08-04T12:00:00Z,41.30,29.10\n2022-08-04T14:00:00Z,41.40,30.20\n2022-08-04T16:00:00Z,41.60,31.50\n";
    let v = w
        .who("agent-a")
        .ok(
            &format!("{}/registrations/{a}/positions", w.c()),
            json!({"format": "csv", "text": csv}),
        )
        .await;
    assert_eq!(v["check"]["incidents"].as_array().unwrap().len(), 1, "{v}");
    // A bad line is named.
    let (s, v) = w
        .who("agent-a")
        .post(
            &format!("{}/registrations/{a}/positions", w.c()),
            json!({"format": "csv", "text": "time,lat,lon\nnoon,41,29\n"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("line 2"), "{v}");
    for who in [
        "coord", "rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-un", "agent-a",
    ] {
        let (_, v) = w.who(who).get(&format!("{}/incidents", w.c())).await;
        assert_eq!(v["incidents"].as_array().unwrap().len(), 1, "{who}");
        let (_, html) = w.who(who).page(&format!("{}/incidents", w.p())).await;
        assert!(
            html.contains(r#"class="incident deviation""#),
            "{who}: {html}"
        );
    }
    let (_, v) = w
        .who("agent-a")
        .get(&format!("{}/registrations/{a}/positions", w.c()))
        .await;
    assert_eq!(v["positions"].as_array().unwrap().len(), 3);
    let (_, html) = w
        .who("rep-un")
        .page(&format!("{}/registrations/{a}", w.p()))
        .await;
    assert_eq!(
        html.matches(r#"class="position outside""#).count(),
        2,
        "{html}"
    );
    // The operator records the arrival.
    let v = w
        .who("agent-a")
        .ok(&format!("{}/registrations/{a}/arrive", w.c()), json!({}))
        .await;
    assert_eq!(v["registration"]["status"], "arrived");
}

#[tokio::test]
async fn a_notification_is_acknowledged_by_each_party_and_never_called_an_approval() {
    let w = world().await;
    let v = w
        .who("wfp-ops")
        .ok(
            &format!("{}/notifications", w.c()),
            json!({"kind": "movement", "geometry": "46.49,30.74; 45.3,30.9",
                   "from": "2022-08-05T06:00", "until": "2022-08-05T18:00",
                   "description": "WFP convoy of 12 trucks, flour"}),
        )
        .await;
    let nid = v["notification"]["id"].as_str().unwrap().to_string();
    let path = format!("{}/notifications/{nid}", w.c());
    // Representatives acknowledge for their own party, once; others may not.
    for who in ["coord", "insp-ua", "wfp-ops"] {
        let (s, _) = w
            .who(who)
            .post(&format!("{path}/acknowledge"), json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (s, _) = w.who("agent-a").get(&path).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another organisation's notification"
    );
    for (i, rep) in ["rep-ua", "rep-ru", "rep-tr"].iter().enumerate() {
        let v = w
            .who(rep)
            .ok(&format!("{path}/acknowledge"), json!({}))
            .await;
        assert_eq!(
            v["notification"]["awaiting"].as_array().unwrap().len(),
            3 - i,
            "{v}"
        );
    }
    let (s, _) = w
        .who("rep-ua")
        .post(&format!("{path}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "once per party");
    let (_, v) = w.who("wfp-ops").get(&path).await;
    assert_eq!(v["awaiting"], json!(["UN"]));
    assert!(!v.to_string().contains("approved"), "{v}");
    let catalogue = chamber_i18n::Catalogue::load();
    for lang in chamber_i18n::Lang::ALL {
        let (_, html) = w
            .who("wfp-ops")
            .page_in(&format!("{}/notifications/{nid}", w.p()), lang.code())
            .await;
        let statement = catalogue.tr(lang, "corr-ack-not-approval", &[]);
        assert!(html.contains(&escape(&statement)), "{}", lang.code());
        assert_eq!(html.matches("<td>UA</td>").count(), 1);
    }
    let (_, html) = w
        .who("rep-un")
        .page(&format!("{}/notifications/{nid}", w.p()))
        .await;
    assert!(html.contains(r#"id="acknowledge-form""#));
    let (_, html) = w
        .who("rep-ua")
        .page(&format!("{}/notifications/{nid}", w.p()))
        .await;
    assert!(
        !html.contains(r#"id="acknowledge-form""#),
        "already acknowledged"
    );
    // A refused notification form comes back filled in, the refusal above it.
    let mut wfp = w.app.browser();
    wfp.login("wfp-ops", PW).await;
    let csrf = wfp.csrf().await;
    let r = wfp
        .post(
            &format!("{}/notifications", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("kind", "static_site"),
                (
                    "geometry",
                    r#"{"type":"Point","coordinates":[30.74,46.49]}"#,
                ),
                ("from", "2022-08-09T18:00"),
                ("until", "2022-08-05T06:00"),
                ("description", "WFP warehouse, Odesa"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="form-error""#), "{html}");
    assert!(
        html.contains("time window"),
        "the refusal names the field: {html}"
    );
    for kept in [
        r#"<option value="static_site" selected>"#,
        r#"id="notify-from" value="2022-08-09T18:00""#,
        ">WFP warehouse, Odesa</textarea>",
    ] {
        assert!(html.contains(kept), "{kept} in {html}");
    }
}

/// Every key marker a page could show when a catalogue message is missing, and every Fluent
/// variable left unfilled.
fn untranslated(html: &str) -> Vec<String> {
    let key =
        regex_lite::Regex::new(r"[>\s(]((?:corr|error|nav|platform)-[a-z0-9-]+)[<\s).,:]").unwrap();
    let mut found: Vec<String> = key.captures_iter(html).map(|c| c[1].to_string()).collect();
    if html.contains("{$") || html.contains("{ $") {
        found.push("an unfilled Fluent variable".into());
    }
    found
}

#[tokio::test]
async fn every_corridor_page_renders_in_the_six_languages() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    let late = register(&w, "agent-a", "9590979", "NAVI STAR", "2022-08-01T20:00").await;
    w.at("2022-08-02T08:00:00Z");
    let plan = propose(&w, "2022-08-03", &[&a]).await;
    w.who("rep-ru")
        .ok(
            &format!("{}/plans/{plan}/hold", w.c()),
            json!({"reason": "timing"}),
        )
        .await;
    w.at("2022-08-04T08:00:00Z");
    let iid = scheduled_inspection(&w, &a, "2022-08-04").await;
    w.who("insp-tr")
        .ok(
            &format!("{}/inspections/{iid}/result", w.c()),
            json!({"outcome": "hold", "reason": "fumigation certificate missing", "findings": "-"}),
        )
        .await;
    w.who("insp-ru")
        .ok(
            &format!("{}/inspections/{iid}/refuse", w.c()),
            json!({"reason": "not present"}),
        )
        .await;
    w.who("agent-a")
        .ok(
            &format!("{}/registrations/{a}/positions", w.c()),
            json!({"format": "csv", "text": "time,lat,lon\n2022-08-04T12:00:00Z,41.30,29.10\n2022-08-04T16:00:00Z,41.60,31.50\n"}),
        )
        .await;
    let v = w
        .who("wfp-ops")
        .ok(
            &format!("{}/notifications", w.c()),
            json!({"kind": "static_site", "geometry": r#"{"type":"Point","coordinates":[30.74,46.49]}"#,
                   "from": "2022-08-05T06:00", "until": "2022-08-09T18:00", "description": "WFP warehouse"}),
        )
        .await;
    let nid = v["notification"]["id"].as_str().unwrap();
    w.who("rep-ua")
        .ok(
            &format!("{}/notifications/{nid}/acknowledge", w.c()),
            json!({}),
        )
        .await;
    let p = w.p();
    let centre_pages = vec![
        "/corridors".to_string(),
        p.clone(),
        format!("{p}/registrations"),
        format!("{p}/registrations/{a}"),
        format!("{p}/registrations/{late}"),
        format!("{p}/plans"),
        format!("{p}/plans/{plan}"),
        format!("{p}/inspections"),
        format!("{p}/inspections/{iid}"),
        format!("{p}/incidents"),
        format!("{p}/notifications"),
        format!("{p}/notifications/{nid}"),
        format!("{p}/report"),
        format!("{p}/voyages"),
        format!("{p}/imports"),
    ];
    // The English wording of every corridors message long enough to be unmistakable, to
    // find a language that still shows English (a catalogue copied, not translated).
    let catalogue = chamber_i18n::Catalogue::load();
    let english: Vec<(String, String)> = chamber_i18n::Catalogue::keys(chamber_i18n::Lang::En)
        .into_iter()
        .filter(|k| k.starts_with("corr-"))
        .map(|k| {
            let text = catalogue.tr(chamber_i18n::Lang::En, &k, &[]);
            (k, text)
        })
        .filter(|(_, text)| text.chars().count() >= 12 && !text.contains('{'))
        .collect();
    assert!(english.len() > 100);
    let mut seen = 0;
    for (who, pages) in [
        ("coord", centre_pages.clone()),
        ("rep-ua", centre_pages.clone()),
        ("insp-tr", centre_pages.clone()),
        (
            "agent-a",
            vec![
                "/corridors".to_string(),
                p.clone(),
                format!("{p}/register"),
                format!("{p}/registrations"),
                format!("{p}/registrations/{a}"),
                format!("{p}/plans"),
                format!("{p}/plans/{plan}"),
                format!("{p}/inspections"),
                format!("{p}/inspections/{iid}"),
                format!("{p}/incidents"),
                format!("{p}/notifications"),
                format!("{p}/report"),
            ],
        ),
        (
            "wfp-ops",
            vec![format!("{p}/notifications/{nid}"), format!("{p}/register")],
        ),
        ("secretariat", vec!["/corridors".to_string(), p.clone()]),
    ] {
        for lang in chamber_i18n::Lang::ALL {
            // In Russian, Chinese and Arabic no corridors sentence reads as in English; in
            // French and Spanish a word may (Inspections, Total), so only a message the
            // language words differently counts.
            let non_latin = matches!(
                lang,
                chamber_i18n::Lang::Ru | chamber_i18n::Lang::Zh | chamber_i18n::Lang::Ar
            );
            for page in &pages {
                let (s, html) = w.who(who).page_in(page, lang.code()).await;
                assert_eq!(s, StatusCode::OK, "{who} {page} in {}: {html}", lang.code());
                assert!(html.contains(&format!("lang=\"{}\"", lang.code())));
                let still_english: Vec<&str> = english
                    .iter()
                    .filter(|(k, text)| {
                        lang != chamber_i18n::Lang::En
                            && (non_latin || catalogue.tr(lang, k, &[]) != *text)
                            && html.contains(&escape(text))
                    })
                    .map(|(k, _)| k.as_str())
                    .collect();
                assert!(
                    still_english.is_empty(),
                    "{who} {page} in {} shows English: {still_english:?}",
                    lang.code()
                );
                let missing = untranslated(&html);
                assert!(
                    missing.is_empty(),
                    "{who} {page} in {} shows {missing:?}",
                    lang.code()
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 300, "{seen} pages");
    // The marker check itself finds a missing key.
    assert_eq!(
        untranslated("<td>corr-status-bogus</td>"),
        ["corr-status-bogus"]
    );
}

#[tokio::test]
async fn the_published_table_through_the_api_and_the_report_pages() {
    let dir = chamber_testkit::require_shared!("data/corridors/black-sea-grain-initiative");
    let file = dir.join("black-sea-grain-initiative-vessel-movements.xlsx");
    let bytes = std::fs::read(&file).unwrap();
    let w = world().await;
    let body = json!({"file_name": "black-sea-grain-initiative-vessel-movements.xlsx",
                      "content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes)});
    // Operators and parties' representatives do not import; coordinators do.
    let (s, _) = w
        .who("agent-a")
        .post(&format!("{}/imports", w.c()), body.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = w.who("coord").ok(&format!("{}/imports", w.c()), body).await;
    assert_eq!(v["import"]["voyages"], 633, "{v}");
    assert_eq!(v["import"]["cargo_lines"], 714);
    let (_, r) = w.who("agent-a").get(&format!("{}/report", w.c())).await;
    assert_eq!(r["voyages"], 633, "{r}");
    assert_eq!(r["cargo_lines"], 714);
    let tonnes = r["tonnage"]
        .as_f64()
        .or_else(|| r["tonnage"]["kg"].as_f64().map(|k| k / 1000.0));
    let (_, page) = w.who("rep-tr").page(&format!("{}/report", w.p())).await;
    assert!(page.contains(r#"id="figure-voyages">633<"#), "{page}");
    assert!(page.contains(r#"id="figure-lines">714<"#));
    assert!(page.matches("<svg").count() >= 8, "every chart drawn");
    if let Some(t) = tonnes {
        assert!((16.8e6..17.0e6).contains(&t), "{t}");
    }
    for lang in chamber_i18n::Lang::ALL {
        for path in ["report", "voyages", "imports", "voyages/1"] {
            let (s, html) = w
                .who("agent-b")
                .page_in(&format!("{}/{path}", w.p()), lang.code())
                .await;
            assert_eq!(s, StatusCode::OK, "{path} {}", lang.code());
            assert!(
                untranslated(&html).is_empty(),
                "{path} {}: {:?}",
                lang.code(),
                untranslated(&html)
            );
        }
    }
    // The exports: CSV with its HXL hashtag row, XLSX.
    let r = w
        .app
        .http
        .get(format!("{}{}/export/voyages.csv", w.app.base, w.p()))
        .bearer_auth(&w.tokens["rep-ua"])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert_eq!(
        csv.lines().count(),
        2 + 714,
        "header, hashtags, one row a cargo line"
    );
    assert!(csv.lines().nth(1).unwrap().starts_with('#'));
    let (s, _) = w.who("stranger").get(&format!("{}/report", w.c())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_humanitarian_corridor_is_opened_and_used_through_the_page_forms() {
    let w = world().await;
    let catalogue = chamber_i18n::Catalogue::load();
    // The secretariat opens it with the page form (parties and ports one a line).
    let mut admin = w.app.browser();
    admin.login("secretariat", PW).await;
    let (_, html) = admin.get("/corridors").await;
    let csrf = csrf_of(&html);
    let r = admin
        .post(
            "/corridors",
            &[
                ("csrf", csrf.as_str()),
                ("name", "Reni–Palanca humanitarian corridor"),
                ("designation", "humanitarian"),
                ("parties", "UA:Ukraine\r\nUN:United Nations\r\n"),
                ("route", "46.49,30.74; 46.42,30.39"),
                ("safety_radius", "5 km"),
                ("ports", "Odesa @ 46.49,30.74\r\n"),
                ("crossing_points", "Palanca @ 46.42,30.09"),
                ("inspection_area", ""),
                ("registration_lead_hours", "24"),
                ("plan_deadline", "13:00"),
                ("approval_deadline", "16:00"),
                ("inspections_per_day", "10"),
                ("coordinator", "coord"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let location = r.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=opened"), "{location}");
    let id = location
        .trim_start_matches("/corridors/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (_, v) = w.who("coord").get(&format!("/api/v1/corridors/{id}")).await;
    assert_eq!(v["designation"], "humanitarian", "{v}");
    assert_eq!(v["parties"].as_array().unwrap().len(), 2);
    assert_eq!(v["points"].as_array().unwrap().len(), 2);
    // The coordinator admits the World Food Programme's operations account.
    let mut coord = w.app.browser();
    coord.login("coord", PW).await;
    let csrf = coord.csrf().await;
    let r = coord
        .post(
            &format!("/corridors/{id}/operators"),
            &[
                ("csrf", csrf.as_str()),
                ("username", "wfp-ops"),
                ("organisation", "World Food Programme"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A convoy registered in Arabic: each refusal in Arabic, then accepted.
    let mut wfp = w.app.browser();
    wfp.cookies.insert("chamber_lang".into(), "ar".into());
    wfp.login("wfp-ops", PW).await;
    let (s, html) = wfp.get(&format!("/corridors/{id}/register")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("dir=\"rtl\""));
    let csrf = csrf_of(&html);
    let convoy = |humanitarian: bool, organisation: &'static str, affirmed: bool| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("carrier", "convoy".to_string()),
            ("plates", "AA 1234 BB\r\nAA 5678 BB".to_string()),
            ("composition", "12 trucks, 2 escort vehicles".to_string()),
            ("flag", "Ukraine".to_string()),
            ("cargo_1_commodity", "Wheat flour".to_string()),
            ("cargo_1_tonnage", "240".to_string()),
            ("cargo_1_destination", "Moldova".to_string()),
            ("cargo_1_consignee", "WFP Chisinau".to_string()),
            ("from", "Odesa".to_string()),
            ("to", "Chisinau".to_string()),
            ("expected_at_inspection", "2022-08-03T06:00".to_string()),
            ("organisation", organisation.to_string()),
            ("appeal", "Ukraine Flash Appeal 2022".to_string()),
        ];
        if humanitarian {
            f.push(("cargo_1_humanitarian", "yes".to_string()));
        }
        if affirmed {
            f.push(("principles_affirmed", "yes".to_string()));
        }
        f
    };
    let ar = chamber_i18n::Lang::Ar;
    for (form, key) in [
        (
            convoy(false, "World Food Programme", true),
            "corr-err-humanitarian-corridor",
        ),
        (convoy(true, "", true), "corr-err-designation-needed"),
        (
            convoy(true, "World Food Programme", false),
            "corr-err-principles",
        ),
    ] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = wfp
            .post(&format!("/corridors/{id}/registrations"), &pairs)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        let html = r.text().await.unwrap();
        let want = catalogue.tr(ar, key, &[]);
        assert!(html.contains(&escape(&want)), "{key}: {want} not in {html}");
    }
    let form = convoy(true, "World Food Programme", true);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = wfp
        .post(&format!("/corridors/{id}/registrations"), &pairs)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let location = r.headers()[LOCATION].to_str().unwrap().to_string();
    let (_, html) = wfp.get(&location).await;
    assert!(html.contains("AA 1234 BB, AA 5678 BB"), "{html}");
    assert!(html.contains("World Food Programme — Ukraine Flash Appeal 2022"));
    assert!(html.contains(&catalogue.tr(ar, "corr-humanitarian-cargo", &[])));
}

/// Every corridors route as the server defines it (each also under `/api/v1`, but the
/// registration form, a page only); `{c}` corridor, `{r}` registration, `{p}` plan, `{i}`
/// inspection, `{n}` notification, `{s}` voyage sequence number, `{f}` export file.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/corridors"),
    ("POST", "/corridors"),
    ("POST", "/corridors/import"),
    ("GET", "/corridors/{c}"),
    ("GET", "/corridors/{c}/register"),
    ("POST", "/corridors/{c}/status"),
    ("POST", "/corridors/{c}/members"),
    ("POST", "/corridors/{c}/operators"),
    ("POST", "/corridors/{c}/coordinators"),
    ("GET", "/corridors/{c}/registrations"),
    ("POST", "/corridors/{c}/registrations"),
    ("GET", "/corridors/{c}/registrations/{r}"),
    ("POST", "/corridors/{c}/registrations/{r}/late"),
    ("POST", "/corridors/{c}/registrations/{r}/withdraw"),
    ("POST", "/corridors/{c}/registrations/{r}/arrive"),
    ("POST", "/corridors/{c}/registrations/{r}/queue"),
    ("GET", "/corridors/{c}/registrations/{r}/positions"),
    ("POST", "/corridors/{c}/registrations/{r}/positions"),
    ("GET", "/corridors/{c}/plans"),
    ("POST", "/corridors/{c}/plans"),
    ("GET", "/corridors/{c}/plans/{p}"),
    ("POST", "/corridors/{c}/plans/{p}/approve"),
    ("POST", "/corridors/{c}/plans/{p}/hold"),
    ("POST", "/corridors/{c}/plans/{p}/amend"),
    ("GET", "/corridors/{c}/inspections"),
    ("GET", "/corridors/{c}/inspections/{i}"),
    ("POST", "/corridors/{c}/inspections/{i}/schedule"),
    ("POST", "/corridors/{c}/inspections/{i}/result"),
    ("POST", "/corridors/{c}/inspections/{i}/sign"),
    ("POST", "/corridors/{c}/inspections/{i}/refuse"),
    ("GET", "/corridors/{c}/incidents"),
    ("GET", "/corridors/{c}/notifications"),
    ("POST", "/corridors/{c}/notifications"),
    ("GET", "/corridors/{c}/notifications/{n}"),
    ("POST", "/corridors/{c}/notifications/{n}/acknowledge"),
    ("GET", "/corridors/{c}/report"),
    ("GET", "/corridors/{c}/voyages"),
    ("GET", "/corridors/{c}/voyages/{s}"),
    ("GET", "/corridors/{c}/imports"),
    ("POST", "/corridors/{c}/imports"),
    ("GET", "/corridors/{c}/export/{f}"),
];

/// Every corridors route, pages and API, with real, foreign, unknown and malformed ids, empty,
/// wrong-typed and garbage bodies, as an operator, a coordinator, a stranger and nobody: never
/// a server error (the fuzz test's route table reads only literal `.route("…")` calls, which
/// the corridors' shared page/API table does not use).
#[tokio::test]
async fn no_corridors_route_answers_a_server_error_whatever_it_is_sent() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    let b = register(&w, "agent-b", "9590979", "NAVI STAR", "2022-08-04T10:00").await;
    w.at("2022-08-02T08:00:00Z");
    let plan = propose(&w, "2022-08-03", &[&a, &b]).await;
    w.at("2022-08-04T08:00:00Z");
    let iid = scheduled_inspection(&w, &a, "2022-08-04").await;
    let v = w
        .who("wfp-ops")
        .ok(
            &format!("{}/notifications", w.c()),
            json!({"kind": "movement", "geometry": "46.49,30.74; 45.3,30.9",
                   "from": "2022-08-05T06:00", "until": "2022-08-05T18:00", "description": "convoy"}),
        )
        .await;
    let nid = v["notification"]["id"].as_str().unwrap().to_string();
    let c = w.corridor.clone();
    let routes = ROUTES;
    // One slot varied at a time, the others real.
    let odd = [
        "0".repeat(32),
        "xyz".into(),
        "%2e%2e".into(),
        "A".repeat(300),
        "-1".into(),
    ];
    let real = [
        ("{c}", c.clone()),
        ("{r}", a.clone()),
        ("{p}", plan.clone()),
        ("{i}", iid.clone()),
        ("{n}", nid.clone()),
        ("{s}", "1".to_string()),
        ("{f}", "voyages.csv".to_string()),
    ];
    let fill = |t: &str, slot: Option<(&str, &str)>| {
        let mut path = t.to_string();
        for (k, v) in &real {
            let v = match slot {
                Some((s, odd)) if s == *k => odd,
                _ => v.as_str(),
            };
            path = path.replace(k, v);
        }
        path
    };
    let bodies: Vec<Option<Value>> = vec![
        None,
        Some(json!({})),
        Some(json!([1, 2])),
        Some(
            json!({"movements": 5, "day": [], "team": "x", "reports": {"a": 1}, "carrier": 3,
                    "cargo": "x", "role": "nobody", "username": 7, "status": null, "format": "xml",
                    "text": "time,lat,lon\n2022-13-45T99:00,400,-500\n", "content_base64": "!!",
                    "geometry": "{", "kind": "movement", "from": "x", "until": "y"}),
        ),
        Some(
            json!({"carrier": {"kind": "convoy", "plates": ["x"], "composition": "", "flag": ""},
                    "cargo": [{"commodity": "", "tonnage": "-1", "destination": "", "consignee": ""}],
                    "from": "", "to": "", "expected_at_inspection": "9999-99-99",
                    "movements": [{"registration": b, "depart_at": "nonsense"}], "day": "2022-02-30",
                    "outcome": "maybe", "accepted": "perhaps", "reason": "\u{0}"}),
        ),
    ];
    let callers = ["agent-a", "coord", "stranger"];
    let mut sent = 0;
    for (method, template) in routes {
        let mut paths = vec![fill(template, None)];
        for (slot, _) in &real {
            if template.contains(slot) {
                for o in &odd {
                    paths.push(fill(template, Some((slot, o))));
                }
            }
        }
        for path in &paths {
            for api in [false, true] {
                let url = if api {
                    format!("{}/api/v1{path}", w.app.base)
                } else {
                    format!("{}{path}", w.app.base)
                };
                for who in callers.iter().map(Some).chain([None]) {
                    let bodies: &[Option<Value>] = if *method == "GET" {
                        &bodies[..1]
                    } else {
                        &bodies
                    };
                    for body in bodies {
                        let mut req = if *method == "GET" {
                            w.app.http.get(&url)
                        } else {
                            w.app.http.post(&url)
                        };
                        if let Some(who) = who {
                            req = req.bearer_auth(&w.tokens[*who]);
                        }
                        req = match body {
                            Some(b) if api => req.json(b),
                            Some(b) => req
                                .header("content-type", "application/x-www-form-urlencoded")
                                .body(b.to_string()),
                            None => req,
                        };
                        let r = req.send().await.unwrap();
                        let status = r.status();
                        assert!(
                            !status.is_server_error(),
                            "{method} {url} as {who:?} with {body:?}: {status} {}",
                            r.text().await.unwrap_or_default()
                        );
                        sent += 1;
                    }
                }
            }
        }
    }
    assert!(sent > 3000, "{sent} requests");
    // Nothing of the above changed what the centre sees of the plan or the registration.
    let (_, v) = w.who("coord").get(&format!("{}/plans/{plan}", w.c())).await;
    assert_eq!(v["movements"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_amendment_by_page_form_makes_a_new_version_every_party_approves_anew() {
    let w = world().await;
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    let b = register(&w, "agent-b", "9590979", "NAVI STAR", "2022-08-04T10:00").await;
    w.at("2022-08-02T08:00:00Z");
    let plan = propose(&w, "2022-08-03", &[&a, &b]).await;
    for rep in ["rep-tr", "rep-un"] {
        w.who(rep)
            .ok(&format!("{}/plans/{plan}/approve", w.c()), json!({}))
            .await;
    }
    let (s, _) = w
        .who("agent-b")
        .get(&format!("{}/plans/{plan}", w.c()))
        .await;
    assert_eq!(s, StatusCode::OK, "agent-b's vessel moves under it");
    // Russia's representative amends it on the page: RAZONI alone, at 07:15.
    let mut rep = w.app.browser();
    rep.login("rep-ru", PW).await;
    let (s, html) = rep.get(&format!("{}/plans/{plan}", w.p())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"id="amend-form""#), "{html}");
    assert!(
        html.contains(&format!(
            r#"name="move_{a}" id="move-{a}" value="on" checked"#
        )),
        "the form starts from the plan as it stands"
    );
    let csrf = csrf_of(&html);
    let r = rep
        .post(
            &format!("{}/plans/{plan}/amend", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("day", "2022-08-03"),
                (&format!("move_{a}"), "on"),
                (&format!("depart_{a}"), "07:15"),
                (&format!("depart_{b}"), "06:00"),
                ("note", "NAVI STAR's hold no. 2 is not cleared"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let (_, v) = w.who("coord").get(&format!("{}/plans/{plan}", w.c())).await;
    assert_eq!(v["version"], 2, "{v}");
    let movements = v["movements"].as_array().unwrap();
    assert_eq!(movements.len(), 1);
    assert_eq!(movements[0]["registration"], a.as_str());
    assert_eq!(movements[0]["depart_at"], "2022-08-03T07:15:00Z");
    assert_eq!(v["status"]["status"], "proposed");
    let waiting: Vec<&str> = v["status"]["waiting_for"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for party in ["TR", "UN", "UA"] {
        assert!(
            waiting.contains(&party),
            "{party}'s approval of version 1 is void: {v}"
        );
    }
    // NAVI STAR no longer moves under it: its operator no longer sees the plan.
    let (s, _) = w
        .who("agent-b")
        .get(&format!("{}/plans/{plan}", w.c()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, html) = w
        .who("rep-ua")
        .page(&format!("{}/plans/{plan}", w.p()))
        .await;
    assert!(html.contains(r#"class="decision amend""#), "{html}");
    assert!(html.contains("NAVI STAR&#x27;s hold no. 2 is not cleared"));
    // An amendment needs its note.
    let r = rep
        .post(
            &format!("{}/plans/{plan}/amend", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("day", "2022-08-03"),
                (&format!("move_{a}"), "on"),
                (&format!("depart_{a}"), "07:30"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_suspended_corridor_takes_no_registration_and_says_so_in_the_readers_language() {
    let w = world().await;
    // Only coordinators change the status, and with a reason.
    let (s, _) = w
        .who("rep-ua")
        .post(
            &format!("{}/status", w.c()),
            json!({"status": "suspended", "reason": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = w
        .who("coord")
        .post(
            &format!("{}/status", w.c()),
            json!({"status": "suspended", "reason": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut coord = w.app.browser();
    coord.login("coord", PW).await;
    let csrf = coord.csrf().await;
    let r = coord
        .post(
            &format!("{}/status", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("status", "suspended"),
                ("reason", "naval activity reported near the route"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Every party and the operator see the status and its reason.
    for who in ["agent-a", "rep-ru"] {
        let (_, html) = w.who(who).page(&w.p()).await;
        assert!(
            html.contains("naval activity reported near the route"),
            "{who}"
        );
        assert!(html.contains(r#"<span class="badge suspended">"#), "{who}");
    }
    let (s, v) = w
        .who("agent-a")
        .post(
            &format!("{}/registrations", w.c()),
            vessel("9086526", "RAZONI", "2022-08-04T08:00"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        v["error"],
        "the corridor is suspended: no registrations are taken"
    );
    let mut agent = w.app.browser();
    agent.cookies.insert("chamber_lang".into(), "ru".into());
    agent.login("agent-a", PW).await;
    let (_, html) = agent.get(&format!("{}/register", w.p())).await;
    let csrf = csrf_of(&html);
    let r = agent
        .post(
            &format!("{}/registrations", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("carrier", "vessel"),
                ("imo", "9086526"),
                ("vessel_name", "RAZONI"),
                ("flag", "Sierra Leone"),
                ("cargo_1_commodity", "corn"),
                ("cargo_1_tonnage", "26527"),
                ("cargo_1_destination", "Lebanon"),
                ("cargo_1_consignee", "Tripoli Grain"),
                ("from", "Odesa"),
                ("to", "Tripoli"),
                ("expected_at_inspection", "2022-08-04T06:00"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let catalogue = chamber_i18n::Catalogue::load();
    let ru = chamber_i18n::Lang::Ru;
    let want = catalogue.tr(
        ru,
        "corr-err-not-open",
        &[("status", catalogue.tr(ru, "corr-status-suspended", &[]))],
    );
    assert!(html.contains(&escape(&want)), "{want}: {html}");
    // Reopened, it takes registrations again.
    w.who("coord")
        .ok(
            &format!("{}/status", w.c()),
            json!({"status": "open", "reason": "the area is clear"}),
        )
        .await;
    register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    let (_, v) = w.who("agent-a").get(&w.c()).await;
    assert_eq!(v["status_history"].as_array().unwrap().len(), 3, "{v}");
}

#[tokio::test]
async fn every_corridors_api_route_is_in_the_openapi_description() {
    let w = world().await;
    let (s, spec) = w.who("agent-a").get("/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let paths = spec["paths"].as_object().expect("paths");
    let mut missing = Vec::new();
    for (method, template) in ROUTES {
        if template.ends_with("/register") {
            continue; // the registration form: a page only
        }
        let path = format!("/api/v1{template}")
            .replace("{c}", "{id}")
            .replace("{r}", "{rid}")
            .replace("{p}", "{pid}")
            .replace("{i}", "{iid}")
            .replace("{n}", "{nid}")
            .replace("{s}", "{seq}")
            .replace("{f}", "{file}");
        if paths
            .get(&path)
            .and_then(|p| p.get(method.to_lowercase()))
            .is_none()
        {
            missing.push(format!("{method} {path}"));
        }
    }
    assert!(missing.is_empty(), "not described: {missing:?}");
    // And nothing described that the server does not answer.
    let described = paths
        .keys()
        .filter(|p| p.starts_with("/api/v1/corridors"))
        .count();
    assert!(described <= ROUTES.len(), "{described}");
}

/// A refused page form comes back as it was sent, open, with the refusal above it: the
/// secretariat's corridor form and a representative's plan proposal (the two longest forms
/// after the registration's), so one field is corrected, not the whole form typed again.
#[tokio::test]
async fn a_refused_corridor_or_plan_form_comes_back_filled_in() {
    let w = world().await;
    let mut admin = w.app.browser();
    admin.login("secretariat", PW).await;
    let (_, html) = admin.get("/corridors").await;
    assert!(!html.contains(r#"id="form-error""#));
    let csrf = csrf_of(&html);
    let r = admin
        .post(
            "/corridors",
            &[
                ("csrf", csrf.as_str()),
                ("name", "Reni–Palanca humanitarian corridor"),
                ("designation", "commercial"),
                ("parties", "UA:Ukraine\r\nUN:United Nations"),
                ("route", "46.49,30.74; 46.42,30.39"),
                ("safety_radius", "five leagues"),
                ("ports", "Odesa @ 46.49,30.74"),
                ("crossing_points", ""),
                ("inspection_area", ""),
                ("registration_lead_hours", "24"),
                ("plan_deadline", "12:30"),
                ("approval_deadline", "16:00"),
                ("inspections_per_day", "7"),
                ("coordinator", "coord"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<details class="form" id="open-corridor" open>"#),
        "{html}"
    );
    assert!(html.contains(r#"id="form-error""#), "{html}");
    for kept in [
        r#"id="corridor-name" value="Reni–Palanca humanitarian corridor""#,
        r#"<option value="commercial" selected>"#,
        "United Nations</textarea>",
        r#"id="corridor-radius" required value="five leagues""#,
        r#"id="corridor-plan-deadline" value="12:30""#,
        r#"id="corridor-capacity" min="1" max="1000" value="7""#,
        r#"id="corridor-coordinator" value="coord""#,
    ] {
        assert!(html.contains(kept), "{kept} in {html}");
    }
    // Nothing was opened: the world's one corridor is still the only one.
    let (_, v) = w.who("secretariat").get("/api/v1/corridors").await;
    assert_eq!(v["corridors"].as_array().map(Vec::len), Some(1), "{v}");

    // A representative's plan for a day already past: refused, the day, the movement ticked
    // and its departure time kept.
    let a = register(&w, "agent-a", "9086526", "RAZONI", "2022-08-04T08:00").await;
    w.at("2022-08-02T08:00:00Z");
    let mut rep = w.app.browser();
    rep.login("rep-ua", PW).await;
    let (_, html) = rep.get(&format!("{}/plans", w.p())).await;
    assert!(html.contains(&format!(r#"id="move-{a}""#)), "{html}");
    let csrf = csrf_of(&html);
    let r = rep
        .post(
            &format!("{}/plans", w.p()),
            &[
                ("csrf", csrf.as_str()),
                ("day", "2022-08-01"),
                (&format!("move_{a}"), "on"),
                (&format!("depart_{a}"), "07:15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="form-error""#), "{html}");
    for kept in [
        r#"id="plan-day" value="2022-08-01""#.to_string(),
        format!(r#"name="move_{a}" id="move-{a}" value="on" checked"#),
        format!(r#"id="depart-{a}" value="07:15""#),
    ] {
        assert!(html.contains(&kept), "{kept} in {html}");
    }
    let (_, v) = w.who("rep-ua").get(&format!("{}/plans", w.c())).await;
    assert_eq!(v["plans"], json!([]), "nothing was proposed");

    // An inspector's hold without its reason: refused, the outcome and the findings kept.
    w.at("2022-08-04T08:00:00Z");
    let iid = scheduled_inspection(&w, &a, "2022-08-04").await;
    let page = format!("{}/inspections/{iid}", w.p());
    let mut insp = w.app.browser();
    insp.login("insp-tr", PW).await;
    let (_, html) = insp.get(&page).await;
    assert!(html.contains(r#"id="result-form""#), "{html}");
    let csrf = csrf_of(&html);
    let findings = "Hold 3: 1,200 t of wheat not on the manifest; seals 4471–4473 intact.";
    let r = insp
        .post(
            &format!("{page}/result"),
            &[
                ("csrf", csrf.as_str()),
                ("outcome", "hold"),
                ("reason", ""),
                ("findings", findings),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="form-error""#), "{html}");
    assert!(html.contains(r#"<option value="hold" selected>"#), "{html}");
    assert!(
        html.contains(&format!("{}</textarea>", escape(findings))),
        "{html}"
    );
    let (_, v) = w
        .who("insp-tr")
        .get(&format!("{}/inspections/{iid}", w.c()))
        .await;
    assert_eq!(v["rounds"], json!([]), "nothing recorded: {v}");
    assert_eq!(v["status"]["status"], "scheduled", "{v}");
}
