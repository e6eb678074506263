//! The web server end to end over real HTTP (one fresh store per test): consultations: statements, votes, moderation, the opinion map.

mod common;
use common::*;

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
