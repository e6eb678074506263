//! The consultation use cases over a real store: the opinion map is computed off the async
//! workers (in Tokio's blocking pool) and cached until a vote changes it.

use chamber_app::consult::{Consultations, NewConsultation};
use chamber_core::{Role, Username};
use std::sync::Arc;
use std::time::Duration;

/// Issue 13's suspicion "the opinion map is computed on the async runtime and every vote
/// clears its cache": with the runtime's only blocking thread held, the map cannot be computed
/// (it waits for that pool instead of running on the async worker); released, it is; asked
/// again with no new vote, the same map comes back; after a vote, a new one.
#[test]
fn the_opinion_map_is_computed_in_the_blocking_pool_and_cached_per_vote_count() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    runtime.block_on(async {
        let (store, _dir) = chamber_store::testing::fresh_sqlite().await;
        let store = Arc::new(store);
        let organiser = store
            .create_user(
                "test",
                &Username::parse("organiser").unwrap(),
                "Organiser",
                Role::Mediator,
                None,
            )
            .await
            .unwrap();
        let consult = Consultations::new(store.clone());
        let c = consult
            .create(
                &organiser,
                &NewConsultation {
                    title: "Priorities".into(),
                    description: String::new(),
                    statements: (0..6).map(|i| format!("Statement {i}")).collect(),
                },
            )
            .await
            .unwrap();
        let statements = store.statements(&c.id).await.unwrap();
        let mut voters = Vec::new();
        for p in 0..12 {
            let (_, _, secret) = consult.join_anonymously(&c.join_token).await.unwrap();
            let voter = consult
                .voter(&c, None, Some(&secret))
                .await
                .unwrap()
                .unwrap();
            for (k, s) in statements.iter().enumerate() {
                let vote = if (p + k) % 3 == 0 {
                    "agree"
                } else {
                    "disagree"
                };
                consult
                    .vote(&c, &voter, s.number, vote, None)
                    .await
                    .unwrap();
            }
            voters.push(voter);
        }

        // The one blocking thread is busy until `release` is sent.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let busy = tokio::task::spawn_blocking(move || held.recv().unwrap());
        let waiting =
            tokio::time::timeout(Duration::from_millis(500), consult.opinion_map(&c)).await;
        assert!(
            waiting.is_err(),
            "the map was computed without the blocking pool, on the async worker"
        );
        release.send(()).unwrap();
        busy.await.unwrap();
        let first = consult.opinion_map(&c).await.unwrap();
        assert_eq!(first.n_votes, 72);
        assert_eq!(first.n_participants, 12);

        let again = consult.opinion_map(&c).await.unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "computed again with no new vote"
        );

        consult
            .vote(&c, &voters[0], statements[0].number, "pass", None)
            .await
            .unwrap();
        let after = consult.opinion_map(&c).await.unwrap();
        assert!(!Arc::ptr_eq(&first, &after), "a vote must give a new map");
        let cached = consult.opinion_map(&c).await.unwrap();
        assert!(Arc::ptr_eq(&after, &cached));
    });
}
