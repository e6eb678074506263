//! Detectors for sparse, over-dispersed monthly counts (deaths per country-month).
//!
//! Every month gets a baseline from the previous [`CountParams::window`] months: a
//! Poisson–gamma (negative-binomial) predictive distribution. The months are over-dispersed
//! (a war's deaths swing by thousands), so they are tempered first: with the quasi-Poisson
//! dispersion `φ = max(1, variance / mean)` of the window, a count `x` enters as `x / φ`
//! (variance `φ·mean`, as a quasi-likelihood does). The rate of the tempered counts has a
//! Gamma(α₀, β₀) prior updated with the window, so the next month is negative-binomial with
//! size `α₀ + Σx/φ` and probability `(β₀ + n) / (β₀ + n + 1)`. Its upper tail at the month's
//! count, `P(X ≥ x)`, is the calibrated severity every alert carries, also as a surprise in
//! bits, `−log₂ P` (10 bits ≈ one chance in a thousand).
//!
//! * `nb_tail`: the month's tail probability is below `2^−tail_bits`.
//! * `bocpd_counts`: Bayesian online change-point detection (Adams & MacKay 2007) with
//!   Poisson–gamma segments on the tempered counts: alarm when the posterior puts more than
//!   `bocpd_threshold` on a segment that began this month or the month before, at a level
//!   above the baseline.
//!
//! Both need `min_count` deaths and `min_ratio` times the expected number, so a
//! significant but tiny move (2 deaths after months of 0) is no alert. Both are causal: a
//! month's alarm depends only on that month and the ones before it, so an alert found once is
//! found again, with the same onset, when later months arrive.

use crate::series::{Month, MonthlySeries};
use crate::stats::{bits, ln_nb_pmf, ln_nb_upper_tail, mean_var};

/// Settings of the count detectors (chosen on the tuning half of the labelled episodes; see
/// the crate README).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CountParams {
    /// Months of baseline before the month scored.
    pub window: usize,
    /// Fewer months of history: scored, never an alarm.
    pub min_history: usize,
    /// Gamma prior on the tempered monthly rate: shape α₀ and rate β₀ (in months).
    pub prior_shape: f64,
    pub prior_months: f64,
    /// `nb_tail` fires at this surprise (bits) or more.
    pub tail_bits: f64,
    pub min_count: f64,
    pub min_ratio: f64,
    pub bocpd_hazard: f64,
    pub bocpd_threshold: f64,
    /// Gamma prior of a new BOCPD segment (vague: a new level may be anything).
    pub bocpd_prior_shape: f64,
    pub bocpd_prior_months: f64,
    /// Alarm months at most this many months after an alert's last month continue it.
    pub merge_gap_months: i32,
}

impl Default for CountParams {
    fn default() -> Self {
        CountParams {
            window: 12,
            min_history: 6,
            prior_shape: 0.5,
            prior_months: 1.0,
            tail_bits: 10.0,
            min_count: 10.0,
            min_ratio: 2.0,
            bocpd_hazard: 1.0 / 48.0,
            bocpd_threshold: 0.5,
            bocpd_prior_shape: 0.1,
            bocpd_prior_months: 0.01,
            merge_gap_months: 2,
        }
    }
}

/// One month with its baseline.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ScoredMonth {
    pub month: Month,
    pub value: f64,
    /// Predictive mean from the window before this month.
    pub expected: f64,
    /// Quasi-Poisson dispersion of the window (1 = Poisson).
    pub dispersion: f64,
    /// ln P(X ≥ value) under the baseline.
    pub ln_tail: f64,
    /// −log₂ of the tail probability.
    pub surprise_bits: f64,
    /// Months of history the baseline saw.
    pub history: usize,
}

/// Score every month of a series against the months before it.
pub fn score_counts(s: &MonthlySeries, p: &CountParams) -> Vec<ScoredMonth> {
    let mut out = Vec::with_capacity(s.values.len());
    for (i, &x) in s.values.iter().enumerate() {
        let hist = &s.values[i.saturating_sub(p.window)..i];
        let (m, v) = mean_var(hist);
        let phi = if m > 0.0 && hist.len() > 1 {
            (v / m).max(1.0)
        } else {
            1.0
        };
        let shape = p.prior_shape + hist.iter().sum::<f64>() / phi;
        let rate = p.prior_months + hist.len() as f64;
        let prob = rate / (rate + 1.0);
        let ln_tail = ln_nb_upper_tail(x / phi, shape, prob);
        out.push(ScoredMonth {
            month: s.month_at(i),
            value: x,
            expected: phi * shape / rate,
            dispersion: phi,
            ln_tail,
            surprise_bits: bits(ln_tail),
            history: hist.len(),
        });
    }
    out
}

