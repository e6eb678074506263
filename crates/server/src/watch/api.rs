//! Watch over the API: `GET /api/v1/watch/alerts` (one alert per episode, each with its stable
//! `id`) and `GET /api/v1/watch/series`, with the page's query parameters. Analysts, mediators
//! and administrators; a query that cannot be answered is 422 with the reason in the caller's
//! language and a stable `code`.

use super::pages::words;
use super::{Problem, Wanted, WatchQuery, answer, cases_of};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_core::permissions;
use chamber_store::User;
use chamber_watch::alerts::Alert;
use chamber_watch::view::WatchRequest;
use serde_json::{Value, json};
use std::collections::HashMap;

fn may_watch(ctx: &Ctx) -> Result<&User, WebError> {
    let user = Format::Json.user(ctx)?;
    if !permissions::may_use_watch(user.role) {
        return Err(WebError::json(AppError::Forbidden));
    }
    Ok(user)
}

/// 422 `{"error", "code"}` for a query the caller can fix; 500 for a failure inside.
fn problem(state: &SharedState, ctx: &Ctx, p: &Problem) -> Response {
    if !p.is_bad_request() {
        tracing::error!("watch API: {p:?}");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({"error": "internal error", "code": p.code()})),
        )
            .into_response();
    }
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({"error": words(state, ctx).problem(p), "code": p.code()})),
    )
        .into_response()
}

/// The alerts answer: the checked query and the alerts as the domain has them (stable `id`,
/// `severity_bits`, `tail_probability`, `detectors`, structured `evidence`, …), each with the
/// `case` opened from it when the caller may know of it (else `null`).
pub fn alerts_body(req: &WatchRequest, alerts: &[Alert], cases: &HashMap<String, String>) -> Value {
    let alerts: Vec<Value> = alerts
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
            v["case"] = json!(cases.get(&a.id));
            v
        })
        .collect();
    json!({
        "scope": req.scope.as_ref().map(|s| s.label()),
        "since": req.since.map(|d| d.to_string()),
        "until": req.until.map(|d| d.to_string()),
        "alerts": alerts,
    })
}

/// `GET /api/v1/watch/alerts?country=&dyad=&admin1=&since=&until=`.
pub async fn alerts(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let user = may_watch(&ctx)?;
    Ok(match answer(&state, &q, Wanted::default()).await {
        Ok((req, _, found)) => {
            let cases = cases_of(&state, user, &found.alerts).await;
            axum::Json(alerts_body(&req, &found.alerts, &cases)).into_response()
        }
        Err(p) => problem(&state, &ctx, &p),
    })
}

/// `GET /api/v1/watch/series?country=|dyad=|admin1=&by=day|week|month&since=&until=`: the
/// points (gaps filled), the value charted, tick values, and the alert onsets on it.
pub async fn series(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    may_watch(&ctx)?;
    if q.check().is_ok_and(|(r, _)| r.scope.is_none()) {
        return Ok(problem(&state, &ctx, &Problem::NoScope));
    }
    let wanted = Wanted {
        series: true,
        fan: false,
    };
    Ok(match answer(&state, &q, wanted).await {
        Ok((_, _, found)) => match &found.series {
            Some(view) => axum::Json(view).into_response(),
            None => problem(&state, &ctx, &Problem::NoScope),
        },
        Err(p) => problem(&state, &ctx, &p),
    })
}

/// The Watch operations of the OpenAPI description (`/api/openapi.json`).
pub fn openapi_paths() -> serde_json::Map<String, Value> {
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}});
    let params = json!([
        query("country", "ISO 3166 alpha-3 code, such as GEO"),
        query("dyad", "two country codes, AAA-BBB"),
        query("admin1", "a region's admin1 code"),
        query("by", "day, week (default) or month (series only)"),
        query("since", "first day, YYYY-MM-DD"),
        query("until", "last day, YYYY-MM-DD"),
    ]);
    let refused = |codes: &str| {
        json!({"description": format!("{{error, code}}: the reason in the caller's language and a stable code ({codes})"),
               "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}, "code": {"type": "string"}}}}}})
    };
    let codes =
        "unknown-country, no-data, bad-dyad, reversed-range, scope-conflict, bad-date, bad-period";
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/api/v1/watch/alerts".into(),
        json!({"get": {
            "summary": "Early-warning alerts, one per episode (analysts, mediators, administrators); without a place, every place's",
            "parameters": params.clone(),
            "responses": {
                "200": {"description": "{scope, since, until, alerts: [{id (stable), case (the case opened from it, or null), date, end, country, dyad, admin1, detectors, severity_bits, tail_probability, evidence: [{detector, indicator, period, fired, observed, expected, statistic, value, threshold}], drivers, sample_urls, ...}]}"},
                "401": {"description": "not signed in"},
                "403": {"description": "may not use Watch"},
                "422": refused(codes),
            }
        }}),
    );
    paths.insert(
        "/api/v1/watch/series".into(),
        json!({"get": {
            "summary": "A place's series by day, week or month, gaps filled, with tick values and the alert onsets on it (analysts, mediators, administrators)",
            "parameters": params,
            "responses": {
                "200": {"description": "{scope, period, value (deaths|events), points: [{start, events, material_conflict, material_conflict_share, deaths, deaths_low, deaths_high}], month_ticks, value_ticks, value_max, alerts: [{index, alert_id, onset, severity_bits}]}"},
                "401": {"description": "not signed in"},
                "403": {"description": "may not use Watch"},
                "422": refused(&format!("{codes}, no-scope")),
            }
        }}),
    );
    paths
}
