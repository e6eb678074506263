//! Registrations and daily movement plans: the operator's registration form (IMO check digit
//! and lateness by the corridor's rule, both worded from the catalogue), the registrations the
//! caller may see (an operator: its own only; another's is 404 like an unknown one), one
//! registration with everything about it, the centre's decision on a late one, withdrawal and
//! arrival; the plans (lapsed ones marked), proposing one, and each party representative's
//! approval, amendment or hold by the deadline.

use super::corridor::{Done, Header, merge};
use super::fields::{CARGO_ROWS, Fields, movements_form, plan_form, registration_form};
use super::view::{MapLayers, readable};
use super::words::{late_decision, lateness};
use super::{Refill, confirmed, failed, json_of, refill, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chamber_app::AppError;
use chamber_app::corridors::movements::{
    MovementInput, PlanInput, RegistrationInput, RegistrationView,
};
use chamber_corridors::permissions::PlanView;
use chamber_corridors::plan::PlanStatus;
use chamber_corridors::registration::RegistrationStatus;
use serde_json::{Value, json};

/// A registration as a page shows it: the record, its label and total, the lateness flag and
/// the centre's decision worded in the reader's language.
fn registration_json(state: &SharedState, ctx: &Ctx, v: &RegistrationView) -> Value {
    let r = &v.registration;
    let mut j = json_of(v);
    j["label"] = json!(r.carrier.label());
    j["total"] = json!(r.total_tonnage().to_string());
    j["status_name"] = json_of(&v.status);
    if let Some(lines) = j["cargo"].as_array_mut() {
        for (line, c) in lines.iter_mut().zip(&r.cargo) {
            line["tonnage_label"] = json!(c.tonnage.to_string());
        }
    }
    if let Some(late) = &r.late {
        j["late_text"] = json!(lateness(state, ctx, late));
    }
    if let Some(d) = &r.late_decision {
        j["decision_text"] = json!(late_decision(state, ctx, d));
    }
    readable(&mut j);
    j
}

/// `GET /corridors/{id}/register`: the operator's registration form.
pub async fn form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    register_page(&state, &ctx, &id, StatusCode::OK, json!({"form": {}})).await
}

/// The registration form: empty, or (`again`: the fields sent and the refusal) shown again
/// with what the operator typed, so that a wrong check digit costs one field, not the form.
async fn register_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let user = format.user(ctx)?;
    let h = Header::load(state, ctx, user, id, format).await?;
    let extra = merge(
        merge(
            h.page("registrations"),
            json!({
                "rows": (1..=CARGO_ROWS).collect::<Vec<_>>(),
                "lead_hours": h.view.rules.registration_lead_hours,
                "humanitarian": h.view.designation == chamber_corridors::corridor::Designation::Humanitarian,
                "ports": h.view.points.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
            }),
        ),
        again,
    );
    Ok(crate::render::page(
        state,
        ctx,
        status,
        "corridors/register.html",
        extra,
    ))
}

/// `POST /corridors/{id}/registrations`: an operator registers a vessel (IMO number, name,
/// flag) or a convoy (plates, composition, flag), its cargo lines, itinerary, expected arrival
/// at the inspection area and, for humanitarian cargo, the 46/182 designation. A late one is
/// stored, flagged and waits for the centre.
pub async fn register(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let input: Result<RegistrationInput, AppError> = f.input(format, registration_form);
    let registered = match input {
        Ok(input) => state.corridors.register(user, &id, &input).await,
        Err(e) => Err(e),
    };
    // A refused form comes back filled in, the refusal above it.
    let v = match refill(&state, &ctx, format, sent, registered)? {
        Refill::Done(v) => v,
        Refill::Again(again) => {
            return register_page(&state, &ctx, &id, StatusCode::UNPROCESSABLE_ENTITY, again).await;
        }
    };
    let rid = v.registration.id.to_string();
    Ok(format.created(
        &confirmed(
            &format!("/corridors/{id}/registrations/{rid}"),
            "registered",
        ),
        json!({"ok": true, "registration": json_of(&v)}),
    ))
}

