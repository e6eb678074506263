//! `chamber admin …`: accounts and tokens from the machine itself.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, actor, app_error, bad_input, failure, open_store};
use chamber_core::{DisplayName, Password, Role, Username};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account. Without --password-stdin, prints a one-time link to set the password.
    CreateUser {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        username: String,
        /// Full name as others see it (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        /// admin, mediator, delegate, observer or analyst.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Base address for the printed link [default: the configured public URL, else where
        /// the last `chamber serve` on this data answered, else the listen address].
        #[arg(long, env = "CHAMBER_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Issue an API token for an administrator account (secretariat automation); prints it
    /// once. Everyone else issues their own tokens in the web interface.
    IssueToken {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "issued from the command line")]
        label: String,
    },
}

pub async fn run(cmd: AdminCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        AdminCommand::CreateUser {
            store,
            username,
            display_name,
            role,
            password_stdin,
            public_url,
        } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let username =
                Username::parse(&username).map_err(|e| bad_input(format!("--username: {e}")))?;
            let display = DisplayName::parse(display_name.as_deref().unwrap_or(username.as_str()))
                .map_err(|e| bad_input(format!("--display-name: {e}")))?;
            let role: Role = role
                .parse()
                .map_err(|e| bad_input(format!("--role: {e}")))?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| bad_input(format!("standard input: {e}")))?;
                let line = line.trim_end_matches(['\r', '\n']);
                Some(Password::parse(line).map_err(|e| bad_input(format!("password: {e}")))?)
            } else {
                None
            };
            let store = open_store(&config).await?;
            let (user, invitation) = chamber_app::accounts::create_account(
                &store,
                &actor(),
                &username,
                &display,
                role,
                password,
            )
            .await
            .map_err(app_error)?;
            println!("created {} ({}) id {}", user.username, user.role, user.id);
            if let Some(secret) = invitation {
                let base = config.link_base(public_url);
                println!(
                    "one-time link to set the password (valid 7 days): {}",
                    chamber_app::accounts::link(&base, "/invite", &secret)
                );
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::IssueToken {
            store,
            username,
            label,
        } => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let (user, _) = store
                .login_lookup(&username)
                .await
                .map_err(|e| failure(e.to_string()))?
                .ok_or_else(|| bad_input(format!("--username: no account named '{username}'")))?;
            // The operator at the machine may not act as a person: a token for a party
            // delegate would read that party's caucus. People issue their own tokens.
            if !chamber_core::permissions::may_administer(user.role) {
                return Err(bad_input(format!(
                    "--username: {username} is a {} account; tokens for people are issued by \
                     their owner under \"API tokens\" once signed in (only administrator \
                     accounts get tokens here)",
                    user.role
                )));
            }
            let secret = store
                .create_api_token(&actor(), &user.id, &label)
                .await
                .map_err(|e| failure(e.to_string()))?;
            println!("{secret}");
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}
