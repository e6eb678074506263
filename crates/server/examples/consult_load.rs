//! Load generator for consultations: N simulated voters on loopback for D seconds against a
//! running `chamber serve`. Each voter joins through the anonymous link, then votes on the
//! statements in order with a random think time; every vote's latency is recorded. At the end
//! the number of acknowledged votes is compared with what the server stored.
//!
//! Usage: consult_load BASE_URL API_TOKEN [VOTERS=1000] [SECONDS=60] [THINK_MS_MIN=2000] [THINK_MS_MAX=6000]
//! (run by `scripts/load-consult`; loopback only).

use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .expect("BASE_URL")
        .trim_end_matches('/')
        .to_string();
    assert!(
        base.starts_with("http://127.") || base.starts_with("http://localhost"),
        "loopback only"
    );
    let token = args.get(2).expect("API_TOKEN").clone();
    let voters: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(4).and_then(|v| v.parse().ok()).unwrap_or(60);
    let think_min: u64 = args.get(5).and_then(|v| v.parse().ok()).unwrap_or(2000);
    let think_max: u64 = args.get(6).and_then(|v| v.parse().ok()).unwrap_or(6000);
    let statements = 60usize;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(voters)
        .build()
        .unwrap();
    let created: serde_json::Value = http
        .post(format!("{base}/api/v1/consult"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "title": "Load test",
            "statements": (0..statements).map(|i| format!("Statement {i}")).collect::<Vec<_>>(),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let join_token = created["join_token"].as_str().unwrap().to_string();
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let failures = Arc::new(Mutex::new(0usize));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for v in 0..voters {
        let (http, base, id, join_token) =
            (http.clone(), base.clone(), id.clone(), join_token.clone());
        let (latencies, failures) = (latencies.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            // Spread the joins over the first seconds, as people arrive.
            let mut state = (v as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            tokio::time::sleep(Duration::from_millis(next() % 3000)).await;
            let joined: serde_json::Value = match http
                .post(format!("{base}/api/v1/consult/join"))
                .json(&serde_json::json!({"token": join_token}))
                .send()
                .await
            {
                Ok(r) => r.json().await.unwrap_or_default(),
                Err(_) => return,
            };
            let Some(secret) = joined["secret"].as_str().map(str::to_string) else {
                *failures.lock().unwrap() += 1;
                return;
            };
            for statement in 0..statements {
                let think = think_min + next() % (think_max - think_min + 1);
                tokio::time::sleep(Duration::from_millis(think)).await;
                if Instant::now() >= deadline {
                    return;
                }
                let vote = ["agree", "disagree", "pass"][(next() % 3) as usize];
                let start = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/consult/{id}/votes"))
                    .header("X-Chamber-Participant", &secret)
                    .json(&serde_json::json!({"statement": statement, "vote": vote}))
                    .send()
                    .await;
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                match r {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        latencies.lock().unwrap().push(ms)
                    }
                    _ => *failures.lock().unwrap() += 1,
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let stored: serde_json::Value = http
        .get(format!("{base}/api/v1/consult/{id}/analysis"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored_votes = stored["n_votes"].as_u64().unwrap_or(0) as usize;
    println!("voters: {voters}, duration: {seconds} s, think time {think_min}-{think_max} ms");
    println!(
        "acknowledged votes: {} ({:.0}/s), failed: {}",
        lat.len(),
        lat.len() as f64 / seconds as f64,
        failures.lock().unwrap()
    );
    println!(
        "vote latency ms: p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "stored votes: {stored_votes} (every acknowledged vote stored: {})",
        stored_votes == lat.len()
    );
    if stored_votes != lat.len() {
        std::process::exit(1);
    }
}
