//! Closing a process with its lessons learned: the mediator's form (one handler for the page,
//! one for a program's JSON), the record filed in the Library beside the resolutions.

use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, JsonBody, WebError};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_mediation::ids::ParagraphId;
use chamber_mediation::lessons::{LessonsDraft, Outcome, ProvisionLesson};
use serde::Deserialize;
use serde_json::json;

fn outcome(code: &str) -> Result<Option<Outcome>, AppError> {
    Ok(match code.trim() {
        "" => None,
        "held" => Some(Outcome::Held),
        "partly" => Some(Outcome::Partly),
        "failed" => Some(Outcome::Failed),
        "not-assessed" => Some(Outcome::NotAssessed),
        other => {
            return Err(AppError::invalid(format!(
                "outcome: unknown value {other:?} (held, partly, failed, not-assessed)"
            )));
        }
    })
}

fn provision(id: &str) -> Result<ParagraphId, AppError> {
    ParagraphId::parse(id.trim())
        .map_err(|_| AppError::invalid(format!("provisions: {id:?} is not a provision")))
}

/// The entry of `lessons` for a provision, added when new.
fn lesson(lessons: &mut Vec<ProvisionLesson>, pid: &str) -> Result<usize, AppError> {
    let p = provision(pid)?;
    Ok(match lessons.iter().position(|l| l.provision == p) {
        Some(i) => i,
        None => {
            lessons.push(ProvisionLesson {
                provision: p,
                outcome: None,
                note: String::new(),
            });
            lessons.len() - 1
        }
    })
}

async fn close(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    draft: &LessonsDraft,
    format: Format,
) -> Result<chamber_app::mediation::Closed, WebError> {
    let user = format.user(ctx)?;
    let data = state.config.data.as_ref().map(|d| d.root().to_path_buf());
    state
        .mediation
        .close_with_lessons(user, id, draft, data.as_deref())
        .await
        .map_err(|e| format.fail(e))
}

/// `POST /chamber/{id}/close` (page form): `language`, `context`, `what_worked`,
/// `what_did_not_work`, `cites` (one a line), and for each provision `outcome_<id>` (blank: from
/// its last score) and `note_<id>`.
pub async fn close_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let mut draft = LessonsDraft {
        language: ctx.lang.code().to_string(),
        ..LessonsDraft::default()
    };
    let mut lessons: Vec<ProvisionLesson> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (k, v) in form {
        match k.as_str() {
            "language" => draft.language = v.trim().to_string(),
            "context" => draft.context = v,
            "what_worked" => draft.what_worked = v,
            "what_did_not_work" => draft.what_did_not_work = v,
            "cites" => {
                draft.cites = v
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            _ => fields.push((k, v)),
        }
    }
    for (k, v) in fields {
        if let Some(pid) = k.strip_prefix("outcome_") {
            let o = outcome(&v).map_err(|e| format.fail(e))?;
            let i = lesson(&mut lessons, pid).map_err(|e| format.fail(e))?;
            lessons[i].outcome = o;
        } else if let Some(pid) = k.strip_prefix("note_") {
            let i = lesson(&mut lessons, pid).map_err(|e| format.fail(e))?;
            lessons[i].note = v;
        }
    }
    // A provision the mediator said nothing about takes its outcome from its scores.
    draft.provisions = lessons
        .into_iter()
        .filter(|l| l.outcome.is_some() || !l.note.trim().is_empty())
        .collect();
    close(&state, &ctx, &id, &draft, format).await?;
    Ok(axum::response::Redirect::to(&format!("/chamber/{id}?done=closed")).into_response())
}

#[derive(Deserialize)]
pub struct ApiProvisionLesson {
    provision: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
pub struct ApiLessons {
    language: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    what_worked: String,
    #[serde(default)]
    what_did_not_work: String,
    #[serde(default)]
    provisions: Vec<ApiProvisionLesson>,
    #[serde(default)]
    cites: Vec<String>,
}

/// `POST /api/v1/chamber/{id}/close`: close with lessons learned; 201 with the record and its
/// Library symbol.
pub async fn close_api(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ApiLessons>,
) -> Result<Response, WebError> {
    let format = Format::Json;
    let provisions = b
        .provisions
        .iter()
        .map(|p| {
            Ok(ProvisionLesson {
                provision: provision(&p.provision)?,
                outcome: outcome(&p.outcome)?,
                note: p.note.clone(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()
        .map_err(|e| format.fail(e))?;
    let draft = LessonsDraft {
        language: b.language,
        context: b.context,
        what_worked: b.what_worked,
        what_did_not_work: b.what_did_not_work,
        provisions,
        cites: b.cites,
    };
    let closed = close(&state, &ctx, &id, &draft, format).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "ok": true,
            "process": id,
            "symbol": closed.symbol,
            "paragraphs_indexed": closed.paragraphs_indexed,
            "citations": closed.citations,
            "record": closed.record,
        })),
    )
        .into_response())
}
