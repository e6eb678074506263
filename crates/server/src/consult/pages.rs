//! Consultation pages and API: take part (one statement at a time), submit statements,
//! moderate, and the opinion map computed by `chamber-consult`.

use crate::SharedState;
use crate::auth::{self, Ctx};
use crate::render::{error_page, internal_error, page};
use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_consult::Options;
use chamber_core::permissions;
use chamber_store::StoreError;
use chamber_store::consult::{Consultation, CurrentVote, Statement, vote_value};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A computed opinion map with what it reflects: vote-history length and statement count.
type CachedMap = (i64, usize, Arc<Value>);

/// Opinion maps already computed, by consultation.
#[derive(Default)]
pub struct MapCache(Mutex<HashMap<String, CachedMap>>);

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];
const UNGROUPED: &str = "#9aa9b8";

fn participant_cookie(id: &str) -> String {
    format!("chamber_p_{id}")
}

fn internal(state: &SharedState, ctx: &Ctx, e: StoreError) -> Response {
    internal_error(state, ctx, "consult store", e)
}

fn may_organise(ctx: &Ctx) -> bool {
    ctx.user
        .as_ref()
        .is_some_and(|u| permissions::may_organise_consultation(u.role))
}

/// Who votes: a signed-in account's participant, or an anonymous link holder's. `None` when
/// the caller is neither.
async fn voter(
    state: &SharedState,
    ctx: &Ctx,
    headers: &HeaderMap,
    c: &Consultation,
) -> Result<Option<(i64, String)>, StoreError> {
    if let Some(user) = &ctx.user {
        let n = state.store.participant_for_user(&c.id, &user.id).await?;
        return Ok(Some((n, user.id.clone())));
    }
    let secret = auth::cookie(headers, &participant_cookie(&c.id)).or_else(|| {
        headers
            .get("x-chamber-participant")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    match secret {
        Some(secret) => Ok(state
            .store
            .participant_by_secret(&c.id, &secret)
            .await?
            .map(|n| (n, "anonymous".to_string()))),
        None => Ok(None),
    }
}

async fn load(state: &SharedState, ctx: &Ctx, id: &str) -> Result<Consultation, Response> {
    match state.store.consultation(id).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(error_page(
            state,
            ctx,
            StatusCode::NOT_FOUND,
            "error-not-found",
        )),
        Err(e) => Err(internal(state, ctx, e)),
    }
}

pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if ctx.user.is_none() {
        return Redirect::to("/login").into_response();
    }
    match state.store.list_consultations().await {
        Ok(list) => page(
            &state,
            &ctx,
            StatusCode::OK,
            "consult/list.html",
            json!({"consultations": list, "may_organise": may_organise(&ctx)}),
        ),
        Err(e) => internal(&state, &ctx, e),
    }
}

#[derive(Deserialize)]
pub struct NewConsultation {
    title: String,
    #[serde(default)]
    description: String,
}

