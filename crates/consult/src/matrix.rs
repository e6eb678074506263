//! The sparse vote matrix the math works on.

use crate::polis::{CommentId, Export, ParticipantId};

/// One participant's vote in the matrix: the statement's column and the vote's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatrixVote {
    pub column: u32,
    /// `+1` agree, `-1` disagree, `0` pass.
    pub value: i8,
}

/// Participants × statements, stored sparsely (one row of [`MatrixVote`]s per participant,
/// sorted by column).
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
    pub rows: Vec<Vec<MatrixVote>>,
}

impl VoteMatrix {
    /// Build the matrix from the current votes of an export.
    pub fn from_export(export: &Export) -> Self {
        let max_tid = export.votes.keys().map(|k| k.1).max().unwrap_or(0);
        let dense = max_tid < 4 * export.votes.len() as u64 + 1024;
        // Dense ids (the usual case): column of each id by direct lookup.
        let mut column_of: Vec<u32> = Vec::new();
        let comments: Vec<CommentId> = if dense {
            let mut seen = vec![false; max_tid as usize + 1];
            for &(_, tid) in export.votes.keys() {
                seen[tid as usize] = true;
            }
            column_of = vec![u32::MAX; max_tid as usize + 1];
            let ids: Vec<CommentId> = (0..=max_tid).filter(|&t| seen[t as usize]).collect();
            for (j, &t) in ids.iter().enumerate() {
                column_of[t as usize] = j as u32;
            }
            ids
        } else {
            let mut c: Vec<CommentId> = export.votes.keys().map(|&(_, tid)| tid).collect();
            c.sort_unstable();
            c.dedup();
            c
        };
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
        let mut rows: Vec<Vec<MatrixVote>> = Vec::new();
        // BTreeMap iteration is sorted by (pid, tid): rows come out grouped and sorted.
        for (&(pid, tid), vote) in &export.votes {
            if participants.last() != Some(&pid) {
                participants.push(pid);
                rows.push(Vec::new());
            }
            let j = if dense {
                column_of[tid as usize]
            } else {
                comments
                    .binary_search(&tid)
                    .expect("every voted comment is a column") as u32
            };
            rows.last_mut().expect("row pushed above").push(MatrixVote {
                column: j,
                value: vote.value(),
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::polis::{Comment, Vote, VoteSource};

    #[test]
    fn columns_are_voted_comments_in_id_order_dense_or_sparse() {
        for big in [5u64, 1_000_000_000_000] {
            let votes = [
                ((2, big), Vote::Agree),
                ((1, 3), Vote::Pass),
                ((2, 3), Vote::Disagree),
            ]
            .into_iter()
            .collect();
            let comments = [(
                big,
                Comment {
                    id: big,
                    author: None,
                    moderated: -1,
                    is_meta: false,
                    body: String::new(),
                },
            )]
            .into_iter()
            .collect();
            let m = VoteMatrix::from_export(&Export {
                comments,
                votes,
                source: VoteSource::Memory,
            });
            assert_eq!(m.comments, vec![3, big]);
            assert_eq!(m.moderated_out, vec![false, true]);
            assert_eq!(m.participants, vec![1, 2]);
            let v = |column, value| MatrixVote { column, value };
            assert_eq!(m.rows, vec![vec![v(0, 0)], vec![v(0, -1), v(1, 1)]]);
            assert_eq!(m.nnz(), 3);
        }
    }
}
