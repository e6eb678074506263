//! The mediation pages (GET): the list, a process in its views (overview, spaces, text,
//! sessions, agreement and implementation, set-up), the confirm steps (adoption, closing with
//! lessons learned), print, diff, calendar, chart, CSV and Akoma Ntoso.

use super::words::Words;
use super::{agreement_view, text_view, view};
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
use serde_json::{Map, Value, json};

#[derive(serde::Deserialize, Default)]
pub struct VersionQuery {
    pub version: Option<u32>,
    pub from: Option<u32>,
    pub to: Option<u32>,
}

/// `?done=<code>`: the action a view confirms.
#[derive(serde::Deserialize, Default)]
pub struct ViewQuery {
    #[serde(default)]
    pub done: Option<String>,
}

/// The process as the signed-in caller may see it, for a page.
async fn workspace(state: &SharedState, ctx: &Ctx, id: &str) -> Result<Workspace, WebError> {
    let user = Format::Page.user(ctx)?;
    state.mediation.open(user, id).await.map_err(WebError::page)
}

fn words<'a>(state: &'a SharedState, ctx: &Ctx) -> Words<'a> {
    Words::new(&state.catalogue, ctx.lang)
}

/// `GET /chamber`: the processes the caller takes part in.
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<ViewQuery>,
) -> Result<Response, WebError> {
    let user = Format::Page.user(&ctx)?;
    let w = words(&state, &ctx);
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
    let done = q
        .done
        .as_deref()
        .filter(|d| view::DONE.contains(d))
        .map(|d| w.t(&format!("chamber-done-{d}")));
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
            "done": done,
        }),
    ))
}

/// One view of a process: the frame plus that view's own context.
async fn process_view_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    current: &str,
    done: Option<&str>,
) -> Result<Response, WebError> {
    process_view_with(state, ctx, id, current, done, StatusCode::OK, Map::new()).await
}

/// One view of a process answering with `status`, with `again` (a refused form's values and
/// refusal) added to its context.
pub(crate) async fn process_view_with(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    current: &str,
    done: Option<&str>,
    status: StatusCode,
    again: Map<String, Value>,
) -> Result<Response, WebError> {
    let ws = match workspace(state, ctx, id).await {
        Ok(ws) => ws,
        Err(WebError {
            error: AppError::NotFound,
            ..
        }) if current == "overview" => return case(state, ctx, id).await,
        Err(e) => return Err(e),
    };
    let pv = process_view(&ws.process, &ws.viewer).map_err(WebError::page)?;
    let w = words(state, ctx);
    let mut context = view::frame(&ws, &w, current, done);
    let own: Map<String, Value> = match current {
        "overview" => view::overview(&ws, &pv, &w),
        "spaces" => view::spaces(&ws, &pv, &w),
        "text" => text_view::text(&ws, &w),
        "sessions" => view::sessions(&ws, &w),
        "agreement" => agreement_view::agreement(&ws, &w),
        "setup" if view::is_mediator(&ws) => view::setup(&ws, &pv, &w),
        "adopt" if view::is_mediator(&ws) => agreement_view::adopt_confirm(&ws, &w),
        "close" if view::is_mediator(&ws) => agreement_view::close_form(&ws, &w),
        _ => return Err(WebError::page(AppError::NotFound)),
    };
    context.extend(own);
    context.extend(again);
    Ok(page(
        state,
        ctx,
        status,
        "mediation/process.html",
        Value::Object(context),
    ))
}

macro_rules! view_handler {
    ($name:ident, $view:literal) => {
        #[doc = concat!("`GET /chamber/{id}` view: ", $view, ".")]
        pub async fn $name(
            State(state): State<SharedState>,
            ctx: Ctx,
            Path(id): Path<String>,
            Query(q): Query<ViewQuery>,
        ) -> Result<Response, WebError> {
            process_view_page(&state, &ctx, &id, $view, q.done.as_deref()).await
        }
    };
}

view_handler!(process, "overview");
view_handler!(spaces, "spaces");
view_handler!(text, "text");
view_handler!(sessions, "sessions");
view_handler!(agreement, "agreement");
view_handler!(setup, "setup");
view_handler!(adopt_confirm, "adopt");
view_handler!(close_form, "close");

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

/// `GET /chamber/{id}/agreement.csv`: every commitment and every period's score.
pub async fn agreement_csv(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let agreement = ws
        .agreement
        .as_ref()
        .ok_or(WebError::page(AppError::NotFound))?;
    let csv =
        chamber_mediation::agreement::monitoring::export_csv(&ws.process, &ws.viewer, agreement)
            .map_err(WebError::page)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"implementation.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// `GET /chamber/{id}/agreement/chart.svg`: the implementation chart on its own.
pub async fn agreement_chart(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let agreement = ws
        .agreement
        .as_ref()
        .ok_or(WebError::page(AppError::NotFound))?;
    let mv = chamber_mediation::agreement::monitoring::monitoring_view(
        &ws.process,
        &ws.viewer,
        agreement,
        agreement_view::today(),
    )
    .map_err(WebError::page)?;
    let svg = agreement_view::chart(&mv, &words(&state, &ctx));
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// `GET /chamber/{id}/print?version=N`: the text laid out for printing, as the UN prints it.
pub async fn print(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let v = view::chosen_version(&ws, q.version).ok_or(WebError::page(AppError::NotFound))?;
    let w = words(&state, &ctx);
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/print.html",
        json!({
            "process": {"id": id, "title": ws.process.title()},
            "text_version": v.number,
            "date": w.date(v.issued_at.date()),
            "hash": v.content_hash,
            "text_html": html(&v.text, &RenderOptions::default()),
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
    let w = words(&state, &ctx);
    let mut context = view::frame(&ws, &w, "text", None);
    context.insert("from".into(), json!(from));
    context.insert("to".into(), json!(to));
    context.insert("changes".into(), json!(text_view::diff_rows(&d, &w)));
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "mediation/diff.html",
        Value::Object(context),
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
    view["opened_on"] = json!(words(state, ctx).date(summary.opened_at.date()));
    Ok(page(
        state,
        ctx,
        StatusCode::OK,
        "mediation/case.html",
        json!({"case": view, "may_take": may_take}),
    ))
}