/// One detector firing on one month.
#[derive(Clone, Debug, PartialEq)]
pub struct CountAlarm {
    pub detector: &'static str,
    /// First month of the change (bocpd may place it a month before the one it fired on).
    pub onset: Month,
    pub fired: Month,
    /// The detector's own statistic: surprise bits (`nb_tail`) or change probability
    /// (`bocpd_counts`), and the threshold it passed.
    pub statistic: f64,
    pub threshold: f64,
    /// Deaths in the month it fired and the baseline's expected number.
    pub value: f64,
    pub expected: f64,
}

fn big_enough(m: &ScoredMonth, p: &CountParams) -> bool {
    m.history >= p.min_history && m.value >= p.min_count && m.value >= p.min_ratio * m.expected
}

/// Run both count detectors over a scored series.
pub fn detect_counts(scored: &[ScoredMonth], p: &CountParams) -> Vec<CountAlarm> {
    let mut out: Vec<CountAlarm> = scored
        .iter()
        .filter(|m| big_enough(m, p) && m.surprise_bits >= p.tail_bits)
        .map(|m| CountAlarm {
            detector: "nb_tail",
            onset: m.month,
            fired: m.month,
            statistic: m.surprise_bits,
            threshold: p.tail_bits,
            value: m.value,
            expected: m.expected,
        })
        .collect();
    out.extend(bocpd_counts(scored, p));
    out.sort_by_key(|a| (a.fired, a.detector));
    out
}

/// BOCPD with Poisson–gamma segments on counts tempered by each month's dispersion.
fn bocpd_counts(scored: &[ScoredMonth], p: &CountParams) -> Vec<CountAlarm> {
    const MAX_RUN: usize = 120;
    let (lh, l1h) = (p.bocpd_hazard.ln(), (1.0 - p.bocpd_hazard).ln());
    // Joint log-probability of each run length L ≥ 1 (observations in the current segment,
    // the latest included), and the segment's raw sum.
    let mut log_r: Vec<f64> = Vec::new();
    let mut sums: Vec<f64> = Vec::new();
    let mut out = Vec::new();
    for m in scored {
        let phi = m.dispersion;
        let y = m.value / phi;
        let pred = |sum: f64, n: usize, shape0: f64, months0: f64| {
            let shape = shape0 + sum / phi;
            let rate = months0 + n as f64;
            ln_nb_pmf(y, shape, rate / (rate + 1.0))
        };
        let new_seg = pred(0.0, 0, p.bocpd_prior_shape, p.bocpd_prior_months);
        let mut next = Vec::with_capacity(log_r.len() + 1);
        let total = log_sum_exp(log_r.iter().copied());
        next.push(if log_r.is_empty() {
            new_seg
        } else {
            total + lh + new_seg
        });
        for (n, (lr, s)) in log_r.iter().zip(&sums).enumerate() {
            next.push(lr + l1h + pred(*s, n + 1, p.prior_shape, p.prior_months));
        }
        let mut next_sums = Vec::with_capacity(sums.len() + 1);
        next_sums.push(m.value);
        next_sums.extend(sums.iter().map(|s| s + m.value));
        next.truncate(MAX_RUN);
        next_sums.truncate(MAX_RUN);
        let z = log_sum_exp(next.iter().copied());
        log_r = next.into_iter().map(|v| v - z).collect();
        sums = next_sums;
        let recent: f64 = log_r.iter().take(2).map(|v| v.exp()).sum();
        if recent > p.bocpd_threshold && big_enough(m, p) {
            // L = 1: the segment began this month; L = 2: the month before.
            let began_before = log_r.get(1).is_some_and(|b| *b > log_r[0]);
            out.push(CountAlarm {
                detector: "bocpd_counts",
                onset: if began_before { m.month + -1 } else { m.month },
                fired: m.month,
                statistic: (recent * 1000.0).round() / 1000.0,
                threshold: p.bocpd_threshold,
                value: m.value,
                expected: m.expected,
            });
        }
    }
    out
}

