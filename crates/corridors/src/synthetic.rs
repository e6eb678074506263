//! Synthetic tables built from a real one's distributions, for benchmarks and load tests: the
//! number of consignments per voyage, the consignments themselves (commodity, destination,
//! tonnage, income group and regions drawn together, as published), the vessels, the departure
//! ports, the gaps between departures and the days to inspection (with the same share of
//! voyages not yet inspected) are all drawn from the real table. Deterministic for a seed.

use crate::voyages::Voyage;
use rand::{Rng, SeedableRng};

/// About `lines` cargo lines (never fewer) of voyages drawn from `real`'s distributions,
/// numbered from 1, departing from `real`'s first departure onwards.
pub fn voyages(real: &[Voyage], lines: usize, seed: u64) -> Vec<Voyage> {
    assert!(
        !real.is_empty(),
        "a synthetic table needs a real one to draw from"
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut sorted: Vec<&Voyage> = real.iter().collect();
    sorted.sort_by_key(|v| (v.departure, v.sequence));
    // Gaps between successive departures, in minutes.
    let gaps: Vec<i64> = sorted
        .windows(2)
        .map(|w| (w[1].departure - w[0].departure).whole_minutes())
        .collect();
    let cargo: Vec<_> = real.iter().flat_map(|v| v.cargo.iter()).collect();
    let mut out = Vec::with_capacity(lines);
    let mut departure = sorted[0].departure;
    let mut n = 0;
    while n < lines {
        let shape = &real[rng.random_range(0..real.len())];
        let vessel = &real[rng.random_range(0..real.len())];
        let timing = &real[rng.random_range(0..real.len())];
        let k = shape.cargo.len().min(lines - n).max(1);
        let mut v = Voyage {
            sequence: out.len() as u32 + 1,
            direction: shape.direction,
            vessel: vessel.vessel.clone(),
            imo: vessel.imo,
            imo_valid: vessel.imo_valid,
            flag: vessel.flag.clone(),
            departure_port: shape.departure_port.clone(),
            departure,
            inspection: timing
                .inspection
                .map(|i| departure + (i - timing.departure)),
            cargo: (0..k)
                .map(|i| {
                    let mut c = cargo[rng.random_range(0..cargo.len())].clone();
                    c.additional = i > 0;
                    c
                })
                .collect(),
        };
        if !gaps.is_empty() {
            departure += time::Duration::minutes(gaps[rng.random_range(0..gaps.len())] / 8);
        }
        n += v.cargo.len();
        v.sequence = out.len() as u32 + 1;
        out.push(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vessel::Tonnage;
    use crate::voyages::{Direction, PublishedCargo};

    #[test]
    fn draws_the_number_of_lines_asked_for_deterministically() {
        let real: Vec<Voyage> = (1..=5)
            .map(|s| Voyage {
                sequence: s,
                direction: Direction::Outbound,
                vessel: format!("V{s}"),
                imo: 9086526,
                imo_valid: true,
                flag: None,
                departure_port: "Odesa".into(),
                departure: time::macros::datetime!(2022-08-01 0:00)
                    + time::Duration::days(i64::from(s)),
                inspection: (s != 3).then(|| {
                    time::macros::datetime!(2022-08-04 0:00) + time::Duration::days(i64::from(s))
                }),
                cargo: (0..s % 3 + 1)
                    .map(|i| PublishedCargo {
                        additional: i > 0,
                        destination: "Egypt".into(),
                        commodity: "Corn".into(),
                        tonnage: Tonnage::from_kg(1000 * i64::from(s)),
                        income_group: None,
                        world_bank_region: None,
                        un_region: None,
                        development: None,
                    })
                    .collect(),
            })
            .collect();
        let a = voyages(&real, 1000, 1);
        assert_eq!(a.iter().map(|v| v.cargo.len()).sum::<usize>(), 1000);
        assert_eq!(a, voyages(&real, 1000, 1));
        assert!(a.iter().all(|v| v.check().is_ok()));
        assert!(
            a.windows(2)
                .all(|w| w[0].departure <= w[1].departure && w[0].sequence + 1 == w[1].sequence)
        );
        assert!(a.iter().any(|v| v.inspection.is_none()));
    }
}
