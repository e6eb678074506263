//! The text view: the current single negotiating text, what each version did (from the
//! versions themselves, in the reader's language), and the amendments — for each one the
//! paragraph, its current wording and the proposed wording as a word diff, with attribution as
//! the process's mode allows — plus the forms of whoever may act on them.

use super::view::is_mediator;
use super::words::Words;
use chamber_app::mediation::Workspace;
use chamber_mediation::permissions;
use chamber_mediation::text::diff::{ChangeKind, diff_texts, word_diff};
use chamber_mediation::text::render::{RenderOptions, html, word_diff_html};
use chamber_mediation::text::{
    AmendmentStatus, AmendmentView, NegotiatingText, ParagraphStatus, TextRecord, Version,
};
use serde_json::{Map, Value, json};

/// What an earlier Chamber wrote as a version's note itself (English), now said by
/// [`version_events`] in the reader's language instead.
fn is_legacy_system_note(note: &str) -> bool {
    note == "First draft"
        || (note.starts_with("Paragraph ") && note.ends_with(" agreed ad referendum"))
}

/// What a version did, each in a sentence of the reader's language: the first draft, proposals
/// accepted or merged, paragraphs agreed ad referendum, paragraphs the mediator reworded.
pub fn version_events(w: &Words, record: &TextRecord, v: &Version) -> Vec<String> {
    let Some(prev) = v.parent.and_then(|p| record.version(p).ok()) else {
        return vec![w.t("chamber-version-first-draft")];
    };
    let mut out = Vec::new();
    if !v.accepted.is_empty() {
        out.push(w.t_with(
            "chamber-version-accepted",
            &[("count", v.accepted.len().to_string())],
        ));
    }
    if !v.merged.is_empty() {
        out.push(w.t_with(
            "chamber-version-merged",
            &[("count", v.merged.len().to_string())],
        ));
    }
    let d = diff_texts(prev.number, &prev.text, v.number, &v.text);
    let by_proposal = !v.accepted.is_empty() || !v.merged.is_empty();
    for c in &d.paragraphs {
        let label = c
            .label_to
            .clone()
            .or(c.label_from.clone())
            .unwrap_or_default();
        if c.kinds.contains(&ChangeKind::StatusChanged) {
            let key = match c.status_to {
                Some(ParagraphStatus::AgreedAdReferendum) => "chamber-version-agreed",
                Some(ParagraphStatus::Deleted) => "chamber-version-deleted",
                _ => "chamber-version-reopened",
            };
            out.push(w.t_with(key, &[("paragraph", label.clone())]));
        }
        if !by_proposal
            && c.kinds
                .iter()
                .any(|k| matches!(k, ChangeKind::Changed | ChangeKind::Added))
        {
            out.push(w.t_with("chamber-version-edited", &[("paragraph", label)]));
        }
    }
    if out.is_empty() {
        out.push(w.t("chamber-version-rejections"));
    }
    out
}

/// The paragraph an amendment is about, with its current and proposed wording.
pub struct Proposal {
    pub paragraph: String,
    pub label: String,
    pub current: String,
    pub proposed: String,
}

pub fn proposal(record: &TextRecord, a: &AmendmentView) -> Option<Proposal> {
    let paragraph = a.operations.iter().find_map(|o| o.paragraph().cloned())?;
    let mut probe: NegotiatingText = record.version(a.base_version).ok()?.text.clone();
    for op in &a.operations {
        op.apply(&mut probe, true).ok()?;
    }
    let current_text = &record.current().text;
    let current = current_text
        .find(&paragraph)
        .map(|p| p.wording.text())
        .unwrap_or_default();
    let proposed = probe
        .find(&paragraph)
        .map(|p| p.wording.text())
        .unwrap_or_default();
    Some(Proposal {
        label: current_text
            .label(&paragraph)
            .or_else(|| probe.label(&paragraph))
            .unwrap_or_default(),
        paragraph: paragraph.as_str().to_string(),
        current,
        proposed,
    })
}

fn status_code(status: &AmendmentStatus) -> &'static str {
    match status {
        AmendmentStatus::Pending => "pending",
        AmendmentStatus::Accepted { .. } => "accepted",
        AmendmentStatus::Merged { .. } => "merged",
        AmendmentStatus::Rejected => "rejected",
    }
}

fn status_words(w: &Words, status: &AmendmentStatus) -> String {
    match status {
        AmendmentStatus::Accepted { version } | AmendmentStatus::Merged { version } => w.t_with(
            &format!("amendment-{}", status_code(status)),
            &[("version", version.to_string())],
        ),
        s => w.t(&format!("amendment-{}", status_code(s))),
    }
}

