//! Server-rendered pages: the template environment and the context every page shares.

use crate::SharedState;
use crate::auth::Ctx;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chamber_i18n::{Catalogue, Lang};
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, State};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Every template: the platform's under their own names (`base.html` is what pages extend),
/// each capability's under `<capability>/<name>.html`.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../templates/platform/base.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../templates/platform/dashboard.html"),
    ),
    (
        "login.html",
        include_str!("../../templates/platform/login.html"),
    ),
    (
        "setup.html",
        include_str!("../../templates/platform/setup.html"),
    ),
    (
        "invite.html",
        include_str!("../../templates/platform/invite.html"),
    ),
    (
        "password.html",
        include_str!("../../templates/platform/password.html"),
    ),
    (
        "admin.html",
        include_str!("../../templates/platform/admin.html"),
    ),
    (
        "capability.html",
        include_str!("../../templates/platform/capability.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/platform/message.html"),
    ),
    (
        "checkpoint.html",
        include_str!("../../templates/platform/checkpoint.html"),
    ),
    (
        "tokens.html",
        include_str!("../../templates/platform/tokens.html"),
    ),
    (
        "mediation/case.html",
        include_str!("../../templates/mediation/case.html"),
    ),
    (
        "mediation/list.html",
        include_str!("../../templates/mediation/list.html"),
    ),
    (
        "mediation/process.html",
        include_str!("../../templates/mediation/process.html"),
    ),
    (
        "mediation/print.html",
        include_str!("../../templates/mediation/print.html"),
    ),
    (
        "mediation/diff.html",
        include_str!("../../templates/mediation/diff.html"),
    ),
    (
        "consult/list.html",
        include_str!("../../templates/consult/list.html"),
    ),
    (
        "consult/vote.html",
        include_str!("../../templates/consult/vote.html"),
    ),
    (
        "consult/map.html",
        include_str!("../../templates/consult/map.html"),
    ),
    (
        "consult/report.html",
        include_str!("../../templates/consult/report.html"),
    ),
    (
        "consult/translations.html",
        include_str!("../../templates/consult/translations.html"),
    ),
    (
        "watch/page.html",
        include_str!("../../templates/watch/page.html"),
    ),
    (
        "library/search.html",
        include_str!("../../templates/library/search.html"),
    ),
    (
        "library/document.html",
        include_str!("../../templates/library/document.html"),
    ),
    (
        "conferences/badge.html",
        include_str!("../../templates/conferences/badge.html"),
    ),
    (
        "conferences/conference.html",
        include_str!("../../templates/conferences/conference.html"),
    ),
    (
        "conferences/delegations.html",
        include_str!("../../templates/conferences/delegations.html"),
    ),
    (
        "conferences/door.html",
        include_str!("../../templates/conferences/door.html"),
    ),
    (
        "conferences/list.html",
        include_str!("../../templates/conferences/list.html"),
    ),
    (
        "conferences/me.html",
        include_str!("../../templates/conferences/me.html"),
    ),
    (
        "conferences/outcome.html",
        include_str!("../../templates/conferences/outcome.html"),
    ),
    (
        "conferences/participants.html",
        include_str!("../../templates/conferences/participants.html"),
    ),
    (
        "conferences/queue.html",
        include_str!("../../templates/conferences/queue.html"),
    ),
    (
        "conferences/register.html",
        include_str!("../../templates/conferences/register.html"),
    ),
    (
        "conferences/registration.html",
        include_str!("../../templates/conferences/registration.html"),
    ),
    (
        "conferences/report.html",
        include_str!("../../templates/conferences/report.html"),
    ),
    (
        "conferences/report_table.html",
        include_str!("../../templates/conferences/report_table.html"),
    ),
    (
        "conferences/screen.html",
        include_str!("../../templates/conferences/screen.html"),
    ),
    (
        "conferences/speakers.html",
        include_str!("../../templates/conferences/speakers.html"),
    ),
    (
        "corridors/corridor.html",
        include_str!("../../templates/corridors/corridor.html"),
    ),
    (
        "corridors/import_form.html",
        include_str!("../../templates/corridors/import_form.html"),
    ),
    (
        "corridors/imports.html",
        include_str!("../../templates/corridors/imports.html"),
    ),
    (
        "corridors/incident_rows.html",
        include_str!("../../templates/corridors/incident_rows.html"),
    ),
    (
        "corridors/incidents.html",
        include_str!("../../templates/corridors/incidents.html"),
    ),
    (
        "corridors/inspection.html",
        include_str!("../../templates/corridors/inspection.html"),
    ),
    (
        "corridors/inspections.html",
        include_str!("../../templates/corridors/inspections.html"),
    ),
    (
        "corridors/list.html",
        include_str!("../../templates/corridors/list.html"),
    ),
    (
        "corridors/movement_rows.html",
        include_str!("../../templates/corridors/movement_rows.html"),
    ),
    (
        "corridors/nav.html",
        include_str!("../../templates/corridors/nav.html"),
    ),
    (
        "corridors/notification.html",
        include_str!("../../templates/corridors/notification.html"),
    ),
    (
        "corridors/notifications.html",
        include_str!("../../templates/corridors/notifications.html"),
    ),
    (
        "corridors/plan.html",
        include_str!("../../templates/corridors/plan.html"),
    ),
    (
        "corridors/plans.html",
        include_str!("../../templates/corridors/plans.html"),
    ),
    (
        "corridors/register.html",
        include_str!("../../templates/corridors/register.html"),
    ),
    (
        "corridors/registration.html",
        include_str!("../../templates/corridors/registration.html"),
    ),
    (
        "corridors/registrations.html",
        include_str!("../../templates/corridors/registrations.html"),
    ),
    (
        "corridors/report.html",
        include_str!("../../templates/corridors/report.html"),
    ),
    (
        "corridors/voyages.html",
        include_str!("../../templates/corridors/voyages.html"),
    ),
];

