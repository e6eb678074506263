//! Everyone's own API tokens: issue (shown once), list, revoke. Tokens are issued by their
//! owner only, so nobody can act as another account through the API.

use super::pages::{internal, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, page};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chamber_store::User;
use serde::Deserialize;
use serde_json::{Value, json};

async fn tokens_page(
    state: &SharedState,
    ctx: &Ctx,
    user: &User,
    status: StatusCode,
    extra: Value,
) -> Response {
    let tokens = match state.store.api_tokens_of(&user.id).await {
        Ok(t) => t,
        Err(e) => return internal(state, ctx, e),
    };
    let mut context = json!({"tokens": tokens});
    if let (Some(map), Value::Object(extra)) = (context.as_object_mut(), extra) {
        map.extend(extra);
    }
    page(state, ctx, status, "tokens.html", context)
}

/// `GET /account/tokens`.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    tokens_page(&state, &ctx, &user, StatusCode::OK, json!({})).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    label: String,
}

/// `POST /account/tokens`: a new token acting as the signed-in account, shown once.
pub async fn issue(
    State(state): State<SharedState>,
    ctx: Ctx,
    Form(form): Form<IssueForm>,
) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return tokens_page(
            &state,
            &ctx,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "label: 1 to 200 characters"}),
        )
        .await;
    }
    match state
        .store
        .create_api_token(&user.id, &user.id, label)
        .await
    {
        Ok(secret) => {
            tokens_page(
                &state,
                &ctx,
                &user,
                StatusCode::OK,
                json!({"created_token": secret}),
            )
            .await
        }
        Err(e) => internal(&state, &ctx, e),
    }
}

/// `POST /account/tokens/{id}/revoke`: one of the account's own tokens.
pub async fn revoke(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match state
        .store
        .revoke_api_token(&user.id, &id, Some(&user.id))
        .await
    {
        Ok(true) => {
            let notice = state.catalogue.tr(ctx.lang, "admin-token-revoked", &[]);
            tokens_page(
                &state,
                &ctx,
                &user,
                StatusCode::OK,
                json!({"notice": notice}),
            )
            .await
        }
        Ok(false) => error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => internal(&state, &ctx, e),
    }
}
