//! Delegations and credentials: the delegations of a conference with their members within
//! the limits, credentials received (issuers other than those of rule 27 refused), and the
//! credentials committee's examination and report.

use super::fields::Fields;
use super::{done, json_of, minute, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Input, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use chamber_app::AppError;
use chamber_conferences::delegation::{CredentialsReport, Function, Verdict};
use chamber_conferences::{Category, StaffRole};
use chamber_core::Lang;
use serde_json::{Value, json};

fn verdict_code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Accepted => "accepted",
        Verdict::Provisional => "provisional",
        Verdict::Questioned { .. } => "questioned",
    }
}

fn report_json(r: &CredentialsReport, lang: Lang) -> Value {
    json!({
        "adopted": minute(r.adopted_at),
        "entries": r.entries.iter().map(|e| json!({
            "country": e.country.name(lang),
            "verdict": verdict_code(&e.verdict),
            "reason": match &e.verdict { Verdict::Questioned { reason } => Some(reason.clone()), _ => None },
        })).collect::<Vec<_>>(),
    })
}

/// `GET /conferences/{id}/delegations`: the delegations (named in the reader's language), their
/// members, credentials and verdicts, and the forms of those who manage them.
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let list = state
        .conferences
        .delegations(&id, ctx.lang)
        .await
        .map_err(fail)?;
    let report = state
        .conferences
        .credentials_report(&id)
        .await
        .map_err(fail)?;
    let person = chamber_app::conferences::person_of(user).map_err(fail)?;
    let secretariat = view.roles.contains(&StaffRole::Secretariat);
    let rows: Vec<Value> = list
        .iter()
        .map(|d| {
            let dl = &d.delegation;
            let head = dl
                .members
                .iter()
                .any(|m| m.person == person && m.function == Function::Head);
            json!({
                "id": dl.id.to_string(),
                "name": d.name,
                "country": dl.country.as_str(),
                "category": dl.category.as_str(),
                "members": dl.members.iter().map(|m| json!({"person": m.person.to_string(), "function": m.function.as_str()})).collect::<Vec<_>>(),
                "credentials": dl.credentials.iter().map(|c| json!({
                    "issuer": c.issuer.as_str(),
                    "signatory": c.signatory,
                    "issued_on": c.issued_on.to_string(),
                    "covers": c.covers.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "verdict": dl.verdict.as_ref().map(verdict_code),
                "may_manage": secretariat || head,
            })
        })
        .collect();
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/delegations.html",
        json!({"delegations": json_of(&list), "report": json_of(&report)}),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "rows": rows,
            "limits": json_of(&view.limits),
            "secretariat": secretariat,
            "committee": view.roles.contains(&StaffRole::CredentialsCommittee),
            "report_view": report.as_ref().map(|r| report_json(r, ctx.lang)),
            "countries": super::registration::country_options(ctx.lang),
        }),
    ))
}

/// `POST /conferences/{id}/delegations`: the secretariat opens a State's delegation
/// (`country`, `category`: member_state or observer).
pub async fn open(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let category = f
        .opt("category")
        .map(|c| Category::parse(&c))
        .transpose()
        .map_err(|e| fail(AppError::from(e)))?
        .unwrap_or(Category::MemberState);
    let d = state
        .conferences
        .open_delegation(user, &id, &f.text("country").map_err(fail)?, category)
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}/delegations"),
        json!({"ok": true, "delegation": d}),
    ))
}

/// `POST /conferences/{id}/delegations/{did}/members`: `username`, `function` (head,
/// representative, alternate, adviser) — refused above the conference's limits, the limit named.
pub async fn add_member(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let function =
        Function::parse(&f.text("function").map_err(fail)?).map_err(|e| fail(AppError::from(e)))?;
    state
        .conferences
        .add_member(
            user,
            &id,
            &did,
            &f.text("username").map_err(fail)?,
            function,
        )
        .await
        .map_err(fail)?;
    Ok(done(
        format,
        &format!("/conferences/{id}/delegations"),
        json!({}),
    ))
}

/// `POST /conferences/{id}/delegations/{did}/members/remove`: `username`.
pub async fn remove_member(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    state
        .conferences
        .remove_member(user, &id, &did, &f.text("username").map_err(fail)?)
        .await
        .map_err(fail)?;
    Ok(done(
        format,
        &format!("/conferences/{id}/delegations"),
        json!({}),
    ))
}

/// `POST /conferences/{id}/delegations/{did}/credentials`: `issuer` (Head of State, Head of
/// Government, Minister for Foreign Affairs — anyone else refused in rule 27's words),
/// `signatory`, `issued_on`, `covers` (usernames).
pub async fn receive_credential(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let credential = state
        .conferences
        .receive_credential(
            user,
            &id,
            &did,
            &f.text("issuer").map_err(fail)?,
            &f.text("signatory").map_err(fail)?,
            f.date("issued_on").map_err(fail)?,
            &f.list("covers"),
        )
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}/delegations"),
        json!({"ok": true, "credential": credential}),
    ))
}

/// `GET /conferences/{id}/credentials-report`: the committee's latest report (or null).
pub async fn report(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let report = state
        .conferences
        .credentials_report(&id)
        .await
        .map_err(fail)?;
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/report.html",
        json!({"report": json_of(&report)}),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "report_view": report.as_ref().map(|r| report_json(r, ctx.lang)),
        }),
    ))
}

/// `POST /conferences/{id}/credentials-report`: the committee marks every delegation — a form's
/// `verdict_<delegation>` (accepted, provisional, questioned) with `reason_<delegation>`, or a
/// program's `verdicts: [{"delegation": id, "verdict": …, "reason": …}]`.
pub async fn examine(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    #[derive(serde::Deserialize)]
    struct Line {
        delegation: String,
        verdict: String,
        #[serde(default)]
        reason: String,
    }
    let mut lines: Vec<Line> = f.structured("verdicts").map_err(fail)?.unwrap_or_default();
    for (did, verdict) in f.prefixed("verdict_") {
        let reason = f.opt(&format!("reason_{did}")).unwrap_or_default();
        lines.push(Line {
            delegation: did,
            verdict,
            reason,
        });
    }
    let verdicts = lines
        .into_iter()
        .map(|l| {
            let v = match l.verdict.as_str() {
                "accepted" => Verdict::Accepted,
                "provisional" => Verdict::Provisional,
                "questioned" => Verdict::Questioned { reason: l.reason },
                other => {
                    return Err(AppError::invalid(format!(
                        "verdict: accepted, provisional or questioned, got {other:?}"
                    )));
                }
            };
            Ok((l.delegation, v))
        })
        .collect::<Result<Vec<_>, AppError>>()
        .map_err(fail)?;
    let report = state
        .conferences
        .examine_credentials(user, &id, &verdicts)
        .await
        .map_err(fail)?;
    Ok(done(
        format,
        &format!("/conferences/{id}/delegations"),
        json!({"report": json_of(&report)}),
    ))
}
