//! `chamber conferences …`: the operator's commands for the conferences capability. Each
//! calls one use case of `chamber_app::conferences`.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, bad_input, failure, open_store, whoami};
use chamber_app::AppError;
use chamber_app::conferences::publish::{ExportFormat, list_as_text};
use chamber_app::conferences::{Actor, Conferences, Retention, Settings};
use chamber_core::Lang;
use clap::Subcommand;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum ConferencesCommand {
    /// Delete registration documents past the retention period (counted from the later of the
    /// conference's end and the upload); prints what was removed, which the audit log records.
    PurgeDocuments {
        #[command(flatten)]
        store: StoreArgs,
        /// Days documents are kept [env: CHAMBER_DOCUMENT_RETENTION_DAYS] [default: 90].
        #[arg(long, env = "CHAMBER_DOCUMENT_RETENTION_DAYS")]
        retention_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Write a conference as Indico's export JSON, its timetable as iCalendar, or its
    /// registrations as CSV or XLSX.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// The conference's id.
        id: String,
        /// indico, ical, csv or xlsx.
        #[arg(long)]
        format: String,
        /// Language of titles and names: ar, zh, en, fr, ru, es [default: en].
        #[arg(long, default_value = "en")]
        lang: String,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Print the list of participants in the UN layout (only people who consented).
    ListOfParticipants {
        #[command(flatten)]
        store: StoreArgs,
        id: String,
        /// ar, zh, en, fr, ru or es.
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long)]
        json: bool,
    },
}

fn app_error(e: AppError) -> Fatal {
    match e {
        AppError::NotFound => bad_input("no such conference"),
        AppError::Invalid(m) => bad_input(m),
        other => failure(other.to_string()),
    }
}

fn lang(code: &str) -> Result<Lang, Fatal> {
    Lang::from_code(code)
        .ok_or_else(|| bad_input(format!("--lang: {code} is not ar, zh, en, fr, ru or es")))
}

async fn open(store: &StoreArgs) -> Result<Conferences, Fatal> {
    let config = Config::resolve(store).map_err(bad_input)?;
    let store = open_store(&config).await?;
    Ok(Conferences::new(Arc::new(store), None, Settings::default()))
}

fn write_out(output: Option<&std::path::Path>, text: &[u8]) -> Result<(), Fatal> {
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| failure(format!("{}: {e}", path.display())))
        }
        None => std::io::stdout()
            .write_all(text)
            .map_err(|e| failure(e.to_string())),
    }
}

pub async fn run(cmd: ConferencesCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        ConferencesCommand::PurgeDocuments {
            store,
            retention_days,
            json,
        } => {
            let app = open(&store).await?;
            let retention = retention_days.map_or(Retention::DEFAULT, |days| Retention { days });
            let me = whoami();
            let report = app
                .purge_due_documents(Actor::Operator(&me), retention)
                .await
                .map_err(app_error)?;
            app.store().close().await;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("report serialises")
                );
            } else {
                println!(
                    "removed {} document(s) of conferences ended and uploaded on or before {} ({} days' retention)",
                    report.removed.len(),
                    report.cutoff,
                    report.retention_days
                );
                for d in &report.removed {
                    println!(
                        "  {} {} of registration {} ({} bytes, uploaded {})",
                        d.id, d.kind, d.registration, d.size, d.uploaded_at
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ConferencesCommand::Export {
            store,
            id,
            format,
            lang: code,
            output,
        } => {
            let format = ExportFormat::parse(&format).map_err(app_error)?;
            let lang = lang(&code)?;
            let app = open(&store).await?;
            let me = whoami();
            let url = format!("chamber:/export/event/{id}.json");
            let out = app
                .export(Actor::Operator(&me), &id, format, lang, &url)
                .await
                .map_err(app_error)?;
            app.store().close().await;
            write_out(output.as_deref(), &out.body)?;
            Ok(ExitCode::SUCCESS)
        }
        ConferencesCommand::ListOfParticipants {
            store,
            id,
            lang: code,
            json,
        } => {
            let lang = lang(&code)?;
            let app = open(&store).await?;
            let list = app
                .list_of_participants(&id, lang)
                .await
                .map_err(app_error)?;
            app.store().close().await;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("list serialises")
                );
            } else {
                write_out(None, list_as_text(&list).as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
