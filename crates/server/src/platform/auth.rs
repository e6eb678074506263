//! Who is asking: the session cookie or API bearer token, the language, the CSRF material.

use crate::SharedState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use chamber_i18n::Lang;
use chamber_store::User;
use std::convert::Infallible;

pub const SESSION_COOKIE: &str = "chamber_session";
pub const PRE_SESSION_COOKIE: &str = "chamber_pre";
pub const LANG_COOKIE: &str = "chamber_lang";
/// How long a session lives.
pub const SESSION_SECONDS: u64 = 12 * 3600;

/// The caller of a request, resolved once per request by the CSRF layer.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: Option<User>,
    /// The session cookie's secret and its CSRF token, when signed in through the browser.
    pub session: Option<(String, String)>,
    /// Signed in with an API bearer token.
    pub via_token: bool,
    /// A bearer token was presented but is not valid.
    pub bad_token: bool,
    pub lang: Lang,
    /// The anonymous double-submit token (cookie), for the sign-in and set-up forms.
    pub pre_csrf: Option<String>,
    /// The request path and query, for the language switcher's way back.
    pub path: String,
}

impl Ctx {
    /// The CSRF token forms on this page must carry.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.session {
            Some((_, csrf)) => Some(csrf),
            None => self.pre_csrf.as_deref(),
        }
    }
}

impl FromRequestParts<SharedState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(resolve(state, &parts.headers, path).await)
    }
}

/// Read the cookies and headers of a request into a [`Ctx`].
pub async fn resolve(state: &SharedState, headers: &HeaderMap, path: String) -> Ctx {
    let lang = cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::from_code(&c))
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::negotiate)
                .unwrap_or(Lang::En)
        });
    let mut ctx = Ctx {
        user: None,
        session: None,
        via_token: false,
        bad_token: false,
        lang,
        pre_csrf: cookie(headers, PRE_SESSION_COOKIE),
        path,
    };
    if let Some(token) = bearer(headers) {
        match state.store.api_token_user(&token).await {
            Ok(Some(user)) => {
                ctx.user = Some(user);
                ctx.via_token = true;
            }
            Ok(None) => ctx.bad_token = true,
            Err(e) => tracing::error!("token lookup failed: {e}"),
        }
        return ctx;
    }
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        match state.store.session(&secret).await {
            Ok(Some((user, csrf))) => {
                ctx.user = Some(user);
                ctx.session = Some((secret, csrf));
            }
            Ok(None) => {}
            Err(e) => tracing::error!("session lookup failed: {e}"),
        }
    }
    ctx
}

/// The value of one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// A `Set-Cookie` value: always `HttpOnly; SameSite=Strict; Path=/`, `Secure` under TLS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).expect("cookie values are URL-safe base64 or language codes")
}
