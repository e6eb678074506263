//! Key rotation over a real store and real key files: every sealed record (the demonstration
//! process with its caucus notes, sessions and text; a conference registration's documents and
//! ticket) is re-sealed under a new key, everyone sees exactly what they saw before, and a
//! rotation stopped after any of its steps loses nothing once the keyring is opened again.

use chamber_app::conferences::{Conferences, NewConference, Settings};
use chamber_app::keys::{self, KeyFiles, Settled, Step};
use chamber_app::mediation::Mediation;
use chamber_app::{AppError, demo};
use chamber_conferences::conference::{StaffRole, Titles};
use chamber_conferences::registration::{Affiliation, RegistrationForm};
use chamber_conferences::{Category, Country, DocumentKind};
use chamber_core::{Lang, Role, Username};
use chamber_mediation::confidential::Keyring;
use chamber_store::{Store, User};
use std::path::PathBuf;
use std::sync::Arc;
use time::macros::date;

struct World {
    dir: PathBuf,
    store: Arc<Store>,
    files: KeyFiles,
    process: String,
    people: Vec<User>,
    officer: User,
    registrant: User,
    registration: String,
    documents: Vec<String>,
}

async fn account(store: &Store, name: &str, role: Role) -> User {
    store
        .create_user("test", &Username::parse(name).unwrap(), name, role, None)
        .await
        .unwrap()
}

fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj\n<< >>\nstream\nBT ({body}) Tj ET\nendstream\nendobj\n%%EOF\n")
        .into_bytes()
}

async fn world() -> World {
    let (store, dir) = chamber_store::testing::fresh_sqlite().await;
    let store = Arc::new(store);
    let files = KeyFiles::new(dir.join("keys").join("chamber.key"));
    let opened = keys::open(&files, &store).await.unwrap();
    assert!(opened.generated);
    let keys = Arc::new(opened.keyring);
    let mediation = Mediation::new(store.clone(), Some(keys.clone()));
    let seeded = demo::seed(&store, &mediation, "test").await.unwrap();
    let mut people = Vec::new();
    for a in &seeded.accounts {
        people.push(store.login_lookup(&a.username).await.unwrap().unwrap().0);
    }
    // A case opened from an alert waits in the intake (blind intake and alert tags).
    let analyst = account(&store, "analyst", Role::Analyst).await;
    let case = mediation
        .open_case_for_alert(&analyst, "UCDP-2026-17", "", "border clashes")
        .await
        .unwrap();
    assert!(case.created);
    people.push(analyst);
    let conferences = Conferences::new(store.clone(), Some(keys), Settings::default());
    let admin = account(&store, "secretariat", Role::Admin).await;
    let officer = account(&store, "officer", Role::Observer).await;
    let conf = conferences
        .create(
            &admin,
            &NewConference {
                titles: Titles::new("Forum on Neutrality").unwrap(),
                starts_on: date!(2026 - 03 - 10),
                ends_on: date!(2026 - 03 - 11),
                location: "Ashgabat".into(),
            },
        )
        .await
        .unwrap();
    conferences
        .assign_role(
            &admin,
            &conf,
            &officer.username,
            StaffRole::AccreditationOfficer,
        )
        .await
        .unwrap();
    let registrant = account(&store, "aylar", Role::Delegate).await;
    let form = RegistrationForm {
        category: Category::MemberState,
        family_name: "Orazova".into(),
        given_name: "Aylar".into(),
        affiliation: Affiliation::Country(Country::parse("TKM").unwrap()),
        answers: [
            ("function".to_string(), "Ambassador".to_string()),
            ("email".to_string(), "a@mission.example".to_string()),
        ]
        .into(),
        consent_to_publish: true,
    };
    let reg = conferences
        .register(&registrant, &conf, form)
        .await
        .unwrap();
    let registration = reg.registration.id.to_string();
    let mut documents = Vec::new();
    for (kind, body) in [
        (DocumentKind::NoteVerbale, pdf("Note Verbale 2026/17")),
        (DocumentKind::IdentityDocument, pdf("PASSPORT X7731942")),
        (DocumentKind::Photo, {
            let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
            v.extend_from_slice(b"JFIF\0 photo");
            v
        }),
    ] {
        let meta = conferences
            .upload_document(&registrant, &registration, kind, &body)
            .await
            .unwrap();
        documents.push(meta.id.to_string());
    }
    conferences.approve(&officer, &registration).await.unwrap();
    World {
        dir,
        store,
        files,
        process: seeded.process,
        people,
        officer,
        registrant,
        registration,
        documents,
    }
}

