//! Transit monitoring and humanitarian notifications: position reports uploaded as a CSV or
//! JSON file (or sent by a program), checked against the route and its radius — deviations and
//! unscheduled stops become incidents every party sees; the incidents; notifications of a
//! movement or a static site, each party's acknowledgement, and the statement, wherever a
//! notification is shown, that an acknowledgement is not an approval.

use super::corridor::{Done, Header, map_of, merge};
use super::fields::Fields;
use super::view::{MapLayers, readable};
use super::words::t;
use super::{confirmed, failed, json_of, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_app::AppError;
use chamber_app::corridors::transit::{NotificationInput, NotificationView, PositionFormat};
use serde_json::{Value, json};

/// The whole body of an upload, within `limit` bytes, with its content type.
pub async fn body_of(
    format: Format,
    request: Request,
    limit: usize,
) -> Result<(String, Vec<u8>), WebError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| {
            format.fail(AppError::invalid(format!(
                "file too large: the limit is {} MiB",
                limit / (1024 * 1024)
            )))
        })?;
    Ok((content_type, bytes.to_vec()))
}

/// A form field of a multipart body, as text.
pub fn text_part(parts: &[crate::multipart::Part<'_>], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .map(|p| String::from_utf8_lossy(p.data).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Position files are small: a day's reports every few minutes.
const POSITIONS_LIMIT: usize = 4 * 1024 * 1024;

/// `POST …/registrations/{rid}/positions`: position reports — a form (`multipart/form-data`:
/// the file `positions`, or the text area `text`; `format` csv or json) or a program's JSON
/// (`{format, text}`, or `{reports: [{time, lat, lon}]}`). Errors name the line or item and
/// the field; deviations and unscheduled stops become incidents.
pub async fn report_positions(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    request: Request,
) -> Result<Response, WebError> {
    let format = super::format_of(&ctx);
    let user = format.user(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let (ct, body) = body_of(format, request, POSITIONS_LIMIT).await?;
    let (kind, text) = if crate::multipart::is_multipart(&ct) {
        let parts = crate::multipart::parse(&ct, &body)
            .map_err(|e| fail(AppError::invalid(format!("form: {e}"))))?;
        let file = parts
            .iter()
            .find(|p| p.name == "positions" && p.file_name.is_some() && !p.data.is_empty());
        let text = match file {
            Some(f) => String::from_utf8(f.data.to_vec())
                .map_err(|_| fail(AppError::invalid("positions: the file is not UTF-8 text")))?,
            None => text_part(&parts, "text").ok_or_else(|| {
                fail(AppError::invalid(
                    "positions: choose a CSV or JSON file, or paste the reports",
                ))
            })?,
        };
        let kind = text_part(&parts, "format").unwrap_or_else(|| {
            let name = file.and_then(|f| f.file_name.clone()).unwrap_or_default();
            if name.ends_with(".json") || text.trim_start().starts_with('[') {
                "json".into()
            } else {
                "csv".into()
            }
        });
        (kind, text)
    } else if ct.starts_with("application/json") {
        let f: Fields = serde_json::from_slice(&body)
            .map_err(|e| fail(AppError::invalid(format!("body: {e}"))))?;
        match f.0.get("reports") {
            Some(reports) => ("json".to_string(), reports.to_string()),
            None => (
                f.opt("format").unwrap_or_else(|| "csv".into()),
                f.text("text").map_err(fail)?,
            ),
        }
    } else {
        let f: Fields = serde_urlencoded::from_bytes(&body)
            .map_err(|e| fail(AppError::invalid(format!("form: {e}"))))?;
        (
            f.opt("format").unwrap_or_else(|| "csv".into()),
            f.text("text").map_err(fail)?,
        )
    };
    let kind = match kind.as_str() {
        "json" => PositionFormat::Json,
        "csv" => PositionFormat::Csv,
        other => {
            return Err(fail(AppError::invalid(format!(
                "format: '{other}' is not csv or json"
            ))));
        }
    };
    let check = state
        .corridors
        .report_positions(user, &id, &rid, &text, kind)
        .await
        .map_err(fail)?;
    Ok(super::done(
        format,
        &confirmed(&format!("/corridors/{id}/registrations/{rid}"), "positions"),
        json!({"check": json_of(&check)}),
    ))
}

/// `GET …/registrations/{rid}/positions`: the registration's position reports in time order
/// (a page: the registration's map).
pub async fn positions(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let reports = state
        .corridors
        .positions(user, &id, &rid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(axum::Json(json!({"positions": json_of(&reports)})).into_response());
    }
    Ok(Redirect::to(&format!("/corridors/{id}/registrations/{rid}#positions")).into_response())
}

/// `GET /corridors/{id}/incidents`: every incident the caller may see (every party of the
/// centre sees all), newest first.
pub async fn incidents(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let list = state
        .corridors
        .incidents(user, &id)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    let mut data = json!({"incidents": json_of(&list)});
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", data, Value::Null));
    }
    if let Some(rows) = data["incidents"].as_array_mut() {
        for (row, i) in rows.iter_mut().zip(&list) {
            row["kind_name"] = json!(i.finding.kind.name());
        }
    }
    readable(&mut data);
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let map = map_of(
        &state,
        &ctx,
        &h.view,
        &MapLayers {
            incidents: &list,
            ..MapLayers::default()
        },
    );
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/incidents.html",
        data,
        merge(h.page("incidents"), json!({"map": map})),
    ))
}

