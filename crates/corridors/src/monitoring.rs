//! Transit monitoring: position reports (AIS-like: time, latitude, longitude) read from CSV or
//! JSON, checked against the corridor's route and safety radius. A run of reports outside the
//! radius is one *deviation*; staying within a small circle for longer than the rule allows,
//! away from the corridor's ports and inspection area, is an *unscheduled stop*. Each becomes
//! an incident every party of the centre sees.

use crate::corridor::Corridor;
use crate::error::{Result, invalid};
use crate::geo::LatLon;
use crate::ids::{CorridorId, IncidentId, RegistrationId};
use crate::registration::Registration;
use crate::{Person, Timestamp};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PositionReport {
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
    pub position: LatLon,
}

/// A position file that could not be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}, {field}: {reason}")]
pub struct PositionError {
    /// `line 7` (CSV) or `item 3` (JSON).
    pub place: String,
    pub field: String,
    pub reason: String,
}

fn perr(place: String, field: &str, reason: impl Into<String>) -> PositionError {
    PositionError {
        place,
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// `2022-08-03T06:00:00Z`, `2022-08-03T09:00:00+03:00`, or `2022-08-03 06:00:00` (UTC).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = Timestamp::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.to_offset(time::UtcOffset::UTC));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s, &fmt)
        .ok()
        .map(|p| p.assume_utc())
}

/// Reads a CSV of position reports with a header naming the time (`time`, `timestamp`,
/// `datetime`), latitude (`lat`, `latitude`) and longitude (`lon`, `lng`, `longitude`) columns
/// in any order. Errors name the line and the column.
pub fn read_csv(text: &str) -> std::result::Result<Vec<PositionReport>, PositionError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| perr("line 1".into(), "header", e.to_string()))?
        .clone();
    let find = |names: &[&str], field: &str| {
        header
            .iter()
            .position(|h| names.contains(&h.to_ascii_lowercase().as_str()))
            .ok_or_else(|| {
                perr(
                    "line 1".into(),
                    field,
                    format!("no column named {}", names.join(" or ")),
                )
            })
    };
    let ti = find(&["time", "timestamp", "datetime"], "time")?;
    let la = find(&["lat", "latitude"], "lat")?;
    let lo = find(&["lon", "lng", "long", "longitude"], "lon")?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            perr(format!("line {line}"), "row", e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let place = || format!("line {line}");
        let cell = |i: usize, f: &str| {
            rec.get(i)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| perr(place(), f, "missing"))
        };
        let at = parse_time(cell(ti, "time")?)
            .ok_or_else(|| perr(place(), "time", "not a date-time (2022-08-03T06:00:00Z)"))?;
        let num = |i: usize, f: &str| -> std::result::Result<f64, PositionError> {
            let v = cell(i, f)?;
            v.parse::<f64>()
                .map_err(|_| perr(place(), f, format!("'{v}' is not a number")))
        };
        let position = LatLon::new(num(la, "lat")?, num(lo, "lon")?)
            .map_err(|e| perr(place(), "position", e.to_string()))?;
        out.push(PositionReport { at, position });
    }
    Ok(out)
}

/// Reads a JSON array of `{"time": …, "lat": …, "lon": …}` objects.
pub fn read_json(text: &str) -> std::result::Result<Vec<PositionReport>, PositionError> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| perr(format!("line {}", e.line()), "json", e.to_string()))?;
    let items = v
        .as_array()
        .ok_or_else(|| perr("top level".into(), "json", "expected an array of reports"))?;
    let mut out = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let place = || format!("item {}", k + 1);
        let get = |names: &[&str]| names.iter().find_map(|n| item.get(*n));
        let at = get(&["time", "timestamp", "datetime"])
            .and_then(|t| t.as_str())
            .and_then(parse_time)
            .ok_or_else(|| perr(place(), "time", "missing or not a date-time"))?;
        let num = |names: &[&str], f: &str| {
            get(names)
                .and_then(|x| x.as_f64())
                .ok_or_else(|| perr(place(), f, "missing or not a number"))
        };
        let position = LatLon::new(
            num(&["lat", "latitude"], "lat")?,
            num(&["lon", "lng", "longitude"], "lon")?,
        )
        .map_err(|e| perr(place(), "position", e.to_string()))?;
        out.push(PositionReport { at, position });
    }
    Ok(out)
}

