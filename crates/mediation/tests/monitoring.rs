//! Implementation monitoring that never loses data (issue 12, item 3): provision types from the
//! fixed list, responsible party and deadline kept on the commitment, a score per period with
//! evidence that changes nothing else, the history of every period, overdue commitments, the
//! rate over time overall and per type, the chart, the CSV export, and agreements stored in the
//! old shape still loading.

use chamber_mediation::agreement::chart::{ChartLabels, trend_svg};
use chamber_mediation::agreement::monitoring::{export_csv, monitoring_view};
use chamber_mediation::agreement::{
    Agreement, Change, Commitment, CommitmentUpdate, Level, ProvisionType,
};
use chamber_mediation::demo::{self, Demo};
use chamber_mediation::text::{NegotiatingText, Paragraph, ParagraphStatus, TextRecord, Wording};
use chamber_mediation::{Error, PersonId, Process};
use rand::SeedableRng;
use rand::rngs::StdRng;
use time::Date;
use time::macros::{date, datetime};

const PROVISIONS: [&str; 6] = [
    "The Parties shall cease all hostilities from the date of signature.",
    "A Joint Verification Commission shall monitor the cessation of hostilities.",
    "The Parties shall open the River Road to humanitarian convoys.",
    "Displaced persons may return to their homes in safety and dignity.",
    "All persons detained in connection with the conflict shall be released within 60 days.",
    "This Agreement shall enter into force upon signature.",
];

fn fixture() -> (Demo, Agreement, StdRng) {
    let mut rng = StdRng::seed_from_u64(12);
    let d = demo::build(&mut rng, datetime!(2026-03-01 08:00 UTC)).unwrap();
    let mut text = NegotiatingText::new("Agreement on a cessation of hostilities").unwrap();
    let agreed = ParagraphStatus::AgreedAdReferendum;
    text.preamble.push(Paragraph::new(
        &mut rng,
        agreed,
        Wording::plain("Recalling Security Council resolution 2719 (2023),"),
    ));
    for p in PROVISIONS {
        text.operative
            .push(Paragraph::new(&mut rng, agreed, Wording::plain(p)));
    }
    let at = datetime!(2026-12-01 10:00 UTC);
    let record = TextRecord::start(&d.process, &d.mediator, text, "Final text.", at).unwrap();
    let ag = Agreement::adopt(&mut rng, &d.process, &d.mediator, &record, 1, at).unwrap();
    (d, ag, rng)
}

fn t(code: &str) -> ProvisionType {
    ProvisionType::parse(code).unwrap()
}

/// Types, responsible parties and deadlines as the demonstration's monitoring plan sets them.
fn plan(d: &Demo, ag: &mut Agreement) {
    let plan = [
        ("cease-fire", &d.eastmark, date!(2027 - 01 - 15)),
        (
            "verification-monitoring-mechanism",
            &d.highlands,
            date!(2027 - 01 - 31),
        ),
        (
            "internally-displaced-persons",
            &d.eastmark,
            date!(2027 - 03 - 31),
        ),
        (
            "internally-displaced-persons",
            &d.highlands,
            date!(2027 - 06 - 30),
        ),
        ("prisoner-release", &d.eastmark, date!(2027 - 02 - 01)),
    ];
    let ids: Vec<_> = ag.commitments.iter().map(|c| c.provision.clone()).collect();
    for (i, (code, party, deadline)) in plan.into_iter().enumerate() {
        ag.update_commitment(
            &d.process,
            &d.mediator,
            &ids[i],
            CommitmentUpdate {
                provision_type: Change::Set(t(code)),
                responsible: Change::Set(party.clone()),
                deadline: Change::Set(deadline),
            },
        )
        .unwrap();
    }
}

fn score(d: &Demo, ag: &mut Agreement, i: usize, period: Date, level: u8, evidence: &str) {
    let id = ag.commitments[i].provision.clone();
    ag.record_score(
        &d.process,
        &d.mediator,
        &id,
        period,
        Level::try_from(level).unwrap(),
        evidence,
        datetime!(2027-05-01 09:00 UTC) + time::Duration::minutes(ag.scores.len() as i64),
    )
    .unwrap();
}

/// Two periods of monitoring reports.
fn two_periods(d: &Demo, ag: &mut Agreement) {
    let jan = date!(2027 - 01 - 31);
    let feb = date!(2027 - 02 - 28);
    score(d, ag, 0, jan, 2, "Violations reported in two districts.");
    score(d, ag, 1, jan, 1, "Commission appointed, not yet deployed.");
    score(d, ag, 4, jan, 0, "No release.");
    score(d, ag, 0, feb, 3, "No violation reported.");
    score(d, ag, 1, feb, 3, "Commission deployed in all districts.");
    score(d, ag, 2, feb, 1, "Road open two days a week.");
    score(d, ag, 4, feb, 1, "First 40 detainees released.");
}