/// A notification as a page shows it.
fn notification_json(state: &SharedState, ctx: &Ctx, v: &NotificationView) -> Value {
    let mut j = json_of(v);
    j["awaiting"] = json!(v.awaiting.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    // The statement in the reader's language (the record keeps the English one).
    j["notice_text"] = json!(t(state, ctx, "corr-ack-not-approval", &[]));
    readable(&mut j);
    j
}

/// `GET /corridors/{id}/notifications`: the notifications the caller may see (the centre: all;
/// an organisation: its own), and the form that notifies.
pub async fn notifications(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let list = state
        .corridors
        .notifications(user, &id)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(show(
            &state,
            &ctx,
            format,
            "",
            json!({"notifications": json_of(&list)}),
            Value::Null,
        ));
    }
    let again = json!({"done_key": done.key(), "form": {}});
    notifications_page(&state, &ctx, &id, &list, StatusCode::OK, again).await
}

/// The notifications page with its form: empty, or (`again`: the fields sent and the
/// refusal) shown again as the organisation filled it in.
async fn notifications_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    list: &[NotificationView],
    status: StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let user = format.user(ctx)?;
    let h = Header::load(state, ctx, user, id, format).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|v| notification_json(state, ctx, v))
        .collect();
    let extra = merge(
        merge(h.page("notifications"), json!({"notifications": rows})),
        again,
    );
    Ok(crate::render::page(
        state,
        ctx,
        status,
        "corridors/notifications.html",
        extra,
    ))
}

/// `POST /corridors/{id}/notifications`: an organisation notifies a `kind` (movement or
/// static_site) with its `geometry` (GeoJSON, or waypoints `lat,lon; …` for a movement), its
/// time window `from`–`until` (UTC) and a `description`.
pub async fn notify(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let input: Result<NotificationInput, AppError> = f.input(format, super::fields::flat);
    let notified = match input {
        Ok(input) => state.corridors.notify(user, &id, &input).await,
        Err(e) => Err(e),
    };
    let v = match (notified, sent) {
        (Ok(v), _) => v,
        // A refused form comes back filled in, the refusal above it.
        (Err(AppError::Invalid(m)), Some(sent)) => {
            let list = state
                .corridors
                .notifications(user, &id)
                .await
                .map_err(|e| failed(&state, &ctx, format, e))?;
            let error = super::words::message(&state, &ctx, &m);
            let again = json!({"form": sent, "error": error});
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return notifications_page(&state, &ctx, &id, &list, status, again).await;
        }
        (Err(e), _) => return Err(failed(&state, &ctx, format, e)),
    };
    let nid = v.notification.id.to_string();
    Ok(format.created(
        &confirmed(&format!("/corridors/{id}/notifications/{nid}"), "notified"),
        json!({"ok": true, "notification": json_of(&v)}),
    ))
}

/// `GET /corridors/{id}/notifications/{nid}`: one notification, its map, who acknowledged it
/// for which party and when — and that this is not an approval.
pub async fn notification(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, nid)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let v = state
        .corridors
        .notification(user, &id, &nid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(show(&state, &ctx, format, "", json_of(&v), Value::Null));
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let map = map_of(
        &state,
        &ctx,
        &h.view,
        &MapLayers {
            notified: Some(&v.notification.geometry),
            ..MapLayers::default()
        },
    );
    let may_acknowledge =
        h.me.representative
            .as_deref()
            .is_some_and(|party| v.awaiting.iter().any(|c| c.as_str() == party));
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/notification.html",
        json!({"n": notification_json(&state, &ctx, &v)}),
        merge(
            h.page("notifications"),
            json!({"done_key": done.key(), "map": map, "may_acknowledge": may_acknowledge}),
        ),
    ))
}

/// `POST …/notifications/{nid}/acknowledge`: a party's representative acknowledges receipt
/// for the party (not an approval).
pub async fn acknowledge(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, nid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let v = state
        .corridors
        .acknowledge(user, &id, &nid)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    Ok(super::done(
        format,
        &confirmed(
            &format!("/corridors/{id}/notifications/{nid}"),
            "acknowledged",
        ),
        json!({"notification": json_of(&v)}),
    ))
}
