//! The JSON API (`/api/v1`). Authenticated by an API bearer token (issued by an administrator)
//! or by the browser session (then state-changing calls need the `X-CSRF-Token` header).

use crate::SharedState;
use crate::auth::Ctx;
use crate::platform::admin::create_account;
use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chamber_core::permissions;
use chamber_store::User;
use serde::Deserialize;
use serde_json::json;

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

fn caller(ctx: &Ctx) -> Result<&User, Response> {
    match &ctx.user {
        Some(u) => Ok(u),
        None if ctx.bad_token => Err(error(
            StatusCode::UNAUTHORIZED,
            "the API token is not valid or was revoked",
        )),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "sign in, or send an API token as 'Authorization: Bearer TOKEN'",
        )),
    }
}

fn admin(ctx: &Ctx) -> Result<&User, Response> {
    let user = caller(ctx)?;
    if permissions::may_administer(user.role) {
        Ok(user)
    } else {
        Err(error(StatusCode::FORBIDDEN, "administrators only"))
    }
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!("API store error: {e}");
    error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

pub async fn me(ctx: Ctx) -> Response {
    match caller(&ctx) {
        Ok(user) => Json(user).into_response(),
        Err(r) => r,
    }
}

pub async fn list_users(
    axum::extract::State(state): axum::extract::State<SharedState>,
    ctx: Ctx,
) -> Response {
    if let Err(r) = admin(&ctx) {
        return r;
    }
    match state.store.list_users().await {
        Ok(users) => Json(users).into_response(),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct NewUser {
    username: String,
    display_name: String,
    role: String,
}

pub async fn create_user(
    axum::extract::State(state): axum::extract::State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Result<Json<NewUser>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let actor = match admin(&ctx) {
        Ok(a) => a.clone(),
        Err(r) => return r,
    };
    let Json(new) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()),
    };
    match create_account(
        &state,
        &actor,
        &new.username,
        &new.display_name,
        &new.role,
        &headers,
    )
    .await
    {
        Ok((user, link)) => (
            StatusCode::CREATED,
            Json(json!({"user": user, "invite_link": link})),
        )
            .into_response(),
        Err(Ok(reason)) => error(StatusCode::UNPROCESSABLE_ENTITY, &reason),
        Err(Err(e)) => internal(e),
    }
}

pub async fn audit_status(
    axum::extract::State(state): axum::extract::State<SharedState>,
    ctx: Ctx,
) -> Response {
    if let Err(r) = admin(&ctx) {
        return r;
    }
    let head = match state.store.audit_head().await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    match state.store.verify_audit().await {
        Ok(Ok(n)) => Json(json!({"entries": n, "intact": true, "head": {"seq": head.seq, "hash": head.hash}})).into_response(),
        Ok(Err(b)) => Json(json!({"intact": false, "first_bad_entry": b.seq, "reason": b.reason, "head": {"seq": head.seq, "hash": head.hash}})).into_response(),
        Err(e) => internal(e),
    }
}

/// The OpenAPI 3.1 description of this API.
pub async fn openapi() -> Response {
    let error_schema = json!({"type": "object", "properties": {"error": {"type": "string"}}});
    let user_schema = json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "username": {"type": "string"},
            "display_name": {"type": "string"},
            "role": {"type": "string", "enum": ["admin", "mediator", "delegate", "observer", "analyst"]},
            "created_at": {"type": "string", "format": "date-time"},
            "has_password": {"type": "boolean"}
        }
    });
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Chamber API", "version": env!("CARGO_PKG_VERSION")},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"User": user_schema, "Error": error_schema}
        },
        "security": [{"bearer": []}],
        "paths": {
            "/health": {"get": {"summary": "Liveness and version", "security": [], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/me": {"get": {"summary": "The caller's account", "responses": {
                "200": {"description": "the account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                "401": {"description": "not signed in"}}}},
            "/api/v1/users": {
                "get": {"summary": "All accounts (administrators)", "responses": {
                    "200": {"description": "accounts", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}},
                    "403": {"description": "not an administrator"}}},
                "post": {"summary": "Create an account; returns its one-time password link (administrators)",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "display_name", "role"], "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string"}}}}}},
                    "responses": {"201": {"description": "created"}, "403": {"description": "not an administrator"}, "422": {"description": "bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
            },
            "/api/v1/audit": {"get": {"summary": "Verify the tamper-evident record (administrators)", "responses": {"200": {"description": "verification result"}, "403": {"description": "not an administrator"}}}},
            "/api/v1/consult": {"post": {"summary": "Open a consultation with statements (administrators, mediators)", "responses": {"201": {"description": "{id, join_token}"}, "403": {"description": "not an organiser"}}}},
            "/api/v1/consult/join": {"post": {"summary": "Join anonymously with a consultation's link token; returns the participant secret for X-Chamber-Participant", "security": [], "responses": {"201": {"description": "{consultation, participant, secret}"}, "404": {"description": "unknown link"}}}},
            "/api/v1/consult/{id}/votes": {"post": {"summary": "Vote agree, disagree or pass on a statement (X-Chamber-Participant or a signed-in account)", "parameters": [id_param.clone()], "responses": {"201": {"description": "stored"}, "401": {"description": "not a participant"}, "404": {"description": "no such statement"}}}},
            "/api/v1/consult/{id}/analysis": {"get": {"summary": "Opinion groups, representative statements, consensus (Pol.is method)", "parameters": [id_param.clone()], "responses": {"200": {"description": "analysis"}}}},
            "/api/v1/chamber": {"get": {"summary": "The processes the caller takes part in", "responses": {"200": {"description": "[{id, title, kind}]"}}},
                "post": {"summary": "Open a process by hand: {title, kind: peace_process|preventive_case, mediator}", "responses": {"200": {"description": "{ok, process}"}, "403": {"description": "may not open processes"}}}},
            "/api/v1/chamber/{id}/parties": {"post": {"summary": "Add a party and its caucus (mediators): {name}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "403": {"description": "not a mediator"}, "404": {"description": "not found"}}}},
            "/api/v1/chamber/{id}/participants": {"post": {"summary": "Add a participant (mediators): {username, role: mediator|special_envoy|delegate|observer, party}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "422": {"description": "role does not fit the account, or already a participant"}}}},
            "/api/v1/chamber/{id}/tracks": {"post": {"summary": "Set a track's status (mediators): {kind, status}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/text": {"post": {"summary": "Table the first draft (mediators): {title, preamble, operative} one paragraph a line", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/rooms": {"post": {"summary": "Add a room (mediators): {name, capacity}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/sessions": {"post": {"summary": "Plan a session (mediators): {title, format, start, end, room, agenda}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/attribution": {"post": {"summary": "Neutral or open attribution (mediators): {mode}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/minutes": {"post": {"summary": "A session's minutes (mediators): {session, minutes}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/notes": {"post": {"summary": "A note in a space the caller may write to: {space, title, body}; another caucus is 404", "parameters": [id_param.clone()], "responses": {"200": {"description": "{ok, note}"}, "404": {"description": "not found"}}}},
            "/api/v1/chamber/{id}/commitments": {"post": {"summary": "A provision's theme, responsible party and deadline (mediators)", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}/scores": {"post": {"summary": "Score a provision's implementation 0–3 with evidence (mediators): {provision, level, period, evidence, theme}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}}}},
            "/api/v1/chamber/{id}": {"get": {"summary": "A process as the caller may see it: spaces, notes, versions, amendments (unknown and not-yours are both 404)", "parameters": [id_param.clone()], "responses": {"200": {"description": "process view"}, "404": {"description": "not found"}}}},
            "/api/v1/chamber/{id}/amendments": {"post": {"summary": "A party delegate proposes an amendment: {base_version, operations, explanation}", "parameters": [id_param.clone()], "responses": {"201": {"description": "{id}"}, "403": {"description": "not a party delegate"}, "422": {"description": "the span no longer matches, or a bad operation"}}}},
            "/api/v1/chamber/{id}/versions": {"post": {"summary": "The mediator issues a new immutable version: {decisions: [{amendment, outcome: accept|merge|reject}], edits, note}", "parameters": [id_param.clone()], "responses": {"201": {"description": "{version}"}, "403": {"description": "not the mediator"}}}},
            "/api/v1/chamber/{id}/versions/{n}": {"get": {"summary": "One version of the negotiating text", "parameters": [id_param.clone(), {"name": "n", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "version"}}}},
            "/api/v1/chamber/{id}/diff": {"get": {"summary": "Paragraph and word diff between two versions (?from=&to=)", "parameters": [id_param.clone()], "responses": {"200": {"description": "diff"}}}},
            "/api/v1/chamber/{id}/take": {"post": {"summary": "A mediator takes a case waiting in the intake (opened from an alert)", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "403": {"description": "not a mediator"}, "404": {"description": "not in the intake"}}}},
            "/api/v1/chamber/{id}/participants/remove": {"post": {"summary": "Someone leaves the process (mediators): {username}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "404": {"description": "not found"}}}},
            "/api/v1/chamber/{id}/agree": {"post": {"summary": "Record a paragraph as agreed ad referendum as it stands, in a new version (mediators): {paragraph}", "parameters": [id_param.clone()], "responses": {"200": {"description": "{version}"}, "422": {"description": "unknown paragraph"}}}},
            "/api/v1/chamber/{id}/edit": {"post": {"summary": "Reword a paragraph directly, issued as a new version (mediators): {paragraph, text, note}", "parameters": [id_param.clone()], "responses": {"200": {"description": "{version}"}, "422": {"description": "unknown paragraph or empty text"}}}},
            "/api/v1/chamber/{id}/adopt": {"post": {"summary": "Adopt the current version as the agreement (mediators)", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "403": {"description": "not the mediator"}}}},
            "/api/v1/chamber/{id}/close": {"post": {"summary": "Close the process and file its lessons learned (mediators): {language, context, what_worked, what_did_not_work, provisions: [{provision, outcome, note}]}; the record holds no caucus content", "parameters": [id_param.clone()], "responses": {"200": {"description": "{lessons}"}, "422": {"description": "bad input"}}}},
            "/api/v1/watch/alerts/{id}/case": {"post": {"summary": "A preventive case from a Watch alert (analysts, mediators, administrators): {title, evidence}; the same alert gives the same case", "parameters": [id_param.clone()], "responses": {"201": {"description": "{id, created: true}"}, "200": {"description": "{id, created: false}: the alert's existing case"}, "403": {"description": "may not open cases"}}}},
            "/api/v1/audit/checkpoint": {"get": {"summary": "A checkpoint of the tamper-evident record signed with the operator's Ed25519 key (to keep and verify later with chamber audit verify --checkpoint)", "responses": {"200": {"description": "signed checkpoint"}, "403": {"description": "not allowed"}}}},
            "/api/v1/consult/{id}/report": {"get": {"summary": "The convenor's report: participation, opinion groups, representative and consensus statements (organisers; participants once published)", "parameters": [id_param.clone()], "responses": {"200": {"description": "report"}, "404": {"description": "not found"}}}},
            "/api/v1/consult/{id}/report/publish": {"post": {"summary": "Publish the report to the participants (organisers)", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "403": {"description": "not an organiser"}}}},
            "/api/v1/consult/{id}/statements": {"get": {"summary": "Statements with their original language and translations (organisers)", "parameters": [id_param.clone()], "responses": {"200": {"description": "statements"}}}},
            "/api/v1/consult/{id}/statements/language": {"post": {"summary": "The language a statement was written in (organisers): {statement, lang}", "parameters": [id_param.clone()], "responses": {"200": {"description": "ok"}, "422": {"description": "unknown language or statement"}}}},
            "/api/v1/consult/{id}/translations": {"post": {"summary": "Add or replace a statement's translation; an empty text removes it (organisers): {statement, lang, text}", "parameters": [id_param.clone()], "responses": {"200": {"description": "{statement, lang, stored}"}, "422": {"description": "unknown language or statement"}}}}
        }
    });
    if let Some(paths) = doc["paths"].as_object_mut() {
        paths.extend(crate::conferences::openapi::paths());
        paths.extend(crate::watch::openapi_paths());
        paths.extend(crate::corridors::openapi::paths());
    }
    Json(doc).into_response()
}
