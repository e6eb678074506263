//! Forecasts in the VIEWS manner: state-based deaths per country-month, 1 to 6 months after a
//! data cutoff, as a predictive distribution (samples, kept as quantiles).
//!
//! Methods ([`Method`]): the three baselines the VIEWS prediction challenge compares against —
//! `zero`, `last_value` (Poisson around the last month) and `conflict_history` (the
//! country's own last 12 months, resampled) — and `recency`, this crate's model: the country's
//! last months resampled with weights that halve every `half_life` months, each draw moved on
//! the `log1p` scale by a normal step whose spread grows with the horizon (zero months stay
//! zero). [`eval`] scores them on a rolling origin over a panel (CRPS, MSLE, interval score and
//! coverage at 90 %) and [`archive`] keeps every forecast made, unchanged, with its cutoff.
//!
//! Every draw comes from a generator seeded by (method, country, cutoff, horizon), so the same
//! data gives the same forecast on every machine.

pub mod archive;
pub mod eval;
pub mod report;
pub mod scoring;

use crate::series::{Month, MonthlySeries};
use crate::stats::{Rng, fnv1a, quantile_sorted};

/// A way of forecasting one country's next months from its past months.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// Always 0.
    Zero,
    /// Poisson around the last month's count.
    LastValue,
    /// The country's last `months` months, resampled uniformly.
    ConflictHistory { months: usize },
    /// The last `window` months resampled with weights 2^(−age/half_life), each non-zero draw
    /// moved by `exp(N(0, (log_sd·√h)²))` on the log1p scale.
    Recency {
        window: usize,
        half_life: f64,
        log_sd: f64,
    },
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Zero => "zero",
            Method::LastValue => "last_value",
            Method::ConflictHistory { .. } => "conflict_history",
            Method::Recency { .. } => "recency",
        }
    }

    /// The VIEWS baselines, in the order they are printed.
    pub fn baselines() -> Vec<Method> {
        vec![
            Method::Zero,
            Method::LastValue,
            Method::ConflictHistory { months: 12 },
        ]
    }

    /// This crate's model with the settings chosen on the tuning period (see the README).
    pub fn model() -> Method {
        Method::Recency {
            window: 24,
            half_life: 6.0,
            log_sd: 0.2,
        }
    }

    /// Months of history the method needs.
    pub fn min_history(&self) -> usize {
        match self {
            Method::Zero => 0,
            Method::LastValue => 1,
            Method::ConflictHistory { months } => *months,
            Method::Recency { window, .. } => *window,
        }
    }

    /// `n` sorted draws for `h` months after the last month of `hist`.
    pub fn samples(&self, hist: &[f64], h: usize, n: usize, rng: &mut Rng) -> Vec<f64> {
        let mut out: Vec<f64> = match self {
            Method::Zero => vec![0.0; n],
            Method::LastValue => {
                let last = hist.last().copied().unwrap_or(0.0);
                (0..n).map(|_| rng.poisson(last)).collect()
            }
            Method::ConflictHistory { months } => {
                let recent = &hist[hist.len().saturating_sub(*months)..];
                if recent.is_empty() {
                    vec![0.0; n]
                } else {
                    (0..n).map(|_| recent[rng.below(recent.len())]).collect()
                }
            }
            Method::Recency {
                window,
                half_life,
                log_sd,
            } => {
                let recent = &hist[hist.len().saturating_sub(*window)..];
                if recent.is_empty() {
                    vec![0.0; n]
                } else {
                    let k = recent.len();
                    let weights: Vec<f64> = (0..k)
                        .map(|i| (-((k - 1 - i) as f64) / half_life * std::f64::consts::LN_2).exp())
                        .collect();
                    let total: f64 = weights.iter().sum();
                    let sd = log_sd * (h as f64).sqrt();
                    (0..n)
                        .map(|_| {
                            let mut u = rng.uniform() * total;
                            let mut pick = recent[k - 1];
                            for (w, x) in weights.iter().zip(recent) {
                                if u < *w {
                                    pick = *x;
                                    break;
                                }
                                u -= w;
                            }
                            if pick <= 0.0 {
                                0.0
                            } else {
                                (pick.ln_1p() + sd * rng.normal()).exp_m1().max(0.0).round()
                            }
                        })
                        .collect()
                }
            }
        };
        out.sort_by(f64::total_cmp);
        out
    }
}

/// The generator of one forecast: the same (method, country, cutoff, horizon) always draws
/// the same samples.
pub fn rng_for(method: &Method, country: &str, cutoff: Month, h: usize) -> Rng {
    Rng::new(fnv1a(&[
        method.name().as_bytes(),
        country.as_bytes(),
        &cutoff.0.to_le_bytes(),
        &(h as u32).to_le_bytes(),
    ]))
}

/// Quantile levels every stored forecast keeps (the fan chart uses 0.05–0.95).
pub const LEVELS: [f64; 11] = [
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99,
];

