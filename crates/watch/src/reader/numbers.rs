//! Numbers, ids and CAMEO codes as the datasets write them.

use super::FieldError;
use std::borrow::Cow;

pub(super) fn parse_u32(s: &str, field: &'static str) -> Result<Option<u32>, FieldError> {
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = s.parse::<u32>() {
        return Ok(Some(v));
    }
    match s.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 => Ok(Some(v as u32)),
        _ => Err((field, format!("not a count: {s:?}"))),
    }
}

/// A count written as the store writes it (1–9 digits, no leading zero): its value.
#[inline]
pub(super) fn canonical_count(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 9 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v = 0u32;
    for &d in b {
        let x = d.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        v = v * 10 + x as u32;
    }
    Some(v)
}

/// `[-+]?digits[.digits]` with a mantissa below 2^53: `m / 10^k` is then exactly what
/// `str::parse` gives (one correctly rounded division, Clinger's fast path).
pub(crate) fn fast_f64(s: &[u8]) -> Option<f64> {
    fast_f64_canonical(s).map(|(v, _)| v)
}

/// [`fast_f64`], and whether the text is already what the store writes for the value
/// (`store::Line::float`): no `+`, no leading zero, at most six decimals without a trailing
/// zero, not a negative zero.
pub(super) fn fast_f64_canonical(s: &[u8]) -> Option<(f64, bool)> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (neg, plus, digits) = match s.first()? {
        b'-' => (true, false, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // Integer digits, then (after one dot) fraction digits; anything else is not a number.
    let (mut m, mut i, n) = (0u64, 0usize, digits.len());
    while i < n {
        let d = digits[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m * 10 + d as u64;
        i += 1;
    }
    let int_len = i;
    let (dot, frac) = if i < n {
        if digits[i] != b'.' {
            return None;
        }
        for &b in &digits[i + 1..] {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            m = m * 10 + d as u64;
        }
        (Some(i), n - i - 1)
    } else {
        (None, 0)
    };
    if int_len + frac == 0 || m > 1 << 53 || frac > 22 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    let canonical = !plus
        && (1..=12).contains(&int_len)
        && (digits[0] != b'0' || int_len == 1)
        && match dot {
            Some(_) => (1..=6).contains(&frac) && digits[digits.len() - 1] != b'0',
            None => !neg || m != 0,
        };
    Some((if neg { -v } else { v }, canonical))
}

/// [`parse_f64`] with [`fast_f64_canonical`]'s flag (false off the fast path).
pub(super) fn parse_f64_canonical(
    s: &str,
    field: &'static str,
) -> Result<Option<(f64, bool)>, FieldError> {
    if let Some(vc) = fast_f64_canonical(s.as_bytes()) {
        return Ok(Some(vc));
    }
    Ok(parse_f64(s, field)?.map(|v| (v, false)))
}

pub(super) fn parse_f64(s: &str, field: &'static str) -> Result<Option<f64>, FieldError> {
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(v) = fast_f64(s.as_bytes()) {
        return Ok(Some(v));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err((field, format!("not a number: {s:?}"))),
    }
}

pub(super) fn parse_lat_lon(
    lat: &str,
    lon: &str,
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<(Option<f64>, Option<f64>), FieldError> {
    let ((la, _), (lo, _)) = parse_lat_lon_canonical(lat, lon, lat_name, lon_name)?;
    Ok((la, lo))
}

/// [`parse_lat_lon`] with each text's canonical flag (see [`fast_f64_canonical`]).
#[allow(clippy::type_complexity)]
pub(super) fn parse_lat_lon_canonical(
    lat: &str,
    lon: &str,
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<((Option<f64>, bool), (Option<f64>, bool)), FieldError> {
    let la = parse_f64_canonical(lat, lat_name)?;
    let lo = parse_f64_canonical(lon, lon_name)?;
    if la.is_some_and(|(v, _)| !(-90.0..=90.0).contains(&v)) {
        return Err((lat_name, format!("latitude out of range: {lat}")));
    }
    if lo.is_some_and(|(v, _)| !(-180.0..=180.0).contains(&v)) {
        return Err((lon_name, format!("longitude out of range: {lon}")));
    }
    let split = |x: Option<(f64, bool)>| (x.map(|(v, _)| v), x.is_some_and(|(_, c)| c));
    Ok((split(la), split(lo)))
}

pub(super) fn parse_id<'a>(s: &'a str, field: &'static str) -> Result<Cow<'a, str>, FieldError> {
    if s.is_empty() {
        return Err((field, "missing id".into()));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(s.trim_start_matches('0')));
    }
    match s.parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e17 => {
            Ok(Cow::Owned(format!("{}", v as u64)))
        }
        _ => Err((field, format!("not an event id: {s:?}"))),
    }
}

/// CAMEO code check: 2–4 digits. Returns (code, root).
pub(super) fn parse_cameo<'a>(code: &'a str, root: &str) -> Result<(&'a str, u8), FieldError> {
    if code.is_empty() {
        return Ok(("", 0));
    }
    let b = code.as_bytes();
    if !(2..=4).contains(&b.len()) || !b.iter().all(|b| b.is_ascii_digit()) {
        return Err(("EventCode", format!("not a CAMEO code: {code:?}")));
    }
    let from_code = (b[0] - b'0') * 10 + (b[1] - b'0');
    let root = if root.is_empty() {
        from_code
    } else {
        match root.parse::<u8>() {
            Ok(r) if (1..=20).contains(&r) => r,
            _ => return Err(("EventRootCode", format!("not a CAMEO root: {root:?}"))),
        }
    };
    if !(1..=20).contains(&root) {
        return Err(("EventCode", format!("CAMEO root out of range: {code:?}")));
    }
    Ok((code, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_numbers_agree_with_std() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 1_000_000_000_000) as i64 * if i % 2 == 0 { 1 } else { -1 };
            let scale = ((x >> 40) % 12) as usize;
            let s = if scale == 0 {
                digits.to_string()
            } else {
                let a = digits.unsigned_abs().to_string();
                let a = format!("{a:0>width$}", width = scale + 1);
                let (int, frac) = a.split_at(a.len() - scale);
                format!("{}{int}.{frac}", if digits < 0 { "-" } else { "" })
            };
            assert_eq!(
                fast_f64(s.as_bytes()),
                Some(s.parse::<f64>().unwrap()),
                "{s}"
            );
        }
        for bad in ["", "-", ".", "1.2.3", "1e5", "nan", "12345678901234567890"] {
            assert_eq!(fast_f64(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(fast_f64(b"-77.0083"), Some(-77.0083));
        // The canonical flag is the store's own rule: the text is what the store writes.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..100_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = (x % 200) as i64 - 100;
            let frac = format!("{:08}", (x >> 20) % 100_000_000);
            let decimals = ((x >> 50) % 9) as usize;
            let lead = if i % 7 == 0 { "0" } else { "" };
            let t = if decimals == 0 {
                format!("{lead}{int}")
            } else {
                format!("{lead}{int}.{}", &frac[..decimals])
            };
            let Some((v, canonical)) = fast_f64_canonical(t.as_bytes()) else {
                continue;
            };
            let mut o = Vec::new();
            crate::store::tsv::push_f64(&mut o, v);
            assert_eq!(canonical, o == t.as_bytes(), "{t}");
            // f32 values (Goldstein, within -10..10) written from a canonical text give it back.
            if canonical && v.abs() < 16.0 {
                let mut o32 = Vec::new();
                crate::store::tsv::push_f64(&mut o32, v as f32 as f64);
                assert_eq!(o32, t.as_bytes(), "{t} as f32");
            }
        }
        for t in [
            "41.725",
            "-0.5",
            "-0",
            "0",
            "1.50",
            ".5",
            "007",
            "3.",
            "+1",
            "10",
            "-10",
            "0.000001",
            "0.0000001",
            "123456789012",
            "1234567890123",
            "1.2345678",
        ] {
            let mine = fast_f64_canonical(t.as_bytes()).is_some_and(|(_, c)| c);
            let mut o = Vec::new();
            crate::store::tsv::push_f64(&mut o, t.parse::<f64>().unwrap());
            // Sound always (a text called canonical is what the store writes); complete below
            // 10^12, where the store writes plain decimals.
            assert!(!mine || o == t.as_bytes(), "{t}");
            if t.trim_start_matches('-').split('.').next().unwrap().len() <= 12 {
                assert_eq!(mine, o == t.as_bytes(), "{t}");
            }
        }
        assert_eq!(fast_f64(b"3."), Some(3.0));
    }
}
