//! Labelled episodes (`episodes.csv`: onsets, escalations and quiet windows with the monthly
//! numbers that show them) and the backtest of the count detectors against them.
//!
//! Each episode names the dataset folder its numbers come from; [`Sources`] reads that
//! folder as a monthly deaths series per country (the VIEWS panel's long CSV, or a UCDP GED
//! event file). An onset or escalation is **caught** when an alert first fires in the
//! episode's onset month or up to [`LEAD_MONTHS`] months before it; an alert that first fires
//! later inside the episode's window is **late**. A quiet window must see no detector fire.
//! Rows marked `visible_in_data = no` (the data cannot show them) and yearly-only rows are
//! reported, never counted in recall.
//!
//! The rows are split in two halves by their position in the file: odd data rows (1st, 3rd,
//! …) are the **tuning** half on which the detector settings are chosen ([`tune`]), even rows
//! the **held-out** half that reports.

use crate::counts::{CountEpisode, CountParams, count_episodes};
use crate::date::Date;
use crate::series::{Month, MonthlySeries, Panel, SeriesError, ViewsColumn, read_ged_csv};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An alert up to this many months before the onset month counts as caught early.
pub const LEAD_MONTHS: i32 = 3;

/// Zero months put before a UCDP GED country file's first event: GED codes every event of
/// its coverage (1989 on), so the months before a country's first event had none.
pub const GED_LEADING_ZERO_MONTHS: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Onset,
    Escalation,
    Quiet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Yes,
    No,
    YearlyOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    Tuning,
    HeldOut,
}

/// One row of `episodes.csv`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LabelledEpisode {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub half: Half,
    pub dataset: String,
    pub country: String,
    pub admin1: String,
    #[serde(serialize_with = "date_text")]
    pub onset: Date,
    pub kind: Kind,
    /// Months of the window (absent for yearly rows).
    pub window: Option<(Month, Month)>,
    /// The monthly numbers the row quotes.
    pub values: Vec<(Month, f64)>,
    pub visible: Visibility,
    pub note: String,
}

fn date_text<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn bad(file: &str, line: u64, field: &str, reason: String) -> SeriesError {
    SeriesError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason,
    }
}

/// Read `episodes.csv`.
pub fn read_episodes(path: &Path) -> Result<Vec<LabelledEpisode>, SeriesError> {
    let file = path.display().to_string();
    let mut rd = csv::Reader::from_path(path).map_err(|e| bad(&file, 0, "file", e.to_string()))?;
    let headers = rd
        .headers()
        .map_err(|e| bad(&file, 1, "header", e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(&file, 1, name, "column missing from the header".into()))
    };
    let (i_ds, i_c, i_a1, i_on, i_kind) = (
        col("dataset_folder")?,
        col("country_iso3")?,
        col("admin1")?,
        col("onset_date")?,
        col("kind")?,
    );
    let (i_win, i_vals, i_vis, i_note) = (
        col("window")?,
        col("monthly_values")?,
        col("visible_in_data")?,
        col("note")?,
    );
    let mut out = Vec::new();
    for (n, rec) in rd.records().enumerate() {
        let line = n as u64 + 2;
        let rec = rec.map_err(|e| bad(&file, line, "row", e.to_string()))?;
        let cell = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let onset = Date::parse_iso(&cell(i_on)).ok_or_else(|| {
            bad(
                &file,
                line,
                "onset_date",
                format!("not YYYY-MM-DD: {:?}", cell(i_on)),
            )
        })?;
        let kind = match cell(i_kind).as_str() {
            "onset" => Kind::Onset,
            "escalation" => Kind::Escalation,
            "quiet" => Kind::Quiet,
            k => {
                return Err(bad(
                    &file,
                    line,
                    "kind",
                    format!("not onset, escalation or quiet: {k:?}"),
                ));
            }
        };
        let visible = match cell(i_vis).as_str() {
            "yes" => Visibility::Yes,
            "no" => Visibility::No,
            "yearly only" => Visibility::YearlyOnly,
            v => {
                return Err(bad(
                    &file,
                    line,
                    "visible_in_data",
                    format!("not yes, no or yearly only: {v:?}"),
                ));
            }
        };
        let win = cell(i_win);
        let window = match win.split_once("..") {
            Some((a, b)) if visible != Visibility::YearlyOnly => {
                match (Month::parse(a), Month::parse(b)) {
                    (Some(a), Some(b)) if a <= b => Some((a, b)),
                    _ => {
                        return Err(bad(
                            &file,
                            line,
                            "window",
                            format!("not YYYY-MM..YYYY-MM: {win:?}"),
                        ));
                    }
                }
            }
            _ if visible == Visibility::YearlyOnly => None,
            _ => {
                return Err(bad(
                    &file,
                    line,
                    "window",
                    format!("not YYYY-MM..YYYY-MM: {win:?}"),
                ));
            }
        };
        let mut values = Vec::new();
        if visible != Visibility::YearlyOnly {
            for part in cell(i_vals).split(';').filter(|p| !p.trim().is_empty()) {
                let parsed = part
                    .split_once(':')
                    .and_then(|(m, v)| Some((Month::parse(m)?, v.trim().parse::<f64>().ok()?)));
                values.push(parsed.ok_or_else(|| {
                    bad(
                        &file,
                        line,
                        "monthly_values",
                        format!("not YYYY-MM:number: {part:?}"),
                    )
                })?);
            }
        }
        out.push(LabelledEpisode {
            line,
            half: if (line - 1) % 2 == 1 {
                Half::Tuning
            } else {
                Half::HeldOut
            },
            dataset: cell(i_ds),
            country: cell(i_c).to_ascii_uppercase(),
            admin1: cell(i_a1),
            onset,
            kind,
            window,
            values,
            visible,
            note: cell(i_note),
        });
    }
    if out.is_empty() {
        return Err(bad(&file, 0, "rows", "no episodes in the file".into()));
    }
    Ok(out)
}