#[test]
fn recording_scores_never_changes_type_responsible_party_or_deadline() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    let before: Vec<Commitment> = ag.commitments.clone();
    two_periods(&d, &mut ag);
    // A correction for the same period, too.
    score(
        &d,
        &mut ag,
        0,
        date!(2027 - 01 - 31),
        1,
        "Corrected after field visit.",
    );
    assert_eq!(ag.commitments, before, "scores changed a commitment");
    // The deadlines of issue 12 (paragraphs 1 and 5) in particular.
    assert_eq!(ag.commitments[0].deadline, Some(date!(2027 - 01 - 15)));
    assert_eq!(ag.commitments[4].deadline, Some(date!(2027 - 02 - 01)));
    assert_eq!(ag.commitments[0].responsible.as_ref(), Some(&d.eastmark));
    assert_eq!(ag.commitments[0].provision_type, Some(t("cease-fire")));
    // The same holds through storage.
    let back: Agreement = serde_json::from_str(&serde_json::to_string(&ag).unwrap()).unwrap();
    assert_eq!(back, ag);
}

#[test]
fn every_period_is_kept_and_a_correction_supersedes_without_erasing() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    two_periods(&d, &mut ag);
    score(
        &d,
        &mut ag,
        0,
        date!(2027 - 01 - 31),
        1,
        "Corrected after field visit.",
    );
    let p0 = ag.commitments[0].provision.clone();
    let history: Vec<(Date, u8, &str)> = ag
        .history(&p0)
        .iter()
        .map(|s| (s.period, u8::from(s.level), s.evidence.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (
                date!(2027 - 01 - 31),
                2,
                "Violations reported in two districts."
            ),
            (date!(2027 - 01 - 31), 1, "Corrected after field visit."),
            (date!(2027 - 02 - 28), 3, "No violation reported."),
        ]
    );
    assert_eq!(ag.periods(), [date!(2027 - 01 - 31), date!(2027 - 02 - 28)]);
    let view = monitoring_view(&d.process, &d.observer, &ag, date!(2027 - 03 - 01)).unwrap();
    let superseded: Vec<bool> = view.commitments[0]
        .history
        .iter()
        .map(|s| s.superseded)
        .collect();
    assert_eq!(superseded, [true, false, false]);
    assert_eq!(view.commitments[0].history[0].recorded_by, d.mediator);
    // Only mediators score; a delegate is refused and nothing is recorded.
    let n = ag.scores.len();
    assert!(matches!(
        ag.record_score(
            &d.process,
            &d.delegate_highlands,
            &p0,
            date!(2027 - 02 - 28),
            Level::Full,
            "",
            datetime!(2027-03-01 0:00 UTC)
        ),
        Err(Error::Forbidden(_))
    ));
    assert_eq!(ag.scores.len(), n);
}

#[test]
fn overdue_takes_today_and_needs_a_passed_deadline_below_full() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    two_periods(&d, &mut ag);
    let labels =
        |today| -> Vec<String> { ag.overdue(today).into_iter().map(|o| o.label).collect() };
    // On its deadline a commitment is not yet overdue.
    assert!(labels(date!(2027 - 01 - 15)).is_empty());
    // 1 is full by February: never overdue once scored 3; 5 (0 then 1) is.
    assert_eq!(labels(date!(2027 - 02 - 02)), ["5"]);
    let o = &ag.overdue(date!(2027 - 02 - 11))[0];
    assert_eq!((o.days_late, o.latest), (10, Some(Level::Minimal)));
    assert_eq!(o.responsible.as_ref(), Some(&d.eastmark));
    // Later, 3 (scored 1) passes its deadline too; 4 was never scored: overdue as well.
    assert_eq!(labels(date!(2027 - 07 - 01)), ["3", "4", "5"]);
    // 6 has no deadline: never overdue.
    let view = monitoring_view(&d.process, &d.mediator, &ag, date!(2027 - 07 - 01)).unwrap();
    assert_eq!(view.overdue, 3);
    assert!(!view.commitments[5].overdue);
    assert_eq!(view.commitments[4].days_late, Some(150));
}

