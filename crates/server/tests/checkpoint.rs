//! Checkpoints a party can keep, over real HTTP: every signed-in person sees and downloads the
//! current signed checkpoint; strangers get nothing; the file verifies and later checkpoints
//! extend it.

mod common;
use chamber_core::checkpoint::{SignedCheckpoint, consistent};
use common::*;

#[tokio::test]
async fn every_signed_in_person_downloads_a_checkpoint_that_verifies() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("delegate", Role::Delegate, PW).await;
    app.user("observer", Role::Observer, PW).await;
    // Strangers: the API answers 401, the pages send to sign-in.
    let r = app
        .http
        .get(format!("{}/api/v1/audit/checkpoint", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for path in ["/audit/checkpoint", "/audit/checkpoint/download"] {
        let (status, _) = app.browser().get(path).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
    }
    assert!(
        !app.dir.join("keys/checkpoint.key").exists(),
        "no key is made for strangers"
    );

    let mut b = app.browser();
    assert_eq!(
        b.login("delegate", PW).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, html) = b.get("/audit/checkpoint").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("/audit/checkpoint/download"));
    let r = app
        .http
        .get(format!("{}/audit/checkpoint/download", app.base))
        .header(COOKIE, b.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment; filename=\"chamber-checkpoint-"));
    let first = SignedCheckpoint::parse(&r.text().await.unwrap()).unwrap();
    first.verify_signature().unwrap();
    assert!(html.contains(&first.public_key) && html.contains(&first.hash));
    let head = app.store.audit_head().await.unwrap();
    assert_eq!(
        (first.seq, first.hash.as_str()),
        (head.seq, head.hash.as_str())
    );
    // The key was created on first use, readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(app.dir.join("keys/checkpoint.key")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    // The observer's JSON, after more writes: a later checkpoint by the same key, extending it.
    let mut o = app.browser();
    o.login("observer", PW).await;
    let (status, body) = o.get("/api/v1/audit/checkpoint").await;
    assert_eq!(status, StatusCode::OK);
    let second: SignedCheckpoint = serde_json::from_str(&body).unwrap();
    second.verify_signed_by(Some(&first.public_key)).unwrap();
    assert!(second.seq > first.seq, "the sign-in moved the head");
    let entries = app.store.audit_entries().await.unwrap();
    consistent(&entries, &first, &second).unwrap();
    // Asking again without a write in between hands out the same checkpoint.
    let again = app
        .http
        .get(format!("{}/api/v1/audit/checkpoint", app.base))
        .header(COOKIE, o.cookie_header())
        .send()
        .await
        .unwrap()
        .json::<SignedCheckpoint>()
        .await
        .unwrap();
    assert_eq!(again, second);
    assert_eq!(app.store.checkpoints().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_server_without_a_data_directory_says_it_cannot_sign() {
    let app = spawn_app(ServerConfig::default()).await;
    app.user("observer", Role::Observer, PW).await;
    // The test harness gives every app a data directory; a state without one is built here.
    let state = AppState::new(app.store.clone(), ServerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(chamber_server::serve(listener, state));
    let bare = TestApp {
        dir: app.dir.clone(),
        base,
        store: app.store.clone(),
        http: app.http.clone(),
    };
    let mut b = bare.browser();
    b.login("observer", PW).await;
    let (status, body) = b.get("/api/v1/audit/checkpoint").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (status, _) = b.get("/audit/checkpoint").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}
