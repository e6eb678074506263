//! What the corridors pages draw and how they show time: instants as `2022-08-03 06:00 UTC`,
//! and the route map — an SVG of the corridor's route with its safety radius drawn to scale
//! around it, its ports and crossing points, the inspection area, and (on a registration's
//! page) the position reports, those outside the radius marked, with the incidents they
//! raised; on a notification's page, the notified movement or site.
//!
//! The map is a plain equirectangular projection scaled by the cosine of the middle latitude
//! (a corridor spans a few hundred kilometres, where this is faithful to a few per cent). Every
//! label is escaped; no script, no external reference.

use chamber_corridors::charts::escape;
use chamber_corridors::corridor::PointOfPassage;
use chamber_corridors::geo::{Geometry, LatLon, Route};
use chamber_corridors::monitoring::{Incident, IncidentKind, PositionReport};
use serde_json::Value;
use std::fmt::Write as _;

/// An instant as people read it: `2022-08-03 06:00 UTC`.
pub fn minute(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    format!(
        "{} UTC",
        t.to_offset(time::UtcOffset::UTC)
            .format(&fmt)
            .unwrap_or_default()
    )
}

/// Every RFC 3339 instant in a page's data made readable (`2022-08-03 06:00 UTC`); days and
/// other strings are left alone. Pages only: programs get RFC 3339.
pub fn readable(v: &mut Value) {
    match v {
        Value::String(s) => {
            if s.len() >= 20
                && s.as_bytes().get(10) == Some(&b'T')
                && let Ok(t) =
                    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            {
                *s = minute(t);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(readable),
        Value::Object(m) => m.values_mut().for_each(readable),
        _ => {}
    }
}

/// What a route map shows besides the corridor itself.
#[derive(Default)]
pub struct MapLayers<'a> {
    pub positions: &'a [PositionReport],
    pub incidents: &'a [Incident],
    pub notified: Option<&'a Geometry>,
}

/// The words on the map (already in the reader's language).
pub struct MapWords {
    pub title: String,
    pub radius: String,
    pub inspection_area: String,
    pub outside: String,
}

const W: f64 = 640.0;
const MAX_H: f64 = 420.0;
const PAD: f64 = 24.0;
/// Metres in a degree of latitude.
const M_PER_DEG: f64 = 111_320.0;

struct Projection {
    lon0: f64,
    cos: f64,
    min_x: f64,
    max_y: f64,
    scale: f64,
    height: f64,
}

impl Projection {
    fn fit(points: &[LatLon], margin_m: f64) -> Projection {
        let lat0 = points.iter().map(|p| p.lat).sum::<f64>() / points.len().max(1) as f64;
        let cos = lat0.to_radians().cos().max(0.05);
        let lon0 = points.first().map_or(0.0, |p| p.lon);
        let xy = |p: &LatLon| ((p.lon - lon0) * cos, p.lat);
        let margin = margin_m / M_PER_DEG;
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            let (x, y) = xy(p);
            min_x = min_x.min(x - margin);
            max_x = max_x.max(x + margin);
            min_y = min_y.min(y - margin);
            max_y = max_y.max(y + margin);
        }
        let (dx, dy) = ((max_x - min_x).max(1e-6), (max_y - min_y).max(1e-6));
        let scale = ((W - 2.0 * PAD) / dx).min((MAX_H - 2.0 * PAD) / dy);
        Projection {
            lon0,
            cos,
            min_x,
            max_y,
            scale,
            height: dy * scale + 2.0 * PAD,
        }
    }

    fn at(&self, p: LatLon) -> (f64, f64) {
        let x = (p.lon - self.lon0) * self.cos;
        (
            PAD + (x - self.min_x) * self.scale,
            PAD + (self.max_y - p.lat) * self.scale,
        )
    }

    /// Metres on the ground as pixels.
    fn px(&self, metres: f64) -> f64 {
        metres / M_PER_DEG * self.scale
    }

    fn path(&self, points: &[LatLon]) -> String {
        let mut s = String::new();
        for (i, p) in points.iter().enumerate() {
            let (x, y) = self.at(*p);
            let _ = write!(s, "{}{x:.1},{y:.1}", if i == 0 { "" } else { " " });
        }
        s
    }
}