/// Monthly deaths per country for each dataset folder, read once.
pub struct Sources {
    pub dir: PathBuf,
    panels: BTreeMap<String, Result<Panel, String>>,
}

impl Sources {
    /// `dir` holds the dataset folders (`views_cm_fatalities/`, `ucdp_ged_hdx_ukr/` …).
    pub fn new(dir: &Path) -> Sources {
        Sources {
            dir: dir.to_path_buf(),
            panels: BTreeMap::new(),
        }
    }

    fn load(dir: &Path, dataset: &str) -> Result<Panel, String> {
        let folder = dir.join(dataset);
        if dataset == "views_cm_fatalities" {
            return crate::series::read_views_csv(
                &folder.join("derived_cm_fatalities_long.csv"),
                ViewsColumn::Actuals,
            )
            .map_err(|e| e.to_string());
        }
        if dataset.starts_with("ucdp_ged") {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                .map_err(|e| format!("{}: {e}", folder.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect();
            files.sort();
            let f = files
                .first()
                .ok_or_else(|| format!("{}: no CSV file", folder.display()))?;
            let mut p = read_ged_csv(f, &[]).map_err(|e| e.to_string())?;
            for s in p.series.values_mut() {
                *s = std::mem::replace(s, MonthlySeries::from_points("", []))
                    .with_leading_zeros(GED_LEADING_ZERO_MONTHS);
            }
            return Ok(p);
        }
        Err(format!(
            "{dataset}: no monthly series (only the VIEWS panel and UCDP GED files are read)"
        ))
    }

    /// The country's monthly series in a dataset folder.
    pub fn series(&mut self, dataset: &str, country: &str) -> Result<&MonthlySeries, String> {
        let dir = self.dir.clone();
        let panel = self
            .panels
            .entry(dataset.to_string())
            .or_insert_with(|| Self::load(&dir, dataset));
        match panel {
            Ok(p) => p
                .get(country)
                .ok_or_else(|| format!("{dataset}: no data for {country}")),
            Err(e) => Err(e.clone()),
        }
    }

    pub fn panel(&mut self, dataset: &str) -> Result<&Panel, String> {
        let dir = self.dir.clone();
        self.panels
            .entry(dataset.to_string())
            .or_insert_with(|| Self::load(&dir, dataset))
            .as_ref()
            .map_err(|e| e.clone())
    }
}

/// What the detectors did on one labelled row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An alert first fired in the onset month or up to [`LEAD_MONTHS`] before it.
    Caught,
    /// The first alert fired after the onset month, inside the window.
    Late,
    Missed,
    /// A quiet window in which no detector fired.
    Quiet,
    /// A quiet window in which a detector fired.
    FalseAlarm,
    /// Marked invisible in the data: reported, not counted.
    NotVisible,
    /// Only yearly numbers exist: not evaluated.
    YearlyOnly,
    /// The dataset or the country is missing.
    NoData,
}

/// The outcome of one labelled row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EpisodeOutcome {
    pub line: u64,
    pub half: Half,
    pub dataset: String,
    pub country: String,
    pub onset: String,
    pub kind: Kind,
    pub visible: Visibility,
    pub status: Status,
    /// Month the alert that caught it (or the late one) first fired.
    pub alert_month: Option<String>,
    /// Onset date minus the first day of that month (monthly data: an alert in the onset
    /// month shows the onset's day of the month − 1, which is granularity, not warning).
    pub lead_days: Option<i32>,
    pub detectors: Vec<String>,
    pub severity_bits: Option<f64>,
    /// Quiet windows: alerts with an alarm in the window, and the window's length.
    pub false_alarms: usize,
    pub months: usize,
    /// The monthly numbers the row quotes that differ from the series read (`month: quoted
    /// vs read`); empty when they agree.
    pub value_mismatches: Vec<String>,
    pub reason: Option<String>,
}

