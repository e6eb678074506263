//! Conformance on the shared real files: exact row counts and fields read by hand.

use chamber_watch::reader::{FileReport, read_path};
use chamber_watch::{Event, Format};
use std::path::Path;

fn read_all(path: &Path, forced: Option<Format>) -> (FileReport, Vec<Event>) {
    let mut evs = Vec::new();
    let rep = read_path(path, forced, false, &mut |e| evs.push(e.clone())).expect("readable");
    (rep, evs)
}

#[test]
fn gdelt1_raw_mixed_widths() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-raw");
    let (rep, evs) = read_all(&dir.join("gdelt1_daily_sample_20160728.tsv"), None);
    assert_eq!(rep.format, "gdelt1");
    assert_eq!(
        (rep.rows_read, rep.rows_ok, rep.rejected),
        (710, 710, 0),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    assert_eq!(evs.iter().filter(|e| !e.url.is_empty()).count(), 509);
    let first = &evs[0];
    assert_eq!(first.id, "564111644");
    assert_eq!(first.date.unwrap().to_string(), "2006-07-31");
    assert_eq!(first.source.country, "USA");
    assert_eq!(
        (first.cameo.as_str(), first.root, first.quad),
        ("010", 1, 1)
    );
    assert_eq!(first.country, "USA"); // FIPS US
    assert_eq!(first.admin1, "USDC");
    assert_eq!(first.lat, Some(38.8973));
    assert_eq!(first.mentions, 2);
    let second = &evs[1];
    assert_eq!(
        (second.cameo.as_str(), second.quad, second.goldstein),
        ("0834", 2, Some(5.0))
    );
    assert_eq!(
        evs.iter()
            .filter(|e| e.date.unwrap().to_string() == "1982-01-02")
            .count(),
        103
    );
}

#[test]
fn gdelt2_export() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt2-raw");
    let (rep, evs) = read_all(&dir.join("20180326044500.export.CSV"), None);
    assert_eq!(rep.format, "gdelt2");
    assert_eq!(
        (rep.rows_read, rep.rows_ok, rep.rejected),
        (1540, 1540, 0),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    let quads: Vec<usize> = (1..=4)
        .map(|q| evs.iter().filter(|e| e.quad == q).count())
        .collect();
    assert_eq!(quads, vec![946, 173, 193, 228]);
    // Top ActionGeo FIPS: US 440 (→ USA), AS 90 (→ AUS), blank 38.
    assert_eq!(evs.iter().filter(|e| e.country == "USA").count(), 440);
    assert_eq!(evs.iter().filter(|e| e.country == "AUS").count(), 90);
    assert_eq!(evs.iter().filter(|e| e.country.is_empty()).count(), 38);
    assert_eq!(
        evs.iter()
            .filter(|e| e.date.unwrap().to_string() == "2018-03-26")
            .count(),
        1495
    );
    assert!(evs.iter().all(|e| !e.url.is_empty()));
}

