//! A property test over the whole HTTP surface: random methods, paths built from the real route
//! table (`common::route_table`: every route this crate's source declares, pages and API, so
//! new routes are covered without editing this file) with real and random ids and random garbage, bodies (form, JSON, binary, too
//! large), and headers (content types, session cookies real and forged, bearer tokens real and
//! forged, `Origin`, CSRF tokens, languages), sent to the real app on a random loopback port
//! holding the demonstration process. No answer may be a 5xx, and the server must answer every
//! request (a handler that panics drops its connection).
//!
//! Bounded and reproducible: a fixed seed (ChaCha; `CHAMBER_FUZZ_SEED`, default 42) and
//! `CHAMBER_FUZZ_CASES` cases (default 6,000: about 5 s in a debug build on two cores). A
//! failure prints the shrunk request exactly.

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Value, json};

/// What the requests may borrow from the running app: real ids, sessions and tokens.
#[derive(Debug, Clone)]
struct Known {
    base: String,
    ids: Vec<String>,
    /// (cookie header, CSRF token) of signed-in sessions: an administrator, a delegate.
    sessions: Vec<(String, String)>,
    /// API tokens: an administrator's, a delegate's.
    tokens: Vec<String>,
    /// Links and form actions found on the pages the signed-in people see: (method, path).
    links: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Form(Vec<(String, String)>),
    Json(Value),
    Binary(Vec<u8>),
    /// Over the body limit.
    Huge(usize),
}

#[derive(Debug, Clone)]
struct Request {
    /// A signed-in person's request as a browser sends it (their cookie, CSRF token and
    /// origin), so that handlers run past the gate; the other fields are then ignored.
    coherent: Option<usize>,
    method: String,
    path: String,
    body: Body,
    content_type: Option<String>,
    /// Index into the known sessions, or a forged cookie.
    cookie: Option<Result<usize, String>>,
    bearer: Option<Result<usize, String>>,
    origin: Option<String>,
    /// The CSRF header and form field: the session's real token, or a forged one.
    csrf: Option<Result<(), String>>,
    accept_language: Option<String>,
}

const FIELDS: &[&str] = &[
    "csrf",
    "username",
    "password",
    "current",
    "new",
    "confirm",
    "display_name",
    "role",
    "label",
    "title",
    "body",
    "text",
    "space",
    "kind",
    "party",
    "person",
    "participant",
    "paragraph",
    "wording",
    "reason",
    "lang",
    "next",
    "token",
    "start",
    "end",
    "room",
    "format",
    "category",
    "decision",
    "amendment",
    "version",
    "statement",
    "vote",
    "name",
    "description",
    "country",
    "from",
    "to",
    "q",
    "page",
    "id",
    "mediator",
    "capacity",
    "session",
    "level",
    "note",
];

fn text_value(known: &Known) -> BoxedStrategy<String> {
    let ids = known.ids.clone();
    prop_oneof![
        Just(String::new()),
        "[a-z0-9 ]{0,24}",
        "\\PC{0,40}",
        (0usize..ids.len()).prop_map(move |i| ids[i].clone()),
        Just("<script>alert(1)</script>\"'&".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("2026-02-30T25:61:00Z".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("\u{202e}\u{0000}\r\n".to_string()),
        (1usize..20_000).prop_map(|n| "x".repeat(n)),
    ]
    .boxed()
}

fn json_value(known: &Known) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        text_value(known).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((0usize..FIELDS.len(), inner), 0..8).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (FIELDS[k].to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
    .boxed()
}

/// A path segment that is not a real id.
fn garbage_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{32}",
        "[a-zA-Z0-9_.-]{1,12}",
        Just("..".to_string()),
        Just("%2e%2e".to_string()),
        Just("%00".to_string()),
        Just("%ff%fe".to_string()),
        Just("%09".to_string()),
        Just("%0d%0aSet-Cookie:x=y".to_string()),
        Just(String::new()),
        prop::collection::vec(any::<u8>(), 1..40)
            .prop_map(|b| { b.iter().map(|x| format!("%{x:02X}")).collect::<String>() }),
        (1usize..3000).prop_map(|n| "a".repeat(n)),
    ]
}

