//! Closing a process with its lessons learned (issue 12, item 4): only a mediator closes, once;
//! the record is built from non-confidential material only — a caucus note or a pending
//! amendment never reaches it; provisions that held or failed come from the scores unless the
//! mediator says otherwise; cited documents come from the mediator, the text and plenary notes.

use chamber_mediation::agreement::{Agreement, Level};
use chamber_mediation::demo::{self, Demo};
use chamber_mediation::lessons::{
    LessonsDraft, Outcome, PlenaryNote, ProvisionLesson, PublicMaterial, close_process,
};
use chamber_mediation::text::{
    NegotiatingText, Operation, Paragraph, ParagraphStatus, Section, TextRecord, Wording,
};
use chamber_mediation::{Error, Note, Process, SpaceKind, permissions};
use rand::SeedableRng;
use rand::rngs::StdRng;
use time::macros::{date, datetime};

/// Words that exist only in confidential material.
const CAUCUS_MARKER: &str = "Zephyrine fallback";
const AMENDMENT_MARKER: &str = "Quillfeather corridor";
const CAUCUS_SYMBOL: &str = "S/RES/2799 (2031)";

struct World {
    d: Demo,
    notes: Vec<Note>,
    record: TextRecord,
    agreement: Agreement,
}

fn world() -> World {
    let mut rng = StdRng::seed_from_u64(4);
    let mut d = demo::build(&mut rng, datetime!(2026-03-01 08:00 UTC)).unwrap();
    let at = datetime!(2026-06-01 09:00 UTC);
    let plenary = permissions::plenary_for(&d.process, &d.mediator)
        .unwrap()
        .id
        .clone();
    let caucus = permissions::own_caucus(&d.process, &d.delegate_eastmark)
        .unwrap()
        .id
        .clone();
    let mut notes = d.notes.clone();
    notes.push(
        Note::post(
            &mut rng,
            &d.process,
            &d.delegate_eastmark,
            &caucus,
            at,
            &format!("{CAUCUS_MARKER} on detainees"),
            &format!("Our capital would accept {CAUCUS_SYMBOL} as a basis. {CAUCUS_MARKER}."),
        )
        .unwrap(),
    );
    notes.push(
        Note::post(
            &mut rng,
            &d.process,
            &d.mediator,
            &plenary,
            at,
            "Round 3: framework",
            "The Parties recalled General Assembly resolution 79/274 on mediation.",
        )
        .unwrap(),
    );
    // A pending amendment from a caucus, in the demonstration's own text record.
    let current = d.record.current().number;
    let added = Paragraph::new(
        &mut rng,
        ParagraphStatus::Bracketed,
        Wording::plain(&format!("The {AMENDMENT_MARKER} shall stay open.")),
    );
    d.record
        .propose(
            &mut rng,
            &d.process,
            &d.delegate_highlands,
            current,
            vec![Operation::AddParagraph {
                section: Section::Operative,
                parent: None,
                after: None,
                paragraph: added,
            }],
            &format!("We need the {AMENDMENT_MARKER}."),
            at,
        )
        .unwrap();
    // The agreement: a fully agreed text, adopted.
    let mut text = NegotiatingText::new("Agreement on a cessation of hostilities").unwrap();
    let agreed = ParagraphStatus::AgreedAdReferendum;
    text.preamble.push(Paragraph::new(
        &mut rng,
        agreed,
        Wording::plain("Recalling Security Council resolution 2719 (2023),"),
    ));
    for p in [
        "The Parties shall cease all hostilities.",
        "A Joint Verification Commission shall monitor the cessation of hostilities.",
        "All detainees shall be released within 60 days.",
    ] {
        text.operative
            .push(Paragraph::new(&mut rng, agreed, Wording::plain(p)));
    }
    let record = TextRecord::start(&d.process, &d.mediator, text, "Final.", at).unwrap();
    let mut agreement =
        Agreement::adopt(&mut rng, &d.process, &d.mediator, &record, 1, at).unwrap();
    let ids: Vec<_> = agreement
        .commitments
        .iter()
        .map(|c| c.provision.clone())
        .collect();
    for (i, level) in [(0, Level::Full), (2, Level::NotStarted)] {
        agreement
            .record_score(
                &d.process,
                &d.mediator,
                &ids[i],
                date!(2027 - 01 - 31),
                level,
                "report",
                datetime!(2027-02-02 9:00 UTC),
            )
            .unwrap();
    }
    World {
        d,
        notes,
        record,
        agreement,
    }
}

