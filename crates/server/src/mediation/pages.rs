//! The mediation chamber's pages: the processes a person takes part in, and one process as
//! that person may see it (spaces, notes, the current negotiating text, versions, amendments).
//!
//! Confidentiality is decided by `chamber_mediation::permissions` alone; this module only asks.
//! Every record is sealed with the operator's key before it reaches the store.

use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, page};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chamber_core::{Role, Username};
use chamber_mediation::confidential::{Keyring, open_json, seal_json};
use chamber_mediation::ids::PersonId;
use chamber_mediation::permissions::{filter_visible, process_view};
use chamber_mediation::process::Process;
use chamber_mediation::spaces::Note;
use chamber_mediation::text::TextRecord;
use chamber_mediation::text::render::{RenderOptions, html};
use chamber_store::Store;
use chamber_store::mediation::SealedRecord;
use serde_json::json;

/// What a record is bound to: its process, kind and id. A record moved to another process or
/// relabelled does not open.
fn aad(process: &str, kind: &str, id: &str) -> Vec<u8> {
    format!("chamber/v1/{process}/{kind}/{id}").into_bytes()
}

fn seal<T: serde::Serialize>(
    keys: &Keyring,
    process: &str,
    kind: &str,
    id: &str,
    value: &T,
) -> Result<SealedRecord, String> {
    let bytes = seal_json(keys, &aad(process, kind, id), value).map_err(|e| e.to_string())?;
    Ok(SealedRecord {
        id: id.to_string(),
        process_id: process.to_string(),
        kind: kind.to_string(),
        sealed: B64.encode(bytes),
    })
}

fn open<T: serde::de::DeserializeOwned>(keys: &Keyring, r: &SealedRecord) -> Result<T, String> {
    let bytes = B64
        .decode(&r.sealed)
        .map_err(|e| format!("record {}: {e}", r.id))?;
    open_json(keys, &aad(&r.process_id, &r.kind, &r.id), &bytes)
        .map_err(|e| format!("record {} does not open with this key: {e}", r.id))
}

/// A request body from a page form or from a program (`Content-Type: application/json`); the
/// answer takes the same shape: a redirect for the form, JSON for the program.
pub struct Input<T> {
    pub value: T,
    pub json: bool,
}

impl<S, T> axum::extract::FromRequest<S> for Input<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        if json {
            axum::Json::<T>::from_request(req, state)
                .await
                .map(|axum::Json(value)| Input { value, json: true })
                .map_err(rejected)
        } else {
            axum::extract::Form::<T>::from_request(req, state)
                .await
                .map(|axum::extract::Form(value)| Input { value, json: false })
                .map_err(IntoResponse::into_response)
        }
    }
}

/// Success: back to the process page for a form, `{"ok": true, ...}` for a program.
fn done(json: bool, id: &str, extra: serde_json::Value) -> Response {
    if json {
        let mut body = json!({"ok": true, "process": id});
        if let (Some(b), serde_json::Value::Object(e)) = (body.as_object_mut(), extra) {
            b.extend(e);
        }
        (StatusCode::OK, axum::Json(body)).into_response()
    } else {
        Redirect::to(&format!("/chamber/{id}")).into_response()
    }
}

fn fail(f: Failure, json: bool, state: &SharedState, ctx: &Ctx) -> Response {
    if json { f.json() } else { f.page(state, ctx) }
}

/// A process with what is stored beside it.
pub struct Loaded {
    pub process: Process,
    pub record: Option<TextRecord>,
    pub notes: Vec<Note>,
    pub sessions: Vec<chamber_mediation::venue::Session>,
    pub rooms: Vec<chamber_mediation::venue::Room>,
    pub agreement: Option<chamber_mediation::agreement::Agreement>,
}

pub async fn load(store: &Store, keys: &Keyring, id: &str) -> Result<Option<Loaded>, String> {
    let records = store.sealed_records(id).await.map_err(|e| e.to_string())?;
    let Some(process_row) = records.iter().find(|r| r.kind == "process") else {
        return Ok(None);
    };
    let process: Process = open(keys, process_row)?;
    let mut loaded = Loaded {
        process,
        record: None,
        notes: Vec::new(),
        sessions: Vec::new(),
        rooms: Vec::new(),
        agreement: None,
    };
    for r in &records {
        match r.kind.as_str() {
            "text" => loaded.record = Some(open(keys, r)?),
            "note" => loaded.notes.push(open(keys, r)?),
            "session" => loaded.sessions.push(open(keys, r)?),
            "room" => loaded.rooms.push(open(keys, r)?),
            "agreement" => loaded.agreement = Some(open(keys, r)?),
            _ => {}
        }
    }
    Ok(Some(loaded))
}

/// The demonstration process: stored sealed, with its accounts. Returns the process id and
/// the accounts (username, role) created or found.
pub async fn seed_demo(
    store: &Store,
    keys: &Keyring,
    actor: &str,
) -> Result<(String, Vec<(String, Role)>), String> {
    let start = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let demo =
        chamber_mediation::demo::build(&mut rand::rng(), start).map_err(|e| e.to_string())?;
    let pid = demo.process.id().as_str().to_string();
    let mut accounts = Vec::new();
    for (name, role, display) in [
        (
            chamber_mediation::demo::MEDIATOR,
            Role::Mediator,
            "Demo mediator",
        ),
        (
            chamber_mediation::demo::DELEGATE_EASTMARK,
            Role::Delegate,
            "Demo delegate of Eastmark",
        ),
        (
            chamber_mediation::demo::DELEGATE_HIGHLANDS,
            Role::Delegate,
            "Demo delegate of the Highlands",
        ),
        (
            chamber_mediation::demo::OBSERVER,
            Role::Observer,
            "Demo observer",
        ),
    ] {
        let username = Username::parse(name).map_err(|e| e.to_string())?;
        if store
            .login_lookup(name)
            .await
            .map_err(|e| e.to_string())?
            .is_none()
        {
            store
                .create_user(actor, &username, display, role, None)
                .await
                .map_err(|e| e.to_string())?;
        }
        accounts.push((name.to_string(), role));
    }
    let mut records = vec![seal(keys, &pid, "process", &pid, &demo.process)?];
    records.push(seal(
        keys,
        &pid,
        "text",
        &format!("{pid}-text"),
        &demo.record,
    )?);
    for note in &demo.notes {
        records.push(seal(keys, &pid, "note", note.id.as_str(), note)?);
    }
    for session in &demo.sessions {
        records.push(seal(keys, &pid, "session", session.id.as_str(), session)?);
    }
    for room in &demo.rooms {
        records.push(seal(keys, &pid, "room", room.id.as_str(), room)?);
    }
    store
        .save_sealed(actor, &records)
        .await
        .map_err(|e| e.to_string())?;
    Ok((pid, accounts))
}

fn person(ctx: &Ctx) -> Option<PersonId> {
    ctx.user
        .as_ref()
        .and_then(|u| PersonId::parse(&u.username).ok())
}

pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Response {
    let Some(viewer) = person(&ctx) else {
        return Redirect::to("/login").into_response();
    };
    let Some(keys) = state.keyring.as_deref() else {
        return page(
            &state,
            &ctx,
            StatusCode::OK,
            "chamber_list.html",
            json!({"processes": []}),
        );
    };
    let ids = match state.store.mediation_process_ids().await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!("mediation store: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
    };
    let mut processes = Vec::new();
    for id in ids {
        match load(&state.store, keys, &id).await {
            Ok(Some(l)) => {
                // Only processes the viewer takes part in are listed at all.
                if let Ok(view) = process_view(&l.process, &viewer) {
                    processes.push(json!({"id": id, "title": view.title}));
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!("process {id}: {e}"),
        }
    }
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "chamber_list.html",
        json!({"processes": processes}),
    )
}

pub async fn process_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let Some(viewer) = person(&ctx) else {
        return Redirect::to("/login").into_response();
    };
    // Unknown, unreadable and not-yours look the same: 404.
    let not_found = || error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    let Some(keys) = state.keyring.as_deref() else {
        return not_found();
    };
    if chamber_mediation::ids::ProcessId::parse(&id).is_err() {
        return not_found();
    }
    let loaded = match load(&state.store, keys, &id).await {
        Ok(Some(l)) => l,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!("process {id}: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
    };
    let Ok(view) = process_view(&loaded.process, &viewer) else {
        return not_found();
    };
    let notes = filter_visible(&loaded.process, &viewer, loaded.notes.iter());
    let spaces: Vec<serde_json::Value> = view
        .spaces
        .iter()
        .map(|s| {
            let in_space: Vec<serde_json::Value> = notes
                .iter()
                .filter(|n| n.space == s.id)
                .map(|n| json!({"title": n.title, "body": n.body, "at": n.created_at.date().to_string()}))
                .collect();
            let writable = chamber_mediation::permissions::may_write(&loaded.process, &s.id, &viewer);
            json!({"id": s.id.as_str(), "label": s.label, "notes": in_space, "writable": writable})
        })
        .collect();
    let (text_html, versions, amendments) = match &loaded.record {
        Some(record) if chamber_mediation::permissions::may_read_text(&loaded.process, &viewer) => {
            let versions: Vec<serde_json::Value> = record
                .versions()
                .iter()
                .map(|v| json!({"number": v.number, "at": v.issued_at.date().to_string(), "hash": v.content_hash.chars().take(12).collect::<String>(), "note": v.note}))
                .collect();
            let amendments: Vec<serde_json::Value> = record
                .amendments_for(&loaded.process, &viewer)
                .iter()
                .map(|a| json!({
                    "id": a.id.as_str(),
                    "by": a.proposer_label,
                    "explanation": a.explanation,
                    "status": amendment_status_code(&a.status),
                    "version": amendment_version(&a.status),
                    "pending": matches!(a.status, chamber_mediation::text::AmendmentStatus::Pending),
                }))
                .collect();
            (
                html(&record.current().text, &RenderOptions::default()),
                versions,
                amendments,
            )
        }
        _ => (String::new(), Vec::new(), Vec::new()),
    };
    let may_propose =
        chamber_mediation::permissions::may_propose_amendment(&loaded.process, &viewer).is_some();
    let may_issue = chamber_mediation::permissions::may_issue_version(&loaded.process, &viewer);
    let paragraphs: Vec<serde_json::Value> = match &loaded.record {
        Some(record) if may_propose => {
            let text = &record.current().text;
            let labels = text.labels();
            text.preamble
                .iter()
                .chain(text.operative.iter())
                .map(|p| {
                    let text = p.wording.text();
                    let short: String = text.chars().take(80).collect();
                    let short = if short.len() < text.len() { format!("{short}…") } else { short };
                    json!({"id": p.id.as_str(), "label": labels.get(&p.id).cloned().unwrap_or_default(), "short": short})
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let sessions: Vec<serde_json::Value> = filter_visible(&loaded.process, &viewer, loaded.sessions.iter())
        .iter()
        .map(|s| json!({
            "id": s.id.as_str(),
            "minutes": s.minutes,
            "agenda": s.agenda,
            "title": s.title,
            "start": s.start.to_string(),
            "end": s.end.to_string(),
            "room": s.room.as_ref().and_then(|r| loaded.rooms.iter().find(|x| &x.id == r)).map(|r| r.name.clone()),
        }))
        .collect();
    let clashes = chamber_mediation::venue::visible_clashes(
        &loaded.process,
        &viewer,
        &loaded.sessions,
        &chamber_mediation::venue::find_clashes(&loaded.sessions),
    );
    let clash_titles: Vec<String> = clashes
        .iter()
        .filter_map(|c| {
            let title = |id: &chamber_mediation::ids::SessionId| {
                loaded
                    .sessions
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.title.clone())
            };
            Some(format!("{} / {}", title(&c.first)?, title(&c.second)?))
        })
        .collect();
    let manage = may_issue.then(|| json!({
        "parties": view.parties.iter().map(|p| json!({"id": p.id.as_str(), "name": p.name})).collect::<Vec<_>>(),
        "rooms": loaded.rooms.iter().map(|r| json!({"id": r.id.as_str(), "name": r.name})).collect::<Vec<_>>(),
        "has_text": loaded.record.is_some(),
        "attribution": serde_json::to_value(loaded.process.attribution()).unwrap_or_default(),
    }));
    let open_paragraphs: Vec<serde_json::Value> = match &loaded.record {
        Some(record) if may_issue => {
            let text = &record.current().text;
            text.open_paragraphs()
                .iter()
                .map(|p| json!({"id": p.as_str(), "label": text.label(p).unwrap_or_default()}))
                .collect()
        }
        _ => Vec::new(),
    };
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "chamber_process.html",
        json!({
            "sessions": sessions,
            "clashes": clash_titles,
            "manage": manage,
            "tracks": view.tracks,
            "participants": view.participants.iter().map(|p| json!({"person": p.person.as_str(), "role": serde_json::to_value(&p.role).ok().and_then(|r| r["role"].as_str().map(str::to_string)).unwrap_or_default()})).collect::<Vec<_>>(),
            "open_paragraphs": open_paragraphs,
            "agreement": loaded.agreement.as_ref().map(agreement_view),
            "may_score": may_issue,
            "may_propose": may_propose,
            "may_issue": may_issue,
            "paragraphs": paragraphs,
            "process": {"id": id, "title": view.title},
            "parties": view.parties.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
            "spaces": spaces,
            "text_html": text_html,
            "versions": versions,
            "amendments": amendments,
        }),
    )
}

/// Why a mediation request cannot go on, before it is rendered as a page or as JSON.
pub enum Failure {
    SignIn,
    /// Unknown, or not the caller's to see: the same answer either way.
    NotFound,
    Forbidden,
    Invalid(String),
    Internal(String),
}

impl Failure {
    fn from_domain(e: &chamber_mediation::Error) -> Failure {
        use chamber_mediation::Error;
        match e {
            Error::NotFound | Error::BadId => Failure::NotFound,
            Error::Forbidden(_) => Failure::Forbidden,
            other => Failure::Invalid(other.to_string()),
        }
    }

    fn page(self, state: &SharedState, ctx: &Ctx) -> Response {
        match self {
            Failure::SignIn => Redirect::to("/login").into_response(),
            Failure::NotFound => error_page(state, ctx, StatusCode::NOT_FOUND, "error-not-found"),
            Failure::Forbidden => error_page(state, ctx, StatusCode::FORBIDDEN, "error-forbidden"),
            Failure::Invalid(message) => page(
                state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "message.html",
                json!({"title_key": "error-title", "message": message, "error": true}),
            ),
            Failure::Internal(e) => {
                tracing::error!("mediation: {e}");
                error_page(
                    state,
                    ctx,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                )
            }
        }
    }

    fn json(self) -> Response {
        let (status, message) = match self {
            Failure::SignIn => (
                StatusCode::UNAUTHORIZED,
                "sign in or send an API token".to_string(),
            ),
            Failure::NotFound => (StatusCode::NOT_FOUND, "not found".to_string()),
            Failure::Forbidden => (StatusCode::FORBIDDEN, "not permitted".to_string()),
            Failure::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
            Failure::Internal(e) => {
                tracing::error!("mediation: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_string(),
                )
            }
        };
        (status, axum::Json(json!({"error": message}))).into_response()
    }
}

/// The caller and one process they take part in.
async fn participant_view(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
) -> Result<(PersonId, Loaded), Failure> {
    let viewer = person(ctx).ok_or(Failure::SignIn)?;
    let keys = state.keyring.as_deref().ok_or(Failure::NotFound)?;
    if chamber_mediation::ids::ProcessId::parse(id).is_err() {
        return Err(Failure::NotFound);
    }
    match load(&state.store, keys, id).await {
        Ok(Some(l)) if process_view(&l.process, &viewer).is_ok() => Ok((viewer, l)),
        Ok(_) => Err(Failure::NotFound),
        Err(e) => Err(Failure::Internal(format!("process {id}: {e}"))),
    }
}

/// [`participant_view`] for pages.
async fn viewer_and_process(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
) -> Result<(PersonId, Loaded), Response> {
    participant_view(state, ctx, id)
        .await
        .map_err(|f| f.page(state, ctx))
}

#[derive(serde::Deserialize, Default)]
pub struct VersionQuery {
    version: Option<u32>,
    from: Option<u32>,
    to: Option<u32>,
}

/// The version asked for (default: current), when the viewer may read the text.
fn chosen_version<'a>(
    loaded: &'a Loaded,
    viewer: &PersonId,
    number: Option<u32>,
) -> Option<&'a chamber_mediation::text::Version> {
    if !chamber_mediation::permissions::may_read_text(&loaded.process, viewer) {
        return None;
    }
    let record = loaded.record.as_ref()?;
    match number {
        Some(n) => record.version(n).ok(),
        None => Some(record.current()),
    }
}

/// `GET /chamber/{id}/akn?version=N`: Akoma Ntoso 3.0 XML of a version.
pub async fn akn(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<VersionQuery>,
) -> Response {
    let (viewer, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(version) = chosen_version(&loaded, &viewer, q.version) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let xml = chamber_mediation::akn::negotiating_text(&loaded.process, version, "eng");
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/akn+xml; charset=utf-8",
        )],
        xml,
    )
        .into_response()
}

