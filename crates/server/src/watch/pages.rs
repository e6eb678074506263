//! The Watch page (the scope's chart, its forecast fan, one row per alert with its evidence in
//! the reader's language and the form that opens a case from it) and its CSV and JSON
//! downloads, for analysts, mediators and administrators.

use super::view::{fan_chart, series_chart};
use super::words::{Words, number};
use super::{Found, Problem, Wanted, WatchQuery, answer, cases_of, period_name};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, WebError};
use crate::render::{internal_error, page as render_page};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_core::permissions;
use chamber_store::User;
use chamber_watch::alerts::Alert;
use chamber_watch::indicators::Period;
use chamber_watch::view::{WatchRequest, alerts_csv as csv_of_alerts, series_csv as csv_of_series};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const STYLESHEET: &str = include_str!("watch.css");

/// `GET /watch/watch.css`: the page's own layout (the chart scales, the alert list folds into
/// one column on a narrow screen, nothing scrolls sideways in either direction).
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The signed-in account that may use Watch, or the page that says why not.
fn watcher(ctx: &Ctx, format: Format) -> Result<&User, WebError> {
    let user = format.user(ctx)?;
    if !permissions::may_use_watch(user.role) {
        return Err(format.fail(AppError::Forbidden));
    }
    Ok(user)
}

pub fn words<'a>(state: &'a SharedState, ctx: &Ctx) -> Words<'a> {
    Words {
        catalogue: &state.catalogue,
        lang: ctx.lang,
    }
}

/// The query's place, for a case title and file names.
fn place_of(a: &Alert) -> String {
    a.admin1
        .clone()
        .or_else(|| a.country.clone())
        .or_else(|| a.dyad.clone())
        .unwrap_or_default()
}

/// The link that shows an alert's place on its own.
fn place_query(a: &Alert) -> String {
    let pair = match (&a.admin1, &a.country, &a.dyad) {
        (Some(r), _, _) => ("admin1", r.as_str()),
        (None, Some(c), _) => ("country", c.as_str()),
        (None, None, Some(d)) => ("dyad", d.as_str()),
        _ => return String::new(),
    };
    serde_urlencoded::to_string([pair]).unwrap_or_default()
}

/// One row per alert (episode), every word in the reader's language, with the case opened from
/// it.
fn alert_rows(words: Words<'_>, alerts: &[Alert], cases: &HashMap<String, String>) -> Vec<Value> {
    alerts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let shares = a.indicator == "material_conflict_share";
            let place = place_of(a);
            json!({
                "number": i + 1,
                "id": a.id,
                "onset_iso": a.date,
                "onset": words.date(&a.date),
                "end_iso": a.end,
                "end": words.date(&a.end),
                "span": !a.end.is_empty() && a.end != a.date,
                "place": place,
                "place_query": place_query(a),
                "severity": words.t("watch-severity-bits", &[("bits", number(a.severity_bits, 1))]),
                "probability": words.t("watch-severity-probability", &[("probability", format!("{:.1e}", a.tail_probability))]),
                "detectors": a.detectors.iter().map(|d| words.detector(d)).collect::<Vec<_>>(),
                "evidence": a.evidence.iter().map(|e| words.evidence(e)).collect::<Vec<_>>(),
                "summary": shares.then(|| words.t("watch-summary-events", &[("conflict", a.conflict_events.to_string()), ("events", a.events.to_string())])),
                "codes": a.drivers.event_codes.iter().map(|c| format!("{} ({})", words.cameo(&c.name), c.count)).collect::<Vec<_>>(),
                "actors": a.drivers.actors.iter().take(5).map(|c| format!("{} ({})", c.name, c.count)).collect::<Vec<_>>(),
                "places": a.drivers.locations.iter().map(|c| format!("{} ({})", c.name, c.count)).collect::<Vec<_>>(),
                "sample_urls": web_links(&a.sample_urls),
                "case_title": words.t("watch-case-title", &[("place", place), ("date", words.date(&a.date))]),
                "case_evidence": words.alert_text(a),
                "case": cases.get(&a.id),
            })
        })
        .collect()
}

