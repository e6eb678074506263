//! The sparse vote matrix the math works on.

use crate::polis::{CommentId, Export, ParticipantId};

/// Participants × statements, stored sparsely (one sorted row of `(column, vote)` per participant).
///
/// Rows are participants in increasing id order (Pol.is ids grow with arrival), columns are the
/// statements that received at least one vote, in increasing id order. Votes are `+1` agree,
/// `-1` disagree, `0` pass; a missing entry is "not voted".
#[derive(Clone, Debug)]
pub struct VoteMatrix {
    pub participants: Vec<ParticipantId>,
    pub comments: Vec<CommentId>,
    /// Per column: moderated out (excluded from the math, like Pol.is's `mod-out`).
    pub moderated_out: Vec<bool>,
    pub rows: Vec<Vec<(u32, i8)>>,
}

impl VoteMatrix {
    /// Build the matrix from the current votes of an export.
    pub fn from_export(export: &Export) -> Self {
        let mut comments: Vec<CommentId> = export.votes.keys().map(|&(_, tid)| tid).collect();
        comments.sort_unstable();
        comments.dedup();
        let moderated_out = comments
            .iter()
            .map(|tid| {
                export
                    .comments
                    .get(tid)
                    .is_some_and(|c| c.is_moderated_out())
            })
            .collect();
        let mut participants = Vec::new();
        let mut rows: Vec<Vec<(u32, i8)>> = Vec::new();
        // BTreeMap iteration is sorted by (pid, tid): rows come out grouped and sorted.
        for (&(pid, tid), vote) in &export.votes {
            if participants.last() != Some(&pid) {
                participants.push(pid);
                rows.push(Vec::new());
            }
            let j = comments
                .binary_search(&tid)
                .expect("every voted comment is a column") as u32;
            rows.last_mut()
                .expect("row pushed above")
                .push((j, vote.value()));
        }
        VoteMatrix {
            participants,
            comments,
            moderated_out,
            rows,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    pub fn n_cols(&self) -> usize {
        self.comments.len()
    }

    /// Number of votes.
    pub fn nnz(&self) -> usize {
        self.rows.iter().map(Vec::len).sum()
    }
}
