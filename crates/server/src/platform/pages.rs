//! Page handlers. Each one: who is asking, may they, do it, render.

use crate::SharedState;
use crate::auth::{self, Ctx};
use crate::render::{error_page, internal_error, page};
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_core::permissions;
use chamber_core::{DisplayName, Password, Role, Username};
use chamber_i18n::Lang;
use chamber_store::{InvitationKind, StoreError, User};
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

/// The client's address, for rate limiting.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

fn internal(state: &SharedState, ctx: &Ctx, e: StoreError) -> Response {
    internal_error(state, ctx, "store", e)
}

fn tr(state: &SharedState, ctx: &Ctx, key: &str) -> String {
    state.catalogue.tr(ctx.lang, key, &[])
}

/// The address people reach this server at, for links printed on pages.
pub fn base_url(state: &SharedState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A signed-in page's caller, or the way to the sign-in page.
fn signed_in(ctx: &Ctx) -> Result<&User, Response> {
    ctx.user
        .as_ref()
        .ok_or_else(|| Redirect::to("/login").into_response())
}

/// Give an anonymous visitor the double-submit CSRF cookie a sign-in form needs.
pub fn with_pre_session(
    state: &SharedState,
    mut ctx: Ctx,
) -> (Ctx, Option<axum::http::HeaderValue>) {
    if ctx.pre_csrf.is_some() || ctx.session.is_some() {
        return (ctx, None);
    }
    let secret = chamber_store::new_secret();
    let cookie = auth::set_cookie(
        auth::PRE_SESSION_COOKIE,
        &secret,
        None,
        state.config.secure_cookies(),
    );
    ctx.pre_csrf = Some(secret);
    (ctx, Some(cookie))
}

fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

// ------------------------------------------------------------------ dashboard

pub async fn dashboard(State(state): State<SharedState>, ctx: Ctx) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut capabilities = Vec::new();
    if permissions::may_use_watch(user.role) {
        capabilities.push(json!({"id": "watch", "href": "/watch", "title": "cap-watch-title", "desc": "cap-watch-desc"}));
    }
    capabilities.push(json!({"id": "chamber", "href": "/chamber", "title": "cap-chamber-title", "desc": "cap-chamber-desc"}));
    capabilities.push(json!({"id": "consult", "href": "/consult", "title": "cap-consult-title", "desc": "cap-consult-desc"}));
    if permissions::may_use_library(user.role) {
        capabilities.push(json!({"id": "library", "href": "/library", "title": "cap-library-title", "desc": "cap-library-desc"}));
    }
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "dashboard.html",
        json!({"capabilities": capabilities}),
    )
}

/// The capability pages: what each offers and how to reach it today.
pub async fn capability(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (id, commands): (&str, &[&str]) = match uri.path() {
        "/watch" => (
            "watch",
            &[
                "chamber watch ingest FILES…",
                "chamber watch alerts --json",
                "chamber watch series --country ISO3 --json",
            ],
        ),
        "/consult" => ("consult", &["chamber consult analyze DIR --json"]),
        "/library" => ("library", &["chamber library parse FILE --json"]),
        _ => ("chamber", &[]),
    };
    if id == "watch" && !permissions::may_use_watch(user.role) {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    }
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "capability.html",
        json!({
            "title": format!("cap-{id}-title"),
            "desc": format!("cap-{id}-desc"),
            "commands": commands,
        }),
    )
}

// ------------------------------------------------------------------ sign in and out

#[derive(Deserialize)]
pub struct LoginQuery {
    signed_out: Option<String>,
    setup: Option<String>,
}

