//! The Pol.is pipeline end to end: matrix → PCA → projection → in-conv participants →
//! base clusters (k = 100) → group clusters (k = 2..max_k by silhouette) → repness → consensus.

use crate::error::{ConsultError, Result};
use crate::math::{self, Cluster};
use crate::matrix::VoteMatrix;
use crate::polis::{CommentId, Export, ParticipantId};
use crate::repness::{self, ConsensusComment, MajorityConsensus, RepComment};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Tuning knobs; the defaults are Pol.is's.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Largest number of opinion groups tried (Pol.is: 5). Raise it for larger k.
    pub max_k: usize,
    /// Number of base clusters (Pol.is: 100).
    pub base_k: usize,
    /// Largest Krylov dimension of the Lanczos PCA (Pol.is: 100 power-iteration steps); stops
    /// as soon as both components have converged (typically 15–30).
    pub pca_iters: usize,
    /// k-means steps for base clusters (Pol.is: 100).
    pub base_iters: usize,
    /// k-means steps for group clusters (Pol.is: 20).
    pub group_iters: usize,
    /// A participant is clustered once they voted on `min(min_votes, n_statements)` (Pol.is: 7).
    pub min_votes: usize,
    /// If fewer are in, the top voters are added up to this many (Pol.is: 15).
    pub greedy_n: usize,
    /// Fix the number of groups instead of choosing it by silhouette.
    pub fixed_k: Option<usize>,
    /// Also give a group to participants below the vote threshold: the group whose centre is
    /// nearest to their projection (they are still listed in `unclustered`).
    pub assign_all: bool,
    /// A clustering whose smallest group holds less than this fraction of the clustered
    /// participants is not considered (stops a lone outlier from becoming a "group").
    pub min_group_fraction: f64,
    /// A larger k is chosen only when its silhouette beats the smaller one's by this much
    /// (Pol.is's k-smoother keeps the established k until another wins repeatedly; k grows from 2).
    pub k_margin: f64,
    /// How group k-means starts.
    pub group_init: GroupInit,
    /// After the groups are chosen on the base clusters, this many k-means steps on the clustered
    /// participants themselves, started from the group centres (0: membership stays at
    /// base-cluster granularity, as in Pol.is). Default 1, chosen by held-out evaluation
    /// ([`crate::tuning`], crate README): each participant joins the nearest group centre.
    pub refine_iters: usize,
    /// Seeded k-means++ starts tried for the group k-means besides `group_init`'s (the lowest
    /// within-group sum of squares among acceptable clusterings wins). Deterministic seeds.
    pub extra_starts: usize,
    /// Where the participant-level refinement starts.
    pub refine_start: RefineStart,
}

/// Start of the participant-level refinement (`Options::refine_iters`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefineStart {
    /// The centres of the groups chosen on the base clusters.
    GroupCentres,
    /// The first k distinct participant positions (red-dwarf's k-means start, on participants).
    FirstDistinct,
}

/// Start of the group k-means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupInit {
    /// First k distinct base-cluster centres (Pol.is's cold `init-clusters`).
    FirstDistinct,
    /// Grow from one cluster by opening new ones at the most distal point (Pol.is's
    /// `clean-start-clusters`, which is how its clusterings evolve as a conversation grows).
    MostDistal,
    /// Both starts; keep the clustering with the lower weighted within-group sum of squares.
    Best,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_k: 5,
            base_k: 100,
            pca_iters: 100,
            base_iters: 100,
            group_iters: 20,
            min_votes: 7,
            greedy_n: 15,
            fixed_k: None,
            assign_all: true,
            group_init: GroupInit::Best,
            k_margin: 0.05,
            min_group_fraction: 0.03,
            refine_iters: 1,
            extra_starts: 0,
            refine_start: RefineStart::GroupCentres,
        }
    }
}

/// One opinion group.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Group {
    pub id: usize,
    pub members: Vec<ParticipantId>,
    /// Centre in PCA space: the mean position of the members.
    pub center: [f64; 2],
    /// Representative statements (Pol.is repness), at most 5, agrees first.
    pub repness: Vec<RepComment>,
}

