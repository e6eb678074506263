//! The implementation-over-time chart as a plain SVG string: one line for the overall rate and
//! one per provision type, a point per scored period, 0–100 % on the vertical axis.
//!
//! Every word on the chart comes from the caller ([`ChartLabels`]), already translated: this
//! module writes no English. Everything written into the SVG is escaped. Right-to-left pages
//! get the legend and axis titles laid out from the right.

use super::{ProvisionType, Rate, Trend};
use std::fmt::Write;
use time::Date;

/// The chart's words, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct ChartLabels {
    /// Accessible title of the chart.
    pub title: String,
    /// Vertical axis title, e.g. "Implementation".
    pub y_axis: String,
    /// Horizontal axis title, e.g. "Reporting period".
    pub x_axis: String,
    /// Legend name of the overall line.
    pub overall: String,
    /// Shown instead of lines when nothing has been scored yet.
    pub empty: String,
    /// Each provision type's name; a type not listed is shown by its code.
    pub type_names: Vec<(ProvisionType, String)>,
    /// Each period as the page writes dates, in the order of [`Trend::periods`]; ISO dates when
    /// this is shorter.
    pub periods: Vec<String>,
    /// Lay the legend and titles out from the right (Arabic).
    pub right_to_left: bool,
}

const WIDTH: u32 = 720;
const PLOT_HEIGHT: u32 = 260;
const LEFT: u32 = 64;
const RIGHT: u32 = 24;
const TOP: u32 = 40;
const BOTTOM: u32 = 56;
const LEGEND_ROW: u32 = 20;
const LEGEND_COLUMNS: u32 = 2;

/// Line colours (colour-blind safe, Okabe–Ito), then dash patterns when there are more types.
const COLOURS: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
];
const DASHES: [&str; 3] = ["", "6 3", "2 3"];

/// Escapes text for SVG content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn percent(r: &Rate) -> f64 {
    r.value() * 100.0
}

/// The trend as an SVG document fragment (`<svg …>…</svg>`), ready to inline in a page.
pub fn trend_svg(trend: &Trend, labels: &ChartLabels) -> String {
    let series: Vec<(String, &[Rate], &str, &str, f64)> = std::iter::once((
        labels.overall.clone(),
        trend.overall.as_slice(),
        "#222222",
        "",
        3.0,
    ))
    .chain(trend.by_type.iter().enumerate().map(|(i, s)| {
        let name = labels
            .type_names
            .iter()
            .find(|(t, _)| *t == s.provision_type)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| s.provision_type.code().to_string());
        (
            name,
            s.rates.as_slice(),
            COLOURS[i % COLOURS.len()],
            DASHES[(i / COLOURS.len()) % DASHES.len()],
            2.0,
        )
    }))
    .collect();
    let legend_rows = (series.len() as u32).div_ceil(LEGEND_COLUMNS);
    let height = TOP + PLOT_HEIGHT + BOTTOM + legend_rows * LEGEND_ROW + 8;
    let plot_w = f64::from(WIDTH - LEFT - RIGHT);
    let plot_h = f64::from(PLOT_HEIGHT);
    let (left, top) = (f64::from(LEFT), f64::from(TOP));
    let n = trend.periods.len();
    let x_of = |i: usize| -> f64 {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |pct: f64| -> f64 { top + plot_h * (1.0 - pct.clamp(0.0, 100.0) / 100.0) };
    let period_label = |i: usize, d: Date| -> String {
        labels
            .periods
            .get(i)
            .cloned()
            .unwrap_or_else(|| d.to_string())
    };
    let rtl = labels.right_to_left;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"12\"{}>",
        escape(&labels.title),
        if rtl { " direction=\"rtl\"" } else { "" }
    );
    let _ = write!(s, "<title>{}</title>", escape(&labels.title));
    // Grid and vertical axis.
    for pct in [0u32, 25, 50, 75, 100] {
        let y = y_of(f64::from(pct));
        let _ = write!(
            s,
            "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#dddddd\"/>",
            left + plot_w
        );
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" direction=\"ltr\">{pct}%</text>",
            left - 6.0,
            y + 4.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"14\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{}</text>",
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        escape(&labels.y_axis)
    );
    // Horizontal axis: at most about 8 period labels. The first and last sit at the plot's
    // edges, so they run inwards from there (a centred label there was cut off by the chart's
    // edge); "start" and "end" follow the text's direction.
    let step = n.div_ceil(8).max(1);
    for (i, d) in trend.periods.iter().enumerate() {
        if i % step != 0 && i + 1 != n {
            continue;
        }
        let anchor = match (n > 1 && i == 0, n > 1 && i + 1 == n, rtl) {
            (true, _, false) | (_, true, true) => "start",
            (true, _, true) | (_, true, false) => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            x_of(i),
            top + plot_h + 18.0,
            escape(&period_label(i, *d))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        left + plot_w / 2.0,
        top + plot_h + 40.0,
        escape(&labels.x_axis)
    );
    if n == 0 {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555555\">{}</text>",
            left + plot_w / 2.0,
            top + plot_h / 2.0,
            escape(&labels.empty)
        );
    }
    // Lines and points, the overall line drawn last so it stays on top.
    for (name, rates, colour, dash, width) in series.iter().rev() {
        if n == 0 {
            break;
        }
        let points: Vec<String> = rates
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", x_of(i), y_of(percent(r))))
            .collect();
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash_attr} points=\"{}\"/>",
            points.join(" ")
        );
        for (i, r) in rates.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{} — {}: {}% ({}/{})</title></circle>",
                x_of(i),
                y_of(percent(r)),
                escape(name),
                escape(&period_label(i, trend.periods[i])),
                r.percent(),
                r.points,
                r.max
            );
        }
    }
    // Legend below the plot, in columns, from the right for right-to-left pages.
    let col_w = f64::from(WIDTH - LEFT - RIGHT) / f64::from(LEGEND_COLUMNS);
    for (k, (name, _, colour, dash, width)) in series.iter().enumerate() {
        let (row, col) = (k as u32 / LEGEND_COLUMNS, k as u32 % LEGEND_COLUMNS);
        let y = f64::from(TOP + PLOT_HEIGHT + BOTTOM + row * LEGEND_ROW) + 8.0;
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let (x1, x2, tx, anchor) = if rtl {
            let right = f64::from(WIDTH - RIGHT) - col_w * f64::from(col);
            (right, right - 24.0, right - 30.0, "start")
        } else {
            let l = left + col_w * f64::from(col);
            (l, l + 24.0, l + 30.0, "start")
        };
        let _ = write!(
            s,
            "<line x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash_attr}/>"
        );
        let _ = write!(
            s,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            y + 4.0,
            escape(name)
        );
    }
    s.push_str("</svg>");
    s
}
