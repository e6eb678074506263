//! Configuration: flags > environment (`CHAMBER_*`) > `chamber.toml` > defaults.

use clap::Args;
use serde::Deserialize;
use std::path::PathBuf;

/// Where the store is; shared by every command that opens it.
#[derive(Args, Clone, Debug, Default)]
pub struct StoreArgs {
    /// Data directory for the embedded SQLite store [env: CHAMBER_DATA] [default: ./chamber-data].
    #[arg(long, env = "CHAMBER_DATA")]
    pub data: Option<PathBuf>,
    /// Use this database instead (postgres://… or sqlite://…) [env: CHAMBER_DATABASE_URL].
    #[arg(long, env = "CHAMBER_DATABASE_URL")]
    pub database: Option<String>,
    /// Configuration file [env: CHAMBER_CONFIG] [default: ./chamber.toml when present].
    #[arg(long, env = "CHAMBER_CONFIG")]
    pub config: Option<PathBuf>,
}

/// `chamber.toml`.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    public_url: Option<String>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data: PathBuf,
    pub database: Option<String>,
    pub listen: String,
    pub public_url: Option<String>,
}

impl Config {
    /// The configuration from the environment and `chamber.toml` alone (commands whose own
    /// flags do not include the store's).
    pub fn from_environment() -> Result<Config, String> {
        Config::resolve(&StoreArgs {
            data: std::env::var_os("CHAMBER_DATA").map(PathBuf::from),
            database: std::env::var("CHAMBER_DATABASE_URL").ok(),
            config: std::env::var_os("CHAMBER_CONFIG").map(PathBuf::from),
        })
    }

    pub fn resolve(args: &StoreArgs) -> Result<Config, String> {
        let (path, required) = match &args.config {
            Some(p) => (p.clone(), true),
            None => (PathBuf::from("chamber.toml"), false),
        };
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<FileConfig>(&text).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map(|span| {
                        let before = &text[..span.start.min(text.len())];
                        let line = before.matches('\n').count() + 1;
                        let column =
                            before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                        (line, column)
                    })
                    .unwrap_or((1, 1));
                format!("{}:{line}:{column}: {}", path.display(), e.message().trim())
            })?,
            Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("{}: {e}", path.display()));
            }
            Err(_) => FileConfig::default(),
        };
        Ok(Config {
            data: args
                .data
                .clone()
                .or(file.data)
                .unwrap_or_else(|| PathBuf::from("chamber-data")),
            database: args.database.clone().or(file.database),
            listen: file.listen.unwrap_or_else(|| "127.0.0.1:8080".into()),
            public_url: file.public_url,
        })
    }
}

/// The capability commands that keep files in the data directory, and the flag each uses for
/// its place there: `chamber watch … --store DIR`, `chamber library … --data DIR`.
const CAPABILITY_PLACES: &[(&str, &str)] = &[("watch", "store"), ("library", "data")];

/// When a capability command was given no place of its own, the command line it is run with:
/// the same with that flag set from the configuration (`CHAMBER_DATA` > `chamber.toml` >
/// `./chamber-data`), so `chamber watch ingest` writes where `chamber serve` reads.
pub fn with_configured_place(
    argv: Vec<std::ffi::OsString>,
    matches: &clap::ArgMatches,
) -> Result<Vec<std::ffi::OsString>, String> {
    let Some((capability, sub)) = matches.subcommand() else {
        return Ok(argv);
    };
    let Some((_, flag)) = CAPABILITY_PLACES.iter().find(|(c, _)| *c == capability) else {
        return Ok(argv);
    };
    let Some((_, leaf)) = sub.subcommand() else {
        return Ok(argv);
    };
    let defaulted = leaf
        .ids()
        .any(|id| id.as_str() == *flag)
        .then(|| leaf.value_source(flag))
        .flatten()
        .is_some_and(|s| s == clap::parser::ValueSource::DefaultValue);
    if !defaulted {
        return Ok(argv);
    }
    let data = chamber_app::DataDir::new(Config::from_environment()?.data);
    let place = match capability {
        "watch" => data.watch(),
        _ => data.root().to_path_buf(),
    };
    let mut argv = argv;
    argv.push(format!("--{flag}").into());
    argv.push(place.into_os_string());
    Ok(argv)
}

/// Where `chamber serve` notes the address it answers at, so that links other commands print
/// (demo seed, admin create-user) point where the server actually is.
pub fn served_url_file(data: &std::path::Path) -> PathBuf {
    data.join("serve.url")
}

impl Config {
    /// The base of links printed for people: `--public-url` > configuration > the address the
    /// last `chamber serve` on this data answered at > the configured listen address.
    pub fn link_base(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.public_url.clone())
            .or_else(|| {
                std::fs::read_to_string(served_url_file(&self.data))
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| s.starts_with("http"))
            })
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_string()
    }
}
