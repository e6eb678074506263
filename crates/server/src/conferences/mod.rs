//! Conferences on the wire (issue 17): the conference list and page, registration per
//! category with document upload, the accreditation officer's queue and decisions, badges,
//! the door's check-in, delegations and credentials, the speakers' list with the chair's view
//! and the room screen, the list of participants, the outcome document, and the exports
//! (Indico JSON at `/export/event/{id}.json`, iCalendar, CSV, XLSX).
//!
//! Every route exists twice: `/conferences/…` for pages and forms, `/api/v1/conferences/…`
//! for programs, served by the SAME handler — the path says which answer (a page or JSON) and
//! [`Input`](crate::error::Input) reads a form or a JSON body alike. Handlers only translate:
//! `chamber_app::conferences` opens what the caller may see and `chamber_conferences`'
//! permissions decide (unknown and not-yours are both 404).
//!
//! The two scripts (the door's scanner field and camera, the room screen's countdown) and the
//! stylesheet are served from this module (`/conferences/assets/…`): no external assets, and
//! nothing inline, so the `script-src 'self'` / `style-src 'self'` policy holds.

mod conference;
mod delegations;
mod door;
mod fields;
mod floor;
pub mod openapi;
mod outcome;
mod registration;

use crate::SharedState;
use crate::error::both;
pub(crate) use crate::error::{done, format_of, json_of, show, signed_in};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

/// Every conferences route, pages and API.
pub fn routes() -> Router<SharedState> {
    let c = "/conferences/{id}";
    let r = "/conferences/registrations/{rid}";
    let s = "/conferences/{id}/sessions/{sid}";
    let d = "/conferences/{id}/delegations/{did}";
    let mut router = Router::new()
        .route("/conferences/assets/{file}", get(asset))
        .route("/export/event/{file}", get(conference::indico_event))
        .route("/conferences/{id}/register", get(registration::form))
        .route(&format!("{r}/badge"), get(registration::badge_page))
        .route(&format!("{c}/door"), get(door::page))
        .route(&format!("{s}/screen"), get(floor::screen));
    let api: [(String, MethodRouter<SharedState>); 36] = [
        (
            "/conferences".into(),
            get(conference::list).post(conference::create),
        ),
        (
            "/conferences/purge-documents".into(),
            post(conference::purge),
        ),
        (c.into(), get(conference::page)),
        (format!("{c}/titles"), post(conference::set_title)),
        (format!("{c}/policy"), post(conference::set_policy)),
        (format!("{c}/limits"), post(conference::set_limits)),
        (format!("{c}/staff"), post(conference::assign_role)),
        (format!("{c}/staff/revoke"), post(conference::revoke_role)),
        (format!("{c}/rooms"), post(conference::add_room)),
        (format!("{c}/sessions"), post(conference::plan_session)),
        (format!("{c}/participants"), get(conference::participants)),
        (format!("{c}/export/{{format}}"), get(conference::export)),
        (format!("{c}/registrations"), post(registration::register)),
        (format!("{c}/me"), get(registration::mine)),
        (format!("{c}/queue"), get(registration::queue)),
        (r.into(), get(registration::one)),
        (format!("{r}/documents"), post(registration::upload)),
        (format!("{r}/approve"), post(registration::approve)),
        (format!("{r}/reject"), post(registration::reject)),
        (format!("{r}/withdraw"), post(registration::withdraw)),
        (format!("{r}/badge.svg"), get(registration::badge_svg)),
        (
            "/conferences/documents/{doc}".into(),
            get(registration::document),
        ),
        (format!("{c}/check-in"), post(door::check_in)),
        (
            format!("{c}/delegations"),
            get(delegations::page).post(delegations::open),
        ),
        (format!("{d}/members"), post(delegations::add_member)),
        (
            format!("{d}/members/remove"),
            post(delegations::remove_member),
        ),
        (
            format!("{d}/credentials"),
            post(delegations::receive_credential),
        ),
        (
            format!("{c}/credentials-report"),
            get(delegations::report).post(delegations::examine),
        ),
        (
            format!("{s}/speakers"),
            get(floor::page).post(floor::inscribe),
        ),
        (
            format!("{s}/speakers/{{entry}}/slot"),
            post(floor::change_slot),
        ),
        (
            format!("{s}/speakers/{{entry}}/withdraw"),
            post(floor::withdraw_entry),
        ),
        (format!("{s}/swap"), post(floor::swap)),
        (format!("{s}/limits"), post(floor::set_limits)),
        (format!("{s}/next"), post(floor::next)),
        (format!("{s}/finish"), post(floor::finish)),
        (
            format!("{c}/outcome"),
            get(outcome::page).post(outcome::start),
        ),
    ];
    for (path, method) in api {
        router = both(router, &path, method);
    }
    for (path, method) in [
        (format!("{c}/outcome/amendments"), post(outcome::propose)),
        (
            format!("{c}/outcome/versions"),
            post(outcome::issue_version),
        ),
        (format!("{c}/outcome/adopt"), post(outcome::adopt)),
        (format!("{c}/outcome.akn"), get(outcome::akoma_ntoso)),
    ] {
        router = both(router, &path, method);
    }
    router
}

/// An instant as people read it on a programme: `2026-03-10 10:00 UTC`.
pub(crate) fn minute(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    format!(
        "{} UTC",
        t.to_offset(time::UtcOffset::UTC)
            .format(&fmt)
            .unwrap_or_default()
    )
}

/// The conference pages' own scripts and stylesheet.
async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (media, body) = match file.as_str() {
        "door.js" => (
            "text/javascript; charset=utf-8",
            include_str!("assets/door.js"),
        ),
        "screen.js" => (
            "text/javascript; charset=utf-8",
            include_str!("assets/screen.js"),
        ),
        "print.js" => (
            "text/javascript; charset=utf-8",
            include_str!("assets/print.js"),
        ),
        "conferences.css" => (
            "text/css; charset=utf-8",
            include_str!("assets/conferences.css"),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, media),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