fn log_sum_exp(it: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = it.collect();
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Alarms of one series merged into episodes: one per run of alarm months no more than
/// `merge_gap_months` apart, whatever the detector.
#[derive(Clone, Debug, PartialEq)]
pub struct CountEpisode {
    pub onset: Month,
    /// First month an alarm fired (when the warning could first be given).
    pub first_fired: Month,
    pub last: Month,
    /// Agreeing detectors, in the order they first fired.
    pub detectors: Vec<&'static str>,
    pub alarms: Vec<CountAlarm>,
    /// The most surprising month of the episode under its baseline.
    pub peak: ScoredMonth,
}

pub fn episodes(
    scored: &[ScoredMonth],
    alarms: &[CountAlarm],
    p: &CountParams,
) -> Vec<CountEpisode> {
    let mut sorted = alarms.to_vec();
    sorted.sort_by_key(|a| (a.fired, a.onset, a.detector));
    let mut out: Vec<CountEpisode> = Vec::new();
    let find = |m: Month| scored.iter().find(|s| s.month == m).cloned();
    for a in sorted {
        let Some(at) = find(a.fired) else { continue };
        if let Some(e) = out.last_mut()
            && a.onset - e.last <= p.merge_gap_months
        {
            e.onset = e.onset.min(a.onset);
            e.last = e.last.max(a.fired);
            if !e.detectors.contains(&a.detector) {
                e.detectors.push(a.detector);
            }
            if at.surprise_bits > e.peak.surprise_bits {
                e.peak = at;
            }
            e.alarms.push(a);
            continue;
        }
        out.push(CountEpisode {
            onset: a.onset,
            first_fired: a.fired,
            last: a.fired,
            detectors: vec![a.detector],
            alarms: vec![a],
            peak: at,
        });
    }
    out
}

/// Score, detect and merge in one call.
pub fn count_episodes(s: &MonthlySeries, p: &CountParams) -> (Vec<ScoredMonth>, Vec<CountEpisode>) {
    let scored = score_counts(s, p);
    let alarms = detect_counts(&scored, p);
    let eps = episodes(&scored, &alarms, p);
    (scored, eps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(start: &str, v: &[f64]) -> MonthlySeries {
        MonthlySeries {
            scope: "XXX".into(),
            start: Month::parse(start).unwrap(),
            values: v.to_vec(),
        }
    }

    #[test]
    fn a_jump_after_quiet_months_is_one_episode_with_both_detectors() {
        // Myanmar-like: months of 4 to 40, then more than 2,000.
        let mut v = vec![
            4.0, 12.0, 40.0, 7.0, 22.0, 9.0, 31.0, 5.0, 18.0, 26.0, 11.0, 35.0,
        ];
        v.extend([2100.0, 1800.0, 30.0]);
        let s = series("2020-01", &v);
        let p = CountParams::default();
        let (scored, eps) = count_episodes(&s, &p);
        assert_eq!(eps.len(), 1, "{eps:?}");
        let e = &eps[0];
        assert_eq!(e.onset.to_string(), "2021-01");
        assert!(e.detectors.contains(&"nb_tail") && e.detectors.contains(&"bocpd_counts"));
        assert!(e.peak.surprise_bits > 40.0, "{:?}", e.peak);
        // Quiet months with a baseline are unsurprising.
        assert!(
            scored[6..12].iter().all(|m| m.surprise_bits < 10.0),
            "{scored:?}"
        );
    }

    #[test]
    fn zeros_and_small_moves_raise_nothing() {
        let p = CountParams::default();
        let s = series("2018-01", &[0.0; 40]);
        assert!(count_episodes(&s, &p).1.is_empty());
        // 0–4 a month, as after a ceasefire.
        let v: Vec<f64> = (0..30)
            .map(|i| [1.0, 2.0, 0.0, 0.0, 4.0, 2.0][i % 6])
            .collect();
        assert!(count_episodes(&series("2018-01", &v), &p).1.is_empty());
        // An over-dispersed war: big swings are its normal.
        let v: Vec<f64> = (0..36)
            .map(|i| [1700.0, 2600.0, 1500.0, 3100.0, 2000.0, 1200.0][i % 6])
            .collect();
        assert!(count_episodes(&series("2018-01", &v), &p).1.is_empty());
    }

    #[test]
    fn alarms_are_causal_later_months_do_not_move_them() {
        let p = CountParams::default();
        let mut v = vec![0.0; 24];
        v.extend([150.0, 1400.0, 6000.0, 20.0, 1.0, 2.0, 0.0]);
        let full = count_episodes(&series("2018-01", &v), &p).1;
        let cut = count_episodes(&series("2018-01", &v[..26]), &p).1;
        assert_eq!(full[0].onset, cut[0].onset);
        assert_eq!(full[0].first_fired, cut[0].first_fired);
        assert_eq!(full.len(), 1);
    }

    #[test]
    fn history_too_short_is_no_alarm() {
        let p = CountParams::default();
        let s = series("2014-01", &[6.0, 82.0, 0.0, 22.0]);
        assert!(count_episodes(&s, &p).1.is_empty());
    }
}
