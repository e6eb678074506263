//! Conferences in the store, on SQLite and (when configured) PostgreSQL: records, the
//! accreditation queue with keyset paging, the door's ticket look-up, documents and their
//! retention purge, and every change with its audit entry.

use chamber_core::AuditDraft;
use chamber_store::conferences::{DocumentRow, QueueQuery, Record, RegistrationRow, tx};
use chamber_store::testing::{FreshPostgres, fresh_sqlite};
use chamber_store::{Backend, Store};
use std::future::Future;

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store, Option<std::path::PathBuf>) -> Fut,
    Fut: Future<Output = ()>,
{
    let (sqlite, dir) = fresh_sqlite().await;
    assert_eq!(sqlite.backend(), Backend::Sqlite);
    body(sqlite, Some(dir.clone())).await;
    let _ = std::fs::remove_dir_all(dir);
    if let Some(pg) = FreshPostgres::create().await {
        let store = Store::open_url(&pg.url)
            .await
            .expect("open PostgreSQL store");
        body(store, None).await;
        pg.drop_database().await;
    }
}

fn reg(conf: &str, n: usize, category: &str, state: &str) -> RegistrationRow {
    RegistrationRow {
        id: format!("{n:032x}"),
        conference_id: conf.into(),
        username: format!("person{n}"),
        category: category.into(),
        state: state.into(),
        // Two registrations share each second, so paging must break ties by id.
        submitted_at: format!("2026-11-01T10:{:02}:{:02}Z", n / 120, (n / 2) % 60),
        ticket_digest: None,
        ticket_sealed: None,
        body: format!("{{\"n\":{n}}}"),
    }
}

async fn conference(store: &Store, id: &str, end_at: &str) {
    let mut t = store.begin_write().await.unwrap();
    tx::save_conference(&mut t, id, end_at, "{\"title\":\"Forum\"}")
        .await
        .unwrap();
    t.record(AuditDraft::new(
        "cli:test",
        "conferences.conference.create",
        id,
    ))
    .await
    .unwrap();
    t.commit().await.unwrap();
}

#[tokio::test]
async fn the_queue_pages_in_submission_order_within_the_officers_categories() {
    on_both(|store, _| async move {
        let c = "c".repeat(32);
        conference(&store, &c, "2026-12-14T00:00:00Z").await;
        let rows: Vec<RegistrationRow> = (0..230)
            .map(|n| {
                let cat = ["member_state", "ngo", "media"][n % 3];
                let state = if n % 10 == 0 { "approved" } else { "pending" };
                reg(&c, n, cat, state)
            })
            .collect();
        let mut t = store.begin_write().await.unwrap();
        tx::insert_registrations(&mut t, &rows).await.unwrap();
        t.commit().await.unwrap();
        let cats = ["member_state", "ngo"];
        let expected: Vec<&str> = rows
            .iter()
            .filter(|r| r.state == "pending" && cats.contains(&r.category.as_str()))
            .map(|r| r.id.as_str())
            .collect();
        let mut seen = Vec::new();
        let mut after: Option<(String, String)> = None;
        loop {
            let page = store
                .accreditation_queue(&QueueQuery {
                    conference_id: &c,
                    state: "pending",
                    categories: &cats,
                    after: after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                    limit: 25,
                })
                .await
                .unwrap();
            assert_eq!(page.total as usize, expected.len());
            if page.rows.is_empty() {
                break;
            }
            let last = page.rows.last().unwrap();
            after = Some((last.submitted_at.clone(), last.id.clone()));
            seen.extend(page.rows.into_iter().map(|r| r.id));
        }
        assert_eq!(seen, expected, "every pending registration once, in order");
        let none = store
            .accreditation_queue(&QueueQuery {
                conference_id: &c,
                state: "pending",
                categories: &[],
                after: None,
                limit: 25,
            })
            .await
            .unwrap();
        assert!(none.rows.is_empty() && none.total == 0);
        // One registration per person and conference.
        let mut t = store.begin_write().await.unwrap();
        let mut dup = reg(&c, 999, "ngo", "pending");
        dup.username = "person1".into();
        assert!(tx::insert_registrations(&mut t, &[dup]).await.is_err());
        drop(t);
        assert_eq!(tx_count(&store, &c).await, 230, "nothing else lost");
        store.close().await;
    })
    .await;
}

async fn tx_count(store: &Store, c: &str) -> usize {
    store.conference_registrations(c).await.unwrap().len()
}

