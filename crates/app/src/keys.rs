//! The operator's sealing key on disk, and its rotation.
//!
//! Files, beside the key file (`DATA/keys/chamber.key` by default):
//!
//! ```text
//! chamber.key          the current key: seals, and derives the blind tags
//! chamber.key.next     the next key, only while a rotation runs
//! retired/<fp>.key     keys retired by rotations: they still open, never seal
//! ```
//!
//! A rotation, in this order, so that a crash at any point loses nothing:
//!
//! 1. the new key is written to `chamber.key.next` (0600, synced);
//! 2. every sealed row is re-sealed under it, blind tags recomputed, and the store records the
//!    new key's fingerprint — one transaction ([`chamber_store::Store::rotate_sealed`]);
//! 3. the old key is copied to `retired/`, then `chamber.key.next` is renamed over
//!    `chamber.key` (an atomic rename), and the directory synced;
//! 4. with `--forget-old`, the retired keys are deleted (every row is under the new key).
//!
//! On every start [`open`] first settles an interrupted rotation by asking the store which key
//! its rows are under: the store names the next key only if step 2 committed, so then the swap
//! is finished; otherwise the next key sealed nothing and is discarded. Either way the keyring
//! holds the current key and every retired one, so it opens whatever is stored.
//!
//! The fingerprint of a key is one more blind tag under it: it tells nothing about the key.
//! Rotate with the server stopped: a running server keeps sealing with the key it started with.

use crate::conferences::{Conferences, Settings};
use crate::error::{AppError, AppResult};
use crate::mediation::{Mediation, Repository};
use chamber_mediation::confidential::Keyring;
use chamber_store::Store;
use chamber_store::rotation::{Rotated, Rotation};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The fingerprint of a keyring's sealing key (a keyed tag, hex).
pub fn fingerprint(keys: &Keyring) -> String {
    keys.blind(&["sealing-key-fingerprint"])
}

/// Where the sealing key and its companions live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    current: PathBuf,
}

impl KeyFiles {
    pub fn new(current: impl Into<PathBuf>) -> KeyFiles {
        KeyFiles {
            current: current.into(),
        }
    }

    /// The current key.
    pub fn current(&self) -> &Path {
        &self.current
    }

    /// The next key, present only while a rotation runs.
    pub fn next(&self) -> PathBuf {
        let mut name = self.current.as_os_str().to_owned();
        name.push(".next");
        PathBuf::from(name)
    }

    /// Keys retired by rotations.
    pub fn retired_dir(&self) -> PathBuf {
        self.current
            .parent()
            .unwrap_or(Path::new("."))
            .join("retired")
    }

    fn retired_file(&self, fingerprint: &str) -> PathBuf {
        self.retired_dir()
            .join(format!("{}.key", &fingerprint[..16.min(fingerprint.len())]))
    }

    /// The retired key files, in name order.
    pub fn retired(&self) -> AppResult<Vec<PathBuf>> {
        let dir = self.retired_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&dir, e)),
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "key"))
            .collect();
        files.sort();
        Ok(files)
    }
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{}: {e}", path.display()))
}

fn key_error(e: chamber_mediation::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// Syncs a directory, so that a rename or a new file in it survives a crash. The parent of a
/// bare file name (`chamber.key`) is the empty path: the current directory.
fn sync_dir(dir: &Path) -> AppResult<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error(dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Warns when a key file can be read by others than its owner.
pub(crate) fn warn_if_exposed(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    "{} can be read by others (mode {mode:o}); run: chmod 600 {}",
                    path.display(),
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// What happened to a rotation found interrupted at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Its transaction had committed: the swap of files was finished.
    Finished,
    /// Its transaction had not committed: the unused next key was removed.
    Discarded,
}

/// The keyring as opened at start.
pub struct Opened {
    /// The current key (seals) and every retired one (opens).
    pub keyring: Keyring,
    /// The key file did not exist and was created.
    pub generated: bool,
    /// An interrupted rotation found and settled.
    pub settled: Option<Settled>,
}

/// Opens the sealing key for `store`: settles an interrupted rotation, creates the key file
/// (0600) when there is none, adds the retired keys, and checks that the store's rows are
/// under this key (recording its fingerprint on the first start).
pub async fn open(files: &KeyFiles, store: &Store) -> AppResult<Opened> {
    let settled = settle(files, store).await?;
    let current = files.current();
    let mut generated = false;
    let keyring = if current.exists() {
        warn_if_exposed(current);
        Keyring::from_file(current).map_err(key_error)?
    } else {
        if let Some(dir) = current.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        generated = true;
        let k = Keyring::generate_to_file(current).map_err(key_error)?;
        if let Some(dir) = current.parent() {
            sync_dir(dir)?;
        }
        k
    };
    let fp = fingerprint(&keyring);
    let recorded = store.adopt_sealing_key(&fp).await?;
    if recorded != fp {
        return Err(AppError::Internal(format!(
            "the store's confidential records are sealed under another key (fingerprint {}…) \
             than {} ({}…): start with the key file that belongs to this store",
            &recorded[..16.min(recorded.len())],
            current.display(),
            &fp[..16]
        )));
    }
    let mut keyring = keyring;
    for path in files.retired()? {
        warn_if_exposed(&path);
        keyring = keyring.with_retired(Keyring::from_file(&path).map_err(key_error)?);
    }
    Ok(Opened {
        keyring,
        generated,
        settled,
    })
}

/// Finishes or discards a rotation that was interrupted (see the module's documentation).
async fn settle(files: &KeyFiles, store: &Store) -> AppResult<Option<Settled>> {
    let next = files.next();
    if !next.exists() {
        return Ok(None);
    }
    let recorded = store.sealing_key_fingerprint().await?;
    let committed = match Keyring::from_file(&next) {
        Ok(k) => recorded.as_deref() == Some(fingerprint(&k).as_str()),
        // A next key that does not even read was never used: step 2 needs it whole.
        Err(_) => false,
    };
    if committed {
        finish_swap(files)?;
        tracing::warn!("finished a key rotation that was interrupted after it committed");
        Ok(Some(Settled::Finished))
    } else {
        std::fs::remove_file(&next).map_err(|e| io_error(&next, e))?;
        if let Some(dir) = next.parent() {
            sync_dir(dir)?;
        }
        tracing::warn!("discarded the next key of a key rotation interrupted before it committed");
        Ok(Some(Settled::Discarded))
    }
}

/// Step 3: the old key into `retired/`, the next key over the current one.
fn finish_swap(files: &KeyFiles) -> AppResult<Option<PathBuf>> {
    let current = files.current();
    let mut retired = None;
    if current.exists() {
        let old = Keyring::from_file(current).map_err(key_error)?;
        let dest = files.retired_file(&fingerprint(&old));
        if !dest.exists() {
            let dir = files.retired_dir();
            create_private_dir(&dir)?;
            let bytes = std::fs::read(current).map_err(|e| io_error(current, e))?;
            let tmp = dest.with_extension("key.tmp");
            let _ = std::fs::remove_file(&tmp);
            write_private(&tmp, &bytes)?;
            std::fs::rename(&tmp, &dest).map_err(|e| io_error(&dest, e))?;
            sync_dir(&dir)?;
        }
        retired = Some(dest);
    }
    let next = files.next();
    std::fs::rename(&next, current).map_err(|e| io_error(current, e))?;
    if let Some(dir) = current.parent() {
        sync_dir(dir)?;
    }
    Ok(retired)
}

fn create_private_dir(dir: &Path) -> AppResult<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| io_error(dir, e))
}

