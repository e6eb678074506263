//! Pol.is's representative statements (repness) and consensus.
//!
//! Counts per group and statement: `na` agrees, `nd` disagrees, `ns` seen (any vote, pass
//! included). Probabilities carry a +1/+2 pseudo-count; tests are Pol.is's one- and two-proportion
//! z-tests, significant at 90 % when z > 1.2816.

use crate::matrix::VoteMatrix;
use crate::polis::CommentId;
use serde::Serialize;

const Z90: f64 = 1.2816;

/// One-proportion z-test against 1/2 with a +1 pseudo-count (Pol.is `prop-test`).
pub fn prop_test(succ: f64, n: f64) -> f64 {
    let (succ, n) = (succ + 1.0, n + 1.0);
    2.0 * n.sqrt() * (succ / n - 0.5)
}

/// Two-proportion z-test with +1 pseudo-counts (Pol.is `two-prop-test`).
pub fn two_prop_test(succ_in: f64, succ_out: f64, pop_in: f64, pop_out: f64) -> f64 {
    let (s1, s2, n1, n2) = (succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0);
    let pi1 = s1 / n1;
    let pi2 = s2 / n2;
    let pi_hat = (s1 + s2) / (n1 + n2);
    if pi_hat == 1.0 {
        return 0.0;
    }
    (pi1 - pi2) / (pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

fn sig90(z: f64) -> bool {
    z > Z90
}

/// Vote counts for one group and statement.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub na: u32,
    pub nd: u32,
    pub ns: u32,
}

/// `counts[g][j]` for each group g and column j.
pub fn group_counts(m: &VoteMatrix, group_rows: &[Vec<usize>]) -> Vec<Vec<Counts>> {
    group_rows
        .iter()
        .map(|rows| {
            let mut c = vec![Counts::default(); m.n_cols()];
            for &r in rows {
                for v in &m.rows[r] {
                    let e = &mut c[v.column as usize];
                    e.ns += 1;
                    match v.value {
                        1 => e.na += 1,
                        -1 => e.nd += 1,
                        _ => {}
                    }
                }
            }
            c
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
struct Stats {
    na: f64,
    nd: f64,
    ns: f64,
    pa: f64,
    pd: f64,
    pat: f64,
    pdt: f64,
    ra: f64,
    rd: f64,
    rat: f64,
    rdt: f64,
}

fn stats(own: Counts, rest: Counts) -> Stats {
    let (na, nd, ns) = (own.na as f64, own.nd as f64, own.ns as f64);
    let (ra_, rd_, rs_) = (rest.na as f64, rest.nd as f64, rest.ns as f64);
    let pa = (na + 1.0) / (ns + 2.0);
    let pd = (nd + 1.0) / (ns + 2.0);
    Stats {
        na,
        nd,
        ns,
        pa,
        pd,
        pat: prop_test(na, ns),
        pdt: prop_test(nd, ns),
        ra: pa / ((1.0 + ra_) / (2.0 + rs_)),
        rd: pd / ((1.0 + rd_) / (2.0 + rs_)),
        rat: two_prop_test(na, ra_, ns, rs_),
        rdt: two_prop_test(nd, rd_, ns, rs_),
    }
}

/// A representative statement of a group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepComment {
    pub comment_id: CommentId,
    /// `"agree"` or `"disagree"`: what the group does more than the others.
    pub repful: &'static str,
    /// Ratio of the group's probability to the others' (`ra` or `rd`).
    pub repness: f64,
    /// Two-proportion z of the group against the others (`rat` or `rdt`).
    pub repness_test: f64,
    /// Probability (with pseudo-count) of agreeing / disagreeing in the group.
    pub p_success: f64,
    /// One-proportion z of that probability against 1/2.
    pub p_test: f64,
    pub n_success: u32,
    pub n_trials: u32,
    /// Pol.is's "best agree" statement, put first.
    pub best_agree: bool,
}

fn finalize(tid: CommentId, s: &Stats) -> RepComment {
    let agree = s.rat > s.rdt;
    RepComment {
        comment_id: tid,
        repful: if agree { "agree" } else { "disagree" },
        repness: if agree { s.ra } else { s.rd },
        repness_test: if agree { s.rat } else { s.rdt },
        p_success: if agree { s.pa } else { s.pd },
        p_test: if agree { s.pat } else { s.pdt },
        n_success: if agree { s.na as u32 } else { s.nd as u32 },
        n_trials: s.ns as u32,
        best_agree: false,
    }
}

fn metric(r: &RepComment) -> f64 {
    r.repness * r.repness_test * r.p_success * r.p_test
}

fn beats_best_agr(s: &Stats, best: Option<&Stats>) -> bool {
    if s.na == 0.0 && s.nd == 0.0 {
        return false;
    }
    match best {
        Some(b) if b.ra > 1.0 => s.ra * s.rat * s.pa * s.pat > b.ra * b.rat * b.pa * b.pat,
        Some(b) => s.pa * s.pat > b.pa * b.pat,
        None => sig90(s.pat) || (s.ra > 1.0 && s.pa > 0.5),
    }
}

/// Pol.is's `select-rep-comments`: per group, statements passing both z-tests (agree or
/// disagree), best five by `repness × repness_test × p × p_test`, the best-agree statement first,
/// agrees before disagrees; falls back to the single best statement.
pub fn select_rep_comments(m: &VoteMatrix, counts: &[Vec<Counts>]) -> Vec<Vec<RepComment>> {
    let k = counts.len();
    (0..k)
        .map(|g| {
            let mut sufficient: Vec<RepComment> = Vec::new();
            let mut best: Option<RepComment> = None;
            let mut best_agree: Option<(CommentId, Stats)> = None;
            for j in 0..m.n_cols() {
                if m.moderated_out[j] {
                    continue;
                }
                let mut rest = Counts::default();
                for (h, c) in counts.iter().enumerate() {
                    if h != g {
                        rest.na += c[j].na;
                        rest.nd += c[j].nd;
                        rest.ns += c[j].ns;
                    }
                }
                let s = stats(counts[g][j], rest);
                let tid = m.comments[j];
                if (sig90(s.rat) && sig90(s.pat)) || (sig90(s.rdt) && sig90(s.pdt)) {
                    sufficient.push(finalize(tid, &s));
                }
                if sufficient.is_empty()
                    && best
                        .as_ref()
                        .is_none_or(|b| s.rat.max(s.rdt) > b.repness_test)
                {
                    best = Some(finalize(tid, &s));
                }
                if beats_best_agr(&s, best_agree.as_ref().map(|b| &b.1)) {
                    best_agree = Some((tid, s));
                }
            }
            let best_agree = best_agree.map(|(tid, s)| {
                let mut r = finalize(tid, &s);
                r.best_agree = true;
                r
            });
            if sufficient.is_empty() {
                return best_agree.or(best).into_iter().collect();
            }
            let ba_tid = best_agree.as_ref().map(|b| b.comment_id);
            let mut rest: Vec<RepComment> = sufficient
                .into_iter()
                .filter(|r| Some(r.comment_id) != ba_tid)
                .collect();
            rest.sort_by(|a, b| metric(b).total_cmp(&metric(a)));
            let top: Vec<RepComment> = best_agree.into_iter().chain(rest).take(5).collect();
            let (agree, disagree): (Vec<_>, Vec<_>) =
                top.into_iter().partition(|r| r.repful == "agree");
            agree.into_iter().chain(disagree).collect()
        })
        .collect()
}

/// Group-informed consensus of a statement.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConsensusComment {
    pub comment_id: CommentId,
    /// Product over groups of the group's agree probability `(A + 1) / (S + 2)`.
    pub group_informed_consensus: f64,
    /// Per group agree probability, in group order.
    pub group_agree: Vec<f64>,
}

/// Pol.is's group-aware consensus for every statement not moderated out, best first.
pub fn group_informed_consensus(m: &VoteMatrix, counts: &[Vec<Counts>]) -> Vec<ConsensusComment> {
    if counts.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<ConsensusComment> = (0..m.n_cols())
        .filter(|&j| !m.moderated_out[j])
        .map(|j| {
            let probs: Vec<f64> = counts
                .iter()
                .map(|c| (c[j].na as f64 + 1.0) / (c[j].ns as f64 + 2.0))
                .collect();
            ConsensusComment {
                comment_id: m.comments[j],
                group_informed_consensus: probs.iter().product(),
                group_agree: probs,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.group_informed_consensus
            .total_cmp(&a.group_informed_consensus)
            .then(a.comment_id.cmp(&b.comment_id))
    });
    out
}

/// A statement most participants agree (or disagree) with, significantly.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MajorityComment {
    pub comment_id: CommentId,
    pub n_success: u32,
    pub n_trials: u32,
    pub p_success: f64,
    pub p_test: f64,
}

/// Pol.is's `select-consensus-comments`: top five each way over all participants.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct MajorityConsensus {
    pub agree: Vec<MajorityComment>,
    pub disagree: Vec<MajorityComment>,
}

pub fn majority_consensus(m: &VoteMatrix) -> MajorityConsensus {
    let all: Vec<usize> = (0..m.n_rows()).collect();
    majority_consensus_of(m, &all)
}

/// [`majority_consensus`] over the participants in matrix rows `rows` only (Pol.is's production
/// math counts its clustered participants).
pub fn majority_consensus_of(m: &VoteMatrix, rows: &[usize]) -> MajorityConsensus {
    let counts = &group_counts(m, &[rows.to_vec()])[0];
    let pick = |agree: bool| {
        let mut v: Vec<(f64, MajorityComment)> = (0..m.n_cols())
            .filter(|&j| !m.moderated_out[j])
            .filter_map(|j| {
                let c = counts[j];
                let n = if agree { c.na } else { c.nd };
                let p = (n as f64 + 1.0) / (c.ns as f64 + 2.0);
                let t = prop_test(n as f64, c.ns as f64);
                (p > 0.5 && sig90(t)).then_some((
                    p * t,
                    MajorityComment {
                        comment_id: m.comments[j],
                        n_success: n,
                        n_trials: c.ns,
                        p_success: p,
                        p_test: t,
                    },
                ))
            })
            .collect();
        v.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.comment_id.cmp(&b.1.comment_id))
        });
        v.into_iter().take(5).map(|x| x.1).collect()
    };
    MajorityConsensus {
        agree: pick(true),
        disagree: pick(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_tests_match_hand_computation() {
        // prop-test(8, 10): 2*sqrt(11)*(9/11 - 0.5)
        let z = prop_test(8.0, 10.0);
        assert!((z - 2.0 * 11f64.sqrt() * (9.0 / 11.0 - 0.5)).abs() < 1e-12);
        // two-prop-test(8, 2, 10, 10): pi1 = 9/11, pi2 = 3/11, pi_hat = 12/22
        let p: f64 = 12.0 / 22.0;
        let want = (9.0 / 11.0 - 3.0 / 11.0) / (p * (1.0 - p) * (2.0 / 11.0)).sqrt();
        assert!((two_prop_test(8.0, 2.0, 10.0, 10.0) - want).abs() < 1e-12);
        assert_eq!(two_prop_test(3.0, 4.0, 3.0, 4.0), 0.0);
    }
}
