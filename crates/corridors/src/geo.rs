//! Geometry on the sphere: positions, distances, routes with a safety radius, areas.
//!
//! Distances are great-circle distances on a sphere of the Earth's mean radius (6,371,008.8 m;
//! within 0.5 % of the ellipsoid, far inside any corridor's safety radius). The distance from a
//! position to a route is the least distance to any of its segments: the cross-track distance
//! when the position lies abreast of the segment, else the distance to the nearer end.
//! Routes and areas are read from GeoJSON (RFC 7946: `[longitude, latitude]`) or from
//! waypoints written `lat,lon; lat,lon`.

use crate::error::{Result, invalid};
use serde::{Deserialize, Deserializer, Serialize};

/// The Earth's mean radius in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// One international nautical mile in metres.
pub const NAUTICAL_MILE_M: f64 = 1852.0;

/// A position in decimal degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub fn new(lat: f64, lon: f64) -> Result<LatLon> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(invalid(
                "latitude",
                format!("{lat} is not between -90 and 90"),
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(invalid(
                "longitude",
                format!("{lon} is not between -180 and 180"),
            ));
        }
        Ok(LatLon { lat, lon })
    }

    fn rad(self) -> (f64, f64) {
        (self.lat.to_radians(), self.lon.to_radians())
    }

    /// Great-circle distance in metres (haversine).
    pub fn distance_m(self, other: LatLon) -> f64 {
        EARTH_RADIUS_M * self.angle_to(other)
    }

    /// Central angle in radians.
    fn angle_to(self, other: LatLon) -> f64 {
        let (p1, l1) = self.rad();
        let (p2, l2) = other.rad();
        let h =
            ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
        2.0 * h.sqrt().min(1.0).asin()
    }

    /// Initial bearing towards `other`, radians.
    fn bearing_to(self, other: LatLon) -> f64 {
        let (p1, l1) = self.rad();
        let (p2, l2) = other.rad();
        let y = (l2 - l1).sin() * p2.cos();
        let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * (l2 - l1).cos();
        y.atan2(x)
    }

    /// Distance in metres to the great-circle segment `a`–`b`.
    pub fn distance_to_segment_m(self, a: LatLon, b: LatLon) -> f64 {
        let d13 = a.angle_to(self);
        let d12 = a.angle_to(b);
        if d12 < 1e-12 {
            return EARTH_RADIUS_M * d13;
        }
        let dtheta = a.bearing_to(self) - a.bearing_to(b);
        let xt = (d13.sin() * dtheta.sin()).clamp(-1.0, 1.0).asin();
        // Along-track distance from `a`, signed by whether the point lies ahead of `a`.
        let at = (d13.cos() / xt.cos()).clamp(-1.0, 1.0).acos() * dtheta.cos().signum();
        if at > 0.0 && at < d12 {
            EARTH_RADIUS_M * xt.abs()
        } else {
            EARTH_RADIUS_M * d13.min(b.angle_to(self))
        }
    }
}

impl<'de> Deserialize<'de> for LatLon {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            lat: f64,
            lon: f64,
        }
        let r = Raw::deserialize(d)?;
        LatLon::new(r.lat, r.lon).map_err(serde::de::Error::custom)
    }
}

/// A length as people give it for a corridor: nautical miles at sea, kilometres on land.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "value")]
pub enum Length {
    NauticalMiles(f64),
    Kilometres(f64),
}

impl Length {
    pub fn metres(self) -> f64 {
        match self {
            Length::NauticalMiles(v) => v * NAUTICAL_MILE_M,
            Length::Kilometres(v) => v * 1000.0,
        }
    }

    /// `10 nmi`, `5 km`, `10nm`, `2.5 km`.
    pub fn parse(raw: &str) -> Result<Length> {
        let t = raw.trim().to_ascii_lowercase();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let v: f64 = num
            .parse()
            .map_err(|_| invalid("radius", "a number followed by nmi or km (e.g. 10 nmi)"))?;
        let l = match unit.trim() {
            "nmi" | "nm" | "nautical miles" => Length::NauticalMiles(v),
            "km" | "kilometres" | "kilometers" => Length::Kilometres(v),
            _ => return Err(invalid("radius", "unit must be nmi or km")),
        };
        l.checked()
    }

    fn checked(self) -> Result<Length> {
        let m = self.metres();
        if !m.is_finite() || m <= 0.0 || m > 1_000_000.0 {
            return Err(invalid("radius", "between 0 and 1,000 km"));
        }
        Ok(self)
    }
}

impl std::fmt::Display for Length {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Length::NauticalMiles(v) => write!(f, "{v} nmi"),
            Length::Kilometres(v) => write!(f, "{v} km"),
        }
    }
}

