//! Conferences under load, over loopback HTTP against the release `chamber serve` (run by
//! `scripts/load-conferences`, which starts and stops the server).
//!
//! `seed DATA KEY_FILE N APPROVED`: N registrations with four sealed documents each (bulk,
//! through `chamber_app::conferences::Conferences::import_registrations`), APPROVED of them
//! approved one by one; prints the conference, the officer's and the door's API tokens and the
//! approved tickets (opened with the key, as the badge prints them) as JSON.
//!
//! `load BASE SEED_JSON SCANNERS PACE_MS`: the accreditation officer walks every page of the
//! pending queue (50 a page, four passes) while SCANNERS door scanners, each presented a badge
//! every PACE_MS on average, scan half the approved tickets twice (valid, then already in) and
//! a few unknown ones; then the same scanners scan the other half flat out, with no pause
//! (first scans are writes: those arriving together go in one transaction, the door's group
//! commit). Prints p50/p95/p99 of each and whether the goals hold (queue p95 < 50 ms, check-in
//! p99 < 50 ms, at the door's pace and flat out). Bounded in
//! count; only the loopback address given.

use base64::Engine;
use chamber_app::conferences::registrations::ImportedRegistration;
use chamber_app::conferences::{Conferences, NewConference, Settings};
use chamber_conferences::conference::{StaffRole, Titles};
use chamber_conferences::registration::{Affiliation, RegistrationForm};
use chamber_conferences::{Category, Country, DocumentKind};
use chamber_core::{Role, Username};
use chamber_mediation::confidential::Keyring;
use chamber_store::Store;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

fn pdf(n: usize, what: &str) -> Vec<u8> {
    let mut v = format!("%PDF-1.4\n% {what} {n}\n").into_bytes();
    v.resize(1500 + n % 700, b'.');
    v
}

fn line(i: usize) -> ImportedRegistration {
    const COUNTRIES: [&str; 12] = [
        "TKM", "FRA", "CHN", "RUS", "ESP", "EGY", "BRA", "IND", "KAZ", "NOR", "JPN", "MEX",
    ];
    let category = match i % 20 {
        0..=11 => Category::MemberState,
        12..=13 => Category::Observer,
        14..=15 => Category::Igo,
        _ => Category::Ngo,
    };
    let (affiliation, letter, other) = if category.is_state() {
        (
            Affiliation::Country(Country::parse(COUNTRIES[i % COUNTRIES.len()]).unwrap()),
            DocumentKind::NoteVerbale,
            DocumentKind::NominationLetter,
        )
    } else {
        (
            Affiliation::Organisation(format!("Organisation {}", i % 97)),
            DocumentKind::NominationLetter,
            DocumentKind::NoteVerbale,
        )
    };
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.resize(3000, 7);
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
            consent_to_publish: !i.is_multiple_of(3),
        },
        documents: vec![
            (letter, pdf(i, "letter")),
            (DocumentKind::IdentityDocument, pdf(i, "passport")),
            (DocumentKind::Photo, photo),
            (other, pdf(i, "supporting")),
        ],
    }
}

