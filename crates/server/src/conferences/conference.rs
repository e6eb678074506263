//! The conference list and page, the secretariat's settings (titles, categories, limits,
//! staff, rooms, timetable), the list of participants and the exports.

use super::fields::Fields;
use super::{done, json_of, minute, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::conferences::publish::ExportFormat;
use chamber_app::conferences::{Actor, NewConference, Retention};
use chamber_conferences::conference::{DelegationLimits, StaffRole, Titles};
use chamber_conferences::{Category, DocumentKind};
use chamber_core::Lang;
use serde_json::{Value, json};

/// The categories, named for the page (their labels are catalogue keys).
pub(super) fn category_codes() -> Vec<&'static str> {
    Category::ALL.iter().map(|c| c.as_str()).collect()
}

/// `GET /conferences`: every conference, titled in the reader's language.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let list = state
        .conferences
        .list(user, ctx.lang)
        .await
        .map_err(|e| format.fail(e))?;
    let may_create = user.role == chamber_core::Role::Admin;
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/list.html",
        json!({"conferences": list}),
        json!({"may_create": may_create, "retention_days": state.config.conferences.retention.days}),
    ))
}

/// `POST /conferences`: an administrator creates a conference (and runs its secretariat).
pub async fn create(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let mut titles =
        Titles::new(&f.text("title").map_err(fail)?).map_err(|e| format.fail(AppError::from(e)))?;
    for lang in Lang::ALL {
        if let Some(t) = f.opt(&format!("title_{}", lang.code())) {
            titles
                .set(lang, &t)
                .map_err(|e| format.fail(AppError::from(e)))?;
        }
    }
    let new = NewConference {
        titles,
        starts_on: f.date("starts_on").map_err(fail)?,
        ends_on: f.date("ends_on").map_err(fail)?,
        location: f.text("location").map_err(fail)?,
    };
    let id = state.conferences.create(user, &new).await.map_err(fail)?;
    Ok(format.created(&format!("/conferences/{id}"), json!({"id": id})))
}

/// `GET /conferences/{id}`: the conference as the caller may see it, with their registration.
pub async fn page(
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
    let roles: Vec<&str> = view.roles.iter().map(|r| role_code(*r)).collect();
    let has = |r: &str| roles.contains(&r);
    let room_names: std::collections::HashMap<String, String> = view
        .rooms
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let timetable: Vec<Value> = view
        .timetable
        .iter()
        .map(|s| {
            json!({
                "id": s.id.to_string(),
                "title": s.title,
                "start": minute(s.start),
                "end": minute(s.end),
                "room": s.room.as_ref().and_then(|r| room_names.get(&r.to_string())),
            })
        })
        .collect();
    let extra = json!({
        "title": view.titles.get(ctx.lang),
        "has": {
            "secretariat": has("secretariat"),
            "officer": has("accreditation_officer"),
            "chair": has("chair"),
            "committee": has("credentials_committee"),
            "door": has("door_staff") || has("secretariat"),
        },
        "sessions": timetable,
        "categories_all": category_codes(),
        "documents_all": DocumentKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "languages_all": Lang::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
        "roles_all": ["secretariat", "accreditation_officer", "chair", "credentials_committee", "door_staff"],
        "mine": mine.as_ref().map(|m| json!({
            "id": m.registration.id.to_string(),
            "state": m.registration.state.as_str(),
        })),
    });
    let mut data = json_of(&view);
    data["registration"] = json_of(&mine);
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/conference.html",
        json!({"conference": data}),
        extra,
    ))
}

pub(super) fn role_code(r: StaffRole) -> &'static str {
    match r {
        StaffRole::Secretariat => "secretariat",
        StaffRole::AccreditationOfficer => "accreditation_officer",
        StaffRole::Chair => "chair",
        StaffRole::CredentialsCommittee => "credentials_committee",
        StaffRole::DoorStaff => "door_staff",
    }
}

