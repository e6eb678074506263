//! Checkpoints a party can keep: every signed-in person can see and download the current
//! signed checkpoint of the audit record (`/audit/checkpoint`, its download, and
//! `GET /api/v1/audit/checkpoint`), and later show that the record still extends it
//! (`chamber audit verify --checkpoint FILE`, or `docs/verify_audit.py` offline).
//!
//! The checkpoint is signed on demand by the server's own key (`DATA/keys/checkpoint.key`),
//! see `chamber_app::checkpoints`. When the record no longer extends the last checkpoint, the
//! server says so (409) instead of signing: every party asking learns it.

use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, page};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chamber_app::checkpoints::{self, Refused};
use chamber_core::checkpoint::SignedCheckpoint;
use serde_json::json;

/// The checkpoint routes, merged into the platform's.
pub fn routes() -> axum::Router<SharedState> {
    axum::Router::new()
        .route("/audit/checkpoint", get(checkpoint_page))
        .route("/audit/checkpoint/download", get(download))
        .route("/api/v1/audit/checkpoint", get(api))
}

/// Why there is no checkpoint to show.
enum Unavailable {
    /// No data directory configured: no signing key.
    NoKey,
    /// The record no longer extends the last checkpoint (the reason).
    NotExtended(String),
    Failed(String),
}

async fn issue(state: &SharedState) -> Result<SignedCheckpoint, Unavailable> {
    let data = state.config.data.as_ref().ok_or(Unavailable::NoKey)?;
    let path = data.checkpoint_key();
    // The key file is read (or created once) off the async workers.
    let key = tokio::task::spawn_blocking(move || checkpoints::signing_key(&path))
        .await
        .map_err(|e| Unavailable::Failed(e.to_string()))?
        .map_err(|e| Unavailable::Failed(e.to_string()))?;
    checkpoints::current(&state.store, &key)
        .await
        .map_err(|e| match e {
            Refused::NotExtended(_) => Unavailable::NotExtended(e.to_string()),
            Refused::Failed(e) => Unavailable::Failed(e.to_string()),
        })
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

fn api_unavailable(u: Unavailable) -> Response {
    match u {
        Unavailable::NoKey => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server has no data directory, so no checkpoint signing key",
        ),
        Unavailable::NotExtended(reason) => json_error(StatusCode::CONFLICT, &reason),
        Unavailable::Failed(e) => {
            tracing::error!("checkpoint: {e}");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// `GET /api/v1/audit/checkpoint`: the current signed checkpoint as JSON, for any signed-in
/// account (session or API token).
pub async fn api(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if ctx.user.is_none() {
        let message = if ctx.bad_token {
            "the API token is not valid or was revoked"
        } else {
            "sign in, or send an API token as 'Authorization: Bearer TOKEN'"
        };
        return json_error(StatusCode::UNAUTHORIZED, message);
    }
    match issue(&state).await {
        Ok(cp) => Json(cp).into_response(),
        Err(u) => api_unavailable(u),
    }
}

/// The checkpoint as a file to keep.
pub async fn download(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if ctx.user.is_none() {
        return axum::response::Redirect::to("/login").into_response();
    }
    match issue(&state).await {
        Ok(cp) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"chamber-checkpoint-{}.json\"",
                        cp.seq
                    ),
                ),
            ],
            cp.to_json_pretty(),
        )
            .into_response(),
        Err(u) => page_unavailable(&state, &ctx, u),
    }
}

fn page_unavailable(state: &SharedState, ctx: &Ctx, u: Unavailable) -> Response {
    match u {
        Unavailable::NoKey => error_page(
            state,
            ctx,
            StatusCode::SERVICE_UNAVAILABLE,
            "audit-checkpoint-unavailable",
        ),
        Unavailable::NotExtended(reason) => {
            let message =
                state
                    .catalogue
                    .tr(ctx.lang, "audit-checkpoint-broken", &[("reason", reason)]);
            page(
                state,
                ctx,
                StatusCode::CONFLICT,
                "message.html",
                json!({"title_key": "audit-checkpoint-title", "message": message, "error": true}),
            )
        }
        Unavailable::Failed(e) => crate::render::internal_error(state, ctx, "checkpoint", e),
    }
}

/// The page: the current checkpoint, what it is for, how to check it, and its download.
pub async fn checkpoint_page(State(state): State<SharedState>, ctx: Ctx) -> Response {
    if ctx.user.is_none() {
        return axum::response::Redirect::to("/login").into_response();
    }
    match issue(&state).await {
        Ok(cp) => page(
            &state,
            &ctx,
            StatusCode::OK,
            "checkpoint.html",
            json!({"checkpoint": cp}),
        ),
        Err(u) => page_unavailable(&state, &ctx, u),
    }
}
