//! Closing a process with its lessons learned, and the mediator's own edits of the text.
//!
//! Closing seals the process as closed and files the lessons-learned record in the Library
//! (`DATA/library`: stored, in the citation graph, and searchable when the server is built
//! with search). The record is built by `chamber_mediation::lessons::close_process` from public
//! material only — issued versions, the agreement, plenary notes and what the mediator writes —
//! so a party's caucus never reaches it.

use super::{Changed, Mediation, now};
use crate::error::{AppError, AppResult};
use crate::mediation::repository::Record;
use chamber_mediation::ids::ParagraphId;
use chamber_mediation::lessons::{
    LessonsDraft, LessonsRecord, PlenaryNote, PublicMaterial, close_process, file_lessons,
};
use chamber_store::User;

/// What closing did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Closed {
    /// The lessons-learned record's Library symbol (`CHAMBER/LESSONS/<process id>`).
    pub symbol: String,
    /// Paragraphs indexed for search (`None` without the search index).
    pub paragraphs_indexed: Option<usize>,
    /// Documents the record cites.
    pub citations: usize,
    pub record: LessonsRecord,
}

impl Mediation {
    /// A mediator closes the process and writes its lessons-learned record, which enters the
    /// Library under `library_data` (the platform's data folder). Refused, with nothing
    /// changed, when the caller is not a mediator, the process is already closed or the draft
    /// says nothing.
    pub async fn close_with_lessons(
        &self,
        user: &User,
        id: &str,
        draft: &LessonsDraft,
        library_data: Option<&std::path::Path>,
    ) -> AppResult<Closed> {
        let data = library_data
            .ok_or_else(|| AppError::invalid("library: this server has no data folder"))?
            .to_path_buf();
        let _guard = self.write.lock().await;
        let repo = self.repository()?;
        let mut ws = repo.workspace(id, &super::person_of(user)?).await?;
        let viewer = ws.viewer.clone();
        let record = {
            let material = PublicMaterial {
                text: ws.record.as_ref(),
                agreement: ws.agreement.as_ref(),
                plenary: PlenaryNote::select(&ws.process, ws.notes.iter()),
            };
            let mut process = ws.process.clone();
            let record = close_process(&mut process, &viewer, material, draft, now())?;
            ws.process = process;
            record
        };
        let filed = {
            let record = record.clone();
            tokio::task::spawn_blocking(move || file_lessons(&data, &record))
                .await
                .map_err(|e| AppError::internal("filing lessons", e))?
                .map_err(|e| AppError::internal("filing lessons", e))?
        };
        repo.save(&user.id, id, &[Record::Process(&ws.process)])
            .await?;
        Ok(Closed {
            symbol: filed.symbol,
            paragraphs_indexed: filed.paragraphs_indexed,
            citations: filed.citations,
            record,
        })
    }

    /// The mediator rewords a paragraph directly: their own edit, issued at once as a new
    /// version (the version records who issued it and the paragraph it changed; its note is
    /// the mediator's, if any). Returns the new version's number.
    pub async fn edit_text(
        &self,
        user: &User,
        id: &str,
        paragraph: &str,
        wording: &str,
        note: &str,
    ) -> AppResult<u32> {
        let paragraph = ParagraphId::parse(paragraph).map_err(|_| AppError::NotFound)?;
        self.change(user, id, |ws| {
            if !chamber_mediation::permissions::may_issue_version(&ws.process, &ws.viewer) {
                return Err(AppError::Forbidden);
            }
            let record = ws.record.as_mut().ok_or(AppError::NotFound)?;
            let op = chamber_mediation::text::replace_wording(
                &record.current().text,
                &paragraph,
                wording.trim(),
            )
            .map_err(|_| AppError::NotFound)?;
            let number =
                record.issue_version(&ws.process, &ws.viewer, &[], &[op], note.trim(), now())?;
            Ok((number, Changed::Text))
        })
        .await
    }
}
