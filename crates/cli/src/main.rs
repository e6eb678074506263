//! `chamber`: one binary for the whole platform. It parses the command line, reads the
//! configuration and hands over to the store, the server or a capability crate.
//!
//! Exit codes: 0 ok, 1 failure (for example a broken audit chain), 2 bad usage, bad input or
//! bad configuration (unreachable database, unwritable data directory, port in use).

mod conferences;
mod config;

use chamber_core::{DisplayName, Password, Role, Username};
use chamber_store::Store;
use clap::{Args, Parser, Subcommand};
use config::{Config, StoreArgs};
use std::io::Write;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "chamber",
    version,
    about = "Chamber: a peace mediation chamber and preventive-diplomacy centre on one machine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (pages and JSON API).
    Serve(ServeArgs),
    /// Administer accounts and tokens from the machine itself.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Check or export the tamper-evident record.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Demonstration data for newcomers.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Early warning: ingest political-event data, tension series, alerts, backtests.
    #[command(subcommand)]
    Watch(chamber_watch::cli::WatchCommand),
    /// Consultations: opinion groups, representative statements and consensus (Pol.is method).
    #[command(subcommand)]
    Consult(ConsultCommands),
    /// Library: UN resolutions parsed into structure, citations, Akoma Ntoso export.
    #[command(subcommand)]
    Library(chamber_library::cli::LibraryCommand),
    /// Conferences: document retention, exports (Indico JSON, iCalendar, CSV), list of participants.
    #[command(subcommand)]
    Conferences(conferences::ConferencesCommand),
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// Address to listen on [env: CHAMBER_LISTEN] [default: 127.0.0.1:8080].
    #[arg(long, env = "CHAMBER_LISTEN")]
    listen: Option<String>,
    /// The address people reach Chamber at (links, Secure cookies when https://)
    /// [env: CHAMBER_PUBLIC_URL].
    #[arg(long, env = "CHAMBER_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Subcommand)]
