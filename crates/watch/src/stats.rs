//! Numerical pieces the count detectors and the forecasts share: log-gamma, the regularised
//! incomplete beta function (negative-binomial tails), the normal tail, surprise in bits,
//! empirical quantiles and a small deterministic random generator.
//!
//! Tails are returned as natural logarithms so that a tail of 1e-400 is still a number
//! (a 2,000-death month after months of 4 to 40 has a tail far below `f64::MIN_POSITIVE`).

use std::f64::consts::{LN_2, PI};

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln B(a, b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..20_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// ln I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
pub fn ln_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if x >= 1.0 {
        return 0.0;
    }
    let ln_front = a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front + beta_cf(a, b, x).ln() - a.ln()
    } else {
        // I_x(a, b) = 1 − I_{1−x}(b, a).
        let other = (ln_front + beta_cf(b, a, 1.0 - x).ln() - b.ln()).exp();
        (-other).ln_1p()
    }
}

/// ln P(X ≥ k) for X negative-binomial with `size` r > 0 and success probability p (mean
/// r(1−p)/p). `k` may be fractional (tempered counts): the identity P(X ≥ k) = I_{1−p}(k, r)
/// is used as the continuous extension.
pub fn ln_nb_upper_tail(k: f64, size: f64, p: f64) -> f64 {
    if k <= 0.0 {
        return 0.0;
    }
    ln_inc_beta(k, size, 1.0 - p)
}

/// ln of the negative-binomial probability of `k` (fractional k allowed, through Γ).
pub fn ln_nb_pmf(k: f64, size: f64, p: f64) -> f64 {
    ln_gamma(k + size) - ln_gamma(k + 1.0) - ln_gamma(size) + size * p.ln() + k * (1.0 - p).ln()
}

/// ln P(Z ≥ z) for a standard normal Z, accurate far into the tail.
pub fn ln_normal_upper_tail(z: f64) -> f64 {
    // erfc(x) with relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc),
    // written so that its logarithm never underflows.
    let x = z / std::f64::consts::SQRT_2;
    let ax = x.abs();
    let t = 1.0 / (1.0 + 0.5 * ax);
    let poly = -ax * ax - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ln_erfc_ax = t.ln() + poly;
    if x >= 0.0 {
        ln_erfc_ax - LN_2
    } else {
        // erfc(−a) = 2 − erfc(a).
        (1.0 - 0.5 * ln_erfc_ax.exp()).ln()
    }
}

/// Surprise in bits of an event whose natural-log probability is `ln_p`: −log₂ p.
pub fn bits(ln_p: f64) -> f64 {
    (-ln_p / LN_2).max(0.0)
}

/// The `q`-quantile (0 ≤ q ≤ 1) of sorted values, by linear interpolation (NumPy's default).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean and unbiased variance.
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let m = xs.iter().sum::<f64>() / n;
    let v = if xs.len() > 1 {
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (m, v)
}

/// A small deterministic generator (SplitMix64): the same seed gives the same forecast
/// samples on every machine, so a stored forecast can be recomputed and compared.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }

    /// Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 by the boost u^{1/shape}).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape <= 0.0 {
            return 0.0;
        }
        if shape < 1.0 {
            let u = self.uniform().max(1e-300);
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Poisson(mean): inversion for small means, a normal approximation above 500.
    pub fn poisson(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        if mean > 500.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0);
        }
        let l = (-mean).exp();
        let (mut k, mut p) = (0.0, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1.0;
        }
    }
}

/// FNV-1a, 64 bits: a hash that never changes between runs, builds or machines (the
/// standard library's hasher may), for alert ids and forecast seeds.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1F;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        for &b in *p {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_and_beta_match_known_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-12);
        // I_0.5(2, 3) = 11/16.
        assert!((ln_inc_beta(2.0, 3.0, 0.5).exp() - 11.0 / 16.0).abs() < 1e-12);
        // I_x(1, 1) = x.
        assert!((ln_inc_beta(1.0, 1.0, 0.3).exp() - 0.3).abs() < 1e-12);
    }

    #[test]
    fn nb_tail_agrees_with_a_sum_of_probabilities() {
        for &(r, p) in &[(0.5, 0.9), (3.0, 0.4), (40.0, 0.95)] {
            for k in [1u32, 2, 5, 17] {
                let below: f64 = (0..k).map(|j| ln_nb_pmf(j as f64, r, p).exp()).sum();
                let tail = ln_nb_upper_tail(k as f64, r, p).exp();
                assert!((tail - (1.0 - below)).abs() < 1e-10, "r {r} p {p} k {k}");
            }
        }
        // Far tails stay finite in log space.
        let t = ln_nb_upper_tail(2000.0, 5.0, 0.5);
        assert!(t.is_finite() && t < -1000.0, "{t}");
    }

    #[test]
    fn normal_tail() {
        assert!((ln_normal_upper_tail(0.0).exp() - 0.5).abs() < 1e-6);
        assert!((ln_normal_upper_tail(1.959_964).exp() - 0.025).abs() < 1e-6);
        assert!((ln_normal_upper_tail(-1.959_964).exp() - 0.975).abs() < 1e-6);
        // ln P(Z ≥ 40) ≈ −804.6.
        assert!((ln_normal_upper_tail(40.0) + 804.608).abs() < 0.01);
        assert!((bits(0.5f64.ln()) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn generator_is_deterministic_and_roughly_right() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut r = Rng::new(1);
        let n = 20_000;
        let m: f64 = (0..n).map(|_| r.gamma(2.5)).sum::<f64>() / n as f64;
        assert!((m - 2.5).abs() < 0.05, "{m}");
        let m: f64 = (0..n).map(|_| r.poisson(3.0)).sum::<f64>() / n as f64;
        assert!((m - 3.0).abs() < 0.05, "{m}");
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
