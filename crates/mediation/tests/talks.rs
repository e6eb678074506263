//! A whole round on the demonstration process: confidentiality of caucuses in every view,
//! attribution, amendments (including a stale one), versions, diff, rendering, the agreement
//! and its implementation rate, persistence.

use chamber_mediation::agreement::{Agreement, Change, CommitmentUpdate, Level, ProvisionType};
use chamber_mediation::demo::{self, Demo};
use chamber_mediation::text::diff::{ChangeKind, WordOpKind};
use chamber_mediation::text::render::{self, DeletedParagraphs, RenderOptions};
use chamber_mediation::text::{
    AmendmentStatus, Decision, Operation, Outcome, ParagraphStatus, TextRecord,
};
use chamber_mediation::venue::{calendar_for, find_clashes, visible_clashes};
use chamber_mediation::{Attribution, Error, PersonId, Process, permissions};
use rand::SeedableRng;
use rand::rngs::StdRng;
use time::macros::{date, datetime};

fn demo() -> (Demo, StdRng) {
    let mut rng = StdRng::seed_from_u64(2026);
    let d = demo::build(&mut rng, datetime!(2026-03-01 08:00 UTC)).unwrap();
    (d, rng)
}

/// Everything a person can be shown about the process, as one JSON string.
fn everything_visible_to(d: &Demo, who: &PersonId) -> String {
    let p = &d.process;
    let mut out = String::new();
    out += &serde_json::to_string(&permissions::visible_space_views(p, who)).unwrap();
    out += &serde_json::to_string(&permissions::filter_visible(p, who, &d.notes)).unwrap();
    out += &serde_json::to_string(&permissions::filter_visible(p, who, &d.sessions)).unwrap();
    out += &serde_json::to_string(&d.record.amendments_for(p, who)).unwrap();
    let clashes = find_clashes(&d.sessions);
    out += &serde_json::to_string(&visible_clashes(p, who, &d.sessions, &clashes)).unwrap();
    out += &calendar_for(
        p,
        who,
        &d.sessions,
        &d.rooms,
        datetime!(2026-03-01 0:00 UTC),
    );
    out
}

#[test]
fn a_delegate_learns_nothing_of_the_other_caucus() {
    let (d, _) = demo();
    let p = &d.process;
    let mediator_view = permissions::visible_space_views(p, &d.mediator);
    assert_eq!(mediator_view.len(), 4, "plenary, two caucuses, mediators");
    for (me, other_party) in [
        (&d.delegate_eastmark, &d.highlands),
        (&d.delegate_highlands, &d.eastmark),
    ] {
        let mut seen = everything_visible_to(&d, me);
        seen += &serde_json::to_string(&permissions::process_view(p, me).unwrap()).unwrap();
        let other_caucus = permissions::caucus_for(p, &d.mediator, other_party).unwrap();
        assert!(!seen.contains(other_caucus.id.as_str()), "caucus id leaked");
        for n in d.notes.iter().filter(|n| n.space == other_caucus.id) {
            assert!(!seen.contains(&n.title), "title leaked: {}", n.title);
            assert!(!seen.contains(n.id.as_str()));
        }
        for s in d.sessions.iter().filter(|s| s.space == other_caucus.id) {
            assert!(!seen.contains(s.id.as_str()), "session leaked");
            assert!(!seen.contains(&s.title));
        }
        // Pending or rejected amendments of the other party are invisible, with their timing.
        for a in d.record.all_amendments_unfiltered() {
            if &a.proposer == other_party && !a.status.is_in_text() {
                assert!(!seen.contains(a.id.as_str()), "rejected amendment leaked");
            }
        }
        assert_eq!(
            permissions::caucus_for(p, me, other_party),
            Err(Error::NotFound)
        );
    }
    // Mirror: the two delegates' views have the same shape.
    let shape = |who: &PersonId| {
        (
            permissions::visible_spaces(p, who).len(),
            permissions::filter_visible(p, who, &d.notes).len(),
            permissions::filter_visible(p, who, &d.sessions).len(),
        )
    };
    assert_eq!(shape(&d.delegate_eastmark), (2, 2, 2));
    assert_eq!(shape(&d.delegate_highlands), (2, 2, 2));
    assert_eq!(shape(&d.observer), (1, 1, 1));
}