fn draft() -> LessonsDraft {
    LessonsDraft {
        language: "en".into(),
        context: "Talks opened after clashes in the upper valley.".into(),
        what_worked: "Proximity talks and a single text held by the Mediator.".into(),
        what_did_not_work: "Detainee lists were never exchanged.".into(),
        provisions: Vec::new(),
        cites: vec!["A/RES/75/28".into()],
    }
}

#[test]
fn a_caucus_note_or_pending_amendment_never_enters_the_record() {
    let mut w = world();
    // The only way in for a note is as a plenary note: a caucus note is refused at the door.
    let caucus_note = w
        .notes
        .iter()
        .find(|n| n.title.starts_with(CAUCUS_MARKER))
        .unwrap();
    assert!(PlenaryNote::new(&w.d.process, caucus_note).is_none());
    let plenary = PlenaryNote::select(&w.d.process, &w.notes);
    let plenary_id = permissions::plenary_for(&w.d.process, &w.d.mediator)
        .unwrap()
        .id
        .clone();
    assert_eq!(
        plenary.len(),
        w.notes.iter().filter(|n| n.space == plenary_id).count()
    );
    let rec = close_process(
        &mut w.d.process,
        &w.d.mediator,
        PublicMaterial {
            text: Some(&w.d.record),
            agreement: Some(&w.agreement),
            plenary,
        },
        &draft(),
        datetime!(2027-06-30 17:00 UTC),
    )
    .unwrap();
    let json = rec.to_json();
    assert!(!json.contains(CAUCUS_MARKER), "caucus note text leaked");
    assert!(!json.contains(AMENDMENT_MARKER), "pending amendment leaked");
    assert!(
        !json.contains("S/RES/2799"),
        "a symbol cited only in a caucus leaked"
    );
    for n in w.notes.iter().filter(|n| {
        permissions::visible_space_views(&w.d.process, &w.d.mediator)
            .iter()
            .any(|v| v.id == n.space && !matches!(v.kind, SpaceKind::Plenary))
    }) {
        assert!(!json.contains(&n.title), "{}", n.title);
        assert!(!json.contains(&n.body), "{}", n.body);
    }
    for a in w.d.record.all_amendments_unfiltered() {
        assert!(!json.contains(&a.explanation), "{}", a.explanation);
    }
    // What may enter did: the mediator's, the text's and the plenary's citations.
    let cited: Vec<(&str, &str)> = rec
        .cites
        .iter()
        .map(|c| {
            (
                c.symbol.as_str(),
                match c.source {
                    chamber_library::lessons::CitationSource::Mediator => "mediator",
                    chamber_library::lessons::CitationSource::Text => "text",
                    chamber_library::lessons::CitationSource::Plenary => "plenary",
                },
            )
        })
        .collect();
    assert!(cited.contains(&("A/RES/75/28", "mediator")), "{cited:?}");
    assert!(cited.contains(&("S/RES/2719 (2023)", "text")), "{cited:?}");
    assert!(cited.contains(&("A/RES/79/274", "plenary")), "{cited:?}");
    assert!(w.d.process.is_closed());
    assert_eq!(rec.process.id, w.d.process.id().as_str());
    assert_eq!(rec.closed_on, "2027-06-30");
    assert_eq!(rec.written_by, "demo-mediator");
    // The record satisfies the library's shape.
    let back = chamber_library::LessonsRecord::from_json(&json).unwrap();
    assert_eq!(back, rec);
}

