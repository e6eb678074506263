//! Change detectors over a daily indicator series, with an artifact guard.
//!
//! Every day with events gets a baseline from the previous [`Params::window`] observed days
//! (artifact days excluded): the median and MAD of the material-conflict share, the pooled
//! share `p0`, and an over-dispersion factor `phi` (news events come in correlated bursts, so
//! Poisson noise understates the variance). Two standardised quantities follow:
//! `z_share = (share − median) / MAD` and `z_count = (conflict − p0·n) / sqrt(p0·n·phi)`.
//!
//! * `robust`: median/MAD baseline — both z's above threshold and enough conflict events.
//! * `cusum`: one-sided CUSUM of `z_count`; onset is the first day of the rising run.
//! * `bocpd`: Bayesian online change-point detection (Adams & MacKay 2007) on `z_count`,
//!   Gaussian segments with a normal prior on the mean; alarm when the posterior mass of a
//!   change in the last three days passes a threshold and the level went up.
//!
//! Artifact guard: a day whose volume is several times the baseline and whose events sit mostly
//! at one location or come mostly from one source is flagged, kept out of every baseline, and
//! can neither raise nor start an alert.

use crate::date::Date;
use crate::indicators::{Bucket, Scope};

/// Detector settings (defaults tuned on the GDELT Georgia set, see the crate README).
#[derive(Clone, Debug)]
pub struct Params {
    pub window: usize,
    pub min_baseline_days: usize,
    pub robust_z: f64,
    pub min_conflict_events: u64,
    /// Days with fewer events do not enter the share's median/MAD baseline.
    pub min_share_events: u64,
    pub cusum_k: f64,
    pub cusum_h: f64,
    pub bocpd_hazard: f64,
    pub bocpd_threshold: f64,
    pub artifact_volume_ratio: f64,
    pub artifact_concentration: f64,
    pub artifact_min_events: u64,
    /// Alarms of one detector closer than this many days continue the same alert; so do
    /// alarms of different detectors (one alert per episode).
    pub merge_days: i32,
    /// The count detectors (deaths per month) that run beside these on fatality data.
    pub counts: crate::counts::CountParams,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            window: 28,
            min_baseline_days: 14,
            robust_z: 3.0,
            min_conflict_events: 10,
            min_share_events: 20,
            cusum_k: 0.5,
            cusum_h: 5.0,
            bocpd_hazard: 1.0 / 100.0,
            bocpd_threshold: 0.5,
            artifact_volume_ratio: 3.0,
            artifact_concentration: 0.8,
            artifact_min_events: 30,
            merge_days: 7,
            counts: crate::counts::CountParams::default(),
        }
    }
}

/// One day of a scope with its baseline.
#[derive(Clone, Debug)]
pub struct Scored {
    pub date: Date,
    pub events: u64,
    pub conflict: u64,
    pub share: f64,
    pub baseline_share: f64,
    pub baseline_events: f64,
    pub z_share: f64,
    pub z_count: f64,
    pub artifact: Option<String>,
}

