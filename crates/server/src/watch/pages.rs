//! The Watch page: a tension chart (SVG, no script) per country or dyad from the watch store,
//! and the alert list with each alert's explanation.

use crate::SharedState;
use crate::auth::Ctx;
use crate::render::{error_page, internal_error, page};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chamber_core::permissions;
use chamber_watch::Date;
use chamber_watch::alerts::{Query as AlertQuery, alerts};
use chamber_watch::detect::Params;
use chamber_watch::indicators::{Period, Scope, series};
use chamber_watch::store::Store as WatchStore;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, Default)]
pub struct WatchQuery {
    #[serde(default)]
    country: String,
    #[serde(default)]
    dyad: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 240.0;
const PAD: f64 = 36.0;

/// Chart geometry for a series: bars for event volume, a line for the conflict share.
fn chart(buckets: &[chamber_watch::indicators::Bucket], alert_days: &[String]) -> Value {
    let n = buckets.len().max(1) as f64;
    let max_events = buckets.iter().map(|b| b.events).max().unwrap_or(1).max(1) as f64;
    let step = (WIDTH - 2.0 * PAD) / n;
    let x = |i: usize| PAD + step * (i as f64 + 0.5);
    let y_share = |s: f64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * s.clamp(0.0, 1.0);
    let bars: Vec<Value> = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = (HEIGHT - 2.0 * PAD) * b.events as f64 / max_events;
            json!({
                "x": format!("{:.1}", x(i) - step * 0.4),
                "y": format!("{:.1}", HEIGHT - PAD - h),
                "w": format!("{:.1}", (step * 0.8).max(0.5)),
                "h": format!("{:.1}", h),
                "label": format!("{}: {} events, {:.0}% material conflict",
                    b.start.map(|d| d.to_string()).unwrap_or_default(),
                    b.events, b.material_conflict_share() * 100.0),
            })
        })
        .collect();
    let line: Vec<String> = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| format!("{:.1},{:.1}", x(i), y_share(b.material_conflict_share())))
        .collect();
    let markers: Vec<Value> = buckets
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            let start = b.start.map(|d| d.to_string()).unwrap_or_default();
            let end = buckets
                .get(i + 1)
                .and_then(|n| n.start)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "9999".into());
            alert_days.iter().any(|d| *d >= start && *d < end)
        })
        .map(|(i, _)| json!({"x": format!("{:.1}", x(i))}))
        .collect();
    let first = buckets.first().and_then(|b| b.start).map(|d| d.to_string());
    let last = buckets.last().and_then(|b| b.start).map(|d| d.to_string());
    json!({
        "width": WIDTH, "height": HEIGHT, "pad": PAD,
        "bars": bars, "line": line.join(" "), "markers": markers,
        "max_events": max_events as u64, "first": first, "last": last,
        "bottom": HEIGHT - PAD, "top": PAD, "right": WIDTH - PAD,
    })
}

pub async fn page_handler(
    State(state): State<SharedState>,
    ctx: Ctx,
    Query(q): Query<WatchQuery>,
) -> Response {
    let Some(user) = &ctx.user else {
        return Redirect::to("/login").into_response();
    };
    if !permissions::may_use_watch(user.role) {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let Some(root) = state.config.data.as_ref().map(|d| d.watch()) else {
        return page(
            &state,
            &ctx,
            StatusCode::OK,
            "watch/page.html",
            json!({"empty": true}),
        );
    };
    let period = match q.by.as_str() {
        "day" => Period::Day,
        "month" => Period::Month,
        _ => Period::Week,
    };
    let country = q.country.trim().to_ascii_uppercase();
    let dyad = q.dyad.trim().to_ascii_uppercase();
    let since = Date::parse_iso(q.since.trim());
    let until = Date::parse_iso(q.until.trim());
    let scope = if country.len() == 3 && country.bytes().all(|b| b.is_ascii_uppercase()) {
        Some(Scope::Country(country.clone()))
    } else if let Ok(s @ Scope::Dyad(..)) = dyad.parse::<Scope>() {
        Some(s)
    } else {
        None
    };
    let query = AlertQuery {
        country: matches!(scope, Some(Scope::Country(_))).then(|| country.clone()),
        dyad: matches!(scope, Some(Scope::Dyad(..))).then(|| dyad.clone()),
        since,
        until,
    };
    let computed = tokio::task::spawn_blocking(move || -> Result<(Value, Value, bool), String> {
        if !root.is_dir() {
            return Ok((Value::Null, json!([]), true));
        }
        let store = WatchStore::new(&root);
        let found = alerts(&store, &query, &Params::default())?;
        let chart_value = match &scope {
            Some(scope) => {
                let buckets = series(&store, scope, period, since, until)?;
                let days: Vec<String> = found.iter().map(|a| a.date.clone()).collect();
                if buckets.is_empty() {
                    Value::Null
                } else {
                    chart(&buckets, &days)
                }
            }
            None => Value::Null,
        };
        let mut list = serde_json::to_value(&found).unwrap_or_default();
        if let Some(items) = list.as_array_mut() {
            for (item, alert) in items.iter_mut().zip(&found) {
                item["score_text"] = json!(format!("{:.2}", alert.score));
                item["sample_urls"] = json!(web_links(&alert.sample_urls));
            }
        }
        Ok((chart_value, list, false))
    })
    .await;
    let (chart_value, alert_list, empty) = match computed {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return internal_error(&state, &ctx, "watch computation", e),
        Err(e) => return internal_error(&state, &ctx, "watch task", e),
    };
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "watch/page.html",
        json!({
            "empty": empty,
            "may_open": state.mediation.repository().is_ok() && permissions::may_open_process(user.role),
            "chart": chart_value,
            "alerts": alert_list,
            "q": {"country": country, "dyad": dyad, "by": match period { Period::Day => "day", Period::Month => "month", Period::Week => "week" }, "since": q.since, "until": q.until},
        }),
    )
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