#[test]
fn provisions_held_or_failed_from_scores_unless_the_mediator_says_otherwise() {
    let mut w = world();
    let ids: Vec<_> = w
        .agreement
        .commitments
        .iter()
        .map(|c| c.provision.clone())
        .collect();
    let mut d = draft();
    d.provisions.push(ProvisionLesson {
        provision: ids[1].clone(),
        outcome: Some(Outcome::Partly),
        note: "Deployed late, but deployed.".into(),
    });
    let rec = close_process(
        &mut w.d.process,
        &w.d.mediator,
        PublicMaterial {
            text: Some(&w.record),
            agreement: Some(&w.agreement),
            plenary: Vec::new(),
        },
        &d,
        datetime!(2027-06-30 17:00 UTC),
    )
    .unwrap();
    let outcomes: Vec<(&str, Outcome, Option<u8>)> = rec
        .provisions
        .iter()
        .map(|p| (p.label.as_str(), p.outcome, p.latest_level))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("1", Outcome::Held, Some(3)),
            ("2", Outcome::Partly, None),
            ("3", Outcome::Failed, Some(0)),
        ]
    );
    assert_eq!(rec.provisions[1].note, "Deployed late, but deployed.");
    let link = rec.agreement.as_ref().unwrap();
    assert_eq!((link.points, link.max), (3, 9));
    assert_eq!(link.id, w.agreement.id.as_str());
}

#[test]
fn only_a_mediator_closes_only_once_and_a_closed_process_stays_closed() {
    let mut w = world();
    let material = || PublicMaterial {
        text: None,
        agreement: None,
        plenary: Vec::new(),
    };
    let at = datetime!(2027-06-30 17:00 UTC);
    let before = w.d.process.clone();
    assert!(matches!(
        close_process(
            &mut w.d.process,
            &w.d.delegate_eastmark,
            material(),
            &draft(),
            at
        ),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        close_process(&mut w.d.process, &w.d.observer, material(), &draft(), at),
        Err(Error::Forbidden(_))
    ));
    let outsider = chamber_mediation::PersonId::parse("someone-else").unwrap();
    assert_eq!(
        close_process(&mut w.d.process, &outsider, material(), &draft(), at).unwrap_err(),
        Error::NotFound
    );
    // A draft that says nothing, names an unknown provision or an unreadable symbol: refused,
    // and the process is not closed.
    let empty = LessonsDraft {
        language: "en".into(),
        ..LessonsDraft::default()
    };
    let e = close_process(&mut w.d.process, &w.d.mediator, material(), &empty, at).unwrap_err();
    assert!(e.to_string().contains("context"), "{e}");
    let mut bad = draft();
    bad.cites = vec!["the Brahimi report".into()];
    let e = close_process(&mut w.d.process, &w.d.mediator, material(), &bad, at).unwrap_err();
    assert!(e.to_string().contains("cites"), "{e}");
    let mut wrong = draft();
    wrong.language = "de".into();
    assert!(close_process(&mut w.d.process, &w.d.mediator, material(), &wrong, at).is_err());
    assert_eq!(w.d.process, before, "nothing changed by a refusal");
    // Closed once; the second time is refused.
    close_process(&mut w.d.process, &w.d.mediator, material(), &draft(), at).unwrap();
    assert_eq!(
        close_process(&mut w.d.process, &w.d.mediator, material(), &draft(), at).unwrap_err(),
        Error::Closed
    );
    let closure = w.d.process.closed().unwrap();
    assert_eq!((&closure.by, closure.at), (&w.d.mediator, at));
    // The agreement of a closed process takes no more scores.
    let id = w.agreement.commitments[0].provision.clone();
    assert_eq!(
        w.agreement
            .record_score(
                &w.d.process,
                &w.d.mediator,
                &id,
                date!(2027 - 06 - 30),
                Level::Full,
                "",
                at
            )
            .unwrap_err(),
        Error::Closed
    );
    // Closed survives storage; the viewer's process view says so.
    let back: Process =
        serde_json::from_str(&serde_json::to_string(&w.d.process).unwrap()).unwrap();
    assert!(back.is_closed());
    let view = permissions::process_view(&back, &w.d.observer).unwrap();
    assert_eq!(view.closed.unwrap().by, w.d.mediator);
}
