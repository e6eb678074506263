//! The sealed mediation repository over a real store: a request opens only the records it
//! shows, lists come from the blind membership index, older records are upgraded.

use chamber_app::mediation::{Mediation, NewProcess};
use chamber_core::{Role, Username};
use chamber_mediation::confidential::Keyring;
use chamber_mediation::process::ProcessKind;
use chamber_store::{Store, User};
use std::sync::Arc;

async fn account(store: &Store, name: &str, role: Role) -> User {
    store
        .create_user("test", &Username::parse(name).unwrap(), name, role, None)
        .await
        .unwrap()
}

struct Talks {
    store: Arc<Store>,
    mediation: Mediation,
    mediator: User,
    east: User,
    high: User,
    id: String,
    east_caucus: String,
    high_caucus: String,
}

async fn talks() -> Talks {
    let (store, _dir) = chamber_store::testing::fresh_sqlite().await;
    let store = Arc::new(store);
    let keys = Arc::new(Keyring::from_bytes([3; 32]));
    let mediation = Mediation::new(store.clone(), Some(keys));
    let mediator = account(&store, "mediator", Role::Mediator).await;
    let east = account(&store, "east", Role::Delegate).await;
    let high = account(&store, "high", Role::Delegate).await;
    let id = mediation
        .open_by_hand(
            &mediator,
            &NewProcess {
                title: "Talks".into(),
                kind: ProcessKind::PeaceProcess,
                mediator: None,
            },
        )
        .await
        .unwrap();
    let pe = mediation
        .add_party(&mediator, &id, "Eastmark")
        .await
        .unwrap();
    let ph = mediation
        .add_party(&mediator, &id, "Highlands")
        .await
        .unwrap();
    mediation
        .add_participant(&mediator, &id, "east", "delegate", Some(pe.as_str()))
        .await
        .unwrap();
    mediation
        .add_participant(&mediator, &id, "high", "delegate", Some(ph.as_str()))
        .await
        .unwrap();
    let caucus_of = |ws: &chamber_app::mediation::Workspace| {
        chamber_mediation::permissions::own_caucus(&ws.process, &ws.viewer)
            .unwrap()
            .id
            .as_str()
            .to_string()
    };
    let east_caucus = caucus_of(&mediation.open(&east, &id).await.unwrap());
    let high_caucus = caucus_of(&mediation.open(&high, &id).await.unwrap());
    Talks {
        store,
        mediation,
        mediator,
        east,
        high,
        id,
        east_caucus,
        high_caucus,
    }
}

#[tokio::test]
async fn a_party_opens_only_its_own_caucus_records() {
    let t = talks().await;
    for i in 0..5 {
        t.mediation
            .post_note(&t.high, &t.id, &t.high_caucus, &format!("h{i}"), "secret")
            .await
            .unwrap();
    }
    t.mediation
        .post_note(&t.east, &t.id, &t.east_caucus, "e", "ours")
        .await
        .unwrap();
    let east = t.mediation.open(&t.east, &t.id).await.unwrap();
    assert_eq!(east.notes.len(), 1, "east opened only its own caucus note");
    assert_eq!(east.notes[0].title, "e");
    let high = t.mediation.open(&t.high, &t.id).await.unwrap();
    assert_eq!(high.notes.len(), 5);
    let mediator = t.mediation.open(&t.mediator, &t.id).await.unwrap();
    assert_eq!(mediator.notes.len(), 6);
    // Posting into the other party's caucus is "not found", like an unknown space.
    let err = t
        .mediation
        .post_note(&t.east, &t.id, &t.high_caucus, "x", "y")
        .await
        .unwrap_err();
    assert!(matches!(err, chamber_app::AppError::NotFound), "{err:?}");
}

#[tokio::test]
async fn lists_come_from_the_membership_index_and_strangers_see_nothing() {
    let t = talks().await;
    let stranger = account(&t.store, "stranger", Role::Delegate).await;
    assert_eq!(t.mediation.list(&t.east).await.unwrap().len(), 1);
    assert!(t.mediation.list(&stranger).await.unwrap().is_empty());
    assert!(matches!(
        t.mediation.open(&stranger, &t.id).await,
        Err(chamber_app::AppError::NotFound)
    ));
}

#[tokio::test]
async fn a_delegate_cannot_join_a_second_process() {
    let t = talks().await;
    let other = t
        .mediation
        .open_by_hand(
            &t.mediator,
            &NewProcess {
                title: "Other talks".into(),
                kind: ProcessKind::PeaceProcess,
                mediator: None,
            },
        )
        .await
        .unwrap();
    let party = t
        .mediation
        .add_party(&t.mediator, &other, "Coast")
        .await
        .unwrap();
    let err = t
        .mediation
        .add_participant(
            &t.mediator,
            &other,
            "east",
            "delegate",
            Some(party.as_str()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another process"), "{err}");
    // Observing elsewhere is fine.
    t.mediation
        .add_participant(&t.mediator, &other, "east", "observer", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_database_holds_no_kind_space_or_author_in_clear() {
    let t = talks().await;
    t.mediation
        .post_note(&t.high, &t.id, &t.high_caucus, "Fallback line", "secret")
        .await
        .unwrap();
    let entries = t.store.audit_entries().await.unwrap();
    let text = serde_json::to_string(&entries).unwrap();
    assert!(
        !text.contains("\"high\""),
        "the note's author is not in the audit record"
    );
    assert!(!text.contains(&t.high_caucus));
    assert!(!text.contains("mediation.note"));
}
