//! Consultations between the store and Pol.is's export layout: import and export together,
//! so what goes out comes back in unchanged.

use crate::error::{AppError, AppResult};
use chamber_consult::Export;
use chamber_consult::polis::{Comment, Vote, VoteSource, read_vote_events};
use chamber_consult::statement::read_translations;
use chamber_store::Store;
use chamber_store::consult::{
    CurrentVote, HistoryVote, ImportedConsultation, ImportedStatement, ImportedTranslation,
    Statement, format_millis,
};
use std::collections::BTreeMap;
use std::path::Path;

/// The store's rows for a Pol.is export: statements keep Pol.is's comment ids as their
/// numbers, participants their ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRows {
    pub statements: Vec<ImportedStatement>,
    /// Participant numbers 0..participants.
    pub participants: i64,
    pub votes: Vec<CurrentVote>,
    /// Votes on statements the export does not have, left out.
    pub skipped_votes: usize,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub consultation: String,
    pub statements: usize,
    pub participants: i64,
    pub votes: usize,
    pub skipped_votes: usize,
    /// Vote events kept in the history (re-votes included).
    pub vote_events: usize,
    pub translations: usize,
}

/// Pol.is export → store rows.
pub fn rows_from_export(export: &Export) -> ImportRows {
    let statements: Vec<ImportedStatement> = export
        .comments
        .values()
        .map(|c| ImportedStatement {
            number: c.id as i64,
            body: c.body.clone(),
            author: c.author.map(|a| a as i64),
            moderation: if c.is_moderated_out() { -1 } else { 1 },
            lang: None,
        })
        .collect();
    let votes: Vec<CurrentVote> = export
        .votes
        .iter()
        .filter(|((_, tid), _)| export.comments.contains_key(tid))
        .map(|((pid, tid), v)| CurrentVote {
            participant: *pid as i64,
            statement: *tid as i64,
            vote: i64::from(v.value()),
        })
        .collect();
    let participants = export
        .votes
        .keys()
        .map(|(p, _)| *p as i64 + 1)
        .chain(statements.iter().filter_map(|s| s.author.map(|a| a + 1)))
        .max()
        .unwrap_or(0);
    ImportRows {
        skipped_votes: export.votes.len() - votes.len(),
        statements,
        participants,
        votes,
    }
}

/// Store rows → Pol.is export.
pub fn export_from_rows(statements: &[Statement], votes: &[CurrentVote]) -> Export {
    let comments: BTreeMap<u64, Comment> = statements
        .iter()
        .map(|s| {
            (
                s.number as u64,
                Comment {
                    id: s.number as u64,
                    author: s.author.map(|a| a as u64),
                    moderated: s.moderation.clamp(-1, 1) as i8,
                    is_meta: false,
                    body: s.body.clone(),
                },
            )
        })
        .collect();
    let votes: BTreeMap<(u64, u64), Vote> = votes
        .iter()
        .map(|v| {
            let vote = match v.vote {
                1 => Vote::Agree,
                -1 => Vote::Disagree,
                _ => Vote::Pass,
            };
            ((v.participant as u64, v.statement as u64), vote)
        })
        .collect();
    Export {
        comments,
        votes,
        source: VoteSource::Memory,
    }
}

/// Milliseconds since the epoch of a Pol.is `votes.csv` timestamp (milliseconds; a value
/// below 10^11 is seconds, as `chamber_consult::report::Activity` reads it); `None` when the
/// vote has no time.
pub fn polis_millis(timestamp: i64) -> Option<i64> {
    match timestamp {
        i64::MIN => None,
        t if t.abs() < 100_000_000_000 => Some(t.saturating_mul(1000)),
        t => Some(t),
    }
}

