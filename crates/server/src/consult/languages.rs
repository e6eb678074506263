//! Statements in several languages on the wire: the secretariat's translation page (organisers)
//! and the actions a form and a program share — record a statement's original language, add,
//! replace or remove a translation — and the statements with their languages as JSON.

use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use crate::render::page;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::consult::{Consultations, StatementInLanguages};
use chamber_core::Lang;
use serde::Deserialize;
use serde_json::{Value, json};

fn statement_json(s: &StatementInLanguages) -> Value {
    json!({
        "number": s.statement.number,
        "body": s.statement.body,
        "lang": s.statement.lang.map(Lang::code),
        "moderation": s.moderation,
        "translations": s.statement.translations.iter()
            .map(|(l, t)| (l.code().to_string(), json!(t)))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// `GET /api/v1/consult/{id}/statements`: every statement with its original language and
/// translations (signed-in accounts; statements awaiting moderation or rejected: organisers
/// only).
pub async fn list_json(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let user = Format::Json.user(&ctx)?;
    let c = state.consult.get(&id).await.map_err(WebError::json)?;
    let organise = Consultations::may_organise(Some(user));
    let list = state
        .consult
        .statements_in_languages(&c.id)
        .await
        .map_err(WebError::json)?;
    let list: Vec<Value> = list
        .iter()
        .filter(|s| organise || s.moderation > 0)
        .map(statement_json)
        .collect();
    Ok(axum::Json(json!({"consultation": c.id, "statements": list})).into_response())
}

#[derive(Deserialize)]
pub struct PageQuery {
    statement: Option<i64>,
}

/// `GET /consult/{id}/translations[?statement=N]`: the statements and their languages, and one
/// statement's translation forms (organisers).
pub async fn page_view(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let user = Format::Page.user(&ctx)?;
    if !Consultations::may_organise(Some(user)) {
        return Err(WebError::page(AppError::Forbidden));
    }
    let c = state.consult.get(&id).await.map_err(WebError::page)?;
    let list = state
        .consult
        .statements_in_languages(&c.id)
        .await
        .map_err(WebError::page)?;
    let rows: Vec<Value> = list
        .iter()
        .map(|s| {
            let mut v = statement_json(s);
            v["languages"] = json!(
                Lang::ALL
                    .iter()
                    .filter(|l| s.statement.available_in(**l))
                    .map(|l| l.code())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            v
        })
        .collect();
    let editing = match q.statement {
        Some(n) => {
            let s = list
                .iter()
                .find(|s| s.statement.number as i64 == n)
                .ok_or(WebError::page(AppError::NotFound))?;
            let languages: Vec<Value> = Lang::ALL
                .iter()
                .map(|l| {
                    json!({
                        "code": l.code(),
                        "name": l.native_name(),
                        "dir": l.dir(),
                        "original": s.statement.lang == Some(*l),
                        "text": s.statement.translations.get(l).cloned().unwrap_or_default(),
                    })
                })
                .collect();
            json!({"statement": statement_json(s), "languages": languages})
        }
        None => Value::Null,
    };
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| json!({"code": l.code(), "name": l.native_name()}))
        .collect();
    Ok(page(
        &state,
        &ctx,
        StatusCode::OK,
        "consult/translations.html",
        json!({
            "consultation": {"id": c.id, "title": c.title},
            "statements": rows,
            "editing": editing,
            "all_languages": languages,
        }),
    ))
}

#[derive(Deserialize)]
pub struct TranslationForm {
    statement: i64,
    lang: String,
    #[serde(default)]
    text: String,
}

/// `POST /consult/{id}/translations` (form) and `POST /api/v1/consult/{id}/translations
/// {"statement", "lang", "text"}` (organisers): add or replace a translation; an empty text
/// removes it.
pub async fn translate(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<TranslationForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .consult
        .translate(user, &id, f.statement, &f.lang, &f.text)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.done(
        &format!("/consult/{id}/translations?statement={}", f.statement),
        json!({"statement": f.statement, "lang": f.lang.trim(), "stored": !f.text.trim().is_empty()}),
    ))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    statement: i64,
    #[serde(default)]
    lang: String,
}

/// `POST /consult/{id}/statements/language` (form) and `POST
/// /api/v1/consult/{id}/statements/language {"statement", "lang"}` (organisers): the language
/// a statement was written in (empty: not recorded).
pub async fn original_language(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<LanguageForm>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    state
        .consult
        .set_original_language(user, &id, f.statement, &f.lang)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(format.done(
        &format!("/consult/{id}/translations?statement={}", f.statement),
        json!({"statement": f.statement, "lang": f.lang.trim()}),
    ))
}
