//! `chamber serve`: the web server, and the key that seals confidential records.

use crate::config::{Config, StoreArgs};
use crate::{Fatal, app_error, bad_input, failure, open_store};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
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
    /// The reverse proxy in front of Chamber: only requests from this address have their
    /// client taken from `X-Forwarded-For` (sign-in limits count per client) [env:
    /// CHAMBER_TRUSTED_PROXY].
    #[arg(long, env = "CHAMBER_TRUSTED_PROXY")]
    trusted_proxy: Option<std::net::IpAddr>,
    /// Conferences: the largest registration document accepted, in bytes [env:
    /// CHAMBER_MAX_DOCUMENT_BYTES] [default: 10 MiB].
    #[arg(long, env = "CHAMBER_MAX_DOCUMENT_BYTES")]
    max_document_bytes: Option<usize>,
    /// Conferences: days registration documents are kept after the conference (what
    /// `chamber conferences purge-documents` removes past) [env: CHAMBER_DOCUMENT_RETENTION_DAYS]
    /// [default: 90].
    #[arg(long, env = "CHAMBER_DOCUMENT_RETENTION_DAYS")]
    document_retention_days: Option<u32>,
    /// Show every capability at once: the demonstration process and its accounts, events with
    /// an alert, resolutions, a consultation (real data from CHAMBER_SHARED_DIR when present,
    /// else a small set Chamber makes). Loads each part once.
    #[arg(long)]
    demo: bool,
}

/// The key sealing confidential mediation records.
#[derive(Args, Clone, Debug, Default)]
pub struct KeyArgs {
    /// Key file (32 bytes, raw or hex) [env: CHAMBER_KEY_FILE] [default: DATA/keys/chamber.key,
    /// created with mode 0600 when missing]. CHAMBER_KEY (hex) takes precedence when set.
    #[arg(long, env = "CHAMBER_KEY_FILE")]
    key_file: Option<std::path::PathBuf>,
}

impl KeyArgs {
    /// The key file: `--key-file`, else `DATA/keys/chamber.key`.
    pub fn path(&self, config: &Config) -> std::path::PathBuf {
        self.key_file
            .clone()
            .unwrap_or_else(|| chamber_app::DataDir::new(&config.data).key_file())
    }
}

/// The keyring for `store`: from `CHAMBER_KEY`, or from the key file (created when missing)
/// with the keys retired by rotations, after settling a rotation that was interrupted.
pub async fn load_keyring(
    key: &KeyArgs,
    config: &Config,
    store: &chamber_store::Store,
) -> Result<chamber_mediation::confidential::Keyring, Fatal> {
    use chamber_mediation::confidential::Keyring;
    if std::env::var_os("CHAMBER_KEY").is_some() {
        return Keyring::from_env("CHAMBER_KEY")
            .map_err(|e| bad_input(format!("CHAMBER_KEY: {e}")));
    }
    let path = key.path(config);
    let inside_data = path
        .canonicalize()
        .ok()
        .zip(config.data.canonicalize().ok())
        .is_some_and(|(k, d)| k.starts_with(d))
        || path.starts_with(&config.data);
    if inside_data {
        eprintln!(
            "warning: the key for confidential records ({}) is inside the data directory, so a \
             plain backup of the data carries the key with it; keep the key elsewhere \
             (--key-file, CHAMBER_KEY_FILE or CHAMBER_KEY)",
            path.display()
        );
    }
    if path.exists() {
        check_private(&path)?;
    }
    let files = chamber_app::keys::KeyFiles::new(&path);
    for retired in files.retired().map_err(|e| bad_input(e.to_string()))? {
        check_private(&retired)?;
    }
    let opened = chamber_app::keys::open(&files, store)
        .await
        .map_err(|e| bad_input(e.to_string()))?;
    if opened.generated {
        eprintln!(
            "note: generated a new key for confidential records at {}; keep a copy apart from the database",
            path.display()
        );
    }
    match opened.settled {
        Some(chamber_app::keys::Settled::Finished) => eprintln!(
            "note: finished a key rotation that was interrupted after every record was re-sealed"
        ),
        Some(chamber_app::keys::Settled::Discarded) => eprintln!(
            "note: a key rotation was interrupted before it re-sealed anything; its unused new key was removed"
        ),
        None => {}
    }
    Ok(opened.keyring)
}

/// A key file others can read or write is refused: the key is the talks.
fn check_private(path: &std::path::Path) -> Result<(), Fatal> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| bad_input(format!("{}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(bad_input(format!(
                "{}: the key file is readable or writable by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    Ok(())
}

pub async fn run(args: ServeArgs) -> Result<ExitCode, Fatal> {
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
    // Other commands print links on this address too (demo seed, admin create-user).
    let _ = std::fs::write(crate::config::served_url_file(&config.data), &base);
    let keyring = std::sync::Arc::new(load_keyring(&args.key, &config, &store).await?);
    let store = std::sync::Arc::new(store);
    if args.demo {
        for line in crate::showcase::load(&config, &store, keyring.clone()).await? {
            println!("demo: {line}");
        }
        for name in [
            chamber_mediation::demo::MEDIATOR,
            chamber_mediation::demo::DELEGATE_EASTMARK,
            chamber_mediation::demo::DELEGATE_HIGHLANDS,
            chamber_mediation::demo::OBSERVER,
        ] {
            if let Some((user, _)) = store
                .login_lookup(name)
                .await
                .map_err(|e| failure(e.to_string()))?
            {
                let secret = chamber_app::accounts::invite(&store, &crate::actor(), &user)
                    .await
                    .map_err(app_error)?;
                println!(
                    "demo: {name} ({}) sets a password here: {}",
                    user.role,
                    chamber_app::accounts::link(&base, "/invite", &secret)
                );
            }
        }
    }
    if let Some(secret) = chamber_app::accounts::first_administrator_link(&store)
        .await
        .map_err(app_error)?
    {
        println!(
            "No administrator yet. Create the first administrator with this one-time link (valid 24 hours):\n  {}\nor run: chamber admin create-user --role admin --username NAME",
            chamber_app::accounts::link(&base, "/setup", &secret)
        );
    }
    println!(
        "Chamber {} listening on http://{local} ({})",
        env!("CARGO_PKG_VERSION"),
        store.display_url()
    );
    let _ = std::io::stdout().flush();
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
            trusted_proxy: args.trusted_proxy,
            metrics_token: std::env::var("CHAMBER_METRICS_TOKEN")
                .ok()
                .filter(|t| t.len() >= 16),
            listen_url: Some(format!("http://{shown_host}")),
            header_read_timeout: None,
            conferences: chamber_app::conferences::Settings {
                max_document_bytes: args
                    .max_document_bytes
                    .unwrap_or(chamber_app::conferences::DEFAULT_MAX_BYTES),
                retention: args
                    .document_retention_days
                    .map(|days| chamber_app::conferences::Retention { days })
                    .unwrap_or(chamber_app::conferences::Retention::DEFAULT),
            },
        },
        Some(keyring),
    );
    chamber_server::serve(listener, state)
        .await
        .map_err(|e| failure(format!("server stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