/// PCA output, with statements labelled.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PcaOut {
    /// Statement ids, in the order of `center` and of each component.
    pub comment_ids: Vec<CommentId>,
    pub components: Vec<Vec<f64>>,
    pub center: Vec<f64>,
    /// Every participant's position (sparsity-aware projection).
    pub projections: BTreeMap<ParticipantId, [f64; 2]>,
}

/// Silhouette of the clustering tried for one k.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KScore {
    pub k: usize,
    pub silhouette: f64,
}

/// The full result of [`analyze`]. Serialises to the `chamber consult analyze --json` object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Analysis {
    /// Participants with at least one vote.
    pub n_participants: usize,
    /// Statements with at least one vote that are not moderated out.
    pub n_statements: usize,
    /// Participants clustered (voted on at least min(7, statements)).
    pub n_in_conv: usize,
    pub n_votes: usize,
    /// Number of groups chosen.
    pub k: usize,
    /// Silhouette of the chosen clustering (on base-cluster centres, before the refinement on
    /// participants; see `Options::refine_iters`).
    pub silhouette: f64,
    pub k_scores: Vec<KScore>,
    pub n_base_clusters: usize,
    /// Participants below the vote threshold (not used to form groups; when `assign_all` is on
    /// they still get the nearest group in `participants`).
    pub unclustered: Vec<ParticipantId>,
    pub moderated_out: Vec<CommentId>,
    /// Participant id → group id, or `None` when not clustered.
    pub participants: BTreeMap<ParticipantId, Option<usize>>,
    pub groups: Vec<Group>,
    /// Group-informed consensus for every statement, best first.
    pub consensus: Vec<ConsensusComment>,
    /// Pol.is's overall majority statements (`select-consensus-comments`).
    pub majority: MajorityConsensus,
    pub pca: PcaOut,
    /// The base clusters' members (not serialised: checked against Pol.is's in tests).
    #[serde(skip)]
    pub base_clusters: Vec<Vec<ParticipantId>>,
}

/// Analyse an export with Pol.is's method. Pure and single-threaded: identical input gives
/// identical output.
pub fn analyze(export: &Export, opts: &Options) -> Result<Analysis> {
    let m = VoteMatrix::from_export(export);
    analyze_matrix(&m, opts)
}

/// State carried from one analysis to the next when votes arrive, as Pol.is carries it: PCA
/// components (start of the next power iteration), the participants already clustered (once in,
/// they stay in), the base clusters and the group clustering for each k (next k-means starts,
/// via `clean-start-clusters`), and the k-smoother (a new k is adopted only after it wins
/// [`K_BUFFER`] updates in a row).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WarmState {
    comment_ids: Vec<CommentId>,
    comps: Vec<Vec<f64>>,
    in_conv: BTreeSet<ParticipantId>,
    base: Vec<Vec<ParticipantId>>,
    groups: BTreeMap<usize, Vec<Vec<ParticipantId>>>,
    last_k: Option<usize>,
    last_k_count: usize,
    smoothed_k: Option<usize>,
}

/// Pol.is's `group-k-buffer`.
pub const K_BUFFER: usize = 4;

/// Cold analysis of a prepared matrix.
pub fn analyze_matrix(m: &VoteMatrix, opts: &Options) -> Result<Analysis> {
    analyze_warm(m, opts, None).map(|(a, _)| a)
}

