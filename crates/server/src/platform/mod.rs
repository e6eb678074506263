//! What every capability stands on: who is asking (`auth`), CSRF, headers and rate limits
//! (`security`), pages and the template environment (`render`), metrics, the account pages
//! (`pages`: sign-in, set-up, invitations, passwords, administration) and the platform API.

pub mod api;
pub mod auth;
pub mod metrics;
pub mod pages;
pub mod render;
pub mod security;

use crate::SharedState;
use axum::Router;
use axum::routing::{get, post};

/// The platform's routes.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/setup", get(pages::setup_form).post(pages::setup))
        .route("/invite", get(pages::invite_form).post(pages::invite))
        .route(
            "/account/password",
            get(pages::password_form).post(pages::change_password),
        )
        .route("/admin", get(pages::admin))
        .route("/admin/users", post(pages::admin_create_user))
        .route("/admin/tokens", post(pages::admin_issue_token))
        .route("/lang/{code}", get(pages::switch_language))
        .route("/static/chamber.css", get(pages::stylesheet))
        .route("/health", get(pages::health))
        .route("/metrics", get(metrics::render))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/users", get(api::list_users).post(api::create_user))
        .route("/api/v1/audit", get(api::audit_status))
        .route("/api/openapi.json", get(api::openapi))
}
