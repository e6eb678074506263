//! `chamber watch forecast` and `chamber watch forecast-eval`: where the numbers come from,
//! what is stored, and what is printed.

use super::archive::{Archive, RecordReport};
use super::eval::{EvalConfig, Evaluation, PeriodScores, evaluate, tune};
use super::{Forecast, Method, forecast_country};
use crate::alerts::deaths_scopes;
use crate::indicators::ScopeKind;
use crate::series::{Month, Panel, ViewsColumn, read_views_csv};
use crate::store::Store;
use std::path::Path;

/// The monthly deaths to forecast from: the VIEWS panel's CSV when given, else the store's
/// deaths per country.
pub fn load_panel(
    panel: Option<&Path>,
    column: ViewsColumn,
    store: &Path,
) -> Result<Panel, (i32, String)> {
    if let Some(p) = panel {
        return read_views_csv(p, column).map_err(|e| (2, e.to_string()));
    }
    if !store.is_dir() {
        return Err((
            2,
            format!(
                "no watch store at {} and no --panel FILE: nothing to forecast from",
                store.display()
            ),
        ));
    }
    let st = Store::new(store);
    let deaths =
        deaths_scopes(&st, &[(ScopeKind::Country, None)], None).map_err(|e| (1, e.to_string()))?;
    if deaths.is_empty() {
        return Err((
            2,
            format!(
                "the store at {} holds no deaths (ingest UCDP or ACLED data, or pass --panel FILE)",
                store.display()
            ),
        ));
    }
    Ok(Panel {
        source: format!("{} (deaths, best)", store.display()),
        series: deaths.into_iter().map(|(s, m)| (s.label(), m)).collect(),
        names: Default::default(),
    })
}

/// Forecast every country (or those named) at `cutoff`, record what is new in the archive and
/// return the stored forecasts of those countries and that method (unchanged).
pub fn make_and_store(
    panel: &Panel,
    archive: &Archive,
    cutoff: Month,
    countries: &[String],
    method: &Method,
    samples: usize,
) -> Result<(Vec<Forecast>, RecordReport), (i32, String)> {
    let mut made = Vec::new();
    for (iso3, s) in &panel.series {
        if !countries.is_empty() && !countries.contains(iso3) {
            continue;
        }
        if let Some(f) = forecast_country(s, cutoff, method, 6, samples, &panel.source) {
            made.extend(f);
        }
    }
    if made.is_empty() {
        return Err((
            2,
            format!(
                "no country has {} months of data ending {cutoff}{}",
                method.min_history(),
                if countries.is_empty() {
                    String::new()
                } else {
                    format!(" among {}", countries.join(", "))
                }
            ),
        ));
    }
    let report = archive.record(&made).map_err(|e| (1, e))?;
    let stored: Vec<Forecast> = archive
        .read(cutoff)
        .map_err(|e| (1, e))?
        .into_iter()
        .filter(|f| &f.method == method && made.iter().any(|m| m.country == f.country))
        .collect();
    Ok((stored, report))
}

/// Print forecasts as a table.
pub fn print_table(forecasts: &[Forecast]) {
    println!("country | cutoff | target | h | 5% | 25% | median | 75% | 95% | mean | method");
    for f in forecasts {
        let q = |l| f.quantile(l).map(|v| format!("{v:.0}")).unwrap_or_default();
        println!(
            "{} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {}",
            f.country,
            f.cutoff,
            f.target,
            f.horizon,
            q(0.05),
            q(0.25),
            q(0.5),
            q(0.75),
            q(0.95),
            f.mean,
            f.method.name()
        );
    }
}

/// The rolling-origin evaluation of the model and the three baselines in one run.
pub fn run_eval(panel: &Panel, cfg: &EvalConfig) -> Evaluation {
    let mut methods = Method::baselines();
    methods.push(Method::model());
    evaluate(panel, &methods, cfg)
}

fn print_period(name: &str, p: &PeriodScores, methods: &[Method]) {
    println!(
        "{name}: cutoffs {} to {}",
        p.first_cutoff.map(|m| m.to_string()).unwrap_or("-".into()),
        p.last_cutoff.map(|m| m.to_string()).unwrap_or("-".into())
    );
    if p.all.iter().all(|(_, s)| s.n == 0) {
        println!("{name}: no forecasts in this period");
        return;
    }
    println!("horizon | method | CRPS | MSLE | interval score 90% | coverage 90% | forecasts");
    let rows = p
        .by_horizon
        .iter()
        .map(|(h, r)| (h.to_string(), r))
        .chain(std::iter::once(("all".to_string(), &p.all)));
    for (h, row) in rows {
        for (m, s) in row {
            println!(
                "{h} | {m} | {:.2} | {:.3} | {:.1} | {:.3} | {}",
                s.crps, s.msle, s.interval_score_90, s.coverage_90, s.n
            );
        }
    }
    let model = Method::model();
    let (won, of) = p.cutoffs_won(methods, model.name(), "conflict_history");
    if let (Some(a), Some(b)) = (
        Evaluation::crps(p, model.name()),
        Evaluation::crps(p, "conflict_history"),
    ) {
        let horizons = p
            .by_horizon
            .iter()
            .filter(|(_, r)| {
                let c = |n: &str| r.iter().find(|(m, _)| m == n).map(|(_, s)| s.crps);
                c(model.name()) < c("conflict_history")
            })
            .count();
        println!(
            "{name}: {} CRPS {a:.2} against conflict_history {b:.2} ({:+.1} %), lower at {horizons} of {} horizons and in {won} of {of} cutoffs",
            model.name(),
            (a / b - 1.0) * 100.0,
            p.by_horizon.len()
        );
    }
}

/// Print an evaluation (both periods).
pub fn print_eval(e: &Evaluation) {
    println!(
        "{} countries from {}; {} draws a forecast; tuning: targets up to {}, held-out: cutoffs from {}",
        e.countries, e.source, e.config.samples, e.config.split, e.config.split
    );
    print_period("tuning", &e.tuning, &e.methods);
    print_period("held-out", &e.held_out, &e.methods);
}

/// Print the tuning grid's best settings.
pub fn print_tune(panel: &Panel, cfg: &EvalConfig) {
    let t = tune(panel, cfg);
    println!("rank | window | half-life | log sd | tuning CRPS");
    for (i, (m, c)) in t.iter().take(15).enumerate() {
        if let Method::Recency {
            window,
            half_life,
            log_sd,
        } = m
        {
            println!("{} | {window} | {half_life} | {log_sd} | {c:.3}", i + 1);
        }
    }
    if let Some((best, _)) = t.first() {
        println!(
            "chosen: {}",
            if *best == Method::model() {
                "the model's settings"
            } else {
                "differs from the model's settings"
            }
        );
    }
}
