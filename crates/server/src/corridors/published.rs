//! The published record on the wire: the import of the JCC's table as published (a file
//! upload; every unreadable cell named by sheet, row and column), the imports with their
//! provenance, the report page (tonnage by commodity, destination, income group, departure
//! port and month; voyages per week; days from departure to inspection; inspections per day;
//! SVG charts titled from the catalogue), the voyages, and the exports: CSV with the HXL
//! hashtag row (voyages, or any breakdown) and XLSX in the JCC's layout.
//!
//! The report's JSON is the report itself — the same object `chamber corridors report --json`
//! prints — so a program reads the same numbers from either.

use super::corridor::{Header, merge};
use super::transit::{body_of, text_part};
use super::view::readable;
use super::words::{chart_text, income_group, t};
use super::{confirmed, failed, json_of, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, WebError};
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chamber_app::AppError;
use chamber_app::corridors::Actor;
use chamber_app::corridors::published::Breakdown;
use chamber_corridors::charts::group_digits;
use chamber_corridors::report::Share;
use serde_json::{Value, json};

/// The largest workbook an upload may carry (the 100,000-line benchmark table is 6.7 MB).
const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// The workbook, its name and the sheet asked for, from a form's upload (`file`, `sheet`) or
/// a program's JSON (`file_name`, `content_base64`, `sheet`).
async fn upload(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    request: Request,
) -> Result<(Vec<u8>, String, Option<String>), WebError> {
    let fail = |e| failed(state, ctx, format, e);
    let (ct, body) = body_of(format, request, IMPORT_LIMIT).await?;
    if crate::multipart::is_multipart(&ct) {
        let parts = crate::multipart::parse(&ct, &body)
            .map_err(|e| fail(AppError::invalid(format!("form: {e}"))))?;
        let file = parts
            .iter()
            .find(|p| p.name == "file" && p.file_name.is_some() && !p.data.is_empty())
            .ok_or_else(|| fail(AppError::invalid("file: choose the XLSX workbook")))?;
        Ok((
            file.data.to_vec(),
            file.file_name.clone().unwrap_or_default(),
            text_part(&parts, "sheet"),
        ))
    } else if ct.starts_with("application/json") {
        let f: super::fields::Fields = serde_json::from_slice(&body)
            .map_err(|e| fail(AppError::invalid(format!("body: {e}"))))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.text("content_base64").map_err(fail)?)
            .map_err(|_| fail(AppError::invalid("content_base64: not base64")))?;
        Ok((
            bytes,
            f.opt("file_name").unwrap_or_else(|| "upload.xlsx".into()),
            f.opt("sheet"),
        ))
    } else {
        Err(fail(AppError::invalid(
            "send multipart/form-data (file, sheet) or JSON (file_name, content_base64, sheet)",
        )))
    }
}

async fn import_into(
    state: SharedState,
    ctx: Ctx,
    corridor: Option<String>,
    request: Request,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let (bytes, name, sheet) = upload(&state, &ctx, format, request).await?;
    let summary = state
        .corridors
        .import_jcc(
            Actor::Account(user),
            corridor.as_deref(),
            bytes,
            &name,
            sheet.as_deref(),
        )
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    Ok(format.created(
        &confirmed(
            &format!("/corridors/{}/imports", summary.corridor),
            "imported",
        ),
        json!({"ok": true, "import": json_of(&summary)}),
    ))
}