fn path(known: &Known, routes: &[Route]) -> BoxedStrategy<String> {
    let ids = known.ids.clone();
    let routes = routes.to_vec();
    let param = prop_oneof![
        4 => (0usize..ids.len()).prop_map(move |i| ids[i].clone()),
        3 => garbage_segment(),
    ];
    let from_table = (
        0usize..routes.len(),
        prop::collection::vec(param, 4),
        prop::option::of("[a-z_]{1,8}=[^&#\\s]{0,16}(&[a-z_]{1,8}=[^&#\\s]{0,16}){0,3}"),
        prop::option::of(garbage_segment()),
    )
        .prop_map(move |(i, params, query, suffix)| {
            let mut n = 0;
            let mut p = String::new();
            for seg in routes[i].path.split('/').skip(1) {
                p.push('/');
                if seg.starts_with('{') {
                    p.push_str(&params[n % params.len()]);
                    n += 1;
                } else {
                    p.push_str(seg);
                }
            }
            if p.is_empty() {
                p.push('/');
            }
            if let Some(s) = suffix {
                p.push('/');
                p.push_str(&s);
            }
            if let Some(q) = query {
                p.push('?');
                p.push_str(&q.replace(' ', "+"));
            }
            p
        });
    let random = prop::collection::vec(garbage_segment(), 0..6)
        .prop_map(|segs| format!("/{}", segs.join("/")));
    let links = known.links.clone();
    let crawled = (0usize..links.len()).prop_map(move |i| links[i].1.clone());
    prop_oneof![6 => from_table, 3 => crawled, 1 => random].boxed()
}

fn chaos(known: &Known, routes: &[Route]) -> BoxedStrategy<Request> {
    let method = prop_oneof![
        6 => Just("GET".to_string()),
        6 => Just("POST".to_string()),
        1 => Just("PUT".to_string()),
        1 => Just("DELETE".to_string()),
        1 => Just("PATCH".to_string()),
        1 => Just("HEAD".to_string()),
        1 => Just("OPTIONS".to_string()),
        1 => Just("FROB".to_string()),
    ];
    let form =
        prop::collection::vec((0usize..FIELDS.len(), text_value(known)), 0..8).prop_map(|kv| {
            Body::Form(
                kv.into_iter()
                    .map(|(k, v)| (FIELDS[k].to_string(), v))
                    .collect(),
            )
        });
    let body = prop_oneof![
        3 => Just(Body::Empty),
        5 => form,
        3 => json_value(known).prop_map(Body::Json),
        2 => prop::collection::vec(any::<u8>(), 0..2048).prop_map(Body::Binary),
        1 => (1_100_000usize..1_300_000).prop_map(Body::Huge),
    ];
    let content_type = prop::option::of(prop_oneof![
        Just("application/x-www-form-urlencoded".to_string()),
        Just("application/json".to_string()),
        Just("application/json; charset=utf-16".to_string()),
        Just("multipart/form-data; boundary=XyZ".to_string()),
        Just("multipart/form-data".to_string()),
        Just("text/plain".to_string()),
        Just("application/octet-stream".to_string()),
        "[ -~]{0,30}",
    ]);
    let sessions = known.sessions.len();
    let tokens = known.tokens.len();
    let cookie = prop::option::of(prop_oneof![
        3 => (0..sessions).prop_map(Ok),
        1 => "chamber_session=[A-Za-z0-9_-]{0,43}".prop_map(Err),
        1 => "[ -~]{0,60}".prop_map(Err),
    ]);
    let bearer = prop::option::of(prop_oneof![
        2 => (0..tokens).prop_map(Ok),
        1 => "chm_[A-Za-z0-9_-]{0,43}".prop_map(Err),
        1 => "[!-~]{0,40}".prop_map(Err),
    ]);
    let base = known.base.clone();
    let origin = prop::option::of(prop_oneof![
        3 => Just(base),
        1 => Just("http://evil.example".to_string()),
        1 => Just("null".to_string()),
        1 => "[ -~]{0,30}",
    ]);
    let csrf = prop::option::of(prop_oneof![
        3 => Just(Ok(())),
        1 => "[A-Za-z0-9_-]{0,43}".prop_map(Err),
    ]);
    let lang = prop::option::of(prop_oneof![
        Just("ar".to_string()),
        Just("zh-CN,zh;q=0.9".to_string()),
        Just("ru;q=abc, *".to_string()),
        "[ -~]{0,30}",
    ]);
    (
        (method, path(known, routes), body, content_type),
        cookie,
        bearer,
        origin,
        csrf,
        lang,
    )
        .prop_map(
            |(
                (method, path, body, content_type),
                cookie,
                bearer,
                origin,
                csrf,
                accept_language,
            )| {
                Request {
                    coherent: None,
                    method,
                    path,
                    body,
                    content_type,
                    cookie,
                    bearer,
                    origin,
                    csrf,
                    accept_language,
                }
            },
        )
        .boxed()
}

