//! The actions of the talks, each one handler for a page form and for a program's JSON.

use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::mediation::{NewProcess, SessionPlan, parse_session_format};
use chamber_mediation::ids::{AmendmentId, RoomId};
use chamber_mediation::process::ProcessKind;
use chamber_mediation::text::{Decision, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// `{"ok": true, "process": id, ...extra}` for a program; for a form, back to the view the
/// action belongs to (`view`: a path after `/chamber/{id}`), which confirms it (`code`: one of
/// [`super::view::DONE`]).
fn done(format: Format, id: &str, view: &str, code: &str, extra: Value) -> Response {
    let mut body = json!({"ok": true, "process": id});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    format.done(&format!("/chamber/{id}{view}?done={code}"), body)
}

/// A mediator of the process, or the same refusal the action itself would give (not found for
/// an outsider, forbidden for another participant).
async fn require_mediator(
    state: &SharedState,
    user: &chamber_store::User,
    id: &str,
    format: Format,
) -> Result<(), WebError> {
    let ws = state
        .mediation
        .open(user, id)
        .await
        .map_err(|e| format.fail(e))?;
    if chamber_mediation::permissions::may_issue_version(&ws.process, &ws.viewer) {
        Ok(())
    } else {
        Err(format.fail(AppError::Forbidden))
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> Result<T, AppError> {
    serde_json::from_value(json!(value.trim()))
        .map_err(|_| AppError::invalid(format!("{field}: unknown value {value:?}")))
}

fn date(field: &str, value: &str) -> Result<time::Date, AppError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &fmt)
        .map_err(|_| AppError::invalid(format!("{field}: a date, YYYY-MM-DD")))
}

fn utc_minute(field: &str, value: &str) -> Result<time::OffsetDateTime, AppError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(value.trim(), &fmt)
        .map(|t| t.assume_utc())
        .map_err(|_| {
            AppError::invalid(format!(
                "{field}: expected YYYY-MM-DDTHH:MM (UTC), got {value:?}"
            ))
        })
}

fn non_empty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

#[derive(Deserialize)]
pub struct NoteForm {
    space: String,
    title: String,
    body: String,
}

/// `POST /chamber/{id}/notes`: a note in a space the caller may write to, sealed at once.
pub async fn post_note(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<NoteForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let posted = state
        .mediation
        .post_note(user, &id, &f.space, &f.title, &f.body)
        .await;
    let note = match posted {
        Ok(note) => note,
        // A refused note comes back in its form, as written, the refusal above it (a space
        // the caller cannot see is "not found", never this).
        Err(AppError::Invalid(m)) if format == Format::Page => {
            let mut again = serde_json::Map::new();
            again.insert(
                "note_form".into(),
                json!({"space": f.space, "title": f.title, "body": f.body}),
            );
            again.insert("note_error".into(), json!(m));
            let status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return super::pages::process_view_with(
                &state, &ctx, &id, "spaces", None, status, again,
            )
            .await;
        }
        Err(e) => return Err(format.fail(e)),
    };
    Ok(done(
        format,
        &id,
        "/spaces",
        "note-posted",
        json!({"note": note}),
    ))
}

#[derive(Deserialize)]
pub struct WordingForm {
    paragraph: String,
    text: String,
    #[serde(default)]
    explanation: String,
}

/// `POST /chamber/{id}/amendments`: a party proposes new wording for a paragraph (from its
/// caucus: pending proposals are seen only by that party and the mediators).
pub async fn propose_wording(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<WordingForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let amendment = state
        .mediation
        .propose_wording(user, &id, &f.paragraph, &f.text, &f.explanation)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/text",
        "proposed",
        json!({"amendment": amendment}),
    ))
}

