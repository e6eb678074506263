//! Joint inspections: joining the queue on arrival at the inspection area, the queue with each
//! inspection's expected day and waiting time, scheduling against the daily capacity with one
//! inspector per party, the result recorded by a team member, signed by every other one or
//! refused with a reason (the result is then disputed).

use super::corridor::{Done, Header, merge};
use super::fields::{Fields, schedule_form};
use super::view::readable;
use super::{Refill, confirmed, failed, json_of, refill, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chamber_app::AppError;
use chamber_app::corridors::inspections::{ResultInput, ScheduleInput};
use chamber_app::corridors::movements::InspectionView;
use chamber_corridors::corridor::CentreRole;
use chamber_corridors::inspection::{InspectionStatus, Signature};
use serde_json::{Value, json};

/// An inspection as a page shows it: its status by name and what it waits for.
fn inspection_json(v: &InspectionView) -> Value {
    let mut j = json_of(v);
    j["status_name"] = json!(v.status.name());
    readable(&mut j);
    j
}

/// `POST …/registrations/{rid}/queue`: the vessel or convoy reached the inspection area and
/// joins the queue (its operator, or a member of the centre).
pub async fn queue(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let v = state
        .corridors
        .queue_inspection(user, &id, &rid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    let iid = v.inspection.id.to_string();
    let location = if format.is_json() {
        String::new()
    } else {
        confirmed(&format!("/corridors/{id}/registrations/{rid}"), "queued")
    };
    Ok(format.created(
        &location,
        json!({"ok": true, "inspection": json_of(&v), "id": iid}),
    ))
}

/// `GET /corridors/{id}/inspections`: the queue with waiting times (the centre) and every
/// inspection the caller may see.
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let all = state.corridors.inspections(user, &id).await.map_err(fail)?;
    let queue = match state.corridors.inspection_queue(user, &id).await {
        Ok(q) => q,
        Err(AppError::Forbidden) => Vec::new(),
        Err(e) => return Err(fail(e)),
    };
    let mut data = json!({"queue": json_of(&queue), "inspections": json_of(&all)});
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", data, Value::Null));
    }
    data["inspections"] = json!(all.iter().map(inspection_json).collect::<Vec<_>>());
    readable(&mut data);
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let capacity = h.view.rules.inspections_per_day;
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/inspections.html",
        data,
        merge(
            h.page("inspections"),
            json!({"done_key": done.key(), "capacity": capacity}),
        ),
    ))
}

/// `GET /corridors/{id}/inspections/{iid}`: one inspection, its team and every round of
/// signatures; the forms the caller may use.
pub async fn one(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, iid)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let place = (id.as_str(), iid.as_str());
    inspection_page(
        &state,
        &ctx,
        format,
        user,
        place,
        StatusCode::OK,
        json!({"done_key": done.key()}),
    )
    .await
}

/// The inspection page with `again`: the confirmation, or a refused result's refusal and
/// `form` (its outcome, reason and findings kept).
async fn inspection_page(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    user: &chamber_store::User,
    (id, iid): (&str, &str),
    status: StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let v = state
        .corridors
        .inspection(user, id, iid)
        .await
        .map_err(|e| failed(state, ctx, format, e))?;
    if format.is_json() {
        return Ok(show(state, ctx, format, "", json_of(&v), Value::Null));
    }
    let h = Header::load(state, ctx, user, id, format).await?;
    let i = &v.inspection;
    let my_party = i
        .team
        .iter()
        .find(|m| m.inspector.as_str() == user.username)
        .map(|m| m.party.to_string());
    let signed_already = i.rounds.last().is_some_and(|round| {
        round
            .signatures
            .iter()
            .any(|s| Some(s.party.to_string()) == my_party)
    });
    let awaiting = matches!(v.status, InspectionStatus::AwaitingSignatures { .. });
    // The coordinator's schedule form: every party's inspectors to choose from.
    let parties: Vec<Value> = h
        .view
        .parties
        .iter()
        .map(|p| {
            let inspectors: Vec<String> = h
                .view
                .members
                .iter()
                .filter(|m| matches!(&m.role, CentreRole::Inspector { party } if party == &p.code))
                .map(|m| m.person.to_string())
                .collect();
            json!({"code": p.code.to_string(), "name": p.name, "inspectors": inspectors})
        })
        .collect();
    let refusals: Vec<Value> = i
        .rounds
        .iter()
        .flat_map(|r| &r.signatures)
        .filter_map(|s| match &s.signature {
            Signature::Refused { reason } => {
                Some(json!({"party": s.party.to_string(), "reason": reason}))
            }
            Signature::Signed => None,
        })
        .collect();
    let today = chamber_corridors::utc_date(state.corridors.now()).to_string();
    let mut r = show(
        state,
        ctx,
        format,
        "corridors/inspection.html",
        json!({"inspection": inspection_json(&v), "refusals": refusals}),
        merge(
            merge(h.page("inspections"), again),
            json!({
                "parties": parties,
                "today": today,
                "may_schedule": h.me.coordinator && matches!(v.status, InspectionStatus::Queued),
                "may_record": my_party.is_some() && matches!(v.status, InspectionStatus::Scheduled { .. } | InspectionStatus::Disputed { .. }),
                "may_sign": my_party.is_some() && awaiting && !signed_already,
                "my_party": my_party,
            }),
        ),
    );
    *r.status_mut() = status;
    Ok(r)
}

/// `POST …/inspections/{iid}/schedule`: `day` and `team: [{party, inspector}]` (a form:
/// `inspector_<PARTY>`; none: the first inspector of every party), within the day's capacity
/// (coordinators).
pub async fn schedule(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, iid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let input: ScheduleInput = f.input(format, schedule_form).map_err(fail)?;
    let v = state
        .corridors
        .schedule_inspection(user, &id, &iid, &input)
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/inspections/{iid}"), "scheduled"),
        json!({"inspection": json_of(&v)}),
    ))
}

/// `POST …/inspections/{iid}/result`: a team member records `outcome` (cleared or hold),
/// `reason` (a hold needs one) and `findings`, and signs it.
pub async fn result(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, iid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let input: Result<ResultInput, AppError> = f.input(format, super::fields::flat);
    let recorded = match input {
        Ok(input) => {
            state
                .corridors
                .record_inspection_result(user, &id, &iid, &input)
                .await
        }
        Err(e) => Err(e),
    };
    // A refused result comes back as it was written, the refusal above it.
    let v = match refill(&state, &ctx, format, sent, recorded)? {
        Refill::Done(v) => v,
        Refill::Again(again) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return inspection_page(&state, &ctx, format, user, (&id, &iid), status, again).await;
        }
    };
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/inspections/{iid}"), "result"),
        json!({"inspection": json_of(&v)}),
    ))
}

/// `POST …/inspections/{iid}/sign`: a team member signs the result for their party.
pub async fn sign(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, iid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let v = state
        .corridors
        .sign_inspection(user, &id, &iid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/inspections/{iid}"), "signed"),
        json!({"inspection": json_of(&v)}),
    ))
}

/// `POST …/inspections/{iid}/refuse`: a team member refuses to sign, with the `reason`; the
/// result is disputed.
pub async fn refuse(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, iid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let v = state
        .corridors
        .refuse_inspection(user, &id, &iid, &f.text_or_empty("reason"))
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/inspections/{iid}"), "refused"),
        json!({"inspection": json_of(&v)}),
    ))
}
