//! Chamber's store: one schema on SQLite (embedded, the default) or PostgreSQL.
//!
//! Architecture invariants:
//! - Every state change runs in a [`WriteTx`], which appends its audit entries to the hash chain
//!   in the same database transaction: a change is never stored without its record, nor the
//!   record without the change.
//! - Secrets are stored only as SHA-256 digests (session cookies, API tokens, one-time links) or
//!   Argon2id hashes (passwords, hashed by the caller).
//! - Queries are portable SQL with `$n` placeholders, each used once and in order.

pub mod conferences;
pub mod consult;
pub mod mediation;
mod migrations;
pub mod testing;

use chamber_core::audit::{self, AuditDraft, AuditEntry, ChainBreak, Head};
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
    fn as_str(self) -> &'static str {
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

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    let hash: Option<String> = row.try_get("password_hash")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: role
            .parse()
            .map_err(|e| sqlx::Error::Decode(format!("users.role: {e}").into()))?,
        created_at: row.try_get("created_at")?,
        has_password: hash.is_some(),
    })
}

const USER_COLUMNS: &str = "id, username, display_name, role, password_hash, created_at";

fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation() || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
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

    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Create an account. `password_hash` is an Argon2id PHC string, or `None` for an account
    /// whose owner sets the password through a one-time link.
    pub async fn create_user(
        &self,
        actor: &str,
        username: &Username,
        display_name: &str,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let user =
            Self::insert_user(&mut tx, actor, username, display_name, role, password_hash).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn insert_user(
        tx: &mut WriteTx<'_>,
        actor: &str,
        username: &Username,
        display_name: &str,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<User, StoreError> {
        let user = User {
            id: new_id(),
            username: username.as_str().to_string(),
            display_name: display_name.to_string(),
            role,
            created_at: now(),
            has_password: password_hash.is_some(),
        };
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&user.id)
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(&user.created_at)
        .execute(tx.conn())
        .await;
        if let Err(e) = inserted {
            return Err(if is_unique_violation(&e) {
                StoreError::UsernameTaken(user.username)
            } else {
                e.into()
            });
        }
        let actor = if actor.is_empty() { &user.id } else { actor };
        tx.record(
            AuditDraft::new(actor, "user.create", &user.id).after(&serde_json::json!({
                "username": user.username,
                "display_name": user.display_name,
                "role": role.as_str(),
                "has_password": user.has_password,
            })),
        )
        .await?;
        Ok(user)
    }

    /// Create the first administrator through the one-time set-up link. Fails (returns
    /// `Ok(None)`) when the link is not valid or accounts already exist.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &Username,
        display_name: &str,
        password_hash: &str,
    ) -> Result<Option<User>, StoreError> {
        let mut tx = self.begin_write().await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(tx.conn())
            .await?;
        if users > 0 {
            return Ok(None);
        }
        if !Self::use_invitation(&mut tx, token, InvitationKind::Setup)
            .await?
            .0
        {
            return Ok(None);
        }
        let user = Self::insert_user(
            &mut tx,
            "",
            username,
            display_name,
            Role::Admin,
            Some(password_hash),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND disabled = 0"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The account and its password hash, for signing in.
    pub async fn login_lookup(
        &self,
        username: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1 AND disabled = 0"
        )))
        .bind(username.trim().to_ascii_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE disabled = 0 ORDER BY username"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Set a password and end every session of the account.
    pub async fn set_password(
        &self,
        actor: &str,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        Self::set_password_in(&mut tx, actor, user_id, password_hash).await?;
        tx.commit().await
    }

    async fn set_password_in(
        tx: &mut WriteTx<'_>,
        actor: &str,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NoSuchUser);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.record(AuditDraft::new(actor, "user.password", user_id))
            .await?;
        Ok(())
    }

    // ---------------------------------------------------------------- one-time links

    /// Create a one-time link token; returns the secret (only its digest is stored).
    pub async fn create_invitation(
        &self,
        actor: &str,
        kind: InvitationKind,
        user_id: Option<&str>,
        valid_for: Duration,
    ) -> Result<String, StoreError> {
        let secret = new_secret();
        let digest = secret_digest(&secret);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, kind, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&digest)
        .bind(kind.as_str())
        .bind(user_id)
        .bind(now())
        .bind(later(valid_for))
        .execute(tx.conn())
        .await?;
        tx.record(AuditDraft::new(
            actor,
            &format!("link.{}", kind.as_str()),
            user_id.unwrap_or("-"),
        ))
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Is a link valid right now (not used, not expired)? Returns the account it is for.
    pub async fn peek_invitation(
        &self,
        token: &str,
        kind: InvitationKind,
    ) -> Result<Option<Option<String>>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM invitations WHERE token_hash = $1 AND kind = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(secret_digest(token))
        .bind(kind.as_str())
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => Some(row.try_get("user_id")?),
            None => None,
        })
    }

    async fn use_invitation(
        tx: &mut WriteTx<'_>,
        token: &str,
        kind: InvitationKind,
    ) -> Result<(bool, Option<String>), StoreError> {
        let digest = secret_digest(token);
        let row = sqlx::query(
            "SELECT user_id FROM invitations WHERE token_hash = $1 AND kind = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(&digest)
        .bind(kind.as_str())
        .bind(now())
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else {
            return Ok((false, None));
        };
        let user_id: Option<String> = row.try_get("user_id")?;
        sqlx::query("UPDATE invitations SET used_at = $1 WHERE token_hash = $2")
            .bind(now())
            .bind(&digest)
            .execute(tx.conn())
            .await?;
        Ok((true, user_id))
    }

    /// Set a password through a one-time invitation link. `Ok(None)` when the link is invalid.
    pub async fn accept_invitation(
        &self,
        token: &str,
        password_hash: &str,
    ) -> Result<Option<User>, StoreError> {
        let mut tx = self.begin_write().await?;
        let (valid, user_id) = Self::use_invitation(&mut tx, token, InvitationKind::Invite).await?;
        let Some(user_id) = user_id.filter(|_| valid) else {
            return Ok(None);
        };
        Self::set_password_in(&mut tx, &user_id, &user_id, password_hash).await?;
        tx.commit().await?;
        self.user_by_id(&user_id).await
    }

    // ---------------------------------------------------------------- sessions

    /// Start a session; returns the cookie secret and its CSRF token.
    pub async fn create_session(
        &self,
        user: &User,
        valid_for: Duration,
    ) -> Result<(String, String), StoreError> {
        let secret = new_secret();
        let csrf = new_secret();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secret_digest(&secret))
        .bind(&user.id)
        .bind(&csrf)
        .bind(now())
        .bind(later(valid_for))
        .execute(tx.conn())
        .await?;
        tx.record(AuditDraft::new(&user.id, "session.login", &user.id))
            .await?;
        tx.commit().await?;
        Ok((secret, csrf))
    }

    /// The account and CSRF token of a live session.
    pub async fn session(&self, secret: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.created_at, \
             s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(secret_digest(secret))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("csrf_token")?))),
            None => Ok(None),
        }
    }

    pub async fn end_session(&self, secret: &str, user_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(secret_digest(secret))
            .execute(tx.conn())
            .await?;
        tx.record(AuditDraft::new(user_id, "session.logout", user_id))
            .await?;
        tx.commit().await
    }

    // ---------------------------------------------------------------- API tokens

    /// Issue an API token acting as `user_id`; returns the secret (shown once).
    pub async fn create_api_token(
        &self,
        actor: &str,
        user_id: &str,
        label: &str,
    ) -> Result<String, StoreError> {
        let secret = format!("chm_{}", new_secret());
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?;
        if exists.is_none() {
            return Err(StoreError::NoSuchUser);
        }
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, user_id, label, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(secret_digest(&secret))
        .bind(user_id)
        .bind(label)
        .bind(now())
        .execute(tx.conn())
        .await?;
        tx.record(
            AuditDraft::new(actor, "token.issue", &id)
                .after(&serde_json::json!({"user_id": user_id, "label": label})),
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    pub async fn api_token_user(&self, secret: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
        )
        .bind(secret_digest(secret))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn list_api_tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.user_id, u.username, t.label, t.created_at, t.revoked_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at, t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let revoked: Option<String> = row.try_get("revoked_at")?;
                Ok(ApiTokenInfo {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    username: row.try_get("username")?,
                    label: row.try_get("label")?,
                    created_at: row.try_get("created_at")?,
                    revoked: revoked.is_some(),
                })
            })
            .collect()
    }

    // ---------------------------------------------------------------- the audit record

    /// Every entry in sequence order.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, before_digest, after_digest, prev_hash, \
             hash FROM audit_log ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    seq: row.try_get("seq")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    before_digest: row.try_get("before_digest")?,
                    after_digest: row.try_get("after_digest")?,
                    prev_hash: row.try_get("prev_hash")?,
                    hash: row.try_get("hash")?,
                })
            })
            .collect()
    }

    pub async fn audit_head(&self) -> Result<Head, StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(Head {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
        })
    }

    /// Check the whole chain against its head. `Ok(n)` is the number of intact entries.
    pub async fn verify_audit(&self) -> Result<Result<u64, ChainBreak>, StoreError> {
        let head = self.audit_head().await?;
        let entries = self.audit_entries().await?;
        Ok(audit::verify_chain(entries, Some(&head)))
    }

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
