//! The corridors use cases over a real store (SQLite, and PostgreSQL when
//! `CHAMBER_TEST_POSTGRES_URL` is set), on a fixed clock: one movement's whole procedure as
//! four parties' representatives, their inspectors, a coordinator and two operators — register,
//! a plan approved by every party, a joint inspection one party refuses to sign and then signs
//! revised, a transit with a deviation incident, arrival — with the operator never seeing the
//! other operator's vessel; a late registration; a plan that lapses at its deadline; a
//! notification acknowledged (not approved); and the JCC's published table imported and
//! reported. Every change leaves the audit record intact.

use chamber_app::AppError;
use chamber_app::corridors::inspections::{ResultInput, ScheduleInput};
use chamber_app::corridors::movements::{
    CargoInput, CarrierInput, MovementInput, PlanInput, RegistrationInput,
};
use chamber_app::corridors::published::ChartText;
use chamber_app::corridors::transit::{NotificationInput, PositionFormat};
use chamber_app::corridors::{Actor, Corridors, MemberInput, NewCorridor};
use chamber_core::{Role, Username};
use chamber_corridors::inspection::InspectionStatus;
use chamber_corridors::plan::PlanStatus;
use chamber_corridors::registration::RegistrationStatus;
use chamber_store::{Store, User};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

struct World {
    app: Corridors,
    clock: Arc<Mutex<OffsetDateTime>>,
    store: Arc<Store>,
    users: std::collections::HashMap<String, User>,
    corridor: String,
}

impl World {
    fn u(&self, name: &str) -> &User {
        &self.users[name]
    }
    fn at(&self, t: &str) {
        *self.clock.lock().unwrap() =
            OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap();
    }
}

async fn account(store: &Store, name: &str, role: Role) -> User {
    store
        .create_user("test", &Username::parse(name).unwrap(), name, role, None)
        .await
        .unwrap()
}

fn black_sea_form() -> NewCorridor {
    NewCorridor {
        name: "Black Sea corridor".into(),
        designation: "commercial".into(),
        parties: vec!["RU:Russian Federation".into(), "TR:Türkiye".into(), "UA:Ukraine".into(), "UN:United Nations".into()],
        route: "46.45,30.75; 45.0,30.9; 43.0,29.9; 41.25,29.1".into(),
        safety_radius: "10 nmi".into(),
        ports: vec!["Odesa @ 46.49,30.74".into(), "Chornomorsk @ 46.30,30.66".into()],
        crossing_points: vec![],
        inspection_area: Some(r#"{"type":"Polygon","coordinates":[[[28.8,41.1],[29.4,41.1],[29.4,41.5],[28.8,41.5],[28.8,41.1]]]}"#.into()),
        registration_lead_hours: 44,
        plan_deadline: "09:00".into(),
        approval_deadline: "13:00".into(),
        inspections_per_day: 2,
        coordinator: Some("coord".into()),
    }
}

async fn world_on(store: Store) -> World {
    let store = Arc::new(store);
    let clock = Arc::new(Mutex::new(OffsetDateTime::now_utc()));
    let c2 = clock.clone();
    let app = Corridors::with_clock(store.clone(), Arc::new(move || *c2.lock().unwrap()));
    let mut users = std::collections::HashMap::new();
    users.insert(
        "admin".to_string(),
        account(&store, "admin", Role::Admin).await,
    );
    for name in [
        "coord", "rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-ru", "insp-tr", "insp-ua",
        "insp-un", "agent-a", "agent-b", "wfp-ops", "stranger",
    ] {
        let role = if name.starts_with("agent") || name.starts_with("wfp") || name == "stranger" {
            Role::Observer
        } else {
            Role::Delegate
        };
        users.insert(name.to_string(), account(&store, name, role).await);
    }
    let mut w = World {
        app,
        clock,
        store,
        users,
        corridor: String::new(),
    };
    w.at("2022-07-27T10:00:00Z");
    // Only the secretariat opens corridors.
    assert!(matches!(
        w.app.open_corridor(w.u("coord"), &black_sea_form()).await,
        Err(AppError::Forbidden)
    ));
    let view = w
        .app
        .open_corridor(w.u("admin"), &black_sea_form())
        .await
        .unwrap();
    w.corridor = view.id.to_string();
    let c = w.corridor.clone();
    for p in ["ru", "tr", "ua", "un"] {
        w.app
            .add_member(
                w.u("coord"),
                &c,
                &format!("rep-{p}"),
                &MemberInput::Representative { party: p.into() },
            )
            .await
            .unwrap();
        w.app
            .add_member(
                w.u("coord"),
                &c,
                &format!("insp-{p}"),
                &MemberInput::Inspector { party: p.into() },
            )
            .await
            .unwrap();
    }
    w.app
        .add_operator(w.u("coord"), &c, "agent-a", "Alpha Shipping")
        .await
        .unwrap();
    w.app
        .add_operator(w.u("coord"), &c, "agent-b", "Beta Maritime")
        .await
        .unwrap();
    w.app
        .add_operator(w.u("coord"), &c, "wfp-ops", "World Food Programme")
        .await
        .unwrap();
    assert!(
        w.app
            .add_operator(w.u("coord"), &c, "nobody-here", "X")
            .await
            .is_err(),
        "only existing accounts"
    );
    w
}

async fn worlds() -> Vec<(World, Option<chamber_store::testing::FreshPostgres>)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut out = vec![(world_on(Store::open_dir(&dir).await.unwrap()).await, None)];
    if let Some(pg) = chamber_store::testing::FreshPostgres::create().await {
        let store = Store::open_url(&pg.url)
            .await
            .expect("open PostgreSQL store");
        out.push((world_on(store).await, Some(pg)));
    }
    out
}

