//! What the files on disk tell whoever copies them (issue 13, finding 11): the database files
//! are private to their owner, a key file others can read is refused, a key kept inside the
//! data directory is warned about, and the audit record names no author of a caucus entry.

mod common;

use common::{chamber, run, temp_dir, text};
use sqlx::Connection;

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_files_are_private_to_their_owner() {
    let cwd = temp_dir("private-files");
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(mode(&cwd.join("data")), 0o700);
    for f in ["chamber.sqlite", "chamber.sqlite-wal", "chamber.sqlite-shm"] {
        let p = cwd.join("data").join(f);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    assert_eq!(mode(&cwd.join("data/keys/chamber.key")), 0o600);
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_and_one_inside_the_data_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let cwd = temp_dir("key-mode");
    let key = cwd.join("chamber.key");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(chamber(&cwd)
        .args(["demo", "seed", "--data", "data", "--key-file"])
        .arg(&key));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("chmod 600"),
        "{}",
        text(&out.stderr)
    );
    // The default key sits inside the data directory: it works, with a warning.
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("inside the data directory"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn the_audit_record_names_no_author_or_space_of_a_caucus_entry() {
    let cwd = temp_dir("audit-names");
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let url = format!("sqlite://{}", cwd.join("data/chamber.sqlite").display());
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, action, subject FROM audit_log WHERE action LIKE 'mediation.%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(rows.len() > 5, "{rows:?}");
    let users: Vec<(String, String)> = sqlx::query_as("SELECT id, username FROM users")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for (actor, action, subject) in &rows {
        assert_eq!(action, "mediation.record.save");
        assert!(actor.starts_with("sealed:"), "{actor}");
        for (id, name) in &users {
            assert!(
                !actor.contains(id) && !actor.contains(name.as_str()),
                "{actor}"
            );
            assert!(!subject.contains(name.as_str()), "{subject}");
        }
    }
    let kinds: Vec<(String,)> = sqlx::query_as("SELECT scope FROM mediation_sealed")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(
        kinds
            .iter()
            .all(|(s,)| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())),
        "scopes are blind tags"
    );
}

/// Issue 13's acceptance: `strings` over the database files after the demonstration shows no
/// space name, party name or note author tied to a caucus entry. Every run of four or more
/// printable bytes in `chamber.sqlite` and its `-wal`/`-shm` files (what `strings` prints) is
/// checked for the demonstration's party and space names, its caucus notes' words, and the
/// delegates' names beside the word "caucus".
#[test]
fn strings_over_the_database_files_name_no_party_space_or_caucus_author() {
    let cwd = temp_dir("strings-db");
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut strings = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(cwd.join("data")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("chamber.sqlite") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        for run in bytes.split(|b| !(b.is_ascii_graphic() || *b == b' ')) {
            if run.len() >= 4 {
                strings.push(String::from_utf8_lossy(run).to_lowercase());
            }
        }
    }
    assert!(files >= 1 && strings.len() > 100, "{files} files");
    // The record is there in clear where it should be: accounts and the audit chain.
    assert!(strings.iter().any(|s| s.contains("demo-mediator")));
    for secret in [
        "government of eastmark",
        "highlands council",
        "caucus",
        "eastmark fallback",
        "capital authorises",
        "highlands priorities",
        "river road is essential",
        "mediators' assessment",
        "detainee timing",
    ] {
        let hit = strings.iter().find(|s| s.contains(secret));
        assert!(hit.is_none(), "strings shows {secret:?}: {hit:?}");
    }
}
