//! The CLI contract the maintainers' checks call: names, flags and exit codes.

use chamber_watch::cli::{WatchCommand, run};
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: WatchCommand,
}

fn parse(args: &[&str]) -> Result<WatchCommand, clap::Error> {
    Cli::try_parse_from(std::iter::once("watch").chain(args.iter().copied())).map(|c| c.cmd)
}

fn gdelt_row(id: u64, date: &str, quad: u8) -> String {
    let mut f = vec![String::new(); 58];
    f[0] = id.to_string();
    f[1] = date.into();
    f[5] = "GEO".into();
    f[7] = "GEO".into();
    f[15] = "RUS".into();
    f[17] = "RUS".into();
    let code = if quad == 4 { "190" } else { "042" };
    f[26] = code.into();
    f[28] = code[..2].into();
    f[29] = quad.to_string();
    f[30] = if quad == 4 { "-10" } else { "1.9" }.into();
    f[31] = "2".into();
    f[50] = format!("Place {}", id % 9);
    f[51] = "GG".into();
    f[56] = "20160728".into();
    f[57] = format!("http://news.example/{id}");
    f.join("\t")
}

#[test]
fn contract_commands_parse_and_run() {
    let dir = std::env::temp_dir().join(format!("chamber-watch-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // 60 quiet days then three days of fighting.
    let mut rows = Vec::new();
    let mut id = 1;
    for d in 0..63 {
        let date = chamber_watch::Date(15_300 + d).to_string().replace('-', "");
        let (n, q4) = if d >= 60 {
            (80, 50)
        } else {
            (60 + d as u64 % 7, 4 + d as u64 % 3)
        };
        for k in 0..n {
            rows.push(gdelt_row(id, &date, if k < q4 { 4 } else { 1 }));
            id += 1;
        }
    }
    let file = dir.join("events.tsv");
    std::fs::write(&file, rows.join("\n") + "\n").unwrap();
    let store = dir.join("store");
    let s = store.to_str().unwrap();
    let f = file.to_str().unwrap();

    let cmd = parse(&[
        "ingest", "--store", s, "--format", "gdelt1", "--strict", "--json", f,
    ])
    .unwrap();
    assert_eq!(run(cmd), 0);
    assert_eq!(run(parse(&["ingest", "--store", s, f]).unwrap()), 0); // re-ingest: no change
    let cmd = parse(&[
        "alerts",
        "--store",
        s,
        "--country",
        "GEO",
        "--since",
        "2011-01-01",
        "--until",
        "2013-12-31",
        "--json",
    ]);
    assert_eq!(run(cmd.unwrap()), 0);
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--dyad", "GEO-RUS", "--json"]).unwrap()),
        0
    );
    assert_eq!(
        run(parse(&[
            "series",
            "--store",
            s,
            "--country",
            "GEO",
            "--by",
            "week",
            "--json"
        ])
        .unwrap()),
        0
    );
    assert_eq!(
        run(parse(&["series", "--store", s, "--dyad", "RUS-GEO", "--by", "month"]).unwrap()),
        0
    );
    // Admin1: `--admin1` goes alone. These rows carry no ADM1 code, so region GG00 has no
    // data: said as such ("no data for GG00", exit 2), not as an empty series or "no alerts".
    assert_eq!(
        run(parse(&["series", "--store", s, "--admin1", "GG00", "--json"]).unwrap()),
        2
    );
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--admin1", "GG00", "--json"]).unwrap()),
        2
    );
    // A known country without rows: "no data for FRA", exit 2; a known one: exit 0.
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--country", "FRA"]).unwrap()),
        2
    );
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--country", "GEO", "--csv"]).unwrap()),
        0
    );
    assert_eq!(
        run(parse(&[
            "alerts",
            "--store",
            s,
            "--admin1",
            "GG00",
            "--country",
            "GEO"
        ])
        .unwrap()),
        2
    );

    let store_lib = chamber_watch::store::Store::new(&store);
    assert_eq!(store_lib.count().unwrap(), rows.len() as u64);
    let q = chamber_watch::alerts::Query {
        country: Some("GEO".into()),
        ..Default::default()
    };
    let found = chamber_watch::alerts::alerts(&store_lib, &q, &Default::default()).unwrap();
    let onset = chamber_watch::Date(15_360).to_string();
    assert!(found.iter().any(|a| a.date == onset), "{found:?}");
    assert!(found.iter().all(|a| {
        a.sample_urls
            .iter()
            .all(|u| u.starts_with("http://news.example/"))
    }));
    let dyad = chamber_watch::alerts::Query {
        dyad: Some("RUS-GEO".into()),
        ..Default::default()
    };
    let found = chamber_watch::alerts::alerts(&store_lib, &dyad, &Default::default()).unwrap();
    assert!(
        found
            .iter()
            .any(|a| a.dyad.as_deref() == Some("GEO-RUS") && a.date == onset)
    );

    let episodes = dir.join("episodes.toml");
    std::fs::write(
        &episodes,
        format!("[[episode]]\nname = \"fighting\"\ncountry = \"GEO\"\nstart = \"{onset}\"\n"),
    )
    .unwrap();
    let e = episodes.to_str().unwrap();
    assert_eq!(
        run(parse(&["backtest", "--store", s, "--episodes", e]).unwrap()),
        0
    );

    // Bad input and usage: exit 2.
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--country", "Georgia"]).unwrap()),
        2
    );
    assert_eq!(
        run(parse(&["alerts", "--store", s, "--dyad", "GEO"]).unwrap()),
        2
    );
    assert_eq!(
        run(parse(&[
            "series",
            "--store",
            "/nonexistent/store",
            "--country",
            "GEO"
        ])
        .unwrap()),
        2
    );
    std::fs::write(&episodes, "not toml [[[").unwrap();
    assert_eq!(
        run(parse(&["backtest", "--store", s, "--episodes", e]).unwrap()),
        2
    );
    assert!(parse(&["ingest", "--format", "nosuch", f]).is_err());
    assert!(parse(&["ingest"]).is_err(), "FILES are required");
    assert!(
        parse(&["series", "--store", s]).is_err(),
        "a scope is required"
    );
    assert!(parse(&["alerts", "--since", "2012-13-01"]).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
