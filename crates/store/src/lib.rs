//! Chamber's store: one schema on SQLite (embedded, the default) or PostgreSQL.
//!
//! Architecture invariants:
//! - Every state change runs in a [`WriteTx`], which appends its audit entries to the hash chain
//!   in the same database transaction: a change is never stored without its record, nor the
//!   record without the change.
//! - Secrets are stored only as SHA-256 digests (session cookies, API tokens, one-time links) or
//!   Argon2id hashes (passwords, hashed by the caller).
//! - Queries are portable SQL with `$n` placeholders, each used once and in order.

mod accounts;
mod audit_log;
pub mod checkpoints;
pub mod conferences;
pub mod consult;
pub mod corridors;
pub mod mediation;
mod migrations;
pub mod rotation;
pub mod testing;

use chamber_core::audit::{AuditDraft, AuditEntry, ChainBreak, Head};
use chamber_core::{Role, Username};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::Mutex;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error("cannot open database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("unsupported database URL '{0}' (expected sqlite:// or postgres://)")]
    UnsupportedUrl(String),
    #[error("username '{0}' is already taken")]
    UsernameTaken(String),
    #[error("no such account")]
    NoSuchUser,
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// An account as the rest of Chamber sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: String,
    pub has_password: bool,
}

/// An API token's public description.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiTokenInfo {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub label: String,
    pub created_at: String,
    pub revoked: bool,
}

/// A one-time link's purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationKind {
    /// Create the first administrator on an empty store.
    Setup,
    /// Set the password of an account an administrator created.
    Invite,
}

impl InvitationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationKind::Setup => "setup",
            InvitationKind::Invite => "invite",
        }
    }
}

/// The current time, UTC, RFC 3339 to the second.
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

fn format_time(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .expect("UTC time formats")
}

/// The time `d` from now, in the stored format.
pub fn later(d: Duration) -> String {
    format_time(time::OffsetDateTime::now_utc() + d)
}

/// A fresh secret: 32 random bytes, URL-safe base64 (what goes into cookies and links).
pub fn new_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An unguessable identifier (128 random bits, hex).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// How a secret is stored: SHA-256, hex.
pub fn secret_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The database.
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Serialises this process's write transactions (each also locks the audit head row).
    write_lock: Mutex<()>,
    url_for_display: String,
}

/// A write transaction: holds the audit head, records entries, commits both together.
pub struct WriteTx<'a> {
    tx: Transaction<'static, Any>,
    _guard: tokio::sync::MutexGuard<'a, ()>,
    seq: i64,
    hash: String,
}

impl WriteTx<'_> {
    /// The open transaction, for the caller's own statements.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Append an audit entry to the chain (stored when the transaction commits).
    pub async fn record(&mut self, draft: AuditDraft) -> Result<AuditEntry, StoreError> {
        let entry = AuditEntry::seal(draft, self.seq, &self.hash, now());
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, subject, before_digest, \
             after_digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.seq)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.before_digest)
        .bind(&entry.after_digest)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *self.tx)
        .await?;
        self.seq = entry.seq;
        self.hash = entry.hash.clone();
        Ok(entry)
    }

    /// Move the audit head and commit. Durable when this returns (synchronous=FULL on SQLite).
    pub async fn commit(mut self) -> Result<(), StoreError> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// The data directory is readable by its owner only (0700) and the database file is created
/// 0600 before SQLite opens it (SQLite gives its journal files the database file's mode).
fn private_files(dir: &Path, file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(file)?;
        for f in [
            file.to_path_buf(),
            dir.join("chamber.sqlite-wal"),
            dir.join("chamber.sqlite-shm"),
        ] {
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, file);
    Ok(())
}

impl Store {
    /// Open (creating if needed) the embedded SQLite store in `dir`, in WAL mode.
    pub async fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        let fail = |reason: String| StoreError::DataDir {
            path: dir.to_path_buf(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create it: {e}")))?;
        // Prove the directory is writable before SQLite gives a vaguer error.
        let probe = dir.join(".chamber-write-check");
        std::fs::write(&probe, b"ok").map_err(|e| fail(format!("not writable: {e}")))?;
        let _ = std::fs::remove_file(&probe);
        let file = dir.join("chamber.sqlite");
        private_files(dir, &file).map_err(|e| fail(format!("cannot restrict access: {e}")))?;
        let url = format!("sqlite://{}?mode=rwc", file.display());
        Self::open_url(&url).await
    }

    /// Open a store from a URL: `sqlite://PATH` or `postgres://…`.
    pub async fn open_url(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let mut options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(5))
            .max_connections(if backend == Backend::Sqlite { 8 } else { 10 });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact(url),
                reason: e.to_string(),
            })?;
        let store = Store {
            pool,
            backend,
            write_lock: Mutex::new(()),
            url_for_display: redact(url),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password removed, for messages.
    pub fn display_url(&self) -> &str {
        &self.url_for_display
    }

    /// Direct access for tests and maintenance tools. Bypasses the audit chain: never use it
    /// for a state change in application code.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS chamber_migrations (version BIGINT PRIMARY KEY, \
             description TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        for (version, description, sql) in migrations::all() {
            let mut tx = self.pool.begin().await?;
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM chamber_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                sqlx::query(statement).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO chamber_migrations (version, description, applied_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*description)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(version, description, "applied migration");
        }
        Ok(())
    }

    /// Is the database answering?
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Begin a write transaction: takes this process's write lock, then the audit head row
    /// (which also serialises writers in other processes).
    pub async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        let guard = self.write_lock.lock().await;
        let mut tx = self.pool.begin().await?;
        // A write first, so SQLite takes its write lock now (waiting under busy_timeout) and
        // PostgreSQL locks the head row until commit.
        sqlx::query("UPDATE audit_head SET id = id WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        Ok(WriteTx {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
            tx,
            _guard: guard,
        })
    }

    // ---------------------------------------------------------------- accounts

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database URL without its password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
            } else {
                url.to_string()
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/chamber"),
            "postgres://app:***@db:5432/chamber"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact("sqlite://./a.db"), "sqlite://./a.db");
    }

    #[test]
    fn times_sort_as_they_read() {
        let a = now();
        let b = later(Duration::from_secs(3600));
        assert!(a < b);
        assert_eq!(a.len(), "2026-11-26T17:25:06Z".len());
    }
}