fn form_body(known: &Known) -> BoxedStrategy<Body> {
    prop::collection::vec((0usize..FIELDS.len(), text_value(known)), 0..8)
        .prop_map(|kv| {
            Body::Form(
                kv.into_iter()
                    .map(|(k, v)| (FIELDS[k].to_string(), v))
                    .collect(),
            )
        })
        .boxed()
}

/// A signed-in person's request as their browser sends it: a real route with real ids and a
/// method it takes, or a link or form found on their pages; their cookie, CSRF token and
/// origin. These get past the gates, so the handlers themselves meet the random fields.
fn coherent(known: &Known, routes: &[Route]) -> BoxedStrategy<Request> {
    let ids = known.ids.clone();
    let table: Vec<Route> = routes.to_vec();
    let from_table = (
        0usize..table.len(),
        prop::collection::vec(0usize..ids.len(), 4),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(i, picks, m)| {
            let route = &table[i];
            let mut n = 0;
            let mut p = String::new();
            for seg in route.path.split('/').skip(1) {
                p.push('/');
                if seg.starts_with('{') {
                    p.push_str(&ids[picks[n % picks.len()]]);
                    n += 1;
                } else {
                    p.push_str(seg);
                }
            }
            if p.is_empty() {
                p.push('/');
            }
            (m.get(&route.methods).to_string(), p)
        });
    let links = known.links.clone();
    let crawled =
        (0usize..links.len()).prop_map(move |i| (links[i].0.to_string(), links[i].1.clone()));
    let body = prop_oneof![
        2 => Just(Body::Empty),
        4 => form_body(known),
        2 => json_value(known).prop_map(Body::Json),
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(Body::Binary),
    ];
    let sessions = known.sessions.len();
    (
        // The last session is the expendable one: coherent requests use the others.
        0..sessions - 1,
        prop_oneof![from_table, crawled],
        body,
    )
        .prop_map(|(session, (method, path), body)| Request {
            coherent: Some(session),
            method,
            path,
            body,
            content_type: None,
            cookie: None,
            bearer: None,
            origin: None,
            csrf: None,
            accept_language: None,
        })
        .boxed()
}

fn request(known: &Known, routes: &[Route]) -> BoxedStrategy<Request> {
    prop_oneof![coherent(known, routes), chaos(known, routes)].boxed()
}

/// Sends one request; the status, or why there was none.
async fn send(http: &reqwest::Client, known: &Known, r: &Request) -> Result<u16, String> {
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
    let mut b = http.request(method, format!("{}{}", known.base, r.path));
    // Requests that end a session stay chaotic, and run on the expendable session.
    let ends = ["logout", "disable", "revoke", "password"]
        .iter()
        .any(|w| r.path.contains(w));
    let coherent;
    let r = match r.coherent {
        Some(i) if !ends => {
            coherent = Request {
                cookie: Some(Ok(i)),
                csrf: Some(Ok(())),
                origin: Some(known.base.clone()),
                bearer: None,
                ..r.clone()
            };
            &coherent
        }
        _ => r,
    };
    let expendable = known.sessions.len() - 1;
    let session = match &r.cookie {
        Some(Ok(i)) => {
            let i = if ends { &expendable } else { i };
            let (cookie, csrf) = &known.sessions[*i];
            b = b.header(COOKIE, cookie);
            Some(csrf.clone())
        }
        Some(Err(forged)) => {
            b = b.header(COOKIE, forged);
            None
        }
        None => None,
    };
    let csrf = match &r.csrf {
        Some(Ok(())) => session.clone(),
        Some(Err(forged)) => Some(forged.clone()),
        None => None,
    };
    if let Some(t) = &csrf {
        b = b.header("x-csrf-token", t);
    }
    match &r.bearer {
        Some(Ok(i)) => b = b.bearer_auth(&known.tokens[*i]),
        Some(Err(forged)) => b = b.header("authorization", format!("Bearer {forged}")),
        None => {}
    }
    if let Some(o) = &r.origin {
        b = b.header("origin", o);
    }
    if let Some(l) = &r.accept_language {
        b = b.header("accept-language", l);
    }
    if let Some(ct) = &r.content_type {
        b = b.header("content-type", ct);
    }
    b = match &r.body {
        Body::Empty => b,
        Body::Form(pairs) => {
            let mut pairs = pairs.clone();
            if let Some(t) = &csrf {
                pairs.push(("csrf".into(), t.clone()));
            }
            let encoded = serde_urlencoded::to_string(&pairs).unwrap();
            if r.content_type.is_none() {
                b = b.header("content-type", "application/x-www-form-urlencoded");
            }
            b.body(encoded)
        }
        Body::Json(v) => {
            if r.content_type.is_none() {
                b = b.header("content-type", "application/json");
            }
            b.body(v.to_string())
        }
        Body::Binary(bytes) => b.body(bytes.clone()),
        Body::Huge(n) => b.body(vec![b'a'; *n]),
    };
    match b.timeout(Duration::from_secs(20)).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            // Read the whole answer: a handler that fails while streaming shows here.
            resp.bytes()
                .await
                .map_err(|e| format!("the answer broke off: {e}"))?;
            Ok(status)
        }
        Err(e) => Err(format!("no answer: {e:?}")),
    }
}

