//! Criterion benchmark of the negotiating text at the size the issue names: 1,000 paragraphs,
//! 50 parties, 20 versions. Measures (1) applying one party amendment into a new version and
//! (2) diffing version 1 against version 20. Goal: each under 50 ms.
//!
//! Run: `cargo bench -p chamber-mediation --bench text`

use chamber_mediation::ids::PersonId;
use chamber_mediation::process::{Origin, Process, ProcessKind, ProcessRole};
use chamber_mediation::text::{
    Decision, NegotiatingText, Operation, Outcome, Paragraph, ParagraphStatus, TextRecord, Wording,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

struct Talks {
    process: Process,
    mediator: PersonId,
    delegates: Vec<PersonId>,
    record: TextRecord,
}

fn wording(i: usize, round: usize) -> String {
    format!(
        "Operative paragraph {i}: the parties undertake to respect the cessation of hostilities \
         in sector {} and to allow humanitarian convoys, revision {round}.",
        i % 37
    )
}

fn talks() -> Talks {
    let mut rng = rand::rng();
    let now = time::OffsetDateTime::now_utc();
    let mut process = Process::open(
        &mut rng,
        "Benchmark talks",
        ProcessKind::PeaceProcess,
        Origin::Manual,
        now,
    )
    .unwrap();
    let mediator = PersonId::parse("mediator").unwrap();
    process
        .add_participant(mediator.clone(), ProcessRole::Mediator)
        .unwrap();
    let mut delegates = Vec::new();
    for p in 0..50 {
        let party = process.add_party(&mut rng, &format!("Party {p}")).unwrap();
        let d = PersonId::parse(&format!("delegate-{p}")).unwrap();
        process
            .add_participant(d.clone(), ProcessRole::Delegate { party })
            .unwrap();
        delegates.push(d);
    }
    let mut text = NegotiatingText::new("Benchmark agreement").unwrap();
    for i in 0..1000 {
        let p = Paragraph::new(
            &mut rng,
            ParagraphStatus::Bracketed,
            Wording::plain(&wording(i, 0)),
        );
        if i < 100 {
            text.preamble.push(p);
        } else {
            text.operative.push(p);
        }
    }
    let mut record = TextRecord::start(&process, &mediator, text, "v1", now).unwrap();
    // Versions 2..=20: each accepts one amendment from a different party.
    for round in 1..20 {
        let current = record.current();
        let para = &current.text.operative[(round * 41) % 900];
        let op = Operation::ReplaceSpan {
            paragraph: para.id.clone(),
            alternative: 0,
            start: 0,
            expected: para.wording.text(),
            text: wording(round * 41, round),
        };
        let base = current.number;
        let id = record
            .propose(
                &mut rng,
                &process,
                &delegates[round % 50],
                base,
                vec![op],
                "bench",
                now,
            )
            .unwrap();
        record
            .issue_version(
                &process,
                &mediator,
                &[Decision {
                    amendment: id,
                    outcome: Outcome::Accept,
                }],
                &[],
                "bench",
                now,
            )
            .unwrap();
    }
    assert_eq!(record.versions().len(), 20);
    Talks {
        process,
        mediator,
        delegates,
        record,
    }
}

fn bench(c: &mut Criterion) {
    let t = talks();
    let now = time::OffsetDateTime::now_utc();
    c.bench_function(
        "apply one amendment into version 21 (1,000 paragraphs, 50 parties)",
        |b| {
            b.iter_batched(
                || {
                    let mut record = t.record.clone();
                    let current = record.current();
                    let para = &current.text.operative[7];
                    let op = Operation::ReplaceSpan {
                        paragraph: para.id.clone(),
                        alternative: 0,
                        start: 0,
                        expected: para.wording.text(),
                        text: "Replaced in the benchmark".into(),
                    };
                    let base = current.number;
                    let id = record
                        .propose(
                            &mut rand::rng(),
                            &t.process,
                            &t.delegates[3],
                            base,
                            vec![op],
                            "b",
                            now,
                        )
                        .unwrap();
                    (record, id)
                },
                |(mut record, id)| {
                    record
                        .issue_version(
                            &t.process,
                            &t.mediator,
                            &[Decision {
                                amendment: id,
                                outcome: Outcome::Accept,
                            }],
                            &[],
                            "b",
                            now,
                        )
                        .unwrap();
                    black_box(record)
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
    c.bench_function(
        "diff version 1 against version 20 (1,000 paragraphs)",
        |b| b.iter(|| black_box(t.record.diff(1, 20).unwrap())),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
