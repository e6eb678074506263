//! The opinion map as the page draws it: points scaled into the SVG, groups with their
//! representative statements, consensus.

use chamber_app::consult::OpinionMap;
use serde_json::{Value, json};

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];
const UNGROUPED: &str = "#9aa9b8";

/// Counts, and when there are groups the analysis, the points, groups and consensus.
pub fn map(m: &OpinionMap) -> Value {
    let mut v = json!({
        "n_participants": m.n_participants,
        "n_votes": m.n_votes,
        "n_statements": m.statements.iter().filter(|s| s.moderation > 0).count(),
    });
    let Some(analysis) = &m.analysis else {
        v["analysis"] = Value::Null;
        return v;
    };
    let body = |id: u64| {
        m.statements
            .iter()
            .find(|s| s.number as u64 == id)
            .map(|s| s.body.clone())
            .unwrap_or_default()
    };
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for [x, y] in analysis.pca.projections.values() {
        min_x = min_x.min(*x);
        max_x = max_x.max(*x);
        min_y = min_y.min(*y);
        max_y = max_y.max(*y);
    }
    let scale = |v: f64, lo: f64, hi: f64| {
        if hi > lo {
            20.0 + 380.0 * (v - lo) / (hi - lo)
        } else {
            210.0
        }
    };
    let points: Vec<Value> = analysis
        .pca
        .projections
        .iter()
        .map(|(pid, [x, y])| {
            let group = analysis.participants.get(pid).copied().flatten();
            json!({
                "x": format!("{:.1}", scale(*x, min_x, max_x)),
                "y": format!("{:.1}", 420.0 - scale(*y, min_y, max_y)),
                "group": group.map_or("none".to_string(), |g| g.to_string()),
                "colour": group.map_or(UNGROUPED, |g| PALETTE[g % PALETTE.len()]),
            })
        })
        .collect();
    let groups: Vec<Value> = analysis
        .groups
        .iter()
        .map(|g| {
            let label = char::from(b'A' + (g.id % 26) as u8).to_string();
            json!({
                "label": label,
                "count": g.members.len(),
                "colour": PALETTE[g.id % PALETTE.len()],
                "statements": g.repness.iter().take(5).map(|r| json!({
                    "body": body(r.comment_id),
                    "repful": r.repful,
                    "percent": (r.p_success * 100.0).round() as i64,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let consensus: Vec<Value> = analysis
        .consensus
        .iter()
        .take(5)
        .map(|c| json!({"body": body(c.comment_id), "score": c.group_informed_consensus}))
        .collect();
    v["analysis"] = serde_json::to_value(analysis).unwrap_or(Value::Null);
    v["points"] = Value::Array(points);
    v["groups"] = Value::Array(groups);
    v["consensus"] = Value::Array(consensus);
    v
}