/// The corridor's route from its GeoJSON (as a [`chamber_corridors::permissions::CorridorView`]
/// carries it).
pub fn route_of(geojson: &Value) -> Option<Route> {
    match Geometry::from_geojson_value(geojson).ok()? {
        Geometry::Line(r) => Some(r),
        _ => None,
    }
}

fn geometry_points(g: &Geometry) -> Vec<LatLon> {
    match g {
        Geometry::Point { at } => vec![*at],
        Geometry::Line(r) => r.points().to_vec(),
        Geometry::Polygon { ring } => ring.clone(),
        Geometry::Circle { centre, .. } => vec![*centre],
    }
}

fn draw_geometry(out: &mut String, pr: &Projection, g: &Geometry, class: &str, label: &str) {
    let title = format!("<title>{}</title>", escape(label));
    match g {
        Geometry::Point { at } => {
            let (x, y) = pr.at(*at);
            let _ = write!(
                out,
                r##"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="7" fill="none" stroke="#7a4b00" stroke-width="2">{title}</circle>"##
            );
        }
        Geometry::Line(r) => {
            let _ = write!(
                out,
                r##"<polyline class="{class}" points="{}" fill="none" stroke="#7a4b00" stroke-width="2" stroke-dasharray="6 3">{title}</polyline>"##,
                pr.path(r.points())
            );
        }
        Geometry::Polygon { ring } => {
            let _ = write!(
                out,
                r##"<polygon class="{class}" points="{}" fill="#f3e3c3" fill-opacity="0.6" stroke="#7a4b00" stroke-width="1.5">{title}</polygon>"##,
                pr.path(ring)
            );
        }
        Geometry::Circle { centre, radius } => {
            let (x, y) = pr.at(*centre);
            let _ = write!(
                out,
                r##"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="#f3e3c3" fill-opacity="0.6" stroke="#7a4b00" stroke-width="1.5">{title}</circle>"##,
                pr.px(radius.metres()).max(3.0)
            );
        }
    }
}

