//! `chamber corridors …`: the published record of a corridor from the command line — import
//! the JCC's table as published, print the report, export. Each calls one use case of
//! `chamber_app::corridors`.
//!
//! Exit codes: 0 ok; 1 when an import stored what it could read but left rows out (each named
//! with its sheet, row and column), or on a failure; 2 for bad input (no such file or sheet,
//! not a workbook, no such corridor).

use crate::config::{Config, StoreArgs};
use crate::{Fatal, bad_input, failure, open_store, whoami};
use chamber_app::AppError;
use chamber_app::corridors::published::Breakdown;
use chamber_app::corridors::{Actor, Corridors};
use clap::Subcommand;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

/// The corridor the published record is in when none is named.
const DEFAULT_CORRIDOR: &str = "Black Sea Grain Initiative";

#[derive(Subcommand)]
pub enum CorridorsCommand {
    /// Import the Joint Coordination Centre's table as published (HDX's XLSX: sheets Data,
    /// Data_HXL or Live). Voyages already stored under the same sequence number are replaced,
    /// every other is kept; unreadable rows are reported by sheet, row and column.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// The workbook.
        file: std::path::PathBuf,
        /// The sheet to read [default: the first of Data, Data_HXL, Live].
        #[arg(long)]
        sheet: Option<String>,
        /// The corridor's id [default: the Black Sea Grain Initiative's, opened on first
        /// import].
        #[arg(long)]
        corridor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print the report on the published voyages: totals, tonnage by commodity, destination,
    /// income group, departure port and month, voyages per week, days to inspection.
    Report {
        #[command(flatten)]
        store: StoreArgs,
        /// The corridor's id [default: the Black Sea Grain Initiative's].
        #[arg(long)]
        corridor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the published voyages (csv: one row per cargo line with HXL hashtags; xlsx: the
    /// JCC's layout) or one breakdown of the report (commodity, destination, income_group,
    /// departure_port, month) as CSV with HXL hashtags.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        corridor: Option<String>,
        /// csv, xlsx, or a breakdown name.
        #[arg(long)]
        format: String,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

fn app_error(e: AppError) -> Fatal {
    match e {
        AppError::NotFound => bad_input("no such corridor"),
        AppError::Invalid(m) => bad_input(m),
        other => failure(other.to_string()),
    }
}

async fn open(store: &StoreArgs) -> Result<Corridors, Fatal> {
    let config = Config::resolve(store).map_err(bad_input)?;
    let store = open_store(&config).await?;
    Ok(Corridors::new(Arc::new(store)))
}

async fn corridor_id(app: &Corridors, given: Option<String>) -> Result<String, Fatal> {
    if let Some(id) = given {
        return Ok(id);
    }
    match app.store().corridor_by_name(DEFAULT_CORRIDOR).await {
        Ok(Some(row)) => Ok(row.id),
        Ok(None) => Err(bad_input(format!(
            "no corridor named {DEFAULT_CORRIDOR:?} yet: run `chamber corridors import FILE.xlsx` first, or give --corridor ID"
        ))),
        Err(e) => Err(failure(e.to_string())),
    }
}

fn write_out(output: Option<&std::path::Path>, bytes: &[u8]) -> Result<(), Fatal> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| failure(format!("{}: {e}", path.display())))
        }
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|e| failure(e.to_string())),
    }
}

pub async fn run(cmd: CorridorsCommand) -> Result<ExitCode, Fatal> {
    let me = whoami();
    let actor = Actor::Operator(&me);
    match cmd {
        CorridorsCommand::Import {
            store,
            file,
            sheet,
            corridor,
            json,
        } => {
            let bytes =
                std::fs::read(&file).map_err(|e| bad_input(format!("{}: {e}", file.display())))?;
            let app = open(&store).await?;
            let name = file.display().to_string();
            let s = app
                .import_jcc(actor, corridor.as_deref(), bytes, &name, sheet.as_deref())
                .await
                .map_err(app_error)?;
            app.store().close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).expect("serialises"));
            } else {
                println!(
                    "imported {} (sheet {}) into corridor {}{}: {} voyages, {} cargo lines, {} t, departures {} to {}",
                    s.file,
                    s.sheet,
                    s.corridor,
                    if s.opened_corridor {
                        format!(" ({DEFAULT_CORRIDOR}, opened now)")
                    } else {
                        String::new()
                    },
                    s.voyages,
                    s.cargo_lines,
                    group(s.tonnage),
                    s.first_departure.map_or("-".into(), |d| d.to_string()),
                    s.last_departure.map_or("-".into(), |d| d.to_string()),
                );
                for w in &s.warnings {
                    println!("  note: {w}");
                }
            }
            for e in &s.errors {
                eprintln!("left out: {e}");
            }
            if s.rows_rejected > 0 {
                eprintln!(
                    "{} row(s) left out; everything else was stored",
                    s.rows_rejected
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        CorridorsCommand::Report {
            store,
            corridor,
            json,
        } => {
            let app = open(&store).await?;
            let id = corridor_id(&app, corridor).await?;
            let r = app.report(actor, &id).await.map_err(app_error)?;
            app.store().close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&*r).expect("serialises"));
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = String::new();
            out.push_str(&format!(
                "{} voyages, {} cargo lines, {}; departures {} to {}\n",
                r.voyages,
                r.cargo_lines,
                r.tonnage,
                r.first_departure.map_or("-".into(), |d| d.to_string()),
                r.last_departure.map_or("-".into(), |d| d.to_string()),
            ));
            out.push_str(&format!(
                "days from departure to inspection: median {}, {} voyages inspected, {} not (yet)\n",
                r.median_days_to_inspection.map_or("-".into(), |m| m.to_string()),
                r.days_to_inspection.inspected,
                r.days_to_inspection.not_inspected,
            ));
            for (title, shares) in [
                ("by commodity", &r.by_commodity),
                ("by destination", &r.by_destination),
                ("by income group", &r.by_income_group),
                ("by departure port", &r.by_departure_port),
                ("by month of departure", &r.by_month),
            ] {
                out.push_str(&format!("\ntonnage {title}:\n"));
                for s in shares {
                    out.push_str(&format!(
                        "  {:<36} {:>16} {:>6.1} %  {:>5} lines\n",
                        s.name,
                        s.tonnage.to_string(),
                        s.share * 100.0,
                        s.cargo_lines
                    ));
                }
            }
            write_out(None, out.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        CorridorsCommand::Export {
            store,
            corridor,
            format,
            output,
        } => {
            let app = open(&store).await?;
            let id = corridor_id(&app, corridor).await?;
            let bytes = match format.as_str() {
                "csv" => app
                    .export_voyages_csv(actor, &id)
                    .await
                    .map_err(app_error)?
                    .into_bytes(),
                "xlsx" => app.export_xlsx(actor, &id).await.map_err(app_error)?,
                other => {
                    let b = Breakdown::parse(other).map_err(|_| {
                        bad_input(format!(
                            "--format: {other} is not csv, xlsx, commodity, destination, income_group, departure_port or month"
                        ))
                    })?;
                    app.export_breakdown_csv(actor, &id, b)
                        .await
                        .map_err(app_error)?
                        .into_bytes()
                }
            };
            app.store().close().await;
            write_out(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `16945661.0` → `16,945,661`.
fn group(t: f64) -> String {
    let kg = (t * 1000.0).round() as i64;
    let s = format!("{}", kg / 1000);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if kg % 1000 != 0 {
        out.push_str(format!(".{:03}", (kg % 1000).abs()).trim_end_matches('0'));
    }
    out
}
