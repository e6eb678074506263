//! What every web test shares: the real app on a random loopback port with a fresh SQLite
//! store, a browser-like client that keeps its cookies, and the demonstration process.
#![allow(dead_code, unused_imports)]

mod routes;
pub use routes::{Route, route_table};

pub use chamber_core::{Password, Role, Username};
pub use chamber_server::{AppState, ServerConfig, auth};
pub use chamber_store::{InvitationKind, Store};
pub use reqwest::StatusCode;
pub use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
pub use std::collections::HashMap;
pub use std::sync::Arc;
pub use std::time::Duration;

/// Store the demonstration process in the app's store under `keys`; returns its id and the
/// demonstration accounts (username, role).
pub async fn seed_demo(
    app: &TestApp,
    keys: &Arc<chamber_mediation::confidential::Keyring>,
) -> (String, Vec<(String, Role)>) {
    let mediation = chamber_app::mediation::Mediation::new(app.store.clone(), Some(keys.clone()));
    let seeded = chamber_app::demo::seed(&app.store, &mediation, "test")
        .await
        .unwrap();
    (
        seeded.process,
        seeded
            .accounts
            .into_iter()
            .map(|a| (a.username, a.role))
            .collect(),
    )
}

/// Every record of a process, opened with the key: the test's own inspection of what is
/// stored (no request handler can do this).
pub async fn inspect(
    app: &TestApp,
    keys: &Arc<chamber_mediation::confidential::Keyring>,
    pid: &str,
) -> chamber_app::mediation::Workspace {
    chamber_app::mediation::Repository::new(app.store.clone(), keys.clone())
        .everything(pid)
        .await
        .unwrap()
}

pub struct TestApp {
    pub dir: std::path::PathBuf,
    pub base: String,
    pub store: Arc<Store>,
    pub http: reqwest::Client,
}

/// A browser-like client: keeps its own cookies, never follows redirects.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

pub async fn spawn_app(config: ServerConfig) -> TestApp {
    spawn_app_with_keys(config, None).await
}

pub async fn spawn_app_with_keys(
    config: ServerConfig,
    keys: Option<Arc<chamber_mediation::confidential::Keyring>>,
) -> TestApp {
    spawn_app_made(config, |store, config| {
        AppState::with_keyring(store, config, keys)
    })
    .await
}

/// The real app on a random loopback port over a fresh SQLite store in a temporary folder,
/// its state made by `make` from the store and the configuration (data folder and listen URL
/// filled in when unset).
pub async fn spawn_app_made(
    mut config: ServerConfig,
    make: impl FnOnce(Arc<Store>, ServerConfig) -> Arc<AppState>,
) -> TestApp {
    let dir = std::env::temp_dir().join(format!("chamber-web-{}", chamber_store::new_id()));
    let store = Arc::new(Store::open_dir(&dir).await.unwrap());
    if config.data.is_none() {
        config.data = Some(chamber_app::DataDir::new(&dir));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    if config.listen_url.is_none() {
        config.listen_url = Some(base.clone());
    }
    let state = make(store.clone(), config);
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

/// A program's request with its API token: the status and the JSON answer (or the text, as a
/// JSON string, when the answer is not JSON).
pub async fn send_with_token(
    req: reqwest::RequestBuilder,
    token: &str,
) -> (StatusCode, serde_json::Value) {
    let r = req.bearer_auth(token).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

impl TestApp {
    pub async fn user(&self, name: &str, role: Role, password: &str) -> chamber_store::User {
        let hash = chamber_app::accounts::hash_password(Password::parse(password).unwrap()).await;
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

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
        }
    }
}

pub fn csrf_of(html: &str) -> String {
    let re = regex_lite::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
    re.captures(html).expect("the page has a CSRF field")[1].to_string()
}

impl Browser<'_> {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn take_cookies(&mut self, response: &reqwest::Response) -> Vec<String> {
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

    pub async fn get(&mut self, path: &str) -> (StatusCode, String) {
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

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
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
    pub async fn login(&mut self, username: &str, password: &str) -> reqwest::Response {
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
    pub async fn csrf(&mut self) -> String {
        let (_, html) = self.get("/account/password").await;
        csrf_of(&html)
    }
}

/// The one-time link's token as shown (HTML-escaped) on the administration page.
pub fn invite_token(html: &str) -> String {
    let text = html.replace("&#x2f;", "/");
    let re = regex_lite::Regex::new(r"/invite\?token=([A-Za-z0-9_-]+)").unwrap();
    re.captures(&text).expect("the one-time link is shown")[1].to_string()
}

/// An app holding the demonstration process (sealed under a test key), every demo account's
/// password set to [`PW`].
pub async fn demo_app(
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
    let (pid, accounts) = seed_demo(&app, &keys).await;
    let hash = chamber_app::accounts::hash_password(Password::parse(PW).unwrap()).await;
    for (name, _) in &accounts {
        let (u, _) = app.store.login_lookup(name).await.unwrap().unwrap();
        app.store.set_password("test", &u.id, &hash).await.unwrap();
    }
    (app, keys, pid, accounts)
}

pub const PW: &str = "correct horse battery staple";