/// When a halt counts as a stop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StopRule {
    /// Staying within this many metres of where the halt began…
    pub within_m: f64,
    /// …for at least this many minutes.
    pub minutes: i64,
    /// Halts within this many metres of a port or crossing point, or inside the inspection
    /// area, are scheduled.
    pub port_slack_m: f64,
}

impl Default for StopRule {
    fn default() -> StopRule {
        StopRule {
            within_m: 926.0, // half a nautical mile
            minutes: 120,
            port_slack_m: 9_260.0, // five nautical miles
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IncidentKind {
    /// Outside the safety radius; the farthest report is named.
    Deviation {
        max_distance_m: f64,
        radius_m: f64,
        farthest: LatLon,
    },
    /// A halt away from ports and the inspection area.
    UnscheduledStop { minutes: i64, position: LatLon },
}

impl IncidentKind {
    pub fn name(&self) -> &'static str {
        match self {
            IncidentKind::Deviation { .. } => "deviation",
            IncidentKind::UnscheduledStop { .. } => "unscheduled_stop",
        }
    }
}

/// What the check found, before it becomes an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(flatten)]
    pub kind: IncidentKind,
    #[serde(with = "time::serde::rfc3339")]
    pub from: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub to: Timestamp,
    /// How many reports it spans.
    pub reports: usize,
}

/// Checks reports (in any order; sorted by time here) against the corridor.
pub fn check_transit(
    corridor: &Corridor,
    reports: &[PositionReport],
    rule: &StopRule,
) -> Vec<Finding> {
    let mut rs: Vec<PositionReport> = reports.to_vec();
    rs.sort_by_key(|r| r.at);
    let radius = corridor.safety_radius().metres();
    let mut out = Vec::new();
    // Deviations: maximal runs outside the radius.
    let mut run: Option<(usize, f64, LatLon)> = None;
    for (k, r) in rs.iter().enumerate() {
        let d = corridor.route().distance_m(r.position);
        if d > radius {
            run = Some(match run {
                None => (k, d, r.position),
                Some((s, m, _)) if d > m => (s, d, r.position),
                Some(x) => x,
            });
        } else if let Some((s, m, p)) = run.take() {
            out.push(deviation(&rs, s, k - 1, m, radius, p));
        }
    }
    if let Some((s, m, p)) = run {
        out.push(deviation(&rs, s, rs.len() - 1, m, radius, p));
    }
    // Stops: the position stays within `within_m` of where the halt began.
    let scheduled = |p: LatLon| {
        corridor
            .points()
            .iter()
            .filter_map(|pt| pt.location)
            .any(|l| l.distance_m(p) <= rule.port_slack_m)
            || corridor
                .inspection_area()
                .is_some_and(|a| a.contains(p, 0.0))
    };
    let mut start = 0;
    while start < rs.len() {
        let mut end = start;
        while end + 1 < rs.len()
            && rs[start].position.distance_m(rs[end + 1].position) <= rule.within_m
        {
            end += 1;
        }
        let minutes = (rs[end].at - rs[start].at).whole_minutes();
        if end > start && minutes >= rule.minutes && !scheduled(rs[start].position) {
            out.push(Finding {
                kind: IncidentKind::UnscheduledStop {
                    minutes,
                    position: rs[start].position,
                },
                from: rs[start].at,
                to: rs[end].at,
                reports: end - start + 1,
            });
        }
        start = end + 1;
    }
    out.sort_by_key(|f| f.from);
    out
}

fn deviation(
    rs: &[PositionReport],
    s: usize,
    e: usize,
    max: f64,
    radius: f64,
    p: LatLon,
) -> Finding {
    Finding {
        kind: IncidentKind::Deviation {
            max_distance_m: max,
            radius_m: radius,
            farthest: p,
        },
        from: rs[s].at,
        to: rs[e].at,
        reports: e - s + 1,
    }
}

/// An incident on the record, visible to every party of the centre (and to the vessel's
/// operator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub corridor: CorridorId,
    pub registration: RegistrationId,
    pub operator: Person,
    pub label: String,
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(with = "time::serde::rfc3339")]
    pub raised_at: Timestamp,
    pub raised_by: Person,
}

