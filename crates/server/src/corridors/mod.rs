//! Corridors on the wire (issue 16): a joint coordination centre's pages and JSON API — the
//! corridor list and page (route map with its safety radius, status and its history with
//! reasons, the centre's people), operators' registrations (their own only), daily movement
//! plans (lapsed ones marked), the joint inspection queue with waiting times, scheduling,
//! results signed by every team member or refused with a reason, transit monitoring (position
//! reports uploaded as CSV or JSON; incidents every party sees), humanitarian notifications
//! with acknowledgements (which are not approvals), and the published record: the report page
//! with its SVG charts, voyages, CSV with HXL hashtags, XLSX, and the import of the JCC's table.
//!
//! Every route exists twice: `/corridors/…` for pages and forms, `/api/v1/corridors/…` for
//! programs, served by the SAME handler — the path says which answer (a page or JSON), and
//! [`fields::Fields`] reads a form or a JSON body alike. Handlers only translate:
//! `chamber_app::corridors` opens what the caller may see and `chamber_corridors::permissions`
//! decides (another operator's registration and an unknown one are both 404). Every word on a
//! page comes from the catalogue area `corridors` (`words`).

mod corridor;
mod fields;
mod inspections;
mod movements;
pub mod openapi;
mod published;
mod transit;
mod view;
mod words;

use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, WebError, both};
pub(crate) use crate::error::{done, format_of, json_of, show, signed_in};
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use chamber_app::AppError;

/// Every corridors route, pages and API.
pub fn routes() -> Router<SharedState> {
    let c = "/corridors/{id}";
    let r = "/corridors/{id}/registrations/{rid}";
    let p = "/corridors/{id}/plans/{pid}";
    let i = "/corridors/{id}/inspections/{iid}";
    let n = "/corridors/{id}/notifications/{nid}";
    let mut router = Router::new()
        .route("/corridors/assets/corridors.css", get(stylesheet))
        .route(&format!("{c}/register"), get(movements::form));
    let shared: Vec<(String, MethodRouter<SharedState>)> = vec![
        (
            "/corridors".into(),
            get(corridor::list).post(corridor::open),
        ),
        ("/corridors/import".into(), post(published::import_default)),
        (c.into(), get(corridor::page)),
        (format!("{c}/status"), post(corridor::change_status)),
        (format!("{c}/members"), post(corridor::add_member)),
        (format!("{c}/operators"), post(corridor::add_operator)),
        (format!("{c}/coordinators"), post(corridor::appoint)),
        (
            format!("{c}/registrations"),
            get(movements::list).post(movements::register),
        ),
        (r.into(), get(movements::one)),
        (format!("{r}/late"), post(movements::decide_late)),
        (format!("{r}/withdraw"), post(movements::withdraw)),
        (format!("{r}/arrive"), post(movements::arrive)),
        (format!("{r}/queue"), post(inspections::queue)),
        (
            format!("{r}/positions"),
            get(transit::positions).post(transit::report_positions),
        ),
        (
            format!("{c}/plans"),
            get(movements::plans).post(movements::propose),
        ),
        (p.into(), get(movements::plan)),
        (format!("{p}/approve"), post(movements::approve)),
        (format!("{p}/hold"), post(movements::hold)),
        (format!("{p}/amend"), post(movements::amend)),
        (format!("{c}/inspections"), get(inspections::list)),
        (i.into(), get(inspections::one)),
        (format!("{i}/schedule"), post(inspections::schedule)),
        (format!("{i}/result"), post(inspections::result)),
        (format!("{i}/sign"), post(inspections::sign)),
        (format!("{i}/refuse"), post(inspections::refuse)),
        (format!("{c}/incidents"), get(transit::incidents)),
        (
            format!("{c}/notifications"),
            get(transit::notifications).post(transit::notify),
        ),
        (n.into(), get(transit::notification)),
        (format!("{n}/acknowledge"), post(transit::acknowledge)),
        (format!("{c}/report"), get(published::report)),
        (format!("{c}/voyages"), get(published::voyages)),
        (format!("{c}/voyages/{{seq}}"), get(published::voyage)),
        (
            format!("{c}/imports"),
            get(published::imports).post(published::import),
        ),
        (format!("{c}/export/{{file}}"), get(published::export)),
    ];
    for (path, method) in shared {
        router = both(router, &path, method);
    }
    router
}

/// A `?done=<what>` confirmation on the page a form returns to.
pub(crate) fn confirmed(location: &str, what: &str) -> String {
    let sep = if location.contains('?') { '&' } else { '?' };
    format!("{location}{sep}done={what}")
}

/// The corridors pages' stylesheet (status badges, the route map, the report's tables).
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("corridors.css"),
    )
        .into_response()
}

/// An application failure as the caller reads it: for a page, the domain's messages that the
/// catalogue words (IMO check digits and the like) in the reader's language.
pub(crate) fn failed(state: &SharedState, ctx: &Ctx, format: Format, e: AppError) -> WebError {
    match (format, e) {
        (Format::Page, AppError::Invalid(m)) => {
            format.fail(AppError::Invalid(words::message(state, ctx, &m)))
        }
        (_, e) => format.fail(e),
    }
}

/// A form's outcome: done, or a page form refused, with what comes back to its page.
pub(crate) enum Refill<T> {
    Done(T),
    /// `{"form": the values as sent, "error": the refusal in the reader's language}`.
    Again(serde_json::Value),
}

/// Sorts a use case's `result` for a form that comes back filled in when refused: a page
/// form's refusal (`Invalid`) is [`Refill::Again`] with the values `sent`; any other failure,
/// and every failure of a program's request, is the usual error.
pub(crate) fn refill<T>(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    sent: Option<serde_json::Map<String, serde_json::Value>>,
    result: Result<T, AppError>,
) -> Result<Refill<T>, WebError> {
    match (result, sent) {
        (Ok(v), _) => Ok(Refill::Done(v)),
        (Err(AppError::Invalid(m)), Some(sent)) if format == Format::Page => {
            let error = words::message(state, ctx, &m);
            Ok(Refill::Again(
                serde_json::json!({"form": sent, "error": error}),
            ))
        }
        (Err(e), _) => Err(failed(state, ctx, format, e)),
    }
}
