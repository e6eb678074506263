//! Consultations on the wire: take part one statement at a time (in the participant's
//! language when translated), moderation, the opinion map with groups and consensus, live
//! refresh; the convenor's report (page, printable layout, CSV and JSON) and its publication;
//! the secretariat's translations; the JSON join/vote API. Handlers call
//! `chamber_app::consult`.

mod api;
mod languages;
mod pages;
mod report;
pub mod report_view;
mod view;

use crate::SharedState;
use axum::Router;
use axum::routing::{get, post};

/// Every consultation route, pages and API.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/consult", get(pages::list).post(pages::create))
        .route("/consult/report.css", get(report::stylesheet))
        .route("/consult/report.js", get(report::script))
        .route("/consult/{id}", get(pages::participate))
        .route("/consult/{id}/vote", post(pages::vote))
        .route("/consult/{id}/statements", post(pages::submit_statement))
        .route(
            "/consult/{id}/statements/language",
            post(languages::original_language),
        )
        .route(
            "/consult/{id}/translations",
            get(languages::page_view).post(languages::translate),
        )
        .route("/consult/{id}/moderate", post(pages::moderate))
        .route("/consult/{id}/map", get(pages::map))
        .route("/consult/{id}/report", get(report::page_view))
        .route("/consult/{id}/report/print", get(report::print_view))
        .route("/consult/{id}/report.csv", get(report::csv))
        .route("/consult/{id}/report/publish", post(report::publish))
        .route("/c/{token}", get(pages::join))
        .route("/api/v1/consult", post(pages::create))
        .route("/api/v1/consult/join", post(api::join))
        .route("/api/v1/consult/{id}/votes", post(pages::vote))
        .route("/api/v1/consult/{id}/analysis", get(api::analysis))
        .route("/api/v1/consult/{id}/report", get(report::json))
        .route("/api/v1/consult/{id}/report/publish", post(report::publish))
        .route("/api/v1/consult/{id}/statements", get(languages::list_json))
        .route(
            "/api/v1/consult/{id}/statements/language",
            post(languages::original_language),
        )
        .route(
            "/api/v1/consult/{id}/translations",
            post(languages::translate),
        )
}