/// The vote history of an export folder: every event of `votes.csv` (re-votes included) in
/// time then file order, each at its time; from `participants-votes.csv` (no times) the current
/// votes with unknown times.
fn history_of(dir: &Path, export: &Export) -> AppResult<Vec<HistoryVote>> {
    let votes_csv = dir.join("votes.csv");
    if export.source == VoteSource::VotesCsv && votes_csv.exists() {
        let events = read_vote_events(&votes_csv, &export.comments)
            .map_err(|e| AppError::invalid(e.to_string()))?;
        return Ok(events
            .iter()
            .filter(|e| export.comments.contains_key(&e.comment))
            .map(|e| HistoryVote {
                participant: e.participant as i64,
                statement: e.comment as i64,
                vote: i64::from(e.vote.value()),
                at: polis_millis(e.timestamp).and_then(format_millis),
            })
            .collect());
    }
    Ok(export
        .votes
        .iter()
        .filter(|((_, tid), _)| export.comments.contains_key(tid))
        .map(|((pid, tid), v)| HistoryVote {
            participant: *pid as i64,
            statement: *tid as i64,
            vote: i64::from(v.value()),
            at: None,
        })
        .collect())
}

/// Bring a Pol.is export folder into the store as a new consultation: statements, current
/// votes, the vote history with its times, and the statements' languages and translations
/// (`comment-translations.csv`, when present).
pub async fn import_folder(
    store: &Store,
    actor: &str,
    dir: &Path,
    title: Option<&str>,
) -> AppResult<Imported> {
    let export = chamber_consult::read_export(dir).map_err(|e| AppError::invalid(e.to_string()))?;
    let translations =
        read_translations(dir, &export.comments).map_err(|e| AppError::invalid(e.to_string()))?;
    let history = history_of(dir, &export)?;
    let mut rows = rows_from_export(&export);
    for s in &mut rows.statements {
        s.lang = translations
            .original
            .get(&(s.number as u64))
            .map(|l| l.code().to_string());
    }
    let imported_translations: Vec<ImportedTranslation> = translations
        .texts
        .iter()
        .flat_map(|(number, texts)| {
            texts.iter().map(move |(lang, body)| ImportedTranslation {
                number: *number as i64,
                lang: lang.code().to_string(),
                body: body.clone(),
            })
        })
        .collect();
    let title = title.map(str::to_string).unwrap_or_else(|| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Imported consultation".into())
    });
    let c = store
        .import_consultation(
            actor,
            &ImportedConsultation {
                title: &title,
                description: &format!("Imported from {}", dir.display()),
                statements: &rows.statements,
                participants: rows.participants,
                votes: &rows.votes,
                history: &history,
                translations: &imported_translations,
            },
        )
        .await?;
    Ok(Imported {
        consultation: c.id,
        statements: rows.statements.len(),
        participants: rows.participants,
        votes: rows.votes.len(),
        skipped_votes: rows.skipped_votes,
        vote_events: history.len(),
        translations: imported_translations.len(),
    })
}

/// A stored consultation in Pol.is's export layout; `None` when there is no such consultation.
pub async fn export(store: &Store, id: &str) -> AppResult<Option<Export>> {
    if store.consultation(id).await?.is_none() {
        return Ok(None);
    }
    let statements = store.statements(id).await?;
    let votes = store.current_votes(id).await?;
    Ok(Some(export_from_rows(&statements, &votes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_goes_out_and_comes_back_the_same() {
        let mut export = Export {
            comments: BTreeMap::new(),
            votes: BTreeMap::new(),
            source: VoteSource::Memory,
        };
        for (id, author, moderated) in [(0u64, Some(0u64), 1i8), (1, None, -1), (2, Some(3), 1)] {
            export.comments.insert(
                id,
                Comment {
                    id,
                    author,
                    moderated,
                    is_meta: false,
                    body: format!("statement {id}"),
                },
            );
        }
        export.votes.insert((0, 0), Vote::Agree);
        export.votes.insert((1, 2), Vote::Disagree);
        export.votes.insert((4, 1), Vote::Pass);
        export.votes.insert((4, 9), Vote::Agree); // an unknown statement
        let rows = rows_from_export(&export);
        assert_eq!(rows.skipped_votes, 1);
        assert_eq!(rows.participants, 5);
        let statements: Vec<Statement> = rows
            .statements
            .iter()
            .map(|s| Statement {
                number: s.number,
                body: s.body.clone(),
                author: s.author,
                moderation: s.moderation,
                created_at: String::new(),
                lang: None,
            })
            .collect();
        let back = export_from_rows(&statements, &rows.votes);
        assert_eq!(back.comments, export.comments);
        export.votes.remove(&(4, 9));
        assert_eq!(back.votes, export.votes);
    }
}
