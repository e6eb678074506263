//! What the mediation pages show, built from a [`Workspace`] the caller may see: the frame every
//! view of a process shares (title, the views' navigation, the status message of the last
//! action) and the overview, spaces, sessions and set-up views. The text view is in
//! `text_view`, the agreement view in `agreement_view`.
//!
//! Every word comes from the catalogue through [`Words`]; user text (titles, notes, wording) is
//! marked `dir="auto"` by the templates.

use super::words::Words;
use chamber_app::mediation::Workspace;
use chamber_mediation::permissions::{self, ProcessView, filter_visible};
use chamber_mediation::process::{Origin, ProcessKind};
use chamber_mediation::text::Version;
use serde_json::{Map, Value, json};

/// The views of a process: (name, path after `/chamber/{id}`, catalogue key).
pub const VIEWS: &[(&str, &str, &str)] = &[
    ("overview", "", "chamber-view-overview"),
    ("spaces", "/spaces", "chamber-view-spaces"),
    ("text", "/text", "chamber-view-text"),
    ("sessions", "/sessions", "chamber-view-sessions"),
    ("agreement", "/agreement", "chamber-view-agreement"),
    ("setup", "/setup", "chamber-view-setup"),
];

/// The actions whose success a view confirms (`?done=<code>` after the redirect; the message
/// is `chamber-done-<code>`). Anything else in `done` is ignored.
pub const DONE: &[&str] = &[
    "note-posted",
    "proposed",
    "version-issued",
    "rejected",
    "nothing-decided",
    "edited",
    "agreed",
    "adopted",
    "commitment-set",
    "score-recorded",
    "party-added",
    "participant-added",
    "participant-removed",
    "track-set",
    "text-started",
    "room-added",
    "session-planned",
    "attribution-set",
    "minutes-saved",
    "taken",
    "opened",
    "closed",
];

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

/// Is the viewer a mediator of this process?
pub fn is_mediator(ws: &Workspace) -> bool {
    permissions::may_issue_version(&ws.process, &ws.viewer)
}

/// What every view of a process shares: the process, the navigation, the last action's status.
pub fn frame(ws: &Workspace, w: &Words, current: &str, done: Option<&str>) -> Map<String, Value> {
    let id = ws.process.id().as_str();
    let mediator = is_mediator(ws);
    let nav: Vec<Value> = VIEWS
        .iter()
        .filter(|(name, _, _)| *name != "setup" || mediator)
        .map(|(name, path, key)| {
            json!({"name": name, "href": format!("/chamber/{id}{path}"), "label": w.t(key), "current": *name == current})
        })
        .collect();
    let done = done
        .filter(|d| DONE.contains(d))
        .map(|d| w.t(&format!("chamber-done-{d}")));
    let mut m = Map::new();
    m.insert(
        "process".into(),
        json!({
            "id": id,
            "title": ws.process.title(),
            "closed": ws.process.closed().map(|c| w.date(c.at.date())),
        }),
    );
    m.insert("nav".into(), Value::Array(nav));
    m.insert("view".into(), json!(current));
    // The confirm steps are no view of the navigation, but have a title of their own.
    let title_key = match current {
        "adopt" => Some("chamber-adopt-confirm-title"),
        "close" => Some("lessons-close"),
        _ => VIEWS.iter().find(|v| v.0 == current).map(|v| v.2),
    };
    m.insert("view_title".into(), json!(title_key.map(|k| w.t(k))));
    m.insert("done".into(), json!(done));
    m.insert("is_mediator".into(), json!(mediator));
    m
}

fn kind_label(w: &Words, kind: ProcessKind) -> String {
    w.t(match kind {
        ProcessKind::PeaceProcess => "chamber-kind-peace",
        ProcessKind::PreventiveCase => "chamber-kind-preventive",
    })
}

