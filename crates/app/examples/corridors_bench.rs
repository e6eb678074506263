//! The corridors benchmark's measuring part (scripts/bench-corridors), through the same use
//! cases `chamber corridors import` and the report page call:
//!
//! 1. import FILE.xlsx into a fresh SQLite store, RUNS times (best time printed): read the
//!    workbook, store every voyage, the import's provenance and its audit entry;
//! 2. the report page over that store: the first request after the import (the import leaves
//!    the report computed), the first request of a freshly started server (read the voyages
//!    from the store, parse, compute, draw the charts), then p50/p95 over REQUESTS requests
//!    (the report cached per import, charts drawn each time), and the computation alone.
//!
//! cargo run --release -p chamber-app --example corridors_bench -- FILE.xlsx WORK_DIR [RUNS] [REQUESTS]

use chamber_app::corridors::published::ChartText;
use chamber_app::corridors::{Actor, Corridors};
use chamber_store::Store;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!(
            "usage: corridors_bench FILE.xlsx WORK_DIR [RUNS, default 3] [REQUESTS, default 200]"
        );
        std::process::exit(2);
    }
    let file = std::path::Path::new(&args[1]);
    let work = std::path::Path::new(&args[2]);
    let runs: usize = args
        .get(3)
        .map_or(3, |s| s.parse().expect("RUNS is a number"));
    let n: usize = args
        .get(4)
        .map_or(200, |s| s.parse().expect("REQUESTS is a number"));
    let viewer = Actor::Operator("bench");
    let mut best = f64::INFINITY;
    let mut last: Option<(Arc<Store>, Corridors)> = None;
    let mut corridor = String::new();
    for run in 1..=runs {
        let dir = work.join(format!("store-{run}"));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Arc::new(Store::open_dir(&dir).await.expect("open the store"));
        let app = Corridors::new(store.clone());
        let t = Instant::now();
        let bytes = std::fs::read(file).expect("read the workbook");
        let s = app
            .import_jcc(viewer, None, bytes, &file.display().to_string(), None)
            .await
            .expect("import");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "  import run {run}: {secs:.3} s ({} voyages, {} cargo lines, {} rows left out)",
            s.voyages, s.cargo_lines, s.rows_rejected
        );
        best = best.min(secs);
        corridor = s.corridor;
        if let Some((old, _)) = last.replace((store, app)) {
            old.close().await;
        }
    }
    println!("import: best {best:.3} s of {runs}");
    let (store, imported) = last.expect("at least one run");
    let text = ChartText::default();
    // Give the computation the import started in the background a moment to finish.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let t = Instant::now();
    imported
        .report_page(viewer, &corridor, &text)
        .await
        .expect("report");
    let warm = t.elapsed().as_secs_f64() * 1000.0;
    let app = Corridors::new(store.clone());
    let t = Instant::now();
    let first = app
        .report_page(viewer, &corridor, &text)
        .await
        .expect("report");
    let cold = t.elapsed().as_secs_f64() * 1000.0;
    let mut ms = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let page = app
            .report_page(viewer, &corridor, &text)
            .await
            .expect("report");
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.report.cargo_lines, first.report.cargo_lines);
    }
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    let rows = store.corridor_voyages(&corridor).await.expect("voyages");
    let parsed: Vec<chamber_corridors::voyages::Voyage> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.body).expect("voyage JSON"))
        .collect();
    let t = Instant::now();
    let r = chamber_corridors::report::compute(&parsed);
    let compute = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "report page over {} voyages ({} cargo lines): first request after the import {warm:.1} ms; \
         first request of a fresh server {cold:.1} ms (read, parse, compute, draw); then p50 {:.2} ms, \
         p95 {:.2} ms over {n} requests; the computation alone {compute:.1} ms",
        r.voyages,
        r.cargo_lines,
        q(0.5),
        q(0.95),
    );
    store.close().await;
}
