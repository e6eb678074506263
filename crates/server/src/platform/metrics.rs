//! Prometheus text metrics at `/metrics`.

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

/// Count every response and its duration.
pub async fn track(State(state): State<SharedState>, request: Request, next: Next) -> Response {
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

pub async fn render(State(state): State<SharedState>) -> Response {
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
    if let Ok(users) = state.store.user_count().await {
        let _ = writeln!(out, "# HELP chamber_accounts Accounts in the store.");
        let _ = writeln!(out, "# TYPE chamber_accounts gauge");
        let _ = writeln!(out, "chamber_accounts {users}");
    }
    if let Ok(head) = state.store.audit_head().await {
        let _ = writeln!(
            out,
            "# HELP chamber_audit_entries Entries in the tamper-evident record."
        );
        let _ = writeln!(out, "# TYPE chamber_audit_entries gauge");
        let _ = writeln!(out, "chamber_audit_entries {}", head.seq);
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
