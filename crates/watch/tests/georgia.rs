//! Real data: GDELT 1.0 rows located in Georgia, June 2011 – May 2013.

use chamber_watch::alerts::{Query, alerts, artifacts};
use chamber_watch::detect::Params;
use chamber_watch::store::Store;
use std::path::PathBuf;

fn temp_store(tag: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("chamber-watch-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Store::new(dir)
}

fn georgia_files(dir: &std::path::Path) -> Vec<PathBuf> {
    chamber_testkit::sorted_files(dir, &["individual_csvs", "interval_csv"])
}

#[test]
fn georgia_escalation_detected_and_dumps_ignored() {
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let store = temp_store("georgia");
    let files = georgia_files(&dir);
    assert_eq!(files.len(), 24);
    let out = store.ingest(&files, None, false);
    let t = out.total();
    assert!(out.strict_failure.is_none());
    assert_eq!(
        t.rejected,
        0,
        "{:?}",
        out.files
            .iter()
            .flat_map(|f| f.report.rejects.iter())
            .take(3)
            .collect::<Vec<_>>()
    );
    // 23 monthly files + the Sept–Nov 2012 interval file, which repeats monthly rows.
    assert_eq!(
        t.rows_read,
        105_438
            + 9_753
            + (5_274
                + 6_303
                + 5_894
                + 5_856
                + 4_050
                + 5_316
                + 3_029
                + 4_324
                + 8_484
                + 8_441
                + 5_865
                + 6_601
                + 6_237
                + 1_509
                + 1_255
                + 2_223
                + 2_300
                + 5_230
                + 2_575
                + 3_196
                + 4_672
                + 3_542
                + 3_268)
            - 105_438
    );
    assert_eq!(t.stored, 105_438, "unique GLOBALEVENTIDs");
    assert_eq!(store.count().unwrap(), 105_438);

    // Re-ingesting changes nothing.
    let again = store.ingest(&files[..3], None, false);
    assert_eq!(again.total().stored, 0);
    assert_eq!(store.count().unwrap(), 105_438);

    let p = Params::default();
    let q = Query {
        country: Some("GEO".into()),
        ..Query::default()
    };
    let found = alerts(&store, &q, &p).unwrap();
    for a in &found {
        eprintln!("{} {} {:.2} {}", a.date, a.detector, a.score, a.explanation);
    }
    let hit: Vec<_> = found
        .iter()
        .filter(|a| ("2012-09-18".."2012-09-23").contains(&a.date.as_str()))
        .collect();
    assert!(
        !hit.is_empty(),
        "no alert for the September 2012 escalation"
    );
    assert!(hit.iter().all(|a| a.country.as_deref() == Some("GEO")));
    assert!(hit[0].explanation.contains("Georgia"));
    assert!(!hit[0].drivers.event_codes.is_empty());
    for dump in ["2012-11-22", "2013-02-15", "2013-04-08", "2013-05-27"] {
        assert!(
            !found.iter().any(|a| a.date == dump),
            "alert on artifact day {dump}"
        );
    }
    let arts = artifacts(&store, &q, &p).unwrap();
    let geo: Vec<String> = arts["GEO"].iter().map(|(d, _)| d.to_string()).collect();
    for dump in ["2012-11-22", "2013-02-15", "2013-04-08", "2013-05-27"] {
        assert!(
            geo.contains(&dump.to_string()),
            "{dump} not flagged: {geo:?}"
        );
    }
    // The JSON contract of `chamber watch alerts --json`.
    let v = serde_json::to_value(hit[0]).unwrap();
    for key in [
        "date",
        "country",
        "detector",
        "score",
        "explanation",
        "baseline",
        "drivers",
        "sample_urls",
    ] {
        assert!(v.get(key).is_some(), "alert JSON lacks {key}");
    }

    // Series: counts by where it happened, normalised shares.
    use chamber_watch::indicators::{Period, Scope, series};
    let geo = Scope::Country("GEO".into());
    let days = series(&store, &geo, Period::Day, None, None).unwrap();
    let d919 = days
        .iter()
        .find(|b| b.start.unwrap().to_string() == "2012-09-19")
        .unwrap();
    assert_eq!((d919.events, d919.quad[3]), (181, 54)); // SOURCES.md: 09-19 181/54
    assert!((d919.volume_share() - 1.0).abs() < 1e-9); // every stored event is in Georgia
    let months = series(&store, &geo, Period::Month, None, None).unwrap();
    assert_eq!(months.len(), 23); // March 2013 is missing
    assert_eq!(months.iter().map(|b| b.events).sum::<u64>(), 105_438);
    let weeks = series(&store, &geo, Period::Week, None, None).unwrap();
    assert!(
        weeks
            .iter()
            .all(|b| b.start.unwrap().week_start() == b.start.unwrap())
    );
    let _ = std::fs::remove_dir_all(store.root());
}

#[test]
fn rollups_agree_with_a_row_scan() {
    use chamber_watch::indicators::{Period, ScopeKind, all_series, rollup_series};
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let store = temp_store("rollup");
    let files: Vec<PathBuf> = georgia_files(&dir).into_iter().take(6).collect();
    let out = store.ingest(&files, None, false);
    assert_eq!(out.total().stored, 22_160);
    let scan = all_series(
        &store,
        Period::Week,
        None,
        None,
        &|_| true,
        ScopeKind::Country,
    )
    .unwrap();
    let roll = rollup_series(&store, Period::Week, None, None)
        .unwrap()
        .expect("rollups written");
    assert_eq!(
        scan.keys().collect::<Vec<_>>(),
        roll.keys().collect::<Vec<_>>()
    );
    for (k, a) in &scan {
        let b = &roll[k];
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(
                (x.start, x.events, x.quad, x.total_volume),
                (y.start, y.events, y.quad, y.total_volume)
            );
            assert!(
                (x.goldstein_sum - y.goldstein_sum).abs() < 1e-6 * x.goldstein_sum.abs().max(1.0)
            );
        }
    }
    let _ = std::fs::remove_dir_all(store.root());
}

