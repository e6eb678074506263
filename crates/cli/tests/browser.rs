//! End to end in a real browser: headless Chromium over WebDriver (Debian's chromedriver)
//! against the real `chamber serve` on a random loopback port.
//!
//! Without chromedriver the test skips with a printed reason, unless `CHAMBER_REQUIRE_BROWSER=1`
//! (CI), where that is a failure. `scripts/test` installs Debian's chromium and chromium-driver.

mod common;

use common::browser::*;
use common::{Server, temp_dir};
use fantoccini::Locator;

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
    let view = |name: &str| format!("{process_url}/{name}");

    // Eastmark writes in its caucus (the spaces view) and proposes wording (the text view).
    east.goto(&view("spaces")).await.unwrap();
    let caucus = "section[aria-label='Caucus: Government of Eastmark']";
    type_into(
        east,
        &format!("{caucus} input[name=title]"),
        "Red line on the corridor",
    )
    .await;
    type_into(
        east,
        &format!("{caucus} textarea[name=body]"),
        "Convoys weekly, never daily",
    )
    .await;
    submit(east, &format!("{caucus} button[type=submit]")).await;
    wait_for_text(east, "main", "Red line on the corridor").await;
    east.goto(&view("text")).await.unwrap();
    type_into(
        east,
        "#propose textarea[name=text]",
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

    // The Highlands delegate sees none of it, on any view.
    for name in ["", "/spaces", "/text"] {
        high.goto(&format!("{process_url}{name}")).await.unwrap();
        let seen = page_text(high).await;
        for secret in [
            "Red line on the corridor",
            "Eastmark asks for a fixed hour",
            "Caucus: Government of Eastmark",
        ] {
            assert!(
                !seen.contains(secret),
                "leaked to the other party on {name}: {secret}"
            );
        }
    }

    // The mediator sees the proposed wording, merges it reworded into a new version and
    // looks at the diff.
    mediator.goto(&view("text")).await.unwrap();
    assert!(
        text_of(mediator, ".proposed-wording")
            .await
            .contains("cease fire at 00:00 UTC")
    );
    click(mediator, "input[name^='decision_'][value='merge']").await;
    mediator
        .execute(
            "document.querySelector(\"textarea[name^='wording_']\").value = arguments[0]",
            vec![serde_json::json!(
                "The parties shall cease fire at 00:00 UTC on the day after signature"
            )],
        )
        .await
        .unwrap();
    type_into(
        mediator,
        "#issue-version input[name=note]",
        "Fixed hour merged",
    )
    .await;
    submit(mediator, "#issue-version button[type=submit]").await;
    wait_for_text(mediator, "main", "Fixed hour merged").await;
    submit(mediator, "#diff-link").await;
    // A word diff: the merged words are marked inside the paragraph's old wording.
    let diff = wait_for_text(mediator, "#diff", "cease fire at 00:00 UTC").await;
    assert!(diff.contains("after signature"), "{diff}");
    assert!(
        mediator.find(Locator::Css("#diff ins")).await.is_ok(),
        "no inserted words marked"
    );

    // Everything open is agreed, the agreement adopted (after the confirm step), a provision
    // scored.
    mediator.goto(&view("text")).await.unwrap();
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
    mediator.goto(&view("agreement")).await.unwrap();
    submit(mediator, "#adopt-link").await;
    submit(mediator, "#adopt-confirm-button").await;
    wait_for_text(mediator, "#status", "").await;
    click(mediator, "#score select[name=level] option[value='3']").await;
    type_into(
        mediator,
        "#score textarea[name=evidence]",
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
    high.goto(&view("agreement")).await.unwrap();
    assert!(
        text_of(high, "#agreement")
            .await
            .contains("Monitors confirm the ceasefire holds")
    );
    high.goto(&view("spaces")).await.unwrap();
    assert!(!page_text(high).await.contains("Red line on the corridor"));
    for client in people {
        client.close().await.unwrap();
    }
}
