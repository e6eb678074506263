//! Criterion benchmark of the negotiating text at the size the issue names: 1,000 paragraphs,
//! 50 parties, 20 versions. Measures (1) applying one party amendment into a new version and
//! (2) diffing version 1 against version 20. Goal: each under 50 ms.
//!
//! Then the word diff of one long paragraph (issue 11): two 10,000-word paragraphs that differ
//! in 1 % of their words must be diffed in under 50 ms and 10 MB at peak. Chamber's own Myers
//! (`word_diff`) and the `similar` crate's Myers, given the same tokens and producing the same
//! runs, are measured side by side in this one run; a counting global allocator prints each
//! one's peak heap use, and a 100,000-word paragraph and two unrelated 10,000-word paragraphs
//! (past the search's cost bound) are measured too.
//!
//! Run: `cargo bench -p chamber-mediation --bench text`

use chamber_mediation::ids::PersonId;
use chamber_mediation::process::{Origin, Process, ProcessKind, ProcessRole};
use chamber_mediation::text::diff::{WordOp, WordOpKind, tokens, word_diff};
use chamber_mediation::text::{
    Decision, NegotiatingText, Operation, Outcome, Paragraph, ParagraphStatus, TextRecord, Wording,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes live and the most live since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `f` held at once beyond what was live before it (result included).
fn peak_heap<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let r = f();
    (PEAK.load(Ordering::Relaxed) - before, r)
}

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

/// A paragraph of `words` words drawn from a 3,000-word vocabulary with a long tail (a few words
/// very frequent, as in treaty language), and a copy with `changed` of its words replaced.
fn paragraphs(words: usize, changed: usize, seed: u64) -> (String, String) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let word = |rng: &mut rand::rngs::StdRng| {
        let r: f64 = rng.random();
        format!("word{} ", (r * r * r * 3000.0) as usize)
    };
    let old: Vec<String> = (0..words).map(|_| word(&mut rng)).collect();
    let mut new = old.clone();
    for _ in 0..changed {
        let at = rng.random_range(0..words);
        new[at] = format!("changed{} ", rng.random_range(0..1_000_000));
    }
    (old.concat(), new.concat())
}

/// The same runs as `word_diff`, found by the `similar` crate's Myers on the same tokens.
fn similar_word_diff(a: &str, b: &str) -> Vec<WordOp> {
    let (ta, tb) = (tokens(a), tokens(b));
    let mut ops: Vec<WordOp> = Vec::new();
    let mut push = |kind: WordOpKind, ts: &[&str]| {
        if ts.is_empty() {
            return;
        }
        if ops.last().is_none_or(|l| l.kind != kind) {
            ops.push(WordOp {
                kind,
                text: String::new(),
            });
        }
        let last = ops.last_mut().expect("just pushed");
        ts.iter().for_each(|t| last.text.push_str(t));
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &ta, &tb) {
        let (_, old, new) = op.as_tag_tuple();
        match op.tag() {
            similar::DiffTag::Equal => push(WordOpKind::Equal, &ta[old]),
            similar::DiffTag::Delete => push(WordOpKind::Delete, &ta[old]),
            similar::DiffTag::Insert => push(WordOpKind::Insert, &tb[new]),
            similar::DiffTag::Replace => {
                push(WordOpKind::Delete, &ta[old]);
                push(WordOpKind::Insert, &tb[new]);
            }
        }
    }
    ops
}

fn changed_words(ops: &[WordOp]) -> usize {
    ops.iter()
        .filter(|o| o.kind != WordOpKind::Equal)
        .map(|o| o.text.split_whitespace().count())
        .sum()
}

fn word_diff_bench(c: &mut Criterion) {
    let cases = [
        ("10,000 words, 1 % changed", paragraphs(10_000, 100, 1)),
        ("100,000 words, 1 % changed", paragraphs(100_000, 1_000, 2)),
        ("10,000 words, unrelated", {
            let (a, _) = paragraphs(10_000, 0, 3);
            let (b, _) = paragraphs(10_000, 0, 4);
            (a, b)
        }),
    ];
    // The worst case a request can bring, timed once (too slow for many criterion samples).
    let (a, _) = paragraphs(100_000, 0, 5);
    let (b, _) = paragraphs(100_000, 0, 6);
    for (name, f) in [
        ("chamber", word_diff as fn(&str, &str) -> Vec<WordOp>),
        ("similar", similar_word_diff),
    ] {
        let started = std::time::Instant::now();
        let (peak, ops) = peak_heap(|| f(&a, &b));
        println!(
            "word diff, 100,000 words, unrelated, {name}: {:.0} ms, peak heap {:.2} MB, {} changed words marked",
            started.elapsed().as_secs_f64() * 1e3,
            peak as f64 / 1e6,
            changed_words(&ops)
        );
    }
    let mut group = c.benchmark_group("word diff");
    group.sample_size(20);
    for (name, (a, b)) in &cases {
        let (ours_peak, ours) = peak_heap(|| word_diff(a, b));
        let (theirs_peak, theirs) = peak_heap(|| similar_word_diff(a, b));
        println!(
            "word diff, {name}: peak heap {:.2} MB chamber, {:.2} MB similar; \
             changed words marked {} chamber, {} similar",
            ours_peak as f64 / 1e6,
            theirs_peak as f64 / 1e6,
            changed_words(&ours),
            changed_words(&theirs),
        );
        group.bench_function(format!("chamber, {name}"), |bench| {
            bench.iter(|| black_box(word_diff(black_box(a), black_box(b))))
        });
        group.bench_function(format!("similar, {name}"), |bench| {
            bench.iter(|| black_box(similar_word_diff(black_box(a), black_box(b))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, word_diff_bench);
criterion_main!(benches);
