//! Consultations on the wire: take part one statement at a time, moderation, the opinion map
//! with groups and consensus, live refresh; the JSON join/vote API. Handlers call
//! `chamber_app::consult`.

mod api;
mod pages;
mod view;

use crate::SharedState;
use axum::Router;
use axum::routing::{get, post};

/// Every consultation route, pages and API.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/consult", get(pages::list).post(pages::create))
        .route("/consult/{id}", get(pages::participate))
        .route("/consult/{id}/vote", post(pages::vote))
        .route("/consult/{id}/statements", post(pages::submit_statement))
        .route("/consult/{id}/moderate", post(pages::moderate))
        .route("/consult/{id}/map", get(pages::map))
        .route("/c/{token}", get(pages::join))
        .route("/api/v1/consult", post(pages::create))
        .route("/api/v1/consult/join", post(api::join))
        .route("/api/v1/consult/{id}/votes", post(pages::vote))
        .route("/api/v1/consult/{id}/analysis", get(api::analysis))
}