/// `GET /chamber/{id}/print?version=N`: the text laid out for printing, as the UN prints it.
pub async fn print(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<VersionQuery>,
) -> Response {
    let (viewer, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(version) = chosen_version(&loaded, &viewer, q.version) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let body = html(&version.text, &RenderOptions::default());
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "chamber_print.html",
        json!({
            "process": {"id": id, "title": loaded.process.title()},
            "version": version.number,
            "date": version.issued_at.date().to_string(),
            "hash": version.content_hash,
            "text_html": body,
        }),
    )
}

/// `GET /chamber/{id}/diff?from=A&to=B`: what changed, paragraph by paragraph and word by word.
pub async fn diff(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<VersionQuery>,
) -> Response {
    let (viewer, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (Some(_), Some(record)) = (
        chosen_version(&loaded, &viewer, None),
        loaded.record.as_ref(),
    ) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let to = q.to.unwrap_or(record.current().number);
    let from = q.from.unwrap_or(1);
    let Ok(d) = record.diff(from, to) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let changes: Vec<serde_json::Value> = d
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
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "chamber_diff.html",
        json!({
            "process": {"id": id, "title": loaded.process.title()},
            "from": from,
            "to": to,
            "changes": changes,
        }),
    )
}

/// `GET /chamber/{id}/calendar.ics`: the sessions the caller may know of, as iCalendar.
pub async fn calendar(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let (viewer, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let ics = chamber_mediation::venue::calendar_for(
        &loaded.process,
        &viewer,
        &loaded.sessions,
        &loaded.rooms,
        time::OffsetDateTime::now_utc(),
    );
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        )],
        ics,
    )
        .into_response()
}

#[derive(serde::Deserialize)]
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
    Input { value: form, json }: Input<NoteForm>,
) -> Response {
    let (viewer, loaded) = match participant_view(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(f) => return fail(f, json, &state, &ctx),
    };
    let Some(keys) = state.keyring.as_deref() else {
        return fail(Failure::NotFound, json, &state, &ctx);
    };
    // A space the caller cannot see is "not found", never "forbidden".
    let Ok(space) = chamber_mediation::ids::SpaceId::parse(&form.space) else {
        return fail(Failure::NotFound, json, &state, &ctx);
    };
    let note = match Note::post(
        &mut rand::rng(),
        &loaded.process,
        &viewer,
        &space,
        time::OffsetDateTime::now_utc(),
        form.title.trim(),
        form.body.trim(),
    ) {
        Ok(n) => n,
        Err(chamber_mediation::Error::Forbidden(_)) => {
            return fail(Failure::Forbidden, json, &state, &ctx);
        }
        Err(chamber_mediation::Error::NotFound) => {
            return fail(Failure::NotFound, json, &state, &ctx);
        }
        Err(e) => {
            tracing::warn!("note refused: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-bad-request",
            );
        }
    };
    let actor = ctx.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let sealed = match seal(keys, &id, "note", note.id.as_str(), &note) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("sealing failed: {e}");
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
    };
    if let Err(e) = state.store.save_sealed(&actor, &[sealed]).await {
        tracing::error!("store: {e}");
        return error_page(
            &state,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal",
        );
    }
    done(json, &id, json!({"note": note.id.as_str()}))
}

/// Seal and store a process's text record (under the mediation write lock held by the caller).
async fn save_record(
    state: &SharedState,
    actor: &str,
    id: &str,
    record: &TextRecord,
) -> Result<(), String> {
    let keys = state.keyring.as_deref().ok_or("no key configured")?;
    let sealed = seal(keys, id, "text", &format!("{id}-text"), record)?;
    state
        .store
        .save_sealed(actor, &[sealed])
        .await
        .map_err(|e| e.to_string())
}

