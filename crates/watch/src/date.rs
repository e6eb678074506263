//! Calendar dates as days since 1970-01-01 (proleptic Gregorian, UTC), no dependency.

use std::fmt;

/// A calendar day. Ordered, copyable, cheap to bucket by week or month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

impl Date {
    /// Build from year, month (1–12) and day (1–31); `None` when the day does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1..=9999).contains(&y) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = m as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Parse `YYYYMMDD` (GDELT SQLDATE).
    pub fn parse_compact(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // All eight are ASCII digits: the numbers are plain sums.
        let n =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |v, &d| v * 10 + (d - b'0') as u32);
        Date::from_ymd(n(0..4) as i32, n(4..6), n(6..8))
    }

    /// Parse `YYYY-MM-DD`, optionally followed by a time (`2013-12-13 00:00:00.000`, `T…`).
    pub fn parse_iso(s: &str) -> Option<Date> {
        let s = s.trim();
        let head = s.get(..10)?;
        let rest = &s[10..];
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
            return None;
        }
        let b = head.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = head[0..4].parse::<i32>().ok()?;
        let m = head[5..7].parse::<u32>().ok()?;
        let d = head[8..10].parse::<u32>().ok()?;
        if !head[0..4].bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Date::from_ymd(y, m, d)
    }

    /// Parse ACLED's `01 November 2024` (also accepts ISO dates).
    pub fn parse_dmy_words(s: &str) -> Option<Date> {
        let s = s.trim();
        if let Some(d) = Date::parse_iso(s) {
            return Some(d);
        }
        let mut it = s.split_whitespace();
        let d = it.next()?.parse::<u32>().ok()?;
        let mon = it.next()?.to_ascii_lowercase();
        let y = it.next()?.parse::<i32>().ok()?;
        if it.next().is_some() {
            return None;
        }
        const MONTHS: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let m = MONTHS
            .iter()
            .position(|n| *n == mon || (mon.len() == 3 && n.starts_with(&mon)))?;
        Date::from_ymd(y, m as u32 + 1, d)
    }

    /// Monday of this date's ISO week.
    pub fn week_start(self) -> Date {
        // 1970-01-01 was a Thursday: weekday index with Monday = 0 is (days + 3) mod 7.
        Date(self.0 - (self.0 + 3).rem_euclid(7))
    }

    /// First day of this date's month.
    pub fn month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        Date::from_ymd(y, m, 1).expect("first of month exists")
    }

    /// `YYYY-MM`, the store's partition name.
    pub fn month_key(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{y:04}-{m:02}")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_parses() {
        for days in [-800_000, -1, 0, 1, 15_000, 19_000, 2_000_000] {
            let (y, m, d) = Date(days).ymd();
            if (1..=9999).contains(&y) {
                assert_eq!(Date::from_ymd(y, m, d), Some(Date(days)));
            }
        }
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(
            Date::parse_compact("20120919").unwrap().to_string(),
            "2012-09-19"
        );
        assert_eq!(Date::parse_compact("20120230"), None);
        assert_eq!(Date::parse_compact("2012091"), None);
        assert_eq!(
            Date::parse_iso("2013-12-13 00:00:00.000")
                .unwrap()
                .to_string(),
            "2013-12-13"
        );
        assert_eq!(Date::parse_iso("2013-13-01"), None);
        assert_eq!(
            Date::parse_dmy_words("01 November 2024")
                .unwrap()
                .to_string(),
            "2024-11-01"
        );
        assert_eq!(Date::parse_dmy_words("31 February 2024"), None);
    }

    #[test]
    fn buckets() {
        let d = Date::parse_iso("2012-09-19").unwrap(); // a Wednesday
        assert_eq!(d.week_start().to_string(), "2012-09-17");
        assert_eq!(d.month_start().to_string(), "2012-09-01");
        assert_eq!(d.month_key(), "2012-09");
    }
}