/// `POST /conferences/{id}/titles`: the title in one language (`lang`, `title`).
pub async fn set_title(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let code = f.text("lang").map_err(fail)?;
    let lang = Lang::from_code(&code)
        .ok_or_else(|| fail(AppError::invalid("lang: ar, zh, en, fr, ru or es")))?;
    let title = f.opt("title").unwrap_or_default();
    state
        .conferences
        .set_title(user, &id, lang, &title)
        .await
        .map_err(fail)?;
    Ok(done(format, &format!("/conferences/{id}"), json!({})))
}

/// `POST /conferences/{id}/policy`: a category's registration — open, capacity, waiting list,
/// required documents, approvers (and, from a program, its form's `fields`).
pub async fn set_policy(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let category: Category = f.choice("category").map_err(fail)?;
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let mut policy = view
        .categories
        .iter()
        .find(|p| p.category == category)
        .cloned()
        .unwrap_or_else(|| chamber_conferences::CategoryPolicy::default_for(category));
    policy.open = f.flag("open");
    policy.waiting_list = f.flag("waiting_list");
    policy.capacity = f.number::<u32>("capacity").map_err(fail)?;
    let mut documents = f.list("required_documents");
    documents.extend(
        f.prefixed("doc_")
            .into_iter()
            .filter(|(_, v)| matches!(v.as_str(), "on" | "yes" | "true" | "1"))
            .map(|(k, _)| k),
    );
    policy.required_documents = documents
        .iter()
        .map(|k| DocumentKind::parse(k).map_err(|e| fail(AppError::from(e))))
        .collect::<Result<_, _>>()?;
    policy.approvers = f
        .list("approvers")
        .iter()
        .map(|u| {
            chamber_conferences::PersonId::parse(u)
                .map_err(|e| fail(AppError::invalid(format!("approvers: {e}"))))
        })
        .collect::<Result<_, _>>()?;
    if let Some(fields) = f.structured("fields").map_err(fail)? {
        policy.fields = fields;
    }
    state
        .conferences
        .set_policy(user, &id, policy)
        .await
        .map_err(fail)?;
    Ok(done(format, &format!("/conferences/{id}"), json!({})))
}

/// `POST /conferences/{id}/limits`: delegation limits (`representatives`, `alternates`,
/// `advisers`; advisers blank is "as many as required").
pub async fn set_limits(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let need = |name: &str| {
        f.number::<u32>(name)?
            .ok_or_else(|| AppError::invalid(format!("{name}: required")))
    };
    let limits = DelegationLimits {
        representatives: need("representatives").map_err(fail)?,
        alternates: need("alternates").map_err(fail)?,
        advisers: f.number::<u32>("advisers").map_err(fail)?,
    };
    state
        .conferences
        .set_limits(user, &id, limits)
        .await
        .map_err(fail)?;
    Ok(done(format, &format!("/conferences/{id}"), json!({})))
}

fn role_of(f: &Fields) -> Result<StaffRole, AppError> {
    StaffRole::parse(&f.text("role")?).map_err(AppError::from)
}

/// `POST /conferences/{id}/staff`: the secretariat gives an account a role (`username`, `role`).
pub async fn assign_role(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let (who, role) = (
        f.text("username").map_err(fail)?,
        role_of(&f).map_err(fail)?,
    );
    state
        .conferences
        .assign_role(user, &id, &who, role)
        .await
        .map_err(fail)?;
    Ok(done(format, &format!("/conferences/{id}"), json!({})))
}

/// `POST /conferences/{id}/staff/revoke`.
pub async fn revoke_role(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let (who, role) = (
        f.text("username").map_err(fail)?,
        role_of(&f).map_err(fail)?,
    );
    state
        .conferences
        .revoke_role(user, &id, &who, role)
        .await
        .map_err(fail)?;
    Ok(done(format, &format!("/conferences/{id}"), json!({})))
}

/// `POST /conferences/{id}/rooms`: `name`, `capacity`.
pub async fn add_room(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let room = state
        .conferences
        .add_room(
            user,
            &id,
            &f.text("name").map_err(fail)?,
            f.number("capacity").map_err(fail)?,
        )
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}"),
        json!({"ok": true, "room": room}),
    ))
}