/// Apply `change` to the process's text record and store the result; one writer at a time.
async fn change_record<T>(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    change: impl FnOnce(&PersonId, &Process, &mut TextRecord) -> Result<T, chamber_mediation::Error>,
) -> Result<T, Failure> {
    let _guard = state.mediation_write.lock().await;
    let (viewer, mut loaded) = participant_view(state, ctx, id).await?;
    let record = loaded.record.as_mut().ok_or(Failure::NotFound)?;
    let out = change(&viewer, &loaded.process, record).map_err(|e| Failure::from_domain(&e))?;
    let actor = ctx.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    save_record(state, &actor, id, record)
        .await
        .map_err(|e| Failure::Internal(format!("saving the text of {id}: {e}")))?;
    Ok(out)
}

#[derive(serde::Deserialize)]
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
    axum::extract::Form(form): axum::extract::Form<WordingForm>,
) -> Response {
    let Ok(paragraph) = chamber_mediation::ids::ParagraphId::parse(&form.paragraph) else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let text = form.text.trim().to_string();
    let explanation = form.explanation.trim().to_string();
    let result = change_record(&state, &ctx, &id, |viewer, process, record| {
        let current = record.current();
        let expected = current
            .text
            .find(&paragraph)
            .ok_or(chamber_mediation::Error::NotFound)?
            .wording
            .text();
        let base = current.number;
        let op = chamber_mediation::text::Operation::ReplaceSpan {
            paragraph: paragraph.clone(),
            alternative: 0,
            start: 0,
            expected,
            text,
        };
        record.propose(
            &mut rand::rng(),
            process,
            viewer,
            base,
            vec![op],
            &explanation,
            time::OffsetDateTime::now_utc(),
        )
    })
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/chamber/{id}")).into_response(),
        Err(f) => f.page(&state, &ctx),
    }
}

/// `POST /chamber/{id}/versions`: the mediator decides pending amendments (`decision_<id>` =
/// accept, merge or reject; leave blank to decide later) and issues a new immutable version. A
/// merge takes the proposal into the mediator's own wording (`wording_<id>`) for its paragraph.
pub async fn issue_version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Form(form): axum::extract::Form<Vec<(String, String)>>,
) -> Response {
    use chamber_mediation::text::{Decision, Operation, Outcome};
    let mut decisions = Vec::new();
    let mut wordings = std::collections::HashMap::new();
    let mut note = String::new();
    for (k, v) in &form {
        if k == "note" {
            note = v.trim().to_string();
        } else if let Some(aid) = k.strip_prefix("wording_") {
            if !v.trim().is_empty() {
                wordings.insert(aid.to_string(), v.trim().to_string());
            }
        } else if let Some(aid) = k.strip_prefix("decision_") {
            let outcome = match v.as_str() {
                "accept" => Outcome::Accept,
                "merge" => Outcome::Merge,
                "reject" => Outcome::Reject,
                _ => continue,
            };
            let Ok(amendment) = chamber_mediation::ids::AmendmentId::parse(aid) else {
                return Failure::NotFound.page(&state, &ctx);
            };
            decisions.push(Decision { amendment, outcome });
        }
    }
    let result = change_record(&state, &ctx, &id, |viewer, process, record| {
        let current = &record.current().text;
        let mut edits = Vec::new();
        for d in decisions.iter().filter(|d| d.outcome == Outcome::Merge) {
            let wording = wordings.get(d.amendment.as_str()).ok_or_else(|| {
                chamber_mediation::Error::Invalid {
                    field: "wording",
                    reason: "a merge needs the mediator's wording".into(),
                }
            })?;
            let amendment = record
                .all_amendments_unfiltered()
                .iter()
                .find(|a| a.id == d.amendment)
                .ok_or(chamber_mediation::Error::NotFound)?;
            let paragraph = amendment
                .operations
                .iter()
                .find_map(|o| o.paragraph().cloned())
                .ok_or(chamber_mediation::Error::NotFound)?;
            let expected = current
                .find(&paragraph)
                .ok_or(chamber_mediation::Error::NotFound)?
                .wording
                .text();
            edits.push(Operation::ReplaceSpan {
                paragraph,
                alternative: 0,
                start: 0,
                expected,
                text: wording.clone(),
            });
        }
        record.issue_version(
            process,
            viewer,
            &decisions,
            &edits,
            &note,
            time::OffsetDateTime::now_utc(),
        )
    })
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/chamber/{id}")).into_response(),
        Err(f) => f.page(&state, &ctx),
    }
}