fn query_context(q: &WatchQuery, period: Period) -> Value {
    json!({
        "country": q.country.trim().to_ascii_uppercase(),
        "dyad": q.dyad.trim().to_ascii_uppercase(),
        "admin1": q.admin1.trim(),
        "by": period_name(period),
        "since": q.since.trim(),
        "until": q.until.trim(),
    })
}

/// `GET /watch?country=&dyad=&admin1=&by=&since=&until=`.
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let user = watcher(&ctx, Format::Page)?;
    let may_open = state.mediation.repository().is_ok() && permissions::may_open_process(user.role);
    let words = words(&state, &ctx);
    let stored = state
        .config
        .data
        .as_ref()
        .is_some_and(|d| d.watch().is_dir());
    let period = q.check().map(|(_, p)| p).unwrap_or(Period::Week);
    let mut context = json!({
        "q": query_context(&q, period),
        "may_open": may_open,
        "exports": {
            "series_csv": format!("/watch/series.csv?{}", q.to_query_string(period)),
            "series_json": format!("/watch/series.json?{}", q.to_query_string(period)),
            "alerts_csv": format!("/watch/alerts.csv?{}", q.to_query_string(period)),
            "alerts_json": format!("/watch/alerts.json?{}", q.to_query_string(period)),
        },
    });
    let wanted = Wanted {
        series: true,
        fan: true,
    };
    let (req, period, found) = match answer(&state, &q, wanted).await {
        Ok(found) => found,
        Err(p) if !p.is_bad_request() => {
            return Ok(internal_error(&state, &ctx, "watch page", format!("{p:?}")));
        }
        Err(p) => {
            context["problem"] = json!(words.problem(&p));
            context["empty"] = json!(!stored && q.check().is_ok_and(|(r, _)| r.scope.is_none()));
            return Ok(render_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "watch/page.html",
                context,
            ));
        }
    };
    if !stored && req.scope.is_none() {
        context["empty"] = json!(true);
        return Ok(render_page(
            &state,
            &ctx,
            StatusCode::OK,
            "watch/page.html",
            context,
        ));
    }
    let cases = cases_of(&state, user, &found.alerts).await;
    fill(&mut context, words, &req, period, &found, &cases);
    Ok(render_page(
        &state,
        &ctx,
        StatusCode::OK,
        "watch/page.html",
        context,
    ))
}

/// The chart, the fan and the alert rows of what was found.
fn fill(
    context: &mut Value,
    words: Words<'_>,
    req: &WatchRequest,
    period: Period,
    found: &Found,
    cases: &HashMap<String, String>,
) {
    let scope = req.scope.as_ref().map(|s| s.label());
    context["scoped"] = json!(scope.is_some());
    if let (Some(view), Some(scope)) = (&found.series, &scope) {
        if view.points.is_empty() {
            context["no_points"] = json!(words.t("watch-no-points", &[("scope", scope.clone())]));
        } else {
            let ids: Vec<&str> = found.alerts.iter().map(|a| a.id.as_str()).collect();
            let numbers = |id: &str| ids.iter().position(|i| *i == id).map(|p| p + 1);
            context["chart"] = json!(series_chart(words, view, period, &numbers));
            let key = if view.value == "deaths" {
                "watch-chart-caption-deaths"
            } else {
                "watch-chart-caption-events"
            };
            context["caption"] = json!(words.t(key, &[("scope", scope.clone())]));
        }
    }
    if let Some(fan) = &found.fan {
        let chart = fan_chart(words, fan);
        context["fan_caption"] = json!(words.t(
            "watch-forecast-caption",
            &[
                ("country", fan.country.clone()),
                ("cutoff", chart.cutoff.clone()),
                ("method", chart.method.clone()),
            ],
        ));
        context["fan"] = json!(chart);
    }
    context["alerts"] = json!(alert_rows(words, &found.alerts, cases));
}

