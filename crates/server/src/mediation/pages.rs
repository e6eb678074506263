//! The mediation pages (GET): the list, a process, print, diff, calendar, Akoma Ntoso.

use super::view;
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, WebError};
use crate::render::page;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::mediation::Workspace;
use chamber_mediation::permissions::process_view;
use chamber_mediation::text::render::{RenderOptions, html};
use serde_json::{Value, json};

#[derive(serde::Deserialize, Default)]
pub struct VersionQuery {
    pub version: Option<u32>,
    pub from: Option<u32>,
    pub to: Option<u32>,
}

/// The process as the signed-in caller may see it, for a page.
async fn workspace(state: &SharedState, ctx: &Ctx, id: &str) -> Result<Workspace, WebError> {
    let user = Format::Page.user(ctx)?;
    state.mediation.open(user, id).await.map_err(WebError::page)
}

/// `GET /chamber`: the processes the caller takes part in.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = Format::Page.user(&ctx)?;
    let processes: Vec<Value> = state
        .mediation
        .list(user)
        .await
        .map_err(WebError::page)?
        .iter()
        .map(|p| json!({"id": p.id, "title": p.title}))
        .collect();
    let may_open = chamber_core::permissions::may_open_process(user.role);
    let intake = state.mediation.intake(user).await.map_err(WebError::page)?;
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/list.html",
        json!({
            "processes": processes,
            "may_open": may_open,
            "intake": intake,
            "may_take": user.role == chamber_core::Role::Mediator,
        }),
    ))
}

/// `GET /chamber/{id}`: one process. Unknown, unreadable and not-yours look the same: 404 —
/// except a case in the intake (mediators, the secretariat) or one the caller opened from an
/// alert, shown as its summary.
pub async fn process(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = match workspace(&state, &ctx, &id).await {
        Ok(ws) => ws,
        Err(WebError {
            error: AppError::NotFound,
            ..
        }) => return case(&state, &ctx, &id).await,
        Err(e) => return Err(e),
    };
    let view = process_view(&ws.process, &ws.viewer).map_err(WebError::page)?;
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/process.html",
        view::process_page(&ws, &view),
    ))
}

fn akn_response(xml: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/akn+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// `GET /chamber/{id}/akn?version=N`: Akoma Ntoso 3.0 XML of a version.
pub async fn akn(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let version = view::chosen_version(&ws, q.version).ok_or(WebError::page(AppError::NotFound))?;
    Ok(akn_response(chamber_mediation::akn::negotiating_text(
        &ws.process,
        version,
        "eng",
    )))
}

/// `GET /chamber/{id}/agreement.akn`: the adopted agreement as Akoma Ntoso 3.0.
pub async fn agreement_akn(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let agreement = ws
        .agreement
        .as_ref()
        .ok_or(WebError::page(AppError::NotFound))?;
    Ok(akn_response(chamber_mediation::akn::agreement(
        &ws.process,
        agreement,
        "eng",
    )))
}

/// `GET /chamber/{id}/print?version=N`: the text laid out for printing, as the UN prints it.
pub async fn print(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let version = view::chosen_version(&ws, q.version).ok_or(WebError::page(AppError::NotFound))?;
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/print.html",
        json!({
            "process": {"id": id, "title": ws.process.title()},
            "version": version.number,
            "date": version.issued_at.date().to_string(),
            "hash": version.content_hash,
            "text_html": html(&version.text, &RenderOptions::default()),
        }),
    ))
}

/// `GET /chamber/{id}/diff?from=A&to=B`: what changed, paragraph by paragraph and word by word.
pub async fn diff(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let not_found = || WebError::page(AppError::NotFound);
    view::chosen_version(&ws, None).ok_or_else(not_found)?;
    let record = ws.record.as_ref().ok_or_else(not_found)?;
    let to = q.to.unwrap_or(record.current().number);
    let from = q.from.unwrap_or(1);
    let d = record.diff(from, to).map_err(|_| not_found())?;
    let changes: Vec<Value> = d
        .paragraphs
        .iter()
        .map(|c| {
            json!({
                "label": c.label_to.clone().or(c.label_from.clone()).unwrap_or_default(),
                "kinds": c.kinds.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", "),
                "words_html": chamber_mediation::text::render::word_diff_html(&c.words),
            })
        })
        .collect();
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/diff.html",
        json!({
            "process": {"id": id, "title": ws.process.title()},
            "from": from,
            "to": to,
            "changes": changes,
        }),
    ))
}

/// `GET /chamber/{id}/calendar.ics`: the sessions the caller may know of, as iCalendar.
pub async fn calendar(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let ics = chamber_mediation::venue::calendar_for(
        &ws.process,
        &ws.viewer,
        &ws.sessions,
        &ws.rooms,
        time::OffsetDateTime::now_utc(),
    );
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        ics,
    )
        .into_response())
}

/// A case the caller may know of without taking part in it.
async fn case(state: &SharedState, ctx: &Ctx, id: &str) -> Result<Response, WebError> {
    let user = Format::Page.user(ctx)?;
    let summary = state
        .mediation
        .case_summary(user, id)
        .await
        .map_err(WebError::page)?;
    let may_take = summary.awaiting_mediator && user.role == chamber_core::Role::Mediator;
    let mut view = serde_json::to_value(&summary).unwrap_or_default();
    view["opened_on"] = json!(summary.opened_at.date().to_string());
    Ok(page(
        state,
        ctx,
        StatusCode::OK,
        "mediation/case.html",
        json!({"case": view, "may_take": may_take}),
    ))
}