#[test]
fn attribution_is_neutral_by_default_and_open_on_request() {
    let (mut d, _) = demo();
    let views = d.record.amendments_for(&d.process, &d.observer);
    assert_eq!(
        views.len(),
        3,
        "accepted and merged only, not the rejected one"
    );
    for v in &views {
        assert_eq!(v.proposer_label, "proposal");
        assert_eq!(v.proposer, None);
        assert_eq!(v.proposed_at, None, "timing of caucus work stays hidden");
        assert_eq!(v.proposed_by, None);
    }
    let med = d.record.amendments_for(&d.process, &d.mediator);
    assert_eq!(med.len(), 4);
    assert!(
        med.iter()
            .all(|v| v.proposer.is_some() && v.proposed_at.is_some())
    );
    // Eastmark sees its own amendments named, the Highlands' accepted one as "proposal".
    let east = d.record.amendments_for(&d.process, &d.delegate_eastmark);
    let own: Vec<_> = east.iter().filter(|v| v.proposer.is_some()).collect();
    assert_eq!(own.len(), 2);
    assert!(
        own.iter()
            .all(|v| v.proposer_label == "Government of Eastmark")
    );
    assert_eq!(
        east.iter()
            .filter(|v| v.proposer_label == "proposal")
            .count(),
        1
    );
    d.process.set_attribution(Attribution::Open);
    let open = d.record.amendments_for(&d.process, &d.observer);
    assert!(open.iter().all(|v| v.proposer_label != "proposal"));
    assert!(open.iter().all(|v| v.proposed_at.is_none()));
}

#[test]
fn the_three_versions_progress_from_brackets_to_agreement() {
    let (d, _) = demo();
    let r = &d.record;
    assert_eq!(r.versions().len(), 3);
    let v1 = &r.version(1).unwrap().text;
    assert!(
        v1.walk()
            .iter()
            .all(|(_, _, p)| p.status == ParagraphStatus::Bracketed)
    );
    let v3 = &r.version(3).unwrap().text;
    let open: Vec<String> = v3
        .open_paragraphs()
        .iter()
        .map(|id| v3.label(id).unwrap())
        .collect();
    assert_eq!(open, ["5"]);
    assert_eq!(r.version(2).unwrap().parent, Some(1));
    assert_eq!(r.version(2).unwrap().accepted.len(), 2);
    assert_eq!(r.version(2).unwrap().merged.len(), 1);
    let plain = render::plain(v3, &RenderOptions::default());
    assert!(plain.contains(
        "5. [The Parties shall release all persons detained in connection with the conflict [within 60 days] of signature.]"
    ), "{plain}");
    assert!(plain.contains("1. The Parties shall cease all hostilities, including offensive movements, aerial bombardment and the laying of mines"));
    assert!(plain.contains("composed of three representatives"));
    assert!(plain.contains("    (c) [deleted]"));
    let omitted = render::plain(
        v3,
        &RenderOptions {
            deleted: DeletedParagraphs::Omit,
            mark_agreed: false,
        },
    );
    assert!(!omitted.contains("(c)"));
    let v1_plain = render::plain(v1, &RenderOptions::default());
    assert!(v1_plain.contains("3. Alt 1: [Humanitarian corridors shall be opened along the Northern Road and the River Road.]\n   Alt 2: [Humanitarian"));
    assert!(v1_plain.contains("2. [A Joint Ceasefire Monitoring Commission shall be established, composed of [two][three] representatives"), "{v1_plain}");
}

