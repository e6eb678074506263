//! What the mediation pages show, built from a [`Workspace`] the caller may see.

use chamber_app::mediation::Workspace;
use chamber_mediation::agreement::Agreement;
use chamber_mediation::permissions::{self, ProcessView, filter_visible};
use chamber_mediation::text::render::{RenderOptions, html};
use chamber_mediation::text::{AmendmentStatus, Version};
use serde_json::{Value, json};

/// The version asked for (default: current), when the viewer may read the text.
pub fn chosen_version(ws: &Workspace, number: Option<u32>) -> Option<&Version> {
    if !permissions::may_read_text(&ws.process, &ws.viewer) {
        return None;
    }
    let record = ws.record.as_ref()?;
    match number {
        Some(n) => record.version(n).ok(),
        None => Some(record.current()),
    }
}

/// The catalogue key suffix of an amendment's status (`amendment-…`).
pub fn amendment_status_code(status: &AmendmentStatus) -> &'static str {
    match status {
        AmendmentStatus::Pending => "pending",
        AmendmentStatus::Accepted { .. } => "accepted",
        AmendmentStatus::Merged { .. } => "merged",
        AmendmentStatus::Rejected => "rejected",
    }
}

/// The version an accepted or merged amendment went into.
pub fn amendment_version(status: &AmendmentStatus) -> Option<u32> {
    match status {
        AmendmentStatus::Accepted { version } | AmendmentStatus::Merged { version } => {
            Some(*version)
        }
        AmendmentStatus::Pending | AmendmentStatus::Rejected => None,
    }
}

/// The agreement as the process page shows it: provisions, latest scores, rates.
pub fn agreement(a: &Agreement) -> Value {
    let rate = a.rate();
    json!({
        "version": a.version,
        "adopted": a.adopted_at.date().to_string(),
        "hash": a.content_hash.chars().take(12).collect::<String>(),
        "rate_percent": format!("{:.0}", rate.value() * 100.0),
        "points": rate.points,
        "max": rate.max,
        "themes": a.rate_by_type().iter().map(|t| json!({
            "theme": t.provision_type.code(),
            "percent": format!("{:.0}", t.rate.value() * 100.0),
        })).collect::<Vec<_>>(),
        "provisions": a.commitments.iter().map(|c| {
            let latest = a.latest_score(&c.provision);
            json!({
                "id": c.provision.as_str(),
                "label": c.label,
                "text": c.text,
                "theme": c.provision_type.map(|t| t.code()),
                "responsible": c.responsible.as_ref().map(|r| r.as_str().to_string()),
                "deadline": c.deadline.map(|d| d.to_string()),
                "level": latest.map(|s| s.level as u8),
                "evidence": latest.map(|s| s.evidence.clone()),
            })
        }).collect::<Vec<_>>(),
    })
}

