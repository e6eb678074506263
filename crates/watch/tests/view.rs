//! The watch pages' domain side on a store the test fills itself (UCDP GED rows): typed errors,
//! the alerts list, a series with ticks and alert marks, a forecast fan, CSV exports, and the
//! command line's `--csv` and "no data" answers.

use chamber_watch::cli::{WatchCommand, run};
use chamber_watch::forecast::archive::Archive;
use chamber_watch::indicators::Period;
use chamber_watch::series::Month;
use chamber_watch::store::Store;
use chamber_watch::view::{
    WatchError, WatchRequest, alert_list, alerts_csv, forecast_fan, series_csv, series_view,
};
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: WatchCommand,
}

fn cmd(args: &[&str]) -> i32 {
    run(
        Cli::try_parse_from(std::iter::once("watch").chain(args.iter().copied()))
            .unwrap()
            .cmd,
    )
}

/// Myanmar: 2019-01 … 2020-12 at 4 to 40 deaths a month (no event in 2019-05), then 2,150 in
/// February 2021; DR Congo steady.
fn ged_store(dir: &std::path::Path) -> Store {
    let mut text = String::from(
        "id,type_of_violence,side_a,side_b,country,iso3,adm_1,latitude,longitude,date_start,date_end,best,low,high\n",
    );
    let mut id = 0;
    let mut row = |iso3: &str, name: &str, date: String, best: u64| {
        id += 1;
        text.push_str(&format!("{id},1,Government of {name},Rebels,{name},{iso3},Region,16.8,96.1,{date} 00:00:00.000,{date} 00:00:00.000,{best},{best},{}\n", best * 2));
    };
    let quiet = [4, 12, 40, 7, 22, 9, 31, 5, 18, 26, 11, 35];
    for i in 0..24 {
        let m = Month::parse("2019-01").unwrap() + i;
        if m.to_string() != "2019-05" {
            row(
                "MMR",
                "Myanmar (Burma)",
                format!("{m}-15"),
                quiet[i as usize % 12],
            );
        }
        row(
            "COD",
            "DR Congo (Zaire)",
            format!("{m}-10"),
            20 + (i as u64 * 7) % 30,
        );
    }
    for k in 0..5 {
        row(
            "MMR",
            "Myanmar (Burma)",
            format!("2021-02-{:02}", 3 + k),
            430,
        );
    }
    let f = dir.join("ged.csv");
    std::fs::write(&f, text).unwrap();
    let store = Store::new(dir.join("store"));
    assert_eq!(store.ingest(&[f], None, false).total().rejected, 0);
    store
}

