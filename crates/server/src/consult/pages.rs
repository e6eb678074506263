//! Consultation pages, and the actions a form and a program share: create, vote.

use super::view;
use crate::SharedState;
use crate::auth::{self, Ctx};
use crate::error::{Format, Input, WebError};
use crate::render::page;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_app::AppError;
use chamber_app::consult::{Consultations, NewConsultation, Voter};
use chamber_store::consult::Consultation;
use serde::Deserialize;
use serde_json::json;

fn participant_cookie(id: &str) -> String {
    format!("chamber_p_{id}")
}

/// The anonymous participant's secret: the consultation's cookie, or a program's
/// `X-Chamber-Participant` header.
pub fn participant_secret(headers: &HeaderMap, id: &str) -> Option<String> {
    auth::cookie(headers, &participant_cookie(id)).or_else(|| {
        headers
            .get("x-chamber-participant")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// The consultation and the caller as its participant; anyone else is refused.
async fn voter_in(
    state: &SharedState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
    format: Format,
) -> Result<(Consultation, Voter), WebError> {
    let c = state.consult.get(id).await.map_err(|e| format.fail(e))?;
    let secret = participant_secret(headers, &c.id);
    let voter = state
        .consult
        .voter(&c, ctx.user.as_ref(), secret.as_deref())
        .await
        .map_err(|e| format.fail(e))?;
    match voter {
        Some(v) => Ok((c, v)),
        None if format.is_json() => Err(format.fail(AppError::SignIn)),
        None => Err(format.fail(AppError::Forbidden)),
    }
}

/// `GET /consult`.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, WebError> {
    Format::Page.user(&ctx)?;
    let list = state.consult.list().await.map_err(WebError::page)?;
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "consult/list.html",
        json!({"consultations": list, "may_organise": Consultations::may_organise(ctx.user.as_ref())}),
    ))
}

#[derive(Deserialize)]
pub struct NewConsultationForm {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    statements: Vec<String>,
}

/// `POST /consult` (form) and `POST /api/v1/consult {"title", "description", "statements"}`
/// (organisers) → the consultation, or `{"id", "join_token"}`.
pub async fn create(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<NewConsultationForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let c = state
        .consult
        .create(
            user,
            &NewConsultation {
                title: f.title,
                description: f.description,
                statements: f.statements,
            },
        )
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.created(
        &format!("/consult/{}", c.id),
        json!({"id": c.id, "join_token": c.join_token}),
    ))
}

/// `GET /c/{token}`: the anonymous participation link makes the holder a participant (once:
/// a browser that already holds this consultation's participant cookie is sent on as it is)
/// and sends them on.
pub async fn join(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let c = state
        .consult
        .by_join_token(&token)
        .await
        .map_err(WebError::page)?;
    let secret = participant_secret(&headers, &c.id);
    let already = state
        .consult
        .voter(&c, ctx.user.as_ref(), secret.as_deref())
        .await
        .map_err(WebError::page)?
        .is_some();
    if already {
        return Ok(Redirect::to(&format!("/consult/{}", c.id)).into_response());
    }
    let (c, _, secret) = state
        .consult
        .join_anonymously(&token)
        .await
        .map_err(WebError::page)?;
    let mut response = Redirect::to(&format!("/consult/{}", c.id)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            &participant_cookie(&c.id),
            &secret,
            Some(365 * 24 * 3600),
            state.config.secure_cookies(),
        ),
    );
    Ok(response)
}

