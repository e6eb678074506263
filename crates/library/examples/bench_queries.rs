//! The query half of `scripts/bench-library`: opens the index built by `library ingest` once,
//! runs each query of a JSON query file 30 times, and prints one JSON line per query with its
//! p50/p95 latency and the top-10 hits (symbol, language, text) for the recall check.
//!
//! `cargo run --release -p chamber-library --features search --example bench_queries -- DATA QUERIES.json`
use chamber_library::search::{SearchIndex, SearchOptions};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let data = args
        .next()
        .expect("usage: bench_queries DATA_DIR QUERIES.json");
    let queries = args
        .next()
        .expect("usage: bench_queries DATA_DIR QUERIES.json");
    let queries: Vec<(String, String)> =
        serde_json::from_str(&std::fs::read_to_string(queries).expect("query file"))
            .expect("a JSON list of [class, query]");
    let idx = SearchIndex::open_or_create(&std::path::Path::new(&data).join("library/index"))
        .expect("index");
    let opts = SearchOptions {
        limit: 10,
        ..SearchOptions::default()
    };
    let _ = idx.search("warm up", &opts);
    for (class, q) in queries {
        let mut times = Vec::new();
        let mut hits = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            hits = idx.search(&q, &opts).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let top: Vec<serde_json::Value> = hits
            .iter()
            .map(
                |h| serde_json::json!({"symbol": h.symbol, "language": h.language, "text": h.text}),
            )
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "class": class, "query": q,
                "p50": times[times.len() / 2], "p95": times[times.len() * 95 / 100],
                "hits": top,
            })
        );
    }
}
