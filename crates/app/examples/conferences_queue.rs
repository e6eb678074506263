//! Bench: the accreditation officer's queue and the door's ticket look-up over 5,000
//! registrations with 20,000 sealed documents on SQLite (the default store), through the same
//! use cases the pages call. Prints p50/p95/p99 and the query plans (the door's look-up must
//! be one probe of the ticket index). Run with `scripts/bench-conferences`.
//!
//! Environment: `BENCH_REGISTRATIONS` (default 5000; four documents each), `BENCH_DATA` (a
//! folder to keep the store in; default a temporary one, removed after).

use chamber_app::conferences::registrations::{ImportedRegistration, QueueParams};
use chamber_app::conferences::{Conferences, NewConference, Settings};
use chamber_conferences::conference::{StaffRole, Titles};
use chamber_conferences::registration::{Affiliation, RegistrationForm};
use chamber_conferences::{Category, Country, DocumentKind};
use chamber_core::{Lang, Role, Username};
use chamber_mediation::confidential::Keyring;
use chamber_store::Store;
use std::sync::Arc;
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(what: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{what}: n={} p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        ms.len(),
        percentile(&ms, 0.50),
        percentile(&ms, 0.95),
        percentile(&ms, 0.99),
        ms[ms.len() - 1]
    );
}

