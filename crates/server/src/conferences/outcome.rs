//! The outcome document through the negotiating-text views: the current version with its
//! brackets, the amendments the reader may see, the chair's first draft, versions (deciding
//! amendments, agreeing paragraphs as they stand) and adoption, and Akoma Ntoso.

use super::fields::Fields;
use super::{done, format_of, minute, show, signed_in};
use crate::SharedState;
use crate::auth::Ctx;
use crate::error::{Format, Input, WebError};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chamber_app::AppError;
use chamber_app::conferences::floor::OutcomeView;
use chamber_conferences::StaffRole;
use chamber_mediation::text::render::{RenderOptions, html};
use chamber_mediation::text::{
    AmendmentStatus, Decision, Operation, Outcome as Decide, ParagraphStatus, agree_as_it_stands,
    replace_wording,
};
use chamber_mediation::{AmendmentId, ParagraphId};
use serde_json::{Value, json};

fn status_code(s: &AmendmentStatus) -> &'static str {
    match s {
        AmendmentStatus::Pending => "pending",
        AmendmentStatus::Accepted { .. } => "accepted",
        AmendmentStatus::Merged { .. } => "merged",
        AmendmentStatus::Rejected => "rejected",
    }
}

/// What an amendment proposes, in words a reader follows (new wording, insertions, deletions).
fn proposes(ops: &[Operation]) -> Vec<String> {
    ops.iter()
        .map(|op| match op {
            Operation::ReplaceSpan { expected, text, .. } => format!("«{expected}» → «{text}»"),
            Operation::InsertSpan { text, .. } => format!("+ «{text}»"),
            Operation::DeleteSpan { expected, .. } => format!("− «{expected}»"),
            other => other.name().replace('_', " "),
        })
        .collect()
}

/// The first `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

