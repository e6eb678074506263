//! The Watch charts as geometry for the template: the series chart (bars on a value axis with
//! round ticks, month ticks on the time axis, the material-conflict share on a second axis for
//! news-coded data, low–high whiskers for deaths, alert onsets as numbered dashed lines linked
//! to their alert) and the forecast fan (history line, 50 % and 90 % bands, median). SVG user
//! units; the template draws them in a `viewBox`, so the chart scales to any width.

use super::words::{Words, number};
use chamber_watch::indicators::Period;
use chamber_watch::series::Month;
use chamber_watch::view::{Fan, SeriesView};
use serde::Serialize;

pub const WIDTH: f64 = 800.0;
pub const HEIGHT: f64 = 300.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 48.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 48.0;

/// The plotting area and its axes.
#[derive(Serialize, Debug, Clone)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// Where the tick labels sit: left of the value axis, right of the share axis, under the
    /// time axis (month, then year).
    pub value_label_x: f64,
    pub share_label_x: f64,
    pub month_label_y: f64,
    pub year_label_y: f64,
}

impl Frame {
    fn new() -> Frame {
        Frame {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: WIDTH - RIGHT,
            top: TOP,
            bottom: HEIGHT - BOTTOM,
            value_label_x: LEFT - 6.0,
            share_label_x: WIDTH - RIGHT + 6.0,
            month_label_y: HEIGHT - BOTTOM + 16.0,
            year_label_y: HEIGHT - BOTTOM + 32.0,
        }
    }

    /// The y of a value on an axis from 0 to `top`.
    fn y(&self, v: f64, top: f64) -> f64 {
        let top = if top > 0.0 { top } else { 1.0 };
        self.bottom - (self.bottom - self.top) * (v / top).clamp(0.0, 1.0)
    }
}

fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A tick on a value axis.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ValueTick {
    pub y: f64,
    pub label: String,
}

/// A tick on the time axis: its month's short name, and the year where it starts or changes.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct MonthTick {
    pub x: f64,
    pub month: String,
    pub year: Option<String>,
}

#[derive(Serialize, Debug, Clone)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub label: String,
}

/// A deaths period's low–high estimate.
#[derive(Serialize, Debug, Clone)]
pub struct Whisker {
    pub x: f64,
    pub y1: f64,
    pub y2: f64,
}

