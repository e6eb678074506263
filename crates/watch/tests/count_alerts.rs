//! Alerts on fatality data in the store: the count detectors run on each scope's monthly
//! deaths, one alert per episode with a stable id, one severity and structured evidence.

use chamber_watch::alerts::{Query, alerts};
use chamber_watch::detect::Params;
use chamber_watch::store::Store;

const HEADER: &str = "id,type_of_violence,side_a,side_b,country,iso3,adm_1,latitude,longitude,date_start,date_end,best,low,high";

/// UCDP GED rows: (id, iso3, country name, date, deaths).
fn ged(rows: &[(u64, &str, &str, String, u64)]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for (id, iso3, name, date, best) in rows {
        out.push_str(&format!(
            "{id},1,Government of {name},Rebels,{name},{iso3},Region,16.8,96.1,{date} 00:00:00.000,{date} 00:00:00.000,{best},{best},{best}\n"
        ));
    }
    out
}

fn month_rows(
    start_id: u64,
    iso3: &str,
    name: &str,
    year: i32,
    months: &[(u32, u64)],
) -> Vec<(u64, &'static str, &'static str, String, u64)> {
    let iso3: &'static str = Box::leak(iso3.to_string().into_boxed_str());
    let name: &'static str = Box::leak(name.to_string().into_boxed_str());
    months
        .iter()
        .enumerate()
        .map(|(i, (m, d))| {
            (
                start_id + i as u64,
                iso3,
                name,
                format!("{year}-{m:02}-15"),
                *d,
            )
        })
        .collect()
}

#[test]
fn a_month_of_2000_deaths_after_months_of_4_to_40_is_one_alert() {
    let dir = std::env::temp_dir().join(format!("chamber-count-alerts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = [4, 12, 40, 7, 22, 9, 31, 5, 18, 26, 11, 35];
    let mut rows = month_rows(
        1,
        "MMR",
        "Myanmar (Burma)",
        2020,
        &quiet
            .iter()
            .enumerate()
            .map(|(i, d)| (i as u32 + 1, *d))
            .collect::<Vec<_>>(),
    );
    // February 2021: more than 2,000 deaths over several events.
    for k in 0..5u64 {
        rows.push((
            100 + k,
            "MMR",
            "Myanmar (Burma)",
            format!("2021-02-{:02}", 3 + k),
            430,
        ));
    }
    rows.extend(month_rows(
        200,
        "COD",
        "DR Congo (Zaire)",
        2020,
        &(1..=12)
            .map(|m| (m, 20 + (m as u64 * 7) % 30))
            .collect::<Vec<_>>(),
    ));
    // Ethiopia: nothing recorded until 1,474 deaths in November 2020 (Tigray).
    rows.push((400, "ETH", "Ethiopia", "2020-11-04".to_string(), 1474));
    let first = dir.join("ged-1.csv");
    std::fs::write(&first, ged(&rows)).unwrap();
    let store = Store::new(dir.join("store"));
    let out = store.ingest(&[first], None, false);
    assert_eq!(out.total().rejected, 0);
    let p = Params::default();
    let q = Query {
        country: Some("MMR".into()),
        ..Query::default()
    };
    let found = alerts(&store, &q, &p).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    let a = &found[0];
    assert_eq!(a.date, "2021-02-01");
    assert_eq!(a.end, "2021-02-28");
    assert_eq!(a.indicator, "deaths");
    assert_eq!(a.country.as_deref(), Some("MMR"));
    assert!(a.detectors.contains(&"nb_tail".to_string()), "{a:?}");
    assert!(a.detectors.contains(&"bocpd_counts".to_string()), "{a:?}");
    assert!(a.severity_bits > 40.0, "{}", a.severity_bits);
    // One scale: p = 2^-bits (bits rounded to 0.01; p may underflow to 0 far in the tail).
    assert!(
        a.tail_probability == 0.0 || (-a.tail_probability.log2() - a.severity_bits).abs() < 0.01,
        "{} vs {}",
        a.tail_probability,
        a.severity_bits
    );
    assert_eq!(a.id.len(), 16);
    let tail = a.evidence.iter().find(|e| e.detector == "nb_tail").unwrap();
    assert_eq!(
        (
            tail.indicator.as_str(),
            tail.period.as_str(),
            tail.fired.as_str(),
            tail.statistic.as_str()
        ),
        ("deaths", "month", "2021-02", "surprise_bits")
    );
    assert_eq!(tail.observed, 2150.0);
    assert!(
        tail.expected > 4.0 && tail.expected < 40.0,
        "{}",
        tail.expected
    );
    assert!(a.explanation.contains("Myanmar"), "{}", a.explanation);
    // The JSON carries the id, severity, detectors and evidence.
    let v = serde_json::to_value(a).unwrap();
    for key in [
        "id",
        "severity_bits",
        "tail_probability",
        "detectors",
        "evidence",
        "end",
    ] {
        assert!(v.get(key).is_some(), "alert JSON lacks {key}");
    }
    // DR Congo's steady 20–50 a month raises nothing.
    let cod = alerts(
        &store,
        &Query {
            country: Some("COD".into()),
            ..Query::default()
        },
        &p,
    )
    .unwrap();
    assert!(cod.is_empty(), "{cod:#?}");
    // All scopes at once: the same alert, the same id.
    let all = alerts(&store, &Query::default(), &p).unwrap();
    assert!(all.iter().any(|x| x.id == a.id), "{all:#?}");
    // A country's first event is no gap in its history: the months of the store before it
    // are zeros, so Ethiopia's first month is an alert, asked alone or with every scope.
    let eth = Query {
        country: Some("ETH".into()),
        ..Query::default()
    };
    let found_eth = alerts(&store, &eth, &p).unwrap();
    assert_eq!(found_eth.len(), 1, "{found_eth:#?}");
    assert_eq!(found_eth[0].date, "2020-11-01");
    assert!(all.iter().any(|x| x.id == found_eth[0].id), "{all:#?}");

    // Later months arrive: the alert keeps its onset and its id.
    let later = month_rows(
        300,
        "MMR",
        "Myanmar (Burma)",
        2021,
        &[(3, 1900), (4, 60), (5, 30), (6, 25)],
    );
    let second = dir.join("ged-2.csv");
    std::fs::write(&second, ged(&later)).unwrap();
    store.ingest(&[second], None, false);
    let again = alerts(&store, &q, &p).unwrap();
    assert_eq!(again.len(), 1, "{again:#?}");
    assert_eq!(
        (again[0].id.as_str(), again[0].date.as_str()),
        (a.id.as_str(), "2021-02-01")
    );
    // March's 1,900 continues the episode rather than opening a second alert.
    assert_eq!(again[0].end, "2021-03-31");
    // `since` after the onset leaves it out; `until` before it too.
    let since = chamber_watch::Date::parse_iso("2021-03-01");
    assert!(
        alerts(&store, &Query { since, ..q.clone() }, &p)
            .unwrap()
            .is_empty()
    );
    let until = chamber_watch::Date::parse_iso("2021-01-31");
    assert!(
        alerts(&store, &Query { until, ..q.clone() }, &p)
            .unwrap()
            .is_empty()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
