//! The speakers' list of a meeting: delegations inscribe (a change of slot goes to the end),
//! the chair's view gives the floor with a countdown, swaps two entries with both delegations'
//! consent and sets the time limits; the room screen counts down from the server's remaining
//! time (`assets/screen.js`).

use super::fields::Fields;
use super::{done, format_of, json_of, minute, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use chamber_app::AppError;
use chamber_app::conferences::floor::SpeakersView;
use chamber_conferences::StaffRole;
use chamber_conferences::speakers::{Entry, SpeechKind, TimeLimits};
use serde_json::{Value, json};

fn kind_code(k: SpeechKind) -> &'static str {
    match k {
        SpeechKind::Statement => "statement",
        SpeechKind::ExplanationOfVote => "explanation_of_vote",
        SpeechKind::RightOfReply => "right_of_reply",
    }
}

fn entry_json(e: &Entry, v: &SpeakersView) -> Value {
    json!({
        "id": e.id.to_string(),
        "delegation": e.delegation.to_string(),
        "name": v.names.get(e.delegation.as_str()).cloned().unwrap_or_default(),
        "kind": kind_code(e.kind),
        "second": e.second,
        "inscribed": minute(e.inscribed_at),
    })
}

/// The list as the chair's view and the room screen show it.
fn screen_json(v: &SpeakersView) -> Value {
    json!({
        "current": v.current.as_ref().map(|c| {
            let mut e = entry_json(&c.entry, v);
            e["limit_secs"] = json!(c.limit_secs);
            e
        }),
        "elapsed_secs": v.elapsed_secs,
        "remaining_secs": v.remaining_secs,
        "next": v.next.iter().map(|e| entry_json(e, v)).collect::<Vec<_>>(),
        "limits": json_of(&v.limits),
    })
}

async fn session_title(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    id: &str,
    sid: &str,
) -> Result<(chamber_app::conferences::ConferenceView, String), WebError> {
    let user = format.user(ctx)?;
    let view = state
        .conferences
        .view(user, id)
        .await
        .map_err(|e| format.fail(e))?;
    let title = view
        .timetable
        .iter()
        .find(|s| s.id.as_str() == sid)
        .map(|s| s.title.clone())
        .ok_or(format.fail(AppError::NotFound))?;
    Ok((view, title))
}

/// `GET /conferences/{id}/sessions/{sid}/speakers`: the chair's view — the current speaker
/// with the countdown, the list in order — and the forms to inscribe and to chair.
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let v = state
        .conferences
        .speakers(&id, &sid, ctx.lang)
        .await
        .map_err(fail)?;
    if format.is_json() {
        let mut body = json_of(&v);
        body["screen"] = screen_json(&v);
        return Ok(axum::Json(body).into_response());
    }
    let (view, title) = session_title(&state, &ctx, format, &id, &sid).await?;
    let person = chamber_app::conferences::person_of(user).map_err(fail)?;
    let chair = view.roles.contains(&StaffRole::Chair);
    let for_all = chair || view.roles.contains(&StaffRole::Secretariat);
    let mine: Vec<Value> = state
        .conferences
        .delegations(&id, ctx.lang)
        .await
        .map_err(fail)?
        .iter()
        .filter(|d| for_all || d.delegation.members.iter().any(|m| m.person == person))
        .map(|d| json!({"id": d.delegation.id.to_string(), "name": d.name}))
        .collect();
    let own: Vec<String> = mine
        .iter()
        .filter_map(|d| d["id"].as_str().map(str::to_string))
        .collect();
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/speakers.html",
        screen_json(&v),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "session": {"id": sid, "title": title},
            "chair": chair,
            "delegations": mine,
            "own": own,
            "kinds": ["statement", "explanation_of_vote", "right_of_reply"],
        }),
    ))
}

use axum::response::IntoResponse;

