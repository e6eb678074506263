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
