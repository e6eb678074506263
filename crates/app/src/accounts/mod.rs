//! Accounts: password hashing, one-time links, creating accounts. Used by the server's
//! sign-in, set-up and invitation pages and by `chamber admin`.

pub mod limiter;

pub use limiter::SignInLimiter;

use crate::error::{AppError, AppResult};
use chamber_core::{DisplayName, Password, Role, Username};
use chamber_store::{InvitationKind, Store, User};
use std::time::Duration;

/// How long an invitation link stays valid.
pub const INVITATION_VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long the first administrator's set-up link stays valid.
pub const SETUP_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// Hash a password with Argon2id (OWASP parameters: 19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: Password) -> String {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .expect("Argon2id hashing with default parameters cannot fail")
            .to_string()
    })
    .await
    .expect("hashing task")
}

/// Check a password against a stored PHC string. Unknown accounts are checked against a dummy
/// hash so that timing does not reveal which usernames exist.
pub async fn verify_password(stored: Option<String>, attempt: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                             vVr2HqxqAuIGlGvZ0kUkAgwZwWgStvZ4EN7TSm4O0tk";
        let real = stored.is_some();
        let text = stored.unwrap_or_else(|| DUMMY.to_string());
        let Ok(parsed) = PasswordHash::new(&text) else {
            return false;
        };
        let ok = argon2::Argon2::default()
            .verify_password(attempt.as_bytes(), &parsed)
            .is_ok();
        ok && real
    })
    .await
    .unwrap_or(false)
}

/// A one-time link for a person to open in a browser.
pub fn link(base: &str, path: &str, secret: &str) -> String {
    format!("{}{path}?token={secret}", base.trim_end_matches('/'))
}

/// A new account. With a password it can sign in at once; without, the answer carries a
/// one-time invitation secret for the person to set their own.
pub async fn create_account(
    store: &Store,
    actor: &str,
    username: &Username,
    display: &DisplayName,
    role: Role,
    password: Option<Password>,
) -> AppResult<(User, Option<String>)> {
    let hash = match password {
        Some(p) => Some(hash_password(p).await),
        None => None,
    };
    let user = store
        .create_user(actor, username, display.as_str(), role, hash.as_deref())
        .await
        .map_err(|e| AppError::invalid(e.to_string()))?;
    let invitation = if hash.is_none() {
        Some(invite(store, actor, &user).await?)
    } else {
        None
    };
    Ok((user, invitation))
}

/// A fresh one-time invitation for an existing account.
pub async fn invite(store: &Store, actor: &str, user: &User) -> AppResult<String> {
    Ok(store
        .create_invitation(
            actor,
            InvitationKind::Invite,
            Some(&user.id),
            INVITATION_VALIDITY,
        )
        .await?)
}

/// While no administrator exists (demonstration accounts do not count): a fresh one-time link
/// secret that creates the first administrator. Each call issues a new link, so a restart
/// prints a new way in.
pub async fn first_administrator_link(store: &Store) -> AppResult<Option<String>> {
    if store.admin_count().await? > 0 {
        return Ok(None);
    }
    Ok(Some(
        store
            .create_invitation("system", InvitationKind::Setup, None, SETUP_VALIDITY)
            .await?,
    ))
}
