//! `chamber audit …`: check or export the tamper-evident record, and its signed checkpoints.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, app_error, bad_input, failure, open_store};
use chamber_core::audit::verify_chain;
use chamber_core::checkpoint::{SignedCheckpoint, consistent, extends};
use clap::Subcommand;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every entry of the record and its head, and that the record still extends every
    /// checkpoint given (and every checkpoint this server issued). Exit 0 when intact, 1 naming
    /// the first bad entry or the checkpoint no longer extended, 2 for an unreadable file.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
        /// A signed checkpoint downloaded earlier (`/api/v1/audit/checkpoint`); repeat it to
        /// show that each later checkpoint extends the earlier ones.
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        /// Accept only checkpoints signed by this Ed25519 public key (64 hex characters).
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
    },
    /// Write the record as JSON Lines (one entry a line, in order, then a head line).
    /// `docs/audit-verification.md` says how anyone can check it without Chamber.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the current signed checkpoint (the same one `/api/v1/audit/checkpoint` serves,
    /// signed now if the head moved since the last one), to publish or keep.
    Checkpoint {
        #[command(flatten)]
        store: StoreArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

fn write_out(output: Option<PathBuf>, text: &str) -> Result<(), Fatal> {
    match output {
        Some(path) => {
            std::fs::write(&path, text).map_err(|e| failure(format!("{}: {e}", path.display())))
        }
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| failure(e.to_string())),
    }
}

/// Reads a checkpoint file; a file that is not one is bad input (exit 2) naming it.
fn read_checkpoint(path: &PathBuf) -> Result<SignedCheckpoint, Fatal> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad_input(format!("checkpoint {}: {e}", path.display())))?;
    SignedCheckpoint::parse(&text)
        .map_err(|e| bad_input(format!("checkpoint {}: {e}", path.display())))
}

pub async fn run(cmd: AuditCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        AuditCommand::Verify {
            store,
            json,
            checkpoints,
            public_key,
        } => verify(store, json, checkpoints, public_key).await,
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
            text.push_str(&json!({"head": {"seq": head.seq, "hash": head.hash}}).to_string());
            text.push('\n');
            write_out(output, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Checkpoint { store, output } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let path = chamber_app::DataDir::new(&config.data).checkpoint_key();
            let key = chamber_app::checkpoints::signing_key(&path).map_err(app_error)?;
            let cp = chamber_app::checkpoints::current(&store, &key)
                .await
                .map_err(|e| app_error(e.into()))?;
            store.close().await;
            write_out(output, &cp.to_json_pretty())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A failure of `verify`: printed as JSON too when asked, then exit 1.
fn broken(json: bool, detail: serde_json::Value, message: String) -> Fatal {
    if json {
        let mut v = json!({"intact": false});
        if let (Some(obj), serde_json::Value::Object(d)) = (v.as_object_mut(), detail) {
            obj.extend(d);
        }
        println!("{v}");
    }
    failure(message)
}

async fn verify(
    store: StoreArgs,
    json: bool,
    files: Vec<PathBuf>,
    public_key: Option<String>,
) -> Result<ExitCode, Fatal> {
    // The files first: a file that is not a checkpoint is bad input, whatever the record says.
    let mut given = Vec::new();
    for path in &files {
        given.push((path.display().to_string(), read_checkpoint(path)?));
    }
    if let Some(k) = &public_key
        && (k.trim().len() != 64 || hex_digits(k.trim()).is_none())
    {
        return Err(bad_input(
            "--public-key: expected 64 hexadecimal characters (an Ed25519 public key)",
        ));
    }
    let config = Config::resolve(&store).map_err(bad_input)?;
    let store = open_store(&config).await?;
    let read = async {
        Ok::<_, chamber_store::StoreError>((
            store.audit_entries().await?,
            store.audit_head().await?,
            store.checkpoints().await?,
        ))
    };
    let (entries, head, issued) = read
        .await
        .map_err(|e| failure(format!("cannot read the record: {e}")))?;
    store.close().await;
    let n = match verify_chain(entries.iter().cloned(), Some(&head)) {
        Ok(n) => n,
        Err(b) => {
            return Err(broken(
                json,
                json!({"first_bad_entry": b.seq, "reason": b.reason}),
                format!("audit record broken at {b}"),
            ));
        }
    };
    // Every checkpoint given: signed by its key (the pinned one, when given), still extended.
    for (name, cp) in &given {
        if let Err(e) = cp.verify_signed_by(public_key.as_deref()) {
            return Err(broken(
                json,
                json!({"checkpoint": name, "reason": e.to_string()}),
                format!("checkpoint {name}: {e}"),
            ));
        }
        if let Err(e) = extends(&entries, cp) {
            return Err(broken(
                json,
                json!({"checkpoint": name, "seq": cp.seq, "reason": e.to_string()}),
                format!(
                    "the record no longer extends checkpoint {name} (entry {}, signed at {}): {e}",
                    cp.seq, cp.at
                ),
            ));
        }
    }
    // Later checkpoints extend earlier ones: consecutive pairs in order of entry.
    let mut ordered: Vec<&(String, SignedCheckpoint)> = given.iter().collect();
    ordered.sort_by_key(|(_, cp)| cp.seq);
    let mut chain_lines = Vec::new();
    for pair in ordered.windows(2) {
        let ((a, ca), (b, cb)) = (pair[0], pair[1]);
        if let Err(e) = consistent(&entries, ca, cb) {
            return Err(broken(
                json,
                json!({"checkpoint": b, "reason": e.to_string()}),
                format!("checkpoints {a} and {b}: {e}"),
            ));
        }
        chain_lines.push(format!(
            "checkpoint {b} (entry {}) extends checkpoint {a} (entry {})",
            cb.seq, ca.seq
        ));
    }
    // The checkpoints this server issued and kept: a store cut behind its back is named too
    // (unless whoever cut it also removed them — hence the checkpoints parties keep).
    for cp in &issued {
        let fails = cp
            .verify_signature()
            .map_err(|e| e.to_string())
            .and_then(|_| extends(&entries, cp).map_err(|e| e.to_string()));
        if let Err(e) = fails {
            return Err(broken(
                json,
                json!({"issued_checkpoint": cp.seq, "reason": e}),
                format!(
                    "the record no longer extends the checkpoint this server issued for entry {} \
                     at {}: {e}",
                    cp.seq, cp.at
                ),
            ));
        }
    }
    if json {
        let list: Vec<_> = given
            .iter()
            .map(|(name, cp)| {
                json!({"file": name, "seq": cp.seq, "hash": cp.hash, "at": cp.at,
                       "public_key": cp.public_key, "extended": true})
            })
            .collect();
        println!(
            "{}",
            json!({"intact": true, "entries": n, "checkpoints": list,
                   "issued_checkpoints": issued.len()})
        );
    } else {
        println!("audit record intact: {n} entries");
        for (name, cp) in &given {
            println!(
                "extends checkpoint {name}: entry {} signed at {} by {}",
                cp.seq, cp.at, cp.public_key
            );
        }
        for line in chain_lines {
            println!("{line}");
        }
        if !issued.is_empty() {
            println!(
                "extends the {} checkpoints this server issued",
                issued.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex_digits(s: &str) -> Option<()> {
    s.bytes().all(|b| b.is_ascii_hexdigit()).then_some(())
}
