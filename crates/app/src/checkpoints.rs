//! Checkpoints a party can keep: the record's head signed by the server's own Ed25519 key.
//!
//! When: on demand. The server signs a checkpoint when someone asks for the current one and
//! the head has moved since the last checkpoint; otherwise it hands out the last one again.
//! Why: a checkpoint protects only those who keep it, so one is needed exactly when someone
//! downloads it, and it then names the head at that moment (a checkpoint signed "every few
//! writes" would be up to a few writes old when downloaded). Signing costs one Ed25519
//! signature (tens of microseconds) and one row per head, never a write on the request path
//! of other capabilities.
//!
//! Before signing, the server checks that the record still extends its last checkpoint (the
//! entries after it link its hash to the head; the whole chain for the first one): it never
//! vouches for a record that was cut or rewritten behind its back.

use crate::error::AppError;
use chamber_core::checkpoint::{CheckpointKey, SignedCheckpoint, check_segment};
use chamber_core::{GENESIS_HASH, audit::verify_chain};
use chamber_store::Store;
use rand::RngCore;
use std::path::Path;

/// Reads the checkpoint signing key, or creates it (32 random bytes, hex, mode 0600) when the
/// file does not exist. Two callers creating it at once read the one that was written.
pub fn signing_key(path: &Path) -> Result<CheckpointKey, AppError> {
    let read = |path: &Path| -> Result<CheckpointKey, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))?;
        CheckpointKey::from_hex(&text)
            .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))
    };
    if path.exists() {
        crate::keys::warn_if_exposed(path);
        return read(path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Internal(format!("{}: {e}", dir.display())))?;
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = CheckpointKey::from_bytes(secret);
    // Written to a unique temporary name, then linked into place: a reader never sees half a
    // key, and of two writers the first wins.
    let tmp = path.with_extension(format!("tmp-{}", chamber_store::new_id()));
    crate::keys::write_private(&tmp, format!("{}\n", key.to_hex()).as_bytes())?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!("created the checkpoint signing key {}", path.display());
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(path),
        Err(e) => Err(AppError::Internal(format!("{}: {e}", path.display()))),
    }
}

/// Why no checkpoint was handed out.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The record no longer extends the last checkpoint issued: it was cut or rewritten.
    /// Parties must hear of it; the message names what no longer holds.
    #[error("no checkpoint signed: the record no longer extends what was signed before ({0})")]
    NotExtended(String),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<chamber_store::StoreError> for Refused {
    fn from(e: chamber_store::StoreError) -> Self {
        Refused::Failed(e.into())
    }
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Failed(e) => e,
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The current signed checkpoint: the last one issued when the head has not moved since,
/// else a new one signed now and kept in the store.
pub async fn current(store: &Store, key: &CheckpointKey) -> Result<SignedCheckpoint, Refused> {
    let head = store.audit_head().await?;
    let latest = store.latest_checkpoint().await?;
    if let Some(cp) = &latest
        && cp.seq == head.seq
        && cp.hash == head.hash
    {
        return Ok(cp.clone());
    }
    let refuse = Refused::NotExtended;
    match &latest {
        Some(cp) => {
            if cp.seq > head.seq {
                return Err(refuse(format!(
                    "the head names entry {} but checkpoint {} was issued at {}",
                    head.seq, cp.seq, cp.at
                )));
            }
            if cp.seq > 0 && store.audit_hash_at(cp.seq).await?.as_deref() != Some(cp.hash.as_str())
            {
                return Err(refuse(format!("entry {} was changed or removed", cp.seq)));
            }
            let after = store.audit_entries_after(cp.seq).await?;
            let (seq, hash) =
                check_segment(cp.seq, &cp.hash, &after).map_err(|b| refuse(b.to_string()))?;
            if seq != head.seq || hash != head.hash {
                return Err(refuse(format!(
                    "the head names entry {} but the record ends at {seq}",
                    head.seq
                )));
            }
        }
        None if head.seq == 0 => {
            if head.hash != GENESIS_HASH {
                return Err(refuse(
                    "the empty record's head is not the genesis hash".into(),
                ));
            }
        }
        None => {
            let entries = store.audit_entries().await?;
            verify_chain(entries, Some(&head)).map_err(|b| refuse(b.to_string()))?;
        }
    }
    let signed = key.sign(head.seq, &head.hash, &chamber_store::now());
    Ok(store.keep_checkpoint(&signed).await?)
}
