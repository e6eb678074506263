//! How the `chamber` binary mounts the library commands:
//! `cargo run -p chamber-library --example library -- parse FILE --json`.
use chamber_library::cli::{LibraryCommand, run};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "chamber-library",
    about = "UN resolutions: parse, export, cite, search"
)]
struct Cli {
    #[command(subcommand)]
    cmd: LibraryCommand,
}

fn main() {
    std::process::exit(run(Cli::parse().cmd));
}
