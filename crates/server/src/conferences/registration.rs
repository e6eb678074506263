//! Registration and accreditation: the form per category, the registrant's own page (state,
//! waiting-list place, documents, withdrawal), document upload, the officer's queue (keyset
//! pages), one registration with the officer's decision, documents (officers only), badges.

use super::conference::category_codes;
use super::fields::Fields;
use super::{done, json_of, minute, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chamber_app::AppError;
use chamber_app::conferences::registrations::{QueueParams, RegistrationView};
use chamber_conferences::conference::FieldKind;
use chamber_conferences::registration::RegistrationState;
use chamber_conferences::{Affiliation, Category, Country, DocumentKind, RegistrationForm};
use chamber_core::Lang;
use serde_json::{Value, json};

#[derive(serde::Deserialize, Default)]
pub struct CategoryQuery {
    pub category: Option<String>,
}

/// `GET /conferences/{id}/register?category=…`: the registration form of one category (its
/// fields, the documents it requires, the size limit), or the choice of category.
pub async fn form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<CategoryQuery>,
) -> Result<Response, WebError> {
    register_page(
        &state,
        &ctx,
        &id,
        q.category.as_deref(),
        axum::http::StatusCode::OK,
        json!({"form": {}}),
    )
    .await
}

/// The registration form of `category` with `again`: empty, or a refused registration's
/// values (`form`) and refusal (`error`).
async fn register_page(
    state: &SharedState,
    ctx: &Ctx,
    id: &str,
    category: Option<&str>,
    status: axum::http::StatusCode,
    again: Value,
) -> Result<Response, WebError> {
    let format = Format::Page;
    let user = format.user(ctx)?;
    let view = state
        .conferences
        .view(user, id)
        .await
        .map_err(WebError::page)?;
    let category = category
        .map(Category::parse)
        .transpose()
        .map_err(|e| WebError::page(AppError::from(e)))?;
    let policy = category.map(|c| {
        view.categories
            .iter()
            .find(|p| p.category == c)
            .cloned()
            .unwrap_or_else(|| chamber_conferences::CategoryPolicy::default_for(c))
    });
    let fields: Vec<Value> = policy
        .iter()
        .flat_map(|p| &p.fields)
        .map(|f| {
            let (kind, options) = match &f.kind {
                FieldKind::Text => ("text", Vec::new()),
                FieldKind::Email => ("email", Vec::new()),
                FieldKind::Date => ("date", Vec::new()),
                FieldKind::Choice { options } => ("choice", options.clone()),
                FieldKind::Checkbox => ("checkbox", Vec::new()),
            };
            json!({"key": f.key, "label": f.label, "kind": kind, "options": options, "required": f.required})
        })
        .collect();
    let countries = country_options(ctx.lang);
    let mut data = json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "category": category.map(|c| c.as_str()),
            "is_state": category.is_some_and(|c| c.is_state()),
            "open": policy.as_ref().is_some_and(|p| p.open),
            "categories_all": category_codes(),
            "fields": fields,
            "required_documents": policy.iter().flat_map(|p| &p.required_documents).map(|k| k.as_str()).collect::<Vec<_>>(),
            "max_mib": mib(state.config.conferences.max_document_bytes),
            "countries": countries,
    });
    if let (Some(d), Value::Object(a)) = (data.as_object_mut(), again) {
        d.extend(a);
    }
    Ok(crate::render::page(
        state,
        ctx,
        status,
        "conferences/register.html",
        data,
    ))
}

/// Countries and territories with their CLDR names in `lang`, sorted for a reader of it.
pub(super) fn country_options(lang: Lang) -> Vec<Value> {
    let mut all: Vec<(&str, &str)> = chamber_conferences::territories::all()
        .map(|t| (t.alpha3, t.name(lang)))
        .collect();
    all.sort_by_key(|(_, n)| chamber_conferences::territories::sort_key(n));
    all.into_iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect()
}