fn vessel(imo: &str, name: &str, expected: &str) -> RegistrationInput {
    RegistrationInput {
        carrier: CarrierInput::Vessel {
            imo: imo.into(),
            name: name.into(),
            flag: "Malta".into(),
        },
        cargo: vec![CargoInput {
            commodity: "Wheat".into(),
            tonnage: "30,000".into(),
            destination: "Egypt".into(),
            consignee: "GASC".into(),
            humanitarian: false,
        }],
        from: "Odesa".into(),
        to: "Alexandria".into(),
        calls: vec![],
        expected_at_inspection: expected.into(),
        humanitarian: None,
    }
}

#[tokio::test]
async fn one_movement_through_the_whole_procedure() {
    for (w, pg) in worlds().await {
        let c = w.corridor.as_str();
        // --- registration (the IMO check digit is checked)
        w.at("2022-08-01T08:00:00Z");
        let bad = w
            .app
            .register(
                w.u("agent-a"),
                c,
                &vessel("9086527", "RAZONI", "2022-08-04T08:00:00Z"),
            )
            .await;
        assert!(
            matches!(&bad, Err(AppError::Invalid(m)) if m.contains("check digit")),
            "{bad:?}"
        );
        let a = w
            .app
            .register(
                w.u("agent-a"),
                c,
                &vessel("9086526", "RAZONI", "2022-08-04T08:00:00Z"),
            )
            .await
            .unwrap();
        let b = w
            .app
            .register(
                w.u("agent-b"),
                c,
                &vessel("9590979", "NAVI STAR", "2022-08-04T10:00:00Z"),
            )
            .await
            .unwrap();
        let (a_id, b_id) = (a.registration.id.to_string(), b.registration.id.to_string());
        assert_eq!(a.status, RegistrationStatus::Registered);

        // --- an operator never sees another operator's vessel, not even by id
        let mine = w.app.registrations(w.u("agent-a"), c).await.unwrap();
        assert_eq!(
            mine.iter()
                .map(|r| r.registration.id.to_string())
                .collect::<Vec<_>>(),
            std::slice::from_ref(&a_id)
        );
        assert!(matches!(
            w.app.registration(w.u("agent-a"), c, &b_id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app.registration(w.u("agent-a"), c, &"0".repeat(32)).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app.queue_inspection(w.u("agent-a"), c, &b_id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app.withdraw(w.u("agent-a"), c, &b_id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app.registrations(w.u("stranger"), c).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app.corridor(w.u("stranger"), c).await,
            Err(AppError::NotFound)
        ));
        for rep in ["rep-ru", "rep-tr", "rep-ua", "rep-un", "insp-un", "coord"] {
            assert_eq!(
                w.app.registrations(w.u(rep), c).await.unwrap().len(),
                2,
                "{rep}"
            );
        }

        // --- the daily plan: proposed by Ukraine's representative, approved by every party
        w.at("2022-08-02T08:00:00Z");
        let plan_in = PlanInput {
            day: "2022-08-03".into(),
            movements: vec![
                MovementInput {
                    registration: a_id.clone(),
                    depart_at: "2022-08-03T06:00".into(),
                },
                MovementInput {
                    registration: b_id.clone(),
                    depart_at: "2022-08-03T07:00".into(),
                },
            ],
        };
        assert!(matches!(
            w.app.propose_plan(w.u("agent-a"), c, &plan_in).await,
            Err(AppError::Forbidden)
        ));
        let plan = w
            .app
            .propose_plan(w.u("rep-ua"), c, &plan_in)
            .await
            .unwrap();
        let plan_id = plan.id.to_string();
        assert!(
            w.app
                .propose_plan(w.u("rep-tr"), c, &plan_in)
                .await
                .is_err(),
            "one plan a day"
        );
        for (i, rep) in ["rep-ua", "rep-tr", "rep-ru", "rep-un"].iter().enumerate() {
            w.at(&format!("2022-08-02T10:0{i}:00Z"));
            w.app.approve_plan(w.u(rep), c, &plan_id).await.unwrap();
        }
        let mut seen = Vec::new();
        for r in ["rep-ru", "rep-tr", "rep-ua", "rep-un", "coord"] {
            seen.push(
                serde_json::to_string(&w.app.plan(w.u(r), c, &plan_id).await.unwrap()).unwrap(),
            );
        }
        assert!(
            seen.windows(2).all(|p| p[0] == p[1]),
            "every party sees the same plan"
        );
        let for_a = w.app.plan(w.u("agent-a"), c, &plan_id).await.unwrap();
        assert!(matches!(for_a.status, PlanStatus::Approved { .. }));
        assert_eq!(
            for_a.movements.len(),
            1,
            "agent-a sees only its own movement"
        );
        assert!(!serde_json::to_string(&for_a).unwrap().contains(&b_id));

        // --- joint inspection: queued, scheduled with one inspector per party
        w.at("2022-08-04T08:00:00Z");
        let i = w
            .app
            .queue_inspection(w.u("agent-a"), c, &a_id)
            .await
            .unwrap();
        let i_id = i.inspection.id.to_string();
        let queue = w.app.inspection_queue(w.u("coord"), c).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert!(matches!(
            w.app.inspection_queue(w.u("agent-a"), c).await,
            Err(AppError::Forbidden)
        ));
        let sched = w
            .app
            .schedule_inspection(
                w.u("coord"),
                c,
                &i_id,
                &ScheduleInput {
                    day: "2022-08-04".into(),
                    team: vec![],
                },
            )
            .await
            .unwrap();
        assert_eq!(sched.inspection.team.len(), 4);
        // One party refuses to sign: disputed.
        w.app
            .record_inspection_result(
                w.u("insp-tr"),
                c,
                &i_id,
                &ResultInput {
                    outcome: "cleared".into(),
                    reason: String::new(),
                    findings: "as declared".into(),
                },
            )
            .await
            .unwrap();
        w.app
            .sign_inspection(w.u("insp-ua"), c, &i_id)
            .await
            .unwrap();
        w.app
            .sign_inspection(w.u("insp-un"), c, &i_id)
            .await
            .unwrap();
        let disputed = w
            .app
            .refuse_inspection(w.u("insp-ru"), c, &i_id, "hold no. 3 was not opened")
            .await
            .unwrap();
        assert!(matches!(disputed.status, InspectionStatus::Disputed { .. }));
        // The revised result, signed by all four.
        w.at("2022-08-04T11:00:00Z");
        w.app
            .record_inspection_result(
                w.u("insp-ru"),
                c,
                &i_id,
                &ResultInput {
                    outcome: "cleared".into(),
                    reason: String::new(),
                    findings: "hold no. 3 opened".into(),
                },
            )
            .await
            .unwrap();
        for insp in ["insp-tr", "insp-ua", "insp-un"] {
            w.app.sign_inspection(w.u(insp), c, &i_id).await.unwrap();
        }
        assert_eq!(
            w.app
                .inspection(w.u("agent-a"), c, &i_id)
                .await
                .unwrap()
                .status,
            InspectionStatus::Cleared
        );
        assert!(matches!(
            w.app.inspection(w.u("agent-b"), c, &i_id).await,
            Err(AppError::NotFound)
        ));

        // --- transit: a deviation raises an incident every party sees
        w.at("2022-08-04T20:00:00Z");
        let csv = "time,lat,lon\n2022-08-04T12:00:00Z,41.30,29.10\n2022-08-04T14:00:00Z,41.40,30.20\n2022-08-04T16:00:00Z,41.60,31.50\n";
        let check = w
            .app
            .report_positions(w.u("agent-a"), c, &a_id, csv, PositionFormat::Csv)
            .await
            .unwrap();
        assert_eq!(check.incidents.len(), 1, "{check:?}");
        assert_eq!(check.incidents[0].finding.kind.name(), "deviation");
        // The same reports again raise nothing new.
        let again = w
            .app
            .report_positions(w.u("agent-a"), c, &a_id, csv, PositionFormat::Csv)
            .await
            .unwrap();
        assert!(again.incidents.is_empty());
        for who in ["rep-ru", "rep-tr", "rep-ua", "rep-un", "coord", "agent-a"] {
            assert_eq!(
                w.app.incidents(w.u(who), c).await.unwrap().len(),
                1,
                "{who}"
            );
        }
        assert!(w.app.incidents(w.u("agent-b"), c).await.unwrap().is_empty());
        let bad = w
            .app
            .report_positions(
                w.u("agent-a"),
                c,
                &a_id,
                "time,lat,lon\nnoon,41,29\n",
                PositionFormat::Csv,
            )
            .await;
        assert!(
            matches!(&bad, Err(AppError::Invalid(m)) if m.contains("line 2")),
            "{bad:?}"
        );

        // --- arrival
        let arrived = w.app.arrive(w.u("agent-a"), c, &a_id).await.unwrap();
        assert_eq!(arrived.status, RegistrationStatus::Arrived);
        let detail = w.app.registration(w.u("agent-a"), c, &a_id).await.unwrap();
        assert_eq!(
            (
                detail.plans.len(),
                detail.inspections.len(),
                detail.incidents.len()
            ),
            (1, 1, 1)
        );

        assert!(w.store.verify_audit().await.unwrap().is_ok());
        w.store.close().await;
        if let Some(pg) = pg {
            pg.drop_database().await;
        }
    }
}

#[tokio::test]
async fn a_late_registration_waits_and_a_plan_not_approved_by_the_deadline_lapses() {
    for (w, pg) in worlds().await {
        let c = w.corridor.as_str();
        w.at("2022-08-03T00:00:00Z");
        // Expected at the inspection area 20 hours later: under the 44-hour rule.
        let late = w
            .app
            .register(
                w.u("agent-a"),
                c,
                &vessel("9754927", "ROJEN", "2022-08-03T20:00:00Z"),
            )
            .await
            .unwrap();
        assert_eq!(late.status, RegistrationStatus::LateAwaitingDecision);
        assert_eq!(
            late.registration.late.as_ref().unwrap().notice_minutes,
            20 * 60
        );
        let late_id = late.registration.id.to_string();
        w.at("2022-08-03T01:00:00Z");
        let plan_in = PlanInput {
            day: "2022-08-04".into(),
            movements: vec![MovementInput {
                registration: late_id.clone(),
                depart_at: "2022-08-04T06:00Z".into(),
            }],
        };
        let e = w.app.propose_plan(w.u("rep-ua"), c, &plan_in).await;
        assert!(
            matches!(&e, Err(AppError::Invalid(m)) if m.contains("cannot be planned")),
            "{e:?}"
        );
        assert!(matches!(
            w.app
                .decide_late(w.u("rep-ua"), c, &late_id, true, "ok")
                .await,
            Err(AppError::Forbidden)
        ));
        w.app
            .decide_late(w.u("coord"), c, &late_id, true, "weather delayed the agent")
            .await
            .unwrap();
        let plan = w
            .app
            .propose_plan(w.u("rep-ua"), c, &plan_in)
            .await
            .unwrap();
        let id = plan.id.to_string();
        w.app.approve_plan(w.u("rep-ua"), c, &id).await.unwrap();
        w.app.approve_plan(w.u("rep-tr"), c, &id).await.unwrap();
        w.app
            .hold_plan(w.u("rep-ru"), c, &id, "the cargo manifest is missing")
            .await
            .unwrap();
        // 13:00 UTC passes: the plan lapses, and stays lapsed.
        w.at("2022-08-03T13:00:01Z");
        let lapsed = w.app.plan(w.u("rep-un"), c, &id).await.unwrap();
        assert_eq!(lapsed.status.name(), "lapsed");
        assert!(w.app.approve_plan(w.u("rep-un"), c, &id).await.is_err());
        // A lapsed plan does not block the day: a new one may be proposed (for the next day,
        // the deadline for the 4th having passed).
        let next = PlanInput {
            day: "2022-08-05".into(),
            movements: vec![MovementInput {
                registration: late_id.clone(),
                depart_at: "2022-08-05T06:00Z".into(),
            }],
        };
        w.app.propose_plan(w.u("rep-ua"), c, &next).await.unwrap();
        assert!(w.store.verify_audit().await.unwrap().is_ok());
        w.store.close().await;
        if let Some(pg) = pg {
            pg.drop_database().await;
        }
    }
}

#[tokio::test]
async fn a_notification_is_acknowledged_not_approved() {
    for (w, pg) in worlds().await {
        let c = w.corridor.as_str();
        w.at("2022-08-03T00:00:00Z");
        let n = w
            .app
            .notify(
                w.u("wfp-ops"),
                c,
                &NotificationInput {
                    kind: "static_site".into(),
                    geometry: r#"{"type":"Point","coordinates":[30.74,46.48]}"#.into(),
                    from: "2022-08-05T00:00Z".into(),
                    until: "2022-08-20T00:00Z".into(),
                    description: "Food warehouse".into(),
                },
            )
            .await
            .unwrap();
        let id = n.notification.id.to_string();
        assert_eq!(n.awaiting.len(), 4);
        w.at("2022-08-03T02:00:00Z");
        let after = w.app.acknowledge(w.u("rep-ru"), c, &id).await.unwrap();
        assert_eq!(after.awaiting.len(), 3);
        assert_eq!(after.notification.acknowledgements[0].by.as_str(), "rep-ru");
        let json = serde_json::to_string(&after).unwrap();
        assert!(json.contains("not an approval"), "{json}");
        assert!(matches!(
            w.app.notification(w.u("agent-a"), c, &id).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(
            w.app.notifications(w.u("rep-tr"), c).await.unwrap().len(),
            1
        );
        w.store.close().await;
        if let Some(pg) = pg {
            pg.drop_database().await;
        }
    }
}

#[tokio::test]
async fn the_published_table_is_imported_and_reported() {
    let Some(dir) = chamber_testkit::shared_dir("data/corridors/black-sea-grain-initiative") else {
        return;
    };
    let bytes =
        std::fs::read(dir.join("black-sea-grain-initiative-vessel-movements.xlsx")).unwrap();
    for (w, pg) in worlds().await {
        // Into the Black Sea Grain Initiative's corridor, opened on first import.
        let s = w
            .app
            .import_jcc(
                Actor::Operator("tester"),
                None,
                bytes.clone(),
                "jcc.xlsx",
                Some("Live"),
            )
            .await
            .unwrap();
        assert!(s.opened_corridor);
        assert_eq!(
            (s.voyages, s.cargo_lines, s.tonnage),
            (633, 714, 16_945_661.0)
        );
        assert!(s.errors.is_empty());
        // Again from another sheet: the same voyages replaced, nothing added.
        let again = w
            .app
            .import_jcc(
                Actor::Operator("tester"),
                None,
                bytes.clone(),
                "jcc.xlsx",
                Some("Data_HXL"),
            )
            .await
            .unwrap();
        assert_eq!(again.corridor, s.corridor);
        assert!(!again.opened_corridor);
        let r = w
            .app
            .report(Actor::Operator("tester"), &s.corridor)
            .await
            .unwrap();
        assert_eq!(
            (r.voyages, r.cargo_lines, r.tonnage.kg()),
            (633, 714, 16_945_661_000)
        );
        assert_eq!(r.median_days_to_inspection, Some(8.0));
        let page = w
            .app
            .report_page(
                Actor::Account(w.u("admin")),
                &s.corridor,
                &ChartText::default(),
            )
            .await
            .unwrap();
        assert!(page.charts.by_commodity.contains("Corn"));
        // People with no place in the corridor do not read it through their account.
        assert!(matches!(
            w.app
                .report(Actor::Account(w.u("stranger")), &s.corridor)
                .await,
            Err(AppError::NotFound)
        ));
        let csv = w
            .app
            .export_voyages_csv(Actor::Operator("tester"), &s.corridor)
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), 716);
        let xlsx = w
            .app
            .export_xlsx(Actor::Operator("tester"), &s.corridor)
            .await
            .unwrap();
        let back = chamber_corridors::jcc::read_xlsx(&xlsx, None, "export").unwrap();
        assert_eq!(back.voyages.len(), 633);
        assert_eq!(
            w.app
                .imports(Actor::Operator("tester"), &s.corridor)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            w.app
                .voyages(Actor::Operator("tester"), &s.corridor, 630, 50)
                .await
                .unwrap()
                .voyages
                .len(),
            3
        );
        assert!(w.store.verify_audit().await.unwrap().is_ok());
        w.store.close().await;
        if let Some(pg) = pg {
            pg.drop_database().await;
        }
    }
}
