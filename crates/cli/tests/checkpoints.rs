//! The real binary: checkpoints a party downloads from `chamber serve` detect a record cut
//! short (issue 13, finding 12), later checkpoints extend earlier ones, the offline procedure
//! checks exports against checkpoints, and `chamber key rotate` re-seals everything, also when
//! killed between its steps.

mod common;

use common::{Server, admin_token, chamber, run, temp_dir, text};
use sqlx::Connection;
use std::path::Path;
use std::process::Output;

const STORE: [&str; 2] = ["--data", "data"];

async fn sql(cwd: &Path, statements: &[&str]) {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", cwd.join("data/chamber.sqlite").display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    for s in statements {
        sqlx::query(sqlx::AssertSqlSafe(s.to_string()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    conn.close().await.unwrap();
}

/// What whoever holds the database does: delete the last entry and rewrite the head to name
/// the entry before it, so that the shorter chain is intact.
async fn cut_last_entry(cwd: &Path) {
    sql(
        cwd,
        &[
            "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
            "UPDATE audit_head SET seq = (SELECT MAX(seq) FROM audit_log), \
             hash = (SELECT hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)) \
             WHERE id = 1",
        ],
    )
    .await;
}

fn users(cwd: &Path, names: &[&str]) {
    for name in names {
        let out = run(chamber(cwd)
            .args([
                "admin",
                "create-user",
                "--username",
                name,
                "--role",
                "observer",
            ])
            .args(STORE));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

fn verify(cwd: &Path, checkpoints: &[&str]) -> Output {
    let mut cmd = chamber(cwd);
    cmd.args(["audit", "verify"]).args(STORE);
    for c in checkpoints {
        cmd.args(["--checkpoint", c]);
    }
    run(&mut cmd)
}

fn python_available() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok()
}

fn verify_offline(cwd: &Path, record: &str, checkpoints: &[&str], tool: &str) -> Output {
    let script = chamber_testkit::repo_root().join("docs/verify_audit.py");
    let mut cmd = std::process::Command::new("python3");
    cmd.current_dir(cwd).arg(&script).arg(record);
    for c in checkpoints {
        cmd.args(["--checkpoint", c]);
    }
    cmd.env("VERIFY_AUDIT_SIGNATURES", tool);
    cmd.output().unwrap()
}

fn export(cwd: &Path, to: &str) {
    let out = run(chamber(cwd).args(["audit", "export", "-o", to]).args(STORE));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The tools the offline check can use for the signature: Python's `cryptography` when it is
/// installed, `openssl` otherwise; each one present is tried.
fn signature_tools() -> Vec<&'static str> {
    let mut tools = Vec::new();
    let has_cryptography = std::process::Command::new("python3")
        .args(["-c", "import cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_cryptography {
        tools.push("cryptography");
    }
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        tools.push("openssl");
    }
    tools
}

#[tokio::test]
async fn the_record_can_be_cut_short_finding_12_is_detected_against_a_downloaded_checkpoint() {
    let cwd = temp_dir("checkpoint-cut");
    let token = admin_token(&cwd, &STORE);
    users(&cwd, &["amina", "boris", "chen"]);
    // A participant downloads the current checkpoint from the running server and keeps it.
    let server = Server::start(&cwd, &STORE);
    let http = reqwest::Client::new();
    let kept = http
        .get(format!("{}/api/v1/audit/checkpoint", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), reqwest::StatusCode::OK);
    let kept = kept.text().await.unwrap();
    std::fs::write(cwd.join("kept.json"), &kept).unwrap();
    let cp: serde_json::Value = serde_json::from_str(&kept).unwrap();
    let seq = cp["seq"].as_i64().unwrap();
    drop(server);
    export(&cwd, "before.jsonl");

    let ok = verify(&cwd, &["kept.json"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains(&format!("extends checkpoint kept.json: entry {seq}")),
        "{}",
        text(&ok.stdout)
    );

    // The cut: the last entry deleted, the head rewritten. The server's own checkpoints still
    // name the lost entry, so plain verify notices as long as they are there...
    cut_last_entry(&cwd).await;
    let out = verify(&cwd, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("the checkpoint this server issued"),
        "{}",
        text(&out.stderr)
    );
    // ...so a thorough intruder removes them too. Plain verify now passes (the finding)...
    sql(&cwd, &["DELETE FROM audit_checkpoints"]).await;
    let plain = verify(&cwd, &[]);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain.stderr));
    assert_eq!(
        text(&plain.stdout).trim(),
        format!("audit record intact: {} entries", seq - 1)
    );
    // ...but the checkpoint the participant kept detects the cut, and says why.
    let caught = verify(&cwd, &["kept.json"]);
    assert_eq!(caught.status.code(), Some(1));
    let why = text(&caught.stderr);
    assert!(
        why.contains("no longer extends checkpoint kept.json")
            && why.contains(&format!("ends at entry {}", seq - 1))
            && why.contains("cut"),
        "{why}"
    );
    let json = run(chamber(&cwd)
        .args(["audit", "verify", "--json", "--checkpoint", "kept.json"])
        .args(STORE));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (v["intact"].as_bool(), v["seq"].as_i64()),
        (Some(false), Some(seq))
    );

    // Regrown to the same length by a new change: entry `seq` is there with another hash.
    users(&cwd, &["intruder"]);
    let regrown = verify(&cwd, &["kept.json"]);
    assert_eq!(regrown.status.code(), Some(1));
    assert!(
        text(&regrown.stderr).contains("rewritten"),
        "{}",
        text(&regrown.stderr)
    );

    // The offline procedure: the export from before the cut extends the checkpoint, the
    // export after it does not.
    if !python_available() {
        eprintln!("SKIPPED: python3 is absent; the offline check did not run");
        return;
    }
    export(&cwd, "after.jsonl");
    let tools = signature_tools();
    assert!(
        !tools.is_empty(),
        "neither cryptography nor openssl is here"
    );
    for tool in tools {
        let good = verify_offline(&cwd, "before.jsonl", &["kept.json"], tool);
        assert_eq!(
            good.status.code(),
            Some(0),
            "{tool}: {}",
            text(&good.stdout)
        );
        assert!(
            text(&good.stdout).contains("extends checkpoint kept.json"),
            "{tool}: {}",
            text(&good.stdout)
        );
        let bad = verify_offline(&cwd, "after.jsonl", &["kept.json"], tool);
        assert_eq!(bad.status.code(), Some(1), "{tool}: {}", text(&bad.stdout));
        assert!(
            text(&bad.stdout).contains("kept.json"),
            "{tool}: {}",
            text(&bad.stdout)
        );
    }
}

#[test]
fn a_later_checkpoint_extends_an_earlier_one() {
    let cwd = temp_dir("checkpoint-extends");
    users(&cwd, &["amina", "boris"]);
    let out = run(chamber(&cwd)
        .args(["audit", "checkpoint", "-o", "a.json"])
        .args(STORE));
    assert!(out.status.success(), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cwd.join("data/keys/checkpoint.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    users(&cwd, &["chen", "dana"]);
    let out = run(chamber(&cwd)
        .args(["audit", "checkpoint", "-o", "b.json"])
        .args(STORE));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("a.json")).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("b.json")).unwrap()).unwrap();
    assert_eq!(a["public_key"], b["public_key"], "one server, one key");
    // Given in either order, the later one is shown to extend the earlier.
    let out = verify(&cwd, &["b.json", "a.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "checkpoint b.json (entry {}) extends checkpoint a.json (entry {})",
            b["seq"], a["seq"]
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("extends the 2 checkpoints this server issued"),
        "{stdout}"
    );
    // Pinned to the server's key: fine; pinned to another: refused.
    let pinned = run(chamber(&cwd)
        .args(["audit", "verify", "--checkpoint", "a.json", "--public-key"])
        .arg(a["public_key"].as_str().unwrap())
        .args(STORE));
    assert_eq!(pinned.status.code(), Some(0), "{}", text(&pinned.stderr));
    let other = run(chamber(&cwd)
        .args(["audit", "verify", "--checkpoint", "a.json", "--public-key"])
        .arg("11".repeat(32))
        .args(STORE));
    assert_eq!(other.status.code(), Some(1));
    assert!(text(&other.stderr).contains("not by the expected key"));
    if python_available() {
        export(&cwd, "record.jsonl");
        for tool in signature_tools() {
            let out = verify_offline(&cwd, "record.jsonl", &["a.json", "b.json"], tool);
            assert_eq!(out.status.code(), Some(0), "{tool}: {}", text(&out.stdout));
            assert!(
                text(&out.stdout).contains("b.json (entry"),
                "{tool}: {}",
                text(&out.stdout)
            );
        }
    }
}

#[test]
fn a_forged_or_malformed_checkpoint_is_refused_naming_why() {
    let cwd = temp_dir("checkpoint-forged");
    users(&cwd, &["amina", "boris", "chen"]);
    let out = run(chamber(&cwd)
        .args(["audit", "checkpoint", "-o", "real.json"])
        .args(STORE));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let real: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("real.json")).unwrap()).unwrap();
    // Someone claims the server vouched for fewer entries: the signature no longer verifies.
    let mut forged = real.clone();
    forged["seq"] = serde_json::json!(real["seq"].as_i64().unwrap() - 1);
    std::fs::write(cwd.join("forged.json"), forged.to_string()).unwrap();
    let out = verify(&cwd, &["forged.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("signature does not verify"),
        "{}",
        text(&out.stderr)
    );
    if python_available() {
        export(&cwd, "record.jsonl");
        for tool in signature_tools() {
            let out = verify_offline(&cwd, "record.jsonl", &["forged.json"], tool);
            assert_eq!(out.status.code(), Some(1), "{tool}: {}", text(&out.stdout));
            assert!(
                text(&out.stdout).contains("signature"),
                "{tool}: {}",
                text(&out.stdout)
            );
        }
    }
    // A file that is not a checkpoint is bad input naming the file and the field.
    let mut bad = real.clone();
    bad["hash"] = serde_json::json!("not-a-hash");
    std::fs::write(cwd.join("bad.json"), bad.to_string()).unwrap();
    let out = verify(&cwd, &["bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.json") && err.contains("'hash'"), "{err}");
    let out = verify(&cwd, &["missing.json"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every demonstration account's view of its processes, opened as `chamber serve` opens the
/// keyring (settling an interrupted rotation first).
async fn demo_views(cwd: &Path) -> String {
    let store = std::sync::Arc::new(
        chamber_store::Store::open_dir(&cwd.join("data"))
            .await
            .unwrap(),
    );
    let files = chamber_app::keys::KeyFiles::new(cwd.join("data/keys/chamber.key"));
    let keys = chamber_app::keys::open(&files, &store)
        .await
        .unwrap()
        .keyring;
    let mediation =
        chamber_app::mediation::Mediation::new(store.clone(), Some(std::sync::Arc::new(keys)));
    let mut out = String::new();
    for name in [
        "demo-mediator",
        "demo-delegate-eastmark",
        "demo-delegate-highlands",
        "demo-observer",
    ] {
        let Some((user, _)) = store.login_lookup(name).await.unwrap() else {
            continue;
        };
        for p in mediation.list(&user).await.unwrap() {
            let ws = mediation.open(&user, &p.id).await.unwrap();
            out.push_str(&format!("{name}: {ws:?}\n"));
        }
    }
    store.close().await;
    assert!(
        !out.is_empty(),
        "the demonstration accounts see their process"
    );
    out
}

#[tokio::test]
async fn key_rotate_reseals_everything_and_a_kill_between_steps_loses_nothing() {
    let cwd = temp_dir("rotate");
    let out = run(chamber(&cwd).args(["demo", "seed"]).args(STORE));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = demo_views(&cwd).await;
    let key = cwd.join("data/keys/chamber.key");
    let first_key = std::fs::read(&key).unwrap();

    let out = run(chamber(&cwd).args(["key", "rotate"]).args(STORE));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("mediation records"), "{stdout}");
    assert!(
        stdout.contains("the old key is kept as retired"),
        "{stdout}"
    );
    assert_ne!(std::fs::read(&key).unwrap(), first_key);
    assert_eq!(
        std::fs::read_dir(cwd.join("data/keys/retired"))
            .unwrap()
            .count(),
        1
    );
    assert_eq!(demo_views(&cwd).await, before);

    // Killed (SIGKILL) after each step in turn; the next start settles it, nothing is lost.
    for step in ["next-key-written", "committed", "swapped"] {
        let key_before = std::fs::read(&key).unwrap();
        let out = run(chamber(&cwd)
            .args(["key", "rotate"])
            .args(STORE)
            .env("CHAMBER_FAULT_KILL_AFTER", step));
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                out.status.signal(),
                Some(9),
                "{step}: {}",
                text(&out.stderr)
            );
        }
        assert_eq!(
            cwd.join("data/keys/chamber.key.next").exists(),
            step != "swapped",
            "{step}"
        );
        // `chamber serve` settles the rotation at start (its keyring is opened just after it
        // says it listens) and says what it did.
        let server = Server::start(&cwd, &STORE);
        let started = std::time::Instant::now();
        while cwd.join("data/keys/chamber.key.next").exists()
            && started.elapsed() < std::time::Duration::from_secs(20)
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(server);
        assert!(!cwd.join("data/keys/chamber.key.next").exists(), "{step}");
        assert_eq!(
            std::fs::read(&key).unwrap() == key_before,
            step == "next-key-written",
            "{step}: the key changes exactly when the transaction committed"
        );
        assert_eq!(demo_views(&cwd).await, before, "{step}");
    }
    let out = verify(&cwd, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // --forget-old: no retired key is left, and everything still opens.
    let out = run(chamber(&cwd)
        .args(["key", "rotate", "--forget-old", "--json"])
        .args(STORE));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["forgotten"].as_u64().unwrap() >= 3, "{report}");
    assert_eq!(
        std::fs::read_dir(cwd.join("data/keys/retired"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(demo_views(&cwd).await, before);
    // A key given in the environment cannot be rotated (there is no file to write beside).
    let out = run(chamber(&cwd)
        .args(["key", "rotate"])
        .args(STORE)
        .env("CHAMBER_KEY", "ab".repeat(32)));
    assert_eq!(out.status.code(), Some(2));
}
