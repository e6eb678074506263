//! Small generated fixtures: two opinion blocs, a bridging statement, moderation, incremental
//! updates and the CLI's exit codes.

use chamber_consult::cli::{ConsultCommand, run_to};
use chamber_consult::eval::adjusted_rand_index;
use chamber_consult::polis::VoteSource;
use chamber_consult::{Comment, Conversation, Export, Options, Vote, analyze};
use std::collections::BTreeMap;

fn comment(id: u64, moderated: i8) -> Comment {
    Comment {
        id,
        author: None,
        moderated,
        is_meta: false,
        body: format!("statement {id}"),
    }
}

/// 60 participants: bloc A (even ids) agrees with statements 0..5 and disagrees with 5..10,
/// bloc B the opposite; everyone agrees with statement 10 (the bridge); statement 11 is
/// moderated out. A deterministic sprinkle of noise and passes.
fn two_blocs() -> Export {
    let mut votes = BTreeMap::new();
    for p in 0..60u64 {
        let bloc_a = p % 2 == 0;
        for t in 0..10u64 {
            let noise = (p * 7 + t * 13) % 11 == 0;
            let agree = (t < 5) == bloc_a;
            let v = if noise {
                Vote::Pass
            } else if agree {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.insert((p, t), v);
        }
        votes.insert((p, 10), Vote::Agree);
        votes.insert((p, 11), if bloc_a { Vote::Agree } else { Vote::Disagree });
    }
    Export {
        comments: (0..12)
            .map(|t| (t, comment(t, if t == 11 { -1 } else { 1 })))
            .collect(),
        votes,
        source: VoteSource::Memory,
    }
}

#[test]
fn recovers_two_blocs_with_repness_and_consensus() {
    let a = analyze(&two_blocs(), &Options::default()).unwrap();
    assert_eq!(a.k, 2);
    assert_eq!(a.n_participants, 60);
    assert_eq!(a.n_statements, 11);
    assert_eq!(a.moderated_out, vec![11]);
    let truth: Vec<u64> = (0..60).map(|p| p % 2).collect();
    let ours: Vec<usize> = (0..60u64).map(|p| a.participants[&p].unwrap()).collect();
    assert_eq!(adjusted_rand_index(&truth, &ours), 1.0);
    for g in &a.groups {
        assert!(!g.repness.is_empty());
        // The group's representative statements are its bloc's: agree on its side, disagree on the other.
        let bloc_a = g.members[0] % 2 == 0;
        for r in &g.repness {
            assert_ne!(
                r.comment_id, 10,
                "the bridge is not representative of one side"
            );
            assert_ne!(r.comment_id, 11, "moderated-out statements are excluded");
            let on_a_side = r.comment_id < 5;
            let expect = if on_a_side == bloc_a {
                "agree"
            } else {
                "disagree"
            };
            assert_eq!(r.repful, expect, "{r:?}");
            assert!(r.repness_test > 1.2816 && r.p_test > 1.2816);
        }
        assert!(g.repness.len() <= 5);
    }
    assert_eq!(
        a.consensus[0].comment_id, 10,
        "the bridge tops group-informed consensus"
    );
    assert!(a.consensus.iter().all(|c| c.comment_id != 11));
    assert_eq!(a.majority.agree[0].comment_id, 10);
    // PCA: two unit components over the 12 voted columns; moderated column has zero weight.
    assert_eq!(a.pca.comment_ids.len(), 12);
    for c in &a.pca.components {
        let n: f64 = c.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-9);
        assert_eq!(c[11], 0.0);
    }
    // The two blocs sit on opposite sides along the first component.
    let x = |p: u64| a.pca.projections[&p][0];
    assert!(x(0) * x(1) < 0.0);
}