async fn ballot_page(
    state: &SharedState,
    ctx: Ctx,
    headers: &HeaderMap,
    id: &str,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let c = state.consult.get(id).await.map_err(WebError::page)?;
    let secret = participant_secret(headers, &c.id);
    let voter = state
        .consult
        .voter(&c, ctx.user.as_ref(), secret.as_deref())
        .await
        .map_err(WebError::page)?
        .ok_or(WebError::page(AppError::SignIn))?;
    let ballot = state
        .consult
        .ballot(c, &voter, ctx.user.as_ref(), ctx.lang)
        .await
        .map_err(WebError::page)?;
    let c = &ballot.consultation;
    let join_link = format!(
        "{}/c/{}",
        crate::pages::base_url(state, headers),
        c.join_token
    );
    // Anonymous participants post forms with the double-submit token.
    let (ctx, cookie) = crate::pages::with_pre_session(state, ctx);
    let mut response = page(
        state,
        &ctx,
        StatusCode::OK,
        "consult/vote.html",
        json!({
            "consultation": {"id": c.id, "title": c.title, "description": c.description},
            "statement": ballot.next,
            "shown": ballot.shown.as_ref().map(|s| json!({
                "text": s.text,
                "lang": s.lang.map(|l| l.code()).unwrap_or(""),
                "original": s.original,
            })),
            "report_open": ballot.may_organise || c.report_published,
            "may_organise": ballot.may_organise,
            "pending": ballot.pending,
            "join_link": if ballot.may_organise { join_link } else { String::new() },
            "notice": notice,
        }),
    );
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `GET /consult/{id}`: the next statement to vote on.
pub async fn participate(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ballot_page(&state, ctx, &headers, &id, None).await
}

#[derive(Deserialize)]
pub struct VoteForm {
    statement: i64,
    vote: String,
    /// The language the statement was read in (optional).
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /consult/{id}/vote` (form) and `POST /api/v1/consult/{id}/votes {"statement",
/// "vote": "agree"|"disagree"|"pass", "lang"?}` (a program, with `X-Chamber-Participant`). The
/// vote counts for the statement whatever the language it was read in.
pub async fn vote(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Input { value: f, format }: Input<VoteForm>,
) -> Result<Response, WebError> {
    let (c, voter) = voter_in(&state, &ctx, &headers, &id, format).await?;
    state
        .consult
        .vote(&c, &voter, f.statement, &f.vote, f.lang.as_deref())
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.created(&format!("/consult/{}", c.id), json!({"stored": true})))
}

#[derive(Deserialize)]
pub struct StatementForm {
    body: String,
}

/// `POST /consult/{id}/statements`: a participant's statement (queued for moderation unless
/// an organiser wrote it).
pub async fn submit_statement(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatementForm>,
) -> Result<Response, WebError> {
    let (c, voter) = voter_in(&state, &ctx, &headers, &id, Format::Page).await?;
    let queued = state
        .consult
        .submit(&c, &voter, ctx.user.as_ref(), &form.body)
        .await
        .map_err(WebError::page)?;
    if queued {
        let notice = state.catalogue.tr(ctx.lang, "consult-submitted", &[]);
        ballot_page(&state, ctx, &headers, &id, Some(notice)).await
    } else {
        Ok(Redirect::to(&format!("/consult/{}", c.id)).into_response())
    }
}

#[derive(Deserialize)]
pub struct ModerationForm {
    statement: i64,
    decision: String,
}

/// `POST /consult/{id}/moderate`: organisers accept or reject a statement.
pub async fn moderate(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<ModerationForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .consult
        .moderate(user, &id, f.statement, &f.decision)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.done(&format!("/consult/{id}"), json!({"ok": true})))
}

/// `GET /consult/{id}/map`: the opinion map, for participants.
pub async fn map(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let c = state.consult.get(&id).await.map_err(WebError::page)?;
    let secret = participant_secret(&headers, &c.id);
    state
        .consult
        .voter(&c, ctx.user.as_ref(), secret.as_deref())
        .await
        .map_err(WebError::page)?
        .ok_or(WebError::page(AppError::SignIn))?;
    let m = state
        .consult
        .opinion_map(&c)
        .await
        .map_err(WebError::page)?;
    let mut context = view::map(&m);
    context["consultation"] = json!({"id": c.id, "title": c.title});
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "consult/map.html",
        context,
    ))
}
