//! Reports on the published record: tonnage by commodity, destination country, income group,
//! departure port and month; voyages per week; days from departure to inspection (median and
//! distribution); inspections per day. One pass over the voyages; every figure is exact
//! (tonnage is summed in kilograms).

use crate::vessel::Tonnage;
use crate::voyages::{IncomeGroup, Voyage};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Tonnage in JSON: metric tons, a whole number when it is one.
fn tonnes<S: Serializer>(t: &Tonnage, s: S) -> Result<S::Ok, S::Error> {
    if t.kg() % 1000 == 0 {
        s.serialize_i64(t.kg() / 1000)
    } else {
        s.serialize_f64(t.tonnes())
    }
}

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub name: String,
    #[serde(serialize_with = "tonnes")]
    pub tonnage: Tonnage,
    /// Share of the total tonnage, 0–1.
    pub share: f64,
    pub cargo_lines: usize,
    /// Voyages carrying at least one line of it.
    pub voyages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekCount {
    /// ISO week, `2022-W31`.
    pub week: String,
    /// Its Monday.
    #[serde(with = "crate::day")]
    pub monday: time::Date,
    pub voyages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCount {
    #[serde(with = "crate::day")]
    pub day: time::Date,
    pub count: usize,
}

/// Calendar days from departure to inspection, over the voyages inspected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaysToInspection {
    pub inspected: usize,
    pub not_inspected: usize,
    pub median: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub mean: Option<f64>,
    pub max: Option<i64>,
    /// (days, voyages), every value from the least to the greatest.
    pub histogram: Vec<(i64, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub voyages: usize,
    pub cargo_lines: usize,
    #[serde(serialize_with = "tonnes")]
    pub tonnage: Tonnage,
    #[serde(with = "crate::day::option")]
    pub first_departure: Option<time::Date>,
    #[serde(with = "crate::day::option")]
    pub last_departure: Option<time::Date>,
    /// Largest first, then by name.
    pub by_commodity: Vec<Share>,
    pub by_destination: Vec<Share>,
    /// The World Bank's four groups in order, then `not stated` when some lines have none.
    pub by_income_group: Vec<Share>,
    pub by_departure_port: Vec<Share>,
    /// By month of departure, `2022-08`, in time order.
    pub by_month: Vec<Share>,
    pub voyages_per_week: Vec<WeekCount>,
    pub median_days_to_inspection: Option<f64>,
    pub days_to_inspection: DaysToInspection,
    pub inspections_per_day: Vec<DayCount>,
    /// Voyages whose published IMO number fails its check digit.
    pub imo_check_digit_failures: usize,
}

pub const NOT_STATED: &str = "not stated";

#[derive(Default)]
struct Acc {
    kg: i64,
    lines: usize,
    voyages: BTreeSet<u32>,
}

fn shares(map: HashMap<String, Acc>, total: Tonnage, order: impl Fn(&mut [Share])) -> Vec<Share> {
    let mut v: Vec<Share> = map
        .into_iter()
        .map(|(name, a)| Share {
            name,
            tonnage: Tonnage::from_kg(a.kg),
            share: if total.kg() > 0 {
                a.kg as f64 / total.kg() as f64
            } else {
                0.0
            },
            cargo_lines: a.lines,
            voyages: a.voyages.len(),
        })
        .collect();
    order(&mut v);
    v
}

fn largest_first(v: &mut [Share]) {
    v.sort_by(|a, b| b.tonnage.cmp(&a.tonnage).then_with(|| a.name.cmp(&b.name)));
}

fn quantile(sorted: &[i64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    // Linear interpolation between closest ranks (the median of an even count is the mean of
    // the middle two).
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * (pos - lo as f64))
}

/// Computes the report over voyages.
pub fn compute(voyages: &[Voyage]) -> Report {
    let total: Tonnage = voyages.iter().map(Voyage::tonnage).sum();
    let mut commodity: HashMap<String, Acc> = HashMap::new();
    let mut destination: HashMap<String, Acc> = HashMap::new();
    let mut income: HashMap<String, Acc> = HashMap::new();
    let mut port: HashMap<String, Acc> = HashMap::new();
    let mut month: HashMap<String, Acc> = HashMap::new();
    let mut weeks: BTreeMap<(i32, u8), usize> = BTreeMap::new();
    let mut inspections: BTreeMap<time::Date, usize> = BTreeMap::new();
    let mut days: Vec<i64> = Vec::new();
    let mut lines = 0;
    let mut first = None::<time::Date>;
    let mut last = None::<time::Date>;
    let add = |m: &mut HashMap<String, Acc>, k: &str, kg: i64, seq: u32| {
        let a = match m.get_mut(k) {
            Some(a) => a,
            None => m.entry(k.to_string()).or_default(),
        };
        a.kg += kg;
        a.lines += 1;
        a.voyages.insert(seq);
    };
    for v in voyages {
        let d = v.departure_date();
        first = Some(first.map_or(d, |f| f.min(d)));
        last = Some(last.map_or(d, |l| l.max(d)));
        let m = format!("{:04}-{:02}", d.year(), d.month() as u8);
        for c in &v.cargo {
            lines += 1;
            let kg = c.tonnage.kg();
            add(&mut commodity, &c.commodity, kg, v.sequence);
            add(&mut destination, &c.destination, kg, v.sequence);
            add(
                &mut income,
                c.income_group.map_or(NOT_STATED, IncomeGroup::label),
                kg,
                v.sequence,
            );
            add(&mut port, &v.departure_port, kg, v.sequence);
            add(&mut month, &m, kg, v.sequence);
        }
        let (y, w, _) = d.to_iso_week_date();
        *weeks.entry((y, w)).or_default() += 1;
        if let Some(i) = v.inspection_date() {
            *inspections.entry(i).or_default() += 1;
        }
        if let Some(n) = v.days_to_inspection() {
            days.push(n);
        }
    }
    days.sort_unstable();
    let mut histogram: Vec<(i64, usize)> = Vec::new();
    if let (Some(&lo), Some(&hi)) = (days.first(), days.last()) {
        for d in lo..=hi {
            histogram.push((d, 0));
        }
        for d in &days {
            histogram[(d - lo) as usize].1 += 1;
        }
    }
    let median = quantile(&days, 0.5);
    let by_income_group = shares(income, total, |v| {
        let rank = |n: &str| {
            IncomeGroup::ALL
                .iter()
                .position(|g| g.label() == n)
                .unwrap_or(IncomeGroup::ALL.len())
        };
        v.sort_by_key(|s| rank(&s.name));
    });
    Report {
        voyages: voyages.len(),
        cargo_lines: lines,
        tonnage: total,
        first_departure: first,
        last_departure: last,
        by_commodity: shares(commodity, total, largest_first),
        by_destination: shares(destination, total, largest_first),
        by_income_group,
        by_departure_port: shares(port, total, largest_first),
        by_month: shares(month, total, |v| v.sort_by(|a, b| a.name.cmp(&b.name))),
        voyages_per_week: weeks
            .into_iter()
            .map(|((y, w), n)| WeekCount {
                week: format!("{y}-W{w:02}"),
                monday: time::Date::from_iso_week_date(y, w, time::Weekday::Monday)
                    .expect("a week that exists"),
                voyages: n,
            })
            .collect(),
        median_days_to_inspection: median,
        days_to_inspection: DaysToInspection {
            inspected: days.len(),
            not_inspected: voyages.len() - days.len(),
            median,
            p25: quantile(&days, 0.25),
            p75: quantile(&days, 0.75),
            mean: (!days.is_empty()).then(|| days.iter().sum::<i64>() as f64 / days.len() as f64),
            max: days.last().copied(),
            histogram,
        },
        inspections_per_day: inspections
            .into_iter()
            .map(|(day, count)| DayCount { day, count })
            .collect(),
        imo_check_digit_failures: voyages.iter().filter(|v| !v.imo_valid).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voyages::{Direction, PublishedCargo};

    fn voyage(
        seq: u32,
        dep: time::PrimitiveDateTime,
        insp: Option<time::PrimitiveDateTime>,
        lines: &[(&str, &str, i64)],
    ) -> Voyage {
        Voyage {
            sequence: seq,
            direction: Direction::Outbound,
            vessel: format!("V{seq}"),
            imo: 9086526,
            imo_valid: true,
            flag: None,
            departure_port: if seq.is_multiple_of(2) {
                "Odesa"
            } else {
                "Chornomorsk"
            }
            .into(),
            departure: dep,
            inspection: insp,
            cargo: lines
                .iter()
                .map(|(c, d, kg)| PublishedCargo {
                    additional: false,
                    destination: d.to_string(),
                    commodity: c.to_string(),
                    tonnage: Tonnage::from_kg(*kg),
                    income_group: (d != &"Nowhere").then_some(IncomeGroup::High),
                    world_bank_region: None,
                    un_region: None,
                    development: None,
                })
                .collect(),
        }
    }

    #[test]
    fn breakdowns_add_up_and_the_median_is_over_inspected_voyages() {
        use time::macros::datetime;
        let vs = vec![
            voyage(
                1,
                datetime!(2022-07-31 23:00),
                Some(datetime!(2022-08-02 23:00)),
                &[("Corn", "Egypt", 1_000), ("Wheat", "Egypt", 500)],
            ),
            voyage(
                2,
                datetime!(2022-08-01 22:00),
                Some(datetime!(2022-08-09 23:00)),
                &[("Corn", "Italy", 2_000)],
            ),
            voyage(
                3,
                datetime!(2022-08-08 22:00),
                None,
                &[("Corn", "Nowhere", 250)],
            ),
            voyage(
                4,
                datetime!(2022-09-01 22:00),
                Some(datetime!(2022-09-04 22:00)),
                &[("Wheat", "Egypt", 750)],
            ),
        ];
        let r = compute(&vs);
        assert_eq!((r.voyages, r.cargo_lines, r.tonnage.kg()), (4, 5, 4_500));
        let names = |v: &[Share]| {
            v.iter()
                .map(|s| (s.name.clone(), s.tonnage.kg(), s.voyages))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&r.by_commodity),
            [("Corn".into(), 3_250, 3), ("Wheat".into(), 1_250, 2)]
        );
        assert_eq!(names(&r.by_destination)[0], ("Egypt".into(), 2_250, 2));
        assert_eq!(
            names(&r.by_income_group),
            [
                ("High income".into(), 4_250, 3),
                (NOT_STATED.into(), 250, 1)
            ]
        );
        assert_eq!(
            names(&r.by_month),
            [
                ("2022-07".into(), 1_500, 1),
                ("2022-08".into(), 2_250, 2),
                ("2022-09".into(), 750, 1)
            ]
        );
        for b in [
            &r.by_commodity,
            &r.by_destination,
            &r.by_income_group,
            &r.by_departure_port,
            &r.by_month,
        ] {
            assert_eq!(b.iter().map(|s| s.tonnage.kg()).sum::<i64>(), 4_500);
            assert!((b.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-12);
        }
        // Calendar days: 2, 8, 3 → median 3; p25 2.5, p75 5.5.
        assert_eq!(r.median_days_to_inspection, Some(3.0));
        assert_eq!(
            (r.days_to_inspection.p25, r.days_to_inspection.p75),
            (Some(2.5), Some(5.5))
        );
        assert_eq!(r.days_to_inspection.not_inspected, 1);
        assert_eq!(r.days_to_inspection.histogram.len(), 7);
        assert_eq!(r.days_to_inspection.histogram[0], (2, 1));
        // ISO weeks: 2022-07-31 is a Sunday (week 30), 2022-08-01 a Monday (week 31).
        let weeks: Vec<(&str, usize)> = r
            .voyages_per_week
            .iter()
            .map(|w| (w.week.as_str(), w.voyages))
            .collect();
        assert_eq!(
            weeks,
            [
                ("2022-W30", 1),
                ("2022-W31", 1),
                ("2022-W32", 1),
                ("2022-W35", 1)
            ]
        );
        assert_eq!(r.inspections_per_day.len(), 3);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["tonnage"], serde_json::json!(4.5));
        assert_eq!(json["median_days_to_inspection"], serde_json::json!(3.0));
        assert_eq!(json["first_departure"], "2022-07-31");
        assert_eq!(json["voyages_per_week"][0]["monday"], "2022-07-25");
        assert_eq!(json["inspections_per_day"][0]["day"], "2022-08-02");
        assert_eq!(compute(&[]).median_days_to_inspection, None);
    }
}
