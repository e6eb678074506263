//! The store's parts are Parquet that an independent reader understands: DuckDB (PyPI
//! `duckdb`) reads the Georgia store and must find, column by column, what the store holds.
//! Skips with a reason when Python's duckdb is absent, fails then when
//! `CHAMBER_REQUIRE_DUCKDB=1` (CI).

use chamber_watch::store::Store;
use std::process::Command;

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CHAMBER_REQUIRE_DUCKDB").as_deref() != Ok("1"),
            "CHAMBER_REQUIRE_DUCKDB=1 but python3 cannot import duckdb (pip install duckdb)"
        );
        eprintln!(
            "SKIPPED: python3 cannot import duckdb (pip install duckdb); Parquet not cross-checked"
        );
    }
    ok
}

#[test]
fn duckdb_reads_the_parquet_store_column_by_column() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    if !duckdb_available() {
        return;
    }
    let files = chamber_testkit::sorted_files(&dir, &["individual_csvs"]);
    let root = std::env::temp_dir().join(format!("chamber-watch-pq-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let store = Store::new(root.join("store"));
    let got = store.ingest(&files[..8], None, false);
    assert!(got.total().stored > 20_000, "{:?}", got.total());
    let events = store.events().unwrap();
    assert_eq!(events.len() as u64, got.total().stored);

    // The same figures from the store's own reader…
    let n = events.len();
    let ids: std::collections::BTreeSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let min = events.iter().filter_map(|e| e.date).min().unwrap();
    let max = events.iter().filter_map(|e| e.date).max().unwrap();
    let quad: u64 = events.iter().map(|e| e.quad as u64).sum();
    let gold: f64 = events
        .iter()
        .filter_map(|e| e.goldstein)
        .map(f64::from)
        .sum();
    let gold_n = events.iter().filter(|e| e.goldstein.is_some()).count();
    let lat_n = events.iter().filter(|e| e.lat.is_some()).count();
    let lat: f64 = events.iter().filter_map(|e| e.lat).sum();
    let mentions: u64 = events.iter().map(|e| e.mentions as u64).sum();
    let geo = events.iter().filter(|e| e.country == "GEO").count();
    let url_len: usize = events.iter().map(|e| e.url.chars().count()).sum();
    let names: usize = events
        .iter()
        .map(|e| e.source.name.chars().count() + e.target.name.chars().count())
        .sum();

    // …and from DuckDB over the Parquet files.
    let glob = root.join("store/events/*/part-*.parquet");
    let sql = format!(
        "select count(*), count(distinct id), min(date)::varchar, max(date)::varchar, \
         sum(quad_class), sum(goldstein), count(goldstein), count(lat), sum(lat), \
         sum(mentions), count(*) filter (where country = 'GEO'), sum(length(url)), \
         sum(length(source_name) + length(target_name)), \
         count(distinct month), typeof(any_value(date)), typeof(any_value(lat)) \
         from read_parquet('{}', hive_partitioning = true)",
        glob.display()
    );
    let py = format!(
        "import duckdb, json\nr = duckdb.connect().execute({sql:?}).fetchall()[0]\nprint(json.dumps([str(x) for x in r]))"
    );
    let out = Command::new("python3").args(["-c", &py]).output().unwrap();
    assert!(
        out.status.success(),
        "duckdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let f = |i: usize| row[i].parse::<f64>().unwrap();
    assert_eq!(f(0) as usize, n);
    assert_eq!(f(1) as usize, ids.len());
    assert_eq!(row[2], min.to_string());
    assert_eq!(row[3], max.to_string());
    assert_eq!(f(4) as u64, quad);
    assert!(
        (f(5) - gold).abs() < 1e-3 * gold.abs().max(1.0),
        "{} {gold}",
        row[5]
    );
    assert_eq!(f(6) as usize, gold_n);
    assert_eq!(f(7) as usize, lat_n);
    assert!((f(8) - lat).abs() < 1e-6 * lat.abs().max(1.0));
    assert_eq!(f(9) as u64, mentions);
    assert_eq!(f(10) as usize, geo);
    assert_eq!(f(11) as usize, url_len);
    assert_eq!(f(12) as usize, names);
    assert_eq!(f(13) as usize, store.months().len());
    assert_eq!(row[14], "DATE");
    assert_eq!(row[15], "DOUBLE");
    let _ = std::fs::remove_dir_all(&root);
}
