//! `chamber`: one binary for the whole platform. It parses the command line, reads the
//! configuration and hands over to the store, the server or a capability crate.
//!
//! Exit codes: 0 ok, 1 failure (for example a broken audit chain), 2 bad usage, bad input or
//! bad configuration (unreachable database, unwritable data directory, port in use).

mod admin;
mod audit;
mod conferences;
mod config;
mod consult;
mod corridors;
mod demo;
mod key;
mod serve;
mod showcase;

use chamber_store::Store;
use clap::{Parser, Subcommand};
use config::Config;
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
    Serve(serve::ServeArgs),
    /// Administer accounts and tokens from the machine itself.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Check or export the tamper-evident record.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The key that seals confidential records: rotate it.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Demonstration data for newcomers.
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// Early warning: ingest political-event data, tension series, alerts, backtests.
    #[command(subcommand)]
    Watch(chamber_watch::cli::WatchCommand),
    /// Consultations: opinion groups, representative statements and consensus (Pol.is method).
    #[command(subcommand)]
    Consult(consult::ConsultCommands),
    /// Library: UN resolutions parsed into structure, citations, Akoma Ntoso export.
    #[command(subcommand)]
    Library(chamber_library::cli::LibraryCommand),
    /// Conferences: document retention, exports (Indico JSON, iCalendar, CSV), list of participants.
    #[command(subcommand)]
    Conferences(conferences::ConferencesCommand),
    /// Corridors: import the JCC's published table, report on the voyages, export.
    #[command(subcommand)]
    Corridors(corridors::CorridorsCommand),
}

/// An error that ends the program: one line on stderr and an exit code.
pub(crate) struct Fatal {
    code: u8,
    message: String,
}

pub(crate) fn bad_input(message: impl Into<String>) -> Fatal {
    Fatal {
        code: 2,
        message: message.into(),
    }
}

pub(crate) fn failure(message: impl Into<String>) -> Fatal {
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

pub(crate) async fn open_store(config: &Config) -> Result<Store, Fatal> {
    let result = match &config.database {
        Some(url) => Store::open_url(url).await,
        None => Store::open_dir(&config.data).await,
    };
    result.map_err(|e| bad_input(e.to_string()))
}

async fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Admin(cmd) => admin::run(cmd).await,
        Command::Audit(cmd) => audit::run(cmd).await,
        Command::Demo(cmd) => demo::run(cmd).await,
        Command::Key(cmd) => key::run(cmd).await,
        Command::Consult(cmd) => consult::run(cmd).await,
        Command::Conferences(cmd) => conferences::run(cmd).await,
        Command::Corridors(cmd) => corridors::run(cmd).await,
        Command::Watch(_) | Command::Library(_) => {
            unreachable!("capability commands without a store are dispatched in main")
        }
    }
}

pub(crate) fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "operator".into())
}

/// Who the audit record names for a command run at the machine.
pub(crate) fn actor() -> String {
    format!("cli:{}", whoami())
}

/// An application error as the command line reports it: bad input exits 2, the rest 1.
pub(crate) fn app_error(e: chamber_app::AppError) -> Fatal {
    match e {
        chamber_app::AppError::Invalid(m) => bad_input(m),
        chamber_app::AppError::NotFound => bad_input("not found"),
        other => failure(other.to_string()),
    }
}