/// `/chamber/{id}`: what the process is, who takes part, where it stands.
pub fn overview(ws: &Workspace, view: &ProcessView, w: &Words) -> Map<String, Value> {
    let process = &ws.process;
    let text = chosen_version(ws, None);
    let pending = match (&ws.record, permissions::may_read_text(process, &ws.viewer)) {
        (Some(r), true) => r
            .amendments_for(process, &ws.viewer)
            .iter()
            .filter(|a| matches!(a.status, chamber_mediation::text::AmendmentStatus::Pending))
            .count(),
        _ => 0,
    };
    let mut m = Map::new();
    m.insert("kind".into(), json!(kind_label(w, process.kind())));
    m.insert("opened".into(), json!(w.date(process.opened_at().date())));
    m.insert(
        "origin".into(),
        match process.origin() {
            Origin::WatchAlert {
                alert, evidence, ..
            } => json!({"alert": alert, "evidence": evidence}),
            Origin::Manual => Value::Null,
        },
    );
    m.insert(
        "parties".into(),
        json!(
            view.parties
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        ),
    );
    m.insert(
        "participants".into(),
        json!(
            view.participants
                .iter()
                .map(|p| json!({"person": p.person.as_str(), "role": w.role(process, &p.role)}))
                .collect::<Vec<_>>()
        ),
    );
    m.insert(
        "tracks".into(),
        json!(
            view.tracks
                .iter()
                .map(|t| {
                    let kind = serde_json::to_value(t.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let status = serde_json::to_value(t.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    json!({
                        "kind": w.t(&format!("track-{}", kind.replace('_', "-"))),
                        "status": w.t(&format!("track-status-{status}")),
                    })
                })
                .collect::<Vec<_>>()
        ),
    );
    m.insert("my_role".into(), json!(w.role(process, &view.my_role)));
    m.insert(
        "text".into(),
        json!(text.map(|v| json!({
            "version": v.number,
            "issued": w.date(v.issued_at.date()),
            "open": v.text.open_paragraphs().len(),
        }))),
    );
    m.insert("pending".into(), json!(pending));
    m.insert(
        "agreement".into(),
        json!(ws.agreement.as_ref().map(|a| json!({
            "version": a.version,
            "adopted": w.date(a.adopted_at.date()),
            "percent": a.rate().percent(),
        }))),
    );
    m.insert(
        "lessons_symbol".into(),
        json!(
            process
                .is_closed()
                .then(|| chamber_mediation::lessons::symbol_for(process.id().as_str()))
        ),
    );
    m
}

/// `/chamber/{id}/spaces`: the spaces the viewer may enter, each saying who can read it.
pub fn spaces(ws: &Workspace, view: &ProcessView, w: &Words) -> Map<String, Value> {
    let process = &ws.process;
    let notes = filter_visible(process, &ws.viewer, ws.notes.iter());
    let spaces: Vec<Value> = view
        .spaces
        .iter()
        .map(|s| {
            let in_space: Vec<Value> = notes
                .iter()
                .filter(|n| n.space == s.id)
                .map(|n| json!({"title": n.title, "body": n.body, "at": w.moment(n.created_at), "author": n.author.as_str()}))
                .collect();
            let kind = match &s.kind {
                chamber_mediation::SpaceKind::Plenary => "plenary",
                chamber_mediation::SpaceKind::Caucus { .. } => "caucus",
                chamber_mediation::SpaceKind::Mediators => "mediators",
            };
            json!({
                "id": s.id.as_str(),
                "kind": kind,
                "label": w.space(process, &s.kind),
                "readers": w.readers(process, &s.kind),
                "notes": in_space,
                "writable": permissions::may_write(process, &s.id, &ws.viewer) && !process.is_closed(),
            })
        })
        .collect();
    let mut m = Map::new();
    m.insert("spaces".into(), Value::Array(spaces));
    m
}

/// `/chamber/{id}/sessions`: the sessions the viewer may know of, one warning for all clashes.
pub fn sessions(ws: &Workspace, w: &Words) -> Map<String, Value> {
    let process = &ws.process;
    let visible = filter_visible(process, &ws.viewer, ws.sessions.iter());
    let sessions: Vec<Value> = visible
        .iter()
        .map(|s| {
            json!({
                "id": s.id.as_str(),
                "title": s.title,
                "format": w.session_format(process, &s.format),
                "start": w.moment(s.start),
                "end": w.moment(s.end),
                "room": s.room.as_ref().and_then(|r| ws.rooms.iter().find(|x| &x.id == r)).map(|r| r.name.clone()),
                "agenda": s.agenda,
                "minutes": s.minutes,
            })
        })
        .collect();
    let clashes = chamber_mediation::venue::visible_clashes(
        process,
        &ws.viewer,
        &ws.sessions,
        &chamber_mediation::venue::find_clashes(&ws.sessions),
    );
    let title = |id: &chamber_mediation::SessionId| {
        ws.sessions
            .iter()
            .find(|s| &s.id == id)
            .map(|s| s.title.clone())
    };
    let mut pairs: Vec<String> = Vec::new();
    for c in &clashes {
        if let (Some(a), Some(b)) = (title(&c.first), title(&c.second)) {
            let pair = format!("{a} / {b}");
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }
    let mut m = Map::new();
    m.insert("sessions".into(), Value::Array(sessions));
    m.insert("clashes".into(), json!(pairs));
    m.insert(
        "may_plan".into(),
        json!(permissions::may_plan_sessions(process, &ws.viewer) && !process.is_closed()),
    );
    m.insert("manage".into(), manage(ws));
    m
}

/// The parties and rooms a mediator's forms choose from.
fn manage(ws: &Workspace) -> Value {
    if !is_mediator(ws) {
        return Value::Null;
    }
    json!({
        "parties": ws.process.parties().iter().map(|p| json!({"id": p.id.as_str(), "name": p.name})).collect::<Vec<_>>(),
        "rooms": ws.rooms.iter().map(|r| json!({"id": r.id.as_str(), "name": r.name})).collect::<Vec<_>>(),
        "has_text": ws.record.is_some(),
        "attribution": serde_json::to_value(ws.process.attribution()).unwrap_or_default(),
    })
}

/// `/chamber/{id}/setup`: parties, participants, tracks, attribution, rooms, the first draft.
pub fn setup(ws: &Workspace, view: &ProcessView, w: &Words) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("manage".into(), manage(ws));
    m.insert(
        "participants".into(),
        json!(
            view.participants
                .iter()
                .map(|p| json!({"person": p.person.as_str(), "role": w.role(&ws.process, &p.role)}))
                .collect::<Vec<_>>()
        ),
    );
    m
}