pub async fn login_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Response {
    if ctx.user.is_some() {
        return Redirect::to("/").into_response();
    }
    let notice = if q.signed_out.is_some() {
        Some(tr(&state, &ctx, "logout-done"))
    } else if q.setup.is_some() {
        Some(tr(&state, &ctx, "setup-done"))
    } else {
        None
    };
    let (ctx, cookie) = with_pre_session(&state, ctx);
    with_cookie(
        page(
            &state,
            &ctx,
            StatusCode::OK,
            "login.html",
            json!({"notice": notice}),
        ),
        cookie,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<SharedState>,
    ctx: Ctx,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Some(minutes) = state.limiter.blocked_for(&form.username, &addr) {
        state.metrics.login_rate_limited();
        let message = state.catalogue.tr(
            ctx.lang,
            "login-rate-limited",
            &[("minutes", minutes.to_string())],
        );
        let mut response = page(
            &state,
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "login.html",
            json!({"error": message, "username": form.username}),
        );
        response.headers_mut().insert(
            header::RETRY_AFTER,
            (minutes * 60).to_string().parse().expect("digits"),
        );
        return response;
    }
    let found = match state.store.login_lookup(&form.username).await {
        Ok(found) => found,
        Err(e) => return internal(&state, &ctx, e),
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let ok = chamber_app::accounts::verify_password(hash, form.password).await;
    let Some(user) = user.filter(|_| ok) else {
        state.limiter.record_failure(&form.username, &addr);
        state.metrics.login_failed();
        return page(
            &state,
            &ctx,
            StatusCode::UNAUTHORIZED,
            "login.html",
            json!({"error": tr(&state, &ctx, "login-failed"), "username": form.username}),
        );
    };
    state.limiter.record_success(&form.username);
    signed_in_at_home(&state, &ctx, &user).await
}

/// Open a session for `user` and send the browser home with its cookie.
async fn signed_in_at_home(state: &SharedState, ctx: &Ctx, user: &User) -> Response {
    match state
        .store
        .create_session(user, Duration::from_secs(auth::SESSION_SECONDS))
        .await
    {
        Ok((secret, _csrf)) => {
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(state, &secret));
            response
        }
        Err(e) => internal(state, ctx, e),
    }
}

fn session_cookie(state: &SharedState, secret: &str) -> axum::http::HeaderValue {
    auth::set_cookie(
        auth::SESSION_COOKIE,
        secret,
        Some(auth::SESSION_SECONDS),
        state.config.secure_cookies(),
    )
}

pub async fn logout(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if let (Some((secret, _)), Some(user)) = (&ctx.session, &ctx.user)
        && let Err(e) = state.store.end_session(secret, &user.id).await
    {
        return internal(&state, &ctx, e);
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            auth::SESSION_COOKIE,
            "",
            Some(0),
            state.config.secure_cookies(),
        ),
    );
    response
}

// ------------------------------------------------------------------ first administrator

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn setup_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Response {
    let valid = matches!(state.store.user_count().await, Ok(0))
        && matches!(
            state
                .store
                .peek_invitation(&q.token, InvitationKind::Setup)
                .await,
            Ok(Some(_))
        );
    if !valid {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "setup-invalid");
    }
    let (ctx, cookie) = with_pre_session(&state, ctx);
    with_cookie(
        page(
            &state,
            &ctx,
            StatusCode::OK,
            "setup.html",
            json!({"token": q.token}),
        ),
        cookie,
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    username: String,
    display_name: String,
    password: String,
}

pub async fn setup(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<SetupForm>,
) -> Response {
    let again = |error: String| {
        page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "setup.html",
            json!({"token": form.token, "error": error}),
        )
    };
    let username = match Username::parse(&form.username) {
        Ok(u) => u,
        Err(e) => return again(e.to_string()),
    };
    let display = match DisplayName::parse(&form.display_name) {
        Ok(d) => d,
        Err(e) => return again(e.to_string()),
    };
    let password = match Password::parse(&form.password) {
        Ok(p) => p,
        Err(_) => {
            return again(state.catalogue.tr(
                ctx.lang,
                "password-weak",
                &[("min", Password::MIN_LEN.to_string())],
            ));
        }
    };
    let hash = chamber_app::accounts::hash_password(password).await;
    match state
        .store
        .complete_setup(&form.token, &username, display.as_str(), &hash)
        .await
    {
        Ok(Some(_)) => Redirect::to("/login?setup=1").into_response(),
        Ok(None) => error_page(&state, &ctx, StatusCode::NOT_FOUND, "setup-invalid"),
        Err(e) => internal(&state, &ctx, e),
    }
}

// ------------------------------------------------------------------ invitations

