//! `chamber consult …` subcommands. The `chamber` binary wires [`ConsultCommand`] in and calls [`run`].

use crate::analysis::{Analysis, Options, analyze};
use crate::error::Result;
use crate::polis::{Export, read_export_with_activity};
use crate::report::{self, Report};
use crate::statement::read_translations;
use clap::Subcommand;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// The convenor's report of a Pol.is export folder: participation over time, opinion map,
    /// groups with representative statements, consensus, divisive statements, statements
    /// needing votes, method. The same numbers as `analyze --json`'s `report`.
    Report {
        /// Folder holding the Pol.is export (and optionally comment-translations.csv).
        dir: PathBuf,
        /// Print the report as one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
        /// Also write the report's CSV tables into this folder (created if needed).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Largest number of opinion groups tried (Pol.is uses 5).
        #[arg(long, default_value_t = 5)]
        max_k: usize,
    },
}

/// Read an export folder, analyse it and build its report: the one computation behind both
/// `analyze --json` and `report`.
pub fn analyze_dir(dir: &Path, opts: &Options) -> Result<(Export, Analysis, Report)> {
    let (export, activity) = read_export_with_activity(dir)?;
    let translations = read_translations(dir, &export.comments)?;
    let analysis = analyze(&export, opts)?;
    let report = report::build(&export, &analysis, &activity, &translations);
    Ok((export, analysis, report))
}

/// `analyze --json`: the analysis' fields and its `report`.
#[derive(Serialize)]
struct AnalyzeJson<'a> {
    #[serde(flatten)]
    analysis: &'a Analysis,
    report: &'a Report,
}

fn write_out(out: &mut dyn Write, text: &str) -> i32 {
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 0;
        }
        eprintln!("error: cannot write output: {e}");
        return 1;
    }
    0
}

/// Run a consult subcommand. Exit code: 0 ok, 1 failure, 2 bad input or usage.
/// Output goes to stdout; errors are printed as one line on stderr.
pub fn run(cmd: ConsultCommand) -> i32 {
    run_to(cmd, &mut std::io::stdout().lock())
}

/// Like [`run`], writing the output to `out`.
pub fn run_to(cmd: ConsultCommand, out: &mut dyn Write) -> i32 {
    match cmd {
        ConsultCommand::Analyze { dir, json, max_k } => run_one(&dir, max_k, out, |a, r| {
            if json {
                serde_json::to_string(&AnalyzeJson {
                    analysis: a,
                    report: r,
                })
                .map(|s| s + "\n")
            } else {
                Ok(summary(a))
            }
        }),
        ConsultCommand::Report {
            dir,
            json,
            csv,
            max_k,
        } => run_one(&dir, max_k, out, |_, r| {
            if let Some(csv_dir) = &csv {
                std::fs::create_dir_all(csv_dir)
                    .and_then(|_| {
                        report::csv_files(r)
                            .into_iter()
                            .try_for_each(|(name, text)| std::fs::write(csv_dir.join(name), text))
                    })
                    .map_err(|e| {
                        serde_json::Error::io(std::io::Error::new(
                            e.kind(),
                            format!("{}: {e}", csv_dir.display()),
                        ))
                    })?;
            }
            if json {
                serde_json::to_string(r).map(|s| s + "\n")
            } else {
                Ok(report_summary(r))
            }
        }),
    }
}

fn run_one(
    dir: &Path,
    max_k: usize,
    out: &mut dyn Write,
    render: impl FnOnce(&Analysis, &Report) -> serde_json::Result<String>,
) -> i32 {
    if max_k < 2 {
        eprintln!("error: --max-k must be at least 2, got {max_k}");
        return 2;
    }
    let opts = Options {
        max_k,
        ..Options::default()
    };
    match analyze_dir(dir, &opts) {
        Ok((_, a, r)) => match render(&a, &r) {
            Ok(text) => write_out(out, &text),
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_bad_input() { 2 } else { 1 }
        }
    }
}

/// A short human summary of a report.
pub fn report_summary(r: &Report) -> String {
    let mut s = format!(
        "{} participants ({} clustered), {} statements, {} votes, {} groups\n",
        r.totals.participants,
        r.totals.clustered,
        r.totals.statements,
        r.totals.votes,
        r.totals.groups
    );
    if let (Some(first), Some(last)) = (r.participation.days.first(), r.participation.days.last()) {
        s += &format!(
            "participation: {} to {}, {} days with votes\n",
            first.date,
            last.date,
            r.participation.days.len()
        );
    }
    for g in &r.groups {
        s += &format!("group {}: {} participants\n", g.id, g.size);
        for rep in &g.representative {
            s += &format!(
                "  #{} {} ({:.0} % agree, {:.0} % disagree in the group): {}\n",
                rep.statement.number,
                rep.repful,
                100.0 * rep.group.agree_share,
                100.0 * rep.group.disagree_share,
                rep.statement.body
            );
        }
    }
    for (title, list) in [
        (
            "consensus",
            r.consensus
                .iter()
                .map(|c| &c.statement)
                .take(5)
                .collect::<Vec<_>>(),
        ),
        (
            "divisive",
            r.divisive.iter().map(|c| &c.statement).take(5).collect(),
        ),
        (
            "needing votes",
            r.needing_votes
                .statements
                .iter()
                .map(|c| &c.statement)
                .take(5)
                .collect(),
        ),
    ] {
        s += &format!("{title}:\n");
        for st in list {
            s += &format!("  #{}: {}\n", st.number, st.body);
        }
    }
    s
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