/// A raw alarm before enrichment with drivers and explanation.
#[derive(Clone, Debug)]
pub struct Alarm {
    pub scope: Scope,
    pub detector: &'static str,
    pub onset: Date,
    /// Day the detector fired.
    pub fired: Date,
    pub score: f64,
    pub baseline: f64,
    pub value: f64,
    pub events: u64,
    pub conflict: u64,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Score a daily series: baselines, z's and artifact flags.
pub fn score(days: &[Bucket], p: &Params) -> Vec<Scored> {
    let mut out = Vec::new();
    // Baseline history: (events, conflict) of accepted days.
    let mut hist: Vec<(u64, u64)> = Vec::new();
    for b in days {
        let Some(date) = b.start else { continue };
        if b.events == 0 {
            continue;
        }
        let (n, q4) = (b.events, b.quad[3]);
        let base = &hist[hist.len().saturating_sub(p.window)..];
        if base.len() < p.min_baseline_days {
            hist.push((n, q4));
            continue;
        }
        let mut ns: Vec<f64> = base.iter().map(|x| x.0 as f64).collect();
        let med_n = median(&mut ns);
        let concentration = [b.locations.top(), b.sources.top()]
            .into_iter()
            .flatten()
            .filter(|(_, s)| *s >= p.artifact_concentration)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let artifact = match concentration {
            Some((what, s))
                if n >= p.artifact_min_events
                    && n as f64 >= p.artifact_volume_ratio * med_n.max(1.0) =>
            {
                Some(format!(
                    "{n} events, {:.1}× the usual {med_n:.0}, {:.0}% of them at or from {what:?}",
                    n as f64 / med_n.max(1.0),
                    s * 100.0
                ))
            }
            _ => None,
        };
        // Shares of days with few events are mostly sampling noise: keep them out of the MAD.
        let mut shares: Vec<f64> = base
            .iter()
            .filter(|x| x.0 >= p.min_share_events)
            .map(|x| x.1 as f64 / x.0 as f64)
            .collect();
        if shares.len() < p.min_baseline_days / 2 {
            shares = base.iter().map(|x| x.1 as f64 / x.0 as f64).collect();
        }
        let med = median(&mut shares);
        let mut dev: Vec<f64> = shares.iter().map(|s| (s - med).abs()).collect();
        let mad = (1.4826 * median(&mut dev)).max(0.02);
        let (sn, sq): (u64, u64) = base.iter().fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
        let p0 = (sq as f64 / sn.max(1) as f64).clamp(0.005, 0.995);
        let mut r2: Vec<f64> = base
            .iter()
            .map(|x| {
                let e = p0 * x.0 as f64;
                (x.1 as f64 - e).powi(2) / e.max(0.5)
            })
            .collect();
        // Median of a chi-square(1) is 0.455.
        let phi = (median(&mut r2) / 0.455).max(1.0);
        let share = q4 as f64 / n as f64;
        let exp = p0 * n as f64;
        out.push(Scored {
            date,
            events: n,
            conflict: q4,
            share,
            baseline_share: med,
            baseline_events: med_n,
            z_share: (share - med) / mad,
            z_count: (q4 as f64 - exp) / (exp.max(1.0) * phi).sqrt(),
            artifact: artifact.clone(),
        });
        if artifact.is_none() {
            hist.push((n, q4));
        }
    }
    out
}

/// Run the three detectors on a scored series.
pub fn detect(scope: &Scope, scored: &[Scored], p: &Params) -> Vec<Alarm> {
    let clean: Vec<&Scored> = scored.iter().filter(|s| s.artifact.is_none()).collect();
    let mut alarms = Vec::new();
    let alarm = |det: &'static str, onset: &Scored, fired: &Scored, score: f64| Alarm {
        scope: scope.clone(),
        detector: det,
        onset: onset.date,
        fired: fired.date,
        score: (score * 100.0).round() / 100.0,
        baseline: fired.baseline_share,
        value: fired.share,
        events: fired.events,
        conflict: fired.conflict,
    };
    // Robust baseline.
    for s in &clean {
        if s.z_share >= p.robust_z && s.z_count >= p.robust_z && s.conflict >= p.min_conflict_events
        {
            alarms.push(alarm("robust", s, s, s.z_share.min(s.z_count)));
        }
    }
    // CUSUM.
    let mut c = 0.0;
    let mut start: Option<usize> = None;
    for (i, s) in clean.iter().enumerate() {
        let r = s.z_count.clamp(-4.0, 4.0) - p.cusum_k;
        if c == 0.0 && r > 0.0 {
            start = Some(i);
        }
        c = (c + r).max(0.0);
        if c == 0.0 {
            start = None;
        }
        if c >= p.cusum_h {
            let on = start.map(|j| clean[j]).unwrap_or(s);
            alarms.push(alarm("cusum", on, s, c));
            c = 0.0;
            start = None;
        }
    }
    // Bayesian online change-point detection.
    alarms.extend(
        bocpd(&clean, p)
            .into_iter()
            .map(|(on, at, prob)| alarm("bocpd", clean[on], clean[at], prob)),
    );
    merge(alarms, p.merge_days)
}

