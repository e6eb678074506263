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

#[tokio::test]
async fn a_case_from_an_alert_waits_in_the_intake_until_a_mediator_takes_it() {
    let (store, _dir) = chamber_store::testing::fresh_sqlite().await;
    let store = Arc::new(store);
    let mediation = Mediation::new(store.clone(), Some(Arc::new(Keyring::from_bytes([5; 32]))));
    let analyst = account(&store, "analyst", Role::Analyst).await;
    let other_analyst = account(&store, "analyst-two", Role::Analyst).await;
    let mediator = account(&store, "mediator", Role::Mediator).await;
    let admin = account(&store, "secadmin", Role::Admin).await;
    let delegate = account(&store, "delegate", Role::Delegate).await;
    let first = mediation
        .open_case_for_alert(
            &analyst,
            "alert-GEO-2012-09",
            "Georgia",
            "3 detectors agree",
        )
        .await
        .unwrap();
    assert!(first.created);
    let again = mediation
        .open_case_for_alert(&other_analyst, "alert-GEO-2012-09", "Georgia again", "")
        .await
        .unwrap();
    assert_eq!(again.id, first.id, "the same alert gives the same case");
    assert!(!again.created);
    assert!(
        mediation.list(&analyst).await.unwrap().is_empty(),
        "the opener is not a participant"
    );
    for who in [&mediator, &admin] {
        let intake = mediation.intake(who).await.unwrap();
        assert_eq!(intake.len(), 1, "{}", who.username);
        assert_eq!(intake[0].evidence, "3 detectors agree");
        assert_eq!(intake[0].opened_by.as_deref(), Some("analyst"));
    }
    assert!(mediation.intake(&delegate).await.unwrap().is_empty());
    assert!(mediation.intake(&other_analyst).await.unwrap().is_empty());
    assert!(matches!(
        mediation.take(&admin, &first.id).await,
        Err(chamber_app::AppError::Forbidden)
    ));
    mediation.take(&mediator, &first.id).await.unwrap();
    assert!(mediation.intake(&mediator).await.unwrap().is_empty());
    assert_eq!(mediation.list(&mediator).await.unwrap().len(), 1);
    let summary = mediation.case_summary(&analyst, &first.id).await.unwrap();
    assert!(
        !summary.awaiting_mediator,
        "the opener sees that a mediator holds it"
    );
    assert!(matches!(
        mediation.case_summary(&delegate, &first.id).await,
        Err(chamber_app::AppError::NotFound)
    ));
    assert_eq!(
        mediation
            .case_for_alert(&analyst, "alert-GEO-2012-09")
            .await
            .unwrap(),
        Some(first.id.clone())
    );
    assert_eq!(
        mediation
            .case_for_alert(&delegate, "alert-GEO-2012-09")
            .await
            .unwrap(),
        None
    );
}

/// Issue 13, finding 7 (nothing limited the number or size of notes): a space holds at most
/// so many notes (`MAX_NOTES_PER_SPACE` by default, 25 here) and a note at most 200,000
/// characters; a refusal names the limit and loses nothing, and one party's full caucus changes
/// nothing for the other party.
#[tokio::test]
async fn notes_are_limited_in_number_per_space_and_in_size() {
    let mut t = talks().await;
    const { assert!(chamber_app::mediation::MAX_NOTES_PER_SPACE >= 1_000) };
    let limit = 25;
    t.mediation = Mediation::new(
        t.store.clone(),
        Some(Arc::new(Keyring::from_bytes([3; 32]))),
    )
    .with_max_notes_per_space(limit);
    let too_long = "x".repeat(200_001);
    let err = t
        .mediation
        .post_note(&t.high, &t.id, &t.high_caucus, "long", &too_long)
        .await
        .unwrap_err();
    assert!(matches!(err, chamber_app::AppError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("note body"), "{err}");
    for i in 0..limit {
        t.mediation
            .post_note(&t.high, &t.id, &t.high_caucus, &format!("n{i}"), "b")
            .await
            .unwrap();
    }
    let err = t
        .mediation
        .post_note(&t.high, &t.id, &t.high_caucus, "one more", "b")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("maximum of 25 notes"), "{err}");
    let high = t.mediation.open(&t.high, &t.id).await.unwrap();
    assert_eq!(high.notes.len(), limit, "nothing lost");
    // The other party neither is limited by it nor sees it.
    t.mediation
        .post_note(&t.east, &t.id, &t.east_caucus, "ours", "b")
        .await
        .unwrap();
    let east = t.mediation.open(&t.east, &t.id).await.unwrap();
    assert_eq!(east.notes.len(), 1);
}

/// Posting a note opens the process record and seals the new note, nothing else: the notes
/// already in the space are counted by the index, never opened (so a post costs the same in a
/// full caucus as in an empty one). Shown by making the earlier notes unopenable: the post
/// still succeeds and the limit still counts them, while opening the workspace fails.
#[tokio::test]
async fn posting_a_note_opens_no_earlier_note() {
    let mut t = talks().await;
    t.mediation = Mediation::new(
        t.store.clone(),
        Some(Arc::new(Keyring::from_bytes([3; 32]))),
    )
    .with_max_notes_per_space(4);
    let ids = |store: Arc<Store>| async move {
        sqlx::query_scalar::<_, String>("SELECT id FROM mediation_sealed")
            .fetch_all(store.pool())
            .await
            .unwrap()
    };
    let before = ids(t.store.clone()).await;
    for i in 0..3 {
        t.mediation
            .post_note(&t.high, &t.id, &t.high_caucus, &format!("n{i}"), "b")
            .await
            .unwrap();
    }
    let notes: Vec<String> = ids(t.store.clone())
        .await
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(notes.len(), 3);
    for id in &notes {
        sqlx::query("UPDATE mediation_sealed SET sealed = 'AAAA' WHERE id = $1")
            .bind(id)
            .execute(t.store.pool())
            .await
            .unwrap();
    }
    assert!(
        t.mediation.open(&t.high, &t.id).await.is_err(),
        "the earlier notes cannot be opened now"
    );
    t.mediation
        .post_note(&t.high, &t.id, &t.high_caucus, "fourth", "b")
        .await
        .expect("a post opens no earlier note");
    let err = t
        .mediation
        .post_note(&t.high, &t.id, &t.high_caucus, "fifth", "b")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("maximum of 4"), "{err}");
    // The other party's caucus is not counted against it, and still "not found" to it.
    t.mediation
        .post_note(&t.east, &t.id, &t.east_caucus, "east", "b")
        .await
        .unwrap();
    assert!(matches!(
        t.mediation
            .post_note(&t.east, &t.id, &t.high_caucus, "x", "y")
            .await,
        Err(chamber_app::AppError::NotFound)
    ));
}