enum AdminCommand {
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
        /// Base address for the printed link [default: http://127.0.0.1:8080].
        #[arg(long, env = "CHAMBER_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Issue an API token acting as an account; prints the token once.
    IssueToken {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "issued from the command line")]
        label: String,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Store a demonstration peace process (two parties, a mediator, caucus notes, a negotiating
    /// text in three versions) and print its accounts' one-time password links.
    Seed {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        key: KeyArgs,
        /// Base address for the printed links [default: http://127.0.0.1:8080].
        #[arg(long, env = "CHAMBER_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

/// The key sealing confidential mediation records.
#[derive(Args, Clone, Debug, Default)]
struct KeyArgs {
    /// Key file (32 bytes, raw or hex) [env: CHAMBER_KEY_FILE] [default: DATA/keys/chamber.key,
    /// created with mode 0600 when missing]. CHAMBER_KEY (hex) takes precedence when set.
    #[arg(long, env = "CHAMBER_KEY_FILE")]
    key_file: Option<std::path::PathBuf>,
}

fn load_keyring(
    key: &KeyArgs,
    config: &Config,
) -> Result<chamber_mediation::confidential::Keyring, Fatal> {
    use chamber_mediation::confidential::Keyring;
    if std::env::var_os("CHAMBER_KEY").is_some() {
        return Keyring::from_env("CHAMBER_KEY")
            .map_err(|e| bad_input(format!("CHAMBER_KEY: {e}")));
    }
    let path = key
        .key_file
        .clone()
        .unwrap_or_else(|| config.data.join("keys").join("chamber.key"));
    if path.exists() {
        return Keyring::from_file(&path)
            .map_err(|e| bad_input(format!("{}: {e}", path.display())));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| bad_input(format!("{}: {e}", dir.display())))?;
    }
    let keys = Keyring::generate_to_file(&path)
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    eprintln!(
        "note: generated a new key for confidential records at {}; keep a copy apart from the database",
        path.display()
    );
    Ok(keys)
}

#[derive(Subcommand)]
enum ConsultCommands {
    #[command(flatten)]
    Analysis(chamber_consult::cli::ConsultCommand),
    /// Bring a Pol.is export (comments.csv + votes.csv or participants-votes.csv) into the
    /// store as a consultation; prints its id.
    Import {
        #[command(flatten)]
        store: StoreArgs,
        dir: std::path::PathBuf,
        /// Title (defaults to the folder's name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a stored consultation in the Pol.is export layout (comments.csv, votes.csv,
    /// participants-votes.csv, summary.csv).
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// The consultation's id.
        id: String,
        /// Folder to write into (created if needed).
        dir: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry of the record and its head. Exit 0 when intact, 1 naming the first bad
    /// entry otherwise.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Write the record as JSON Lines (one entry a line, in order, then a head line).
    /// `docs/audit-verification.md` says how anyone can check it without Chamber.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

/// An error that ends the program: one line on stderr and an exit code.
struct Fatal {
    code: u8,
    message: String,
}

fn bad_input(message: impl Into<String>) -> Fatal {
    Fatal {
        code: 2,
        message: message.into(),
    }
}

fn failure(message: impl Into<String>) -> Fatal {
    Fatal {
        code: 1,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = <Cli as clap::CommandFactory>::command().get_matches_from(argv.clone());
    let argv = match config::with_configured_place(argv, &matches) {
        Ok(argv) => argv,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let cli = Cli::parse_from(argv);
    init_logging();
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_broken_pipe();
    }
    // The capability commands are synchronous and own their exit codes.
    let capability = match cli.command {
        Command::Watch(cmd) => Some(chamber_watch::cli::run(cmd)),
        Command::Consult(ConsultCommands::Analysis(cmd)) => Some(chamber_consult::cli::run(cmd)),
        Command::Library(cmd) => Some(chamber_library::cli::run(cmd)),
        other => {
            return run_platform(Cli { command: other });
        }
    };
    ExitCode::from(capability.map_or(1, |code| u8::try_from(code).unwrap_or(1)))
}

fn run_platform(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(fatal) => {
            eprintln!("error: {}", fatal.message);
            ExitCode::from(fatal.code)
        }
    }
}

/// Let `chamber … | head` end quietly, as Unix tools do, instead of panicking on a closed
/// pipe. Not for `serve`: there a client closing its socket must not end the process.
fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn init_logging() {
    let level = std::env::var("CHAMBER_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

async fn open_store(config: &Config) -> Result<Store, Fatal> {
    let result = match &config.database {
        Some(url) => Store::open_url(url).await,
        None => Store::open_dir(&config.data).await,
    };
    result.map_err(|e| bad_input(e.to_string()))
}

async fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Conferences(cmd) => conferences::run(cmd).await,
        Command::Consult(ConsultCommands::Import { store, dir, title }) => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let imported =
                chamber_app::consult::import_folder(&store, &actor(), &dir, title.as_deref())
                    .await
                    .map_err(app_error)?;
            store.close().await;
            let skipped = if imported.skipped_votes > 0 {
                format!(
                    " ({} votes on unknown statements skipped)",
                    imported.skipped_votes
                )
            } else {
                String::new()
            };
            println!(
                "imported {} as consultation {}: {} statements, {} participants, {} votes{skipped}",
                dir.display(),
                imported.consultation,
                imported.statements,
                imported.participants,
                imported.votes,
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(DemoCommand::Seed {
            store,
            key,
            public_url,
        }) => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let keys = load_keyring(&key, &config)?;
            let store = std::sync::Arc::new(open_store(&config).await?);
            let actor = actor();
            let mediation = chamber_app::mediation::Mediation::new(
                store.clone(),
                Some(std::sync::Arc::new(keys)),
            );
            let seeded = chamber_app::demo::seed(&store, &mediation, &actor)
                .await
                .map_err(app_error)?;
            let base = public_url
                .or(config.public_url.clone())
                .unwrap_or_else(|| format!("http://{}", config.listen));
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
        Command::Consult(ConsultCommands::Export { store, id, dir }) => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let export = chamber_app::consult::export(&store, &id)
                .await
                .map_err(app_error)?
                .ok_or_else(|| bad_input(format!("no consultation with id {id}")))?;
            store.close().await;
            std::fs::create_dir_all(&dir)
                .map_err(|e| bad_input(format!("{}: {e}", dir.display())))?;
            chamber_consult::polis::write_export(&dir, &export, None)
                .map_err(|e| failure(e.to_string()))?;
            println!(
                "wrote {} statements and {} votes to {}",
                export.comments.len(),
                export.votes.len(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch(_)
        | Command::Consult(ConsultCommands::Analysis(_))
        | Command::Library(_) => {
            unreachable!("capability commands are dispatched in main")
        }
        Command::Admin(AdminCommand::CreateUser {
            store,
            username,
            display_name,
            role,
            password_stdin,
            public_url,
        }) => {
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
                let base = public_url
                    .or(config.public_url.clone())
                    .unwrap_or_else(|| format!("http://{}", config.listen));
                println!(
                    "one-time link to set the password (valid 7 days): {}",
                    chamber_app::accounts::link(&base, "/invite", &secret)
                );
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::IssueToken {
            store,
            username,
            label,
        }) => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let (user, _) = store
                .login_lookup(&username)
                .await
                .map_err(|e| failure(e.to_string()))?
                .ok_or_else(|| bad_input(format!("--username: no account named '{username}'")))?;
            let secret = store
                .create_api_token(&format!("cli:{}", whoami()), &user.id, &label)
                .await
                .map_err(|e| failure(e.to_string()))?;
            println!("{secret}");
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { store, json }) => {
            let config = Config::resolve(&store).map_err(bad_input)?;
            let store = open_store(&config).await?;
            let result = store
                .verify_audit()
                .await
                .map_err(|e| failure(format!("cannot read the record: {e}")))?;
            store.close().await;
            match result {
                Ok(n) => {
                    if json {
                        println!("{}", serde_json::json!({"intact": true, "entries": n}));
                    } else {
                        println!("audit record intact: {n} entries");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({"intact": false, "first_bad_entry": broken.seq, "reason": broken.reason})
                        );
                    }
                    Err(failure(format!("audit record broken at {broken}")))
                }
            }
        }
        Command::Audit(AuditCommand::Export { store, output }) => {
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
            text.push_str(
                &serde_json::json!({"head": {"seq": head.seq, "hash": head.hash}}).to_string(),
            );
            text.push('\n');
            match output {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| failure(format!("{}: {e}", path.display())))?,
                None => std::io::stdout()
                    .write_all(text.as_bytes())
                    .map_err(|e| failure(e.to_string()))?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "operator".into())
}

/// Who the audit record names for a command run at the machine.
fn actor() -> String {
    format!("cli:{}", whoami())
}

/// An application error as the command line reports it: bad input exits 2, the rest 1.
fn app_error(e: chamber_app::AppError) -> Fatal {
    match e {
        chamber_app::AppError::Invalid(m) => bad_input(m),
        chamber_app::AppError::NotFound => bad_input("not found"),
        other => failure(other.to_string()),
    }
}

async fn serve(args: ServeArgs) -> Result<ExitCode, Fatal> {
    let mut config = Config::resolve(&args.store).map_err(bad_input)?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(url) = args.public_url {
        config.public_url = Some(url);
    }
    let store = open_store(&config).await?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| bad_input(format!("cannot listen on {}: {e}", config.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| failure(format!("listener address: {e}")))?;
    let shown_host = if local.ip().is_unspecified() {
        format!("127.0.0.1:{}", local.port())
    } else {
        local.to_string()
    };
    let base = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{shown_host}"));
    let base = base.trim_end_matches('/').to_string();
    if let Some(secret) = chamber_app::accounts::first_administrator_link(&store)
        .await
        .map_err(app_error)?
    {
        println!(
            "No accounts yet. Create the first administrator with this one-time link (valid 24 hours):\n  {}\nor run: chamber admin create-user --role admin --username NAME",
            chamber_app::accounts::link(&base, "/setup", &secret)
        );
    }
    println!(
        "Chamber {} listening on http://{local} ({})",
        env!("CARGO_PKG_VERSION"),
        store.display_url()
    );
    let _ = std::io::stdout().flush();
    let keyring = std::sync::Arc::new(load_keyring(&args.key, &config)?);
    let store = std::sync::Arc::new(store);
    let upgraded = chamber_app::mediation::Mediation::new(store.clone(), Some(keyring.clone()))
        .upgrade()
        .await
        .map_err(app_error)?;
    if upgraded > 0 {
        println!("re-stored {upgraded} mediation records under blind scopes");
    }
    let state = chamber_server::AppState::with_keyring(
        store,
        chamber_server::ServerConfig {
            public_url: config.public_url.clone(),
            data: Some(chamber_app::DataDir::new(&config.data)),
        },
        Some(keyring),
    );
    chamber_server::serve(listener, state)
        .await
        .map_err(|e| failure(format!("server stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