fn mib(bytes: usize) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// `POST /conferences/{id}/registrations`: `category`, `family_name`, `given_name`, `country`
/// (States) or `organisation`, the form's answers (`answer_<key>` in a form, `answers` from a
/// program) and `consent`.
pub async fn register(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let sent = (format == Format::Page).then(|| f.0.clone());
    let read = || -> Result<RegistrationForm, AppError> {
        let category: Category = f.choice("category")?;
        let affiliation = if category.is_state() {
            Affiliation::Country(Country::parse(&f.text("country")?).map_err(AppError::from)?)
        } else {
            Affiliation::Organisation(f.text("organisation")?)
        };
        let mut answers: std::collections::BTreeMap<String, String> =
            f.structured("answers")?.unwrap_or_default();
        answers.extend(f.prefixed("answer_"));
        Ok(RegistrationForm {
            category,
            family_name: f.text("family_name")?,
            given_name: f.text("given_name")?,
            affiliation,
            answers,
            consent_to_publish: f.flag("consent"),
        })
    };
    let registered = match read() {
        Ok(form) => state.conferences.register(user, &id, form).await,
        Err(e) => Err(e),
    };
    let view = match (registered, sent) {
        (Ok(view), _) => view,
        // A refused registration comes back as it was filled in, the refusal above it.
        (Err(AppError::Invalid(m)), Some(sent)) => {
            let category = sent
                .get("category")
                .and_then(Value::as_str)
                .map(str::to_string);
            let form: serde_json::Map<String, Value> = sent.into_iter().collect();
            return register_page(
                &state,
                &ctx,
                &id,
                category.as_deref(),
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                json!({"form": form, "error": m}),
            )
            .await;
        }
        (Err(e), _) => return Err(format.fail(e)),
    };
    Ok(format.created(
        &format!("/conferences/{id}/me"),
        json!({"ok": true, "registration": json_of(&view)}),
    ))
}

/// How a registration is shown in lists and on its page.
pub(super) fn summary(v: &RegistrationView, lang: Lang) -> Value {
    let r = &v.registration;
    json!({
        "id": r.id.to_string(),
        "conference": r.conference.to_string(),
        "person": r.person.to_string(),
        "name": r.display_name(),
        "affiliation": r.affiliation.name(lang),
        "category": r.category.as_str(),
        "state": r.state.as_str(),
        "reason": match &r.state { RegistrationState::Rejected { reason } => Some(reason.clone()), _ => None },
        "submitted": minute(r.submitted_at),
        "consent": r.consent_to_publish,
        "checked_in": r.checked_in_at.map(minute),
        "answers": r.answers,
        "documents": v.documents.iter().map(|d| json!({
            "id": d.id.to_string(),
            "kind": d.kind.as_str(),
            "format": d.format.as_str(),
            "size_kib": d.size.div_ceil(1024),
            "uploaded": minute(d.uploaded_at),
        })).collect::<Vec<_>>(),
        "missing": v.missing.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
    })
}

/// The registration's place on its category's waiting list (1 is next), from the stored rows.
async fn waiting_place(state: &SharedState, v: &RegistrationView) -> Option<usize> {
    let r = &v.registration;
    if r.state != RegistrationState::WaitingList {
        return None;
    }
    let rows = state
        .store
        .conference_registrations(r.conference.as_str())
        .await
        .ok()?;
    let me = rows.iter().find(|row| row.id == r.id.as_str())?;
    Some(
        1 + rows
            .iter()
            .filter(|row| {
                row.state == "waiting_list"
                    && row.category == me.category
                    && (row.submitted_at.as_str(), row.id.as_str())
                        < (me.submitted_at.as_str(), me.id.as_str())
            })
            .count(),
    )
}

/// `GET /conferences/{id}/me`: the caller's registration (state, waiting-list place,
/// documents sent and missing, upload, withdrawal, badge).
pub async fn mine(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let mine = state
        .conferences
        .my_registration(user, &id)
        .await
        .map_err(fail)?;
    let place = match &mine {
        Some(m) => waiting_place(&state, m).await,
        None => None,
    };
    let required: Vec<&str> = mine
        .as_ref()
        .and_then(|m| {
            view.categories
                .iter()
                .find(|p| p.category == m.registration.category)
        })
        .map(|p| p.required_documents.iter().map(|k| k.as_str()).collect())
        .unwrap_or_default();
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/me.html",
        json!({"registration": json_of(&mine), "waiting_place": place}),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "mine": mine.as_ref().map(|m| summary(m, ctx.lang)),
            "required_documents": required,
            "may_upload": mine.as_ref().is_some_and(|m| matches!(m.registration.state, RegistrationState::Pending | RegistrationState::WaitingList)),
            "max_mib": mib(state.config.conferences.max_document_bytes),
            "categories_all": category_codes(),
        }),
    ))
}

