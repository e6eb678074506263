//! Prometheus text metrics at `/metrics`, for an administrator signed in or a scraper holding
//! the configured metrics token. Nothing here moves with confidential activity: requests to the
//! mediation chamber (pages and API) are not counted or timed at all, and there is no count of
//! audit entries, accounts or stored records.

use crate::SharedState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

#[derive(Default)]
pub struct Metrics {
    /// Responses by status class 1xx..5xx.
    responses: [AtomicU64; 5],
    duration_micros: AtomicU64,
    login_failed: AtomicU64,
    login_rate_limited: AtomicU64,
    csrf_refused: AtomicU64,
}

impl Metrics {
    pub fn login_failed(&self) {
        self.login_failed.fetch_add(1, Relaxed);
    }
    pub fn login_rate_limited(&self) {
        self.login_rate_limited.fetch_add(1, Relaxed);
    }
    pub fn csrf_refused(&self) {
        self.csrf_refused.fetch_add(1, Relaxed);
    }
}

/// Requests whose count or timing could tell of talks: never measured (nor the scrapes).
fn is_confidential(path: &str) -> bool {
    // Scrapes are not counted either, so two scrapes with nothing between read the same.
    path == "/metrics"
        || path == "/chamber"
        || path.starts_with("/chamber/")
        || path == "/api/v1/chamber"
        || path.starts_with("/api/v1/chamber/")
}

/// Count every response and its duration, but those of the mediation chamber.
pub async fn track(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    if is_confidential(request.uri().path()) {
        return next.run(request).await;
    }
    let start = Instant::now();
    let response = next.run(request).await;
    let class = (response.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    state.metrics.responses[class].fetch_add(1, Relaxed);
    state
        .metrics
        .duration_micros
        .fetch_add(start.elapsed().as_micros() as u64, Relaxed);
    response
}

/// `GET /metrics`: 404 for everyone but an administrator or the metrics token's holder (the
/// same answer as an unknown page, so its existence tells nothing either).
pub async fn render(
    State(state): State<SharedState>,
    ctx: crate::auth::Ctx,
    headers: axum::http::HeaderMap,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let scraper = match (&state.config.metrics_token, presented) {
        (Some(expected), Some(p)) => {
            crate::security::constant_time_eq(expected.as_bytes(), p.as_bytes())
        }
        _ => false,
    };
    let admin = ctx
        .user
        .as_ref()
        .is_some_and(|u| chamber_core::permissions::may_administer(u.role));
    if !scraper && !admin {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let m = &state.metrics;
    let mut out = String::new();
    let _ = writeln!(out, "# HELP chamber_build_info Chamber version.");
    let _ = writeln!(out, "# TYPE chamber_build_info gauge");
    let _ = writeln!(
        out,
        "chamber_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "# HELP chamber_http_responses_total HTTP responses by status class."
    );
    let _ = writeln!(out, "# TYPE chamber_http_responses_total counter");
    let mut total = 0;
    for (i, counter) in m.responses.iter().enumerate() {
        let n = counter.load(Relaxed);
        total += n;
        let _ = writeln!(
            out,
            "chamber_http_responses_total{{class=\"{}xx\"}} {n}",
            i + 1
        );
    }
    let _ = writeln!(
        out,
        "# HELP chamber_http_request_duration_seconds_sum Time spent answering."
    );
    let _ = writeln!(
        out,
        "# TYPE chamber_http_request_duration_seconds_sum counter"
    );
    let _ = writeln!(
        out,
        "chamber_http_request_duration_seconds_sum {}",
        m.duration_micros.load(Relaxed) as f64 / 1e6
    );
    let _ = writeln!(
        out,
        "# TYPE chamber_http_request_duration_seconds_count counter"
    );
    let _ = writeln!(out, "chamber_http_request_duration_seconds_count {total}");
    for (name, help, value) in [
        (
            "chamber_login_failures_total",
            "Failed sign-in attempts.",
            &m.login_failed,
        ),
        (
            "chamber_login_rate_limited_total",
            "Sign-ins refused by the rate limiter.",
            &m.login_rate_limited,
        ),
        (
            "chamber_csrf_refused_total",
            "State-changing requests refused for a bad CSRF token.",
            &m.csrf_refused,
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} counter");
        let _ = writeln!(out, "{name} {}", value.load(Relaxed));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
