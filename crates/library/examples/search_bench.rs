//! Query latency over an index built with `library ingest`:
//! `cargo run -p chamber-library --features search --example search_bench -- DATA_DIR`.
use chamber_library::search::{SearchIndex, SearchOptions};
use std::time::Instant;

fn main() {
    let data = std::env::args()
        .nth(1)
        .expect("usage: search_bench DATA_DIR");
    let idx = SearchIndex::open_or_create(&std::path::Path::new(&data).join("library/index"))
        .expect("index");
    println!("{} paragraphs", idx.len());
    let queries = [
        ("symbol", "A/RES/79/274"),
        ("symbol", "75/28"),
        ("zh", "永久中立"),
        ("zh-2", "难民"),
        ("zh-2", "停火"),
        ("en", "permanent neutrality"),
        ("en", "preventive diplomacy"),
        ("ru", "превентивной дипломатии"),
        ("ar", "الدبلوماسية الوقائية"),
        ("fr", "diplomatie préventive"),
        ("es", "diplomacia preventiva"),
    ];
    let opts = SearchOptions::default();
    let _ = idx.search("warm up", &opts);
    for (class, q) in queries {
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..30 {
            let t = Instant::now();
            n = idx.search(q, &opts).expect("search").len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{class:<7} {q:<28} hits {n:>2}  p50 {:>7.3} ms  p95 {:>7.3} ms",
            times[times.len() / 2],
            times[times.len() * 95 / 100]
        );
    }
}