/// `GET /conferences/{id}/queue?state=pending&after=…&limit=50`: the officer's queue, oldest
/// first, one keyset page at a time.
pub async fn queue(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<QueueParams>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let page = state.conferences.queue(user, &id, &q).await.map_err(fail)?;
    if format.is_json() {
        return Ok(axum::Json(page).into_response());
    }
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let chosen = q.state.clone().unwrap_or_else(|| "pending".into());
    let next = page.next.as_ref().map(|n| {
        serde_urlencoded::to_string([("state", chosen.as_str()), ("after", n.as_str())])
            .unwrap_or_default()
    });
    Ok(crate::render::page(
        &state,
        &ctx,
        axum::http::StatusCode::OK,
        "conferences/queue.html",
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "items": page.items.iter().map(|v| summary(v, ctx.lang)).collect::<Vec<_>>(),
            "total": page.total,
            "next_query": next,
            "state": chosen,
            "states": ["pending", "waiting_list", "approved", "rejected", "withdrawn"],
        }),
    ))
}

/// `GET /conferences/registrations/{rid}`: one registration for its holder, its officers or
/// the secretariat (404 for anyone else).
pub async fn show_one(
    state: &SharedState,
    ctx: &Ctx,
    format: Format,
    rid: &str,
) -> Result<Response, WebError> {
    let user = format.user(ctx)?;
    let fail = |e| format.fail(e);
    let reg = state
        .conferences
        .registration(user, rid)
        .await
        .map_err(fail)?;
    if format.is_json() {
        return Ok(axum::Json(reg).into_response());
    }
    let conf = reg.registration.conference.to_string();
    let view = state.conferences.view(user, &conf).await.map_err(fail)?;
    let person = chamber_app::conferences::person_of(user).map_err(fail)?;
    let officer = view
        .categories
        .iter()
        .find(|p| p.category == reg.registration.category)
        .is_some_and(|p| p.approvers.is_empty() || p.approvers.contains(&person))
        && view
            .roles
            .contains(&chamber_conferences::StaffRole::AccreditationOfficer);
    let own = reg.registration.person == person;
    let secretariat = view
        .roles
        .contains(&chamber_conferences::StaffRole::Secretariat);
    let st = &reg.registration.state;
    Ok(crate::render::page(
        state,
        ctx,
        axum::http::StatusCode::OK,
        "conferences/registration.html",
        json!({
            "conference": {"id": conf, "title": view.titles.get(ctx.lang)},
            "r": summary(&reg, ctx.lang),
            "officer": officer,
            "may_decide": officer && matches!(st, RegistrationState::Pending | RegistrationState::WaitingList),
            "may_approve": officer && *st == RegistrationState::Pending,
            "may_withdraw": (own || secretariat) && matches!(st, RegistrationState::Pending | RegistrationState::WaitingList | RegistrationState::Approved),
            "approved": *st == RegistrationState::Approved,
        }),
    ))
}

pub async fn one(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<Response, WebError> {
    let format = super::format_of(&ctx);
    show_one(&state, &ctx, format, &rid).await
}

/// The request's whole body, refused with the limit named when larger than a document may be.
async fn body_within(
    state: &SharedState,
    format: Format,
    request: Request,
) -> Result<(Option<String>, Vec<u8>), WebError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let max = state.config.conferences.max_document_bytes;
    // Base64 in JSON is 4/3 of the document; a form adds its other fields.
    let limit = max / 3 * 4 + crate::security::MAX_BODY;
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| {
            format.fail(AppError::invalid(format!(
                "document too large: the limit is {max} bytes"
            )))
        })?;
    Ok((content_type, bytes.to_vec()))
}

