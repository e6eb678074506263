//! Conferences over real HTTP: the refusals with their messages, documents never served to a
//! non-officer (404 like an unknown one), the door's answers, Indico's export layout, the
//! officer's keyset pages, and every page in the six languages.

mod common;

use base64::Engine;
use common::*;
use serde_json::{Value, json};

const PW: &str = "neutral ground 2026";
const SECRET: &str = "PASSPORT No. TM-0042 ISSUED ASHGABAT";

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Title ({text}) >> endobj\n%%EOF\n").into_bytes()
}

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];
    b.extend_from_slice(&[0; 64]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

/// A client calling the API with one account's token.
struct Api<'a> {
    app: &'a TestApp,
    token: String,
}

impl Api<'_> {
    async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        send_with_token(req, &self.token).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.app.http.get(format!("{}{path}", self.app.base)))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.app
                .http
                .post(format!("{}{path}", self.app.base))
                .json(&body),
        )
        .await
    }

    async fn ok(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.post(path, body).await;
        assert!(s.is_success(), "POST {path}: {s} {v}");
        v
    }

    async fn upload(&self, rid: &str, kind: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.post(
            &format!("/api/v1/conferences/registrations/{rid}/documents"),
            json!({"kind": kind, "content_base64": b64}),
        )
        .await
    }
}

async fn account(app: &TestApp, name: &str, role: Role) -> String {
    let u = app.user(name, role, PW).await;
    app.store
        .create_api_token("test", &u.id, "t")
        .await
        .unwrap()
}

fn leak(app: TestApp) -> &'static TestApp {
    Box::leak(Box::new(app))
}

/// An app with a 64 KiB document limit, a conference, and its staff: officer, door, chair,
/// committee (each with an API token).
async fn world() -> (
    &'static TestApp,
    String,
    Arc<chamber_mediation::confidential::Keyring>,
) {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [7; 32],
    ));
    let app = leak(
        spawn_app_with_keys(
            ServerConfig {
                conferences: chamber_app::conferences::Settings {
                    max_document_bytes: 64 * 1024,
                    retention: chamber_app::conferences::Retention { days: 30 },
                },
                ..ServerConfig::default()
            },
            Some(keys.clone()),
        )
        .await,
    );
    let admin = Api {
        app,
        token: account(app, "secretariat", Role::Admin).await,
    };
    let v = admin
        .ok(
            "/api/v1/conferences",
            json!({"title": "International Forum on Neutrality", "title_fr": "Forum international sur la neutralité",
                   "starts_on": "2026-12-12", "ends_on": "2026-12-13", "location": "Ashgabat"}),
        )
        .await;
    let conf = v["id"].as_str().unwrap().to_string();
    for (name, role) in [
        ("officer", "accreditation_officer"),
        ("door", "door_staff"),
        ("chair", "chair"),
        ("committee", "credentials_committee"),
    ] {
        let _ = account(app, name, Role::Observer).await;
        admin
            .ok(
                &format!("/api/v1/conferences/{conf}/staff"),
                json!({"username": name, "role": role}),
            )
            .await;
    }
    (app, conf, keys)
}

