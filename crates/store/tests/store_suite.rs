//! The store suite: every test runs against SQLite and against PostgreSQL.

use chamber_core::{Role, Username};
use chamber_store::testing::{FreshPostgres, fresh_sqlite};
use chamber_store::{Backend, InvitationKind, Store, StoreError};
use std::future::Future;
use std::time::Duration;

/// Run `body` on a fresh SQLite store and, when configured, a fresh PostgreSQL one.
async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let (sqlite, dir) = fresh_sqlite().await;
    assert_eq!(sqlite.backend(), Backend::Sqlite);
    body(sqlite).await;
    let _ = std::fs::remove_dir_all(dir);
    if let Some(pg) = FreshPostgres::create().await {
        let store = Store::open_url(&pg.url)
            .await
            .expect("open PostgreSQL store");
        assert_eq!(store.backend(), Backend::Postgres);
        body(store).await;
        pg.drop_database().await;
    }
}

fn name(s: &str) -> Username {
    Username::parse(s).unwrap()
}

#[tokio::test]
async fn accounts_are_created_listed_and_unique() {
    on_both(|store| async move {
        assert_eq!(store.user_count().await.unwrap(), 0);
        let a = store
            .create_user(
                "cli",
                &name("amina"),
                "Amina K.",
                Role::Mediator,
                Some("$argon2id$x"),
            )
            .await
            .unwrap();
        assert_eq!(a.id.len(), 32, "ids are 128-bit random hex");
        let dup = store
            .create_user("cli", &name("AMINA"), "Other", Role::Observer, None)
            .await;
        assert!(matches!(dup, Err(StoreError::UsernameTaken(_))), "{dup:?}");
        store
            .create_user("cli", &name("boris"), "Борис", Role::Delegate, None)
            .await
            .unwrap();
        let users = store.list_users().await.unwrap();
        assert_eq!(
            users
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>(),
            ["amina", "boris"]
        );
        assert_eq!(users[1].display_name, "Борис");
        assert!(!users[1].has_password);
        let (found, hash) = store.login_lookup(" Amina ").await.unwrap().unwrap();
        assert_eq!(found.role, Role::Mediator);
        assert_eq!(hash.as_deref(), Some("$argon2id$x"));
        // The failed duplicate left no audit entry behind, and the chain is intact.
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 2);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn sessions_live_until_logout_or_password_change() {
    on_both(|store| async move {
        let u = store
            .create_user("cli", &name("chen"), "陈", Role::Analyst, Some("h1"))
            .await
            .unwrap();
        let (secret, csrf) = store
            .create_session(&u, Duration::from_secs(60))
            .await
            .unwrap();
        let (who, csrf2) = store.session(&secret).await.unwrap().unwrap();
        assert_eq!(who.id, u.id);
        assert_eq!(csrf, csrf2);
        assert!(store.session("forged").await.unwrap().is_none());
        let (other, _) = store
            .create_session(&u, Duration::from_secs(60))
            .await
            .unwrap();
        store.end_session(&secret, &u.id).await.unwrap();
        assert!(store.session(&secret).await.unwrap().is_none());
        assert!(store.session(&other).await.unwrap().is_some());
        store.set_password(&u.id, &u.id, "h2").await.unwrap();
        assert!(store.session(&other).await.unwrap().is_none());
        let actions: Vec<_> = store
            .audit_entries()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "user.create",
                "session.login",
                "session.login",
                "session.logout",
                "user.password"
            ]
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn one_time_links_work_once() {
    on_both(|store| async move {
        let setup = store
            .create_invitation(
                "system",
                InvitationKind::Setup,
                None,
                Duration::from_secs(600),
            )
            .await
            .unwrap();
        assert!(
            store
                .complete_setup("wrong", &name("admin"), "Admin", "h")
                .await
                .unwrap()
                .is_none()
        );
        let admin = store
            .complete_setup(&setup, &name("admin"), "Admin", "h")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert!(
            store
                .complete_setup(&setup, &name("admin2"), "Again", "h")
                .await
                .unwrap()
                .is_none(),
            "a set-up link works once"
        );
        let invitee = store
            .create_user(&admin.id, &name("dana"), "Dana", Role::Observer, None)
            .await
            .unwrap();
        let link = store
            .create_invitation(
                &admin.id,
                InvitationKind::Invite,
                Some(&invitee.id),
                Duration::from_secs(600),
            )
            .await
            .unwrap();
        assert!(
            store
                .peek_invitation(&link, InvitationKind::Setup)
                .await
                .unwrap()
                .is_none(),
            "an invitation is not a set-up link"
        );
        let accepted = store
            .accept_invitation(&link, "hash")
            .await
            .unwrap()
            .unwrap();
        assert!(accepted.has_password);
        assert!(
            store
                .accept_invitation(&link, "hash2")
                .await
                .unwrap()
                .is_none()
        );
        let expired = store
            .create_invitation(
                &admin.id,
                InvitationKind::Invite,
                Some(&invitee.id),
                Duration::ZERO,
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(
            store
                .accept_invitation(&expired, "h3")
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.verify_audit().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn api_tokens_act_as_their_account() {
    on_both(|store| async move {
        let u = store
            .create_user("cli", &name("eve"), "Eve", Role::Admin, None)
            .await
            .unwrap();
        let secret = store
            .create_api_token(&u.id, &u.id, "load test")
            .await
            .unwrap();
        assert!(secret.starts_with("chm_"));
        assert_eq!(
            store.api_token_user(&secret).await.unwrap().unwrap().id,
            u.id
        );
        assert!(store.api_token_user("chm_nope").await.unwrap().is_none());
        let listed = store.list_api_tokens().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].label, "load test");
        assert!(matches!(
            store.create_api_token(&u.id, "missing", "x").await,
            Err(StoreError::NoSuchUser)
        ));
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    on_both(|store| async move {
        let store = std::sync::Arc::new(store);
        let mut tasks = Vec::new();
        for i in 0..40 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .create_user(
                        "cli",
                        &name(&format!("user{i:02}")),
                        "U",
                        Role::Observer,
                        None,
                    )
                    .await
                    .unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 40);
        let head = store.audit_head().await.unwrap();
        assert_eq!(head.seq, 40);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn migrations_run_once_and_data_survives_reopening() {
    let (store, dir) = fresh_sqlite().await;
    store
        .create_user("cli", &name("fatima"), "Fatima", Role::Admin, None)
        .await
        .unwrap();
    store.close().await;
    let again = Store::open_dir(&dir).await.unwrap();
    assert_eq!(again.user_count().await.unwrap(), 1);
    assert_eq!(again.verify_audit().await.unwrap().unwrap(), 1);
    again.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bad_locations_give_clear_errors() {
    let err = Store::open_url("postgres://nobody@127.0.0.1:1/none")
        .await
        .err()
        .expect("nothing listens on port 1");
    assert!(
        err.to_string()
            .starts_with("cannot open database postgres://"),
        "{err}"
    );
    let err = Store::open_url("mysql://x").await.err().unwrap();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
    let err = Store::open_dir(std::path::Path::new("/proc/chamber-cannot-be-here"))
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with("data directory /proc/"),
        "{err}"
    );
}

#[tokio::test]
async fn consultations_keep_one_current_vote_and_the_whole_history() {
    on_both(|store| async move {
        let organiser = store
            .create_user("cli", &name("organiser"), "O", Role::Mediator, None)
            .await
            .unwrap();
        let c = store
            .create_consultation(&organiser.id, "Group of Friends dialogue", "Priorities")
            .await
            .unwrap();
        assert_eq!(store.list_consultations().await.unwrap().len(), 1);
        assert_eq!(
            store
                .consultation_by_join_token(&c.join_token)
                .await
                .unwrap()
                .unwrap()
                .id,
            c.id
        );
        let s0 = store
            .add_statement(&organiser.id, &c.id, "Ceasefire first", None, 1)
            .await
            .unwrap();
        let s1 = store
            .add_statement(&organiser.id, &c.id, "Aid corridors first", None, 1)
            .await
            .unwrap();
        assert_eq!((s0, s1), (0, 1));
        let p_user = store
            .participant_for_user(&c.id, &organiser.id)
            .await
            .unwrap();
        assert_eq!(
            store
                .participant_for_user(&c.id, &organiser.id)
                .await
                .unwrap(),
            p_user
        );
        let (p_anon, secret) = store.anonymous_participant(&c.id).await.unwrap();
        assert_ne!(p_user, p_anon);
        assert_eq!(
            store.participant_by_secret(&c.id, &secret).await.unwrap(),
            Some(p_anon)
        );
        assert_eq!(
            store.participant_by_secret(&c.id, "forged").await.unwrap(),
            None
        );
        // A participant's own statement waits for moderation and is shown to nobody.
        let s2 = store
            .add_statement("anonymous", &c.id, "Talks in Ashgabat", Some(p_anon), 0)
            .await
            .unwrap();
        assert!(store.cast_vote("x", &c.id, p_user, s2, 1).await.is_err());
        assert_eq!(
            store
                .next_statement(&c.id, p_anon)
                .await
                .unwrap()
                .unwrap()
                .number,
            s0
        );
        store
            .cast_vote("anonymous", &c.id, p_anon, s0, 1)
            .await
            .unwrap();
        store
            .cast_vote("anonymous", &c.id, p_anon, s0, -1)
            .await
            .unwrap();
        store
            .cast_vote("anonymous", &c.id, p_anon, s1, 0)
            .await
            .unwrap();
        assert!(store.next_statement(&c.id, p_anon).await.unwrap().is_none());
        store
            .moderate_statement(&organiser.id, &c.id, s2, 1)
            .await
            .unwrap();
        assert_eq!(
            store
                .next_statement(&c.id, p_anon)
                .await
                .unwrap()
                .unwrap()
                .number,
            s2
        );
        assert!(matches!(
            store.cast_vote("anonymous", &c.id, p_anon, 99, 1).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(
            store
                .current_votes(&c.id)
                .await
                .unwrap()
                .iter()
                .map(|v| (v.participant, v.statement, v.vote))
                .collect::<Vec<_>>(),
            vec![(p_anon, s0, -1), (p_anon, s1, 0)]
        );
        let history: Vec<_> = store
            .vote_history(&c.id, p_anon)
            .await
            .unwrap()
            .into_iter()
            .map(|(s, v, _)| (s, v))
            .collect();
        assert_eq!(history, vec![(s0, 1), (s0, -1), (s1, 0)]);
        assert_eq!(store.vote_history_len(&c.id).await.unwrap(), 3);
        assert!(store.verify_audit().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}