/// `POST /corridors/import`: the JCC's table into the Black Sea Grain Initiative's corridor
/// (opened from its public description when missing; administrators).
pub async fn import_default(
    State(state): State<SharedState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, WebError> {
    import_into(state, ctx, None, request).await
}

/// `POST /corridors/{id}/imports`: the JCC's table (`Data`, `Data_HXL` or `Live`) into this
/// corridor (its coordinators, administrators). A voyage stored under the same sequence number
/// is replaced; rows that cannot be read are named and left out.
pub async fn import(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    import_into(state, ctx, Some(id), request).await
}

/// `GET /corridors/{id}/imports`: every import with its file, digest, counts and each problem
/// (sheet, row, column: why).
pub async fn imports(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(done): Query<super::corridor::Done>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let list = state
        .corridors
        .imports(Actor::Account(user), &id)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        let rows: Vec<Value> = list
            .iter()
            .map(|r| {
                let mut j = json_of(r);
                j["problems"] = serde_json::from_str(&r.problems).unwrap_or(Value::Null);
                j
            })
            .collect();
        return Ok(show(
            &state,
            &ctx,
            format,
            "",
            json!({"imports": rows}),
            Value::Null,
        ));
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let problem = |p: &Value| {
        t(
            &state,
            &ctx,
            "corr-import-problem",
            &[
                ("sheet", p["sheet"].as_str().unwrap_or("").to_string()),
                ("row", p["row"].to_string()),
                ("column", p["column"].as_str().unwrap_or("").to_string()),
                ("reason", p["reason"].as_str().unwrap_or("").to_string()),
            ],
        )
    };
    let rows: Vec<Value> = list
        .iter()
        .map(|r| {
            let problems: Value = serde_json::from_str(&r.problems).unwrap_or(Value::Null);
            let lines = |key: &str| -> Vec<String> {
                problems[key]
                    .as_array()
                    .map(|v| v.iter().map(problem).collect())
                    .unwrap_or_default()
            };
            let mut j = json_of(r);
            j["tonnage"] = json!(group_digits(r.tonnage_kg as f64 / 1000.0));
            j["errors"] = json!(lines("errors"));
            j["warnings"] = json!(lines("warnings"));
            j
        })
        .collect();
    let mut data = json!({"imports": rows});
    readable(&mut data);
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/imports.html",
        data,
        merge(
            h.page("report"),
            json!({"done_key": done.key(), "may_import": h.me.coordinator || h.me.admin}),
        ),
    ))
}

/// A breakdown's rows for a table.
fn rows(shares: &[Share], name: impl Fn(&str) -> String) -> Vec<Value> {
    shares
        .iter()
        .map(|s| {
            json!({
                "name": name(&s.name),
                "tonnage": group_digits(s.tonnage.tonnes()),
                "share": format!("{:.1}", s.share * 100.0),
                "lines": s.cargo_lines,
                "voyages": s.voyages,
            })
        })
        .collect()
}

fn days(v: Option<f64>) -> String {
    v.map(|d| {
        let s = format!("{d:.1}");
        s.strip_suffix(".0").unwrap_or(&s).to_string()
    })
    .unwrap_or_else(|| "–".into())
}

/// `GET /corridors/{id}/report`: the report on the corridor's published voyages. A program
/// gets the report object (as `chamber corridors report --json` prints it); a page gets the
/// figures, the tables, the SVG charts and the export links.
pub async fn report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    if format.is_json() {
        let r = state
            .corridors
            .report(Actor::Account(user), &id)
            .await
            .map_err(fail)?;
        return Ok(axum::Json(json_of(&*r)).into_response());
    }
    let page = state
        .corridors
        .report_page(Actor::Account(user), &id, &chart_text(&state, &ctx))
        .await
        .map_err(fail)?;
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let r = &page.report;
    let d = &r.days_to_inspection;
    let same = |n: &str| n.to_string();
    let data = json!({
        "voyages": group_digits(r.voyages as f64),
        "cargo_lines": group_digits(r.cargo_lines as f64),
        "tonnage": group_digits(r.tonnage.tonnes()),
        "first_departure": r.first_departure.map(|d| d.to_string()),
        "last_departure": r.last_departure.map(|d| d.to_string()),
        "imo_failures": r.imo_check_digit_failures,
        "days": {
            "inspected": d.inspected, "not_inspected": d.not_inspected,
            "median": days(d.median), "p25": days(d.p25), "p75": days(d.p75),
            "mean": days(d.mean), "max": d.max,
        },
        "tables": [
            {"id": "commodity", "title": t(&state, &ctx, "corr-report-by-commodity", &[]), "head": t(&state, &ctx, "corr-commodity", &[]), "rows": rows(&r.by_commodity, same)},
            {"id": "destination", "title": t(&state, &ctx, "corr-report-by-destination", &[]), "head": t(&state, &ctx, "corr-destination", &[]), "rows": rows(&r.by_destination, same)},
            {"id": "income_group", "title": t(&state, &ctx, "corr-report-by-income-group", &[]), "head": t(&state, &ctx, "corr-income-group", &[]), "rows": rows(&r.by_income_group, |n| income_group(&state, &ctx, n))},
            {"id": "departure_port", "title": t(&state, &ctx, "corr-report-by-port", &[]), "head": t(&state, &ctx, "corr-departure-port", &[]), "rows": rows(&r.by_departure_port, same)},
            {"id": "month", "title": t(&state, &ctx, "corr-report-by-month", &[]), "head": t(&state, &ctx, "corr-month", &[]), "rows": rows(&r.by_month, same)},
        ],
        "charts": json_of(&page.charts),
    });
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/report.html",
        json!({"report": data}),
        merge(
            h.page("report"),
            json!({"may_import": h.me.coordinator || h.me.admin}),
        ),
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    pub offset: Option<usize>,
    pub limit: Option<usize>,
}