#[test]
fn diff_between_versions() {
    let (d, _) = demo();
    let diff = d.record.diff(1, 3).unwrap();
    let v3 = &d.record.version(3).unwrap().text;
    let by_label = |l: &str| {
        diff.paragraphs
            .iter()
            .find(|c| c.label_to.as_deref() == Some(l))
            .unwrap_or_else(|| panic!("no change for {l}"))
    };
    let op1 = by_label("1");
    assert!(op1.kinds.contains(&ChangeKind::Changed));
    assert!(op1.kinds.contains(&ChangeKind::StatusChanged));
    let inserted: String = op1
        .words
        .iter()
        .filter(|w| w.kind == WordOpKind::Insert)
        .map(|w| w.text.as_str())
        .collect();
    assert!(inserted.contains("aerial bombardment"), "{:?}", op1.words);
    let c = by_label("2 (c)");
    assert_eq!(c.kinds, [ChangeKind::StatusChanged]);
    assert_eq!(c.status_to, Some(ParagraphStatus::Deleted));
    assert!(
        by_label("3").kinds.contains(&ChangeKind::Changed),
        "alternative chosen"
    );
    assert!(
        diff.paragraphs
            .iter()
            .all(|c| !c.kinds.contains(&ChangeKind::Moved))
    );
    assert!(d.record.diff(2, 2).unwrap().is_empty());
    assert!(matches!(d.record.diff(1, 9), Err(Error::NoSuchVersion(9))));
    // Moving a paragraph shows as moved, not changed.
    let (mut d, _) = demo();
    let ids: Vec<_> = v3.operative.iter().map(|p| p.id.clone()).collect();
    d.record
        .issue_version(
            &d.process,
            &d.mediator,
            &[],
            &[Operation::MoveParagraph {
                paragraph: ids[5].clone(),
                after: Some(ids[0].clone()),
            }],
            "",
            datetime!(2026-03-07 10:00 UTC),
        )
        .unwrap();
    let diff = d.record.diff(3, 4).unwrap();
    assert_eq!(diff.paragraphs.len(), 1, "{diff:?}");
    assert_eq!(diff.paragraphs[0].kinds, [ChangeKind::Moved]);
    assert_eq!(diff.paragraphs[0].label_from.as_deref(), Some("6"));
    assert_eq!(diff.paragraphs[0].label_to.as_deref(), Some("2"));
}

#[test]
fn a_stale_amendment_fails_and_changes_nothing() {
    let (mut d, mut rng) = demo();
    let v1 = d.record.version(1).unwrap().text.clone();
    let op5 = &v1.operative[4];
    let start = op5.wording.text().find("30 days").unwrap();
    let id = d
        .record
        .propose(
            &mut rng,
            &d.process,
            &d.delegate_highlands,
            1,
            vec![Operation::ReplaceSpan {
                paragraph: op5.id.clone(),
                alternative: 0,
                start,
                expected: "30 days".into(),
                text: "14 days".into(),
            }],
            "Sooner.",
            datetime!(2026-03-06 09:00 UTC),
        )
        .unwrap();
    let before = d.record.clone();
    let err = d
        .record
        .issue_version(
            &d.process,
            &d.mediator,
            &[Decision {
                amendment: id.clone(),
                outcome: Outcome::Accept,
            }],
            &[],
            "",
            datetime!(2026-03-06 10:00 UTC),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::SpanMismatch { expected, found, .. } if expected == "30 days" && found == "60 days"),
        "{err}"
    );
    assert_eq!(d.record, before, "all or nothing");
    // Rejecting it instead closes it without a new version.
    let n = d
        .record
        .issue_version(
            &d.process,
            &d.mediator,
            &[Decision {
                amendment: id.clone(),
                outcome: Outcome::Reject,
            }],
            &[],
            "",
            datetime!(2026-03-06 10:00 UTC),
        )
        .unwrap();
    assert_eq!(n, 3);
    let again = d.record.issue_version(
        &d.process,
        &d.mediator,
        &[Decision {
            amendment: id.clone(),
            outcome: Outcome::Accept,
        }],
        &[],
        "",
        datetime!(2026-03-06 10:00 UTC),
    );
    assert_eq!(again, Err(Error::NotPending(id)));
}