/// A line on the map: at least two positions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    points: Vec<LatLon>,
}

impl Route {
    pub fn new(points: Vec<LatLon>) -> Result<Route> {
        if points.len() < 2 {
            return Err(invalid("route", "at least two positions"));
        }
        if points.len() > 10_000 {
            return Err(invalid("route", "at most 10,000 positions"));
        }
        Ok(Route { points })
    }

    pub fn points(&self) -> &[LatLon] {
        &self.points
    }

    /// Waypoints `lat,lon; lat,lon; …` (or one per line).
    pub fn parse_waypoints(raw: &str) -> Result<Route> {
        let mut points = Vec::new();
        for (i, part) in raw
            .split([';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            let mut it = part.split(',').map(str::trim);
            let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
                return Err(invalid(
                    "route",
                    format!("waypoint {}: expected 'latitude,longitude'", i + 1),
                ));
            };
            let num = |s: &str| {
                s.parse::<f64>().map_err(|_| {
                    invalid(
                        "route",
                        format!("waypoint {}: '{s}' is not a number", i + 1),
                    )
                })
            };
            points.push(LatLon::new(num(a)?, num(b)?)?);
        }
        Route::new(points)
    }

    /// A GeoJSON `LineString` geometry (or a `Feature` holding one).
    pub fn from_geojson(raw: &str) -> Result<Route> {
        match Geometry::from_geojson(raw)? {
            Geometry::Line(r) => Ok(r),
            _ => Err(invalid("route", "expected a GeoJSON LineString")),
        }
    }

    /// Least distance in metres from a position to the route.
    pub fn distance_m(&self, p: LatLon) -> f64 {
        self.points
            .windows(2)
            .map(|w| p.distance_to_segment_m(w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    }

    /// The route's length in metres.
    pub fn length_m(&self) -> f64 {
        self.points.windows(2).map(|w| w[0].distance_m(w[1])).sum()
    }

    pub fn to_geojson(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "LineString",
            "coordinates": self.points.iter().map(|p| [p.lon, p.lat]).collect::<Vec<_>>(),
        })
    }
}

impl<'de> Deserialize<'de> for Route {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            points: Vec<LatLon>,
        }
        Route::new(Raw::deserialize(d)?.points).map_err(serde::de::Error::custom)
    }
}

/// A place on the map: a point, a line, a polygon (outer ring), or a circle around a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Geometry {
    Point { at: LatLon },
    Line(Route),
    Polygon { ring: Vec<LatLon> },
    Circle { centre: LatLon, radius: Length },
}

