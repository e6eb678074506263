//! Stand-alone `watch` binary for benchmarks and manual runs before the `chamber` binary wires
//! the command in: `cargo run --release -p chamber-watch --example watch -- ingest FILES…`.

use clap::Parser;

#[derive(Parser)]
#[command(name = "watch", about = "Chamber early warning (stand-alone)")]
struct Cli {
    #[command(subcommand)]
    cmd: chamber_watch::cli::WatchCommand,
}

fn main() {
    let cli = Cli::parse();
    std::process::exit(chamber_watch::cli::run(cli.cmd));
}