#[test]
fn only_delegates_propose_party_operations_and_only_mediators_issue() {
    let (mut d, mut rng) = demo();
    let v3 = d.record.current().text.clone();
    let pid = v3.operative[0].id.clone();
    let at = datetime!(2026-03-06 09:00 UTC);
    let set = vec![Operation::SetStatus {
        paragraph: pid.clone(),
        status: ParagraphStatus::AgreedAdReferendum,
    }];
    let before = d.record.clone();
    for who in [&d.mediator, &d.observer] {
        assert!(matches!(
            d.record.propose(
                &mut rng,
                &d.process,
                who,
                3,
                vec![Operation::DeleteParagraph {
                    paragraph: pid.clone()
                }],
                "",
                at
            ),
            Err(Error::Forbidden(_))
        ));
    }
    assert_eq!(
        d.record
            .propose(&mut rng, &d.process, &d.delegate_eastmark, 3, set, "", at),
        Err(Error::NotAPartyOperation("set_status"))
    );
    assert!(
        d.record
            .propose(
                &mut rng,
                &d.process,
                &d.delegate_eastmark,
                3,
                vec![],
                "",
                at
            )
            .is_err()
    );
    assert_eq!(
        d.record.propose(
            &mut rng,
            &d.process,
            &d.delegate_eastmark,
            7,
            vec![Operation::DeleteParagraph {
                paragraph: pid.clone()
            }],
            "",
            at
        ),
        Err(Error::NoSuchVersion(7))
    );
    let forged = chamber_mediation::ParagraphId::generate(&mut rng);
    assert_eq!(
        d.record.propose(
            &mut rng,
            &d.process,
            &d.delegate_eastmark,
            3,
            vec![Operation::DeleteParagraph {
                paragraph: forged.clone()
            }],
            "",
            at
        ),
        Err(Error::NoSuchParagraph(forged))
    );
    assert_eq!(d.record, before, "refused proposals change nothing");
    assert!(matches!(
        d.record.issue_version(
            &d.process,
            &d.delegate_eastmark,
            &[],
            &[Operation::SetTitle { title: "x".into() }],
            "",
            at
        ),
        Err(Error::Forbidden(_))
    ));
    // An outsider is told nothing exists.
    let outsider = PersonId::parse("someone-else").unwrap();
    assert_eq!(
        d.record.propose(
            &mut rng,
            &d.process,
            &outsider,
            3,
            vec![Operation::DeleteParagraph {
                paragraph: pid.clone()
            }],
            "",
            at
        ),
        Err(Error::NotFound)
    );
    assert_eq!(
        d.record
            .issue_version(&d.process, &outsider, &[], &[], "", at),
        Err(Error::NotFound)
    );
    // Another process's record is not reachable with this process.
    let mut other_rng = StdRng::seed_from_u64(1);
    let other = demo::build(&mut other_rng, datetime!(2026-03-01 08:00 UTC)).unwrap();
    assert!(
        d.record
            .amendments_for(&other.process, &other.mediator)
            .is_empty()
    );
}