fn pdf(n: usize, what: &str) -> Vec<u8> {
    let mut v = format!("%PDF-1.4\n% {what} {n}\n").into_bytes();
    v.resize(1500 + n % 700, b'.');
    v
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("BENCH_REGISTRATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let (dir, keep) = match std::env::var("BENCH_DATA") {
        Ok(d) => (std::path::PathBuf::from(d), true),
        Err(_) => (
            std::env::temp_dir().join(format!("chamber-bench-conferences-{}", std::process::id())),
            false,
        ),
    };
    let store = Arc::new(Store::open_dir(&dir).await.expect("open store"));
    let keys = Arc::new(Keyring::from_bytes([7; 32]));
    let app = Conferences::new(store.clone(), Some(keys.clone()), Settings::default());
    let user = |name: &str, role| {
        let store = store.clone();
        let name = name.to_string();
        async move {
            store
                .create_user("bench", &Username::parse(&name).unwrap(), &name, role, None)
                .await
                .unwrap()
        }
    };
    let admin = user("secretariat", Role::Admin).await;
    let officer = user("officer", Role::Observer).await;
    let door = user("door", Role::Observer).await;
    let conf = app
        .create(
            &admin,
            &NewConference {
                titles: Titles::new("Bench Forum").unwrap(),
                starts_on: time::macros::date!(2027 - 03 - 10),
                ends_on: time::macros::date!(2027 - 03 - 12),
                location: "Ashgabat".into(),
            },
        )
        .await
        .unwrap();
    app.assign_role(&admin, &conf, "officer", StaffRole::AccreditationOfficer)
        .await
        .unwrap();
    app.assign_role(&admin, &conf, "door", StaffRole::DoorStaff)
        .await
        .unwrap();
    let countries: Vec<&str> = [
        "TKM", "FRA", "CHN", "RUS", "ESP", "EGY", "BRA", "IND", "KAZ", "NOR", "JPN", "MEX",
    ]
    .to_vec();
    let t0 = Instant::now();
    let mut made = 0;
    while made < n {
        let batch: Vec<ImportedRegistration> = (made..(made + 250).min(n))
            .map(|i| {
                let category = match i % 20 {
                    0..=11 => Category::MemberState,
                    12..=13 => Category::Observer,
                    14..=15 => Category::Igo,
                    16..=18 => Category::Ngo,
                    _ => Category::Media,
                };
                let affiliation = if category.is_state() {
                    Affiliation::Country(Country::parse(countries[i % countries.len()]).unwrap())
                } else {
                    Affiliation::Organisation(format!("Organisation {}", i % 97))
                };
                let letter = if category.is_state() {
                    DocumentKind::NoteVerbale
                } else {
                    DocumentKind::NominationLetter
                };
                let other = if category.is_state() {
                    DocumentKind::NominationLetter
                } else {
                    DocumentKind::NoteVerbale
                };
                ImportedRegistration {
                    username: format!("delegate{i:05}"),
                    form: RegistrationForm {
                        category,
                        family_name: format!("Family{i}"),
                        given_name: "Given".into(),
                        affiliation,
                        answers: [
                            ("function".to_string(), "Counsellor".to_string()),
                            ("email".to_string(), format!("d{i}@example.org")),
                        ]
                        .into(),
                        consent_to_publish: i % 3 != 0,
                    },
                    documents: vec![
                        (letter, pdf(i, "letter")),
                        (DocumentKind::IdentityDocument, pdf(i, "passport")),
                        (DocumentKind::Photo, {
                            let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0];
                            j.resize(3000, 7);
                            j
                        }),
                        (other, pdf(i, "supporting")),
                    ],
                }
            })
            .collect();
        made += batch.len();
        app.import_registrations(&admin, &conf, batch)
            .await
            .unwrap();
    }
    println!(
        "seeded {n} registrations with {} sealed documents in {:.1} s",
        n * 4,
        t0.elapsed().as_secs_f64()
    );

    // The officer's queue: page 1 again and again, and every page in turn (keyset cursor).
    let mut ms = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let p = app
            .queue(&officer, &conf, &QueueParams::default())
            .await
            .unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(p.items.len(), 50);
    }
    let mut after = None;
    let mut pages = 0;
    loop {
        let t = Instant::now();
        let p = app
            .queue(
                &officer,
                &conf,
                &QueueParams {
                    state: None,
                    after: after.clone(),
                    limit: Some(50),
                },
            )
            .await
            .unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        pages += 1;
        match p.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    println!("queue: {pages} pages of 50 walked to the end");
    report(
        "accreditation queue page (50 registrations with their documents)",
        ms.clone(),
    );
    let mut sorted = ms;
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p95 = percentile(&sorted, 0.95);
    println!(
        "queue p95 {p95:.2} ms against the 50 ms goal: {}",
        if p95 < 50.0 { "met" } else { "NOT met" }
    );

    // The door: approve 200, check each in once, then time the answers to repeated scans.
    let page = app
        .queue(
            &officer,
            &conf,
            &QueueParams {
                state: None,
                after: None,
                limit: Some(200),
            },
        )
        .await
        .unwrap();
    let mut tickets = Vec::new();
    for item in &page.items {
        let id = item.registration.id.to_string();
        app.approve(&officer, &id).await.unwrap();
        let row = store.conference_registration(&id).await.unwrap().unwrap();
        use base64::Engine;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(row.ticket_sealed.unwrap())
            .unwrap();
        let aad = format!("chamber/conferences/v1/ticket/{conf}/{id}");
        tickets.push(String::from_utf8(keys.open(&sealed, aad.as_bytes()).unwrap()).unwrap());
    }
    let mut first = Vec::new();
    for t in &tickets {
        let s = Instant::now();
        let a = app.check_in(&door, &conf, t, Lang::En).await.unwrap();
        first.push(s.elapsed().as_secs_f64() * 1e3);
        assert_eq!(a.answer.as_str(), "valid");
    }
    let mut again = Vec::new();
    for _ in 0..5 {
        for t in &tickets {
            let s = Instant::now();
            let a = app.check_in(&door, &conf, t, Lang::En).await.unwrap();
            again.push(s.elapsed().as_secs_f64() * 1e3);
            assert_eq!(a.answer.as_str(), "already_in");
        }
    }
    report(
        "check-in, first scan (valid: written with its audit entry)",
        first,
    );
    report("check-in, repeated scan (already in: read only)", again);

    use sqlx::Row;
    for (what, sql) in [
        (
            "ticket look-up",
            "EXPLAIN QUERY PLAN SELECT id FROM conference_registrations WHERE ticket_digest = 'x'",
        ),
        (
            "queue page",
            "EXPLAIN QUERY PLAN SELECT id FROM conference_registrations WHERE conference_id = 'c' AND state = 'pending' AND category IN ('ngo', 'igo') ORDER BY submitted_at, id LIMIT 50",
        ),
    ] {
        let rows = sqlx::query(sql).fetch_all(store.pool()).await.unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap_or_default())
            .collect();
        println!("plan, {what}: {}", plan.join(" / "));
    }
    store.close().await;
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
