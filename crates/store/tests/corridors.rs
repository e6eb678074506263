//! Corridors in the store, on SQLite and (when configured) PostgreSQL: corridors and who takes
//! part in them, records listed by kind, owner, subject and day, published voyages replaced by
//! sequence number and nothing else lost, imports newest first, and every change with its
//! audit entry (a transaction dropped before commit leaves nothing behind).

use chamber_core::AuditDraft;
use chamber_store::corridors::{
    CorridorRow, ImportRow, RecordFilter, RecordRow, VoyageRow, kind, tx,
};
use chamber_store::testing::{FreshPostgres, fresh_sqlite};
use chamber_store::{Backend, Store};
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

fn corridor(id: &str, name: &str) -> CorridorRow {
    CorridorRow {
        id: id.into(),
        name: name.into(),
        status: "open".into(),
        body: format!("{{\"name\":\"{name}\"}}"),
        created_at: "2022-07-27T10:00:00Z".into(),
        updated_at: "2022-07-27T10:00:00Z".into(),
    }
}

fn people(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(u, s)| (u.to_string(), s.to_string()))
        .collect()
}

async fn open(store: &Store, id: &str, name: &str, who: &[(&str, &str)]) {
    let mut t = store.begin_write().await.unwrap();
    tx::save_corridor(&mut t, &corridor(id, name), &people(who))
        .await
        .unwrap();
    t.record(AuditDraft::new("cli:test", "corridors.corridor.open", id))
        .await
        .unwrap();
    t.commit().await.unwrap();
}