/// `POST /chamber/{id}/versions`: the mediator decides pending amendments (`decision_<id>` =
/// accept, merge or reject; leave blank to decide later) and issues a new immutable version. A
/// merge takes the proposal into the mediator's own wording (`wording_<id>`) for its paragraph.
pub async fn issue_version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let user = format.user(&ctx)?;
    let mut decisions = Vec::new();
    let mut wordings = HashMap::new();
    let mut note = String::new();
    for (k, v) in &form {
        if k == "note" {
            note = v.trim().to_string();
        } else if let Some(aid) = k.strip_prefix("wording_") {
            if let (Some(w), Ok(a)) = (non_empty(v), AmendmentId::parse(aid)) {
                wordings.insert(a, w.to_string());
            }
        } else if let Some(aid) = k.strip_prefix("decision_") {
            let outcome = match v.as_str() {
                "accept" => Outcome::Accept,
                "merge" => Outcome::Merge,
                "reject" => Outcome::Reject,
                _ => continue,
            };
            let amendment = AmendmentId::parse(aid).map_err(|_| format.fail(AppError::NotFound))?;
            decisions.push(Decision { amendment, outcome });
        }
    }
    if decisions.is_empty() {
        // Nothing decided: nothing to issue, and nothing is wrong either (for a mediator).
        require_mediator(&state, user, &id, format).await?;
        return Ok(done(format, &id, "/text", "nothing-decided", json!({})));
    }
    let code = if decisions.iter().all(|d| d.outcome == Outcome::Reject) {
        "rejected"
    } else {
        "version-issued"
    };
    let number = state
        .mediation
        .issue_version(user, &id, &decisions, Some(&wordings), &[], &note)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/text", code, json!({"version": number})))
}

#[derive(Deserialize)]
pub struct AgreeForm {
    paragraph: String,
}

/// `POST /chamber/{id}/agree`: the mediator records a paragraph as agreed ad referendum as it
/// stands, in a new version.
pub async fn agree_paragraph(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<AgreeForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let number = state
        .mediation
        .agree_paragraph(user, &id, &f.paragraph)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/text",
        "agreed",
        json!({"version": number}),
    ))
}

