//! A demonstration process, as pure data for `chamber demo seed`: two fictional parties (the
//! Government of Eastmark and the Highlands Council), one delegate each, a mediator and an
//! observer; notes in the plenary, in each caucus and in the mediators' space; rooms and a
//! first round of sessions; and a ceasefire and humanitarian-access text in three versions —
//! v1 wholly bracketed, v2 after the mediator accepts, merges and rejects the parties'
//! amendments, v3 with most paragraphs agreed ad referendum.
//!
//! Everything goes through the same permission-checked functions as live use.

use crate::Timestamp;
use crate::error::Result;
use crate::ids::{PartyId, PersonId};
use crate::permissions;
use crate::process::{Origin, Process, ProcessKind, ProcessRole, TrackKind, TrackStatus};
use crate::spaces::Note;
use crate::text::{
    Decision, NegotiatingText, Operation, Outcome, Paragraph, ParagraphStatus, TextRecord, Wording,
};
use crate::venue::{Room, Session, SessionFormat};
use rand::{CryptoRng, RngCore};
use time::Duration;

/// The demo's people, as account names the platform creates.
pub const MEDIATOR: &str = "demo-mediator";
pub const DELEGATE_EASTMARK: &str = "demo-delegate-eastmark";
pub const DELEGATE_HIGHLANDS: &str = "demo-delegate-highlands";
pub const OBSERVER: &str = "demo-observer";

#[derive(Debug, Clone)]
pub struct Demo {
    pub process: Process,
    pub eastmark: PartyId,
    pub highlands: PartyId,
    pub mediator: PersonId,
    pub delegate_eastmark: PersonId,
    pub delegate_highlands: PersonId,
    pub observer: PersonId,
    pub notes: Vec<Note>,
    pub rooms: Vec<Room>,
    pub sessions: Vec<Session>,
    pub record: TextRecord,
}

fn person(s: &str) -> PersonId {
    PersonId::parse(s).expect("demo names are valid")
}

/// Character offset of `needle` in the plain text of a paragraph's first wording.
fn at(t: &NegotiatingText, p: &Paragraph, needle: &str) -> usize {
    let text = t.find(&p.id).expect("paragraph in text").wording.text();
    let byte = text.find(needle).expect("demo needle present");
    text[..byte].chars().count()
}

