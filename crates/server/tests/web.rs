//! The web server, end to end over real HTTP on a random loopback port, one fresh SQLite store
//! per test: sign-in, CSRF, rate limiting, cookie flags, roles, escaping, the API, languages.

use chamber_core::{Password, Role, Username};
use chamber_server::{AppState, ServerConfig, auth};
use chamber_store::{InvitationKind, Store};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

struct TestApp {
    dir: std::path::PathBuf,
    base: String,
    store: Arc<Store>,
    http: reqwest::Client,
}

/// A browser-like client: keeps its own cookies, never follows redirects.
struct Browser<'a> {
    app: &'a TestApp,
    cookies: HashMap<String, String>,
}

async fn spawn_app(config: ServerConfig) -> TestApp {
    spawn_app_with_keys(config, None).await
}

async fn spawn_app_with_keys(
    mut config: ServerConfig,
    keys: Option<Arc<chamber_mediation::confidential::Keyring>>,
) -> TestApp {
    let dir = std::env::temp_dir().join(format!("chamber-web-{}", chamber_store::new_id()));
    let store = Arc::new(Store::open_dir(&dir).await.unwrap());
    if config.watch_store.is_none() {
        config.watch_store = Some(dir.join("watch"));
    }
    if config.library_index.is_none() {
        config.library_index = Some(dir.join("library").join("index"));
    }
    let state = AppState::with_keyring(store.clone(), config, keys);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(chamber_server::serve(listener, state));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        dir,
        base,
        store,
        http,
    }
}

impl TestApp {
    async fn user(&self, name: &str, role: Role, password: &str) -> chamber_store::User {
        let hash = auth::hash_password(Password::parse(password).unwrap()).await;
        self.store
            .create_user(
                "test",
                &Username::parse(name).unwrap(),
                name,
                role,
                Some(&hash),
            )
            .await
            .unwrap()
    }

    fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
        }
    }
}