/// Everything each person may see, opened with the keyring as a restart opens it.
async fn seen(w: &World) -> String {
    let keys = Arc::new(keys::open(&w.files, &w.store).await.unwrap().keyring);
    let mediation = Mediation::new(w.store.clone(), Some(keys.clone()));
    let mut out = String::new();
    for person in &w.people {
        let list = mediation.list(person).await.unwrap();
        out.push_str(&format!("{}: {:?}\n", person.username, list));
        let intake = mediation.intake(person).await.unwrap();
        out.push_str(&format!("intake: {intake:?}\n"));
        if list.iter().any(|p| p.id == w.process) {
            let ws = mediation.open(person, &w.process).await.unwrap();
            out.push_str(&format!("{ws:?}\n"));
        }
    }
    let conferences = Conferences::new(w.store.clone(), Some(keys), Settings::default());
    for d in &w.documents {
        let (_, bytes) = conferences.open_document(&w.officer, d).await.unwrap();
        out.push_str(&format!("{d}: {bytes:?}\n"));
    }
    // The same alert finds the same case (through its blind alert tag).
    let analyst = w.people.iter().find(|u| u.username == "analyst").unwrap();
    let again = mediation
        .open_case_for_alert(analyst, "UCDP-2026-17", "", "")
        .await
        .unwrap();
    assert!(!again.created, "the alert's case is found again");
    out.push_str(&format!("case: {}\n", again.id));
    let badge = conferences
        .badge(&w.registrant, &w.registration, Lang::En)
        .await
        .unwrap();
    out.push_str(&badge);
    out
}

/// The key id byte of every sealed value in the store.
async fn key_ids(store: &Store) -> Vec<u8> {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).unwrap()[0];
    let mut ids: Vec<u8> = store
        .all_sealed()
        .await
        .unwrap()
        .iter()
        .map(|r| b64(&r.sealed))
        .collect();
    ids.extend(
        store
            .sealed_tickets()
            .await
            .unwrap()
            .iter()
            .map(|t| b64(&t.sealed)),
    );
    ids.extend(
        store
            .sealed_documents()
            .await
            .unwrap()
            .iter()
            .map(|(_, s)| b64(s)),
    );
    ids
}

fn never(_: Step) -> Result<(), AppError> {
    Ok(())
}

#[tokio::test]
async fn a_rotation_reseals_every_record_and_everyone_sees_what_they_saw() {
    let w = world().await;
    let before = seen(&w).await;
    assert!(before.contains("PASSPORT X7731942") || before.contains("80, 65, 83, 83"));
    let old = Keyring::from_file(w.files.current()).unwrap();
    let old_head = w.store.audit_head().await.unwrap();
    let report = keys::rotate(w.store.clone(), &w.files, "cli:op", false, &mut never)
        .await
        .unwrap();
    assert!(report.rotated.mediation_records >= 10, "{report:?}");
    assert_eq!(report.rotated.documents, 3);
    assert_eq!(report.rotated.tickets, 1);
    assert!(report.rotated.membership_tags >= 4);
    assert_ne!(report.old_fingerprint, report.new_fingerprint);
    // Every sealed value is now under the new key, and the old key alone opens none of them.
    let new = Keyring::from_file(w.files.current()).unwrap();
    assert_ne!(new.current_key_id(), old.current_key_id());
    let ids = key_ids(&w.store).await;
    assert!(ids.len() >= 14);
    assert!(ids.iter().all(|id| *id == new.current_key_id()), "{ids:?}");
    // The old key is kept as retired; no next key is left.
    let retired = w.files.retired().unwrap();
    assert_eq!(retired, vec![report.retired.clone().unwrap()]);
    assert_eq!(
        Keyring::from_file(&retired[0]).unwrap().current_key_id(),
        old.current_key_id()
    );
    assert!(!w.files.next().exists());
    // Everyone sees exactly what they saw, through the new blind scopes and member tags.
    assert_eq!(seen(&w).await, before);
    // One audit entry for the whole rotation, and the chain is intact.
    let entries = w.store.audit_entries().await.unwrap();
    let rotations: Vec<i64> = entries
        .iter()
        .filter(|e| e.action == "key.rotate")
        .map(|e| e.seq)
        .collect();
    assert_eq!(rotations, [old_head.seq + 1]);
    assert!(w.store.verify_audit().await.unwrap().is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [w.files.current().to_path_buf(), retired[0].clone()] {
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", f.display());
        }
    }
    // A second rotation with --forget-old leaves no retired key, and still loses nothing.
    let report = keys::rotate(w.store.clone(), &w.files, "cli:op", true, &mut never)
        .await
        .unwrap();
    assert_eq!(report.forgotten, 2);
    assert!(w.files.retired().unwrap().is_empty());
    assert_eq!(seen(&w).await, before);
    let _ = std::fs::remove_dir_all(&w.dir);
}