#[derive(Deserialize, Default)]
pub struct AdoptForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /chamber/{id}/adopt`: the mediator adopts the current version as the agreement. A
/// page form must carry `confirm=yes` (sent by the confirm step, `GET /chamber/{id}/adopt`);
/// without it the browser is taken to that step. A program (`/api/v1/…`) adopts at once.
pub async fn adopt(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<AdoptForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    let format = Format::for_path(&ctx.path);
    let user = format.user(&ctx)?;
    let confirmed = form.is_ok_and(|Form(f)| f.confirm == "yes");
    if !format.is_json() && !confirmed {
        require_mediator(&state, user, &id, format).await?;
        return Ok(axum::response::Redirect::to(&format!("/chamber/{id}/adopt")).into_response());
    }
    state
        .mediation
        .adopt(user, &id)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/agreement", "adopted", json!({})))
}

#[derive(Deserialize)]
pub struct EditForm {
    paragraph: String,
    text: String,
    #[serde(default)]
    note: String,
}

/// `POST /chamber/{id}/edit`: the mediator rewords a paragraph directly, issued at once as a
/// new version.
pub async fn edit_text(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<EditForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let number = state
        .mediation
        .edit_text(user, &id, &f.paragraph, &f.text, &f.note)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/text",
        "edited",
        json!({"version": number}),
    ))
}

#[derive(Deserialize)]
pub struct ScoreForm {
    provision: String,
    level: u8,
    period: String,
    #[serde(default)]
    evidence: String,
    /// A provision type code set with the score (optional; `theme` is its older name).
    #[serde(default, alias = "theme")]
    provision_type: String,
}

/// `POST /chamber/{id}/scores`: implementation of one provision in one period, scored 0–3 with
/// evidence (the Peace Accords Matrix scale).
pub async fn score(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<ScoreForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let period = date("period", &f.period).map_err(|e| format.fail(e))?;
    state
        .mediation
        .score(
            user,
            &id,
            &f.provision,
            period,
            f.level,
            &f.evidence,
            non_empty(&f.provision_type),
        )
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/agreement", "score-recorded", json!({})))
}

#[derive(Deserialize)]
pub struct CommitmentForm {
    provision: String,
    /// A provision type code (`cease-fire`); `theme` is its older name.
    #[serde(default, alias = "theme")]
    provision_type: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    deadline: String,
}

/// `POST /chamber/{id}/commitments`: a provision's theme, responsible party and deadline.
pub async fn set_commitment(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<CommitmentForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let deadline = non_empty(&f.deadline)
        .map(|d| date("deadline", d))
        .transpose()
        .map_err(|e| format.fail(e))?;
    state
        .mediation
        .set_commitment(
            user,
            &id,
            &f.provision,
            non_empty(&f.provision_type),
            non_empty(&f.responsible),
            deadline,
        )
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/agreement", "commitment-set", json!({})))
}

#[derive(Deserialize)]
pub struct NewProcessForm {
    title: String,
    #[serde(default)]
    kind: String,
    /// The mediator's username (the opener, when a mediator opens it).
    #[serde(default)]
    mediator: String,
}

/// `POST /chamber`: open a process by hand (secretariat, mediators, analysts).
pub async fn open_by_hand(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<NewProcessForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let kind: ProcessKind = match non_empty(&f.kind) {
        None => ProcessKind::PeaceProcess,
        Some(k) => parse_enum("kind", k).map_err(|e| format.fail(e))?,
    };
    let pid = state
        .mediation
        .open_by_hand(
            user,
            &NewProcess {
                title: f.title,
                kind,
                mediator: non_empty(&f.mediator).map(str::to_string),
            },
        )
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &pid, "", "opened", json!({})))
}

#[derive(Deserialize)]
pub struct OpenFromAlert {
    /// A reference to the alert: `watch:<where>:<onset>:<detector>`.
    alert: String,
    title: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /chamber/open`: turn a Watch alert into a preventive case (the alert's id in the form).
pub async fn open_from_alert(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<OpenFromAlert>,
) -> Result<Response, WebError> {
    case_for_alert(&state, &ctx, &f.alert, &f.title, &f.evidence, format).await
}

#[derive(Deserialize, Default)]
pub struct CaseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /watch/alerts/{id}/case` (form) and `POST /api/v1/watch/alerts/{id}/case`: a preventive
/// case from an alert — 201 with the case's `id` the first time, 200 with the same `id` after.
pub async fn case_from_alert(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(alert): Path<String>,
    Input { value: f, format }: Input<CaseForm>,
) -> Result<Response, WebError> {
    case_for_alert(&state, &ctx, &alert, &f.title, &f.evidence, format).await
}

async fn case_for_alert(
    state: &SharedState,
    ctx: &Ctx,
    alert: &str,
    title: &str,
    evidence: &str,
    format: Format,
) -> Result<Response, WebError> {
    let user = format.user(ctx)?;
    let opened = state
        .mediation
        .open_case_for_alert(user, alert, title, evidence)
        .await
        .map_err(|e| format.fail(e))?;
    let body =
        json!({"ok": true, "id": opened.id, "process": opened.id, "created": opened.created});
    let location = format!("/chamber/{}", opened.id);
    Ok(if opened.created {
        format.created(&location, body)
    } else {
        format.done(&location, body)
    })
}

/// `POST /chamber/{id}/take`: a mediator takes a case from the intake.
pub async fn take(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let format = Format::for_path(&ctx.path);
    let user = format.user(&ctx)?;
    state
        .mediation
        .take(user, &id)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "", "taken", json!({})))
}

#[derive(Deserialize)]
pub struct NameForm {
    name: String,
}

/// `POST /chamber/{id}/parties`: a party (and its caucus space).
pub async fn add_party(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<NameForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let party = state
        .mediation
        .add_party(user, &id, &f.name)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/setup",
        "party-added",
        json!({"party": party.as_str()}),
    ))
}

#[derive(Deserialize)]
pub struct ParticipantForm {
    username: String,
    role: String,
    #[serde(default)]
    party: String,
}

/// `POST /chamber/{id}/participants`: an account joins with a role; a delegate joins one party.
pub async fn add_participant(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<ParticipantForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .mediation
        .add_participant(user, &id, &f.username, &f.role, Some(&f.party))
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/setup", "participant-added", json!({})))
}

#[derive(Deserialize)]
pub struct RemoveForm {
    username: String,
}

/// `POST /chamber/{id}/participants/remove`: someone leaves the process.
pub async fn remove_participant(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<RemoveForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .mediation
        .remove_participant(user, &id, &f.username)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/setup",
        "participant-removed",
        json!({}),
    ))
}

#[derive(Deserialize)]
pub struct TrackForm {
    kind: String,
    status: String,
}

/// `POST /chamber/{id}/tracks`: a track of preventive diplomacy and its status.
pub async fn set_track(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<TrackForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let kind = parse_enum("kind", &f.kind).map_err(|e| format.fail(e))?;
    let status = parse_enum("status", &f.status).map_err(|e| format.fail(e))?;
    state
        .mediation
        .set_track(user, &id, kind, status)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/setup", "track-set", json!({})))
}

#[derive(Deserialize)]
pub struct TextForm {
    title: String,
    #[serde(default)]
    preamble: String,
    #[serde(default)]
    operative: String,
}

/// `POST /chamber/{id}/text`: the first version of the single negotiating text.
pub async fn start_text(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<TextForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .mediation
        .start_text(user, &id, &f.title, &f.preamble, &f.operative)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/text", "text-started", json!({})))
}

#[derive(Deserialize)]
pub struct RoomForm {
    name: String,
    #[serde(default)]
    capacity: Option<u32>,
}

/// `POST /chamber/{id}/rooms`.
pub async fn add_room(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<RoomForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let room = state
        .mediation
        .add_room(user, &id, &f.name, f.capacity)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/setup",
        "room-added",
        json!({"room": room.as_str()}),
    ))
}

#[derive(Deserialize)]
pub struct SessionForm {
    title: String,
    /// plenary, proximity, shuttle, caucus:<party>, bilateral:<party>
    format: String,
    /// `YYYY-MM-DDTHH:MM` (UTC), as a datetime-local field sends it.
    start: String,
    end: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    agenda: String,
}

/// `POST /chamber/{id}/sessions`: plan a session; its participants are everyone who may read
/// its space. Clashes (room or person) show on the process page.
pub async fn plan_session(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<SessionForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let plan = (|| {
        Ok::<_, AppError>(SessionPlan {
            title: f.title.clone(),
            format: parse_session_format(&f.format)?,
            start: utc_minute("start", &f.start)?,
            end: utc_minute("end", &f.end)?,
            room: non_empty(&f.room)
                .map(|r| RoomId::parse(r).map_err(|_| AppError::invalid("room: unknown room")))
                .transpose()?,
            agenda: f
                .agenda
                .lines()
                .filter_map(non_empty)
                .map(str::to_string)
                .collect(),
        })
    })()
    .map_err(|e| format.fail(e))?;
    let session = state
        .mediation
        .plan_session(user, &id, plan)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &id,
        "/sessions",
        "session-planned",
        json!({"session": session}),
    ))
}

#[derive(Deserialize)]
pub struct AttributionForm {
    mode: String,
}

/// `POST /chamber/{id}/attribution`: neutral (default) or open attribution of proposals.
pub async fn set_attribution(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<AttributionForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let mode = parse_enum("mode", &f.mode).map_err(|e| format.fail(e))?;
    state
        .mediation
        .set_attribution(user, &id, mode)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/setup", "attribution-set", json!({})))
}

#[derive(Deserialize)]
pub struct MinutesForm {
    session: String,
    minutes: String,
}

/// `POST /chamber/{id}/minutes`: the minutes of a session, sealed with it.
pub async fn set_minutes(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<MinutesForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .mediation
        .set_minutes(user, &id, &f.session, &f.minutes)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(format, &id, "/sessions", "minutes-saved", json!({})))
}