impl Geometry {
    /// GeoJSON `Point`, `LineString` or `Polygon` (a `Feature` is unwrapped).
    pub fn from_geojson(raw: &str) -> Result<Geometry> {
        let v: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| invalid("geometry", format!("not GeoJSON: {e}")))?;
        Self::from_geojson_value(&v)
    }

    pub fn from_geojson_value(v: &serde_json::Value) -> Result<Geometry> {
        let v = if v.get("type").and_then(|t| t.as_str()) == Some("Feature") {
            v.get("geometry")
                .ok_or_else(|| invalid("geometry", "Feature without geometry"))?
        } else {
            v
        };
        let coords = v
            .get("coordinates")
            .ok_or_else(|| invalid("geometry", "no coordinates"))?;
        let pos = |c: &serde_json::Value| -> Result<LatLon> {
            let a = c
                .as_array()
                .filter(|a| a.len() >= 2)
                .ok_or_else(|| invalid("geometry", "a position is [longitude, latitude]"))?;
            let n = |x: &serde_json::Value| {
                x.as_f64()
                    .ok_or_else(|| invalid("geometry", "coordinates are numbers"))
            };
            LatLon::new(n(&a[1])?, n(&a[0])?)
        };
        let list = |c: &serde_json::Value| -> Result<Vec<LatLon>> {
            c.as_array()
                .ok_or_else(|| invalid("geometry", "expected a list of positions"))?
                .iter()
                .map(pos)
                .collect()
        };
        match v.get("type").and_then(|t| t.as_str()) {
            Some("Point") => Ok(Geometry::Point { at: pos(coords)? }),
            Some("LineString") => Ok(Geometry::Line(Route::new(list(coords)?)?)),
            Some("Polygon") => {
                let rings = coords
                    .as_array()
                    .filter(|r| !r.is_empty())
                    .ok_or_else(|| invalid("geometry", "a Polygon has at least one ring"))?;
                let mut ring = list(&rings[0])?;
                if ring.len() > 1 && ring.first() == ring.last() {
                    ring.pop();
                }
                if ring.len() < 3 {
                    return Err(invalid("geometry", "a polygon ring has at least 3 corners"));
                }
                Ok(Geometry::Polygon { ring })
            }
            other => Err(invalid(
                "geometry",
                format!("unsupported GeoJSON type {other:?} (Point, LineString, Polygon)"),
            )),
        }
    }

    /// Is the position inside (polygon, circle) or within `slack_m` of (point, line) this place?
    pub fn contains(&self, p: LatLon, slack_m: f64) -> bool {
        match self {
            Geometry::Point { at } => at.distance_m(p) <= slack_m,
            Geometry::Line(r) => r.distance_m(p) <= slack_m,
            Geometry::Circle { centre, radius } => {
                centre.distance_m(p) <= radius.metres() + slack_m
            }
            Geometry::Polygon { ring } => {
                // Even-odd rule on longitude/latitude (areas here are small, far from the poles).
                let mut inside = false;
                let mut j = ring.len() - 1;
                for i in 0..ring.len() {
                    let (a, b) = (ring[i], ring[j]);
                    if (a.lat > p.lat) != (b.lat > p.lat)
                        && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon
                    {
                        inside = !inside;
                    }
                    j = i;
                }
                inside
                    || (slack_m > 0.0
                        && (0..ring.len()).any(|i| {
                            p.distance_to_segment_m(ring[i], ring[(i + 1) % ring.len()]) <= slack_m
                        }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    #[test]
    fn great_circle_distances() {
        // Odesa to Istanbul: 624.6 km by the same haversine in Python's math module.
        let d = ll(46.4825, 30.7233).distance_m(ll(41.0082, 28.9784));
        assert!((d - 624_599.27).abs() < 0.01, "{d}");
        // One minute of latitude is one nautical mile, near enough.
        let d = ll(45.0, 30.0).distance_m(ll(45.0 + 1.0 / 60.0, 30.0));
        assert!((d - NAUTICAL_MILE_M).abs() < 5.0, "{d}");
    }

    #[test]
    fn distance_to_a_route_is_cross_track_or_to_the_nearer_end() {
        let r = Route::new(vec![ll(0.0, 0.0), ll(0.0, 1.0), ll(1.0, 1.0)]).unwrap();
        // 0.1° north of the first leg, abreast of it: 0.1° of arc.
        let arc = EARTH_RADIUS_M * 0.1f64.to_radians();
        assert!((r.distance_m(ll(0.1, 0.5)) - arc).abs() < 1.0);
        // Behind the start: distance to the start point.
        let p = ll(0.0, -0.2);
        assert!((r.distance_m(p) - p.distance_m(ll(0.0, 0.0))).abs() < 1e-6);
        // On the route.
        assert!(r.distance_m(ll(0.5, 1.0)) < 1.0);
        // East of the second leg.
        assert!((r.distance_m(ll(0.5, 1.1)) - arc).abs() < 50.0);
    }

    #[test]
    fn routes_from_geojson_and_waypoints_agree() {
        let a = Route::from_geojson(
            r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[30.7,46.4],[29.0,41.2]]}}"#,
        )
        .unwrap();
        let b = Route::parse_waypoints("46.4, 30.7; 41.2,29.0").unwrap();
        assert_eq!(a, b);
        assert_eq!(Route::from_geojson(&a.to_geojson().to_string()).unwrap(), a);
        assert!(Route::parse_waypoints("46.4,30.7").is_err());
        assert!(Route::parse_waypoints("46.4,30.7; 95,1").is_err());
        let e = Route::parse_waypoints("46.4,30.7; x,1").unwrap_err();
        assert!(e.to_string().contains("waypoint 2"), "{e}");
        assert!(Route::from_geojson(r#"{"type":"Point","coordinates":[1,2]}"#).is_err());
    }

    #[test]
    fn lengths_and_areas() {
        assert_eq!(Length::parse("10 nmi").unwrap().metres(), 18_520.0);
        assert_eq!(Length::parse("2.5km").unwrap().metres(), 2_500.0);
        assert!(Length::parse("10 furlongs").is_err());
        assert!(Length::parse("0 km").is_err());
        let square = Geometry::from_geojson(
            r#"{"type":"Polygon","coordinates":[[[28,41],[30,41],[30,42],[28,42],[28,41]]]}"#,
        )
        .unwrap();
        assert!(square.contains(ll(41.5, 29.0), 0.0));
        assert!(!square.contains(ll(42.5, 29.0), 0.0));
        let circle = Geometry::Circle {
            centre: ll(41.0, 29.0),
            radius: Length::Kilometres(10.0),
        };
        assert!(circle.contains(ll(41.05, 29.0), 0.0));
        assert!(!circle.contains(ll(41.2, 29.0), 0.0));
    }
}