#[tokio::test]
async fn a_rotation_stopped_after_any_step_loses_nothing() {
    for stop in [Step::NextKeyWritten, Step::Committed, Step::Swapped] {
        let w = world().await;
        let before = seen(&w).await;
        let key_before = std::fs::read(w.files.current()).unwrap();
        let err = keys::rotate(w.store.clone(), &w.files, "cli:op", false, &mut |s| {
            if s == stop {
                Err(AppError::Internal(format!("stopped after {}", s.name())))
            } else {
                Ok(())
            }
        })
        .await
        .unwrap_err();
        assert!(err.to_string().contains(stop.name()), "{err}");
        // The files as the crash left them.
        assert_eq!(w.files.next().exists(), stop != Step::Swapped);
        // A restart settles the rotation one way or the other, and everyone sees the same.
        let reopened = keys::open(&w.files, &w.store).await.unwrap();
        let expected = match stop {
            Step::NextKeyWritten => Some(Settled::Discarded),
            Step::Committed => Some(Settled::Finished),
            Step::Swapped => None,
        };
        assert_eq!(reopened.settled, expected, "after {}", stop.name());
        assert!(!w.files.next().exists());
        let key_after = std::fs::read(w.files.current()).unwrap();
        assert_eq!(
            key_after == key_before,
            stop == Step::NextKeyWritten,
            "the current key changes exactly when the transaction committed"
        );
        assert_eq!(seen(&w).await, before, "after {}", stop.name());
        assert!(w.store.verify_audit().await.unwrap().is_ok());
        // And the next rotation runs from there.
        keys::rotate(w.store.clone(), &w.files, "cli:op", false, &mut never)
            .await
            .unwrap();
        assert_eq!(seen(&w).await, before);
        let _ = std::fs::remove_dir_all(&w.dir);
    }
}

#[tokio::test]
async fn a_key_file_that_does_not_belong_to_the_store_is_refused_by_name() {
    let w = world().await;
    let path = w.files.current().to_path_buf();
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
    let err = keys::open(&w.files, &w.store).await.err().unwrap();
    let text = err.to_string();
    assert!(text.contains("another key"), "{text}");
    assert!(text.contains("chamber.key"), "{text}");
    assert!(!text.contains(&"ab".repeat(32)), "never echoes a key");
    let _ = std::fs::remove_dir_all(&w.dir);
}

#[tokio::test]
async fn a_key_file_named_without_a_folder_is_created_and_rotated_in_the_current_folder() {
    let (store, dir) = chamber_store::testing::fresh_sqlite().await;
    let store = Arc::new(store);
    // `--key-file chamber.key`: a bare name, in the current folder. (The other tests of this
    // file use absolute paths, so changing the folder here does not touch them.)
    std::env::set_current_dir(&dir).unwrap();
    let files = KeyFiles::new("chamber.key");
    let opened = keys::open(&files, &store).await.unwrap();
    assert!(opened.generated);
    assert!(dir.join("chamber.key").exists());
    keys::rotate(store.clone(), &files, "cli:op", false, &mut never)
        .await
        .unwrap();
    assert!(dir.join("retired").read_dir().unwrap().count() == 1);
    assert!(!dir.join("chamber.key.next").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
