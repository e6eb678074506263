//! Stand-alone `consult` CLI (the same subcommands as `chamber consult`), for scripts and
//! benchmarks before the `chamber` binary wires [`chamber_consult::cli`] in.

use chamber_consult::cli::{ConsultCommand, run};
use clap::Parser;

#[derive(Parser)]
#[command(name = "consult", about = "Pol.is-compatible opinion mapping")]
struct Cli {
    #[command(subcommand)]
    cmd: ConsultCommand,
}

fn main() {
    std::process::exit(run(Cli::parse().cmd));
}