#[test]
fn admin1_series_and_alerts_on_georgia() {
    use chamber_watch::alerts::admin1_alerts;
    use chamber_watch::indicators::{Period, Scope, series};
    let dir = chamber_testkit::require_shared!("data/events/gdelt1-georgia");
    let store = temp_store("admin1");
    let out = store.ingest(&georgia_files(&dir), None, false);
    assert_eq!(out.total().stored, 105_438);
    // Independent count of the stored rows per admin1 (GDELT ActionGeo_ADM1Code).
    let events = store.events().unwrap();
    let count = |code: &str| events.iter().filter(|e| e.admin1 == code).count() as u64;
    // Every event located in Georgia carries a Georgian (FIPS GG…) admin1 code.
    assert!(
        events
            .iter()
            .filter(|e| e.country == "GEO")
            .all(|e| e.admin1.starts_with("GG")),
        "a GEO event outside a GG admin1 region"
    );
    let mut regions = 0;
    for code in ["GG00", "GG02", "GG04"] {
        let months = series(
            &store,
            &Scope::Admin1(code.into()),
            Period::Month,
            None,
            None,
        )
        .unwrap();
        let total: u64 = months.iter().map(|b| b.events).sum();
        assert_eq!(total, count(code), "{code}");
        assert!(total > 0 && total < 105_438, "{code}: {total}");
        regions += 1;
        // The region's share of all events never exceeds one.
        assert!(months.iter().all(|b| b.volume_share() <= 1.0 + 1e-9));
    }
    assert_eq!(regions, 3);
    // Daily: the 2012-11-22 one-place dump sits in GG00 (SOURCES.md: 2,611 at Tbilisi).
    let days = series(
        &store,
        &Scope::Admin1("GG00".into()),
        Period::Day,
        None,
        None,
    )
    .unwrap();
    let dump = days
        .iter()
        .find(|b| b.start.unwrap().to_string() == "2012-11-22")
        .expect("GG00 has events on 2012-11-22");
    assert!(dump.events > 2_600, "{}", dump.events);

    // Alerts per region: labelled with the region and its country; the artifact guard holds
    // per region too (three dumps sit in GG00, the Abkhazia one in GG02).
    let p = Params::default();
    for (code, dumps) in [
        ("GG00", &["2012-11-22", "2013-04-08", "2013-05-27"][..]),
        ("GG02", &["2013-02-15"][..]),
    ] {
        let found = admin1_alerts(&store, code, None, None, &p).unwrap();
        assert!(!found.is_empty(), "no alert at all for {code}");
        for a in &found {
            assert_eq!(a.admin1.as_deref(), Some(code));
            assert_eq!(a.country.as_deref(), Some("GEO"));
            assert!(a.dyad.is_none());
            assert!(a.explanation.contains(code), "{}", a.explanation);
            assert!(
                !dumps.contains(&a.date.as_str()),
                "{code}: alert on dump {}",
                a.date
            );
        }
        // `since` bounds the onsets.
        let last = &found[found.len() - 1].date;
        let later = admin1_alerts(&store, code, chamber_watch::Date::parse_iso(last), None, &p);
        assert!(later.unwrap().iter().all(|a| &a.date >= last));
    }
    let _ = std::fs::remove_dir_all(store.root());
}