/// The template environment. `.html` templates auto-escape everything they print.
pub fn environment(catalogue: Arc<Catalogue>) -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not compile: {e}"));
    }
    // A symbol in a query string: `/` and spaces kept readable, the rest percent-encoded.
    env.add_filter("urlencode_symbol", |value: String| -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    });
    env.add_function(
        "t",
        move |state: &State, key: String, kwargs: Kwargs| -> Result<String, Error> {
            let lang = state
                .lookup("lang")
                .and_then(|v| v.as_str().and_then(Lang::from_code))
                .unwrap_or(Lang::En);
            let mut args = Vec::new();
            for name in kwargs.args() {
                let value: minijinja::Value = kwargs.get(name)?;
                args.push((name.to_string(), value.to_string()));
            }
            kwargs.assert_all_used()?;
            let borrowed: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(catalogue.tr(lang, &key, &borrowed))
        },
    );
    env
}

/// Template names every page may use, for tests.
pub fn template_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES.iter().copied()
}

fn base_context(state: &SharedState, ctx: &Ctx) -> Map<String, Value> {
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| json!({"code": l.code(), "name": l.native_name(), "current": *l == ctx.lang}))
        .collect();
    let next = serde_urlencoded::to_string([("next", ctx.path.as_str())]).unwrap_or_default();
    let user = ctx.user.as_ref().map(|u| {
        json!({
            "id": u.id,
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role.as_str(),
            "role_label": state.catalogue.tr(ctx.lang, &format!("role-{}", u.role.as_str()), &[]),
            "is_admin": chamber_core::permissions::may_administer(u.role),
            "may_watch": chamber_core::permissions::may_use_watch(u.role),
        })
    });
    let mut map = Map::new();
    map.insert("lang".into(), json!(ctx.lang.code()));
    map.insert("dir".into(), json!(ctx.lang.dir()));
    map.insert("languages".into(), Value::Array(languages));
    map.insert("next_query".into(), json!(next));
    map.insert("user".into(), user.unwrap_or(Value::Null));
    map.insert("csrf".into(), json!(ctx.csrf_token().unwrap_or("")));
    // Named so that no page's own context (a text's or an agreement's version) can replace it.
    map.insert("software_version".into(), json!(env!("CARGO_PKG_VERSION")));
    map
}

/// Render a page with the shared context plus `extra` (a JSON object).
pub fn page(
    state: &SharedState,
    ctx: &Ctx,
    status: StatusCode,
    name: &str,
    extra: Value,
) -> Response {
    let mut context = base_context(state, ctx);
    if let Value::Object(extra) = extra {
        context.extend(extra);
    }
    let rendered = state
        .templates
        .get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&context))));
    match rendered {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("template {name} failed: {e:#}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// The "could not complete" page for something that failed inside the server; what failed is
/// logged (never shown).
pub fn internal_error(
    state: &SharedState,
    ctx: &Ctx,
    what: &str,
    error: impl std::fmt::Display,
) -> Response {
    tracing::error!("{what} failed: {error}");
    error_page(
        state,
        ctx,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-internal",
    )
}

/// An error page in the caller's language.
pub fn error_page(
    state: &SharedState,
    ctx: &Ctx,
    status: StatusCode,
    message_key: &str,
) -> Response {
    let message = state.catalogue.tr(ctx.lang, message_key, &[]);
    page(
        state,
        ctx,
        status,
        "message.html",
        json!({"title_key": "error-title", "message": message, "error": true}),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_file_is_registered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let registered: Vec<&str> = super::template_sources().map(|(n, _)| n).collect();
        for area in std::fs::read_dir(&root).unwrap() {
            let area = area.unwrap();
            let area_name = area.file_name().to_string_lossy().into_owned();
            for entry in std::fs::read_dir(area.path()).unwrap() {
                let file = entry.unwrap().file_name().to_string_lossy().into_owned();
                let name = if area_name == "platform" {
                    file.clone()
                } else {
                    format!("{area_name}/{file}")
                };
                assert!(
                    registered.contains(&name.as_str()),
                    "templates/{area_name}/{file} is not registered as {name}"
                );
            }
        }
    }
}
