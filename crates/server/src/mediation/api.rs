//! The mediation JSON API's own routes (the actions shared with forms are in `actions`).

use super::pages::VersionQuery;
use super::view;
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, JsonBody, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::mediation::Workspace;
use chamber_mediation::Note;
use chamber_mediation::permissions::{filter_visible, may_read_text, process_view};
use serde::Deserialize;
use serde_json::json;

async fn workspace(state: &SharedState, ctx: &Ctx, id: &str) -> Result<Workspace, WebError> {
    let user = Format::Json.user(ctx)?;
    state.mediation.open(user, id).await.map_err(WebError::json)
}

/// `GET /api/v1/chamber`: the processes the caller takes part in, then (for mediators and the
/// secretariat) the cases awaiting a mediator, each with `"awaiting_mediator": true`.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = Format::Json.user(&ctx)?;
    let mine = state.mediation.list(user).await.map_err(WebError::json)?;
    let intake = state.mediation.intake(user).await.map_err(WebError::json)?;
    let mut out: Vec<serde_json::Value> = mine
        .iter()
        .map(|p| json!({"id": p.id, "title": p.title, "kind": p.kind, "awaiting_mediator": false}))
        .collect();
    out.extend(intake.iter().map(|c| {
        json!({"id": c.id, "title": c.title, "kind": c.kind, "awaiting_mediator": true, "alert": c.alert})
    }));
    Ok(axum::Json(out).into_response())
}

/// `GET /api/v1/chamber/{id}`: the process as the caller may see it.
pub async fn process(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let view = process_view(&ws.process, &ws.viewer).map_err(WebError::json)?;
    let notes: Vec<&Note> = filter_visible(&ws.process, &ws.viewer, ws.notes.iter());
    let text = ws
        .record
        .as_ref()
        .filter(|_| may_read_text(&ws.process, &ws.viewer));
    Ok(axum::Json(json!({
        "process": view,
        "notes": notes,
        "current_version": text.map(|r| r.current().number),
        "versions": text.map(|r| r.versions().iter().map(|v| json!({"number": v.number, "issued_at": v.issued_at.to_string(), "content_hash": v.content_hash, "note": v.note})).collect::<Vec<_>>()),
        "amendments": text.map(|r| r.amendments_for(&ws.process, &ws.viewer).iter().map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or_default();
            if let Some(p) = super::text_view::proposal(r, a) {
                v["paragraph"] = json!(p.paragraph);
                v["label"] = json!(p.label);
                v["current_wording"] = json!(p.current);
                v["proposed_wording"] = json!(p.proposed);
            }
            v
        }).collect::<Vec<_>>()),
        "agreement": ws.agreement.as_ref().and_then(|a| {
            chamber_mediation::agreement::monitoring::monitoring_view(
                &ws.process,
                &ws.viewer,
                a,
                super::agreement_view::today(),
            )
            .ok()
        }).map(|m| agreement_json(&m)),
        "closed": ws.process.closed(),
        "lessons": ws.process.is_closed().then(|| chamber_mediation::lessons::symbol_for(ws.process.id().as_str())),
    }))
    .into_response())
}

/// `GET /api/v1/chamber/{id}/versions/{n}`: one immutable version of the text.
pub async fn version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, u32)>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    let v = view::chosen_version(&ws, Some(n)).ok_or(WebError::json(AppError::NotFound))?;
    Ok(axum::Json(v).into_response())
}

/// `GET /api/v1/chamber/{id}/diff?from=A&to=B`: paragraph and word diff.
pub async fn diff(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let ws = workspace(&state, &ctx, &id).await?;
    view::chosen_version(&ws, None).ok_or(WebError::json(AppError::NotFound))?;
    let record = ws
        .record
        .as_ref()
        .ok_or(WebError::json(AppError::NotFound))?;
    let d = record
        .diff(q.from.unwrap_or(1), q.to.unwrap_or(record.current().number))
        .map_err(WebError::json)?;
    Ok(axum::Json(d).into_response())
}

#[derive(Deserialize)]
pub struct ApiAmendment {
    base_version: u32,
    operations: Vec<chamber_mediation::text::Operation>,
    #[serde(default)]
    explanation: String,
}

/// `POST /api/v1/chamber/{id}/amendments`: a party's amendment (any operations a party may use).
pub async fn propose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(a): JsonBody<ApiAmendment>,
) -> Result<Response, WebError> {
    let user = Format::Json.user(&ctx)?;
    let amendment = state
        .mediation
        .propose(user, &id, a.base_version, a.operations, &a.explanation)
        .await
        .map_err(WebError::json)?;
    Ok((StatusCode::CREATED, axum::Json(json!({"id": amendment}))).into_response())
}

#[derive(Deserialize)]
pub struct ApiVersion {
    #[serde(default)]
    decisions: Vec<chamber_mediation::text::Decision>,
    #[serde(default)]
    edits: Vec<chamber_mediation::text::Operation>,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/chamber/{id}/versions`: the mediator's decisions and edits → a new version.
pub async fn issue(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(v): JsonBody<ApiVersion>,
) -> Result<Response, WebError> {
    let user = Format::Json.user(&ctx)?;
    let number = state
        .mediation
        .issue_version(user, &id, &v.decisions, None, &v.edits, &v.note)
        .await
        .map_err(WebError::json)?;
    Ok((StatusCode::CREATED, axum::Json(json!({"version": number}))).into_response())
}

/// The agreement and its monitoring for a program: dates as ISO days, moments as RFC 3339,
/// provision types as their codes, levels 0–3.
fn agreement_json(m: &chamber_mediation::agreement::MonitoringView) -> serde_json::Value {
    let moment = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let rate = |r: &chamber_mediation::agreement::Rate| json!({"points": r.points, "max": r.max, "provisions": r.provisions, "percent": r.percent()});
    json!({
        "id": m.agreement.as_str(),
        "version": m.version,
        "content_hash": m.content_hash,
        "adopted_at": moment(m.adopted_at),
        "today": m.today.to_string(),
        "rate": rate(&m.rate),
        "by_type": m.by_type.iter().map(|t| json!({"provision_type": t.provision_type.code(), "rate": rate(&t.rate)})).collect::<Vec<_>>(),
        "untyped": m.untyped,
        "overdue": m.overdue,
        "commitments": m.commitments.iter().map(|c| json!({
            "provision": c.provision.as_str(),
            "label": c.label,
            "text": c.text,
            "provision_type": c.provision_type.map(|t| t.code()),
            "responsible": c.responsible.as_ref().map(|r| json!({"id": r.id.as_str(), "name": r.name})),
            "deadline": c.deadline.map(|d| d.to_string()),
            "overdue": c.overdue,
            "days_late": c.days_late,
            "latest": c.latest.map(u8::from),
            "history": c.history.iter().map(|s| json!({
                "period": s.period.to_string(),
                "level": u8::from(s.level),
                "evidence": s.evidence,
                "recorded_at": moment(s.recorded_at),
                "recorded_by": s.recorded_by.as_str(),
                "superseded": s.superseded,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "trend": {
            "periods": m.trend.periods.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "overall": m.trend.overall.iter().map(rate).collect::<Vec<_>>(),
            "by_type": m.trend.by_type.iter().map(|s| json!({
                "provision_type": s.provision_type.code(),
                "rates": s.rates.iter().map(rate).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
    })
}