/// Totals of one half (or all rows).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    pub events: usize,
    pub caught: usize,
    pub late: usize,
    pub missed: usize,
    pub recall: f64,
    pub median_lead_days: Option<f64>,
    pub quiet_windows: usize,
    pub quiet_country_years: f64,
    pub false_alarms: usize,
    pub false_alarms_per_country_year: f64,
    pub not_visible: usize,
    pub yearly_only: usize,
}

/// The backtest of every labelled row.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EpisodeBacktest {
    pub params: CountParams,
    pub lead_months: i32,
    pub episodes: Vec<EpisodeOutcome>,
    pub tuning: Totals,
    pub held_out: Totals,
    pub all: Totals,
}

fn evaluate(
    e: &LabelledEpisode,
    series: Result<&MonthlySeries, String>,
    p: &CountParams,
) -> EpisodeOutcome {
    let mut out = EpisodeOutcome {
        line: e.line,
        half: e.half,
        dataset: e.dataset.clone(),
        country: e.country.clone(),
        onset: e.onset.to_string(),
        kind: e.kind,
        visible: e.visible,
        status: Status::NoData,
        alert_month: None,
        lead_days: None,
        detectors: Vec::new(),
        severity_bits: None,
        false_alarms: 0,
        months: e.window.map(|(a, b)| (b - a + 1) as usize).unwrap_or(0),
        value_mismatches: Vec::new(),
        reason: None,
    };
    if e.visible == Visibility::YearlyOnly {
        out.status = Status::YearlyOnly;
        return out;
    }
    let s = match series {
        Ok(s) => s,
        Err(why) => {
            out.reason = Some(why);
            return out;
        }
    };
    for (m, v) in &e.values {
        let read = s.get(*m).unwrap_or(0.0);
        if (read - v).abs() > 0.5 {
            out.value_mismatches.push(format!("{m}: {v} vs {read}"));
        }
    }
    let (_, eps) = count_episodes(s, p);
    let (first, last) = e.window.expect("monthly rows have a window");
    let describe = |out: &mut EpisodeOutcome, a: &CountEpisode| {
        out.alert_month = Some(a.first_fired.to_string());
        out.lead_days = Some(e.onset.0 - a.first_fired.first_day().0);
        out.detectors = a.detectors.iter().map(|d| d.to_string()).collect();
        out.severity_bits = Some((a.peak.surprise_bits * 100.0).round() / 100.0);
    };
    if e.kind == Kind::Quiet {
        let fired: Vec<&CountEpisode> = eps
            .iter()
            .filter(|a| a.alarms.iter().any(|x| x.fired >= first && x.fired <= last))
            .collect();
        out.false_alarms = fired.len();
        out.status = if fired.is_empty() {
            Status::Quiet
        } else {
            describe(&mut out, fired[0]);
            Status::FalseAlarm
        };
        return out;
    }
    // An alert "comes" in the month its first detector fired (a change-point detector may
    // date the onset a month earlier, but it could only say so a month later).
    let onset = Month::of(e.onset);
    let early = eps
        .iter()
        .find(|a| a.first_fired <= onset && a.first_fired >= onset + -LEAD_MONTHS);
    let late = eps
        .iter()
        .find(|a| a.first_fired > onset && a.first_fired <= last);
    match (early, late) {
        (Some(a), _) => {
            describe(&mut out, a);
            out.status = Status::Caught;
        }
        (None, Some(a)) => {
            describe(&mut out, a);
            out.status = Status::Late;
        }
        (None, None) => out.status = Status::Missed,
    }
    if e.visible == Visibility::No {
        out.status = Status::NotVisible;
    }
    out
}

fn totals<'a>(rows: impl Iterator<Item = &'a EpisodeOutcome>) -> Totals {
    let mut t = Totals::default();
    let mut leads = Vec::new();
    let mut quiet_months = 0usize;
    for r in rows {
        match r.status {
            Status::Caught => {
                t.events += 1;
                t.caught += 1;
                leads.extend(r.lead_days.map(|d| d as f64));
            }
            Status::Late => {
                t.events += 1;
                t.late += 1;
            }
            Status::Missed => {
                t.events += 1;
                t.missed += 1;
            }
            Status::Quiet | Status::FalseAlarm => {
                t.quiet_windows += 1;
                t.false_alarms += r.false_alarms;
                quiet_months += r.months;
            }
            Status::NotVisible => t.not_visible += 1,
            Status::YearlyOnly => t.yearly_only += 1,
            Status::NoData => {}
        }
    }
    t.recall = if t.events == 0 {
        0.0
    } else {
        t.caught as f64 / t.events as f64
    };
    leads.sort_by(f64::total_cmp);
    t.median_lead_days = (!leads.is_empty()).then(|| crate::stats::quantile_sorted(&leads, 0.5));
    t.quiet_country_years = quiet_months as f64 / 12.0;
    t.false_alarms_per_country_year = if quiet_months == 0 {
        0.0
    } else {
        t.false_alarms as f64 / t.quiet_country_years
    };
    t
}

