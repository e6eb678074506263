//! The door: a page with one text field a scanner types the badge's ticket into (and the
//! camera through `BarcodeDetector` where the browser has it), answering at once — valid,
//! already in, not approved, withdrawn (or unknown) — and the same answer as JSON for scanners.

use super::fields::Fields;
use super::minute;
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::conferences::registrations::CheckInResult;
use chamber_conferences::{CheckIn, StaffRole};
use serde_json::{Value, json};

/// The door's answer; its message is the catalogue's `conf-door-<answer>` (valid, already_in,
/// not_approved, withdrawn, unknown) in the door's language.
fn answer_json(state: &SharedState, ctx: &Ctx, r: &CheckInResult) -> Value {
    let since = match &r.answer {
        CheckIn::AlreadyIn { since } => Some(minute(*since)),
        _ => None,
    };
    let code = r.answer.as_str();
    let mut args = vec![];
    if let Some(s) = &since {
        args.push(("since", s.clone()));
    }
    json!({
        "answer": code,
        "since": since,
        "message": state.catalogue.tr(ctx.lang, &format!("conf-door-{code}"), &args),
        "name": r.name,
        "affiliation": r.affiliation,
        "category": r.category,
    })
}

async fn door_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    result: Option<Value>,
) -> Result<Response, WebError> {
    let user = Format::Page.user(ctx)?;
    let view = state
        .conferences
        .view(user, id)
        .await
        .map_err(WebError::page)?;
    if !view.roles.contains(&StaffRole::DoorStaff) && !view.roles.contains(&StaffRole::Secretariat)
    {
        return Err(WebError::page(AppError::Forbidden));
    }
    Ok(crate::render::page(
        state,
        ctx,
        StatusCode::OK,
        "conferences/door.html",
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "result": result,
        }),
    ))
}

/// `GET /conferences/{id}/door`: the check-in page (door staff and the secretariat).
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    door_view(&state, &ctx, &id, None).await
}

/// `POST /conferences/{id}/check-in` (`ticket`): the door's answer. A first valid scan is
/// recorded; the badge then answers "already in".
pub async fn check_in(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let ticket = f.text("ticket").map_err(fail)?;
    let result = state
        .conferences
        .check_in(user, &id, &ticket, ctx.lang)
        .await
        .map_err(fail)?;
    let answer = answer_json(&state, &ctx, &result);
    match format {
        Format::Json => Ok(axum::Json(answer).into_response()),
        Format::Page => door_view(&state, &ctx, &id, Some(answer)).await,
    }
}
