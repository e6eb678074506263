//! The real server process: crash safety under SIGKILL, and the same behaviour on PostgreSQL.

mod common;

use common::{Server, admin_token, chamber, run, temp_dir, text};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn create_users_until_killed(
    base: String,
    token: String,
    prefix: String,
    acked: Arc<Mutex<Vec<String>>>,
) {
    let http = reqwest::Client::new();
    for i in 0.. {
        let username = format!("{prefix}-{i:05}");
        let sent = http
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"username": username, "display_name": "Burst", "role": "observer"}))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        match sent {
            Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                acked.lock().unwrap().push(username);
            }
            Ok(r) => panic!("unexpected answer {}", r.status()),
            Err(_) => return, // the server is gone
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_and_the_record_stays_intact() {
    let cwd = temp_dir("crash");
    let store = ["--data", "data"];
    let token = admin_token(&cwd, &store);
    let mut server = Server::start(&cwd, &store);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for w in 0..8 {
        writers.push(tokio::spawn(create_users_until_killed(
            server.base.clone(),
            token.clone(),
            format!("w{w}"),
            acked.clone(),
        )));
    }
    // Let the burst run, then kill the server mid-write.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 60 && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 60, "the burst wrote only {}", acked.len());

    let server = Server::start(&cwd, &store);
    let users: Vec<serde_json::Value> = reqwest::Client::new()
        .get(format!("{}/api/v1/users", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let present: std::collections::HashSet<&str> = users
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|u| !present.contains(u.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    drop(server);
    let out = run(chamber(&cwd).args(["audit", "verify", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    eprintln!(
        "crash test: {} acknowledged writes, all present; {}",
        acked.len(),
        text(&out.stdout).trim()
    );
}

#[tokio::test]
async fn the_same_platform_runs_on_postgresql() {
    let Some(pg) = chamber_store::testing::FreshPostgres::create().await else {
        return;
    };
    let cwd = temp_dir("pg");
    let store = ["--database", pg.url.as_str()];
    let token = admin_token(&cwd, &store);
    let server = Server::start(&cwd, &store);
    let http = reqwest::Client::new();
    for name in ["amina", "boris"] {
        let r = http
            .post(format!("{}/api/v1/users", server.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"username": name, "display_name": name, "role": "mediator"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    }
    let health: serde_json::Value = http
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    drop(server);
    let out = run(chamber(&cwd).args(["audit", "verify"]).args(store));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // user.create + link + token for the admin, then user.create + link for each of two.
    assert_eq!(text(&out.stdout).trim(), "audit record intact: 7 entries");
    // Tampering is caught on PostgreSQL too.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&pg.url).await.unwrap();
    sqlx::query("UPDATE audit_log SET action = 'user.delete' WHERE seq = 4")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = run(chamber(&cwd).args(["audit", "verify"]).args(store));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("audit entry 4:"),
        "{}",
        text(&out.stderr)
    );
    pg.drop_database().await;
}

/// The demo's confidential words: note bodies and party names, as the demo writes them.
fn demo_plaintexts() -> Vec<String> {
    let demo = chamber_mediation::demo::build(&mut rand::rng(), time::OffsetDateTime::now_utc())
        .expect("the demo builds");
    let mut words: Vec<String> = demo.notes.iter().map(|n| n.body.clone()).collect();
    words.push("Highlands Council".into());
    words.push("Government of Eastmark".into());
    words
}

#[test]
fn a_postgresql_dump_holds_none_of_the_confidential_plaintext() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(pg) = rt.block_on(chamber_store::testing::FreshPostgres::create()) else {
        return;
    };
    let cwd = temp_dir("pg-dump");
    let out = run(chamber(&cwd).args([
        "demo",
        "seed",
        "--database",
        pg.url.as_str(),
        "--key-file",
        "chamber.key",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dump = std::process::Command::new("pg_dump")
        .args(["--data-only", &pg.url])
        .output()
        .expect("pg_dump is installed with PostgreSQL");
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    let dump = text(&dump.stdout);
    assert!(
        dump.contains("mediation_records"),
        "the dump holds the sealed records"
    );
    for word in demo_plaintexts() {
        assert!(
            !dump.contains(&word),
            "plaintext in the PostgreSQL dump: {word}"
        );
    }
    rt.block_on(pg.drop_database());
}

#[test]
fn the_sqlite_file_holds_none_of_the_confidential_plaintext() {
    let cwd = temp_dir("sqlite-plain");
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut raw = Vec::new();
    for f in ["chamber.sqlite", "chamber.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(cwd.join("data").join(f)) {
            raw.extend(bytes);
        }
    }
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("mediation_records"));
    for word in demo_plaintexts() {
        assert!(!raw.contains(&word), "plaintext in the SQLite file: {word}");
    }
}