/// Signs in through the form; returns the cookie header and the session's CSRF token.
async fn session_of(app: &TestApp, name: &str) -> (String, String) {
    let mut b = app.browser();
    let r = b.login(name, PW).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name} signs in");
    let csrf = b.csrf().await;
    (b.cookie_header(), csrf)
}

/// The links of the pages each signed-in person sees, two levels from the start pages, and
/// every 128-bit id printed on them (added to `ids`).
async fn crawl(
    app: &TestApp,
    sessions: &[(String, String)],
    pid: &str,
    ids: &mut Vec<String>,
) -> Vec<(&'static str, String)> {
    let href = regex_lite::Regex::new(r#"(href|action)="(/[^"]*)""#).unwrap();
    let hex = regex_lite::Regex::new(r"\b[0-9a-f]{32}\b").unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut frontier: Vec<String> = [
        "/",
        "/chamber",
        "/consult",
        "/watch",
        "/library",
        "/admin",
        "/account/tokens",
        "/audit/checkpoint",
    ]
    .iter()
    .map(|p| p.to_string())
    .chain([format!("/chamber/{pid}")])
    .collect();
    for _depth in 0..2 {
        let mut next = Vec::new();
        for path in &frontier {
            for (cookie, _) in sessions {
                let Ok(r) = app
                    .http
                    .get(format!("{}{path}", app.base))
                    .header(COOKIE, cookie)
                    .send()
                    .await
                else {
                    continue;
                };
                let html = r.text().await.unwrap_or_default();
                for id in hex.find_iter(&html) {
                    if !ids.iter().any(|i| i == id.as_str()) {
                        ids.push(id.as_str().to_string());
                    }
                }
                for c in href.captures_iter(&html) {
                    let method = if &c[1] == "action" { "POST" } else { "GET" };
                    let link = c[2]
                        .replace("&amp;", "&")
                        .replace("&#x2f;", "/")
                        .replace("&#x3d;", "=");
                    if !link.starts_with("//")
                        && !link.contains("logout")
                        && seen.insert((method, link.clone()))
                        && method == "GET"
                    {
                        next.push(link);
                    }
                }
            }
        }
        frontier = next;
        if seen.len() > 300 {
            break;
        }
    }
    seen.into_iter().collect()
}

#[test]
fn random_requests_over_the_http_surface_never_get_a_5xx_or_break_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, known) = rt.block_on(async {
        let (app, _keys, pid, accounts) = demo_app(7).await;
        app.user("secretariat", Role::Admin, PW).await;
        let mediator = accounts
            .iter()
            .find(|(_, r)| *r == Role::Mediator)
            .unwrap()
            .0
            .clone();
        let delegate = accounts
            .iter()
            .find(|(_, r)| *r == Role::Delegate)
            .unwrap()
            .0
            .clone();
        // An expendable account: the only one whose id the requests carry, so that an
        // administrator's random "disable" or a random sign-out never ends the sessions the
        // requests are made with (its own session takes those).
        let expendable = app.user("expendable", Role::Observer, PW).await;
        let mut keep = Vec::new();
        let mut tokens = Vec::new();
        for name in ["secretariat", mediator.as_str(), delegate.as_str()] {
            let (user, _) = app.store.login_lookup(name).await.unwrap().unwrap();
            keep.push(user.id.clone());
            if name != mediator {
                tokens.push(
                    app.store
                        .create_api_token(&user.id, &user.id, "fuzz")
                        .await
                        .unwrap(),
                );
            }
        }
        for t in app.store.list_api_tokens().await.unwrap() {
            keep.push(t.id);
        }
        let sessions = vec![
            session_of(&app, "secretariat").await,
            session_of(&app, &mediator).await,
            session_of(&app, &delegate).await,
            session_of(&app, "expendable").await,
        ];
        let mut ids = vec![
            pid.clone(),
            "1".to_string(),
            chamber_store::new_id(),
            expendable.id,
        ];
        let links = crawl(&app, &sessions[..3], &pid, &mut ids).await;
        ids.retain(|i| !keep.contains(i));
        let links: Vec<(&'static str, String)> = links
            .into_iter()
            .filter(|(_, l)| !keep.iter().any(|k| l.contains(k.as_str())))
            .collect();
        let known = Known {
            base: app.base.clone(),
            ids,
            sessions,
            tokens,
            links,
        };
        (app, known)
    });
    let routes = route_table();
    assert!(routes.len() >= 40, "the route table was found: {routes:?}");
    assert!(
        known.links.len() >= 20,
        "pages were crawled: {:?}",
        known.links
    );
    let cases = std::env::var("CHAMBER_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(6000);
    let seed: u8 = std::env::var("CHAMBER_FUZZ_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(42);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 300,
        max_shrink_time: 60_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    // A new connection for every request (no pool), so that an answer is never blamed on a
    // connection an earlier request left closing (a body refused before it was read).
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // The server runs in this process: a handler that panics is counted here.
    let panics = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let default_hook = std::panic::take_hook();
    {
        let panics = panics.clone();
        std::panic::set_hook(Box::new(move |info| {
            panics.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            default_hook(info);
        }));
    }
    let panicked = || panics.load(std::sync::atomic::Ordering::SeqCst);
    let started = std::time::Instant::now();
    let counts = std::sync::Mutex::new(std::collections::BTreeMap::<u16, u32>::new());
    let result = runner.run(&request(&known, &routes), |r| {
        let before = panicked();
        let answer = rt.block_on(send(&http, &known, &r));
        if panicked() > before {
            return Err(TestCaseError::fail(format!(
                "the server panicked on {r:#?}"
            )));
        }
        match answer {
            Ok(status) if status >= 500 => Err(TestCaseError::fail(format!("{status} for {r:#?}"))),
            Ok(status) => {
                if std::env::var_os("CHAMBER_FUZZ_LOG").is_some() {
                    eprintln!(
                        "{status} {} {} coherent={:?} body={}",
                        r.method,
                        r.path.chars().take(100).collect::<String>(),
                        r.coherent,
                        match &r.body {
                            Body::Empty => "empty",
                            Body::Form(_) => "form",
                            Body::Json(_) => "json",
                            Body::Binary(_) => "binary",
                            Body::Huge(_) => "huge",
                        }
                    );
                }
                *counts.lock().unwrap().entry(status).or_default() += 1;
                Ok(())
            }
            // A body over the limit may be refused before it is read; the connection then
            // closes under the sender. That is a refusal, not a failure (no panic was seen).
            Err(_) if matches!(r.body, Body::Huge(_)) => {
                *counts.lock().unwrap().entry(413).or_default() += 1;
                Ok(())
            }
            Err(e) => Err(TestCaseError::fail(format!("{e} for {r:#?}"))),
        }
    });
    let _ = std::panic::take_hook();
    let counts = counts.into_inner().unwrap();
    eprintln!(
        "{cases} requests (seed {seed}) over {} routes and {} links in {:.1} s; answers by \
         status: {counts:?}",
        routes.len(),
        known.links.len(),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // The server still answers, and the record is intact after everything it was sent.
    let health = rt.block_on(async {
        http.get(format!("{}/health", known.base))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(health, StatusCode::OK);
    let intact = rt.block_on(app.store.verify_audit()).unwrap();
    assert!(intact.is_ok(), "{intact:?}");
    // Many kinds of answer, not one refusal for everything.
    assert!(counts.len() >= 5, "{counts:?}");
    assert!(
        counts.get(&200).copied().unwrap_or(0) > cases / 20,
        "{counts:?}"
    );
}
