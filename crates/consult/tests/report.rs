//! The convenor's report: its numbers come from the analysis (never a second one), the CLI's
//! `analyze --json` and `report --json` print the same report, the CSV tables hold the JSON's
//! numbers, and statements in several languages count once.

use chamber_consult::cli::{ConsultCommand, run_to};
use chamber_consult::polis::{VoteSource, write_export};
use chamber_consult::report::{self, Activity, NEEDS_VOTES_SHARE};
use chamber_consult::statement::{Ballot, Translations, write_translations};
use chamber_consult::{Comment, Conversation, Export, Options, Vote, analyze};
use chamber_core::Lang;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn comment(id: u64) -> Comment {
    Comment {
        id,
        author: None,
        moderated: 1,
        is_meta: false,
        body: format!("statement {id}"),
    }
}

/// 60 participants in two blocs over statements 0..10 (bloc A agrees with 0..5, disagrees with
/// 5..10; bloc B the opposite), everyone agrees with 10, and statement 11 was seen by 3 people.
/// Participant p votes on day p % 3 of September 2019.
fn two_blocs() -> (Export, Activity) {
    let mut votes = BTreeMap::new();
    let mut activity = Activity::default();
    let day0 = 18_140i64 * 86_400_000;
    for p in 0..60u64 {
        let a = p % 2 == 0;
        let mut cast = |t: u64, v: Vote| {
            votes.insert((p, t), v);
            activity.add(day0 + (p % 3) as i64 * 86_400_000 + t as i64, p);
        };
        for t in 0..10u64 {
            let pass = (p * 7 + t * 13) % 11 == 0;
            cast(
                t,
                if pass {
                    Vote::Pass
                } else if (t < 5) == a {
                    Vote::Agree
                } else {
                    Vote::Disagree
                },
            );
        }
        cast(10, Vote::Agree);
        if p < 3 {
            cast(11, Vote::Agree);
        }
    }
    let export = Export {
        comments: (0..12).map(|t| (t, comment(t))).collect(),
        votes,
        source: VoteSource::Memory,
    };
    (export, activity)
}

#[test]
fn report_numbers_come_from_the_analysis() {
    let (export, activity) = two_blocs();
    let a = analyze(&export, &Options::default()).unwrap();
    let r = report::build(&export, &a, &activity, &Translations::default());
    assert_eq!(r.totals.participants, 60);
    assert_eq!(r.totals.groups, a.k);
    assert_eq!(r.totals.votes, a.n_votes);
    // Participation: 20 participants a day over three days, all new.
    let dates: Vec<&str> = r
        .participation
        .days
        .iter()
        .map(|d| d.date.as_str())
        .collect();
    assert_eq!(dates, ["2019-09-01", "2019-09-02", "2019-09-03"]);
    assert!(r.participation.days.iter().all(|d| d.participants == 20));
    assert_eq!(r.participation.days[2].participants_to_date, 60);
    let votes: u64 = r.participation.days.iter().map(|d| d.votes).sum();
    assert_eq!(votes as usize, a.n_votes);
    // Groups: sizes and representative statements are the analysis'; shares add up.
    assert_eq!(r.groups.len(), a.groups.len());
    for (g, ag) in r.groups.iter().zip(&a.groups) {
        assert_eq!(g.size, ag.members.len());
        let ids: Vec<u64> = g
            .representative
            .iter()
            .map(|s| s.statement.number)
            .collect();
        let want: Vec<u64> = ag.repness.iter().map(|s| s.comment_id).collect();
        assert_eq!(ids, want);
        for (rep, ar) in g.representative.iter().zip(&ag.repness) {
            assert_eq!(rep.repness, ar.repness);
            let n = rep.group.agree + rep.group.disagree + rep.group.pass;
            assert_eq!(n, ar.n_trials);
            let successes = if rep.repful == "agree" {
                rep.group.agree
            } else {
                rep.group.disagree
            };
            assert_eq!(successes, ar.n_success);
            let total = rep.group.agree_share + rep.group.disagree_share + rep.group.pass_share;
            assert!((total - 1.0).abs() < 1e-12);
            // The others' votes and the group's make up everyone's.
            assert_eq!(
                n + rep.others.agree + rep.others.disagree + rep.others.pass,
                60
            );
        }
    }
    // The bridge (10) leads the consensus, in the analysis' order; it is not divisive.
    assert_eq!(r.consensus[0].statement.number, 10);
    let order: Vec<u64> = r.consensus.iter().map(|c| c.statement.number).collect();
    let want: Vec<u64> = a
        .consensus
        .iter()
        .take(order.len())
        .map(|c| c.comment_id)
        .collect();
    assert_eq!(order, want);
    assert!(r.divisive.iter().all(|d| d.statement.number < 10));
    assert!(r.divisive[0].spread > 0.7, "{:?}", r.divisive[0]);
    // Statement 11 (3 of 60) still needs votes; the others do not.
    assert_eq!(r.needing_votes.count, 1);
    assert_eq!(r.needing_votes.statements[0].statement.number, 11);
    assert!(r.needing_votes.statements[0].share_of_participants < NEEDS_VOTES_SHARE);
    // The map has everyone, placed where the analysis put them.
    assert_eq!(r.map.points.len(), 60);
    for p in &r.map.points {
        assert_eq!([p.x, p.y], a.pca.projections[&p.participant]);
        assert_eq!(p.group, a.participants[&p.participant]);
    }
    assert!(!r.method.steps.is_empty() && !r.method.limits.is_empty());
}

