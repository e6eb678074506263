//! `chamber watch …`: the command the `chamber` binary wires in.
//!
//! ```text
//! #[derive(clap::Subcommand)]
//! enum Command { #[command(subcommand)] Watch(chamber_watch::cli::WatchCommand), … }
//! // …
//! Command::Watch(cmd) => std::process::exit(chamber_watch::cli::run(cmd)),
//! ```
//!
//! Exit codes: 0 ok, 1 failure (I/O, store), 2 bad input or usage (unreadable or empty file,
//! unknown format, a bad row in `--strict` mode, a file whose every row was rejected).

use crate::backtest::{backtest, parse_episodes};
use crate::date::Date;
use crate::detect::Params;
use crate::indicators::{Period, Scope, ScopeKind, all_series, rollup_series, series};
use crate::model::Format;
use crate::store::Store;
use std::path::PathBuf;

/// Default store directory.
pub const DEFAULT_STORE: &str = "./chamber-data/watch";

/// Early warning over political-event data.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum WatchCommand {
    /// Read event files (GDELT 1/2, ICEWS, UCDP GED, ACLED, PLOVER) into the store.
    Ingest(IngestArgs),
    /// Escalation alerts computed from the store.
    Alerts(AlertsArgs),
    /// Indicator series of a country, dyad or admin1 region.
    Series(SeriesArgs),
    /// Check alerts against known episodes: detection, lead time, precision, recall.
    Backtest(BacktestArgs),
    /// Deaths per country-month 1–6 months after a data cutoff, as quantiles; every forecast
    /// is stored unchanged in <store>/forecasts/<cutoff>.jsonl and printed from there.
    Forecast(ForecastArgs),
    /// Score the model and the zero, last-value and conflict-history baselines on a rolling
    /// origin: CRPS, MSLE, interval score and coverage at 90 % per horizon.
    ForecastEval(ForecastEvalArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct ForecastArgs {
    /// Store directory (forecasts are kept in its `forecasts/`; its deaths are the data when
    /// no --panel is given).
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// The VIEWS country-month panel's long CSV (`derived_cm_fatalities_long.csv`).
    #[arg(long)]
    pub panel: Option<PathBuf>,
    /// Panel column: actuals (later release, default) or release2023.
    #[arg(long, default_value = "actuals", value_parser = parse_column)]
    pub column: crate::series::ViewsColumn,
    /// Last month of data the forecast uses (YYYY-MM; default: the data's last month).
    #[arg(long, value_parser = parse_month)]
    pub cutoff: Option<crate::series::Month>,
    /// Only these countries (ISO3; repeat the flag).
    #[arg(long)]
    pub country: Vec<String>,
    /// recency (the model, default), conflict-history, last-value or zero.
    #[arg(long, default_value = "recency")]
    pub method: String,
    /// Draws behind each forecast's quantiles.
    #[arg(long, default_value_t = 1000)]
    pub samples: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ForecastEvalArgs {
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// The VIEWS country-month panel's long CSV (default: the store's deaths).
    #[arg(long)]
    pub panel: Option<PathBuf>,
    #[arg(long, default_value = "actuals", value_parser = parse_column)]
    pub column: crate::series::ViewsColumn,
    /// Draws a forecast.
    #[arg(long, default_value_t = 1000)]
    pub samples: usize,
    /// Last target month of the tuning period and first cutoff of the held-out one.
    #[arg(long, default_value = "2021-06", value_parser = parse_month)]
    pub split: crate::series::Month,
    /// Also search the model's settings on the tuning period and print the ranking.
    #[arg(long)]
    pub tune: bool,
    #[arg(long)]
    pub json: bool,
}

fn parse_month(s: &str) -> Result<crate::series::Month, String> {
    crate::series::Month::parse(s).ok_or_else(|| format!("not a YYYY-MM month: {s:?}"))
}

fn parse_column(s: &str) -> Result<crate::series::ViewsColumn, String> {
    match s {
        "actuals" => Ok(crate::series::ViewsColumn::Actuals),
        "release2023" => Ok(crate::series::ViewsColumn::Release2023),
        _ => Err(format!("not actuals or release2023: {s:?}")),
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct IngestArgs {
    /// Store directory.
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Force a format: gdelt1, gdelt1-csv, gdelt2, icews, ucdp, acled, plover (default: detect).
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
    /// Stop at the first bad row (exit 2); nothing from this run is stored.
    #[arg(long)]
    pub strict: bool,
    /// Machine-readable report.
    #[arg(long)]
    pub json: bool,
    /// Files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct AlertsArgs {
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Only this country (ISO 3166 alpha-3).
    #[arg(long)]
    pub country: Option<String>,
    /// Only this dyad (AAA-BBB, either direction).
    #[arg(long)]
    pub dyad: Option<String>,
    /// Only this admin1 region, code as stored (GDELT ActionGeo_ADM1Code like GG51; ACLED
    /// admin1, UCDP adm_1, ICEWS Province names).
    #[arg(long)]
    pub admin1: Option<String>,
    /// Alerts with onset on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub since: Option<Date>,
    /// Alerts with onset on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub until: Option<Date>,
    #[arg(long)]
    pub json: bool,
    /// One CSV row per alert (id, onset, end, scope, severity, detectors, …).
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(clap::Args, Debug, Clone)]
pub struct SeriesArgs {
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Country (ISO3): events located there.
    #[arg(long, required_unless_present_any = ["dyad", "admin1", "all"])]
    pub country: Option<String>,
    /// Every country at once (used by the benchmark).
    #[arg(long, conflicts_with_all = ["country", "dyad", "admin1"])]
    pub all: bool,
    /// Dyad AAA-BBB: events between the two actors' countries.
    #[arg(long, conflicts_with = "country")]
    pub dyad: Option<String>,
    /// Admin1 region code as stored (e.g. GDELT's GG00).
    #[arg(long, conflicts_with_all = ["country", "dyad"])]
    pub admin1: Option<String>,
    #[arg(long, value_enum, default_value = "day")]
    pub by: Period,
    #[arg(long, value_parser = parse_date)]
    pub since: Option<Date>,
    #[arg(long, value_parser = parse_date)]
    pub until: Option<Date>,
    #[arg(long)]
    pub json: bool,
    /// One CSV row per period (zeros filled in), deaths and events.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(clap::Args, Debug, Clone)]
pub struct BacktestArgs {
    #[arg(long, default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Episodes: a TOML file of [[episode]] (and [[quiet]]) entries checked against the
    /// store's alerts, or an `episodes.csv` of labelled onsets, escalations and quiet windows
    /// checked with the count detectors on the monthly deaths of each row's dataset folder.
    #[arg(long)]
    pub episodes: PathBuf,
    /// Folder holding the dataset folders an `episodes.csv` names (default: the folder
    /// above the one holding the file).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// With an `episodes.csv`: choose the count detectors' settings on the tuning half (odd
    /// data rows) and print the ranking.
    #[arg(long)]
    pub tune: bool,
    #[arg(long)]
    pub json: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("not a YYYY-MM-DD date: {s:?}"))
}

/// Run a watch command; returns the process exit code.
pub fn run(cmd: WatchCommand) -> i32 {
    let res = match cmd {
        WatchCommand::Ingest(a) => ingest(a),
        WatchCommand::Alerts(a) => run_alerts(a),
        WatchCommand::Series(a) => run_series(a),
        WatchCommand::Backtest(a) => run_backtest(a),
        WatchCommand::Forecast(a) => run_forecast(a),
        WatchCommand::ForecastEval(a) => run_forecast_eval(a),
    };
    match res {
        Ok(code) => code,
        Err((code, msg)) => {
            eprintln!("error: {msg}");
            code
        }
    }
}

type CmdResult = Result<i32, (i32, String)>;

fn print_json<T: serde::Serialize>(v: &T) -> CmdResult {
    use std::io::Write;
    let s = serde_json::to_string_pretty(v).map_err(|e| (1, e.to_string()))?;
    // A reader that stops early (`| head`) is not a failure.
    let _ = writeln!(std::io::stdout().lock(), "{s}");
    Ok(0)
}

fn ingest(a: IngestArgs) -> CmdResult {
    let store = Store::new(&a.store);
    std::fs::create_dir_all(store.root())
        .map_err(|e| (1, format!("cannot create store {}: {e}", a.store.display())))?;
    let out = store.ingest(&a.files, a.format, a.strict);
    // Exit code and the one error line.
    let mut code = 0;
    let mut error: Option<String> = None;
    if let Some(f) = &out.strict_failure {
        code = if a.strict { 2 } else { 1 };
        error = Some(f.clone());
    } else if let Some(e) = out.file_errors().next() {
        code = 2;
        error = Some(e.to_string());
    } else if let Some(f) = out
        .files
        .iter()
        .find(|f| f.report.rows_read > 0 && f.report.rows_ok == 0)
    {
        code = 2;
        error = Some(format!(
            "{}: all {} rows rejected as {} (wrong format?), first: {}",
            f.report.file,
            f.report.rows_read,
            f.report.format,
            f.report
                .rejects
                .first()
                .map(|r| r.to_string())
                .unwrap_or_default()
        ));
    }
    if a.json {
        let mut v = serde_json::to_value(&out).map_err(|e| (1, e.to_string()))?;
        v["total"] = serde_json::to_value(out.total()).map_err(|e| (1, e.to_string()))?;
        v["store"] = a.store.display().to_string().into();
        print_json(&v)?;
    } else {
        for f in &out.files {
            let r = &f.report;
            if let Some(e) = &f.error {
                println!("{}: not read: {e}", r.file);
                continue;
            }
            println!(
                "{}: {} rows read as {}, {} stored, {} duplicates, {} rejected{}",
                r.file,
                r.rows_read,
                r.format,
                f.stored,
                f.duplicates,
                r.rejected,
                if r.recoded > 0 {
                    format!(
                        ", {} rows read as Windows-1252 (first at line {})",
                        r.recoded,
                        r.first_recoded_line.unwrap_or(0)
                    )
                } else {
                    String::new()
                }
            );
            for rej in r.rejects.iter().take(20) {
                println!("  rejected {rej}");
            }
            if r.rejected as usize > r.rejects.len().min(20) {
                println!(
                    "  … {} more rejected rows",
                    r.rejected as usize - r.rejects.len().min(20)
                );
            }
            if let Some(s) = r.unresolved_summary() {
                println!("  {s}");
            }
        }
        for (fmt, c) in &out.per_format {
            println!(
                "{fmt}: {} files, {} rows read, {} stored, {} duplicates, {} rejected",
                c.files, c.rows_read, c.stored, c.duplicates, c.rejected
            );
        }
    }
    match error {
        Some(e) => Err((code, e)),
        None => Ok(0),
    }
}

fn check_store(path: &std::path::Path) -> Result<Store, (i32, String)> {
    if !path.is_dir() {
        return Err((
            2,
            format!(
                "no watch store at {} (run `chamber watch ingest` first)",
                path.display()
            ),
        ));
    }
    Ok(Store::new(path))
}

fn iso3(c: &str) -> Result<String, (i32, String)> {
    let c = c.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err((
            2,
            format!("--country wants an ISO 3166 alpha-3 code like GEO, got {c:?}"),
        ))
    }
}

fn bad_request(e: crate::view::WatchError) -> (i32, String) {
    (if e.is_bad_request() { 2 } else { 1 }, e.to_string())
}

fn run_alerts(a: AlertsArgs) -> CmdResult {
    use crate::view::{WatchRequest, alert_list, alerts_csv};
    let store = check_store(&a.store)?;
    if let Some(c) = &a.country {
        iso3(c)?;
    }
    let req = WatchRequest::parse(
        a.country.as_deref().unwrap_or(""),
        a.dyad.as_deref().unwrap_or(""),
        a.admin1.as_deref().unwrap_or(""),
        a.since,
        a.until,
    )
    .map_err(bad_request)?;
    let found = alert_list(&store, &req).map_err(bad_request)?;
    if a.json {
        return print_json(&found);
    }
    if a.csv {
        print!("{}", alerts_csv(&found));
        return Ok(0);
    }
    if found.is_empty() {
        println!("no alerts");
    }
    for al in &found {
        println!(
            "{} {} [{}] {:.1} bits ({}): {}",
            al.date,
            al.admin1
                .as_deref()
                .or(al.country.as_deref())
                .or(al.dyad.as_deref())
                .unwrap_or(""),
            al.id,
            al.severity_bits,
            al.detectors.join(", "),
            al.explanation
        );
    }
    Ok(0)
}

fn run_series(a: SeriesArgs) -> CmdResult {
    let store = check_store(&a.store)?;
    if a.all {
        let all = match rollup_series(&store, a.by, a.since, a.until).map_err(|e| (1, e))? {
            Some(all) => all,
            None => all_series(
                &store,
                a.by,
                a.since,
                a.until,
                &|_| true,
                ScopeKind::Country,
            )
            .map_err(|e| (1, e))?,
        };
        if a.json {
            let v: serde_json::Map<String, serde_json::Value> = all
                .iter()
                .map(|(s, b)| (s.label(), b.iter().map(|x| x.to_json()).collect()))
                .collect();
            return print_json(&v);
        }
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let _ = writeln!(out, "country\tdate\tevents\tq1\tq2\tq3\tq4\tgoldstein_mean");
        for (s, series) in &all {
            for b in series {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    s.label(),
                    b.start.map(|d| d.to_string()).unwrap_or_default(),
                    b.events,
                    b.quad[0],
                    b.quad[1],
                    b.quad[2],
                    b.quad[3],
                    b.goldstein_mean()
                        .map(|g| format!("{g:.4}"))
                        .unwrap_or_default()
                );
            }
        }
        return Ok(0);
    }
    let scope = if let Some(c) = &a.country {
        Scope::Country(iso3(c)?)
    } else if let Some(d) = &a.dyad {
        match d.parse::<Scope>() {
            Ok(s @ Scope::Dyad(..)) => s,
            _ => return Err((2, format!("--dyad wants AAA-BBB, got {d:?}"))),
        }
    } else {
        Scope::Admin1(a.admin1.clone().unwrap_or_default())
    };
    // The checks a page makes: a known code, dates in order, and "no data" said as such.
    let req = crate::view::WatchRequest::parse(
        a.country.as_deref().unwrap_or(""),
        a.dyad.as_deref().unwrap_or(""),
        a.admin1.as_deref().unwrap_or(""),
        a.since,
        a.until,
    )
    .map_err(bad_request)?;
    if a.csv {
        let v = crate::view::series_view(&store, &req, a.by).map_err(bad_request)?;
        print!("{}", crate::view::series_csv(&v));
        return Ok(0);
    }
    let s = series(&store, &scope, a.by, a.since, a.until).map_err(|e| (1, e))?;
    if s.is_empty() {
        crate::view::require_data(&store, &scope).map_err(bad_request)?;
    }
    if a.json {
        let v: Vec<serde_json::Value> = s.iter().map(|b| b.to_json()).collect();
        return print_json(&v);
    }
    println!("period      events  vcoop  mcoop  vconf  mconf  conflict%  goldstein  fatalities");
    for b in &s {
        println!(
            "{:<10} {:>7} {:>6} {:>6} {:>6} {:>6} {:>9.1}% {:>10} {:>11}",
            b.start.map(|d| d.to_string()).unwrap_or_default(),
            b.events,
            b.quad[0],
            b.quad[1],
            b.quad[2],
            b.quad[3],
            b.conflict_share() * 100.0,
            b.goldstein_mean()
                .map(|g| format!("{g:.2}"))
                .unwrap_or_default(),
            b.fatalities
        );
    }
    Ok(0)
}

fn run_backtest(a: BacktestArgs) -> CmdResult {
    if a.episodes
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
    {
        return run_episode_backtest(a);
    }
    let text = std::fs::read_to_string(&a.episodes)
        .map_err(|e| (2, format!("{}: {e}", a.episodes.display())))?;
    let file = parse_episodes(&text).map_err(|e| (2, format!("{}: {e}", a.episodes.display())))?;
    let store = check_store(&a.store)?;
    let rep = backtest(&store, &file, &Params::default()).map_err(|e| (1, e))?;
    if a.json {
        return print_json(&rep);
    }
    println!("episode | scope | start | detected | first onset | lead (days) | detectors");
    for e in &rep.episodes {
        println!(
            "{} | {} | {} | {} | {} | {} | {}",
            e.name,
            e.scope,
            e.start,
            if e.detected { "yes" } else { "no" },
            e.first_onset.as_deref().unwrap_or("-"),
            e.lead_days.map(|d| d.to_string()).unwrap_or("-".into()),
            e.detectors.join(",")
        );
    }
    for q in &rep.quiet {
        println!(
            "quiet {} {}: {}",
            q.scope,
            q.date,
            if q.alerted {
                "ALERT (false alarm)"
            } else {
                "no alert"
            }
        );
    }
    let m = &rep.overall;
    println!(
        "overall: {} alerts, {} true, precision {:.2}, recall {:.2}, {:.1} false alarms/year over {:.2} years",
        m.alerts, m.true_alerts, m.precision, m.recall, m.false_alarms_per_year, rep.years_observed
    );
    for (d, m) in &rep.per_detector {
        println!(
            "{d}: {} alerts, {} true, precision {:.2}, recall {:.2}, {:.1} false alarms/year",
            m.alerts, m.true_alerts, m.precision, m.recall, m.false_alarms_per_year
        );
    }
    Ok(0)
}

fn run_episode_backtest(a: BacktestArgs) -> CmdResult {
    use crate::counts::CountParams;
    use crate::episodes::{
        Sources, Status, backtest_episodes, panel_alert_rate, read_episodes, tune,
    };
    let eps = read_episodes(&a.episodes).map_err(|e| (2, e.to_string()))?;
    let data = match &a.data {
        Some(d) => d.clone(),
        None => a
            .episodes
            .canonicalize()
            .ok()
            .and_then(|p| Some(p.parent()?.parent()?.to_path_buf()))
            .ok_or_else(|| {
                (
                    2,
                    "cannot find the data folder; pass --data DIR".to_string(),
                )
            })?,
    };
    if !data.is_dir() {
        return Err((2, format!("no data folder at {}", data.display())));
    }
    let mut sources = Sources::new(&data);
    if a.tune {
        let trials = tune(&eps, &mut sources);
        if a.json {
            return print_json(&trials.iter().take(20).collect::<Vec<_>>());
        }
        println!(
            "rank | window | tail bits | min count | min ratio | bocpd | caught | late | false alarms | alerts"
        );
        for (i, t) in trials.iter().take(20).enumerate() {
            let p = &t.params;
            println!(
                "{} | {} | {} | {} | {} | {} | {} | {} | {} | {}",
                i + 1,
                p.window,
                p.tail_bits,
                p.min_count,
                p.min_ratio,
                p.bocpd_threshold,
                t.tuning.caught,
                t.tuning.late,
                t.tuning.false_alarms,
                t.alerts_on_tuning_countries
            );
        }
        let chosen = &trials[0].params;
        println!(
            "chosen: {}",
            if *chosen == CountParams::default() {
                "the defaults"
            } else {
                "differs from the defaults"
            }
        );
        return Ok(0);
    }
    let p = CountParams::default();
    let rep = backtest_episodes(&eps, &mut sources, &p);
    let panel_rate = sources
        .panel("views_cm_fatalities")
        .ok()
        .map(|panel| panel_alert_rate(panel, &p));
    if a.json {
        let mut v = serde_json::to_value(&rep).map_err(|e| (1, e.to_string()))?;
        if let Some((n, rate)) = panel_rate {
            v["panel_alerts"] = n.into();
            v["panel_alerts_per_country_year"] = ((rate * 1000.0).round() / 1000.0).into();
        }
        return print_json(&v);
    }
    println!(
        "line | half | dataset | country | onset | kind | result | alert month | lead (days) | detectors | bits"
    );
    for r in &rep.episodes {
        let result = match r.status {
            Status::Caught => "caught".to_string(),
            Status::Late => "late".to_string(),
            Status::Missed => "missed".to_string(),
            Status::Quiet => format!("quiet, no alert in {} months", r.months),
            Status::FalseAlarm => {
                format!("{} false alarm(s) in {} months", r.false_alarms, r.months)
            }
            Status::NotVisible => "not visible in the data".to_string(),
            Status::YearlyOnly => "yearly numbers only".to_string(),
            Status::NoData => format!("no data: {}", r.reason.as_deref().unwrap_or("")),
        };
        println!(
            "{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}",
            r.line,
            match r.half {
                crate::episodes::Half::Tuning => "tuning",
                crate::episodes::Half::HeldOut => "held-out",
            },
            r.dataset,
            r.country,
            r.onset,
            match r.kind {
                crate::episodes::Kind::Onset => "onset",
                crate::episodes::Kind::Escalation => "escalation",
                crate::episodes::Kind::Quiet => "quiet",
            },
            result,
            r.alert_month.as_deref().unwrap_or("-"),
            r.lead_days.map(|d| d.to_string()).unwrap_or("-".into()),
            r.detectors.join(","),
            r.severity_bits
                .map(|b| format!("{b:.1}"))
                .unwrap_or("-".into()),
        );
        for m in &r.value_mismatches {
            println!("  episodes.csv quotes {m} (read)");
        }
    }
    for (name, t) in [
        ("tuning half", &rep.tuning),
        ("held-out half", &rep.held_out),
        ("all rows", &rep.all),
    ] {
        println!(
            "{name}: {} of {} visible onsets/escalations caught (recall {:.2}), {} late, {} missed; median lead {} days; {} false alarms in {} quiet windows ({:.2} country-years: {:.2} per country-year); {} not visible, {} yearly only",
            t.caught,
            t.events,
            t.recall,
            t.late,
            t.missed,
            t.median_lead_days
                .map(|d| format!("{d:.0}"))
                .unwrap_or("-".into()),
            t.false_alarms,
            t.quiet_windows,
            t.quiet_country_years,
            t.false_alarms_per_country_year,
            t.not_visible,
            t.yearly_only
        );
    }
    if let Some((n, rate)) = panel_rate {
        println!("whole VIEWS panel (unlabelled): {n} alerts, {rate:.3} per country-year");
    }
    Ok(0)
}

fn run_forecast(a: ForecastArgs) -> CmdResult {
    use crate::forecast::Method;
    use crate::forecast::archive::Archive;
    use crate::forecast::report::{load_panel, make_and_store, print_table};
    let method = match a.method.as_str() {
        "recency" | "model" => Method::model(),
        "conflict-history" | "conflict_history" => Method::ConflictHistory { months: 12 },
        "last-value" | "last_value" => Method::LastValue,
        "zero" => Method::Zero,
        m => {
            return Err((
                2,
                format!("--method wants recency, conflict-history, last-value or zero, got {m:?}"),
            ));
        }
    };
    if a.samples == 0 {
        return Err((2, "--samples wants at least 1".into()));
    }
    let countries: Vec<String> = a
        .country
        .iter()
        .map(|c| iso3(c))
        .collect::<Result<_, _>>()?;
    let panel = load_panel(a.panel.as_deref(), a.column, &a.store)?;
    for c in &countries {
        if panel.get(c).is_none() {
            return Err((2, format!("no data for {c} in {}", panel.source)));
        }
    }
    let last = panel
        .span()
        .map(|s| s.1)
        .ok_or((2, "no data".to_string()))?;
    let cutoff = a.cutoff.unwrap_or(last);
    if cutoff > last {
        return Err((
            2,
            format!("--cutoff {cutoff} is after the data's last month, {last}"),
        ));
    }
    std::fs::create_dir_all(&a.store)
        .map_err(|e| (1, format!("cannot create store {}: {e}", a.store.display())))?;
    let archive = Archive::new(&a.store);
    let (stored, report) =
        make_and_store(&panel, &archive, cutoff, &countries, &method, a.samples)?;
    eprintln!(
        "{}: {} forecasts appended, {} already stored{}",
        archive.path(cutoff).display(),
        report.appended,
        report.unchanged + report.kept_stored_over_different,
        if report.kept_stored_over_different > 0 {
            format!(
                " ({} of them made from other data: kept as stored)",
                report.kept_stored_over_different
            )
        } else {
            String::new()
        }
    );
    if a.json {
        return print_json(&stored);
    }
    print_table(&stored);
    Ok(0)
}

fn run_forecast_eval(a: ForecastEvalArgs) -> CmdResult {
    use crate::forecast::eval::EvalConfig;
    use crate::forecast::report::{load_panel, print_eval, print_tune, run_eval};
    if a.samples == 0 {
        return Err((2, "--samples wants at least 1".into()));
    }
    let panel = load_panel(a.panel.as_deref(), a.column, &a.store)?;
    let cfg = EvalConfig {
        samples: a.samples,
        split: a.split,
        ..EvalConfig::default()
    };
    let e = run_eval(&panel, &cfg);
    if a.json {
        return print_json(&e);
    }
    print_eval(&e);
    if a.tune {
        print_tune(&panel, &cfg);
    }
    Ok(0)
}
