//! Shared by the browser tests: headless Chromium over WebDriver (Debian's chromedriver).
//! Each capability keeps its browser test in its own file (`tests/browser_<capability>.rs`)
//! and starts from [`tools`], [`start_driver`] and [`browser`].
#![allow(dead_code)]

use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Driver(pub Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn find(binary: &str, candidates: &[&str]) -> Option<String> {
    let from_env = std::env::var(format!("CHAMBER_{}", binary.to_uppercase())).ok();
    from_env
        .into_iter()
        .chain(candidates.iter().map(|s| s.to_string()))
        .find(|p| std::path::Path::new(p).exists())
}

pub fn browser_required() -> bool {
    matches!(
        std::env::var("CHAMBER_REQUIRE_BROWSER").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

pub async fn start_driver(chromedriver: &str) -> (Driver, String) {
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
pub async fn text_of(client: &fantoccini::Client, css: &str) -> String {
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
pub async fn wait_for_text(client: &fantoccini::Client, css: &str, needle: &str) -> String {
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

pub async fn wait_for_path(client: &fantoccini::Client, path: &str) {
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

pub fn tools() -> Option<(String, String)> {
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
pub async fn browser(
    webdriver: &str,
    chromium: &str,
    profile: &std::path::Path,
) -> fantoccini::Client {
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
pub async fn click(client: &fantoccini::Client, css: &str) {
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
pub async fn submit(client: &fantoccini::Client, css: &str) {
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

pub async fn type_into(client: &fantoccini::Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

pub async fn page_text(client: &fantoccini::Client) -> String {
    text_of(client, "main").await
}

/// Sideways overflow of the page in CSS pixels (0 when none) and the element that sticks out
/// most, with by how much.
pub async fn overflow(client: &fantoccini::Client) -> (i64, String) {
    let v = client
        .execute(
            "const d = document.documentElement;
             let worst = '';
             let most = 0;
             for (const e of document.querySelectorAll('body *')) {
               const r = e.getBoundingClientRect();
               const over = Math.max(r.right - d.clientWidth, -r.left);
               if (over > most + 0.5 && getComputedStyle(e).position !== 'absolute') {
                 most = over; worst = e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className;
               }
             }
             return [d.scrollWidth - d.clientWidth, worst + ' by ' + Math.round(most)];",
            vec![],
        )
        .await
        .unwrap();
    (
        v[0].as_i64().unwrap_or(-1),
        v[1].as_str().unwrap_or("").to_string(),
    )
}