/// `POST /conferences/registrations/{rid}/documents`: the registrant uploads a required
/// document — a form (`multipart/form-data`: `kind`, `document`) or a program's JSON (`kind`,
/// `content_base64`). Over the size limit or not a PDF/JPEG/PNG (by its first bytes) is
/// refused with the reason, and nothing already sent is lost.
pub async fn upload(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let format = super::format_of(&ctx);
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let (content_type, body) = body_within(&state, format, request).await?;
    let ct = content_type.unwrap_or_default();
    let (kind, bytes) = if crate::multipart::is_multipart(&ct) {
        let parts = crate::multipart::parse(&ct, &body)
            .map_err(|e| fail(AppError::invalid(format!("form: {e}"))))?;
        let kind = parts
            .iter()
            .find(|p| p.name == "kind" && p.file_name.is_none())
            .map(|p| String::from_utf8_lossy(p.data).into_owned())
            .ok_or_else(|| fail(AppError::invalid("kind: required")))?;
        let file = parts
            .iter()
            .find(|p| p.name == "document" && p.file_name.is_some())
            .filter(|p| !p.data.is_empty())
            .ok_or_else(|| fail(AppError::invalid("document: choose a file")))?;
        (kind, file.data.to_vec())
    } else if ct.starts_with("application/json") {
        let f: Fields = serde_json::from_slice(&body)
            .map_err(|e| fail(AppError::invalid(format!("body: {e}"))))?;
        let content = base64::engine::general_purpose::STANDARD
            .decode(f.text("content_base64").map_err(fail)?)
            .map_err(|_| fail(AppError::invalid("content_base64: not base64")))?;
        (f.text("kind").map_err(fail)?, content)
    } else {
        return Err(fail(AppError::invalid(
            "send multipart/form-data (kind, document) or JSON (kind, content_base64)",
        )));
    };
    let kind = DocumentKind::parse(&kind).map_err(|e| fail(AppError::from(e)))?;
    let meta = state
        .conferences
        .upload_document(user, &rid, kind, &bytes)
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{}/me", meta.conference),
        json!({"ok": true, "document": json_of(&meta)}),
    ))
}

/// `POST /conferences/registrations/{rid}/approve`: the category's officer approves (every
/// required document present); the badge's ticket is issued.
pub async fn approve(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let v = state
        .conferences
        .approve(user, &rid)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &format!("/conferences/registrations/{rid}"),
        json!({"registration": json_of(&v)}),
    ))
}

/// `POST /conferences/registrations/{rid}/reject`: with the `reason` the person reads.
pub async fn reject(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let reason = f.text("reason").map_err(fail)?;
    state
        .conferences
        .reject(user, &rid, &reason)
        .await
        .map_err(fail)?;
    Ok(done(
        format,
        &format!("/conferences/registrations/{rid}"),
        json!({}),
    ))
}

/// `POST /conferences/registrations/{rid}/withdraw`: the person or the secretariat; the badge
/// stops working at the door.
pub async fn withdraw(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    state
        .conferences
        .withdraw(user, &rid)
        .await
        .map_err(|e| format.fail(e))?;
    Ok(done(
        format,
        &format!("/conferences/registrations/{rid}"),
        json!({}),
    ))
}

/// `GET /conferences/documents/{doc}`: a document, for its category's accreditation officers
/// only (the opening is recorded); anyone else — the uploader too — is told it does not exist.
pub async fn document(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(doc): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let (meta, bytes) = state
        .conferences
        .open_document(user, &doc)
        .await
        .map_err(|e| format.fail(e))?;
    let name = format!(
        "{}-{}.{}",
        meta.kind.as_str(),
        meta.id,
        extension(meta.format)
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn extension(f: chamber_conferences::DocumentFormat) -> &'static str {
    match f {
        chamber_conferences::DocumentFormat::Pdf => "pdf",
        chamber_conferences::DocumentFormat::Jpeg => "jpg",
        chamber_conferences::DocumentFormat::Png => "png",
    }
}

/// `GET /conferences/registrations/{rid}/badge.svg?lang=`: the print-ready badge (A6) with
/// its QR code; a withdrawn registration's badge is refused.
pub async fn badge_svg(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
    Query(q): Query<super::conference::LangQuery>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let svg = state
        .conferences
        .badge(user, &rid, super::conference::lang_of(&ctx, &q))
        .await
        .map_err(|e| format.fail(e))?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// `GET /conferences/registrations/{rid}/badge`: the badge on a page, ready to print.
pub async fn badge_page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(rid): Path<String>,
) -> Result<Response, WebError> {
    let user = Format::Page.user(&ctx)?;
    let svg = state
        .conferences
        .badge(user, &rid, ctx.lang)
        .await
        .map_err(WebError::page)?;
    Ok(crate::render::page(
        &state,
        &ctx,
        axum::http::StatusCode::OK,
        "conferences/badge.html",
        json!({"rid": rid, "svg": svg}),
    ))
}