/// A voyage as a page shows it.
fn voyage_json(v: &chamber_corridors::voyages::Voyage) -> Value {
    let mut j = json_of(v);
    j["total"] = json!(v.tonnage().to_string());
    j["departure_day"] = json!(v.departure_date().to_string());
    j["inspection_day"] = json!(v.inspection_date().map(|d| d.to_string()));
    j["days"] = json!(v.days_to_inspection());
    if let Some(lines) = j["cargo"].as_array_mut() {
        for (line, c) in lines.iter_mut().zip(&v.cargo) {
            line["tonnage_label"] = json!(c.tonnage.to_string());
        }
    }
    j
}

/// `GET /corridors/{id}/voyages?offset=&limit=`: the published voyages by sequence number.
pub async fn voyages(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let offset = q.offset.unwrap_or(0);
    let page = state
        .corridors
        .voyages(Actor::Account(user), &id, offset, limit)
        .await
        .map_err(|e| failed(&state, &ctx, format, e))?;
    if format.is_json() {
        return Ok(axum::Json(json_of(&page)).into_response());
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    let next = (page.offset + limit < page.total).then_some(page.offset + limit);
    let previous = (page.offset > 0).then(|| page.offset.saturating_sub(limit));
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/voyages.html",
        json!({
            "voyages": page.voyages.iter().map(voyage_json).collect::<Vec<_>>(),
            "total": page.total,
            "first": page.offset + 1,
            "last": page.offset + page.voyages.len(),
        }),
        merge(
            h.page("report"),
            json!({"next": next, "previous": previous, "limit": limit}),
        ),
    ))
}

/// `GET /corridors/{id}/voyages/{seq}`: one published voyage by its sequence number.
pub async fn voyage(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let seq: u32 = seq.parse().map_err(|_| fail(AppError::NotFound))?;
    let v = state
        .corridors
        .voyage(Actor::Account(user), &id, seq)
        .await
        .map_err(fail)?;
    if format.is_json() {
        return Ok(axum::Json(json_of(&v)).into_response());
    }
    let h = Header::load(&state, &ctx, user, &id, format).await?;
    Ok(show(
        &state,
        &ctx,
        format,
        "corridors/voyages.html",
        json!({"voyages": [voyage_json(&v)], "total": 1, "first": 1, "last": 1, "single": true}),
        h.page("report"),
    ))
}

/// `GET /corridors/{id}/export/{file}`: `voyages.csv` (one row per cargo line, HXL hashtag
/// row), `voyages.xlsx` (the JCC's layout), or a breakdown as CSV with its hashtag row:
/// `commodity.csv`, `destination.csv`, `income_group.csv`, `departure_port.csv`, `month.csv`.
pub async fn export(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| failed(&state, &ctx, format, e);
    let viewer = Actor::Account(user);
    const CSV: &str = "text/csv; charset=utf-8";
    let (media, body): (&str, Vec<u8>) = match file.as_str() {
        "voyages.csv" => (
            CSV,
            state
                .corridors
                .export_voyages_csv(viewer, &id)
                .await
                .map_err(fail)?
                .into_bytes(),
        ),
        "voyages.xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            state
                .corridors
                .export_xlsx(viewer, &id)
                .await
                .map_err(fail)?,
        ),
        other => {
            let breakdown = other
                .strip_suffix(".csv")
                .ok_or(AppError::NotFound)
                .and_then(|b| Breakdown::parse(b).map_err(|_| AppError::NotFound))
                .map_err(fail)?;
            (
                CSV,
                state
                    .corridors
                    .export_breakdown_csv(viewer, &id, breakdown)
                    .await
                    .map_err(fail)?
                    .into_bytes(),
            )
        }
    };
    let disposition = format!("attachment; filename=\"corridor-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