fn outcome_json(v: &OutcomeView) -> Value {
    let text = &v.current.text;
    let labels = text.labels();
    let paragraphs: Vec<Value> = text
        .preamble
        .iter()
        .chain(&text.operative)
        .filter(|p| p.status != ParagraphStatus::Deleted)
        .map(|p| {
            json!({
                "id": p.id.to_string(),
                "label": labels.get(&p.id).cloned().unwrap_or_default(),
                "wording": p.wording.text(),
                "marked": p.wording.marked(),
                "short": short(&p.wording.text(), 60),
                "marked_short": short(&p.wording.marked(), 80),
                "open": p.is_open(),
            })
        })
        .collect();
    json!({
        "version": v.current.number,
        "issued": minute(v.current.issued_at),
        "hash": v.current.content_hash.chars().take(12).collect::<String>(),
        "note": v.current.note,
        "text_html": html(text, &RenderOptions::default()),
        "paragraphs": paragraphs,
        "open": !text.open_paragraphs().is_empty(),
        "adopted_version": v.adopted_version,
        "amendments": v.amendments.iter().map(|a| json!({
            "id": a.id.to_string(),
            "proposer": a.proposer_label,
            "explanation": a.explanation,
            "status": status_code(&a.status),
            "base_version": a.base_version,
            "proposes": proposes(&a.operations),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /conferences/{id}/outcome`: the outcome document for participants (the chair and
/// secretariat, delegation members); the chair's first-draft form when there is none yet.
pub async fn page(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (format, user) = signed_in(&ctx)?;
    let fail = |e| format.fail(e);
    let view = state.conferences.view(user, &id).await.map_err(fail)?;
    let outcome = match state.conferences.outcome(user, &id).await {
        Ok(o) => Some(o),
        Err(AppError::NotFound) if format == Format::Page => None,
        Err(e) => return Err(fail(e)),
    };
    if format.is_json() {
        return Ok(axum::Json(outcome).into_response());
    }
    let chair = view.roles.contains(&StaffRole::Chair);
    let pen = chair || view.roles.contains(&StaffRole::Secretariat);
    if outcome.is_none() && !pen {
        return Err(fail(AppError::NotFound));
    }
    Ok(show(
        &state,
        &ctx,
        format,
        "conferences/outcome.html",
        json!({}),
        json!({
            "conference": {"id": id, "title": view.titles.get(ctx.lang)},
            "outcome": outcome.as_ref().map(outcome_json),
            "chair": chair,
            "pen": pen,
        }),
    ))
}

/// `POST /conferences/{id}/outcome`: the chair's first draft — `title`, `preamble` and
/// `operative` lines in the diplomats' notation (`[…]` brackets), `note`.
pub async fn start(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let version = state
        .conferences
        .start_outcome(
            user,
            &id,
            &f.text("title").map_err(fail)?,
            &f.lines("preamble"),
            &f.lines("operative"),
            &f.opt("note").unwrap_or_default(),
        )
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}/outcome"),
        json!({"ok": true, "version": version}),
    ))
}

/// `POST /conferences/{id}/outcome/amendments`: a delegation member proposes — a form's new
/// wording for a `paragraph` (`text`), or a program's `base_version` and `operations` — with
/// an `explanation`.
pub async fn propose(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let explanation = f.opt("explanation").unwrap_or_default();
    let (base, operations) = match f.structured::<Vec<Operation>>("operations").map_err(fail)? {
        Some(ops) => (
            f.number::<u32>("base_version")
                .map_err(fail)?
                .ok_or_else(|| fail(AppError::invalid("base_version: required")))?,
            ops,
        ),
        None => {
            let current = state
                .conferences
                .outcome(user, &id)
                .await
                .map_err(fail)?
                .current;
            let paragraph = ParagraphId::parse(&f.text("paragraph").map_err(fail)?)
                .map_err(|_| fail(AppError::invalid("paragraph: not a paragraph of the text")))?;
            let op = replace_wording(&current.text, &paragraph, &f.text("text").map_err(fail)?)
                .map_err(|_| fail(AppError::invalid("paragraph: not a paragraph of the text")))?;
            (current.number, vec![op])
        }
    };
    let amendment = state
        .conferences
        .propose_amendment(user, &id, base, operations, &explanation)
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}/outcome"),
        json!({"ok": true, "amendment": amendment}),
    ))
}

/// `POST /conferences/{id}/outcome/versions`: the chair issues a version — a form's
/// `decision_<amendment>` (accept or reject) and `agree_<paragraph>` (agreed as it stands,
/// brackets off), or a program's `decisions` and `edits` — with a `note`.
pub async fn issue_version(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let mut decisions: Vec<Decision> = f.structured("decisions").map_err(fail)?.unwrap_or_default();
    let mut edits: Vec<Operation> = f.structured("edits").map_err(fail)?.unwrap_or_default();
    for (aid, choice) in f.prefixed("decision_") {
        let outcome = match choice.as_str() {
            "accept" => Decide::Accept,
            "reject" => Decide::Reject,
            _ => continue,
        };
        let amendment = AmendmentId::parse(&aid).map_err(|_| fail(AppError::NotFound))?;
        decisions.push(Decision { amendment, outcome });
    }
    let agree: Vec<String> = f
        .prefixed("agree_")
        .into_iter()
        .filter(|(_, v)| matches!(v.as_str(), "on" | "yes" | "true" | "1"))
        .map(|(k, _)| k)
        .collect();
    if !agree.is_empty() {
        // Agreeing applies to the text as the accepted amendments leave it: those are applied
        // first, then the brackets of the paragraphs named come off.
        let current = state
            .conferences
            .outcome(user, &id)
            .await
            .map_err(fail)?
            .current;
        for pid in agree {
            let p = ParagraphId::parse(&pid)
                .ok()
                .and_then(|p| current.text.find(&p).cloned())
                .ok_or_else(|| fail(AppError::invalid("agree: not a paragraph of the text")))?;
            edits.extend(agree_as_it_stands(&p));
        }
    }
    let version = state
        .conferences
        .issue_outcome_version(
            user,
            &id,
            &decisions,
            &edits,
            &f.opt("note").unwrap_or_default(),
        )
        .await
        .map_err(fail)?;
    Ok(format.created(
        &format!("/conferences/{id}/outcome"),
        json!({"ok": true, "version": version}),
    ))
}

/// `POST /conferences/{id}/outcome/adopt`: the chair records the adoption of `version` (default
/// the current one); a text with anything still in brackets is refused.
pub async fn adopt(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Input { value: f, format }: Input<Fields>,
) -> Result<Response, WebError> {
    let user = format.user(&ctx)?;
    let fail = |e| format.fail(e);
    let version = match f.number::<u32>("version").map_err(fail)? {
        Some(v) => v,
        None => {
            state
                .conferences
                .outcome(user, &id)
                .await
                .map_err(fail)?
                .current
                .number
        }
    };
    state
        .conferences
        .adopt_outcome(user, &id, version)
        .await
        .map_err(fail)?;
    Ok(done(
        format,
        &format!("/conferences/{id}/outcome"),
        json!({"version": version}),
    ))
}

/// `GET /conferences/{id}/outcome.akn?lang=`: Akoma Ntoso of the adopted text (of the current
/// draft for participants).
pub async fn akoma_ntoso(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<super::conference::LangQuery>,
) -> Result<Response, WebError> {
    let format = format_of(&ctx);
    let xml = state
        .conferences
        .outcome_akoma_ntoso(ctx.user.as_ref(), &id, super::conference::lang_of(&ctx, &q))
        .await
        .map_err(|e| format.fail(e))?;
    Ok((
        [(header::CONTENT_TYPE, "application/akn+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
