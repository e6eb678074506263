//! `chamber consult …`: the opinion analysis of a Pol.is export, and Pol.is exports into
//! the store and back.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, actor, app_error, bad_input, failure, open_store};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ConsultCommands {
    #[command(flatten)]
    Analysis(chamber_consult::cli::ConsultCommand),
    /// Bring a Pol.is export (comments.csv + votes.csv or participants-votes.csv) into the
    /// store as a consultation; prints its id.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        dir: std::path::PathBuf,
        /// Title (defaults to the folder's name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a stored consultation in the Pol.is export layout (comments.csv, votes.csv,
    /// participants-votes.csv, summary.csv).
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// The consultation's id.
        id: String,
        /// Folder to write into (created if needed).
        dir: std::path::PathBuf,
    },
}

pub async fn run(cmd: ConsultCommands) -> Result<ExitCode, Fatal> {
    match cmd {
        ConsultCommands::Import { store, dir, title } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let imported =
                chamber_app::consult::import_folder(&store, &actor(), &dir, title.as_deref())
                    .await
                    .map_err(app_error)?;
            store.close().await;
            let skipped = if imported.skipped_votes > 0 {
                format!(
                    " ({} votes on unknown statements skipped)",
                    imported.skipped_votes
                )
            } else {
                String::new()
            };
            println!(
                "imported {} as consultation {}: {} statements, {} participants, {} votes{skipped}",
                dir.display(),
                imported.consultation,
                imported.statements,
                imported.participants,
                imported.votes,
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsultCommands::Export { store, id, dir } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let export = chamber_app::consult::export(&store, &id)
                .await
                .map_err(app_error)?
                .ok_or_else(|| bad_input(format!("no consultation with id {id}")))?;
            store.close().await;
            std::fs::create_dir_all(&dir)
                .map_err(|e| bad_input(format!("{}: {e}", dir.display())))?;
            chamber_consult::polis::write_export(&dir, &export, None)
                .map_err(|e| failure(e.to_string()))?;
            println!(
                "wrote {} statements and {} votes to {}",
                export.comments.len(),
                export.votes.len(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsultCommands::Analysis(cmd) => Ok(ExitCode::from(
            u8::try_from(chamber_consult::cli::run(cmd)).unwrap_or(1),
        )),
    }
}