/// The amendments the viewer may see, each with its wording where the viewer may read it.
pub fn amendments(ws: &Workspace, record: &TextRecord, w: &Words) -> Vec<Value> {
    record
        .amendments_for(&ws.process, &ws.viewer)
        .iter()
        .map(|a| {
            let p = proposal(record, a);
            let by = match a.proposer.as_ref().and_then(|id| ws.process.party(id)) {
                Some(party) => party.name.clone(),
                None => w.t("chamber-proposal"),
            };
            let pending = matches!(a.status, AmendmentStatus::Pending);
            json!({
                "id": a.id.as_str(),
                "by": by,
                "explanation": a.explanation,
                "status": status_code(&a.status),
                "status_words": status_words(w, &a.status),
                "pending": pending,
                "proposed_at": a.proposed_at.map(|t| w.moment(t)),
                "paragraph": p.as_ref().map(|p| p.paragraph.clone()),
                "label": p.as_ref().map(|p| p.label.clone()),
                "current": p.as_ref().map(|p| p.current.clone()),
                "proposed": p.as_ref().map(|p| p.proposed.clone()),
                "diff_html": p.as_ref().filter(|_| pending).map(|p| word_diff_html(&word_diff(&p.current, &p.proposed))),
            })
        })
        .collect()
}

/// `/chamber/{id}/text`.
pub fn text(ws: &Workspace, w: &Words) -> Map<String, Value> {
    let process = &ws.process;
    let mut m = Map::new();
    let Some(record) = ws
        .record
        .as_ref()
        .filter(|_| permissions::may_read_text(process, &ws.viewer))
    else {
        m.insert("has_text".into(), json!(false));
        return m;
    };
    let current = record.current();
    let open = !process.is_closed() && ws.agreement.is_none();
    let mediator = is_mediator(ws) && open;
    let versions: Vec<Value> = record
        .versions()
        .iter()
        .rev()
        .map(|v| {
            json!({
                "number": v.number,
                "at": w.moment(v.issued_at),
                "hash": v.content_hash.chars().take(12).collect::<String>(),
                "events": version_events(w, record, v),
                "note": if is_legacy_system_note(&v.note) { "" } else { v.note.as_str() },
            })
        })
        .collect();
    let amendments = amendments(ws, record, w);
    let pending = amendments
        .iter()
        .filter(|a| a["pending"] == json!(true))
        .count();
    let labels = current.text.labels();
    let paragraphs: Vec<Value> = current
        .text
        .walk()
        .into_iter()
        .filter(|(_, _, p)| p.status != ParagraphStatus::Deleted)
        .map(|(_, _, p)| {
            let wording = p.wording.text();
            let short: String = wording.chars().take(48).collect();
            let short = if short.chars().count() < wording.chars().count() {
                format!("{short}…")
            } else {
                short
            };
            json!({
                "id": p.id.as_str(),
                "label": labels.get(&p.id).cloned().unwrap_or_default(),
                "short": short,
                "wording": wording,
                "agreed": p.status == ParagraphStatus::AgreedAdReferendum,
            })
        })
        .collect();
    let open_paragraphs: Vec<Value> = current
        .text
        .open_paragraphs()
        .iter()
        .map(|p| json!({"id": p.as_str(), "label": current.text.label(p).unwrap_or_default()}))
        .collect();
    m.insert("has_text".into(), json!(true));
    m.insert(
        "text_html".into(),
        json!(html(&current.text, &RenderOptions::default())),
    );
    m.insert("text_version".into(), json!(current.number));
    m.insert("versions".into(), Value::Array(versions));
    m.insert("amendments".into(), Value::Array(amendments));
    m.insert("pending".into(), json!(pending));
    m.insert("paragraphs".into(), Value::Array(paragraphs));
    m.insert("open_paragraphs".into(), Value::Array(open_paragraphs));
    m.insert("may_decide".into(), json!(mediator && pending > 0));
    m.insert("may_edit".into(), json!(mediator));
    m.insert(
        "may_propose".into(),
        json!(open && permissions::may_propose_amendment(process, &ws.viewer).is_some()),
    );
    m.insert("has_versions".into(), json!(record.versions().len() > 1));
    m
}

/// `/chamber/{id}/diff`: what changed, paragraph by paragraph and word by word.
pub fn diff_rows(d: &chamber_mediation::text::diff::TextDiff, w: &Words) -> Vec<Value> {
    d.paragraphs
        .iter()
        .map(|c| {
            json!({
                "label": c.label_to.clone().or(c.label_from.clone()).unwrap_or_default(),
                "kinds": c.kinds.iter().map(|k| w.change_kind(*k)).collect::<Vec<_>>().join(", "),
                "words_html": word_diff_html(&c.words),
            })
        })
        .collect()
}
