//! Fatality data as its publishers ship it: UCDP GED in UCDP's own download layout
//! (`GEDEvent_v*.csv`: `country` and `country_id`, a Gleditsch–Ward number, no `iso3`, several
//! countries in UCDP's naming), UCDP Candidate events, ACLED's current export, and UCDP's
//! HDX variant from the shared data. Every country is found; a row whose country cannot be
//! resolved is counted per file and per value. Deaths series (best, low, high, violent events)
//! come back by month and week without gaps.

use chamber_watch::Date;
use chamber_watch::deaths::{ALL, Granularity, deaths};
use chamber_watch::indicators::Scope;
use chamber_watch::store::Store;
use std::path::{Path, PathBuf};

fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("chamber-watch-ucdp-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// UCDP GED's own column order (version 24.1 download).
const GED_HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

/// (country as UCDP names it, its G–W number, the ISO3 it must resolve to)
const COUNTRIES: [(&str, &str, &str); 8] = [
    ("Myanmar (Burma)", "775", "MMR"),
    ("DR Congo (Zaire)", "490", "COD"),
    ("Cambodia (Kampuchea)", "811", "KHM"),
    ("Yemen (North Yemen)", "678", "YEM"),
    ("Russia (Soviet Union)", "365", "RUS"),
    ("Serbia (Yugoslavia)", "345", "SRB"),
    ("Zimbabwe (Rhodesia)", "552", "ZWE"),
    ("Madagascar (Malagasy)", "580", "MDG"),
];

/// One GED row in UCDP's layout.
#[allow(clippy::too_many_arguments)]
fn ged_row(
    id: u32,
    violence: u8,
    country: &str,
    gw: &str,
    date: &str,
    (best, low, high): (u32, u32, u32),
    adm1: &str,
) -> String {
    let mut f: Vec<String> = vec![String::new(); GED_HEADER.split(',').count()];
    let col = |name: &str| GED_HEADER.split(',').position(|c| c == name).unwrap();
    let mut set = |name: &str, v: &str| f[col(name)] = v.to_string();
    set("id", &id.to_string());
    set("relid", &format!("X-{id}"));
    set("year", &date[..4]);
    set("type_of_violence", &violence.to_string());
    set(
        "side_a",
        &format!("Government of {}", country.split(" (").next().unwrap()),
    );
    set("side_b", "\"Rebels, united\"");
    set("number_of_sources", "-1");
    set("where_coordinates", "Somewhere town");
    set("adm_1", adm1);
    set("latitude", "16.8");
    set("longitude", "96.15");
    set("country", &format!("\"{country}\""));
    set("country_id", gw);
    set("date_start", &format!("{date} 00:00:00.000"));
    set("date_end", &format!("{date} 00:00:00.000"));
    set("best", &best.to_string());
    set("low", &low.to_string());
    set("high", &high.to_string());
    set("gwnoa", gw);
    f.join(",")
}

fn write(path: &Path, header: &str, rows: &[String]) {
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn ucdp_own_layout_finds_every_country_and_reports_the_rest() {
    let dir = tmp("own");
    // Every country once (state-based, 10 deaths), Myanmar over several months, one
    // country nobody knows.
    let mut rows: Vec<String> = COUNTRIES
        .iter()
        .enumerate()
        .map(|(i, (c, gw, _))| ged_row(100 + i as u32, 1, c, gw, "2021-02-03", (10, 8, 12), "R1"))
        .collect();
    rows.push(ged_row(
        200,
        3,
        "Myanmar (Burma)",
        "775",
        "2021-02-20",
        (5, 5, 9),
        "Sagaing",
    ));
    rows.push(ged_row(
        201,
        2,
        "Myanmar (Burma)",
        "775",
        "2021-05-01",
        (2, 1, 3),
        "Sagaing",
    ));
    rows.push(ged_row(
        299,
        1,
        "Atlantis",
        "9999",
        "2021-03-01",
        (1, 1, 1),
        "",
    ));
    let ged = dir.join("GEDEvent_v24_1.csv");
    write(&ged, GED_HEADER, &rows);
    // The same countries with no number: UCDP's names alone.
    let names: Vec<String> = COUNTRIES
        .iter()
        .enumerate()
        .map(|(i, (c, _, _))| ged_row(300 + i as u32, 1, c, "", "2021-04-03", (1, 1, 1), ""))
        .collect();
    let by_name = dir.join("GEDEvent_v24_1_names.csv");
    write(&by_name, GED_HEADER, &names);

    let store = Store::new(dir.join("store"));
    let out = store.ingest(&[ged.clone(), by_name.clone()], None, false);
    assert!(out.strict_failure.is_none(), "{:?}", out.strict_failure);
    let own = &out.files[0].report;
    assert_eq!(own.format, "ucdp");
    assert_eq!(own.rejected, 0, "{:?}", own.rejects);
    // The one unknown country is counted and named, per file and per value.
    assert_eq!(own.country_unresolved, 1);
    let (value, n) = own.unresolved_countries.iter().next().unwrap();
    assert_eq!(*n, 1);
    assert!(
        value.contains("country_id=9999") && value.contains("Atlantis"),
        "{value}"
    );
    assert!(own.unresolved_summary().unwrap().contains("Atlantis"));
    assert_eq!(
        out.files[1].report.country_unresolved, 0,
        "names alone resolve"
    );

    let events = store.events().unwrap();
    assert_eq!(events.len(), rows.len() + names.len());
    for (name, _, iso) in COUNTRIES {
        for base in [100, 300] {
            let i = COUNTRIES.iter().position(|c| c.0 == name).unwrap() as u32;
            let e = events
                .iter()
                .find(|e| e.id == (base + i).to_string())
                .unwrap();
            assert_eq!(e.country, iso, "{name} (row {})", base + i);
        }
    }
    let atl = events.iter().find(|e| e.id == "299").unwrap();
    assert_eq!(atl.country, "", "stored, reported, without a country");
    // The actors' countries come from gwnoa too.
    let mmr = events.iter().find(|e| e.id == "100").unwrap();
    assert_eq!(mmr.source.country, "MMR");
    assert_eq!(
        (mmr.fatalities_low, mmr.fatalities_best, mmr.fatalities_high),
        (Some(8), Some(10), Some(12))
    );

    // Monthly deaths of Myanmar: February (10 + 5), March and April empty but present
    // (April has the name-only row: 1), May 2; the store's fatality months run 2021-02..05.
    let m = store.deaths_series("mmr", Granularity::Month).unwrap();
    let d = |y, mo| Date::from_ymd(y, mo, 1).unwrap();
    assert_eq!(
        m,
        vec![
            (d(2021, 2), 15.0, 13.0, 21.0, 2),
            (d(2021, 3), 0.0, 0.0, 0.0, 0),
            (d(2021, 4), 1.0, 1.0, 1.0, 1),
            (d(2021, 5), 2.0, 1.0, 3.0, 1),
        ]
    );
    // Every country's series in one pass: the same as one at a time.
    let all = chamber_watch::deaths::deaths_by_country(&store, Granularity::Month).unwrap();
    assert_eq!(all.len(), COUNTRIES.len());
    for (c, v) in &all {
        assert_eq!(
            v,
            &store.deaths_series(c, Granularity::Month).unwrap(),
            "{c}"
        );
    }
    // Weekly: consecutive weeks from the first to the last, summing to the same deaths.
    let w = store.deaths_series("MMR", Granularity::Week).unwrap();
    assert!(w.windows(2).all(|p| p[1].0.0 - p[0].0.0 == 7));
    assert_eq!(w.iter().map(|x| x.1).sum::<f64>(), 18.0);
    // By type of violence, per admin1 region.
    let by = deaths(
        &store,
        &Scope::Admin1("Sagaing".into()),
        Granularity::Month,
        true,
        None,
        None,
    )
    .unwrap();
    let total = |k: &str| by[k].iter().map(|b| b.best).sum::<f64>();
    assert_eq!(
        (total(ALL), total("one-sided"), total("non-state")),
        (7.0, 5.0, 2.0)
    );
    assert!(!by.contains_key("state-based"));
    // An unknown country has no deaths (not zeros).
    assert!(
        store
            .deaths_series("FRA", Granularity::Month)
            .unwrap()
            .iter()
            .all(|x| x.1 == 0.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn candidate_events_and_acled_current_export_are_read() {
    let dir = tmp("cand");
    // UCDP Candidate events: GED's columns, monthly releases (`GEDEvent_v24_0_8.csv`).
    let cand = dir.join("GEDEvent_v24_0_8.csv");
    write(
        &cand,
        GED_HEADER,
        &[ged_row(
            4_000_001,
            1,
            "Sudan",
            "625",
            "2024-08-02",
            (30, 20, 45),
            "Khartoum",
        )],
    );
    // ACLED's current export: text actor types, both date spellings, ISO numeric codes.
    let acled = dir.join("acled_export.csv");
    let header = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";
    write(
        &acled,
        header,
        &[
            "SDN1,\"01 August 2024\",2024,1,\"Political violence\",Battles,\"Armed clash\",\"Military Forces of Sudan (2019-)\",,\"State forces\",\"Rapid Support Forces\",,\"Rebel group\",\"State forces-Rebel group\",,729,\"Northern Africa\",Sudan,Khartoum,,,Omdurman,15.64,32.48,1,Source,National,notes,12,,1723000000".to_string(),
            "SDN2,2024-08-03,2024,1,\"Political violence\",\"Violence against civilians\",Attack,\"Rapid Support Forces\",,\"Rebel group\",\"Civilians (Sudan)\",,Civilians,\"Rebel group-Civilians\",\"Civilian targeting\",,\"Northern Africa\",Sudan,\"Al Jazirah\",,,Wad Madani,14.4,33.5,1,Source,National,notes,3,,1723000000".to_string(),
            "XX1,2024-08-04,2024,1,\"Political violence\",Battles,\"Armed clash\",A,,\"State forces\",B,,\"Rebel group\",x,,,Nowhere,Atlantis,,,,,1,1,1,Source,National,notes,1,,1723000000".to_string(),
        ],
    );
    let store = Store::new(dir.join("store"));
    let out = store.ingest(&[cand, acled], None, false);
    assert!(out.strict_failure.is_none(), "{:?}", out.strict_failure);
    assert_eq!(out.files[0].report.format, "ucdp");
    assert_eq!(out.files[1].report.format, "acled");
    assert_eq!(
        out.files[1].report.rejected, 0,
        "{:?}",
        out.files[1].report.rejects
    );
    assert_eq!(out.files[1].report.country_unresolved, 1);
    let events = store.events().unwrap();
    let get = |id: &str| events.iter().find(|e| e.id == id).unwrap();
    assert_eq!(get("4000001").country, "SDN");
    assert_eq!(get("SDN1").country, "SDN");
    assert_eq!(get("SDN1").date, Date::from_ymd(2024, 8, 1));
    assert_eq!(
        get("SDN2").country,
        "SDN",
        "by name when the ISO number is missing"
    );
    assert_eq!(get("SDN2").date, Date::from_ymd(2024, 8, 3));
    assert_eq!(get("SDN1").source.kind, "State forces");
    // Sudan in August 2024: 30 (UCDP; low 20, high 45) + 12 + 3 (ACLED, one estimate).
    let m = store.deaths_series("SDN", Granularity::Month).unwrap();
    assert_eq!(
        m,
        vec![(Date::from_ymd(2024, 8, 1).unwrap(), 45.0, 35.0, 60.0, 3)]
    );
    let by = deaths(
        &store,
        &Scope::Country("SDN".into()),
        Granularity::Month,
        true,
        None,
        None,
    )
    .unwrap();
    assert_eq!(by["battles"][0].best, 12.0);
    assert_eq!(by["violence against civilians"][0].best, 3.0);
    assert_eq!(by["state-based"][0].best, 30.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ucdp_shared_files_resolve_every_country() {
    let mut files = Vec::new();
    for sub in ["ucdp_ged_hdx_ukr", "ucdp_ged_hdx_ssd", "ucdp-ged"] {
        let Some(dir) = chamber_testkit::shared_dir(&format!("data/events/{sub}")) else {
            return;
        };
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "csv") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    // UCDP's own pairs of country_id and iso3 agree with the Gleditsch–Ward table.
    let cb = chamber_watch::codebook::codebooks();
    for f in &files {
        let mut rdr = csv::Reader::from_path(f).unwrap();
        let h = rdr.headers().unwrap().clone();
        let at = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (gw, iso) = (at("country_id"), at("iso3"));
        for rec in rdr.records().flatten() {
            let Ok(n) = rec[gw].parse::<u32>() else {
                continue;
            }; // the HXL row
            assert_eq!(cb.gw_to_iso3(n), Some(&rec[iso]), "{}: {n}", f.display());
        }
    }
    let dir = tmp("shared");
    let store = Store::new(dir.join("store"));
    let out = store.ingest(&files, None, false);
    assert!(out.strict_failure.is_none());
    for f in &out.files {
        let r = &f.report;
        println!(
            "{}: {} rows, {} stored, {} without a resolvable country {:?}",
            r.file, r.rows_read, f.stored, r.country_unresolved, r.unresolved_countries
        );
        assert_eq!(r.format, "ucdp", "{}", r.file);
        assert_eq!(r.rejected, 0, "{}: {:?}", r.file, r.rejects);
        assert_eq!(
            r.country_unresolved, 0,
            "{}: {:?}",
            r.file, r.unresolved_countries
        );
    }
    // The deaths the files hold are the deaths the series give.
    let ukr: f64 = store
        .events()
        .unwrap()
        .iter()
        .filter(|e| e.country == "UKR")
        .map(|e| e.fatalities_best.unwrap_or(0) as f64)
        .sum();
    let series = store.deaths_series("UKR", Granularity::Month).unwrap();
    assert!(ukr > 0.0);
    assert_eq!(series.iter().map(|x| x.1).sum::<f64>(), ukr);
    assert!(
        series
            .windows(2)
            .all(|p| Granularity::Month.next(p[0].0) == p[1].0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