pub async fn invite_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Response {
    let invitee = match state
        .store
        .peek_invitation(&q.token, InvitationKind::Invite)
        .await
    {
        Ok(Some(Some(user_id))) => state.store.user_by_id(&user_id).await.ok().flatten(),
        Ok(_) => None,
        Err(e) => return internal(&state, &ctx, e),
    };
    let Some(invitee) = invitee else {
        return error_page(&state, &ctx, StatusCode::NOT_FOUND, "invite-invalid");
    };
    let (ctx, cookie) = with_pre_session(&state, ctx);
    with_cookie(
        page(
            &state,
            &ctx,
            StatusCode::OK,
            "invite.html",
            json!({"token": q.token, "invitee": invitee.display_name, "min": Password::MIN_LEN}),
        ),
        cookie,
    )
}

#[derive(Deserialize)]
pub struct InviteForm {
    token: String,
    password: String,
    confirm: String,
}

pub async fn invite(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<InviteForm>,
) -> Response {
    let again = |key: &str| {
        let error = state
            .catalogue
            .tr(ctx.lang, key, &[("min", Password::MIN_LEN.to_string())]);
        page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invite.html",
            json!({"token": form.token, "invitee": "", "min": Password::MIN_LEN, "error": error}),
        )
    };
    if form.password != form.confirm {
        return again("password-mismatch");
    }
    let Ok(password) = Password::parse(&form.password) else {
        return again("password-weak");
    };
    let hash = chamber_app::accounts::hash_password(password).await;
    let user = match state.store.accept_invitation(&form.token, &hash).await {
        Ok(Some(user)) => user,
        Ok(None) => return error_page(&state, &ctx, StatusCode::NOT_FOUND, "invite-invalid"),
        Err(e) => return internal(&state, &ctx, e),
    };
    signed_in_at_home(&state, &ctx, &user).await
}

// ------------------------------------------------------------------ own password

pub async fn password_form(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if let Err(r) = signed_in(&ctx) {
        return r;
    }
    page(&state, &ctx, StatusCode::OK, "password.html", json!({}))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let fail = |key: &str| {
        let error = state
            .catalogue
            .tr(ctx.lang, key, &[("min", Password::MIN_LEN.to_string())]);
        page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "password.html",
            json!({"error": error}),
        )
    };
    if form.new != form.confirm {
        return fail("password-mismatch");
    }
    let Ok(new_password) = Password::parse(&form.new) else {
        return fail("password-weak");
    };
    let stored = match state.store.login_lookup(&user.username).await {
        Ok(Some((_, hash))) => hash,
        Ok(None) => None,
        Err(e) => return internal(&state, &ctx, e),
    };
    if !chamber_app::accounts::verify_password(stored, form.current).await {
        return fail("password-wrong-current");
    }
    let hash = chamber_app::accounts::hash_password(new_password).await;
    if let Err(e) = state.store.set_password(&user.id, &user.id, &hash).await {
        return internal(&state, &ctx, e);
    }
    // Every session ended with the change; open a fresh one for this browser.
    match state
        .store
        .create_session(&user, Duration::from_secs(auth::SESSION_SECONDS))
        .await
    {
        Ok((secret, csrf)) => {
            let mut fresh = ctx.clone();
            fresh.session = Some((secret.clone(), csrf));
            let mut response = page(
                &state,
                &fresh,
                StatusCode::OK,
                "password.html",
                json!({"notice": tr(&state, &ctx, "password-changed")}),
            );
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &secret));
            response
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

// ------------------------------------------------------------------ administration

fn require_admin(state: &SharedState, ctx: &Ctx) -> Result<User, Response> {
    let user = signed_in(ctx)?;
    if permissions::may_administer(user.role) {
        Ok(user.clone())
    } else {
        Err(error_page(
            state,
            ctx,
            StatusCode::FORBIDDEN,
            "error-forbidden",
        ))
    }
}

