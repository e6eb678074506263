//! CSRF protection, security headers and sign-in rate limiting.

use crate::auth::{self, Ctx};
use crate::{SharedState, render};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Largest form or JSON body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// Resolve the caller once, then refuse any state-changing request without a valid CSRF token.
///
/// The token comes from the `X-CSRF-Token` header or the `csrf` form field. It must equal the
/// session's token (signed in) or the anonymous `chamber_pre` cookie (sign-in and set-up forms,
/// double-submit). Requests authenticated only by an API bearer token need none: browsers
/// never attach those by themselves. A cross-site `Origin` is refused outright.
pub async fn csrf_layer(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let ctx = auth::resolve(&state, &parts.headers, path).await;
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let has_session_cookie = auth::cookie(&parts.headers, auth::SESSION_COOKIE).is_some();
    let token_only = ctx.via_token && !has_session_cookie;
    // A program calling the API with no cookies at all carries no ambient credentials a
    // forged cross-site request could borrow; pages always need the token.
    let api_without_cookies =
        parts.uri.path().starts_with("/api/") && !parts.headers.contains_key(header::COOKIE);
    let body = if safe || token_only || api_without_cookies {
        body
    } else {
        if cross_origin(&parts) {
            tracing::warn!(method = %parts.method, path = %parts.uri.path(), "refused: cross-site Origin");
            state.metrics.csrf_refused();
            return forbidden_csrf(&state, &ctx);
        }
        // A signed-in form uploading a document may be as large as a document (plus its other
        // fields).
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|ct| crate::multipart::is_multipart(ct))
            .map(str::to_string);
        let limit = match multipart {
            Some(_) if ctx.user.is_some() => {
                MAX_BODY.max(state.config.conferences.max_document_bytes + MAX_BODY)
            }
            _ => MAX_BODY,
        };
        let bytes = match to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
            }
        };
        let presented = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| form_field(&parts, &bytes, "csrf"))
            .or_else(|| {
                multipart
                    .as_deref()
                    .and_then(|ct| crate::multipart::text_field(ct, &bytes, "csrf"))
            });
        let expected = ctx.csrf_token();
        let valid = match (presented.as_deref(), expected) {
            (Some(p), Some(e)) => constant_time_eq(p.as_bytes(), e.as_bytes()),
            _ => false,
        };
        if !valid {
            let reason = match (presented.is_some(), expected.is_some()) {
                (false, _) => "no CSRF token in the request",
                (true, false) => "no session or pre-session cookie",
                (true, true) => "CSRF token does not match",
            };
            tracing::warn!(method = %parts.method, path = %parts.uri.path(), "refused: {reason}");
            state.metrics.csrf_refused();
            return forbidden_csrf(&state, &ctx);
        }
        Body::from(bytes)
    };
    parts.extensions.insert(ctx.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    crate::error::render_page_error(&state, &ctx, response)
}

fn cross_origin(parts: &axum::http::request::Parts) -> bool {
    let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or(origin);
    origin_host != host
}

fn form_field(parts: &axum::http::request::Parts, bytes: &[u8], name: &str) -> Option<String> {
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forbidden_csrf(state: &SharedState, ctx: &Ctx) -> Response {
    render::error_page(state, ctx, StatusCode::FORBIDDEN, "error-csrf")
}

/// Headers every response carries.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // One-time links carry secrets in their query: never leak them to another site. (Not
    // `no-referrer`: under it browsers send `Origin: null` on same-site form posts.)
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Failed sign-ins are counted per account name and per client address; past the limit,
/// sign-in is refused for the rest of the window without checking the password.
pub struct LoginLimiter {
    window: Duration,
    per_account: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            window: Duration::from_secs(15 * 60),
            per_account: 5,
            per_address: 20,
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl LoginLimiter {
    fn keys(username: &str, address: &str) -> [(String, bool); 2] {
        [
            (
                format!("account:{}", username.trim().to_ascii_lowercase()),
                true,
            ),
            (format!("address:{address}"), false),
        ]
    }

    /// Minutes until sign-in is allowed again, or `None` when it is allowed now.
    pub fn blocked_for(&self, username: &str, address: &str) -> Option<u64> {
        let mut map = self.failures.lock().expect("limiter lock");
        let now = Instant::now();
        map.retain(|_, (_, start)| now.duration_since(*start) < self.window);
        Self::keys(username, address)
            .iter()
            .filter_map(|(key, is_account)| {
                let limit = if *is_account {
                    self.per_account
                } else {
                    self.per_address
                };
                let (count, start) = map.get(key)?;
                (*count >= limit).then(|| {
                    let left = self.window.saturating_sub(now.duration_since(*start));
                    left.as_secs().div_ceil(60).max(1)
                })
            })
            .max()
    }

    pub fn record_failure(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        let now = Instant::now();
        for (key, _) in Self::keys(username, address) {
            let entry = map.entry(key).or_insert((0, now));
            entry.0 += 1;
        }
    }

    pub fn record_success(&self, username: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        map.remove(&format!("account:{}", username.trim().to_ascii_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_blocks_an_account_after_five_failures() {
        let l = LoginLimiter::default();
        for _ in 0..4 {
            l.record_failure("amina", "10.0.0.1");
        }
        assert_eq!(l.blocked_for("amina", "10.0.0.1"), None);
        l.record_failure("Amina", "10.0.0.2");
        assert_eq!(l.blocked_for("amina", "10.0.0.3"), Some(15));
        assert_eq!(l.blocked_for("boris", "10.0.0.1"), None);
    }

    #[test]
    fn the_limiter_blocks_an_address_trying_many_accounts() {
        let l = LoginLimiter::default();
        for i in 0..20 {
            l.record_failure(&format!("user{i}"), "10.0.0.9");
        }
        assert!(l.blocked_for("someone-new", "10.0.0.9").is_some());
        assert!(l.blocked_for("someone-new", "10.0.0.8").is_none());
    }

    #[test]
    fn tokens_compare_in_constant_time_and_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
