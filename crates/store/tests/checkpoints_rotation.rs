//! Checkpoints kept by the store and key rotation's one transaction, on SQLite and PostgreSQL.

use chamber_core::checkpoint::CheckpointKey;
use chamber_core::{Role, Username};
use chamber_store::mediation::{Members, SealedRecord};
use chamber_store::rotation::{Resealed, Rotation, resealed_record};
use chamber_store::testing::{FreshPostgres, fresh_sqlite};
use chamber_store::{Store, StoreError};
use std::future::Future;

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let (sqlite, dir) = fresh_sqlite().await;
    body(sqlite).await;
    let _ = std::fs::remove_dir_all(dir);
    if let Some(pg) = FreshPostgres::create().await {
        let store = Store::open_url(&pg.url)
            .await
            .expect("open PostgreSQL store");
        body(store).await;
        pg.drop_database().await;
    }
}

async fn users(store: &Store, from: usize, n: usize) {
    for i in from..from + n {
        store
            .create_user(
                "cli:test",
                &Username::parse(&format!("user{i}")).unwrap(),
                "U",
                Role::Observer,
                None,
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn one_checkpoint_is_kept_per_head_and_the_latest_is_found() {
    on_both(|store| async move {
        assert_eq!(store.latest_checkpoint().await.unwrap(), None);
        users(&store, 0, 3).await;
        let head = store.audit_head().await.unwrap();
        let key = CheckpointKey::from_bytes([5; 32]);
        let first = key.sign(head.seq, &head.hash, "2026-12-06T18:00:00Z");
        assert_eq!(store.keep_checkpoint(&first).await.unwrap(), first);
        // A second signature of the same head (a concurrent download) keeps the first.
        let again = key.sign(head.seq, &head.hash, "2026-12-06T18:00:09Z");
        assert_eq!(store.keep_checkpoint(&again).await.unwrap(), first);
        users(&store, 3, 1).await;
        let head2 = store.audit_head().await.unwrap();
        let second = key.sign(head2.seq, &head2.hash, "2026-12-06T18:01:00Z");
        store.keep_checkpoint(&second).await.unwrap();
        assert_eq!(
            store.latest_checkpoint().await.unwrap(),
            Some(second.clone())
        );
        assert_eq!(
            store.checkpoints().await.unwrap(),
            vec![first.clone(), second]
        );
        let kept = store.checkpoint_at(head.seq).await.unwrap().unwrap();
        kept.verify_signature().unwrap();
        // The entries after the first checkpoint link its hash to the new head.
        let after = store.audit_entries_after(head.seq).await.unwrap();
        assert_eq!(after.len() as i64, head2.seq - head.seq);
        let (seq, hash) =
            chamber_core::checkpoint::check_segment(head.seq, &head.hash, &after).unwrap();
        assert_eq!((seq, hash.as_str()), (head2.seq, head2.hash.as_str()));
        assert_eq!(
            store.audit_hash_at(head.seq).await.unwrap(),
            Some(head.hash.clone())
        );
        assert_eq!(store.audit_hash_at(head2.seq + 1).await.unwrap(), None);
        // Issuing a checkpoint wrote no audit entry.
        assert_eq!(store.audit_head().await.unwrap(), head2);
        store.close().await;
    })
    .await;
}

fn record(id: &str, process: &str, scope: &str, sealed: &str) -> SealedRecord {
    SealedRecord {
        id: id.into(),
        process_id: process.into(),
        scope: scope.into(),
        sealed: sealed.into(),
    }
}

async fn seed_sealed(store: &Store) -> Vec<SealedRecord> {
    let rows = vec![
        record("p1", "p1", "old-scope-process", "old-1"),
        record("n1", "p1", "old-scope-note", "old-2"),
    ];
    store
        .save_sealed(
            "sealed:x",
            &rows,
            Some(Members {
                process_id: "p1",
                tags: &["old-member".to_string()],
            }),
        )
        .await
        .unwrap();
    rows
}

fn rotation_of(rows: &[SealedRecord]) -> Rotation {
    Rotation {
        fingerprint: "fp-new".into(),
        mediation: rows
            .iter()
            .map(|r| resealed_record(r, r.sealed.replace("old", "new"), format!("new-{}", r.id)))
            .collect(),
        members: vec![("new-member".into(), "p1".into())],
        tickets: Vec::new(),
        documents: Vec::new(),
    }
}

async fn members_of(store: &Store, tag: &str) -> Vec<String> {
    store.processes_of_member(tag).await.unwrap()
}

#[tokio::test]
async fn a_rotation_rewrites_every_sealed_row_and_the_index_in_one_transaction() {
    on_both(|store| async move {
        let rows = seed_sealed(&store).await;
        assert_eq!(store.sealing_key_fingerprint().await.unwrap(), None);
        assert_eq!(store.adopt_sealing_key("fp-old").await.unwrap(), "fp-old");
        assert_eq!(store.adopt_sealing_key("fp-other").await.unwrap(), "fp-old");
        let before = store.audit_head().await.unwrap();
        let done = store
            .rotate_sealed("cli:op", &rotation_of(&rows))
            .await
            .unwrap();
        assert_eq!((done.mediation_records, done.membership_tags), (2, 1));
        let all = store.all_sealed().await.unwrap();
        assert!(all.iter().all(|r| r.sealed.starts_with("new-")), "{all:?}");
        assert!(all.iter().all(|r| r.scope == format!("new-{}", r.id)));
        assert_eq!(members_of(&store, "new-member").await, ["p1"]);
        assert!(members_of(&store, "old-member").await.is_empty());
        assert_eq!(
            store.sealing_key_fingerprint().await.unwrap().as_deref(),
            Some("fp-new")
        );
        let entries = store.audit_entries().await.unwrap();
        let last = entries.last().unwrap();
        assert_eq!(
            (last.seq, last.action.as_str()),
            (before.seq + 1, "key.rotate")
        );
        assert_eq!(
            store.verify_audit().await.unwrap().unwrap() as i64,
            last.seq
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_row_changed_or_added_during_a_rotation_aborts_it_and_nothing_changes() {
    on_both(|store| async move {
        let rows = seed_sealed(&store).await;
        store.adopt_sealing_key("fp-old").await.unwrap();
        let plan = rotation_of(&rows);
        // A note is saved again after the rotation read it.
        store
            .save_sealed(
                "sealed:x",
                &[record("n1", "p1", "old-scope-note", "old-2b")],
                None,
            )
            .await
            .unwrap();
        let head = store.audit_head().await.unwrap();
        let err = store.rotate_sealed("cli:op", &plan).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert!(err.to_string().contains("run the rotation again"), "{err}");
        let all = store.all_sealed().await.unwrap();
        assert!(all.iter().all(|r| r.sealed.starts_with("old-")), "{all:?}");
        assert_eq!(members_of(&store, "old-member").await, ["p1"]);
        assert_eq!(
            store.sealing_key_fingerprint().await.unwrap().as_deref(),
            Some("fp-old")
        );
        assert_eq!(store.audit_head().await.unwrap(), head);
        // A record added after reading: the count no longer matches.
        let rows = store.all_sealed().await.unwrap();
        let plan = rotation_of(&rows);
        store
            .save_sealed("sealed:x", &[record("n2", "p1", "s", "old-3")], None)
            .await
            .unwrap();
        let err = store.rotate_sealed("cli:op", &plan).await.unwrap_err();
        assert!(err.to_string().contains("added or deleted"), "{err}");
        assert!(
            store
                .all_sealed()
                .await
                .unwrap()
                .iter()
                .all(|r| r.sealed.starts_with("old-"))
        );
        // A ticket the plan does not know of.
        let plan = Rotation {
            tickets: vec![Resealed {
                id: "nope".into(),
                was: "x".into(),
                sealed: "y".into(),
            }],
            ..rotation_of(&store.all_sealed().await.unwrap())
        };
        assert!(store.rotate_sealed("cli:op", &plan).await.is_err());
        assert_eq!(
            store.sealing_key_fingerprint().await.unwrap().as_deref(),
            Some("fp-old")
        );
        store.close().await;
    })
    .await;
}