async fn seed(data: &str, key_file: &str, n: usize, approved: usize) {
    let key = [7u8; 32];
    std::fs::write(key_file, hex(&key)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let store = Arc::new(Store::open_dir(std::path::Path::new(data)).await.unwrap());
    let keys = Arc::new(Keyring::from_bytes(key));
    let app = Conferences::new(store.clone(), Some(keys.clone()), Settings::default());
    let user = |name: &str, role| {
        let store = store.clone();
        let name = name.to_string();
        async move {
            store
                .create_user("load", &Username::parse(&name).unwrap(), &name, role, None)
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
                titles: Titles::new("Load Forum").unwrap(),
                starts_on: time::macros::date!(2027 - 03 - 10),
                ends_on: time::macros::date!(2027 - 03 - 12),
                location: "Ashgabat".into(),
            },
        )
        .await
        .unwrap();
    for (who, role) in [
        ("officer", StaffRole::AccreditationOfficer),
        ("door", StaffRole::DoorStaff),
    ] {
        app.assign_role(&admin, &conf, who, role).await.unwrap();
    }
    let t0 = Instant::now();
    let mut ids = Vec::new();
    let mut made = 0;
    while made < n {
        let batch: Vec<ImportedRegistration> = (made..(made + 250).min(n)).map(line).collect();
        made += batch.len();
        ids.extend(
            app.import_registrations(&admin, &conf, batch)
                .await
                .unwrap(),
        );
    }
    eprintln!(
        "seeded {n} registrations with {} sealed documents in {:.1} s",
        n * 4,
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let mut tickets = Vec::new();
    for id in ids.iter().take(approved) {
        app.approve(&officer, id).await.unwrap();
        let row = store.conference_registration(id).await.unwrap().unwrap();
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(row.ticket_sealed.unwrap())
            .unwrap();
        let aad = format!("chamber/conferences/v1/ticket/{conf}/{id}");
        tickets.push(String::from_utf8(keys.open(&sealed, aad.as_bytes()).unwrap()).unwrap());
    }
    eprintln!(
        "approved {} in {:.1} s",
        tickets.len(),
        t0.elapsed().as_secs_f64()
    );
    let officer_token = store
        .create_api_token("load", &officer.id, "load")
        .await
        .unwrap();
    let door_token = store
        .create_api_token("load", &door.id, "load")
        .await
        .unwrap();
    println!(
        "{}",
        json!({"conference": conf, "officer_token": officer_token, "door_token": door_token, "tickets": tickets, "pending": n - approved})
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// (p50, p95, p99, max) in milliseconds, printed.
fn report(what: &str, mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (p50, p95, p99) = (
        percentile(&ms, 0.50),
        percentile(&ms, 0.95),
        percentile(&ms, 0.99),
    );
    println!(
        "{what}: n={} p50 {p50:.2} ms  p95 {p95:.2} ms  p99 {p99:.2} ms  max {:.2} ms",
        ms.len(),
        ms[ms.len() - 1]
    );
    (p50, p95, p99)
}

async fn load(base: &str, seed_file: &str, scanners: usize, pace_ms: u64) {
    assert!(
        base.starts_with("http://127.") || base.starts_with("http://[::1]"),
        "loopback only: {base}"
    );
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(seed_file).unwrap()).unwrap();
    let conf = seed["conference"].as_str().unwrap().to_string();
    let tickets: Vec<String> = serde_json::from_value(seed["tickets"].clone()).unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(scanners + 4)
        .build()
        .unwrap();
    // The officer: every page of the pending queue, four passes, while the door is busy.
    let officer = {
        let (http, base, conf) = (http.clone(), base.to_string(), conf.clone());
        let token = seed["officer_token"].as_str().unwrap().to_string();
        tokio::spawn(async move {
            let mut ms = Vec::new();
            let mut pages = 0;
            for _ in 0..4 {
                let mut after: Option<String> = None;
                loop {
                    let mut url = format!("{base}/api/v1/conferences/{conf}/queue?limit=50");
                    if let Some(a) = &after {
                        url.push('&');
                        url.push_str(&serde_urlencoded::to_string([("after", a)]).unwrap());
                    }
                    let t = Instant::now();
                    let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
                    assert!(r.status().is_success(), "queue: {}", r.status());
                    let page: Value = r.json().await.unwrap();
                    ms.push(t.elapsed().as_secs_f64() * 1000.0);
                    pages += 1;
                    match page["next"].as_str() {
                        Some(n) => after = Some(n.to_string()),
                        None => break,
                    }
                }
            }
            (ms, pages)
        })
    };
    // The door at its pace (each scanner one badge every PACE ms on average) with half the
    // tickets, the officer paging meanwhile; then flat out (no pause) with the other half.
    let door_token = seed["door_token"].as_str().unwrap().to_string();
    let url = format!("{base}/api/v1/conferences/{conf}/check-in");
    let half = tickets.len() / 2;
    let (paced_ms, paced_answers, paced_secs) = door(
        &http,
        &url,
        &door_token,
        &tickets[..half],
        scanners,
        pace_ms,
        0,
    )
    .await;
    let (queue_ms, pages) = officer.await.unwrap();
    let (flat_ms, flat_answers, flat_secs) = door(
        &http,
        &url,
        &door_token,
        &tickets[half..],
        scanners,
        0,
        scanners,
    )
    .await;
    println!(
        "conferences load over loopback: {} pending registrations in the queue, {} approved tickets, {scanners} door scanners",
        seed["pending"],
        tickets.len()
    );
    let (_, q95, _) = report(
        &format!("officer's queue page (50 a page, {pages} pages, during the door load)"),
        queue_ms,
    );
    let n = paced_ms.len();
    let (_, _, d99) = report(
        &format!(
            "check-in at a door's pace ({scanners} concurrent scanners, one badge each every ~{pace_ms} ms: {:.0} scans/s)",
            n as f64 / paced_secs
        ),
        paced_ms,
    );
    let n = flat_ms.len();
    let (_, _, f99) = report(
        &format!(
            "check-in flat out ({scanners} concurrent scanners, no pause: {:.0} scans/s; first scans written together, group commit)",
            n as f64 / flat_secs
        ),
        flat_ms,
    );
    for (answers, share) in [
        (&paced_answers, half),
        (&flat_answers, tickets.len() - half),
    ] {
        println!("door answers: {answers:?}");
        assert_eq!(answers.get("valid"), Some(&share), "each ticket valid once");
        assert_eq!(answers.get("already_in"), Some(&share), "then already in");
    }
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "goal queue p95 < 50 ms: {q95:.2} ms, {}; goal check-in p99 < 50 ms under {scanners} scanners at a door's pace: {d99:.2} ms, {}; flat out: {f99:.2} ms, {}",
        verdict(q95 < 50.0),
        verdict(d99 < 50.0),
        verdict(f99 < 50.0),
    );
}

/// Each scanner scans its share of `tickets` twice (valid, then already in) and two unknown
/// tickets, pausing `pace_ms` (0.5–1.5×, varied) between scans; returns every latency, the
/// answers counted, and the seconds taken.
async fn door(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    tickets: &[String],
    scanners: usize,
    pace_ms: u64,
    unknown_from: usize,
) -> (Vec<f64>, std::collections::BTreeMap<String, usize>, f64) {
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..scanners {
        let mine: Vec<String> = tickets
            .iter()
            .skip(k)
            .step_by(scanners)
            .cloned()
            .chain((0..2).map(|i| format!("{:032x}", (unknown_from + k) * 2 + i)))
            .collect();
        let (http, url, token) = (http.clone(), url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut ms = Vec::new();
            let mut answers = std::collections::BTreeMap::<String, usize>::new();
            let mut step = 0u64;
            for round in 0..2 {
                for t in &mine {
                    if round == 1 && t.starts_with("0000") {
                        continue;
                    }
                    if pace_ms > 0 {
                        step += 1;
                        let jitter = (step * 7919 + k as u64 * 104_729) % pace_ms;
                        tokio::time::sleep(std::time::Duration::from_millis(pace_ms / 2 + jitter))
                            .await;
                    }
                    let start = Instant::now();
                    let r = http
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"ticket": t}))
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "check-in: {}", r.status());
                    let v: Value = r.json().await.unwrap();
                    ms.push(start.elapsed().as_secs_f64() * 1000.0);
                    *answers
                        .entry(v["answer"].as_str().unwrap_or("?").to_string())
                        .or_default() += 1;
                }
            }
            (ms, answers)
        }));
    }
    let mut all = Vec::new();
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    for t in tasks {
        let (ms, a) = t.await.unwrap();
        all.extend(ms);
        for (k, v) in a {
            *answers.entry(k).or_default() += v;
        }
    }
    (all, answers, t0.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("seed") if args.len() == 6 => {
            seed(
                &args[2],
                &args[3],
                args[4].parse().unwrap(),
                args[5].parse().unwrap(),
            )
            .await
        }
        Some("load") if args.len() == 6 => {
            load(
                &args[2],
                &args[3],
                args[4].parse().unwrap(),
                args[5].parse().unwrap(),
            )
            .await
        }
        _ => {
            eprintln!(
                "usage: conferences_load seed DATA KEY_FILE N APPROVED | load BASE SEED_JSON SCANNERS PACE_MS"
            );
            std::process::exit(2);
        }
    }
}
