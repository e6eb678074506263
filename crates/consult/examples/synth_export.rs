//! Writes a synthetic Pol.is export (comments.csv + votes.csv) for benchmarks.
//!
//! Usage: synth_export DIR [PARTICIPANTS] [STATEMENTS] [VOTES]
//! Defaults: 100000 participants, 10000 statements, 5000000 votes. Participants belong to three
//! latent opinion groups; each votes on statements drawn with a popularity skew. Deterministic.

use chamber_consult::math::splitmix64;
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().expect("usage: synth_export DIR [P] [S] [V]"));
    let arg = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (np, ns, nv) = (arg(1, 100_000), arg(2, 10_000), arg(3, 5_000_000));
    std::fs::create_dir_all(&dir)?;
    let mut c = BufWriter::new(std::fs::File::create(dir.join("comments.csv"))?);
    writeln!(
        c,
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    )?;
    for t in 0..ns {
        let moderated = if t % 50 == 49 { -1 } else { 1 };
        writeln!(
            c,
            "{t},x,{t},0,0,0,{moderated},\"synthetic statement {t}, generated\""
        )?;
    }
    c.flush()?;
    let mut v = BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join("votes.csv"))?);
    writeln!(v, "timestamp,datetime,comment-id,voter-id,vote")?;
    let per = nv / np;
    let mut ts = 0u64;
    for p in 0..np {
        let group = splitmix64(p) % 3;
        for i in 0..per {
            let h = splitmix64(p.wrapping_mul(1_000_003) ^ i);
            // Popularity skew: square of a uniform favours low statement ids.
            let u = (h >> 11) as f64 / (1u64 << 53) as f64;
            let t = ((u * u) * ns as f64) as u64 % ns;
            let lean = splitmix64(t ^ (group << 40)) % 3; // each group's stance on t
            let noise = splitmix64(h) % 10;
            let vote: i8 = match (lean, noise) {
                (_, 0) => 0,
                (0, _) => 1,
                (1, _) => -1,
                _ => {
                    if noise < 5 {
                        1
                    } else {
                        -1
                    }
                }
            };
            ts += 1;
            writeln!(v, "{ts},x,{t},{p},{vote}")?;
        }
    }
    v.flush()
}
