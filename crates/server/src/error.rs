//! One error type and one handler pattern for every capability.
//!
//! A handler reads its input with [`Input`] (a page form or a program's JSON body; it knows
//! which), calls the application layer, and answers with [`Format::done`] or fails with a
//! [`WebError`]. The same failure becomes a page in the caller's language for a browser (a
//! redirect to sign in, a "not found" page, a message naming the bad field) or
//! `{"error": "..."}` with its status for a program.

use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chamber_app::AppError;
use chamber_store::User;
use serde_json::{Value, json};

use crate::SharedState;
use crate::auth::Ctx;

/// How the caller wants the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Page,
    Json,
}

impl Format {
    /// The answer for `/api/…` paths.
    pub fn for_path(path: &str) -> Format {
        if path.starts_with("/api/") {
            Format::Json
        } else {
            Format::Page
        }
    }

    pub fn is_json(self) -> bool {
        self == Format::Json
    }

    /// A failure in this format.
    pub fn fail(self, error: impl Into<AppError>) -> WebError {
        WebError {
            error: error.into(),
            format: self,
        }
    }

    /// Success: a redirect to `location` for a form, `body` (200) for a program.
    pub fn done(self, location: &str, body: Value) -> Response {
        match self {
            Format::Page => Redirect::to(location).into_response(),
            Format::Json => (StatusCode::OK, axum::Json(body)).into_response(),
        }
    }

    /// Success that created something: a redirect for a form, `body` (201) for a program.
    pub fn created(self, location: &str, body: Value) -> Response {
        match self {
            Format::Page => Redirect::to(location).into_response(),
            Format::Json => (StatusCode::CREATED, axum::Json(body)).into_response(),
        }
    }

    /// The signed-in account, or the failure to sign in first.
    pub fn user(self, ctx: &Ctx) -> Result<&User, WebError> {
        ctx.user.as_ref().ok_or(self.fail(AppError::SignIn))
    }
}

/// Why a request could not be answered, and in which format to say so.
#[derive(Debug)]
pub struct WebError {
    pub error: AppError,
    pub format: Format,
}

impl WebError {
    pub fn page(error: impl Into<AppError>) -> WebError {
        Format::Page.fail(error)
    }

    pub fn json(error: impl Into<AppError>) -> WebError {
        Format::Json.fail(error)
    }
}

/// Marks a response whose page the CSRF layer renders (it knows the caller's language).
#[derive(Debug, Clone)]
pub struct PageError(pub PageMessage);

/// What an error page says.
#[derive(Debug, Clone)]
pub enum PageMessage {
    /// A catalogue key (`error-not-found`, …).
    Key(&'static str),
    /// A message naming the field and why (from the domain).
    Text(String),
}

fn status(error: &AppError) -> StatusCode {
    match error {
        AppError::SignIn => StatusCode::UNAUTHORIZED,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self.error {
            tracing::error!("{detail}");
        }
        let status = status(&self.error);
        let retry_after = match self.error {
            AppError::TooMany(seconds) => Some(seconds),
            _ => None,
        };
        let mut response = match self.format {
            Format::Json => {
                let message = match &self.error {
                    AppError::SignIn => "sign in or send an API token".to_string(),
                    AppError::Internal(_) => "internal error".to_string(),
                    AppError::Invalid(m) => m.clone(),
                    other => other.to_string(),
                };
                (status, axum::Json(json!({"error": message}))).into_response()
            }
            Format::Page => {
                if matches!(self.error, AppError::SignIn) {
                    return Redirect::to("/login").into_response();
                }
                let message = match self.error {
                    AppError::NotFound => PageMessage::Key("error-not-found"),
                    AppError::Forbidden => PageMessage::Key("error-forbidden"),
                    AppError::Internal(_) => PageMessage::Key("error-internal"),
                    AppError::TooMany(_) => PageMessage::Key("error-too-many"),
                    AppError::Invalid(m) => PageMessage::Text(m),
                    AppError::SignIn => unreachable!("redirected above"),
                };
                let mut r = status.into_response();
                r.extensions_mut().insert(PageError(message));
                r
            }
        };
        if let Some(seconds) = retry_after
            && let Ok(v) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        response
    }
}

/// Render the page of a [`PageError`] response in the caller's language (called by the CSRF
/// layer, which resolved the caller).
pub fn render_page_error(state: &SharedState, ctx: &Ctx, response: Response) -> Response {
    let Some(PageError(message)) = response.extensions().get::<PageError>().cloned() else {
        return response;
    };
    let status = response.status();
    let mut page = match message {
        PageMessage::Key(key) => crate::render::error_page(state, ctx, status, key),
        PageMessage::Text(text) => crate::render::page(
            state,
            ctx,
            status,
            "message.html",
            json!({"title_key": "error-title", "message": text, "error": true}),
        ),
    };
    if let Some(v) = response.headers().get(axum::http::header::RETRY_AFTER) {
        page.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v.clone());
    }
    page
}

