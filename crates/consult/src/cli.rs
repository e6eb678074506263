//! `chamber consult …` subcommands. The `chamber` binary wires [`ConsultCommand`] in and calls [`run`].

use crate::analysis::{Analysis, Options, analyze};
use crate::polis::read_export;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Subcommand)]
pub enum ConsultCommand {
    /// Map opinion groups of a Pol.is export folder (comments.csv + votes.csv or participants-votes.csv).
    Analyze {
        /// Folder holding the Pol.is export.
        dir: PathBuf,
        /// Print one JSON object (participants, groups, consensus, pca, …) instead of a summary.
        #[arg(long)]
        json: bool,
        /// Largest number of opinion groups tried (Pol.is uses 5).
        #[arg(long, default_value_t = 5)]
        max_k: usize,
    },
}

/// Run a consult subcommand. Exit code: 0 ok, 1 failure, 2 bad input or usage.
/// Output goes to stdout; errors are printed as one line on stderr.
pub fn run(cmd: ConsultCommand) -> i32 {
    run_to(cmd, &mut std::io::stdout().lock())
}

/// Like [`run`], writing the output to `out`.
pub fn run_to(cmd: ConsultCommand, out: &mut dyn Write) -> i32 {
    match cmd {
        ConsultCommand::Analyze { dir, json, max_k } => {
            if max_k < 2 {
                eprintln!("error: --max-k must be at least 2, got {max_k}");
                return 2;
            }
            let opts = Options {
                max_k,
                ..Options::default()
            };
            let result = read_export(&dir).and_then(|e| analyze(&e, &opts));
            match result {
                Ok(a) => {
                    let text = if json {
                        match serde_json::to_string(&a) {
                            Ok(s) => s + "\n",
                            Err(e) => {
                                eprintln!("error: cannot serialise the analysis: {e}");
                                return 1;
                            }
                        }
                    } else {
                        summary(&a)
                    };
                    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return 0;
                        }
                        eprintln!("error: cannot write output: {e}");
                        return 1;
                    }
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    if e.is_bad_input() { 2 } else { 1 }
                }
            }
        }
    }
}

/// A short human summary of an analysis.
pub fn summary(a: &Analysis) -> String {
    let mut s = format!(
        "{} participants ({} clustered), {} statements, {} votes\n{} groups (silhouette {:.3}; tried {})\n",
        a.n_participants,
        a.n_in_conv,
        a.n_statements,
        a.n_votes,
        a.k,
        a.silhouette,
        a.k_scores
            .iter()
            .map(|k| format!("k={}: {:.3}", k.k, k.silhouette))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for g in &a.groups {
        let reps: Vec<String> = g
            .repness
            .iter()
            .map(|r| format!("#{} {}", r.comment_id, r.repful))
            .collect();
        s += &format!(
            "  group {}: {} members; representative: {}\n",
            g.id,
            g.members.len(),
            reps.join(", ")
        );
    }
    let top: Vec<String> = a
        .consensus
        .iter()
        .take(5)
        .map(|c| format!("#{} ({:.2})", c.comment_id, c.group_informed_consensus))
        .collect();
    s += &format!("consensus: {}\n", top.join(", "));
    s
}
