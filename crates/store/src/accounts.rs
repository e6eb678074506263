//! Accounts, one-time links (set-up and invitations), sessions and API tokens. Secrets are
//! stored only as SHA-256 digests, passwords only as Argon2id hashes.

use crate::*;

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
        let admins: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
                .fetch_one(tx.conn())
                .await?;
        if admins > 0 {
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
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now())
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

    /// Every API token (administration), or one account's own.
    pub async fn list_api_tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError> {
        self.api_tokens_where(None).await
    }

    /// One account's API tokens.
    pub async fn api_tokens_of(&self, user_id: &str) -> Result<Vec<ApiTokenInfo>, StoreError> {
        self.api_tokens_where(Some(user_id)).await
    }

    /// Revoke a token; with `owner`, only if it belongs to that account. Takes effect on the
    /// next request. False when there is no such (unrevoked) token.
    pub async fn revoke_api_token(
        &self,
        actor: &str,
        token_id: &str,
        owner: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
             AND ($3 = '' OR user_id = $3)",
        )
        .bind(now())
        .bind(token_id)
        .bind(owner.unwrap_or(""))
        .execute(tx.conn())
        .await?;
        if changed.rows_affected() != 1 {
            return Ok(false);
        }
        tx.record(AuditDraft::new(actor, "token.revoke", token_id))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Disable an account: its sessions end and its tokens stop working on the next request.
    pub async fn disable_user(&self, actor: &str, user_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1 AND disabled = 0")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        if changed.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .execute(tx.conn())
        .await?;
        tx.record(AuditDraft::new(actor, "user.disable", user_id))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Active administrator accounts.
    pub async fn admin_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn api_tokens_where(&self, user: Option<&str>) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.user_id, u.username, t.label, t.created_at, t.revoked_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE ($1 = '' OR t.user_id = $1) ORDER BY t.created_at, t.id",
        )
        .bind(user.unwrap_or(""))
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
}
