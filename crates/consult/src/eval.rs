//! Evaluation helpers: adjusted Rand index, Pol.is's reference groups, vote dropping for
//! stability checks. This is the ONLY module that reads Pol.is's `group-id` column; the
//! analysis never calls it.

use crate::analysis::Analysis;
use crate::csv;
use crate::error::{ConsultError, Result};
use crate::math::splitmix64;
use crate::polis::{Export, ParticipantId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The eight conversations whose Pol.is groups are well separated (issue 6's ARI ≥ 0.8 goal).
pub const WELL_SEPARATED: [&str; 8] = [
    "austria-climate.2vkxcncppn",
    "austria-climate.5twd2jsnkf",
    "austria-climate.7z7ejpbmv5",
    "bg2050-volunteers",
    "canadian-electoral-reform",
    "football-concussions",
    "scoop-hivemind.biodiversity",
    "scoop-hivemind.taxes",
];

/// Adjusted Rand index (Hubert & Arabie) between two labellings of the same items.
/// Returns 1.0 when both put everything in a single cluster (or there are fewer than 2 items).
pub fn adjusted_rand_index<A: Ord, B: Ord>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "labellings must have the same length");
    let n = a.len();
    if n < 2 {
        return 1.0;
    }
    let mut table: BTreeMap<(&A, &B), u64> = BTreeMap::new();
    let mut ra: BTreeMap<&A, u64> = BTreeMap::new();
    let mut rb: BTreeMap<&B, u64> = BTreeMap::new();
    for (x, y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1;
        *ra.entry(x).or_default() += 1;
        *rb.entry(y).or_default() += 1;
    }
    let c2 = |x: u64| (x * x.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.values().map(|&v| c2(v)).sum();
    let sa: f64 = ra.values().map(|&v| c2(v)).sum();
    let sb: f64 = rb.values().map(|&v| c2(v)).sum();
    let total = c2(n as u64);
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Pol.is's own group per participant, from `participants-votes.csv`'s `group-id` column
/// (`None` when Pol.is did not group the participant). Evaluation only.
pub fn reference_groups(dir: &Path) -> Result<BTreeMap<ParticipantId, Option<u64>>> {
    let path = dir.join("participants-votes.csv");
    let mut out = BTreeMap::new();
    let get = |rec: &csv::Record, i: usize, name: &str| -> Result<Option<u64>> {
        let raw = rec.fields.get(i).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse().map(Some).map_err(|_| {
            ConsultError::bad(&path, rec.line, name, format!("not an integer: {raw:?}"))
        })
    };
    csv::read_with(
        &path,
        |header| {
            let col = |name: &str| {
                header
                    .fields
                    .iter()
                    .position(|f| f.trim() == name)
                    .ok_or_else(|| ConsultError::MissingColumn {
                        path: path.clone(),
                        column: name.into(),
                    })
            };
            Ok((col("participant")?, col("group-id")?))
        },
        |&(pc, gc), rec| {
            let pid = get(rec, pc, "participant")?
                .ok_or_else(|| ConsultError::bad(&path, rec.line, "participant", "empty"))?;
            out.insert(pid, get(rec, gc, "group-id")?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// ARI of our groups against Pol.is's, over the participants Pol.is grouped. Participants we
/// left unclustered count as one extra label. Returns `(ari, participants compared)`.
pub fn ari_against(
    analysis: &Analysis,
    reference: &BTreeMap<ParticipantId, Option<u64>>,
) -> (f64, usize) {
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for (pid, g) in reference {
        if let Some(g) = g {
            theirs.push(*g);
            ours.push(
                analysis
                    .participants
                    .get(pid)
                    .copied()
                    .flatten()
                    .map_or(-1, |x| x as i64),
            );
        }
    }
    (adjusted_rand_index(&ours, &theirs), ours.len())
}

/// ARI between two analyses' groupings over the participants clustered (above the vote
/// threshold) in `a`.
pub fn ari_between(a: &Analysis, b: &Analysis) -> f64 {
    let unclustered: std::collections::BTreeSet<_> = a.unclustered.iter().collect();
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (pid, g) in &a.participants {
        if unclustered.contains(pid) {
            continue;
        }
        if let Some(g) = g {
            x.push(*g as i64);
            y.push(
                b.participants
                    .get(pid)
                    .copied()
                    .flatten()
                    .map_or(-1, |v| v as i64),
            );
        }
    }
    adjusted_rand_index(&x, &y)
}

/// A copy of the export with a seeded pseudo-random `fraction` of the votes removed.
pub fn drop_votes(export: &Export, fraction: f64, seed: u64) -> Export {
    let threshold = (fraction.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    let votes = export
        .votes
        .iter()
        .filter(|((pid, tid), _)| {
            let h = splitmix64(seed ^ splitmix64(pid.wrapping_mul(1_000_003) ^ splitmix64(*tid)));
            h >= threshold
        })
        .map(|(k, v)| (*k, *v))
        .collect();
    Export {
        comments: export.comments.clone(),
        votes,
        source: export.source,
    }
}

/// Conversation folders under `root` that carry a vote matrix, sorted by name.
pub fn conversations_with_votes(root: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(root).map_err(|source| ConsultError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("votes.csv").exists() || p.join("participants-votes.csv").exists())
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_hand_examples() {
        // Identical partitions, relabelled.
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[5, 5, 3, 3]), 1.0);
        // Classic example (sklearn docs): [0,0,1,1] vs [0,0,1,2] → 0.5714285714
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 4.0 / 7.0).abs() < 1e-12, "{v}");
        // Complete disagreement: [0,0,0,0] vs [0,1,2,3] → 0
        assert_eq!(adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0);
        // Crossed partitions score negative: [0,0,1,1] vs [0,1,0,1] → -0.5
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]);
        assert!((v + 0.5).abs() < 1e-12, "{v}");
        // Hand-computed 6-item case: [0,0,0,1,1,1] vs [0,0,1,1,2,2] → 0.24242424...
        let v = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        assert!((v - 8.0 / 33.0).abs() < 1e-12, "{v}");
    }

    #[test]
    fn drop_votes_is_seeded_and_close_to_the_fraction() {
        use crate::polis::{Vote, VoteSource};
        let votes = (0..100u64)
            .flat_map(|p| (0..100u64).map(move |t| ((p, t), Vote::Agree)))
            .collect();
        let e = Export {
            comments: BTreeMap::new(),
            votes,
            source: VoteSource::Memory,
        };
        let a = drop_votes(&e, 0.05, 1);
        let b = drop_votes(&e, 0.05, 1);
        let c = drop_votes(&e, 0.05, 2);
        assert_eq!(a.votes, b.votes);
        assert_ne!(a.votes, c.votes);
        let dropped = 10_000 - a.votes.len();
        assert!((400..600).contains(&dropped), "{dropped}");
    }
}
