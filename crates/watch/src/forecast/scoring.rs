//! Scores of a predictive distribution given as samples, as the VIEWS prediction challenge
//! computes them: CRPS on the samples (the ensemble formula `E|X − y| − ½E|X − X'|`), MSLE on
//! `log1p`, the interval score and coverage of the central 90 % interval (quantiles by linear
//! interpolation). Lower is better for all but coverage, which should be near 0.90.

use crate::stats::quantile_sorted;

/// CRPS of sorted samples against an observation.
pub fn crps_sorted(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len() as f64;
    if sorted.is_empty() {
        return f64::NAN;
    }
    let mut abs_err = 0.0;
    let mut spread = 0.0;
    for (i, x) in sorted.iter().enumerate() {
        abs_err += (x - y).abs();
        // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i), i from 1.
        spread += (2.0 * (i as f64 + 1.0) - n - 1.0) * x;
    }
    abs_err / n - spread / (n * n)
}

/// The point forecast MSLE scores: `expm1(mean(log1p(samples)))`, the value that minimises
/// the expected squared log error under the forecast.
pub fn log_point(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    (samples.iter().map(|x| x.max(0.0).ln_1p()).sum::<f64>() / samples.len() as f64).exp_m1()
}

/// Squared log error of a point forecast.
pub fn squared_log_error(point: f64, y: f64) -> f64 {
    (point.max(0.0).ln_1p() - y.max(0.0).ln_1p()).powi(2)
}

/// Interval score of the central interval at `level` (e.g. 0.9), and whether it covers `y`.
pub fn interval_score_sorted(sorted: &[f64], y: f64, level: f64) -> (f64, bool) {
    let alpha = 1.0 - level;
    let lo = quantile_sorted(sorted, alpha / 2.0);
    let hi = quantile_sorted(sorted, 1.0 - alpha / 2.0);
    let mut s = hi - lo;
    if y < lo {
        s += 2.0 / alpha * (lo - y);
    }
    if y > hi {
        s += 2.0 / alpha * (y - hi);
    }
    (s, y >= lo && y <= hi)
}

/// Sums of the four scores over many forecasts.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct ScoreSums {
    pub n: u64,
    pub crps: f64,
    pub sle: f64,
    pub interval: f64,
    pub covered: u64,
}

/// The four scores of one forecast.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellScores {
    pub crps: f64,
    pub sle: f64,
    pub interval: f64,
    pub covered: bool,
}

impl CellScores {
    pub fn of(sorted: &[f64], y: f64) -> CellScores {
        let (interval, covered) = interval_score_sorted(sorted, y, 0.9);
        CellScores {
            crps: crps_sorted(sorted, y),
            sle: squared_log_error(log_point(sorted), y),
            interval,
            covered,
        }
    }
}

impl ScoreSums {
    pub fn add(&mut self, sorted: &[f64], y: f64) {
        self.push(&CellScores::of(sorted, y));
    }

    pub fn push(&mut self, c: &CellScores) {
        self.n += 1;
        self.crps += c.crps;
        self.sle += c.sle;
        self.interval += c.interval;
        self.covered += c.covered as u64;
    }

    pub fn merge(&mut self, o: &ScoreSums) {
        self.n += o.n;
        self.crps += o.crps;
        self.sle += o.sle;
        self.interval += o.interval;
        self.covered += o.covered;
    }

    pub fn mean(&self) -> Scores {
        let n = self.n.max(1) as f64;
        Scores {
            n: self.n,
            crps: self.crps / n,
            msle: self.sle / n,
            interval_score_90: self.interval / n,
            coverage_90: self.covered as f64 / n,
        }
    }
}

/// Mean scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    pub n: u64,
    pub crps: f64,
    pub msle: f64,
    pub interval_score_90: f64,
    pub coverage_90: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crps_matches_its_definition() {
        // Brute force E|X − y| − ½ E|X − X'|.
        let xs: [f64; 5] = [0.0, 1.0, 1.0, 4.0, 10.0];
        let y: f64 = 3.0;
        let n = xs.len() as f64;
        let a: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
        let b: f64 = xs
            .iter()
            .flat_map(|x| xs.iter().map(move |z| (x - z).abs()))
            .sum::<f64>()
            / (2.0 * n * n);
        assert!((crps_sorted(&xs, y) - (a - b)).abs() < 1e-12);
        // A point forecast: CRPS is the absolute error.
        assert!((crps_sorted(&[5.0; 10], 2.0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn interval_score_and_msle() {
        let xs: Vec<f64> = (0..=100).map(f64::from).collect();
        // 5 % and 95 % quantiles are 5 and 95.
        let (s, cov) = interval_score_sorted(&xs, 50.0, 0.9);
        assert_eq!((s, cov), (90.0, true));
        let (s, cov) = interval_score_sorted(&xs, 100.0, 0.9);
        assert!((s - (90.0 + 20.0 * 5.0)).abs() < 1e-9 && !cov);
        assert!((squared_log_error(0.0, 0.0)).abs() < 1e-12);
        assert!((log_point(&[0.0, 3.0]) - (4f64.ln() / 2.0).exp_m1()).abs() < 1e-12);
    }
}