/// Builds the demonstration. `start` is when the process was opened; the rest follows over
/// the next days.
pub fn build<R: CryptoRng + RngCore + ?Sized>(rng: &mut R, start: Timestamp) -> Result<Demo> {
    let day = |d: i64, h: i64| start + Duration::days(d) + Duration::hours(h);
    let mut process = Process::open(
        rng,
        "Eastmark–Highlands talks on a cessation of hostilities and humanitarian access",
        ProcessKind::PeaceProcess,
        Origin::alert("watch:upper-valley-escalation"),
        start,
    )?;
    let eastmark = process.add_party(rng, "Government of Eastmark")?;
    let highlands = process.add_party(rng, "Highlands Council")?;
    let (mediator, de, dh, observer) = (
        person(MEDIATOR),
        person(DELEGATE_EASTMARK),
        person(DELEGATE_HIGHLANDS),
        person(OBSERVER),
    );
    process.add_participant(mediator.clone(), ProcessRole::Mediator)?;
    process.add_participant(
        de.clone(),
        ProcessRole::Delegate {
            party: eastmark.clone(),
        },
    )?;
    process.add_participant(
        dh.clone(),
        ProcessRole::Delegate {
            party: highlands.clone(),
        },
    )?;
    process.add_participant(observer.clone(), ProcessRole::Observer)?;
    process.set_track(TrackKind::GoodOffices, TrackStatus::Concluded);
    process.set_track(TrackKind::Mediation, TrackStatus::Active);
    process.set_track(TrackKind::Peacebuilding, TrackStatus::Proposed);

    // Notes, each in its space.
    let plenary = permissions::plenary_for(&process, &mediator)?.id.clone();
    let caucus_e = permissions::own_caucus(&process, &de)
        .expect("delegate")
        .id
        .clone();
    let caucus_h = permissions::own_caucus(&process, &dh)
        .expect("delegate")
        .id
        .clone();
    let mediators = permissions::visible_space_views(&process, &mediator)
        .into_iter()
        .find(|v| v.kind == crate::spaces::SpaceKind::Mediators)
        .expect("mediators space")
        .id;
    let notes = vec![
        Note::new(
            rng,
            plenary.clone(),
            mediator.clone(),
            day(1, 9),
            "Round 1: agenda and ground rules",
            "1. Cessation of hostilities.\n2. Monitoring.\n3. Humanitarian corridors.\n4. Detainees.\n\
             Ground rules: nothing is agreed until everything is agreed; the single text is held by the Mediator.",
        )?,
        Note::new(
            rng,
            caucus_e,
            de.clone(),
            day(1, 14),
            "Eastmark fallback on detainees",
            "Capital authorises us to go to 60 days on detainee release if the Joint Commission is chaired by the Mediator.",
        )?,
        Note::new(
            rng,
            caucus_h,
            dh.clone(),
            day(1, 15),
            "Highlands priorities on corridors",
            "The River Road is essential; we can drop the Northern Road if aerial bombardment is covered by the ceasefire.",
        )?,
        Note::new(
            rng,
            mediators,
            mediator.clone(),
            day(1, 19),
            "Mediators' assessment after round 1",
            "Both sides are close on monitoring. Detainee timing and the corridor routes are the hard points.",
        )?,
    ];

    // Rooms and the first round.
    let rooms = vec![
        Room::new(rng, "Conference Room 1", Some(60))?,
        Room::new(rng, "Caucus Room A", Some(12))?,
        Room::new(rng, "Caucus Room B", Some(12))?,
    ];
    let agenda = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let sessions = vec![
        Session::plan(
            rng,
            &process,
            &mediator,
            SessionFormat::Plenary,
            "Round 1 – opening plenary",
            day(1, 9),
            day(1, 12),
            Some(rooms[0].id.clone()),
            vec![mediator.clone(), de.clone(), dh.clone(), observer.clone()],
            agenda(&[
                "Opening statements",
                "Adoption of the agenda",
                "First reading of the text",
            ]),
        )?,
        Session::plan(
            rng,
            &process,
            &mediator,
            SessionFormat::Caucus {
                party: eastmark.clone(),
            },
            "Eastmark caucus",
            day(1, 13),
            day(1, 15),
            Some(rooms[1].id.clone()),
            vec![de.clone()],
            agenda(&["Detainees"]),
        )?,
        Session::plan(
            rng,
            &process,
            &mediator,
            SessionFormat::Bilateral {
                party: highlands.clone(),
            },
            "Mediator – Highlands bilateral",
            day(1, 15),
            day(1, 16),
            Some(rooms[2].id.clone()),
            vec![mediator.clone(), dh.clone()],
            agenda(&["Corridors"]),
        )?,
    ];

    // Version 1: everything in brackets.
    let b = ParagraphStatus::Bracketed;
    let mut text = NegotiatingText::new(
        "Agreement on a Cessation of Hostilities and Humanitarian Access between the Government of Eastmark and the Highlands Council",
    )?;
    let pp = |rng: &mut R, s: &str| Paragraph::new(rng, b, Wording::plain(s));
    text.preamble = vec![
        pp(
            rng,
            "Reaffirming their commitment to the sovereignty, unity and territorial integrity of Eastmark,",
        ),
        pp(
            rng,
            "Recalling the guiding principles of humanitarian assistance set out in General Assembly resolution 46/182, namely humanity, neutrality, impartiality and independence,",
        ),
        pp(
            rng,
            "Recognizing the suffering of the civilian population of the Upper Valley and the need for safe and reliable transport corridors,",
        ),
    ];
    let op1 = pp(
        rng,
        "The Parties shall cease all hostilities, including offensive movements and the laying of mines, from 00:00 hours (UTC) on the day following signature.",
    );
    let mut op2 = Paragraph::new(
        rng,
        b,
        Wording::parse_marked(
            "A Joint Ceasefire Monitoring Commission shall be established, composed of [two][three] representatives of each Party and chaired by the Mediator. The Commission shall:",
        )?,
    );
    op2.sub_items = vec![
        pp(rng, "verify compliance with this Agreement;"),
        pp(
            rng,
            "investigate alleged violations and report to the Parties within 72 hours;",
        ),
        pp(rng, "publish its findings."),
    ];
    let op3 = pp(
        rng,
        "Humanitarian corridors shall be opened along the Northern Road and the River Road.",
    )
    .with_alternative(Wording::plain(
        "Humanitarian corridors shall be opened along routes to be agreed by the Joint Commission.",
    ));
    let op4 = pp(
        rng,
        "The Parties shall guarantee the safe, rapid and unimpeded passage of humanitarian personnel and relief consignments, in accordance with the principles of humanity, neutrality, impartiality and independence.",
    );
    let op5 = pp(
        rng,
        "The Parties shall release all persons detained in connection with the conflict within 30 days of signature.",
    );
    let op6 = pp(rng, "This Agreement shall enter into force upon signature.");
    text.operative = vec![op1, op2, op3, op4, op5, op6];
    let ids: Vec<_> = text.operative.iter().map(|p| p.id.clone()).collect();
    let pids: Vec<_> = text.preamble.iter().map(|p| p.id.clone()).collect();
    let subs: Vec<_> = text.operative[1]
        .sub_items
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let mut record = TextRecord::start(
        &process,
        &mediator,
        text,
        "First draft by the Mediator, for discussion. Every paragraph is open.",
        day(1, 8),
    )?;

    // Amendments on v1.
    let v1 = record.version(1)?.text.clone();
    let p = |id: &crate::ids::ParagraphId| v1.find(id).expect("present").clone();
    let a1 = record.propose(
        rng,
        &process,
        &dh,
        1,
        vec![Operation::InsertSpan {
            paragraph: ids[0].clone(),
            alternative: 0,
            at: at(&v1, &p(&ids[0]), " and the laying of mines"),
            before: "offensive movements".into(),
            text: ", aerial bombardment".into(),
        }],
        "The cessation must cover air operations.",
        day(2, 10),
    )?;
    let a2 = record.propose(
        rng,
        &process,
        &de,
        1,
        vec![Operation::ReplaceSpan {
            paragraph: ids[4].clone(),
            alternative: 0,
            start: at(&v1, &p(&ids[4]), "30 days"),
            expected: "30 days".into(),
            text: "90 days".into(),
        }],
        "Verification of detainee lists needs time.",
        day(2, 11),
    )?;
    let a3 = record.propose(
        rng,
        &process,
        &dh,
        1,
        vec![Operation::DeleteParagraph {
            paragraph: pids[0].clone(),
        }],
        "The preamble should not prejudge the political talks.",
        day(2, 11),
    )?;
    let a4 = record.propose(
        rng,
        &process,
        &de,
        1,
        vec![Operation::DeleteParagraph {
            paragraph: subs[2].clone(),
        }],
        "Findings should go to the Parties only.",
        day(2, 12),
    )?;

    // Version 2: accept a1 and a4, merge a2 as 60 days, reject a3; agree the uncontroversial.
    let agreed = |id: &crate::ids::ParagraphId| Operation::SetStatus {
        paragraph: id.clone(),
        status: ParagraphStatus::AgreedAdReferendum,
    };
    record.issue_version(
        &process,
        &mediator,
        &[
            Decision { amendment: a1, outcome: Outcome::Accept },
            Decision { amendment: a2, outcome: Outcome::Merge },
            Decision { amendment: a3, outcome: Outcome::Reject },
            Decision { amendment: a4, outcome: Outcome::Accept },
        ],
        &[
            Operation::ReplaceSpan {
                paragraph: ids[4].clone(),
                alternative: 0,
                start: at(&v1, &p(&ids[4]), "30 days"),
                expected: "30 days".into(),
                text: "60 days".into(),
            },
            Operation::SetBrackets {
                paragraph: ids[4].clone(),
                alternative: 0,
                start: at(&v1, &p(&ids[4]), "within 30 days"),
                expected: "within 60 days".into(),
                bracketed: true,
            },
            agreed(&pids[1]),
            agreed(&pids[2]),
            agreed(&ids[5]),
            agreed(&subs[0]),
            agreed(&subs[1]),
        ],
        "Second draft after round 2: the Highlands proposal on air operations and the Eastmark proposal on publication are taken in; the detainee timing is the Mediator's bridging proposal.",
        day(3, 18),
    )?;

    // Version 3: most paragraphs agreed ad referendum; detainees still open.
    let v2 = record.current().text.clone();
    let op1_text = v2.find(&ids[0]).expect("op1").wording.text();
    let ins = op1_text.find(", aerial bombardment").expect("inserted");
    let ins = op1_text[..ins].chars().count();
    let op2_text = v2.find(&ids[1]).expect("op2").wording.text();
    let two = op2_text.find("twothree").expect("alternatives in brackets");
    let two = op2_text[..two].chars().count();
    record.issue_version(
        &process,
        &mediator,
        &[],
        &[
            Operation::SetBrackets {
                paragraph: ids[0].clone(),
                alternative: 0,
                start: ins,
                expected: ", aerial bombardment".into(),
                bracketed: false,
            },
            Operation::ReplaceSpan {
                paragraph: ids[1].clone(),
                alternative: 0,
                start: two,
                expected: "twothree".into(),
                text: "three".into(),
            },
            Operation::SetBrackets {
                paragraph: ids[1].clone(),
                alternative: 0,
                start: two,
                expected: "three".into(),
                bracketed: false,
            },
            Operation::ChooseAlternative {
                paragraph: ids[2].clone(),
                alternative: 1,
            },
            Operation::InsertSpan {
                paragraph: ids[2].clone(),
                alternative: 0,
                at: "Humanitarian corridors shall be opened along "
                    .chars()
                    .count(),
                before: "opened along ".into(),
                text: "the River Road and other ".into(),
            },
            agreed(&pids[0]),
            agreed(&ids[0]),
            agreed(&ids[1]),
            agreed(&ids[2]),
            agreed(&ids[3]),
        ],
        "Third draft: all but the detainee paragraph agreed ad referendum.",
        day(5, 18),
    )?;

    Ok(Demo {
        process,
        eastmark,
        highlands,
        mediator,
        delegate_eastmark: de,
        delegate_highlands: dh,
        observer,
        notes,
        rooms,
        sessions,
        record,
    })
}