/// BOCPD with Gaussian segments (unit variance, N(0, 4) prior on the mean), truncated run
/// lengths. Returns (onset index, alarm index, posterior probability of the change).
fn bocpd(xs: &[&Scored], p: &Params) -> Vec<(usize, usize, f64)> {
    const R: usize = 400;
    const TAU2: f64 = 4.0;
    const S2: f64 = 1.0;
    let (lh, l1h) = (p.bocpd_hazard.ln(), (1.0 - p.bocpd_hazard).ln());
    let mut log_r: Vec<f64> = vec![0.0];
    let mut stats: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    let mut out = Vec::new();
    let mut last_alarm: Option<usize> = None;
    for (t, s) in xs.iter().enumerate() {
        let y = s.z_count.clamp(-4.0, 6.0);
        let lp: Vec<f64> = stats
            .iter()
            .map(|&(sum, cnt)| {
                let pv = 1.0 / (1.0 / TAU2 + cnt / S2);
                let pm = pv * sum / S2;
                let var = pv + S2;
                -0.5 * (2.0 * std::f64::consts::PI * var).ln() - (y - pm).powi(2) / (2.0 * var)
            })
            .collect();
        let cp = log_sum_exp(lp.iter().zip(&log_r).map(|(a, b)| a + b + lh));
        let mut next: Vec<f64> = Vec::with_capacity(log_r.len() + 1);
        next.push(cp);
        next.extend(lp.iter().zip(&log_r).map(|(a, b)| a + b + l1h));
        next.truncate(R);
        let z = log_sum_exp(next.iter().copied());
        log_r = next.into_iter().map(|v| v - z).collect();
        let mut ns = Vec::with_capacity(stats.len() + 1);
        ns.push((0.0, 0.0));
        ns.extend(stats.iter().map(|&(sm, c)| (sm + y, c + 1.0)));
        ns.truncate(R);
        stats = ns;
        // Run length r after seeing x_t: r = 1 means the segment started at t.
        let recent: f64 = log_r.iter().skip(1).take(3).map(|v| v.exp()).sum();
        if recent > p.bocpd_threshold
            && y > 2.0
            && s.conflict >= p.min_conflict_events
            && last_alarm.is_none_or(|l| t - l > 7)
        {
            let (best, _) = log_r
                .iter()
                .enumerate()
                .skip(1)
                .take(3)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .expect("three run lengths");
            let onset = t + 1 - best;
            out.push((onset, t, recent));
            last_alarm = Some(t);
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

/// Alarms of one detector within `days` of the previous one continue it (earliest onset kept,
/// highest score kept).
fn merge(mut alarms: Vec<Alarm>, days: i32) -> Vec<Alarm> {
    alarms.sort_by(|a, b| (a.detector, a.onset).cmp(&(b.detector, b.onset)));
    let mut out: Vec<Alarm> = Vec::new();
    for a in alarms {
        if let Some(last) = out.last_mut()
            && last.detector == a.detector
            && a.onset.0 - last.fired.0 <= days
        {
            if a.score > last.score {
                last.score = a.score;
                last.value = a.value;
                last.events = a.events;
                last.conflict = a.conflict;
            }
            last.fired = last.fired.max(a.fired);
            continue;
        }
        out.push(a);
    }
    out.sort_by_key(|a| (a.onset, a.detector));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::HeavyHitters;

    fn day(d: i32, n: u64, q4: u64, loc_top: Option<(&str, u64)>) -> Bucket {
        let mut locations = HeavyHitters::default();
        let (top, k) = loc_top.unwrap_or(("", 0));
        for i in 0..n {
            if i < k {
                locations.add(top.as_bytes());
            } else {
                locations.add(format!("place{}", i % 7).as_bytes());
            }
        }
        Bucket {
            start: Some(Date(15_000 + d)),
            events: n,
            quad: [n - q4, 0, 0, q4],
            locations,
            ..Bucket::default()
        }
    }

    fn quiet(days: i32) -> Vec<Bucket> {
        (0..days)
            .map(|d| day(d, 100 + (d as u64 * 7) % 23, 8 + (d as u64 * 5) % 5, None))
            .collect()
    }

    #[test]
    fn quiet_series_raises_nothing_and_escalation_is_caught() {
        let p = Params::default();
        let scope = Scope::Country("GEO".into());
        let s = quiet(90);
        assert!(detect(&scope, &score(&s, &p), &p).is_empty());
        let mut s = quiet(90);
        s.push(day(90, 180, 60, None));
        s.push(day(91, 200, 70, None));
        let alarms = detect(&scope, &score(&s, &p), &p);
        let dets: Vec<_> = alarms.iter().map(|a| a.detector).collect();
        assert!(
            dets.contains(&"robust") && dets.contains(&"cusum") && dets.contains(&"bocpd"),
            "{alarms:?}"
        );
        assert!(alarms.iter().all(|a| a.onset == Date(15_090)), "{alarms:?}");
    }

    #[test]
    fn one_place_dump_is_an_artifact_not_an_alert() {
        let p = Params::default();
        let scope = Scope::Country("GEO".into());
        let mut s = quiet(60);
        s.push(day(60, 2700, 370, Some(("Tbilisi", 2600))));
        s.extend((61..80).map(|d| day(d, 100, 9, None)));
        let scored = score(&s, &p);
        let dump = scored.iter().find(|x| x.date == Date(15_060)).unwrap();
        assert!(dump.artifact.is_some());
        assert!(detect(&scope, &scored, &p).is_empty());
        // The same volume spread over many places is not an artifact.
        let mut s = quiet(60);
        s.push(day(60, 2700, 370, None));
        let scored = score(&s, &p);
        assert!(scored.last().unwrap().artifact.is_none());
    }
}
