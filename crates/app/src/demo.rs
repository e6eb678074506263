//! Demonstration data for newcomers: a peace process with two parties, a mediator, caucus
//! notes and a negotiating text in three versions, with its accounts.

use crate::error::{AppError, AppResult};
use crate::mediation::Mediation;
use chamber_core::{Role, Username};
use chamber_store::Store;

/// A demonstration account: its username and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
}

/// What seeding stored.
#[derive(Debug, Clone)]
pub struct DemoSeed {
    pub process: String,
    pub accounts: Vec<DemoAccount>,
}

/// Store the demonstration process, sealed, with its accounts (created when missing).
pub async fn seed(store: &Store, mediation: &Mediation, actor: &str) -> AppResult<DemoSeed> {
    use chamber_mediation::demo;
    let start = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let built = demo::build(&mut rand::rng(), start)?;
    let mut accounts = Vec::new();
    for (name, role, display) in [
        (demo::MEDIATOR, Role::Mediator, "Demo mediator"),
        (
            demo::DELEGATE_EASTMARK,
            Role::Delegate,
            "Demo delegate of Eastmark",
        ),
        (
            demo::DELEGATE_HIGHLANDS,
            Role::Delegate,
            "Demo delegate of the Highlands",
        ),
        (demo::OBSERVER, Role::Observer, "Demo observer"),
    ] {
        let username = Username::parse(name).map_err(|e| AppError::internal("demo account", e))?;
        if store.login_lookup(name).await?.is_none() {
            store
                .create_user(actor, &username, display, role, None)
                .await?;
        }
        accounts.push(DemoAccount {
            username: name.to_string(),
            role,
        });
    }
    mediation
        .store_whole(
            actor,
            &built.process,
            Some(&built.record),
            &built.notes,
            &built.sessions,
            &built.rooms,
        )
        .await?;
    Ok(DemoSeed {
        process: built.process.id().as_str().to_string(),
        accounts,
    })
}

/// The demonstration's negotiating text (its current version) as Akoma Ntoso, in English: a
/// document the Library can show when no real resolutions are at hand.
pub fn negotiating_text_akn() -> AppResult<String> {
    let demo = chamber_mediation::demo::build(&mut rand::rng(), time::OffsetDateTime::now_utc())?;
    Ok(chamber_mediation::akn::negotiating_text(
        &demo.process,
        demo.record.current(),
        chamber_core::Lang::En,
    ))
}