#[test]
fn versions_are_immutable_hashed_values_and_storage_is_checked() {
    let (d, _) = demo();
    let hashes: Vec<String> = d
        .record
        .versions()
        .iter()
        .map(|v| v.content_hash.clone())
        .collect();
    assert_eq!(hashes.len(), 3);
    assert!(hashes.iter().all(|h| h.len() == 64));
    assert_ne!(hashes[0], hashes[1]);
    let json = serde_json::to_string(&d.record).unwrap();
    let back: TextRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d.record);
    // A stored version whose text was edited no longer matches its hash.
    let tampered = json.replacen("60 days", "6 days", 1);
    assert_ne!(tampered, json);
    let err = serde_json::from_str::<TextRecord>(&tampered).unwrap_err();
    assert!(err.to_string().contains("content hash"), "{err}");
    let p: Process = serde_json::from_str(&serde_json::to_string(&d.process).unwrap()).unwrap();
    assert_eq!(p, d.process);
    // Rows stored apart are put back together and checked.
    let versions = d.record.versions().to_vec();
    let amendments = d.record.all_amendments_unfiltered().to_vec();
    let rebuilt = TextRecord::from_parts(
        d.record.process().clone(),
        versions.clone(),
        amendments.clone(),
    )
    .unwrap();
    assert_eq!(rebuilt, d.record);
    let mut missing = versions.clone();
    missing.remove(1);
    assert!(matches!(
        TextRecord::from_parts(d.record.process().clone(), missing, amendments.clone()),
        Err(Error::Integrity(_))
    ));
    let mut forged = amendments.clone();
    let rejected = forged
        .iter_mut()
        .find(|a| a.status == AmendmentStatus::Rejected)
        .unwrap();
    rejected.status = AmendmentStatus::Accepted { version: 2 };
    assert!(matches!(
        TextRecord::from_parts(d.record.process().clone(), versions, forged),
        Err(Error::Integrity(_))
    ));
}

#[test]
fn agreement_adoption_and_implementation_rate() {
    let (mut d, mut rng) = demo();
    let at = datetime!(2026-03-10 12:00 UTC);
    assert_eq!(
        Agreement::adopt(&mut rng, &d.process, &d.mediator, &d.record, 3, at),
        Err(Error::NotAgreed("5".into()))
    );
    let v3 = d.record.current().text.clone();
    let op5 = &v3.operative[4];
    let start = op5.wording.text().find("within 60 days").unwrap();
    d.record
        .issue_version(
            &d.process,
            &d.mediator,
            &[],
            &[
                Operation::SetBrackets {
                    paragraph: op5.id.clone(),
                    alternative: 0,
                    start,
                    expected: "within 60 days".into(),
                    bracketed: false,
                },
                Operation::SetStatus {
                    paragraph: op5.id.clone(),
                    status: ParagraphStatus::AgreedAdReferendum,
                },
            ],
            "Final text.",
            at,
        )
        .unwrap();
    assert!(matches!(
        Agreement::adopt(&mut rng, &d.process, &d.delegate_eastmark, &d.record, 4, at),
        Err(Error::Forbidden(_))
    ));
    let mut ag = Agreement::adopt(&mut rng, &d.process, &d.mediator, &d.record, 4, at).unwrap();
    assert_eq!(ag.commitments.len(), 6);
    assert!(ag.commitments[1].text.contains("\n(a) verify compliance"));
    assert!(
        !ag.commitments[1].text.contains("(c)"),
        "deleted sub-item left out"
    );
    let ids: Vec<_> = ag.commitments.iter().map(|c| c.provision.clone()).collect();
    let (p, m) = (&d.process, &d.mediator);
    for (i, code) in [
        (0, "cease-fire"),
        (1, "cease-fire"),
        (2, "internally-displaced-persons"),
        (3, "internally-displaced-persons"),
        (4, "prisoner-release"),
    ] {
        ag.update_commitment(
            p,
            m,
            &ids[i],
            CommitmentUpdate {
                provision_type: Change::Set(ProvisionType::parse(code).unwrap()),
                responsible: Change::Set(d.eastmark.clone()),
                deadline: Change::Set(date!(2026 - 06 - 30)),
            },
        )
        .unwrap();
    }
    let score = |ag: &mut Agreement, i: usize, period, level, at| {
        ag.record_score(p, m, &ids[i], period, level, "monitoring report", at)
            .unwrap();
    };
    let t = datetime!(2026-07-05 0:00 UTC);
    let t2 = datetime!(2026-07-06 0:00 UTC);
    score(&mut ag, 0, date!(2026 - 03 - 31), Level::Intermediate, t);
    score(&mut ag, 0, date!(2026 - 06 - 30), Level::Full, t);
    score(&mut ag, 1, date!(2026 - 03 - 31), Level::Minimal, t);
    score(&mut ag, 2, date!(2026 - 06 - 30), Level::Full, t);
    score(&mut ag, 3, date!(2026 - 06 - 30), Level::Intermediate, t);
    score(&mut ag, 3, date!(2026 - 06 - 30), Level::Minimal, t2); // correction, same period
    score(&mut ag, 4, date!(2026 - 06 - 30), Level::NotStarted, t);
    // Latest: 3, 1, 3, 1, 0, (none) = 8 of 3 × 6 = 18.
    let r = ag.rate();
    assert_eq!((r.points, r.max, r.provisions), (8, 18, 6));
    assert!((r.value() - 8.0 / 18.0).abs() < 1e-12);
    // As of the first quarter: 2 + 1 = 3 of 18.
    assert_eq!(ag.rate_as_of(date!(2026 - 03 - 31)).points, 3);
    let types: Vec<(&str, u32, u32)> = ag
        .rate_by_type()
        .into_iter()
        .map(|t| (t.provision_type.code(), t.rate.points, t.rate.max))
        .collect();
    // The list's order; the untyped sixth provision has no row, only a count.
    assert_eq!(
        types,
        [
            ("cease-fire", 4, 6),
            ("internally-displaced-persons", 4, 6),
            ("prisoner-release", 0, 3),
        ]
    );
    assert_eq!(ag.untyped(), 1);
    assert!(
        ag.record_score(
            p,
            &d.delegate_highlands,
            &ids[0],
            date!(2026 - 06 - 30),
            Level::Full,
            "",
            t
        )
        .is_err()
    );
    assert!(serde_json::from_str::<Level>("4").is_err());
    assert_eq!(serde_json::to_string(&Level::Intermediate).unwrap(), "2");
    assert_eq!(ag.content_hash, d.record.version(4).unwrap().content_hash);
}