async fn api(app: &'static TestApp, name: &str) -> Api<'static> {
    let (u, _) = app.store.login_lookup(name).await.unwrap().unwrap();
    Api {
        app,
        token: app
            .store
            .create_api_token("test", &u.id, "t")
            .await
            .unwrap(),
    }
}

/// A delegate of `country` registers with the three documents; returns their API and the id.
async fn registered(
    app: &'static TestApp,
    conf: &str,
    name: &str,
    country: &str,
    consent: bool,
) -> (Api<'static>, String) {
    let me = Api {
        app,
        token: account(app, name, Role::Delegate).await,
    };
    let v = me
        .ok(
            &format!("/api/v1/conferences/{conf}/registrations"),
            json!({"category": "member_state", "given_name": "Aylar", "family_name": name,
                   "country": country, "answers": {"function": "Ambassador", "email": "a@mission.example"},
                   "consent": consent}),
        )
        .await;
    let rid = v["registration"]["registration"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (kind, bytes) in [
        ("note_verbale", pdf("Note Verbale 2026/17")),
        ("identity_document", pdf(SECRET)),
        ("photo", jpeg()),
    ] {
        let (s, v) = me.upload(&rid, kind, &bytes).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    (me, rid)
}

/// The ticket as the badge's QR code carries it (the test opens the sealed column with the key).
async fn ticket_of(
    app: &TestApp,
    keys: &chamber_mediation::confidential::Keyring,
    conf: &str,
    rid: &str,
) -> String {
    let row = app
        .store
        .conference_registration(rid)
        .await
        .unwrap()
        .unwrap();
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(row.ticket_sealed.unwrap())
        .unwrap();
    let aad = format!("chamber/conferences/v1/ticket/{conf}/{rid}");
    String::from_utf8(keys.open(&sealed, aad.as_bytes()).unwrap()).unwrap()
}

fn error_of(v: &Value) -> String {
    v["error"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn refusals_say_why_and_lose_nothing() {
    let (app, conf, _) = world().await;
    let admin = api(app, "secretariat").await;
    let (me, rid) = registered(app, &conf, "orazova", "TKM", true).await;
    // Over the size limit, and not a PDF or image: refused with the reason; the documents
    // already sent are all still there.
    let (s, v) = me
        .upload(&rid, "note_verbale", &vec![b'%'; 70 * 1024])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(&v).contains("too large"), "{v}");
    let (s, v) = me
        .upload(&rid, "photo", b"GIF89a not a photo we take")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(&v).contains("checked by its content"), "{v}");
    let (s, v) = me.upload(&rid, "photo", &pdf("a PDF is no photo")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, mine) = me.get(&format!("/api/v1/conferences/{conf}/me")).await;
    assert_eq!(
        mine["registration"]["documents"].as_array().unwrap().len(),
        3
    );
    // A delegation above its limits.
    admin
        .ok(
            &format!("/api/v1/conferences/{conf}/limits"),
            json!({"representatives": 1, "alternates": 1}),
        )
        .await;
    let d = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations"),
            json!({"country": "TKM", "category": "member_state"}),
        )
        .await["delegation"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations/{d}/members"),
            json!({"username": "orazova", "function": "head"}),
        )
        .await;
    let (other, _) = registered(app, &conf, "berdiyev", "TKM", true).await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/conferences/{conf}/delegations/{d}/members"),
            json!({"username": "berdiyev", "function": "representative"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_of(&v),
        "the delegation of Turkmenistan already has 1 representatives, the most this conference allows"
    );
    // A credential from an issuer without the authority.
    let (s, v) = admin
        .post(
            &format!("/api/v1/conferences/{conf}/delegations/{d}/credentials"),
            json!({"issuer": "Permanent Representative", "signatory": "A. N. Other",
                   "issued_on": "2026-12-01", "covers": ["orazova"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error_of(&v).contains("Head of State or Government or the Minister for Foreign Affairs"),
        "{v}"
    );
    let (_, ds) = admin
        .get(&format!("/api/v1/conferences/{conf}/delegations"))
        .await;
    let dl = &ds["delegations"][0]["delegation"];
    assert_eq!(
        dl["members"].as_array().unwrap().len(),
        1,
        "nothing else changed"
    );
    assert!(dl["credentials"].as_array().unwrap().is_empty());
    // A withdrawn registration's badge.
    let officer = api(app, "officer").await;
    officer
        .ok(
            &format!("/api/v1/conferences/registrations/{rid}/approve"),
            json!({}),
        )
        .await;
    let (s, _) = me
        .get(&format!(
            "/api/v1/conferences/registrations/{rid}/badge.svg"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    me.ok(
        &format!("/api/v1/conferences/registrations/{rid}/withdraw"),
        json!({}),
    )
    .await;
    let (s, v) = me
        .get(&format!(
            "/api/v1/conferences/registrations/{rid}/badge.svg"
        ))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&v), "no badge: the registration was withdrawn");
    // Missing fields are named.
    let (s, v) = other
        .post(
            &format!("/api/v1/conferences/{conf}/registrations"),
            json!({"category": "member_state"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&v), "country: required");
}

#[tokio::test]
async fn a_page_form_uploads_a_document_and_refuses_one_too_large_with_its_message() {
    let (app, conf, _) = world().await;
    let _ = account(app, "mammadov", Role::Delegate).await;
    let mut b = app.browser();
    assert_eq!(
        b.login("mammadov", PW).await.status(),
        StatusCode::SEE_OTHER
    );
    let (s, html) = b
        .get(&format!(
            "/conferences/{conf}/register?category=member_state"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let csrf = csrf_of(&html);
    let filled = |family: &'static str| {
        [
            ("csrf", csrf.as_str()),
            ("category", "member_state"),
            ("given_name", "Elchin"),
            ("family_name", family),
            ("country", "AZE"),
            ("answer_function", "Counsellor"),
            ("answer_email", "e@mission.example"),
            ("consent", "yes"),
        ]
    };
    let registrations = format!("/conferences/{conf}/registrations");
    // A refused registration comes back as it was filled in, the refusal above it.
    let r = b.post(&registrations, &filled(" ")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="form-error""#), "{html}");
    assert!(html.contains("family_name: required"), "{html}");
    for kept in [
        r#"id="given_name" value="Elchin""#,
        r#"<option value="AZE" selected>"#,
        r#"id="answer_function" value="Counsellor""#,
        r#"id="consent" value="yes" checked>"#,
    ] {
        assert!(html.contains(kept), "{kept} in {html}");
    }
    let (_, me) = b.get(&format!("/api/v1/conferences/{conf}/me")).await;
    assert!(!me.contains("Elchin"), "nothing registered: {me}");
    let r = b.post(&registrations, &filled("Mammadov")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], format!("/conferences/{conf}/me"));
    let (_, me) = b.get(&format!("/conferences/{conf}/me")).await;
    assert!(me.contains("data-state=\"pending\""), "{me}");
    let rid = regex_lite::Regex::new(r"/conferences/registrations/([0-9a-f]{32})/documents")
        .unwrap()
        .captures(&me)
        .expect("the upload form")[1]
        .to_string();
    let send = |b: &Browser<'_>, kind: &str, bytes: Vec<u8>, with_csrf: bool| {
        let boundary = "----chamberTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        if with_csrf {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"nv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        b.app
            .http
            .post(format!(
                "{}/conferences/registrations/{rid}/documents",
                b.app.base
            ))
            .header(COOKIE, b.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    // Without the CSRF token in the form: refused before anything is read.
    let r = send(&b, "note_verbale", pdf("NV"), false).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(&b, "note_verbale", pdf("NV 2026/3"), true)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut big = pdf("big");
    big.resize(65 * 1024, b' ');
    let r = send(&b, "identity_document", big, true).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("document too large"), "{page}");
    let r = send(&b, "photo", b"plain text".to_vec(), true)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("checked by its content"));
    let (_, me) = b.get(&format!("/conferences/{conf}/me")).await;
    assert!(
        me.contains("data-kind=\"note_verbale\""),
        "the Note Verbale kept"
    );
    assert!(!me.contains("data-kind=\"identity_document\""));
}

#[tokio::test]
async fn documents_are_served_to_the_category_officers_only() {
    let (app, conf, _) = world().await;
    let (me, rid) = registered(app, &conf, "karimova", "UZB", true).await;
    let officer = api(app, "officer").await;
    let (_, reg) = officer
        .get(&format!("/api/v1/conferences/registrations/{rid}"))
        .await;
    let docs = reg["documents"].as_array().unwrap();
    let id_doc = docs
        .iter()
        .find(|d| d["kind"] == "identity_document")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/conferences/documents/{id_doc}");
    let r = app
        .http
        .get(format!("{}{path}", app.base))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf(SECRET));
    let unknown = format!("/api/v1/conferences/documents/{}", "0".repeat(32));
    let (s_unknown, v_unknown) = me.get(&unknown).await;
    assert_eq!(s_unknown, StatusCode::NOT_FOUND);
    for who in [
        me,
        api(app, "secretariat").await,
        api(app, "door").await,
        api(app, "chair").await,
    ] {
        let (s, v) = who.get(&path).await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "a non-officer is told it does not exist"
        );
        assert_eq!(v, v_unknown, "exactly like an unknown document");
    }
    // The page route too; and the database holds none of the document's text.
    let mut b = app.browser();
    b.login("karimova", PW).await;
    let (s, _) = b.get(&format!("/conferences/documents/{id_doc}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mut db = std::fs::read(app.dir.join("chamber.sqlite")).unwrap();
    db.extend(std::fs::read(app.dir.join("chamber.sqlite-wal")).unwrap_or_default());
    assert!(!db.is_empty());
    assert!(!db.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()));
}

#[tokio::test]
async fn the_door_answers_valid_then_already_in_withdrawn_and_unknown() {
    let (app, conf, keys) = world().await;
    let (me, rid) = registered(app, &conf, "annaeva", "TKM", true).await;
    let officer = api(app, "officer").await;
    let door = api(app, "door").await;
    officer
        .ok(
            &format!("/api/v1/conferences/registrations/{rid}/approve"),
            json!({}),
        )
        .await;
    let ticket = ticket_of(app, &keys, &conf, &rid).await;
    let scan = format!("/api/v1/conferences/{conf}/check-in");
    // A scanner types the ticket and a new line.
    let v = door
        .ok(&scan, json!({"ticket": format!("{ticket}\n")}))
        .await;
    assert_eq!(v["answer"], "valid");
    assert_eq!(v["message"], "Valid: welcome.");
    assert_eq!(v["name"], "Aylar annaeva");
    assert_eq!(v["affiliation"], "Turkmenistan");
    let v = door.ok(&scan, json!({"ticket": ticket})).await;
    assert_eq!(v["answer"], "already_in");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Already in (since "),
        "{v}"
    );
    let v = door.ok(&scan, json!({"ticket": "f".repeat(32)})).await;
    assert_eq!(v["answer"], "unknown");
    assert!(v["name"].is_null(), "nothing about an unknown ticket");
    // A delegate is no door.
    let (s, _) = me.post(&scan, json!({"ticket": ticket})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The page's form answers on the page, in the door's language.
    let mut b = app.browser();
    b.cookies.insert("chamber_lang".into(), "fr".into());
    b.login("door", PW).await;
    let (s, html) = b.get(&format!("/conferences/{conf}/door")).await;
    assert_eq!(s, StatusCode::OK);
    let csrf = csrf_of(&html);
    let r = b
        .post(
            &format!("/conferences/{conf}/check-in"),
            &[("csrf", &csrf), ("ticket", &ticket)],
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(page.contains("data-answer=\"already_in\""));
    assert!(page.contains("Déjà entré"), "{page}");
    // Withdrawn: the badge no longer admits.
    me.ok(
        &format!("/api/v1/conferences/registrations/{rid}/withdraw"),
        json!({}),
    )
    .await;
    let v = door.ok(&scan, json!({"ticket": ticket})).await;
    assert_eq!(v["answer"], "withdrawn");
}

#[tokio::test]
async fn the_indico_export_has_indicos_layout() {
    let (app, conf, _) = world().await;
    let admin = api(app, "secretariat").await;
    let room = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/rooms"),
            json!({"name": "Plenary hall", "capacity": 900}),
        )
        .await["room"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .ok(
            &format!("/api/v1/conferences/{conf}/sessions"),
            json!({"title": "Opening", "start": "2026-12-12T10:00", "end": "2026-12-12T12:30", "room": room}),
        )
        .await;
    let (s, v) = admin.get(&format!("/export/event/{conf}.json")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["count"], 1);
    let event = &v["results"][0];
    assert_eq!(event["title"], "International Forum on Neutrality");
    assert_eq!(event["startDate"]["date"], "2026-12-12");
    assert!(event["startDate"]["time"].is_string() && event["startDate"]["tz"].is_string());
    assert_eq!(event["endDate"]["date"], "2026-12-13");
    let c = &event["contributions"][0];
    assert_eq!(c["title"], "Opening");
    assert_eq!(c["duration"], 150);
    assert_eq!(c["room"], "Plenary hall");
    assert!(
        event["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/export/event/{conf}.json"))
            || event["url"].is_string()
    );
    // French titles for a French reader; signed-out callers and other suffixes get nothing.
    let (_, fr) = admin
        .get(&format!("/export/event/{conf}.json?lang=fr"))
        .await;
    assert_eq!(
        fr["results"][0]["title"],
        "Forum international sur la neutralité"
    );
    let r = app
        .http
        .get(format!("{}/export/event/{conf}.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (s, _) = admin.get(&format!("/export/event/{conf}.xml")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // iCalendar and the CSV of registrations (secretariat only).
    let r = app
        .http
        .get(format!(
            "{}/api/v1/conferences/{conf}/export/ical",
            app.base
        ))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
    let door = api(app, "door").await;
    let (s, _) = door
        .get(&format!("/api/v1/conferences/{conf}/export/csv"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_officers_queue_comes_in_keyset_pages() {
    let (app, conf, _) = world().await;
    let mut expected = Vec::new();
    for (i, country) in ["FRA", "DEU", "ITA", "ESP", "PRT", "NLD", "BEL"]
        .iter()
        .enumerate()
    {
        let (_, rid) = registered(app, &conf, &format!("delegate{i}"), country, true).await;
        expected.push(rid);
    }
    let officer = api(app, "officer").await;
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/conferences/{conf}/queue?limit=3");
    loop {
        let (s, page) = officer.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 7);
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["documents"].as_array().unwrap().len(), 3);
            seen.push(item["registration"]["id"].as_str().unwrap().to_string());
        }
        match page["next"].as_str() {
            Some(n) => {
                path = format!(
                    "/api/v1/conferences/{conf}/queue?limit=3&{}",
                    serde_urlencoded::to_string([("after", n)]).unwrap()
                )
            }
            None => break,
        }
    }
    assert_eq!(seen, expected, "oldest first, each once");
    // The secretariat works no queue; the page shows the officer's.
    let (s, _) = api(app, "secretariat")
        .await
        .get(&format!("/api/v1/conferences/{conf}/queue"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut b = app.browser();
    b.login("officer", PW).await;
    let (s, html) = b.get(&format!("/conferences/{conf}/queue?limit=3")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"queue-next\""));
}

#[tokio::test]
async fn every_page_renders_in_the_six_languages() {
    let (app, conf, _) = world().await;
    let (me, rid) = registered(app, &conf, "tashkentova", "UZB", false).await;
    let admin = api(app, "secretariat").await;
    let session = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/sessions"),
            json!({"title": "General debate", "start": "2026-12-12T15:00", "end": "2026-12-12T18:00"}),
        )
        .await["session"]
        .as_str()
        .unwrap()
        .to_string();
    let d = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations"),
            json!({"country": "UZB"}),
        )
        .await["delegation"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations/{d}/members"),
            json!({"username": "tashkentova", "function": "head"}),
        )
        .await;
    me.ok(
        &format!("/api/v1/conferences/{conf}/sessions/{session}/speakers"),
        json!({"delegation": d, "kind": "statement"}),
    )
    .await;
    let chair = api(app, "chair").await;
    chair
        .ok(
            &format!("/api/v1/conferences/{conf}/outcome"),
            json!({"title": "Ashgabat Declaration", "preamble": ["Recalling resolution 79/274,"],
                   "operative": ["[Welcomes the Forum]"]}),
        )
        .await;
    let officer = api(app, "officer").await;
    let (_, consenting) = registered(app, &conf, "consenting", "KAZ", true).await;
    for r in [&rid, &consenting] {
        officer
            .ok(
                &format!("/api/v1/conferences/registrations/{r}/approve"),
                json!({}),
            )
            .await;
    }
    let catalogue = chamber_i18n::Catalogue::load();
    let pages = [
        "/conferences".to_string(),
        format!("/conferences/{conf}"),
        format!("/conferences/{conf}/register?category=member_state"),
        format!("/conferences/{conf}/register?category=ngo"),
        format!("/conferences/{conf}/me"),
        format!("/conferences/registrations/{rid}"),
        format!("/conferences/{conf}/delegations"),
        format!("/conferences/{conf}/credentials-report"),
        format!("/conferences/{conf}/participants"),
        format!("/conferences/{conf}/outcome"),
        format!("/conferences/{conf}/sessions/{session}/speakers"),
        format!("/conferences/{conf}/sessions/{session}/screen"),
    ];
    for lang in chamber_i18n::Lang::ALL {
        let mut b = app.browser();
        b.cookies.insert("chamber_lang".into(), lang.code().into());
        b.login("tashkentova", PW).await;
        for p in &pages {
            let (s, html) = b.get(p).await;
            assert_eq!(s, StatusCode::OK, "{p} in {}: {html}", lang.code());
            assert!(html.contains(&format!("lang=\"{}\"", lang.code())));
        }
        let (_, html) = b.get(&format!("/conferences/{conf}")).await;
        let heading = catalogue.tr(lang, "conf-timetable", &[]);
        assert!(html.contains(&heading), "{} lacks {heading}", lang.code());
        let (_, html) = b.get(&format!("/conferences/{conf}/outcome")).await;
        assert!(html.contains("Welcomes the Forum"));
        // The list of participants: an approved delegate who withheld consent is not in it.
        let (_, list) = b.get(&format!("/conferences/{conf}/participants")).await;
        assert!(!list.contains("tashkentova"));
        assert!(
            list.contains("consenting"),
            "the one who consented is listed"
        );
    }
    // A delegate has no queue and no door.
    let mut b = app.browser();
    b.login("tashkentova", PW).await;
    assert_eq!(
        b.get(&format!("/conferences/{conf}/door")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get(&format!("/conferences/{conf}/queue")).await.0,
        StatusCode::FORBIDDEN
    );
    // The staff pages render too.
    for (who, p) in [
        ("door", format!("/conferences/{conf}/door")),
        ("officer", format!("/conferences/{conf}/queue")),
        ("officer", format!("/conferences/registrations/{rid}")),
        ("secretariat", format!("/conferences/{conf}")),
        ("committee", format!("/conferences/{conf}/delegations")),
        (
            "chair",
            format!("/conferences/{conf}/sessions/{session}/speakers"),
        ),
        ("chair", format!("/conferences/{conf}/outcome")),
    ] {
        let mut b = app.browser();
        b.login(who, PW).await;
        let (s, html) = b.get(&p).await;
        assert_eq!(s, StatusCode::OK, "{who} {p}: {html}");
    }
    // The scripts and the stylesheet are served from here (no external assets).
    for f in ["door.js", "screen.js", "print.js", "conferences.css"] {
        let r = app
            .http
            .get(format!("{}/conferences/assets/{f}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_chair_gives_the_floor_and_the_screen_counts_down() {
    let (app, conf, _) = world().await;
    let admin = api(app, "secretariat").await;
    let session = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/sessions"),
            json!({"title": "General debate", "start": "2026-12-12T15:00", "end": "2026-12-12T18:00"}),
        )
        .await["session"]
        .as_str()
        .unwrap()
        .to_string();
    let (me, _) = registered(app, &conf, "niyazov", "TKM", true).await;
    let d = admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations"),
            json!({"country": "TKM"}),
        )
        .await["delegation"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .ok(
            &format!("/api/v1/conferences/{conf}/delegations/{d}/members"),
            json!({"username": "niyazov", "function": "head"}),
        )
        .await;
    let base = format!("/api/v1/conferences/{conf}/sessions/{session}");
    me.ok(&format!("{base}/speakers"), json!({"delegation": d}))
        .await;
    let (s, _) = me.post(&format!("{base}/next"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the chair gives the floor");
    let chair = api(app, "chair").await;
    chair
        .ok(&format!("{base}/limits"), json!({"statement": 120}))
        .await;
    chair.ok(&format!("{base}/next"), json!({})).await;
    let (_, v) = me.get(&format!("{base}/speakers")).await;
    let screen = &v["screen"];
    assert_eq!(screen["current"]["name"], "Turkmenistan");
    assert_eq!(screen["current"]["limit_secs"], 120);
    let left = screen["remaining_secs"].as_i64().unwrap();
    assert!((110..=120).contains(&left), "{left}");
}

#[tokio::test]
async fn the_api_is_described() {
    let (app, _, _) = world().await;
    let r = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["paths"]["/api/v1/conferences/{id}/check-in"]["post"].is_object());
    assert!(
        v["paths"]["/api/v1/chamber"].is_object(),
        "the others are still there"
    );
}
