//! Rolling-origin evaluation over a country-month panel: every month from the first with
//! enough history is a data cutoff; every country with data there is forecast 1..=6 months
//! ahead by every method, and each forecast is scored against the month it targets.
//!
//! The months are split in time: forecasts whose target is on or before `split` form the
//! **tuning** period (the model's settings are chosen there, [`tune`]); forecasts whose cutoff
//! is on or after `split` form the **held-out** period (all their targets come later). The
//! forecasts in between (cutoff before, target after) are in neither.

use super::scoring::{CellScores, ScoreSums, Scores};
use super::{Method, rng_for};
use crate::series::{Month, Panel};

#[derive(Clone, Debug, serde::Serialize)]
pub struct EvalConfig {
    pub horizons: usize,
    pub samples: usize,
    /// Last target month of the tuning period; first cutoff of the held-out period.
    pub split: Month,
    /// Months of history every method sees at the first cutoff.
    pub min_history: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            horizons: 6,
            samples: 1000,
            split: Month::from_ym(2021, 6).expect("valid month"),
            min_history: 12,
        }
    }
}

/// Mean scores per horizon for each method.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PeriodScores {
    pub first_cutoff: Option<Month>,
    pub last_cutoff: Option<Month>,
    /// (horizon, [(method, scores)]), horizons 1..=n.
    pub by_horizon: Vec<(usize, Vec<(String, Scores)>)>,
    /// All horizons together.
    pub all: Vec<(String, Scores)>,
    /// Mean CRPS per cutoff (all horizons), one number per method in `methods` order.
    pub crps_by_cutoff: Vec<(Month, Vec<f64>)>,
}

impl PeriodScores {
    /// In how many cutoffs method `a` has a lower mean CRPS than method `b` (and of how many).
    pub fn cutoffs_won(&self, methods: &[Method], a: &str, b: &str) -> (usize, usize) {
        let pos = |name: &str| methods.iter().position(|m| m.name() == name);
        let (Some(i), Some(j)) = (pos(a), pos(b)) else {
            return (0, 0);
        };
        let won = self
            .crps_by_cutoff
            .iter()
            .filter(|(_, v)| v[i] < v[j])
            .count();
        (won, self.crps_by_cutoff.len())
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Evaluation {
    pub source: String,
    pub countries: usize,
    pub config: EvalConfig,
    pub methods: Vec<Method>,
    pub tuning: PeriodScores,
    pub held_out: PeriodScores,
}

impl Evaluation {
    /// Mean CRPS of a method over all horizons of a period.
    pub fn crps(period: &PeriodScores, method: &str) -> Option<f64> {
        period
            .all
            .iter()
            .find(|(m, _)| m == method)
            .map(|(_, s)| s.crps)
    }
}

#[derive(Default)]
struct Acc {
    first: Option<Month>,
    last: Option<Month>,
    // [horizon][method]
    sums: Vec<Vec<ScoreSums>>,
    // cutoff → [method]
    by_cutoff: std::collections::BTreeMap<Month, Vec<ScoreSums>>,
}

impl Acc {
    fn new(h: usize, m: usize) -> Acc {
        Acc {
            first: None,
            last: None,
            sums: vec![vec![ScoreSums::default(); m]; h],
            by_cutoff: Default::default(),
        }
    }

    fn finish(self, methods: &[Method]) -> PeriodScores {
        let names: Vec<String> = methods.iter().map(|m| m.name().to_string()).collect();
        let mut all = vec![ScoreSums::default(); methods.len()];
        let by_horizon = self
            .sums
            .iter()
            .enumerate()
            .map(|(h, row)| {
                for (a, s) in all.iter_mut().zip(row) {
                    a.merge(s);
                }
                (
                    h + 1,
                    names
                        .iter()
                        .cloned()
                        .zip(row.iter().map(|s| s.mean()))
                        .collect(),
                )
            })
            .collect();
        PeriodScores {
            first_cutoff: self.first,
            last_cutoff: self.last,
            by_horizon,
            all: names
                .into_iter()
                .zip(all.iter().map(|s| s.mean()))
                .collect(),
            crps_by_cutoff: self
                .by_cutoff
                .iter()
                .map(|(c, v)| (*c, v.iter().map(|s| s.mean().crps).collect()))
                .collect(),
        }
    }
}

/// Score every method on a rolling origin over the panel.
pub fn evaluate(panel: &Panel, methods: &[Method], cfg: &EvalConfig) -> Evaluation {
    let need = methods
        .iter()
        .map(|m| m.min_history())
        .max()
        .unwrap_or(0)
        .max(cfg.min_history)
        .max(1);
    let (mut tuning, mut held) = (
        Acc::new(cfg.horizons, methods.len()),
        Acc::new(cfg.horizons, methods.len()),
    );
    let Some((first, last)) = panel.span() else {
        return Evaluation {
            source: panel.source.clone(),
            countries: 0,
            config: cfg.clone(),
            methods: methods.to_vec(),
            tuning: tuning.finish(methods),
            held_out: held.finish(methods),
        };
    };
    let mut cutoff = first + (need as i32 - 1);
    while cutoff < last {
        for s in panel.series.values() {
            let hist = s.until(cutoff);
            if hist.last_month() != Some(cutoff) || hist.len() < need {
                continue;
            }
            for h in 1..=cfg.horizons {
                let target = cutoff + h as i32;
                let Some(y) = s.get(target) else { continue };
                let acc = if target <= cfg.split {
                    &mut tuning
                } else if cutoff >= cfg.split {
                    &mut held
                } else {
                    continue;
                };
                acc.first = Some(acc.first.map_or(cutoff, |f: Month| f.min(cutoff)));
                acc.last = Some(acc.last.map_or(cutoff, |l: Month| l.max(cutoff)));
                let per_cutoff = acc
                    .by_cutoff
                    .entry(cutoff)
                    .or_insert_with(|| vec![ScoreSums::default(); methods.len()]);
                for (i, m) in methods.iter().enumerate() {
                    let mut rng = rng_for(m, &s.scope, cutoff, h);
                    let draws = m.samples(&hist.values, h, cfg.samples, &mut rng);
                    let c = CellScores::of(&draws, y);
                    per_cutoff[i].push(&c);
                    acc.sums[h - 1][i].push(&c);
                }
            }
        }
        cutoff = cutoff + 1;
    }
    Evaluation {
        source: panel.source.clone(),
        countries: panel.series.len(),
        config: cfg.clone(),
        methods: methods.to_vec(),
        tuning: tuning.finish(methods),
        held_out: held.finish(methods),
    }
}

/// The `recency` settings tried on the tuning period, best (lowest mean CRPS over all
/// horizons) first.
pub fn tune(panel: &Panel, cfg: &EvalConfig) -> Vec<(Method, f64)> {
    let mut grid = Vec::new();
    for window in [6usize, 12, 24] {
        for half_life in [1.0, 2.0, 3.0, 6.0, 12.0] {
            for log_sd in [0.0, 0.2, 0.35, 0.5, 0.75] {
                grid.push(Method::Recency {
                    window,
                    half_life,
                    log_sd,
                });
            }
        }
    }
    // Every setting on the same cells: the history the largest window needs.
    let cfg = EvalConfig {
        min_history: 24,
        ..cfg.clone()
    };
    let e = evaluate(panel, &grid, &cfg);
    let mut out: Vec<(Method, f64)> = grid
        .into_iter()
        .zip(e.tuning.all.iter().map(|(_, s)| s.crps))
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out
}
