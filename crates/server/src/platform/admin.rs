//! Administration: accounts and API tokens (administrators only).

use super::pages::{base_url, internal, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, page};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chamber_core::permissions;
use chamber_core::{DisplayName, Role, Username};
use chamber_store::{InvitationKind, StoreError, User};
use serde::Deserialize;
use serde_json::json;

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
    /// Kept for older forms: it must name the administrator's own account.
    #[serde(default)]
    user_id: String,
}

/// `POST /admin/tokens`: an administrator issues an API token for their own account only. No
/// administrator can act as another account (a token for a party delegate would read that
/// party's caucus).
pub async fn admin_issue_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<NewTokenForm>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !form.user_id.is_empty() && form.user_id != admin.id {
        let message = state.catalogue.tr(ctx.lang, "admin-token-own-only", &[]);
        return admin_page(
            &state,
            &ctx,
            StatusCode::FORBIDDEN,
            json!({"error": message}),
        )
        .await;
    }
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
        .create_api_token(&admin.id, &admin.id, label)
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
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /admin/tokens/{id}/revoke`: any token stops working on the next request.
pub async fn admin_revoke_token(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.store.revoke_api_token(&admin.id, &id, None).await {
        Ok(true) => {
            let notice = state.catalogue.tr(ctx.lang, "admin-token-revoked", &[]);
            admin_page(&state, &ctx, StatusCode::OK, json!({"notice": notice})).await
        }
        Ok(false) => error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /admin/users/{id}/disable`: the account's sessions end and its tokens stop working
/// on the next request. An administrator cannot disable their own account here.
pub async fn admin_disable_user(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let admin = match require_admin(&state, &ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if id == admin.id {
        return error_page(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        );
    }
    match state.store.disable_user(&admin.id, &id).await {
        Ok(true) => {
            let notice = state.catalogue.tr(ctx.lang, "admin-user-disabled", &[]);
            admin_page(&state, &ctx, StatusCode::OK, json!({"notice": notice})).await
        }
        Ok(false) => error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => internal(&state, &ctx, e),
    }
}