#[test]
fn participants_below_threshold_are_listed_unclustered() {
    let mut e = two_blocs();
    // Participant 100 voted on 3 statements only (< min(7, 11)).
    for t in 0..3 {
        e.votes.insert((100, t), Vote::Agree);
    }
    let a = analyze(&e, &Options::default()).unwrap();
    assert_eq!(a.unclustered, vec![100]);
    assert!(a.groups.iter().all(|g| !g.members.contains(&100)));
    // With assign_all (default) it still gets the nearest group: bloc A's.
    assert_eq!(a.participants[&100], a.participants[&0]);
    let b = analyze(
        &e,
        &Options {
            assign_all: false,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(b.participants[&100], None);
}

#[test]
fn larger_k_and_fixed_k_options() {
    let e = two_blocs();
    let a = analyze(
        &e,
        &Options {
            fixed_k: Some(3),
            min_group_fraction: 0.0,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(a.k, 3);
    assert_eq!(a.k_scores.len(), 1);
    let b = analyze(
        &e,
        &Options {
            max_k: 8,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(b.k_scores.iter().all(|s| s.k <= 8));
    assert!(
        analyze(
            &e,
            &Options {
                max_k: 1,
                ..Options::default()
            }
        )
        .is_err()
    );
}

#[test]
fn incremental_votes_update_the_analysis() {
    let full = two_blocs();
    let mut conv = Conversation::with_comments(full.comments.values().cloned(), Options::default());
    assert!(
        conv.apply_vote(1, 999, Vote::Agree).is_err(),
        "unknown statement refused"
    );
    let mut n = 0;
    for (&(p, t), &v) in &full.votes {
        conv.apply_vote(p, t, v).unwrap();
        n += 1;
        if n == 300 {
            let a = conv.analysis().unwrap();
            assert_eq!(a.n_votes, 300);
        }
    }
    let a = conv.analysis().unwrap().clone();
    let cold = analyze(&full, &Options::default()).unwrap();
    assert_eq!(a.n_votes, cold.n_votes);
    let ours: Vec<usize> = (0..60u64).map(|p| a.participants[&p].unwrap()).collect();
    let theirs: Vec<usize> = (0..60u64).map(|p| cold.participants[&p].unwrap()).collect();
    assert_eq!(adjusted_rand_index(&ours, &theirs), 1.0);
    // A re-vote replaces the earlier one.
    conv.apply_vote(0, 0, Vote::Disagree).unwrap();
    assert_eq!(conv.export().votes[&(0, 0)], Vote::Disagree);
    assert_eq!(conv.analysis().unwrap().n_votes, cold.n_votes);
}

#[test]
fn incremental_replay_is_deterministic_and_keeps_groups() {
    let full = two_blocs();
    let replay = || {
        let mut conv =
            Conversation::with_comments(full.comments.values().cloned(), Options::default());
        let mut snapshots = Vec::new();
        // Votes arrive statement by statement (everyone votes on 0, then 1, ...), with an update after each.
        let mut order: Vec<_> = full.votes.iter().collect();
        order.sort_by_key(|((p, t), _)| (*t, *p));
        for (i, (&(p, t), &v)) in order.into_iter().enumerate() {
            conv.apply_vote(p, t, v).unwrap();
            if i % 60 == 59 {
                snapshots.push(serde_json::to_string(conv.analysis().unwrap()).unwrap());
            }
        }
        (snapshots, conv.analysis().unwrap().clone())
    };
    let (s1, a1) = replay();
    let (s2, _) = replay();
    assert_eq!(s1, s2, "same history, same results");
    assert_eq!(a1.k, 2);
    let truth: Vec<u64> = (0..60).map(|p| p % 2).collect();
    let ours: Vec<usize> = (0..60u64).map(|p| a1.participants[&p].unwrap()).collect();
    assert_eq!(adjusted_rand_index(&truth, &ours), 1.0);
}

#[test]
fn cli_exit_codes() {
    let dir = std::env::temp_dir().join(format!("chamber-consult-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cmd = |json| ConsultCommand::Analyze {
        dir: dir.clone(),
        json,
        max_k: 5,
    };
    // No vote file: bad input.
    assert_eq!(run_to(cmd(true), &mut Vec::new()), 2);
    // A malformed vote: bad input.
    std::fs::write(
        dir.join("votes.csv"),
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,yes\n",
    )
    .unwrap();
    assert_eq!(run_to(cmd(true), &mut Vec::new()), 2);
    // A valid export.
    let mut csv = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    for (&(p, t), v) in &two_blocs().votes {
        if t != 11 {
            csv += &format!("1,x,{t},{p},{}\n", v.value());
        }
    }
    std::fs::write(dir.join("votes.csv"), csv).unwrap();
    let mut out = Vec::new();
    assert_eq!(run_to(cmd(true), &mut out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["k"], 2);
    assert_eq!(
        out.iter().filter(|b| **b == b'\n').count(),
        1,
        "one JSON object, one line"
    );
    let mut out = Vec::new();
    assert_eq!(run_to(cmd(false), &mut out), 0);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("60 participants (60 clustered), 11 statements, 660 votes"),
        "{text}"
    );
    let bad_k = ConsultCommand::Analyze {
        dir: dir.clone(),
        json: true,
        max_k: 1,
    };
    assert_eq!(run_to(bad_k, &mut Vec::new()), 2);
    // Not a directory.
    let missing = ConsultCommand::Analyze {
        dir: dir.join("nope"),
        json: false,
        max_k: 5,
    };
    assert_eq!(run_to(missing, &mut Vec::new()), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_has_the_contract_fields() {
    let a = analyze(&two_blocs(), &Options::default()).unwrap();
    let v = serde_json::to_value(&a).unwrap();
    let obj = v.as_object().unwrap();
    for key in [
        "participants",
        "groups",
        "consensus",
        "pca",
        "k",
        "silhouette",
        "n_participants",
    ] {
        assert!(obj.contains_key(key), "{key}");
    }
    assert!(v["participants"]["0"].is_u64());
    let g = &v["groups"][0];
    assert!(g["id"].is_u64() && g["members"].is_array());
    let r = &g["repness"][0];
    for key in ["comment_id", "repful", "repness", "p_test"] {
        assert!(!r[key].is_null(), "{key}");
    }
    assert!(v["consensus"][0]["comment_id"].is_u64());
    assert_eq!(v["pca"]["components"].as_array().unwrap().len(), 2);
    assert!(v["pca"]["center"].is_array());
    assert_eq!(v["pca"]["projections"]["0"].as_array().unwrap().len(), 2);
}

/// 400 participants on a continuum between two blocs (so that the 100 base clusters hold several
/// participants each and some straddle the gap): after the participant-level refinement every
/// clustered participant sits in the group whose centre is nearest to them, and each centre is
/// its members' mean position (with the refinement run to convergence; the default's single
/// step keeps the centres as the members' means).
#[test]
fn groups_are_a_participant_level_kmeans_fixed_point() {
    let mut votes = BTreeMap::new();
    for p in 0..400u64 {
        // Lean from -1 (bloc B) to +1 (bloc A), spread unevenly.
        let lean = ((p * 37) % 400) as f64 / 200.0 - 1.0;
        for t in 0..12u64 {
            let h = chamber_consult::math::splitmix64(p * 1000 + t) % 1000;
            let agree_prob = if t < 6 {
                (1.0 + lean) / 2.0
            } else {
                (1.0 - lean) / 2.0
            };
            let v = if h.is_multiple_of(7) {
                continue; // not voted
            } else if (h as f64) / 1000.0 < agree_prob {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.insert((p, t), v);
        }
    }
    let e = Export {
        comments: (0..12).map(|t| (t, comment(t, 1))).collect(),
        votes,
        source: VoteSource::Memory,
    };
    let a = analyze(
        &e,
        &Options {
            refine_iters: 20,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(a.k >= 2, "k = {}", a.k);
    assert!(a.n_base_clusters == 100 && a.n_in_conv > 300);
    let d2 = |p: [f64; 2], c: [f64; 2]| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2);
    for g in &a.groups {
        let pts: Vec<[f64; 2]> = g.members.iter().map(|p| a.pca.projections[p]).collect();
        let n = pts.len() as f64;
        let mean = [
            pts.iter().map(|p| p[0]).sum::<f64>() / n,
            pts.iter().map(|p| p[1]).sum::<f64>() / n,
        ];
        assert!(d2(mean, g.center) < 1e-18, "centre is the members' mean");
        for (p, xy) in g.members.iter().zip(&pts) {
            let own = d2(*xy, g.center);
            for other in &a.groups {
                assert!(
                    own <= d2(*xy, other.center) + 1e-12,
                    "participant {p} is nearer to group {} than to its own {}",
                    other.id,
                    g.id
                );
            }
        }
    }
    // Without the refinement membership goes through base clusters (Pol.is); still a partition.
    let b = analyze(
        &e,
        &Options {
            refine_iters: 0,
            ..Options::default()
        },
    )
    .unwrap();
    let total: usize = b.groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(total, b.n_in_conv);
    let d = analyze(&e, &Options::default()).unwrap();
    for g in &d.groups {
        let n = g.members.len() as f64;
        let mean_x = g
            .members
            .iter()
            .map(|p| d.pca.projections[p][0])
            .sum::<f64>()
            / n;
        assert!(
            (mean_x - g.center[0]).abs() < 1e-9,
            "centre is the members' mean"
        );
    }
}
