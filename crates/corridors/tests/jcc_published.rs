//! The JCC's table as HDX publishes it (shared data): the import gives exactly the published
//! figures, from each of the sheets `Data`, `Data_HXL` and `Live`, and the report equals a
//! pivot of the same sheet computed independently by Python's openpyxl (tests/pivot.py).
//!
//! Skips without the shared data (fails with `CHAMBER_REQUIRE_SHARED_DATA=1`); the pivot
//! comparison skips when python3 cannot import openpyxl, unless `CHAMBER_REQUIRE_OPENPYXL=1`.

use chamber_corridors::jcc;
use chamber_corridors::report::{self, Share};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const FILE: &str = "black-sea-grain-initiative-vessel-movements.xlsx";

fn shared_file() -> Option<PathBuf> {
    chamber_testkit::shared_dir("data/corridors/black-sea-grain-initiative").map(|d| d.join(FILE))
}

fn openpyxl_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CHAMBER_REQUIRE_OPENPYXL").as_deref() != Ok("1"),
            "CHAMBER_REQUIRE_OPENPYXL=1 but python3 cannot import openpyxl (pip install openpyxl)"
        );
        eprintln!(
            "SKIPPED: python3 cannot import openpyxl (pip install openpyxl); no independent pivot"
        );
    }
    ok
}

fn pivot(path: &Path, sheet: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pivot.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(path)
        .arg(sheet)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "pivot.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pivot.py prints JSON")
}

fn kg_by_name(shares: &[Share]) -> BTreeMap<String, i64> {
    shares
        .iter()
        .map(|s| (s.name.clone(), s.tonnage.kg()))
        .collect()
}

fn kg_map(v: &serde_json::Value) -> BTreeMap<String, i64> {
    v.as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_i64().expect("kg")))
        .collect()
}

#[test]
fn every_sheet_gives_the_published_figures_and_the_independent_pivot() {
    let Some(path) = shared_file() else { return };
    let with_python = openpyxl_available();
    let bytes = std::fs::read(&path).unwrap();
    let mut reports = Vec::new();
    for sheet in jcc::SHEETS {
        let got = jcc::read_xlsx(&bytes, Some(sheet), FILE).unwrap();
        assert!(got.errors.is_empty(), "{sheet}: {:?}", got.errors);
        assert_eq!(got.voyages.len(), 633, "{sheet}");
        assert_eq!(got.cargo_lines(), 714, "{sheet}");
        assert_eq!(got.rows_read, 714, "{sheet}");
        assert_eq!(got.tonnage().kg(), 16_945_661_000, "{sheet}");
        assert_eq!(got.hxl_row, (sheet == "Data_HXL").then_some(2), "{sheet}");
        // Sequence numbers 1–633, each once.
        let seqs: Vec<u32> = got.voyages.iter().map(|v| v.sequence).collect();
        assert_eq!(seqs, (1..=633).collect::<Vec<u32>>(), "{sheet}");
        // Two vessels are published with IMO numbers that fail the check digit; kept.
        let mut bad: Vec<(String, u32)> = got
            .voyages
            .iter()
            .filter(|v| !v.imo_valid)
            .map(|v| (v.vessel.clone(), v.imo))
            .collect();
        bad.dedup();
        bad.sort();
        bad.dedup();
        assert_eq!(
            bad,
            [
                ("HONORINE".to_string(), 9146874),
                ("STAR GALAXY".to_string(), 9728908)
            ],
            "{sheet}"
        );
        assert!(!got.warnings.is_empty());
        let r = report::compute(&got.voyages);
        assert_eq!(
            (r.voyages, r.cargo_lines, r.tonnage.kg()),
            (633, 714, 16_945_661_000)
        );
        assert_eq!(r.first_departure.unwrap().to_string(), "2022-07-31");
        assert_eq!(r.last_departure.unwrap().to_string(), "2023-01-07");
        assert_eq!(r.days_to_inspection.inspected, 611);
        assert_eq!(r.days_to_inspection.not_inspected, 22);
        if with_python {
            let p = pivot(&path, sheet);
            assert_eq!(p["voyages"], 633);
            assert_eq!(p["cargo_lines"], 714);
            assert_eq!(p["tonnage_kg"], 16_945_661_000i64);
            assert_eq!(p["first_departure"], "2022-07-31");
            assert_eq!(p["last_departure"], "2023-01-07");
            assert_eq!(
                kg_by_name(&r.by_commodity),
                kg_map(&p["by_commodity"]),
                "{sheet} by commodity"
            );
            assert_eq!(
                kg_by_name(&r.by_destination),
                kg_map(&p["by_destination"]),
                "{sheet} by destination"
            );
            assert_eq!(
                kg_by_name(&r.by_income_group),
                kg_map(&p["by_income_group"]),
                "{sheet} by income group"
            );
        }
        reports.push(r);
    }
    // The three sheets give the same report.
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0], reports[2]);
    let r = &reports[0];
    assert_eq!(r.by_commodity.len(), 17);
    assert_eq!(r.by_destination.len(), 43);
    assert_eq!(
        r.by_income_group.len(),
        4,
        "no line without an income group"
    );
    assert_eq!(r.by_departure_port.len(), 3);
    assert_eq!(r.imo_check_digit_failures, 2);
}

#[test]
fn an_export_reads_back_to_the_same_voyages() {
    let Some(path) = shared_file() else { return };
    let got = jcc::read_xlsx_file(&path, None).unwrap();
    assert_eq!(got.sheet, "Data");
    let bytes = jcc::write_xlsx(&got.voyages).unwrap();
    for sheet in ["Data", "Data_HXL"] {
        let again = jcc::read_xlsx(&bytes, Some(sheet), "export.xlsx").unwrap();
        assert!(again.errors.is_empty());
        assert_eq!(again.voyages, got.voyages, "{sheet}");
    }
    let csv = chamber_corridors::hxl::voyages_csv(&got.voyages);
    assert_eq!(csv.lines().count(), 2 + 714);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("#status,#meta+serial+num,#meta+vessel+name")
    );
}
