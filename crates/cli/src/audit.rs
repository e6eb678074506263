//! `chamber audit …`: check or export the tamper-evident record.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, bad_input, failure, open_store};
use clap::Subcommand;
use std::io::Write;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every entry of the record and its head. Exit 0 when intact, 1 naming the first bad
    /// entry otherwise.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Write the record as JSON Lines (one entry a line, in order, then a head line).
    /// `docs/audit-verification.md` says how anyone can check it without Chamber.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

pub async fn run(cmd: AuditCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        AuditCommand::Verify { store, json } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let result = store
                .verify_audit()
                .await
                .map_err(|e| failure(format!("cannot read the record: {e}")))?;
            store.close().await;
            match result {
                Ok(n) => {
                    if json {
                        println!("{}", serde_json::json!({"intact": true, "entries": n}));
                    } else {
                        println!("audit record intact: {n} entries");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({"intact": false, "first_bad_entry": broken.seq, "reason": broken.reason})
                        );
                    }
                    Err(failure(format!("audit record broken at {broken}")))
                }
            }
        }
        AuditCommand::Export { store, output } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let entries = store
                .audit_entries()
                .await
                .map_err(|e| failure(e.to_string()))?;
            let head = store
                .audit_head()
                .await
                .map_err(|e| failure(e.to_string()))?;
            store.close().await;
            let mut text = String::new();
            for entry in &entries {
                text.push_str(&serde_json::to_string(entry).expect("entries serialise"));
                text.push('\n');
            }
            text.push_str(
                &serde_json::json!({"head": {"seq": head.seq, "hash": head.hash}}).to_string(),
            );
            text.push('\n');
            match output {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| failure(format!("{}: {e}", path.display())))?,
                None => std::io::stdout()
                    .write_all(text.as_bytes())
                    .map_err(|e| failure(e.to_string()))?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