async fn admin_page(
    state: &SharedState,
    ctx: &Ctx,
    status: StatusCode,
    extra: serde_json::Value,
) -> Response {
    let users = match state.store.list_users().await {
        Ok(u) => u,
        Err(e) => return internal(state, ctx, e),
    };
    let tokens = match state.store.list_api_tokens().await {
        Ok(t) => t,
        Err(e) => return internal(state, ctx, e),
    };
    let (count, broken) = match state.store.verify_audit().await {
        Ok(Ok(n)) => (n, None),
        Ok(Err(b)) => (b.seq.max(1) as u64 - 1, Some(b.to_string())),
        Err(e) => return internal(state, ctx, e),
    };
    let mut context = json!({
        "users": users,
        "tokens": tokens,
        "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "audit_count": count,
        "audit_break": broken,
    });
    if let (Some(map), serde_json::Value::Object(extra)) = (context.as_object_mut(), extra) {
        map.extend(extra);
    }
    page(state, ctx, status, "admin.html", context)
}

pub async fn admin(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if let Err(r) = require_admin(&state, &ctx) {
        return r;
    }
    admin_page(&state, &ctx, StatusCode::OK, json!({})).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
}

/// Create an account and return its one-time password link (shared by page and API).
pub async fn create_account(
    state: &SharedState,
    actor: &User,
    username: &str,
    display_name: &str,
    role: &str,
    headers: &HeaderMap,
) -> Result<(User, String), Result<String, StoreError>> {
    let username = Username::parse(username).map_err(|e| Ok(e.to_string()))?;
    let display = DisplayName::parse(display_name).map_err(|e| Ok(e.to_string()))?;
    let role: Role = role
        .parse()
        .map_err(|e: chamber_core::AccountError| Ok(e.to_string()))?;
    let user = match state
        .store
        .create_user(&actor.id, &username, display.as_str(), role, None)
        .await
    {
        Ok(u) => u,
        Err(StoreError::UsernameTaken(name)) => {
            return Err(Ok(format!("username '{name}' is already taken")));
        }
        Err(e) => return Err(Err(e)),
    };
    let secret = state
        .store
        .create_invitation(
            &actor.id,
            InvitationKind::Invite,
            Some(&user.id),
            chamber_app::accounts::INVITATION_VALIDITY,
        )
        .await
        .map_err(Err)?;
    let link = format!("{}/invite?token={secret}", base_url(state, headers));
    Ok((user, link))
}

pub async fn admin_create_user(
    State(state): State<SharedState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<NewUserForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match create_account(
        &state,
        &admin,
        &form.username,
        &form.display_name,
        &form.role,
        &headers,
    )
    .await
    {
        Ok((user, link)) => {
            admin_page(
                &state,
                &ctx,
                StatusCode::OK,
                json!({"created_link": link, "created_username": user.username}),
            )
            .await
        }
        Err(Ok(reason)) => {
            let error = state
                .catalogue
                .tr(ctx.lang, "admin-bad-input", &[("reason", reason)]);
            admin_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"error": error}),
            )
            .await
        }
        Err(Err(e)) => internal(&state, &ctx, e),
    }
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    label: String,
    user_id: String,
}

pub async fn admin_issue_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<NewTokenForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return admin_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "label: 1 to 200 characters"}),
        )
        .await;
    }
    match state
        .store
        .create_api_token(&admin.id, &form.user_id, label)
        .await
    {
        Ok(secret) => {
            admin_page(
                &state,
                &ctx,
                StatusCode::OK,
                json!({"created_token": secret}),
            )
            .await
        }
        Err(StoreError::NoSuchUser) => error_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        ),
        Err(e) => internal(&state, &ctx, e),
    }
}

// ------------------------------------------------------------------ small things

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Remember a language choice (a preference cookie; no server state changes).
pub async fn switch_language(
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            auth::LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            state.config.secure_cookies(),
        ),
    );
    response
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/chamber.css"),
    )
        .into_response()
}

pub async fn health(State(state): State<SharedState>) -> Response {
    let database = state.store.ping().await.is_ok();
    let status = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({
            "status": if database { "ok" } else { "database unavailable" },
            "version": env!("CARGO_PKG_VERSION"),
        })),
    )
        .into_response()
}

pub async fn not_found(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no such endpoint"})),
        )
            .into_response();
    }
    error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found")
}