/// `POST /conferences/{id}/sessions`: `title`, `start`, `end` (UTC), `room`, `agenda` lines.
pub async fn plan_session(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let room = f.opt("room");
    let (session, clashes) = state
        .conferences
        .plan_session(
            user,
            &id,
            &f.text("title").map_err(fail)?,
            f.instant("start").map_err(fail)?,
            f.instant("end").map_err(fail)?,
            room.as_deref(),
            f.lines("agenda"),
        )
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}"),
        json!({"ok": true, "session": session, "clashes": json_of(&clashes)}),
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The language asked for in the query, else the reader's.
pub(super) fn lang_of(ctx: &Ctx, q: &LangQuery) -> Lang {
    q.lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(ctx.lang)
}

/// `GET /conferences/{id}/participants?lang=fr`: the list of participants in the UN layout
/// (approved people who consented; country names from CLDR).
pub async fn participants(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    // Reading the conference first: an unknown id is 404 for everyone.
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let lang = lang_of(&ctx, &q);
    let list = state
        .conferences
        .list_of_participants(&id, lang)
        .await
        .map_err(fail)?;
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/participants.html",
        json_of(&list),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "list_dir": lang.dir(),
            "list_langs": Lang::ALL.iter().map(|l| json!({"code": l.code(), "name": l.native_name()})).collect::<Vec<_>>(),
        }),
    ))
}

fn exported(e: chamber_app::conferences::publish::Exported, attachment: bool) -> Response {
    let disposition = if attachment {
        format!("attachment; filename=\"{}\"", e.file_name)
    } else {
        format!("inline; filename=\"{}\"", e.file_name)
    };
    (
        [
            (header::CONTENT_TYPE, e.media_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        e.body,
    )
        .into_response()
}

/// `GET /conferences/{id}/export/{format}?lang=`: `indico`, `ical`, `csv` or `xlsx` (the
/// registrations for the secretariat and officers only).
pub async fn export(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, fmt)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let which = ExportFormat::parse(&fmt).map_err(fail)?;
    let url = format!("{}/export/event/{id}.json", state.config.base_url());
    let e = state
        .conferences
        .export(Actor::Account(user), &id, which, lang_of(&ctx, &q), &url)
        .await
        .map_err(fail)?;
    Ok(exported(e, which != ExportFormat::Indico))
}

/// `GET /export/event/{id}.json`: the conference in the layout of Indico's HTTP export API
/// (`count`, `results[]` with `title`, `startDate`, `endDate`, `contributions`), for tools
/// built for Indico. A signed-in account or an API token (Indico's export API takes one too).
pub async fn indico_event(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, WebError> {
    let format = Format::Json;
    let user = format.user(&ctx)?;
    let id = file
        .strip_suffix(".json")
        .ok_or(format.fail(AppError::NotFound))?;
    let url = format!("{}/export/event/{id}.json", state.config.base_url());
    let e = state
        .conferences
        .export(
            Actor::Account(user),
            id,
            ExportFormat::Indico,
            lang_of(&ctx, &q),
            &url,
        )
        .await
        .map_err(|e| format.fail(e))?;
    Ok(exported(e, false))
}

/// `POST /conferences/purge-documents`: an administrator removes documents past retention
/// (`retention_days`, default the server's setting); the answer and the audit log list them.
pub async fn purge(
    State(state): State<SharedState>,
    ctx: Ctx,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let days = f
        .number::<u32>("retention_days")
        .map_err(fail)?
        .unwrap_or(state.config.conferences.retention.days);
    let report = state
        .conferences
        .purge_due_documents(Actor::Account(user), Retention { days })
        .await
        .map_err(fail)?;
    match format {
        Format::Json => Ok(axum::Json(report).into_response()),
        Format::Page => Ok(crate::render::page(
            &state,
            &ctx,
            axum::http::StatusCode::OK,
            "message.html",
            json!({
                "title_key": "conf-purge-title",
                "message": state.catalogue.tr(ctx.lang, "conf-purge-done", &[("count", report.removed.len().to_string()), ("days", days.to_string())]),
            }),
        )),
    }
}