fn csrf_of(html: &str) -> String {
    let re = regex_lite::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
    re.captures(html).expect("the page has a CSRF field")[1].to_string()
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn take_cookies(&mut self, response: &reqwest::Response) -> Vec<String> {
        let mut raw = Vec::new();
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap().to_string();
            let (pair, _) = text.split_once(';').unwrap_or((&text, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
            raw.push(text);
        }
        raw
    }

    async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let response = self
            .app
            .http
            .get(format!("{}{path}", self.app.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.take_cookies(&response);
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self
            .app
            .http
            .post(format!("{}{path}", self.app.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.take_cookies(&response);
        response
    }

    /// Sign in through the form; returns the response to the POST.
    async fn login(&mut self, username: &str, password: &str) -> reqwest::Response {
        let (status, html) = self.get("/login").await;
        assert_eq!(status, StatusCode::OK);
        let csrf = csrf_of(&html);
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// The CSRF token of the signed-in session, read off a page.
    async fn csrf(&mut self) -> String {
        let (_, html) = self.get("/account/password").await;
        csrf_of(&html)
    }
}

/// The one-time link's token as shown (HTML-escaped) on the administration page.
fn invite_token(html: &str) -> String {
    let text = html.replace("&#x2f;", "/");
    let re = regex_lite::Regex::new(r"/invite\?token=([A-Za-z0-9_-]+)").unwrap();
    re.captures(&text).expect("the one-time link is shown")[1].to_string()
}

/// An app holding the demonstration process (sealed under a test key), every demo account's
/// password set to [`PW`].
async fn demo_app(
    key: u8,
) -> (
    TestApp,
    Arc<chamber_mediation::confidential::Keyring>,
    String,
    Vec<(String, Role)>,
) {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [key; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let (pid, accounts) = chamber_server::chamber::seed_demo(&app.store, &keys, "test")
        .await
        .unwrap();
    let hash = auth::hash_password(Password::parse(PW).unwrap()).await;
    for (name, _) in &accounts {
        let (u, _) = app.store.login_lookup(name).await.unwrap().unwrap();
        app.store.set_password("test", &u.id, &hash).await.unwrap();
    }
    (app, keys, pid, accounts)
}

const PW: &str = "correct horse battery staple";

#[tokio::test]
async fn health_and_metrics_answer() {
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
    let text = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("# TYPE chamber_http_responses_total counter"));
    assert!(
        text.contains("chamber_http_responses_total{class=\"2xx\"} 1"),
        "{text}"
    );
    assert!(text.contains("chamber_accounts 0"));
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

#[tokio::test]
async fn the_watch_page_explains_that_nothing_was_ingested_yet() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("analyst", Role::Analyst, PW).await;
    let mut b = app.browser();
    b.login("analyst", PW).await;
    let (status, html) = b.get("/watch").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No events have been ingested yet"), "{html}");
}

#[tokio::test]
async fn the_watch_page_charts_georgia_and_lists_the_september_2012_alert() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia/individual_csvs");
    let store_dir = std::env::temp_dir().join(format!("chamber-watch-{}", chamber_store::new_id()));
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
            watch_store: Some(store_dir),
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
    let table = html.split("id=\"alerts\"").nth(1).expect("an alert table");
    assert!(
        table.contains("2012-09-1") || table.contains("2012-09-2"),
        "{table}"
    );
    assert!(html.contains("class=\"alert-marker\""));

    // The analyst turns the alert into a preventive case; its explanation is the first note.
    let unescape = |s: &str| {
        s.replace("&#x2f;", "/")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
    };
    let text = unescape(&html);
    let field = |name: &str| -> String {
        let re = regex_lite::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
        re.captures(&text)
            .unwrap_or_else(|| panic!("no {name} field"))[1]
            .to_string()
    };
    let (alert, title, evidence, csrf) = (
        field("alert"),
        field("title"),
        field("evidence"),
        csrf_of(&html),
    );
    assert!(alert.starts_with("watch:GEO:2012-"), "{alert}");
    let r = b
        .post(
            "/chamber/open",
            &[
                ("csrf", &csrf),
                ("alert", &alert),
                ("title", &title),
                ("evidence", &evidence),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = r.headers()[LOCATION].to_str().unwrap().to_string();
    let (status, page) = b.get(&case).await;
    assert_eq!(status, StatusCode::OK);
    let page = unescape(&page);
    assert!(page.contains("Preventive case: GEO from 2012-"), "{page}");
    assert!(page.contains("Early-warning alert"));
    assert!(
        page.contains(
            evidence
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ")
                .as_str()
        )
    );
}

#[tokio::test]
async fn the_library_page_searches_chinese_paragraphs_with_highlights() {
    let seed = chamber_testkit::require_shared!("seed/A-RES-79-274.zh.pdf-text.txt");
    let data = std::env::temp_dir().join(format!("chamber-lib-{}", chamber_store::new_id()));
    let index_dir = data.join("index");
    let built = index_dir.clone();
    tokio::task::spawn_blocking(move || {
        let doc = chamber_library::parse_file(&seed, None).unwrap();
        let mut index = chamber_library::search::SearchIndex::open_or_create(&built).unwrap();
        index.add(&[doc]).unwrap();
    })
    .await
    .unwrap();
    let app = spawn_app(ServerConfig {
        library_index: Some(index_dir),
        ..ServerConfig::default()
    })
    .await;
    app.user("researcher", Role::Observer, PW).await;
    let mut b = app.browser();
    b.login("researcher", PW).await;
    let (status, html) = b.get("/library?q=%E8%B0%83%E8%A7%A3&lang=zh").await; // 调解
    assert_eq!(status, StatusCode::OK);
    let hits = html.split("id=\"hits\"").nth(1).expect("a result list");
    assert!(
        hits.replace("&#x2f;", "/").contains("A/RES/79/274"),
        "{hits}"
    );
    assert!(hits.contains("<b>调解</b>"), "{hits}");
    let (_, none) = b
        .get("/library?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(!none.contains("<script>alert"), "the query is escaped");
}

#[tokio::test]
async fn a_delegate_sees_nothing_of_the_other_partys_caucus_and_the_database_holds_no_plaintext() {
    use chamber_mediation::demo;
    use chamber_mediation::ids::PersonId;
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [7u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let (pid, accounts) = chamber_server::chamber::seed_demo(&app.store, &keys, "test")
        .await
        .unwrap();
    assert_eq!(accounts.len(), 4);
    let hash = auth::hash_password(Password::parse(PW).unwrap()).await;
    for (name, _) in &accounts {
        let (u, _) = app.store.login_lookup(name).await.unwrap().unwrap();
        app.store.set_password("test", &u.id, &hash).await.unwrap();
    }
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let visible_to = |who: &str| -> Vec<String> {
        let person = PersonId::parse(who).unwrap();
        chamber_mediation::permissions::filter_visible(
            &loaded.process,
            &person,
            loaded.notes.iter(),
        )
        .into_iter()
        .map(|n| n.title.clone())
        .collect()
    };
    let east = visible_to(demo::DELEGATE_EASTMARK);
    let high = visible_to(demo::DELEGATE_HIGHLANDS);
    let only_high: Vec<&String> = high.iter().filter(|t| !east.contains(t)).collect();
    let only_east: Vec<&String> = east.iter().filter(|t| !high.contains(t)).collect();
    assert!(
        !only_high.is_empty() && !only_east.is_empty(),
        "each caucus holds notes of its own"
    );

    let mut b = app.browser();
    assert_eq!(
        b.login(demo::DELEGATE_EASTMARK, PW).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, list) = b.get("/chamber").await;
    assert!(list.contains(&format!("/chamber/{pid}")), "{list}");
    let (status, html) = b.get(&format!("/chamber/{pid}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = html.replace("&#x27;", "'").replace("&quot;", "\"");
    for t in &only_east {
        assert!(text.contains(t.as_str()), "own caucus note {t} is shown");
    }
    for t in &only_high {
        assert!(
            !text.contains(t.as_str()),
            "the other caucus's note {t} leaked"
        );
    }
    assert!(
        !text.contains("Caucus: Highlands"),
        "the other caucus's existence leaked"
    );
    assert!(html.contains("id=\"negotiating-text\""));

    // An observer sees the plenary only; an outsider cannot tell the process exists.
    let mut observer = app.browser();
    observer.login(demo::OBSERVER, PW).await;
    let (status, obs) = observer.get(&format!("/chamber/{pid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!obs.contains("Caucus:"), "observers see no caucus");
    app.user("outsider", Role::Admin, PW).await;
    let mut outsider = app.browser();
    outsider.login("outsider", PW).await;
    let (known, known_page) = outsider.get(&format!("/chamber/{pid}")).await;
    let (unknown, unknown_page) = outsider.get(&format!("/chamber/{}", "0".repeat(32))).await;
    assert_eq!(
        (known, unknown),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(
        known_page.replace(&pid, "ID"),
        unknown_page.replace(&"0".repeat(32), "ID"),
        "a real process looks exactly like a missing one"
    );
    let (_, list) = outsider.get("/chamber").await;
    assert!(!list.contains(&pid));

    // The database files hold none of the confidential text.
    let mut raw = Vec::new();
    for f in ["chamber.sqlite", "chamber.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(app.dir.join(f)) {
            raw.extend(bytes);
        }
    }
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.len() > 10_000);
    for n in &loaded.notes {
        assert!(!raw.contains(&n.body), "note body in the clear: {}", n.body);
    }
    assert!(
        !raw.contains("Highlands Council"),
        "party names are sealed too"
    );
}

#[tokio::test]
async fn the_negotiating_text_prints_diffs_exports_and_keeps_caucus_notes_and_sessions_apart() {
    use chamber_mediation::demo;
    use chamber_mediation::ids::PersonId;
    let (app, keys, pid, _) = demo_app(9).await;
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let east_id = PersonId::parse(demo::DELEGATE_EASTMARK).unwrap();
    let high_id = PersonId::parse(demo::DELEGATE_HIGHLANDS).unwrap();
    let mut east = app.browser();
    east.login(demo::DELEGATE_EASTMARK, PW).await;
    let mut high = app.browser();
    high.login(demo::DELEGATE_HIGHLANDS, PW).await;

    // Akoma Ntoso, print and diff.
    let r = app
        .http
        .get(format!("{}/chamber/{pid}/akn", app.base))
        .header(COOKIE, east.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/akn+xml")
    );
    assert!(r.text().await.unwrap().contains("<akomaNtoso"));
    let (status, printed) = east.get(&format!("/chamber/{pid}/print?version=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        printed.contains("id=\"print-document\"") && printed.contains("version 2"),
        "{printed}"
    );
    let (status, diff) = east.get(&format!("/chamber/{pid}/diff?from=1&to=3")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        diff.contains("id=\"diff\""),
        "versions 1 and 3 differ: {diff}"
    );
    assert_eq!(
        east.get(&format!("/chamber/{pid}/print?version=99"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Sessions: each delegate's calendar leaves out the other party's caucus.
    let titles = |who: &PersonId| -> Vec<String> {
        chamber_mediation::permissions::filter_visible(&loaded.process, who, loaded.sessions.iter())
            .into_iter()
            .map(|s| s.title.clone())
            .collect()
    };
    let (east_titles, high_titles) = (titles(&east_id), titles(&high_id));
    let (_, east_ics) = east.get(&format!("/chamber/{pid}/calendar.ics")).await;
    assert!(east_ics.starts_with("BEGIN:VCALENDAR"), "{east_ics}");
    for t in high_titles.iter().filter(|t| !east_titles.contains(t)) {
        assert!(
            !east_ics.contains(t.as_str()),
            "the other party's session {t} leaked"
        );
    }

    // Notes: into one's own caucus, seen by no other party; the other caucus is "not found".
    let own = chamber_mediation::permissions::own_caucus(&loaded.process, &east_id).unwrap();
    let other = chamber_mediation::permissions::own_caucus(&loaded.process, &high_id).unwrap();
    let (_, page) = east.get(&format!("/chamber/{pid}")).await;
    let csrf = csrf_of(&page);
    let r = east
        .post(
            &format!("/chamber/{pid}/notes"),
            &[
                ("csrf", &csrf),
                ("space", own.id.as_str()),
                ("title", "Fallback line on the corridor"),
                ("body", "We can accept weekly convoys"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = east
        .post(
            &format!("/chamber/{pid}/notes"),
            &[
                ("csrf", &csrf),
                ("space", other.id.as_str()),
                ("title", "Planted"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another caucus is not found, not forbidden"
    );
    let (_, east_view) = east.get(&format!("/chamber/{pid}")).await;
    assert!(east_view.contains("Fallback line on the corridor"));
    let (_, high_view) = high.get(&format!("/chamber/{pid}")).await;
    assert!(!high_view.contains("Fallback line on the corridor"));
    assert!(!high_view.contains("Planted"));
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_party_proposes_wording_the_other_party_cannot_see_until_the_mediator_accepts_it() {
    use chamber_mediation::demo;
    let (app, keys, pid, _) = demo_app(5).await;
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let current = loaded.record.as_ref().unwrap().current();
    let target = current.text.operative[0].id.as_str().to_string();
    let versions_before = loaded.record.as_ref().unwrap().versions().len();
    let (mut east, mut high, mut mediator, mut observer) =
        (app.browser(), app.browser(), app.browser(), app.browser());
    east.login(demo::DELEGATE_EASTMARK, PW).await;
    high.login(demo::DELEGATE_HIGHLANDS, PW).await;
    mediator.login(demo::MEDIATOR, PW).await;
    observer.login(demo::OBSERVER, PW).await;

    let (_, page) = east.get(&format!("/chamber/{pid}")).await;
    assert!(page.contains("id=\"propose\""), "a delegate may propose");
    let csrf = csrf_of(&page);
    let wording = "The parties shall cease all hostilities at 00:00 UTC on the day after signature";
    let r = east
        .post(
            &format!("/chamber/{pid}/amendments"),
            &[
                ("csrf", &csrf),
                ("paragraph", &target),
                ("text", wording),
                ("explanation", "A fixed hour avoids disputes"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, mine) = east.get(&format!("/chamber/{pid}")).await;
    assert!(
        mine.contains("A fixed hour avoids disputes"),
        "the proposer sees its proposal"
    );
    let (_, theirs) = high.get(&format!("/chamber/{pid}")).await;
    assert!(
        !theirs.contains("A fixed hour avoids disputes"),
        "pending proposals stay in the caucus"
    );
    let (_, obs) = observer.get(&format!("/chamber/{pid}")).await;
    assert!(!obs.contains("id=\"propose\""), "observers do not propose");
    let ocsrf = csrf_of(&obs);
    let r = observer
        .post(
            &format!("/chamber/{pid}/amendments"),
            &[("csrf", &ocsrf), ("paragraph", &target), ("text", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = east
        .post(
            &format!("/chamber/{pid}/versions"),
            &[("csrf", &csrf), ("note", "mine")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only the mediator issues versions"
    );

    // The mediator sees who proposed it, accepts it and issues a new version.
    let (_, mpage) = mediator.get(&format!("/chamber/{pid}")).await;
    assert!(mpage.contains("A fixed hour avoids disputes"));
    assert!(
        mpage.contains("A fixed hour avoids disputes (pending)"),
        "an amendment's status is in words"
    );
    let reloaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let pending = reloaded
        .record
        .as_ref()
        .unwrap()
        .all_amendments_unfiltered()
        .iter()
        .find(|a| a.explanation == "A fixed hour avoids disputes")
        .unwrap()
        .id
        .as_str()
        .to_string();
    let mcsrf = csrf_of(&mpage);
    let r = mediator
        .post(
            &format!("/chamber/{pid}/versions"),
            &[
                ("csrf", &mcsrf),
                (&format!("decision_{pending}"), "accept"),
                ("note", "Ceasefire hour agreed in principle"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let record = after.record.as_ref().unwrap();
    assert_eq!(
        record.versions().len(),
        versions_before + 1,
        "a new immutable version"
    );
    let (_, mpage) = mediator.get(&format!("/chamber/{pid}")).await;
    let accepted = format!(
        "A fixed hour avoids disputes (accepted into version {})",
        versions_before + 1
    );
    assert!(mpage.contains(&accepted), "the amendment names its version");
    assert_eq!(
        record.versions()[versions_before - 1].content_hash,
        current.content_hash,
        "older versions unchanged"
    );
    let (_, now_theirs) = high.get(&format!("/chamber/{pid}")).await;
    assert!(
        now_theirs.contains("00:00 UTC"),
        "the accepted wording is in everyone's text"
    );
    assert!(
        now_theirs.contains("A fixed hour avoids disputes"),
        "accepted proposals are visible to all"
    );
    assert!(
        !now_theirs.contains("Government of Eastmark: A fixed hour"),
        "neutral attribution by default"
    );
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

/// Every mediation route and API endpoint × every kind of caller (mediator, own-party and
/// other-party delegate, observer, outsider), against an explicit expectation table; then the
/// mirror test: the two delegates' views have the same shape.
#[tokio::test]
async fn mediation_authorisation_matrix() {
    use chamber_mediation::demo;
    use chamber_mediation::ids::PersonId;
    use chamber_mediation::permissions as perm;
    let (app, keys, pid, _) = demo_app(3).await;
    app.user("outsider", Role::Admin, PW).await;
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let process = &loaded.process;
    let east_id = PersonId::parse(demo::DELEGATE_EASTMARK).unwrap();
    let high_id = PersonId::parse(demo::DELEGATE_HIGHLANDS).unwrap();
    let mediator_id = PersonId::parse(demo::MEDIATOR).unwrap();
    let plenary = perm::plenary_for(process, &mediator_id)
        .unwrap()
        .id
        .as_str()
        .to_string();
    let east_caucus = perm::own_caucus(process, &east_id)
        .unwrap()
        .id
        .as_str()
        .to_string();
    let high_caucus = perm::own_caucus(process, &high_id)
        .unwrap()
        .id
        .as_str()
        .to_string();

    // Columns: mediator, Eastmark delegate, Highlands delegate, observer, outsider.
    // "ok" is 200 for reads, 303 for page forms, 201 for API writes.
    const OK: u16 = 0;
    #[rustfmt::skip]
    let table: [(&str, [u16; 5]); 16] = [
        ("GET view",            [OK,  OK,  OK,  OK,  404]),
        ("GET akn",             [OK,  OK,  OK,  OK,  404]),
        ("GET print",           [OK,  OK,  OK,  OK,  404]),
        ("GET diff",            [OK,  OK,  OK,  OK,  404]),
        ("GET calendar",        [OK,  OK,  OK,  OK,  404]),
        ("POST note plenary",   [OK,  OK,  OK,  403, 404]),
        ("POST note E caucus",  [OK,  OK,  404, 404, 404]),
        ("POST note H caucus",  [OK,  404, OK,  404, 404]),
        ("POST amendment",      [403, OK,  OK,  403, 404]),
        ("POST version",        [OK,  403, 403, 403, 404]),
        ("POST agree",          [OK,  403, 403, 403, 404]),
        ("API view",            [OK,  OK,  OK,  OK,  404]),
        ("API version 1",       [OK,  OK,  OK,  OK,  404]),
        ("API diff",            [OK,  OK,  OK,  OK,  404]),
        ("API amendment",       [403, OK,  OK,  403, 404]),
        ("API version",         [OK,  403, 403, 403, 404]),
    ];
    // Delegates act first so that the mediator has proposals to decide.
    let order = [1usize, 2, 3, 4, 0];
    let callers = [
        demo::MEDIATOR,
        demo::DELEGATE_EASTMARK,
        demo::DELEGATE_HIGHLANDS,
        demo::OBSERVER,
        "outsider",
    ];
    let mut leaks = Vec::new();
    for column in order {
        let caller = callers[column];
        let mut b = app.browser();
        assert_eq!(b.login(caller, PW).await.status(), StatusCode::SEE_OTHER);
        let (u, _) = app.store.login_lookup(caller).await.unwrap().unwrap();
        let token = app
            .store
            .create_api_token("test", &u.id, "matrix")
            .await
            .unwrap();
        let csrf = b.csrf().await;
        let now = chamber_server::chamber::load(&app.store, &keys, &pid)
            .await
            .unwrap()
            .unwrap();
        let record = now.record.as_ref().unwrap();
        let current = record.current();
        // Each caller proposes on paragraphs of its own, so accepted proposals never collide.
        let mine = |k: usize| {
            current.text.operative[(column * 2 + k) % current.text.operative.len()].clone()
        };
        let pending: Vec<String> = record
            .all_amendments_unfiltered()
            .iter()
            .filter(|a| matches!(a.status, chamber_mediation::text::AmendmentStatus::Pending))
            .map(|a| a.id.as_str().to_string())
            .collect();
        let open = current
            .text
            .open_paragraphs()
            .first()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        for (row, (name, expected)) in table.iter().enumerate() {
            let want = expected[column];
            let (status, ok) = match row {
                0..=4 => {
                    let path = match row {
                        0 => format!("/chamber/{pid}"),
                        1 => format!("/chamber/{pid}/akn"),
                        2 => format!("/chamber/{pid}/print"),
                        3 => format!("/chamber/{pid}/diff?from=1&to=2"),
                        _ => format!("/chamber/{pid}/calendar.ics"),
                    };
                    (b.get(&path).await.0, StatusCode::OK)
                }
                5..=7 => {
                    let space = [&plenary, &east_caucus, &high_caucus][row - 5];
                    let form = [
                        ("csrf", csrf.as_str()),
                        ("space", space.as_str()),
                        ("title", "m"),
                        ("body", "m"),
                    ];
                    (
                        b.post(&format!("/chamber/{pid}/notes"), &form)
                            .await
                            .status(),
                        StatusCode::SEE_OTHER,
                    )
                }
                8 => {
                    let p = mine(0);
                    let id = p.id.as_str().to_string();
                    let form = [
                        ("csrf", csrf.as_str()),
                        ("paragraph", id.as_str()),
                        ("text", "matrix wording"),
                    ];
                    (
                        b.post(&format!("/chamber/{pid}/amendments"), &form)
                            .await
                            .status(),
                        StatusCode::SEE_OTHER,
                    )
                }
                9 => {
                    let key = pending
                        .first()
                        .map(|a| format!("decision_{a}"))
                        .unwrap_or_default();
                    let form = [
                        ("csrf", csrf.as_str()),
                        ("note", "m"),
                        (key.as_str(), "accept"),
                    ];
                    (
                        b.post(&format!("/chamber/{pid}/versions"), &form)
                            .await
                            .status(),
                        StatusCode::SEE_OTHER,
                    )
                }
                10 => {
                    let form = [("csrf", csrf.as_str()), ("paragraph", open.as_str())];
                    (
                        b.post(&format!("/chamber/{pid}/agree"), &form)
                            .await
                            .status(),
                        StatusCode::SEE_OTHER,
                    )
                }
                11..=13 => {
                    let path = match row {
                        11 => format!("/api/v1/chamber/{pid}"),
                        12 => format!("/api/v1/chamber/{pid}/versions/1"),
                        _ => format!("/api/v1/chamber/{pid}/diff?from=1&to=2"),
                    };
                    let r = app
                        .http
                        .get(format!("{}{path}", app.base))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    (r.status(), StatusCode::OK)
                }
                14 => {
                    let fresh = chamber_server::chamber::load(&app.store, &keys, &pid)
                        .await
                        .unwrap()
                        .unwrap();
                    let cur = fresh.record.as_ref().unwrap().current().clone();
                    let p = cur.text.operative[(column * 2 + 1) % cur.text.operative.len()].clone();
                    let body = serde_json::json!({"base_version": cur.number, "operations": [{"op": "replace_span", "paragraph": p.id, "start": 0, "expected": p.wording.text(), "text": "api wording"}]});
                    let r = app
                        .http
                        .post(format!("{}/api/v1/chamber/{pid}/amendments", app.base))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    (r.status(), StatusCode::CREATED)
                }
                _ => {
                    let fresh = chamber_server::chamber::load(&app.store, &keys, &pid)
                        .await
                        .unwrap()
                        .unwrap();
                    let waiting: Vec<String> = fresh
                        .record
                        .as_ref()
                        .unwrap()
                        .all_amendments_unfiltered()
                        .iter()
                        .filter(|a| {
                            matches!(a.status, chamber_mediation::text::AmendmentStatus::Pending)
                        })
                        .map(|a| a.id.as_str().to_string())
                        .collect();
                    let decisions: Vec<serde_json::Value> = waiting
                        .iter()
                        .take(1)
                        .map(|a| serde_json::json!({"amendment": a, "outcome": "accept"}))
                        .collect();
                    let r = app
                        .http
                        .post(format!("{}/api/v1/chamber/{pid}/versions", app.base))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"decisions": decisions, "note": "m"}))
                        .send()
                        .await
                        .unwrap();
                    (r.status(), StatusCode::CREATED)
                }
            };
            let expected_status = if want == OK {
                ok
            } else {
                StatusCode::from_u16(want).unwrap()
            };
            if status != expected_status {
                leaks.push(format!(
                    "{caller} × {name}: got {status}, expected {expected_status}"
                ));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "authorisation matrix:\n{}",
        leaks.join("\n")
    );

    // Mirror test: each delegate sees the same shape — plenary, own caucus, same note counts
    // per space kind — and never the other's caucus.
    let view = |who: &str| {
        let (app, pid) = (&app, pid.clone());
        let who = who.to_string();
        async move {
            let (u, _) = app.store.login_lookup(&who).await.unwrap().unwrap();
            let token = app
                .store
                .create_api_token("test", &u.id, "mirror")
                .await
                .unwrap();
            let v: serde_json::Value = app
                .http
                .get(format!("{}/api/v1/chamber/{pid}", app.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        }
    };
    let (ev, hv) = (
        view(demo::DELEGATE_EASTMARK).await,
        view(demo::DELEGATE_HIGHLANDS).await,
    );
    let shape = |v: &serde_json::Value| {
        let mut kinds: Vec<String> = v["process"]["spaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"]["type"].to_string())
            .collect();
        kinds.sort();
        (kinds, v["versions"].as_array().unwrap().len())
    };
    assert_eq!(shape(&ev), shape(&hv), "mirror-image views");
    assert!(!ev.to_string().contains(&high_caucus) && !hv.to_string().contains(&east_caucus));
}

#[tokio::test]
async fn the_mediation_json_api_mirrors_the_pages() {
    use chamber_mediation::demo;
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [4u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let (pid, _) = chamber_server::chamber::seed_demo(&app.store, &keys, "test")
        .await
        .unwrap();
    let token = |name: &'static str| {
        let store = app.store.clone();
        async move {
            let (u, _) = store.login_lookup(name).await.unwrap().unwrap();
            store
                .create_api_token("test", &u.id, "api test")
                .await
                .unwrap()
        }
    };
    let (east, high, mediator) = (
        token(demo::DELEGATE_EASTMARK).await,
        token(demo::DELEGATE_HIGHLANDS).await,
        token(demo::MEDIATOR).await,
    );
    let get = |path: String, tok: String| {
        let http = app.http.clone();
        let base = app.base.clone();
        async move {
            http.get(format!("{base}{path}"))
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
        }
    };
    let list: serde_json::Value = get("/api/v1/chamber".into(), east.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], pid.as_str());
    let view: serde_json::Value = get(format!("/api/v1/chamber/{pid}"), east.clone())
        .await
        .json()
        .await
        .unwrap();
    let current = view["current_version"].as_u64().unwrap() as u32;
    let version: serde_json::Value = get(
        format!("/api/v1/chamber/{pid}/versions/{current}"),
        east.clone(),
    )
    .await
    .json()
    .await
    .unwrap();
    let paragraph = &version["text"]["operative"][0];
    let wording: String = paragraph["wording"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let r = app
        .http
        .post(format!("{}/api/v1/chamber/{pid}/amendments", app.base))
        .bearer_auth(&east)
        .json(&serde_json::json!({
            "base_version": current,
            "explanation": "Through the API",
            "operations": [{"op": "replace_span", "paragraph": paragraph["id"], "start": 0, "expected": wording, "text": "Replaced through the API"}],
        }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let created: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let amendment = created["id"].as_str().unwrap().to_string();
    let theirs: serde_json::Value = get(format!("/api/v1/chamber/{pid}"), high.clone())
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !theirs.to_string().contains("Through the API"),
        "pending stays in the caucus"
    );
    let r = app
        .http
        .post(format!("{}/api/v1/chamber/{pid}/versions", app.base))
        .bearer_auth(&east)
        .json(&serde_json::json!({"decisions": [{"amendment": amendment, "outcome": "accept"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a delegate issues no version"
    );
    let r = app
        .http
        .post(format!("{}/api/v1/chamber/{pid}/versions", app.base))
        .bearer_auth(&mediator)
        .json(&serde_json::json!({"decisions": [{"amendment": amendment, "outcome": "accept"}], "note": "API"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let issued: serde_json::Value = r.json().await.unwrap();
    assert_eq!(issued["version"], current + 1);
    let diff: serde_json::Value = get(
        format!(
            "/api/v1/chamber/{pid}/diff?from={current}&to={}",
            current + 1
        ),
        high.clone(),
    )
    .await
    .json()
    .await
    .unwrap();
    let words = diff.to_string();
    assert!(
        words.contains("[Replaced through ") && words.contains("API]"),
        "party language enters bracketed: {diff}"
    );
    let missing = get(format!("/api/v1/chamber/{}", "f".repeat(32)), east.clone()).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let spec: serde_json::Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/chamber/{id}/amendments"]["post"].is_object());
}

#[tokio::test]
async fn the_mediator_closes_the_text_adopts_the_agreement_and_scores_its_implementation() {
    use chamber_mediation::demo;
    let (app, keys, pid, _) = demo_app(6).await;
    let (mut mediator, mut east) = (app.browser(), app.browser());
    mediator.login(demo::MEDIATOR, PW).await;
    east.login(demo::DELEGATE_EASTMARK, PW).await;
    let (_, page) = east.get(&format!("/chamber/{pid}")).await;
    let ecsrf = csrf_of(&page);
    assert_eq!(
        east.post(&format!("/chamber/{pid}/adopt"), &[("csrf", &ecsrf)])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Adoption is refused while anything is open; agree what is open, one paragraph at a time.
    let (_, page) = mediator.get(&format!("/chamber/{pid}")).await;
    let csrf = csrf_of(&page);
    let r = mediator
        .post(&format!("/chamber/{pid}/adopt"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "open paragraphs block adoption"
    );
    let re = regex_lite::Regex::new(
        r#"name="paragraph" value="([0-9a-f]{32})"><button type="submit">Record as agreed"#,
    )
    .unwrap();
    for _ in 0..20 {
        let (_, page) = mediator.get(&format!("/chamber/{pid}")).await;
        let Some(c) = re.captures(&page) else { break };
        let r = mediator
            .post(
                &format!("/chamber/{pid}/agree"),
                &[("csrf", &csrf), ("paragraph", &c[1])],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
    }
    let r = mediator
        .post(&format!("/chamber/{pid}/adopt"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let agreement = loaded.agreement.expect("stored, sealed");
    let provisions: Vec<String> = agreement
        .commitments
        .iter()
        .map(|c| c.provision.as_str().to_string())
        .collect();
    assert!(provisions.len() >= 3);
    for (provision, level, theme) in [
        (&provisions[0], "3", "security"),
        (&provisions[1], "1", "humanitarian"),
    ] {
        let r = mediator
            .post(
                &format!("/chamber/{pid}/scores"),
                &[
                    ("csrf", &csrf),
                    ("provision", provision),
                    ("level", level),
                    ("period", "2026-12-31"),
                    ("evidence", "Monitors' report"),
                    ("theme", theme),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let high = loaded.process.parties()[1].id.as_str().to_string();
    let r = mediator
        .post(
            &format!("/chamber/{pid}/commitments"),
            &[
                ("csrf", &csrf),
                ("provision", &provisions[2]),
                ("theme", "security"),
                ("responsible", &high),
                ("deadline", "2027-03-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .http
        .get(format!("{}/chamber/{pid}/agreement.akn", app.base))
        .header(COOKIE, east.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let xml = r.text().await.unwrap();
    assert!(xml.contains("<akomaNtoso"), "{xml}");
    if let Some(xsd) = chamber_testkit::shared_dir("data/undocs/akn-schema/akomantoso30.xsd")
        && std::process::Command::new("xmllint")
            .arg("--version")
            .output()
            .is_ok()
    {
        let file = app.dir.join("agreement.xml");
        std::fs::write(&file, &xml).unwrap();
        let out = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let n = provisions.len() as u32;
    let expected = format!("{:.0}%", 4.0 / (3.0 * n as f64) * 100.0);
    let (_, seen) = east.get(&format!("/chamber/{pid}")).await;
    let rate = seen.split("id=\"implementation-rate\">").nth(1).unwrap();
    assert!(
        rate.starts_with(&format!(
            "Implementation: {expected} (4 of {} points",
            3 * n
        )),
        "{rate}"
    );
    assert!(
        !seen.contains("id=\"score\""),
        "delegates read the scores but do not record them"
    );
    assert!(
        seen.contains("2027-03-31"),
        "the commitment's deadline is shown"
    );
    let r = east
        .post(
            &format!("/chamber/{pid}/scores"),
            &[
                ("csrf", &ecsrf),
                ("provision", &provisions[0]),
                ("level", "0"),
                ("period", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn bad_mediation_input_gets_a_clear_error_and_changes_nothing() {
    use chamber_mediation::demo;
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [8u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let (pid, _) = chamber_server::chamber::seed_demo(&app.store, &keys, "test")
        .await
        .unwrap();
    let (u, _) = app
        .store
        .login_lookup(demo::DELEGATE_EASTMARK)
        .await
        .unwrap()
        .unwrap();
    let token = app
        .store
        .create_api_token("test", &u.id, "t")
        .await
        .unwrap();
    let before = app.store.audit_head().await.unwrap();
    let post = |body: String| {
        let (http, base, token, pid) = (
            app.http.clone(),
            app.base.clone(),
            token.clone(),
            pid.clone(),
        );
        async move {
            http.post(format!("{base}/api/v1/chamber/{pid}/amendments"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // Oversized upload.
    let huge = format!(
        "{{\"base_version\": 3, \"operations\": [], \"explanation\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    assert_eq!(post(huge).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Malformed amendment.
    let r = post("{\"base_version\": 3, \"operations\": [{\"op\": \"explode\"}]}".into()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().await.unwrap().contains("unknown variant"),
        "the error says what is wrong"
    );
    // Stale span: the expected text is not there any more.
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let current = loaded.record.as_ref().unwrap().current();
    let para = current.text.operative[0].id.as_str().to_string();
    let stale = serde_json::json!({
        "base_version": current.number,
        "operations": [{"op": "replace_span", "paragraph": para, "start": 0, "expected": "words that were never there", "text": "x"}],
    });
    let r = post(stale.to_string()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("span no longer matches"));
    // A version that does not exist, and forged ids.
    let r = post(serde_json::json!({"base_version": 99, "operations": []}).to_string()).await;
    assert!(
        matches!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
        ),
        "{}",
        r.status()
    );
    let forged = serde_json::json!({
        "base_version": current.number,
        "operations": [{"op": "delete_paragraph", "paragraph": "0123456789abcdef0123456789abcdef"}],
    });
    let r = post(forged.to_string()).await;
    assert!(
        matches!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
        ),
        "{}",
        r.status()
    );
    let r = app
        .http
        .post(format!(
            "{}/api/v1/chamber/{}/amendments",
            app.base,
            "0".repeat(32)
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({"base_version": 1, "operations": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Nothing was stored by any of them.
    assert_eq!(app.store.audit_head().await.unwrap(), before);
    let after = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.record, loaded.record);
}

#[tokio::test]
async fn the_secretariat_opens_a_process_and_the_mediator_sets_it_up() {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [2u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    app.user("secretariat", Role::Admin, PW).await;
    app.user("envoy", Role::Mediator, PW).await;
    app.user("north-delegate", Role::Delegate, PW).await;
    app.user("south-delegate", Role::Delegate, PW).await;
    app.user("watcher", Role::Observer, PW).await;
    let mut sec = app.browser();
    sec.login("secretariat", PW).await;
    let csrf = sec.csrf().await;
    let r = sec
        .post(
            "/chamber",
            &[
                ("csrf", &csrf),
                ("title", "North–South talks"),
                ("kind", "peace_process"),
                ("mediator", "watcher"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an observer's account cannot mediate"
    );
    let r = sec
        .post(
            "/chamber",
            &[
                ("csrf", &csrf),
                ("title", "North–South talks"),
                ("kind", "peace_process"),
                ("mediator", "envoy"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let url = r.headers()[LOCATION].to_str().unwrap().to_string();
    let pid = url.trim_start_matches("/chamber/").to_string();

    let mut med = app.browser();
    med.login("envoy", PW).await;
    let mcsrf = med.csrf().await;
    for party in ["North", "South"] {
        let r = med
            .post(
                &format!("{url}/parties"),
                &[("csrf", &mcsrf), ("name", party)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let parties: Vec<String> = loaded
        .process
        .parties()
        .iter()
        .map(|p| p.id.as_str().to_string())
        .collect();
    let r = med
        .post(
            &format!("{url}/participants"),
            &[
                ("csrf", &mcsrf),
                ("username", "watcher"),
                ("role", "delegate"),
                ("party", &parties[0]),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "only delegate accounts join a party"
    );
    for (who, party) in [
        ("north-delegate", &parties[0]),
        ("south-delegate", &parties[1]),
    ] {
        let r = med
            .post(
                &format!("{url}/participants"),
                &[
                    ("csrf", &mcsrf),
                    ("username", who),
                    ("role", "delegate"),
                    ("party", party),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = med
        .post(
            &format!("{url}/participants"),
            &[
                ("csrf", &mcsrf),
                ("username", "north-delegate"),
                ("role", "delegate"),
                ("party", &parties[1]),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a delegate belongs to exactly one party"
    );
    assert_eq!(
        med.post(
            &format!("{url}/tracks"),
            &[
                ("csrf", &mcsrf),
                ("kind", "good_offices"),
                ("status", "active")
            ]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        med.post(
            &format!("{url}/rooms"),
            &[("csrf", &mcsrf), ("name", "Hall A")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let room = loaded.rooms[0].id.as_str().to_string();
    for (title, format, start, end) in [
        (
            "Opening plenary",
            "plenary".to_string(),
            "2027-01-10T09:00",
            "2027-01-10T11:00",
        ),
        (
            "North caucus",
            format!("caucus:{}", parties[0]),
            "2027-01-10T10:00",
            "2027-01-10T12:00",
        ),
    ] {
        let r = med
            .post(
                &format!("{url}/sessions"),
                &[
                    ("csrf", &mcsrf),
                    ("title", title),
                    ("format", &format),
                    ("start", start),
                    ("end", end),
                    ("room", &room),
                    ("agenda", "Adoption of the agenda\nCrossings"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
    }
    let r = med
        .post(
            &format!("{url}/sessions"),
            &[
                ("csrf", &mcsrf),
                ("title", "x"),
                ("format", "plenary"),
                ("start", "tomorrow"),
                ("end", "later"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = med
        .post(
            &format!("{url}/text"),
            &[
                ("csrf", &mcsrf),
                ("title", "Framework agreement"),
                (
                    "preamble",
                    "Recalling the ceasefire of 2026,\nWelcoming the good offices,",
                ),
                (
                    "operative",
                    "The parties agree to meet monthly.\nThe parties shall open two crossings.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let plenary_session = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap()
        .sessions
        .iter()
        .find(|s| s.title == "Opening plenary")
        .unwrap()
        .id
        .as_str()
        .to_string();
    let r = med
        .post(
            &format!("{url}/minutes"),
            &[
                ("csrf", &mcsrf),
                ("session", &plenary_session),
                ("minutes", "Agenda adopted; next round in February"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        med.post(
            &format!("{url}/attribution"),
            &[("csrf", &mcsrf), ("mode", "open")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let (_, mpage) = med.get(&url).await;
    assert!(
        mpage.contains("good offices (active)"),
        "tracks shown in words"
    );
    assert!(
        mpage.contains("class=\"notice error clash\""),
        "the room clash is shown to the mediator: {mpage}"
    );
    assert!(
        mpage.contains("[The parties shall open two crossings.]"),
        "paragraphs enter bracketed"
    );

    // The South delegate sees the plenary session, not the North caucus or its clash.
    let mut south = app.browser();
    south.login("south-delegate", PW).await;
    let (status, spage) = south.get(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(spage.contains("Opening plenary") && !spage.contains("North caucus"));
    assert!(
        spage.contains("Agenda adopted; next round in February"),
        "plenary minutes are plenary material"
    );
    assert!(spage.contains("<li>Crossings</li>"), "the agenda is shown");
    assert!(
        !spage.contains("clash"),
        "a clash with another party's caucus would reveal it"
    );
    assert!(!spage.contains("id=\"manage\""));
    let scsrf = csrf_of(&spage);
    assert_eq!(
        south
            .post(
                &format!("{url}/parties"),
                &[("csrf", &scsrf), ("name", "Intruders")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // A delegate of this process cannot be made a delegate of another.
    let r = sec
        .post(
            "/chamber",
            &[
                ("csrf", &csrf),
                ("title", "Second talks"),
                ("mediator", "envoy"),
            ],
        )
        .await;
    let second = r.headers()[LOCATION].to_str().unwrap().to_string();
    let loaded2 =
        chamber_server::chamber::load(&app.store, &keys, second.trim_start_matches("/chamber/"))
            .await
            .unwrap()
            .unwrap();
    assert!(loaded2.process.parties().is_empty());
    assert_eq!(
        med.post(
            &format!("{second}/parties"),
            &[("csrf", &mcsrf), ("name", "West")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let loaded2 =
        chamber_server::chamber::load(&app.store, &keys, second.trim_start_matches("/chamber/"))
            .await
            .unwrap()
            .unwrap();
    let west = loaded2.process.parties()[0].id.as_str().to_string();
    let r = med
        .post(
            &format!("{second}/participants"),
            &[
                ("csrf", &mcsrf),
                ("username", "north-delegate"),
                ("role", "delegate"),
                ("party", &west),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already a party delegate in another process")
    );
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_resolution_reads_side_by_side_with_its_citations_both_ways() {
    let fixtures = chamber_testkit::require_shared!("data/undocs/unxml-ga/fixtures");
    let data = std::env::temp_dir().join(format!("chamber-libdoc-{}", chamber_store::new_id()));
    let store_data = data.clone();
    tokio::task::spawn_blocking(move || {
        let mut graph = chamber_library::CitationGraph::default();
        for f in [
            "English/A_RES_79_274-2504827E.xml",
            "Chinese/A_RES_79_274-2504827C.xml",
            "English/75_28_E.xml",
        ] {
            let doc = chamber_library::parse_file(&fixtures.join(f), None).unwrap();
            graph.add(&doc);
            chamber_library::docstore::save_document(&store_data, &doc).unwrap();
        }
        std::fs::write(
            store_data.join("library").join("graph.json"),
            graph.to_json(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    let app = spawn_app(ServerConfig {
        library_index: Some(data.join("library").join("index")),
        ..ServerConfig::default()
    })
    .await;
    app.user("drafter", Role::Observer, PW).await;
    let mut b = app.browser();
    b.login("drafter", PW).await;
    let (status, html) = b
        .get("/library/doc?symbol=A/RES/79/274&lang=zh&compare=en")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = html.replace("&#x2f;", "/");
    assert_eq!(
        text.matches("<article class=\"resolution\"").count(),
        2,
        "two language versions"
    );
    assert!(text.contains("lang=\"zh\"") && text.contains("lang=\"en\""));
    assert!(
        text.contains("<em>Recalling</em>"),
        "preambular opening phrases"
    );
    assert!(text.contains("A/RES/75/28"), "citations listed");
    assert!(
        text.contains("not in the library"),
        "external citations marked"
    );
    // 75/28 is cited by 79/274 in both language versions.
    let (_, cited) = b.get("/library/doc?symbol=A/RES/75/28").await;
    let cited = cited.replace("&#x2f;", "/");
    let list = cited
        .split("id=\"cited-by\"")
        .nth(1)
        .expect("a cited-by list");
    assert!(list.contains("A/RES/79/274"), "{list}");
    assert_eq!(
        b.get("/library/doc?symbol=A/RES/1/1").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_program_sets_up_a_process_through_the_api() {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [12u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let envoy = app.user("envoy", Role::Mediator, PW).await;
    let east = app.user("east", Role::Delegate, PW).await;
    let token = app
        .store
        .create_api_token("test", &envoy.id, "t")
        .await
        .unwrap();
    let east_token = app
        .store
        .create_api_token("test", &east.id, "t")
        .await
        .unwrap();
    let call = |path: String, tok: String, body: serde_json::Value| {
        let (http, base) = (app.http.clone(), app.base.clone());
        async move {
            let r = http
                .post(format!("{base}{path}"))
                .bearer_auth(tok)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (status, opened) = call(
        "/api/v1/chamber".into(),
        token.clone(),
        serde_json::json!({"title": "API talks", "kind": "preventive_case"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let pid = opened["process"].as_str().unwrap().to_string();
    let (status, _) = call(
        format!("/api/v1/chamber/{pid}/parties"),
        token.clone(),
        serde_json::json!({"name": "East"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let loaded = chamber_server::chamber::load(&app.store, &keys, &pid)
        .await
        .unwrap()
        .unwrap();
    let party = loaded.process.parties()[0].id.as_str().to_string();
    let (status, _) = call(
        format!("/api/v1/chamber/{pid}/participants"),
        token.clone(),
        serde_json::json!({"username": "east", "role": "delegate", "party": party}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        format!("/api/v1/chamber/{pid}/participants"),
        token.clone(),
        serde_json::json!({"username": "east", "role": "observer"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("already"),
        "{body}"
    );
    let (status, _) = call(
        format!("/api/v1/chamber/{pid}/text"),
        token.clone(),
        serde_json::json!({"title": "Draft", "operative": "One.\nTwo."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        format!("/api/v1/chamber/{pid}/parties"),
        east_token.clone(),
        serde_json::json!({"name": "Sneaky"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "delegates do not set up processes"
    );
    let own = chamber_mediation::permissions::own_caucus(
        &chamber_server::chamber::load(&app.store, &keys, &pid)
            .await
            .unwrap()
            .unwrap()
            .process,
        &chamber_mediation::ids::PersonId::parse("east").unwrap(),
    )
    .unwrap()
    .id
    .as_str()
    .to_string();
    let (status, note) = call(
        format!("/api/v1/chamber/{pid}/notes"),
        east_token.clone(),
        serde_json::json!({"space": own, "title": "t", "body": "b"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{note}");
    assert!(note["note"].is_string());
    let view: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/chamber/{pid}", app.base))
        .bearer_auth(&east_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["current_version"], 1);
    assert_eq!(view["notes"].as_array().unwrap().len(), 1);
}