/// The whole process page's context.
pub fn process_page(ws: &Workspace, view: &ProcessView) -> Value {
    let viewer = &ws.viewer;
    let process = &ws.process;
    let notes = filter_visible(process, viewer, ws.notes.iter());
    let spaces: Vec<Value> = view
        .spaces
        .iter()
        .map(|s| {
            let in_space: Vec<Value> = notes
                .iter()
                .filter(|n| n.space == s.id)
                .map(|n| json!({"title": n.title, "body": n.body, "at": n.created_at.date().to_string()}))
                .collect();
            let writable = permissions::may_write(process, &s.id, viewer);
            json!({"id": s.id.as_str(), "label": s.label, "notes": in_space, "writable": writable})
        })
        .collect();
    let (text_html, versions, amendments) = match &ws.record {
        Some(record) if permissions::may_read_text(process, viewer) => {
            let versions: Vec<Value> = record
                .versions()
                .iter()
                .map(|v| json!({"number": v.number, "at": v.issued_at.date().to_string(), "hash": v.content_hash.chars().take(12).collect::<String>(), "note": v.note}))
                .collect();
            let amendments: Vec<Value> = record
                .amendments_for(process, viewer)
                .iter()
                .map(|a| {
                    json!({
                        "id": a.id.as_str(),
                        "by": a.proposer_label,
                        "explanation": a.explanation,
                        "status": amendment_status_code(&a.status),
                        "version": amendment_version(&a.status),
                        "pending": matches!(a.status, AmendmentStatus::Pending),
                    })
                })
                .collect();
            (
                html(&record.current().text, &RenderOptions::default()),
                versions,
                amendments,
            )
        }
        _ => (String::new(), Vec::new(), Vec::new()),
    };
    let may_propose = permissions::may_propose_amendment(process, viewer).is_some();
    let may_issue = permissions::may_issue_version(process, viewer);
    let paragraphs: Vec<Value> = match &ws.record {
        Some(record) if may_propose => {
            let text = &record.current().text;
            let labels = text.labels();
            text.preamble
                .iter()
                .chain(text.operative.iter())
                .map(|p| {
                    let text = p.wording.text();
                    let short: String = text.chars().take(80).collect();
                    let short = if short.len() < text.len() { format!("{short}…") } else { short };
                    json!({"id": p.id.as_str(), "label": labels.get(&p.id).cloned().unwrap_or_default(), "short": short})
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let sessions: Vec<Value> = filter_visible(process, viewer, ws.sessions.iter())
        .iter()
        .map(|s| json!({
            "id": s.id.as_str(),
            "minutes": s.minutes,
            "agenda": s.agenda,
            "title": s.title,
            "start": s.start.to_string(),
            "end": s.end.to_string(),
            "room": s.room.as_ref().and_then(|r| ws.rooms.iter().find(|x| &x.id == r)).map(|r| r.name.clone()),
        }))
        .collect();
    let clashes = chamber_mediation::venue::visible_clashes(
        process,
        viewer,
        &ws.sessions,
        &chamber_mediation::venue::find_clashes(&ws.sessions),
    );
    let clash_titles: Vec<String> = clashes
        .iter()
        .filter_map(|c| {
            let title = |id: &chamber_mediation::SessionId| {
                ws.sessions
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.title.clone())
            };
            Some(format!("{} / {}", title(&c.first)?, title(&c.second)?))
        })
        .collect();
    let manage = may_issue.then(|| json!({
        "parties": view.parties.iter().map(|p| json!({"id": p.id.as_str(), "name": p.name})).collect::<Vec<_>>(),
        "rooms": ws.rooms.iter().map(|r| json!({"id": r.id.as_str(), "name": r.name})).collect::<Vec<_>>(),
        "has_text": ws.record.is_some(),
        "attribution": serde_json::to_value(process.attribution()).unwrap_or_default(),
    }));
    let open_paragraphs: Vec<Value> = match &ws.record {
        Some(record) if may_issue => {
            let text = &record.current().text;
            text.open_paragraphs()
                .iter()
                .map(|p| json!({"id": p.as_str(), "label": text.label(p).unwrap_or_default()}))
                .collect()
        }
        _ => Vec::new(),
    };
    json!({
        "sessions": sessions,
        "clashes": clash_titles,
        "manage": manage,
        "tracks": view.tracks,
        "participants": view.participants.iter().map(|p| json!({"person": p.person.as_str(), "role": serde_json::to_value(&p.role).ok().and_then(|r| r["role"].as_str().map(str::to_string)).unwrap_or_default()})).collect::<Vec<_>>(),
        "open_paragraphs": open_paragraphs,
        "agreement": ws.agreement.as_ref().map(agreement),
        "may_score": may_issue,
        "may_propose": may_propose,
        "may_issue": may_issue,
        "paragraphs": paragraphs,
        "process": {"id": process.id().as_str(), "title": view.title},
        "origin": match process.origin() {
            chamber_mediation::process::Origin::WatchAlert { alert, evidence, .. } => {
                json!({"alert": alert, "evidence": evidence})
            }
            chamber_mediation::process::Origin::Manual => Value::Null,
        },
        "parties": view.parties.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "spaces": spaces,
        "text_html": text_html,
        "versions": versions,
        "amendments": amendments,
    })
}
