//! Issue 17's acceptance in a real browser: headless Chromium over WebDriver against the real
//! `chamber serve`. A government delegate registers with a Note Verbale → the accreditation
//! officer approves → the badge's QR code (read from the badge's SVG on the page) checks in once
//! and a second scan says "already in" → the delegation inscribes on the speakers' list → the
//! chair's view runs the countdown → the list of participants leaves out a participant who
//! withheld consent → the outcome document goes from first draft to adopted text.
//!
//! Without chromedriver the test skips with a printed reason, unless `CHAMBER_REQUIRE_BROWSER=1`.

mod common;

use common::browser::*;
use common::{Server, chamber, temp_dir};
use fantoccini::Locator;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

const PASSWORD: &str = "neutral ground 2026";

/// An account with a password (and an API token when `token`).
fn account(cwd: &std::path::Path, name: &str, role: &str, token: bool) -> Option<String> {
    let mut child = chamber(cwd)
        .args(["admin", "create-user", "--data", "data", "--username", name])
        .args(["--role", role, "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "create {name}");
    token.then(|| {
        let out = chamber(cwd)
            .args(["admin", "issue-token", "--data", "data", "--username", name])
            .args(["--label", "setup"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status} {v}");
        v
    }
}

/// Standard base64, for the JSON upload.
fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Wait until an element's attribute has `value` (the page may still be loading).
async fn wait_attr(client: &fantoccini::Client, css: &str, name: &str, value: &str) {
    let start = std::time::Instant::now();
    loop {
        if let Ok(e) = client.find(Locator::Css(css)).await
            && let Ok(Some(v)) = e.attr(name).await
            && v == value
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{css} [{name}] never became {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sign_in(client: &fantoccini::Client, base: &str, name: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    type_into(client, "#username", name).await;
    type_into(client, "#password", PASSWORD).await;
    submit(client, "#login-submit").await;
    wait_for_path(client, "/").await;
}

async fn select(client: &fantoccini::Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no select {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

async fn attr(client: &fantoccini::Client, css: &str, name: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Uploads a file through the page's upload form.
async fn upload(client: &fantoccini::Client, kind: &str, file: &std::path::Path) {
    select(client, "#document-kind", kind).await;
    type_into(client, "#document-file", file.to_str().unwrap()).await;
    submit(client, "#upload-submit").await;
    wait_for_text(client, "#my-documents", "").await;
}

#[tokio::test]
async fn a_delegate_from_registration_to_the_adopted_outcome() {
    let Some((chromedriver, chromium)) = tools() else {
        return;
    };
    let cwd = temp_dir("browser-conferences");
    let admin_token = account(&cwd, "secretariat", "admin", true).unwrap();
    for (name, role) in [
        ("orazova", "delegate"),
        ("officer", "observer"),
        ("door", "observer"),
        ("chair", "observer"),
    ] {
        account(&cwd, name, role, false);
    }
    let quiet_token = account(&cwd, "withheld", "admin", true).unwrap();
    let server = Server::start(&cwd, &["--data", "data"]);
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let admin = Api {
        http: http.clone(),
        base: base.clone(),
        token: admin_token,
    };
    // The secretariat sets up the forum through the API.
    let conf = admin
        .post(
            "/api/v1/conferences",
            json!({"title": "International Forum on Neutrality", "starts_on": "2026-12-12",
                   "ends_on": "2026-12-13", "location": "Ashgabat"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (name, role) in [
        ("officer", "accreditation_officer"),
        ("door", "door_staff"),
        ("chair", "chair"),
    ] {
        admin
            .post(
                &format!("/api/v1/conferences/{conf}/staff"),
                json!({"username": name, "role": role}),
            )
            .await;
    }
    let session = admin
        .post(
            &format!("/api/v1/conferences/{conf}/sessions"),
            json!({"title": "General debate", "start": "2026-12-12T10:00", "end": "2026-12-12T13:00"}),
        )
        .await["session"]
        .as_str()
        .unwrap()
        .to_string();
    let delegation = admin
        .post(
            &format!("/api/v1/conferences/{conf}/delegations"),
            json!({"country": "TKM"}),
        )
        .await["delegation"]
        .as_str()
        .unwrap()
        .to_string();
    let files = cwd.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let nv = files.join("note-verbale.pdf");
    std::fs::write(
        &nv,
        b"%PDF-1.4\n% Note Verbale No. 2026/17 from the Permanent Mission\n%%EOF\n",
    )
    .unwrap();
    let passport = files.join("passport.pdf");
    std::fs::write(&passport, b"%PDF-1.4\n% Passport\n%%EOF\n").unwrap();
    let photo = files.join("photo.png");
    std::fs::write(
        &photo,
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0],
    )
    .unwrap();

    let (_driver, webdriver) = start_driver(&chromedriver).await;
    let delegate = browser(&webdriver, &chromium, &cwd.join("profile-delegate")).await;
    let officer = browser(&webdriver, &chromium, &cwd.join("profile-officer")).await;
    let door = browser(&webdriver, &chromium, &cwd.join("profile-door")).await;
    let chair = browser(&webdriver, &chromium, &cwd.join("profile-chair")).await;

    // 1. A government delegate registers with a Note Verbale (and identity document, photo).
    sign_in(&delegate, &base, "orazova").await;
    delegate
        .goto(&format!("{base}/conferences/{conf}"))
        .await
        .unwrap();
    submit(&delegate, "#register-member_state").await;
    type_into(&delegate, "#given_name", "Aylar").await;
    type_into(&delegate, "#family_name", "Orazova").await;
    select(&delegate, "#country", "TKM").await;
    type_into(&delegate, "#answer_function", "Ambassador").await;
    type_into(&delegate, "#answer_email", "aylar@mission.example").await;
    click(&delegate, "#consent").await;
    submit(&delegate, "#register-submit").await;
    wait_for_path(&delegate, &format!("/conferences/{conf}/me")).await;
    wait_attr(&delegate, "#registration-state", "data-state", "pending").await;
    upload(&delegate, "note_verbale", &nv).await;
    upload(&delegate, "identity_document", &passport).await;
    upload(&delegate, "photo", &photo).await;
    let listed = text_of(&delegate, "#my-documents").await;
    assert!(listed.contains("Note Verbale"), "{listed}");
    assert!(
        delegate
            .find(Locator::Css("#missing-documents"))
            .await
            .is_err(),
        "nothing missing"
    );

    // Someone else (an administrator account, only so it holds an API token) registers through
    // the API without consenting to the published list.
    let quiet = Api {
        http: http.clone(),
        base: base.clone(),
        token: quiet_token,
    };
    let rid = quiet
        .post(
            &format!("/api/v1/conferences/{conf}/registrations"),
            json!({"category": "member_state", "given_name": "Quiet", "family_name": "Withheld",
                   "country": "KAZ", "answers": {"function": "Counsellor", "email": "q@mission.example"},
                   "consent": false}),
        )
        .await["registration"]["registration"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for kind in ["note_verbale", "identity_document"] {
        quiet
            .post(
                &format!("/api/v1/conferences/registrations/{rid}/documents"),
                json!({"kind": kind, "content_base64": b64(b"%PDF-1.4\n%%EOF\n")}),
            )
            .await;
    }
    quiet
        .post(
            &format!("/api/v1/conferences/registrations/{rid}/documents"),
            json!({"kind": "photo", "content_base64": b64(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0])}),
        )
        .await;
    // 2. The accreditation officer approves from the queue, oldest first: the delegate, then
    // the participant who withheld consent.
    sign_in(&officer, &base, "officer").await;
    for who in ["Aylar Orazova", "Quiet Withheld"] {
        officer
            .goto(&format!("{base}/conferences/{conf}/queue"))
            .await
            .unwrap();
        wait_for_text(&officer, "#queue", who).await;
        submit(&officer, "a.queue-item").await;
        wait_for_text(&officer, "h1", who).await;
        wait_for_text(&officer, "#documents", "Note Verbale").await;
        submit(&officer, "#approve-submit").await;
        wait_for_text(&officer, "#registration-state", "Approved").await;
    }

    // 3. The badge's QR code checks in once; a second scan says "already in".
    delegate
        .goto(&format!("{base}/conferences/{conf}/me"))
        .await
        .unwrap();
    submit(&delegate, "#badge-link").await;
    let svg = delegate
        .find(Locator::Css("#badge svg"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap();
    let ticket = qr::read_badge(&svg);
    assert_eq!(ticket.len(), 32, "the QR code carries the ticket: {ticket}");
    sign_in(&door, &base, "door").await;
    door.goto(&format!("{base}/conferences/{conf}/door"))
        .await
        .unwrap();
    type_into(&door, "#ticket", &ticket).await;
    click(&door, "#check-in-submit").await;
    wait_for_text(&door, "#door-answer", "Valid").await;
    assert!(
        text_of(&door, "#door-answer")
            .await
            .contains("Aylar Orazova")
    );
    type_into(&door, "#ticket", &ticket).await;
    click(&door, "#check-in-submit").await;
    wait_for_text(&door, "#door-answer", "Already in").await;
    assert_eq!(
        attr(&door, "#door-answer", "data-answer").await,
        "already_in"
    );

    // 4. The delegation inscribes on the speakers' list.
    admin
        .post(
            &format!("/api/v1/conferences/{conf}/delegations/{delegation}/members"),
            json!({"username": "orazova", "function": "head"}),
        )
        .await;
    let speakers = format!("{base}/conferences/{conf}/sessions/{session}/speakers");
    delegate.goto(&speakers).await.unwrap();
    select(&delegate, "#inscribe-kind", "statement").await;
    submit(&delegate, "#inscribe-submit").await;
    wait_for_text(&delegate, "#speakers-list", "Turkmenistan").await;

    // 5. The chair's view gives the floor and runs the countdown.
    sign_in(&chair, &base, "chair").await;
    chair.goto(&speakers).await.unwrap();
    submit(&chair, "#next-speaker-submit").await;
    wait_for_text(&chair, "#current-speaker", "Turkmenistan").await;
    let left = |s: String| s.parse::<i64>().unwrap_or(i64::MAX);
    let first = left(attr(&chair, "#countdown", "data-left").await);
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let second = left(attr(&chair, "#countdown", "data-left").await);
    assert!(
        first <= 300 && second < first,
        "the countdown runs: {first} then {second}"
    );
    let shown = text_of(&chair, "#countdown").await;
    assert!(shown.contains(':'), "minutes and seconds: {shown}");

    // 6. The list of participants leaves out the one who withheld consent.
    delegate
        .goto(&format!("{base}/conferences/{conf}/participants"))
        .await
        .unwrap();
    let list = text_of(&delegate, "#list-of-participants").await;
    assert!(
        list.contains("Aylar Orazova") && list.contains("Turkmenistan"),
        "{list}"
    );
    assert!(!list.contains("Withheld"), "{list}");

    // 7. The outcome document: first draft, an amendment, versions, adoption.
    let outcome = format!("{base}/conferences/{conf}/outcome");
    chair.goto(&outcome).await.unwrap();
    type_into(&chair, "#outcome-title", "Ashgabat Declaration").await;
    type_into(&chair, "#outcome-preamble", "Recalling resolution 79/274,").await;
    type_into(
        &chair,
        "#outcome-operative",
        "[Welcomes the International Year of Peace and Trust]",
    )
    .await;
    submit(&chair, "#start-outcome-submit").await;
    wait_for_text(&chair, "#outcome-text", "Welcomes the International Year").await;
    wait_attr(&chair, "#outcome-status", "data-version", "1").await;
    delegate.goto(&outcome).await.unwrap();
    let operative = delegate
        .find(Locator::Css("#propose-paragraph option:last-child"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    select(&delegate, "#propose-paragraph", &operative).await;
    type_into(
        &delegate,
        "#propose-text",
        "Warmly welcomes the International Year of Peace and Trust",
    )
    .await;
    submit(&delegate, "#propose-submit").await;
    wait_for_text(&delegate, "#amendments", "Turkmenistan").await;
    chair.goto(&outcome).await.unwrap();
    let decision = chair.find(Locator::Css("select.decision")).await.unwrap();
    decision.select_by_value("accept").await.unwrap();
    submit(&chair, "#issue-version-submit").await;
    wait_for_text(&chair, "#outcome-text", "Warmly welcomes").await;
    wait_attr(&chair, "#outcome-status", "data-version", "2").await;
    click(&chair, "input.agree").await;
    submit(&chair, "#issue-version-submit").await;
    wait_attr(&chair, "#outcome-status", "data-version", "3").await;
    submit(&chair, "#adopt-submit").await;
    wait_for_text(&chair, "#outcome-status", "Adopted").await;
    wait_attr(&chair, "#outcome-status", "data-adopted", "3").await;
    let akn = http
        .get(format!("{base}/api/v1/conferences/{conf}/outcome.akn"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        akn.contains("Warmly welcomes the International Year of Peace and Trust"),
        "{akn}"
    );

    for c in [delegate, officer, door, chair] {
        c.close().await.unwrap();
    }
    drop(server);
}

/// Reads the QR code a badge draws (one SVG path of unit squares) back into its text: the
/// door's camera does this; the test does it to prove the printed code carries the ticket.
/// Versions 1–4 (what a 32-character ticket needs), any error-correction level and mask.
mod qr {
    pub fn read_badge(svg: &str) -> String {
        // `<rect width="N" …/><path transform="translate(4 4)" d="M x yh1v1h-1z…"`: N is the
        // code's width plus four modules of quiet zone each side.
        let at = svg.find("translate(4 4)").expect("the badge has a QR code");
        let rect = svg[..at].rfind("<rect width=\"").expect("the quiet zone") + 13;
        let n: usize = svg[rect..].split('"').next().unwrap().parse().unwrap();
        let d = &svg[at..];
        let d = &d[d.find("d=\"").unwrap() + 3..];
        let d = &d[..d.find('"').unwrap()];
        let w = n - 8;
        let mut dark = vec![vec![false; w]; w];
        for square in d.split('M').filter(|s| !s.is_empty()) {
            let xy = square.trim_end_matches("h1v1h-1z");
            let (x, y) = xy.split_once(' ').unwrap();
            dark[y.parse::<usize>().unwrap()][x.parse::<usize>().unwrap()] = true;
        }
        read(&dark).expect("a readable QR code")
    }

    fn function_modules(w: usize) -> Vec<Vec<bool>> {
        let align = (w > 21).then(|| w - 9..w - 4);
        (0..w)
            .map(|y| {
                (0..w)
                    .map(|x| {
                        // Finders with their separators and format areas, the timing lines,
                        // and (from version 2) the one alignment pattern.
                        (y < 9 && (x < 9 || x >= w - 8))
                            || (y >= w - 8 && x < 9)
                            || x == 6
                            || y == 6
                            || align
                                .as_ref()
                                .is_some_and(|r| r.contains(&x) && r.contains(&y))
                    })
                    .collect()
            })
            .collect()
    }

    fn masked(mask: usize, i: usize, j: usize) -> bool {
        match mask {
            0 => (i + j).is_multiple_of(2),
            1 => i.is_multiple_of(2),
            2 => j.is_multiple_of(3),
            3 => (i + j).is_multiple_of(3),
            4 => (i / 2 + j / 3).is_multiple_of(2),
            5 => (i * j) % 2 + (i * j) % 3 == 0,
            6 => ((i * j) % 2 + (i * j) % 3).is_multiple_of(2),
            _ => ((i + j) % 2 + (i * j) % 3).is_multiple_of(2),
        }
    }

    /// (blocks, data codewords per block) for versions 1–4 at levels L, M, Q, H.
    fn layouts(version: usize) -> [(usize, usize); 4] {
        match version {
            1 => [(1, 19), (1, 16), (1, 13), (1, 9)],
            2 => [(1, 34), (1, 28), (1, 22), (1, 16)],
            3 => [(1, 55), (1, 44), (2, 17), (2, 13)],
            _ => [(1, 80), (2, 32), (2, 24), (4, 9)],
        }
    }

    fn read(dark: &[Vec<bool>]) -> Option<String> {
        let w = dark.len();
        let version = (w - 17) / 4;
        assert!((1..=4).contains(&version), "version {version}");
        let func = function_modules(w);
        let mut order = Vec::new();
        let mut right = w as isize - 1;
        while right >= 1 {
            if right == 6 {
                right = 5;
            }
            for vert in 0..w {
                for j in 0..2 {
                    let x = (right - j) as usize;
                    let upward = ((right + 1) & 2) == 0;
                    let y = if upward { w - 1 - vert } else { vert };
                    if !func[y][x] {
                        order.push((y, x));
                    }
                }
            }
            right -= 2;
        }
        for mask in 0..8 {
            let bits: Vec<bool> = order
                .iter()
                .map(|&(y, x)| dark[y][x] ^ masked(mask, y, x))
                .collect();
            let codewords: Vec<u8> = bits
                .chunks(8)
                .filter(|c| c.len() == 8)
                .map(|c| c.iter().fold(0u8, |a, b| (a << 1) | *b as u8))
                .collect();
            for (blocks, per) in layouts(version) {
                let mut data = Vec::new();
                for b in 0..blocks {
                    for i in 0..per {
                        data.push(*codewords.get(i * blocks + b)?);
                    }
                }
                if let Some(text) = segments(&data)
                    && text.len() == 32
                    && text
                        .bytes()
                        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
                {
                    return Some(text);
                }
            }
        }
        None
    }

    fn segments(data: &[u8]) -> Option<String> {
        let mut at = 0usize;
        let bit = |i: usize| (data[i / 8] >> (7 - i % 8)) & 1;
        let take = |n: usize, at: &mut usize| -> Option<u32> {
            if *at + n > data.len() * 8 {
                return None;
            }
            let v = (0..n).fold(0u32, |a, k| (a << 1) | u32::from(bit(*at + k)));
            *at += n;
            Some(v)
        };
        let mut out = String::new();
        loop {
            let mode = match take(4, &mut at) {
                Some(m) => m,
                None => return Some(out),
            };
            match mode {
                0 => return Some(out),
                1 => {
                    let mut n = take(10, &mut at)? as usize;
                    while n > 0 {
                        let k = n.min(3);
                        let v = take([0, 4, 7, 10][k], &mut at)?;
                        out.push_str(&format!("{v:0k$}"));
                        n -= k;
                    }
                }
                2 => {
                    const T: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
                    let mut n = take(9, &mut at)? as usize;
                    while n >= 2 {
                        let v = take(11, &mut at)? as usize;
                        out.push(*T.get(v / 45)? as char);
                        out.push(*T.get(v % 45)? as char);
                        n -= 2;
                    }
                    if n == 1 {
                        out.push(*T.get(take(6, &mut at)? as usize)? as char);
                    }
                }
                4 => {
                    let n = take(8, &mut at)?;
                    for _ in 0..n {
                        out.push(take(8, &mut at)? as u8 as char);
                    }
                }
                _ => return None,
            }
        }
    }
}