#[tokio::test]
async fn corridors_are_listed_for_the_people_who_take_part() {
    on_both(|store| async move {
        open(
            &store,
            "c1",
            "Black Sea",
            &[("coord", "coordinator"), ("agent-a", "operator")],
        )
        .await;
        open(&store, "c2", "Alpha Road", &[("coord", "coordinator")]).await;
        let names = |v: Vec<CorridorRow>| v.into_iter().map(|c| c.name).collect::<Vec<_>>();
        assert_eq!(
            names(store.corridors().await.unwrap()),
            ["Alpha Road", "Black Sea"]
        );
        assert_eq!(
            names(store.corridors_of("coord").await.unwrap()),
            ["Alpha Road", "Black Sea"]
        );
        assert_eq!(
            names(store.corridors_of("agent-a").await.unwrap()),
            ["Black Sea"]
        );
        assert!(store.corridors_of("stranger").await.unwrap().is_empty());
        // Saving again replaces the body and the people, keeps the creation time.
        let mut t = store.begin_write().await.unwrap();
        let mut row = tx::corridor(&mut t, "c1").await.unwrap().unwrap();
        row.status = "suspended".into();
        row.updated_at = "2022-10-29T12:00:00Z".into();
        tx::save_corridor(&mut t, &row, &people(&[("coord", "coordinator")]))
            .await
            .unwrap();
        t.record(AuditDraft::new("coord", "corridors.corridor.status", "c1"))
            .await
            .unwrap();
        t.commit().await.unwrap();
        let c1 = store.corridor("c1").await.unwrap().unwrap();
        assert_eq!(
            (c1.status.as_str(), c1.created_at.as_str()),
            ("suspended", "2022-07-27T10:00:00Z")
        );
        assert!(store.corridors_of("agent-a").await.unwrap().is_empty());
        assert_eq!(
            store
                .corridor_by_name("Black Sea")
                .await
                .unwrap()
                .unwrap()
                .id,
            "c1"
        );
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 3);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn records_are_listed_by_kind_owner_subject_and_day() {
    on_both(|store| async move {
        open(&store, "c1", "Black Sea", &[]).await;
        open(&store, "c2", "Other", &[]).await;
        let mut t = store.begin_write().await.unwrap();
        for (i, (c, k, owner, subject, day)) in [
            ("c1", kind::REGISTRATION, Some("agent-a"), None, None),
            ("c1", kind::REGISTRATION, Some("agent-b"), None, None),
            (
                "c1",
                kind::INSPECTION,
                Some("agent-a"),
                Some("r1"),
                Some("2022-08-04"),
            ),
            (
                "c1",
                kind::INSPECTION,
                Some("agent-b"),
                Some("r2"),
                Some("2022-08-04"),
            ),
            (
                "c1",
                kind::INSPECTION,
                Some("agent-b"),
                Some("r2"),
                Some("2022-08-05"),
            ),
            ("c2", kind::REGISTRATION, Some("agent-a"), None, None),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = RecordRow::new(&format!("id{i}"), c, k, format!("{{\"n\":{i}}}"));
            r.owner = owner.map(String::from);
            r.subject = subject.map(String::from);
            r.day = day.map(String::from);
            r.created_at = format!("2022-08-01T00:00:0{i}Z");
            tx::save_record(&mut t, &r).await.unwrap();
        }
        t.record(AuditDraft::new("cli:test", "corridors.test", "c1"))
            .await
            .unwrap();
        t.commit().await.unwrap();
        let ids = |v: Vec<RecordRow>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
        let all = RecordFilter::ALL;
        assert_eq!(
            ids(store
                .corridor_records("c1", kind::REGISTRATION, &all)
                .await
                .unwrap()),
            ["id0", "id1"]
        );
        let own = RecordFilter {
            owner: Some("agent-b"),
            ..all
        };
        assert_eq!(
            ids(store
                .corridor_records("c1", kind::REGISTRATION, &own)
                .await
                .unwrap()),
            ["id1"]
        );
        let day = RecordFilter {
            day: Some("2022-08-04"),
            ..all
        };
        assert_eq!(
            ids(store
                .corridor_records("c1", kind::INSPECTION, &day)
                .await
                .unwrap()),
            ["id2", "id3"]
        );
        let both = RecordFilter {
            subject: Some("r2"),
            day: Some("2022-08-05"),
            ..all
        };
        assert_eq!(
            ids(store
                .corridor_records("c1", kind::INSPECTION, &both)
                .await
                .unwrap()),
            ["id4"]
        );
        // A record is found only under its corridor and kind.
        assert!(
            store
                .corridor_record("c1", kind::REGISTRATION, "id0")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .corridor_record("c2", kind::REGISTRATION, "id0")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .corridor_record("c1", kind::PLAN, "id0")
                .await
                .unwrap()
                .is_none()
        );
        // Replacing keeps the creation time.
        let mut t = store.begin_write().await.unwrap();
        let mut r = tx::record(&mut t, "c1", kind::REGISTRATION, "id1")
            .await
            .unwrap()
            .unwrap();
        r.body = "{\"n\":\"changed\"}".into();
        r.created_at = "2099-01-01T00:00:00Z".into();
        tx::save_record(&mut t, &r).await.unwrap();
        t.record(AuditDraft::new(
            "agent-b",
            "corridors.registration.withdraw",
            "id1",
        ))
        .await
        .unwrap();
        t.commit().await.unwrap();
        let r = store
            .corridor_record("c1", kind::REGISTRATION, "id1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.body.as_str(), r.created_at.as_str()),
            ("{\"n\":\"changed\"}", "2022-08-01T00:00:01Z")
        );
        // A transaction dropped before commit leaves neither the change nor an audit entry.
        {
            let mut t = store.begin_write().await.unwrap();
            tx::save_record(
                &mut t,
                &RecordRow::new("ghost", "c1", kind::PLAN, "{}".into()),
            )
            .await
            .unwrap();
            t.record(AuditDraft::new("x", "corridors.plan.propose", "ghost"))
                .await
                .unwrap();
        }
        assert!(
            store
                .corridor_record("c1", kind::PLAN, "ghost")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 4);
        store.close().await;
    })
    .await;
}

fn voyage(seq: i64, body: &str) -> VoyageRow {
    VoyageRow {
        sequence: seq,
        body: body.into(),
    }
}

fn import(id: &str, at: &str, voyages: i64) -> ImportRow {
    ImportRow {
        id: id.into(),
        corridor_id: "c1".into(),
        file_name: "jcc.xlsx".into(),
        file_sha256: "ab".repeat(32),
        sheet: "Data".into(),
        rows_read: voyages,
        voyages,
        cargo_lines: voyages,
        tonnage_kg: 1000 * voyages,
        problems: "[]".into(),
        actor: "cli:test".into(),
        imported_at: at.into(),
    }
}

#[tokio::test]
async fn voyages_are_replaced_by_sequence_and_nothing_else_is_lost() {
    on_both(|store| async move {
        open(&store, "c1", "Black Sea", &[]).await;
        let first: Vec<VoyageRow> = (1..=450)
            .map(|s| voyage(s, &format!("{{\"v\":{s}}}")))
            .collect();
        let mut t = store.begin_write().await.unwrap();
        tx::upsert_voyages(&mut t, "c1", "i1", &first)
            .await
            .unwrap();
        tx::insert_import(&mut t, &import("i1", "2023-01-10T00:00:00Z", 450))
            .await
            .unwrap();
        t.record(AuditDraft::new(
            "cli:test",
            "corridors.voyages.import",
            "i1",
        ))
        .await
        .unwrap();
        t.commit().await.unwrap();
        // A later table: voyages 400–460 again (one corrected), 451–460 new.
        let second: Vec<VoyageRow> = (400..=460)
            .map(|s| {
                voyage(
                    s,
                    &if s == 400 {
                        "{\"v\":\"corrected\"}".to_string()
                    } else {
                        format!("{{\"v\":{s}}}")
                    },
                )
            })
            .collect();
        let mut t = store.begin_write().await.unwrap();
        tx::upsert_voyages(&mut t, "c1", "i2", &second)
            .await
            .unwrap();
        tx::insert_import(&mut t, &import("i2", "2023-02-10T00:00:00Z", 61))
            .await
            .unwrap();
        t.record(AuditDraft::new(
            "cli:test",
            "corridors.voyages.import",
            "i2",
        ))
        .await
        .unwrap();
        t.commit().await.unwrap();
        let all = store.corridor_voyages("c1").await.unwrap();
        assert_eq!(all.len(), 460);
        assert_eq!(
            all.iter().map(|v| v.sequence).collect::<Vec<_>>(),
            (1..=460).collect::<Vec<_>>()
        );
        assert_eq!(all[399].body, "{\"v\":\"corrected\"}");
        assert_eq!(all[0].body, "{\"v\":1}");
        assert_eq!(
            store
                .corridor_voyage("c1", 455)
                .await
                .unwrap()
                .unwrap()
                .body,
            "{\"v\":455}"
        );
        assert!(store.corridor_voyage("c1", 461).await.unwrap().is_none());
        let imports = store.corridor_imports("c1").await.unwrap();
        assert_eq!(
            imports.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["i2", "i1"]
        );
        assert_eq!(imports[1].tonnage_kg, 450_000);
        assert_eq!(store.corridor_import_count("c1").await.unwrap(), 2);
        assert_eq!(store.corridor_import_count("c2").await.unwrap(), 0);
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 3);
        store.close().await;
    })
    .await;
}