fn export_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chamber-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (export, _) = two_blocs();
    write_export(&dir, &export, None).unwrap();
    // Give votes.csv times: participant p on day p % 3.
    let text = std::fs::read_to_string(dir.join("votes.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out += line;
        } else {
            let pid: i64 = line.split(',').nth(3).unwrap().parse().unwrap();
            out += &format!("{}{line}", (18_140 + pid % 3) * 86_400_000 + i as i64);
        }
        out.push('\n');
    }
    std::fs::write(dir.join("votes.csv"), out).unwrap();
    dir
}

fn run_json(cmd: ConsultCommand) -> Value {
    let mut out = Vec::new();
    assert_eq!(run_to(cmd, &mut out), 0);
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn analyze_json_and_report_print_the_same_report_and_csv_the_same_numbers() {
    let dir = export_dir("cli");
    let csv_dir = dir.join("report-csv");
    let analyzed = run_json(ConsultCommand::Analyze {
        dir: dir.clone(),
        json: true,
        max_k: 5,
    });
    let report = run_json(ConsultCommand::Report {
        dir: dir.clone(),
        json: true,
        csv: Some(csv_dir.clone()),
        max_k: 5,
    });
    assert_eq!(analyzed["report"], report);
    assert_eq!(analyzed["k"], report["totals"]["groups"]);
    assert_eq!(report["participation"]["days"].as_array().unwrap().len(), 3);
    // groups.csv: one row per representative statement with the JSON's numbers.
    let groups = std::fs::read_to_string(csv_dir.join("groups.csv")).unwrap();
    let mut rows = groups.lines().skip(1);
    for g in report["groups"].as_array().unwrap() {
        for rep in g["representative"].as_array().unwrap() {
            let row: Vec<&str> = rows.next().unwrap().split(',').collect();
            assert_eq!(row[0], g["id"].to_string());
            assert_eq!(row[2], rep["statement"]["number"].to_string());
            assert_eq!(row[6], rep["group"]["agree"].to_string());
            // serde_json's float parsing may differ in the last bit.
            let share = rep["group"]["agree_share"].as_f64().unwrap();
            assert!((row[9].parse::<f64>().unwrap() - share).abs() < 1e-12);
        }
    }
    assert!(rows.next().is_none());
    let participation = std::fs::read_to_string(csv_dir.join("participation.csv")).unwrap();
    assert!(participation.contains("\n2019-09-01,"), "{participation}");
    for f in [
        "map.csv",
        "consensus.csv",
        "divisive.csv",
        "majority.csv",
        "needing-votes.csv",
        "method.csv",
    ] {
        assert!(csv_dir.join(f).exists(), "{f}");
    }
    // Translations appear in the report; the groups do not change.
    let tr = Translations {
        original: [(10, Lang::En)].into(),
        texts: [(10, [(Lang::Fr, "déclaration 10".to_string())].into())].into(),
    };
    write_translations(&dir, &tr).unwrap();
    let with = run_json(ConsultCommand::Report {
        dir: dir.clone(),
        json: true,
        csv: None,
        max_k: 5,
    });
    assert_eq!(with["groups"], report["groups"]);
    assert_eq!(with["consensus"][0]["statement"]["lang"], "en");
    assert_eq!(
        with["consensus"][0]["statement"]["translations"]["fr"],
        "déclaration 10"
    );
}

#[test]
fn votes_in_several_languages_count_for_one_statement() {
    let (export, _) = two_blocs();
    let mut by_lang = Conversation::new(export.clone(), Options::default());
    by_lang.set_translations(Translations {
        original: (0..12).map(|t| (t, Lang::En)).collect(),
        texts: (0..12)
            .map(|t| {
                (
                    t,
                    [Lang::Ar, Lang::Zh, Lang::Fr, Lang::Ru, Lang::Es]
                        .into_iter()
                        .map(|l| (l, format!("{} {t}", l.code())))
                        .collect(),
                )
            })
            .collect(),
    });
    // One new participant votes every statement, each in another of the six languages.
    let mut plain = Conversation::new(export, Options::default());
    for t in 0..12u64 {
        let lang = Lang::ALL[t as usize % 6];
        by_lang
            .apply_ballot(Ballot {
                participant: 100,
                statement: t,
                vote: Vote::Agree,
                lang,
            })
            .unwrap();
        plain.apply_vote(100, t, Vote::Agree).unwrap();
    }
    let a = by_lang.analysis().unwrap().clone();
    let b = plain.analysis().unwrap().clone();
    assert_eq!(a, b, "the language a vote was cast in changes nothing");
    assert_eq!(a.n_statements, 12);
    assert_eq!(a.n_participants, 61);
    // A language the statement has no text in is refused.
    let mut only_en = Conversation::new(two_blocs().0, Options::default());
    only_en.set_translations(Translations {
        original: [(0, Lang::En)].into(),
        texts: BTreeMap::new(),
    });
    let err = only_en
        .apply_ballot(Ballot {
            participant: 100,
            statement: 0,
            vote: Vote::Agree,
            lang: Lang::Ru,
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("statement 0 has no text in ru"),
        "{err}"
    );
}

/// On a real conversation: every vote event of votes.csv is counted on its day, and the
/// participants to date end at the number who voted.
#[test]
fn biodiversity_participation_adds_up() {
    let root = chamber_testkit::require_shared!("data/consultations");
    let dir = root.join("scoop-hivemind.biodiversity");
    let (_, a, r) = chamber_consult::cli::analyze_dir(&dir, &Options::default()).unwrap();
    let events = std::fs::read_to_string(dir.join("votes.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let counted: u64 = r.participation.days.iter().map(|d| d.votes).sum();
    assert_eq!(counted as usize, events);
    assert_eq!(
        r.participation.days.last().unwrap().participants_to_date,
        a.n_participants
    );
    // The first vote: Sun Aug 04 17:02:47 PDT 2019, a Monday in UTC.
    assert_eq!(r.participation.days[0].date, "2019-08-05");
    assert_eq!(r.groups.len(), a.k);
}