#[test]
fn applying_and_diffing_a_large_text_is_fast() {
    use chamber_mediation::text::{NegotiatingText, Paragraph, Wording};
    let mut rng = StdRng::seed_from_u64(5);
    let (d, _) = demo();
    let mut text = NegotiatingText::new("Large").unwrap();
    for i in 0..1000 {
        text.operative.push(Paragraph::new(
            &mut rng,
            ParagraphStatus::Bracketed,
            Wording::plain(&format!(
                "Paragraph {i}: the Parties shall take all necessary measures to ensure the protection of civilians and the delivery of assistance in region {i}."
            )),
        ));
    }
    let mut record = TextRecord::start(
        &d.process,
        &d.mediator,
        text,
        "",
        datetime!(2026-03-01 0:00 UTC),
    )
    .unwrap();
    let started = std::time::Instant::now();
    for v in 0..19 {
        let p = &record.current().text.operative[v * 50];
        let start = p.wording.text().find("all necessary").unwrap();
        let op = Operation::ReplaceSpan {
            paragraph: p.id.clone(),
            alternative: 0,
            start,
            expected: "all necessary".into(),
            text: "every appropriate".into(),
        };
        record
            .issue_version(
                &d.process,
                &d.mediator,
                &[],
                &[op],
                "",
                datetime!(2026-03-02 0:00 UTC),
            )
            .unwrap();
    }
    let per_version = started.elapsed() / 19;
    let started = std::time::Instant::now();
    let diff = record.diff(1, 20).unwrap();
    let diff_time = started.elapsed();
    assert_eq!(diff.paragraphs.len(), 19);
    eprintln!("1,000 paragraphs: {per_version:?} per version issued, diff v1→v20 {diff_time:?}");
    // Generous bounds for an unoptimised debug build on a shared machine.
    assert!(per_version.as_millis() < 2_000 && diff_time.as_millis() < 5_000);
}