/// An alert onset on the chart: a numbered dashed line linked to the alert's row, its number in
/// a disc above the plot (discs of onsets close together on different rows).
#[derive(Serialize, Debug, Clone)]
pub struct Mark {
    pub x: f64,
    /// The disc's centre and the number's baseline.
    pub cy: f64,
    pub label_y: f64,
    pub number: usize,
    pub alert_id: String,
    pub title: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct SeriesChart {
    pub frame: Frame,
    /// `deaths` or `events`.
    pub value: String,
    pub axis_label: String,
    pub bars: Vec<Bar>,
    pub whiskers: Vec<Whisker>,
    /// The material-conflict share (news-coded data), as polyline points; empty for deaths.
    pub share_line: String,
    pub value_ticks: Vec<ValueTick>,
    pub share_ticks: Vec<ValueTick>,
    pub month_ticks: Vec<MonthTick>,
    pub marks: Vec<Mark>,
}

/// Month ticks at the given x positions, the year written at the first and where it changes.
fn month_ticks(words: Words<'_>, at: impl Iterator<Item = (f64, Month)>) -> Vec<MonthTick> {
    let mut last_year: Option<i32> = None;
    at.map(|(x, m)| {
        let year = (last_year != Some(m.year())).then(|| m.year().to_string());
        last_year = Some(m.year());
        MonthTick {
            x: r(x),
            month: words.month_short(m.month()),
            year,
        }
    })
    .collect()
}

fn value_ticks(frame: &Frame, ticks: &[f64]) -> Vec<ValueTick> {
    let top = ticks.last().copied().unwrap_or(1.0);
    ticks
        .iter()
        .map(|v| ValueTick {
            y: r(frame.y(*v, top)),
            label: number(*v, 2),
        })
        .collect()
}

/// The series chart; `numbers` gives each alert's number in the list (by id).
pub fn series_chart(
    words: Words<'_>,
    view: &SeriesView,
    period: Period,
    numbers: &dyn Fn(&str) -> Option<usize>,
) -> SeriesChart {
    let frame = Frame::new();
    let n = view.points.len().max(1) as f64;
    let step = (frame.right - frame.left) / n;
    let x = |i: usize| frame.left + step * (i as f64 + 0.5);
    let deaths = view.value == "deaths";
    let top = view.value_ticks.last().copied().unwrap_or(1.0);
    let mut bars = Vec::new();
    let mut whiskers = Vec::new();
    for (i, p) in view.points.iter().enumerate() {
        let v = if deaths { p.deaths } else { p.events } as f64;
        let y = frame.y(v, top);
        let when = words.period_of(period, &p.start);
        let label = if deaths {
            words.t(
                "watch-bar-deaths",
                &[
                    ("period", when),
                    ("deaths", p.deaths.to_string()),
                    ("low", p.deaths_low.to_string()),
                    ("high", p.deaths_high.to_string()),
                ],
            )
        } else {
            words.t(
                "watch-bar-events",
                &[
                    ("period", when),
                    ("events", p.events.to_string()),
                    ("share", number(p.material_conflict_share * 100.0, 0)),
                ],
            )
        };
        bars.push(Bar {
            x: r(x(i) - step * 0.4),
            y: r(y),
            w: r((step * 0.8).max(0.5)),
            h: r(frame.bottom - y),
            label,
        });
        if deaths && p.deaths_high > p.deaths_low {
            whiskers.push(Whisker {
                x: r(x(i)),
                y1: r(frame.y(p.deaths_low as f64, top)),
                y2: r(frame.y(p.deaths_high as f64, top)),
            });
        }
    }
    let share_line = if deaths {
        String::new()
    } else {
        view.points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), frame.y(p.material_conflict_share, 1.0)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let share_ticks = if deaths {
        Vec::new()
    } else {
        [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .map(|s| ValueTick {
                y: r(frame.y(*s, 1.0)),
                label: number(s * 100.0, 0),
            })
            .collect()
    };
    let ticks = month_ticks(
        words,
        view.month_ticks
            .iter()
            .filter_map(|t| Some((x(t.index), Month::parse(&t.month)?))),
    );
    // Labels of marks close together go on different rows.
    let mut rows: [f64; 3] = [f64::NEG_INFINITY; 3];
    let marks = view
        .alerts
        .iter()
        .map(|a| {
            let mx = x(a.index);
            let row = (0..3).find(|r| mx - rows[*r] >= 18.0).unwrap_or(0);
            rows[row] = mx;
            let number = numbers(&a.alert_id).unwrap_or(0);
            let cy = 10.0 + 15.0 * row as f64;
            Mark {
                x: r(mx),
                cy,
                label_y: cy + 3.5,
                number,
                alert_id: a.alert_id.clone(),
                title: words.t(
                    "watch-mark-title",
                    &[
                        ("number", number.to_string()),
                        ("date", words.date(&a.onset)),
                        ("bits", number_of(a.severity_bits)),
                    ],
                ),
            }
        })
        .collect();
    SeriesChart {
        value_ticks: value_ticks(&frame, &view.value_ticks),
        frame,
        value: view.value.clone(),
        axis_label: words.t(
            if deaths {
                "watch-axis-deaths"
            } else {
                "watch-axis-events"
            },
            &[],
        ),
        bars,
        whiskers,
        share_line,
        share_ticks,
        month_ticks: ticks,
        marks,
    }
}

fn number_of(bits: f64) -> String {
    number(bits, 1)
}

/// One row of the forecast table.
#[derive(Serialize, Debug, Clone)]
pub struct FanRow {
    pub month: String,
    pub median: String,
    pub band50: String,
    pub band90: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct FanChart {
    pub frame: Frame,
    pub history: String,
    pub band90: String,
    pub band50: String,
    pub median: String,
    pub cutoff_x: f64,
    pub value_ticks: Vec<ValueTick>,
    pub month_ticks: Vec<MonthTick>,
    pub rows: Vec<FanRow>,
    pub cutoff: String,
    pub method: String,
}

/// The forecast fan: the months before the cutoff as a line, then per horizon the 90 % and
/// 50 % bands and the median.
pub fn fan_chart(words: Words<'_>, fan: &Fan) -> FanChart {
    let frame = Frame::new();
    let first = fan
        .history
        .first()
        .map(|h| h.0)
        .or_else(|| fan.horizons.first().map(|h| h.target))
        .unwrap_or(fan.cutoff);
    let last = fan.horizons.last().map(|h| h.target).unwrap_or(fan.cutoff);
    let span = (last - first).max(1) as f64;
    let x = |m: Month| frame.left + (frame.right - frame.left) * ((m - first) as f64 / span);
    let top = fan.value_ticks.last().copied().unwrap_or(1.0);
    let y = |v: f64| frame.y(if v.is_finite() { v } else { 0.0 }, top);
    let pt = |m: Month, v: f64| format!("{:.1},{:.1}", x(m), y(v));
    let history: Vec<String> = fan.history.iter().map(|(m, v)| pt(*m, *v)).collect();
    // The bands start at the cutoff's observed value.
    let start = fan
        .history
        .iter()
        .find(|h| h.0 == fan.cutoff)
        .map(|h| (fan.cutoff, h.1));
    let band = |lo: &dyn Fn(usize) -> f64, hi: &dyn Fn(usize) -> f64| -> String {
        let mut upper: Vec<String> = start.iter().map(|(m, v)| pt(*m, *v)).collect();
        let mut lower = upper.clone();
        for (i, h) in fan.horizons.iter().enumerate() {
            upper.push(pt(h.target, hi(i)));
            lower.push(pt(h.target, lo(i)));
        }
        lower.reverse();
        upper.extend(lower);
        upper.join(" ")
    };
    let hz = &fan.horizons;
    let band90 = band(&|i| hz[i].q05, &|i| hz[i].q95);
    let band50 = band(&|i| hz[i].q25, &|i| hz[i].q75);
    let median: Vec<String> = start
        .iter()
        .map(|(m, v)| pt(*m, *v))
        .chain(hz.iter().map(|h| pt(h.target, h.q50)))
        .collect();
    // About eight month ticks.
    let every = ((last - first + 1) as usize).div_ceil(8).max(1);
    let ticks = month_ticks(
        words,
        (0..=(last - first))
            .step_by(every)
            .map(|k| first + k)
            .map(|m| (x(m), m)),
    );
    let range = |a: f64, b: f64| format!("{} – {}", number(a, 0), number(b, 0));
    FanChart {
        rows: hz
            .iter()
            .map(|h| FanRow {
                month: words.month_year(&h.target.to_string()),
                median: number(h.q50, 0),
                band50: range(h.q25, h.q75),
                band90: range(h.q05, h.q95),
            })
            .collect(),
        cutoff_x: r(x(fan.cutoff)),
        value_ticks: value_ticks(&frame, &fan.value_ticks),
        frame,
        history: history.join(" "),
        band90,
        band50,
        median: median.join(" "),
        month_ticks: ticks,
        cutoff: words.month_year(&fan.cutoff.to_string()),
        method: {
            let key = format!("watch-method-{}", fan.method.replace('_', "-"));
            words.t(&key, &[])
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamber_i18n::{Catalogue, Lang};
    use chamber_watch::view::{AlertMark, FanPoint, MonthTick as DomainTick, SeriesPoint};

    fn point(start: &str, events: u64, deaths: u64) -> SeriesPoint {
        SeriesPoint {
            start: start.into(),
            events,
            material_conflict: events / 2,
            material_conflict_share: 0.5,
            deaths,
            deaths_low: deaths / 2,
            deaths_high: deaths * 2,
        }
    }

    fn view(value: &str) -> SeriesView {
        SeriesView {
            scope: "UKR".into(),
            period: "month".into(),
            value: value.into(),
            points: vec![
                point("2013-12-01", 10, 4),
                point("2014-01-01", 20, 40),
                point("2014-02-01", 40, 2150),
            ],
            month_ticks: vec![
                DomainTick {
                    index: 0,
                    month: "2013-12".into(),
                },
                DomainTick {
                    index: 1,
                    month: "2014-01".into(),
                },
                DomainTick {
                    index: 2,
                    month: "2014-02".into(),
                },
            ],
            value_ticks: vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0],
            value_max: 2150.0,
            alerts: vec![AlertMark {
                index: 2,
                alert_id: "00ff".into(),
                onset: "2014-02-01".into(),
                severity_bits: 23.46,
            }],
        }
    }

    #[test]
    fn the_series_chart_has_both_axes_month_ticks_and_linked_onsets() {
        let c = Catalogue::load();
        let words = Words {
            catalogue: &c,
            lang: Lang::Ru,
        };
        let chart = series_chart(words, &view("deaths"), Period::Month, &|id| {
            (id == "00ff").then_some(3)
        });
        assert_eq!(chart.bars.len(), 3);
        // The tallest bar reaches 2150 of 2500.
        let top = chart.bars[2].y;
        let expected = chart.frame.bottom - (chart.frame.bottom - chart.frame.top) * 0.86;
        assert!((top - expected).abs() < 0.2, "{top} {expected}");
        assert_eq!(chart.value_ticks.len(), 6);
        assert_eq!(chart.value_ticks[5].label, "2500");
        assert_eq!(chart.value_ticks[5].y, chart.frame.top);
        let months: Vec<(&str, Option<&str>)> = chart
            .month_ticks
            .iter()
            .map(|t| (t.month.as_str(), t.year.as_deref()))
            .collect();
        assert_eq!(
            months,
            [
                ("дек.", Some("2013")),
                ("янв.", Some("2014")),
                ("февр.", None)
            ]
        );
        assert_eq!(chart.marks.len(), 1);
        assert_eq!(chart.marks[0].number, 3);
        assert!((chart.marks[0].x - (chart.bars[2].x + chart.bars[2].w / 2.0)).abs() < 0.1);
        assert!(chart.marks[0].title.contains("1 февраля 2014"));
        assert!(chart.share_line.is_empty() && chart.share_ticks.is_empty());
        assert_eq!(chart.whiskers.len(), 3);
        assert!(
            chart.bars[2].label.contains("2150"),
            "{}",
            chart.bars[2].label
        );
    }

    #[test]
    fn news_coded_series_get_the_share_on_a_second_axis() {
        let c = Catalogue::load();
        let words = Words {
            catalogue: &c,
            lang: Lang::En,
        };
        let mut v = view("events");
        v.value_ticks = vec![0.0, 10.0, 20.0, 30.0, 40.0];
        let chart = series_chart(words, &v, Period::Month, &|_| None);
        assert_eq!(chart.share_line.split(' ').count(), 3);
        assert_eq!(chart.share_ticks.last().unwrap().label, "100");
        assert!(chart.whiskers.is_empty());
        assert_eq!(chart.bars[2].y, chart.frame.top);
        assert!(chart.bars[0].label.starts_with("December 2013: 10 events"));
    }

    #[test]
    fn the_fan_has_bands_per_horizon_starting_at_the_cutoff() {
        let c = Catalogue::load();
        let words = Words {
            catalogue: &c,
            lang: Lang::En,
        };
        let cutoff = Month::parse("2020-10").unwrap();
        let fan = Fan {
            country: "ETH".into(),
            cutoff,
            method: "recency".into(),
            history: (0..24).map(|k| (cutoff + (k - 23), k as f64)).collect(),
            horizons: (1..=6)
                .map(|h| FanPoint {
                    target: cutoff + h,
                    horizon: h as u32,
                    q05: 1.0,
                    q25: 10.0,
                    q50: 20.0,
                    q75: 30.0,
                    q95: 90.0,
                    mean: 25.0,
                })
                .collect(),
            value_ticks: vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
        };
        let chart = fan_chart(words, &fan);
        // Cutoff point + six horizons up, six down.
        assert_eq!(chart.band90.split(' ').count(), 14);
        assert_eq!(chart.median.split(' ').count(), 7);
        assert_eq!(chart.history.split(' ').count(), 24);
        assert_eq!(chart.rows.len(), 6);
        assert_eq!(chart.rows[0].month, "November 2020");
        assert_eq!(chart.rows[0].band90, "1 – 90");
        assert!(chart.cutoff_x > chart.frame.left && chart.cutoff_x < chart.frame.right);
        assert_eq!(chart.method, "recent history, weighted (the model)");
        assert!(chart.month_ticks.len() <= 9, "{:?}", chart.month_ticks);
    }
}