/// A request body from a page form or from a program (`Content-Type: application/json`); the
/// answer takes the same shape.
pub struct Input<T> {
    pub value: T,
    pub format: Format,
}

impl<S, T> FromRequest<S> for Input<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        if json {
            axum::Json::<T>::from_request(req, state)
                .await
                .map(|axum::Json(value)| Input {
                    value,
                    format: Format::Json,
                })
                .map_err(rejected)
        } else {
            axum::extract::Form::<T>::from_request(req, state)
                .await
                .map(|axum::extract::Form(value)| Input {
                    value,
                    format: Format::Page,
                })
                .map_err(IntoResponse::into_response)
        }
    }
}

/// A JSON body that could not be read: its own status (413 too large, 415, 422) and reason.
pub fn rejected(e: axum::extract::rejection::JsonRejection) -> Response {
    (e.status(), axum::Json(json!({"error": e.body_text()}))).into_response()
}

/// A JSON body for an API-only route, its rejection answered as JSON.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| JsonBody(v))
            .map_err(rejected)
    }
}

/// A route answered by the same handler as a page (`path`) and for programs
/// (`/api/v1{path}`): the handler tells them apart by [`Format::for_path`].
pub(crate) fn both(
    router: axum::Router<SharedState>,
    path: &str,
    method: axum::routing::MethodRouter<SharedState>,
) -> axum::Router<SharedState> {
    router
        .route(path, method.clone())
        .route(&format!("/api/v1{path}"), method)
}

/// The answer format of a request with no body (GET, or a bare POST): by its path.
pub(crate) fn format_of(ctx: &Ctx) -> Format {
    Format::for_path(&ctx.path)
}

/// The signed-in caller, or the failure in the request's format.
pub(crate) fn signed_in(ctx: &Ctx) -> Result<(Format, &User), WebError> {
    let format = format_of(ctx);
    Ok((format, format.user(ctx)?))
}

/// A page (`template` with `data` and the page-only `extra`) or `data` as JSON.
pub(crate) fn show(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    template: &str,
    data: Value,
    extra: Value,
) -> Response {
    match format {
        Format::Json => axum::Json(data).into_response(),
        Format::Page => {
            let mut all = match data {
                Value::Object(m) => m,
                other => {
                    let mut m = serde_json::Map::new();
                    m.insert("data".into(), other);
                    m
                }
            };
            if let Value::Object(e) = extra {
                all.extend(e);
            }
            crate::render::page(state, ctx, StatusCode::OK, template, Value::Object(all))
        }
    }
}

/// A value as JSON (domain values always serialise).
pub(crate) fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("domain values serialise")
}

/// `{"ok": true, ...}` for a program, back to `location` for a form.
pub(crate) fn done(format: Format, location: &str, extra: Value) -> Response {
    let mut body = json!({"ok": true});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    format.done(location, body)
}
