//! Our groups vs Pol.is's `group-id` on every shared conversation with a vote matrix, plus the
//! 5 %-vote-drop stability check on the eight well-separated ones. Used by `scripts/consult-ari`.
//!
//! Usage: consult_ari [DATA_DIR] [--stability] [--max-k K]

use chamber_consult::eval::{self, WELL_SEPARATED};
use chamber_consult::{Options, analyze, read_export};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stability = args.iter().any(|a| a == "--stability");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/consultations"));
    let mut opts = Options::default();
    if let Some(k) = std::env::var("FIXED_K").ok().and_then(|v| v.parse().ok()) {
        opts.fixed_k = Some(k);
    }
    if let Some(k) = std::env::var("MIN_VOTES").ok().and_then(|v| v.parse().ok()) {
        opts.min_votes = k;
    }
    let env = |n: &str| std::env::var(n).ok().and_then(|v| v.parse::<usize>().ok());
    if let Some(v) = env("BASE_K") {
        opts.base_k = v;
    }
    if let Some(v) = env("BASE_ITERS") {
        opts.base_iters = v;
    }
    if let Some(v) = env("GROUP_ITERS") {
        opts.group_iters = v;
    }
    match std::env::var("GROUP_INIT").as_deref() {
        Ok("first") => opts.group_init = chamber_consult::analysis::GroupInit::FirstDistinct,
        Ok("distal") => opts.group_init = chamber_consult::analysis::GroupInit::MostDistal,
        _ => {}
    }
    if let Some(v) = std::env::var("K_MARGIN").ok().and_then(|v| v.parse().ok()) {
        opts.k_margin = v;
    }
    if let Some(v) = std::env::var("MIN_FRAC").ok().and_then(|v| v.parse().ok()) {
        opts.min_group_fraction = v;
    }
    if let Some(v) = env("PCA_ITERS") {
        opts.pca_iters = v;
    }
    if let Some(v) = env("REFINE_ITERS") {
        opts.refine_iters = v;
    }
    if let Some(v) = env("MAX_K") {
        opts.max_k = v;
    }
    if std::env::var("ASSIGN_ALL").as_deref() == Ok("0") {
        opts.assign_all = false;
    }
    println!("conversation\tparticipants\tgrouped_by_polis\tk\tari\tstability_mean_ari\tms");
    for conv in eval::conversations_with_votes(&dir).expect("data dir") {
        let name = conv.file_name().unwrap().to_string_lossy().to_string();
        let export = read_export(&conv).expect("export");
        let t = Instant::now();
        let a = analyze(&export, &opts).expect("analysis");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let reference = eval::reference_groups(&conv).expect("reference");
        let (ari, n) = eval::ari_against(&a, &reference);
        let stab = if stability && WELL_SEPARATED.iter().any(|w| name.starts_with(w)) {
            let s: f64 = (0..10u64)
                .map(|seed| {
                    let b = analyze(&eval::drop_votes(&export, 0.05, seed), &opts).unwrap();
                    let r = eval::ari_between(&a, &b);
                    if std::env::var("VERBOSE").is_ok() {
                        let sizes: Vec<usize> = b.groups.iter().map(|g| g.members.len()).collect();
                        eprintln!("  {name} seed {seed}: k={} sizes {sizes:?} ari {r:.3}", b.k);
                    }
                    r
                })
                .sum::<f64>()
                / 10.0;
            format!("{s:.3}")
        } else {
            "-".into()
        };
        println!(
            "{name}\t{}\t{n}\t{}\t{ari:.3}\t{stab}\t{ms:.1}",
            a.n_participants, a.k
        );
    }
}
