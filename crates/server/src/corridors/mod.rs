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
use crate::error::{Format, WebError};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use chamber_app::AppError;
use chamber_store::User;
use serde_json::Value;

/// A route for pages at `path` and for programs at `/api/v1{path}`.
fn both(
    router: Router<SharedState>,
    path: &str,
    method: MethodRouter<SharedState>,
) -> Router<SharedState> {
    router
        .route(path, method.clone())
        .route(&format!("/api/v1{path}"), method)
}

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

/// The answer format of a request with no body (GET, or a bare POST): by its path.
pub(crate) fn format_of(ctx: &Ctx) -> Format {
    Format::for_path(&ctx.path)
}

/// The signed-in caller, or the failure in the request's format.
pub(crate) fn signed_in(ctx: &Ctx) -> Result<(Format, &User), WebError> {
    let format = format_of(ctx);
    Ok((format, format.user(ctx)?))
}

/// A page (`template` with `data` and the page-only `extra`) or `data` as JSON.
pub(crate) fn show(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    template: &str,
    data: Value,
    extra: Value,
) -> Response {
    match format {
        Format::Json => axum::Json(data).into_response(),
        Format::Page => {
            let mut all = match data {
                Value::Object(m) => m,
                other => {
                    let mut m = serde_json::Map::new();
                    m.insert("data".into(), other);
                    m
                }
            };
            if let Value::Object(e) = extra {
                all.extend(e);
            }
            crate::render::page(state, ctx, StatusCode::OK, template, Value::Object(all))
        }
    }
}

/// A value as JSON (domain values always serialise).
pub(crate) fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("domain values serialise")
}

/// `{"ok": true, ...}` for a program, back to `location` for a form.
pub(crate) fn done(format: Format, location: &str, extra: Value) -> Response {
    let mut body = serde_json::json!({"ok": true});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    format.done(location, body)
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