#[derive(serde::Deserialize)]
pub struct OpenFromAlert {
    /// A reference to the alert: `watch:<where>:<onset>:<detector>`.
    alert: String,
    title: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /chamber/open`: turn a Watch alert into a preventive case. The alert's explanation
/// becomes the case's first plenary note; the opener joins as mediator (a mediator) or observer.
pub async fn open_from_alert(
    State(state): State<SharedState>,
    ctx: Ctx,
    axum::extract::Form(form): axum::extract::Form<OpenFromAlert>,
) -> Response {
    use chamber_mediation::process::{Origin, ProcessKind, ProcessRole};
    let (Some(user), Some(viewer)) = (ctx.user.as_ref(), person(&ctx)) else {
        return Redirect::to("/login").into_response();
    };
    if !chamber_core::permissions::may_open_process(user.role) {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let Some(keys) = state.keyring.as_deref() else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found");
    };
    let now = time::OffsetDateTime::now_utc();
    let built = (|| {
        let mut rng = rand::rng();
        let mut process = Process::open(
            &mut rng,
            form.title.trim(),
            ProcessKind::PreventiveCase,
            Origin::WatchAlert {
                alert: form.alert.trim().to_string(),
            },
            now,
        )?;
        let role = if user.role == Role::Mediator {
            ProcessRole::Mediator
        } else {
            ProcessRole::Observer
        };
        process.add_participant(viewer.clone(), role)?;
        let plenary = chamber_mediation::permissions::plenary_for(&process, &viewer)?
            .id
            .clone();
        let note = Note::new(
            &mut rng,
            plenary,
            viewer.clone(),
            now,
            "Early-warning alert",
            form.evidence.trim(),
        )?;
        Ok::<_, chamber_mediation::Error>((process, note))
    })();
    let (process, note) = match built {
        Ok(b) => b,
        Err(e) => return Failure::from_domain(&e).page(&state, &ctx),
    };
    let pid = process.id().as_str().to_string();
    let records = match (
        seal(keys, &pid, "process", &pid, &process),
        seal(keys, &pid, "note", note.id.as_str(), &note),
    ) {
        (Ok(a), Ok(b)) => vec![a, b],
        _ => {
            return error_page(
                &state,
                &ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            );
        }
    };
    if let Err(e) = state.store.save_sealed(&user.id, &records).await {
        tracing::error!("store: {e}");
        return error_page(
            &state,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal",
        );
    }
    Redirect::to(&format!("/chamber/{pid}")).into_response()
}

// ------------------------------------------------------------------ JSON API

/// `GET /api/v1/chamber`: the processes the caller takes part in.
pub async fn api_list(State(state): State<SharedState>, ctx: Ctx) -> Response {
    let Some(viewer) = person(&ctx) else {
        return Failure::SignIn.json();
    };
    let Some(keys) = state.keyring.as_deref() else {
        return axum::Json(json!([])).into_response();
    };
    let ids = match state.store.mediation_process_ids().await {
        Ok(ids) => ids,
        Err(e) => return Failure::Internal(e.to_string()).json(),
    };
    let mut out = Vec::new();
    for id in ids {
        if let Ok(Some(l)) = load(&state.store, keys, &id).await
            && let Ok(view) = process_view(&l.process, &viewer)
        {
            out.push(json!({"id": id, "title": view.title, "kind": view.kind}));
        }
    }
    axum::Json(out).into_response()
}

/// `GET /api/v1/chamber/{id}`: the process as the caller may see it.
pub async fn api_process(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let (viewer, loaded) = match participant_view(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(f) => return f.json(),
    };
    let Ok(view) = process_view(&loaded.process, &viewer) else {
        return Failure::NotFound.json();
    };
    let notes: Vec<&Note> = filter_visible(&loaded.process, &viewer, loaded.notes.iter());
    let text = loaded
        .record
        .as_ref()
        .filter(|_| chamber_mediation::permissions::may_read_text(&loaded.process, &viewer));
    axum::Json(json!({
        "process": view,
        "notes": notes,
        "current_version": text.map(|r| r.current().number),
        "versions": text.map(|r| r.versions().iter().map(|v| json!({"number": v.number, "issued_at": v.issued_at.to_string(), "content_hash": v.content_hash, "note": v.note})).collect::<Vec<_>>()),
        "amendments": text.map(|r| r.amendments_for(&loaded.process, &viewer)),
    }))
    .into_response()
}

/// `GET /api/v1/chamber/{id}/versions/{n}`: one immutable version of the text.
pub async fn api_version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, u32)>,
) -> Response {
    let (viewer, loaded) = match participant_view(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(f) => return f.json(),
    };
    match chosen_version(&loaded, &viewer, Some(n)) {
        Some(v) => axum::Json(v).into_response(),
        None => Failure::NotFound.json(),
    }
}

/// `GET /api/v1/chamber/{id}/diff?from=A&to=B`: paragraph and word diff.
pub async fn api_diff(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<VersionQuery>,
) -> Response {
    let (viewer, loaded) = match participant_view(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(f) => return f.json(),
    };
    let (Some(_), Some(record)) = (
        chosen_version(&loaded, &viewer, None),
        loaded.record.as_ref(),
    ) else {
        return Failure::NotFound.json();
    };
    match record.diff(q.from.unwrap_or(1), q.to.unwrap_or(record.current().number)) {
        Ok(d) => axum::Json(d).into_response(),
        Err(e) => Failure::from_domain(&e).json(),
    }
}

#[derive(serde::Deserialize)]
pub struct ApiAmendment {
    base_version: u32,
    operations: Vec<chamber_mediation::text::Operation>,
    #[serde(default)]
    explanation: String,
}

/// `POST /api/v1/chamber/{id}/amendments`: a party's amendment (any operations a party may use).
pub async fn api_propose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<axum::Json<ApiAmendment>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let axum::Json(a) = match body {
        Ok(b) => b,
        Err(e) => return rejected(e),
    };
    let result = change_record(&state, &ctx, &id, |viewer, process, record| {
        record.propose(
            &mut rand::rng(),
            process,
            viewer,
            a.base_version,
            a.operations,
            &a.explanation,
            time::OffsetDateTime::now_utc(),
        )
    })
    .await;
    match result {
        Ok(amendment) => {
            (StatusCode::CREATED, axum::Json(json!({"id": amendment}))).into_response()
        }
        Err(f) => f.json(),
    }
}

#[derive(serde::Deserialize)]
pub struct ApiVersion {
    #[serde(default)]
    decisions: Vec<chamber_mediation::text::Decision>,
    #[serde(default)]
    edits: Vec<chamber_mediation::text::Operation>,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/chamber/{id}/versions`: the mediator's decisions and edits → a new version.
pub async fn api_issue(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<axum::Json<ApiVersion>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let axum::Json(v) = match body {
        Ok(b) => b,
        Err(e) => return rejected(e),
    };
    let result = change_record(&state, &ctx, &id, |viewer, process, record| {
        record.issue_version(
            process,
            viewer,
            &v.decisions,
            &v.edits,
            &v.note,
            time::OffsetDateTime::now_utc(),
        )
    })
    .await;
    match result {
        Ok(number) => (StatusCode::CREATED, axum::Json(json!({"version": number}))).into_response(),
        Err(f) => f.json(),
    }
}

/// The mediator's edits that agree a paragraph as it stands: first alternative kept, every
/// bracketed span unbracketed, status agreed ad referendum (sub-items too).
fn agree_as_it_stands(
    p: &chamber_mediation::text::Paragraph,
) -> Vec<chamber_mediation::text::Operation> {
    use chamber_mediation::text::{Operation, ParagraphStatus};
    let mut ops = Vec::new();
    if !p.alternatives.is_empty() {
        ops.push(Operation::ChooseAlternative {
            paragraph: p.id.clone(),
            alternative: 0,
        });
    }
    let mut at = 0;
    for seg in &p.wording.0 {
        let len = seg.text.chars().count();
        if seg.bracketed {
            ops.push(Operation::SetBrackets {
                paragraph: p.id.clone(),
                alternative: 0,
                start: at,
                expected: seg.text.clone(),
                bracketed: false,
            });
        }
        at += len;
    }
    if p.status == ParagraphStatus::Bracketed {
        ops.push(Operation::SetStatus {
            paragraph: p.id.clone(),
            status: ParagraphStatus::AgreedAdReferendum,
        });
    }
    for sub in &p.sub_items {
        ops.extend(agree_as_it_stands(sub));
    }
    ops
}

#[derive(serde::Deserialize)]
pub struct AgreeForm {
    paragraph: String,
}

/// `POST /chamber/{id}/agree`: the mediator records a paragraph as agreed ad referendum as it
/// stands, in a new version.
pub async fn agree_paragraph(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Form(form): axum::extract::Form<AgreeForm>,
) -> Response {
    let Ok(paragraph) = chamber_mediation::ids::ParagraphId::parse(&form.paragraph) else {
        return Failure::NotFound.page(&state, &ctx);
    };
    let result = change_record(&state, &ctx, &id, |viewer, process, record| {
        let current = &record.current().text;
        let p = current
            .find(&paragraph)
            .ok_or(chamber_mediation::Error::NotFound)?;
        let edits = agree_as_it_stands(p);
        let label = current.label(&paragraph).unwrap_or_default();
        record.issue_version(
            process,
            viewer,
            &[],
            &edits,
            &format!("Paragraph {label} agreed ad referendum"),
            time::OffsetDateTime::now_utc(),
        )
    })
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/chamber/{id}")).into_response(),
        Err(f) => f.page(&state, &ctx),
    }
}