pub async fn create(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<NewConsultation>,
) -> Response {
    let Some(user) = ctx.user.as_ref().filter(|_| may_organise(&ctx)) else {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    };
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 200 || form.description.chars().count() > 2000 {
        return error_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        );
    }
    match state
        .store
        .create_consultation(&user.id, title, form.description.trim())
        .await
    {
        Ok(c) => Redirect::to(&format!("/consult/{}", c.id)).into_response(),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// The anonymous participation link: makes the holder a participant and sends them on.
pub async fn join(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Response {
    let c = match state.store.consultation_by_join_token(&token).await {
        Ok(Some(c)) => c,
        Ok(None) => return error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => return internal(&state, &ctx, e),
    };
    let mut response = Redirect::to(&format!("/consult/{}", c.id)).into_response();
    if ctx.user.is_none() {
        match state.store.anonymous_participant(&c.id).await {
            Ok((_, secret)) => {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    auth::set_cookie(
                        &participant_cookie(&c.id),
                        &secret,
                        Some(365 * 24 * 3600),
                        state.config.secure_cookies(),
                    ),
                );
            }
            Err(e) => return internal(&state, &ctx, e),
        }
    }
    response
}

async fn vote_page(
    state: &SharedState,
    ctx: Ctx,
    headers: &HeaderMap,
    id: &str,
    notice: Option<String>,
) -> Response {
    let c = match load(state, &ctx, id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (participant, _) = match voter(state, &ctx, headers, &c).await {
        Ok(Some(v)) => v,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(e) => return internal(state, &ctx, e),
    };
    let next = match state.store.next_statement(&c.id, participant).await {
        Ok(s) => s,
        Err(e) => return internal(state, &ctx, e),
    };
    let organise = may_organise(&ctx);
    let pending: Vec<Statement> = if organise {
        match state.store.statements(&c.id).await {
            Ok(all) => all.into_iter().filter(|s| s.moderation == 0).collect(),
            Err(e) => return internal(state, &ctx, e),
        }
    } else {
        Vec::new()
    };
    let join_link = format!(
        "{}/c/{}",
        crate::pages::base_url(state, headers),
        c.join_token
    );
    // Anonymous participants post forms with the double-submit token.
    let (ctx, cookie) = crate::pages::with_pre_session(state, ctx);
    let mut response = page(
        state,
        &ctx,
        StatusCode::OK,
        "consult/vote.html",
        json!({
            "consultation": {"id": c.id, "title": c.title, "description": c.description},
            "statement": next,
            "may_organise": organise,
            "pending": pending,
            "join_link": if organise { join_link } else { String::new() },
            "notice": notice,
        }),
    );
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn participate(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    vote_page(&state, ctx, &headers, &id, None).await
}

/// The consultation and the caller's participant number and audit actor, for a form that
/// changes something; anyone else gets 403.
async fn participant_in(
    state: &SharedState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Consultation, i64, String), Response> {
    let c = load(state, ctx, id).await?;
    match voter(state, ctx, headers, &c).await {
        Ok(Some((participant, actor))) => Ok((c, participant, actor)),
        Ok(None) => Err(error_page(
            state,
            ctx,
            StatusCode::FORBIDDEN,
            "error-forbidden",
        )),
        Err(e) => Err(internal(state, ctx, e)),
    }
}

#[derive(Deserialize)]
pub struct VoteForm {
    statement: i64,
    vote: String,
}

pub async fn vote(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<VoteForm>,
) -> Response {
    let (c, participant, actor) = match participant_in(&state, &ctx, &headers, &id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(value) = vote_value(&form.vote) else {
        return error_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        );
    };
    match state
        .store
        .cast_vote(&actor, &c.id, participant, form.statement, value)
        .await
    {
        Ok(()) => Redirect::to(&format!("/consult/{}", c.id)).into_response(),
        Err(StoreError::NotFound(_)) => {
            error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found")
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

#[derive(Deserialize)]
pub struct StatementForm {
    body: String,
}

pub async fn submit_statement(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatementForm>,
) -> Response {
    let (c, participant, actor) = match participant_in(&state, &ctx, &headers, &id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > 1000 {
        return error_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        );
    }
    let organise = may_organise(&ctx);
    let moderation = if organise { 1 } else { 0 };
    if let Err(e) = state
        .store
        .add_statement(&actor, &c.id, body, Some(participant), moderation)
        .await
    {
        return internal(&state, &ctx, e);
    }
    if organise {
        Redirect::to(&format!("/consult/{}", c.id)).into_response()
    } else {
        let notice = state.catalogue.tr(ctx.lang, "consult-submitted", &[]);
        vote_page(&state, ctx, &headers, &id, Some(notice)).await
    }
}

#[derive(Deserialize)]
pub struct ModerationForm {
    statement: i64,
    decision: String,
}

pub async fn moderate(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ModerationForm>,
) -> Response {
    let Some(user) = ctx.user.as_ref().filter(|_| may_organise(&ctx)) else {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    };
    let value = match form.decision.as_str() {
        "accept" => 1,
        "reject" => -1,
        _ => {
            return error_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-bad-request",
            );
        }
    };
    match state
        .store
        .moderate_statement(&user.id, &id, form.statement, value)
        .await
    {
        Ok(()) => Redirect::to(&format!("/consult/{id}")).into_response(),
        Err(StoreError::NotFound(_)) => {
            error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found")
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

/// The analysis as the CLI prints it, plus the opinion map's view (points, groups, consensus).
pub async fn opinion_map(state: &SharedState, c: &Consultation) -> Result<Arc<Value>, StoreError> {
    let version = state.store.vote_history_len(&c.id).await?;
    let statements = state.store.statements(&c.id).await?;
    if let Some((v, n, cached)) = state.consult_maps.0.lock().expect("map cache").get(&c.id)
        && *v == version
        && *n == statements.len()
    {
        return Ok(cached.clone());
    }
    let votes = state.store.current_votes(&c.id).await?;
    let view = Arc::new(map_view(&statements, &votes));
    state
        .consult_maps
        .0
        .lock()
        .expect("map cache")
        .insert(c.id.clone(), (version, statements.len(), view.clone()));
    Ok(view)
}

/// The store's rows as the Pol.is layout `chamber-consult` reads (statement numbers as comment
/// ids, participant numbers as voter ids).
fn map_view(statements: &[Statement], votes: &[CurrentVote]) -> Value {
    let participants: std::collections::BTreeSet<i64> =
        votes.iter().map(|v| v.participant).collect();
    let counts = json!({
        "n_participants": participants.len(),
        "n_votes": votes.len(),
        "n_statements": statements.iter().filter(|s| s.moderation > 0).count(),
    });
    let export = chamber_app::consult::export_from_rows(statements, votes);
    let analysis = match chamber_consult::analyze(&export, &Options::default()) {
        Ok(a) if !a.groups.is_empty() => a,
        _ => {
            let mut v = counts;
            v["analysis"] = Value::Null;
            return v;
        }
    };
    let body = |id: u64| {
        statements
            .iter()
            .find(|s| s.number as u64 == id)
            .map(|s| s.body.clone())
            .unwrap_or_default()
    };
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for [x, y] in analysis.pca.projections.values() {
        min_x = min_x.min(*x);
        max_x = max_x.max(*x);
        min_y = min_y.min(*y);
        max_y = max_y.max(*y);
    }
    let scale = |v: f64, lo: f64, hi: f64| {
        if hi > lo {
            20.0 + 380.0 * (v - lo) / (hi - lo)
        } else {
            210.0
        }
    };
    let points: Vec<Value> = analysis
        .pca
        .projections
        .iter()
        .map(|(pid, [x, y])| {
            let group = analysis.participants.get(pid).copied().flatten();
            json!({
                "x": format!("{:.1}", scale(*x, min_x, max_x)),
                "y": format!("{:.1}", 420.0 - scale(*y, min_y, max_y)),
                "group": group.map_or("none".to_string(), |g| g.to_string()),
                "colour": group.map_or(UNGROUPED, |g| PALETTE[g % PALETTE.len()]),
            })
        })
        .collect();
    let groups: Vec<Value> = analysis
        .groups
        .iter()
        .map(|g| {
            let label = char::from(b'A' + (g.id % 26) as u8).to_string();
            json!({
                "label": label,
                "count": g.members.len(),
                "colour": PALETTE[g.id % PALETTE.len()],
                "statements": g.repness.iter().take(5).map(|r| json!({
                    "body": body(r.comment_id),
                    "repful": r.repful,
                    "percent": (r.p_success * 100.0).round() as i64,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let consensus: Vec<Value> = analysis
        .consensus
        .iter()
        .take(5)
        .map(|c| json!({"body": body(c.comment_id), "score": c.group_informed_consensus}))
        .collect();
    let mut v = counts;
    v["analysis"] = serde_json::to_value(&analysis).unwrap_or(Value::Null);
    v["points"] = Value::Array(points);
    v["groups"] = Value::Array(groups);
    v["consensus"] = Value::Array(consensus);
    v
}

pub async fn map(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let c = match load(&state, &ctx, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match voter(&state, &ctx, &headers, &c).await {
        Ok(Some(_)) => {}
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(e) => return internal(&state, &ctx, e),
    }
    let view = match opinion_map(&state, &c).await {
        Ok(v) => v,
        Err(e) => return internal(&state, &ctx, e),
    };
    let mut context = (*view).clone();
    context["consultation"] = json!({"id": c.id, "title": c.title});
    page(&state, &ctx, StatusCode::OK, "consult/map.html", context)
}

// ------------------------------------------------------------------ JSON API

fn api_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

#[derive(Deserialize)]
pub struct ApiNewConsultation {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    statements: Vec<String>,
}

/// `POST /api/v1/consult {"title", "description", "statements": [...]}` (organisers) →
/// `{"id", "join_token"}`.
pub async fn api_create(
    State(state): State<SharedState>,
    ctx: Ctx,
    body: Result<Json<ApiNewConsultation>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(user) = ctx.user.clone() else {
        return api_error(StatusCode::UNAUTHORIZED, "sign in or send an API token");
    };
    if !permissions::may_organise_consultation(user.role) {
        return api_error(StatusCode::FORBIDDEN, "administrators and mediators only");
    }
    let Ok(Json(new)) = body else {
        return api_error(StatusCode::UNPROCESSABLE_ENTITY, "expected {\"title\": …}");
    };
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "title: 1 to 200 characters",
        );
    }
    if let Some(bad) = new
        .statements
        .iter()
        .position(|s| s.trim().is_empty() || s.chars().count() > 1000)
    {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("statements[{bad}]: 1 to 1000 characters"),
        );
    }
    let c = match state
        .store
        .create_consultation(&user.id, title, new.description.trim())
        .await
    {
        Ok(c) => c,
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    for s in &new.statements {
        if let Err(e) = state
            .store
            .add_statement(&user.id, &c.id, s.trim(), None, 1)
            .await
        {
            return api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
        }
    }
    (
        StatusCode::CREATED,
        Json(json!({"id": c.id, "join_token": c.join_token})),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct ApiJoin {
    token: String,
}

/// `POST /api/v1/consult/join {"token"}` → an anonymous participant and its secret (send it
/// back as `X-Chamber-Participant`).
pub async fn api_join(
    State(state): State<SharedState>,
    body: Result<Json<ApiJoin>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(join)) = body else {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected {\"token\": \"…\"}",
        );
    };
    match state.store.consultation_by_join_token(&join.token).await {
        Ok(Some(c)) => match state.store.anonymous_participant(&c.id).await {
            Ok((n, secret)) => (
                StatusCode::CREATED,
                Json(json!({"consultation": c.id, "participant": n, "secret": secret})),
            )
                .into_response(),
            Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        Ok(None) => api_error(StatusCode::NOT_FOUND, "no consultation has this link"),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(Deserialize)]
pub struct ApiVote {
    statement: i64,
    vote: String,
}

/// `POST /api/v1/consult/{id}/votes {"statement", "vote": "agree"|"disagree"|"pass"}`.
pub async fn api_vote(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<ApiVote>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(v)) = body else {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected {\"statement\": N, \"vote\": \"agree\"|\"disagree\"|\"pass\"}",
        );
    };
    let c = match state.store.consultation(&id).await {
        Ok(Some(c)) => c,
        Ok(None) => return api_error(StatusCode::NOT_FOUND, "no such consultation"),
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let (participant, actor) = match voter(&state, &ctx, &headers, &c).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return api_error(
                StatusCode::UNAUTHORIZED,
                "join first, then send X-Chamber-Participant",
            );
        }
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let Some(value) = vote_value(&v.vote) else {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "vote: agree, disagree or pass",
        );
    };
    match state
        .store
        .cast_vote(&actor, &c.id, participant, v.statement, value)
        .await
    {
        Ok(()) => (StatusCode::CREATED, Json(json!({"stored": true}))).into_response(),
        Err(StoreError::NotFound(_)) => api_error(StatusCode::NOT_FOUND, "no such statement"),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// `GET /api/v1/consult/{id}/analysis`: the analysis (signed-in accounts only).
pub async fn api_analysis(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    if ctx.user.is_none() {
        return api_error(StatusCode::UNAUTHORIZED, "sign in or send an API token");
    }
    let c = match state.store.consultation(&id).await {
        Ok(Some(c)) => c,
        Ok(None) => return api_error(StatusCode::NOT_FOUND, "no such consultation"),
        Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    match opinion_map(&state, &c).await {
        Ok(view) => Json(json!({
            "n_participants": view["n_participants"],
            "n_votes": view["n_votes"],
            "analysis": view["analysis"],
        }))
        .into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