/// `GET /conferences/{id}/sessions/{sid}/screen`: the room screen — the current speaker and a
/// countdown that keeps time from the server's remaining seconds.
pub async fn screen(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let (view, title) = session_title(&state, &ctx, format, &id, &sid).await?;
    let v = state
        .conferences
        .speakers(&id, &sid, ctx.lang)
        .await
        .map_err(WebError::page)?;
    Ok(crate::render::page(
        &state,
        &ctx,
        axum::http::StatusCode::OK,
        "conferences/screen.html",
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "session": {"id": sid, "title": title},
            "screen": screen_json(&v),
        }),
    ))
}

/// `POST /conferences/{id}/sessions/{sid}/speakers`: a delegation inscribes (`delegation`,
/// `kind`: statement, explanation_of_vote or right_of_reply).
pub async fn inscribe(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let kind = SpeechKind::parse(&f.opt("kind").unwrap_or_else(|| "statement".into()))
        .map_err(|e| fail(AppError::from(e)))?;
    let entry = state
        .conferences
        .inscribe(user, &id, &sid, &f.text("delegation").map_err(fail)?, kind)
        .await
        .map_err(fail)?;
    Ok(format.created(&back(&id, &sid), json!({"ok": true, "entry": entry})))
}

fn back(id: &str, sid: &str) -> String {
    format!("/conferences/{id}/sessions/{sid}/speakers")
}

/// `POST …/speakers/{entry}/slot`: the delegation (`delegation`) gives up its slot; the entry
/// goes to the end of the list.
pub async fn change_slot(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid, entry)): Path<(String, String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    state
        .conferences
        .change_slot(
            user,
            &id,
            &sid,
            &f.text("delegation").map_err(fail)?,
            &entry,
        )
        .await
        .map_err(fail)?;
    Ok(done(format, &back(&id, &sid), json!({})))
}

/// `POST …/speakers/{entry}/withdraw`: the delegation (`delegation`) withdraws its entry.
pub async fn withdraw_entry(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid, entry)): Path<(String, String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    state
        .conferences
        .withdraw_entry(
            user,
            &id,
            &sid,
            &f.text("delegation").map_err(fail)?,
            &entry,
        )
        .await
        .map_err(fail)?;
    Ok(done(format, &back(&id, &sid), json!({})))
}

/// `POST …/swap`: the chair swaps entries `a` and `b`, with `consent` of both delegations.
pub async fn swap(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    state
        .conferences
        .swap_entries(
            user,
            &id,
            &sid,
            &f.text("a").map_err(fail)?,
            &f.text("b").map_err(fail)?,
            f.flag("consent"),
        )
        .await
        .map_err(fail)?;
    Ok(done(format, &back(&id, &sid), json!({})))
}

/// `POST …/limits`: the chair's time limits in seconds (`statement`, `explanation_of_vote`,
/// `right_of_reply`, `second_right_of_reply`; a blank one keeps its value).
pub async fn set_limits(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let now = state
        .conferences
        .speakers(&id, &sid, ctx.lang)
        .await
        .map_err(fail)?
        .limits;
    let pick = |name: &str, old: u32| f.number::<u32>(name).map(|v| v.unwrap_or(old));
    let limits = TimeLimits {
        statement: pick("statement", now.statement).map_err(fail)?,
        explanation_of_vote: pick("explanation_of_vote", now.explanation_of_vote).map_err(fail)?,
        right_of_reply: pick("right_of_reply", now.right_of_reply).map_err(fail)?,
        second_right_of_reply: pick("second_right_of_reply", now.second_right_of_reply)
            .map_err(fail)?,
    };
    state
        .conferences
        .set_time_limits(user, &id, &sid, limits)
        .await
        .map_err(fail)?;
    Ok(done(format, &back(&id, &sid), json!({})))
}

/// `POST …/next`: the chair gives the floor to the next speaker.
pub async fn next(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let format = format_of(&ctx);
    let user = format.user(&ctx)?;
    let current = state
        .conferences
        .next_speaker(user, &id, &sid)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &back(&id, &sid),
        json!({"current": json_of(&current)}),
    ))
}

/// `POST …/finish`: the current speaker's time is over.
pub async fn finish(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let format = format_of(&ctx);
    let user = format.user(&ctx)?;
    state
        .conferences
        .finish_speaker(user, &id, &sid)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &back(&id, &sid), json!({})))
}