/// Analysis continuing from the state of the previous update (`None`: cold start). Returns the
/// analysis and the state for the next update. Deterministic: same inputs and state, same output.
pub fn analyze_warm(
    m: &VoteMatrix,
    opts: &Options,
    warm: Option<&WarmState>,
) -> Result<(Analysis, WarmState)> {
    if opts.max_k < 2 {
        return Err(ConsultError::BadOption(format!(
            "max_k must be at least 2, got {}",
            opts.max_k
        )));
    }
    if opts.base_k < 2 {
        return Err(ConsultError::BadOption(format!(
            "base_k must be at least 2, got {}",
            opts.base_k
        )));
    }
    let n_cols = m.n_cols();
    // Warm PCA start: previous component values by statement id, 1 for new statements (as Pol.is pads).
    let start: Option<Vec<Vec<f64>>> = warm.filter(|w| !w.comps.is_empty()).map(|w| {
        w.comps
            .iter()
            .map(|c| {
                m.comments
                    .iter()
                    .map(|tid| w.comment_ids.binary_search(tid).map_or(1.0, |i| c[i]))
                    .collect()
            })
            .collect()
    });
    let pca = math::pca(m, 2, opts.pca_iters, start.as_deref());
    let proj = math::project(m, &pca);

    // In-conv: voted on at least min(7, n statements) (counting every vote, as Pol.is's raw matrix),
    // topped up greedily with the most active voters to `greedy_n`.
    let threshold = opts.min_votes.min(n_cols);
    let counts: Vec<usize> = m.rows.iter().map(Vec::len).collect();
    let mut in_conv: Vec<bool> = counts
        .iter()
        .zip(&m.participants)
        .map(|(&c, p)| (c >= threshold && c > 0) || warm.is_some_and(|w| w.in_conv.contains(p)))
        .collect();
    let n_in = in_conv.iter().filter(|x| **x).count();
    if n_in < opts.greedy_n {
        let mut rest: Vec<usize> = (0..m.n_rows())
            .filter(|&i| !in_conv[i] && counts[i] > 0)
            .collect();
        rest.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        for i in rest.into_iter().take(opts.greedy_n - n_in) {
            in_conv[i] = true;
        }
    }
    let in_idx: Vec<usize> = (0..m.n_rows()).filter(|&i| in_conv[i]).collect();
    let in_pts: Vec<[f64; 2]> = in_idx.iter().map(|&i| proj[i]).collect();

    // Position of a participant among the clustered points.
    let point_of = |pid: &ParticipantId| -> Option<usize> {
        m.participants
            .binary_search(pid)
            .ok()
            .and_then(|r| in_idx.binary_search(&r).ok())
    };
    // Centre of a previous member list on the current positions (None when none is left).
    let recentre = |members: &[ParticipantId]| -> Option<[f64; 2]> {
        let pts: Vec<[f64; 2]> = members
            .iter()
            .filter_map(point_of)
            .map(|i| in_pts[i])
            .collect();
        (!pts.is_empty()).then(|| {
            let n = pts.len() as f64;
            [
                pts.iter().map(|p| p[0]).sum::<f64>() / n,
                pts.iter().map(|p| p[1]).sum::<f64>() / n,
            ]
        })
    };

    // Base clusters, then group clusters over base-cluster centres weighted by size.
    let base_init = warm.filter(|w| !w.base.is_empty()).map(|w| {
        let prev: Vec<[f64; 2]> = w.base.iter().filter_map(|c| recentre(c)).collect();
        math::clean_start(&in_pts, prev, opts.base_k)
    });
    let base: Vec<Cluster> = math::kmeans(&in_pts, None, opts.base_k, opts.base_iters, base_init);
    let base_pts: Vec<[f64; 2]> = base.iter().map(|c| c.center).collect();
    let base_w: Vec<f64> = base.iter().map(|c| c.members.len() as f64).collect();
    let max_k = opts.max_k.min(2 + base.len() / 12);
    let total_w: f64 = base_w.iter().sum();
    let mut k_scores: Vec<KScore> = Vec::new();
    let mut best: Option<Clustering> = None;
    let mut clusterings: BTreeMap<usize, Clustering> = BTreeMap::new();
    let ks = match opts.fixed_k {
        Some(k) => k..=k,
        None => 2..=max_k,
    };
    for k in ks {
        if base.len() < k {
            break;
        }
        let run = |init| math::kmeans(&base_pts, Some(&base_w), k, opts.group_iters, init);
        let warm_start = warm.and_then(|w| w.groups.get(&k)).map(|prev| {
            let prev: Vec<[f64; 2]> = prev.iter().filter_map(|g| recentre(g)).collect();
            math::clean_start(&base_pts, prev, k)
        });
        let mut candidates = match (warm_start, opts.group_init) {
            // Warm: continue from the previous clustering only (Pol.is), cold starts as fallback.
            (Some(init), _) => vec![
                run(Some(init)),
                run(None),
                run(Some(math::most_distal_init(&base_pts, Some(&base_w), k))),
            ],
            (None, g) => match g {
                GroupInit::FirstDistinct => vec![run(None)],
                GroupInit::MostDistal => vec![run(Some(math::most_distal_init(
                    &base_pts,
                    Some(&base_w),
                    k,
                )))],
                GroupInit::Best => vec![
                    run(None),
                    run(Some(math::most_distal_init(&base_pts, Some(&base_w), k))),
                ],
            },
        };
        let warm_first = warm.is_some_and(|w| w.groups.contains_key(&k));
        if !warm_first {
            candidates.extend((0..opts.extra_starts as u64).map(|seed| {
                run(Some(math::kmeans_pp_init(
                    &base_pts,
                    Some(&base_w),
                    k,
                    seed,
                )))
            }));
        }
        // Keep full clusterings without tiny groups; among those the lowest within-group sum of squares.
        let min_size = (opts.min_group_fraction * total_w).max(1.0);
        let mut g: Option<(f64, Vec<Cluster>)> = None; // (inertia, groups)
        for c in candidates {
            if c.len() < k {
                continue;
            }
            let smallest = c
                .iter()
                .map(|cl| cl.members.iter().map(|&b| base_w[b]).sum::<f64>())
                .fold(f64::INFINITY, f64::min);
            if smallest < min_size {
                continue;
            }
            let i = math::inertia(&base_pts, Some(&base_w), &c);
            if g.as_ref().is_none_or(|(gi, _)| i < *gi) {
                g = Some((i, c));
            }
            if warm_first {
                break; // the warm clustering is acceptable: keep it
            }
        }
        let Some((_, g)) = g else { continue };
        if g.len() < k {
            continue;
        }
        let scored = Clustering {
            silhouette: math::silhouette(&base_pts, &g),
            groups: g,
        };
        k_scores.push(KScore {
            k,
            silhouette: scored.silhouette,
        });
        if best
            .as_ref()
            .is_none_or(|b| scored.silhouette > b.silhouette + opts.k_margin)
        {
            best = Some(scored.clone());
        }
        clusterings.insert(k, scored);
    }
    // The k-smoother (warm updates only): keep the established k until another wins K_BUFFER times.
    let this_k = best.as_ref().map(|b| b.groups.len());
    let (last_k, last_k_count, smoothed_k) = match warm {
        Some(w) if opts.fixed_k.is_none() => {
            let count = if this_k.is_some() && this_k == w.last_k {
                w.last_k_count + 1
            } else {
                1
            };
            let smoothed = if count >= K_BUFFER {
                this_k
            } else {
                w.smoothed_k.or(this_k)
            };
            (this_k, count, smoothed)
        }
        _ => (this_k, 1, this_k),
    };
    if let Some(k) = smoothed_k
        && Some(k) != this_k
        && let Some(c) = clusterings.get(&k)
    {
        best = Some(c.clone());
    }
    let Clustering {
        silhouette,
        groups: group_clusters,
    } = match best {
        Some(b) => b,
        None if !base.is_empty() => Clustering {
            // Fewer than two distinct positions: one group holding everyone clustered.
            silhouette: 0.0,
            groups: vec![Cluster {
                id: 0,
                members: (0..base.len()).collect(),
                center: weighted_center(&base_pts, &base_w),
            }],
        },
        None => Clustering {
            silhouette: 0.0,
            groups: Vec::new(),
        },
    };

    // Group membership in clustered-point indices: through the base clusters (Pol.is), then
    // refined on the participants themselves (see `Options::refine_iters`).
    let mut group_points: Vec<Vec<usize>> = group_clusters
        .iter()
        .map(|g| {
            g.members
                .iter()
                .flat_map(|&b| base[b].members.iter().copied())
                .collect()
        })
        .collect();
    let mut group_centers: Vec<[f64; 2]> = group_clusters.iter().map(|g| g.center).collect();
    if opts.refine_iters > 0 && group_clusters.len() >= 2 {
        let k = group_clusters.len();
        let refined = math::kmeans(
            &in_pts,
            None,
            k,
            opts.refine_iters,
            match opts.refine_start {
                RefineStart::GroupCentres => Some(group_centers.clone()),
                RefineStart::FirstDistinct => None,
            },
        );
        // Keep the refinement only when no group emptied (it then has the same k).
        if refined.len() == k {
            group_points = refined.iter().map(|c| c.members.clone()).collect();
            group_centers = refined.iter().map(|c| c.center).collect();
        }
    }

    // Group membership in matrix-row indices.
    let mut row_group: Vec<Option<usize>> = vec![None; m.n_rows()];
    let mut group_rows: Vec<Vec<usize>> = Vec::new();
    for (gid, pts) in group_points.iter().enumerate() {
        let mut rows: Vec<usize> = pts.iter().map(|&p| in_idx[p]).collect();
        for &r in &rows {
            row_group[r] = Some(gid);
        }
        rows.sort_unstable();
        group_rows.push(rows);
    }

    // Participants below the threshold: attach to the nearest group centre (Pol.is's own
    // exports of older conversations group them too). Repness and consensus use clustered ones only.
    let unclustered: Vec<ParticipantId> = (0..m.n_rows())
        .filter(|&r| !in_conv[r])
        .map(|r| m.participants[r])
        .collect();
    let mut final_group = row_group.clone();
    if opts.assign_all && !group_centers.is_empty() {
        for r in 0..m.n_rows() {
            if final_group[r].is_none() {
                let mut best = (f64::INFINITY, 0usize);
                for (gid, c) in group_centers.iter().enumerate() {
                    let d = (proj[r][0] - c[0]).powi(2) + (proj[r][1] - c[1]).powi(2);
                    if d < best.0 {
                        best = (d, gid);
                    }
                }
                final_group[r] = Some(best.1);
            }
        }
    }

    let counts_per_group = repness::group_counts(m, &group_rows);
    let reps = repness::select_rep_comments(m, &counts_per_group);
    let consensus = repness::group_informed_consensus(m, &counts_per_group);
    let majority = repness::majority_consensus(m);

    let groups = group_centers
        .iter()
        .enumerate()
        .map(|(gid, &center)| Group {
            id: gid,
            members: group_rows[gid].iter().map(|&r| m.participants[r]).collect(),
            center,
            repness: reps[gid].clone(),
        })
        .collect();

    let participants = m
        .participants
        .iter()
        .zip(&final_group)
        .map(|(&p, &g)| (p, g))
        .collect();
    let projections = m
        .participants
        .iter()
        .zip(&proj)
        .map(|(&p, &xy)| (p, xy))
        .collect();
    let moderated_out = m
        .comments
        .iter()
        .zip(&m.moderated_out)
        .filter(|(_, mo)| **mo)
        .map(|(c, _)| *c)
        .collect();
    let pids_of = |base_ids: &[usize]| -> Vec<ParticipantId> {
        let mut v: Vec<ParticipantId> = base_ids
            .iter()
            .flat_map(|&b| base[b].members.iter().map(|&p| m.participants[in_idx[p]]))
            .collect();
        v.sort_unstable();
        v
    };
    let next = WarmState {
        comment_ids: m.comments.clone(),
        comps: pca.comps.clone(),
        in_conv: in_idx.iter().map(|&r| m.participants[r]).collect(),
        base: (0..base.len()).map(|b| pids_of(&[b])).collect(),
        groups: clusterings
            .iter()
            .map(|(&k, c)| (k, c.groups.iter().map(|g| pids_of(&g.members)).collect()))
            .collect(),
        last_k,
        last_k_count,
        smoothed_k,
    };
    let analysis = Analysis {
        n_participants: m.n_rows(),
        n_statements: m.moderated_out.iter().filter(|x| !**x).count(),
        n_in_conv: in_idx.len(),
        n_votes: m.nnz(),
        k: group_clusters.len(),
        silhouette,
        k_scores,
        n_base_clusters: base.len(),
        unclustered,
        moderated_out,
        participants,
        groups,
        consensus,
        majority,
        pca: PcaOut {
            comment_ids: m.comments.clone(),
            components: pca.comps,
            center: pca.center,
            projections,
        },
        base_clusters: next.base.clone(),
    };
    Ok((analysis, next))
}

/// A group clustering of the base clusters for one k, with its silhouette.
#[derive(Clone, Debug)]
struct Clustering {
    silhouette: f64,
    groups: Vec<Cluster>,
}

fn weighted_center(points: &[[f64; 2]], w: &[f64]) -> [f64; 2] {
    let sw: f64 = w.iter().sum();
    if sw == 0.0 {
        return [0.0, 0.0];
    }
    let sx: f64 = points.iter().zip(w).map(|(p, w)| p[0] * w).sum();
    let sy: f64 = points.iter().zip(w).map(|(p, w)| p[1] * w).sum();
    [sx / sw, sy / sw]
}
