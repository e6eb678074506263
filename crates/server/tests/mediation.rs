//! The web server end to end over real HTTP (one fresh store per test): the mediation chamber: caucus isolation, the negotiating text, amendments, versions, the agreement, the API.

mod common;
use common::*;

/// Every view of a process a person may open, one after the other: what the single process page
/// showed before it was split into views. The status is the overview's.
async fn views(b: &mut Browser<'_>, pid: &str) -> (StatusCode, String) {
    let (status, mut all) = b.get(&format!("/chamber/{pid}")).await;
    for v in ["spaces", "text", "sessions", "agreement", "setup"] {
        let (s, page) = b.get(&format!("/chamber/{pid}/{v}")).await;
        if s == StatusCode::OK {
            all.push_str(&page);
        }
    }
    (status, all)
}

/// Post a caucus note (`space`, `title`, `body`) to process `pid` from its page's form.
async fn post_note(
    b: &mut Browser<'_>,
    pid: &str,
    csrf: &str,
    (space, title, body): (&str, &str, &str),
) -> reqwest::Response {
    b.post(
        &format!("/chamber/{pid}/notes"),
        &[
            ("csrf", csrf),
            ("space", space),
            ("title", title),
            ("body", body),
        ],
    )
    .await
}

#[tokio::test]
async fn a_delegate_sees_nothing_of_the_other_partys_caucus_and_the_database_holds_no_plaintext() {
    use chamber_mediation::demo;
    use chamber_mediation::ids::PersonId;
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [7u8; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys.clone())).await;
    let (pid, accounts) = seed_demo(&app, &keys).await;
    assert_eq!(accounts.len(), 4);
    let hash = chamber_app::accounts::hash_password(Password::parse(PW).unwrap()).await;
    for (name, _) in &accounts {
        let (u, _) = app.store.login_lookup(name).await.unwrap().unwrap();
        app.store.set_password("test", &u.id, &hash).await.unwrap();
    }
    let loaded = inspect(&app, &keys, &pid).await;
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
    let (status, html) = views(&mut b, &pid).await;
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
    let (status, obs) = views(&mut observer, &pid).await;
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
    let loaded = inspect(&app, &keys, &pid).await;
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
    let (_, page) = views(&mut east, &pid).await;
    let csrf = csrf_of(&page);
    let r = post_note(
        &mut east,
        &pid,
        &csrf,
        (
            own.id.as_str(),
            "Fallback line on the corridor",
            "We can accept weekly convoys",
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_note(&mut east, &pid, &csrf, (other.id.as_str(), "Planted", "x")).await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another caucus is not found, not forbidden"
    );
    // A refused note (a title over 300 characters) comes back in its own space's form, as
    // written, the refusal above it; nothing is stored.
    let long_title = "Corridor ".repeat(40);
    let r = post_note(
        &mut east,
        &pid,
        &csrf,
        (
            own.id.as_str(),
            long_title.as_str(),
            "Convoys every Tuesday from Reni",
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains(r#"id="note-error""#), "{refused}");
    assert!(
        refused.contains(&format!(r#"value="{}""#, long_title))
            && refused.contains("Convoys every Tuesday from Reni</textarea>"),
        "{refused}"
    );
    assert_eq!(refused.matches(r#"id="note-error""#).count(), 1);
    // The same refused note aimed at the other party's caucus is "not found", as before.
    let r = post_note(
        &mut east,
        &pid,
        &csrf,
        (other.id.as_str(), long_title.as_str(), "x"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, east_view) = views(&mut east, &pid).await;
    assert!(east_view.contains("Fallback line on the corridor"));
    assert!(!east_view.contains("Convoys every Tuesday"));
    let (_, high_view) = views(&mut high, &pid).await;
    assert!(!high_view.contains("Fallback line on the corridor"));
    assert!(!high_view.contains("Planted"));
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_party_proposes_wording_the_other_party_cannot_see_until_the_mediator_accepts_it() {
    use chamber_mediation::demo;
    let (app, keys, pid, _) = demo_app(5).await;
    let loaded = inspect(&app, &keys, &pid).await;
    let current = loaded.record.as_ref().unwrap().current();
    let target = current.text.operative[0].id.as_str().to_string();
    let versions_before = loaded.record.as_ref().unwrap().versions().len();
    let (mut east, mut high, mut mediator, mut observer) =
        (app.browser(), app.browser(), app.browser(), app.browser());
    east.login(demo::DELEGATE_EASTMARK, PW).await;
    high.login(demo::DELEGATE_HIGHLANDS, PW).await;
    mediator.login(demo::MEDIATOR, PW).await;
    observer.login(demo::OBSERVER, PW).await;

    let (_, page) = views(&mut east, &pid).await;
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
    let (_, mine) = views(&mut east, &pid).await;
    assert!(
        mine.contains("A fixed hour avoids disputes"),
        "the proposer sees its proposal"
    );
    let (_, theirs) = views(&mut high, &pid).await;
    assert!(
        !theirs.contains("A fixed hour avoids disputes"),
        "pending proposals stay in the caucus"
    );
    let (_, obs) = views(&mut observer, &pid).await;
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
    let (_, mpage) = views(&mut mediator, &pid).await;
    assert!(mpage.contains("A fixed hour avoids disputes"));
    assert!(
        mpage.contains("· pending"),
        "an amendment's status is in words"
    );
    let reloaded = inspect(&app, &keys, &pid).await;
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
    let after = inspect(&app, &keys, &pid).await;
    let record = after.record.as_ref().unwrap();
    assert_eq!(
        record.versions().len(),
        versions_before + 1,
        "a new immutable version"
    );
    let (_, mpage) = views(&mut mediator, &pid).await;
    let accepted = format!("· accepted into version {}", versions_before + 1);
    assert!(mpage.contains(&accepted), "the amendment names its version");
    assert_eq!(
        record.versions()[versions_before - 1].content_hash,
        current.content_hash,
        "older versions unchanged"
    );
    let (_, now_theirs) = views(&mut high, &pid).await;
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
    let loaded = inspect(&app, &keys, &pid).await;
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
        let now = inspect(&app, &keys, &pid).await;
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
                    let fresh = inspect(&app, &keys, &pid).await;
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
                    let fresh = inspect(&app, &keys, &pid).await;
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
    let (pid, _) = seed_demo(&app, &keys).await;
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
    let (_, page) = views(&mut east, &pid).await;
    let ecsrf = csrf_of(&page);
    assert_eq!(
        east.post(&format!("/chamber/{pid}/adopt"), &[("csrf", &ecsrf)])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Adoption is refused while anything is open; agree what is open, one paragraph at a time.
    let (_, page) = views(&mut mediator, &pid).await;
    let csrf = csrf_of(&page);
    // A bare button press adopts nothing: it leads to the confirm step.
    let r = mediator
        .post(&format!("/chamber/{pid}/adopt"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[LOCATION],
        format!("/chamber/{pid}/adopt").as_str()
    );
    assert!(inspect(&app, &keys, &pid).await.agreement.is_none());
    let r = mediator
        .post(
            &format!("/chamber/{pid}/adopt"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
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
        let (_, page) = views(&mut mediator, &pid).await;
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
    let (status, confirm) = mediator.get(&format!("/chamber/{pid}/adopt")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("id=\"adopt-confirm-button\""), "{confirm}");
    let r = mediator
        .post(
            &format!("/chamber/{pid}/adopt"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[LOCATION],
        format!("/chamber/{pid}/agreement?done=adopted").as_str()
    );
    let loaded = inspect(&app, &keys, &pid).await;
    let agreement = loaded.agreement.expect("stored, sealed");
    let provisions: Vec<String> = agreement
        .commitments
        .iter()
        .map(|c| c.provision.as_str().to_string())
        .collect();
    assert!(provisions.len() >= 3);
    for (provision, level, theme) in [
        (&provisions[0], "3", "cease-fire"),
        (&provisions[1], "1", "internally-displaced-persons"),
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
                ("theme", "cease-fire"),
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
    let (_, seen) = views(&mut east, &pid).await;
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
        seen.contains("31 March 2027"),
        "the commitment's deadline is shown, as the reader's language writes dates"
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
    let (pid, _) = seed_demo(&app, &keys).await;
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
    let loaded = inspect(&app, &keys, &pid).await;
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
    let after = inspect(&app, &keys, &pid).await;
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
    let location = r.headers()[LOCATION].to_str().unwrap().to_string();
    // The process's overview, confirming what was done.
    let (url, done) = location.split_once('?').unwrap();
    assert_eq!(done, "done=opened");
    let url = url.to_string();
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
    let loaded = inspect(&app, &keys, &pid).await;
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
    let loaded = inspect(&app, &keys, &pid).await;
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
    let plenary_session = inspect(&app, &keys, &pid)
        .await
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
    let (_, mpage) = views(&mut med, &pid).await;
    assert!(
        mpage.contains("good offices (active)"),
        "tracks shown in words"
    );
    assert_eq!(
        mpage.matches("id=\"clashes\"").count(),
        1,
        "the room clash is shown to the mediator, once: {mpage}"
    );
    assert!(
        mpage.contains("[The parties shall open two crossings.]"),
        "paragraphs enter bracketed"
    );

    // The South delegate sees the plenary session, not the North caucus or its clash.
    let mut south = app.browser();
    south.login("south-delegate", PW).await;
    let (status, spage) = views(&mut south, &pid).await;
    assert_eq!(status, StatusCode::OK);
    assert!(spage.contains("Opening plenary") && !spage.contains("North caucus"));
    assert!(
        spage.contains("Agenda adopted; next round in February"),
        "plenary minutes are plenary material"
    );
    assert!(spage.contains(">Crossings</li>"), "the agenda is shown");
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
    let second = second.split('?').next().unwrap().to_string();
    let loaded2 = inspect(&app, &keys, second.trim_start_matches("/chamber/")).await;
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
    let loaded2 = inspect(&app, &keys, second.trim_start_matches("/chamber/")).await;
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
    let loaded = inspect(&app, &keys, &pid).await;
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
        &inspect(&app, &keys, &pid).await.process,
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

#[tokio::test]
async fn an_alert_becomes_one_case_that_any_mediator_takes_through_the_api() {
    let keys = Arc::new(chamber_mediation::confidential::Keyring::from_bytes(
        [31; 32],
    ));
    let app = spawn_app_with_keys(ServerConfig::default(), Some(keys)).await;
    let analyst = app.user("analyst", Role::Analyst, PW).await;
    let mediator = app.user("mediator", Role::Mediator, PW).await;
    let token = |u: &chamber_store::User| {
        let store = app.store.clone();
        let id = u.id.clone();
        async move { store.create_api_token("test", &id, "t").await.unwrap() }
    };
    let (ta, tm) = (token(&analyst).await, token(&mediator).await);
    let open = || {
        app.http
            .post(format!("{}/api/v1/watch/alerts/alert-7f3a/case", app.base))
            .bearer_auth(&ta)
            .json(&serde_json::json!({"title": "Upper valley", "evidence": "deaths 12 → 240"}))
            .send()
    };
    let first = open().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: serde_json::Value = first.json().await.unwrap();
    let second = open().await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    let second: serde_json::Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    let id = first["id"].as_str().unwrap().to_string();
    let list = |t: String| {
        let http = app.http.clone();
        let base = app.base.clone();
        async move {
            http.get(format!("{base}/api/v1/chamber"))
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let seen = list(tm.clone()).await;
    assert_eq!(seen[0]["id"], id.as_str());
    assert_eq!(seen[0]["awaiting_mediator"], true);
    let r = app
        .http
        .post(format!("{}/api/v1/chamber/{id}/take", app.base))
        .bearer_auth(&tm)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let seen = list(tm).await;
    assert_eq!(seen.as_array().unwrap().len(), 1);
    assert_eq!(seen[0]["awaiting_mediator"], false);
    assert!(list(ta).await.as_array().unwrap().is_empty());
}
