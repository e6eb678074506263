//! Every capability command honours the same configuration as `chamber serve`:
//! `--data` > `CHAMBER_DATA` > `chamber.toml` > `./chamber-data`.

mod common;

use common::{Server, admin_token, chamber, run, temp_dir, text};

#[tokio::test]
async fn watch_ingest_writes_where_serve_reads() {
    let events =
        chamber_testkit::require_shared!("data/events/gdelt1-georgia/individual_csvs/sept2012.csv");
    let cwd = temp_dir("config-watch");
    let data = cwd.join("x");
    // No flag: CHAMBER_DATA decides.
    let out = run(chamber(&cwd)
        .env("CHAMBER_DATA", &data)
        .args(["watch", "ingest"])
        .arg(&events));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        data.join("watch").is_dir(),
        "the store is under CHAMBER_DATA/watch"
    );
    assert!(
        !cwd.join("chamber-data").exists(),
        "nothing was written to the default place"
    );
    // `chamber serve --data x` shows those events without further flags.
    let data_arg = data.to_string_lossy().into_owned();
    let token = admin_token(&cwd, &["--data", &data_arg]);
    let server = Server::start(&cwd, &["--data", &data_arg]);
    let html = reqwest::Client::new()
        .get(format!("{}/watch?country=GEO&by=week", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"tension-chart\""), "{html}");
}

#[test]
fn chamber_toml_places_the_library_and_a_flag_overrides_it() {
    let seed = chamber_testkit::require_shared!("seed/A-RES-79-274.zh.pdf-text.txt");
    let cwd = temp_dir("config-library");
    std::fs::write(cwd.join("chamber.toml"), "data = \"from-toml\"\n").unwrap();
    let out = run(chamber(&cwd).args(["library", "ingest"]).arg(&seed));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(cwd.join("from-toml/library/index").is_dir());
    let out = run(chamber(&cwd)
        .args(["library", "search", "调解", "--json"])
        .env("CHAMBER_DATA", cwd.join("from-toml")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("79/274"),
        "{}",
        text(&out.stdout)
    );
    // An explicit --data wins over chamber.toml.
    let out = run(chamber(&cwd)
        .args(["library", "ingest", "--data", "by-flag"])
        .arg(&seed));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(cwd.join("by-flag/library/index").is_dir());
}

#[tokio::test]
async fn serve_demo_shows_every_capability_without_the_shared_data() {
    let cwd = temp_dir("serve-demo");
    let server = Server::start(&cwd, &["--data", "data", "--demo"]);
    let banner = server.banner.join("\n");
    for needle in [
        "demo: demonstration peace process",
        "events in Watch (synthetic",
        "resolutions in the Library",
        "demo: a consultation: 10 statements",
        "demo-delegate-highlands (delegate) sets a password here: http://127.0.0.1:",
        "No administrator yet",
    ] {
        assert!(banner.contains(needle), "{needle} in {banner}");
    }
    // The links printed point where the server listens.
    let port = server.base.rsplit(':').next().unwrap().to_string();
    assert!(
        banner.contains(&format!("127.0.0.1:{port}/invite?token=")),
        "{banner}"
    );
    let token = admin_token(&cwd, &["--data", "data"]);
    let html = reqwest::Client::new()
        .get(format!("{}/watch?country=GEO&by=month", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("2024-03"),
        "the synthetic escalation is on the page"
    );
}

/// Issue 12's first-run problems: `demo seed` run before the first administrator exists used
/// to invalidate the printed set-up link, a restart printed no new way in, and `demo seed` and
/// `admin create-user` printed links on port 8080 whatever `--listen` said.
#[tokio::test]
async fn the_first_administrator_link_survives_demo_seeding_and_a_restart_prints_a_fresh_one() {
    let cwd = temp_dir("first-run");
    let mut first = Server::start(&cwd, &["--data", "data"]);
    let link = first.setup_link();
    let port = first.base.rsplit(':').next().unwrap().to_string();
    assert!(
        link.contains(&format!("127.0.0.1:{port}/setup?token=")),
        "{link}"
    );

    // The demonstration seeded while the server runs: its links point where it answers.
    let out = run(chamber(&cwd).args(["demo", "seed", "--data", "data"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains(&format!("http://127.0.0.1:{port}/invite?token=")),
        "{printed}"
    );
    assert!(!printed.contains(":8080/"), "{printed}");
    let http = reqwest::Client::new();
    let setup = http.get(&link).send().await.unwrap();
    assert_eq!(
        setup.status(),
        reqwest::StatusCode::OK,
        "the set-up link no longer works after demo seed"
    );

    // A restart with still no administrator prints a fresh way in.
    first.kill();
    let second = Server::start(&cwd, &["--data", "data"]);
    let banner = second.banner.join("\n");
    assert!(banner.contains("No administrator yet"), "{banner}");
    assert!(banner.contains("chamber admin create-user"), "{banner}");
    let fresh = second.setup_link();
    assert_ne!(fresh, link);
    let answer = http.get(&fresh).send().await.unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::OK);

    // create-user prints its link on the address the server answers at.
    let new_port = second.base.rsplit(':').next().unwrap().to_string();
    let out = run(chamber(&cwd).args([
        "admin",
        "create-user",
        "--data",
        "data",
        "--role",
        "admin",
        "--username",
        "secretary",
        "--display-name",
        "Secretary",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains(&format!("http://127.0.0.1:{new_port}/invite?token=")),
        "{printed}"
    );
    // And --public-url wins over both.
    let out = run(chamber(&cwd).args([
        "admin",
        "create-user",
        "--data",
        "data",
        "--role",
        "mediator",
        "--username",
        "envoy",
        "--display-name",
        "Envoy",
        "--public-url",
        "https://chamber.example.org",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("https://chamber.example.org/invite?token="),
        "{}",
        text(&out.stdout)
    );
}
