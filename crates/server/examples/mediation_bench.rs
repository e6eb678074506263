//! Benchmark: does one party's caucus volume show in another party's response times, and how
//! fast is a delegate's list among many sealed processes? The real app on a loopback port with
//! a fresh SQLite store, requests over real HTTP with an API token.
//!
//! 1. One process, parties A and B. Party A's process page, p50 over many requests, first with
//!    B's caucus empty, then with 40 notes of 190 KB in B's caucus. Goal: within 20 %.
//! 2. 1,000 sealed processes; a delegate of one of them lists theirs (`GET /chamber`). Goal:
//!    p95 < 20 ms.
//!
//! Usage: `cargo run --release -p chamber-server --example mediation_bench [REQUESTS=300]`
//! (`scripts/bench-mediation`).

use chamber_app::mediation::{Mediation, NewProcess};
use chamber_core::{Role, Username};
use chamber_mediation::confidential::Keyring;
use chamber_mediation::process::ProcessKind;
use chamber_server::{AppState, ServerConfig};
use chamber_store::{Store, User};
use std::sync::Arc;
use std::time::Instant;

async fn account(store: &Store, name: &str, role: Role) -> User {
    store
        .create_user("bench", &Username::parse(name).unwrap(), name, role, None)
        .await
        .unwrap()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Latencies in milliseconds of `n` GETs of `path` with a bearer token, sorted; every answer
/// must be 200 and the same length as the first (identical bytes for an unchanged view).
async fn timed(http: &reqwest::Client, base: &str, token: &str, path: &str, n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    let mut len = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = http
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let body = r.bytes().await.unwrap();
        out.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(*len.get_or_insert(body.len()), body.len(), "{path} changed");
    }
    out.sort_by(f64::total_cmp);
    out
}

#[tokio::main]
async fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = std::env::temp_dir().join(format!("chamber-bench-{}", chamber_store::new_id()));
    let store = Arc::new(Store::open_dir(&dir).await.unwrap());
    let keys = Arc::new(Keyring::from_bytes([9; 32]));
    let mediation = Mediation::new(store.clone(), Some(keys.clone()));
    let mediator = account(&store, "mediator", Role::Mediator).await;
    let a = account(&store, "delegate-a", Role::Delegate).await;
    let b = account(&store, "delegate-b", Role::Delegate).await;
    let new = |title: &str| NewProcess {
        title: title.to_string(),
        kind: ProcessKind::PeaceProcess,
        mediator: None,
    };
    let id = mediation
        .open_by_hand(&mediator, &new("Talks"))
        .await
        .unwrap();
    let pa = mediation.add_party(&mediator, &id, "A").await.unwrap();
    let pb = mediation.add_party(&mediator, &id, "B").await.unwrap();
    mediation
        .add_participant(&mediator, &id, "delegate-a", "delegate", Some(pa.as_str()))
        .await
        .unwrap();
    mediation
        .add_participant(&mediator, &id, "delegate-b", "delegate", Some(pb.as_str()))
        .await
        .unwrap();
    mediation
        .start_text(
            &mediator,
            &id,
            "Draft",
            "Recalling\nNoting",
            "Decides\nRequests",
        )
        .await
        .unwrap();
    let b_caucus = {
        let ws = mediation.open(&b, &id).await.unwrap();
        chamber_mediation::permissions::own_caucus(&ws.process, &ws.viewer)
            .unwrap()
            .id
            .as_str()
            .to_string()
    };

    let state = AppState::with_keyring(
        store.clone(),
        ServerConfig {
            data: Some(chamber_app::DataDir::new(&dir)),
            ..ServerConfig::default()
        },
        Some(keys.clone()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(chamber_server::serve(listener, state));
    let http = reqwest::Client::new();
    let token_a = store
        .create_api_token("bench", &a.id, "bench")
        .await
        .unwrap();
    let page = format!("/chamber/{id}");

    // Warm up, then measure A's page with B's caucus empty.
    timed(&http, &base, &token_a, &page, 20).await;
    let empty = timed(&http, &base, &token_a, &page, requests).await;
    let note_body: String = "Fallback position on the corridor clause. ".repeat(190 * 1024 / 42);
    for i in 0..40 {
        mediation
            .post_note(&b, &id, &b_caucus, &format!("Caucus note {i}"), &note_body)
            .await
            .unwrap();
    }
    timed(&http, &base, &token_a, &page, 20).await;
    let full = timed(&http, &base, &token_a, &page, requests).await;
    let (p50_empty, p50_full) = (percentile(&empty, 0.5), percentile(&full, 0.5));
    let ratio = p50_full / p50_empty;
    println!(
        "party A's process page, p50 over {requests}: B's caucus empty {p50_empty:.2} ms; \
         with 40 notes of {} KB in B's caucus {p50_full:.2} ms; ratio {ratio:.2} (goal <= 1.20): {}",
        note_body.len() / 1024,
        if ratio <= 1.2 { "PASS" } else { "FAIL" }
    );

    // 1,000 sealed processes; the delegate of one lists theirs.
    let t = Instant::now();
    let mut mine = String::new();
    let listed = account(&store, "delegate-c", Role::Delegate).await;
    for i in 0..1000 {
        let pid = mediation
            .open_by_hand(&mediator, &new(&format!("Process {i}")))
            .await
            .unwrap();
        if i == 500 {
            let party = mediation.add_party(&mediator, &pid, "C").await.unwrap();
            mediation
                .add_participant(
                    &mediator,
                    &pid,
                    "delegate-c",
                    "delegate",
                    Some(party.as_str()),
                )
                .await
                .unwrap();
            mine = pid;
        }
    }
    println!(
        "stored 1,000 sealed processes in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let token_c = store
        .create_api_token("bench", &listed.id, "bench")
        .await
        .unwrap();
    let r = http
        .get(format!("{base}/api/v1/chamber"))
        .bearer_auth(&token_c)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(r.contains(&mine), "the delegate's process is listed");
    timed(&http, &base, &token_c, "/chamber", 20).await;
    let list = timed(&http, &base, &token_c, "/chamber", requests).await;
    let p95 = percentile(&list, 0.95);
    println!(
        "a delegate's list among 1,000 sealed processes, over {requests}: p50 {:.2} ms, p95 {p95:.2} ms (goal < 20 ms): {}",
        percentile(&list, 0.5),
        if p95 < 20.0 { "PASS" } else { "FAIL" }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
