//! Choosing the analysis defaults by held-out evaluation over conversations.
//!
//! Every setting that departs from Pol.is (or picks among its variants) is a candidate in
//! [`candidates`]. A candidate is scored on each conversation (agreement with Pol.is's own
//! groups, `scripts/consult-ari`); [`choose`] takes the candidate with the best mean score over a
//! set of conversations, and [`leave_one_out`] chooses on all conversations but one and measures
//! on the one left out, for each conversation in turn. The held-out scores estimate how the
//! selection does on a conversation it was not tuned on; [`Options::default`] is what [`choose`]
//! picks on all of them (the README gives both numbers).

use crate::analysis::{GroupInit, Options, RefineStart};

/// One candidate setting of the analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The refinement setting, e.g. `refine=1` or `refine=20 from=first`: candidates of one
    /// family differ only in the group stage's other settings.
    pub family: String,
    /// The settings that differ between candidates, e.g.
    /// `refine=0 starts=first+distal extra=0 margin=0.05 min_group=0.03`.
    pub label: String,
    pub options: Options,
}

/// Participant-level refinement steps tried (0: Pol.is's base-cluster membership).
pub const REFINE_ITERS: [usize; 5] = [0, 1, 2, 5, 20];
/// Starts of the refinement tried (when it runs).
pub const REFINE_STARTS: [RefineStart; 2] = [RefineStart::GroupCentres, RefineStart::FirstDistinct];
/// Group k-means starts tried.
pub const GROUP_INITS: [GroupInit; 3] = [
    GroupInit::FirstDistinct,
    GroupInit::MostDistal,
    GroupInit::Best,
];
/// Seeded k-means++ starts added.
pub const EXTRA_STARTS: [usize; 2] = [0, 8];
/// Silhouette margin a larger k must win by.
pub const K_MARGINS: [f64; 3] = [0.0, 0.05, 0.1];
/// Smallest acceptable group, as a fraction of the clustered participants.
pub const MIN_GROUP_FRACTIONS: [f64; 3] = [0.0, 0.03, 0.06];

fn init_label(g: GroupInit) -> &'static str {
    match g {
        GroupInit::FirstDistinct => "first",
        GroupInit::MostDistal => "distal",
        GroupInit::Best => "first+distal",
    }
}

