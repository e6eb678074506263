//! Held-out choice of the analysis defaults: every candidate of `tuning::candidates()` on every
//! conversation, leave-one-conversation-out, per conversation the in-sample ARI of the shipped
//! default and the held-out ARI of the candidate chosen without that conversation.
//! Used by `scripts/consult-ari`.
//!
//! Usage: consult_heldout DATA_DIR [--reference REF_DIR] [--peer FILE] [--scores FILE]
//!
//! The analysis reads DATA_DIR (the script passes copies with Pol.is's `group-id` blanked);
//! Pol.is's groups are read from REF_DIR (default DATA_DIR), by `eval::reference_groups` only.
//! `--peer FILE` holds `conversation<TAB>ari` lines (red-dwarf's, from the script) for the bar.
//! Two levels (see `chamber_consult::tuning`): within each refinement family the other settings
//! are chosen leave-one-conversation-out; the family that wins held out (meets the peer bar,
//! then the highest held-out mean) is shipped. For comparison, a single-level leave-one-out over
//! every candidate (refinement included) is printed too (`held_out_single`).
//! Output, tab-separated: a `#` comment block, then
//! `conversation  n_ref  in_sample  held_out  held_out_single  chosen_when_held_out`.

use chamber_consult::eval;
use chamber_consult::tuning::{self, candidates, leave_one_out};
use chamber_consult::{Options, analyze, read_export};
use std::io::Write;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let data = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/consultations"));
    let reference_root = value("--reference").unwrap_or_else(|| data.clone());
    let grid = candidates();
    let default_index = grid
        .iter()
        .position(|c| c.options == Options::default())
        .expect("the default is a candidate");
    let conversations = eval::conversations_with_votes(&data).expect("data dir");
    let mut names = Vec::new();
    let mut n_ref = Vec::new();
    // scores[candidate][conversation]
    let mut scores = vec![Vec::new(); grid.len()];
    for conv in &conversations {
        let name = conv.file_name().unwrap().to_string_lossy().to_string();
        let export = read_export(conv).expect("export");
        let reference = eval::reference_groups(&reference_root.join(&name)).expect("reference");
        for (c, cand) in grid.iter().enumerate() {
            let a = analyze(&export, &cand.options).expect("analysis");
            let (ari, n) = eval::ari_against(&a, &reference);
            scores[c].push(ari);
            if c == 0 {
                n_ref.push(n);
            }
        }
        names.push(name);
    }
    if let Some(path) = value("--scores") {
        let mut f = std::fs::File::create(&path).expect("scores file");
        writeln!(f, "candidate\t{}", names.join("\t")).unwrap();
        for (c, row) in scores.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|s| format!("{s:.4}")).collect();
            writeln!(f, "{}\t{}", grid[c].label, cells.join("\t")).unwrap();
        }
    }
    let peer: Vec<Option<f64>> = match value("--peer") {
        Some(path) => {
            let text = std::fs::read_to_string(&path).expect("peer file");
            let map: std::collections::BTreeMap<&str, f64> = text
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .filter_map(|(n, v)| Some((n, v.trim().parse().ok()?)))
                .collect();
            names.iter().map(|n| map.get(n.as_str()).copied()).collect()
        }
        None => vec![None; names.len()],
    };
    let families = tuning::family_results(&grid, &scores, &peer);
    let winner = tuning::winning_family(&families).expect("families");
    let single = leave_one_out(&scores);
    println!(
        "# candidates: {} in {} refinement families",
        grid.len(),
        families.len()
    );
    println!("# family\theld_out_median\theld_out_mean\tmisses_peer_bar\tchoice_on_all");
    for f in &families {
        let held: Vec<f64> = f.folds.iter().map(|x| x.score).collect();
        let misses: Vec<String> = f
            .misses
            .iter()
            .map(|&v| {
                if v == usize::MAX {
                    "median".into()
                } else {
                    names[v].clone()
                }
            })
            .collect();
        println!(
            "# {}\t{:.3}\t{:.3}\t{}\t{}",
            f.family,
            tuning::median(&held),
            f.mean,
            if misses.is_empty() {
                "-".into()
            } else {
                misses.join(",")
            },
            grid[f.on_all].label
        );
    }
    println!("# winning family held out: {}", winner.family);
    println!("# shipped default: {}", grid[default_index].label);
    println!(
        "# the shipped default is the winning family's choice on all conversations: {}",
        if winner.on_all == default_index {
            "yes"
        } else {
            "NO"
        }
    );
    let single_on_all = tuning::choose(&scores, |_| true).expect("candidates");
    println!(
        "# single-level choice on all conversations: {}",
        grid[single_on_all].label
    );
    println!("conversation\tn_ref\tin_sample\theld_out\theld_out_single\tchosen_when_held_out");
    for (f, s1) in winner.folds.iter().zip(&single) {
        println!(
            "{}\t{}\t{:.3}\t{:.3}\t{:.3}\t{}",
            names[f.held_out],
            n_ref[f.held_out],
            scores[default_index][f.held_out],
            f.score,
            s1.score,
            grid[f.chosen].label
        );
    }
    let nested = tuning::nested_leave_one_out(&grid, &scores, &peer);
    for f in &nested {
        if grid[f.chosen].family != winner.family {
            println!(
                "# nested: with {} left out, the two-level choice is {} ({:.3} on it)",
                names[f.held_out], grid[f.chosen].label, f.score
            );
        }
    }
    let nested_scores: Vec<f64> = nested.iter().map(|f| f.score).collect();
    println!(
        "# nested (two-level choice held out too): median {:.3}",
        tuning::median(&nested_scores)
    );
    let held: Vec<f64> = winner.folds.iter().map(|f| f.score).collect();
    let held_single: Vec<f64> = single.iter().map(|f| f.score).collect();
    println!(
        "# median in-sample {:.3}, held-out {:.3}, held-out single-level {:.3}",
        tuning::median(&scores[default_index]),
        tuning::median(&held),
        tuning::median(&held_single)
    );
}
