//! Signing in and out, the first administrator's set-up link, invitations, one's own password.

use super::pages::{ClientAddr, internal, signed_in, tr, with_cookie, with_pre_session};
use crate::SharedState;
use crate::auth::{self, Ctx};
use crate::render::{error_page, page};
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_core::{DisplayName, Password, Username};
use chamber_store::{InvitationKind, User};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

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
    // The attempt is reserved before the password is checked, so attempts racing in parallel
    // count while Argon2 runs.
    let reservation = match state.limiter.reserve(&form.username, &addr) {
        Ok(r) => r,
        Err(wait) => return rate_limited(&state, &ctx, wait, &form.username),
    };
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
        reservation.failed();
        state.metrics.login_failed();
        return page(
            &state,
            &ctx,
            StatusCode::UNAUTHORIZED,
            "login.html",
            json!({"error": tr(&state, &ctx, "login-failed"), "username": form.username}),
        );
    };
    reservation.succeeded();
    signed_in_at_home(&state, &ctx, &user).await
}

/// 429 with `Retry-After`, in the caller's language.
fn rate_limited(state: &SharedState, ctx: &Ctx, wait: Duration, username: &str) -> Response {
    state.metrics.login_rate_limited();
    let seconds = wait.as_secs().max(1);
    let message = state.catalogue.tr(
        ctx.lang,
        "login-rate-limited",
        &[("minutes", seconds.div_ceil(60).to_string())],
    );
    let mut response = page(
        state,
        ctx,
        StatusCode::TOO_MANY_REQUESTS,
        "login.html",
        json!({"error": message, "username": username}),
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        seconds.to_string().parse().expect("digits"),
    );
    response
}

/// A one-time link's page: the link is checked (a digest lookup) before any password is
/// hashed, and wrong links count against the client like wrong passwords.
async fn link_is_valid(
    state: &SharedState,
    ctx: &Ctx,
    addr: &str,
    token: &str,
    kind: InvitationKind,
) -> Result<bool, Response> {
    let reservation = state
        .limiter
        .reserve(&format!("link:{}", kind.as_str()), addr)
        .map_err(|wait| rate_limited(state, ctx, wait, ""))?;
    let valid = match state.store.peek_invitation(token, kind).await {
        Ok(found) => found.is_some(),
        Err(e) => return Err(internal(state, ctx, e)),
    };
    if !valid {
        reservation.failed();
    }
    Ok(valid)
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
    let valid = matches!(state.store.admin_count().await, Ok(0))
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
    ClientAddr(addr): ClientAddr,
    Form(form): Form<SetupForm>,
) -> Response {
    match link_is_valid(&state, &ctx, &addr, &form.token, InvitationKind::Setup).await {
        Ok(true) => {}
        Ok(false) => return error_page(&state, &ctx, StatusCode::NOT_FOUND, "setup-invalid"),
        Err(r) => return r,
    }
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
    ClientAddr(addr): ClientAddr,
    Form(form): Form<InviteForm>,
) -> Response {
    match link_is_valid(&state, &ctx, &addr, &form.token, InvitationKind::Invite).await {
        Ok(true) => {}
        Ok(false) => return error_page(&state, &ctx, StatusCode::NOT_FOUND, "invite-invalid"),
        Err(r) => return r,
    }
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
