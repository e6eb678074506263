//! The web server end to end over real HTTP (one fresh store per test): sign-in, set-up and invitations, CSRF, rate limits, cookie flags, roles, escaping, API tokens, languages.

mod common;
use common::*;

#[tokio::test]
async fn health_answers_everyone_and_metrics_only_an_administrator() {
    let app = spawn_app(ServerConfig::default()).await;
    let r = app
        .http
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let anonymous = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::NOT_FOUND);
    app.user("admin", Role::Admin, PW).await;
    let mut b = app.browser();
    b.login("admin", PW).await;
    let (status, text) = b.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("# TYPE chamber_http_responses_total counter"));
    assert!(
        text.contains("chamber_http_responses_total{class=\"2xx\"}"),
        "{text}"
    );
    assert!(!text.contains("chamber_accounts"), "{text}");
    assert!(!text.contains("chamber_audit_entries"), "{text}");
}

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once() {
    let app = spawn_app(ServerConfig::default()).await;
    let token = app
        .store
        .create_invitation(
            "system",
            InvitationKind::Setup,
            None,
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let mut b = app.browser();
    assert_eq!(b.get("/setup?token=forged").await.0, StatusCode::NOT_FOUND);
    let (status, html) = b.get(&format!("/setup?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&html);
    let weak = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("username", "sec"),
                ("display_name", "S"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("username", "secretariat"),
                ("display_name", "Secretariat"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login?setup=1");
    assert_eq!(app.store.user_count().await.unwrap(), 1);
    // The link is spent, and with an account present no set-up page exists.
    assert_eq!(
        b.get(&format!("/setup?token={token}")).await.0,
        StatusCode::NOT_FOUND
    );
    let again = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("username", "intruder"),
                ("display_name", "I"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let r = b.login("secretariat", PW).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_it() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("amina", Role::Mediator, PW).await;
    let mut b = app.browser();
    assert_eq!(
        b.get("/").await.0,
        StatusCode::SEE_OTHER,
        "anonymous visitors go to sign-in"
    );
    let (_, html) = b.get("/login").await;
    let csrf = csrf_of(&html);
    let r = b
        .post(
            "/login",
            &[("csrf", &csrf), ("username", "amina"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("chamber_session="))
        .expect("a session cookie");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot carry Secure cookies: {cookie}"
    );
    let (status, html) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Welcome, amina."), "{html}");
    let csrf = b.csrf().await;
    let r = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.0, StatusCode::SEE_OTHER);
    let actions: Vec<String> = app
        .store
        .audit_entries()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["user.create", "session.login", "session.logout"]);
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let app = spawn_app(ServerConfig {
        public_url: Some("https://chamber.example".into()),
        ..ServerConfig::default()
    })
    .await;
    app.user("amina", Role::Mediator, PW).await;
    let mut b = app.browser();
    let r = b.login("amina", PW).await;
    let all: Vec<String> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(!all.is_empty());
    assert!(all.iter().all(|c| c.contains("; Secure")), "{all:?}");
}

#[tokio::test]
async fn state_changes_without_the_right_csrf_token_are_refused() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("admin", Role::Admin, PW).await;
    let mut b = app.browser();
    let (_, _) = b.get("/login").await;
    // Sign-in form: missing and wrong tokens.
    let r = b
        .post("/login", &[("username", "admin"), ("password", PW)])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/login",
            &[("csrf", "wrong"), ("username", "admin"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.login("admin", PW).await.status(), StatusCode::SEE_OTHER);
    let form = [
        ("username", "mallory"),
        ("display_name", "M"),
        ("role", "admin"),
    ];
    let r = b.post("/admin/users", &form).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut with_wrong = form.to_vec();
    with_wrong.push(("csrf", "not-the-token"));
    assert_eq!(
        b.post("/admin/users", &with_wrong).await.status(),
        StatusCode::FORBIDDEN
    );
    // A cross-site origin is refused even with the right token.
    let csrf = b.csrf().await;
    let mut good = form.to_vec();
    good.push(("csrf", &csrf));
    let r = app
        .http
        .post(format!("{}/admin/users", app.base))
        .header(COOKIE, b.cookie_header())
        .header("Origin", "https://evil.example")
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // JSON API through the session also needs the header.
    let r = app
        .http
        .post(format!("{}/api/v1/users", app.base))
        .header(COOKIE, b.cookie_header())
        .json(&serde_json::json!({"username": "mallory", "display_name": "M", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store.login_lookup("mallory").await.unwrap().is_none(),
        "no refused request created anything"
    );
    // With the right token the same request works.
    assert_eq!(b.post("/admin/users", &good).await.status(), StatusCode::OK);
    assert!(app.store.login_lookup("mallory").await.unwrap().is_some());
}

#[tokio::test]
async fn repeated_wrong_passwords_are_rate_limited() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("boris", Role::Observer, PW).await;
    let mut b = app.browser();
    for _ in 0..5 {
        let r = b.login("boris", "wrong password!!").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Wrong username or password.")
        );
    }
    // Even the right password is refused now, and the refusal says for how long.
    let r = b.login("boris", PW).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Too many failed attempts"));
    // Another account from elsewhere is unaffected by boris's lock.
    app.user("chen", Role::Analyst, PW).await;
    assert_eq!(b.login("chen", PW).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_party_delegate_is_refused_administration_pages_and_api() {
    let app = spawn_app(ServerConfig::default()).await;
    let admin = app.user("admin", Role::Admin, PW).await;
    let delegate = app.user("delegate", Role::Delegate, PW).await;
    let mut b = app.browser();
    assert_eq!(
        b.login("delegate", PW).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(b.get("/admin").await.0, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/watch").await.0, StatusCode::FORBIDDEN);
    let (status, home) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !home.contains("href=\"/admin\""),
        "no administration link for delegates"
    );
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "sneaky"),
                ("display_name", "S"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/admin/tokens",
            &[("csrf", &csrf), ("label", "x"), ("user_id", &delegate.id)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let token = app
        .store
        .create_api_token(&admin.id, &delegate.id, "delegate's own")
        .await
        .unwrap();
    for path in ["/api/v1/users", "/api/v1/audit"] {
        let r = app
            .http
            .get(format!("{}{path}", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = app
        .http
        .post(format!("{}/api/v1/users", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"username": "sneaky", "display_name": "S", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.store.login_lookup("sneaky").await.unwrap().is_none());
    let me: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "delegate");
}

#[tokio::test]
async fn a_stored_xss_attempt_renders_inert() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("admin", Role::Admin, PW).await;
    let mut b = app.browser();
    b.login("admin", PW).await;
    let csrf = b.csrf().await;
    let attack = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let r = b
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "victim"),
                ("display_name", attack),
                ("role", "observer"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, html) = b.get("/admin").await;
    assert!(!html.contains("<script>alert"), "raw script in page");
    assert!(!html.contains("<img src=x"), "raw img in page");
    assert!(
        html.contains("&lt;script&gt;alert("),
        "escaped text present"
    );
    // The invitee's set-password page shows the name escaped too.
    let token = invite_token(&r.text().await.unwrap());
    let mut other = app.browser();
    let (status, page) = other.get(&format!("/invite?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn an_invitation_sets_the_password_once_and_signs_in() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("admin", Role::Admin, PW).await;
    let mut admin = app.browser();
    admin.login("admin", PW).await;
    let csrf = admin.csrf().await;
    let r = admin
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "dana"),
                ("display_name", "Dana"),
                ("role", "mediator"),
            ],
        )
        .await;
    let token = invite_token(&r.text().await.unwrap());
    let mut dana = app.browser();
    let (status, page) = dana.get(&format!("/invite?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&page);
    let mismatch = dana
        .post(
            "/invite",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", PW),
                ("confirm", "other password!"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = dana
        .post(
            "/invite",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", PW),
                ("confirm", PW),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, home) = dana.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Welcome, Dana."));
    let mut again = app.browser();
    assert_eq!(
        again.get(&format!("/invite?token={token}")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("eve", Role::Analyst, PW).await;
    let mut first = app.browser();
    first.login("eve", PW).await;
    let mut second = app.browser();
    second.login("eve", PW).await;
    let csrf = first.csrf().await;
    let new_pw = "a much longer new passphrase";
    let r = first
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", "not my password"),
                ("new", new_pw),
                ("confirm", new_pw),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = first
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PW),
                ("new", new_pw),
                ("confirm", new_pw),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        first.get("/").await.0,
        StatusCode::OK,
        "this browser stays signed in"
    );
    assert_eq!(
        second.get("/").await.0,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    let mut third = app.browser();
    assert_eq!(
        third.login("eve", PW).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mut fourth = app.browser();
    assert_eq!(
        fourth.login("eve", new_pw).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn api_tokens_issued_by_an_administrator_drive_the_api() {
    let app = spawn_app(ServerConfig::default()).await;
    let admin = app.user("admin", Role::Admin, PW).await;
    let mut b = app.browser();
    b.login("admin", PW).await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("label", "reporting"),
                ("user_id", &admin.id),
            ],
        )
        .await;
    let html = r.text().await.unwrap();
    let re = regex_lite::Regex::new(r#"id="new-token">(chm_[A-Za-z0-9_-]+)<"#).unwrap();
    let token = re.captures(&html).expect("the token is shown once")[1].to_string();
    let anonymous = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let bad = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth("chm_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .http
        .post(format!("{}/api/v1/users", app.base))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"username": "farid", "display_name": "Farid", "role": "observer"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["user"]["role"], "observer");
    assert!(
        body["invite_link"]
            .as_str()
            .unwrap()
            .contains("/invite?token=")
    );
    let r = app
        .http
        .post(format!("{}/api/v1/users", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"username": "x", "display_name": "X", "role": "king"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let audit: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/audit", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["intact"], true);
    assert!(audit["entries"].as_u64().unwrap() >= 4);
    let spec: serde_json::Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/users"]["post"].is_object());
}

#[tokio::test]
async fn pages_follow_the_chosen_language() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("wang", Role::Mediator, PW).await;
    let mut b = app.browser();
    b.login("wang", PW).await;
    let r = app
        .http
        .get(format!("{}/lang/zh?next=%2F", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/");
    b.take_cookies(&r);
    let (_, html) = b.get("/").await;
    assert!(html.contains("<html lang=\"zh\" dir=\"ltr\">"));
    assert!(html.contains("<h1>总览</h1>"), "{html}");
    assert!(html.contains("欢迎，wang。"));
    // An open redirect is not possible through the switcher.
    let r = app
        .http
        .get(format!("{}/lang/ru?next=//evil.example", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/");
    // Arabic pages are right to left.
    let r = app
        .http
        .get(format!("{}/lang/ar?next=%2Flogin", app.base))
        .send()
        .await
        .unwrap();
    b.take_cookies(&r);
    let (_, html) = b.get("/").await;
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    // Accept-Language is honoured when no choice was made.
    let html = app
        .http
        .get(format!("{}/login", app.base))
        .header("Accept-Language", "ru-RU,ru;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>Вход</h1>"));
}

#[test]
fn every_message_a_template_uses_exists_in_english() {
    let catalogue = chamber_i18n::Catalogue::load();
    let re = regex_lite::Regex::new(r#"t\("([a-z0-9-]+)"[,)]"#).unwrap();
    let mut checked = 0;
    for (name, source) in chamber_server::render::template_sources() {
        for cap in re.captures_iter(source) {
            assert!(
                catalogue.has(chamber_i18n::Lang::En, &cap[1]),
                "{name} uses unknown message {}",
                &cap[1]
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} messages found");
}

/// Every `/api/v1` route written in the server's source (`.route("/api/v1/…", get(…).post(…))`)
/// is an operation of the OpenAPI document, with each of its methods: a route added without
/// its description fails here.
#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let wanted: Vec<(String, String)> = route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1"))
        .flat_map(|r| {
            r.methods
                .into_iter()
                .map(move |m| (r.path.clone(), m.to_lowercase()))
        })
        .collect();
    // The conferences and corridors API (registered as pages and API at once) included.
    for path in [
        "/api/v1/conferences/{id}/check-in",
        "/api/v1/corridors/{id}/registrations/{rid}/arrive",
    ] {
        assert!(
            wanted.iter().any(|(p, _)| p == path),
            "the route scan missed {path}: {wanted:?}"
        );
    }
    assert!(wanted.len() > 30, "the route scan found {wanted:?}");
    let app = spawn_app(ServerConfig::default()).await;
    let spec: serde_json::Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(path, m)| !spec["paths"][path.as_str()][m.as_str()].is_object())
        .map(|(path, m)| format!("{} {path}", m.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
}
