//! Every fixture's Akoma Ntoso export validates against the Akoma Ntoso 3.0 XSD (xmllint) and
//! reads back to the same structure.

use chamber_library::{parse_akn, parse_file, to_akn};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn inputs(base: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in [
        "unxml-ga/fixtures",
        "unxml-ga/fixtures-derived",
        "unxml-sc/fixtures",
    ] {
        for l in common::language_dirs(&base.join(sub)) {
            out.extend(common::files_ending(&l, &[".xml", ".txt"]));
        }
    }
    out
}

fn xmllint_available() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn exports_validate_against_the_xsd() {
    let base = chamber_testkit::require_shared!("data/undocs");
    let seed = chamber_testkit::require_shared!("seed");
    if !xmllint_available() {
        if chamber_testkit::shared_data_required() {
            panic!(
                "xmllint (Debian package libxml2-utils) is required when CHAMBER_REQUIRE_SHARED_DATA=1"
            );
        }
        eprintln!(
            "SKIPPED: xmllint is not installed (apt-get install -y libxml2-utils); exports were not validated"
        );
        return;
    }
    let schema = base.join("akn-schema/akomantoso30.xsd");
    let mut files = inputs(&base);
    files.push(seed.join("A-RES-79-274.zh.pdf-text.txt"));
    assert!(files.len() > 77 * 2, "fixtures missing: {}", files.len());

    let out_dir = std::env::temp_dir().join(format!("chamber-library-akn-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    let mut exported = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let doc = parse_file(f, None).unwrap_or_else(|e| panic!("{e}"));
        let xml = to_akn(&doc);
        // Round trip: the export reads back to the same structure.
        let back = parse_akn(&xml)
            .unwrap_or_else(|e| panic!("{}: export does not read back: {e}", f.display()));
        assert_eq!(back.symbol, doc.symbol, "{}", f.display());
        assert_eq!(back.preamble.len(), doc.preamble.len(), "{}", f.display());
        assert_eq!(
            back.operative.len(),
            doc.operative.len().max(1),
            "{}",
            f.display()
        );
        assert_eq!(back.footnotes.len(), doc.footnotes.len(), "{}", f.display());
        assert_eq!(back.adoption_date, doc.adoption_date, "{}", f.display());
        assert_eq!(back.subjects, doc.subjects, "{}", f.display());
        let target = out_dir.join(format!("{i:03}.xml"));
        std::fs::write(&target, xml).expect("write export");
        exported.push((f.clone(), target));
    }
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .args(exported.iter().map(|(_, t)| t))
        .output()
        .expect("run xmllint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut valid = 0;
    let mut invalid = Vec::new();
    for (src, t) in &exported {
        let name = t.display().to_string();
        if stderr.lines().any(|l| l == format!("{name} validates")) {
            valid += 1;
        } else {
            invalid.push(src.display().to_string());
        }
    }
    println!(
        "AKN export: {valid} of {} files validate against {}",
        exported.len(),
        schema.display()
    );
    if !invalid.is_empty() {
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.ends_with(" validates"))
            .take(20)
            .collect();
        panic!(
            "{} exports fail the XSD: {:?}\n{}",
            invalid.len(),
            invalid,
            errors.join("\n")
        );
    }
    std::fs::remove_dir_all(&out_dir).ok();
}
