//! Checkpoints issued on demand over a real store: one per head, signed by a key created 0600
//! on first use, and never signed over a record that no longer extends the last one.

use chamber_app::checkpoints;
use chamber_core::{Role, Username};
use chamber_store::Store;
use sqlx::Connection;

async fn users(store: &Store, names: &[&str]) {
    for n in names {
        store
            .create_user(
                "test",
                &Username::parse(n).unwrap(),
                n,
                Role::Observer,
                None,
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_checkpoint_is_signed_when_the_head_moved_and_handed_out_again_otherwise() {
    let (store, dir) = chamber_store::testing::fresh_sqlite().await;
    let path = dir.join("keys").join("checkpoint.key");
    let key = checkpoints::signing_key(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The same key is read back; concurrent first uses agree on one key.
    assert_eq!(
        checkpoints::signing_key(&path).unwrap().public_key_hex(),
        key.public_key_hex()
    );
    let other = dir.join("keys").join("race.key");
    let keys: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| checkpoints::signing_key(&other).unwrap().public_key_hex()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(keys.windows(2).all(|p| p[0] == p[1]), "{keys:?}");

    // The empty record has a checkpoint too.
    let empty = checkpoints::current(&store, &key).await.unwrap();
    assert_eq!(empty.seq, 0);
    users(&store, &["amina", "boris"]).await;
    let first = checkpoints::current(&store, &key).await.unwrap();
    let head = store.audit_head().await.unwrap();
    assert_eq!(
        (first.seq, first.hash.as_str()),
        (head.seq, head.hash.as_str())
    );
    first.verify_signed_by(Some(&key.public_key_hex())).unwrap();
    // Asked again with no write in between: the same checkpoint, nothing new kept.
    assert_eq!(checkpoints::current(&store, &key).await.unwrap(), first);
    assert_eq!(store.checkpoints().await.unwrap().len(), 2);
    users(&store, &["chen"]).await;
    let second = checkpoints::current(&store, &key).await.unwrap();
    assert!(second.seq > first.seq);
    let entries = store.audit_entries().await.unwrap();
    chamber_core::checkpoint::consistent(&entries, &first, &second).unwrap();

    // Cut the last entry and rewrite the head: the server refuses to sign the shorter record.
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", dir.join("chamber.sqlite").display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let last = head_after_cut(&mut conn, second.seq).await;
    conn.close().await.unwrap();
    assert_eq!(
        store.verify_audit().await.unwrap(),
        Ok((second.seq - 1) as u64)
    );
    let err = checkpoints::current(&store, &key).await.unwrap_err();
    assert!(
        err.to_string().contains("no longer extends"),
        "{err} (head now {last})"
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Deletes entry `seq` (the last) and points the head at the one before; returns the new head.
async fn head_after_cut(conn: &mut sqlx::AnyConnection, seq: i64) -> i64 {
    let prev: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(seq - 1)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(seq)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq - 1)
        .bind(prev)
        .execute(&mut *conn)
        .await
        .unwrap();
    seq - 1
}
