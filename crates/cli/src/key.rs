//! `chamber key rotate`: every sealed record re-sealed under a new key in one transaction.
//!
//! Stop the server first: a running server keeps sealing with the key it started with.

use crate::config::{Config, StoreArgs};
use crate::serve::KeyArgs;
use crate::{Fatal, actor, bad_input, failure, open_store};
use chamber_app::keys::{KeyFiles, Step};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Re-seal every confidential record (mediation records with their blind scopes and
    /// membership tags, conference tickets and documents) under a new key, in one transaction;
    /// then the new key replaces the key file and the old one is kept under keys/retired/
    /// (it still opens old backups). Interrupted at any point, nothing is lost: the next start
    /// finishes or discards the rotation. Run it with the server stopped.
    Rotate {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        key: KeyArgs,
        /// After success, delete every retired key (old backups of the database will no longer
        /// open).
        #[arg(long)]
        forget_old: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Fault injection for the crash tests: `CHAMBER_FAULT_KILL_AFTER=<step>` kills this process
/// with SIGKILL right after that step (`next-key-written`, `committed`, `swapped`).
fn crash_after(step: Step) -> Result<(), chamber_app::AppError> {
    if std::env::var("CHAMBER_FAULT_KILL_AFTER").as_deref() == Ok(step.name()) {
        #[cfg(unix)]
        // SAFETY: sending a signal to our own process id.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
    Ok(())
}

pub async fn run(cmd: KeyCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        KeyCommand::Rotate {
            store,
            key,
            forget_old,
            json,
        } => {
            if std::env::var_os("CHAMBER_KEY").is_some() {
                return Err(bad_input(
                    "CHAMBER_KEY is set: rotation writes the new key beside the key file, so \
                     give the key as a file (--key-file or CHAMBER_KEY_FILE) and unset CHAMBER_KEY",
                ));
            }
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = std::sync::Arc::new(open_store(&config).await?);
            let files = KeyFiles::new(key.path(&config));
            if !files.current().exists() {
                return Err(bad_input(format!(
                    "{}: no key file to rotate",
                    files.current().display()
                )));
            }
            let report =
                chamber_app::keys::rotate(store.clone(), &files, &actor(), forget_old, &mut |s| {
                    crash_after(s)
                })
                .await
                .map_err(|e| {
                    failure(format!(
                        "key rotation stopped: {e} (no record is lost: the next start finishes or discards it)"
                    ))
                })?;
            store.close().await;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("the report serialises")
                );
            } else {
                let r = &report.rotated;
                println!(
                    "re-sealed under a new key ({}…): {} mediation records ({} membership tags), \
                     {} tickets, {} documents",
                    &report.new_fingerprint[..16],
                    r.mediation_records,
                    r.membership_tags,
                    r.tickets,
                    r.documents
                );
                match &report.retired {
                    Some(path) => println!("the old key is kept as retired: {}", path.display()),
                    None => println!("retired keys deleted: {}", report.forgotten),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