#[tokio::test]
async fn a_ticket_is_found_by_its_digest_and_changes_carry_their_audit_entry() {
    on_both(|store, _| async move {
        let c = "d".repeat(32);
        conference(&store, &c, "2026-12-14T00:00:00Z").await;
        let mut t = store.begin_write().await.unwrap();
        tx::insert_registrations(&mut t, &[reg(&c, 1, "member_state", "pending")])
            .await
            .unwrap();
        t.commit().await.unwrap();
        let mut t = store.begin_write().await.unwrap();
        let mut r = tx::registration(&mut t, &format!("{:032x}", 1))
            .await
            .unwrap()
            .unwrap();
        r.state = "approved".into();
        r.ticket_digest = Some("ab".repeat(32));
        r.ticket_sealed = Some("c2VhbGVk".into());
        tx::update_registration(&mut t, &r).await.unwrap();
        t.record(AuditDraft::new(
            "officer",
            "conferences.registration.approve",
            &r.id,
        ))
        .await
        .unwrap();
        t.commit().await.unwrap();
        let found = store
            .conference_registration_by_ticket(&"ab".repeat(32))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.state, "approved");
        assert!(
            store
                .conference_registration_by_ticket(&"cd".repeat(32))
                .await
                .unwrap()
                .is_none()
        );
        // The door's one query: the conference with the ticket's registration, only when the
        // ticket belongs to that conference.
        let (body, at_door) = store
            .conference_and_ticket(&c, &"ab".repeat(32))
            .await
            .unwrap();
        assert!(body.is_some());
        assert_eq!(
            at_door.map(|r| (r.id, r.state)),
            Some((found.id.clone(), found.state.clone()))
        );
        let (body, at_door) = store
            .conference_and_ticket(&c, &"cd".repeat(32))
            .await
            .unwrap();
        assert!(body.is_some() && at_door.is_none());
        let actions: Vec<String> = store
            .audit_entries()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "conferences.conference.create",
                "conferences.registration.approve"
            ]
        );
        assert_eq!(store.verify_audit().await.unwrap().unwrap(), 2);
        // A rolled-back change leaves neither the change nor an entry.
        let mut t = store.begin_write().await.unwrap();
        r.state = "withdrawn".into();
        tx::update_registration(&mut t, &r).await.unwrap();
        drop(t);
        let again = store.conference_registration(&r.id).await.unwrap().unwrap();
        assert_eq!(again.state, "approved");
        let other = "e".repeat(32);
        conference(&store, &other, "2026-12-14T00:00:00Z").await;
        let (body, at_door) = store
            .conference_and_ticket(&other, &"ab".repeat(32))
            .await
            .unwrap();
        assert!(
            body.is_some() && at_door.is_none(),
            "a ticket of another conference"
        );
        let (body, at_door) = store
            .conference_and_ticket(&"f".repeat(32), &"ab".repeat(32))
            .await
            .unwrap();
        assert!(body.is_none() && at_door.is_none());
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn records_keep_one_per_natural_key() {
    on_both(|store, _| async move {
        let c = "e".repeat(32);
        conference(&store, &c, "2026-12-14T00:00:00Z").await;
        let rec = |id: &str, key: &str| Record {
            id: id.into(),
            natural_key: key.into(),
            body: format!("{{\"id\":\"{id}\"}}"),
        };
        let mut t = store.begin_write().await.unwrap();
        tx::save_record(&mut t, &c, "delegation", &rec("1", "TKM"))
            .await
            .unwrap();
        tx::save_record(&mut t, &c, "delegation", &rec("2", "FRA"))
            .await
            .unwrap();
        tx::save_record(&mut t, &c, "delegation", &rec("1", "TKM"))
            .await
            .unwrap();
        t.commit().await.unwrap();
        let mut t = store.begin_write().await.unwrap();
        assert!(
            tx::save_record(&mut t, &c, "delegation", &rec("3", "TKM"))
                .await
                .is_err(),
            "a second delegation for one State"
        );
        drop(t);
        let all = store.conference_records(&c, "delegation").await.unwrap();
        assert_eq!(
            all.iter()
                .map(|r| r.natural_key.as_str())
                .collect::<Vec<_>>(),
            ["FRA", "TKM"]
        );
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn documents_due_after_retention_are_deleted_from_the_file() {
    on_both(|store, dir| async move {
        let old = "a".repeat(32);
        let live = "b".repeat(32);
        conference(&store, &old, "2026-01-10T00:00:00Z").await;
        conference(&store, &live, "2027-01-10T00:00:00Z").await;
        let mut t = store.begin_write().await.unwrap();
        tx::insert_registrations(
            &mut t,
            &[
                reg(&old, 1, "member_state", "approved"),
                reg(&live, 2, "member_state", "pending"),
            ],
        )
        .await
        .unwrap();
        let doc = |id: char, r: usize, conf: &str, sealed: &str| {
            (
                DocumentRow {
                    id: id.to_string().repeat(32),
                    registration_id: format!("{r:032x}"),
                    conference_id: conf.into(),
                    kind: "identity_document".into(),
                    format: "pdf".into(),
                    size: 1234,
                    uploaded_at: "2026-01-02T00:00:00Z".into(),
                    uploaded_by: format!("person{r}"),
                },
                sealed.to_string(),
            )
        };
        let marker = "U0VBTEVEQllURVNPRlRIRURPQ1VNRU5UT0ZBQ0hFQ0tJTkdNQVJLRVI";
        tx::insert_documents(
            &mut t,
            &[doc('1', 1, &old, marker), doc('2', 2, &live, "b3RoZXI")],
        )
        .await
        .unwrap();
        t.commit().await.unwrap();
        let listed = store
            .conference_documents(&[&format!("{:032x}", 1), &format!("{:032x}", 2)])
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
        let (meta, sealed) = store
            .conference_document(&"1".repeat(32))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((meta.size, sealed.as_str()), (1234, marker));
        // 90 days after the old conference: only its document is due.
        let mut t = store.begin_write().await.unwrap();
        let due = tx::documents_due(&mut t, "2026-04-10T00:00:00Z")
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].conference_id, old);
        let ids: Vec<&str> = due.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(tx::delete_documents(&mut t, &ids).await.unwrap(), 1);
        t.record(AuditDraft::new(
            "cli:test",
            "conferences.documents.purge",
            "retention",
        ))
        .await
        .unwrap();
        t.commit().await.unwrap();
        assert!(
            store
                .conference_document(&"1".repeat(32))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .conference_document(&"2".repeat(32))
                .await
                .unwrap()
                .is_some()
        );
        if let Some(dir) = dir {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await
                .unwrap();
            store.close().await;
            let mut bytes = std::fs::read(dir.join("chamber.sqlite")).unwrap();
            if let Ok(wal) = std::fs::read(dir.join("chamber.sqlite-wal")) {
                bytes.extend(wal);
            }
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "the purged document's sealed bytes are gone from the file"
            );
        } else {
            store.close().await;
        }
    })
    .await;
}
