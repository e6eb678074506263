//! `chamber demo seed`: demonstration data for newcomers.

use crate::config::{Config, StoreArgs};
use crate::serve::{KeyArgs, load_keyring};
use crate::{Fatal, actor, app_error, bad_input, failure, open_store};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Store a demonstration peace process (two parties, a mediator, caucus notes, a negotiating
    /// text in three versions) and print its accounts' one-time password links.
    Seed {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        key: KeyArgs,
        /// Base address for the printed links [default: the public URL, else where `chamber
        /// serve` last answered on this data, else the listen address].
        #[arg(long, env = "CHAMBER_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

pub async fn run(cmd: DemoCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        DemoCommand::Seed {
            store,
            key,
            public_url,
        } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = std::sync::Arc::new(open_store(&config).await?);
            let keys = load_keyring(&key, &config, &store).await?;
            let actor = actor();
            let mediation = chamber_app::mediation::Mediation::new(
                store.clone(),
                Some(std::sync::Arc::new(keys)),
            );
            let seeded = chamber_app::demo::seed(&store, &mediation, &actor)
                .await
                .map_err(app_error)?;
            let base = config.link_base(public_url);
            println!("demonstration process {} stored (sealed)", seeded.process);
            for account in seeded.accounts {
                let (user, _) = store
                    .login_lookup(&account.username)
                    .await
                    .map_err(|e| failure(e.to_string()))?
                    .ok_or_else(|| failure(format!("account {} vanished", account.username)))?;
                let secret = chamber_app::accounts::invite(&store, &actor, &user)
                    .await
                    .map_err(app_error)?;
                println!(
                    "  {} ({}): {}",
                    account.username,
                    account.role,
                    chamber_app::accounts::link(&base, "/invite", &secret)
                );
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}
