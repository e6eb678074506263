//! Consultations' languages and report in the store, on SQLite and (when configured)
//! PostgreSQL: statements' original language, translations added, replaced and removed, votes
//! cast in a language still one vote per statement, vote times kept to the millisecond through
//! an import (unknown times stay unknown), the report's publication, and every change with its
//! audit entry in an unbroken chain.

use chamber_store::consult::{
    CurrentVote, HistoryVote, ImportedConsultation, ImportedStatement, ImportedTranslation,
    format_millis,
};
use chamber_store::testing::{FreshPostgres, fresh_sqlite};
use chamber_store::{Backend, Store, StoreError};
use std::future::Future;

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

#[tokio::test]
async fn translations_are_kept_per_statement_and_language() {
    on_both(|store| async move {
        let c = store
            .create_consultation("cli:sec", "Water", "Priorities")
            .await
            .unwrap();
        let s = store
            .add_statement("cli:sec", &c.id, "L'eau d'abord", None, 1)
            .await
            .unwrap();
        assert_eq!(store.statements(&c.id).await.unwrap()[0].lang, None);
        store
            .set_statement_language("cli:sec", &c.id, s, Some("fr"))
            .await
            .unwrap();
        for (lang, body) in [
            ("en", "Water first"),
            ("ar", "الماء أولاً"),
            ("zh", "水优先"),
            ("ru", "Сначала вода"),
            ("es", "Primero el agua"),
        ] {
            store
                .set_translation("cli:sec", &c.id, s, lang, body)
                .await
                .unwrap();
        }
        // Replaced, not duplicated.
        store
            .set_translation("cli:sec", &c.id, s, "en", "Water comes first")
            .await
            .unwrap();
        let st = store.statements(&c.id).await.unwrap();
        assert_eq!(st[0].lang.as_deref(), Some("fr"));
        let tr = store.translations(&c.id).await.unwrap();
        assert_eq!(
            tr.iter()
                .map(|t| (t.lang.as_str(), t.body.as_str()))
                .collect::<Vec<_>>(),
            [
                ("ar", "الماء أولاً"),
                ("en", "Water comes first"),
                ("es", "Primero el agua"),
                ("ru", "Сначала вода"),
                ("zh", "水优先"),
            ]
        );
        assert!(
            tr.iter()
                .all(|t| t.number == s && t.translated_by == "cli:sec")
        );
        store
            .remove_translation("cli:sec", &c.id, s, "zh")
            .await
            .unwrap();
        assert!(matches!(
            store.remove_translation("cli:sec", &c.id, s, "zh").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.set_translation("cli:sec", &c.id, 9, "en", "x").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store
                .set_statement_language("cli:sec", &c.id, 9, Some("en"))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(store.translations(&c.id).await.unwrap().len(), 4);
        assert_eq!(
            store.statement_languages(&c.id, s).await.unwrap(),
            Some((
                1,
                Some("fr".to_string()),
                ["ar", "en", "es", "ru"].map(String::from).to_vec()
            ))
        );
        assert_eq!(store.statement_languages(&c.id, 9).await.unwrap(), None);

        // Votes read in three languages: one current vote per participant and statement, the
        // history says in which language each was cast.
        let (p0, _) = store.anonymous_participant(&c.id).await.unwrap();
        let (p1, _) = store.anonymous_participant(&c.id).await.unwrap();
        store
            .cast_vote_in("anonymous", &c.id, p0, s, 1, Some("ar"))
            .await
            .unwrap();
        store
            .cast_vote_in("anonymous", &c.id, p0, s, -1, Some("en"))
            .await
            .unwrap();
        store
            .cast_vote_in("anonymous", &c.id, p1, s, 1, Some("fr"))
            .await
            .unwrap();
        store.cast_vote("anonymous", &c.id, p1, s, 0).await.unwrap();
        let current: Vec<_> = store
            .current_votes(&c.id)
            .await
            .unwrap()
            .iter()
            .map(|v| (v.participant, v.statement, v.vote))
            .collect();
        assert_eq!(current, [(p0, s, -1), (p1, s, 0)]);
        assert_eq!(
            store.votes_by_language(&c.id).await.unwrap(),
            [
                (None, 1),
                (Some("ar".to_string()), 1),
                (Some("en".to_string()), 1),
                (Some("fr".to_string()), 1)
            ]
        );
        let times = store.vote_times(&c.id).await.unwrap();
        assert_eq!(times.len(), 4);
        assert!(times.iter().all(|(_, ms)| ms.is_some()));

        // The report: closed, published, withdrawn.
        assert!(
            !store
                .consultation(&c.id)
                .await
                .unwrap()
                .unwrap()
                .report_published
        );
        store
            .set_report_published("cli:sec", &c.id, true)
            .await
            .unwrap();
        assert!(
            store
                .consultation(&c.id)
                .await
                .unwrap()
                .unwrap()
                .report_published
        );
        store
            .set_report_published("cli:sec", &c.id, false)
            .await
            .unwrap();
        assert!(!store.list_consultations().await.unwrap()[0].report_published);
        assert!(matches!(
            store.set_report_published("cli:sec", "nope", true).await,
            Err(StoreError::NotFound(_))
        ));
        // 1 create + 1 statement + 1 language + 6 translations + 1 removal + 2 joins + 4 votes
        // + 2 publication changes.
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 18);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_import_keeps_vote_times_languages_and_translations() {
    on_both(|store| async move {
        let statements = [
            ImportedStatement {
                number: 0,
                body: "Water first".into(),
                author: None,
                moderation: 1,
                lang: Some("en".into()),
            },
            ImportedStatement {
                number: 3,
                body: "Roads".into(),
                author: Some(1),
                moderation: -1,
                lang: None,
            },
        ];
        let day = 86_400_000i64;
        let t0 = 18_140 * day + 1_234; // 2019-09-01, with milliseconds
        let history = [
            HistoryVote {
                participant: 0,
                statement: 0,
                vote: 1,
                at: format_millis(t0),
            },
            HistoryVote {
                participant: 1,
                statement: 0,
                vote: -1,
                at: format_millis(t0 + day),
            },
            HistoryVote {
                participant: 0,
                statement: 0,
                vote: 0,
                at: format_millis(t0 + 2 * day),
            },
            HistoryVote {
                participant: 1,
                statement: 3,
                vote: 1,
                at: None,
            },
        ];
        let votes = [
            CurrentVote {
                participant: 0,
                statement: 0,
                vote: 0,
            },
            CurrentVote {
                participant: 1,
                statement: 0,
                vote: -1,
            },
            CurrentVote {
                participant: 1,
                statement: 3,
                vote: 1,
            },
        ];
        let translations = [ImportedTranslation {
            number: 0,
            lang: "fr".into(),
            body: "L'eau d'abord".into(),
        }];
        let c = store
            .import_consultation(
                "cli:sec",
                &ImportedConsultation {
                    title: "Imported",
                    description: "From a Pol.is export",
                    statements: &statements,
                    participants: 2,
                    votes: &votes,
                    history: &history,
                    translations: &translations,
                },
            )
            .await
            .unwrap();
        let st = store.statements(&c.id).await.unwrap();
        assert_eq!(
            st.iter()
                .map(|s| (s.number, s.lang.as_deref(), s.moderation))
                .collect::<Vec<_>>(),
            [(0, Some("en"), 1), (3, None, -1)]
        );
        let tr = store.translations(&c.id).await.unwrap();
        assert_eq!(
            (tr[0].number, tr[0].lang.as_str(), tr[0].body.as_str()),
            (0, "fr", "L'eau d'abord")
        );
        assert_eq!(
            store.vote_times(&c.id).await.unwrap(),
            [
                (0, Some(t0)),
                (1, Some(t0 + day)),
                (0, Some(t0 + 2 * day)),
                (1, None)
            ]
        );
        assert_eq!(store.vote_history_len(&c.id).await.unwrap(), 4);
        assert_eq!(
            store
                .vote_history(&c.id, 0)
                .await
                .unwrap()
                .iter()
                .map(|(s, v, _)| (*s, *v))
                .collect::<Vec<_>>(),
            [(0, 1), (0, 0)]
        );
        assert_eq!(store.current_votes(&c.id).await.unwrap().len(), 3);

        // Without a history the current votes are the history, at the import's time.
        let c2 = store
            .import_consultation(
                "cli:sec",
                &ImportedConsultation {
                    title: "Matrix only",
                    description: "",
                    statements: &statements,
                    participants: 2,
                    votes: &votes,
                    history: &[],
                    translations: &[],
                },
            )
            .await
            .unwrap();
        let times = store.vote_times(&c2.id).await.unwrap();
        assert_eq!(times.len(), 3);
        assert!(times.iter().all(|(_, ms)| ms.is_some()));
        assert!(store.verify_audit().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}