impl Incident {
    pub fn raise<R: CryptoRng + RngCore + ?Sized>(
        rng: &mut R,
        corridor: &Corridor,
        registration: &Registration,
        finding: Finding,
        by: &Person,
        at: Timestamp,
    ) -> Result<Incident> {
        if &registration.corridor != corridor.id() {
            return Err(invalid("registration", "not of this corridor"));
        }
        Ok(Incident {
            id: IncidentId::generate(rng),
            corridor: corridor.id().clone(),
            registration: registration.id.clone(),
            operator: registration.operator.clone(),
            label: registration.carrier.label(),
            finding,
            raised_at: at,
            raised_by: by.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corridor::tests::{black_sea, t};

    fn at(min: i64) -> Timestamp {
        t("2022-08-03T06:00:00Z") + time::Duration::minutes(min)
    }

    fn rep(min: i64, lat: f64, lon: f64) -> PositionReport {
        PositionReport {
            at: at(min),
            position: LatLon::new(lat, lon).unwrap(),
        }
    }

    #[test]
    fn a_deviation_is_one_incident_per_run_outside_the_radius() {
        let c = black_sea();
        // Along the first leg (46.45,30.75 → 45.0,30.9), then 0.5° east (≈ 21 nmi) for three
        // reports, then back.
        let rs = vec![
            rep(0, 46.4, 30.76),
            rep(60, 46.0, 30.80),
            rep(120, 45.8, 31.30),
            rep(180, 45.6, 31.50),
            rep(240, 45.4, 31.30),
            rep(300, 45.2, 30.88),
        ];
        let f = check_transit(&c, &rs, &StopRule::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].from, f[0].to, f[0].reports), (at(120), at(240), 3));
        match &f[0].kind {
            IncidentKind::Deviation {
                max_distance_m,
                radius_m,
                farthest,
            } => {
                assert_eq!(*radius_m, 18_520.0);
                assert!(
                    *max_distance_m > 40_000.0 && *max_distance_m < 60_000.0,
                    "{max_distance_m}"
                );
                assert_eq!(farthest.lon, 31.5);
            }
            k => panic!("{k:?}"),
        }
        // Inside the radius all the way: nothing.
        let ok = vec![
            rep(0, 46.4, 30.76),
            rep(60, 46.0, 30.80),
            rep(120, 45.5, 30.95),
        ];
        assert!(check_transit(&c, &ok, &StopRule::default()).is_empty());
    }

    #[test]
    fn an_unscheduled_stop_is_found_but_not_a_stop_in_port() {
        let c = black_sea();
        let mut rs: Vec<PositionReport> = (0..4).map(|k| rep(k * 60, 45.0, 30.9)).collect();
        rs.push(rep(300, 44.5, 30.6));
        // Hours in Odesa port: scheduled.
        rs.extend((0..5).map(|k| rep(-600 + k * 60, 46.49, 30.74)));
        let f = check_transit(&c, &rs, &StopRule::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(matches!(
            f[0].kind,
            IncidentKind::UnscheduledStop { minutes: 180, .. }
        ));
        assert_eq!(f[0].kind.name(), "unscheduled_stop");
    }

    #[test]
    fn position_files_report_line_and_field() {
        let csv = "latitude,longitude,time\n46.4,30.7,2022-08-03T06:00:00Z\n46.3,30.7,2022-08-03 07:00:00\n";
        let rs = read_csv(csv).unwrap();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[1].at, at(60));
        let e = read_csv(
            "time,lat,lon\n2022-08-03T06:00:00Z,46.4,30.7\n2022-08-03T07:00:00Z,91,30.7\n",
        )
        .unwrap_err();
        assert_eq!((e.place.as_str(), e.field.as_str()), ("line 3", "position"));
        let e = read_csv("time,lat,lon\nyesterday,46.4,30.7\n").unwrap_err();
        assert_eq!((e.place.as_str(), e.field.as_str()), ("line 2", "time"));
        assert!(
            read_csv("when,lat,lon\n")
                .unwrap_err()
                .to_string()
                .contains("time")
        );
        let json = r#"[{"time":"2022-08-03T06:00:00Z","lat":46.4,"lon":30.7},{"time":"2022-08-03T07:00:00Z","lat":"x","lon":30.7}]"#;
        let e = read_json(json).unwrap_err();
        assert_eq!((e.place.as_str(), e.field.as_str()), ("item 2", "lat"));
        assert_eq!(read_json(&json.replace("\"x\"", "46.3")).unwrap().len(), 2);
    }
}
