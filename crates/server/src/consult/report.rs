//! The convenor's report on the wire: the page and its printable layout, the same numbers as
//! CSV tables and JSON (`chamber_consult::report::Report`, as `chamber consult report --json`
//! prints it), and publication to participants. Who may read it is decided in
//! `chamber_app::consult::report`.

use super::pages::participant_secret;
use super::report_view;
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use crate::render::page;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::consult::{Reader, ReportView};
use serde::Deserialize;
use serde_json::json;

const STYLESHEET: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// `GET /consult/report.css`: the report's layout on screen and in print.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// `GET /consult/report.js`: the printable report's print button.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn view(
    state: &SharedState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
    format: Format,
) -> Result<ReportView, WebError> {
    let secret = participant_secret(headers, id);
    state
        .consult
        .report(
            id,
            Reader {
                user: ctx.user.as_ref(),
                secret: secret.as_deref(),
            },
        )
        .await
        .map_err(|e| format.fail(e))
}

fn report_page(state: &SharedState, ctx: &Ctx, v: &ReportView, printable: bool) -> Response {
    let c = &v.consultation;
    let report = v
        .map
        .report
        .as_ref()
        .map(|r| report_view::report(r, ctx.lang, &state.catalogue));
    let tables: Vec<&str> = v
        .map
        .report
        .as_ref()
        .map(|r| {
            chamber_consult::report::csv_files(r)
                .into_iter()
                .map(|(name, _)| name.trim_end_matches(".csv"))
                .collect()
        })
        .unwrap_or_default();
    page(
        state,
        ctx,
        StatusCode::OK,
        "consult/report.html",
        json!({
            "consultation": {"id": c.id, "title": c.title, "description": c.description},
            "published": c.report_published,
            "may_organise": v.may_organise,
            "printable": printable,
            "report": report,
            "tables": tables,
        }),
    )
}

/// `GET /consult/{id}/report`: the report, for organisers and, once published, participants.
pub async fn page_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let v = view(&state, &ctx, &headers, &id, Format::Page).await?;
    Ok(report_page(&state, &ctx, &v, false))
}

/// `GET /consult/{id}/report/print`: the same report laid out to print or save as PDF.
pub async fn print_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let v = view(&state, &ctx, &headers, &id, Format::Page).await?;
    Ok(report_page(&state, &ctx, &v, true))
}

fn not_enough() -> AppError {
    AppError::invalid("report: not enough votes yet to analyse this consultation")
}

/// `GET /api/v1/consult/{id}/report`: the report as JSON, as `chamber consult report --json`
/// prints it for the same conversation.
pub async fn json(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let v = view(&state, &ctx, &headers, &id, Format::Json).await?;
    let report = v.map.report.as_ref().ok_or(WebError::json(not_enough()))?;
    Ok(axum::Json(report).into_response())
}

#[derive(Deserialize)]
pub struct TableQuery {
    table: Option<String>,
}

/// `GET /consult/{id}/report.csv?table=NAME`: one of the report's tables as CSV
/// (participation, map, groups, consensus, divisive, majority, needing-votes, method; groups
/// when none is named).
pub async fn csv(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<TableQuery>,
) -> Result<Response, WebError> {
    let v = view(&state, &ctx, &headers, &id, Format::Page).await?;
    let report = v.map.report.as_ref().ok_or(WebError::page(not_enough()))?;
    let name = format!("{}.csv", q.table.as_deref().unwrap_or("groups"));
    let files = chamber_consult::report::csv_files(report);
    let Some((file, text)) = files.into_iter().find(|(f, _)| *f == name) else {
        return Err(WebError::page(AppError::NotFound));
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"consultation-{}-{file}\"",
                    v.consultation.id
                ),
            ),
        ],
        text,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct PublishForm {
    publish: bool,
}

/// `POST /consult/{id}/report/publish` (form) and `POST /api/v1/consult/{id}/report/publish
/// {"publish": true|false}` (organisers): open the report to participants, or close it.
pub async fn publish(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<PublishForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .consult
        .publish_report(user, &id, f.publish)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.done(
        &format!("/consult/{id}/report"),
        json!({"published": f.publish}),
    ))
}
