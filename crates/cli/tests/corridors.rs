//! `chamber corridors import|report|export`, the real binary over a fresh data directory: the
//! JCC's published table (shared data) imported from each sheet gives the published figures,
//! `report --json` prints them under the agreed keys, exports read back, and bad input exits 2
//! with one `error:` line.

use serde_json::Value;
use std::process::{Command, Output};

fn chamber(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chamber"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("CHAMBER_LOG", "error")
        .env_remove("CHAMBER_DATABASE_URL")
        .env_remove("CHAMBER_CONFIG")
        .current_dir(data)
        .output()
        .expect("run chamber")
}

fn fresh() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "chamber-corridors-cli-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn import_and_report_give_the_published_figures() {
    let Some(shared) = chamber_testkit::shared_dir("data/corridors/black-sea-grain-initiative")
    else {
        return;
    };
    let file = shared.join("black-sea-grain-initiative-vessel-movements.xlsx");
    let file = file.to_str().unwrap();
    let data = fresh();
    for sheet in ["Data", "Data_HXL", "Live"] {
        let out = chamber(
            &data,
            &["corridors", "import", file, "--sheet", sheet, "--json"],
        );
        assert!(
            out.status.success(),
            "{sheet}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let s: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (s["voyages"].as_u64(), s["cargo_lines"].as_u64()),
            (Some(633), Some(714)),
            "{sheet}"
        );
        assert_eq!(s["tonnage"].as_f64(), Some(16_945_661.0));
        assert_eq!(s["first_departure"], "2022-07-31");
        assert_eq!(s["last_departure"], "2023-01-07");
        assert_eq!(s["opened_corridor"], sheet == "Data");
    }
    let out = chamber(&data, &["corridors", "report", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["voyages"], 633);
    assert_eq!(r["cargo_lines"], 714);
    assert_eq!(r["tonnage"], 16_945_661);
    assert_eq!(r["median_days_to_inspection"], 8.0);
    for key in ["by_commodity", "by_destination", "by_income_group"] {
        let total: f64 = r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["tonnage"].as_f64().unwrap())
            .sum();
        assert!((total - 16_945_661.0).abs() < 1e-3, "{key}: {total}");
    }
    assert_eq!(r["by_commodity"][0]["name"], "Corn");
    // The text report names the totals too.
    let out = chamber(&data, &["corridors", "report"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("633 voyages, 714 cargo lines, 16,945,661 t")
    );
    // Exports: CSV with the hashtag row, XLSX that imports again to the same totals.
    let out = chamber(&data, &["corridors", "export", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), 716);
    assert!(csv.lines().nth(1).unwrap().starts_with("#status,"));
    let xlsx = data.join("export.xlsx");
    let out = chamber(
        &data,
        &[
            "corridors",
            "export",
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let out = chamber(
        &data,
        &["corridors", "import", xlsx.to_str().unwrap(), "--json"],
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["voyages"].as_u64(), s["tonnage"].as_f64()),
        (Some(633), Some(16_945_661.0))
    );
    let out = chamber(&data, &["corridors", "export", "--format", "income_group"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Lower-middle income"));
    let out = chamber(&data, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn bad_input_exits_2_with_one_error_line() {
    let data = fresh();
    let out = chamber(&data, &["corridors", "report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chamber corridors import"));
    let out = chamber(&data, &["corridors", "import", "/no/such/file.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let not_xlsx = data.join("table.xlsx");
    std::fs::write(&not_xlsx, "Status,IMO\n").unwrap();
    let out = chamber(&data, &["corridors", "import", not_xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("not a readable XLSX workbook"),
        "{err}"
    );
    let out = chamber(
        &data,
        &[
            "corridors",
            "export",
            "--format",
            "pdf",
            "--corridor",
            &"0".repeat(32),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&data);
}