#[test]
fn icews_dataverse() {
    let dir = chamber_testkit::require_shared!("data/events/icews");
    let (rep, evs) = read_all(&dir.join("events.2018.sample.tab"), None);
    assert_eq!(rep.format, "icews");
    assert_eq!(
        (rep.rows_read, rep.rows_ok, rep.rejected),
        (3705, 3705, 0),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    let e = &evs[0];
    assert_eq!(e.id, "32889836@2018-06-01");
    assert_eq!(e.source.name, "Foreign Affairs (Bangladesh)");
    assert_eq!(e.source.country, "BGD");
    assert_eq!(e.source.kind, "Executive");
    assert_eq!(e.target.country, "VNM");
    assert_eq!(
        (e.cameo.as_str(), e.quad, e.goldstein),
        ("040", 1, Some(1.0))
    );
    assert_eq!(e.country, "VNM");
    assert_eq!(e.admin1, "Thanh Pho Ha Noi");
    assert_eq!((e.lat, e.lon), (Some(21.0245), Some(105.841)));
    // Central Asia counts by location country (SOURCES.md).
    for (iso, n) in [
        ("AFG", 31),
        ("TJK", 15),
        ("KAZ", 4),
        ("UZB", 3),
        ("KGZ", 2),
        ("TKM", 1),
    ] {
        assert_eq!(evs.iter().filter(|e| e.country == iso).count(), n, "{iso}");
    }
}

#[test]
fn ucdp_ged_hxl() {
    let dir = chamber_testkit::require_shared!("data/events/ucdp-ged");
    let (rep, evs) = read_all(&dir.join("conflict_data_BGD_hxl.csv"), None);
    assert_eq!(rep.format, "ucdp");
    assert_eq!(
        (rep.rows_read, rep.rows_ok, rep.rejected),
        (601, 601, 0),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    assert_eq!(rep.skipped, 2); // header + HXL tag row
    let e = &evs[0];
    assert_eq!(e.id, "71663");
    assert_eq!(e.date.unwrap().to_string(), "2013-12-13");
    assert_eq!(e.country, "BGD");
    assert_eq!(e.admin1, "Barisāl Division");
    assert_eq!(
        (e.fatalities_low, e.fatalities_best, e.fatalities_high),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(e.source.name, "Supporters of Awami League");
    assert_eq!(e.quad, 4);
    assert!(evs.iter().all(|e| e.country == "BGD"));
}

#[test]
fn acled_modern() {
    let dir = chamber_testkit::require_shared!("data/events/acled");
    let (rep, evs) = read_all(&dir.join("acled_modern_header_sample_2024.csv"), None);
    assert_eq!(rep.format, "acled");
    assert_eq!(
        (rep.rows_read, rep.rows_ok, rep.rejected),
        (2, 2, 0),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    assert_eq!(evs[0].id, "PSE62716");
    assert_eq!(evs[0].date.unwrap().to_string(), "2024-11-01");
    assert_eq!(evs[0].country, "PSE");
    assert_eq!(evs[0].admin1, "West Bank");
    assert_eq!(evs[0].fatalities_best, Some(0));
    assert_eq!(evs[1].country, "YEM");
    assert_eq!((evs[1].cameo.as_str(), evs[1].quad), ("141", 4));
    assert_eq!(evs[1].source.name, "Protesters (Yemen)");
    assert_eq!(evs[1].location, "Dawran ad Daydah");
}

#[test]
fn plover_gold_standard() {
    let dir = chamber_testkit::require_shared!("data/events/plover");
    let (rep, evs) = read_all(&dir.join("PLOVER_GSR_CAMEO.txt"), None);
    assert_eq!(rep.format, "plover");
    assert_eq!(rep.skipped, 1); // the DOCUMENT record
    assert_eq!(rep.rows_read, 322);
    assert_eq!(rep.rows_ok + rep.rejected, 322);
    let e = evs
        .iter()
        .find(|e| e.id == "PLOVER-GSR01-AGREE-0001")
        .unwrap();
    assert_eq!(e.date.unwrap().to_string(), "2000-01-01");
    assert_eq!(e.source.country, "HUN");
    assert_eq!(e.source.kind, "GOV");
    assert_eq!(e.quad, 1);
}

#[test]
fn icews_dedi_json_records() {
    let dir = chamber_testkit::require_shared!("data/events/icews");
    let (rep, evs) = read_all(&dir.join("icews_dedi_sample_output.jsonl"), None);
    assert_eq!(
        (rep.rows_read, rep.rows_ok),
        (4, 4),
        "{:?}",
        &rep.rejects[..rep.rejects.len().min(3)]
    );
    assert_eq!(evs[0].id, "35801475");
    assert_eq!(evs[0].country, "ARM");
    assert_eq!((evs[0].cameo.as_str(), evs[0].quad), ("141", 4));
    assert_eq!(evs[0].admin1, "Syunik'i Marz");
}

#[test]
fn gdelt1_georgia_csv_quirks() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let files = [
        ("individual_csvs/june2011.csv", 5274),
        ("individual_csvs/sept2012.csv", 2223),
        ("individual_csvs/may13.csv", 3268),
        ("individual_csvs/december12.csv", 2575),
        ("interval_csv/sept_nov_2012.csv", 9753),
    ];
    for (f, n) in files {
        let (rep, evs) = read_all(&dir.join(f), None);
        assert_eq!(rep.format, "gdelt1-csv", "{f}");
        assert_eq!(
            (rep.rows_read, rep.rows_ok, rep.rejected),
            (n, n, 0),
            "{f}: {:?}",
            &rep.rejects[..rep.rejects.len().min(3)]
        );
        assert!(evs.iter().all(|e| e.country == "GEO"), "{f}");
        if f.ends_with("may13.csv") {
            let e = &evs[0];
            assert_eq!(e.id, "254456462");
            assert_eq!(e.target.code, "AZE"); // " AZE" trimmed
            assert_eq!(e.target.country, "AZE");
            assert_eq!((e.cameo.as_str(), e.root), ("036", 3));
            assert_eq!(e.admin1, "GG00");
            assert_eq!(e.url, "http://armenpress.am/eng/news/717311/");
        }
        if f.ends_with("june2011.csv") {
            let e = &evs[0];
            assert_eq!(e.id, "125489286");
            assert_eq!(e.source.code, ""); // NA
            assert_eq!(e.target.code, "BUS");
            assert_eq!(e.goldstein, Some(1.9));
            assert_eq!((e.mentions, e.sources), (9, 1));
            assert_eq!(e.location, "Georgia");
        }
    }
}