/// A download: its body, type and file name.
fn download(body: Vec<u8>, content_type: &'static str, name: String) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// A file name part from the query: its scope's label, or `all`.
fn file_stem(req: &WatchRequest) -> String {
    req.scope
        .as_ref()
        .map(|s| s.label())
        .unwrap_or_else(|| "all".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A failed download: the reason as a page in the reader's language.
fn failed_download(state: &SharedState, ctx: &Ctx, p: Problem) -> WebError {
    if p.is_bad_request() {
        WebError::page(AppError::Invalid(words(state, ctx).problem(&p)))
    } else {
        WebError::page(AppError::Internal(format!("watch download: {p:?}")))
    }
}

async fn exported<'c>(
    state: &SharedState,
    ctx: &'c Ctx,
    q: &WatchQuery,
    series: bool,
) -> Result<(&'c User, WatchRequest, Arc<Found>), WebError> {
    let user = watcher(ctx, Format::Page)?;
    if series && q.check().is_ok_and(|(r, _)| r.scope.is_none()) {
        return Err(failed_download(state, ctx, Problem::NoScope));
    }
    let wanted = Wanted { series, fan: false };
    let (req, _, found) = answer(state, q, wanted)
        .await
        .map_err(|p| failed_download(state, ctx, p))?;
    Ok((user, req, found))
}

/// `GET /watch/alerts.csv?…`: one row per alert, with its id.
pub async fn alerts_csv(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let (_, req, found) = exported(&state, &ctx, &q, false).await?;
    Ok(download(
        csv_of_alerts(&found.alerts).into_bytes(),
        "text/csv; charset=utf-8",
        format!("watch-alerts-{}.csv", file_stem(&req)),
    ))
}

/// `GET /watch/alerts.json?…`: the alerts as the API gives them.
pub async fn alerts_json(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let (user, req, found) = exported(&state, &ctx, &q, false).await?;
    let cases = cases_of(&state, user, &found.alerts).await;
    let body = serde_json::to_vec_pretty(&super::api::alerts_body(&req, &found.alerts, &cases))
        .map_err(|e| WebError::page(AppError::Internal(e.to_string())))?;
    Ok(download(
        body,
        "application/json",
        format!("watch-alerts-{}.json", file_stem(&req)),
    ))
}

/// `GET /watch/series.csv?…`: one row per period.
pub async fn series_csv(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let (_, req, found) = exported(&state, &ctx, &q, true).await?;
    let view = found
        .series
        .as_ref()
        .ok_or_else(|| failed_download(&state, &ctx, Problem::NoScope))?;
    Ok(download(
        csv_of_series(view).into_bytes(),
        "text/csv; charset=utf-8",
        format!("watch-series-{}.csv", file_stem(&req)),
    ))
}

/// `GET /watch/series.json?…`: the series as the API gives it.
pub async fn series_json(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Result<Response, WebError> {
    let (_, req, found) = exported(&state, &ctx, &q, true).await?;
    let view = found
        .series
        .as_ref()
        .ok_or_else(|| failed_download(&state, &ctx, Problem::NoScope))?;
    let body = serde_json::to_vec_pretty(view)
        .map_err(|e| WebError::page(AppError::Internal(e.to_string())))?;
    Ok(download(
        body,
        "application/json",
        format!("watch-series-{}.json", file_stem(&req)),
    ))
}

/// Source addresses from event data, kept only when they are plain web links (`http:` or
/// `https:`), so a `javascript:` or `data:` address in a data file never becomes a link.
pub fn web_links(urls: &[String]) -> Vec<String> {
    urls.iter()
        .map(|u| u.trim())
        .filter(|u| {
            let lower = u.to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://"))
                && !u.chars().any(|c| c.is_control() || c.is_whitespace())
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_web_links_from_event_data_become_links() {
        let urls: Vec<String> = [
            "https://news.example/a",
            "http://news.example/b",
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "//evil.example",
            "https://ok.example/\nx",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            super::web_links(&urls),
            ["https://news.example/a", "http://news.example/b"]
        );
    }
}