/// Run the count detectors over every labelled row.
pub fn backtest_episodes(
    episodes: &[LabelledEpisode],
    sources: &mut Sources,
    p: &CountParams,
) -> EpisodeBacktest {
    let rows: Vec<EpisodeOutcome> = episodes
        .iter()
        .map(|e| {
            let s = if e.visible == Visibility::YearlyOnly {
                Err("yearly only".to_string())
            } else {
                sources.series(&e.dataset, &e.country).cloned()
            };
            evaluate(e, s.as_ref().map_err(|x| x.clone()), p)
        })
        .collect();
    EpisodeBacktest {
        params: p.clone(),
        lead_months: LEAD_MONTHS,
        tuning: totals(rows.iter().filter(|r| r.half == Half::Tuning)),
        held_out: totals(rows.iter().filter(|r| r.half == Half::HeldOut)),
        all: totals(rows.iter()),
        episodes: rows,
    }
}

/// Alerts per country-year over a whole panel (unlabelled: how many alerts an analyst would
/// see), counting months from the first one with a full baseline.
pub fn panel_alert_rate(panel: &Panel, p: &CountParams) -> (usize, f64) {
    let (mut alerts, mut months) = (0usize, 0usize);
    for s in panel.series.values() {
        alerts += count_episodes(s, p).1.len();
        months += s.len().saturating_sub(p.min_history);
    }
    let years = months as f64 / 12.0;
    (
        alerts,
        if years > 0.0 {
            alerts as f64 / years
        } else {
            0.0
        },
    )
}

/// One setting tried by [`tune`] and how it did on the tuning half.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Trial {
    pub params: CountParams,
    pub tuning: Totals,
    /// Alerts over the full series of the tuning half's countries (fewer is better at equal
    /// recall and false alarms: an analyst reads every one).
    pub alerts_on_tuning_countries: usize,
}

/// Grid search on the tuning half only. Ranked by: most caught; then most seen at all
/// (caught or late: a late alert still tells the analyst something); then fewest false alarms
/// in quiet windows; then fewest alerts on those countries' whole series (an analyst reads
/// every one); then grid order, which lists each setting's central value first and its
/// extremes last, so that of equally good settings the one farthest from the grid's edges
/// wins (an edge value that just passes is the least likely to hold on new episodes).
pub fn tune(episodes: &[LabelledEpisode], sources: &mut Sources) -> Vec<Trial> {
    let tuning: Vec<LabelledEpisode> = episodes
        .iter()
        .filter(|e| e.half == Half::Tuning)
        .cloned()
        .collect();
    let mut countries: Vec<(String, String)> = tuning
        .iter()
        .filter(|e| e.visible != Visibility::YearlyOnly)
        .map(|e| (e.dataset.clone(), e.country.clone()))
        .collect();
    countries.sort();
    countries.dedup();
    let series: Vec<MonthlySeries> = countries
        .iter()
        .filter_map(|(d, c)| sources.series(d, c).ok().cloned())
        .collect();
    let mut trials = Vec::new();
    for tail_bits in [10.0, 13.0, 8.0, 16.0, 6.0] {
        for min_ratio in [2.0, 3.0, 1.5] {
            for window in [12usize, 6, 24] {
                for min_count in [10.0, 20.0, 5.0] {
                    for bocpd_threshold in [0.5, 0.8, 0.3] {
                        let p = CountParams {
                            window,
                            tail_bits,
                            min_count,
                            min_ratio,
                            bocpd_threshold,
                            ..CountParams::default()
                        };
                        let bt = backtest_episodes(&tuning, sources, &p);
                        let alerts = series.iter().map(|s| count_episodes(s, &p).1.len()).sum();
                        trials.push(Trial {
                            params: p,
                            tuning: bt.tuning,
                            alerts_on_tuning_countries: alerts,
                        });
                    }
                }
            }
        }
    }
    // Stable sort: equal trials keep grid order.
    trials.sort_by(|a, b| {
        b.tuning
            .caught
            .cmp(&a.tuning.caught)
            .then((b.tuning.caught + b.tuning.late).cmp(&(a.tuning.caught + a.tuning.late)))
            .then(a.tuning.false_alarms.cmp(&b.tuning.false_alarms))
            .then(
                a.alerts_on_tuning_countries
                    .cmp(&b.alerts_on_tuning_countries),
            )
    });
    trials
}