/// The route map as SVG: the safety radius to scale (a band around the route), the route,
/// ports and crossing points, the inspection area, and the layers.
#[allow(clippy::too_many_arguments)]
pub fn route_map(
    route: &Route,
    radius_m: f64,
    points: &[PointOfPassage],
    inspection_area: Option<&Geometry>,
    layers: &MapLayers<'_>,
    words: &MapWords,
) -> String {
    let mut all: Vec<LatLon> = route.points().to_vec();
    all.extend(points.iter().filter_map(|p| p.location));
    if let Some(g) = inspection_area {
        all.extend(geometry_points(g));
    }
    all.extend(layers.positions.iter().map(|r| r.position));
    if let Some(g) = layers.notified {
        all.extend(geometry_points(g));
    }
    let pr = Projection::fit(&all, radius_m * 1.2);
    let h = pr.height;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="route-map" viewBox="0 0 {W} {h:.0}" width="{W}" height="{h:.0}" role="img" aria-labelledby="route-map-title"><title id="route-map-title">{}</title><rect width="{W}" height="{h:.0}" fill="#eef4f8"/>"##,
        escape(&words.title)
    );
    let line = pr.path(route.points());
    let band = (2.0 * pr.px(radius_m)).max(2.0);
    let _ = write!(
        s,
        r##"<polyline class="safety-radius" points="{line}" fill="none" stroke="#bcd7ee" stroke-opacity="0.8" stroke-width="{band:.1}" stroke-linecap="round" stroke-linejoin="round"><title>{}</title></polyline>"##,
        escape(&words.radius)
    );
    let _ = write!(
        s,
        r##"<polyline class="route" points="{line}" fill="none" stroke="#005a9c" stroke-width="2.5" stroke-linejoin="round"/>"##
    );
    if let Some(g) = inspection_area {
        draw_geometry(&mut s, &pr, g, "inspection-area", &words.inspection_area);
    }
    if let Some(g) = layers.notified {
        draw_geometry(&mut s, &pr, g, "notified", &words.title);
    }
    for p in points {
        let Some(at) = p.location else { continue };
        let (x, y) = pr.at(at);
        let _ = write!(
            s,
            r##"<rect class="port" x="{:.1}" y="{:.1}" width="8" height="8" fill="#1b2a3a"><title>{}</title></rect><text x="{:.1}" y="{:.1}" font-family="system-ui, sans-serif" font-size="12" fill="#1b2a3a">{}</text>"##,
            x - 4.0,
            y - 4.0,
            escape(&p.name),
            x + 7.0,
            y - 6.0,
            escape(&p.name)
        );
    }
    if !layers.positions.is_empty() {
        let track: Vec<LatLon> = layers.positions.iter().map(|r| r.position).collect();
        let _ = write!(
            s,
            r##"<polyline class="track" points="{}" fill="none" stroke="#5a6b7b" stroke-width="1" stroke-dasharray="2 2"/>"##,
            pr.path(&track)
        );
        for r in layers.positions {
            let (x, y) = pr.at(r.position);
            let outside = route.distance_m(r.position) > radius_m;
            let (class, fill) = if outside {
                ("position outside", "#a4161a")
            } else {
                ("position", "#1b6e3a")
            };
            let note = if outside {
                format!(" — {}", words.outside)
            } else {
                String::new()
            };
            let _ = write!(
                s,
                r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{fill}"><title>{} {:.4}, {:.4}{}</title></circle>"#,
                escape(&minute(r.at)),
                r.position.lat,
                r.position.lon,
                escape(&note)
            );
        }
    }
    for i in layers.incidents {
        let at = match &i.finding.kind {
            IncidentKind::Deviation { farthest, .. } => *farthest,
            IncidentKind::UnscheduledStop { position, .. } => *position,
        };
        let (x, y) = pr.at(at);
        let _ = write!(
            s,
            r##"<circle class="incident" cx="{x:.1}" cy="{y:.1}" r="10" fill="none" stroke="#a4161a" stroke-width="2.5"><title>{}</title></circle>"##,
            escape(&i.label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamber_corridors::corridor::PassageKind;

    #[test]
    fn the_map_draws_the_radius_to_scale_and_marks_positions_outside_it() {
        let route = Route::parse_waypoints("46.4,30.8; 41.2,29.1").unwrap();
        let odesa = PointOfPassage::new(
            "Odesa <port>",
            PassageKind::Port,
            Some(LatLon::new(46.49, 30.74).unwrap()),
        )
        .unwrap();
        let inside = PositionReport {
            at: time::macros::datetime!(2022-08-03 06:00 UTC),
            position: LatLon::new(44.0, 30.0).unwrap(),
        };
        let outside = PositionReport {
            at: time::macros::datetime!(2022-08-03 08:00 UTC),
            position: LatLon::new(44.0, 32.5).unwrap(),
        };
        let words = MapWords {
            title: "Route".into(),
            radius: "10 nmi".into(),
            inspection_area: "Inspection area".into(),
            outside: "outside".into(),
        };
        let svg = route_map(
            &route,
            18_520.0,
            &[odesa],
            Some(&Geometry::Point {
                at: LatLon::new(41.2, 29.1).unwrap(),
            }),
            &MapLayers {
                positions: &[inside, outside],
                ..MapLayers::default()
            },
            &words,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Odesa &lt;port&gt;") && !svg.contains("<port>"));
        assert_eq!(svg.matches(r#"class="position outside""#).count(), 1);
        assert_eq!(svg.matches(r#"class="position""#).count(), 1);
        // The band is twice the radius at the map's scale: 37 km across, on a map that draws
        // some 620 km of latitude (the route and its margins) in 372 px, is about 22 px.
        let band: f64 = svg
            .split(r#"class="safety-radius""#)
            .nth(1)
            .and_then(|r| r.split("stroke-width=\"").nth(1))
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        assert!((20.0..24.0).contains(&band), "{band}");
    }

    #[test]
    fn instants_are_made_readable_and_days_left_alone() {
        let mut v = serde_json::json!({"at": "2022-08-02T13:00:00Z", "day": "2022-08-03", "n": [{"t": "2022-08-02T13:05:09Z"}]});
        readable(&mut v);
        assert_eq!(v["at"], "2022-08-02 13:00 UTC");
        assert_eq!(v["day"], "2022-08-03");
        assert_eq!(v["n"][0]["t"], "2022-08-02 13:05 UTC");
    }
}