/// The grid of candidates (every combination of the constants above; Pol.is's other settings
/// as in [`Options::default`]), Pol.is's own cold behaviour first.
pub fn candidates() -> Vec<Candidate> {
    let mut out = Vec::new();
    let refine_starts = |iters: usize| {
        if iters == 0 {
            &REFINE_STARTS[..1]
        } else {
            &REFINE_STARTS[..]
        }
    };
    for refine_iters in REFINE_ITERS {
        for &refine_start in refine_starts(refine_iters) {
            for group_init in GROUP_INITS {
                for extra_starts in EXTRA_STARTS {
                    for k_margin in K_MARGINS {
                        for min_group_fraction in MIN_GROUP_FRACTIONS {
                            let family = format!(
                                "refine={refine_iters}{}",
                                if refine_start == RefineStart::FirstDistinct {
                                    " from=first"
                                } else {
                                    ""
                                }
                            );
                            out.push(Candidate {
                            label: format!(
                                "{family} starts={} extra={extra_starts} margin={k_margin} min_group={min_group_fraction}",
                                init_label(group_init)
                            ),
                            family,
                            options: Options {
                                refine_iters,
                                group_init,
                                extra_starts,
                                k_margin,
                                min_group_fraction,
                                refine_start,
                                ..Options::default()
                            },
                        });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The candidate with the highest mean score over the conversations `include` admits
/// (`scores[candidate][conversation]`); the first in order on ties. `None` when there are no
/// candidates or no conversations.
pub fn choose(scores: &[Vec<f64>], include: impl Fn(usize) -> bool) -> Option<usize> {
    let all: Vec<usize> = (0..scores.len()).collect();
    choose_among(scores, &all, include)
}

/// [`choose`] among the candidates listed in `among` (in that order).
pub fn choose_among(
    scores: &[Vec<f64>],
    among: &[usize],
    include: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for &c in among {
        let row = &scores[c];
        let used: Vec<f64> = row
            .iter()
            .enumerate()
            .filter(|(v, _)| include(*v))
            .map(|(_, s)| *s)
            .collect();
        if used.is_empty() {
            return None;
        }
        let mean = used.iter().sum::<f64>() / used.len() as f64;
        if best.is_none_or(|(b, _)| mean > b) {
            best = Some((mean, c));
        }
    }
    best.map(|(_, c)| c)
}

/// One fold of [`leave_one_out`].
#[derive(Clone, Debug, PartialEq)]
pub struct Fold {
    /// The conversation left out.
    pub held_out: usize,
    /// The candidate chosen on the others.
    pub chosen: usize,
    /// The chosen candidate's score on the conversation left out.
    pub score: f64,
}

/// For each conversation: choose on all the others, score on it.
pub fn leave_one_out(scores: &[Vec<f64>]) -> Vec<Fold> {
    let all: Vec<usize> = (0..scores.len()).collect();
    leave_one_out_among(scores, &all)
}

/// [`leave_one_out`] choosing among the candidates listed in `among` only.
pub fn leave_one_out_among(scores: &[Vec<f64>], among: &[usize]) -> Vec<Fold> {
    let n = scores.first().map_or(0, Vec::len);
    (0..n)
        .filter_map(|v| {
            let chosen = choose_among(scores, among, |u| u != v)?;
            Some(Fold {
                held_out: v,
                chosen,
                score: scores[chosen][v],
            })
        })
        .collect()
}

/// Issue 15's bar for held-out agreement against a peer (red-dwarf): the median is at least the
/// peer's, and on every conversation where the peer reaches 0.8 the score is within 0.05 of it or
/// above. Returns the conversations that miss it (`usize::MAX` stands for the median), empty when
/// the bar is met. `peer[v]` is `None` where the peer has no score.
pub fn misses_bar(held_out: &[f64], peer: &[Option<f64>]) -> Vec<usize> {
    let mut out = Vec::new();
    let peers: Vec<f64> = peer.iter().flatten().copied().collect();
    if !peers.is_empty() && median(held_out) < median(&peers) {
        out.push(usize::MAX);
    }
    for (v, (h, p)) in held_out.iter().zip(peer).enumerate() {
        if let Some(p) = p
            && *p >= 0.8
            && *h < p - 0.05
        {
            out.push(v);
        }
    }
    out
}

/// One refinement family's held-out result: its other settings chosen by [`leave_one_out_among`].
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyResult {
    pub family: String,
    pub folds: Vec<Fold>,
    /// Held-out mean score.
    pub mean: f64,
    /// Conversations that miss the peer bar ([`misses_bar`]).
    pub misses: Vec<usize>,
    /// The family's choice on all conversations.
    pub on_all: usize,
}

/// Every family's held-out result, in candidate order.
pub fn family_results(
    grid: &[Candidate],
    scores: &[Vec<f64>],
    peer: &[Option<f64>],
) -> Vec<FamilyResult> {
    let mut families: Vec<&str> = Vec::new();
    for c in grid {
        if !families.contains(&c.family.as_str()) {
            families.push(&c.family);
        }
    }
    families
        .into_iter()
        .filter_map(|f| {
            let among: Vec<usize> = (0..grid.len()).filter(|&c| grid[c].family == f).collect();
            let folds = leave_one_out_among(scores, &among);
            let held: Vec<f64> = folds.iter().map(|x| x.score).collect();
            Some(FamilyResult {
                family: f.to_string(),
                mean: held.iter().sum::<f64>() / held.len().max(1) as f64,
                misses: misses_bar(&held, peer),
                on_all: choose_among(scores, &among, |_| true)?,
                folds,
            })
        })
        .collect()
}

/// The family that wins held out: among those meeting the peer bar, the highest held-out mean
/// (all of them when none meets it); the first on ties.
pub fn winning_family(results: &[FamilyResult]) -> Option<&FamilyResult> {
    let meeting: Vec<&FamilyResult> = results.iter().filter(|r| r.misses.is_empty()).collect();
    let pool: Vec<&FamilyResult> = if meeting.is_empty() {
        results.iter().collect()
    } else {
        meeting
    };
    let mut best: Option<&FamilyResult> = None;
    for r in pool {
        if best.is_none_or(|b| r.mean > b.mean) {
            best = Some(r);
        }
    }
    best
}

/// The two-level choice itself held out: for each conversation, the families' held-out results,
/// the bar and the winning family's choice are all computed on the other conversations only, and
/// the choice is scored on the one left out. (The outer choice in [`winning_family`] sees every
/// conversation; this is its fully held-out check.)
pub fn nested_leave_one_out(
    grid: &[Candidate],
    scores: &[Vec<f64>],
    peer: &[Option<f64>],
) -> Vec<Fold> {
    let n = scores.first().map_or(0, Vec::len);
    (0..n)
        .filter_map(|v| {
            let drop = |row: &[f64]| -> Vec<f64> {
                row.iter()
                    .enumerate()
                    .filter(|(u, _)| *u != v)
                    .map(|(_, x)| *x)
                    .collect()
            };
            let sub: Vec<Vec<f64>> = scores.iter().map(|r| drop(r)).collect();
            let sub_peer: Vec<Option<f64>> = peer
                .iter()
                .enumerate()
                .filter(|(u, _)| *u != v)
                .map(|(_, p)| *p)
                .collect();
            let results = family_results(grid, &sub, &sub_peer);
            let chosen = winning_family(&results)?.on_all;
            Some(Fold {
                held_out: v,
                chosen,
                score: scores[chosen][v],
            })
        })
        .collect()
}

/// Median of a list (mean of the middle two for an even count); `NaN` when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_holds_every_combination_and_the_default() {
        let c = candidates();
        assert_eq!(
            c.len(),
            (1 + (REFINE_ITERS.len() - 1) * REFINE_STARTS.len())
                * GROUP_INITS.len()
                * EXTRA_STARTS.len()
                * K_MARGINS.len()
                * MIN_GROUP_FRACTIONS.len()
        );
        assert!(
            c.iter().any(|c| c.options == Options::default()),
            "the shipped default is one of the candidates"
        );
        assert!(c.iter().all(|c| c.label.starts_with(&c.family)));
        let mut labels: Vec<&str> = c.iter().map(|c| c.label.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), c.len(), "labels are distinct");
    }

    #[test]
    fn leave_one_out_never_looks_at_the_held_out_conversation() {
        // Candidate 0 is good everywhere but on conversation 2; candidate 1 is tuned to
        // conversation 2 (a huge score there, poor elsewhere).
        let scores = vec![vec![0.9, 0.8, 0.1, 0.85], vec![0.2, 0.3, 10.0, 0.1]];
        // On all four, candidate 1's mean (2.65) wins: an in-sample choice fitted to one outlier.
        assert_eq!(choose(&scores, |_| true), Some(1));
        let folds = leave_one_out(&scores);
        assert_eq!(folds.len(), 4);
        // Leaving conversation 2 out, candidate 0 is chosen and scored on 2.
        assert_eq!(
            folds[2],
            Fold {
                held_out: 2,
                chosen: 0,
                score: 0.1
            }
        );
        // Leaving any other out, candidate 1 (carried by conversation 2) is chosen.
        assert_eq!(folds[0].chosen, 1);
        assert_eq!(folds[0].score, 0.2);
        assert!((median(&[0.2, 0.3, 0.1, 0.1]) - 0.15).abs() < 1e-12);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn the_winning_family_meets_the_peer_bar_before_the_mean() {
        let grid: Vec<Candidate> = ["a", "a", "b"]
            .iter()
            .enumerate()
            .map(|(i, f)| Candidate {
                family: f.to_string(),
                label: format!("{f} {i}"),
                options: Options::default(),
            })
            .collect();
        // Family a has the higher mean but falls 0.07 short of the peer on conversation 1.
        let scores = vec![
            vec![0.9, 0.93, 0.2],
            vec![0.8, 0.90, 0.1],
            vec![0.5, 0.96, 0.3],
        ];
        let peer = [Some(0.5), Some(1.0), Some(0.1)];
        let r = family_results(&grid, &scores, &peer);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].family, "a");
        assert_eq!(r[0].misses, vec![1]);
        assert!(r[0].mean > r[1].mean);
        assert!(r[1].misses.is_empty());
        assert_eq!(winning_family(&r).unwrap().family, "b");
        // Held out too: without conversation 1 nothing shows family a's shortfall, so it wins.
        let nested = nested_leave_one_out(&grid, &scores, &peer);
        assert_eq!(grid[nested[1].chosen].family, "a");
        assert_eq!(nested[1].score, scores[nested[1].chosen][1]);
        assert_eq!(grid[nested[0].chosen].family, "b");
        assert_eq!(
            misses_bar(&[0.1, 0.2], &[Some(0.5), Some(0.5)]),
            vec![usize::MAX]
        );
    }

    #[test]
    fn ties_go_to_the_earlier_candidate() {
        let scores = vec![vec![0.5, 0.5], vec![0.5, 0.5], vec![0.4, 0.6]];
        assert_eq!(choose(&scores, |_| true), Some(0));
        assert_eq!(choose(&[], |_| true), None);
        assert_eq!(choose(&scores, |_| false), None);
    }
}