/// Writes a new file readable by its owner only, synced.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> AppResult<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| io_error(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| io_error(path, e))
}

/// The points between a rotation's steps (for tests and fault injection: a hook that fails
/// there stops the rotation as a crash would, with no clean-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The next key is on disk; nothing is re-sealed yet.
    NextKeyWritten,
    /// The transaction committed: every row is under the next key; the files are not swapped.
    Committed,
    /// The old key is retired and the next key is the current one.
    Swapped,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::NextKeyWritten => "next-key-written",
            Step::Committed => "committed",
            Step::Swapped => "swapped",
        }
    }
}

/// What a rotation did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RotationReport {
    pub old_fingerprint: String,
    pub new_fingerprint: String,
    pub rotated: Rotated,
    /// Where the old key was kept (none when there was no old key file, or it was forgotten).
    pub retired: Option<PathBuf>,
    /// How many retired keys `--forget-old` deleted.
    pub forgotten: usize,
}

/// Re-seals every sealed record under a new key in one transaction, then swaps the key
/// files. With `forget_old`, every retired key is deleted after success. `hook` is called
/// after each [`Step`]; an error from it stops the rotation there, as a crash would.
pub async fn rotate(
    store: Arc<Store>,
    files: &KeyFiles,
    actor: &str,
    forget_old: bool,
    hook: &mut dyn FnMut(Step) -> AppResult<()>,
) -> AppResult<RotationReport> {
    let old = Arc::new(open(files, &store).await?.keyring);
    // Records of older versions first go under blind scopes, so that all are re-sealed.
    Mediation::new(store.clone(), Some(old.clone()))
        .upgrade()
        .await?;
    let next_path = files.next();
    let next = Arc::new(Keyring::generate_to_file(&next_path).map_err(key_error)?);
    if let Some(dir) = next_path.parent() {
        sync_dir(dir)?;
    }
    hook(Step::NextKeyWritten)?;
    let new_fingerprint = fingerprint(&next);
    let resealed = async {
        let (mediation, members) = Repository::new(store.clone(), old.clone())
            .resealed_under(&Repository::new(store.clone(), next.clone()))
            .await?;
        let (tickets, documents) =
            Conferences::new(store.clone(), Some(old.clone()), Settings::default())
                .resealed_under(&next)
                .await?;
        let rotation = Rotation {
            fingerprint: new_fingerprint.clone(),
            mediation,
            members,
            tickets,
            documents,
        };
        Ok::<_, AppError>(store.rotate_sealed(actor, &rotation).await?)
    }
    .await;
    let rotated = match resealed {
        Ok(r) => r,
        Err(e) => {
            // Nothing was committed: the next key sealed nothing that is stored.
            let _ = std::fs::remove_file(&next_path);
            return Err(e);
        }
    };
    hook(Step::Committed)?;
    let mut retired = finish_swap(files)?;
    hook(Step::Swapped)?;
    let mut forgotten = 0;
    if forget_old {
        for path in files.retired()? {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
            forgotten += 1;
        }
        if files.retired_dir().exists() {
            sync_dir(&files.retired_dir())?;
        }
        retired = None;
    }
    Ok(RotationReport {
        old_fingerprint: fingerprint(&old),
        new_fingerprint,
        rotated,
        retired,
        forgotten,
    })
}