/// `GET /corridors/{id}/registrations`: the centre sees every registration, an operator its
/// own.
pub async fn list(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let list = state
        .corridors
        .registrations(user, &id)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(show(
            &state,
            &ctx,
            format,
            "",
            json!({"registrations": json_of(&list)}),
            Value::Null,
        ));
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|v| registration_json(&state, &ctx, v))
        .collect();
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/registrations.html",
        json!({"registrations": rows}),
        merge(h.page("registrations"), json!({"done_key": done.key()})),
    ))
}

/// `GET /corridors/{id}/registrations/{rid}`: one registration with its plans, inspections,
/// incidents, position reports and map; what the caller may do with it.
pub async fn one(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let d = state
        .corridors
        .registration(user, &id, &rid)
        .await
        .map_err(fail)?;
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", json_of(&d), Value::Null));
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let positions = state
        .corridors
        .positions(user, &id, &rid)
        .await
        .map_err(fail)?;
    let r = &d.registration.registration;
    let status = d.registration.status;
    let own = r.operator.as_str() == user.username;
    let moving = status == RegistrationStatus::Registered;
    let open_inspection = d.inspections.iter().any(|i| {
        !i.status.is_final()
            && !matches!(
                i.status,
                chamber_corridors::inspection::InspectionStatus::Disputed { .. }
            )
    });
    let map = super::corridor::map_of(
        &state,
        &ctx,
        &h.view,
        &MapLayers {
            positions: &positions,
            incidents: &d.incidents,
            notified: None,
        },
    );
    let mut plans = json_of(&d.plans);
    readable(&mut plans);
    let mut inspections = json_of(&d.inspections);
    readable(&mut inspections);
    let mut incidents = json_of(&d.incidents);
    readable(&mut incidents);
    let extra = merge(
        h.page("registrations"),
        json!({
            "done_key": done.key(),
            "map": map,
            "positions": positions.len(),
            "may_decide_late": h.me.coordinator && status == RegistrationStatus::LateAwaitingDecision,
            "may_withdraw": own && !matches!(status, RegistrationStatus::Arrived | RegistrationStatus::Withdrawn),
            "may_arrive": (own || h.me.coordinator) && moving,
            "may_queue": (own || h.me.centre) && moving && !open_inspection,
            "may_report": (own || h.me.centre) && moving,
        }),
    );
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/registration.html",
        json!({
            "r": registration_json(&state, &ctx, &d.registration),
            "plans": plans,
            "inspections": inspections,
            "incidents": incidents,
        }),
        extra,
    ))
}

/// `POST …/registrations/{rid}/late`: the coordinators accept (`accepted: true`, or a form's
/// `decision=accept`) or refuse a late registration, with the `reason`.
pub async fn decide_late(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let accepted = f.flag("accepted") || f.opt("decision").as_deref() == Some("accept");
    let v = state
        .corridors
        .decide_late(user, &id, &rid, accepted, &f.text_or_empty("reason"))
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/registrations/{rid}"), "late"),
        json!({"registration": json_of(&v)}),
    ))
}

async fn registration_action(
    state: SharedState,
    ctx: Ctx,
    id: String,
    rid: String,
    what: &str,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let result = match what {
        "withdrawn" => state.corridors.withdraw(user, &id, &rid).await,
        _ => state.corridors.arrive(user, &id, &rid).await,
    };
    let v = result.map_err(|e| failed(&state, &ctx, format, e))?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/registrations/{rid}"), what),
        json!({"registration": json_of(&v)}),
    ))
}

/// `POST …/registrations/{rid}/withdraw`: the registering operator withdraws it.
pub async fn withdraw(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    registration_action(state, ctx, id, rid, "withdrawn").await
}

/// `POST …/registrations/{rid}/arrive`: the operator or a coordinator records the arrival.
pub async fn arrive(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    registration_action(state, ctx, id, rid, "arrived").await
}

// ------------------------------------------------------------------ plans

