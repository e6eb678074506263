//! The mediation chamber on the wire: the processes a person takes part in, one process as
//! that person may see it, its text, versions, diff, calendar and exports, and every action of
//! the talks as a form and as JSON.
//!
//! Handlers only translate: they read input, call `chamber_app::mediation` (which opens only
//! what the caller may see and lets `chamber_mediation::permissions` decide), and render.

mod actions;
mod agreement_view;
mod api;
mod closing;
mod pages;
mod text_view;
mod view;
pub mod words;

use crate::SharedState;
use axum::Router;
use axum::routing::{get, post};

/// Every mediation route, pages and API.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/chamber", get(pages::list).post(actions::open_by_hand))
        .route("/chamber/open", post(actions::open_from_alert))
        .route("/chamber/{id}/take", post(actions::take))
        .route("/watch/alerts/{id}/case", post(actions::case_from_alert))
        .route(
            "/api/v1/watch/alerts/{id}/case",
            post(actions::case_from_alert),
        )
        .route("/api/v1/chamber/{id}/take", post(actions::take))
        .route("/chamber/{id}", get(pages::process))
        .route("/chamber/{id}/spaces", get(pages::spaces))
        .route("/chamber/{id}/setup", get(pages::setup))
        .route("/chamber/{id}/agreement", get(pages::agreement))
        .route("/chamber/{id}/agreement.csv", get(pages::agreement_csv))
        .route(
            "/chamber/{id}/agreement/chart.svg",
            get(pages::agreement_chart),
        )
        .route(
            "/chamber/{id}/close",
            get(pages::close_form).post(closing::close_page),
        )
        .route("/chamber/{id}/edit", post(actions::edit_text))
        .route("/chamber/{id}/akn", get(pages::akn))
        .route("/chamber/{id}/print", get(pages::print))
        .route("/chamber/{id}/diff", get(pages::diff))
        .route("/chamber/{id}/calendar.ics", get(pages::calendar))
        .route("/chamber/{id}/agreement.akn", get(pages::agreement_akn))
        .route("/chamber/{id}/notes", post(actions::post_note))
        .route("/chamber/{id}/amendments", post(actions::propose_wording))
        .route("/chamber/{id}/versions", post(actions::issue_version))
        .route("/chamber/{id}/agree", post(actions::agree_paragraph))
        .route(
            "/chamber/{id}/adopt",
            get(pages::adopt_confirm).post(actions::adopt),
        )
        .route("/chamber/{id}/scores", post(actions::score))
        .route("/chamber/{id}/commitments", post(actions::set_commitment))
        .route("/chamber/{id}/parties", post(actions::add_party))
        .route("/chamber/{id}/participants", post(actions::add_participant))
        .route(
            "/chamber/{id}/participants/remove",
            post(actions::remove_participant),
        )
        .route("/chamber/{id}/tracks", post(actions::set_track))
        .route(
            "/chamber/{id}/text",
            get(pages::text).post(actions::start_text),
        )
        .route("/chamber/{id}/rooms", post(actions::add_room))
        .route(
            "/chamber/{id}/sessions",
            get(pages::sessions).post(actions::plan_session),
        )
        .route("/chamber/{id}/attribution", post(actions::set_attribution))
        .route("/chamber/{id}/minutes", post(actions::set_minutes))
        .route(
            "/api/v1/chamber",
            get(api::list).post(actions::open_by_hand),
        )
        .route("/api/v1/chamber/{id}", get(api::process))
        .route("/api/v1/chamber/{id}/versions", post(api::issue))
        .route("/api/v1/chamber/{id}/versions/{n}", get(api::version))
        .route("/api/v1/chamber/{id}/diff", get(api::diff))
        .route("/api/v1/chamber/{id}/amendments", post(api::propose))
        .route("/api/v1/chamber/{id}/notes", post(actions::post_note))
        .route("/api/v1/chamber/{id}/parties", post(actions::add_party))
        .route(
            "/api/v1/chamber/{id}/participants",
            post(actions::add_participant),
        )
        .route(
            "/api/v1/chamber/{id}/participants/remove",
            post(actions::remove_participant),
        )
        .route("/api/v1/chamber/{id}/tracks", post(actions::set_track))
        .route("/api/v1/chamber/{id}/text", post(actions::start_text))
        .route("/api/v1/chamber/{id}/rooms", post(actions::add_room))
        .route("/api/v1/chamber/{id}/sessions", post(actions::plan_session))
        .route(
            "/api/v1/chamber/{id}/attribution",
            post(actions::set_attribution),
        )
        .route("/api/v1/chamber/{id}/minutes", post(actions::set_minutes))
        .route(
            "/api/v1/chamber/{id}/commitments",
            post(actions::set_commitment),
        )
        .route("/api/v1/chamber/{id}/scores", post(actions::score))
        .route("/api/v1/chamber/{id}/agree", post(actions::agree_paragraph))
        .route("/api/v1/chamber/{id}/adopt", post(actions::adopt))
        .route("/api/v1/chamber/{id}/edit", post(actions::edit_text))
        .route("/api/v1/chamber/{id}/close", post(closing::close_api))
}
