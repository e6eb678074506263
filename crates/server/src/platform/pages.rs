//! Page handlers. Each one: who is asking, may they, do it, render.

use crate::SharedState;
use crate::auth::{self, Ctx};
use crate::render::{error_page, internal_error, page};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chamber_core::permissions;
use chamber_i18n::Lang;
use chamber_store::{StoreError, User};
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The client's address, for rate limiting: the socket's peer, or — only when that peer is the
/// configured trusted proxy (`--trusted-proxy`) — the address the proxy appended last to
/// `X-Forwarded-For`. A header a client sends directly is never believed.
pub struct ClientAddr(pub String);

impl FromRequestParts<SharedState> for ClientAddr {
    type Rejection = Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = || {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                .next_back()
        };
        let client = match peer {
            Some(p) if Some(p) == state.config.trusted_proxy => forwarded().unwrap_or(p),
            Some(p) => p,
            None => return Ok(ClientAddr("unknown".into())),
        };
        Ok(ClientAddr(client.to_string()))
    }
}

pub(crate) fn internal(state: &SharedState, ctx: &Ctx, e: StoreError) -> Response {
    internal_error(state, ctx, "store", e)
}

pub(crate) fn tr(state: &SharedState, ctx: &Ctx, key: &str) -> String {
    state.catalogue.tr(ctx.lang, key, &[])
}

/// The address people reach this server at, for links printed on pages: the configured public
/// URL, else the address the server listens on — never the request's `Host` header, which a
/// client chooses.
pub fn base_url(state: &SharedState, _headers: &HeaderMap) -> String {
    state.config.base_url()
}

/// A signed-in page's caller, or the way to the sign-in page.
pub(crate) fn signed_in(ctx: &Ctx) -> Result<&User, Response> {
    ctx.user
        .as_ref()
        .ok_or_else(|| Redirect::to("/login").into_response())
}

/// Give an anonymous visitor the double-submit CSRF cookie a sign-in form needs.
pub fn with_pre_session(
    state: &SharedState,
    mut ctx: Ctx,
) -> (Ctx, Option<axum::http::HeaderValue>) {
    if ctx.pre_csrf.is_some() || ctx.session.is_some() {
        return (ctx, None);
    }
    let secret = chamber_store::new_secret();
    let cookie = auth::set_cookie(
        auth::PRE_SESSION_COOKIE,
        &secret,
        None,
        state.config.secure_cookies(),
    );
    ctx.pre_csrf = Some(secret);
    (ctx, Some(cookie))
}

pub(crate) fn with_cookie(
    mut response: Response,
    cookie: Option<axum::http::HeaderValue>,
) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

// ------------------------------------------------------------------ dashboard

pub async fn dashboard(State(state): State<SharedState>, ctx: Ctx) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut capabilities = Vec::new();
    if permissions::may_use_watch(user.role) {
        capabilities.push(json!({"id": "watch", "href": "/watch", "title": "cap-watch-title", "desc": "cap-watch-desc"}));
    }
    capabilities.push(json!({"id": "chamber", "href": "/chamber", "title": "cap-chamber-title", "desc": "cap-chamber-desc"}));
    capabilities.push(json!({"id": "consult", "href": "/consult", "title": "cap-consult-title", "desc": "cap-consult-desc"}));
    capabilities.push(json!({"id": "conferences", "href": "/conferences", "title": "cap-conferences-title", "desc": "cap-conferences-desc"}));
    capabilities.push(json!({"id": "corridors", "href": "/corridors", "title": "cap-corridors-title", "desc": "cap-corridors-desc"}));
    if permissions::may_use_library(user.role) {
        capabilities.push(json!({"id": "library", "href": "/library", "title": "cap-library-title", "desc": "cap-library-desc"}));
    }
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "dashboard.html",
        json!({"capabilities": capabilities}),
    )
}

/// The capability pages: what each offers and how to reach it today.
pub async fn capability(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Response {
    let user = match signed_in(&ctx) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (id, commands): (&str, &[&str]) = match uri.path() {
        "/watch" => (
            "watch",
            &[
                "chamber watch ingest FILES…",
                "chamber watch alerts --json",
                "chamber watch series --country ISO3 --json",
            ],
        ),
        "/consult" => ("consult", &["chamber consult analyze DIR --json"]),
        "/library" => ("library", &["chamber library parse FILE --json"]),
        _ => ("chamber", &[]),
    };
    if id == "watch" && !permissions::may_use_watch(user.role) {
        return error_page(&state, &ctx, StatusCode::FORBIDDEN, "error-forbidden");
    }
    page(
        &state,
        &ctx,
        StatusCode::OK,
        "capability.html",
        json!({
            "title": format!("cap-{id}-title"),
            "desc": format!("cap-{id}-desc"),
            "commands": commands,
        }),
    )
}

// ------------------------------------------------------------------ small things

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Remember a language choice (a preference cookie; no server state changes).
pub async fn switch_language(
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = q
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            auth::LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            state.config.secure_cookies(),
        ),
    );
    response
}

/// A path on this site to send a browser back to: `/` then anything but a second `/` or `\`,
/// with no white space, control character or backslash anywhere (browsers drop tabs and
/// newlines, so `/\t/evil.example` would become `//evil.example`).
pub fn is_local_path(next: &str) -> bool {
    let mut chars = next.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/') | Some('\\'))
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/chamber.css"),
    )
        .into_response()
}

pub async fn health(State(state): State<SharedState>) -> Response {
    let database = state.store.ping().await.is_ok();
    let status = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({
            "status": if database { "ok" } else { "database unavailable" },
            "version": env!("CARGO_PKG_VERSION"),
        })),
    )
        .into_response()
}

pub async fn not_found(
    State(state): State<SharedState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Response {
    if uri.path().starts_with("/api/") {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "no such endpoint"})),
        )
            .into_response();
    }
    error_page(&state, &ctx, StatusCode::NOT_FOUND, "error-not-found")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_ways_back() {
        for good in [
            "/",
            "/chamber",
            "/watch?country=GEO&by=week",
            "/library?q=%E8%B0%83",
        ] {
            assert!(is_local_path(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil",
            "https://evil.example",
            "evil",
            "",
            "/a\\b",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
