//! End to end in a real browser: headless Chromium over WebDriver (Debian's chromedriver)
//! against the real `chamber serve` on a random loopback port.
//!
//! Without chromedriver the test skips with a printed reason, unless `CHAMBER_REQUIRE_BROWSER=1`
//! (CI), where that is a failure. `scripts/test` installs Debian's chromium and chromium-driver.

mod common;

use common::{Server, temp_dir};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(binary: &str, candidates: &[&str]) -> Option<String> {
    let from_env = std::env::var(format!("CHAMBER_{}", binary.to_uppercase())).ok();
    from_env
        .into_iter()
        .chain(candidates.iter().map(|s| s.to_string()))
        .find(|p| std::path::Path::new(p).exists())
}

fn browser_required() -> bool {
    matches!(
        std::env::var("CHAMBER_REQUIRE_BROWSER").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

async fn start_driver(chromedriver: &str) -> (Driver, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (driver, url)
}

/// The text of an element, read again while the page is still changing under it.
async fn text_of(client: &fantoccini::Client, css: &str) -> String {
    let start = Instant::now();
    loop {
        let found = client.find(Locator::Css(css)).await;
        if let Ok(element) = found
            && let Ok(text) = element.text().await
        {
            return text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no element {css}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until an element's text contains `needle` (a page that is loading is read again).
async fn wait_for_text(client: &fantoccini::Client, css: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let text = text_of(client, css).await;
        if text.contains(needle) {
            return text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{css} never showed {needle:?}; it reads: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_path(client: &fantoccini::Client, path: &str) {
    let start = Instant::now();
    loop {
        let url = client.current_url().await.unwrap();
        let here = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if here == path {
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let source = client.source().await.unwrap_or_default();
            panic!("stuck at {here}, wanted {path}; the page says: {source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn tools() -> Option<(String, String)> {
    match (
        find("chromedriver", &["/usr/bin/chromedriver"]),
        find(
            "chromium",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        ),
    ) {
        (Some(d), Some(c)) => Some((d, c)),
        _ => {
            if browser_required() {
                panic!("CHAMBER_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
            }
            eprintln!("SKIPPED: chromium/chromedriver not installed (scripts/test installs them)");
            None
        }
    }
}

/// A fresh headless Chromium session with its own profile (its own cookies).
async fn browser(webdriver: &str, chromium: &str, profile: &std::path::Path) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("a WebDriver session in headless Chromium")
}

/// Click an element that changes nothing but the page itself (an option, a checkbox); tried
/// again while the page is still being replaced.
async fn click(client: &fantoccini::Client, css: &str) {
    let start = Instant::now();
    loop {
        let clicked = match client.find(Locator::Css(css)).await {
            Ok(element) => element.click().await.map(|_| ()),
            Err(e) => Err(e),
        };
        match clicked {
            Ok(()) => return,
            Err(e) if start.elapsed() > Duration::from_secs(10) => {
                panic!("cannot click {css}: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Click a button or link that loads a new page, and wait until the old page is gone.
async fn submit(client: &fantoccini::Client, css: &str) {
    let start = Instant::now();
    let element = loop {
        let found = client.find(Locator::Css(css)).await;
        if let Ok(element) = found
            && element.clone().click().await.is_ok()
        {
            break element;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "cannot click {css}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The clicked element goes stale when the next page replaces this one.
    while element.tag_name().await.is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{css} did not load a new page"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn type_into(client: &fantoccini::Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn page_text(client: &fantoccini::Client) -> String {
    text_of(client, "main").await
}

#[tokio::test]
async fn set_up_sign_in_switch_to_chinese_and_sign_out() {
    let (Some(chromedriver), Some(chromium)) = (
        find("chromedriver", &["/usr/bin/chromedriver"]),
        find(
            "chromium",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        ),
    ) else {
        if browser_required() {
            panic!("CHAMBER_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
        }
        eprintln!("SKIPPED: chromium/chromedriver not installed (scripts/test installs them)");
        return;
    };
    let cwd = temp_dir("browser");
    let server = Server::start(&cwd, &["--data", "data"]);
    let setup_link = server.setup_link();
    let (_driver, webdriver) = start_driver(&chromedriver).await;
    let client = browser(&webdriver, &chromium, &cwd.join("profile")).await;

    // 1. Set up the first administrator through the one-time link.
    client.goto(&setup_link).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Set up Chamber");
    type_into(&client, "#username", "secretariat").await;
    type_into(&client, "#display_name", "Leyla Secretariat").await;
    type_into(&client, "#password", "neutral ground 2026").await;
    submit(&client, "#setup-submit").await;
    wait_for_path(&client, "/login?setup=1").await;

    // 2. Sign in.
    type_into(&client, "#username", "secretariat").await;
    type_into(&client, "#password", "neutral ground 2026").await;
    submit(&client, "#login-submit").await;
    wait_for_path(&client, "/").await;
    wait_for_text(&client, "h1", "Dashboard").await;
    assert!(
        text_of(&client, "main p")
            .await
            .contains("Welcome, Leyla Secretariat.")
    );

    // 3. Switch to Chinese: the dashboard is translated.
    submit(&client, "a[hreflang='zh']").await;
    wait_for_path(&client, "/").await;
    wait_for_text(&client, "h1", "总览").await;
    assert!(
        text_of(&client, "main p")
            .await
            .contains("欢迎，Leyla Secretariat。")
    );
    assert_eq!(text_of(&client, "#cap-library").await, "文献库");
    let lang = client
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("zh"));

    // 4. Sign out: back at the sign-in page, still in Chinese.
    submit(&client, "#logout").await;
    wait_for_path(&client, "/login?signed_out=1").await;
    wait_for_text(&client, "h1", "登录").await;
    assert_eq!(text_of(&client, "p.notice").await, "您已退出。");
    client.goto(&format!("{}/", server.base)).await.unwrap();
    wait_for_path(&client, "/login").await;

    client.close().await.unwrap();
}

/// A round of talks in three browsers: two delegates and the mediator, each in their own
/// session. Caucus note, amendment, the mediator merges it into a new version, the diff,
/// the agreement adopted, a provision scored — and the other party sees none of the caucus.
#[tokio::test]
async fn a_round_of_talks_in_three_browsers() {
    let Some((chromedriver, chromium)) = tools() else {
        return;
    };
    let cwd = temp_dir("browser-round");
    let seeded = std::process::Command::new(env!("CARGO_BIN_EXE_chamber"))
        .current_dir(&cwd)
        .args(["demo", "seed", "--data", "data"])
        .env("CHAMBER_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let stdout = String::from_utf8_lossy(&seeded.stdout).into_owned();
    let link = |who: &str| -> String {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(who))
            .unwrap();
        let at = line.find("/invite?token=").unwrap();
        line[at..].trim().to_string()
    };
    let server = Server::start(&cwd, &["--data", "data"]);
    let (_driver, webdriver) = start_driver(&chromedriver).await;
    let password = "round of talks 2026";
    let mut people = Vec::new();
    for who in [
        "demo-mediator",
        "demo-delegate-eastmark",
        "demo-delegate-highlands",
    ] {
        let client = browser(&webdriver, &chromium, &cwd.join(format!("profile-{who}"))).await;
        client
            .goto(&format!("{}{}", server.base, link(who)))
            .await
            .unwrap();
        type_into(&client, "#password", password).await;
        type_into(&client, "#confirm", password).await;
        submit(&client, "main form button[type=submit]").await;
        wait_for_path(&client, "/").await;
        client
            .goto(&format!("{}/chamber", server.base))
            .await
            .unwrap();
        submit(&client, "#processes a").await;
        people.push(client);
    }
    let (mediator, east, high) = (&people[0], &people[1], &people[2]);
    let process_url = east.current_url().await.unwrap().to_string();

    // Eastmark writes in its caucus and proposes wording.
    let caucus = "section[aria-label='Caucus: Government of Eastmark']";
    type_into(
        east,
        &format!("{caucus} input[name=title]"),
        "Red line on the corridor",
    )
    .await;
    type_into(
        east,
        &format!("{caucus} input[name=body]"),
        "Convoys weekly, never daily",
    )
    .await;
    submit(east, &format!("{caucus} button[type=submit]")).await;
    wait_for_text(east, "main", "Red line on the corridor").await;
    type_into(
        east,
        "#propose input[name=text]",
        "The parties shall cease fire at 00:00 UTC",
    )
    .await;
    type_into(
        east,
        "#propose input[name=explanation]",
        "Eastmark asks for a fixed hour",
    )
    .await;
    submit(east, "#propose button[type=submit]").await;
    wait_for_text(east, "main", "Eastmark asks for a fixed hour").await;

    // The Highlands delegate sees none of it.
    high.goto(&process_url).await.unwrap();
    let seen = page_text(high).await;
    for secret in [
        "Red line on the corridor",
        "Eastmark asks for a fixed hour",
        "Caucus: Government of Eastmark",
    ] {
        assert!(
            !seen.contains(secret),
            "leaked to the other party: {secret}"
        );
    }

    // The mediator accepts the proposal into a new version and looks at the diff.
    mediator.goto(&process_url).await.unwrap();
    click(mediator, "select[name^='decision_'] option[value='merge']").await;
    type_into(
        mediator,
        "input[name^='wording_']",
        "The parties shall cease fire at 00:00 UTC on the day after signature",
    )
    .await;
    type_into(
        mediator,
        "#issue-version input[name=note]",
        "Fixed hour merged",
    )
    .await;
    submit(mediator, "#issue-version button[type=submit]").await;
    wait_for_text(mediator, "main", "Fixed hour merged").await;
    submit(mediator, "a[href$='/diff']").await;
    wait_for_text(mediator, "#diff", "cease fire at 00:00 UTC").await;

    // Everything open is agreed, the agreement adopted, a provision scored.
    mediator.goto(&process_url).await.unwrap();
    for _ in 0..20 {
        if mediator
            .find(Locator::Css("#open-paragraphs form button"))
            .await
            .is_err()
        {
            break;
        }
        submit(mediator, "#open-paragraphs form button").await;
    }
    submit(mediator, "#adopt button").await;
    click(mediator, "#score select[name=level] option[value='3']").await;
    type_into(
        mediator,
        "#score input[name=evidence]",
        "Monitors confirm the ceasefire holds",
    )
    .await;
    mediator
        .execute(
            "document.querySelector('#score input[name=period]').value = '2026-12-31'",
            vec![],
        )
        .await
        .unwrap();
    submit(mediator, "#score button[type=submit]").await;
    wait_for_text(
        mediator,
        "#agreement",
        "Monitors confirm the ceasefire holds",
    )
    .await;
    assert!(
        text_of(mediator, "#implementation-rate")
            .await
            .starts_with("Implementation: ")
    );

    // Both parties now read the adopted agreement and its implementation.
    high.goto(&process_url).await.unwrap();
    assert!(
        text_of(high, "#agreement")
            .await
            .contains("Monitors confirm the ceasefire holds")
    );
    assert!(!page_text(high).await.contains("Red line on the corridor"));
    for client in people {
        client.close().await.unwrap();
    }
}
