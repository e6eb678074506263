//! What every capability stands on: who is asking (`auth`), CSRF, headers and rate limits
//! (`security`), pages and the template environment (`render`), metrics, the account pages
//! (`pages`: sign-in, set-up, invitations, passwords, administration) and the platform API.

pub mod admin;
pub mod api;
pub mod auth;
pub mod checkpoint;
pub mod metrics;
pub mod pages;
pub mod render;
pub mod security;
pub mod sign_in;
pub mod tokens;

use crate::SharedState;
use axum::Router;
use axum::routing::{get, post};

/// The platform's routes.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(sign_in::login_form).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/setup", get(sign_in::setup_form).post(sign_in::setup))
        .route("/invite", get(sign_in::invite_form).post(sign_in::invite))
        .route(
            "/account/password",
            get(sign_in::password_form).post(sign_in::change_password),
        )
        .route("/admin", get(admin::admin))
        .route("/admin/users", post(admin::admin_create_user))
        .route("/admin/tokens", post(admin::admin_issue_token))
        .route("/admin/tokens/{id}/revoke", post(admin::admin_revoke_token))
        .route("/admin/users/{id}/disable", post(admin::admin_disable_user))
        .route("/account/tokens", get(tokens::list).post(tokens::issue))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/lang/{code}", get(pages::switch_language))
        .route("/static/chamber.css", get(pages::stylesheet))
        .route("/health", get(pages::health))
        .route("/metrics", get(metrics::render))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/users", get(api::list_users).post(api::create_user))
        .route("/api/v1/audit", get(api::audit_status))
        .route("/api/openapi.json", get(api::openapi))
        .merge(checkpoint::routes())
}
