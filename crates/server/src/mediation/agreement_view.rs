//! The agreement-and-implementation view: adoption (with a confirm step), the commitments with
//! their provision type, responsible party and deadline, every period's score with evidence,
//! overdue commitments flagged, the trend chart overall and per provision type, CSV export.

use super::view::is_mediator;
use super::words::Words;
use chamber_app::mediation::Workspace;
use chamber_mediation::agreement::ProvisionType;
use chamber_mediation::agreement::chart::{ChartLabels, trend_svg};
use chamber_mediation::agreement::monitoring::{MonitoringView, monitoring_view};
use chamber_mediation::lessons::Outcome;
use serde_json::{Map, Value, json};

/// Today, the day overdue is judged on.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Every provision type, named in the reader's language, in that language's alphabetical order
/// of names (as the select shows them).
pub fn provision_types(w: &Words) -> Vec<Value> {
    let mut v: Vec<(String, &'static str)> = ProvisionType::all()
        .map(|t| (w.provision_type(t), t.code()))
        .collect();
    v.sort();
    v.into_iter()
        .map(|(name, code)| json!({"code": code, "name": name}))
        .collect()
}

/// The implementation chart, every word from the catalogue.
pub fn chart(m: &MonitoringView, w: &Words) -> String {
    let labels = ChartLabels {
        title: w.t("chamber-chart-title"),
        y_axis: w.t("chamber-chart-y"),
        x_axis: w.t("chamber-chart-x"),
        overall: w.t("chamber-chart-overall"),
        empty: w.t("chamber-chart-empty"),
        type_names: m
            .trend
            .by_type
            .iter()
            .map(|s| (s.provision_type, w.provision_type(s.provision_type)))
            .collect(),
        periods: m.trend.periods.iter().map(|d| w.date(*d)).collect(),
        right_to_left: w.lang.dir() == "rtl",
    };
    trend_svg(&m.trend, &labels)
}

/// `/chamber/{id}/agreement`.
pub fn agreement(ws: &Workspace, w: &Words) -> Map<String, Value> {
    let process = &ws.process;
    let mediator = is_mediator(ws) && !process.is_closed();
    let mut m = Map::new();
    let Some(a) = &ws.agreement else {
        let open = ws
            .record
            .as_ref()
            .map(|r| r.current().text.open_paragraphs().len());
        m.insert("agreement".into(), Value::Null);
        m.insert("open_paragraphs".into(), json!(open));
        m.insert("may_adopt".into(), json!(mediator && open == Some(0)));
        return m;
    };
    let Ok(mv) = monitoring_view(process, &ws.viewer, a, today()) else {
        m.insert("agreement".into(), Value::Null);
        return m;
    };
    let commitments: Vec<Value> = mv
        .commitments
        .iter()
        .map(|c| {
            json!({
                "id": c.provision.as_str(),
                "label": c.label,
                "text": c.text,
                "type": c.provision_type.map(|t| w.provision_type(t)),
                "type_code": c.provision_type.map(|t| t.code()),
                "responsible": c.responsible.as_ref().map(|r| r.name.clone()),
                "responsible_id": c.responsible.as_ref().map(|r| r.id.as_str().to_string()),
                "deadline": c.deadline.map(|d| w.date(d)),
                "deadline_iso": c.deadline.map(|d| d.to_string()),
                "overdue": c.overdue,
                "overdue_words": c.days_late.map(|d| w.t_with("chamber-overdue", &[("days", d.to_string())])),
                "level": c.latest.map(u8::from),
                "history": c.history.iter().filter(|s| !s.superseded).map(|s| json!({
                    "period": w.date(s.period),
                    "level": u8::from(s.level),
                    "evidence": s.evidence,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let by_type: Vec<Value> = mv
        .by_type
        .iter()
        .map(|t| json!({"name": w.provision_type(t.provision_type), "percent": t.rate.percent()}))
        .collect();
    m.insert(
        "agreement".into(),
        json!({
            "version": mv.version,
            "adopted": w.date(mv.adopted_at.date()),
            "hash": mv.content_hash.chars().take(12).collect::<String>(),
            "rate": w.t_with("chamber-rate", &[
                ("percent", mv.rate.percent().to_string()),
                ("points", mv.rate.points.to_string()),
                ("max", mv.rate.max.to_string()),
            ]),
            "by_type": by_type,
            "untyped": mv.untyped,
            "overdue": mv.overdue,
            "commitments": commitments,
            "chart_svg": chart(&mv, w),
            "scored": !mv.trend.periods.is_empty(),
        }),
    );
    m.insert("may_record".into(), json!(mv.may_record && mediator));
    m.insert("may_close".into(), json!(mediator));
    m.insert("provision_types".into(), json!(provision_types(w)));
    m.insert(
        "parties".into(),
        json!(
            process
                .parties()
                .iter()
                .map(|p| json!({"id": p.id.as_str(), "name": p.name}))
                .collect::<Vec<_>>()
        ),
    );
    m
}

/// `/chamber/{id}/adopt`: what adopting will do, and the confirm button.
pub fn adopt_confirm(ws: &Workspace, w: &Words) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(r) = &ws.record {
        let v = r.current();
        m.insert("text_version".into(), json!(v.number));
        m.insert("issued".into(), json!(w.date(v.issued_at.date())));
        m.insert(
            "text_html".into(),
            json!(chamber_mediation::text::render::html(
                &v.text,
                &Default::default()
            )),
        );
        m.insert("open".into(), json!(v.text.open_paragraphs().len()));
    }
    m.insert("already".into(), json!(ws.agreement.is_some()));
    m
}

/// `/chamber/{id}/close`: the lessons-learned form, one row per provision of the agreement.
pub fn close_form(ws: &Workspace, w: &Words) -> Map<String, Value> {
    let mut m = Map::new();
    let outcomes: Vec<Value> = [
        Outcome::Held,
        Outcome::Partly,
        Outcome::Failed,
        Outcome::NotAssessed,
    ]
    .iter()
    .map(|o| json!({"code": o.code(), "name": w.t(&format!("lessons-outcome-{}", o.code()))}))
    .collect();
    let provisions: Vec<Value> = ws
        .agreement
        .iter()
        .flat_map(|a| {
            a.commitments.iter().map(|c| {
                let latest = a.latest_score(&c.provision).map(|s| s.level);
                json!({
                    "id": c.provision.as_str(),
                    "label": c.label,
                    "text": c.text,
                    "suggested": chamber_mediation::lessons::outcome_of(latest).code(),
                })
            })
        })
        .collect();
    m.insert("outcomes".into(), json!(outcomes));
    m.insert("provisions".into(), json!(provisions));
    m.insert("closed".into(), json!(ws.process.is_closed()));
    m
}