/// A plan as a page shows it: its status by name, whom it waits for, lapsed marked.
fn plan_json(p: &PlanView) -> Value {
    let mut j = json_of(p);
    let (name, held, waiting) = match &p.status {
        PlanStatus::Proposed { waiting_for } => ("proposed", Vec::new(), waiting_for.clone()),
        PlanStatus::Held {
            held_by,
            waiting_for,
        } => ("held", held_by.clone(), waiting_for.clone()),
        PlanStatus::Approved { .. } => ("approved", Vec::new(), Vec::new()),
        PlanStatus::Lapsed {
            held_by,
            waiting_for,
        } => ("lapsed", held_by.clone(), waiting_for.clone()),
    };
    j["status_name"] = json!(name);
    j["held_by"] = json!(held.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    j["waiting_for"] = json!(waiting.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    readable(&mut j);
    j
}

/// The registrations a plan may move (the centre's view of those registered and plannable).
async fn plannable(
    state: &SharedState,
    ctx: &Ctx,
    user: &chamber_store::User,
    id: &str,
    format: Format,
) -> Result<Vec<Value>, WebError> {
    let all = state
        .corridors
        .registrations(user, id)
        .await
        .map_err(|e| failed(state, ctx, format, e))?;
    Ok(all
        .iter()
        .filter(|v| v.plannable)
        .map(|v| {
            json!({
                "id": v.registration.id.to_string(),
                "label": v.registration.carrier.label(),
                "from": v.registration.itinerary.from,
                "organisation": v.registration.organisation,
            })
        })
        .collect())
}

/// `GET /corridors/{id}/plans`: the daily plans the caller may see, newest day first, and
/// for a representative the form that proposes one.
pub async fn plans(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    plans_page(
        &state,
        &ctx,
        format,
        user,
        &id,
        StatusCode::OK,
        json!({"done_key": done.key()}),
    )
    .await
}

/// The plans page with `again`: the confirmation, or a refused proposal's refusal and
/// `form` (its day, the movements ticked and their departure times are kept).
async fn plans_page(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    user: &chamber_store::User,
    id: &str,
    status: StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let list = state
        .corridors
        .plans(user, id)
        .await
        .map_err(|e| failed(state, ctx, format, e))?;
    if format.is_json() {
        return Ok(show(
            state,
            ctx,
            format,
            "",
            json!({"plans": json_of(&list)}),
            Value::Null,
        ));
    }
    let h = Header::load(state, ctx, user, id, format).await?;
    let mut candidates = if h.me.representative.is_some() {
        plannable(state, ctx, user, id, format).await?
    } else {
        Vec::new()
    };
    let sent = again.get("form").and_then(Value::as_object);
    if let Some(sent) = sent {
        for c in &mut candidates {
            let cid = c["id"].as_str().unwrap_or_default().to_string();
            c["planned"] = json!(sent.contains_key(&format!("move_{cid}")));
            if let Some(t) = sent.get(&format!("depart_{cid}")) {
                c["depart"] = t.clone();
            }
        }
    }
    let tomorrow = chamber_corridors::utc_date(state.corridors.now()).next_day();
    let day = sent
        .and_then(|f| f.get("day"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| tomorrow.map(|d| d.to_string()));
    let mut r = show(
        state,
        ctx,
        format,
        "corridors/plans.html",
        json!({"plans": list.iter().map(plan_json).collect::<Vec<_>>()}),
        merge(
            merge(
                h.page("plans"),
                json!({
                    "candidates": candidates,
                    "tomorrow": day,
                    "plan_deadline": h.view.rules.plan_deadline,
                    "approval_deadline": h.view.rules.approval_deadline,
                }),
            ),
            again,
        ),
    );
    *r.status_mut() = status;
    Ok(r)
}

/// `POST /corridors/{id}/plans`: a party's representative proposes a day's movements
/// (`day`, `movements: [{registration, depart_at}]`; a form ticks `move_<registration>` and
/// gives `depart_<registration>` as `HH:MM`).
pub async fn propose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let input: Result<PlanInput, AppError> = f.input(format, plan_form);
    let proposed = match input {
        Ok(input) => state.corridors.propose_plan(user, &id, &input).await,
        Err(e) => Err(e),
    };
    // A refused proposal comes back as it was sent, the refusal above it.
    let plan = match refill(&state, &ctx, format, sent, proposed)? {
        Refill::Done(p) => p,
        Refill::Again(again) => {
            return plans_page(
                &state,
                &ctx,
                format,
                user,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                again,
            )
            .await;
        }
    };
    let pid = plan.id.to_string();
    Ok(format.created(
        &confirmed(&format!("/corridors/{id}/plans/{pid}"), "proposed"),
        json!({"ok": true, "plan": json_of(&plan)}),
    ))
}

/// `GET /corridors/{id}/plans/{pid}`: the plan every party of the centre sees alike (an
/// operator: its own movements and the status), with the representative's decisions.
pub async fn plan(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let p = state
        .corridors
        .plan(user, &id, &pid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", json_of(&p), Value::Null));
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let open = matches!(
        p.status,
        PlanStatus::Proposed { .. } | PlanStatus::Held { .. }
    );
    let may_decide = h.me.representative.is_some() && open;
    let mut candidates = if may_decide {
        plannable(&state, &ctx, user, &id, format).await?
    } else {
        Vec::new()
    };
    // The amendment form starts from the plan as it stands.
    for c in candidates.iter_mut() {
        let planned = p
            .movements
            .iter()
            .find(|m| m.registration.as_str() == c["id"].as_str().unwrap_or(""));
        c["planned"] = json!(planned.is_some());
        c["depart"] = json!(planned.map(|m| {
            let t = m.depart_at.to_offset(time::UtcOffset::UTC);
            format!("{:02}:{:02}", t.hour(), t.minute())
        }));
    }
    let my_decision = h.me.representative.as_deref().and_then(|party| {
        p.decisions
            .iter()
            .rev()
            .find(|d| d.party.as_str() == party && d.version == p.version)
    });
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/plan.html",
        json!({"plan": plan_json(&p)}),
        merge(
            h.page("plans"),
            json!({
                "done_key": done.key(),
                "may_decide": may_decide,
                "candidates": candidates,
                "my_decision": my_decision.map(|d| json_of(&d.kind)),
            }),
        ),
    ))
}

async fn plan_decision(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    id: &str,
    pid: &str,
    what: &str,
    f: Fields,
) -> Result<Response, WebError> {
    let user = format.user(ctx)?;
    let fail = |e| failed(state, ctx, format, e);
    let plan = match what {
        "approved" => state.corridors.approve_plan(user, id, pid).await,
        "held" => {
            state
                .corridors
                .hold_plan(user, id, pid, &f.text_or_empty("reason"))
                .await
        }
        _ => {
            let note = f.text_or_empty("note");
            let movements: Vec<MovementInput> = match format {
                Format::Json => {
                    serde_json::from_value(f.0.get("movements").cloned().unwrap_or(Value::Null))
                        .map_err(|e| fail(AppError::invalid(format!("movements: {e}"))))?
                }
                Format::Page => {
                    let day = f.text("day").map_err(fail)?;
                    serde_json::from_value(Value::Array(movements_form(&f, &day)))
                        .map_err(|e| fail(AppError::invalid(format!("movements: {e}"))))?
                }
            };
            state
                .corridors
                .amend_plan(user, id, pid, &movements, &note)
                .await
        }
    }
    .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/plans/{pid}"), what),
        json!({"plan": json_of(&plan)}),
    ))
}

/// `POST …/plans/{pid}/approve`: the representative approves the current version for their
/// party.
pub async fn approve(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let format = super::format_of(&ctx);
    plan_decision(
        &state,
        &ctx,
        format,
        &id,
        &pid,
        "approved",
        Fields::default(),
    )
    .await
}

/// `POST …/plans/{pid}/hold`: the representative holds the plan, with the `reason`.
pub async fn hold(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    plan_decision(&state, &ctx, format, &id, &pid, "held", f).await
}

/// `POST …/plans/{pid}/amend`: the representative replaces the movements (`movements`,
/// `note`): a new version every party approves anew.
pub async fn amend(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    plan_decision(&state, &ctx, format, &id, &pid, "amended", f).await
}