/// One forecast: a country's deaths `horizon` months after `cutoff`, as quantiles.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Forecast {
    pub country: String,
    /// Last month of data the forecast saw.
    pub cutoff: Month,
    pub target: Month,
    pub horizon: u32,
    pub method: Method,
    /// Draws behind the quantiles.
    pub samples: u32,
    pub mean: f64,
    pub levels: Vec<f64>,
    pub quantiles: Vec<f64>,
    /// Where the history came from, and a hash of its values (FNV-1a over the months up to
    /// the cutoff), so a later revision of the data is visible.
    pub data: String,
    pub data_hash: String,
}

impl Forecast {
    /// The quantile at `level` (one of [`LEVELS`]).
    pub fn quantile(&self, level: f64) -> Option<f64> {
        self.levels
            .iter()
            .position(|l| (l - level).abs() < 1e-9)
            .map(|i| self.quantiles[i])
    }
}

/// Hash of a history (its first month and values).
pub fn data_hash(s: &MonthlySeries) -> String {
    let mut bytes = Vec::with_capacity(8 * s.values.len() + 4);
    bytes.extend_from_slice(&s.start.0.to_le_bytes());
    for v in &s.values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    format!("{:016x}", fnv1a(&[&bytes]))
}

/// Forecasts of one country for horizons 1..=`horizons` from the series up to `cutoff`;
/// `None` when the series is too short for the method or does not reach the cutoff.
pub fn forecast_country(
    s: &MonthlySeries,
    cutoff: Month,
    method: &Method,
    horizons: usize,
    samples: usize,
    data: &str,
) -> Option<Vec<Forecast>> {
    let hist = s.until(cutoff);
    if hist.last_month() != Some(cutoff) || hist.len() < method.min_history().max(1) {
        return None;
    }
    let hash = data_hash(&hist);
    Some(
        (1..=horizons)
            .map(|h| {
                let mut rng = rng_for(method, &s.scope, cutoff, h);
                let draws = method.samples(&hist.values, h, samples, &mut rng);
                Forecast {
                    country: s.scope.clone(),
                    cutoff,
                    target: cutoff + h as i32,
                    horizon: h as u32,
                    method: method.clone(),
                    samples: samples as u32,
                    mean: draws.iter().sum::<f64>() / draws.len().max(1) as f64,
                    levels: LEVELS.to_vec(),
                    quantiles: LEVELS.iter().map(|l| quantile_sorted(&draws, *l)).collect(),
                    data: data.to_string(),
                    data_hash: hash.clone(),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_draw_what_they_say() {
        let hist = [
            0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0,
        ];
        let mut rng = Rng::new(3);
        assert!(
            Method::Zero
                .samples(&hist, 1, 50, &mut rng)
                .iter()
                .all(|x| *x == 0.0)
        );
        let h = Method::ConflictHistory { months: 12 }.samples(&hist, 3, 500, &mut rng);
        assert!(h.iter().all(|x| hist.contains(x)));
        let l = Method::LastValue.samples(&hist, 1, 2000, &mut rng);
        let m = l.iter().sum::<f64>() / 2000.0;
        assert!((m - 110.0).abs() < 2.0, "{m}");
        // Recency with a short half-life stays near the last months.
        let r = Method::Recency {
            window: 12,
            half_life: 1.0,
            log_sd: 0.0,
        }
        .samples(&hist, 1, 1000, &mut rng);
        let recent = r.iter().filter(|x| **x >= 90.0).count();
        assert!(recent > 800, "{recent}");
        // Zero months stay zero.
        let z = Method::model().samples(&[0.0; 12], 6, 100, &mut rng);
        assert!(z.iter().all(|x| *x == 0.0));
    }

    #[test]
    fn forecasts_are_reproducible_and_carry_their_cutoff() {
        // Azerbaijan 2019-01 … 2021-02 (VIEWS ged_sb).
        let s = MonthlySeries {
            scope: "AZE".into(),
            start: Month::parse("2019-01").unwrap(),
            values: vec![
                0.0, 0.0, 1.0, 1.0, 1.0, 3.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 2.0, 4.0, 0.0,
                0.0, 0.0, 19.0, 0.0, 147.0, 1445.0, 5991.0, 27.0, 1.0, 2.0,
            ],
        };
        let cut = Month::parse("2020-12").unwrap();
        let a = forecast_country(&s, cut, &Method::model(), 6, 500, "test").unwrap();
        let b = forecast_country(&s, cut, &Method::model(), 6, 500, "test").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 6);
        assert_eq!(a[0].target.to_string(), "2021-01");
        assert_eq!(a[5].horizon, 6);
        // Data after the cutoff does not enter.
        let mut s2 = s.clone();
        s2.values[25] = 9999.0;
        assert_eq!(
            forecast_country(&s2, cut, &Method::model(), 6, 500, "test").unwrap(),
            a
        );
        assert!(a[0].quantile(0.05).unwrap() <= a[0].quantile(0.95).unwrap());
        // Too short a history, or a cutoff past the data: no forecast.
        assert!(
            forecast_country(
                &s,
                Month::parse("2020-06").unwrap(),
                &Method::model(),
                6,
                10,
                "t"
            )
            .is_none()
        );
        assert!(
            forecast_country(
                &s,
                Month::parse("2021-06").unwrap(),
                &Method::model(),
                6,
                10,
                "t"
            )
            .is_none()
        );
    }
}
