//! Replays each shared conversation that has a `votes.csv` through [`Conversation`] (votes in
//! timestamp order, an update every N votes, Pol.is-style warm state carried between updates) and
//! prints the ARI of the final groups against Pol.is's `group-id`, next to the cold analysis.
//!
//! Usage: consult_replay [DATA_DIR] [UPDATES]      (default 40 updates per conversation)

use chamber_consult::polis::{read_comments, read_vote_events};
use chamber_consult::{Conversation, Options, analyze, eval, read_export};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/consultations"));
    let updates: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    println!("conversation\tcold_ari\treplay_ari\treplay_k\tms");
    for conv in eval::conversations_with_votes(&dir).expect("data dir") {
        if !conv.join("votes.csv").exists() {
            continue;
        }
        let name = conv.file_name().unwrap().to_string_lossy().to_string();
        let reference = eval::reference_groups(&conv).unwrap();
        let cold = analyze(&read_export(&conv).unwrap(), &Options::default()).unwrap();
        let comments = read_comments(&conv.join("comments.csv")).unwrap();
        let events = read_vote_events(&conv.join("votes.csv"), &comments).unwrap();
        let t = std::time::Instant::now();
        let mut c = Conversation::with_comments(comments.into_values(), Options::default());
        let step = events.len().div_ceil(updates).max(1);
        for (i, e) in events.iter().enumerate() {
            c.apply_vote(e.participant, e.comment, e.vote).unwrap();
            if (i + 1) % step == 0 {
                c.analysis().unwrap();
            }
        }
        let a = c.analysis().unwrap().clone();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{name}\t{:.3}\t{:.3}\t{}\t{ms:.0}",
            eval::ari_against(&cold, &reference).0,
            eval::ari_against(&a, &reference).0,
            a.k
        );
    }
}