#[test]
fn the_rate_over_time_overall_and_per_type() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    two_periods(&d, &mut ag);
    let trend = ag.trend();
    assert_eq!(
        trend.periods,
        [date!(2027 - 01 - 31), date!(2027 - 02 - 28)]
    );
    // January: 2 + 1 + 0 of 18; February: 3 + 3 + 1 + 1 of 18.
    let overall: Vec<(u32, u32)> = trend.overall.iter().map(|r| (r.points, r.max)).collect();
    assert_eq!(overall, [(3, 18), (8, 18)]);
    let by_type: Vec<(&str, Vec<u32>)> = trend
        .by_type
        .iter()
        .map(|s| {
            (
                s.provision_type.code(),
                s.rates.iter().map(|r| r.points).collect(),
            )
        })
        .collect();
    assert_eq!(
        by_type,
        [
            ("cease-fire", vec![2, 3]),
            ("internally-displaced-persons", vec![0, 1]),
            ("prisoner-release", vec![0, 1]),
            ("verification-monitoring-mechanism", vec![1, 3]),
        ]
    );
    assert_eq!(trend.untyped, 1, "provision 6 has no type: no \"—\" series");
    assert_eq!(trend.by_type[1].rates[1].max, 6);
    // The last point of each series is the current rate.
    assert_eq!(*trend.overall.last().unwrap(), ag.rate());
    assert_eq!(ag.rate().percent(), 44);
}

#[test]
fn the_chart_uses_the_callers_words_and_escapes_them() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    two_periods(&d, &mut ag);
    let labels = ChartLabels {
        title: "التنفيذ <بمرور الوقت>".into(),
        y_axis: "التنفيذ".into(),
        x_axis: "الفترة".into(),
        overall: "الإجمالي & \"كل\"".into(),
        empty: "لا توجد درجات".into(),
        type_names: vec![(t("cease-fire"), "وقف إطلاق النار".into())],
        periods: vec!["يناير 2027".into(), "فبراير 2027".into()],
        right_to_left: true,
    };
    let svg = trend_svg(&ag.trend(), &labels);
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert!(svg.contains("direction=\"rtl\""));
    assert!(svg.contains("التنفيذ &lt;بمرور الوقت&gt;"));
    assert!(svg.contains("الإجمالي &amp; &quot;كل&quot;"));
    assert!(!svg.contains("<بمرور"), "unescaped text");
    assert!(svg.contains("وقف إطلاق النار") && svg.contains("فبراير 2027"));
    // One line for the overall rate and one per type in use.
    assert_eq!(svg.matches("<polyline").count(), 1 + 4);
    // A type the caller did not name shows its code, never an English name.
    assert!(svg.contains("prisoner-release"));
    assert!(!svg.contains("Prisoner Release") && !svg.contains("Overall"));
    // Nothing scored yet: the caller's message, no line.
    let (_, fresh, _) = fixture();
    let empty = trend_svg(&fresh.trend(), &labels);
    assert!(empty.contains("لا توجد درجات") && !empty.contains("<polyline"));
    // Every element closes: the SVG parses as XML.
    let mut reader = quick_xml::Reader::from_str(&svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("chart is not well-formed XML: {e}"),
        }
    }
}

#[test]
fn csv_export_has_every_period_and_is_safe_in_a_spreadsheet() {
    let (d, mut ag, _) = fixture();
    plan(&d, &mut ag);
    two_periods(&d, &mut ag);
    score(
        &d,
        &mut ag,
        2,
        date!(2027 - 03 - 31),
        2,
        "=HYPERLINK(\"x\"), \"quoted\"",
    );
    let csv = export_csv(&d.process, &d.delegate_eastmark, &ag).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("provision,label,text,provision_type,"));
    // 8 scores + one row for each of provisions 4 and 6, never scored.
    assert_eq!(lines.len(), 1 + 8 + 2);
    assert!(csv.contains(",cease-fire,Cease Fire,"));
    assert!(csv.contains("Government of Eastmark"));
    assert!(csv.contains(",2027-01-15,2027-01-31,2,Violations reported in two districts.,"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\""));
    // Outsiders get nothing, as if there were no agreement.
    let outsider = PersonId::parse("someone-else").unwrap();
    assert_eq!(
        export_csv(&d.process, &outsider, &ag).unwrap_err(),
        Error::NotFound
    );
    assert!(monitoring_view(&d.process, &outsider, &ag, date!(2027 - 03 - 01)).is_err());
}

