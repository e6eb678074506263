//! The consultation API's own routes (create and vote are shared with the forms).

use super::view;
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, JsonBody, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct Join {
    token: String,
}

/// `POST /api/v1/consult/join {"token"}` → an anonymous participant and its secret (send it
/// back as `X-Chamber-Participant`).
pub async fn join(
    State(state): State<SharedState>,
    JsonBody(join): JsonBody<Join>,
) -> Result<Response, WebError> {
    let (c, n, secret) = state
        .consult
        .join_anonymously(&join.token)
        .await
        .map_err(WebError::json)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"consultation": c.id, "participant": n, "secret": secret})),
    )
        .into_response())
}

/// `GET /api/v1/consult/{id}/analysis`: the analysis (signed-in accounts only).
pub async fn analysis(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    Format::Json.user(&ctx)?;
    let c = state.consult.get(&id).await.map_err(WebError::json)?;
    let m = state
        .consult
        .opinion_map(&c)
        .await
        .map_err(WebError::json)?;
    let v = view::map(&m);
    Ok(axum::Json(json!({
        "n_participants": v["n_participants"],
        "n_votes": v["n_votes"],
        "analysis": v["analysis"],
    }))
    .into_response())
}