/// `POST /chamber/{id}/adopt`: the mediator adopts the current version as the agreement.
pub async fn adopt(State(state): State<SharedState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let _guard = state.mediation_write.lock().await;
    let (viewer, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if loaded.agreement.is_some() {
        return Failure::Invalid("this process already has an agreement".into()).page(&state, &ctx);
    }
    let Some(record) = loaded.record.as_ref() else {
        return Failure::NotFound.page(&state, &ctx);
    };
    let adopted = {
        let mut rng = rand::rng();
        chamber_mediation::agreement::Agreement::adopt(
            &mut rng,
            &loaded.process,
            &viewer,
            record,
            record.current().number,
            time::OffsetDateTime::now_utc(),
        )
    };
    let agreement = match adopted {
        Ok(a) => a,
        Err(e) => return Failure::from_domain(&e).page(&state, &ctx),
    };
    if let Err(f) = save_agreement(&state, &ctx, &id, &agreement).await {
        return f.page(&state, &ctx);
    }
    Redirect::to(&format!("/chamber/{id}")).into_response()
}

async fn save_agreement(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    agreement: &chamber_mediation::agreement::Agreement,
) -> Result<(), Failure> {
    let keys = state.keyring.as_deref().ok_or(Failure::NotFound)?;
    let sealed = seal(keys, id, "agreement", &format!("{id}-agreement"), agreement)
        .map_err(Failure::Internal)?;
    let actor = ctx.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    state
        .store
        .save_sealed(&actor, &[sealed])
        .await
        .map_err(|e| Failure::Internal(e.to_string()))
}

#[derive(serde::Deserialize)]
pub struct ScoreForm {
    provision: String,
    level: u8,
    period: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    theme: String,
}

/// `POST /chamber/{id}/scores`: implementation of one provision in one period, scored 0–3 with
/// evidence (the Peace Accords Matrix scale); the theme is set on the provision when given.
pub async fn score(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<ScoreForm>,
) -> Response {
    let _guard = state.mediation_write.lock().await;
    let (viewer, loaded) = match participant_view(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(f) => return fail(f, json, &state, &ctx),
    };
    let Some(mut agreement) = loaded.agreement else {
        return fail(Failure::NotFound, json, &state, &ctx);
    };
    let Ok(provision) = chamber_mediation::ids::ParagraphId::parse(&form.provision) else {
        return fail(Failure::NotFound, json, &state, &ctx);
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(period) = time::Date::parse(form.period.trim(), &fmt) else {
        return fail(
            Failure::Invalid("period: a date, YYYY-MM-DD".into()),
            json,
            &state,
            &ctx,
        );
    };
    let level = match chamber_mediation::agreement::Level::try_from(form.level) {
        Ok(l) => l,
        Err(e) => return Failure::from_domain(&e).page(&state, &ctx),
    };
    let theme = form.theme.trim();
    let result = (|| {
        if !theme.is_empty() {
            let responsible = agreement
                .commitments
                .iter()
                .find(|c| c.provision == provision)
                .and_then(|c| c.responsible.clone());
            agreement.set_commitment(
                &loaded.process,
                &viewer,
                &provision,
                Some(theme),
                responsible,
                None,
            )?;
        }
        agreement.record_score(
            &loaded.process,
            &viewer,
            &provision,
            period,
            level,
            form.evidence.trim(),
            time::OffsetDateTime::now_utc(),
        )
    })();
    if let Err(e) = result {
        return Failure::from_domain(&e).page(&state, &ctx);
    }
    if let Err(f) = save_agreement(&state, &ctx, &id, &agreement).await {
        return fail(f, json, &state, &ctx);
    }
    done(json, &id, json!({}))
}

/// The agreement as the process page shows it: provisions, latest scores, rates.
fn agreement_view(a: &chamber_mediation::agreement::Agreement) -> serde_json::Value {
    let rate = a.rate();
    json!({
        "version": a.version,
        "adopted": a.adopted_at.date().to_string(),
        "hash": a.content_hash.chars().take(12).collect::<String>(),
        "rate_percent": format!("{:.0}", rate.value() * 100.0),
        "points": rate.points,
        "max": rate.max,
        "themes": a.rate_by_theme().iter().map(|t| json!({
            "theme": t.theme.clone().unwrap_or_else(|| "—".into()),
            "percent": format!("{:.0}", t.rate.value() * 100.0),
        })).collect::<Vec<_>>(),
        "provisions": a.commitments.iter().map(|c| {
            let latest = a.latest_score(&c.provision);
            json!({
                "id": c.provision.as_str(),
                "label": c.label,
                "text": c.text,
                "theme": c.theme,
                "responsible": c.responsible.as_ref().map(|r| r.as_str().to_string()),
                "deadline": c.deadline.map(|d| d.to_string()),
                "level": latest.map(|s| s.level as u8),
                "evidence": latest.map(|s| s.evidence.clone()),
            })
        }).collect::<Vec<_>>(),
    })
}

/// A JSON body that could not be read: its own status (413 too large, 415, 422) and reason.
fn rejected(e: axum::extract::rejection::JsonRejection) -> Response {
    (e.status(), axum::Json(json!({"error": e.body_text()}))).into_response()
}

// ------------------------------------------------------------------ setting up a process

/// Change a process (and what lives beside it) and store every record the change returns.
/// Only the process's mediators set it up; one writer at a time.
async fn set_up<F>(state: &SharedState, ctx: &Ctx, id: &str, json: bool, change: F) -> Response
where
    F: FnOnce(
        &PersonId,
        &mut Loaded,
    ) -> Result<Vec<(&'static str, String, serde_json::Value)>, Failure>,
{
    let _guard = state.mediation_write.lock().await;
    let (viewer, mut loaded) = match participant_view(state, ctx, id).await {
        Ok(v) => v,
        Err(f) => return fail(f, json, state, ctx),
    };
    if !chamber_mediation::permissions::may_issue_version(&loaded.process, &viewer) {
        return fail(Failure::Forbidden, json, state, ctx);
    }
    let mut changed = match change(&viewer, &mut loaded) {
        Ok(c) => c,
        Err(f) => return fail(f, json, state, ctx),
    };
    changed.push((
        "process",
        id.to_string(),
        serde_json::to_value(&loaded.process).unwrap_or_default(),
    ));
    let Some(keys) = state.keyring.as_deref() else {
        return fail(Failure::NotFound, json, state, ctx);
    };
    let mut records = Vec::new();
    for (kind, rid, value) in &changed {
        match seal(keys, id, kind, rid, value) {
            Ok(r) => records.push(r),
            Err(e) => return fail(Failure::Internal(e), json, state, ctx),
        }
    }
    let actor = ctx.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    if let Err(e) = state.store.save_sealed(&actor, &records).await {
        return fail(Failure::Internal(e.to_string()), json, state, ctx);
    }
    done(json, id, json!({}))
}

fn domain(e: chamber_mediation::Error) -> Failure {
    Failure::from_domain(&e)
}

fn parse_enum<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> Result<T, Failure> {
    serde_json::from_value(json!(value.trim()))
        .map_err(|_| Failure::Invalid(format!("{field}: unknown value {value:?}")))
}

#[derive(serde::Deserialize)]
pub struct NewProcess {
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
    Input { value: form, json }: Input<NewProcess>,
) -> Response {
    use chamber_mediation::process::{Origin, ProcessKind, ProcessRole};
    let Some(user) = ctx.user.clone() else {
        return fail(Failure::SignIn, json, &state, &ctx);
    };
    if !chamber_core::permissions::may_open_process(user.role) {
        return fail(Failure::Forbidden, json, &state, &ctx);
    }
    let Some(keys) = state.keyring.clone() else {
        return fail(Failure::NotFound, json, &state, &ctx);
    };
    let mediator_name = if form.mediator.trim().is_empty() {
        user.username.clone()
    } else {
        form.mediator.trim().to_ascii_lowercase()
    };
    let mediator = match state.store.login_lookup(&mediator_name).await {
        Ok(Some((u, _))) if u.role == Role::Mediator => u,
        Ok(_) => {
            return fail(
                Failure::Invalid(format!(
                    "mediator: {mediator_name} is not a mediator's account"
                )),
                json,
                &state,
                &ctx,
            );
        }
        Err(e) => return fail(Failure::Internal(e.to_string()), json, &state, &ctx),
    };
    let kind: ProcessKind = if form.kind.is_empty() {
        ProcessKind::PeaceProcess
    } else {
        match parse_enum("kind", &form.kind) {
            Ok(k) => k,
            Err(f) => return fail(f, json, &state, &ctx),
        }
    };
    let built = (|| {
        let mut rng = rand::rng();
        let mut process = Process::open(
            &mut rng,
            form.title.trim(),
            kind,
            Origin::Manual,
            time::OffsetDateTime::now_utc(),
        )?;
        process.add_participant(PersonId::parse(&mediator.username)?, ProcessRole::Mediator)?;
        if user.id != mediator.id {
            process.add_participant(PersonId::parse(&user.username)?, ProcessRole::Observer)?;
        }
        Ok::<_, chamber_mediation::Error>(process)
    })();
    let process = match built {
        Ok(p) => p,
        Err(e) => return fail(domain(e), json, &state, &ctx),
    };
    let pid = process.id().as_str().to_string();
    let record = match seal(&keys, &pid, "process", &pid, &process) {
        Ok(r) => r,
        Err(e) => return fail(Failure::Internal(e), json, &state, &ctx),
    };
    if let Err(e) = state.store.save_sealed(&user.id, &[record]).await {
        return fail(Failure::Internal(e.to_string()), json, &state, &ctx);
    }
    done(json, &pid, json!({}))
}

#[derive(serde::Deserialize)]
pub struct NameForm {
    name: String,
}

/// `POST /chamber/{id}/parties`: a party (and its caucus space).
pub async fn add_party(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<NameForm>,
) -> Response {
    set_up(&state, &ctx, &id, json, |_, loaded| {
        loaded
            .process
            .add_party(&mut rand::rng(), form.name.trim())
            .map_err(domain)?;
        Ok(Vec::new())
    })
    .await
}

#[derive(serde::Deserialize)]
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
    Input { value: form, json }: Input<ParticipantForm>,
) -> Response {
    use chamber_mediation::process::ProcessRole;
    let account = match state.store.login_lookup(&form.username).await {
        Ok(Some((u, _))) => u,
        Ok(None) => {
            return fail(
                Failure::Invalid(format!(
                    "username: no account named {:?}",
                    form.username.trim()
                )),
                json,
                &state,
                &ctx,
            );
        }
        Err(e) => return fail(Failure::Internal(e.to_string()), json, &state, &ctx),
    };
    let role = match form.role.as_str() {
        "mediator" if account.role == Role::Mediator => ProcessRole::Mediator,
        "special_envoy" if account.role == Role::Mediator => ProcessRole::SpecialEnvoy,
        "observer" => ProcessRole::Observer,
        "delegate" if account.role == Role::Delegate => {
            match chamber_mediation::ids::PartyId::parse(&form.party) {
                Ok(party) => ProcessRole::Delegate { party },
                Err(_) => {
                    return fail(
                        Failure::Invalid("party: choose the delegate's party".into()),
                        json,
                        &state,
                        &ctx,
                    );
                }
            }
        }
        other => {
            return fail(
                Failure::Invalid(format!(
                    "role: {other:?} does not fit the account of {} ({})",
                    account.username, account.role
                )),
                json,
                &state,
                &ctx,
            );
        }
    };
    // A party delegate is a member of one party of one process.
    if matches!(role, ProcessRole::Delegate { .. })
        && let Some(keys) = state.keyring.as_deref()
    {
        let person = PersonId::parse(&account.username).ok();
        let ids = state
            .store
            .mediation_process_ids()
            .await
            .unwrap_or_default();
        for other in ids.iter().filter(|other| **other != id) {
            if let (Ok(Some(l)), Some(person)) = (load(&state.store, keys, other).await, &person)
                && matches!(
                    l.process.role_of(person),
                    Some(ProcessRole::Delegate { .. })
                )
            {
                return fail(
                    Failure::Invalid(format!(
                        "{} is already a party delegate in another process",
                        account.username
                    )),
                    json,
                    &state,
                    &ctx,
                );
            }
        }
    }
    set_up(&state, &ctx, &id, json, |_, loaded| {
        let person = PersonId::parse(&account.username).map_err(domain)?;
        loaded
            .process
            .add_participant(person, role)
            .map_err(domain)?;
        Ok(Vec::new())
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct TrackForm {
    kind: String,
    status: String,
}

/// `POST /chamber/{id}/tracks`: a track of preventive diplomacy and its status.
pub async fn set_track(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<TrackForm>,
) -> Response {
    set_up(&state, &ctx, &id, json, |_, loaded| {
        let kind = parse_enum("kind", &form.kind)?;
        let status = parse_enum("status", &form.status)?;
        loaded.process.set_track(kind, status);
        Ok(Vec::new())
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct TextForm {
    title: String,
    #[serde(default)]
    preamble: String,
    #[serde(default)]
    operative: String,
}

/// `POST /chamber/{id}/text`: the first version of the single negotiating text, one paragraph
/// a line, every paragraph bracketed until agreed.
pub async fn start_text(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<TextForm>,
) -> Response {
    use chamber_mediation::text::{NegotiatingText, Paragraph, ParagraphStatus, Wording};
    let text_id = format!("{id}-text");
    set_up(&state, &ctx, &id, json, |viewer, loaded| {
        if loaded.record.is_some() {
            return Err(Failure::Invalid("this process already has its text".into()));
        }
        let mut rng = rand::rng();
        let mut text = NegotiatingText::new(form.title.trim()).map_err(domain)?;
        let lines = |s: &str| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        for l in lines(&form.preamble) {
            text.preamble.push(Paragraph::new(
                &mut rng,
                ParagraphStatus::Bracketed,
                Wording::plain(&l),
            ));
        }
        for l in lines(&form.operative) {
            text.operative.push(Paragraph::new(
                &mut rng,
                ParagraphStatus::Bracketed,
                Wording::plain(&l),
            ));
        }
        let record = TextRecord::start(
            &loaded.process,
            viewer,
            text,
            "First draft",
            time::OffsetDateTime::now_utc(),
        )
        .map_err(domain)?;
        Ok(vec![(
            "text",
            text_id,
            serde_json::to_value(&record).unwrap_or_default(),
        )])
    })
    .await
}

#[derive(serde::Deserialize)]
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
    Input { value: form, json }: Input<RoomForm>,
) -> Response {
    set_up(&state, &ctx, &id, json, |_, _| {
        let room =
            chamber_mediation::venue::Room::new(&mut rand::rng(), form.name.trim(), form.capacity)
                .map_err(domain)?;
        Ok(vec![(
            "room",
            room.id.as_str().to_string(),
            serde_json::to_value(&room).unwrap_or_default(),
        )])
    })
    .await
}

#[derive(serde::Deserialize)]
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

fn utc_minute(field: &str, value: &str) -> Result<time::OffsetDateTime, Failure> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(value.trim(), &fmt)
        .map(|t| t.assume_utc())
        .map_err(|_| {
            Failure::Invalid(format!(
                "{field}: expected YYYY-MM-DDTHH:MM (UTC), got {value:?}"
            ))
        })
}

/// `POST /chamber/{id}/sessions`: plan a session; its participants are everyone who may read
/// its space. Clashes (room or person) show on the process page.
pub async fn plan_session(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<SessionForm>,
) -> Response {
    use chamber_mediation::venue::{Session, SessionFormat};
    set_up(&state, &ctx, &id, json, |viewer, loaded| {
        let party = |s: &str| chamber_mediation::ids::PartyId::parse(s).map_err(domain);
        let format = match form.format.split_once(':') {
            Some(("caucus", p)) => SessionFormat::Caucus { party: party(p)? },
            Some(("bilateral", p)) => SessionFormat::Bilateral { party: party(p)? },
            _ => match form.format.as_str() {
                "plenary" => SessionFormat::Plenary,
                "proximity" => SessionFormat::Proximity,
                "shuttle" => SessionFormat::Shuttle,
                other => return Err(Failure::Invalid(format!("format: unknown {other:?}"))),
            },
        };
        let (start, end) = (
            utc_minute("start", &form.start)?,
            utc_minute("end", &form.end)?,
        );
        let room = if form.room.is_empty() {
            None
        } else {
            Some(chamber_mediation::ids::RoomId::parse(&form.room).map_err(domain)?)
        };
        let agenda: Vec<String> = form
            .agenda
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let mut session = Session::plan(
            &mut rand::rng(),
            &loaded.process,
            viewer,
            format,
            form.title.trim(),
            start,
            end,
            room,
            Vec::new(),
            agenda,
        )
        .map_err(domain)?;
        session.participants = loaded
            .process
            .participants()
            .iter()
            .map(|p| p.person.clone())
            .filter(|p| {
                chamber_mediation::permissions::may_read(&loaded.process, &session.space, p)
            })
            .collect();
        Ok(vec![(
            "session",
            session.id.as_str().to_string(),
            serde_json::to_value(&session).unwrap_or_default(),
        )])
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct AttributionForm {
    mode: String,
}

/// `POST /chamber/{id}/attribution`: neutral (default) or open attribution of proposals.
pub async fn set_attribution(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<AttributionForm>,
) -> Response {
    set_up(&state, &ctx, &id, json, |_, loaded| {
        let mode = parse_enum("mode", &form.mode)?;
        loaded.process.set_attribution(mode);
        Ok(Vec::new())
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct MinutesForm {
    session: String,
    minutes: String,
}

/// `POST /chamber/{id}/minutes`: the minutes of a session, sealed with it (seen by whoever may
/// see the session).
pub async fn set_minutes(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: form, json }: Input<MinutesForm>,
) -> Response {
    set_up(&state, &ctx, &id, json, |_, loaded| {
        let session = loaded
            .sessions
            .iter_mut()
            .find(|s| s.id.as_str() == form.session)
            .ok_or(Failure::NotFound)?;
        session.set_minutes(form.minutes.trim()).map_err(domain)?;
        Ok(vec![(
            "session",
            session.id.as_str().to_string(),
            serde_json::to_value(&*session).unwrap_or_default(),
        )])
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct CommitmentForm {
    provision: String,
    #[serde(default)]
    theme: String,
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
    Input { value: form, json }: Input<CommitmentForm>,
) -> Response {
    let agreement_id = format!("{id}-agreement");
    set_up(&state, &ctx, &id, json, |viewer, loaded| {
        let agreement = loaded.agreement.as_mut().ok_or(Failure::NotFound)?;
        let provision =
            chamber_mediation::ids::ParagraphId::parse(&form.provision).map_err(domain)?;
        let responsible = if form.responsible.is_empty() {
            None
        } else {
            Some(chamber_mediation::ids::PartyId::parse(&form.responsible).map_err(domain)?)
        };
        let deadline = if form.deadline.trim().is_empty() {
            None
        } else {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            Some(
                time::Date::parse(form.deadline.trim(), &fmt)
                    .map_err(|_| Failure::Invalid("deadline: a date, YYYY-MM-DD".into()))?,
            )
        };
        let theme = form.theme.trim();
        agreement
            .set_commitment(
                &loaded.process,
                viewer,
                &provision,
                (!theme.is_empty()).then_some(theme),
                responsible,
                deadline,
            )
            .map_err(domain)?;
        Ok(vec![(
            "agreement",
            agreement_id,
            serde_json::to_value(&*agreement).unwrap_or_default(),
        )])
    })
    .await
}

/// `GET /chamber/{id}/agreement.akn`: the adopted agreement as Akoma Ntoso 3.0.
pub async fn agreement_akn(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let (_, loaded) = match viewer_and_process(&state, &ctx, &id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(agreement) = loaded.agreement.as_ref() else {
        return Failure::NotFound.page(&state, &ctx);
    };
    let xml = chamber_mediation::akn::agreement(&loaded.process, agreement, "eng");
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/akn+xml; charset=utf-8",
        )],
        xml,
    )
        .into_response()
}

/// The catalogue key suffix of an amendment's status (`amendment-…`).
fn amendment_status_code(status: &chamber_mediation::text::AmendmentStatus) -> &'static str {
    use chamber_mediation::text::AmendmentStatus as S;
    match status {
        S::Pending => "pending",
        S::Accepted { .. } => "accepted",
        S::Merged { .. } => "merged",
        S::Rejected => "rejected",
    }
}

/// The version an accepted or merged amendment went into.
fn amendment_version(status: &chamber_mediation::text::AmendmentStatus) -> Option<u32> {
    use chamber_mediation::text::AmendmentStatus as S;
    match status {
        S::Accepted { version } | S::Merged { version } => Some(*version),
        S::Pending | S::Rejected => None,
    }
}