#[test]
fn updates_keep_what_they_do_not_name_and_check_the_party() {
    let (d, mut ag, mut rng) = fixture();
    plan(&d, &mut ag);
    let id = ag.commitments[0].provision.clone();
    ag.update_commitment(
        &d.process,
        &d.mediator,
        &id,
        CommitmentUpdate {
            deadline: Change::Set(date!(2027 - 02 - 15)),
            ..CommitmentUpdate::default()
        },
    )
    .unwrap();
    let c = ag.commitment(&id).unwrap();
    assert_eq!(c.deadline, Some(date!(2027 - 02 - 15)));
    assert_eq!(c.provision_type, Some(t("cease-fire")), "type kept");
    assert_eq!(c.responsible.as_ref(), Some(&d.eastmark), "party kept");
    ag.update_commitment(
        &d.process,
        &d.mediator,
        &id,
        CommitmentUpdate {
            responsible: Change::Clear,
            ..CommitmentUpdate::default()
        },
    )
    .unwrap();
    assert_eq!(ag.commitment(&id).unwrap().responsible, None);
    assert_eq!(
        ag.commitment(&id).unwrap().deadline,
        Some(date!(2027 - 02 - 15))
    );
    let stranger = chamber_mediation::PartyId::generate(&mut rng);
    assert_eq!(
        ag.update_commitment(
            &d.process,
            &d.mediator,
            &id,
            CommitmentUpdate {
                responsible: Change::Set(stranger),
                ..CommitmentUpdate::default()
            },
        ),
        Err(Error::UnknownParty)
    );
    assert!(matches!(
        ag.update_commitment(&d.process, &d.observer, &id, CommitmentUpdate::default()),
        Err(Error::Forbidden(_))
    ));
    let view =
        monitoring_view(&d.process, &d.delegate_eastmark, &ag, date!(2027 - 01 - 01)).unwrap();
    assert!(!view.may_record);
    assert!(
        monitoring_view(&d.process, &d.mediator, &ag, date!(2027 - 01 - 01))
            .unwrap()
            .may_record
    );
    // The view names the type by code and the party by name; JSON for the API.
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(
        json["commitments"][1]["provision_type"],
        "verification-monitoring-mechanism"
    );
    assert_eq!(
        json["commitments"][1]["responsible"]["name"],
        "Highlands Council"
    );
}

/// The shape agreements were stored in before provision types: `theme` free text on each
/// commitment, no `provision_type`, no `legacy_theme`.
#[test]
fn agreements_stored_in_the_old_shape_still_load_and_lose_nothing() {
    let (d, mut ag, _) = fixture();
    let ids: Vec<_> = ag.commitments.iter().map(|c| c.provision.clone()).collect();
    ag.update_commitment(
        &d.process,
        &d.mediator,
        &ids[0],
        CommitmentUpdate {
            responsible: Change::Set(d.eastmark.clone()),
            deadline: Change::Set(date!(2027 - 01 - 15)),
            ..CommitmentUpdate::default()
        },
    )
    .unwrap();
    score(&d, &mut ag, 0, date!(2027 - 01 - 31), 2, "report");
    let mut old = serde_json::to_value(&ag).unwrap();
    let themes = [
        serde_json::json!("ceasefire"),
        serde_json::json!("humanitarian access"),
        serde_json::Value::Null,
    ];
    for (i, c) in old["commitments"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let c = c.as_object_mut().unwrap();
        c.remove("provision_type");
        c.remove("legacy_theme");
        c.insert("theme".into(), themes[i.min(2)].clone());
        let mut keys: Vec<&str> = c.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "deadline",
                "label",
                "provision",
                "responsible",
                "text",
                "theme"
            ],
            "the old commitment shape"
        );
    }
    let back: Agreement = serde_json::from_value(old).unwrap();
    let c0 = &back.commitments[0];
    assert_eq!(
        c0.provision_type,
        Some(t("cease-fire")),
        "a theme naming a type"
    );
    assert_eq!(c0.legacy_theme.as_deref(), Some("ceasefire"));
    assert_eq!(c0.deadline, Some(date!(2027 - 01 - 15)));
    assert_eq!(c0.responsible.as_ref(), Some(&d.eastmark));
    let c1 = &back.commitments[1];
    assert_eq!(c1.provision_type, None);
    assert_eq!(
        c1.legacy_theme.as_deref(),
        Some("humanitarian access"),
        "kept"
    );
    assert_eq!(back.commitments[2].legacy_theme, None);
    assert_eq!(back.scores, ag.scores);
    // Saved again in the new shape, it reads back the same.
    let again: Agreement = serde_json::from_str(&serde_json::to_string(&back).unwrap()).unwrap();
    assert_eq!(again, back);
    // A stored type code not in the list is refused, naming the field.
    let mut bad = serde_json::to_value(&back).unwrap();
    bad["commitments"][0]["provision_type"] = "security".into();
    let e = serde_json::from_value::<Agreement>(bad).unwrap_err();
    assert!(e.to_string().contains("provision_type"), "{e}");
}

#[test]
fn a_process_stored_before_closing_existed_still_loads() {
    let (d, _, _) = fixture();
    let json = serde_json::to_value(&d.process).unwrap();
    assert!(
        json.get("closed").is_none(),
        "an open process writes no closed field"
    );
    let back: Process = serde_json::from_value(json).unwrap();
    assert!(!back.is_closed());
}
