//! A live consultation in memory: votes arrive one at a time and the analysis is recomputed.

use crate::analysis::{Analysis, Options, WarmState, analyze_warm};
use crate::error::{ConsultError, Result};
use crate::matrix::VoteMatrix;
use crate::polis::{Comment, CommentId, Export, ParticipantId, Vote, VoteSource};
use crate::statement::{Ballot, Statement, Translations};
use std::collections::BTreeMap;

/// Statements, the current vote per (participant, statement), and the latest analysis.
///
/// [`Conversation::apply_vote`] updates the stored votes (a re-vote replaces the earlier one);
/// [`Conversation::analysis`] recomputes only when something changed and continues from the
/// previous update as Pol.is does ([`WarmState`]: PCA start, clustered participants, base and
/// group clusterings, k-smoother), so groups evolve smoothly as votes arrive. Deterministic: the
/// same sequence of votes and updates gives the same result. [`crate::analyze`] is the cold,
/// history-free computation.
#[derive(Clone, Debug)]
pub struct Conversation {
    export: Export,
    translations: Translations,
    options: Options,
    last: Option<Analysis>,
    warm: Option<WarmState>,
    dirty: bool,
}

impl Conversation {
    pub fn new(export: Export, options: Options) -> Self {
        Conversation {
            export,
            translations: Translations::default(),
            options,
            last: None,
            warm: None,
            dirty: true,
        }
    }

    /// An empty conversation with the given statements.
    pub fn with_comments(comments: impl IntoIterator<Item = Comment>, options: Options) -> Self {
        Self::new(
            Export {
                comments: comments.into_iter().map(|c| (c.id, c)).collect(),
                votes: BTreeMap::new(),
                source: VoteSource::Memory,
            },
            options,
        )
    }

    pub fn export(&self) -> &Export {
        &self.export
    }

    /// Add a statement (or replace one, e.g. to change its moderation).
    pub fn upsert_comment(&mut self, comment: Comment) {
        self.export.comments.insert(comment.id, comment);
        self.dirty = true;
    }

    /// Record a participant's current vote on a statement. Unknown statements are refused.
    pub fn apply_vote(&mut self, pid: ParticipantId, tid: CommentId, vote: Vote) -> Result<()> {
        if !self.export.comments.contains_key(&tid) {
            return Err(ConsultError::BadOption(format!("unknown statement {tid}")));
        }
        if self.export.votes.insert((pid, tid), vote) != Some(vote) {
            self.dirty = true;
        }
        Ok(())
    }

    /// Record the languages and translations of the statements.
    pub fn set_translations(&mut self, translations: Translations) {
        self.translations = translations;
    }

    /// A statement with its language and translations.
    pub fn statement(&self, number: CommentId) -> Option<Statement> {
        self.export
            .comments
            .get(&number)
            .map(|c| self.translations.statement(c))
    }

    /// Record a vote cast on one language version of a statement. The statement must be
    /// readable in that language (its original or a translation); the vote counts for the
    /// statement, whatever the language (a later vote in another language replaces it).
    pub fn apply_ballot(&mut self, ballot: Ballot) -> Result<()> {
        let statement = self.statement(ballot.statement).ok_or_else(|| {
            ConsultError::BadOption(format!("unknown statement {}", ballot.statement))
        })?;
        if statement.lang.is_some() && !statement.available_in(ballot.lang) {
            return Err(ConsultError::BadOption(format!(
                "statement {} has no text in {}",
                ballot.statement,
                ballot.lang.code()
            )));
        }
        self.apply_vote(ballot.participant, ballot.statement, ballot.vote)
    }

    /// The analysis of the current votes, recomputed if votes changed since the last call.
    pub fn analysis(&mut self) -> Result<&Analysis> {
        if self.dirty || self.last.is_none() {
            let m = VoteMatrix::from_export(&self.export);
            let (a, warm) = analyze_warm(&m, &self.options, self.warm.as_ref())?;
            self.last = Some(a);
            self.warm = Some(warm);
            self.dirty = false;
        }
        Ok(self.last.as_ref().expect("set above"))
    }
}
