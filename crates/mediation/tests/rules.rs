//! Rules that used to live in the server, now in the domain: which account role may hold
//! which process role, one process per delegate, agreeing as it stands, paragraphs from lines,
//! session participants, merges, blind index tags.

use chamber_core::Role;
use chamber_mediation::confidential::Keyring;
use chamber_mediation::process::{ProcessKind, ProcessRole, check_one_process_per_delegate};
use chamber_mediation::text::{
    NegotiatingText, Operation, ParagraphStatus, TextRecord, Wording, agree_as_it_stands,
};
use chamber_mediation::{Origin, PersonId, Process};

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-12-01 10:00 UTC)
}

fn process() -> (Process, chamber_mediation::PartyId) {
    let mut rng = rand::rng();
    let mut p = Process::open(
        &mut rng,
        "Talks",
        ProcessKind::PeaceProcess,
        Origin::Manual,
        now(),
    )
    .unwrap();
    let party = p.add_party(&mut rng, "Eastmark").unwrap();
    p.add_participant(PersonId::parse("mediator").unwrap(), ProcessRole::Mediator)
        .unwrap();
    p.add_participant(
        PersonId::parse("east").unwrap(),
        ProcessRole::Delegate {
            party: party.clone(),
        },
    )
    .unwrap();
    (p, party)
}

#[test]
fn process_roles_must_fit_the_account() {
    let (_, party) = process();
    assert_eq!(
        ProcessRole::for_account("mediator", None, Role::Mediator).unwrap(),
        ProcessRole::Mediator
    );
    assert!(ProcessRole::for_account("mediator", None, Role::Delegate).is_err());
    assert!(ProcessRole::for_account("special_envoy", None, Role::Admin).is_err());
    assert_eq!(
        ProcessRole::for_account("observer", None, Role::Admin).unwrap(),
        ProcessRole::Observer
    );
    assert_eq!(
        ProcessRole::for_account("delegate", Some(party.as_str()), Role::Delegate).unwrap(),
        ProcessRole::Delegate {
            party: party.clone()
        }
    );
    let no_party = ProcessRole::for_account("delegate", Some(""), Role::Delegate).unwrap_err();
    assert!(no_party.to_string().contains("party"), "{no_party}");
    assert!(ProcessRole::for_account("delegate", Some(party.as_str()), Role::Mediator).is_err());
    assert!(ProcessRole::for_account("chair", None, Role::Mediator).is_err());
}

#[test]
fn a_delegate_belongs_to_one_process() {
    let (p, party) = process();
    let (other, _) = process();
    let delegate = ProcessRole::Delegate { party };
    assert!(check_one_process_per_delegate(&delegate, p.id(), &[]).is_ok());
    assert!(check_one_process_per_delegate(&delegate, p.id(), &[p.id().clone()]).is_ok());
    assert!(check_one_process_per_delegate(&delegate, p.id(), &[other.id().clone()]).is_err());
    assert!(
        check_one_process_per_delegate(&ProcessRole::Observer, p.id(), &[other.id().clone()])
            .is_ok()
    );
}

#[test]
fn a_first_draft_takes_one_bracketed_paragraph_a_line() {
    let text = NegotiatingText::from_lines(
        &mut rand::rng(),
        "Draft",
        "Recalling\n\n  Noting  \n",
        "Decides\n",
    )
    .unwrap();
    assert_eq!(text.preamble.len(), 2);
    assert_eq!(text.operative.len(), 1);
    assert_eq!(text.preamble[1].wording.text(), "Noting");
    assert!(
        text.walk()
            .iter()
            .all(|(_, _, p)| p.status == ParagraphStatus::Bracketed)
    );
}

#[test]
fn agreeing_as_it_stands_unbrackets_and_marks_agreed() {
    let mut text = NegotiatingText::new("Draft").unwrap();
    let mut p = chamber_mediation::text::Paragraph::new(
        &mut rand::rng(),
        ParagraphStatus::Bracketed,
        Wording::parse_marked("Decides [to meet] monthly").unwrap(),
    );
    p = p.with_alternative(Wording::plain("Decides to meet weekly"));
    text.operative.push(p.clone());
    let ops = agree_as_it_stands(&p);
    assert!(matches!(
        ops[0],
        Operation::ChooseAlternative { alternative: 0, .. }
    ));
    assert!(ops.iter().any(|o| matches!(o, Operation::SetBrackets { expected, bracketed: false, .. } if expected == "to meet")));
    assert!(ops.iter().any(|o| matches!(
        o,
        Operation::SetStatus {
            status: ParagraphStatus::AgreedAdReferendum,
            ..
        }
    )));
}

#[test]
fn a_session_invites_whoever_may_read_its_space() {
    let (p, party) = process();
    let mediator = PersonId::parse("mediator").unwrap();
    let mut session = chamber_mediation::venue::Session::plan(
        &mut rand::rng(),
        &p,
        &mediator,
        chamber_mediation::venue::SessionFormat::Caucus { party },
        "Caucus",
        now(),
        now() + time::Duration::hours(1),
        None,
        Vec::new(),
        Vec::new(),
    )
    .unwrap();
    session.invite_readers(&p);
    let mut names: Vec<&str> = session.participants.iter().map(|p| p.as_str()).collect();
    names.sort();
    assert_eq!(names, ["east", "mediator"]);
}

#[test]
fn a_merge_takes_the_mediators_wording_for_the_amendments_paragraph() {
    let (p, _) = process();
    let mediator = PersonId::parse("mediator").unwrap();
    let east = PersonId::parse("east").unwrap();
    let text =
        NegotiatingText::from_lines(&mut rand::rng(), "Draft", "", "Decides to meet\n").unwrap();
    let paragraph = text.operative[0].id.clone();
    let mut record = TextRecord::start(&p, &mediator, text, "First draft", now()).unwrap();
    let op = chamber_mediation::text::replace_wording(
        &record.current().text,
        &paragraph,
        "Decides to meet weekly",
    )
    .unwrap();
    let amendment = record
        .propose(&mut rand::rng(), &p, &east, 1, vec![op], "weekly", now())
        .unwrap();
    let decisions = [chamber_mediation::text::Decision {
        amendment: amendment.clone(),
        outcome: chamber_mediation::text::Outcome::Merge,
    }];
    let missing = record.merge_edits(&decisions, &Default::default());
    assert!(missing.is_err(), "a merge without wording is refused");
    let wordings = [(amendment, "Decides to meet every week".to_string())].into();
    let edits = record.merge_edits(&decisions, &wordings).unwrap();
    let v = record
        .issue_version(&p, &mediator, &decisions, &edits, "merged", now())
        .unwrap();
    assert_eq!(v, 2);
    assert_eq!(
        record.current().text.operative[0].wording.text(),
        "Decides to meet every week"
    );
}

#[test]
fn blind_tags_are_stable_per_key_and_do_not_collide_on_concatenation() {
    let a = Keyring::from_bytes([7; 32]);
    let b = Keyring::from_bytes([8; 32]);
    assert_eq!(a.blind(&["member", "east"]), a.blind(&["member", "east"]));
    assert_ne!(a.blind(&["member", "east"]), b.blind(&["member", "east"]));
    assert_ne!(a.blind(&["ab", "c"]), a.blind(&["a", "bc"]));
    assert_eq!(a.blind(&["x"]).len(), 64);
}