#[test]
fn pages_get_data_or_a_typed_reason() {
    let dir = std::env::temp_dir().join(format!("chamber-view-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = ged_store(&dir);
    let req = |c: &str| WatchRequest::parse(c, "", "", None, None);

    // "No data for FRA" is not "no alerts".
    let fra = req("FRA").unwrap();
    assert_eq!(
        alert_list(&store, &fra).unwrap_err(),
        WatchError::NoData {
            scope: "FRA".into()
        }
    );
    assert_eq!(
        series_view(&store, &fra, Period::Month).unwrap_err().code(),
        "no-data"
    );
    assert_eq!(req("XXX").unwrap_err().code(), "unknown-country");
    let missing = Store::new(dir.join("nowhere"));
    assert_eq!(
        alert_list(&missing, &req("MMR").unwrap())
            .unwrap_err()
            .code(),
        "no-store"
    );
    // COD has data and no alert: an empty list, not an error.
    assert!(alert_list(&store, &req("COD").unwrap()).unwrap().is_empty());

    let mmr = req("MMR").unwrap();
    let found = alert_list(&store, &mmr).unwrap();
    assert_eq!(found.len(), 1);
    let alert = &found[0];
    assert!(alert.severity_bits > 40.0);

    // The series: 26 months (the empty May 2019 and January 2021 filled with 0), deaths shown.
    let v = series_view(&store, &mmr, Period::Month).unwrap();
    assert_eq!(v.points.len(), 26);
    assert_eq!(v.points[4].start, "2019-05-01");
    assert_eq!(v.points[4].deaths, 0);
    assert_eq!(v.points[24].deaths, 0);
    assert_eq!(v.points[25].deaths, 2150);
    assert_eq!(v.points[25].deaths_high, 4300);
    assert_eq!(v.value, "deaths");
    assert_eq!(v.value_max, 2150.0);
    assert_eq!(
        v.value_ticks,
        vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
    );
    // Month ticks: at most 12, on month starts, in order.
    assert!(
        v.month_ticks.len() <= 12 && v.month_ticks.len() >= 9,
        "{:?}",
        v.month_ticks
    );
    assert_eq!(v.month_ticks[0].month, "2019-01");
    assert!(v.month_ticks.windows(2).all(|w| w[0].index < w[1].index));
    // The alert's onset sits on February 2021, linked by its id.
    assert_eq!(v.alerts.len(), 1);
    assert_eq!(
        (v.alerts[0].index, v.alerts[0].alert_id.as_str()),
        (25, alert.id.as_str())
    );
    // Days: a date range cuts the series; reversed, it is refused before any work.
    let feb = WatchRequest::parse(
        "MMR",
        "",
        "",
        chamber_watch::Date::parse_iso("2021-02-01"),
        chamber_watch::Date::parse_iso("2021-02-28"),
    )
    .unwrap();
    let days = series_view(&store, &feb, Period::Day).unwrap();
    assert_eq!(days.points.len(), 5);
    assert_eq!(days.points.iter().map(|p| p.deaths).sum::<u64>(), 2150);

    // Exports.
    let csv = alerts_csv(&found);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,onset,end,country,dyad,admin1,severity_bits")
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&format!("{},2021-02-01,2021-02-28,MMR,,,", alert.id)),
        "{row}"
    );
    assert!(
        row.contains("nb_tail;bocpd_counts") || row.contains("bocpd_counts;nb_tail"),
        "{row}"
    );
    let scsv = series_csv(&v);
    assert_eq!(scsv.lines().count(), 27);
    assert!(
        scsv.lines()
            .last()
            .unwrap()
            .starts_with("MMR,2021-02-01,5,")
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 26);

    // The forecast fan, from the forecasts `chamber watch forecast` stored from the store's deaths.
    let s = store.root().to_str().unwrap();
    assert_eq!(
        cmd(&[
            "forecast",
            "--store",
            s,
            "--country",
            "MMR",
            "--samples",
            "200"
        ]),
        0
    );
    let archive = Archive::new(store.root());
    let fan = forecast_fan(
        &archive,
        "MMR",
        None,
        Some(&chamber_watch::series::MonthlySeries::from_buckets(
            "MMR",
            &chamber_watch::indicators::series(
                &store,
                &chamber_watch::indicators::Scope::Country("MMR".into()),
                Period::Month,
                None,
                None,
            )
            .unwrap(),
        )),
    )
    .unwrap();
    assert_eq!(fan.cutoff.to_string(), "2021-02");
    assert_eq!(fan.method, "recency");
    assert_eq!(fan.horizons.len(), 6);
    assert!(
        fan.horizons
            .iter()
            .all(|p| p.q05 <= p.q25 && p.q25 <= p.q50 && p.q50 <= p.q75 && p.q75 <= p.q95)
    );
    assert_eq!(fan.history.len(), 24);
    assert_eq!(fan.history.last().unwrap().1, 2150.0);
    assert_eq!(
        forecast_fan(&archive, "COD", None, None)
            .unwrap_err()
            .code(),
        "no-forecast"
    );
    assert_eq!(
        forecast_fan(&archive, "MMR", Month::parse("2020-01"), None)
            .unwrap_err()
            .code(),
        "no-forecast"
    );

    // The command line says the same things.
    assert_eq!(cmd(&["alerts", "--store", s, "--country", "FRA"]), 2);
    assert_eq!(
        cmd(&["alerts", "--store", s, "--country", "MMR", "--csv"]),
        0
    );
    assert_eq!(cmd(&["series", "--store", s, "--country", "FRA"]), 2);
    assert_eq!(
        cmd(&[
            "series",
            "--store",
            s,
            "--country",
            "MMR",
            "--by",
            "month",
            "--csv"
        ]),
        0
    );
    assert_eq!(
        cmd(&[
            "alerts",
            "--store",
            s,
            "--country",
            "MMR",
            "--since",
            "2021-03-01",
            "--until",
            "2021-01-01"
        ]),
        2
    );
    let _ = std::fs::remove_dir_all(&dir);
}
